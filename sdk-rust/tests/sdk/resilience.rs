//! Bad data, failing streams and persistence files, against the fake server.

use std::time::Duration;

use serde_json::json;
use vexil_sdk::{
    Client, Context, Corruption, Error, ErrorCode, Foreign, PersistError, ReasonKind, Status,
    TransportFailure, WaitError,
};

use crate::fake::{FakeServer, Script, frame, frame_with_id};
use crate::support::{eventually, fast, flag_f, free_port, snapshot};

fn user() -> Context {
    Context::new("user-1")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_stream_data_is_rejected_without_corrupting_the_cache_and_the_client_recovers() {
    let bad = [
        frame("flag", 3, "{not json"),
        frame("flag", 9, &flag_f(false).to_string()),
        frame("flag", 3, r#"{"kind": "boolean"}"#),
        frame("snapshot", 5, r#"{"environment": 1}"#),
        frame("snapshot", 8, &snapshot(7, false).to_string()),
        frame("flag_deleted", 3, r#"{"nokey": true}"#),
        b"event: flag\nid: 3\ndata: \xff\xfe\n\n".to_vec(),
    ];
    let scripts = bad.iter().map(|f| Script::Frames(vec![f.clone()])).collect();
    let fake = FakeServer::start(snapshot(2, true), scripts).await;
    let client = fast(Client::builder(&fake.base, "vx_srv_fake")).build().unwrap();
    client.wait_until_ready(Duration::from_secs(10)).await.unwrap();

    eventually("every bad event to be rejected", || async {
        (client.stats().rejected_updates >= bad.len() as u64).then_some(())
    })
    .await;
    assert_eq!(client.version(), Some(2), "still the last good snapshot");
    assert!(client.bool_value("f", &user(), false), "still the last good value");
    assert!(matches!(client.last_error().as_deref(), Some(Error::Stream(_))), "{:?}", client.last_error());
    assert_eq!(client.stats().changes_applied, 0);
    // After each rejection the client reloaded and resumed from the good version.
    let streams = fake.seen("/sdk/v1/stream");
    assert!(streams.iter().all(|s| s.last_event_id.as_deref() == Some("2")), "{streams:?}");
    assert!(fake.seen("/sdk/v1/config").len() > bad.len(), "a reload after each rejection");

    // The next connection follows the script's end: a valid change now applies.
    eventually("the client to reconnect after the last bad event", || async {
        (fake.seen("/sdk/v1/stream").len() > bad.len()).then_some(())
    })
    .await;
    fake.push(frame("flag", 3, &flag_f(false).to_string()));
    eventually("the valid change", || async { (client.version() == Some(3)).then_some(()) }).await;
    assert!(!client.bool_value("f", &user(), true));
    assert_eq!(client.stats().changes_applied, 1);
    assert_eq!(client.status(), Status::Ready);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_stream_falls_back_to_polling_and_streaming_resumes_when_it_recovers() {
    let fake = FakeServer::start(snapshot(2, true), vec![]).await;
    fake.set_stream_down(true);
    let client = fast(Client::builder(&fake.base, "vx_srv_fake")).build().unwrap();
    client.wait_until_ready(Duration::from_secs(10)).await.unwrap();
    eventually("polling to start", || async { (client.stats().polls > 0).then_some(()) }).await;

    // While the stream fails, a change reaches the client through polling.
    fake.set_config(snapshot(3, false));
    eventually("the polled change", || async { (client.version() == Some(3)).then_some(()) }).await;
    assert!(!client.bool_value("f", &user(), true));
    assert!(client.stats().stream_connects >= 3);

    // The stream recovers: changes arrive through it again.
    let before = fake.seen("/sdk/v1/stream").len();
    fake.set_stream_down(false);
    eventually("a stream to open", || async {
        let open = fake.seen("/sdk/v1/stream").len() > before && client.stats().polls > 0;
        open.then_some(())
    })
    .await;
    // Give a connection that raced the switch time to be replaced by a working one.
    eventually("the stream to be connected", || async {
        let streams = fake.seen("/sdk/v1/stream").len();
        tokio::time::sleep(Duration::from_millis(1200)).await;
        (fake.seen("/sdk/v1/stream").len() == streams).then_some(())
    })
    .await;
    fake.push(frame("flag", 4, &flag_f(true).to_string()));
    eventually("the streamed change", || async { (client.version() == Some(4)).then_some(()) }).await;
    assert!(client.bool_value("f", &user(), false));
    assert_eq!(client.stats().changes_applied, 1);
    let last = fake.seen("/sdk/v1/stream").pop().unwrap();
    assert_eq!(last.last_event_id.as_deref(), Some("3"), "resumed from the polled version");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persisted_snapshot_is_used_only_by_its_own_key_and_only_when_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flags.snapshot");
    let fake = FakeServer::start(snapshot(2, true), vec![]).await;
    let writer = fast(Client::builder(&fake.base, "vx_srv_a")).persistence_path(&path).build().unwrap();
    writer.wait_until_ready(Duration::from_secs(10)).await.unwrap();
    eventually("the file to be written", || async { path.exists().then_some(()) }).await;
    writer.close();

    let unreachable = format!("http://127.0.0.1:{}", free_port());
    let start = |key: &str| {
        fast(Client::builder(&unreachable, key))
            .persistence_path(&path)
            .connect_timeout(Duration::from_millis(200))
    };

    let same_key = start("vx_srv_a").build().unwrap();
    same_key.wait_until_ready(Duration::from_secs(10)).await.unwrap();
    assert!(same_key.bool_value("f", &user(), false));
    assert_eq!((same_key.version(), same_key.stats().persisted_loads), (Some(2), 1));
    // Served, but said to come from the file: the server has not confirmed it.
    assert_eq!(same_key.status(), Status::Persisted);
    assert!(same_key.status().has_data() && !same_key.status().is_current());
    same_key.close();

    let other_key = start("vx_srv_b").build().unwrap();
    let e = other_key.wait_until_ready(Duration::from_millis(700)).await.unwrap_err();
    let WaitError::TimedOut { status: Status::Initializing, cause: Some(cause), .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(cause.transport_failure(), Some(TransportFailure::ConnectionRefused), "{cause:?}");
    assert!(std::error::Error::source(&e).is_some(), "the cause is in the error's chain");
    assert!(e.to_string().ends_with("(status: Initializing; last failure: connection refused)"), "{e}");
    eventually("the foreign file to be reported", || async {
        matches!(
            other_key.persistence_error().as_deref(),
            Some(PersistError::Foreign { what: Foreign::Key, .. })
        )
        .then_some(())
    })
    .await;
    assert!(!other_key.bool_value("f", &user(), false), "nothing from the foreign file");

    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 10]).unwrap();
    let truncated = start("vx_srv_a").build().unwrap();
    eventually("the truncated file to be reported", || async {
        matches!(
            truncated.persistence_error().as_deref(),
            Some(PersistError::Corrupt { what: Corruption::Length { .. }, .. })
        )
        .then_some(())
    })
    .await;
    assert_eq!(truncated.status(), Status::Initializing);

    std::fs::write(&path, b"some other file\n").unwrap();
    let foreign_format = start("vx_srv_a").build().unwrap();
    eventually("the unknown file to be reported", || async {
        matches!(foreign_format.persistence_error().as_deref(), Some(PersistError::NotASnapshotFile { .. }))
            .then_some(())
    })
    .await;
    assert_eq!(foreign_format.version(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_contact_for_max_staleness_the_status_turns_stale_and_values_stay() {
    let fake = FakeServer::start(snapshot(2, true), vec![]).await;
    let client = fast(Client::builder(&fake.base, "vx_srv_fake"))
        .max_staleness(Duration::from_millis(300))
        .stream_idle_timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    client.wait_until_ready(Duration::from_secs(10)).await.unwrap();
    let mut status = client.status_receiver();
    // The fake stream sends nothing after its hello: no contact.
    tokio::time::timeout(Duration::from_secs(10), status.wait_for(|s| *s == Status::Stale))
        .await
        .expect("stale in time")
        .unwrap();
    assert!(client.bool_value("f", &user(), false));
    // Any contact makes it ready again.
    fake.push(b": keep-alive\n\n".to_vec());
    tokio::time::timeout(Duration::from_secs(10), status.wait_for(|s| *s == Status::Ready))
        .await
        .expect("ready again")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_listeners_hear_which_flags_changed() {
    // No usable configuration until the listener is subscribed: `build` starts loading
    // at once, and a first snapshot applied before `subscribe_changes` is not heard.
    let fake = FakeServer::start(json!(null), vec![]).await;
    let client = fast(Client::builder(&fake.base, "vx_srv_fake")).build().unwrap();
    let mut changes = client.subscribe_changes();
    fake.set_config(snapshot(2, true));
    client.wait_until_ready(Duration::from_secs(10)).await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(10), changes.recv()).await.unwrap().unwrap();
    assert_eq!((first.version, &*first.flags), (2, &["f".to_owned()][..]));
    eventually("the stream", || async { (!fake.seen("/sdk/v1/stream").is_empty()).then_some(()) }).await;
    let mut g = flag_f(true);
    g["key"] = json!("g");
    fake.push([frame("flag", 3, &g.to_string()), frame("flag_deleted", 4, r#"{"key": "f"}"#)].concat());
    let next = tokio::time::timeout(Duration::from_secs(10), changes.recv()).await.unwrap().unwrap();
    assert_eq!(next.version, 4);
    assert_eq!(&*next.flags, ["f".to_owned(), "g".to_owned()]);
    assert_eq!(client.stats().changes_applied, 2);
    assert_eq!(client.bool_details("f", &user(), false).error_code, Some(vexil_sdk::ErrorCode::FlagNotFound));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_cannot_be_reached_leaves_defaults_and_a_clear_error() {
    let unreachable = format!("http://127.0.0.1:{}", free_port());
    let client = fast(Client::builder(&unreachable, "vx_srv_x")).build().unwrap();
    let e = client.wait_until_ready(Duration::from_millis(300)).await.unwrap_err();
    assert!(matches!(e, WaitError::TimedOut { .. }));
    let d = client.bool_details("f", &user(), true);
    assert_eq!((d.value, d.error_code), (true, Some(vexil_sdk::ErrorCode::ProviderNotReady)));
    eventually("the error", || async {
        matches!(client.last_error().as_deref(), Some(Error::Transport { .. })).then_some(())
    })
    .await;
    client.close();
    assert_eq!(client.status(), Status::Closed);
    assert!(matches!(client.wait_until_ready(Duration::from_secs(1)).await, Err(WaitError::Closed)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flag_the_sdk_cannot_use_fails_alone_and_the_rest_is_served() {
    // A configuration naming a missing variant, a value nested deeper than serde_json
    // parses inside a snapshot, and a flag that depends on a broken one.
    let mut invalid = flag_f(true);
    invalid["key"] = json!("invalid");
    invalid["config"]["off_variant"] = json!("no-such-variant");
    let mut deep_value = json!(0);
    for _ in 0..126 {
        deep_value = json!([deep_value]);
    }
    let deep = json!({"key": "deep", "kind": "json", "salt": "s", "variants": [{"key": "v", "value": deep_value}],
                      "config": {"enabled": true, "off_variant": "v", "default": {"variant": "v"}}});
    let mut dependent = flag_f(true);
    dependent["key"] = json!("dependent");
    dependent["config"]["prerequisites"] = json!([{"flag": "invalid", "variant": "on"}]);
    let config = json!({"environment": "production", "version": 2,
                        "flags": [flag_f(true), invalid, deep, dependent], "segments": []});
    let fake = FakeServer::start(config, vec![]).await;
    let client = fast(Client::builder(&fake.base, "vx_srv_fake")).build().unwrap();
    client.wait_until_ready(Duration::from_secs(10)).await.unwrap();
    assert_eq!(client.status(), Status::Ready);
    assert!(client.bool_value("f", &user(), false), "the usable flag is served");
    for (flag, code) in [
        ("invalid", ErrorCode::ParseError),
        ("deep", ErrorCode::ParseError),
        ("dependent", ErrorCode::General),
    ] {
        let d = client.bool_details(flag, &user(), false);
        assert_eq!((d.reason, d.error_code), (ReasonKind::Error, Some(code)), "{flag}");
    }
    let failed: Vec<String> = client.failures().iter().map(|f| f.object.key().to_owned()).collect();
    assert_eq!(failed, ["deep", "dependent", "invalid"]);
    assert_eq!(client.stats().failed_flags, 3);
    assert_eq!(client.stats().rejected_updates, 0);

    // The same through the stream: a change that breaks `f` makes it an error, a later
    // good change restores it, and the kill switch on another flag goes through.
    let mut broken = flag_f(true);
    broken["config"]["default"] = json!({"variant": "missing"});
    eventually("the stream to open", || async { (!fake.seen("/sdk/v1/stream").is_empty()).then_some(()) })
        .await;
    fake.push(frame("flag", 3, &broken.to_string()));
    eventually("the breaking change", || async { (client.version() == Some(3)).then_some(()) }).await;
    assert_eq!(client.bool_details("f", &user(), true).error_code, Some(ErrorCode::ParseError));
    assert_eq!(client.stats().failed_flags, 4);
    fake.push(frame("flag", 4, &flag_f(false).to_string()));
    eventually("the repaired flag", || async { (client.version() == Some(4)).then_some(()) }).await;
    assert!(!client.bool_value("f", &user(), true));
    assert_eq!(client.stats().failed_flags, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bootstrap_is_reported_as_such_until_the_server_answers() {
    let unreachable = format!("http://127.0.0.1:{}", free_port());
    let client = fast(Client::builder(&unreachable, "vx_srv_a"))
        .bootstrap_json(snapshot(1, true).to_string())
        .connect_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    client.wait_until_ready(Duration::from_secs(1)).await.unwrap();
    assert_eq!(client.status(), Status::Bootstrap);
    eventually("a failed load", || async { client.last_error().map(|_| ()) }).await;
    assert_eq!(client.status(), Status::Bootstrap, "still the bootstrap, not Ready");

    let fake = FakeServer::start(snapshot(5, false), vec![]).await;
    let client = fast(Client::builder(&fake.base, "vx_srv_a"))
        .bootstrap_json(snapshot(1, true).to_string())
        .build()
        .unwrap();
    let mut status = client.status_receiver();
    tokio::time::timeout(Duration::from_secs(10), status.wait_for(|s| *s == Status::Ready))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(client.version(), Some(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_resumes_in_the_servers_history_and_reloads_on_a_change_of_another() {
    let fake = FakeServer::start(snapshot(2, true), vec![]).await;
    fake.set_history("h1");
    let client = fast(Client::builder(&fake.base, "vx_srv_fake")).build().unwrap();
    client.wait_until_ready(Duration::from_secs(10)).await.unwrap();
    eventually("the stream to open", || async { (!fake.seen("/sdk/v1/stream").is_empty()).then_some(()) })
        .await;
    let first = fake.seen("/sdk/v1/stream").remove(0);
    assert_eq!(first.last_event_id.as_deref(), Some("h1-2"), "the position the configuration's ETag named");

    // A change of the same history applies.
    fake.set_config(snapshot(3, false));
    fake.push(frame_with_id("flag", "h1-3", &flag_f(false).to_string()));
    eventually("the change", || async { (client.version() == Some(3)).then_some(()) }).await;
    // A change of another history (the server's database was restored) is not applied
    // to data of this one: the client reloads instead.
    let rejected = client.stats().rejected_updates;
    fake.push(frame_with_id("flag", "h2-4", &flag_f(true).to_string()));
    eventually("the change of another history to be refused", || async {
        (client.stats().rejected_updates > rejected).then_some(())
    })
    .await;
    assert!(matches!(client.last_error().as_deref(), Some(Error::Stream(_))), "{:?}", client.last_error());
    assert_eq!(client.version(), Some(3), "nothing of the other history was applied");
    assert!(!client.bool_value("f", &user(), true));
    eventually("a reload and a new stream", || async {
        (fake.seen("/sdk/v1/stream").len() >= 2).then_some(())
    })
    .await;
    // The reload found the server's configuration (version 3 of history h1).
    let last = fake.seen("/sdk/v1/stream").pop().unwrap();
    assert_eq!(last.last_event_id.as_deref(), Some("h1-3"), "{last:?}");

    // Polling sends the position back as If-None-Match, and a 304 keeps the data.
    let polling = fast(Client::builder(&fake.base, "vx_srv_fake"))
        .streaming(false)
        .poll_interval(Duration::from_millis(200))
        .build()
        .unwrap();
    polling.wait_until_ready(Duration::from_secs(10)).await.unwrap();
    eventually("a conditional poll answered 304", || async {
        (polling.stats().not_modified >= 1).then_some(())
    })
    .await;
    let conditional = fake
        .seen("/sdk/v1/config")
        .iter()
        .filter_map(|s| s.headers.iter().find(|(k, _)| k == "if-none-match").map(|(_, v)| v.clone()))
        .collect::<Vec<_>>();
    assert!(!conditional.is_empty() && conditional.iter().all(|v| v == "\"h1-3\""), "{conditional:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_reconnection_counts_as_a_stream_resume() {
    // The first connection after the initial load sends Last-Event-ID too, but resumes nothing.
    let fake = FakeServer::start(snapshot(2, true), vec![]).await;
    let client = fast(Client::builder(&fake.base, "vx_srv_fake")).build().unwrap();
    client.wait_until_ready(Duration::from_secs(10)).await.unwrap();
    eventually("the stream to open", || async { (!fake.seen("/sdk/v1/stream").is_empty()).then_some(()) })
        .await;
    let stats = client.stats();
    assert_eq!((stats.full_loads, stats.stream_connects, stats.stream_resumes), (1, 1, 0), "{stats:?}");

    // A refused first connection: the second one is a resume.
    let fake = FakeServer::start(snapshot(2, true), vec![Script::Status(503)]).await;
    let client = fast(Client::builder(&fake.base, "vx_srv_fake")).build().unwrap();
    client.wait_until_ready(Duration::from_secs(10)).await.unwrap();
    eventually("the stream to reconnect", || async {
        (fake.seen("/sdk/v1/stream").len() >= 2).then_some(())
    })
    .await;
    let stats = client.stats();
    assert_eq!((stats.stream_connects, stats.stream_resumes), (2, 1), "{stats:?}");
    let streams = fake.seen("/sdk/v1/stream");
    assert!(streams.iter().all(|s| s.last_event_id.as_deref() == Some("2")), "{streams:?}");
}
