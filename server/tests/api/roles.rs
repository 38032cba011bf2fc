//! Walks every operation of the OpenAPI document as anonymous and as each role, and
//! checks the answer against the role the document gives (`x-vexil-role`).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{OWNER_EMAIL, OWNER_PASSWORD, TestApp, openapi};

crate::on_both_databases!(every_route_answers_each_role_as_the_role_table_says);

const ROLES: [&str; 4] = ["viewer", "editor", "admin", "owner"];

fn rank(role: &str) -> usize {
    ROLES.iter().position(|r| *r == role).unwrap_or_else(|| panic!("unknown role {role}"))
}

async fn every_route_answers_each_role_as_the_role_table_says(app: TestApp) {
    app.create_flag("f1").await;
    app.req(Method::POST, "/api/v1/projects/default/segments").json(json!({"key": "s1"})).send().await;
    let user = app
        .req(Method::POST, "/api/v1/users")
        .json(json!({"email": "victim@example.com", "password": "victim-password", "role": "viewer"}))
        .send()
        .await;
    let user_id = user.body["id"].as_str().unwrap().to_owned();
    let token = app
        .req(Method::POST, "/api/v1/tokens")
        .json(json!({"name": "victim", "role": "viewer"}))
        .send()
        .await;
    let token_id = token.body["id"].as_str().unwrap().to_owned();
    let key = app
        .req(Method::POST, "/api/v1/projects/default/environments/production/sdk-keys")
        .json(json!({"kind": "server"}))
        .send()
        .await;
    let key_id = key.body["id"].as_str().unwrap().to_owned();
    let mut principals: Vec<(Option<&str>, Option<String>)> = vec![(None, None)];
    for role in ROLES {
        principals.push((Some(role), Some(app.token_with_role(role, None).await)));
    }
    let server_key = crate::sdk::sdk_key(&app, "production", "server").await;
    let client_key = crate::sdk::sdk_key(&app, "production", "client").await;
    principals.push((Some("server-key"), Some(server_key)));
    principals.push((Some("client-key"), Some(client_key)));

    let doc = openapi();
    let mut checked = 0;
    for (template, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let Ok(method) = method.to_uppercase().parse::<Method>() else { continue };
            let required = op["x-vexil-role"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {template} has no x-vexil-role"));
            let id = if template.contains("/users/") {
                &user_id
            } else if template.contains("/tokens/") {
                &token_id
            } else {
                &key_id
            };
            let path = template
                .replace("{project}", "default")
                .replace("{env}", "production")
                .replace("{flag}", "f1")
                .replace("{segment}", "s1")
                .replace("{id}", id)
                .replace("{delivery}", "1");
            let takes_if_match = op["parameters"].as_array().is_some_and(|ps| {
                ps.iter().any(|p| {
                    resolve(doc, p)["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case("if-match"))
                })
            });
            let body: Option<Value> = if op["requestBody"].is_null() {
                None
            } else if op["operationId"] == "login" {
                Some(json!({"email": OWNER_EMAIL, "password": OWNER_PASSWORD}))
            } else if op["operationId"] == "toggle_flag" {
                Some(json!({"enabled": false}))
            } else {
                Some(json!({}))
            };
            for (role, secret) in &principals {
                let mut call = app.call(method.clone(), &path);
                if let Some(s) = secret {
                    call = call.token(s);
                }
                if takes_if_match {
                    // A version that never matches: authorised callers get 412, nothing changes.
                    call = call.if_match(999_999);
                }
                if let Some(b) = &body {
                    call = call.json(b.clone());
                }
                let r = call.send().await;
                let who = role.unwrap_or("anonymous");
                assert!(r.status.as_u16() < 500, "{method} {template} as {who}: {} {}", r.status, r.text);
                let denied = matches!(r.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN);
                let is_key = matches!(role, Some("server-key" | "client-key"));
                match (required, role) {
                    ("public", _) => {
                        assert!(!denied, "{method} {template} is public but {who} got {}", r.status);
                    }
                    // Routes for SDKs take SDK keys only; SDK keys open nothing else.
                    ("sdk", Some(_)) if is_key => {
                        assert!(!denied, "{method} {template} as {who}: {}", r.text);
                    }
                    ("sdk-server", Some("server-key")) => {
                        assert!(!denied, "{method} {template} as {who}: {}", r.text);
                    }
                    ("sdk-server", Some("client-key")) => {
                        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {template} as {who}");
                    }
                    ("sdk" | "sdk-server" | "stream-token", _) => {
                        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {template} as {who}");
                    }
                    (_, Some(_)) if is_key => {
                        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {template} as {who}");
                    }
                    (_, None) => {
                        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {template} as anonymous");
                    }
                    ("authenticated", Some(_)) => {
                        assert!(!denied, "{method} {template} as {who}: {} {}", r.status, r.text);
                    }
                    (needed, Some(have)) if rank(have) < rank(needed) => {
                        assert_eq!(
                            r.status,
                            StatusCode::FORBIDDEN,
                            "{method} {template} needs {needed}; {who} got {}",
                            r.text
                        );
                    }
                    (_, Some(_)) => assert!(!denied, "{method} {template} as {who} was refused: {}", r.text),
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 5 * 40, "walked {checked} (operation, principal) pairs");
}

fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"].as_str() {
        Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or(v),
        None => v,
    }
}
