use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::TestApp;

crate::on_both_databases!(
    two_writers_racing_on_one_version_one_wins_the_other_gets_412,
    writes_without_if_match_get_428
);

async fn two_writers_racing_on_one_version_one_wins_the_other_gets_412(app: TestApp) {
    app.create_flag("raced").await;
    let path = "/api/v1/projects/default/flags/raced/environments/production";
    let body =
        |variant: &str| json!({"enabled": true, "off_variant": "off", "default": {"variant": variant}});
    for round in 0..5 {
        let version = app.req(Method::GET, path).send().await.etag();
        let (a, b) = tokio::join!(
            app.req(Method::PUT, path).if_match(version).json(body("on")).send(),
            app.req(Method::PUT, path).if_match(version).json(body("off")).send(),
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::PRECONDITION_FAILED],
            "round {round}: {} / {}",
            a.body,
            b.body
        );
        let loser = if a.status == StatusCode::OK { &b } else { &a };
        assert_eq!(loser.body["current_version"], version + 1, "the loser learns the winner's version");
        let winner = if a.status == StatusCode::OK { &a } else { &b };
        let now = app.req(Method::GET, path).send().await;
        assert_eq!(now.body["default"], winner.body["default"], "the stored config is the winner's");
        assert_eq!(now.etag(), version + 1);
    }
}

async fn writes_without_if_match_get_428(app: TestApp) {
    app.create_flag("f").await;
    for (method, path, body) in [
        (
            Method::PUT,
            "/api/v1/projects/default/flags/f/environments/production",
            json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"}}),
        ),
        (Method::PATCH, "/api/v1/projects/default/flags/f", json!({"name": "x"})),
        (Method::PATCH, "/api/v1/projects/default", json!({"name": "x"})),
        (Method::PATCH, "/api/v1/projects/default/environments/staging", json!({"name": "x"})),
    ] {
        let r = app.req(method.clone(), path).json(body).send().await;
        assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED, "{method} {path}: {}", r.body);
    }
    let r = app.req(Method::DELETE, "/api/v1/projects/default/flags/f").send().await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
    let r = app
        .req(Method::DELETE, "/api/v1/projects/default/flags/f")
        .header("if-match", "\"seven\"")
        .send()
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .req(Method::DELETE, "/api/v1/projects/default/flags/f")
        .header("if-match", "W/\"1\"")
        .send()
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "weak ETags are accepted");
}
