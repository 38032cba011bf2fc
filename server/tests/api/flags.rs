use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::TestApp;

crate::on_both_databases!(
    a_default_project_with_three_environments_exists_after_first_start,
    creating_a_boolean_flag_needs_only_key_and_kind,
    creating_a_flag_with_a_taken_key_returns_409,
    invalid_flags_are_refused_with_field_level_errors,
    flags_are_listed_with_search_by_key_name_and_tag_and_cursor_pagination,
    archiving_hides_a_flag_and_restoring_brings_it_back,
    updating_variants_that_a_rule_uses_is_refused_with_409_naming_the_rule,
    updating_metadata_bumps_the_version_and_checks_if_match,
    deleting_a_flag_that_is_a_prerequisite_returns_409,
    the_listed_update_time_of_a_flag_includes_its_configuration_saves,
    a_flags_list_carries_the_states_of_the_environments_it_names,
);

async fn a_default_project_with_three_environments_exists_after_first_start(app: TestApp) {
    let r = app.req(Method::GET, "/api/v1/projects").send().await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["items"][0]["key"], "default");
    let r = app.req(Method::GET, "/api/v1/projects/default/environments").send().await;
    let keys: Vec<&str> =
        r.body["items"].as_array().unwrap().iter().map(|e| e["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["development", "staging", "production"]);
}

async fn creating_a_boolean_flag_needs_only_key_and_kind(app: TestApp) {
    let r = app
        .req(Method::POST, "/api/v1/projects/default/flags")
        .json(json!({"key": "new-checkout", "kind": "boolean"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.headers["location"], "/api/v1/projects/default/flags/new-checkout");
    assert_eq!(r.etag(), 1);
    assert_eq!(r.body["variants"], json!([{"key": "on", "value": true}, {"key": "off", "value": false}]));
    for env in ["development", "staging", "production"] {
        assert_eq!(r.body["environments"][env]["enabled"], false, "{env}");
        let c = app
            .req(Method::GET, &format!("/api/v1/projects/default/flags/new-checkout/environments/{env}"))
            .send()
            .await;
        assert_eq!(c.status, StatusCode::OK);
        assert_eq!(c.body["enabled"], false);
        assert_eq!(c.body["off_variant"], "off");
        assert_eq!(c.body["default"], json!({"variant": "on"}));
    }
    // A toggle is all it takes to release it.
    let t = app
        .req(Method::POST, "/api/v1/projects/default/flags/new-checkout/environments/production/toggle")
        .json(json!({"enabled": true}))
        .send()
        .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
    assert_eq!(t.body["enabled"], true);
}

async fn creating_a_flag_with_a_taken_key_returns_409(app: TestApp) {
    app.create_flag("taken").await;
    let r = app
        .req(Method::POST, "/api/v1/projects/default/flags")
        .json(json!({"key": "taken", "kind": "boolean"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body["detail"].as_str().unwrap().contains("already exists"), "{}", r.body);
}

async fn invalid_flags_are_refused_with_field_level_errors(app: TestApp) {
    let r = app
        .req(Method::POST, "/api/v1/projects/default/flags")
        .json(json!({"key": "Bad Key", "kind": "string", "variants": [{"key": "a", "value": 1}, {"key": "a", "value": "x"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let pointers: Vec<&str> =
        r.body["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect();
    assert_eq!(pointers, ["/key", "/variants/0/value", "/variants/1/key"], "{}", r.body);
    let r = app
        .req(Method::POST, "/api/v1/projects/default/flags")
        .json(json!({"key": "x", "kind": "string"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a string flag needs variants: {}", r.body);
    let r = app
        .req(Method::POST, "/api/v1/projects/default/flags")
        .json(json!({"key": "x", "kind": "colour"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.body["errors"][0]["pointer"], "/kind");
}

async fn flags_are_listed_with_search_by_key_name_and_tag_and_cursor_pagination(app: TestApp) {
    for (key, name, tags) in [
        ("checkout-v2", "New checkout", json!(["payments"])),
        ("dark-mode", "Dark mode", json!(["ui"])),
        ("search-ranking", "Checkout search ranking", json!([])),
        ("onboarding", "Onboarding", json!(["ui", "growth"])),
    ] {
        let r = app
            .req(Method::POST, "/api/v1/projects/default/flags")
            .json(json!({"key": key, "name": name, "kind": "boolean", "tags": tags}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let keys = |r: &crate::harness::Resp| -> Vec<String> {
        r.body["items"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap().to_owned()).collect()
    };
    let r = app.req(Method::GET, "/api/v1/projects/default/flags?q=CHECKOUT").send().await;
    assert_eq!(keys(&r), ["checkout-v2", "search-ranking"], "key or name, case-insensitive");
    let r = app.req(Method::GET, "/api/v1/projects/default/flags?tag=ui").send().await;
    assert_eq!(keys(&r), ["dark-mode", "onboarding"]);
    let r = app.req(Method::GET, "/api/v1/projects/default/flags?q=growth").send().await;
    assert_eq!(keys(&r), ["onboarding"], "search matches tags too");
    let r = app.req(Method::GET, "/api/v1/projects/default/flags?q=100%25").send().await;
    assert_eq!(keys(&r), Vec::<String>::new(), "% is literal");

    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let r = app.req(Method::GET, &format!("/api/v1/projects/default/flags?limit=3{cursor}")).send().await;
        assert_eq!(r.status, StatusCode::OK);
        seen.extend(keys(&r));
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ["checkout-v2", "dark-mode", "onboarding", "search-ranking"]);
    let r = app.req(Method::GET, "/api/v1/projects/default/flags?limit=0").send().await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.req(Method::GET, "/api/v1/projects/default/flags?archived=maybe").send().await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.req(Method::GET, "/api/v1/projects/nope/flags").send().await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn archiving_hides_a_flag_and_restoring_brings_it_back(app: TestApp) {
    app.create_flag("old-banner").await;
    let r = app.req(Method::POST, "/api/v1/projects/default/flags/old-banner/archive").send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["archived"], true);
    let list = app.req(Method::GET, "/api/v1/projects/default/flags").send().await;
    assert!(list.body["items"].as_array().unwrap().is_empty());
    let list = app.req(Method::GET, "/api/v1/projects/default/flags?archived=true").send().await;
    assert_eq!(list.body["items"][0]["key"], "old-banner");
    // Archived flags are not in what SDKs receive.
    let env = app.state.store.get_environment("default", "production").await.unwrap();
    let snapshot = app.state.store.environment_snapshot(env.id).await.unwrap();
    assert!(snapshot.flags.is_empty());
    // Idempotent.
    let again = app.req(Method::POST, "/api/v1/projects/default/flags/old-banner/archive").send().await;
    assert_eq!(again.status, StatusCode::OK);
    let r = app.req(Method::POST, "/api/v1/projects/default/flags/old-banner/restore").send().await;
    assert_eq!(r.body["archived"], false);
    let snapshot = app.state.store.environment_snapshot(env.id).await.unwrap();
    assert_eq!(snapshot.flags.len(), 1);
}

async fn updating_variants_that_a_rule_uses_is_refused_with_409_naming_the_rule(app: TestApp) {
    let r = app
        .req(Method::POST, "/api/v1/projects/default/flags")
        .json(json!({"key": "theme", "kind": "string", "variants": [
            {"key": "light", "value": "light"}, {"key": "spare", "value": "spare"},
            {"key": "dark", "value": "dark"}, {"key": "blue", "value": "blue"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let c = app
        .req(Method::PUT, "/api/v1/projects/default/flags/theme/environments/staging")
        .if_match(1)
        .json(json!({"enabled": true, "off_variant": "light", "default": {"variant": "light"},
                     "rules": [{"id": "night-owls", "conditions": [{"attribute": "hour", "op": "gte", "values": [20]}],
                                "serve": {"variant": "dark"}}]}))
        .send()
        .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.body);
    let r = app
        .req(Method::PATCH, "/api/v1/projects/default/flags/theme")
        .if_match(1)
        .json(json!({"variants": [{"key": "light", "value": "light"}, {"key": "spare", "value": "spare"}, {"key": "blue", "value": "blue"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let dependents = r.body["dependents"].as_array().unwrap();
    assert!(
        dependents.iter().any(|d| d.as_str().unwrap().contains("staging")
            && d.as_str().unwrap().contains("/rules/0/serve/variant")),
        "{}",
        r.body
    );
    // New configurations turn off to the last variant, so removing it breaks them.
    let r = app
        .req(Method::PATCH, "/api/v1/projects/default/flags/theme")
        .if_match(1)
        .json(json!({"variants": [{"key": "light", "value": "light"}, {"key": "dark", "value": "dark"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // Staging now turns off to light; the other two environments still use blue.
    assert_eq!(r.body["dependents"].as_array().unwrap().len(), 2, "{}", r.body);
    // Removing an unused variant is fine.
    let r = app
        .req(Method::PATCH, "/api/v1/projects/default/flags/theme")
        .if_match(1)
        .json(json!({"variants": [{"key": "light", "value": "light"}, {"key": "dark", "value": "dark"}, {"key": "blue", "value": "blue"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.etag(), 2);
}

async fn updating_metadata_bumps_the_version_and_checks_if_match(app: TestApp) {
    app.create_flag("f").await;
    let r = app
        .req(Method::PATCH, "/api/v1/projects/default/flags/f")
        .if_match(1)
        .json(json!({"name": "Renamed", "tags": ["a", "b"], "description": "why"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["name"], "Renamed");
    assert_eq!(r.body["tags"], json!(["a", "b"]));
    let stale = app
        .req(Method::PATCH, "/api/v1/projects/default/flags/f")
        .if_match(1)
        .json(json!({"name": "x"}))
        .send()
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.body["current_version"], 2);
    let r = app
        .req(Method::PATCH, "/api/v1/projects/default/flags/f")
        .if_match(2)
        .json(json!({"kind": "string"}))
        .send()
        .await;
    // `kind` is read-only: accepted when unchanged (a GET body sent back), refused with
    // 422 at its pointer when it differs.
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "kind cannot change: {}", r.body);
    assert_eq!(r.body["errors"][0]["pointer"], "/kind");
}

async fn deleting_a_flag_that_is_a_prerequisite_returns_409(app: TestApp) {
    app.create_flag("base").await;
    app.create_flag("dependent").await;
    let c = app
        .req(Method::PUT, "/api/v1/projects/default/flags/dependent/environments/production")
        .if_match(1)
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                     "prerequisites": [{"flag": "base", "variant": "on"}]}))
        .send()
        .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.body);
    let r = app.req(Method::DELETE, "/api/v1/projects/default/flags/base").if_match(1).send().await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body["dependents"][0].as_str().unwrap().contains("dependent"), "{}", r.body);
    let r = app.req(Method::POST, "/api/v1/projects/default/flags/base/archive").send().await;
    assert_eq!(r.status, StatusCode::CONFLICT, "archiving a prerequisite is refused too: {}", r.body);
    let r = app.req(Method::DELETE, "/api/v1/projects/default/flags/dependent").if_match(1).send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app.req(Method::DELETE, "/api/v1/projects/default/flags/base").if_match(1).send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app.req(Method::GET, "/api/v1/projects/default/flags/base").send().await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn the_listed_update_time_of_a_flag_includes_its_configuration_saves(app: TestApp) {
    app.create_flag("f").await;
    let config = "/api/v1/projects/default/flags/f/environments/staging";
    let c = app.req(Method::GET, config).send().await;
    let saved = app
        .req(Method::PUT, config)
        .if_match(c.etag())
        .json(json!({"enabled": false, "off_variant": "on", "default": {"variant": "on"}}))
        .send()
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    // Date the definition back, so that the two times differ whatever the clock did.
    sqlx::query("update flag set updated_at = 1000").execute(app.state.store.pool()).await.unwrap();
    let listed = app.req(Method::GET, "/api/v1/projects/default/flags").send().await;
    let flag = &listed.body["items"][0];
    assert_eq!(flag["key"], "f");
    assert_eq!(flag["updated_at"], saved.body["updated_at"], "the save is the flag's last change");
    let toggled = app
        .req(Method::POST, "/api/v1/projects/default/flags/f/environments/production/toggle")
        .json(json!({"enabled": true}))
        .send()
        .await;
    sqlx::query("update flag set updated_at = 1000").execute(app.state.store.pool()).await.unwrap();
    let one = app.req(Method::GET, "/api/v1/projects/default/flags/f").send().await;
    assert_eq!(
        one.body["updated_at"], toggled.body["updated_at"],
        "a toggle is one too, on the flag's own page"
    );
    assert_eq!(one.etag(), 1, "the definition's version does not move");
}

async fn a_flags_list_carries_the_states_of_the_environments_it_names(app: TestApp) {
    app.create_flag("f").await;
    let toggled = app
        .req(Method::POST, "/api/v1/projects/default/flags/f/environments/production/toggle")
        .json(json!({"enabled": true}))
        .send()
        .await;
    assert_eq!(toggled.status, StatusCode::OK, "{}", toggled.body);
    sqlx::query("update flag set updated_at = 1000").execute(app.state.store.pool()).await.unwrap();
    let keys = |r: &crate::harness::Resp| -> Vec<String> {
        r.body["items"][0]["environments"].as_object().unwrap().keys().cloned().collect()
    };
    let all = app.req(Method::GET, "/api/v1/projects/default/flags").send().await;
    assert_eq!(keys(&all), ["development", "production", "staging"], "every environment by default");

    let two = app
        .req(Method::GET, "/api/v1/projects/default/flags?environments=production,%20staging")
        .send()
        .await;
    assert_eq!(two.status, StatusCode::OK, "{}", two.body);
    assert_eq!(keys(&two), ["production", "staging"]);
    assert_eq!(
        two.body["items"][0]["environments"]["production"],
        all.body["items"][0]["environments"]["production"]
    );
    assert_eq!(two.body["items"][0]["environments"]["production"]["enabled"], true);

    let staging = app.req(Method::GET, "/api/v1/projects/default/flags?environments=staging").send().await;
    assert_eq!(keys(&staging), ["staging"]);
    assert_eq!(
        staging.body["items"][0]["updated_at"], toggled.body["updated_at"],
        "the last change counts whichever environment it was in, listed or not"
    );

    let none = app.req(Method::GET, "/api/v1/projects/default/flags?environments=").send().await;
    assert_eq!(none.status, StatusCode::OK, "{}", none.body);
    assert!(keys(&none).is_empty(), "{}", none.body);
    assert_eq!(none.body["items"][0]["key"], "f");

    let unknown =
        app.req(Method::GET, "/api/v1/projects/default/flags?environments=staging,nowhere").send().await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    assert!(unknown.body["detail"].as_str().unwrap().contains("nowhere"), "{}", unknown.body);
    let gap =
        app.req(Method::GET, "/api/v1/projects/default/flags?environments=staging,,production").send().await;
    assert_eq!(gap.status, StatusCode::BAD_REQUEST, "{}", gap.body);
    let many = (0..101).map(|i| format!("e{i}")).collect::<Vec<_>>().join(",");
    let many =
        app.req(Method::GET, &format!("/api/v1/projects/default/flags?environments={many}")).send().await;
    assert_eq!(many.status, StatusCode::BAD_REQUEST, "{}", many.body);
}
