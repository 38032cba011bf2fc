//! Flag metadata: owner, links and custom properties, validated, searchable and kept
//! through a read-modify-write.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::TestApp;

crate::on_both_databases!(
    a_flag_carries_an_owner_links_and_properties_and_is_found_by_them,
    bad_metadata_is_422_with_a_pointer_to_each_problem,
);

const FLAGS: &str = "/api/v1/projects/default/flags";

async fn a_flag_carries_an_owner_links_and_properties_and_is_found_by_them(app: TestApp) {
    let r = app
        .req(Method::POST, FLAGS)
        .json(json!({
            "key": "checkout", "kind": "boolean", "owner": " team-payments ",
            "links": [
                {"kind": "issue", "url": "https://issues.example.com/PAY-12", "title": "PAY-12"},
                {"url": "https://docs.example.com/checkout"}
            ],
            "properties": {"cost-centre": "4711", "rollout-plan": "eu first"}
        }))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["owner"], "team-payments", "trimmed");
    assert_eq!(r.body["links"][1], json!({"kind": "other", "url": "https://docs.example.com/checkout"}));
    assert_eq!(r.body["properties"]["cost-centre"], "4711");
    app.create_flag("search").await;

    let keys = |body: &serde_json::Value| -> Vec<String> {
        body["items"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap().to_owned()).collect()
    };
    for q in ["PAYMENTS", "pay-12", "4711", "eu%20first", "cost-centre"] {
        let r = app.req(Method::GET, &format!("{FLAGS}?q={q}")).send().await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(keys(&r.body), ["checkout"], "q={q}");
    }
    let r = app.req(Method::GET, &format!("{FLAGS}?owner=Team-Payments")).send().await;
    assert_eq!(keys(&r.body), ["checkout"]);
    let r = app.req(Method::GET, &format!("{FLAGS}?owner=team")).send().await;
    assert_eq!(keys(&r.body), Vec::<String>::new(), "the owner filter is exact");

    // Read, change, write back: metadata is writable and kept when absent.
    let flag = app.req(Method::GET, &format!("{FLAGS}/checkout")).send().await;
    let mut body = flag.body.clone();
    body["owner"] = json!("ada@example.com");
    let r =
        app.req(Method::PATCH, &format!("{FLAGS}/checkout")).if_match(flag.etag()).json(body).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["owner"], "ada@example.com");
    assert_eq!(r.body["links"], flag.body["links"]);
    let r = app
        .req(Method::PATCH, &format!("{FLAGS}/checkout"))
        .if_match(r.etag())
        .json(json!({"description": "x"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["properties"], flag.body["properties"]);
    // A clone takes the metadata along.
    let r = app
        .req(Method::POST, &format!("{FLAGS}/checkout/clone"))
        .json(json!({"key": "checkout-2"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["flag"]["owner"], "ada@example.com");
    // The audit entry of the update shows the owner change.
    let r = app.req(Method::GET, "/api/v1/audit?resource_type=flag&limit=10").send().await;
    let update =
        r.body["items"].as_array().unwrap().iter().find(|e| e["action"] == "flag.update").cloned().unwrap();
    assert_eq!(update["after"]["owner"], "ada@example.com", "{update}");
}

async fn bad_metadata_is_422_with_a_pointer_to_each_problem(app: TestApp) {
    let links: Vec<_> = (0..21).map(|i| json!({"url": format!("https://example.com/{i}")})).collect();
    let properties: serde_json::Map<_, _> = (0..51).map(|i| (format!("p{i}"), json!("v"))).collect();
    let cases = [
        (json!({"links": [{"url": "javascript:alert(1)"}]}), "/links/0/url"),
        (json!({"links": [{"url": "/relative"}]}), "/links/0/url"),
        (json!({"links": [{"url": "https://user:pass@e.com/"}]}), "/links/0/url"),
        (json!({"links": [{"url": "https://x.example"}, {"url": "https://token@e.com/"}]}), "/links/1/url"),
        (json!({"links": [{"url": "https://x.example", "title": "t".repeat(201)}]}), "/links/0/title"),
        (json!({"links": links}), "/links"),
        (json!({"properties": properties}), "/properties"),
        (json!({"properties": {"": "v"}}), "/properties/"),
        (json!({"properties": {"a/b": "v".repeat(1001)}}), "/properties/a~1b"),
        (json!({"owner": "o".repeat(201)}), "/owner"),
    ];
    for (extra, pointer) in cases {
        let mut body = json!({"key": "f", "kind": "boolean"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = app.req(Method::POST, FLAGS).json(body).send().await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{pointer}: {}", r.body);
        assert_eq!(r.body["errors"][0]["pointer"], pointer, "{}", r.body);
    }
    let r = app
        .req(Method::POST, FLAGS)
        .json(json!({"key": "f", "kind": "boolean", "links": [{"url": "https://x.example", "rel": "x"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "unknown link fields: {}", r.body);
    let r = app.req(Method::GET, &format!("{FLAGS}/f")).send().await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "nothing was created");
}
