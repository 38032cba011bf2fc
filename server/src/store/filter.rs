//! A `where` clause built from the filters given, so that each list statement names only
//! the conditions that apply and the planner can pick the index that serves them
//! (decision 0035). A `($n is null or col = $n)` twin, by contrast, is planned once for
//! every combination and walks the whole table.

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Arguments as _};

use super::Result;

/// One bound value.
#[derive(Debug, Clone)]
pub(super) enum Arg {
    Int(i64),
    Text(String),
}

/// Conditions joined by `and`, with their values numbered `$1`, `$2`, ... in order.
#[derive(Debug, Default)]
pub(super) struct Where {
    clauses: Vec<String>,
    args: Vec<Arg>,
}

impl Where {
    pub(super) fn new() -> Where {
        Where::default()
    }

    /// The placeholder of a new value.
    pub(super) fn arg(&mut self, value: Arg) -> String {
        self.args.push(value);
        format!("${}", self.args.len())
    }

    pub(super) fn text(&mut self, value: impl Into<String>) -> String {
        self.arg(Arg::Text(value.into()))
    }

    pub(super) fn int(&mut self, value: i64) -> String {
        self.arg(Arg::Int(value))
    }

    /// `column in ($n, ...)` with one placeholder per key; `keys` must not be empty.
    pub(super) fn texts_in(&mut self, column: &str, keys: &[&str]) -> String {
        let placeholders: Vec<String> = keys.iter().map(|k| self.text(*k)).collect();
        format!("{column} in ({})", placeholders.join(", "))
    }

    /// Adds a condition (written with placeholders from [`Where::arg`]).
    pub(super) fn and(&mut self, clause: impl Into<String>) {
        self.clauses.push(clause.into());
    }

    /// `where a and b ...`, or nothing.
    pub(super) fn sql(&self) -> String {
        if self.clauses.is_empty() { String::new() } else { format!("where {}", self.clauses.join(" and ")) }
    }

    /// The statement with the values bound.
    pub(super) fn bind<'q>(&self, sql: &'q str) -> Result<Query<'q, Any, AnyArguments<'q>>> {
        let mut args = AnyArguments::default();
        for a in &self.args {
            match a {
                Arg::Int(i) => args.add(*i),
                Arg::Text(s) => args.add(s.clone()),
            }
            .map_err(sqlx::Error::Encode)?;
        }
        Ok(sqlx::query_with(sql, args))
    }
}
