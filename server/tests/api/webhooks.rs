//! Webhooks against a real receiver: `server/tests/webhooks/receiver.mjs` verifies every
//! delivery with the Standard Webhooks reference library (npm `standardwebhooks`), an
//! implementation independent of Vexil's. Its packages are installed by `scripts/test`
//! (`npm ci` in `server/tests/webhooks`).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use vexil_testkit::{Admin, Db, Server, TestDb, eventually};

use crate::harness::TestApp;

/// Declares each listed test twice, one per database, on an app whose retries start
/// after 50 ms (`--webhook-retry-base-ms`), so that a test sees several attempts.
macro_rules! with_fast_retries {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_postgres() {
                    super::$name(super::fast_app(crate::harness::Db::Postgres).await).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_sqlite() {
                    super::$name(super::fast_app(crate::harness::Db::Sqlite).await).await;
                }
            }
        )*
    };
}

with_fast_retries!(
    deliveries_are_signed_per_the_standard_and_a_tampered_body_fails_verification,
    a_receiver_that_fails_three_times_then_succeeds_gets_the_event_once,
    redirects_are_not_followed,
    a_delivery_can_be_sent_again_by_hand_with_its_message_id,
);
crate::on_both_databases!(
    the_secret_is_shown_once_and_only_admins_manage_webhooks,
    events_are_recorded_only_for_enabled_subscriptions_that_want_them,
    only_an_audited_write_wakes_the_webhook_worker_and_the_admin_stream,
);

async fn fast_app(db: Db) -> TestApp {
    TestApp::with_args(db, &["--webhook-retry-base-ms", "50"]).await
}

/// The Node.js receiver, ended when dropped.
struct Receiver {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Receiver {
    fn start() -> Receiver {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/webhooks");
        assert!(
            std::path::Path::new(dir).join("node_modules/standardwebhooks").is_dir(),
            "the webhook receiver's packages are missing: run `npm ci` in server/tests/webhooks \
             (scripts/test does) with Node.js 20+"
        );
        let mut child = Command::new("node")
            .arg("receiver.mjs")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start node (Node.js 20+ is needed for the webhook tests): {e}")
            });
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the receiver's port");
        let port = serde_json::from_str::<Value>(&line).expect("a JSON first line")["port"]
            .as_u64()
            .unwrap_or_else(|| panic!("the receiver said {line:?}"));
        Receiver { child, base: format!("http://127.0.0.1:{port}"), http: reqwest::Client::new() }
    }

    /// Sets up hook `name` and returns its URL.
    async fn hook(&self, name: &str, config: Value) -> String {
        let r = self
            .http
            .post(format!("{}/_hooks/{name}", self.base))
            .json(&config)
            .send()
            .await
            .expect("set up");
        assert!(r.status().is_success());
        format!("{}/hooks/{name}", self.base)
    }

    /// What hook `name` received.
    async fn log(&self, name: &str) -> Vec<Value> {
        let r = self.http.get(format!("{}/_hooks/{name}/log", self.base)).send().await.expect("log");
        r.json::<Vec<Value>>().await.expect("log JSON")
    }

    /// Requests that reached anything but a hook (where a redirect would lead).
    async fn other(&self) -> Vec<Value> {
        let r = self.http.get(format!("{}/_other/log", self.base)).send().await.expect("log");
        r.json::<Vec<Value>>().await.expect("log JSON")
    }

    /// Waits until hook `name` has received `n` requests, and returns them.
    async fn wait_for(&self, name: &str, n: usize) -> Vec<Value> {
        eventually(&format!("{n} request(s) at hook {name}"), || async {
            let log = self.log(name).await;
            (log.len() >= n).then_some(log)
        })
        .await
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Creates a subscription of the default project and returns its id and secret.
async fn subscribe(app: &TestApp, url: &str, types: &[&str]) -> (String, String) {
    let r = app
        .req(Method::POST, "/api/v1/projects/default/webhooks")
        .json(json!({"url": url, "event_types": types, "description": "test"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    (r.body["id"].as_str().expect("id").to_owned(), r.body["secret"].as_str().expect("secret").to_owned())
}

async fn deliveries(app: &TestApp, id: &str) -> Vec<Value> {
    let r = app.req(Method::GET, &format!("/api/v1/projects/default/webhooks/{id}/deliveries")).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["items"].as_array().expect("items").clone()
}

/// Waits until the newest delivery of a subscription satisfies `done`, and returns it.
async fn wait_for_delivery(app: &TestApp, id: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    eventually(what, || async {
        let items = deliveries(app, id).await;
        items.first().filter(|d| done(d)).cloned()
    })
    .await
}

async fn deliveries_are_signed_per_the_standard_and_a_tampered_body_fails_verification(app: TestApp) {
    let receiver = Receiver::start();
    let url = receiver.hook("signed", json!({})).await;
    let (id, secret) = subscribe(&app, &url, &["flag_changes"]).await;
    receiver.hook("signed", json!({"secret": secret})).await;
    app.create_flag("signed-flag").await;

    let log = receiver.wait_for("signed", 1).await;
    let got = &log[0];
    assert_eq!(got["verified"], true, "the reference library refused Vexil's signature: {got}");
    assert_eq!(got["status"], 200);
    assert!(got["id"].as_str().is_some_and(|i| i.starts_with("msg_")), "{got}");
    let body: Value = serde_json::from_str(got["body"].as_str().expect("body")).expect("a JSON body");
    assert_eq!(body["type"], "flag.create");
    assert!(body["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')), "{body}");
    assert_eq!(body["data"]["resource_key"], "default/signed-flag");
    assert_eq!(body["data"]["project"], "default");
    assert_eq!(body["data"]["after"]["key"], "signed-flag");

    // The same headers over another body: the receiver's library refuses it.
    let tampered = got["body"].as_str().unwrap().replace("signed-flag", "signed-flaG");
    let r = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/json")
        .header("webhook-id", got["id"].as_str().unwrap())
        .header("webhook-timestamp", got["timestamp"].as_str().unwrap())
        .header("webhook-signature", got["signature"].as_str().unwrap())
        .body(tampered)
        .send()
        .await
        .expect("the receiver answers");
    assert_eq!(r.status(), 400);
    let log = receiver.log("signed").await;
    assert_eq!(log.len(), 2);
    assert_eq!(log[1]["verified"], false, "a tampered body verified: {}", log[1]);

    let delivery = wait_for_delivery(&app, &id, "the delivery to be recorded as delivered", |d| {
        d["status"] == "delivered"
    })
    .await;
    assert_eq!(delivery["response_code"], 200);
    assert_eq!(delivery["attempts"], 1);
    assert_eq!(delivery["event_type"], "flag.create");
    assert_eq!(delivery["category"], "flag_changes");
    assert_eq!(delivery["message_id"], got["id"]);
    assert!(delivery["latency_ms"].as_i64().is_some_and(|ms| ms >= 0), "{delivery}");
    assert!(delivery["response_excerpt"].as_str().is_some_and(|b| b.contains("ok")), "{delivery}");
}

async fn a_receiver_that_fails_three_times_then_succeeds_gets_the_event_once(app: TestApp) {
    let receiver = Receiver::start();
    let url = receiver.hook("flaky", json!({})).await;
    let (id, secret) = subscribe(&app, &url, &["flag_changes"]).await;
    receiver.hook("flaky", json!({"secret": secret, "fail_first": 3})).await;
    app.create_flag("flaky-flag").await;

    let delivery =
        wait_for_delivery(&app, &id, "the delivery to succeed", |d| d["status"] == "delivered").await;
    assert_eq!(delivery["attempts"], 4, "{delivery}");
    assert_eq!(delivery["response_code"], 200);
    assert!(delivery["last_error"].is_null(), "{delivery}");
    assert_eq!(deliveries(&app, &id).await.len(), 1, "one event, one delivery");

    let log = receiver.log("flaky").await;
    let statuses: Vec<&Value> = log.iter().map(|e| &e["status"]).collect();
    assert_eq!(statuses, [&json!(500), &json!(500), &json!(500), &json!(200)], "{log:?}");
    assert!(log.iter().all(|e| e["verified"] == true && e["id"] == log[0]["id"]), "{log:?}");
    assert!(log.iter().all(|e| e["body"] == log[0]["body"]), "every attempt carries the same event");
}

async fn redirects_are_not_followed(app: TestApp) {
    let receiver = Receiver::start();
    let elsewhere = format!("{}/other/landing", receiver.base);
    let url = receiver.hook("moved", json!({})).await;
    let (id, secret) = subscribe(&app, &url, &["flag_changes"]).await;
    receiver.hook("moved", json!({"secret": secret, "redirect_to": elsewhere})).await;
    app.create_flag("moved-flag").await;

    // Two attempts: the first answer (a redirect) was taken as a failure and retried.
    let delivery =
        wait_for_delivery(&app, &id, "a second attempt", |d| d["attempts"].as_i64().unwrap_or(0) >= 2).await;
    assert_eq!(delivery["status"], "pending");
    let log = receiver.wait_for("moved", 2).await;
    assert!(log.iter().all(|e| e["status"] == 302), "{log:?}");
    let delivery = wait_for_delivery(&app, &id, "a recorded redirect", |d| d["response_code"] == 302).await;
    assert!(delivery["last_error"].as_str().is_some_and(|e| e.contains("redirect")), "{delivery}");
    assert_eq!(receiver.other().await, Vec::<Value>::new(), "a redirect was followed");
}

async fn a_delivery_can_be_sent_again_by_hand_with_its_message_id(app: TestApp) {
    let receiver = Receiver::start();
    let url = receiver.hook("again", json!({})).await;
    let (id, secret) = subscribe(&app, &url, &["flag_changes"]).await;
    receiver.hook("again", json!({"secret": secret})).await;
    app.create_flag("again-flag").await;
    let first = wait_for_delivery(&app, &id, "the first delivery", |d| d["status"] == "delivered").await;

    let path = format!("/api/v1/projects/default/webhooks/{id}/deliveries/{}/redeliver", first["id"]);
    let r = app.req(Method::POST, &path).send().await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.body["redelivery_of"], first["id"]);
    assert_eq!(r.body["message_id"], first["message_id"]);
    let again = r.body["id"].clone();

    let log = receiver.wait_for("again", 2).await;
    assert_eq!(log[0]["id"], log[1]["id"], "a redelivery keeps the message id");
    assert_eq!(log[0]["body"], log[1]["body"]);
    assert!(log.iter().all(|e| e["verified"] == true), "{log:?}");
    let newest = wait_for_delivery(&app, &id, "the redelivery", |d| d["status"] == "delivered").await;
    assert_eq!(newest["id"], again);
    assert_eq!(deliveries(&app, &id).await.len(), 2);

    let r = app
        .req(Method::POST, &format!("/api/v1/projects/default/webhooks/{id}/deliveries/999999/redeliver"))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
}

async fn the_secret_is_shown_once_and_only_admins_manage_webhooks(app: TestApp) {
    let base = "/api/v1/projects/default/webhooks";
    let (id, secret) =
        subscribe(&app, "https://hooks.example.com/vexil", &["flag_changes", "break_glass"]).await;
    assert!(secret.starts_with("whsec_"), "{secret}");

    // Never again: not in the listing, not in the subscription, not in the audit log.
    for path in [base.to_owned(), format!("{base}/{id}"), "/api/v1/audit?resource_type=webhook".to_owned()] {
        let r = app.req(Method::GET, &path).send().await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
        assert!(!r.text.contains(&secret[6..]), "{path} shows the secret");
        assert!(!r.text.contains("\"secret\""), "{path}: {}", r.text);
    }
    let r = app.req(Method::GET, &format!("{base}/{id}")).send().await;
    assert_eq!(r.body["event_types"], json!(["flag_changes", "break_glass"]));
    assert_eq!(r.body["enabled"], true);

    for role in ["viewer", "editor"] {
        let token = app.token_with_role(role, None).await;
        let calls = [
            (Method::GET, base.to_owned(), None),
            (
                Method::POST,
                base.to_owned(),
                Some(json!({"url": "https://x.example", "event_types": ["flag_changes"]})),
            ),
            (Method::GET, format!("{base}/{id}"), None),
            (Method::PATCH, format!("{base}/{id}"), Some(json!({"enabled": false}))),
            (Method::DELETE, format!("{base}/{id}"), None),
            (Method::GET, format!("{base}/{id}/deliveries"), None),
            (Method::POST, format!("{base}/{id}/deliveries/1/redeliver"), None),
        ];
        for (method, path, body) in calls {
            let mut call = app.call(method.clone(), &path).token(&token);
            if let Some(b) = body {
                call = call.json(b);
            }
            let r = call.send().await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path} as {role}: {}", r.text);
        }
    }
    let r = app.req(Method::GET, &format!("{base}/{id}")).send().await;
    assert_eq!(r.body["enabled"], true, "nothing changed");

    // Checked on creation and change, with a pointer to what is wrong.
    for (body, pointer) in [
        (json!({"url": "ftp://hooks.example.com/x", "event_types": ["flag_changes"]}), "/url"),
        (json!({"url": "not a url", "event_types": ["flag_changes"]}), "/url"),
        (json!({"url": "http://", "event_types": ["flag_changes"]}), "/url"),
        (json!({"url": "https://hooks.example.com/x#part", "event_types": ["flag_changes"]}), "/url"),
        (json!({"url": "https://hooks.example.com/x", "event_types": []}), "/event_types"),
        (json!({"url": "https://hooks.example.com/x", "event_types": ["flag_deleted"]}), "/event_types/0"),
    ] {
        let r = app.req(Method::POST, base).json(body.clone()).send().await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", r.text);
        assert_eq!(r.body["errors"][0]["pointer"], pointer, "{body}: {}", r.text);
    }
    let r = app
        .req(Method::PATCH, &format!("{base}/{id}"))
        .json(json!({"url": "file:///etc/passwd"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);

    let r = app
        .req(Method::PATCH, &format!("{base}/{id}"))
        .json(json!({"enabled": false, "description": "paused"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["enabled"], false);
    assert_eq!(r.body["description"], "paused");
    assert_eq!(r.body["url"], "https://hooks.example.com/vexil");

    let r = app.req(Method::DELETE, &format!("{base}/{id}")).send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = app.req(Method::GET, &format!("{base}/{id}")).send().await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
}

async fn events_are_recorded_only_for_enabled_subscriptions_that_want_them(app: TestApp) {
    // Nothing listens there: the outbox rows are what this test reads, written with the
    // change, before any delivery.
    let (flags, _) = subscribe(&app, "http://127.0.0.1:9/flags", &["flag_changes"]).await;
    let (glass, _) = subscribe(&app, "http://127.0.0.1:9/glass", &["break_glass"]).await;
    let (paused, _) = subscribe(&app, "http://127.0.0.1:9/paused", &["flag_changes"]).await;
    let r = app
        .req(Method::PATCH, &format!("/api/v1/projects/default/webhooks/{paused}"))
        .json(json!({"enabled": false}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK);

    app.create_flag("watched").await;
    let r = app
        .req(Method::POST, "/api/v1/projects/default/segments")
        .json(json!({"key": "watched-segment"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // Not a flag change: environments, SDK keys.
    let r = app
        .req(Method::POST, "/api/v1/projects/default/environments/production/sdk-keys")
        .json(json!({"kind": "server"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    let types: Vec<Value> = deliveries(&app, &flags).await.iter().map(|d| d["event_type"].clone()).collect();
    assert_eq!(types, [json!("segment.create"), json!("flag.create")]);
    assert_eq!(deliveries(&app, &glass).await, Vec::<Value>::new());
    // Nothing listens at the URL: the log says why, with the cause.
    let failed = wait_for_delivery(&app, &flags, "a failed attempt", |d| !d["last_error"].is_null()).await;
    assert_eq!(failed["status"], "pending");
    assert!(failed["response_code"].is_null(), "{failed}");
    assert!(failed["last_error"].as_str().is_some_and(|e| e.contains("refused")), "{failed}");
    assert_eq!(deliveries(&app, &paused).await, Vec::<Value>::new());
}

/// The outbox survives a crash: the receiver holds the first attempt unanswered, the
/// server is killed (SIGKILL) while it waits, and a new process delivers the event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_server_between_commit_and_delivery_loses_nothing_on_postgres() {
    killing_the_server_between_commit_and_delivery_loses_nothing(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_server_between_commit_and_delivery_loses_nothing_on_sqlite() {
    killing_the_server_between_commit_and_delivery_loses_nothing(Db::Sqlite).await;
}

async fn killing_the_server_between_commit_and_delivery_loses_nothing(db: Db) {
    let receiver = Receiver::start();
    let database = TestDb::new(db).await;
    let builder = Server::builder(env!("CARGO_BIN_EXE_vexil"), &database.url)
        .env(&[("VEXIL_WEBHOOK_TIMEOUT_SECONDS", "5"), ("VEXIL_WEBHOOK_RETRY_BASE_MS", "50")]);
    let server = builder.clone().start().await;
    let admin = Admin::login(&server).await;
    let url = receiver.hook("crash", json!({})).await;
    let (status, hook) = admin
        .call(
            Method::POST,
            "/api/v1/projects/default/webhooks",
            Some(json!({"url": url, "event_types": ["flag_changes"]})),
        )
        .await;
    assert_eq!(status, 201, "{hook}");
    receiver.hook("crash", json!({"secret": hook["secret"], "hang_first": 1})).await;
    admin.create_flag("survivor").await;

    // The event is committed and its first attempt is being made: the receiver holds it.
    let held = receiver.wait_for("crash", 1).await;
    assert_eq!(held[0]["status"], "held");
    drop(server); // SIGKILL

    let server = builder.start().await;
    let admin = Admin::login(&server).await;
    let log = eventually("the event delivered by the restarted server", || async {
        let log = receiver.log("crash").await;
        log.iter().any(|e| e["status"] == 200).then_some(log)
    })
    .await;
    let delivered: Vec<&Value> = log.iter().filter(|e| e["status"] == 200).collect();
    assert_eq!(delivered.len(), 1, "{log:?}");
    assert_eq!(delivered[0]["id"], held[0]["id"], "the same message");
    assert_eq!(delivered[0]["verified"], true);
    let id = hook["id"].as_str().expect("id");
    let delivery = eventually("the delivery recorded", || async {
        let (_, page) = admin
            .call(Method::GET, &format!("/api/v1/projects/default/webhooks/{id}/deliveries"), None)
            .await;
        page["items"].as_array().and_then(|i| i.first()).filter(|d| d["status"] == "delivered").cloned()
    })
    .await;
    assert!(delivery["attempts"].as_i64().is_some_and(|a| a >= 2), "{delivery}");
}

/// Two deliverers (two stores, as two replicas have) claiming at the same time never
/// hold the same delivery, and between them they claim every one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_deliverers_never_claim_the_same_delivery_on_postgres() {
    two_deliverers_never_claim_the_same_delivery(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_deliverers_never_claim_the_same_delivery_on_sqlite() {
    two_deliverers_never_claim_the_same_delivery(Db::Sqlite).await;
}

async fn two_deliverers_never_claim_the_same_delivery(db: Db) {
    use vexil_server::store::{Actor, NewWebhook, Store, StoreOptions};
    let database = TestDb::new(db).await;
    // Stores without the rest of the app: no deliverer runs but the two below.
    let first = Store::connect(&StoreOptions::new(&database.url)).await.expect("connect");
    first.migrate().await.expect("migrate");
    first.ensure_default_project().await.expect("default project");
    let second = Store::connect(&StoreOptions::new(&database.url)).await.expect("connect");
    let actor = Actor::system();
    let new = NewWebhook {
        url: "http://127.0.0.1:9/never".to_owned(),
        event_types: vec!["flag_changes".to_owned()],
        description: String::new(),
        enabled: true,
    };
    let hook = first
        .create_webhook(&actor, "default", &new, &vexil_server::webhooks::generate_secret())
        .await
        .expect("subscription");
    const EVENTS: usize = 40;
    for i in 0..EVENTS {
        let body = serde_json::from_value(json!({"key": format!("s{i}")})).expect("segment");
        first.create_segment(&actor, "default", body).await.expect("segment");
    }
    let claim_all = |store: Store| async move {
        let mut got = Vec::new();
        loop {
            let batch = store.claim_deliveries(600_000, 3).await.expect("claim");
            if batch.is_empty() {
                return got;
            }
            got.extend(batch.iter().map(|d| d.id));
        }
    };
    let (a, b) = tokio::join!(tokio::spawn(claim_all(first.clone())), tokio::spawn(claim_all(second)));
    let (a, b) = (a.expect("first deliverer"), b.expect("second deliverer"));
    let mut all: Vec<i64> = a.iter().chain(&b).copied().collect();
    all.sort_unstable();
    let claimed = all.len();
    all.dedup();
    assert_eq!(all.len(), claimed, "a delivery was claimed twice: {a:?} {b:?}");
    let page = first.list_deliveries("default", &hook.id, 500, None).await.expect("deliveries");
    assert_eq!(page.items.len(), EVENTS);
    assert_eq!(claimed, EVENTS, "every delivery was claimed once");
    assert!(page.items.iter().all(|d| d.attempts == 1), "one attempt counted per claim");
}

/// The webhook worker claims due deliveries in a write of its own, then waits for the next
/// write. That claim must not count as one: it would wake the worker at once, and an idle
/// server would claim, wake and claim again in a loop (it did, at more than a core).
async fn only_an_audited_write_wakes_the_webhook_worker_and_the_admin_stream(app: TestApp) {
    let store = &app.state.store;
    let mut writes = store.watch_writes();
    writes.borrow_and_update();
    let claimed = store.claim_deliveries(30_000, 10).await.unwrap();
    assert!(claimed.is_empty());
    assert!(!writes.has_changed().unwrap(), "a claim of nothing woke the followers");
    app.create_flag("f").await;
    assert!(writes.has_changed().unwrap(), "an audited write wakes them");
}
