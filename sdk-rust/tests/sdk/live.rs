//! The client against real `vexil` processes on PostgreSQL.

use std::time::Duration;

use serde_json::json;
use vexil_sdk::{Client, Context, ReasonKind, Status, WaitError};

use crate::support::{Setup, eventually, fast, usage};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_loads_the_configuration_then_follows_changes_through_the_stream() {
    let s = Setup::new().await;
    let client = s.client().build().unwrap();
    let mut changes = client.subscribe_changes();
    client.wait_until_ready(Duration::from_secs(20)).await.unwrap();
    assert_eq!(client.status(), Status::Ready);
    let user = Context::new("user-1");
    let d = client.bool_details("f", &user, true);
    assert_eq!((d.value, d.variant.as_deref(), d.reason), (false, Some("off"), ReasonKind::Disabled));
    assert_eq!(client.stats().full_loads, 1);
    let loaded = tokio::time::timeout(Duration::from_secs(20), changes.recv()).await.unwrap().unwrap();
    assert_eq!(&*loaded.flags, ["f".to_owned()]);

    s.admin.toggle("f", true).await;
    eventually("the toggle to reach the client", || async {
        client.bool_value("f", &user, false).then_some(())
    })
    .await;
    let change = tokio::time::timeout(Duration::from_secs(20), changes.recv()).await.unwrap().unwrap();
    assert_eq!(&*change.flags, ["f".to_owned()]);

    s.admin
        .put_config(
            "f",
            json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                   "targets": [{"variant": "off", "keys": ["user-2"]}],
                   "rules": [{"id": "de", "conditions": [{"attribute": "country", "op": "in", "values": ["DE"]}],
                              "serve": {"variant": "off"}}]}),
        )
        .await;
    let german = Context::new("user-3").with("country", "DE");
    eventually("the new rules", || async { (!client.bool_value("f", &german, true)).then_some(()) }).await;
    let d = client.bool_details("f", &german, true);
    assert_eq!(
        (d.reason, d.rule_index, d.rule_id.as_deref()),
        (ReasonKind::TargetingMatch, Some(0), Some("de"))
    );
    let d = client.bool_details("f", &Context::new("user-2"), true);
    assert_eq!((d.value, d.reason, d.rule_index), (false, ReasonKind::TargetingMatch, None));
    assert!(client.bool_value("f", &user, false));

    let stats = client.stats();
    assert_eq!(stats.full_loads, 1, "changes came as deltas: {stats:?}");
    assert!(stats.changes_applied >= 2, "{stats:?}");
    assert!(client.last_error().is_none(), "{:?}", client.last_error());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_server_restart_the_client_resumes_the_stream_without_a_full_reload() {
    let mut s = Setup::new().await;
    s.admin.toggle("f", true).await;
    let client = s.client().build().unwrap();
    client.wait_until_ready(Duration::from_secs(20)).await.unwrap();
    let user = Context::new("user-1");
    assert!(client.bool_value("f", &user, false));
    eventually("the stream to open", || async { (client.stats().stream_connects >= 1).then_some(()) }).await;
    let before = client.stats();

    s.server.restart().await;
    eventually("a resumed stream on the new process", || async {
        (s.server.metric("vexil_stream_resumes_total").await >= 1.0).then_some(())
    })
    .await;
    let after = client.stats();
    assert!(after.stream_resumes > before.stream_resumes, "{after:?}");
    assert_eq!(after.full_loads, 1, "no full reload: {after:?}");
    assert!(client.bool_value("f", &user, false), "values were served throughout");

    // The resumed stream carries later changes.
    s.admin.toggle("f", false).await;
    eventually("the change after the restart", || async {
        (!client.bool_value("f", &user, true)).then_some(())
    })
    .await;
    assert_eq!(client.stats().full_loads, 1);
    assert_eq!(client.status(), Status::Ready);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_server_down_at_start_the_persisted_snapshot_is_served() {
    let mut s = Setup::new().await;
    s.admin.toggle("f", true).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vexil.snapshot");
    let first = s.client().persistence_path(&path).build().unwrap();
    first.wait_until_ready(Duration::from_secs(20)).await.unwrap();
    eventually("the snapshot file", || async { path.exists().then_some(()) }).await;
    let version = first.version();
    first.close();
    s.server.terminate();

    let second = fast(Client::builder(&s.server.base, &s.key))
        .persistence_path(&path)
        .max_staleness(Duration::from_millis(500))
        .build()
        .unwrap();
    second.wait_until_ready(Duration::from_secs(20)).await.unwrap();
    assert!(second.bool_value("f", &Context::new("user-1"), false), "the persisted value");
    assert_eq!(second.version(), version);
    assert_eq!(second.stats().persisted_loads, 1);
    assert_eq!(second.stats().full_loads, 0);
    // Served, and said to be the file's: neither Ready nor (past max_staleness) Stale,
    // which would both claim data from this server.
    assert_eq!(second.status(), Status::Persisted);
    eventually("a failed attempt past max_staleness", || async {
        (second.stats().stream_connects + second.stats().polls >= 3).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(second.status(), Status::Persisted);
    let mut status = second.status_receiver();

    // The server comes back: fresh data replaces the file's.
    s.server.restart().await;
    tokio::time::timeout(Duration::from_secs(20), status.wait_for(|s| *s == Status::Ready))
        .await
        .expect("ready again")
        .unwrap();
    eventually("a load from the server", || async { (second.stats().full_loads >= 1).then_some(()) }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_learns_which_applications_evaluate_a_flag() {
    let s = Setup::new().await;
    s.admin.toggle("f", true).await;
    let named = s.client().application(vexil_sdk::application!()).build().unwrap();
    let unnamed = s.client().build().unwrap();
    for client in [&named, &unnamed] {
        client.wait_until_ready(Duration::from_secs(20)).await.unwrap();
        assert!(client.bool_value("f", &Context::new("user-1"), false));
        client.flush_blocking(Duration::from_secs(20)).unwrap();
    }
    // Without a name the executable's is sent: this test binary's.
    let exe = std::env::current_exe().unwrap();
    let exe = exe.file_stem().unwrap().to_str().unwrap().to_owned();
    let (status, body) =
        s.admin.call(reqwest::Method::GET, "/api/v1/projects/default/flags/f/applications", None).await;
    assert_eq!(status, 200, "{body}");
    let mut seen: Vec<(String, Option<String>)> = body["applications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].as_str().unwrap().to_owned(), a["version"].as_str().map(str::to_owned)))
        .collect();
    seen.sort();
    let mut expected =
        vec![("vexil-sdk".to_owned(), Some(env!("CARGO_PKG_VERSION").to_owned())), (exe, None)];
    expected.sort();
    assert_eq!(seen, expected);
    // An application the server could not show is refused when the client is built.
    let bad = s.client().application(vexil_sdk::Application::new("line\nbreak", "1")).build();
    assert!(matches!(bad, Err(vexil_sdk::BuildError::InvalidApplication { field: "/name", .. })), "{bad:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_and_metric_events_reach_the_server() {
    let s = Setup::new().await;
    s.admin.toggle("f", true).await;
    let client = s.client().watch_flags(["f"], 100).build().unwrap();
    client.wait_until_ready(Duration::from_secs(20)).await.unwrap();
    for i in 0..5 {
        assert!(client.bool_value("f", &Context::new(format!("user-{i}")), false));
    }
    client.try_track("checkout", &Context::new("user-1"), 20.0).unwrap();
    client.flush();
    eventually("usage on the server", || async {
        let usage = usage(&s.admin, "f").await;
        (usage.get("on") == Some(&5)).then_some(())
    })
    .await;

    // Shutdown sends what is left.
    for _ in 0..3 {
        client.bool_value("f", &Context::new("user-9"), false);
    }
    drop(client);
    eventually("the final flush", || async {
        let usage = usage(&s.admin, "f").await;
        (usage.get("on") == Some(&8)).then_some(())
    })
    .await;

    // The metric carries the variant the user was served.
    use sqlx::Connection;
    let mut db = sqlx::PgConnection::connect(&s._db.url).await.unwrap();
    let rows: Vec<(String, String, i64, f64)> =
        sqlx::query_as("select flag_key, variant, count, sum from metric_minute where event_key = 'checkout' order by flag_key")
            .fetch_all(&mut db)
            .await
            .unwrap();
    assert_eq!(rows, [("".into(), "".into(), 1, 20.0), ("f".into(), "on".into(), 1, 20.0)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_polling_only_client_follows_changes_with_conditional_requests() {
    let s = Setup::new().await;
    let client = s.client().streaming(false).build().unwrap();
    client.wait_until_ready(Duration::from_secs(20)).await.unwrap();
    let user = Context::new("user-1");
    assert!(!client.bool_value("f", &user, true));
    eventually("a 304", || async { (client.stats().not_modified >= 1).then_some(()) }).await;
    s.admin.toggle("f", true).await;
    eventually("the polled change", || async { client.bool_value("f", &user, false).then_some(()) }).await;
    let stats = client.stats();
    assert_eq!((stats.stream_connects, stats.full_loads), (0, 2), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_or_revoked_key_fails_the_start_at_once_with_an_authorisation_error() {
    let s = Setup::new().await;
    let (revoked, id) = s.admin.sdk_key("server").await;
    let path = format!("/api/v1/projects/default/environments/production/sdk-keys/{id}");
    let (status, body) = s.admin.call(reqwest::Method::DELETE, &path, None).await;
    assert!(status == 204 || status == 200, "{status} {body}");
    for key in ["vx_srv_not-a-real-key", revoked.as_str()] {
        let client = fast(Client::builder(&s.server.base, key)).build().unwrap();
        // A wait far longer than any test: the refusal must end it, not the timeout.
        let e = client.wait_until_ready(Duration::from_secs(3600)).await.unwrap_err();
        assert!(matches!(e, WaitError::Unauthorized { status: 401 }), "{e:?}");
        assert_eq!(client.status(), Status::Unauthorized);
        assert!(matches!(
            client.last_error().as_deref(),
            Some(vexil_sdk::Error::Unauthorized { status: 401, .. })
        ));
        let blocking = client.clone();
        let e = tokio::task::spawn_blocking(move || {
            blocking.wait_until_ready_blocking(Duration::from_secs(3600))
        })
        .await
        .unwrap()
        .unwrap_err();
        assert!(matches!(e, WaitError::Unauthorized { status: 401 }), "{e:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metric_event_carries_the_rollout_variants_the_context_gets_without_configuration() {
    let s = Setup::new().await;
    s.admin
        .put_config(
            "f",
            json!({"enabled": true, "off_variant": "off",
                   "default": {"rollout": {"weights": [{"variant": "on", "weight": 50000},
                                                       {"variant": "off", "weight": 50000}]}}}),
        )
        .await;
    let client = s.client().build().unwrap();
    client.wait_until_ready(Duration::from_secs(20)).await.unwrap();
    let users: Vec<Context> = (0..6).map(|i| Context::new(format!("user-{i}"))).collect();
    let mut expected = std::collections::BTreeMap::new();
    for (i, user) in users.iter().enumerate() {
        // `f` is not watched: the SDK attributes the event by evaluating the rollout.
        let d = client.bool_details("f", user, false);
        *expected.entry(d.variant.unwrap()).or_insert(0i64) += 1;
        client.track("purchase", user, i as f64);
    }
    client.flush_blocking(Duration::from_secs(20)).unwrap();
    use sqlx::Connection;
    let mut db = sqlx::PgConnection::connect(&s._db.url).await.unwrap();
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "select variant, sum(count)::bigint from metric_minute where event_key = 'purchase' and flag_key = 'f' group by variant order by variant",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    let got: std::collections::BTreeMap<String, i64> = rows.into_iter().collect();
    assert_eq!(got, expected);
}

/// `[[...{"text": filler}...]]`, `depth` levels deep.
fn nested(depth: usize, filler: &str) -> serde_json::Value {
    let mut v = json!({"text": filler});
    for _ in 1..depth {
        v = json!([v]);
    }
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deepest_and_largest_value_the_server_accepts_reaches_the_sdk_and_deeper_ones_are_refused() {
    use vexil_core::limits::{MAX_JSON_DEPTH, MAX_VARIANT_VALUE_BYTES, json_depth};
    let s = Setup::new().await;
    // As deep as allowed and nearly as large: the worst document a client must parse.
    let filler = "x".repeat(MAX_VARIANT_VALUE_BYTES - 4 * MAX_JSON_DEPTH - 64);
    let deepest = nested(MAX_JSON_DEPTH, &filler);
    assert_eq!(json_depth(&deepest), MAX_JSON_DEPTH);
    let body = json!({"key": "layout", "kind": "json",
                      "variants": [{"key": "deep", "value": deepest}, {"key": "flat", "value": {}}]});
    let (status, b) = s.admin.call(reqwest::Method::POST, "/api/v1/projects/default/flags", Some(body)).await;
    assert_eq!(status, 201, "{b}");
    s.admin
        .put_config("layout", json!({"enabled": true, "off_variant": "flat", "default": {"variant": "deep"}}))
        .await;

    let client = s.client().build().unwrap();
    client.wait_until_ready(Duration::from_secs(20)).await.unwrap();
    assert_eq!(client.json_value("layout", &Context::new("user-1"), json!(null)), deepest);
    assert!(client.failures().is_empty());

    // One level deeper, and the 124 levels that used to lock every SDK out, are refused
    // when written, naming the limit.
    for depth in [MAX_JSON_DEPTH + 1, 124] {
        let body = json!({"key": format!("deep-{depth}"), "kind": "json",
                          "variants": [{"key": "v", "value": nested(depth, "")}]});
        let (status, b) =
            s.admin.call(reqwest::Method::POST, "/api/v1/projects/default/flags", Some(body)).await;
        assert_eq!(status, 422, "{b}");
        assert!(b.to_string().contains(&format!("the limit is {MAX_JSON_DEPTH}")), "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_change_listener_hears_the_changes_of_its_context_only() {
    let s = Setup::new().await;
    let client = s.client().build().unwrap();
    client.wait_until_ready(Duration::from_secs(20)).await.unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    let _listener = client.on_change("f", &Context::new("user-1"), move |change| {
        sink.lock().unwrap().push((change.old_value.clone(), change.new_value.clone()));
    });
    let seen_len = || seen.lock().unwrap().len();

    s.admin.toggle("f", true).await;
    eventually("the listener to hear the toggle", || async { (seen_len() == 1).then_some(()) }).await;
    // A change that leaves user-1's value alone, then one that does not: when the
    // second is heard, the first (earlier on the same stream) was applied silently.
    s.admin
        .put_config(
            "f",
            json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                   "targets": [{"variant": "off", "keys": ["user-2"]}]}),
        )
        .await;
    s.admin.toggle("f", false).await;
    eventually("the listener to hear the second toggle", || async { (seen_len() >= 2).then_some(()) }).await;
    assert_eq!(
        *seen.lock().unwrap(),
        [(Some(json!(false)), Some(json!(true))), (Some(json!(true)), Some(json!(false)))]
    );
    assert!(client.stats().changes_applied >= 3, "{:?}", client.stats());
}
