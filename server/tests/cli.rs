//! The `vexil` client commands, run as the built binary against a real server on
//! 127.0.0.1 (SQLite and PostgreSQL): each command group, its JSON output, its exit
//! status, and the messages of its errors. Also runs the pipeline example of
//! docs/pipeline.md, so that the documented script is known to work.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use reqwest::Method;
use serde_json::{Value, json};
use vexil_testkit::Db::{self, Postgres, Sqlite};
use vexil_testkit::{Admin, Server, TestDb};

const BIN: &str = env!("CARGO_BIN_EXE_vexil");

/// A server, its database, and an owner's API token named `ci`.
struct Setup {
    server: Server,
    token: String,
    _db: TestDb,
}

impl Setup {
    async fn start(db: Db, env: &[(&str, &str)]) -> Setup {
        let db = TestDb::new(db).await;
        let server = Server::builder(BIN, &db.url).env(env).start().await;
        let admin = Admin::login(&server).await;
        let (status, body) =
            admin.call(Method::POST, "/api/v1/tokens", Some(json!({"name": "ci", "role": "owner"}))).await;
        assert_eq!(status, 201, "{body}");
        let token = body["token"].as_str().expect("token").to_owned();
        Setup { server, token, _db: db }
    }

    /// `vexil ARGS` with the server's URL and the token in the environment.
    fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[("VEXIL_TOKEN", &self.token)])
    }

    fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let out = self.command(args, env).output().expect("run vexil");
        Run::from(out, args)
    }

    fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env_remove("VEXIL_TOKEN")
            .env_remove("VEXIL_PROJECT")
            .env_remove("VEXIL_OUTPUT")
            .env_remove("VEXIL_ENV")
            .env("VEXIL_URL", &self.server.base)
            .envs(env.iter().copied())
            .stdin(Stdio::null());
        cmd
    }

    /// `vexil ARGS --output json`, which must succeed; its document.
    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["--output", "json"]);
        self.run(&all).ok().json()
    }
}

/// A finished `vexil` process.
#[derive(Debug)]
struct Run {
    args: String,
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from(out: Output, args: &[&str]) -> Run {
        Run {
            args: args.join(" "),
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn ok(self) -> Run {
        assert_eq!(self.code, 0, "vexil {} failed: {}{}", self.args, self.stderr, self.stdout);
        self
    }

    /// Asserts the exit status and that standard error contains each of `words`.
    fn fails(self, code: i32, words: &[&str]) -> Run {
        assert_eq!(self.code, code, "vexil {}: {}{}", self.args, self.stderr, self.stdout);
        for w in words {
            assert!(self.stderr.contains(w), "vexil {}: {w:?} not in {:?}", self.args, self.stderr);
        }
        self
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("vexil {}: not JSON ({e}): {}", self.args, self.stdout))
    }
}

/// Whether a configuration serves `variant` to everyone by default (as one variant, or as
/// a rollout that gives it the whole share).
fn serves_all(config: &Value, variant: &str) -> bool {
    let d = &config["default"];
    d == &json!({"variant": variant})
        || d["rollout"]["weights"]
            .as_array()
            .is_some_and(|w| w.iter().all(|w| w["variant"] == variant || w["weight"] == 0))
}

fn strings(v: &Value, field: &str) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|i| i[field].as_str()).map(str::to_owned).collect()
}

async fn flags_and_configurations(db: Db) {
    let s = Setup::start(db, &[]).await;
    let created = s.json(&["flags", "create", "checkout", "--tag", "web", "--description", "new checkout"]);
    assert_eq!(created["key"], "checkout");
    assert_eq!(created["environments"]["production"]["enabled"], false, "{created}");

    // A second creation is a conflict (3) unless the pipeline says it may exist.
    s.run(&["flags", "create", "checkout"]).fails(3, &["checkout"]);
    let again = s.json(&["flags", "create", "checkout", "--if-not-exists"]);
    assert_eq!(again["key"], "checkout");
    let banner = s.json(&[
        "flags",
        "create",
        "banner",
        "--kind",
        "string",
        "--variant",
        "a=\"A\"",
        "--variant",
        "b=x",
    ]);
    assert_eq!(banner["variants"], json!([{"key": "a", "value": "A"}, {"key": "b", "value": "x"}]));

    let list = s.json(&["flags", "list"]);
    assert_eq!(strings(&list, "key"), ["banner", "checkout"]);
    let tagged = s.json(&["flags", "list", "--tag", "web"]);
    assert_eq!(strings(&tagged, "key"), ["checkout"]);
    let table = s.run(&["flags", "list"]).ok().stdout;
    assert!(table.contains("checkout") && table.contains("KEY"), "{table}");

    // Unknown flag: 6, and the message says how to find the right one.
    s.run(&["flags", "get", "chekout"]).fails(6, &["vexil flags list"]);
    s.run(&["flags", "on", "chekout", "--env", "production"]).fails(6, &["chekout"]);
    s.run(&["flags", "on", "checkout", "--env", "prod"]).fails(6, &["prod"]);

    // Per-environment edits are semantic patches.
    let on = s.json(&["flags", "on", "checkout", "--env", "production", "-m", "launch"]);
    assert_eq!(on["enabled"], true);
    let rollout = s.json(&["flags", "set-rollout", "checkout", "--env", "production", "--weights", "on=25"]);
    let weights = &rollout["default"]["rollout"]["weights"];
    let share =
        |v: &str| weights.as_array().unwrap().iter().find(|w| w["variant"] == v).unwrap()["weight"].clone();
    assert_eq!((share("on"), share("off")), (json!(25_000), json!(75_000)), "{rollout}");
    s.run(&["flags", "set-rollout", "checkout", "--env", "production", "--weights", "on=30,off=30"])
        .fails(1, &["60%"]);
    let served = s.json(&["flags", "serve", "checkout", "on", "--env", "production"]);
    assert_eq!(served["default"], json!({"variant": "on"}));
    let config = s.json(&["flags", "get", "checkout", "--env", "production"]);
    assert_eq!(
        (config["enabled"].clone(), config["default"].clone()),
        (json!(true), json!({"variant": "on"}))
    );
    // A variant the flag does not have: the server's pointer and message come through.
    s.run(&["flags", "serve", "checkout", "purple", "--env", "production"]).fails(1, &["purple"]);
    let staging = s.json(&["flags", "get", "checkout", "--env", "staging"]);
    assert_eq!(staging["enabled"], false, "other environments are untouched");

    // Evaluate, with the explanation.
    let e = s.json(&["evaluate", "checkout", "--env", "production", "key=u1", "plan=pro"]);
    assert_eq!((e["flag"].clone(), e["result"]["variant"].clone()), (json!("checkout"), json!("on")), "{e}");
    assert!(e.get("rules").is_some() && e.get("prerequisites").is_some(), "{e}");
    let e =
        s.json(&["evaluate", "checkout", "--env", "staging", "--context", r#"{"key":"u1","plan":"pro"}"#]);
    assert_eq!(e["result"]["variant"], "off", "{e}");
    let human = s.run(&["evaluate", "checkout", "--env", "production", "key=u1"]).ok().stdout;
    assert!(human.contains("variant") && human.contains("on"), "{human}");
    s.run(&["evaluate", "checkout", "--env", "production", "--context", "{not json"])
        .fails(1, &["--context"]);
    s.run(&["evaluate", "nope", "--env", "production", "key=u1"]).fails(6, &["nope"]);

    let off = s.json(&["flags", "off", "checkout", "--env", "production"]);
    assert_eq!(off["enabled"], false);

    // The audit log names the token and the comment.
    let audit = s.json(&["audit", "--flag", "checkout", "--all"]);
    let items = audit["items"].as_array().expect("items");
    let actions: Vec<&str> = items.iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"flag.create"), "{actions:?}");
    assert!(items.iter().all(|e| e["actor"] == "token:ci"), "{audit}");
    assert!(items.iter().any(|e| e["comment"] == "launch"), "{audit}");
    let page = s.json(&["audit", "--limit", "2"]);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(2));
    let cursor = page["next_cursor"].as_str().expect("a next page");
    let next = s.json(&["audit", "--limit", "2", "--cursor", cursor]);
    assert!(next["items"][0]["id"].as_i64() < page["items"][1]["id"].as_i64(), "pages go on, newest first");

    let archived = s.json(&["flags", "archive", "checkout"]);
    assert_eq!(archived["archived"], true);
    assert_eq!(strings(&s.json(&["flags", "list", "--archived"]), "key"), ["checkout"]);
    assert_eq!(strings(&s.json(&["flags", "list"]), "key"), ["banner"]);
    s.json(&["flags", "restore", "checkout"]);
}

#[tokio::test]
async fn flags_and_configurations_sqlite() {
    flags_and_configurations(Sqlite).await;
}

#[tokio::test]
async fn flags_and_configurations_postgres() {
    flags_and_configurations(Postgres).await;
}

async fn segments_and_keys(db: Db) {
    let s = Setup::start(db, &[]).await;
    let created = s.json(&["segments", "create", "beta", "--name", "Beta", "--include", "a,b"]);
    assert_eq!(created["included"], json!(["a", "b"]));
    s.run(&["segments", "create", "beta"]).fails(3, &["beta"]);
    let added = s.json(&["segments", "add", "beta", "c", "b"]);
    assert_eq!(added["included"], json!(["a", "b", "c"]));
    let removed = s.json(&["segments", "remove", "beta", "a"]);
    assert_eq!(removed["included"], json!(["b", "c"]));
    let excluded = s.json(&["segments", "add", "beta", "--excluded", "z"]);
    assert_eq!(excluded["excluded"], json!(["z"]));
    assert_eq!(strings(&s.json(&["segments", "list"]), "key"), ["beta"]);
    assert_eq!(s.json(&["segments", "get", "beta"])["included"], json!(["b", "c"]));

    // A rule that uses the segment blocks its deletion: a conflict naming the user.
    s.json(&["flags", "create", "checkout"]);
    let admin = Admin::login(&s.server).await;
    let rule = json!({"instructions": [{"kind": "add_rule", "rule": {"id": "beta-users",
        "conditions": [{"attribute": "key", "op": "in_segment", "values": ["beta"]}], "serve": {"variant": "on"}}}]});
    let (status, body) = admin
        .call(Method::PATCH, "/api/v1/projects/default/flags/checkout/environments/production", Some(rule))
        .await;
    assert_eq!(status, 200, "{body}");
    s.run(&["segments", "delete", "beta"]).fails(3, &["checkout"]);
    s.json(&["flags", "on", "checkout", "--env", "production"]);
    let e = s.json(&["evaluate", "checkout", "--env", "production", "key=c"]);
    assert_eq!(e["rules"][0]["id"], "beta-users", "{e}");

    s.json(&["segments", "create", "old"]);
    assert_eq!(s.json(&["segments", "delete", "old"]), json!({"deleted": "old"}));
    s.run(&["segments", "get", "old"]).fails(6, &["vexil segments list"]);

    // SDK keys: the secret once, then listed without it, then revoked.
    let create =
        ["keys", "create", "--env", "production", "--name", "api", "--idempotency-key", "deploy-run-000001"];
    let key = s.json(&create);
    // A retry with the same Idempotency-Key answers the same key and secret.
    let again = s.json(&create);
    assert_eq!((&again["id"], &again["key"]), (&key["id"], &key["key"]));
    let (secret, id) = (key["key"].as_str().expect("secret"), key["id"].as_str().expect("id"));
    let listed = s.json(&["keys", "list", "--env", "production"]);
    assert!(strings(&listed, "id").contains(&id.to_owned()));
    assert!(!listed.to_string().contains(secret), "the list never shows a secret");
    let config = reqwest::Client::new()
        .get(format!("{}/sdk/v1/config", s.server.base))
        .bearer_auth(secret)
        .send()
        .await
        .expect("sdk config");
    assert_eq!(config.status(), 200);
    let revoked = s.json(&["keys", "revoke", id, "--env", "production"]);
    assert!(revoked.to_string().contains(id), "{revoked}");
    let listed = s.json(&["keys", "list", "--env", "production"]);
    let revoked = listed.as_array().unwrap().iter().find(|k| k["id"] == id).expect("still listed");
    assert!(!revoked["revoked_at"].is_null(), "{revoked}");
    s.run(&["keys", "revoke", "no-such-key", "--env", "production"]).fails(6, &["vexil keys list"]);
}

#[tokio::test]
async fn segments_and_keys_sqlite() {
    segments_and_keys(Sqlite).await;
}

#[tokio::test]
async fn segments_and_keys_postgres() {
    segments_and_keys(Postgres).await;
}

/// Errors that scripts branch on: token, network, usage; and the token never printed.
#[tokio::test]
async fn errors_say_what_to_do() {
    let s = Setup::start(Sqlite, &[]).await;
    let wrong = "vexil_wrong_token_0123456789";
    let r = s.run_with(&["flags", "list"], &[("VEXIL_TOKEN", wrong)]).fails(4, &["VEXIL_TOKEN"]);
    assert!(!r.stderr.contains(wrong) && !r.stdout.contains(wrong), "the token is never printed: {r:?}");
    let r = s.run_with(&["flags", "list", "--token", wrong], &[]).fails(4, &["VEXIL_TOKEN"]);
    assert!(!r.stderr.contains(wrong));
    s.run_with(&["flags", "list"], &[]).fails(4, &["no API token", "VEXIL_TOKEN"]);

    // A refused token is spoken of as the API token it is, with where to get one, never as
    // a dashboard login or session; the same from every command, flags as code included.
    let admin = Admin::login(&s.server).await;
    let (_, made) =
        admin.call(Method::POST, "/api/v1/tokens", Some(json!({"name": "old", "role": "owner"}))).await;
    let revoked = made["token"].as_str().expect("token");
    let id = made["id"].as_str().map(str::to_owned).unwrap_or_else(|| made["id"].to_string());
    let (status, _) = admin.call(Method::DELETE, &format!("/api/v1/tokens/{id}"), None).await;
    assert_eq!(status, 204, "revoke {made}");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("p.yaml");
    std::fs::write(&file, "version: 1\nproject:\n  key: default\n").expect("write");
    let file = file.to_str().expect("path");
    for token in [wrong, revoked] {
        for args in [
            &["flags", "list"][..],
            &["export"],
            &["apply", "-f", file],
            &["rollout", "status", "x", "--env", "production"],
        ] {
            let r = s.run_with(args, &[("VEXIL_TOKEN", token)]).fails(
                4,
                &[
                    "refused the API token",
                    "VEXIL_TOKEN",
                    "--token",
                    "\"API tokens\" page",
                    "POST /api/v1/tokens",
                ],
            );
            let lower = r.stderr.to_lowercase();
            assert!(
                !lower.contains("log in") && !lower.contains("login") && !lower.contains("session"),
                "{r:?}"
            );
        }
    }

    // A project-scoped viewer token cannot write: 4, saying so.
    let (_, body) = admin
        .call(
            Method::POST,
            "/api/v1/tokens",
            Some(json!({"name": "reader", "role": "viewer", "project": "default"})),
        )
        .await;
    let viewer = body["token"].as_str().expect("token");
    s.run_with(&["flags", "create", "x"], &[("VEXIL_TOKEN", viewer)])
        .fails(4, &["not allowed", "API token", "VEXIL_TOKEN"]);
    s.run(&["flags", "list", "--project", "nope"]).fails(6, &["nope"]);

    let closed = format!("http://127.0.0.1:{}", vexil_testkit::free_port());
    s.run_with(&["flags", "list", "--url", &closed], &[("VEXIL_TOKEN", &s.token)]).fails(5, &["VEXIL_URL"]);
    s.run(&["flags", "list", "--url", "ftp://x"]).fails(1, &["VEXIL_URL"]);
    s.run(&["flags", "frobnicate"]).fails(2, &[]);
    s.run(&["rollout", "start", "checkout", "--env", "production", "--guardrail", "errors"])
        .fails(1, &["--guardrail"]);

    // The help shows neither the token nor its value from the environment.
    let help = s.run(&["flags", "list", "--help"]).ok().stdout;
    assert!(help.contains("VEXIL_TOKEN") && !help.contains(&s.token), "{help}");
}

#[test]
fn completions() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = Command::new(BIN).args(["completions", shell]).output().expect("run vexil");
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("rollout") && text.contains("set-rollout"), "{shell}: {text}");
    }
    let out = Command::new(BIN).args(["completions", "tcsh"]).output().expect("run vexil");
    assert_eq!(out.status.code(), Some(2));
}

/// A reader that stops early (`vexil ... | head -1`) ends a command quietly: status 0,
/// nothing on standard error, no panic. Any other failure to write is status 5, said.
#[tokio::test]
async fn a_closed_standard_output_ends_quietly_and_a_failed_write_says_so() {
    // The bash script is larger than a pipe holds (64 KiB on Linux), so its write meets
    // the closed pipe whether the reader goes before or while it writes.
    let whole = Command::new(BIN).args(["completions", "bash"]).output().expect("run vexil");
    assert!(whole.status.success() && whole.stdout.len() > 64 * 1024, "{} bytes", whole.stdout.len());
    let mut child = Command::new(BIN)
        .args(["completions", "bash"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run vexil");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "a quiet end: {stderr}");

    // A client command: `apply -f -` reads all of standard input before it writes, so the
    // reader is surely gone by then.
    let s = Setup::start(Sqlite, &[]).await;
    let mut cmd = s.command(&["apply", "-f", "-", "--dry-run"], &[("VEXIL_TOKEN", &s.token)]);
    let mut child =
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("run vexil");
    drop(child.stdout.take());
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(b"version: 1\nproject:\n  key: piped\nflags:\n- key: x\n  kind: boolean\n")
            .expect("write");
    }
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "a quiet end: {stderr}");

    // A full disk (/dev/full) is no quiet end: 5, and the reason.
    for args in [&["completions", "bash"][..], &["flags", "list", "--output", "json"]] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
        let out = s.command(args, &[("VEXIL_TOKEN", &s.token)]).stdout(full).output().expect("run vexil");
        Run::from(out, args).fails(5, &["cannot write to standard output"]);
    }
}

/// How often the server's release-plan runner looks, for these tests, in seconds.
const FAST_RUNNER: &[(&str, &str)] = &[("VEXIL_RELEASE_PLAN_CHECK_SECONDS", "1")];

async fn rollout_completes(db: Db) {
    let s = Setup::start(db, FAST_RUNNER).await;
    s.json(&["flags", "create", "checkout"]);
    s.json(&["flags", "on", "checkout", "--env", "staging"]);
    let started = s.json(&[
        "rollout",
        "start",
        "checkout",
        "--env",
        "staging",
        "--steps",
        "50,100",
        "--step-seconds",
        "1",
        "--min-exposures",
        "0",
    ]);
    assert_eq!(started["state"], "running", "{started}");
    s.run(&["rollout", "start", "checkout", "--env", "staging"]).fails(3, &[]);
    let done = s
        .run(&[
            "rollout",
            "wait",
            "checkout",
            "--env",
            "staging",
            "--interval",
            "1",
            "--timeout",
            "120",
            "-o",
            "json",
        ])
        .ok();
    assert_eq!(done.json()["state"], "completed", "{}", done.stdout);
    assert!(done.stderr.contains("completed"), "progress on standard error: {}", done.stderr);
    let config = s.json(&["flags", "get", "checkout", "--env", "staging"]);
    assert!(serves_all(&config, "on"), "{config}");
    s.run(&["rollout", "status", "checkout", "--env", "production"]).fails(6, &[]);
}

#[tokio::test]
async fn rollout_completes_sqlite() {
    rollout_completes(Sqlite).await;
}

#[tokio::test]
async fn rollout_completes_postgres() {
    rollout_completes(Postgres).await;
}

async fn rollout_rolled_back(db: Db) {
    let s = Setup::start(db, FAST_RUNNER).await;
    s.json(&["flags", "create", "checkout"]);
    s.json(&["flags", "on", "checkout", "--env", "staging"]);
    // Steps of an hour: the plan stays on its first step for the whole test.
    s.json(&[
        "rollout",
        "start",
        "checkout",
        "--env",
        "staging",
        "--steps",
        "10,100",
        "--step-seconds",
        "3600",
    ]);
    let status = s.json(&["rollout", "status", "checkout", "--env", "staging"]);
    assert_eq!((status["state"].clone(), status["step"].clone()), (json!("running"), json!(0)));
    s.run(&["rollout", "wait", "checkout", "--env", "staging", "--timeout", "1", "--interval", "1"])
        .fails(8, &["still running", "--timeout"]);
    assert_eq!(s.json(&["rollout", "pause", "checkout", "--env", "staging"])["state"], "paused");
    assert_eq!(s.json(&["rollout", "resume", "checkout", "--env", "staging"])["state"], "running");
    let advanced = s.json(&["rollout", "advance", "checkout", "--env", "staging"]);
    assert_eq!((advanced["state"].clone(), advanced["step"].clone()), (json!("running"), json!(1)));
    let human = s.run(&["rollout", "status", "checkout", "--env", "staging"]).ok().stdout;
    assert!(human.contains("running") && human.contains("100%"), "{human}");

    // `wait` runs while someone rolls the plan back: it ends with 7 and the reason.
    let waiting = s
        .command(
            &["rollout", "wait", "checkout", "--env", "staging", "--interval", "1", "--timeout", "120"],
            &[("VEXIL_TOKEN", &s.token)],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run vexil");
    let back = s.json(&["rollout", "rollback", "checkout", "--env", "staging"]);
    assert_eq!(back["state"], "rolled_back");
    let out = waiting.wait_with_output().expect("wait");
    Run::from(out, &["rollout", "wait"]).fails(7, &["rolled back"]);
    let config = s.json(&["flags", "get", "checkout", "--env", "staging"]);
    assert_eq!(config["default"], json!({"variant": "off"}), "{config}");
}

#[tokio::test]
async fn rollout_rolled_back_sqlite() {
    rollout_rolled_back(Sqlite).await;
}

#[tokio::test]
async fn rollout_rolled_back_postgres() {
    rollout_rolled_back(Postgres).await;
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repository").to_owned()
}

/// docs/examples/pipeline.sh, the example of docs/pipeline.md, as written, with short
/// steps: creates the flag dark, "deploys", rolls out, waits; then cleans up.
#[tokio::test]
async fn the_documented_pipeline_runs() {
    let s = Setup::start(Sqlite, FAST_RUNNER).await;
    let bin_dir = Path::new(BIN).parent().expect("binary's folder").to_owned();
    let deployed = tempfile::tempdir().expect("temp dir");
    let marker = deployed.path().join("deployed");
    let script = |stage: &str| {
        let out = Command::new("bash")
            .arg(repo().join("docs/examples/pipeline.sh"))
            .arg(stage)
            .env_remove("VEXIL_PROJECT")
            .env_remove("VEXIL_OUTPUT")
            .env("PATH", format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default()))
            .env("VEXIL_URL", &s.server.base)
            .env("VEXIL_TOKEN", &s.token)
            .env("FLAG", "new-checkout")
            .env("VEXIL_ENV", "staging")
            .env("STEPS", "50,100")
            .env("STEP_SECONDS", "1")
            .env("MIN_EXPOSURES", "0")
            .env("WAIT_INTERVAL", "1")
            .env("WAIT_TIMEOUT", "120")
            .env("DEPLOY_COMMAND", format!("touch {}", marker.display()))
            .output()
            .expect("bash");
        Run::from(out, &["docs/examples/pipeline.sh", stage])
    };
    let run = script("release").ok();
    assert!(run.stdout.contains("rollout completed"), "{run:?}");
    assert!(marker.exists(), "the deploy command ran");
    let flag = s.json(&["flags", "get", "new-checkout"]);
    assert_eq!(flag["environments"]["staging"]["enabled"], true, "{flag}");
    assert_eq!(flag["environments"]["production"]["enabled"], false, "{flag}");
    let config = s.json(&["flags", "get", "new-checkout", "--env", "staging"]);
    assert!(serves_all(&config, "on"), "{config}");

    let run = script("cleanup").ok();
    assert!(run.stdout.contains("flag.archive"), "the audit trail is printed: {run:?}");
    assert_eq!(s.json(&["flags", "get", "new-checkout"])["archived"], true);
}

/// Where approval is required, `rollout start` says the start waits for its change
/// request (not that it started), `rollout wait` waits for the approval (here: until
/// its timeout) instead of calling the plan a draft, and ends saying so once the
/// request is withdrawn (by its author: the token's owner).
async fn rollout_waiting_for_approval(db: Db) {
    let s = Setup::start(db, FAST_RUNNER).await;
    let admin = Admin::login(&s.server).await;
    let (status, body) = admin
        .call(
            Method::POST,
            "/api/v1/projects/default/environments",
            Some(json!({"key": "guarded", "name": "Guarded", "requires_approval": true})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    s.json(&["flags", "create", "checkout"]);
    let asked = s.run(&["rollout", "start", "checkout", "--env", "guarded"]).ok();
    assert!(
        asked.stdout.contains("asked to start") && asked.stdout.contains("change request #"),
        "{}",
        asked.stdout
    );
    assert!(!asked.stdout.contains("started the rollout"), "{}", asked.stdout);
    let plan = s.json(&["rollout", "status", "checkout", "--env", "guarded"]);
    assert_eq!(plan["state"], "draft", "{plan}");
    let request = plan["change_request_id"].as_i64().expect("the start's change request");
    s.run(&["rollout", "wait", "checkout", "--env", "guarded", "--timeout", "1", "--interval", "1"])
        .fails(8, &["--timeout"]);
    let (status, body) = admin
        .call(
            Method::POST,
            &format!("/api/v1/projects/default/change-requests/{request}/cancel"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    s.run(&["rollout", "wait", "checkout", "--env", "guarded", "--timeout", "30", "--interval", "1"])
        .fails(1, &["cancelled", &format!("#{request}")]);
}

#[tokio::test]
async fn rollout_waiting_for_approval_sqlite() {
    rollout_waiting_for_approval(Sqlite).await;
}

#[tokio::test]
async fn rollout_waiting_for_approval_postgres() {
    rollout_waiting_for_approval(Postgres).await;
}
