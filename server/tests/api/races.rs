//! Concurrent writes: a version read once lets one writer through, invariants that span
//! rows (the last owner) hold when two admins act at the same moment, and SQLite
//! writers queue for the write lock instead of failing.

use axum::http::{Method, StatusCode};
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::harness::{OWNER_EMAIL, OWNER_PASSWORD, TestApp};

crate::on_both_databases!(
    twenty_writers_with_one_if_match_let_exactly_one_through_on_every_resource,
    two_owners_demoting_each_other_at_once_always_leave_an_owner,
    parallel_edits_of_different_users_all_succeed,
);

/// How many writers race in each round.
const WRITERS: usize = 20;

async fn create_user(app: &TestApp, email: &str, role: &str) -> String {
    let r = app
        .req(Method::POST, "/api/v1/users")
        .json(json!({"email": email, "password": "a-long-password", "role": role}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["id"].as_str().expect("id").to_owned()
}

async fn twenty_writers_with_one_if_match_let_exactly_one_through_on_every_resource(app: TestApp) {
    app.create_flag("raced").await;
    let r =
        app.req(Method::POST, "/api/v1/projects/default/segments").json(json!({"key": "seg"})).send().await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let user = create_user(&app, "raced@example.com", "viewer").await;
    // (method, path, body of writer i)
    type Body = fn(usize) -> Value;
    let resources: [(Method, String, Body); 6] = [
        (Method::PATCH, format!("/api/v1/users/{user}"), |i| json!({"name": format!("name {i}")})),
        (
            Method::PATCH,
            "/api/v1/projects/default/flags/raced".to_owned(),
            |i| json!({"name": format!("flag {i}")}),
        ),
        (
            Method::PUT,
            "/api/v1/projects/default/flags/raced/environments/staging".to_owned(),
            |i| json!({"enabled": i % 2 == 0, "off_variant": "off", "default": {"variant": "on"}}),
        ),
        (
            Method::PUT,
            "/api/v1/projects/default/segments/seg".to_owned(),
            |i| json!({"key": "seg", "included": [format!("user-{i}")]}),
        ),
        (
            Method::PATCH,
            "/api/v1/projects/default/environments/staging".to_owned(),
            |i| json!({"name": format!("Staging {i}")}),
        ),
        (Method::PATCH, "/api/v1/projects/default".to_owned(), |i| json!({"description": format!("d{i}")})),
    ];
    // Several rounds: without a lock the race is lost only some of the time.
    for (round, (method, path, body)) in (0..3).flat_map(|r| resources.iter().map(move |x| (r, x))) {
        let version = app.req(Method::GET, path).send().await.etag();
        let answers = join_all(
            (0..WRITERS).map(|i| app.req(method.clone(), path).if_match(version).json(body(i)).send()),
        )
        .await;
        let ok: Vec<_> = answers.iter().filter(|r| r.status == StatusCode::OK).collect();
        let stale = answers.iter().filter(|r| r.status == StatusCode::PRECONDITION_FAILED).count();
        let others: Vec<String> = answers
            .iter()
            .filter(|r| !matches!(r.status, StatusCode::OK | StatusCode::PRECONDITION_FAILED))
            .map(|r| format!("{} {}", r.status, r.text))
            .collect();
        assert_eq!(
            (ok.len(), stale),
            (1, WRITERS - 1),
            "round {round}, {method} {path}: exactly one of {WRITERS} writers with If-Match {version} wins; others: {others:?}"
        );
        let now = app.req(Method::GET, path).send().await;
        assert_eq!(now.etag(), version + 1, "{path}: one write, one version");
        assert_eq!(now.etag(), ok[0].etag(), "{path}: the stored version is the winner's");
    }
}

async fn two_owners_demoting_each_other_at_once_always_leave_an_owner(app: TestApp) {
    let me = app.req(Method::GET, "/api/v1/auth/me").send().await;
    let first = me.body["user"]["id"].as_str().expect("id").to_owned();
    let second = create_user(&app, "second-owner@example.com", "owner").await;
    let a = app.login(OWNER_EMAIL, OWNER_PASSWORD).await;
    let b = app.login("second-owner@example.com", "a-long-password").await;
    for round in 0..10 {
        let (va, vb) = (
            app.req(Method::GET, &format!("/api/v1/users/{first}")).send().await.etag(),
            app.req(Method::GET, &format!("/api/v1/users/{second}")).send().await.etag(),
        );
        let (ra, rb) = tokio::join!(
            app.call(Method::PATCH, &format!("/api/v1/users/{second}"))
                .token(&a)
                .if_match(vb)
                .json(json!({"role": "admin"}))
                .send(),
            app.call(Method::PATCH, &format!("/api/v1/users/{first}"))
                .token(&b)
                .if_match(va)
                .json(json!({"role": "admin"}))
                .send(),
        );
        let users = app.state.store.list_users().await.expect("users");
        let owners: Vec<&str> = users
            .iter()
            .filter(|u| u.role == vexil_server::auth::Role::Owner && !u.disabled)
            .map(|u| u.email.as_str())
            .collect();
        assert_eq!(owners.len(), 1, "round {round}: owners {owners:?} after {} / {}", ra.text, rb.text);
        let wins = [&ra, &rb].iter().filter(|r| r.status == StatusCode::OK).count();
        assert_eq!(
            wins, 1,
            "round {round}: one demotion wins: {} {} / {} {}",
            ra.status, ra.text, rb.status, rb.text
        );
        for r in [&ra, &rb] {
            assert!(
                matches!(r.status, StatusCode::OK | StatusCode::CONFLICT | StatusCode::FORBIDDEN),
                "round {round}: {} {}",
                r.status,
                r.text
            );
        }
        // The remaining owner makes the other an owner again for the next round.
        let (owner_token, demoted) = if ra.status == StatusCode::OK { (&a, &second) } else { (&b, &first) };
        let v = app.req(Method::GET, &format!("/api/v1/users/{demoted}")).send().await.etag();
        let r = app
            .call(Method::PATCH, &format!("/api/v1/users/{demoted}"))
            .token(owner_token)
            .if_match(v)
            .json(json!({"role": "owner"}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::OK, "round {round}: {}", r.text);
    }
}

async fn parallel_edits_of_different_users_all_succeed(app: TestApp) {
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(create_user(&app, &format!("user{i}@example.com"), "editor").await);
    }
    for round in 0..3 {
        let answers = join_all(ids.iter().enumerate().map(|(i, id)| {
            app.req(Method::PATCH, &format!("/api/v1/users/{id}"))
                .header("if-match", "*")
                .json(json!({"name": format!("user {i} round {round}"), "disabled": round % 2 == 0}))
                .send()
        }))
        .await;
        let failed: Vec<String> = answers
            .iter()
            .filter(|r| r.status != StatusCode::OK)
            .map(|r| format!("{} {}", r.status, r.text))
            .collect();
        assert!(failed.is_empty(), "round {round}: {failed:?}");
    }
}
