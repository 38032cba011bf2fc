//! `vexil flags ...`: flag definitions, and their configuration per environment as
//! semantic patches (`PATCH .../flags/{flag}/environments/{env}`, decision 0009): the
//! instructions apply to whatever is current, so a pipeline never reverts a change made
//! in the dashboard meanwhile.

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::output::{at, cell, fields, table};
use super::{CliError, Client, GlobalArgs, Shown, Write};

/// `vexil flags`.
#[derive(Debug, Args)]
pub struct FlagsArgs {
    /// Server, token, project, output.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: FlagsCommand,
}

/// Value type of a new flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// `true`/`false` (variants `on` and `off` unless given).
    Boolean,
    /// Strings.
    String,
    /// Numbers.
    Number,
    /// Any JSON.
    Json,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Boolean => "boolean",
            Kind::String => "string",
            Kind::Number => "number",
            Kind::Json => "json",
        }
    }
}

/// `vexil flags ...` subcommands.
#[derive(Debug, Subcommand)]
pub enum FlagsCommand {
    /// List the project's flags (all pages), with their state per environment.
    List {
        /// Archived flags instead of active ones.
        #[arg(long)]
        archived: bool,
        /// Only flags with this tag.
        #[arg(long)]
        tag: Option<String>,
        /// Only flags whose key, name or a tag contains this (case-insensitive).
        #[arg(long)]
        search: Option<String>,
    },
    /// Show a flag; with `--env`, its configuration there.
    Get {
        /// The flag's key.
        flag: String,
        /// An environment's key: show the configuration there instead.
        #[arg(long, short = 'e')]
        env: Option<String>,
    },
    /// Create a flag. It starts off in every environment (deployed dark).
    Create {
        /// The flag's key (lower-case slug; cannot change later).
        flag: String,
        /// Value type.
        #[arg(long, value_enum, default_value_t = Kind::Boolean)]
        kind: Kind,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// What the flag controls.
        #[arg(long)]
        description: Option<String>,
        /// A label (repeatable).
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// A variant as `KEY=VALUE`, VALUE in JSON (`blue="#00f"`, `big=10`); repeatable.
        /// A boolean flag without any gets `on` (true) and `off` (false).
        #[arg(long = "variant", value_name = "KEY=JSON")]
        variants: Vec<String>,
        /// Meant to stay (not reported as stale or as clean-up).
        #[arg(long)]
        permanent: bool,
        /// Client (browser) SDK keys may evaluate it.
        #[arg(long)]
        client_visible: bool,
        /// A user's email or a team name.
        #[arg(long)]
        owner: Option<String>,
        /// Sent as `Idempotency-Key`: a retried creation with the same key answers the
        /// first result instead of a conflict (e.g. the pipeline's run id).
        #[arg(long)]
        idempotency_key: Option<String>,
        /// Succeed, showing the existing flag, when a flag with this key exists already
        /// (for pipelines that run again).
        #[arg(long)]
        if_not_exists: bool,
    },
    /// Archive a flag (it leaves every snapshot; `vexil flags restore` brings it back).
    Archive {
        /// The flag's key.
        flag: String,
    },
    /// Bring an archived flag back.
    Restore {
        /// The flag's key.
        flag: String,
    },
    /// Turn a flag on in an environment (`turn_on`).
    On(EnvEdit),
    /// Turn a flag off in an environment (`turn_off`): it serves its off variant.
    Off(EnvEdit),
    /// Split what the default (or a rule) serves between variants (`set_rollout`); only
    /// the users the new shares require move.
    SetRollout {
        /// Flag, environment, comment.
        #[command(flatten)]
        edit: EnvEdit,
        /// Shares as `VARIANT=PERCENT,...` summing to 100 (`on=10,off=90`); or, with a
        /// single `VARIANT=PERCENT` on a boolean flag, the rest goes to the other one.
        #[arg(long, value_delimiter = ',', required = true, value_name = "VARIANT=PERCENT")]
        weights: Vec<String>,
        /// The rule's id; absent sets the default's rollout.
        #[arg(long)]
        rule: Option<String>,
        /// The context attribute hashed (absent keeps the current one).
        #[arg(long)]
        bucket_by: Option<String>,
    },
    /// Serve one variant by default (or from one rule): `set_default` / `set_rule_serve`.
    Serve {
        /// Flag, environment, comment.
        #[command(flatten)]
        edit: EnvEdit,
        /// The variant's key.
        variant: String,
        /// The rule's id; absent sets the default.
        #[arg(long)]
        rule: Option<String>,
    },
}

/// A flag in one environment, and why it changes.
#[derive(Debug, Clone, Args)]
pub struct EnvEdit {
    /// The flag's key.
    pub flag: String,
    /// The environment's key.
    #[arg(long, short = 'e', env = "VEXIL_ENV")]
    pub env: String,
    /// Why, for the audit log.
    #[arg(long, short = 'm')]
    pub comment: Option<String>,
}

/// Runs `vexil flags ...`.
pub async fn run(args: FlagsArgs) -> Result<Shown, CliError> {
    let client = Client::new(&args.global)?;
    let c = &client;
    match args.command {
        FlagsCommand::List { archived, tag, search } => list(c, archived, tag, search).await,
        FlagsCommand::Get { flag, env: None } => {
            let f = c.get(&c.project_path(&["flags", &flag]), &[]).await.map_err(flag_hint)?.body;
            Ok(Shown::new(f.clone(), show_flag(&f)))
        }
        FlagsCommand::Get { flag, env: Some(env) } => {
            let path = c.project_path(&["flags", &flag, "environments", &env]);
            let cfg = c.get(&path, &[]).await.map_err(flag_hint)?.body;
            Ok(Shown::new(cfg.clone(), show_config(&cfg)))
        }
        FlagsCommand::Create {
            flag,
            kind,
            name,
            description,
            tags,
            variants,
            permanent,
            client_visible,
            owner,
            idempotency_key,
            if_not_exists,
        } => {
            let mut body = json!({"key": flag, "kind": kind.as_str()});
            let mut put = |k: &str, v: Value| {
                if let Some(o) = body.as_object_mut() {
                    o.insert(k.to_owned(), v);
                }
            };
            if let Some(n) = name {
                put("name", json!(n));
            }
            if let Some(d) = description {
                put("description", json!(d));
            }
            if !tags.is_empty() {
                put("tags", json!(tags));
            }
            if !variants.is_empty() {
                put(
                    "variants",
                    Value::Array(variants.iter().map(|v| parse_variant(v)).collect::<Result<_, _>>()?),
                );
            }
            if permanent {
                put("lifecycle", json!("permanent"));
            }
            if client_visible {
                put("client_visible", json!(true));
            }
            if let Some(o) = owner {
                put("owner", json!(o));
            }
            let write = Write { if_match: None, idempotency_key };
            match c.post(&c.project_path(&["flags"]), &body, &write).await {
                Ok(r) => Ok(Shown::new(r.body.clone(), format!("created flag {flag} (off everywhere)"))),
                Err(CliError::Conflict { status: 409, .. }) if if_not_exists => {
                    let f = c.get(&c.project_path(&["flags", &flag]), &[]).await?.body;
                    Ok(Shown::new(f, format!("flag {flag} exists already")))
                }
                Err(e) => Err(e),
            }
        }
        FlagsCommand::Archive { flag } => {
            let r =
                c.post(&c.project_path(&["flags", &flag, "archive"]), &json!({}), &Write::default()).await;
            let f = r.map_err(flag_hint)?.body;
            Ok(Shown::new(f, format!("archived flag {flag}")))
        }
        FlagsCommand::Restore { flag } => {
            let r =
                c.post(&c.project_path(&["flags", &flag, "restore"]), &json!({}), &Write::default()).await;
            let f = r.map_err(flag_hint)?.body;
            Ok(Shown::new(f, format!("restored flag {flag}")))
        }
        FlagsCommand::On(edit) => patch(c, &edit, vec![json!({"kind": "turn_on"})], "turned on").await,
        FlagsCommand::Off(edit) => patch(c, &edit, vec![json!({"kind": "turn_off"})], "turned off").await,
        FlagsCommand::SetRollout { edit, weights, rule, bucket_by } => {
            let weights = rollout_weights(c, &edit.flag, &weights).await?;
            let mut instruction = json!({"kind": "set_rollout", "weights": weights});
            if let Some(o) = instruction.as_object_mut() {
                if let Some(r) = rule {
                    o.insert("rule".to_owned(), json!(r));
                }
                if let Some(b) = bucket_by {
                    o.insert("bucket_by".to_owned(), json!(b));
                }
            }
            patch(c, &edit, vec![instruction], "rollout set").await
        }
        FlagsCommand::Serve { edit, variant, rule } => {
            let serve = json!({"variant": variant});
            let instruction = match rule {
                None => json!({"kind": "set_default", "serve": serve}),
                Some(r) => json!({"kind": "set_rule_serve", "rule": r, "serve": serve}),
            };
            patch(c, &edit, vec![instruction], &format!("serving {variant}")).await
        }
    }
}

/// Sends a semantic patch of one flag's configuration in one environment.
async fn patch(c: &Client, edit: &EnvEdit, instructions: Vec<Value>, done: &str) -> Result<Shown, CliError> {
    let mut body = json!({"instructions": instructions});
    if let (Some(o), Some(m)) = (body.as_object_mut(), &edit.comment) {
        o.insert("comment".to_owned(), json!(m));
    }
    let path = c.project_path(&["flags", &edit.flag, "environments", &edit.env]);
    let cfg = c.patch(&path, &body, &Write::default()).await.map_err(flag_hint)?.body;
    let human = format!(
        "{} in {}: {done} (version {})\n{}",
        edit.flag,
        edit.env,
        at(&cfg, "version"),
        show_config(&cfg)
    );
    Ok(Shown::new(cfg, human))
}

/// `on=10,off=90` (percent) as shares out of 100 000; a single `VARIANT=P` on a flag
/// with two variants gives the rest to the other.
async fn rollout_weights(c: &Client, flag: &str, specs: &[String]) -> Result<Vec<Value>, CliError> {
    let mut shares: Vec<(String, u32)> = Vec::new();
    for s in specs {
        let (variant, percent) = s
            .split_once('=')
            .ok_or_else(|| CliError::Input(format!("--weights takes VARIANT=PERCENT, not {s:?}")))?;
        let p: f64 = percent
            .trim()
            .trim_end_matches('%')
            .parse()
            .ok()
            .filter(|p: &f64| (0.0..=100.0).contains(p))
            .ok_or_else(|| CliError::Input(format!("{percent:?} is not a percent between 0 and 100")))?;
        // Thousandths of a percent, as the API counts shares.
        shares.push((variant.trim().to_owned(), (p * 1000.0).round() as u32));
    }
    if shares.len() == 1 {
        let f = c.get(&c.project_path(&["flags", flag]), &[]).await.map_err(flag_hint)?.body;
        let others: Vec<String> = f["variants"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v["key"].as_str())
            .filter(|k| *k != shares[0].0)
            .map(str::to_owned)
            .collect();
        match others.as_slice() {
            [other] => shares.push((other.clone(), 100_000 - shares[0].1.min(100_000))),
            _ => {
                return Err(CliError::Input(format!(
                    "flag {flag} has {} other variants: give every variant's share (--weights a=10,b=90)",
                    others.len()
                )));
            }
        }
    }
    let total: u32 = shares.iter().map(|(_, w)| *w).sum();
    if total != 100_000 {
        return Err(CliError::Input(format!(
            "the shares add up to {}%, not 100%",
            f64::from(total) / 1000.0
        )));
    }
    Ok(shares.into_iter().map(|(variant, weight)| json!({"variant": variant, "weight": weight})).collect())
}

/// `KEY=JSON` as a variant; a value that is not JSON is taken as a string.
fn parse_variant(s: &str) -> Result<Value, CliError> {
    let (key, value) =
        s.split_once('=').ok_or_else(|| CliError::Input(format!("--variant takes KEY=VALUE, not {s:?}")))?;
    let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()));
    Ok(json!({"key": key, "value": value}))
}

fn flag_hint(e: CliError) -> CliError {
    e.with_not_found_hint("`vexil flags list` shows the project's flags, `--project` picks another project")
}

async fn list(
    c: &Client,
    archived: bool,
    tag: Option<String>,
    search: Option<String>,
) -> Result<Shown, CliError> {
    let mut query = vec![("limit", "1000".to_owned())];
    if archived {
        query.push(("archived", "true".to_owned()));
    }
    if let Some(t) = tag {
        query.push(("tag", t));
    }
    if let Some(q) = search {
        query.push(("q", q));
    }
    let items = all_pages(c, &c.project_path(&["flags"]), query).await?;
    let rows = items.iter().map(|f| vec![at(f, "key"), at(f, "kind"), at(f, "name"), env_states(f)]);
    let human = table(&["KEY", "KIND", "NAME", "ENVIRONMENTS"], rows);
    Ok(Shown::new(Value::Array(items), human))
}

fn env_states(f: &Value) -> String {
    f.get("environments")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, s)| format!("{k}:{}", if s["enabled"] == json!(true) { "on" } else { "off" }))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

fn show_flag(f: &Value) -> String {
    let variants = f["variants"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| format!("{}={}", at(v, "key"), v["value"]))
        .collect::<Vec<_>>()
        .join(", ");
    fields(&[
        ("key", at(f, "key")),
        ("name", at(f, "name")),
        ("kind", at(f, "kind")),
        ("variants", variants),
        ("lifecycle", at(f, "lifecycle")),
        (
            "tags",
            f["tags"]
                .as_array()
                .map(|t| t.iter().map(cell).collect::<Vec<_>>().join(", "))
                .unwrap_or_default(),
        ),
        ("archived", at(f, "archived")),
        ("environments", env_states(f)),
        ("version", at(f, "version")),
    ])
}

/// A configuration in a few lines: on/off, what the default serves, rules and targets.
pub fn show_config(cfg: &Value) -> String {
    let serve = |s: &Value| -> String {
        if let Some(v) = s.get("variant") {
            cell(v)
        } else if let Some(r) = s.get("rollout") {
            r["weights"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|w| format!("{} {}%", at(w, "variant"), w["weight"].as_f64().unwrap_or(0.0) / 1000.0))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            cell(s)
        }
    };
    let rules = cfg["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| format!("{} → {}", at(r, "id"), serve(&r["serve"])))
        .collect::<Vec<_>>()
        .join("; ");
    let targets = cfg["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| format!("{}: {} key(s)", at(t, "variant"), t["keys"].as_array().map_or(0, Vec::len)))
        .collect::<Vec<_>>()
        .join("; ");
    fields(&[
        ("flag", at(cfg, "flag")),
        ("environment", at(cfg, "environment")),
        ("enabled", at(cfg, "enabled")),
        ("default", serve(&cfg["default"])),
        ("off variant", at(cfg, "off_variant")),
        ("rules", rules),
        ("targets", targets),
        ("version", at(cfg, "version")),
    ])
}

/// Every item of a cursor-paginated list (`{items, next_cursor}`), following cursors.
pub async fn all_pages(c: &Client, path: &str, query: Vec<(&str, String)>) -> Result<Vec<Value>, CliError> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut q = query.clone();
        if let Some(cur) = &cursor {
            q.push(("cursor", cur.clone()));
        }
        let page = c.get(path, &q).await?.body;
        if let Some(a) = page.get("items").and_then(Value::as_array) {
            items.extend(a.iter().cloned());
        }
        match page.get("next_cursor").and_then(Value::as_str) {
            Some(cur) if !cur.is_empty() => cursor = Some(cur.to_owned()),
            _ => return Ok(items),
        }
    }
}
