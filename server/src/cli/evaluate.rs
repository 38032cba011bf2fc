//! `vexil evaluate FLAG --env E --context ...`: what a flag serves a context, and why
//! (the server's explanation: prerequisites, targets, each rule's conditions, the bucket).

use clap::Args;
use serde_json::{Map, Value, json};

use super::output::{at, cell, fields};
use super::{CliError, Client, GlobalArgs, Shown, Write};

/// `vexil evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Server, token, project, output.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The flag's key.
    pub flag: String,
    /// The environment's key.
    #[arg(long, short = 'e', env = "VEXIL_ENV")]
    pub env: String,
    /// The context as JSON: `{"key": "u1", "attributes": {...}}`, or flat
    /// (`{"key": "u1", "plan": "pro"}`; `targetingKey` is taken as the key, as OFREP does).
    #[arg(long, short = 'c', value_name = "JSON")]
    pub context: Option<String>,
    /// Context fields as `NAME=VALUE` (`key=u1 plan=pro age=42`); VALUE is read as JSON
    /// when it is JSON, as a string otherwise. Added to `--context`.
    #[arg(value_name = "NAME=VALUE")]
    pub pairs: Vec<String>,
}

/// Runs `vexil evaluate`. JSON output is the flag's explanation as the server returns it
/// (`{flag, result, enabled, prerequisites, target_matched, rules, bucket}`).
pub async fn run(args: EvaluateArgs) -> Result<Shown, CliError> {
    let c = Client::new(&args.global)?;
    let context = build_context(args.context.as_deref(), &args.pairs)?;
    let body = json!({"context": context, "flag": args.flag});
    let path = c.project_path(&["environments", &args.env, "evaluate"]);
    let answer = c.post(&path, &body, &Write::default()).await?.body;
    let explanation = answer["results"]
        .as_array()
        .and_then(|r| r.iter().find(|e| e["flag"] == json!(args.flag)))
        .cloned()
        .ok_or_else(|| CliError::NotFound {
            detail: format!("environment {} has no flag {}", args.env, args.flag),
            hint: "; `vexil flags list` shows the project's flags".to_owned(),
        })?;
    let human = explain(&explanation);
    Ok(Shown::new(explanation, human))
}

/// The `DebugContext` the evaluate route takes, from `--context` and `NAME=VALUE` pairs.
fn build_context(json_text: Option<&str>, pairs: &[String]) -> Result<Value, CliError> {
    let mut key: Option<Value> = None;
    let mut attributes = Map::new();
    if let Some(text) = json_text {
        let v: Value = serde_json::from_str(text).map_err(|e| {
            CliError::Input(format!(
                "--context is not JSON ({e}); pass an object such as '{{\"key\":\"u1\"}}'"
            ))
        })?;
        let Value::Object(mut o) = v else {
            return Err(CliError::Input("--context must be a JSON object".to_owned()));
        };
        if let Some(Value::Object(a)) = o.remove("attributes") {
            attributes.extend(a);
        }
        key = o.remove("key").or_else(|| o.remove("targetingKey"));
        attributes.extend(o);
    }
    for p in pairs {
        let (name, value) = p
            .split_once('=')
            .ok_or_else(|| CliError::Input(format!("context fields are NAME=VALUE, not {p:?}")))?;
        if name.is_empty() {
            return Err(CliError::Input(format!("context field {p:?} has no name")));
        }
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()));
        if name == "key" || name == "targetingKey" {
            // The key is a string even when it looks like a number.
            key = Some(Value::String(p[name.len() + 1..].to_owned()));
        } else {
            attributes.insert(name.to_owned(), value);
        }
    }
    Ok(json!({"key": key, "attributes": attributes}))
}

/// The explanation in lines: the result, then each step evaluation took.
fn explain(e: &Value) -> String {
    let r = &e["result"];
    let mut pairs = vec![
        ("flag", at(e, "flag")),
        ("variant", at(r, "variant")),
        ("value", r.get("value").map(|v| v.to_string()).unwrap_or_default()),
        ("reason", at(r, "reason")),
        ("enabled", at(e, "enabled")),
    ];
    if let Some(code) = r.get("error_code") {
        pairs.push(("error", cell(code)));
    }
    if let Some(id) = r.get("rule_id") {
        pairs.push(("rule", cell(id)));
    }
    let mut out = fields(&pairs);
    for p in e["prerequisites"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "prerequisite {}: needs {}, served {} → {}\n",
            at(p, "flag"),
            at(p, "required_variant"),
            at(p, "served_variant"),
            if p["holds"] == json!(true) { "holds" } else { "fails" }
        ));
    }
    if let Some(t) = e.get("target_matched").filter(|t| !t.is_null()) {
        out.push_str(&format!(
            "individual targets: {}\n",
            if t == &json!(true) { "matched" } else { "no match" }
        ));
    }
    for rule in e["rules"].as_array().into_iter().flatten() {
        let id = at(rule, "id");
        let name = if id.is_empty() { format!("#{}", at(rule, "index")) } else { id };
        out.push_str(&format!(
            "rule {name}: {}\n",
            if rule["matched"] == json!(true) { "matched" } else { "did not match" }
        ));
        for cond in rule["conditions"].as_array().into_iter().flatten() {
            out.push_str(&format!("  {}\n", condition_line(cond)));
        }
    }
    if let Some(b) = e.get("bucket").filter(|b| !b.is_null()) {
        out.push_str(&format!(
            "bucket: {} of 100000, hashing {} ({}){}\n",
            at(b, "bucket"),
            at(b, "bucket_by"),
            at(b, "hashed_value"),
            if b["fell_back_to_key"] == json!(true) { ", fell back to the key" } else { "" }
        ));
    }
    out
}

fn condition_line(c: &Value) -> String {
    format!(
        "{}{} {} (actual {}): {}",
        if c["negate"] == json!(true) { "not " } else { "" },
        at(c, "attribute"),
        at(c, "op"),
        c.get("actual").map_or_else(
            || "absent".to_owned(),
            |v| if v.is_null() { "absent".to_owned() } else { v.to_string() }
        ),
        if c["holds"] == json!(true) { "holds" } else { "fails" }
    )
}
