//! `Idempotency-Key` on the creations that mint a secret, the usage series with
//! the environment in the path, and the metric read-out.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::TestApp;

crate::on_both_databases!(
    a_retried_token_creation_answers_the_same_secret_and_mints_no_second,
    the_same_key_with_another_body_is_422_and_keys_are_per_route_and_person,
    a_malformed_idempotency_key_is_400,
    concurrent_retries_leave_one_live_sdk_key,
    a_replay_never_presents_a_revoked_secret_as_live,
    usage_is_read_with_the_environment_in_the_path,
    metric_events_are_read_out_per_variant_with_count_and_mean,
);

const KEYS: &str = "/api/v1/projects/default/environments/production/sdk-keys";
const KEY: &str = "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"";

async fn live_tokens(app: &TestApp) -> usize {
    let r = app.req(Method::GET, "/api/v1/tokens").send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"].as_array().expect("items").len()
}

async fn a_retried_token_creation_answers_the_same_secret_and_mints_no_second(app: TestApp) {
    let before = live_tokens(&app).await;
    let create = || {
        app.req(Method::POST, "/api/v1/tokens")
            .header("idempotency-key", KEY)
            .json(json!({"name": "deploy bot", "role": "editor"}))
            .send()
    };
    let first = create().await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let again = create().await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
    assert_eq!(again.body, first.body, "the same id and the same secret");
    assert_eq!(live_tokens(&app).await, before + 1, "one secret minted");
    // The replayed secret works.
    let token = first.body["token"].as_str().expect("token");
    let r = app.call(Method::GET, "/api/v1/projects").token(token).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The database holds neither the key nor the secret in clear.
    let rows: Vec<(String, String)> = sqlx::query_as("select key_hash, sealed_response from idempotency_key")
        .fetch_all(app.state.store.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].0.contains("8e03978e") && !rows[0].1.contains(token));
    // Without the header every request mints.
    let r = app
        .req(Method::POST, "/api/v1/tokens")
        .json(json!({"name": "deploy bot", "role": "editor"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_ne!(r.body["token"], first.body["token"]);
    assert_eq!(live_tokens(&app).await, before + 2);
}

async fn the_same_key_with_another_body_is_422_and_keys_are_per_route_and_person(app: TestApp) {
    let r = app
        .req(Method::POST, KEYS)
        .header("idempotency-key", KEY)
        .json(json!({"kind": "server"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let first = r.body.clone();
    let r = app
        .req(Method::POST, KEYS)
        .header("idempotency-key", KEY)
        .json(json!({"kind": "client"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // Formatting does not make another body: the same document answers the first.
    let r = app
        .req(Method::POST, KEYS)
        .header("idempotency-key", KEY)
        .raw("application/json", "{ \"kind\" :  \"server\" }")
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body, first);
    // The same key on another environment's route is another request.
    let r = app
        .req(Method::POST, "/api/v1/projects/default/environments/staging/sdk-keys")
        .header("idempotency-key", KEY)
        .json(json!({"kind": "server"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_ne!(r.body["id"], first["id"]);
    // And so is it for another person.
    let email = "other-admin@example.com";
    let r = app
        .req(Method::POST, "/api/v1/users")
        .json(json!({"email": email, "password": "a-long-password", "role": "admin"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let other = app.login(email, "a-long-password").await;
    let r = app
        .call(Method::POST, KEYS)
        .token(&other)
        .header("idempotency-key", KEY)
        .json(json!({"kind": "server"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_ne!(r.body["id"], first["id"]);
}

async fn a_malformed_idempotency_key_is_400(app: TestApp) {
    for bad in ["\"short\"", "\"has space in the middle\"", ""] {
        let r = app
            .req(Method::POST, KEYS)
            .header("idempotency-key", bad)
            .json(json!({"kind": "server"}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad:?}: {}", r.body);
    }
    let list = app.req(Method::GET, KEYS).send().await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 0, "nothing minted");
}

async fn concurrent_retries_leave_one_live_sdk_key(app: TestApp) {
    let send = || {
        app.req(Method::POST, KEYS)
            .header("idempotency-key", KEY)
            .json(json!({"kind": "server", "name": "api"}))
            .send()
    };
    let (a, b, c) = tokio::join!(send(), send(), send());
    for r in [&a, &b, &c] {
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    assert_eq!(a.body, b.body);
    assert_eq!(b.body, c.body);
    let list = app.req(Method::GET, KEYS).send().await;
    let live: Vec<_> =
        list.body["items"].as_array().unwrap().iter().filter(|k| k["revoked_at"].is_null()).collect();
    assert_eq!(live.len(), 1, "{}", list.body);
    assert_eq!(live[0]["id"], a.body["id"]);
}

async fn usage_is_read_with_the_environment_in_the_path(app: TestApp) {
    app.create_flag("checkout").await;
    let new = app
        .req(Method::GET, "/api/v1/projects/default/flags/checkout/environments/production/usage?hours=2")
        .send()
        .await;
    assert_eq!(new.status, StatusCode::OK, "{}", new.body);
    let old = app
        .req(Method::GET, "/api/v1/projects/default/flags/checkout/usage?environment=production&hours=2")
        .send()
        .await;
    assert_eq!(old.status, StatusCode::OK, "{}", old.body);
    assert_eq!(new.body, old.body);
    let r = app
        .req(Method::GET, "/api/v1/projects/default/flags/checkout/environments/nowhere/usage")
        .send()
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = app
        .req(Method::GET, "/api/v1/projects/default/flags/checkout/environments/production/usage?hours=0")
        .send()
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
}

async fn metric_events_are_read_out_per_variant_with_count_and_mean(app: TestApp) {
    app.create_flag("f").await;
    let r = app
        .req(Method::POST, "/api/v1/projects/default/environments/production/sdk-keys")
        .json(json!({"kind": "server"}))
        .send()
        .await;
    let key = r.body["key"].as_str().expect("key").to_owned();
    let batch = json!({"metrics": [
        {"event": "checkout.completed", "value": 20.0, "variants": {"f": "on"}},
        {"event": "checkout.completed", "value": 10.0, "variants": {"f": "on"}},
        {"event": "checkout.completed", "value": 4.0, "variants": {"f": "off"}},
        {"event": "checkout.completed", "value": 100.0},
        {"event": "page.viewed", "variants": {"other": "on"}}
    ]});
    let r = app.call(Method::POST, "/sdk/v1/events").token(&key).json(batch).send().await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let url = "/api/v1/projects/default/flags/f/environments/production/metrics";
    let r = app.req(Method::GET, &format!("{url}?hours=1")).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["step_seconds"], 60);
    let events = r.body["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "only events attributed to f: {}", r.body);
    let variants = events[0]["variants"].as_array().unwrap();
    let on = variants.iter().find(|v| v["variant"] == "on").unwrap();
    assert_eq!(on["count"], 2);
    assert_eq!(on["mean"], 15.0);
    let sd = on["std_dev"].as_f64().unwrap();
    assert!((sd - 50f64.sqrt()).abs() < 1e-9, "sample standard deviation of 10 and 20: {sd}");
    let off = variants.iter().find(|v| v["variant"] == "off").unwrap();
    assert_eq!(
        (off["count"].clone(), off["mean"].clone(), off["std_dev"].clone()),
        (json!(1), json!(4.0), json!(null))
    );
    let points: i64 = on["points"].as_array().unwrap().iter().map(|p| p["count"].as_i64().unwrap()).sum();
    assert_eq!(points, 2);
    // Other environments saw nothing; bounds are checked.
    let r =
        app.req(Method::GET, "/api/v1/projects/default/flags/f/environments/staging/metrics").send().await;
    assert_eq!(r.body["events"], json!([]));
    let r = app.req(Method::GET, &format!("{url}?hours=337")).send().await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = app
        .req(Method::GET, "/api/v1/projects/default/flags/none/environments/production/metrics")
        .send()
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

async fn a_replay_never_presents_a_revoked_secret_as_live(app: TestApp) {
    let cases = [
        ("/api/v1/tokens", json!({"name": "deploy bot", "role": "editor"}), "/api/v1/tokens".to_owned()),
        (KEYS, json!({"kind": "server"}), KEYS.to_owned()),
    ];
    for (url, body, revoke_under) in cases {
        let create = || app.req(Method::POST, url).header("idempotency-key", KEY).json(body.clone()).send();
        let first = create().await;
        assert_eq!(first.status, StatusCode::CREATED, "{url}: {}", first.body);
        let id = first.body["id"].as_str().expect("id");
        let r = app.req(Method::DELETE, &format!("{revoke_under}/{id}")).send().await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{url}: {}", r.body);
        let again = create().await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{url}: {}", again.body);
        let detail = again.body["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains("revoked") && detail.contains("new Idempotency-Key"),
            "{url}: {}",
            again.body
        );
        assert!(
            again.body.get("token").is_none() && again.body.get("key").is_none(),
            "no secret: {}",
            again.body
        );
        // A new key creates a new, live secret.
        let r = app
            .req(Method::POST, url)
            .header("idempotency-key", "\"a-fresh-key-for-after-the-revocation\"")
            .json(body.clone())
            .send()
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{url}: {}", r.body);
        assert_ne!(r.body["id"], first.body["id"]);
    }
}
