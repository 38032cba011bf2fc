//! Streaming over real processes and sockets: order, resume, slow clients, several
//! replicas on one PostgreSQL, lost notification connections, shutdown and revocation.

mod ofrep;
mod slow_clients;
mod support;

use std::time::Duration;

use serde_json::json;
use support::{Sse, serve};
use vexil_testkit::{Admin, OWNER_EMAIL, Server, TestDb};

const WAIT: Duration = Duration::from_secs(15);

async fn stream(server: &Server, key: &str, last_event_id: Option<&str>) -> Sse {
    let auth = format!("Bearer {key}");
    let mut headers = vec![("authorization", auth.as_str())];
    if let Some(id) = last_event_id {
        headers.push(("last-event-id", id));
    }
    let s = Sse::open(&format!("{}/sdk/v1/stream", server.base), &headers).await;
    assert_eq!(s.status, 200);
    s
}

#[tokio::test]
async fn a_stream_sends_the_snapshot_then_each_change_in_order() {
    let db = TestDb::sqlite();
    let server = serve(&db, &[]).await;
    let admin = Admin::login(&server).await;
    admin.create_flag("f").await;
    let (key, _) = admin.sdk_key("server").await;
    let mut s = stream(&server, &key, None).await;
    let snapshot = s.next(WAIT).await.expect("snapshot");
    assert_eq!(snapshot.event, "snapshot");
    assert_eq!(s.retry, Some(2000), "a retry hint comes first");
    let v0 = snapshot.version();
    assert_eq!(snapshot.json()["version"].as_u64(), Some(v0), "id = snapshot version");
    assert_eq!(snapshot.json()["flags"][0]["key"], "f");

    admin.toggle("f", true).await;
    admin.create_flag("g").await;
    let (status, _) = admin
        .call(
            reqwest::Method::POST,
            "/api/v1/projects/default/segments",
            Some(json!({"key": "beta", "included": ["u1"]})),
        )
        .await;
    assert_eq!(status, 201);
    admin.call(reqwest::Method::DELETE, "/api/v1/projects/default/flags/g", None).await;
    let events = s.until(WAIT, |e| e.event == "flag_deleted").await;
    let summary: Vec<(u64, &str)> = events.iter().map(|e| (e.version() - v0, e.event.as_str())).collect();
    assert_eq!(summary, [(1, "flag"), (2, "flag"), (3, "segment"), (4, "flag_deleted")]);
    assert_eq!(events[0].json()["config"]["enabled"], true);
    assert_eq!(events[1].json()["key"], "g");
    assert_eq!(events[3].json(), json!({"key": "g"}));
}

#[tokio::test]
async fn resuming_with_last_event_id_sends_only_missed_changes_or_a_snapshot_when_too_old() {
    let db = TestDb::sqlite();
    let server = serve(&db, &[("VEXIL_STREAM_RING_SIZE", "4")]).await;
    let admin = Admin::login(&server).await;
    admin.create_flag("f").await;
    let (key, _) = admin.sdk_key("server").await;
    let mut first = stream(&server, &key, None).await;
    let snap = first.next(WAIT).await.unwrap();
    let v0 = snap.version();
    let at = |v: u64| format!("{}-{v}", snap.history());
    drop(first);
    // Two changes while away: within the ring.
    admin.toggle("f", true).await;
    admin.toggle("f", false).await;
    let target = admin.env_version().await;
    let mut resumed = stream(&server, &key, Some(&at(v0))).await;
    assert_eq!(resumed.start.as_deref(), Some("resumed"));
    let events = resumed.until(WAIT, |e| e.version() >= target).await;
    let kinds: Vec<(&str, u64)> = events.iter().map(|e| (e.event.as_str(), e.version())).collect();
    assert_eq!(kinds, [("flag", v0 + 1), ("flag", v0 + 2)], "only the missed changes, no snapshot");
    // Up to date: nothing to send but later changes.
    let mut current = stream(&server, &key, Some(&at(target))).await;
    admin.toggle("f", true).await;
    let e = current.next(WAIT).await.unwrap();
    assert_eq!((e.event.as_str(), e.version()), ("flag", target + 1));
    // Ten changes while away: more than the ring holds, so a fresh snapshot.
    for i in 0..10 {
        admin.toggle("f", i % 2 == 0).await;
    }
    let latest = admin.env_version().await;
    let mut old = stream(&server, &key, Some(&at(v0))).await;
    assert_eq!(old.start.as_deref(), Some("snapshot"));
    let events = old.until(WAIT, |e| e.version() >= latest).await;
    assert_eq!(events[0].event, "snapshot", "{events:?}");
    // An id the server never issued also starts from a snapshot.
    let mut bogus = Sse::open(
        &format!("{}/sdk/v1/stream", server.base),
        &[("authorization", &format!("Bearer {key}")), ("last-event-id", "not-a-number")],
    )
    .await;
    assert_eq!(bogus.next(WAIT).await.unwrap().event, "snapshot");
}

/// The number of environments the server holds in memory, from `/metrics`.
async fn environments_loaded(server: &Server) -> Option<u64> {
    let text = reqwest::get(format!("{}/metrics", server.base)).await.ok()?.text().await.ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("vexil_environments_loaded "))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map(|v| v as u64)
}

#[tokio::test]
async fn a_client_resumes_after_its_environment_was_dropped_from_memory() {
    let db = TestDb::sqlite();
    let server = serve(&db, &[("VEXIL_HUB_IDLE_SECONDS", "1")]).await;
    let admin = Admin::login(&server).await;
    admin.create_flag("f").await;
    let (key, _) = admin.sdk_key("server").await;
    let mut first = stream(&server, &key, None).await;
    let snap = first.next(WAIT).await.unwrap();
    let v0 = snap.version();
    assert_eq!(environments_loaded(&server).await, Some(1));
    // An open stream keeps its environment loaded, however long it is quiet: a change
    // made after the idle time still reaches it.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    admin.toggle("f", true).await;
    let e = first.next(WAIT).await.unwrap();
    assert_eq!((e.event.as_str(), e.version()), ("flag", v0 + 1));
    drop(first);
    // Without streams or requests, the environment is dropped.
    let deadline = tokio::time::Instant::now() + WAIT;
    while environments_loaded(&server).await != Some(0) {
        assert!(tokio::time::Instant::now() < deadline, "the unused environment was never dropped");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Changes while it is not loaded, then a resume from before them.
    admin.toggle("f", false).await;
    admin.toggle("f", true).await;
    let target = admin.env_version().await;
    let mut resumed = stream(&server, &key, Some(&format!("{}-{}", snap.history(), v0 + 1))).await;
    assert_eq!(resumed.start.as_deref(), Some("resumed"), "the reloaded ring has the missed changes");
    let events = resumed.until(WAIT, |e| e.version() >= target).await;
    let kinds: Vec<(&str, u64)> = events.iter().map(|e| (e.event.as_str(), e.version())).collect();
    assert_eq!(kinds, [("flag", v0 + 2), ("flag", v0 + 3)], "only the missed changes, no snapshot");
    assert_eq!(events[1].json()["config"]["enabled"], true);
    assert_eq!(environments_loaded(&server).await, Some(1));
}

/// A counter from `/metrics` (0 when absent).
async fn counter(server: &Server, name: &str) -> u64 {
    let r = reqwest::get(format!("{}/metrics", server.base)).await.expect("GET /metrics");
    assert_eq!(r.status(), 200, "GET /metrics");
    let text = r.text().await.expect("the metrics text");
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map_or(0, |v| v as u64)
}

/// How many snapshot models the server has dropped from memory.
async fn models_shed(server: &Server) -> u64 {
    counter(server, "vexil_environment_models_shed_total").await
}

/// How many times the server has read a snapshot model back from its JSON.
async fn models_read(server: &Server) -> u64 {
    counter(server, "vexil_environment_models_read_total").await
}

/// Waits until `read` answers more than `than`.
async fn until_above<F: std::future::Future<Output = u64>>(
    than: u64,
    what: &str,
    read: impl Fn() -> F,
) -> u64 {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let now = read().await;
        if now > than {
            return now;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what} stayed at {now}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Applies stream events to a snapshot as an SDK does.
fn apply_events(snapshot: &mut vexil_core::Snapshot, events: &[support::Event]) {
    use vexil_core::wire::{Change, parse_change};
    for e in events {
        match parse_change(&e.event, &e.data).unwrap_or_else(|err| panic!("{}: {err}", e.event)) {
            Some(Change::Flag(f)) => {
                snapshot.flags.retain(|x| x.key != f.key);
                snapshot.flags.push(f.into());
            }
            Some(Change::Segment(seg)) => {
                snapshot.segments.retain(|x| x.key != seg.key);
                snapshot.segments.push(seg.into());
            }
            Some(Change::FlagDeleted(k)) => snapshot.flags.retain(|x| x.key != k),
            Some(Change::SegmentDeleted(k)) => snapshot.segments.retain(|x| x.key != k),
            other => panic!("{} read as {other:?}", e.event),
        }
        snapshot.version = e.version();
    }
    snapshot.flags.sort_by(|a, b| a.key.cmp(&b.key));
    snapshot.segments.sort_by(|a, b| a.key.cmp(&b.key));
}

/// A loaded environment keeps its configuration as JSON only, and a view built by a
/// change drops its model once the sweep finds it unchanged (decision 0040): changes
/// after either read the model back from the JSON and are served as before. A stream
/// makes the environment read its model back at once and keep it (decision 0047), so a
/// change reaches open streams without that read, and is streamed as served.
#[tokio::test]
async fn changes_apply_the_same_after_the_snapshot_model_is_dropped() {
    let db = TestDb::sqlite();
    let server = serve(&db, &[("VEXIL_HUB_IDLE_SECONDS", "1")]).await;
    let admin = Admin::login(&server).await;
    for key in ["a", "b", "c"] {
        admin.create_flag(key).await;
    }
    let (key, _) = admin.sdk_key("server").await;
    let served = || async {
        reqwest::Client::new()
            .get(format!("{}/sdk/v1/config", server.base))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .json::<vexil_core::Snapshot>()
            .await
            .unwrap()
    };
    let enabled = |s: &vexil_core::Snapshot| -> Vec<(String, bool)> {
        s.flags.iter().map(|f| (f.key.clone(), f.config.enabled)).collect()
    };

    // Waits for the sweep to drop the current view's model, asking for the configuration
    // meanwhile so that the environment is not dropped from memory as unused instead.
    // `shed` is the count from before the change that built the view: read after it, the
    // sweep may already have dropped that model, and the count would never pass it.
    let until_shed = |shed: u64| {
        let (server, served) = (&server, &served);
        async move {
            until_above(shed, "the count of models dropped", || async {
                served().await;
                models_shed(server).await
            })
            .await;
        }
    };
    // Toggles a flag and waits until the configuration served has the change.
    let toggle_served = |flag: &'static str, on: bool| {
        let (admin, served) = (&admin, &served);
        async move {
            admin.toggle(flag, on).await;
            let target = admin.env_version().await;
            until_above(target - 1, "the version served", || async { served().await.version }).await;
        }
    };

    // Loaded whole by a request, without a stream: the view holds no model, and the
    // first change reads it back.
    served().await;
    let read = models_read(&server).await;
    let shed = models_shed(&server).await;
    toggle_served("a", true).await;
    assert_eq!(models_read(&server).await, read + 1, "the change read the model back from the JSON");
    assert_eq!(enabled(&served().await), [("a".into(), true), ("b".into(), false), ("c".into(), false)]);

    // The view that change built holds its model until a sweep drops it; the next change
    // reads it back again.
    until_shed(shed).await;
    let shed = models_shed(&server).await;
    toggle_served("b", true).await;
    assert_eq!(models_read(&server).await, read + 2, "the change read the dropped model back");
    assert_eq!(enabled(&served().await), [("a".into(), true), ("b".into(), true), ("c".into(), false)]);

    // The sweep drops that view's model too; a stream then starting reads it back at
    // once, before any change.
    until_shed(shed).await;
    let mut s = stream(&server, &key, None).await;
    let first = s.next(WAIT).await.unwrap();
    assert_eq!(first.event, "snapshot");
    let mut snapshot: vexil_core::Snapshot = serde_json::from_str(&first.data).unwrap();
    let read = until_above(read + 2, "the count of models read", || models_read(&server)).await;
    // Long enough for sweeps to pass (every 250 ms here): with the stream open they
    // leave the model, so the changes below read nothing (were it dropped, they would).
    tokio::time::sleep(Duration::from_millis(800)).await;

    // With the stream open, changes use the model kept, are streamed, and the stream's
    // result is what is served.
    admin.toggle("a", false).await;
    admin.toggle("c", true).await;
    let target = admin.env_version().await;
    let events = s.until(WAIT, |e| e.version() >= target).await;
    assert_eq!(events.len(), 2, "{events:?}");
    apply_events(&mut snapshot, &events);
    let now = served().await;
    assert_eq!(snapshot, now, "the stream's changes give what is served");
    assert_eq!(enabled(&now), [("a".into(), false), ("b".into(), true), ("c".into(), true)]);
    assert_eq!(models_read(&server).await, read, "no change read the model back while the stream was open");
}

/// An environment a stream loads keeps its model (decision 0047): the first change is
/// applied and streamed without reading the whole configuration back from its JSON.
#[tokio::test]
async fn an_environment_loaded_by_a_stream_applies_its_first_change_without_a_read() {
    let db = TestDb::sqlite();
    let server = serve(&db, &[]).await;
    let admin = Admin::login(&server).await;
    admin.create_flag("a").await;
    let (key, _) = admin.sdk_key("server").await;
    let mut s = stream(&server, &key, None).await;
    assert_eq!(s.next(WAIT).await.unwrap().event, "snapshot");
    admin.toggle("a", true).await;
    let target = admin.env_version().await;
    let events = s.until(WAIT, |e| e.version() >= target).await;
    assert_eq!(events.last().map(|e| e.json()["config"]["enabled"].clone()), Some(json!(true)), "{events:?}");
    assert_eq!(models_read(&server).await, 0, "nothing was read back from the JSON");
}

#[tokio::test]
async fn a_client_that_stops_reading_is_resynchronised_and_the_others_are_unaffected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = TestDb::sqlite();
    let server = serve(&db, &[("VEXIL_STREAM_QUEUE_SIZE", "8")]).await;
    let admin = Admin::login(&server).await;
    admin.create_flag("big").await;
    let (key, _) = admin.sdk_key("server").await;
    let mut fast = stream(&server, &key, None).await;
    let v0 = fast.next(WAIT).await.unwrap().version();
    let changes = 60u64;
    let latest = v0 + changes;
    // The fast client reads all the time, on its own task.
    let fast = tokio::spawn(async move { fast.until(WAIT, |e| e.version() >= latest).await });

    // The slow client: a raw socket that sends its request and then reads nothing.
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(
        format!("GET /sdk/v1/stream HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {key}\r\n\r\n")
            .as_bytes(),
    )
    .await
    .unwrap();

    // Large changes (about 150 KB each) fill the socket buffers quickly.
    let keys: Vec<String> = (0..9000).map(|i| format!("user-{i:08}")).collect();
    for i in 0..changes {
        let mut some = keys.clone();
        some.rotate_left(i as usize);
        admin
            .put_config(
                "big",
                json!({"enabled": i % 2 == 0, "off_variant": "off", "default": {"variant": "on"},
                       "targets": [{"variant": "on", "keys": some}]}),
            )
            .await;
    }
    // The fast client got every change, in order, with no snapshot in between.
    let events = fast.await.unwrap();
    let versions: Vec<u64> = events.iter().map(|e| e.version()).collect();
    assert_eq!(versions, (v0 + 1..=latest).collect::<Vec<_>>());
    assert!(events.iter().all(|e| e.event == "flag"));

    // Now the slow client reads: it must end up on the latest version, and whatever it
    // missed must have been replaced by a snapshot, never silently skipped.
    let mut raw = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut buf = vec![0u8; 1 << 20];
    let mut seen: Vec<(String, u64)> = Vec::new();
    while tokio::time::Instant::now() < deadline && seen.last().is_none_or(|(_, v)| *v < latest) {
        let n =
            tokio::time::timeout(Duration::from_secs(5), slow.read(&mut buf)).await.expect("reads").unwrap();
        assert!(n > 0, "the slow client's stream closed");
        raw.extend_from_slice(&buf[..n]);
        seen = parse_events(&raw);
    }
    assert_eq!(seen.last().map(|(_, v)| *v), Some(latest), "the slow client caught up");
    let snapshots = seen.iter().filter(|(e, _)| e == "snapshot").count();
    assert!(snapshots >= 2, "the slow client was resynchronised with a snapshot: {seen:?}");
    for pair in seen.windows(2) {
        let ((_, a), (kind, b)) = (&pair[0], &pair[1]);
        assert!(kind == "snapshot" || *b == a + 1, "a gap without a snapshot: {a} -> {b} in {seen:?}");
    }
}

/// (event, id) of every complete event in a raw HTTP/1.1 chunked SSE body.
fn parse_events(raw: &[u8]) -> Vec<(String, u64)> {
    let text = String::from_utf8_lossy(raw);
    let mut out = Vec::new();
    let mut id = None;
    let mut event = None;
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        if let Some(v) = line.strip_prefix("id: ") {
            id = v.rsplit('-').next().and_then(|v| v.parse::<u64>().ok());
        } else if let Some(v) = line.strip_prefix("event: ") {
            event = Some(v.to_owned());
        } else if line.starts_with("data: ") {
            if let (Some(i), Some(e)) = (id.take(), event.take()) {
                out.push((e, i));
            }
        }
    }
    out
}

#[tokio::test]
async fn a_change_written_on_one_replica_reaches_a_stream_on_another() {
    let db = TestDb::postgres().await;
    let a = serve(&db, &[]).await;
    let b = serve(&db, &[("VEXIL_VERSION_CHECK_SECONDS", "3600")]).await;
    let admin_a = Admin::login(&a).await;
    admin_a.create_flag("f").await;
    let (key, _) = admin_a.sdk_key("server").await;
    let mut on_b = stream(&b, &key, None).await;
    let v0 = on_b.next(WAIT).await.unwrap().version();
    admin_a.toggle("f", true).await;
    let e = on_b.next(WAIT).await.expect("the change arrives on B");
    assert_eq!((e.event.as_str(), e.version()), ("flag", v0 + 1));
    assert_eq!(e.json()["config"]["enabled"], true);
}

#[tokio::test]
async fn a_dropped_listening_connection_reconnects_and_catches_up() {
    let db = TestDb::postgres().await;
    let a = serve(&db, &[]).await;
    // No periodic check: only the listener can bring the change.
    let b = serve(&db, &[("VEXIL_VERSION_CHECK_SECONDS", "3600")]).await;
    let admin_a = Admin::login(&a).await;
    admin_a.create_flag("f").await;
    let (key, _) = admin_a.sdk_key("server").await;
    let mut on_b = stream(&b, &key, None).await;
    let v0 = on_b.next(WAIT).await.unwrap().version();

    use sqlx::Connection;
    let mut pg = sqlx::PgConnection::connect(&db.url).await.unwrap();
    // Every listening backend of this database (B's, and A's: both reconnect).
    let killed: Vec<(bool,)> = sqlx::query_as(
        "select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()",
    )
    .fetch_all(&mut pg)
    .await
    .unwrap();
    assert!(!killed.is_empty(), "found the listening connections");
    admin_a.toggle("f", true).await;
    let e = on_b.next(WAIT).await.expect("the change still arrives on B");
    assert_eq!(e.version(), v0 + 1);
    // And later changes keep arriving through the new connection.
    admin_a.toggle("f", false).await;
    assert_eq!(on_b.next(WAIT).await.unwrap().version(), v0 + 2);
}

#[tokio::test]
async fn shutdown_ends_every_stream_within_the_drain_time() {
    let db = TestDb::sqlite();
    let mut server = serve(&db, &[("VEXIL_SHUTDOWN_GRACE_SECONDS", "5")]).await;
    let admin = Admin::login(&server).await;
    let (key, _) = admin.sdk_key("server").await;
    let mut streams = Vec::new();
    for _ in 0..5 {
        let mut s = stream(&server, &key, None).await;
        s.next(WAIT).await.unwrap();
        streams.push(s);
    }
    let took = server.terminate();
    assert!(took < Duration::from_secs(10), "stopped in {took:?}");
    for mut s in streams {
        assert!(s.next(WAIT).await.is_none(), "the stream ended");
    }
}

#[tokio::test]
async fn revoking_an_sdk_key_closes_its_streams() {
    let db = TestDb::sqlite();
    // No periodic check: the stream must end because of the revocation itself.
    let server = serve(&db, &[("VEXIL_VERSION_CHECK_SECONDS", "3600")]).await;
    let admin = Admin::login(&server).await;
    let (key, id) = admin.sdk_key("server").await;
    let (other, _) = admin.sdk_key("server").await;
    // Requests with the key first, so that its lookup is cached.
    let config = |key: String| {
        let url = format!("{}/sdk/v1/config", server.base);
        async move { reqwest::Client::new().get(url).bearer_auth(key).send().await.unwrap().status() }
    };
    assert_eq!(config(key.clone()).await, 200);
    assert_eq!(config(key.clone()).await, 200);
    let mut revoked = stream(&server, &key, None).await;
    revoked.next(WAIT).await.unwrap();
    let mut kept = stream(&server, &other, None).await;
    kept.next(WAIT).await.unwrap();
    let (status, _) = admin
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/projects/default/environments/production/sdk-keys/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(config(key.clone()).await, 401, "the cached lookup went with the revocation");
    assert!(revoked.next(WAIT).await.is_none(), "the revoked key's stream ended");
    admin.create_flag("after").await;
    assert_eq!(kept.next(WAIT).await.unwrap().event, "flag", "other streams go on");
    let again =
        Sse::open(&format!("{}/sdk/v1/stream", server.base), &[("authorization", &format!("Bearer {key}"))])
            .await;
    assert_eq!(again.status, 401);
}

#[tokio::test]
async fn revoking_an_sdk_key_on_one_replica_closes_its_streams_on_another() {
    let db = TestDb::postgres().await;
    let a = serve(&db, &[("VEXIL_VERSION_CHECK_SECONDS", "3600")]).await;
    let b = serve(&db, &[("VEXIL_VERSION_CHECK_SECONDS", "3600")]).await;
    let admin_a = Admin::login(&a).await;
    let (key, id) = admin_a.sdk_key("server").await;
    // B has the key's lookup cached.
    for _ in 0..2 {
        let r =
            reqwest::Client::new().get(format!("{}/sdk/v1/config", b.base)).bearer_auth(&key).send().await;
        assert_eq!(r.unwrap().status(), 200);
    }
    let mut on_b = stream(&b, &key, None).await;
    on_b.next(WAIT).await.unwrap();
    let (status, _) = admin_a
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/projects/default/environments/production/sdk-keys/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert!(on_b.next(WAIT).await.is_none(), "the stream on B ended without waiting for a periodic check");
    // And B refuses the key's requests (its cached lookup is gone too).
    let r = reqwest::Client::new()
        .get(format!("{}/sdk/v1/config", b.base))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn two_hundred_streams_receive_every_change_without_loss() {
    let db = TestDb::sqlite();
    let server = serve(&db, &[]).await;
    let admin = Admin::login(&server).await;
    admin.create_flag("f").await;
    let (key, _) = admin.sdk_key("server").await;
    let mut clients = Vec::new();
    for _ in 0..200 {
        let mut s = stream(&server, &key, None).await;
        let v = s.next(WAIT).await.unwrap().version();
        clients.push((s, v));
    }
    let v0 = clients[0].1;
    assert!(clients.iter().all(|(_, v)| *v == v0));
    let changes = 20;
    for i in 0..changes {
        admin.toggle("f", i % 2 == 0).await;
    }
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|(mut s, v0)| {
            tokio::spawn(async move {
                let events = s.until(WAIT, |e| e.version() >= v0 + changes).await;
                events.iter().map(|e| e.version()).collect::<Vec<u64>>()
            })
        })
        .collect();
    for t in tasks {
        let versions = t.await.unwrap();
        assert_eq!(versions, (v0 + 1..=v0 + changes).collect::<Vec<_>>(), "no event lost, none duplicated");
    }
}

#[tokio::test]
async fn ofrep_and_dashboard_streams_announce_changes() {
    let db = TestDb::sqlite();
    let server = serve(&db, &[]).await;
    let admin = Admin::login(&server).await;
    admin.create_flag("f").await;
    let (client_key, _) = admin.sdk_key("client").await;
    let bulk: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/ofrep/v1/evaluate/flags", server.base))
        .header("x-api-key", &client_key)
        .json(&json!({"context": {"targetingKey": "u1"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let uri = bulk["eventStreams"][0]["endpoint"]["requestUri"]
        .as_str()
        .expect("an event stream is advertised")
        .to_owned();
    assert_eq!(bulk["eventStreams"][0]["type"], "sse");
    let mut ofrep = Sse::open(&format!("{}{uri}", server.base), &[]).await;
    assert_eq!(ofrep.status, 200);
    let (_, token) = admin.call(reqwest::Method::POST, "/api/v1/auth/stream-token", None).await;
    let mut dashboard =
        Sse::open(&format!("{}/api/v1/stream?token={}", server.base, token["token"].as_str().unwrap()), &[])
            .await;
    assert_eq!(dashboard.status, 200);
    admin.toggle("f", true).await;
    let notice = ofrep.next(WAIT).await.unwrap();
    assert_eq!(notice.json()["type"], "refetchEvaluation");
    let version = admin.env_version().await;
    assert_eq!(notice.json()["etag"], version.to_string());
    assert_eq!(notice.version(), version, "the id is <history>-<version>: {notice:?}");
    let audit = dashboard.until(WAIT, |e| e.event == "audit").await;
    let entry = audit.last().unwrap().json();
    assert_eq!(entry["action"], "flag_config.toggle");
    assert_eq!(entry["actor"], format!("user:{OWNER_EMAIL}"));

    let bad = Sse::open(&format!("{}/ofrep/v1/events?token=forged", server.base), &[]).await;
    assert_eq!(bad.status, 401);
    let none = Sse::open(&format!("{}/api/v1/stream", server.base), &[]).await;
    assert_eq!(none.status, 401);
    // A login token is not a stream token.
    let login = Sse::open(&format!("{}/api/v1/stream?token={}", server.base, admin.token), &[]).await;
    assert_eq!(login.status, 401);
}

#[tokio::test]
async fn a_first_start_without_credentials_prints_a_password_once_and_offers_set_up() {
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let err = dir.path().join("stderr");
    let mut server = support::server(&db).without_owner().output(&err).start().await;
    let printed = std::fs::read_to_string(&err).unwrap();
    let password = printed
        .lines()
        .skip_while(|l| !l.contains("with the password"))
        .nth(2)
        .map(str::trim)
        .expect("the generated password is printed")
        .to_owned();
    assert!(password.len() >= 16, "{password}");
    // It is printed for the operator, never written into a log line.
    let log_lines: Vec<&str> = printed.lines().filter(|l| l.starts_with('{')).collect();
    assert!(!log_lines.is_empty(), "the logs were captured too");
    assert!(log_lines.iter().all(|l| !l.contains(&password)), "a log line holds the password");
    let http = reqwest::Client::new();
    let state: serde_json::Value =
        http.get(format!("{}/api/v1/setup", server.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(state, json!({"pending": true, "email": "admin@localhost"}));
    let wrong = http
        .post(format!("{}/api/v1/setup", server.base))
        .json(&json!({"setup_password": "guess-guess-guess", "email": "me@example.com", "password": "my-own-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let done: serde_json::Value = http
        .post(format!("{}/api/v1/setup", server.base))
        .json(&json!({"setup_password": password, "email": "Me@Example.com", "name": "Me", "password": "my-own-password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(done["user"]["email"], "me@example.com");
    assert_eq!(done["user"]["role"], "owner");
    assert!(done["token"].is_string());
    let state: serde_json::Value =
        http.get(format!("{}/api/v1/setup", server.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(state["pending"], false);
    let again = http
        .post(format!("{}/api/v1/setup", server.base))
        .json(&json!({"setup_password": password, "email": "x@example.com", "password": "another-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409, "set-up happens once");
    // A restart does not print a password again: there is an owner now.
    server.terminate();
    let err2 = dir.path().join("stderr2");
    let _again = support::server(&db).without_owner().output(&err2).start().await;
    assert!(!std::fs::read_to_string(&err2).unwrap().contains("with the password"));
}

#[tokio::test]
async fn after_a_restart_sdks_resume_from_the_change_feed_without_a_snapshot() {
    let db = TestDb::sqlite();
    let mut server = serve(&db, &[]).await;
    let admin = Admin::login(&server).await;
    admin.create_flag("f").await;
    let (key, _) = admin.sdk_key("server").await;
    let mut s = stream(&server, &key, None).await;
    let snapshot = s.next(WAIT).await.unwrap();
    let v0 = snapshot.version();
    drop(s);
    server.terminate();
    let server = serve(&db, &[]).await;
    let admin = Admin::login(&server).await;
    admin.toggle("f", true).await;
    admin.toggle("f", false).await;
    let mut resumed = stream(&server, &key, snapshot.id.as_deref()).await;
    assert_eq!(resumed.start.as_deref(), Some("resumed"), "the new process knows the recent changes");
    let events = resumed.until(WAIT, |e| e.version() >= v0 + 2).await;
    let got: Vec<(&str, u64)> = events.iter().map(|e| (e.event.as_str(), e.version())).collect();
    assert_eq!(got, [("flag", v0 + 1), ("flag", v0 + 2)]);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_from_the_command_line() {
    use vexil_testkit::{OWNER_EMAIL, OWNER_PASSWORD};
    let db = TestDb::sqlite();
    let server = serve(&db, &[]).await;
    let admin = Admin::login(&server).await;
    let run = |email: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_vexil"))
            .args(["users", "reset-password", email, "--database-url", &db.url])
            .env_remove("VEXIL_DATABASE_URL")
            .output()
            .expect("vexil runs")
    };
    let unknown = run("nobody@example.com");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no user has the email"), "{unknown:?}");

    let out = run(OWNER_EMAIL);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let password = stdout_password(&stdout);
    assert_eq!(password.len(), 24, "a printed password in {stdout:?}");
    let login = |password: String| {
        let base = server.base.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{base}/api/v1/auth/login"))
                .json(&serde_json::json!({"email": OWNER_EMAIL, "password": password}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(login(OWNER_PASSWORD.to_owned()).await, 401, "the old password no longer works");
    assert_eq!(login(password.clone()).await, 200, "the printed one does");
    let (status, _) = admin.call(reqwest::Method::GET, "/api/v1/auth/me", None).await;
    assert_eq!(status, 401, "sessions opened before the reset have ended");
    let admin = Admin::login_with(&server, OWNER_EMAIL, &password).await;
    let (status, audit) = admin.call(reqwest::Method::GET, "/api/v1/audit?resource_type=user", None).await;
    assert_eq!(status, 200);
    assert!(
        audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "user.password_reset"),
        "{audit}"
    );
}

fn stdout_password(stdout: &str) -> String {
    stdout.lines().map(str::trim).find(|l| l.len() == 24 && !l.contains(' ')).unwrap_or_default().to_owned()
}

/// One wire protocol: the frames the server actually sends are read by
/// `vexil_core::wire::parse_change` (the reader the Rust SDK uses too), and applying
/// them to the first snapshot gives what `/sdk/v1/config` serves.
#[tokio::test]
async fn the_stream_frames_read_with_the_wire_reader_rebuild_the_served_snapshot() {
    use vexil_core::wire::SNAPSHOT_EVENT;
    let db = TestDb::sqlite();
    let server = serve(&db, &[]).await;
    let admin = Admin::login(&server).await;
    admin.create_flag("stays").await;
    admin.create_flag("goes").await;
    admin.create_flag("archived").await;
    let (key, _) = admin.sdk_key("server").await;
    let mut s = stream(&server, &key, None).await;
    let first = s.next(WAIT).await.unwrap();
    assert_eq!(first.event, SNAPSHOT_EVENT);
    let mut snapshot: vexil_core::Snapshot = serde_json::from_str(&first.data).unwrap();

    let p = "/api/v1/projects/default";
    let call = |m: reqwest::Method, path: String, body: Option<serde_json::Value>| {
        let admin = &admin;
        async move {
            let (status, b) = admin.call(m, &path, body).await;
            assert!((200..300).contains(&status), "{path}: {status} {b}");
        }
    };
    call(
        reqwest::Method::POST,
        format!("{p}/segments"),
        Some(serde_json::json!({"key": "beta", "included": ["u1"]})),
    )
    .await;
    call(
        reqwest::Method::PUT,
        format!("{p}/segments/beta"),
        Some(serde_json::json!({"included": ["u1", "u2"]})),
    )
    .await;
    call(reqwest::Method::POST, format!("{p}/segments"), Some(serde_json::json!({"key": "gone"}))).await;
    call(reqwest::Method::DELETE, format!("{p}/segments/gone"), None).await;
    admin.toggle("stays", true).await;
    call(reqwest::Method::POST, format!("{p}/flags/archived/archive"), None).await;
    call(reqwest::Method::DELETE, format!("{p}/flags/goes"), None).await;
    let target = admin.env_version().await;

    let events = s.until(WAIT, |e| e.version() >= target).await;
    let kinds: std::collections::BTreeSet<&str> = events.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["flag", "flag_deleted", "segment", "segment_deleted"],
        "every kind of change was sent"
    );
    apply_events(&mut snapshot, &events);
    let served: vexil_core::Snapshot = reqwest::Client::new()
        .get(format!("{}/sdk/v1/config", server.base))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(snapshot, served);
}

/// Replicas sign login tokens with the secret the first of them generated and stored, as
/// they do when no `VEXIL_JWT_SECRET` is set: a session opened on one works on the other
/// and after a restart.
#[tokio::test]
async fn without_a_configured_secret_a_login_works_on_every_replica_and_after_a_restart() {
    let db = TestDb::postgres().await;
    let a = serve(&db, &[]).await;
    let mut b = serve(&db, &[]).await;
    let on_a = Admin::login(&a).await;
    let me = |server: &Server, token: String| {
        let url = format!("{}/api/v1/auth/me", server.base);
        async move { reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap().status() }
    };
    assert_eq!(me(&b, on_a.token.clone()).await, 200, "a token from replica A on replica B");
    b.restart().await;
    assert_eq!(me(&b, on_a.token.clone()).await, 200, "the token after B restarted");
    assert_eq!(me(&b, "not-a-token".to_owned()).await, 401);
}

/// The login limit per client address reads the address of the real connection: one
/// address over its limit is refused, another is not.
#[tokio::test]
async fn failed_logins_are_limited_per_client_address_over_real_connections() {
    let db = TestDb::sqlite();
    // One failure per account, so four per address.
    let server = serve(&db, &[("VEXIL_LOGIN_MAX_FAILURES", "1")]).await;
    let from = |ip: [u8; 4]| {
        reqwest::Client::builder().local_address(std::net::IpAddr::from(ip)).build().expect("client")
    };
    let attempt = |client: &reqwest::Client, n: usize| {
        client
            .post(format!("{}/api/v1/auth/login", server.base))
            .json(&json!({"email": format!("nobody-{n}@example.com"), "password": "not-the-password"}))
            .send()
    };
    let first = from([127, 0, 0, 1]);
    for n in 0..4 {
        assert_eq!(
            attempt(&first, n).await.expect("login").status(),
            401,
            "attempt {n}, each on its own account"
        );
    }
    assert_eq!(attempt(&first, 4).await.expect("login").status(), 429, "the fifth failure from one address");
    let second = from([127, 0, 0, 2]);
    assert_eq!(attempt(&second, 5).await.expect("login").status(), 401, "another address is not limited");
}

/// The container image's health check.
#[tokio::test]
async fn vexil_healthcheck_passes_only_while_the_server_is_ready() {
    let db = TestDb::sqlite();
    let mut server = serve(&db, &[]).await;
    let check = |listen: String| {
        std::process::Command::new(env!("CARGO_BIN_EXE_vexil"))
            .args(["healthcheck", "--timeout-seconds", "2"])
            .env("VEXIL_LISTEN", listen)
            .output()
            .expect("vexil runs")
    };
    let up = check(format!("0.0.0.0:{}", server.port));
    assert!(up.status.success(), "{up:?}");
    assert!(String::from_utf8_lossy(&up.stdout).contains(r#""status":"ready""#), "{up:?}");
    server.terminate();
    let down = check(format!("0.0.0.0:{}", server.port));
    assert!(!down.status.success(), "a stopped server fails the check: {down:?}");
    assert!(String::from_utf8_lossy(&down.stderr).contains("/readyz"), "{down:?}");
}

/// Follows a stream from its snapshot through `changes` toggles of `f` and returns the
/// id of the last event: what a client would resume with.
async fn held_position(server: &Server, admin: &Admin, key: &str, changes: usize) -> String {
    let mut s = stream(server, key, None).await;
    let snapshot = s.next(WAIT).await.expect("snapshot");
    let target = snapshot.version() + changes as u64;
    for i in 0..changes {
        admin.toggle("f", i % 2 == 0).await;
    }
    let events = s.until(WAIT, |e| e.version() >= target).await;
    events.last().and_then(|e| e.id.clone()).expect("an id")
}

/// After a restore (the database is another copy), new changes reuse the version numbers
/// clients of the lost history hold: such a client gets a snapshot, not a "resume".
async fn after_a_restore_a_client_of_the_lost_history_gets_a_snapshot(
    restored: &Server,
    key: &str,
    held: &str,
) -> Sse {
    let admin = Admin::login(restored).await;
    let held_version: u64 = held.rsplit('-').next().unwrap().parse().unwrap();
    while admin.env_version().await <= held_version {
        admin.toggle("f", true).await;
        admin.toggle("f", false).await;
    }
    let mut s = stream(restored, key, Some(held)).await;
    assert_eq!(s.start.as_deref(), Some("snapshot"), "resuming from {held} in the restored database");
    let first = s.next(WAIT).await.expect("an event");
    assert_eq!(first.event, "snapshot");
    assert_ne!(first.history(), held.rsplit_once('-').unwrap().0, "a new history");
    s
}

#[tokio::test]
async fn a_restored_sqlite_file_starts_a_new_history() {
    let db = TestDb::sqlite();
    let path = std::path::PathBuf::from(db.url.trim_start_matches("sqlite://"));
    let backup = path.with_extension("backup");
    let mut server = serve(&db, &[]).await;
    let admin = Admin::login(&server).await;
    admin.create_flag("f").await;
    let (key, _) = admin.sdk_key("server").await;
    server.terminate();
    sqlite_backup(&db.url, &backup).await;

    let mut server = serve(&db, &[]).await;
    let admin = Admin::login(&server).await;
    let held = held_position(&server, &admin, &key, 3).await;
    server.terminate();
    // The restore: the backup file replaces the database file.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    std::fs::rename(&backup, &path).expect("restore");

    let restored = serve(&db, &[]).await;
    after_a_restore_a_client_of_the_lost_history_gets_a_snapshot(&restored, &key, &held).await;
}

#[tokio::test]
async fn a_restored_postgres_database_starts_a_new_history() {
    use sqlx::Connection;
    let db = TestDb::postgres().await;
    let name = db.url.rsplit('/').next().unwrap().split('?').next().unwrap().to_owned();
    let backup = format!("{name}_backup");
    let mut server = serve(&db, &[]).await;
    let admin = Admin::login(&server).await;
    admin.create_flag("f").await;
    let (key, _) = admin.sdk_key("server").await;
    server.terminate();
    let mut pg = sqlx::PgConnection::connect(&vexil_testkit::postgres_admin_url()).await.unwrap();
    // The backup: a copy of the database as it is now (once the stopped server's
    // connections are gone).
    let copy = format!("create database {backup} template {name}");
    vexil_testkit::eventually("a copy of the database", || {
        let copy = copy.clone();
        async move {
            let mut pg = sqlx::PgConnection::connect(&vexil_testkit::postgres_admin_url()).await.ok()?;
            sqlx::query(&copy).execute(&mut pg).await.ok().map(|_| ())
        }
    })
    .await;

    let mut server = serve(&db, &[]).await;
    let admin = Admin::login(&server).await;
    let held = held_position(&server, &admin, &key, 3).await;
    server.terminate();
    // The restore: the server runs on the copy.
    let restored_url = vexil_testkit::with_database(&vexil_testkit::postgres_admin_url(), &backup);
    let restored = Server::builder(env!("CARGO_BIN_EXE_vexil"), &restored_url).start().await;
    after_a_restore_a_client_of_the_lost_history_gets_a_snapshot(&restored, &key, &held).await;
    drop(restored);
    let _ = sqlx::query(&format!("drop database if exists {backup} with (force)")).execute(&mut pg).await;
}

#[tokio::test]
async fn vexil_migrate_new_history_starts_a_new_history() {
    let db = TestDb::sqlite();
    let path = std::path::PathBuf::from(db.url.trim_start_matches("sqlite://"));
    let backup = path.with_extension("backup");
    let mut server = serve(&db, &[]).await;
    let admin = Admin::login(&server).await;
    admin.create_flag("f").await;
    let (key, _) = admin.sdk_key("server").await;
    server.terminate();
    sqlite_backup(&db.url, &backup).await;
    let mut server = serve(&db, &[]).await;
    let admin = Admin::login(&server).await;
    let held = held_position(&server, &admin, &key, 3).await;
    server.terminate();
    // A restore Vexil cannot notice: the backup copied over the file in place.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    std::fs::copy(&backup, &path).expect("restore in place");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vexil"))
        .args(["migrate", "--new-history", "--database-url", &db.url])
        .env_remove("VEXIL_DATABASE_URL")
        .output()
        .expect("vexil runs");
    assert!(out.status.success(), "{out:?}");
    let restored = serve(&db, &[]).await;
    after_a_restore_a_client_of_the_lost_history_gets_a_snapshot(&restored, &key, &held).await;
}

/// A backup of a SQLite database as `sqlite3 .backup` makes one (`vacuum into`).
async fn sqlite_backup(url: &str, to: &std::path::Path) {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(url).await.expect("open the database");
    sqlx::query(&format!("vacuum into '{}'", to.display())).execute(&mut conn).await.expect("vacuum into");
    conn.close().await.expect("close");
}
