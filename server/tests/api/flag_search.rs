//! Flag search (`q`): a case-insensitive substring of the key, name, tags, owner, links or
//! properties, with `%` and `_` literal. PostgreSQL answers it from a maintained search
//! column (decision 0038); these cases hold both databases to the same answers, and hold
//! the column to every kind of write.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::TestApp;

crate::on_both_databases!(
    a_search_matches_each_field_alone_with_percent_and_underscore_literal,
    a_search_follows_edits_archiving_restoring_and_deleting,
);

const FLAGS: &str = "/api/v1/projects/default/flags";

async fn create(app: &TestApp, body: Value) {
    let r = app.req(Method::POST, FLAGS).json(body).send().await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

/// Every key the search returns, following the cursor one flag at a time, so that the
/// paged statement is the one checked.
async fn search(app: &TestApp, query: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut cursor = String::new();
    loop {
        let r = app.req(Method::GET, &format!("{FLAGS}?{query}&limit=1{cursor}")).send().await;
        assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.body);
        keys.extend(
            r.body["items"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap().to_owned()),
        );
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return keys,
        }
    }
}

async fn seed(app: &TestApp) {
    create(
        app,
        json!({
            "key": "alpha", "kind": "boolean", "name": "Crème Brûlée", "tags": ["dessert"],
            "owner": "team-pâtisserie",
            "links": [{"kind": "issue", "url": "https://issues.example.com/PAY-42", "title": "PAY-42"}],
            "properties": {"discount": "100%", "zone": "eu-west-1"}
        }),
    )
    .await;
    create(app, json!({"key": "beta", "kind": "boolean", "name": "Beta 100 percent", "tags": ["growth"]}))
        .await;
    create(
        app,
        json!({"key": "gamma", "kind": "boolean", "name": "Gamma", "owner": "ops", "properties": {"zone": "eu_west_1"}}),
    )
    .await;
    create(app, json!({"key": "delta", "kind": "boolean", "name": "Old checkout"})).await;
    let r = app.req(Method::POST, &format!("{FLAGS}/delta/archive")).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn a_search_matches_each_field_alone_with_percent_and_underscore_literal(app: TestApp) {
    seed(&app).await;
    for (q, want) in [
        ("dessert", &["alpha"][..]),
        ("%C3%82TISSERIE", &["alpha"]),
        ("pay-42", &["alpha"]),
        ("CR%C3%A8me", &["alpha"]),
        ("100%25", &["alpha"]),
        ("%25", &["alpha"]),
        ("west_1", &["gamma"]),
        ("_", &["gamma"]),
        ("ops", &["gamma"]),
        ("ta", &["beta"]),
        ("e", &["alpha", "beta", "gamma"]),
        ("checkout", &[]),
        ("nothing-like-this", &[]),
        // The key, name and owner of gamma, each on its own: a term spanning two fields
        // matches none of them.
        ("gamma%0Aops", &[]),
        ("gamma%0Agamma", &[]),
    ] {
        assert_eq!(search(&app, &format!("q={q}")).await, want, "q={q}");
    }
    assert_eq!(search(&app, "q=CHECKOUT&archived=true").await, ["delta"]);
    assert_eq!(search(&app, "q=e&tag=growth").await, ["beta"]);
}

async fn a_search_follows_edits_archiving_restoring_and_deleting(app: TestApp) {
    seed(&app).await;
    let flag = app.req(Method::GET, &format!("{FLAGS}/alpha")).send().await;
    let mut body = flag.body.clone();
    body["name"] = json!("Tarte Tatin");
    body["tags"] = json!(["pudding", "seasonal"]);
    body["owner"] = json!("team-bakery");
    body["links"] = json!([{"url": "https://docs.example.com/tarte"}]);
    body["properties"] = json!({"discount": "50"});
    let r = app.req(Method::PATCH, &format!("{FLAGS}/alpha")).if_match(flag.etag()).json(body).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for (q, want) in [
        ("dessert", &[][..]),
        ("cr%C3%A8me", &[]),
        ("p%C3%A2tisserie", &[]),
        ("pay-42", &[]),
        ("100%25", &[]),
        ("west", &["gamma"]),
        ("pudding", &["alpha"]),
        ("SEASONAL", &["alpha"]),
        ("tatin", &["alpha"]),
        ("bakery", &["alpha"]),
        ("docs.example.com/tarte", &["alpha"]),
        ("discount", &["alpha"]),
    ] {
        assert_eq!(search(&app, &format!("q={q}")).await, want, "after the edit, q={q}");
    }

    // Tags only, then none.
    for (tags, found) in [(json!(["autumn"]), true), (json!([]), false)] {
        let flag = app.req(Method::GET, &format!("{FLAGS}/alpha")).send().await;
        let mut body = flag.body.clone();
        body["tags"] = tags.clone();
        let r =
            app.req(Method::PATCH, &format!("{FLAGS}/alpha")).if_match(flag.etag()).json(body).send().await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(search(&app, "q=pudding").await, Vec::<String>::new(), "tags {tags}");
        assert_eq!(search(&app, "q=autumn").await.len(), usize::from(found), "tags {tags}");
    }

    // A flag without tags: the write touches no tag row.
    let flag = app.req(Method::GET, &format!("{FLAGS}/gamma")).send().await;
    let mut body = flag.body.clone();
    body["name"] = json!("Gamma ray");
    body["owner"] = json!("sre");
    body["properties"] = json!({"zone": "eu_west_1", "tier": "gold"});
    let r = app.req(Method::PATCH, &format!("{FLAGS}/gamma")).if_match(flag.etag()).json(body).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for (q, want) in [("ray", &["gamma"][..]), ("sre", &["gamma"]), ("gold", &["gamma"]), ("ops", &[])] {
        assert_eq!(search(&app, &format!("q={q}")).await, want, "after the edit of gamma, q={q}");
    }

    let r = app.req(Method::POST, &format!("{FLAGS}/gamma/archive")).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(search(&app, "q=west_1").await, Vec::<String>::new());
    assert_eq!(search(&app, "q=west_1&archived=true").await, ["gamma"]);
    let r = app.req(Method::POST, &format!("{FLAGS}/delta/restore")).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(search(&app, "q=checkout").await, ["delta"]);

    let r = app.req(Method::DELETE, &format!("{FLAGS}/beta")).if_match(1).send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(search(&app, "q=growth").await, Vec::<String>::new());
    // A new flag with the deleted one's key starts with its own text.
    create(&app, json!({"key": "beta", "kind": "boolean", "name": "Second beta"})).await;
    assert_eq!(search(&app, "q=growth").await, Vec::<String>::new());
    assert_eq!(search(&app, "q=second").await, ["beta"]);
}
