//! A database's history of changes has a name (the epoch), carried by every SSE event id
//! and SDK ETag: a client resuming with a position from another history (a restored
//! database reuses version numbers) gets a snapshot, never the changes "since" a version
//! that meant something else.

use axum::http::{Method, StatusCode};
use serde_json::json;
use vexil_server::store::Actor;

use crate::harness::TestApp;

crate::on_both_databases!(a_client_from_another_history_gets_a_snapshot);

/// How a stream opened with `last_event_id` starts: `resumed` or `snapshot`.
async fn stream_start(app: &TestApp, key: &str, last_event_id: &str) -> String {
    let r = app
        .call(Method::GET, "/sdk/v1/stream")
        .token(key)
        .header("last-event-id", last_event_id)
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK);
    r.headers["x-vexil-stream-start"].to_str().expect("text").to_owned()
}

async fn config_etag(app: &TestApp, key: &str, if_none_match: Option<&str>) -> (StatusCode, String) {
    let mut call = app.call(Method::GET, "/sdk/v1/config").token(key);
    if let Some(tag) = if_none_match {
        call = call.header("if-none-match", tag);
    }
    let r = call.send().await;
    (r.status, r.headers["etag"].to_str().expect("text").to_owned())
}

async fn toggle(app: &TestApp, enabled: bool) {
    let r = app
        .req(Method::POST, "/api/v1/projects/default/flags/f/environments/production/toggle")
        .json(json!({"enabled": enabled}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

async fn a_client_from_another_history_gets_a_snapshot(app: TestApp) {
    app.create_flag("f").await;
    let key = crate::sdk::sdk_key(&app, "production", "server").await;
    toggle(&app, true).await;
    let (_, etag) = config_etag(&app, &key, None).await;
    let position = etag.trim_matches('"').to_owned();
    let (epoch, version) = position.rsplit_once('-').expect("<epoch>-<version>");
    assert_eq!(epoch, app.state.store.history_epoch().await.expect("epoch"));
    let version: u64 = version.parse().expect("a version");

    assert_eq!(stream_start(&app, &key, &position).await, "resumed", "a position of this history resumes");
    assert_eq!(
        stream_start(&app, &key, &format!("0123456789ab-{version}")).await,
        "snapshot",
        "another history"
    );
    assert_eq!(stream_start(&app, &key, &version.to_string()).await, "snapshot", "no history: cannot tell");
    assert_eq!(config_etag(&app, &key, Some(&etag)).await.0, StatusCode::NOT_MODIFIED);
    let other = format!("\"0123456789ab-{version}\"");
    assert_eq!(
        config_etag(&app, &key, Some(&other)).await.0,
        StatusCode::OK,
        "another history's tag is stale"
    );

    // The history is renewed (as a restore found at start, or `vexil migrate
    // --new-history`, does); the running server adopts it.
    let renewed = app.state.store.renew_history(&Actor::system(), "a test").await.expect("renew");
    assert_ne!(renewed, epoch);
    assert!(app.state.hubs.follow_history().await.expect("follow"), "the server adopts the new history");
    // New changes reuse the version numbers the old history's clients hold.
    toggle(&app, false).await;
    toggle(&app, true).await;
    assert_eq!(stream_start(&app, &key, &position).await, "snapshot", "a position of the old history");
    let (status, fresh) = config_etag(&app, &key, Some(&etag)).await;
    assert_eq!(status, StatusCode::OK, "the old history's tag is stale");
    assert!(fresh.starts_with(&format!("\"{renewed}-")), "{fresh}");
    assert_eq!(stream_start(&app, &key, fresh.trim_matches('"')).await, "resumed");
    let audit = app.req(Method::GET, "/api/v1/audit?resource_type=history").send().await;
    assert_eq!(audit.body["items"][0]["action"], "history.renew", "{}", audit.text);
}
