//! Real `vexil` processes on PostgreSQL (from `vexil-testkit`), a fake SSE server for
//! bad data, and helpers.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use vexil_testkit::{Admin, Server, TestDb};
pub(crate) use vexil_testkit::{eventually, free_port};

/// The server binary, built by the test command before these tests run.
pub(crate) fn vexil_binary() -> PathBuf {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/debug/vexil"));
    assert!(
        path.exists(),
        "the Vexil server binary is missing at {}: build it first with `cargo build -p vexil-server`",
        path.display()
    );
    path
}

/// Usage counts of a flag over the last hour, by variant.
pub(crate) async fn usage(admin: &Admin, flag: &str) -> std::collections::BTreeMap<String, i64> {
    let path = format!("/api/v1/projects/default/flags/{flag}/usage?environment=production&hours=1");
    let (s, b) = admin.call(reqwest::Method::GET, &path, None).await;
    assert_eq!(s, 200, "{b}");
    let series = b["series"].as_array().unwrap_or_else(|| panic!("no series in {b}"));
    series
        .iter()
        .map(|series| {
            let points = series["points"].as_array().map(Vec::as_slice).unwrap_or_default();
            let total = points.iter().filter_map(|p| p["count"].as_i64()).sum();
            (series["variant"].as_str().unwrap_or_default().to_owned(), total)
        })
        .collect()
}

/// A server, its admin and a server key, with flag `f` created (disabled).
pub(crate) struct Setup {
    pub(crate) server: Server,
    pub(crate) admin: Admin,
    pub(crate) key: String,
    // Dropped last: the server must stop before its database goes.
    pub(crate) _db: TestDb,
}

impl Setup {
    pub(crate) async fn new() -> Setup {
        let db = TestDb::postgres().await;
        let server = Server::builder(vexil_binary(), &db.url).start().await;
        let admin = Admin::login(&server).await;
        admin.create_flag("f").await;
        let (key, _) = admin.sdk_key("server").await;
        Setup { server, admin, key, _db: db }
    }

    pub(crate) fn client(&self) -> vexil_sdk::ClientBuilder {
        fast(vexil_sdk::Client::builder(&self.server.base, &self.key))
    }
}

/// Short delays, so that tests do not wait on production defaults.
pub(crate) fn fast(b: vexil_sdk::ClientBuilder) -> vexil_sdk::ClientBuilder {
    b.reconnect_delay(Duration::from_millis(50), Duration::from_millis(500))
        .poll_interval(Duration::from_millis(200))
        .flush_interval(Duration::from_millis(200))
        .request_timeout(Duration::from_secs(5))
}

/// A snapshot with boolean flag `f` serving `value`, at `version`.
pub(crate) fn snapshot(version: u64, value: bool) -> Value {
    json!({"environment": "production", "version": version, "flags": [flag_f(value)], "segments": []})
}

pub(crate) fn flag_f(value: bool) -> Value {
    json!({"key": "f", "kind": "boolean", "salt": "s",
           "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
           "config": {"enabled": true, "off_variant": "off",
                      "default": {"variant": if value { "on" } else { "off" }}}})
}
