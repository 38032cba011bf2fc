//! Lists that scale: one cursor convention (`limit`, `cursor`, `next_cursor`) on every
//! list, flags filtered by their state in an environment, lifecycle and staleness and
//! sorted for a clean-up, and a
//! segment list without member keys.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::TestApp;

crate::on_both_databases!(
    flags_filter_and_sort_by_state_lifecycle_staleness_and_last_evaluation_across_pages,
    segments_users_tokens_and_sdk_keys_page_with_the_same_cursor_convention,
    a_flags_cursor_belongs_to_the_order_that_issued_it,
    filtering_by_state_in_an_unknown_environment_is_404,
);

const PROJECT: &str = "/api/v1/projects/default";

fn keys(body: &Value, field: &str) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i[field].as_str().expect(field).to_owned())
        .collect()
}

/// Every item of a list, page by page, checking each page's size.
async fn all_pages(app: &TestApp, url: &str, limit: usize, field: &str) -> Vec<String> {
    let (mut out, mut cursor) = (Vec::new(), None::<String>);
    let sep = if url.contains('?') { '&' } else { '?' };
    for _ in 0..100 {
        let page = match &cursor {
            Some(c) => format!("{url}{sep}limit={limit}&cursor={c}"),
            None => format!("{url}{sep}limit={limit}"),
        };
        let r = app.req(Method::GET, &page).send().await;
        assert_eq!(r.status, StatusCode::OK, "{page}: {}", r.body);
        let got = keys(&r.body, field);
        assert!(got.len() <= limit, "{page}: {} items", got.len());
        out.extend(got);
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
    panic!("{url}: more than 100 pages");
}

async fn flags_filter_and_sort_by_state_lifecycle_staleness_and_last_evaluation_across_pages(app: TestApp) {
    for i in 0..7 {
        let lifecycle = if i % 2 == 0 { "temporary" } else { "permanent" };
        let r = app
            .req(Method::POST, &format!("{PROJECT}/flags"))
            .json(json!({"key": format!("f{i}"), "kind": "boolean", "lifecycle": lifecycle}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let r = app
        .req(Method::POST, &format!("{PROJECT}/environments/staging/flags/toggle"))
        .json(json!({"filter": {"key_prefix": "f"}, "enabled": true}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .req(Method::POST, &format!("{PROJECT}/flags/f3/environments/staging/toggle"))
        .json(json!({"enabled": false}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let on = all_pages(&app, &format!("{PROJECT}/flags?environment=staging&enabled=true"), 2, "key").await;
    assert_eq!(on, ["f0", "f1", "f2", "f4", "f5", "f6"]);
    let off = all_pages(&app, &format!("{PROJECT}/flags?environment=staging&enabled=false"), 2, "key").await;
    assert_eq!(off, ["f3"]);
    let off_in_production =
        all_pages(&app, &format!("{PROJECT}/flags?environment=production&enabled=false"), 3, "key").await;
    assert_eq!(off_in_production.len(), 7);
    let permanent_on = all_pages(
        &app,
        &format!("{PROJECT}/flags?environment=staging&enabled=true&lifecycle=permanent"),
        1,
        "key",
    )
    .await;
    assert_eq!(permanent_on, ["f1", "f5"]);
    // A flag created long ago and never evaluated is stale; the rest are fresh.
    sqlx::query("update flag set created_at = 0 where key in ('f2', 'f6')")
        .execute(app.state.store.pool())
        .await
        .unwrap();
    let stale = all_pages(&app, &format!("{PROJECT}/flags?stale=true"), 1, "key").await;
    assert_eq!(stale, ["f2", "f6"]);
    let r = app.req(Method::GET, &format!("{PROJECT}/flags?stale=true")).send().await;
    assert!(r.body["items"].as_array().unwrap().iter().all(|f| f["stale"] == true), "{}", r.body);
    let fresh = all_pages(&app, &format!("{PROJECT}/flags?stale=false&lifecycle=temporary"), 5, "key").await;
    assert_eq!(fresh, ["f0", "f4"]);
    // Clean-up order: never evaluated first, then least recently evaluated.
    let staging = app.state.store.get_environment("default", "staging").await.unwrap();
    for (flag, at) in [("f1", 2_000_i64), ("f4", 1_000)] {
        sqlx::query("insert into flag_last_seen (environment_id, flag_key, at) values ($1, $2, $3)")
            .bind(staging.id)
            .bind(flag)
            .bind(at)
            .execute(app.state.store.pool())
            .await
            .unwrap();
    }
    let order = all_pages(&app, &format!("{PROJECT}/flags?sort=last_evaluated"), 2, "key").await;
    assert_eq!(order, ["f0", "f2", "f3", "f5", "f6", "f4", "f1"]);
    let order =
        all_pages(&app, &format!("{PROJECT}/flags?sort=last_evaluated&lifecycle=permanent"), 1, "key").await;
    assert_eq!(order, ["f3", "f5", "f1"]);
    let r = app.req(Method::GET, &format!("{PROJECT}/flags?sort=newest")).send().await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    for bad in ["enabled=true", "environment=staging", "lifecycle=forever", "limit=0"] {
        let r = app.req(Method::GET, &format!("{PROJECT}/flags?{bad}")).send().await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
    }
}

async fn segments_users_tokens_and_sdk_keys_page_with_the_same_cursor_convention(app: TestApp) {
    for i in 0..5 {
        let r = app
            .req(Method::POST, &format!("{PROJECT}/segments"))
            .json(json!({"key": format!("s{i}"), "included": ["a", "b", "c"], "excluded": ["d"]}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = app
            .req(Method::POST, "/api/v1/users")
            .json(json!({"email": format!("u{i}@example.com"), "password": "a-long-password", "role": "viewer"}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        app.token_with_role("viewer", None).await;
        let r = app
            .req(Method::POST, &format!("{PROJECT}/environments/staging/sdk-keys"))
            .json(json!({"kind": "server"}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    // Segments: member keys counted, not listed; pages by key.
    let whole = app.req(Method::GET, &format!("{PROJECT}/segments")).send().await;
    assert_eq!(whole.status, StatusCode::OK, "{}", whole.body);
    let first = &whole.body["items"][0];
    assert_eq!((first["included_count"].clone(), first["excluded_count"].clone()), (json!(3), json!(1)));
    assert!(first.get("included").is_none() && first.get("excluded").is_none(), "{first}");
    assert!(whole.body.get("next_cursor").is_none(), "without limit: the whole list, as before");
    assert_eq!(
        all_pages(&app, &format!("{PROJECT}/segments"), 2, "key").await,
        ["s0", "s1", "s2", "s3", "s4"]
    );
    let one = app.req(Method::GET, &format!("{PROJECT}/segments/s0")).send().await;
    assert_eq!(one.body["included"], json!(["a", "b", "c"]), "the segment's own route lists members");
    // The item a cursor names may be deleted before the next page is read: the page goes
    // on after its position, and nothing is skipped.
    let first = app.req(Method::GET, &format!("{PROJECT}/segments?limit=2")).send().await;
    let cursor = first.body["next_cursor"].as_str().expect("a next page").to_owned();
    assert_eq!(cursor, "s1");
    let gone = app.req(Method::DELETE, &format!("{PROJECT}/segments/s1")).if_match(1).send().await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.body);
    let next = app.req(Method::GET, &format!("{PROJECT}/segments?limit=2&cursor={cursor}")).send().await;
    assert_eq!(next.status, StatusCode::OK, "{}", next.body);
    assert_eq!(keys(&next.body, "key"), ["s2", "s3"]);

    // Users, tokens and SDK keys: the same convention, same order as the whole list.
    for (url, field) in [
        ("/api/v1/users".to_owned(), "id"),
        ("/api/v1/tokens".to_owned(), "id"),
        (format!("{PROJECT}/environments/staging/sdk-keys"), "id"),
    ] {
        let whole = app.req(Method::GET, &url).send().await;
        assert_eq!(whole.status, StatusCode::OK, "{}", whole.body);
        let expected = keys(&whole.body, field);
        assert!(expected.len() >= 5, "{url}: {expected:?}");
        assert_eq!(all_pages(&app, &url, 2, field).await, expected, "{url}");
        let r = app.req(Method::GET, &format!("{url}?limit=1001")).send().await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{url}: {}", r.body);
    }
}

async fn a_flags_cursor_belongs_to_the_order_that_issued_it(app: TestApp) {
    for i in 0..5 {
        let r = app
            .req(Method::POST, &format!("{PROJECT}/flags"))
            .json(json!({"key": format!("f{i}"), "kind": "boolean"}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let page = |query: String| {
        let app = &app;
        async move { app.req(Method::GET, &format!("{PROJECT}/flags?{query}")).send().await }
    };
    // Each order still pages through everything.
    assert_eq!(all_pages(&app, &format!("{PROJECT}/flags"), 2, "key").await, ["f0", "f1", "f2", "f3", "f4"]);
    assert_eq!(
        all_pages(&app, &format!("{PROJECT}/flags?sort=last_evaluated"), 2, "key").await,
        ["f0", "f1", "f2", "f3", "f4"]
    );
    let by_key = page("limit=2".to_owned()).await.body["next_cursor"].as_str().expect("cursor").to_owned();
    let by_evaluation = page("sort=last_evaluated&limit=2".to_owned()).await.body["next_cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    // A cursor of the other order is refused, naming both orders.
    let r = page(format!("sort=last_evaluated&limit=2&cursor={by_key}")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body["detail"].as_str().is_some_and(|d| d.contains("sort=key")), "{}", r.body);
    let r = page(format!("limit=2&cursor={by_evaluation}")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body["detail"].as_str().is_some_and(|d| d.contains("sort=last_evaluated")), "{}", r.body);
    // A cursor this server did not issue is refused in either order.
    for bad in ["garbage", "f1", "k:", "e:x:f1", "e:-1:f1", "e:0:", "x:f1"] {
        for sort in ["", "sort=last_evaluated&"] {
            let r = page(format!("{sort}limit=3&cursor={bad}")).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{sort}{bad}: {}", r.body);
            assert!(r.body["detail"].as_str().is_some_and(|d| d.contains("cursor")), "{}", r.body);
        }
    }
}

async fn filtering_by_state_in_an_unknown_environment_is_404(app: TestApp) {
    let r = app.req(Method::GET, &format!("{PROJECT}/flags?environment=nope&enabled=true")).send().await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = app.req(Method::GET, &format!("{PROJECT}/flags?environment=staging&enabled=true")).send().await;
    assert_eq!(r.status, StatusCode::OK, "a known environment still filters: {}", r.body);
}
