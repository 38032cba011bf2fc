use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use vexil_core::{CompiledSnapshot, Context};

use crate::harness::TestApp;

crate::on_both_databases!(
    replacing_a_configuration_validates_it_and_bumps_the_environment_version,
    every_change_is_recorded_in_the_change_feed_in_order,
    toggle_needs_no_if_match_and_setting_the_same_state_changes_nothing,
    a_prerequisite_cycle_is_refused_with_409_naming_the_cycle,
    a_new_prerequisite_is_checked_against_the_whole_chain_through_its_flag,
    the_prerequisite_edges_follow_every_configuration_write_and_the_migration_rebuilds_them,
    a_refused_write_leaves_no_trace,
    rules_without_ids_get_stable_generated_ids,
    editing_rollout_weights_keeps_everyone_whose_variant_did_not_lose_share,
    a_rule_rollout_keeps_its_layout_wherever_the_rule_moves,
    a_configuration_sent_back_as_read_keeps_every_layout,
    layout_exact_stores_weights_as_sent_and_bounds_their_number,
    a_dry_run_answers_what_a_write_would_store_and_who_moves_and_stores_nothing,
);

const PROD: &str = "/api/v1/projects/default/flags/f/environments/production";

async fn replacing_a_configuration_validates_it_and_bumps_the_environment_version(app: TestApp) {
    app.create_flag("f").await;
    let env = app.state.store.get_environment("default", "production").await.unwrap();
    let r = app
        .req(Method::PUT, PROD)
        .if_match(1)
        .json(json!({"enabled": true, "off_variant": "off",
            "targets": [{"variant": "on", "keys": ["alice"]}],
            "rules": [{"id": "de", "conditions": [{"attribute": "country", "op": "in", "values": ["DE"]},
                                                   {"attribute": "version", "op": "semver_gte", "values": ["2.0.0"]}],
                       "serve": {"rollout": {"weights": [{"variant": "on", "weight": 30000}, {"variant": "off", "weight": 70000}]}}}],
            "default": {"variant": "off"}}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.etag(), 2);
    assert_eq!(r.body["rules"][0]["serve"]["rollout"]["weights"][0]["weight"], 30000);
    let after = app.state.store.get_environment("default", "production").await.unwrap();
    assert_eq!(after.snapshot_version, env.snapshot_version + 1);
    let got = app.req(Method::GET, PROD).send().await;
    assert_eq!(got.etag(), 2);
    assert_eq!(got.body["targets"], json!([{"variant": "on", "keys": ["alice"]}]));

    let bad = app
        .req(Method::PUT, PROD)
        .if_match(2)
        .json(json!({"enabled": true, "off_variant": "nope", "default": {"rollout": {"weights": [{"variant": "on", "weight": 5}]}},
                     "rules": [{"id": "r", "conditions": [{"attribute": "v", "op": "semver_gt", "values": ["x"]}], "serve": {"variant": "on"}}]}))
        .send()
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let pointers: Vec<&str> =
        bad.body["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect();
    assert_eq!(
        pointers,
        ["/off_variant", "/rules/0/conditions/0/values/0", "/default/rollout/weights"],
        "{}",
        bad.body
    );
    let unknown_op = app
        .req(Method::PUT, PROD)
        .if_match(2)
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                     "rules": [{"id": "r", "conditions": [{"attribute": "v", "op": "sounds_like", "values": ["x"]}], "serve": {"variant": "on"}}]}))
        .send()
        .await;
    assert_eq!(unknown_op.status, StatusCode::BAD_REQUEST, "{}", unknown_op.body);
    assert_eq!(unknown_op.body["errors"][0]["pointer"], "/rules/0/conditions/0/op");
    let unknown_segment = app
        .req(Method::PUT, PROD)
        .if_match(2)
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                     "rules": [{"id": "r", "conditions": [{"op": "in_segment", "values": ["ghosts"]}], "serve": {"variant": "on"}}]}))
        .send()
        .await;
    assert_eq!(unknown_segment.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown_segment.body["errors"][0]["pointer"], "/rules/0/conditions/0/values/0");
}

async fn every_change_is_recorded_in_the_change_feed_in_order(app: TestApp) {
    let env = app.state.store.get_environment("default", "production").await.unwrap();
    let start = env.snapshot_version;
    app.create_flag("f").await;
    app.req(Method::POST, &format!("{PROD}/toggle")).json(json!({"enabled": true})).send().await;
    app.req(Method::POST, "/api/v1/projects/default/segments")
        .json(json!({"key": "beta", "included": ["u1"]}))
        .send()
        .await;
    app.req(Method::POST, "/api/v1/projects/default/flags/f/archive").send().await;
    let changes = app.state.store.changes_since(env.id, start, 100).await.unwrap();
    let summary: Vec<(i64, &str, &str)> =
        changes.iter().map(|c| (c.version - start, c.kind.event_name(), c.key.as_str())).collect();
    assert_eq!(
        summary,
        [(1, "flag", "f"), (2, "flag", "f"), (3, "segment", "beta"), (4, "flag_deleted", "f")]
    );
    let payload: serde_json::Value = serde_json::from_str(changes[1].payload.as_deref().unwrap()).unwrap();
    assert_eq!(payload["config"]["enabled"], true, "the payload is the flag as SDKs see it");
    assert_eq!(payload["key"], "f");
    assert!(changes[3].payload.is_none());
    let snapshot = app.state.store.environment_snapshot(env.id).await.unwrap();
    assert_eq!(snapshot.version as i64, start + 4);
}

async fn toggle_needs_no_if_match_and_setting_the_same_state_changes_nothing(app: TestApp) {
    app.create_flag("f").await;
    let on = app.req(Method::POST, &format!("{PROD}/toggle")).json(json!({"enabled": true})).send().await;
    assert_eq!(on.status, StatusCode::OK);
    assert_eq!(on.etag(), 2);
    let again = app.req(Method::POST, &format!("{PROD}/toggle")).json(json!({"enabled": true})).send().await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.etag(), 2, "no new version for the same state");
    let off = app.req(Method::POST, &format!("{PROD}/toggle")).json(json!({"enabled": false})).send().await;
    assert_eq!(off.body["enabled"], false);
    assert_eq!(off.etag(), 3);
    let bad = app.req(Method::POST, &format!("{PROD}/toggle")).json(json!({"enabled": "yes"})).send().await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let missing = app
        .req(Method::POST, "/api/v1/projects/default/flags/nope/environments/production/toggle")
        .json(json!({"enabled": true}))
        .send()
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn a_prerequisite_cycle_is_refused_with_409_naming_the_cycle(app: TestApp) {
    app.create_flag("a").await;
    app.create_flag("b").await;
    let set = |flag: &str, pre: &str| {
        app.req(Method::PUT, &format!("/api/v1/projects/default/flags/{flag}/environments/production"))
            .header("if-match", "*")
            .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                         "prerequisites": [{"flag": pre, "variant": "on"}]}))
            .send()
    };
    assert_eq!(set("a", "b").await.status, StatusCode::OK);
    let r = set("b", "a").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let detail = r.body["detail"].as_str().unwrap();
    assert!(detail.contains("cycle") && detail.contains("a") && detail.contains("b"), "{detail}");
    // The same prerequisite in another environment is fine: cycles are per environment.
    let r = app
        .req(Method::PUT, "/api/v1/projects/default/flags/b/environments/staging")
        .header("if-match", "*")
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                     "prerequisites": [{"flag": "a", "variant": "on"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn a_new_prerequisite_is_checked_against_the_whole_chain_through_its_flag(app: TestApp) {
    // A write reads only the flags its prerequisites reach and those that reach it, so
    // both halves must be there: above u5 hang 5 flags (u0 <- ... <- u5) and below d0
    // hang 5 more (d0 -> ... -> d5), so u5 -> d0 makes a chain of 11, one over the
    // limit, which neither half shows on its own.
    let set = |flag: String, pre: Option<String>| {
        let prerequisites: Vec<Value> = pre.iter().map(|p| json!({"flag": p, "variant": "on"})).collect();
        app.req(Method::PUT, &format!("/api/v1/projects/default/flags/{flag}/environments/production"))
            .header("if-match", "*")
            .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                         "prerequisites": prerequisites}))
            .send()
    };
    for side in ["u", "d"] {
        for i in 0..=5 {
            app.create_flag(&format!("{side}{i}")).await;
        }
        for i in 0..5 {
            let r = set(format!("{side}{i}"), Some(format!("{side}{}", i + 1))).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
    }
    // Flags outside the chain, one of them requiring u0, are no part of it.
    app.create_flag("elsewhere").await;
    assert_eq!(set("elsewhere".into(), Some("d5".into())).await.status, StatusCode::OK);
    let r = set("u5".into(), Some("d0".into())).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let detail = r.body["detail"].as_str().unwrap();
    assert!(detail.contains("deep"), "{detail}");
    // One flag shorter is within the limit: u0 no longer requires u1.
    assert_eq!(set("u0".into(), None).await.status, StatusCode::OK);
    let r = set("u5".into(), Some("d0".into())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A cycle through several flags, closed by the flag that is written: d5 -> u1,
    // which reaches d5 through u5 and d0.
    let r = set("d5".into(), Some("u1".into())).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let detail = r.body["detail"].as_str().unwrap();
    assert!(detail.contains("cycle") && detail.contains("d5") && detail.contains("u1"), "{detail}");
}

/// The `flag_prerequisite` rows, as (flag, environment, prerequisite), sorted.
async fn prerequisite_edges(app: &TestApp) -> Vec<(String, String, String)> {
    let mut rows: Vec<(String, String, String)> = sqlx::query_as(
        "select f.key, e.key, p.prerequisite from flag_prerequisite p
         join flag f on f.id = p.flag_id join environment e on e.id = p.environment_id",
    )
    .fetch_all(app.state.store.pool())
    .await
    .unwrap();
    rows.sort();
    rows
}

/// The same, read from the configurations through the API.
async fn prerequisites_configured(app: &TestApp, flags: &[&str]) -> Vec<(String, String, String)> {
    let mut rows = Vec::new();
    for env in ["development", "staging", "production", "qa"] {
        for flag in flags {
            let r = app
                .req(Method::GET, &format!("/api/v1/projects/default/flags/{flag}/environments/{env}"))
                .send()
                .await;
            if r.status == StatusCode::NOT_FOUND {
                continue;
            }
            for p in r.body["prerequisites"].as_array().unwrap() {
                rows.push(((*flag).to_owned(), env.to_owned(), p["flag"].as_str().unwrap().to_owned()));
            }
        }
    }
    rows.sort();
    rows
}

async fn the_prerequisite_edges_follow_every_configuration_write_and_the_migration_rebuilds_them(
    app: TestApp,
) {
    for f in ["a", "b", "c"] {
        app.create_flag(f).await;
    }
    let put = |flag: &'static str, env: &'static str, pres: &'static [&'static str]| {
        let prerequisites: Vec<Value> = pres.iter().map(|p| json!({"flag": p, "variant": "on"})).collect();
        app.req(Method::PUT, &format!("/api/v1/projects/default/flags/{flag}/environments/{env}"))
            .header("if-match", "*")
            .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                         "prerequisites": prerequisites}))
            .send()
    };
    let all = ["a", "b", "c"];
    assert_eq!(put("a", "production", &["b"]).await.status, StatusCode::OK);
    assert_eq!(put("a", "staging", &["b", "c"]).await.status, StatusCode::OK);
    assert_eq!(put("b", "staging", &["c"]).await.status, StatusCode::OK);
    assert_eq!(prerequisite_edges(&app).await, prerequisites_configured(&app, &all).await);
    assert_eq!(prerequisite_edges(&app).await.len(), 4);
    // Changed, removed, copied to another environment, a new environment.
    assert_eq!(put("a", "production", &["c"]).await.status, StatusCode::OK);
    assert_eq!(put("b", "staging", &[]).await.status, StatusCode::OK);
    let r = app
        .req(Method::POST, "/api/v1/projects/default/flags/a/copy")
        .json(json!({"from": "staging", "to": "development"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .req(Method::POST, "/api/v1/projects/default/environments")
        .json(json!({"key": "qa"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let edges = prerequisite_edges(&app).await;
    assert_eq!(edges, prerequisites_configured(&app, &all).await);
    assert_eq!(edges.len(), 5, "{edges:?}");
    // The migration's own statement rebuilds them from the stored configurations.
    let migration = match app.state.store.backend() {
        vexil_server::store::Backend::Postgres => {
            include_str!("../../../migrations/postgres/0019_flag_prerequisites.sql")
        }
        vexil_server::store::Backend::Sqlite => {
            include_str!("../../../migrations/sqlite/0019_flag_prerequisites.sql")
        }
    };
    let rebuild = &migration[migration.find("insert into flag_prerequisite").unwrap()..];
    let rebuild = &rebuild[..rebuild.find(';').unwrap()];
    sqlx::query("delete from flag_prerequisite").execute(app.state.store.pool()).await.unwrap();
    sqlx::query(rebuild).execute(app.state.store.pool()).await.unwrap();
    assert_eq!(prerequisite_edges(&app).await, edges);
    // A writer that knows nothing of the rows (a replica of the previous version during
    // a rolling upgrade) keeps them too: the database's triggers do.
    let config =
        app.req(Method::GET, "/api/v1/projects/default/flags/c/environments/production").send().await;
    let mut stored = config.body.clone();
    for field in ["flag", "environment", "version", "updated_at"] {
        stored.as_object_mut().unwrap().remove(field);
    }
    stored["prerequisites"] = json!([{"flag": "b", "variant": "on"}]);
    sqlx::query(
        "update flag_config set config = $1 where flag_id = (select id from flag where key = 'c')
         and environment_id = (select id from environment where key = 'production')",
    )
    .bind(stored.to_string())
    .execute(app.state.store.pool())
    .await
    .unwrap();
    let with_c = prerequisite_edges(&app).await;
    assert!(with_c.contains(&("c".to_owned(), "production".to_owned(), "b".to_owned())), "{with_c:?}");
    assert_eq!(with_c, prerequisites_configured(&app, &all).await);
    assert_eq!(with_c.len(), 6, "{with_c:?}");
    // A deleted flag takes its edges with it (archived first, as a delete requires).
    assert_eq!(put("a", "production", &[]).await.status, StatusCode::OK);
    assert_eq!(put("c", "production", &[]).await.status, StatusCode::OK);
    let flag = app.req(Method::GET, "/api/v1/projects/default/flags/a").send().await;
    let r =
        app.req(Method::POST, "/api/v1/projects/default/flags/a/archive").if_match(flag.etag()).send().await;
    assert!(r.status.is_success(), "{}", r.body);
    let flag = app.req(Method::GET, "/api/v1/projects/default/flags/a").send().await;
    let r = app.req(Method::DELETE, "/api/v1/projects/default/flags/a").if_match(flag.etag()).send().await;
    assert!(r.status.is_success(), "{}", r.body);
    assert_eq!(prerequisite_edges(&app).await, Vec::<(String, String, String)>::new());
}

async fn a_refused_write_leaves_no_trace(app: TestApp) {
    app.create_flag("f").await;
    let audit_before =
        app.req(Method::GET, "/api/v1/audit?limit=500").send().await.body["items"].as_array().unwrap().len();
    let env = app.state.store.get_environment("default", "production").await.unwrap();
    let r = app
        .req(Method::PUT, PROD)
        .if_match(1)
        .json(json!({"enabled": true, "off_variant": "zzz", "default": {"variant": "on"}}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .req(Method::PUT, PROD)
        .if_match(7)
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"}}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let audit_after =
        app.req(Method::GET, "/api/v1/audit?limit=500").send().await.body["items"].as_array().unwrap().len();
    assert_eq!(audit_before, audit_after);
    let env_after = app.state.store.get_environment("default", "production").await.unwrap();
    assert_eq!(env.snapshot_version, env_after.snapshot_version);
    assert_eq!(app.req(Method::GET, PROD).send().await.etag(), 1);
}

async fn rules_without_ids_get_stable_generated_ids(app: TestApp) {
    app.create_flag("f").await;
    let r = app
        .req(Method::PUT, PROD)
        .if_match(1)
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "off"},
                     "rules": [{"conditions": [], "serve": {"variant": "on"}}, {"id": "mine", "conditions": [], "serve": {"variant": "off"}}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let generated = r.body["rules"][0]["id"].as_str().unwrap().to_owned();
    assert!(generated.starts_with("rule-"), "{generated}");
    assert_eq!(r.body["rules"][1]["id"], "mine");
    let again = app
        .req(Method::PUT, PROD)
        .if_match(2)
        .json(json!({
        "enabled": true, "off_variant": "off", "default": {"variant": "off"}, "rules": r.body["rules"]}))
        .send()
        .await;
    assert_eq!(again.body["rules"][0]["id"], generated.as_str(), "ids sent back are kept");
}

fn default_rollout(weights: Value) -> Value {
    json!({"enabled": true, "off_variant": "off", "default": {"rollout": {"weights": weights}}})
}

/// What the environment's SDKs serve each of `keys` for flag `flag` now.
async fn served(app: &TestApp, flag: &str, keys: &[String]) -> Vec<String> {
    let env = app.state.store.get_environment("default", "production").await.unwrap();
    let snapshot = app.state.store.environment_snapshot(env.id).await.unwrap();
    let compiled = CompiledSnapshot::compile(&snapshot).expect("the stored snapshot compiles");
    keys.iter()
        .map(|k| compiled.evaluate(flag, &Context::new(k.as_str())).variant.unwrap().to_owned())
        .collect()
}

fn users() -> Vec<String> {
    (0..2000).map(|i| format!("user-{i}")).collect()
}

async fn editing_rollout_weights_keeps_everyone_whose_variant_did_not_lose_share(app: TestApp) {
    app.create_flag("f").await;
    let r = app
        .req(Method::PUT, PROD)
        .if_match(1)
        .json(default_rollout(
            json!([{"variant": "off", "weight": 70000}, {"variant": "on", "weight": 30000}]),
        ))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let keys = users();
    let before = served(&app, "f", &keys).await;
    // An editor that lists variants in its own order, with the new share of `on`.
    let r = app
        .req(Method::PUT, PROD)
        .if_match(2)
        .json(default_rollout(
            json!([{"variant": "on", "weight": 35000}, {"variant": "off", "weight": 65000}]),
        ))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["default"]["rollout"]["weights"],
        json!([{"variant": "off", "weight": 65000}, {"variant": "on", "weight": 30000 + 5000}])
    );
    let after = served(&app, "f", &keys).await;
    let mut moved = 0;
    for (k, (was, now)) in keys.iter().zip(before.iter().zip(&after)) {
        if was == "on" {
            assert_eq!(now, "on", "{k} had on and lost it");
        }
        moved += usize::from(was != now);
    }
    // About 5 % of 2000 move (all from off to on); reordering would move about 60 %.
    assert!((50..=150).contains(&moved), "{moved} of 2000 moved");

    // Three variants: only 10 % must move, which one range per variant cannot do.
    app.req(Method::POST, "/api/v1/projects/default/flags")
        .json(json!({"key": "g", "kind": "string", "variants": [
            {"key": "a", "value": "A"}, {"key": "b", "value": "B"}, {"key": "c", "value": "C"}]}))
        .send()
        .await;
    let g = "/api/v1/projects/default/flags/g/environments/production";
    let three = |a: u32, b: u32, c: u32| {
        json!({"enabled": true, "off_variant": "a", "default": {"rollout": {"weights": [
            {"variant": "a", "weight": a}, {"variant": "b", "weight": b}, {"variant": "c", "weight": c}]}}})
    };
    app.req(Method::PUT, g).if_match(1).json(three(30000, 40000, 30000)).send().await;
    let before = served(&app, "g", &keys).await;
    let r = app.req(Method::PUT, g).if_match(2).json(three(20000, 40000, 40000)).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["default"]["rollout"]["weights"],
        json!([{"variant": "a", "weight": 20000}, {"variant": "c", "weight": 10000},
               {"variant": "b", "weight": 40000}, {"variant": "c", "weight": 30000}])
    );
    let after = served(&app, "g", &keys).await;
    for (k, (was, now)) in keys.iter().zip(before.iter().zip(&after)) {
        assert!(was == now || (was == "a" && now == "c"), "{k} moved from {was} to {now}");
    }
}

async fn a_rule_rollout_keeps_its_layout_wherever_the_rule_moves(app: TestApp) {
    app.create_flag("f").await;
    let rollout = |on: u32| {
        json!({"rollout": {"bucket_by": "company", "weights": [
        {"variant": "off", "weight": 100000 - on}, {"variant": "on", "weight": on}]}})
    };
    let rule = |on: u32| {
        json!({"id": "beta", "conditions": [{"attribute": "beta", "op": "in", "values": [true]}],
                               "serve": rollout(on)})
    };
    let other = json!({"id": "staff", "conditions": [{"attribute": "staff", "op": "in", "values": [true]}],
                       "serve": {"variant": "on"}});
    let r = app
        .req(Method::PUT, PROD)
        .if_match(1)
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "off"}, "rules": [rule(10000)]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The rule moves below a new one and is raised to 25 %, listed `on` first.
    let mut raised = rule(25000);
    raised["serve"]["rollout"]["weights"] =
        json!([{"variant": "on", "weight": 25000}, {"variant": "off", "weight": 75000}]);
    let r = app
        .req(Method::PUT, PROD)
        .if_match(2)
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "off"}, "rules": [other, raised]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["rules"][1]["serve"], rollout(25000), "the stored order is kept");
    // A changed bucket_by starts a new layout: taken as sent.
    let mut rehashed = r.body["rules"][1].clone();
    rehashed["serve"]["rollout"] =
        json!({"weights": [{"variant": "on", "weight": 50000}, {"variant": "off", "weight": 50000}]});
    let r = app
        .req(Method::PUT, PROD)
        .if_match(3)
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "off"}, "rules": [rehashed]}))
        .send()
        .await;
    assert_eq!(r.body["rules"][0]["serve"]["rollout"]["weights"][0]["variant"], "on");
}

/// A read configuration without its read-only fields.
fn writable(record: &Value) -> Value {
    let mut body = record.clone();
    for field in ["flag", "environment", "updated_at", "version"] {
        body.as_object_mut().unwrap().remove(field);
    }
    body
}

async fn a_configuration_sent_back_as_read_keeps_every_layout(app: TestApp) {
    app.create_flag("f").await;
    let layout = json!([{"variant": "on", "weight": 20000}, {"variant": "off", "weight": 50000},
                        {"variant": "on", "weight": 10000}, {"variant": "off", "weight": 20000}]);
    let r = app
        .req(Method::PUT, &format!("{PROD}?layout=exact"))
        .if_match(1)
        .json(default_rollout(layout.clone()))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let got = app.req(Method::GET, PROD).send().await;
    assert_eq!(got.body["default"]["rollout"]["weights"], layout);
    let r = app.req(Method::PUT, PROD).if_match(2).json(got.body.clone()).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["default"]["rollout"]["weights"], layout, "the round trip changes nothing");
    // The same shares, summed and in another order, change nothing either.
    let shares = json!([{"variant": "off", "weight": 70000}, {"variant": "on", "weight": 30000}]);
    let r = app.req(Method::PUT, PROD).if_match(3).json(default_rollout(shares)).send().await;
    assert_eq!(r.body["default"]["rollout"]["weights"], layout);
}

async fn layout_exact_stores_weights_as_sent_and_bounds_their_number(app: TestApp) {
    app.create_flag("f").await;
    let first = json!([{"variant": "off", "weight": 70000}, {"variant": "on", "weight": 30000}]);
    app.req(Method::PUT, PROD).if_match(1).json(default_rollout(first)).send().await;
    // Restoring an earlier layout with the same shares in another order.
    let earlier = json!([{"variant": "on", "weight": 30000}, {"variant": "off", "weight": 70000}]);
    let r = app
        .req(Method::PUT, &format!("{PROD}?layout=exact"))
        .if_match(2)
        .json(default_rollout(earlier.clone()))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["default"]["rollout"]["weights"], earlier);

    let many: Vec<Value> = (0..201)
        .map(|i| json!({"variant": if i % 2 == 0 { "on" } else { "off" }, "weight": if i == 0 { 100000 - 200 * 497 } else { 497 }}))
        .collect();
    let r = app
        .req(Method::PUT, &format!("{PROD}?layout=exact"))
        .if_match(3)
        .json(default_rollout(json!(many)))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["errors"][0]["pointer"], "/default/rollout/weights");
    assert!(r.body["errors"][0]["message"].as_str().unwrap().contains("the limit is 200"), "{}", r.body);
    let r = app
        .req(Method::PUT, &format!("{PROD}?layout=sideways"))
        .if_match(3)
        .json(default_rollout(earlier))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
}

async fn a_dry_run_answers_what_a_write_would_store_and_who_moves_and_stores_nothing(app: TestApp) {
    app.create_flag("f").await;
    let r = app
        .req(Method::PUT, PROD)
        .if_match(1)
        .json(default_rollout(
            json!([{"variant": "off", "weight": 70000}, {"variant": "on", "weight": 30000}]),
        ))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let env = app.state.store.get_environment("default", "production").await.unwrap();
    let audit_before =
        app.req(Method::GET, "/api/v1/audit?limit=500").send().await.body["items"].as_array().unwrap().len();
    let edit =
        default_rollout(json!([{"variant": "on", "weight": 35000}, {"variant": "off", "weight": 65000}]));

    let preview =
        app.req(Method::PUT, &format!("{PROD}?dry_run=true")).if_match(2).json(edit.clone()).send().await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.headers.get("etag").is_none());
    assert_eq!(preview.body["base_version"], 2);
    assert_eq!(preview.body["config"]["version"], 3);
    assert_eq!(
        preview.body["rollouts"],
        json!([{"pointer": "/default", "layout": "rebased", "bucket_by_changed": false, "required": 5000, "moved": 5000}])
    );
    // Taken literally, the same list would move 65 % where 5 % is required.
    let exact = app
        .req(Method::PUT, &format!("{PROD}?dry_run=true&layout=exact"))
        .if_match(2)
        .json(edit.clone())
        .send()
        .await;
    assert_eq!(exact.body["rollouts"][0]["moved"], 65000);
    assert_eq!(exact.body["rollouts"][0]["required"], 5000);
    assert_eq!(exact.body["rollouts"][0]["layout"], "as_sent");
    // Other places: a variant becoming a rollout, a changed bucket_by.
    let mut rehash = edit.clone();
    rehash["default"]["rollout"]["bucket_by"] = json!("company");
    rehash["rules"] = json!([{"id": "new", "conditions": [], "serve": {"variant": "on"}}]);
    let r = app.req(Method::PUT, &format!("{PROD}?dry_run=true")).if_match(2).json(rehash).send().await;
    assert_eq!(
        r.body["rollouts"],
        json!([{"pointer": "/default", "layout": "as_sent", "bucket_by_changed": true, "required": 5000, "moved": null}])
    );
    // Nothing was stored, announced or audited.
    assert_eq!(app.req(Method::GET, PROD).send().await.etag(), 2);
    let after = app.state.store.get_environment("default", "production").await.unwrap();
    assert_eq!(after.snapshot_version, env.snapshot_version);
    let audit_after =
        app.req(Method::GET, "/api/v1/audit?limit=500").send().await.body["items"].as_array().unwrap().len();
    assert_eq!(audit_before, audit_after);

    // Refused as the write would be.
    let stale =
        app.req(Method::PUT, &format!("{PROD}?dry_run=true")).if_match(1).json(edit.clone()).send().await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let bad =
        default_rollout(json!([{"variant": "on", "weight": 35000}, {"variant": "nope", "weight": 60000}]));
    let bad = app.req(Method::PUT, &format!("{PROD}?dry_run=true")).if_match(2).json(bad).send().await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let pointers: Vec<&str> =
        bad.body["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect();
    assert_eq!(pointers, ["/default/rollout/weights/1/variant", "/default/rollout/weights"]);

    // The write stores exactly what the preview showed.
    let saved = app.req(Method::PUT, PROD).if_match(2).json(edit).send().await;
    assert_eq!(saved.status, StatusCode::OK);
    assert_eq!(
        writable(&saved.body),
        preview.body["config"]
            .as_object()
            .map(|c| {
                let mut c = Value::Object(c.clone());
                c.as_object_mut().unwrap().remove("version");
                c
            })
            .unwrap()
    );
    let archived = app.req(Method::POST, "/api/v1/projects/default/flags/f/archive").send().await;
    assert_eq!(archived.status, StatusCode::OK);
    let r = app
        .req(Method::PUT, &format!("{PROD}?dry_run=true"))
        .if_match(3)
        .json(default_rollout(json!([{"variant": "on", "weight": 100000}])))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
}
