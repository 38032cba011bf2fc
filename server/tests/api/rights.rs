//! An API token acts with at most its creator's current rights: a demoted creator's
//! tokens lose power at once, and deleting or disabling the creator revokes them.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::TestApp;

crate::on_both_databases!(
    a_token_is_bounded_by_its_creators_current_role,
    deleting_or_disabling_a_user_revokes_their_tokens,
);

/// Creates a user with `role`, logs in, and has them create an API token with the same
/// role. Returns (user id, user version, token secret).
async fn user_with_token(app: &TestApp, email: &str, role: &str) -> (String, i64, String) {
    let r = app
        .req(Method::POST, "/api/v1/users")
        .json(json!({"email": email, "password": "a-long-password", "role": role}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let (id, version) = (r.body["id"].as_str().expect("id").to_owned(), r.etag());
    let session = app.login(email, "a-long-password").await;
    let t = app
        .call(Method::POST, "/api/v1/tokens")
        .token(&session)
        .json(json!({"name": format!("{email} automation"), "role": role}))
        .send()
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.body);
    (id, version, t.body["token"].as_str().expect("secret").to_owned())
}

async fn a_token_is_bounded_by_its_creators_current_role(app: TestApp) {
    let (id, version, token) = user_with_token(&app, "ada@example.com", "admin").await;
    // A token minted by that token acts for the same person.
    let r = app
        .call(Method::POST, "/api/v1/tokens")
        .token(&token)
        .json(json!({"name": "second generation", "role": "admin"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let child = r.body["token"].as_str().expect("secret").to_owned();
    for t in [&token, &child] {
        assert_eq!(app.call(Method::GET, "/api/v1/tokens").token(t).send().await.status, StatusCode::OK);
    }

    let r = app
        .req(Method::PATCH, &format!("/api/v1/users/{id}"))
        .if_match(version)
        .json(json!({"role": "viewer"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for t in [&token, &child] {
        let r = app.call(Method::GET, "/api/v1/tokens").token(t).send().await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "a viewer's token cannot list tokens: {}", r.text);
        let r = app
            .call(Method::POST, "/api/v1/tokens")
            .token(t)
            .json(json!({"name": "escalate", "role": "admin"}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "a viewer's token mints no admin token: {}", r.text);
        let r = app
            .call(Method::POST, "/api/v1/projects/default/flags")
            .token(t)
            .json(json!({"key": "sneaky", "kind": "boolean"}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "a viewer's token writes nothing: {}", r.text);
        let r = app.call(Method::GET, "/api/v1/projects/default/flags").token(t).send().await;
        assert_eq!(r.status, StatusCode::OK, "it still reads as a viewer");
        let me = app.call(Method::GET, "/api/v1/auth/me").token(t).send().await;
        assert_eq!(me.body["token"]["role"], "admin", "the role it was given");
        assert_eq!(me.body["token"]["effective_role"], "viewer", "the role it has now");
    }
    let listed = app.req(Method::GET, "/api/v1/tokens").send().await;
    let mine: Vec<_> = listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|t| t["created_by_user_id"] == id.as_str())
        .collect();
    assert_eq!(mine.len(), 2, "both tokens act for the user: {}", listed.text);
    assert!(mine.iter().all(|t| t["effective_role"] == "viewer"), "{}", listed.text);

    // Promoted again, the tokens regain what they were given, never more.
    let v = app.req(Method::GET, &format!("/api/v1/users/{id}")).send().await.etag();
    let r = app
        .req(Method::PATCH, &format!("/api/v1/users/{id}"))
        .if_match(v)
        .json(json!({"role": "owner"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let me = app.call(Method::GET, "/api/v1/auth/me").token(&token).send().await;
    assert_eq!(me.body["token"]["effective_role"], "admin");
}

async fn deleting_or_disabling_a_user_revokes_their_tokens(app: TestApp) {
    let (gone, gone_version, gone_token) = user_with_token(&app, "gone@example.com", "admin").await;
    let (off, off_version, off_token) = user_with_token(&app, "off@example.com", "admin").await;
    let r = app.req(Method::DELETE, &format!("/api/v1/users/{gone}")).if_match(gone_version).send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = app.call(Method::GET, "/api/v1/projects").token(&gone_token).send().await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "a deleted user's token is dead: {}", r.text);

    let r = app
        .req(Method::PATCH, &format!("/api/v1/users/{off}"))
        .if_match(off_version)
        .json(json!({"disabled": true}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.call(Method::GET, "/api/v1/projects").token(&off_token).send().await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "a disabled user's token is dead: {}", r.text);
    // Enabling the user again does not bring the token back: it was revoked.
    let r = app
        .req(Method::PATCH, &format!("/api/v1/users/{off}"))
        .if_match(off_version + 1)
        .json(json!({"disabled": false}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.call(Method::GET, "/api/v1/projects").token(&off_token).send().await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "revoked stays revoked");
    let listed = app.req(Method::GET, "/api/v1/tokens").send().await;
    let revoked = listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|t| t["name"].as_str().is_some_and(|n| n.starts_with("gone@") || n.starts_with("off@")))
        .filter(|t| !t["revoked_at"].is_null())
        .count();
    assert_eq!(revoked, 2, "both tokens are listed as revoked: {}", listed.text);
}
