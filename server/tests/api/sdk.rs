//! `/sdk/v1/config` and `/sdk/v1/events`.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::TestApp;

crate::on_both_databases!(
    the_configuration_needs_a_server_key,
    the_configuration_is_the_environment_snapshot_with_etag_304_and_gzip,
    the_configuration_is_serialised_once_per_change_not_per_request,
    usage_events_are_aggregated_per_minute_and_shown_as_a_series,
    bad_event_batches_are_refused_with_pointers,
    flags_not_evaluated_for_the_stale_period_are_marked_stale,
    old_usage_rolls_up_into_hours_and_expires,
    the_applications_that_evaluate_a_flag_are_listed,
);

pub(crate) async fn sdk_key(app: &TestApp, env: &str, kind: &str) -> String {
    let r = app
        .req(Method::POST, &format!("/api/v1/projects/default/environments/{env}/sdk-keys"))
        .json(json!({"kind": kind}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["key"].as_str().unwrap().to_owned()
}

/// Waits until the environment's served snapshot reaches `version`.
pub(crate) async fn config_at_least(app: &TestApp, key: &str, version: u64) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let r = app.call(Method::GET, "/sdk/v1/config").token(key).send().await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        if r.body["version"].as_u64().unwrap() >= version {
            return r.body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the snapshot never reached version {version}: {}",
            r.body
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(crate) async fn env_version(app: &TestApp, env: &str) -> u64 {
    app.state.store.get_environment("default", env).await.unwrap().snapshot_version as u64
}

async fn the_configuration_needs_a_server_key(app: TestApp) {
    let client = sdk_key(&app, "production", "client").await;
    let admin = app.token_with_role("admin", None).await;
    assert_eq!(app.call(Method::GET, "/sdk/v1/config").send().await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.call(Method::GET, "/sdk/v1/config").token("vx_srv_nope").send().await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.call(Method::GET, "/sdk/v1/config").token(&admin).send().await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app.call(Method::GET, "/sdk/v1/config").token(&client).send().await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "client keys only evaluate");
    assert_eq!(r.content_type(), "application/problem+json");
}

async fn the_configuration_is_the_environment_snapshot_with_etag_304_and_gzip(app: TestApp) {
    app.create_flag("f").await;
    let key = sdk_key(&app, "production", "server").await;
    let v = env_version(&app, "production").await;
    let body = config_at_least(&app, &key, v).await;
    assert_eq!(body["environment"], "production");
    assert_eq!(body["flags"][0]["key"], "f");
    // The body is what vexil-core parses and compiles.
    let compiled =
        vexil_core::CompiledSnapshot::from_json(body.to_string().as_bytes()).expect("a valid snapshot");
    assert_eq!(compiled.version(), v);

    let r = app.call(Method::GET, "/sdk/v1/config").token(&key).send().await;
    let etag = r.headers["etag"].to_str().expect("text").to_owned();
    let epoch = app.state.store.history_epoch().await.expect("epoch");
    assert_eq!(etag, format!("\"{epoch}-{v}\""), "the history and the version");
    let r304 =
        app.call(Method::GET, "/sdk/v1/config").token(&key).header("if-none-match", &etag).send().await;
    assert_eq!(r304.status, StatusCode::NOT_MODIFIED);
    assert!(r304.text.is_empty());
    let stale =
        app.call(Method::GET, "/sdk/v1/config").token(&key).header("if-none-match", "\"0\"").send().await;
    assert_eq!(stale.status, StatusCode::OK);

    let gz = app
        .call(Method::GET, "/sdk/v1/config")
        .token(&key)
        .header("accept-encoding", "br, gzip;q=0.8")
        .send()
        .await;
    assert_eq!(gz.status, StatusCode::OK);
    assert_eq!(gz.headers["content-encoding"], "gzip");
    let plain = app
        .call(Method::GET, "/sdk/v1/config")
        .token(&key)
        .header("accept-encoding", "gzip;q=0")
        .send()
        .await;
    assert!(plain.headers.get("content-encoding").is_none());

    app.req(Method::POST, "/api/v1/projects/default/flags/f/environments/production/toggle")
        .json(json!({"enabled": true}))
        .send()
        .await;
    let body = config_at_least(&app, &key, v + 1).await;
    assert_eq!(body["flags"][0]["config"]["enabled"], true);
    let r304 = app
        .call(Method::GET, "/sdk/v1/config")
        .token(&key)
        .header("if-none-match", &format!("\"{v}\""))
        .send()
        .await;
    assert_eq!(r304.status, StatusCode::OK, "an old ETag no longer matches");
}

async fn the_configuration_is_serialised_once_per_change_not_per_request(app: TestApp) {
    app.create_flag("f").await;
    let key = sdk_key(&app, "staging", "server").await;
    let v = env_version(&app, "staging").await;
    config_at_least(&app, &key, v).await;
    let env = app.state.store.get_environment("default", "staging").await.unwrap();
    let live = app.state.hubs.get(env.id).await.unwrap();
    let before = live.hub.view();
    for _ in 0..5 {
        app.call(Method::GET, "/sdk/v1/config").token(&key).send().await;
    }
    assert!(std::sync::Arc::ptr_eq(&before, &live.hub.view()), "requests reuse the same serialised view");
    app.req(Method::POST, "/api/v1/projects/default/flags/f/environments/staging/toggle")
        .json(json!({"enabled": true}))
        .send()
        .await;
    config_at_least(&app, &key, v + 1).await;
    assert!(!std::sync::Arc::ptr_eq(&before, &live.hub.view()), "a change builds a new view");
}

async fn usage_events_are_aggregated_per_minute_and_shown_as_a_series(app: TestApp) {
    app.create_flag("f").await;
    let key = sdk_key(&app, "production", "server").await;
    let batch = json!({
        "usage": [{"flag": "f", "variant": "on", "count": 7}, {"flag": "f", "variant": "off", "count": 2},
                  {"flag": "ghost", "variant": "on", "count": 1}],
        "metrics": [{"event": "checkout.completed", "value": 20.0, "variants": {"f": "on"}},
                    {"event": "checkout.completed", "value": 10.0, "variants": {"f": "on"}}]
    });
    for _ in 0..2 {
        let r = app.call(Method::POST, "/sdk/v1/events").token(&key).json(batch.clone()).send().await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
        assert_eq!(r.body["ignored"], 1, "counts for unknown flags are dropped");
    }
    let rows: Vec<(i64,)> =
        sqlx::query_as("select count from usage_minute where flag_key = 'f' and variant = 'on'")
            .fetch_all(app.state.store.pool())
            .await
            .unwrap();
    assert!(!rows.is_empty() && rows.len() <= 2, "one row per minute, not per event: {rows:?}");
    assert_eq!(rows.iter().map(|r| r.0).sum::<i64>(), 14);
    let metric: Vec<(i64, f64)> = sqlx::query_as(
        "select count, sum from metric_minute where event_key = 'checkout.completed' and flag_key = 'f'",
    )
    .fetch_all(app.state.store.pool())
    .await
    .unwrap();
    assert_eq!(metric.iter().map(|m| m.0).sum::<i64>(), 4);
    assert!((metric.iter().map(|m| m.1).sum::<f64>() - 60.0).abs() < 1e-9);

    let r = app
        .req(Method::GET, "/api/v1/projects/default/flags/f/usage?environment=production&hours=1")
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["step_seconds"], 60);
    let total = |variant: &str| -> i64 {
        r.body["series"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["variant"] == variant)
            .flat_map(|s| s["points"].as_array().unwrap().iter().map(|p| p["count"].as_i64().unwrap()))
            .sum()
    };
    assert_eq!((total("on"), total("off")), (14, 4));
    let r = app
        .req(Method::GET, "/api/v1/projects/default/flags/f/usage?environment=production&hours=48")
        .send()
        .await;
    assert_eq!(r.body["step_seconds"], 3600);
    let r = app.req(Method::GET, "/api/v1/projects/default/flags/f/usage?hours=1").send().await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "environment is required");
    let r = app
        .req(Method::GET, "/api/v1/projects/default/flags/f/usage?environment=production&hours=0")
        .send()
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let listed = app.req(Method::GET, "/api/v1/projects/default/flags").send().await;
    assert!(listed.body["items"][0]["last_evaluated_at"].is_string());
}

async fn bad_event_batches_are_refused_with_pointers(app: TestApp) {
    app.create_flag("f").await;
    let key = sdk_key(&app, "production", "server").await;
    let count = |app: &TestApp| {
        let pool = app.state.store.pool().clone();
        async move {
            let rows: Vec<(i64,)> =
                sqlx::query_as("select cast(coalesce(sum(count), 0) as bigint) from usage_minute")
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            rows[0].0
        }
    };
    // Nothing usable: refused, every problem named, nothing stored.
    let r = app
        .call(Method::POST, "/sdk/v1/events")
        .token(&key)
        .json(json!({"window": {"start": "2999-01-01T00:00:00Z", "end": "yesterday"},
                     "usage": [{"flag": "f", "variant": "on", "count": 0}],
                     "metrics": [{"event": "bad event!", "value": 1}, {"event": "ok", "at": "1999-01-01T00:00:00Z"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let pointers: Vec<&str> =
        r.body["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect();
    assert_eq!(
        pointers,
        ["/window/start", "/window/end", "/usage/0/count", "/metrics/0/event", "/metrics/1/at"]
    );
    assert_eq!(count(&app).await, 0);
    // Valid entries of a partly bad batch are kept; the refused ones are listed.
    let r = app
        .call(Method::POST, "/sdk/v1/events")
        .token(&key)
        .json(json!({"usage": [{"flag": "f", "variant": "on", "count": 3}, {"flag": "f", "variant": "on", "count": 0}],
                     "metrics": [{"event": "bad event!"}, {"event": "ok", "at": ""}, {"event": "ok", "at": "\u{97}"},
                                 {"event": "ok"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!((r.body["usage"].clone(), r.body["metrics"].clone()), (json!(1), json!(1)));
    let refused: Vec<&str> =
        r.body["problems"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect();
    assert_eq!(refused, ["/usage/1/count", "/metrics/0/event", "/metrics/1/at", "/metrics/2/at"]);
    assert_eq!(count(&app).await, 3);
    // Fields this server does not know (a newer SDK) are ignored, not refused.
    let r = app
        .call(Method::POST, "/sdk/v1/events")
        .token(&key)
        .json(json!({"usage": [{"flag": "f", "variant": "on", "count": 1, "extra": 1}], "future": true}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!(count(&app).await, 4);
    let r = app.call(Method::POST, "/sdk/v1/events").token(&key).raw("application/json", "{").send().await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.call(Method::POST, "/sdk/v1/events").token(&key).json(json!({"usage": "lots"})).send().await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["errors"][0]["pointer"], "/usage");
    let r = app.call(Method::POST, "/sdk/v1/events").json(json!({})).send().await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // A client key reports only client-visible flags: others count as unknown.
    let client = sdk_key(&app, "production", "client").await;
    let r = app
        .call(Method::POST, "/sdk/v1/events")
        .token(&client)
        .json(json!({"usage": [{"flag": "f", "variant": "on", "count": 1}]}))
        .send()
        .await;
    assert_eq!((r.status, r.body["ignored"].clone()), (StatusCode::ACCEPTED, json!(1)));
    assert_eq!(count(&app).await, 4);
}

async fn flags_not_evaluated_for_the_stale_period_are_marked_stale(app: TestApp) {
    app.create_flag("used").await;
    app.create_flag("forgotten").await;
    app.create_flag("brand-new").await;
    let ten_days_ago = vexil_server::store::Timestamp::now().0 - 10 * 86_400_000;
    sqlx::query("update flag set created_at = $1 where key <> 'brand-new'")
        .bind(ten_days_ago)
        .execute(app.state.store.pool())
        .await
        .unwrap();
    let key = sdk_key(&app, "production", "server").await;
    let r = app
        .call(Method::POST, "/sdk/v1/events")
        .token(&key)
        .json(json!({"usage": [{"flag": "used", "variant": "on", "count": 1}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let list = app.req(Method::GET, "/api/v1/projects/default/flags").send().await;
    let stale: Vec<(&str, bool)> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["key"].as_str().unwrap(), f["stale"].as_bool().unwrap()))
        .collect();
    assert_eq!(stale, [("brand-new", false), ("forgotten", true), ("used", false)]);
}

async fn old_usage_rolls_up_into_hours_and_expires(app: TestApp) {
    app.create_flag("f").await;
    let env = app.state.store.get_environment("default", "production").await.unwrap();
    let now = vexil_server::store::Timestamp::now();
    let minute = now.0 / 60_000;
    let fifty_hours_ago = minute - 50 * 60;
    let hundred_days_ago = minute - 100 * 24 * 60;
    for (m, count) in
        [(fifty_hours_ago, 3i64), (fifty_hours_ago + 1, 4), (minute - 5, 1), (hundred_days_ago, 9)]
    {
        sqlx::query("insert into usage_minute (environment_id, flag_key, variant, minute, count) values ($1, 'f', 'on', $2, $3)")
            .bind(env.id).bind(m).bind(count).execute(app.state.store.pool()).await.unwrap();
    }
    app.state.store.roll_up_usage(now).await.unwrap();
    let minutes: Vec<(i64,)> =
        sqlx::query_as("select minute from usage_minute").fetch_all(app.state.store.pool()).await.unwrap();
    assert_eq!(minutes, [(minute - 5,)], "only recent minute rows stay");
    let hours: Vec<(i64, i64)> = sqlx::query_as("select hour, count from usage_hour order by hour")
        .fetch_all(app.state.store.pool())
        .await
        .unwrap();
    let total: i64 = hours.iter().map(|h| h.1).sum();
    assert_eq!(total, 7, "rolled into hours; the 100-day-old row expired: {hours:?}");
    let r = app
        .req(Method::GET, "/api/v1/projects/default/flags/f/usage?environment=production&hours=72")
        .send()
        .await;
    let sum: i64 =
        r.body["series"][0]["points"].as_array().unwrap().iter().map(|p| p["count"].as_i64().unwrap()).sum();
    assert_eq!(sum, 8, "{}", r.body);
    // Rolling up again adds nothing twice.
    app.state.store.roll_up_usage(now).await.unwrap();
    let again: Vec<(i64, i64)> = sqlx::query_as("select hour, count from usage_hour order by hour")
        .fetch_all(app.state.store.pool())
        .await
        .unwrap();
    assert_eq!(hours, again);
}

async fn the_applications_that_evaluate_a_flag_are_listed(app: TestApp) {
    app.create_flag("f").await;
    app.create_flag("g").await;
    let production = sdk_key(&app, "production", "server").await;
    let staging = sdk_key(&app, "staging", "server").await;
    let report = |key: String, application: Value, flag: &'static str| {
        let app = &app;
        async move {
            let r = app
                .call(Method::POST, "/sdk/v1/events")
                .token(&key)
                .json(json!({"usage": [{"flag": flag, "variant": "on", "count": 2}], "application": application}))
                .send()
                .await;
            assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
            r.body
        }
    };
    report(production.clone(), json!({"name": "checkout-api", "version": "2.3.1"}), "f").await;
    report(production.clone(), json!({"name": "checkout-api", "version": "2.3.1"}), "f").await;
    report(staging.clone(), json!({"name": "search"}), "f").await;
    report(production.clone(), json!({"name": "billing", "version": "1.0.0"}), "g").await;
    let list = |query: &'static str| {
        let app = &app;
        async move {
            let r = app
                .req(Method::GET, &format!("/api/v1/projects/default/flags/f/applications{query}"))
                .send()
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            let mut seen: Vec<(String, String, String)> = r.body["applications"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| {
                    assert!(a["last_seen_at"].is_string(), "{a}");
                    let text = |k: &str| a[k].as_str().unwrap_or("-").to_owned();
                    (text("environment"), text("name"), text("version"))
                })
                .collect();
            seen.sort();
            seen
        }
    };
    let s = |v: &str| v.to_owned();
    assert_eq!(
        list("").await,
        [(s("production"), s("checkout-api"), s("2.3.1")), (s("staging"), s("search"), s("-"))],
        "one row per application and version, each environment, only the flag's"
    );
    assert_eq!(list("?environment=staging").await, [(s("staging"), s("search"), s("-"))]);
    let r = app
        .req(Method::GET, "/api/v1/projects/default/flags/f/applications?environment=nowhere")
        .send()
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = app.req(Method::GET, "/api/v1/projects/default/flags/nothing/applications").send().await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // A bad application costs only the attribution: the counts are kept.
    for (application, pointer) in [
        (json!({"name": ""}), "/application/name"),
        (json!({"name": "evil\napp"}), "/application/name"),
        (json!({"name": "ok", "version": "x".repeat(65)}), "/application/version"),
    ] {
        let body = report(production.clone(), application, "f").await;
        assert_eq!(body["usage"], 1, "{body}");
        assert_eq!(body["problems"][0]["pointer"], pointer, "{body}");
    }
    assert_eq!(list("?environment=production").await.len(), 1, "nothing recorded for bad names");
    let r = app
        .call(Method::POST, "/sdk/v1/events")
        .token(&production)
        .json(json!({"application": {"name": 7}}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

    // Deleting the flag forgets its applications: a new flag with the key starts clean.
    let r = app.req(Method::DELETE, "/api/v1/projects/default/flags/f").if_match(1).send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    app.create_flag("f").await;
    assert_eq!(list("").await, []);
}
