//! Text the databases cannot store: a NUL character (U+0000), which PostgreSQL refuses
//! in `text` and SQLite stores, is refused at the edge with the same 400 on both, in
//! bodies, query strings and paths, authenticated or not.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::TestApp;

crate::on_both_databases!(text_with_a_nul_character_is_refused_with_400_on_every_route);

async fn text_with_a_nul_character_is_refused_with_400_on_every_route(app: TestApp) {
    app.create_flag("f").await;
    let r = app.req(Method::POST, "/api/v1/projects/default/segments").json(json!({"key": "s"})).send().await;
    assert_eq!(r.status, StatusCode::CREATED);
    let key = crate::sdk::sdk_key(&app, "production", "server").await;
    let nul = "a\u{0}b";
    let bodies: Vec<(Method, &str, Value)> = vec![
        (
            Method::POST,
            "/api/v1/auth/login",
            json!({"email": format!("owner{nul}@example.com"), "password": "whatever-it-is"}),
        ),
        (
            Method::POST,
            "/api/v1/auth/login",
            json!({"email": "x@example.com", "password": format!("pass{nul}word-long")}),
        ),
        (
            Method::POST,
            "/api/v1/setup",
            json!({"setup_password": nul, "email": nul, "password": "long-enough-1"}),
        ),
        (Method::POST, "/api/v1/projects", json!({"key": "p1", "name": nul})),
        (Method::PATCH, "/api/v1/projects/default", json!({"description": nul})),
        (Method::POST, "/api/v1/projects/default/flags", json!({"key": "g", "kind": "boolean", "name": nul})),
        (
            Method::POST,
            "/api/v1/projects/default/flags",
            json!({"key": "g", "kind": "boolean", "tags": [nul]}),
        ),
        (Method::PATCH, "/api/v1/projects/default/flags/f", json!({"description": nul})),
        (
            Method::POST,
            "/api/v1/projects/default/flags/f/environments/production/toggle",
            json!({"enabled": true, "comment": nul}),
        ),
        (Method::POST, "/api/v1/projects/default/segments", json!({"key": "t", "name": nul})),
        (Method::PUT, "/api/v1/projects/default/segments/s", json!({"key": "s", "included": [nul]})),
        (Method::POST, "/api/v1/projects/default/environments", json!({"key": "qa", "name": nul})),
        (
            Method::POST,
            "/api/v1/users",
            json!({"email": format!("u{nul}@example.com"), "password": "long-enough-1", "role": "viewer"}),
        ),
        (
            Method::POST,
            "/api/v1/users",
            json!({"email": "u@example.com", "name": nul, "password": "long-enough-1", "role": "viewer"}),
        ),
        (Method::POST, "/api/v1/tokens", json!({"name": nul, "role": "viewer"})),
        (
            Method::POST,
            "/api/v1/projects/default/environments/production/sdk-keys",
            json!({"kind": "server", "name": nul}),
        ),
    ];
    let mut checked = 0;
    for (method, path, body) in bodies {
        let token =
            if path.ends_with("/login") || path.ends_with("/setup") { None } else { Some(&app.owner_token) };
        let mut call = app.call(method.clone(), path).json(body.clone());
        if let Some(t) = token {
            call = call.token(t);
        }
        if method == Method::PATCH || method == Method::PUT {
            call = call.header("if-match", "*");
        }
        let r = call.send().await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{method} {path} {body}: {}", r.text);
        assert!(r.text.contains("U+0000"), "{method} {path}: the answer says why: {}", r.text);
        checked += 1;
    }
    let r = app
        .call(Method::POST, "/sdk/v1/events")
        .token(&key)
        .json(json!({"usage": [{"flag": nul, "variant": "on", "count": 1}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "SDK events: {}", r.text);

    let gets = [
        "/api/v1/projects/default/flags?q=a%00b",
        "/api/v1/projects/default/flags?tag=%00",
        "/api/v1/projects/default/flags?cursor=%00",
        "/api/v1/audit?actor=user:a%00b",
        "/api/v1/audit?resource_key=%00",
        "/api/v1/audit?resource_type=%00",
        "/api/v1/audit?project=%00",
        "/api/v1/projects/a%00b",
        "/api/v1/projects/a%00b/flags",
        "/api/v1/projects/default/flags/a%00b",
        "/api/v1/projects/default/flags/f/environments/a%00b",
        "/api/v1/projects/default/flags/f/usage?environment=%00",
        "/api/v1/projects/default/segments/%00",
        "/api/v1/projects/default/environments/%00",
        "/api/v1/projects/default/environments/a%00b/sdk-keys",
        "/api/v1/users/%00",
    ];
    for path in gets {
        let r = app.req(Method::GET, path).send().await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "GET {path}: {}", r.text);
        checked += 1;
    }
    for path in ["/api/v1/tokens/%00", "/api/v1/projects/default/environments/production/sdk-keys/a%00"] {
        let r = app.req(Method::DELETE, path).send().await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "DELETE {path}: {}", r.text);
        checked += 1;
    }
    assert!(checked > 30);
}
