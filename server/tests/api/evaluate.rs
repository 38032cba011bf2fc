use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::TestApp;

crate::on_both_databases!(the_debugger_says_why_a_value_cannot_be_compared);

async fn the_debugger_says_why_a_value_cannot_be_compared(app: TestApp) {
    app.create_flag("new-ui").await;
    let config = "/api/v1/projects/default/flags/new-ui/environments/production";
    let version = app.req(Method::GET, config).send().await.etag();
    let r = app
        .req(Method::PUT, config)
        .if_match(version)
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "off"},
            "rules": [{"id": "recent-app", "serve": {"variant": "on"}, "conditions": [
                {"attribute": "app_version", "op": "semver_gte", "values": ["3.0.0"]}]}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let evaluate = |version: &'static str| {
        app.req(Method::POST, "/api/v1/projects/default/environments/production/evaluate")
            .json(json!({"flag": "new-ui", "context": {"key": "u1", "attributes": {"app_version": version}}}))
            .send()
    };
    let r = evaluate("v3.1.0").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let condition = &r.body["results"][0]["rules"][0]["conditions"][0];
    assert_eq!(condition["outcome"], "type_mismatch");
    let why = condition["mismatch"].as_str().expect("a mismatch says why");
    assert!(why.starts_with(r#""v3.1.0" is not a semantic version"#), "{why}");
    assert!(why.contains(r#"starts with "v""#), "{why}");
    let r = evaluate("3.1.0").await;
    let condition = &r.body["results"][0]["rules"][0]["conditions"][0];
    assert_eq!(condition["outcome"], "matched");
    assert!(condition.get("mismatch").is_none(), "only mismatches explain themselves");
}
