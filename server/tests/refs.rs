//! Code references end to end: the real `vexil` binary serving on 127.0.0.1 over
//! PostgreSQL and SQLite, the upload and read-back routes, and `vexil refs scan` run as
//! a process against it (keys from the server, `--upload`, JSON output, exit statuses).

use std::path::Path;
use std::process::Command;

use reqwest::Method;
use serde_json::{Value, json};
use vexil_testkit::{Admin, Db, Server, TestDb};

const BIN: &str = env!("CARGO_BIN_EXE_vexil");

async fn server(db: &TestDb) -> (Server, Admin) {
    let server = Server::builder(BIN, &db.url).start().await;
    let admin = Admin::login(&server).await;
    (server, admin)
}

async fn token(admin: &Admin, role: &str) -> String {
    let (status, body) = admin
        .call(Method::POST, "/api/v1/tokens", Some(json!({"name": format!("ci-{role}"), "role": role})))
        .await;
    assert_eq!(status, 201, "{body}");
    body["token"].as_str().expect("a token").to_owned()
}

async fn call_as(base: &str, token: &str, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = reqwest::Client::new().request(method, format!("{base}{path}")).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    (status, serde_json::from_str(&r.text().await.unwrap_or_default()).unwrap_or(Value::Null))
}

async fn upload_and_read_back(db: Db) {
    let db = TestDb::new(db).await;
    let (server, admin) = server(&db).await;
    admin.create_flag("new-checkout").await;
    admin.create_flag("dark-mode").await;
    let (status, body) =
        admin.call(Method::GET, "/api/v1/projects/default/flags/dark-mode/code-references", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["count"], 0);
    assert!(body.get("last_scanned").is_none_or(Value::is_null), "no scan yet: {body}");

    let editor = token(&admin, "editor").await;
    let viewer = token(&admin, "viewer").await;
    let upload = json!({
        "repository": "github.com/acme/shop",
        "commit": "0123abc",
        "branch": "main",
        "scanned_at": "2026-11-30T12:00:00Z",
        "keys": [
            {"key": "new-checkout", "count": 3, "locations": [{"path": "src/a.rs", "line": 1}, {"path": "src/b.rs", "line": 9}]},
            {"key": "ghost", "count": 1, "locations": [{"path": "src/c.rs", "line": 2}]}
        ]
    });
    let path = "/api/v1/projects/default/code-references";
    let (status, body) = call_as(&server.base, &viewer, Method::POST, path, Some(upload.clone())).await;
    assert_eq!(status, 403, "a viewer cannot upload: {body}");
    let (status, body) = call_as(&server.base, &editor, Method::POST, path, Some(upload.clone())).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["repository"], "github.com/acme/shop");
    assert_eq!(body["key_count"], 2);
    assert_eq!(body["uploaded_by"], "token:ci-editor");
    // A second repository mentions the flag too.
    let other = json!({"repository": "github.com/acme/api", "keys": [{"key": "new-checkout", "count": 2, "locations": []}]});
    let (status, body) = call_as(&server.base, &editor, Method::POST, path, Some(other)).await;
    assert_eq!(status, 200, "{body}");

    let flag = "/api/v1/projects/default/flags/new-checkout/code-references";
    let (status, body) = call_as(&server.base, &viewer, Method::GET, flag, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["count"], 5);
    let repos: Vec<&str> = body["repositories"]
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["repository"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(repos, ["github.com/acme/api", "github.com/acme/shop"]);
    assert_eq!(body["repositories"][1]["locations"][1], json!({"path": "src/b.rs", "line": 9}));
    assert_eq!(body["repositories"][1]["commit"], "0123abc");
    assert!(body["last_scanned"].is_string(), "{body}");
    let (_, body) =
        admin.call(Method::GET, "/api/v1/projects/default/flags/dark-mode/code-references", None).await;
    assert_eq!(body["count"], 0, "scanned and not found: {body}");
    assert!(body["last_scanned"].is_string(), "{body}");

    let (status, body) = admin.call(Method::GET, path, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scans"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        body["keys"],
        json!([
            {"key": "ghost", "count": 1, "repositories": ["github.com/acme/shop"]},
            {"key": "new-checkout", "count": 5, "repositories": ["github.com/acme/api", "github.com/acme/shop"]},
        ])
    );

    // A new scan of a repository replaces its previous one.
    let again = json!({"repository": "github.com/acme/shop", "keys": [{"key": "dark-mode", "count": 1}]});
    let (status, body) = call_as(&server.base, &editor, Method::POST, path, Some(again)).await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = admin.call(Method::GET, flag, None).await;
    assert_eq!(body["count"], 2, "{body}");

    let (status, body) =
        admin.call(Method::GET, "/api/v1/audit?project=default&resource_type=code_references", None).await;
    assert_eq!(status, 200, "{body}");
    let actions: Vec<&str> =
        body["items"].as_array().expect("items").iter().map(|e| e["action"].as_str().unwrap_or("")).collect();
    assert_eq!(actions, ["code_references.upload"; 3]);

    let bad = json!({"repository": "", "keys": [{"key": "Not A Key", "count": 0, "locations": [{"path": "x", "line": 0}]}]});
    let (status, body) = call_as(&server.base, &editor, Method::POST, path, Some(bad)).await;
    assert_eq!(status, 422, "{body}");
    let pointers: Vec<&str> = body["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|p| p["pointer"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        pointers.contains(&"/repository")
            && pointers.contains(&"/keys/0/key")
            && pointers.contains(&"/keys/0/locations/0/line"),
        "{body}"
    );
    let (status, _) =
        admin.call(Method::GET, "/api/v1/projects/default/flags/nope/code-references", None).await;
    assert_eq!(status, 404);
    let (status, _) =
        call_as(&server.base, &editor, Method::POST, "/api/v1/projects/nope/code-references", Some(upload))
            .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn uploaded_code_references_are_read_back_per_flag_and_per_project_on_sqlite() {
    upload_and_read_back(Db::Sqlite).await;
}

#[tokio::test]
async fn uploaded_code_references_are_read_back_per_flag_and_per_project_on_postgres() {
    upload_and_read_back(Db::Postgres).await;
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn vexil(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .env_remove("VEXIL_URL")
        .env_remove("VEXIL_TOKEN")
        .env_remove("VEXIL_PROJECT")
        .env_remove("VEXIL_OUTPUT")
        .envs(env.iter().copied())
        .output()
        .expect("run vexil");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn refs_scan_reads_keys_from_the_server_uploads_and_sets_its_exit_status() {
    let db = TestDb::sqlite();
    let (server, admin) = server(&db).await;
    admin.create_flag("new-checkout").await;
    admin.create_flag("unused-flag").await;
    admin.create_flag("old-banner").await;
    let (status, _) =
        admin.call(Method::POST, "/api/v1/projects/default/flags/old-banner/archive", None).await;
    assert_eq!(status, 200);
    let editor = token(&admin, "editor").await;

    let tree = tempfile::tempdir().expect("tempdir");
    write(tree.path(), ".gitignore", "dist/\n");
    write(tree.path(), "dist/bundle.js", "bool_value(\"new-checkout\")\n");
    write(
        tree.path(),
        "src/main.rs",
        "fn main() {\n    if c.bool_value(\"new-checkout\", &ctx, false) {}\n    c.bool_value(\"ghost-flag\", &ctx, false);\n}\n",
    );
    write(tree.path(), "src/legacy.ts", "// old-banner is still read here\n");
    let root = tree.path().to_str().expect("utf-8 path");
    let env =
        [("VEXIL_URL", server.base.as_str()), ("VEXIL_TOKEN", editor.as_str()), ("VEXIL_PROJECT", "default")];

    let (code, stdout, stderr) = vexil(&["refs", "scan", root, "--output", "json"], &env);
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).expect("JSON report");
    assert_eq!(report["referenced"][0]["key"], "new-checkout");
    assert_eq!(report["referenced"][0]["locations"], json!([{"path": "src/main.rs", "line": 2}]));
    assert_eq!(report["unreferenced"], json!(["unused-flag"]));
    assert_eq!(report["archived_referenced"], json!(["old-banner"]));
    assert_eq!(report["unknown"][0]["key"], "ghost-flag");

    let (code, _, _) = vexil(&["refs", "scan", root, "--fail-on", "unknown"], &env);
    assert_eq!(code, 1, "an unknown key fails the scan with --fail-on unknown");
    let (code, _, stderr) =
        vexil(&["refs", "scan", "/nonexistent/vexil", "--keys", "/nonexistent/keys"], &[]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = vexil(&["refs", "scan", root, "--url", server.base.as_str()], &[]);
    assert_eq!(code, 4, "no token and no --keys: {stderr}");
    assert!(stderr.contains("VEXIL_TOKEN"), "the error says what to do: {stderr}");
    let (code, _, stderr) = vexil(
        &["refs", "scan", root],
        &[("VEXIL_URL", server.base.as_str()), ("VEXIL_TOKEN", "vx_api_wrong"), ("VEXIL_PROJECT", "default")],
    );
    assert_eq!(code, 4, "a wrong token: {stderr}");
    let (code, _, stderr) = vexil(&["refs", "scan", root, "--project", "nope"], &env);
    assert_eq!(code, 6, "no such project: {stderr}");

    let (code, stdout, stderr) =
        vexil(&["refs", "scan", root, "--upload", "--repository", "acme/shop", "--commit", "abc123"], &env);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Uploaded as repository \"acme/shop\""), "{stdout}");
    let (status, body) =
        admin.call(Method::GET, "/api/v1/projects/default/flags/new-checkout/code-references", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["count"], 1, "{body}");
    assert_eq!(body["repositories"][0]["repository"], "acme/shop");
    assert_eq!(body["repositories"][0]["commit"], "abc123");
    let (_, body) = admin.call(Method::GET, "/api/v1/projects/default/code-references", None).await;
    let keys: Vec<&str> =
        body["keys"].as_array().expect("keys").iter().map(|k| k["key"].as_str().unwrap_or("")).collect();
    assert_eq!(keys, ["ghost-flag", "new-checkout", "old-banner"]);

    let keys_file = tree.path().join("keys.txt");
    std::fs::write(&keys_file, "new-checkout\nold-banner archived\n").expect("keys");
    let (code, stdout, stderr) = vexil(
        &["refs", "scan", root, "--keys", keys_file.to_str().expect("path"), "--fail-on", "archived"],
        &[],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("Archived flags still in code (1):\n  old-banner"), "{stdout}");
}
