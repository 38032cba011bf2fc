//! `vexil rollout ...`: the guarded progressive rollout (release plan) of a flag in one
//! environment (`/projects/{p}/flags/{f}/environments/{e}/release-plan`, decision 0020).
//! `wait` is what a pipeline calls after `start`: it polls the plan until the server's
//! runner completes or rolls it back, and exits 0, [`super::exit::ROLLED_BACK`] or
//! [`super::exit::TIMED_OUT`].

use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::output::{at, fields};
use super::{CliError, Client, GlobalArgs, Shown, Write};

/// `vexil rollout`.
#[derive(Debug, Args)]
pub struct RolloutArgs {
    /// Server, token, project, output.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: RolloutCommand,
}

/// A flag in one environment.
#[derive(Debug, Clone, Args)]
pub struct Target {
    /// The flag's key.
    pub flag: String,
    /// The environment's key.
    #[arg(long, short = 'e', env = "VEXIL_ENV")]
    pub env: String,
}

/// `vexil rollout ...` subcommands.
#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// Create a release plan and start it: the treatment's share steps up while
    /// guardrails compare it with the control; a worse guardrail rolls it back.
    Start {
        /// Flag and environment.
        #[command(flatten)]
        target: Target,
        /// The variant rolled out.
        #[arg(long, default_value = "on")]
        treatment: String,
        /// The variant it replaces (and is compared with).
        #[arg(long, default_value = "off")]
        control: String,
        /// The treatment's percent per step, rising, the last 100.
        #[arg(long, value_delimiter = ',', default_value = "1,5,25,50,100")]
        steps: Vec<f64>,
        /// How long each step lasts at least, in seconds.
        #[arg(long, default_value_t = 600)]
        step_seconds: u64,
        /// Exposures each arm needs on a step before it advances (default: the server's).
        #[arg(long)]
        min_exposures: Option<u64>,
        /// A guardrail as `EVENT:MEASURE[:TOLERANCE[:lower]]`: MEASURE is `rate`, `mean`
        /// or `p95`; TOLERANCE the relative margin (0.1 = 10 %); `lower` when a lower value
        /// is worse. Repeatable.
        #[arg(long = "guardrail", value_name = "EVENT:MEASURE[:TOL[:lower]]")]
        guardrails: Vec<String>,
        /// Roll out what this rule serves instead of the default.
        #[arg(long)]
        rule: Option<String>,
        /// The whole plan as a JSON file (`-` for standard input), as
        /// `POST .../release-plan` takes it; replaces the options above.
        #[arg(long, value_name = "FILE")]
        spec: Option<std::path::PathBuf>,
        /// Create the plan without starting it.
        #[arg(long)]
        draft: bool,
    },
    /// Show the plan: state, step, share, the last analysis.
    Status(Target),
    /// Wait until the plan completes (exit 0) or is rolled back (exit 7); exit 8 when
    /// `--timeout` passes first. Progress goes to standard error.
    Wait {
        /// Flag and environment.
        #[command(flatten)]
        target: Target,
        /// Give up after this many seconds (the plan goes on running).
        #[arg(long, default_value_t = 3600)]
        timeout: u64,
        /// Seconds between looks.
        #[arg(long, default_value_t = 10)]
        interval: u64,
    },
    /// Pause a running plan (it stays on its step).
    Pause(Target),
    /// Resume a paused plan.
    Resume(Target),
    /// Move to the next step now.
    Advance(Target),
    /// Roll back: serve the control to everyone and end the plan.
    Rollback(Target),
}

/// Runs `vexil rollout ...`.
pub async fn run(args: RolloutArgs) -> Result<Shown, CliError> {
    let c = Client::new(&args.global)?;
    let c = &c;
    match args.command {
        RolloutCommand::Start {
            target,
            treatment,
            control,
            steps,
            step_seconds,
            min_exposures,
            guardrails,
            rule,
            spec,
            draft,
        } => {
            let body = match spec {
                Some(path) => read_spec(&path)?,
                None => {
                    let steps: Vec<Value> = steps
                        .iter()
                        .map(|p| {
                            let mut s = json!({"percent": p, "min_duration_seconds": step_seconds});
                            if let (Some(o), Some(m)) = (s.as_object_mut(), min_exposures) {
                                o.insert("min_exposures".to_owned(), json!(m));
                            }
                            s
                        })
                        .collect();
                    let guardrails =
                        guardrails.iter().map(|g| parse_guardrail(g)).collect::<Result<Vec<_>, _>>()?;
                    let mut b = json!({"treatment": treatment, "control": control, "steps": steps, "guardrails": guardrails});
                    if let (Some(o), Some(r)) = (b.as_object_mut(), rule) {
                        o.insert("rule".to_owned(), json!(r));
                    }
                    b
                }
            };
            let path = plan_path(c, &target, None);
            let created = c.post(&path, &body, &Write::default()).await.map_err(hint)?;
            if draft {
                let human = format!(
                    "created a draft plan for {} in {}\n{}",
                    target.flag,
                    target.env,
                    show(&created.body)
                );
                return Ok(Shown::new(created.body, human));
            }
            let write = Write { if_match: created.etag, idempotency_key: None };
            let started = c.post(&plan_path(c, &target, Some("start")), &json!({}), &write).await?;
            // 202: the environment requires approval; the plan starts when its change
            // request is approved.
            let what = match started.body.get("change_request_id").and_then(Value::as_i64) {
                Some(id) if started.status == 202 => format!(
                    "asked to start the rollout of {} in {}: the environment requires approval, so the plan \
                     starts when change request #{id} is approved (dashboard: Change requests); \
                     `vexil rollout wait` waits for it",
                    target.flag, target.env
                ),
                _ => format!("started the rollout of {} in {}", target.flag, target.env),
            };
            let human = format!("{what}\n{}", show(&started.body));
            Ok(Shown::new(started.body, human))
        }
        RolloutCommand::Status(target) => {
            let plan = c.get(&plan_path(c, &target, None), &[]).await.map_err(hint)?.body;
            Ok(Shown::new(plan.clone(), show(&plan)))
        }
        RolloutCommand::Wait { target, timeout, interval } => wait(c, &target, timeout, interval).await,
        RolloutCommand::Pause(t) => act(c, &t, "pause", "paused").await,
        RolloutCommand::Resume(t) => act(c, &t, "resume", "resumed").await,
        RolloutCommand::Advance(t) => act(c, &t, "advance", "advanced").await,
        RolloutCommand::Rollback(t) => act(c, &t, "rollback", "rolled back").await,
    }
}

fn plan_path(c: &Client, t: &Target, action: Option<&str>) -> String {
    let mut segments = vec!["flags", t.flag.as_str(), "environments", t.env.as_str(), "release-plan"];
    segments.extend(action);
    c.project_path(&segments)
}

fn hint(e: CliError) -> CliError {
    e.with_not_found_hint("check the flag and environment; `vexil rollout start` creates a plan")
}

async fn act(c: &Client, t: &Target, action: &str, done: &str) -> Result<Shown, CliError> {
    let plan =
        c.post(&plan_path(c, t, Some(action)), &json!({}), &Write::default()).await.map_err(hint)?.body;
    let human = format!("{done}: the rollout of {} in {}\n{}", t.flag, t.env, show(&plan));
    Ok(Shown::new(plan, human))
}

async fn wait(c: &Client, t: &Target, timeout: u64, interval: u64) -> Result<Shown, CliError> {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(timeout);
    let mut last_seen = String::new();
    loop {
        let plan = c.get(&plan_path(c, t, None), &[]).await.map_err(hint)?.body;
        let state = at(&plan, "state");
        // Progress on standard error, once per change, so that standard output keeps
        // only the final document.
        let now_seen = format!("{state} step {} {}", at(&plan, "step"), at(&plan, "reason"));
        if now_seen != last_seen {
            super::output::say(&format!("{}: {}", t.flag, one_line(&plan)));
            last_seen = now_seen;
        }
        let start_request = plan.get("change_request_id").and_then(Value::as_i64);
        match (state.as_str(), start_request) {
            ("completed", _) => {
                let human = format!("the rollout of {} in {} completed", t.flag, t.env);
                return Ok(Shown::new(plan, human));
            }
            ("rolled_back", _) => {
                let reason = plan["reason"].as_str().unwrap_or("no reason recorded").to_owned();
                return Err(CliError::RolledBack { flag: t.flag.clone(), env: t.env.clone(), reason });
            }
            ("draft", Some(id)) => {
                // A start waiting for approval: wait on, unless its request was refused.
                let request = c.get(&c.project_path(&["change-requests", &id.to_string()]), &[]).await?.body;
                let request_state = at(&request, "state");
                if matches!(request_state.as_str(), "rejected" | "cancelled" | "conflicted") {
                    return Err(CliError::Input(format!(
                        "the start of the rollout of {} in {} waited for change request #{id}, which was \
                         {request_state}: the plan stays a draft (`vexil rollout start` asks again)",
                        t.flag, t.env
                    )));
                }
            }
            ("draft", None) => {
                return Err(CliError::Input(format!(
                    "the plan of {} in {} is a draft: nothing will happen until it starts (`vexil rollout start`)",
                    t.flag, t.env
                )));
            }
            _ => {}
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(CliError::TimedOut {
                flag: t.flag.clone(),
                env: t.env.clone(),
                state,
                seconds: started.elapsed().as_secs(),
            });
        }
        tokio::time::sleep(Duration::from_secs(interval.max(1)).min(deadline - now)).await;
    }
}

/// `EVENT:MEASURE[:TOLERANCE[:lower]]` as a guardrail.
fn parse_guardrail(s: &str) -> Result<Value, CliError> {
    let bad = || {
        CliError::Input(format!(
            "--guardrail takes EVENT:MEASURE[:TOLERANCE[:lower]] (e.g. checkout-error:rate:0.1), not {s:?}"
        ))
    };
    let parts: Vec<&str> = s.split(':').collect();
    let (event, measure) = match parts.as_slice() {
        [e, m, ..] if !e.is_empty() && ["rate", "mean", "p95"].contains(m) => (*e, *m),
        _ => return Err(bad()),
    };
    let mut g = json!({"event": event, "measure": measure});
    if let Some(t) = parts.get(2) {
        let tol: f64 = t.parse().map_err(|_| bad())?;
        g["tolerance"] = json!(tol);
    }
    match parts.get(3) {
        None => {}
        Some(&"lower") => g["direction"] = json!("lower_is_worse"),
        Some(&"higher") => g["direction"] = json!("higher_is_worse"),
        Some(_) => return Err(bad()),
    }
    if parts.len() > 4 {
        return Err(bad());
    }
    Ok(g)
}

fn read_spec(path: &std::path::Path) -> Result<Value, CliError> {
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(path)
    }
    .map_err(|e| CliError::Input(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| CliError::Input(format!("{} is not JSON: {e}", path.display())))
}

/// The treatment's share now, in percent.
fn percent(plan: &Value) -> f64 {
    match plan["state"].as_str() {
        Some("draft" | "rolled_back") => 0.0,
        _ => {
            let step = plan["step"].as_u64().unwrap_or(0) as usize;
            plan["steps"].get(step).and_then(|s| s["percent"].as_f64()).unwrap_or(100.0)
        }
    }
}

fn one_line(plan: &Value) -> String {
    let steps = plan["steps"].as_array().map_or(0, Vec::len);
    let step = plan["step"].as_u64().unwrap_or(0) + 1;
    let reason = plan["reason"].as_str().map(|r| format!(" ({r})")).unwrap_or_default();
    format!(
        "{} at step {step}/{steps}, {}% {}{reason}",
        at(plan, "state"),
        percent(plan),
        at(plan, "treatment")
    )
}

fn show(plan: &Value) -> String {
    let guardrails = plan["analysis"]["guardrails"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| format!("{}: {}", at(g, "event"), at(g, "verdict")))
        .collect::<Vec<_>>()
        .join(", ");
    fields(&[
        ("flag", at(plan, "flag")),
        ("environment", at(plan, "environment")),
        ("state", at(plan, "state")),
        (
            "step",
            format!(
                "{} of {}",
                plan["step"].as_u64().unwrap_or(0) + 1,
                plan["steps"].as_array().map_or(0, Vec::len)
            ),
        ),
        ("treatment", format!("{} at {}%", at(plan, "treatment"), percent(plan))),
        ("control", at(plan, "control")),
        ("reason", at(plan, "reason")),
        ("guardrails", guardrails),
        ("version", at(plan, "version")),
    ])
}
