//! The OpenFeature Remote Evaluation Protocol.

use axum::http::{Method, StatusCode, header};
use serde_json::{Value, json};
use vexil_core::{AttrValue, CompiledSnapshot, Context};

use crate::harness::TestApp;
use crate::sdk::{config_at_least, env_version, sdk_key};

crate::on_both_databases!(
    ofrep_evaluates_every_kind_with_reasons_and_variants,
    ofrep_errors_have_the_statuses_the_protocol_gives,
    every_error_of_an_ofrep_route_is_in_the_protocols_shape,
    client_keys_see_only_client_visible_flags_and_never_rules,
    bulk_evaluation_has_an_etag_per_configuration_and_context,
    ofrep_results_equal_the_core_engine_on_the_same_snapshot,
    the_debugger_explains_rules_conditions_and_buckets,
    the_edge_answers_its_own_routes_as_the_router_does,
);

/// Flags of every kind in production: a rule on country, a 50 % rollout, a string,
/// a number and a JSON flag; returns a server key and the version they reached.
async fn seed(app: &TestApp) -> (String, u64) {
    let flags = [
        json!({"key": "beta", "kind": "boolean", "client_visible": true}),
        json!({"key": "split", "kind": "boolean"}),
        json!({"key": "banner", "kind": "string", "variants": [{"key": "short", "value": "Hi"}, {"key": "long", "value": "Hello there"}]}),
        json!({"key": "limit", "kind": "number", "variants": [{"key": "low", "value": 10}, {"key": "high", "value": 2.5}]}),
        json!({"key": "theme", "kind": "json", "variants": [{"key": "dark", "value": {"bg": "#000", "sizes": [1, 2]}}]}),
    ];
    for f in flags {
        let r = app.req(Method::POST, "/api/v1/projects/default/flags").json(f).send().await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let configs = [
        (
            "beta",
            json!({"enabled": true, "off_variant": "off", "default": {"variant": "off"},
            "rules": [{"id": "germany", "conditions": [{"attribute": "country", "op": "in", "values": ["DE"]}], "serve": {"variant": "on"}}]}),
        ),
        (
            "split",
            json!({"enabled": true, "off_variant": "off",
            "default": {"rollout": {"weights": [{"variant": "on", "weight": 50000}, {"variant": "off", "weight": 50000}]}}}),
        ),
        ("banner", json!({"enabled": true, "off_variant": "short", "default": {"variant": "long"}})),
        ("limit", json!({"enabled": true, "off_variant": "low", "default": {"variant": "high"}})),
        ("theme", json!({"enabled": true, "off_variant": "dark", "default": {"variant": "dark"}})),
    ];
    for (flag, config) in configs {
        let r = app
            .req(Method::PUT, &format!("/api/v1/projects/default/flags/{flag}/environments/production"))
            .header("if-match", "*")
            .json(config)
            .send()
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let key = sdk_key(app, "production", "server").await;
    let v = env_version(app, "production").await;
    config_at_least(app, &key, v).await;
    (key, v)
}

async fn ofrep(app: &TestApp, key: &str, flag: &str, context: Value) -> crate::harness::Resp {
    app.call(Method::POST, &format!("/ofrep/v1/evaluate/flags/{flag}"))
        .header("x-api-key", key)
        .json(json!({"context": context}))
        .send()
        .await
}

async fn ofrep_evaluates_every_kind_with_reasons_and_variants(app: TestApp) {
    let (key, _) = seed(&app).await;
    let r = ofrep(&app, &key, "beta", json!({"targetingKey": "u1", "country": "DE"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.body["value"].clone(), r.body["variant"].clone(), r.body["reason"].clone()),
        (json!(true), json!("on"), json!("TARGETING_MATCH"))
    );
    assert_eq!(r.body["metadata"]["ruleId"], "germany");
    let r = ofrep(&app, &key, "beta", json!({"targetingKey": "u1", "country": "FR"})).await;
    assert_eq!((r.body["value"].clone(), r.body["reason"].clone()), (json!(false), json!("STATIC")));
    assert_eq!(r.body["metadata"]["vexilReason"], "DEFAULT");
    let r = ofrep(&app, &key, "split", json!({"targetingKey": "u1"})).await;
    assert_eq!(r.body["reason"], "SPLIT");
    assert_eq!(ofrep(&app, &key, "banner", json!({"targetingKey": "u1"})).await.body["value"], "Hello there");
    assert_eq!(ofrep(&app, &key, "limit", json!({"targetingKey": "u1"})).await.body["value"], 2.5);
    assert_eq!(
        ofrep(&app, &key, "theme", json!({"targetingKey": "u1"})).await.body["value"],
        json!({"bg": "#000", "sizes": [1, 2]})
    );
    // Bearer works as well as X-API-Key; nested context objects flatten with dots.
    app.req(Method::PUT, "/api/v1/projects/default/flags/banner/environments/production").header("if-match", "*")
        .json(json!({"enabled": true, "off_variant": "short", "default": {"variant": "long"},
                     "rules": [{"id": "pro", "conditions": [{"attribute": "user.plan", "op": "in", "values": ["pro"]}], "serve": {"variant": "short"}}]}))
        .send().await;
    config_at_least(&app, &key, env_version(&app, "production").await).await;
    let r = app
        .call(Method::POST, "/ofrep/v1/evaluate/flags/banner")
        .token(&key)
        .json(json!({"context": {"targetingKey": "u1", "user": {"plan": "pro"}}}))
        .send()
        .await;
    assert_eq!(r.body["value"], "Hi", "{}", r.body);
    let off = app
        .req(Method::POST, "/api/v1/projects/default/flags/beta/environments/production/toggle")
        .json(json!({"enabled": false}))
        .send()
        .await;
    assert_eq!(off.status, StatusCode::OK);
    config_at_least(&app, &key, env_version(&app, "production").await).await;
    let r = ofrep(&app, &key, "beta", json!({"targetingKey": "u1", "country": "DE"})).await;
    assert_eq!((r.body["value"].clone(), r.body["reason"].clone()), (json!(false), json!("DISABLED")));
}

async fn ofrep_errors_have_the_statuses_the_protocol_gives(app: TestApp) {
    let (key, _) = seed(&app).await;
    let r = ofrep(&app, &key, "nope", json!({"targetingKey": "u1"})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        (r.body["key"].clone(), r.body["errorCode"].clone()),
        (json!("nope"), json!("FLAG_NOT_FOUND"))
    );
    let r = ofrep(&app, &key, "split", json!({"country": "DE"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["errorCode"], "TARGETING_KEY_MISSING");
    // A flag that needs no key evaluates without one.
    assert_eq!(ofrep(&app, &key, "banner", json!({})).await.status, StatusCode::OK);
    let cases = [
        ("not JSON", "this is not json".to_owned(), "PARSE_ERROR"),
        ("no context", "{}".to_owned(), "INVALID_CONTEXT"),
        ("context not an object", r#"{"context": [1]}"#.to_owned(), "INVALID_CONTEXT"),
        ("targetingKey not a string", r#"{"context": {"targetingKey": 5}}"#.to_owned(), "INVALID_CONTEXT"),
        (
            "oversized context",
            format!(r#"{{"context": {{"targetingKey": "u", "blob": "{}"}}}}"#, "x".repeat(70_000)),
            "INVALID_CONTEXT",
        ),
    ];
    let not_utf8 = b"{\"context\": {\"targetingKey\": \"u\"}, \"note\": \"\xff\"}".to_vec();
    for (path, key_in_answer) in
        [("/ofrep/v1/evaluate/flags/beta", Some("beta")), ("/ofrep/v1/evaluate/flags", None)]
    {
        let r = app
            .call(Method::POST, path)
            .header("x-api-key", &key)
            .raw("application/json", not_utf8.clone())
            .send()
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.text);
        assert_eq!(r.body["errorCode"], "PARSE_ERROR", "{path}");
        assert!(
            r.body["errorDetails"].as_str().is_some_and(|d| d.contains("not UTF-8")),
            "{path}: {}",
            r.text
        );
        assert_eq!(r.body.get("key").and_then(|k| k.as_str()), key_in_answer, "{path}");
    }
    for (name, body, code) in cases {
        let r = app
            .call(Method::POST, "/ofrep/v1/evaluate/flags/beta")
            .header("x-api-key", &key)
            .raw("application/json", body)
            .send()
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{name}: {}", r.text);
        assert_eq!(r.body["errorCode"], code, "{name}");
        assert_eq!(r.body["key"], "beta", "{name}");
        assert!(r.body["errorDetails"].as_str().is_some_and(|d| !d.is_empty()), "{name}");
    }
    let bulk = app
        .call(Method::POST, "/ofrep/v1/evaluate/flags")
        .header("x-api-key", &key)
        .raw("application/json", "[")
        .send()
        .await;
    assert_eq!(bulk.status, StatusCode::BAD_REQUEST);
    assert_eq!(bulk.body["errorCode"], "PARSE_ERROR");
    assert!(bulk.body.get("key").is_none());
    let r = app.call(Method::POST, "/ofrep/v1/evaluate/flags/beta").json(json!({"context": {}})).send().await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "no key");
    let r = app
        .call(Method::POST, "/ofrep/v1/evaluate/flags/beta")
        .header("x-api-key", "vx_cli_unknown")
        .json(json!({"context": {}}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "unknown key");
    let api_token = app.token_with_role("admin", None).await;
    let r = app
        .call(Method::POST, "/ofrep/v1/evaluate/flags/beta")
        .token(&api_token)
        .json(json!({"context": {}}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "admin tokens are not SDK keys");
    // A revoked key stops working.
    let keys = app.req(Method::GET, "/api/v1/projects/default/environments/production/sdk-keys").send().await;
    let id = keys.body["items"][0]["id"].as_str().unwrap();
    app.req(Method::DELETE, &format!("/api/v1/projects/default/environments/production/sdk-keys/{id}"))
        .send()
        .await;
    assert_eq!(
        ofrep(&app, &key, "beta", json!({"targetingKey": "u1"})).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn client_keys_see_only_client_visible_flags_and_never_rules(app: TestApp) {
    seed(&app).await;
    let client = sdk_key(&app, "production", "client").await;
    let visible = ofrep(&app, &client, "beta", json!({"targetingKey": "u1", "country": "DE"})).await;
    assert_eq!(visible.status, StatusCode::OK);
    assert!(
        visible.body["metadata"].get("ruleId").is_none(),
        "no rule details for browsers: {}",
        visible.body
    );
    let hidden = ofrep(&app, &client, "split", json!({"targetingKey": "u1"})).await;
    let unknown = ofrep(&app, &client, "no-such-flag", json!({"targetingKey": "u1"})).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(hidden.body["errorCode"], unknown.body["errorCode"]);
    assert_eq!(
        hidden.body["errorDetails"].as_str().unwrap().replace("split", "X"),
        unknown.body["errorDetails"].as_str().unwrap().replace("no-such-flag", "X")
    );
    let bulk = app
        .call(Method::POST, "/ofrep/v1/evaluate/flags")
        .header("x-api-key", &client)
        .json(json!({"context": {"targetingKey": "u1"}}))
        .send()
        .await;
    let keys: Vec<&str> =
        bulk.body["flags"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["beta"]);
}

async fn bulk_evaluation_has_an_etag_per_configuration_and_context(app: TestApp) {
    let (key, _) = seed(&app).await;
    let bulk = |ctx: Value, etag: Option<String>| {
        let mut call = app
            .call(Method::POST, "/ofrep/v1/evaluate/flags")
            .header("x-api-key", &key)
            .json(json!({"context": ctx}));
        if let Some(e) = etag {
            call = call.header("if-none-match", &e);
        }
        call.send()
    };
    let r = bulk(json!({"targetingKey": "u1", "country": "DE"}), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let keys: Vec<&str> =
        r.body["flags"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["banner", "beta", "limit", "split", "theme"]);
    let etag = r.headers["etag"].to_str().unwrap().to_owned();
    // Same context (keys in another order): 304.
    let same = bulk(json!({"country": "DE", "targetingKey": "u1"}), Some(etag.clone())).await;
    assert_eq!(same.status, StatusCode::NOT_MODIFIED);
    let other = bulk(json!({"targetingKey": "u2", "country": "DE"}), Some(etag.clone())).await;
    assert_eq!(other.status, StatusCode::OK, "another context has another ETag");
    // A per-flag failure sits in the list; the rest still evaluate.
    let anonymous = bulk(json!({"country": "DE"}), None).await;
    let split =
        anonymous.body["flags"].as_array().unwrap().iter().find(|f| f["key"] == "split").unwrap().clone();
    assert_eq!(split["errorCode"], "TARGETING_KEY_MISSING");
    app.req(Method::POST, "/api/v1/projects/default/flags/beta/environments/production/toggle")
        .json(json!({"enabled": false}))
        .send()
        .await;
    config_at_least(&app, &key, env_version(&app, "production").await).await;
    let changed = bulk(json!({"targetingKey": "u1", "country": "DE"}), Some(etag)).await;
    assert_eq!(changed.status, StatusCode::OK, "a configuration change invalidates the ETag");
}

async fn ofrep_results_equal_the_core_engine_on_the_same_snapshot(app: TestApp) {
    let (key, v) = seed(&app).await;
    let snapshot = config_at_least(&app, &key, v).await;
    let compiled = CompiledSnapshot::from_json(snapshot.to_string().as_bytes()).unwrap();
    for i in 0..40 {
        let user = format!("user-{i}");
        let country = ["DE", "FR", "US"][i % 3];
        let ctx = Context::new(user.as_str()).with("country", AttrValue::from(country));
        for flag in ["beta", "split", "banner", "limit", "theme"] {
            let expected = compiled.evaluate(flag, &ctx);
            let r = ofrep(&app, &key, flag, json!({"targetingKey": user, "country": country})).await;
            assert_eq!(Some(&r.body["value"]), expected.value, "{flag} for {user}");
            assert_eq!(r.body["variant"].as_str(), expected.variant, "{flag} for {user}");
        }
    }
}

async fn the_debugger_explains_rules_conditions_and_buckets(app: TestApp) {
    let (key, _) = seed(&app).await;
    let path = "/api/v1/projects/default/environments/production/evaluate";
    let r = app
        .req(Method::POST, path)
        .json(json!({"context": {"key": "u7", "attributes": {"country": "FR"}}}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let by_flag = |flag: &str| {
        r.body["results"].as_array().unwrap().iter().find(|e| e["flag"] == flag).unwrap().clone()
    };
    let beta = by_flag("beta");
    assert_eq!(beta["result"]["reason"], "DEFAULT");
    let cond = &beta["rules"][0]["conditions"][0];
    assert_eq!(
        (cond["attribute"].clone(), cond["outcome"].clone(), cond["holds"].clone(), cond["actual"].clone()),
        (json!("country"), json!("not_matched"), json!(false), json!("FR"))
    );
    let split = by_flag("split");
    let bucket = split["bucket"]["bucket"].as_u64().unwrap();
    assert!(bucket < 100_000);
    assert_eq!(split["bucket"]["hashed_value"], "u7");
    assert_eq!(split["result"]["variant"], if bucket < 50_000 { "on" } else { "off" });
    let one = app
        .req(Method::POST, path)
        .json(json!({"flag": "beta", "context": {"key": "u7", "attributes": {"country": "DE"}}}))
        .send()
        .await;
    assert_eq!(one.body["results"].as_array().unwrap().len(), 1);
    assert_eq!(one.body["results"][0]["result"]["rule_id"], "germany");
    // Attributes are read as OFREP reads a context: objects flatten with dots.
    let nested = app
        .req(Method::POST, path)
        .json(json!({"flag": "beta", "context": {"key": "u", "attributes": {"country": null, "geo": {"country": "DE"}}}}))
        .send()
        .await;
    assert_eq!(nested.status, StatusCode::OK, "{}", nested.body);
    app.req(Method::PUT, "/api/v1/projects/default/flags/beta/environments/production").header("if-match", "*")
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "off"},
            "rules": [{"id": "germany", "conditions": [{"attribute": "geo.country", "op": "in", "values": ["DE"]}], "serve": {"variant": "on"}}]}))
        .send().await;
    config_at_least(&app, &key, env_version(&app, "production").await).await;
    let nested = app
        .req(Method::POST, path)
        .json(json!({"flag": "beta", "context": {"key": "u", "attributes": {"geo": {"country": "DE"}}}}))
        .send()
        .await;
    assert_eq!(nested.body["results"][0]["result"]["variant"], "on", "{}", nested.body);
    let mut deep = json!("x");
    for _ in 0..40 {
        deep = json!({ "a": deep });
    }
    let bad =
        app.req(Method::POST, path).json(json!({"context": {"key": "u", "attributes": deep}})).send().await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    let typo =
        app.req(Method::POST, path).json(json!({"context": {"key": "u", "attribute": {}}})).send().await;
    assert_eq!(typo.status, StatusCode::BAD_REQUEST, "unknown context fields are refused");
    let viewer = app.token_with_role("viewer", None).await;
    let r = app.call(Method::POST, path).token(&viewer).json(json!({"context": {}})).send().await;
    assert_eq!(r.status, StatusCode::OK, "viewers may debug");
}

/// The protocol's error shape: `errorCode`, a non-empty `errorDetails`, `key` exactly
/// when the route names a flag, and never a problem document.
fn assert_ofrep_error(
    r: &crate::harness::Resp,
    status: StatusCode,
    code: &str,
    key: Option<&str>,
    case: &str,
) {
    assert_eq!(r.status, status, "{case}: {}", r.text);
    assert_eq!(r.content_type(), "application/json", "{case}");
    assert_eq!(r.body["errorCode"], code, "{case}: {}", r.text);
    assert!(r.body["errorDetails"].as_str().is_some_and(|d| !d.is_empty()), "{case}: {}", r.text);
    assert_eq!(r.body.get("key").and_then(Value::as_str), key, "{case}: {}", r.text);
    assert!(r.body.get("type").is_none() && r.body.get("status").is_none(), "{case}: {}", r.text);
}

async fn every_error_of_an_ofrep_route_is_in_the_protocols_shape(app: TestApp) {
    let (key, _) = seed(&app).await;
    let single = "/ofrep/v1/evaluate/flags/beta";
    let bulk = "/ofrep/v1/evaluate/flags";
    let context = json!({"context": {"targetingKey": "u1"}});
    for (path, named) in [(single, Some("beta")), (bulk, None)] {
        // Authentication: no key, an unknown key, an admin token.
        let r = app.call(Method::POST, path).json(context.clone()).send().await;
        assert_ofrep_error(&r, StatusCode::UNAUTHORIZED, "GENERAL", named, "no key");
        assert_eq!(r.headers[header::WWW_AUTHENTICATE], "Bearer", "no key");
        let r = app
            .call(Method::POST, path)
            .header("x-api-key", "vx_cli_unknown")
            .json(context.clone())
            .send()
            .await;
        assert_ofrep_error(&r, StatusCode::UNAUTHORIZED, "GENERAL", named, "unknown key");
        let admin = app.token_with_role("admin", None).await;
        let r = app.call(Method::POST, path).token(&admin).json(context.clone()).send().await;
        assert_ofrep_error(&r, StatusCode::UNAUTHORIZED, "GENERAL", named, "admin token");
        // The body: not JSON, too large, labelled with another content type.
        let r =
            app.call(Method::POST, path).header("x-api-key", &key).raw("application/json", "{").send().await;
        assert_ofrep_error(&r, StatusCode::BAD_REQUEST, "PARSE_ERROR", named, "bad JSON");
        let large = format!(r#"{{"context": {{"targetingKey": "u", "blob": "{}"}}}}"#, "x".repeat(70_000));
        let r = app
            .call(Method::POST, path)
            .header("x-api-key", &key)
            .raw("application/json", large)
            .send()
            .await;
        assert_ofrep_error(&r, StatusCode::BAD_REQUEST, "INVALID_CONTEXT", named, "body too large");
        let r = app
            .call(Method::POST, path)
            .header("x-api-key", &key)
            .raw("text/plain", "context=u1")
            .send()
            .await;
        assert_ofrep_error(&r, StatusCode::BAD_REQUEST, "PARSE_ERROR", named, "wrong content type");
        // The protocol reads the body as JSON whatever its label: a JSON body labelled
        // otherwise is evaluated, not refused.
        let r = app
            .call(Method::POST, path)
            .header("x-api-key", &key)
            .raw("text/plain", context.to_string())
            .send()
            .await;
        assert_eq!(r.status, StatusCode::OK, "JSON labelled text/plain: {}", r.text);
        // A method the route does not take.
        for method in [Method::GET, Method::PUT, Method::DELETE] {
            let r = app.call(method.clone(), path).header("x-api-key", &key).send().await;
            assert_ofrep_error(
                &r,
                StatusCode::METHOD_NOT_ALLOWED,
                "GENERAL",
                None,
                &format!("{method} {path}"),
            );
        }
    }
    // An unknown flag, on the route that names one.
    let r = app
        .call(Method::POST, "/ofrep/v1/evaluate/flags/nope")
        .header("x-api-key", &key)
        .json(context.clone())
        .send()
        .await;
    assert_ofrep_error(&r, StatusCode::NOT_FOUND, "FLAG_NOT_FOUND", Some("nope"), "unknown flag");
    // The event stream: a method it does not take, a missing or forged token.
    let r = app.call(Method::POST, "/ofrep/v1/events").send().await;
    assert_ofrep_error(&r, StatusCode::METHOD_NOT_ALLOWED, "GENERAL", None, "POST /ofrep/v1/events");
    for query in ["", "?token=forged"] {
        let r = app.call(Method::GET, &format!("/ofrep/v1/events{query}")).send().await;
        assert_ofrep_error(&r, StatusCode::UNAUTHORIZED, "GENERAL", None, &format!("events{query}"));
    }
}

/// The answer as compared between the edge's own routes and the router's: everything
/// but the request id, which differs per request.
fn answer_of(r: &crate::harness::Resp) -> (StatusCode, Vec<(String, String)>, String) {
    let mut headers: Vec<(String, String)> = r
        .headers
        .iter()
        .filter(|(name, _)| name.as_str() != "x-request-id")
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("<not text>").to_owned()))
        .collect();
    headers.sort();
    (r.status, headers, r.text.clone())
}

/// The edge answers one-flag OFREP and `GET /sdk/v1/config` itself when the request
/// needs nothing else of the router (decision 0051). Each request here is sent both
/// ways, and the answers must be the same: a flag key with a percent-encoded letter, and
/// a configuration request with an `Origin` (the server-key routes have no CORS policy),
/// go through the router.
async fn the_edge_answers_its_own_routes_as_the_router_does(app: TestApp) {
    let (server, _) = seed(&app).await;
    let client = sdk_key(&app, "production", "client").await;
    let ctx = |c: Value| serde_json::to_vec(&json!({"context": c})).expect("json");
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("application/json", ctx(json!({"targetingKey": "u1", "country": "DE"}))),
        ("application/json", ctx(json!({"targetingKey": "u2", "country": "FR"}))),
        ("application/json", ctx(json!({"country": "DE"}))),
        ("application/json", b"{\"context\": 5}".to_vec()),
        ("application/json", b"not json".to_vec()),
        ("", b"{\"context\": {\"targetingKey\": \"u1\", \"x\": \"\xff\"}}".to_vec()),
        ("application/json", vec![b' '; 70 * 1024]),
    ];
    let keys = [Some(server.as_str()), Some(client.as_str()), Some("vx_unknown"), None];
    let mut compared = 0;
    for (plain, routed) in [("beta", "bet%61"), ("split", "spli%74"), ("nope", "nop%65")] {
        for key in keys {
            for (content_type, body) in &bodies {
                let send = |flag: &str| {
                    let mut call = app.call(Method::POST, &format!("/ofrep/v1/evaluate/flags/{flag}"));
                    if let Some(key) = key {
                        call = call.header("x-api-key", key);
                    }
                    call.raw(content_type, body.clone()).send()
                };
                let (direct, router) = (send(plain).await, send(routed).await);
                assert_eq!(answer_of(&direct), answer_of(&router), "{plain} with key {key:?}");
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 3 * 4 * 7);
    // The comparison saw what each route does: a match, a hidden flag, the vary header.
    let seen = ofrep(&app, &server, "beta", json!({"targetingKey": "u1", "country": "DE"})).await;
    assert_eq!((seen.status, seen.body["reason"].clone()), (StatusCode::OK, json!("TARGETING_MATCH")));
    assert!(
        seen.headers.get_all(header::VARY).iter().any(|v| v.to_str().is_ok_and(|v| v.contains("origin")))
    );
    let hidden = ofrep(&app, &client, "split", json!({"targetingKey": "u1"})).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "hidden from client keys");

    let current = app.call(Method::GET, "/sdk/v1/config").token(&server).send().await;
    let etag = current.headers[header::ETAG].to_str().expect("text").to_owned();
    let variants: [&[(&str, &str)]; 5] = [
        &[],
        &[("accept-encoding", "gzip")],
        &[("if-none-match", &etag)],
        &[("if-none-match", "\"other\"")],
        &[("accept-encoding", "gzip;q=0, br")],
    ];
    for key in [Some(server.as_str()), Some(client.as_str()), Some("vx_unknown"), None] {
        for headers in variants {
            let send = |origin: bool| {
                let mut call = app.call(Method::GET, "/sdk/v1/config");
                if let Some(key) = key {
                    call = call.token(key);
                }
                for (name, value) in headers {
                    call = call.header(name, value);
                }
                if origin {
                    call = call.header("origin", "https://app.example");
                }
                call.send()
            };
            let (direct, router) = (send(false).await, send(true).await);
            assert_eq!(answer_of(&direct), answer_of(&router), "config with key {key:?} and {headers:?}");
        }
    }
    let not_modified =
        app.call(Method::GET, "/sdk/v1/config").token(&server).header("if-none-match", &etag).send().await;
    assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED);
}
