//! A real `vexil serve` process on 127.0.0.1.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::wait::{eventually, free_port};

/// The owner the server creates at first start (unless started without one).
pub const OWNER_EMAIL: &str = "owner@example.com";
pub const OWNER_PASSWORD: &str = "owner-password-1";

/// How to start a server; kept by the [`Server`] so that it can restart the same way.
#[derive(Debug, Clone)]
pub struct ServerBuilder {
    binary: PathBuf,
    database_url: String,
    port: Option<u16>,
    owner: bool,
    env: Vec<(String, String)>,
    output: Option<PathBuf>,
}

impl ServerBuilder {
    /// Listens on `port` rather than a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// Leaves the owner's credentials to the server (first-start set-up).
    pub fn without_owner(mut self) -> Self {
        self.owner = false;
        self
    }

    /// Sets environment variables of the process.
    pub fn env(mut self, vars: &[(&str, &str)]) -> Self {
        self.env.extend(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        self
    }

    /// Writes the process's standard output and error (logs, messages) into `path`.
    pub fn output(mut self, path: &Path) -> Self {
        self.output = Some(path.to_owned());
        self
    }

    /// Starts the process and waits until `/readyz` answers 200.
    pub async fn start(mut self) -> Server {
        let port = *self.port.get_or_insert_with(free_port);
        let mut cmd = Command::new(&self.binary);
        // Only what a user sets too: an address, a database, an owner. Everything else,
        // the signing secret of login tokens included, is the server's default; tests that
        // need another setting say so with `env`.
        cmd.arg("serve")
            .env("VEXIL_LISTEN", format!("127.0.0.1:{port}"))
            .env("VEXIL_DATABASE_URL", &self.database_url)
            .env("VEXIL_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .env_remove("VEXIL_JWT_SECRET")
            .env_remove("VEXIL_ADMIN_EMAIL")
            .env_remove("VEXIL_ADMIN_PASSWORD");
        if self.owner {
            cmd.env("VEXIL_ADMIN_EMAIL", OWNER_EMAIL).env("VEXIL_ADMIN_PASSWORD", OWNER_PASSWORD);
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        match &self.output {
            Some(path) => {
                let file = std::fs::File::create(path).expect("output file");
                cmd.stdout(file.try_clone().expect("output file")).stderr(file)
            }
            None => cmd.stdout(Stdio::null()).stderr(Stdio::null()),
        };
        let child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", self.binary.display()));
        let server =
            Server { base: format!("http://127.0.0.1:{port}"), port, child: Some(child), launch: self };
        let http = reqwest::Client::new();
        eventually("vexil to become ready", || async {
            let r = http.get(format!("{}/readyz", server.base)).send().await.ok()?;
            r.status().is_success().then_some(())
        })
        .await;
        server
    }
}

/// A running `vexil serve`, killed when dropped.
#[derive(Debug)]
pub struct Server {
    pub base: String,
    pub port: u16,
    child: Option<Child>,
    launch: ServerBuilder,
}

impl Server {
    /// A server from `binary` on `database_url`, with the owner set, on a free port.
    pub fn builder(binary: impl Into<PathBuf>, database_url: &str) -> ServerBuilder {
        ServerBuilder {
            binary: binary.into(),
            database_url: database_url.to_owned(),
            port: None,
            owner: true,
            env: Vec::new(),
            output: None,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Sends SIGTERM and waits for the process to exit; returns how long that took.
    pub fn terminate(&mut self) -> Duration {
        let started = Instant::now();
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill").args(["-TERM", &c.id().to_string()]).status();
            let _ = c.wait();
        }
        started.elapsed()
    }

    /// Terminates the server and starts it again the same way, on the same port.
    pub async fn restart(&mut self) {
        self.terminate();
        *self = self.launch.clone().start().await;
    }

    /// The sum of a metric's samples on `/metrics` (0 when absent).
    pub async fn metric(&self, name: &str) -> f64 {
        let text = reqwest::get(format!("{}/metrics", self.base))
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("/metrics")
            .text()
            .await
            .expect("/metrics body");
        text.lines()
            .filter(|l| l.starts_with(name))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
