use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::TestApp;

crate::on_both_databases!(
    environments_can_be_created_renamed_reordered_and_deleted,
    new_projects_get_development_staging_and_production,
);

async fn environments_can_be_created_renamed_reordered_and_deleted(app: TestApp) {
    app.create_flag("f").await;
    let r = app
        .req(Method::POST, "/api/v1/projects/default/environments")
        .json(json!({"key": "qa", "name": "QA", "requires_approval": true}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["position"], 3);
    assert_eq!(r.body["requires_approval"], true);
    // Existing flags get a configuration in the new environment.
    let c = app.req(Method::GET, "/api/v1/projects/default/flags/f/environments/qa").send().await;
    assert_eq!(c.status, StatusCode::OK);
    assert_eq!(c.body["enabled"], false);

    let r = app
        .req(Method::PATCH, "/api/v1/projects/default/environments/qa")
        .if_match(1)
        .json(json!({"name": "Quality", "position": 0}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = app.req(Method::GET, "/api/v1/projects/default/environments").send().await;
    let order: Vec<(&str, i64)> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["key"].as_str().unwrap(), e["position"].as_i64().unwrap()))
        .collect();
    assert_eq!(order, [("qa", 0), ("development", 1), ("staging", 2), ("production", 3)]);
    // A position past the end moves the environment last, however far past: the schema
    // allows any position from 0, and a caller may have counted before another was
    // deleted.
    for (version, far) in [(2, 9), (3, i64::MAX - 1)] {
        let r = app
            .req(Method::PATCH, "/api/v1/projects/default/environments/qa")
            .if_match(version)
            .json(json!({"position": far}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["position"], 3, "{}", r.body);
        let list = app.req(Method::GET, "/api/v1/projects/default/environments").send().await;
        let order: Vec<(&str, i64)> = list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["key"].as_str().unwrap(), e["position"].as_i64().unwrap()))
            .collect();
        assert_eq!(order, [("development", 0), ("staging", 1), ("production", 2), ("qa", 3)]);
    }
    let bad = app
        .req(Method::PATCH, "/api/v1/projects/default/environments/qa")
        .if_match(4)
        .json(json!({"position": -1}))
        .send()
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(bad.body["errors"][0]["pointer"], "/position", "{}", bad.body);

    let r = app.req(Method::DELETE, "/api/v1/projects/default/environments/qa").if_match(4).send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let list = app.req(Method::GET, "/api/v1/projects/default/environments").send().await;
    let order: Vec<i64> =
        list.body["items"].as_array().unwrap().iter().map(|e| e["position"].as_i64().unwrap()).collect();
    assert_eq!(order, [0, 1, 2]);
    let dup = app
        .req(Method::POST, "/api/v1/projects/default/environments")
        .json(json!({"key": "staging"}))
        .send()
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
}

async fn new_projects_get_development_staging_and_production(app: TestApp) {
    let r = app
        .req(Method::POST, "/api/v1/projects")
        .json(json!({"key": "mobile", "name": "Mobile app"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let envs = app.req(Method::GET, "/api/v1/projects/mobile/environments").send().await;
    let keys: Vec<&str> =
        envs.body["items"].as_array().unwrap().iter().map(|e| e["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["development", "staging", "production"]);
    let r = app
        .req(Method::PATCH, "/api/v1/projects/mobile")
        .if_match(1)
        .json(json!({"description": "iOS and Android"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.req(Method::DELETE, "/api/v1/projects/mobile").if_match(2).send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(app.req(Method::GET, "/api/v1/projects/mobile").send().await.status, StatusCode::NOT_FOUND);
}
