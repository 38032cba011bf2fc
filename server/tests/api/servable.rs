//! No write can leave a project in a state that does not compile for serving: archived
//! flags count too (restoring one must never publish something broken), and every
//! limit the compiler enforces is checked when the object is written.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::TestApp;
use crate::sdk::{config_at_least, env_version, sdk_key};

crate::on_both_databases!(
    deleting_a_segment_an_archived_flag_uses_is_refused_naming_the_flag,
    deleting_a_flag_an_archived_flag_requires_is_refused,
    restoring_a_flag_whose_prerequisite_is_archived_is_refused,
    restoring_a_flag_that_would_make_a_prerequisite_chain_too_deep_is_refused,
    changing_variants_of_an_archived_flag_checks_its_configurations,
    changing_variants_an_archived_flag_requires_is_refused,
    creating_a_flag_beyond_the_flag_limit_is_refused_with_422,
    restoring_a_flag_beyond_the_flag_limit_is_refused_with_422,
    creating_a_segment_beyond_the_segment_limit_is_refused_with_422,
    every_environment_still_serves_after_refused_writes,
    the_largest_flag_the_limits_allow_fits_the_default_body_limit,
    a_configuration_of_a_thousand_expensive_regexes_is_refused_naming_the_limit,
    regexes_are_bounded_per_environment_across_configurations_and_segments,
    a_stored_flag_that_cannot_compile_is_an_error_while_the_rest_is_served,
    a_key_that_is_part_of_another_is_not_taken_for_it,
    an_archived_flag_requiring_an_archived_flag_can_change_its_variants,
    a_new_environment_gets_every_flag_and_a_flag_reaches_every_environment,
    the_active_flag_count_follows_creates_archives_restores_and_deletes,
);

const P: &str = "/api/v1/projects/default";

async fn segment(app: &TestApp, key: &str) {
    let r = app
        .req(Method::POST, &format!("{P}/segments"))
        .json(json!({"key": key, "included": ["u1"]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

async fn put_config(app: &TestApp, flag: &str, env: &str, config: Value) {
    let path = format!("{P}/flags/{flag}/environments/{env}");
    let current = app.req(Method::GET, &path).send().await;
    let r = app.req(Method::PUT, &path).if_match(current.etag()).json(config).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn archive(app: &TestApp, flag: &str) -> StatusCode {
    app.req(Method::POST, &format!("{P}/flags/{flag}/archive")).send().await.status
}

async fn restore(app: &TestApp, flag: &str) -> crate::harness::Resp {
    app.req(Method::POST, &format!("{P}/flags/{flag}/restore")).send().await
}

fn segment_rule(segment: &str) -> Value {
    json!({"enabled": true, "off_variant": "off", "default": {"variant": "off"},
           "rules": [{"id": "beta", "conditions": [{"attribute": "key", "op": "in_segment", "values": [segment]}],
                      "serve": {"variant": "on"}}]})
}

fn requiring(flag: &str) -> Value {
    json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
           "prerequisites": [{"flag": flag, "variant": "on"}]})
}

/// The example of the report: archive `checkout` (rule `in_segment beta`), delete
/// `beta`, restore `checkout`. The delete must refuse, naming the archived flag, and
/// every environment must keep serving.
async fn deleting_a_segment_an_archived_flag_uses_is_refused_naming_the_flag(app: TestApp) {
    segment(&app, "beta").await;
    app.create_flag("checkout").await;
    put_config(&app, "checkout", "production", segment_rule("beta")).await;
    assert_eq!(archive(&app, "checkout").await, StatusCode::OK);
    let r = app.req(Method::DELETE, &format!("{P}/segments/beta")).header("if-match", "*").send().await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let dependents = r.body["dependents"].to_string();
    assert!(dependents.contains("checkout") && dependents.contains("archived"), "{dependents}");
    let r = restore(&app, "checkout").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let key = sdk_key(&app, "production", "server").await;
    let served = config_at_least(&app, &key, env_version(&app, "production").await).await;
    assert!(served["flags"].as_array().unwrap().iter().any(|f| f["key"] == "checkout"), "{served}");
}

async fn deleting_a_flag_an_archived_flag_requires_is_refused(app: TestApp) {
    app.create_flag("base").await;
    app.create_flag("feature").await;
    put_config(&app, "feature", "staging", requiring("base")).await;
    assert_eq!(archive(&app, "feature").await, StatusCode::OK);
    // Archiving `base` is fine: `feature` is archived too, and its restore checks.
    assert_eq!(archive(&app, "base").await, StatusCode::OK);
    let r = app.req(Method::DELETE, &format!("{P}/flags/base")).header("if-match", "*").send().await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body["dependents"].to_string().contains("feature"), "{}", r.body);
}

async fn restoring_a_flag_whose_prerequisite_is_archived_is_refused(app: TestApp) {
    app.create_flag("base").await;
    app.create_flag("feature").await;
    put_config(&app, "feature", "staging", requiring("base")).await;
    assert_eq!(archive(&app, "feature").await, StatusCode::OK);
    assert_eq!(archive(&app, "base").await, StatusCode::OK);
    let r = restore(&app, "feature").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.text.contains("base"), "{}", r.body);
    // Restoring in dependency order works.
    assert_eq!(restore(&app, "base").await.status, StatusCode::OK);
    assert_eq!(restore(&app, "feature").await.status, StatusCode::OK);
}

async fn restoring_a_flag_that_would_make_a_prerequisite_chain_too_deep_is_refused(app: TestApp) {
    // f0 <- f1 <- ... <- f10: f10's chain is 10 flags deep, the limit. An archived
    // `top` requiring f10 would make it 11.
    for i in 0..=10 {
        app.create_flag(&format!("f{i}")).await;
    }
    app.create_flag("top").await;
    put_config(&app, "top", "development", requiring("f10")).await;
    assert_eq!(archive(&app, "top").await, StatusCode::OK);
    for i in 1..=10 {
        put_config(&app, &format!("f{i}"), "development", requiring(&format!("f{}", i - 1))).await;
    }
    let r = restore(&app, "top").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.text.contains("deep"), "{}", r.body);
}

async fn changing_variants_of_an_archived_flag_checks_its_configurations(app: TestApp) {
    app.create_flag("checkout").await;
    put_config(
        &app,
        "checkout",
        "production",
        json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"}}),
    )
    .await;
    assert_eq!(archive(&app, "checkout").await, StatusCode::OK);
    let flag = app.req(Method::GET, &format!("{P}/flags/checkout")).send().await;
    let r = app
        .req(Method::PATCH, &format!("{P}/flags/checkout"))
        .if_match(flag.etag())
        .json(json!({"variants": [{"key": "off", "value": false}, {"key": "yes", "value": true}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body["dependents"].to_string().contains("production"), "{}", r.body);
}

async fn changing_variants_an_archived_flag_requires_is_refused(app: TestApp) {
    app.create_flag("base").await;
    app.create_flag("feature").await;
    put_config(&app, "feature", "staging", requiring("base")).await;
    assert_eq!(archive(&app, "feature").await, StatusCode::OK);
    let flag = app.req(Method::GET, &format!("{P}/flags/base")).send().await;
    let r = app
        .req(Method::PATCH, &format!("{P}/flags/base"))
        .if_match(flag.etag())
        .json(json!({"variants": [{"key": "yes", "value": true}, {"key": "off", "value": false}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body["dependents"].to_string().contains("feature"), "{}", r.body);
}

/// Fills the default project with `n` active flags straight in the database (the API
/// would take minutes for 10 000), with a configuration in every environment.
async fn insert_flags(app: &TestApp, n: usize) {
    let pool = app.state.store.pool();
    let project: i64 =
        sqlx::query_scalar("select id from project where key = 'default'").fetch_one(pool).await.unwrap();
    let envs: Vec<i64> = sqlx::query_scalar("select id from environment where project_id = $1")
        .bind(project)
        .fetch_all(pool)
        .await
        .unwrap();
    let config = r#"{"enabled":false,"off_variant":"off","targets":[],"rules":[],"default":{"variant":"on"},"prerequisites":[]}"#;
    let variants = r#"[{"key":"on","value":true},{"key":"off","value":false}]"#;
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let mut sql = String::from(
            "insert into flag (project_id, key, name, description, kind, variants, lifecycle, salt, client_visible, version, created_at, updated_at) values ",
        );
        sql.push_str(
            &chunk
                .iter()
                .map(|i| format!("({project}, 'bulk-{i}', 'bulk-{i}', '', 'boolean', '{variants}', 'temporary', 'salt{i}', 0, 1, 0, 0)"))
                .collect::<Vec<_>>()
                .join(","),
        );
        sqlx::query(&sql).execute(pool).await.unwrap();
    }
    // As the store's write path keeps it.
    sqlx::query("update project set active_flags = active_flags + $1 where id = $2")
        .bind(n as i64)
        .bind(project)
        .execute(pool)
        .await
        .unwrap();
    for env in envs {
        sqlx::query(&format!(
            "insert into flag_config (flag_id, environment_id, config, enabled, version, updated_at)
             select id, {env}, '{config}', 0, 1, 0 from flag where project_id = {project} and key like 'bulk-%'"
        ))
        .execute(pool)
        .await
        .unwrap();
    }
}

fn names_the_limit(body: &Value, limit: &str) {
    assert!(body.to_string().contains(limit), "the problem should name the limit {limit}: {body}");
}

async fn creating_a_flag_beyond_the_flag_limit_is_refused_with_422(app: TestApp) {
    insert_flags(&app, vexil_core::limits::MAX_FLAGS - 1).await;
    app.create_flag("the-last-one").await;
    let r = app
        .req(Method::POST, &format!("{P}/flags"))
        .json(json!({"key": "one-too-many", "kind": "boolean"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    names_the_limit(&r.body, &vexil_core::limits::MAX_FLAGS.to_string());
    // The environment still serves, and a kill switch still reaches it.
    let key = sdk_key(&app, "production", "server").await;
    let t = app
        .req(Method::POST, &format!("{P}/flags/the-last-one/environments/production/toggle"))
        .json(json!({"enabled": true}))
        .send()
        .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
    let served = config_at_least(&app, &key, env_version(&app, "production").await).await;
    assert_eq!(served["flags"].as_array().unwrap().len(), vexil_core::limits::MAX_FLAGS);
}

async fn restoring_a_flag_beyond_the_flag_limit_is_refused_with_422(app: TestApp) {
    app.create_flag("archived-one").await;
    assert_eq!(archive(&app, "archived-one").await, StatusCode::OK);
    insert_flags(&app, vexil_core::limits::MAX_FLAGS).await;
    let r = restore(&app, "archived-one").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    names_the_limit(&r.body, &vexil_core::limits::MAX_FLAGS.to_string());
}

async fn creating_a_segment_beyond_the_segment_limit_is_refused_with_422(app: TestApp) {
    let pool = app.state.store.pool();
    let project: i64 =
        sqlx::query_scalar("select id from project where key = 'default'").fetch_one(pool).await.unwrap();
    let values = (0..vexil_core::limits::MAX_SEGMENTS)
        .map(|i| {
            format!(
                "({project}, 'seg-{i}', 'seg-{i}', '', '{{\"included\":[],\"excluded\":[],\"rules\":[]}}', 1, 0, 0)"
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    sqlx::query(&format!(
        "insert into segment (project_id, key, name, description, definition, version, created_at, updated_at) values {values}"
    ))
    .execute(pool)
    .await
    .unwrap();
    let r = app.req(Method::POST, &format!("{P}/segments")).json(json!({"key": "one-too-many"})).send().await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    names_the_limit(&r.body, "1000");
}

/// After every refused write above, the environments still compile: what the SDK
/// endpoint serves is the database's state, and a toggle reaches it.
async fn every_environment_still_serves_after_refused_writes(app: TestApp) {
    segment(&app, "beta").await;
    app.create_flag("checkout").await;
    app.create_flag("other").await;
    put_config(&app, "checkout", "production", segment_rule("beta")).await;
    assert_eq!(archive(&app, "checkout").await, StatusCode::OK);
    let r = app.req(Method::DELETE, &format!("{P}/segments/beta")).header("if-match", "*").send().await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(restore(&app, "checkout").await.status, StatusCode::OK);
    let key = sdk_key(&app, "production", "server").await;
    let t = app
        .req(Method::POST, &format!("{P}/flags/other/environments/production/toggle"))
        .json(json!({"enabled": true}))
        .send()
        .await;
    assert_eq!(t.status, StatusCode::OK);
    let served = config_at_least(&app, &key, env_version(&app, "production").await).await;
    let other = served["flags"].as_array().unwrap().iter().find(|f| f["key"] == "other").unwrap();
    assert_eq!(other["config"]["enabled"], true);
}

/// The body limit and the flag limits agree: the largest definition the limits allow
/// (100 variants of 64 KiB JSON, with the longest names and descriptions) is accepted
/// by a server started with its defaults.
async fn the_largest_flag_the_limits_allow_fits_the_default_body_limit(app: TestApp) {
    use vexil_core::limits::{MAX_DESCRIPTION_LEN, MAX_NAME_LEN, MAX_VARIANTS};
    let variants: Vec<Value> = (0..MAX_VARIANTS)
        .map(|i| {
            json!({
                "key": format!("v{i}"),
                "value": largest_value(),
                "name": "n".repeat(MAX_NAME_LEN),
                "description": "d".repeat(MAX_DESCRIPTION_LEN),
            })
        })
        .collect();
    let r = app
        .req(Method::POST, &format!("{P}/flags"))
        .json(json!({"key": "huge", "kind": "json", "variants": variants,
                     "description": "d".repeat(MAX_DESCRIPTION_LEN), "name": "n".repeat(MAX_NAME_LEN)}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text.chars().take(500).collect::<String>());
}

/// A JSON object of strings whose serialised size is as close to the variant value
/// limit as the string limit allows.
fn largest_value() -> Value {
    use vexil_core::limits::{MAX_STRING_LEN, MAX_VARIANT_VALUE_BYTES};
    let mut object = serde_json::Map::new();
    let mut i = 0;
    loop {
        let mut next = object.clone();
        next.insert(format!("k{i}"), json!("x".repeat(MAX_STRING_LEN)));
        if serde_json::to_vec(&next).unwrap().len() > MAX_VARIANT_VALUE_BYTES {
            let room = MAX_VARIANT_VALUE_BYTES - serde_json::to_vec(&object).unwrap().len();
            if room > 10 {
                object.insert(format!("k{i}"), json!("x".repeat(room - 10)));
            }
            assert!(serde_json::to_vec(&object).unwrap().len() <= MAX_VARIANT_VALUE_BYTES);
            return Value::Object(object);
        }
        object = next;
        i += 1;
    }
}

fn expensive_rule(id: &str, patterns: std::ops::Range<usize>) -> Value {
    let conditions: Vec<Value> = patterns
        .map(|i| json!({"attribute": "name", "op": "matches", "values": [format!("\\w{{20}}-{i}")]}))
        .collect();
    json!({"id": id, "conditions": conditions, "serve": {"variant": "on"}})
}

/// The report's example: 1 000 conditions like `\w{20}` took 29-47 s to save in a debug
/// build while blocking the server. Now the document's compiled-regex budget refuses it,
/// naming the limit, after compiling only what fits in the budget.
async fn a_configuration_of_a_thousand_expensive_regexes_is_refused_naming_the_limit(app: TestApp) {
    app.create_flag("checkout").await;
    let rules: Vec<Value> = (0..20).map(|r| expensive_rule(&format!("r{r}"), r * 50..r * 50 + 50)).collect();
    let path = format!("{P}/flags/checkout/environments/production");
    let r = app
        .req(Method::PUT, &path)
        .header("if-match", "*")
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "off"}, "rules": rules}))
        .send()
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        r.text.chars().take(400).collect::<String>()
    );
    names_the_limit(&r.body, "MAX_REGEX_BYTES_PER_DOCUMENT");
}

/// Each document stays under its budget, but together they would make one environment
/// compile more than the environment's budget: the write that crosses it is refused.
async fn regexes_are_bounded_per_environment_across_configurations_and_segments(app: TestApp) {
    use vexil_core::limits::{MAX_REGEX_BYTES_PER_DOCUMENT, MAX_REGEX_BYTES_PER_ENVIRONMENT};
    // As many patterns as fit in one document's budget (the same patterns everywhere:
    // the server compiles each once).
    let one = vexil_core::validate::regex_bytes_of_segment(
        &serde_json::from_value(
            json!({"key": "s", "rules": [{"conditions": expensive_rule("x", 0..1)["conditions"]}]}),
        )
        .unwrap(),
    );
    let per_document = MAX_REGEX_BYTES_PER_DOCUMENT / one;
    let documents = MAX_REGEX_BYTES_PER_ENVIRONMENT / (per_document * one) + 1;
    let config = json!({"enabled": true, "off_variant": "off", "default": {"variant": "off"},
                        "rules": [expensive_rule("r", 0..per_document)]});
    let mut refused = None;
    for i in 0..documents {
        let flag = format!("f{i}");
        app.create_flag(&flag).await;
        let path = format!("{P}/flags/{flag}/environments/production");
        let r = app.req(Method::PUT, &path).header("if-match", "*").json(config.clone()).send().await;
        if r.status != StatusCode::OK {
            refused = Some((i, r));
            break;
        }
    }
    let (i, r) = refused.expect("the environment's budget refuses a write");
    assert_eq!(i, documents - 1, "refused only when crossing the environment's budget");
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    names_the_limit(&r.body, "MAX_REGEX_BYTES_PER_ENVIRONMENT");
    // Another environment is not affected; a segment counts in every environment.
    let staging = format!("{P}/flags/f0/environments/staging");
    let r = app.req(Method::PUT, &staging).header("if-match", "*").json(config.clone()).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .req(Method::POST, &format!("{P}/segments"))
        .json(json!({"key": "expensive", "rules": [{"conditions": expensive_rule("s", 0..per_document)["conditions"]}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    names_the_limit(&r.body, "MAX_REGEX_BYTES_PER_ENVIRONMENT");
}

/// Defence in depth: a configuration that got into the database without the write path
/// (a manual edit, a restore of an old backup) cannot freeze its environment. The flag
/// evaluates to an error, everything else is served, a kill switch on another flag
/// still propagates, and `/readyz` names what is degraded.
async fn a_stored_flag_that_cannot_compile_is_an_error_while_the_rest_is_served(app: TestApp) {
    app.create_flag("broken").await;
    app.create_flag("other").await;
    let bad = r#"{"enabled":true,"off_variant":"off","targets":[],"rules":[{"id":"r","conditions":[{"attribute":"key","op":"in_segment","values":["ghost"]}],"serve":{"variant":"on"}}],"default":{"variant":"off"},"prerequisites":[]}"#;
    let updated = sqlx::query(
        "update flag_config set config = $1 where flag_id = (select id from flag where key = 'broken')
           and environment_id = (select id from environment where key = 'production')",
    )
    .bind(bad)
    .execute(app.state.store.pool())
    .await
    .unwrap();
    assert_eq!(updated.rows_affected(), 1);

    let key = sdk_key(&app, "production", "server").await;
    let served = config_at_least(&app, &key, env_version(&app, "production").await).await;
    assert_eq!(served["flags"].as_array().unwrap().len(), 2, "{served}");
    let ofrep = |flag: &'static str| {
        app.call(Method::POST, &format!("/ofrep/v1/evaluate/flags/{flag}"))
            .token(&key)
            .json(json!({"context": {"targetingKey": "u1"}}))
            .send()
    };
    let r = ofrep("broken").await;
    assert!(r.body["errorCode"].is_string(), "the broken flag answers an error: {}", r.body);
    let r = ofrep("other").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["value"], false);

    let t = app
        .req(Method::POST, &format!("{P}/flags/other/environments/production/toggle"))
        .json(json!({"enabled": true}))
        .send()
        .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
    let served = config_at_least(&app, &key, env_version(&app, "production").await).await;
    let other = served["flags"].as_array().unwrap().iter().find(|f| f["key"] == "other").unwrap();
    assert_eq!(other["config"]["enabled"], true, "the kill switch propagated");
    assert_eq!(ofrep("other").await.body["value"], true);

    let ready = app.call(Method::GET, "/readyz").send().await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.body["status"], "degraded", "{}", ready.body);
    let degraded = ready.body["degraded"].to_string();
    assert!(degraded.contains("broken") && degraded.contains("production"), "{degraded}");
}

/// Removals and variant changes look only at the configurations whose text names the
/// key, then look inside them: a key that is part of a longer one (or holds a LIKE
/// wildcard) must neither block a removal nor hide a real dependent.
async fn a_key_that_is_part_of_another_is_not_taken_for_it(app: TestApp) {
    app.create_flag("beta").await;
    app.create_flag("beta_2").await;
    app.create_flag("betax2").await;
    app.create_flag("feature").await;
    segment(&app, "seg").await;
    segment(&app, "seg-wide").await;
    put_config(&app, "feature", "staging", requiring("beta_2")).await;
    put_config(&app, "feature", "production", segment_rule("seg-wide")).await;
    // `betax2` matches the LIKE pattern of `beta_2` (`_` is a wildcard) and names nothing.
    let r = app.req(Method::DELETE, &format!("{P}/flags/betax2")).header("if-match", "*").send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = app.req(Method::DELETE, &format!("{P}/flags/beta")).header("if-match", "*").send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = app.req(Method::DELETE, &format!("{P}/segments/seg")).header("if-match", "*").send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    // The real dependents are still found.
    let r = app.req(Method::DELETE, &format!("{P}/flags/beta_2")).header("if-match", "*").send().await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body["dependents"].to_string().contains("feature"), "{}", r.body);
    let r = app.req(Method::DELETE, &format!("{P}/segments/seg-wide")).header("if-match", "*").send().await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body["dependents"].to_string().contains("feature"), "{}", r.body);
    let r = app
        .req(Method::PATCH, &format!("{P}/flags/beta_2"))
        .header("if-match", "*")
        .json(json!({"variants": [{"key": "yes", "value": true}, {"key": "no", "value": false}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body["dependents"].to_string().contains("feature"), "{}", r.body);
}

/// A new environment gets a configuration for every flag (written a few hundred rows
/// per statement), and a new flag (one statement for every environment's feed row)
/// reaches every environment's SDKs.
async fn a_new_environment_gets_every_flag_and_a_flag_reaches_every_environment(app: TestApp) {
    insert_flags(&app, 1_203).await;
    let r = app.req(Method::POST, &format!("{P}/environments")).json(json!({"key": "qa"})).send().await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let key = sdk_key(&app, "qa", "server").await;
    let served = config_at_least(&app, &key, env_version(&app, "qa").await).await;
    let flags = served["flags"].as_array().unwrap();
    assert_eq!(flags.len(), 1_203);
    assert!(flags.iter().all(|f| f["config"]["enabled"] == false && f["config"]["off_variant"] == "off"));

    let envs: Vec<String> = app.req(Method::GET, &format!("{P}/environments")).send().await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap().to_owned())
        .collect();
    assert!(envs.len() >= 3, "{envs:?}");
    let mut before = Vec::new();
    for env in &envs {
        before.push(env_version(&app, env).await);
    }
    app.create_flag("everywhere").await;
    for (env, version) in envs.iter().zip(before) {
        assert_eq!(env_version(&app, env).await, version + 1, "{env}");
        let key = sdk_key(&app, env, "server").await;
        let served = config_at_least(&app, &key, version + 1).await;
        assert!(served["flags"].as_array().unwrap().iter().any(|f| f["key"] == "everywhere"), "{env}");
    }
    let r = app.req(Method::DELETE, &format!("{P}/flags/everywhere")).header("if-match", "*").send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let served = config_at_least(&app, &key, env_version(&app, "qa").await).await;
    assert!(!served["flags"].as_array().unwrap().iter().any(|f| f["key"] == "everywhere"));
}

/// The flag limit is checked against `project.active_flags`, which the write path keeps:
/// after every kind of write it equals a count of the rows.
async fn the_active_flag_count_follows_creates_archives_restores_and_deletes(app: TestApp) {
    let pool = app.state.store.pool().clone();
    let check = || async {
        let kept: i64 = sqlx::query_scalar("select active_flags from project where key = 'default'")
            .fetch_one(&pool)
            .await
            .unwrap();
        let counted: i64 = sqlx::query_scalar(
            "select count(*) from flag f join project p on p.id = f.project_id
             where p.key = 'default' and f.archived_at is null",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(kept, counted);
        kept
    };
    let start = check().await;
    for key in ["a", "b", "c"] {
        app.create_flag(key).await;
    }
    assert_eq!(check().await, start + 3);
    assert_eq!(archive(&app, "a").await, StatusCode::OK);
    assert_eq!(archive(&app, "a").await, StatusCode::OK, "archiving twice changes nothing");
    assert_eq!(check().await, start + 2);
    let r = app.req(Method::DELETE, &format!("{P}/flags/a")).header("if-match", "*").send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "deleting an archived flag");
    let r = app.req(Method::DELETE, &format!("{P}/flags/b")).header("if-match", "*").send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "deleting an active flag");
    assert_eq!(check().await, start + 1);
    assert_eq!(archive(&app, "c").await, StatusCode::OK);
    assert_eq!(restore(&app, "c").await.status, StatusCode::OK);
    assert_eq!(restore(&app, "c").await.status, StatusCode::OK, "restoring twice changes nothing");
    assert_eq!(check().await, start + 1);
    let r = app
        .req(Method::POST, &format!("{P}/flags"))
        .json(json!({"key": "c", "kind": "boolean"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a taken key adds nothing: {}", r.body);
    assert_eq!(check().await, start + 1);
}

/// An archived flag's configurations are held to the whole project, archived flags
/// included (as the full check holds them): one that requires another archived flag can
/// still change its variants, and both restore in dependency order.
async fn an_archived_flag_requiring_an_archived_flag_can_change_its_variants(app: TestApp) {
    app.create_flag("base").await;
    app.create_flag("feature").await;
    put_config(&app, "feature", "staging", requiring("base")).await;
    assert_eq!(archive(&app, "feature").await, StatusCode::OK);
    assert_eq!(archive(&app, "base").await, StatusCode::OK);
    let flag = app.req(Method::GET, &format!("{P}/flags/feature")).send().await;
    let r = app
        .req(Method::PATCH, &format!("{P}/flags/feature"))
        .if_match(flag.etag())
        .json(json!({"variants": [{"key": "on", "value": true}, {"key": "off", "value": false}, {"key": "more", "value": true}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(restore(&app, "base").await.status, StatusCode::OK);
    assert_eq!(restore(&app, "feature").await.status, StatusCode::OK);
}
