//! A real server on 127.0.0.1 with an API token, and the `vexil` binary's client
//! commands run against it.

use std::path::Path;
use std::process::Command;

use reqwest::Method;
use serde_json::{Value, json};
use vexil_testkit::{Admin, Db, Server, TestDb};

/// A running server, its database, an owner session and an API token.
pub(crate) struct Env {
    pub server: Server,
    pub admin: Admin,
    pub token: String,
    _db: TestDb,
}

/// What one `vexil` run printed and returned.
#[derive(Debug)]
pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }
}

pub(crate) async fn start(db: Db) -> Env {
    let db = TestDb::new(db).await;
    let server = Server::builder(env!("CARGO_BIN_EXE_vexil"), &db.url).start().await;
    let admin = Admin::login(&server).await;
    let (status, body) =
        admin.call(Method::POST, "/api/v1/tokens", Some(json!({"name": "pipeline", "role": "admin"}))).await;
    assert_eq!(status, 201, "token: {body}");
    let token = body["token"].as_str().unwrap_or_else(|| panic!("no token in {body}")).to_owned();
    Env { server, admin, token, _db: db }
}

impl Env {
    /// Runs `vexil ARGS` with this server's URL and token in the environment.
    pub(crate) fn vexil(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_vexil"))
            .args(args)
            .env("VEXIL_URL", &self.server.base)
            .env("VEXIL_TOKEN", &self.token)
            .env_remove("VEXIL_PROJECT")
            .env_remove("VEXIL_OUTPUT")
            .output()
            .expect("run vexil");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `vexil export --project P --format yaml`, which must succeed.
    pub(crate) fn export(&self, project: &str) -> String {
        let r = self.vexil(&["export", "--project", project]);
        assert_eq!(r.code, 0, "export: {}", r.stderr);
        r.stdout
    }

    /// `vexil apply -f FILE EXTRA...`, which must succeed; returns its output.
    pub(crate) fn apply(&self, file: &Path, extra: &[&str]) -> Run {
        let mut args = vec!["apply", "-f", file.to_str().unwrap_or_default()];
        args.extend_from_slice(extra);
        let r = self.vexil(&args);
        assert_eq!(r.code, 0, "apply {extra:?}: {}\n{}", r.stdout, r.stderr);
        r
    }

    pub(crate) async fn get(&self, path: &str) -> Value {
        let (status, body) = self.admin.call(Method::GET, path, None).await;
        assert_eq!(status, 200, "{path}: {body}");
        body
    }
}
