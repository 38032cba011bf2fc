//! `vexil audit`: who changed what, newest first, one page at a time (or `--all`).

use clap::Args;
use serde_json::{Value, json};

use super::output::{at, table};
use super::{CliError, Client, GlobalArgs, Shown};

/// `vexil audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Server, token, project, output.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Only entries about this flag (its definition and its configurations).
    #[arg(long, conflicts_with = "resource_key")]
    pub flag: Option<String>,
    /// Only this kind of resource, e.g. `flag`, `flag_config`, `segment`, `sdk_key`.
    #[arg(long)]
    pub resource_type: Option<String>,
    /// Only this resource (exact key) or, ending in `/`, the resources under it.
    #[arg(long)]
    pub resource_key: Option<String>,
    /// Only this actor, e.g. `user:ada@example.com` or `token:ci`.
    #[arg(long)]
    pub actor: Option<String>,
    /// Only entries at or after this time (RFC 3339).
    #[arg(long)]
    pub since: Option<String>,
    /// Only entries before this time (RFC 3339).
    #[arg(long)]
    pub until: Option<String>,
    /// Entries per page (1 to 1000).
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Continue after the page that printed this cursor.
    #[arg(long, conflicts_with = "all")]
    pub cursor: Option<String>,
    /// Every matching entry, following the pages.
    #[arg(long)]
    pub all: bool,
    /// Entries of every project the token may read, not only `--project`'s.
    #[arg(long)]
    pub all_projects: bool,
}

/// Runs `vexil audit`. JSON output is `{items, next_cursor}` (`next_cursor` absent on the
/// last page).
pub async fn run(args: AuditArgs) -> Result<Shown, CliError> {
    let c = Client::new(&args.global)?;
    let mut query: Vec<(&str, String)> = vec![("limit", args.limit.to_string())];
    if !args.all_projects {
        query.push(("project", c.project.clone()));
    }
    let filters = [
        ("resource_type", args.resource_type.clone()),
        ("actor", args.actor.clone()),
        ("since", args.since.clone()),
        ("until", args.until.clone()),
    ];
    query.extend(filters.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))));
    let (items, next) = match (&args.flag, &args.resource_key) {
        // A flag's entries are its definition's (`project/flag`) and its configurations'
        // (`project/flag/env`): two queries, merged newest first. Their cursors cannot
        // be one, so `--flag` pages only with `--all`.
        (Some(flag), _) => {
            if args.cursor.is_some() {
                return Err(CliError::Input("--flag cannot continue at a --cursor; use --all".to_owned()));
            }
            let key = format!("{}/{flag}", c.project);
            let mut q1 = query.clone();
            q1.push(("resource_key", key.clone()));
            let mut q2 = query.clone();
            q2.push(("resource_key", format!("{key}/")));
            let (mut a, more_a) = pages(&c, q1, None, args.all).await?;
            let (b, more_b) = pages(&c, q2, None, args.all).await?;
            a.extend(b);
            a.sort_by_key(|e| std::cmp::Reverse(e["id"].as_i64().unwrap_or(0)));
            if !args.all {
                a.truncate(args.limit as usize);
            }
            let more = (more_a.is_some() || more_b.is_some()).then(String::new);
            (a, more)
        }
        (None, key) => {
            if let Some(k) = key {
                query.push(("resource_key", k.clone()));
            }
            pages(&c, query, args.cursor.clone(), args.all).await?
        }
    };
    let rows = items.iter().map(|e| {
        vec![
            at(e, "at"),
            at(e, "actor"),
            at(e, "action"),
            format!("{}{}", at(e, "resource_key"), env_suffix(e)),
            at(e, "comment"),
        ]
    });
    let mut human = table(&["AT", "ACTOR", "ACTION", "RESOURCE", "COMMENT"], rows);
    let mut json = json!({"items": items});
    match next {
        Some(n) if n.is_empty() => human.push_str("\nmore entries: add --all"),
        Some(n) => {
            human.push_str(&format!("\nmore: vexil audit --cursor {n} (same filters)"));
            if let Some(o) = json.as_object_mut() {
                o.insert("next_cursor".to_owned(), json!(n));
            }
        }
        None => {}
    }
    Ok(Shown::new(json, human))
}

/// One page (or, with `all`, every page) from `cursor`; the items and the next cursor.
async fn pages(
    c: &Client,
    query: Vec<(&str, String)>,
    mut cursor: Option<String>,
    all: bool,
) -> Result<(Vec<Value>, Option<String>), CliError> {
    let path = Client::api_path(&["audit"]);
    let mut items = Vec::new();
    loop {
        let mut q = query.clone();
        if let Some(cur) = &cursor {
            q.push(("cursor", cur.clone()));
        }
        let page = c.get(&path, &q).await?.body;
        items.extend(page["items"].as_array().cloned().unwrap_or_default());
        match page.get("next_cursor").and_then(Value::as_str).map(str::to_owned) {
            Some(n) if all => cursor = Some(n),
            other => return Ok((items, other)),
        }
    }
}

fn env_suffix(e: &Value) -> String {
    match e["environment"].as_str() {
        Some(env) if !env.is_empty() => format!(" @{env}"),
        _ => String::new(),
    }
}
