//! The importers: sample files in each peer's own format (written from their published
//! schemas and documentation), converted, applied to a real server, exported back, and
//! the report of what did not map.

use serde_json::{Value, json};
use vexil_server::ascode::import::{self, Imported, Options, Source};
use vexil_testkit::Db;

use super::support::start;

const UNLEASH: &str = r##"{
  "features": [
    {"name": "new-checkout", "description": "checkout rewrite", "type": "release", "project": "default", "stale": false, "impressionData": true, "archived": false},
    {"name": "Kill.Switch", "type": "kill-switch", "project": "default"},
    {"name": "button-colour", "type": "experiment", "project": "default"}
  ],
  "featureStrategies": [
    {"id": "s1", "name": "flexibleRollout", "featureName": "new-checkout", "environment": "production", "title": "German users",
     "parameters": {"groupId": "new-checkout", "rollout": "25", "stickiness": "default"},
     "constraints": [{"contextName": "country", "operator": "IN", "values": ["DE", "AT"], "inverted": false, "caseInsensitive": false}],
     "segments": [1], "sortOrder": 0},
    {"id": "s2", "name": "userWithId", "featureName": "new-checkout", "environment": "production", "parameters": {"userIds": "alice, bob"}, "constraints": [], "sortOrder": 1},
    {"id": "s3", "name": "myCustomStrategy", "featureName": "new-checkout", "environment": "production", "parameters": {}, "constraints": [], "sortOrder": 2},
    {"id": "s4", "name": "default", "featureName": "new-checkout", "environment": "development", "parameters": {}, "constraints": [
      {"contextName": "currentTime", "operator": "DATE_AFTER", "value": "2024-01-01T00:00:00.000Z"}]},
    {"id": "s5", "name": "flexibleRollout", "featureName": "button-colour", "environment": "production",
     "parameters": {"groupId": "button-colour", "rollout": "100", "stickiness": "userId"}, "constraints": [],
     "variants": [
       {"name": "blue", "weight": 500, "weightType": "variable", "stickiness": "default", "payload": {"type": "string", "value": "#0000ff"}},
       {"name": "green", "weight": 500, "weightType": "variable", "stickiness": "default", "payload": {"type": "string", "value": "#00ff00"}}]}
  ],
  "featureEnvironments": [
    {"name": "new-checkout", "featureName": "new-checkout", "environment": "production", "enabled": true, "variants": []},
    {"name": "new-checkout", "featureName": "new-checkout", "environment": "development", "enabled": false, "variants": []},
    {"name": "Kill.Switch", "featureName": "Kill.Switch", "environment": "production", "enabled": true, "variants": []},
    {"name": "button-colour", "featureName": "button-colour", "environment": "production", "enabled": true, "variants": []}
  ],
  "featureTags": [{"featureName": "new-checkout", "tagType": "simple", "tagValue": "payments"}],
  "segments": [{"id": 1, "name": "Beta Users", "constraints": [{"contextName": "email", "operator": "STR_ENDS_WITH", "values": ["@example.com"], "caseInsensitive": true}]}],
  "dependencies": [{"feature": "new-checkout", "dependencies": [{"feature": "Kill.Switch", "enabled": true}]}],
  "tagTypes": [{"name": "simple"}],
  "contextFields": []
}"##;

const LAUNCHDARKLY: &str = r#"{
  "items": [
    {
      "key": "new-checkout", "name": "New checkout", "description": "checkout rewrite", "kind": "boolean",
      "tags": ["payments"], "temporary": true, "archived": false, "deprecated": false,
      "clientSideAvailability": {"usingEnvironmentId": true, "usingMobileKey": false},
      "_maintainer": {"email": "pay@example.com"},
      "customProperties": {"jira": {"name": "Jira", "value": ["PAY-1", "PAY-2"]}},
      "variations": [{"_id": "a", "value": true}, {"_id": "b", "value": false}],
      "environments": {
        "production": {
          "on": true, "archived": false, "salt": "abc", "version": 3,
          "targets": [{"values": ["vip-1"], "variation": 0}],
          "contextTargets": [{"values": ["org-9"], "variation": 0, "contextKind": "organization"}],
          "rules": [
            {"_id": "R1", "variation": 0, "trackEvents": false, "clauses": [{"_id": "c1", "attribute": "email", "op": "endsWith", "values": ["@example.com"], "negate": false, "contextKind": "user"}]},
            {"_id": "r2", "trackEvents": false,
             "rollout": {"variations": [{"variation": 0, "weight": 10000}, {"variation": 1, "weight": 90000}], "bucketBy": "company"},
             "clauses": [{"attribute": "signup", "op": "after", "values": [1704067200000], "negate": false}]},
            {"_id": "r3", "variation": 0, "clauses": [{"attribute": "beta", "op": "segmentMatch", "values": ["beta-users"], "negate": false}]},
            {"_id": "r4", "variation": 0, "clauses": [{"attribute": "plan", "op": "someNewOp", "values": ["x"]}]}
          ],
          "fallthrough": {"rollout": {"variations": [{"variation": 0, "weight": 25000}, {"variation": 1, "weight": 75000}], "seed": 42}},
          "offVariation": 1,
          "prerequisites": [{"key": "payments-api", "variation": 0}]
        },
        "staging": {"on": false, "targets": [], "rules": [], "fallthrough": {"variation": 0}, "offVariation": null, "prerequisites": []}
      }
    },
    {
      "key": "payments-api", "name": "Payments API", "kind": "boolean", "temporary": false,
      "variations": [{"value": true}, {"value": false}],
      "environments": {"production": {"on": true, "targets": [], "rules": [], "fallthrough": {"variation": 0}, "offVariation": 1, "prerequisites": []}}
    },
    {
      "key": "button-colour", "kind": "multivariate",
      "variations": [{"value": "red", "name": "Red"}, {"value": "blue"}, {"value": "Green Light"}],
      "environments": {"production": {"on": true, "targets": [], "rules": [], "fallthrough": {"variation": 1}, "offVariation": 0, "prerequisites": []}}
    }
  ]
}"#;

const FLIPT: &str = r##"version: "1.4"
namespace:
  key: default
  name: default
flags:
- key: colour
  name: Colour
  type: VARIANT_FLAG_TYPE
  enabled: true
  metadata:
    area: ui
  variants:
  - key: red
    attachment:
      hex: "#ff0000"
  - key: blue
  rules:
  - segment: internal
    distributions:
    - variant: red
      rollout: 100
  - segment:
      keys: [internal, beta]
      operator: AND_SEGMENT_OPERATOR
    distributions:
    - variant: red
      rollout: 30
    - variant: blue
      rollout: 50
- key: dark-mode
  name: Dark mode
  type: BOOLEAN_FLAG_TYPE
  enabled: false
  rollouts:
  - description: internal users
    segment:
      key: internal
      value: true
  - threshold:
      percentage: 40
      value: true
segments:
- key: internal
  name: Internal
  match_type: ANY_MATCH_TYPE
  constraints:
  - type: STRING_COMPARISON_TYPE
    property: email
    operator: suffix
    value: "@example.com"
  - type: ENTITY_ID_COMPARISON_TYPE
    property: id
    operator: isoneof
    value: '["u1","u2"]'
- key: beta
  name: Beta
  match_type: ALL_MATCH_TYPE
  constraints:
  - type: NUMBER_COMPARISON_TYPE
    property: age
    operator: gte
    value: "18"
  - type: STRING_COMPARISON_TYPE
    property: plan
    operator: notpresent
"##;

const FLAGD: &str = r##"{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "flags": {
    "new-welcome-message": {
      "state": "ENABLED",
      "variants": {"on": true, "off": false},
      "defaultVariant": "off",
      "targeting": {"if": [{"ends_with": [{"var": "email"}, "@example.com"]}, "on"]}
    },
    "headerColor": {
      "state": "ENABLED",
      "variants": {"red": "#FF0000", "blue": "#0000FF", "green": "#00FF00"},
      "defaultVariant": "red",
      "metadata": {"team": "web"},
      "targeting": {
        "if": [
          {"$ref": "emailWithFaas"},
          {"fractional": [{"var": "email"}, ["red", 25], ["blue", 25], ["green", 50]]},
          {"and": [{"in": [{"var": "locale"}, ["de", "fr"]]}, {"sem_ver": [{"var": "version"}, ">=", "2.0.0"]}]},
          "blue",
          {"some": [{"var": "tags"}, {"==": [{"var": ""}, "x"]}]},
          "green",
          {"fractional": [["red", 50], ["blue", 50]]}
        ]
      }
    },
    "retired": {"state": "DISABLED", "variants": {"a": 1, "b": 2}, "defaultVariant": "a"}
  },
  "$evaluators": {"emailWithFaas": {"in": ["@faas.com", {"var": "email"}]}}
}"##;

fn convert(source: Source, text: &str) -> Imported {
    let options = Options { project: "imported".to_owned(), environment: "production".to_owned() };
    import::import(source, "sample", text, &options).unwrap_or_else(|e| panic!("{source:?}: {e}"))
}

fn doc_json(i: &Imported) -> Value {
    serde_json::to_value(&i.document).expect("document")
}

fn flag<'a>(doc: &'a Value, key: &str) -> &'a Value {
    doc["flags"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["key"] == key))
        .unwrap_or_else(|| panic!("no flag {key} in {doc}"))
}

/// The report as `at: what` lines, for assertions.
fn report(i: &Imported) -> Vec<String> {
    i.unmapped.iter().map(|u| format!("{}: {}: {}", u.at, u.what, u.why)).collect()
}

fn reported(i: &Imported, at: &str, words: &str) -> bool {
    report(i).iter().any(|l| l.starts_with(at) && l.contains(words))
}

#[test]
fn unleash_strategies_become_rules_with_the_same_shares_and_the_rest_is_reported() {
    let i = convert(Source::Unleash, UNLEASH);
    let doc = doc_json(&i);
    let f = flag(&doc, "new-checkout");
    let prod = &f["environments"]["production"];
    assert_eq!(prod["enabled"], json!(true));
    assert_eq!(prod["default"], json!({"variant": "off"}));
    assert_eq!(
        prod["rules"][0]["conditions"][0],
        json!({"attribute": "country", "op": "in", "values": ["DE", "AT"]})
    );
    assert_eq!(prod["rules"][0]["conditions"][1], json!({"op": "in_segment", "values": ["beta-users"]}));
    assert_eq!(
        prod["rules"][0]["serve"],
        json!({"rollout": {"weights": [{"variant": "on", "weight": 25000}, {"variant": "off", "weight": 75000}]}})
    );
    assert_eq!(
        prod["rules"][1]["conditions"][0],
        json!({"attribute": "key", "op": "in", "values": ["alice", "bob"]})
    );
    assert_eq!(prod["rules"].as_array().map(Vec::len), Some(2), "the custom strategy is dropped");
    assert_eq!(prod["prerequisites"], json!([{"flag": "kill.switch", "variant": "on"}]));
    assert_eq!(f["tags"], json!(["payments"]));
    assert_eq!(flag(&doc, "kill.switch")["lifecycle"], json!("permanent"));
    let colour = flag(&doc, "button-colour");
    assert_eq!(colour["kind"], json!("string"));
    assert_eq!(
        colour["environments"]["production"]["rules"][0]["serve"]["rollout"]["weights"],
        json!([{"variant": "blue", "weight": 50000}, {"variant": "green", "weight": 50000}])
    );
    assert!(reported(&i, "/features/1/name", "renamed to \"kill.switch\""), "{:#?}", report(&i));
    assert!(
        reported(&i, "/featureStrategies/2", "custom strategy has no Vexil counterpart"),
        "{:#?}",
        report(&i)
    );
    assert!(reported(&i, "/featureStrategies/3", "currentTime"), "{:#?}", report(&i));
    assert!(
        reported(&i, "/featureStrategies/0", "modulo 100"),
        "rollouts say why users move: {:#?}",
        report(&i)
    );
    assert!(reported(&i, "/segments/0/constraints/0", "case-insensitive"), "{:#?}", report(&i));
    assert!(reported(&i, "/features/0/impressionData", "impression"), "{:#?}", report(&i));
}

/// Some of Unleash's exports name a strategy `strategyName` rather than `name`: it maps
/// the same, and the report names it.
#[test]
fn unleash_strategies_named_by_strategy_name_map_and_are_reported_by_name() {
    let text = r#"{
  "features": [{"name": "search-v2", "type": "release", "project": "default"}],
  "featureStrategies": [
    {"id": "a", "strategyName": "flexibleRollout", "featureName": "search-v2", "environment": "production",
     "parameters": {"rollout": "40", "stickiness": "default", "groupId": "search-v2"}, "constraints": [], "sortOrder": 0},
    {"id": "b", "strategyName": "officeHoursStrategy", "name": "", "featureName": "search-v2", "environment": "production",
     "parameters": {}, "constraints": [], "sortOrder": 1},
    {"id": "c", "featureName": "search-v2", "environment": "production", "parameters": {}, "constraints": [], "sortOrder": 2}
  ],
  "featureEnvironments": [{"featureName": "search-v2", "environment": "production", "enabled": true, "variants": []}]
}"#;
    let i = convert(Source::Unleash, text);
    let doc = doc_json(&i);
    let prod = &flag(&doc, "search-v2")["environments"]["production"];
    assert_eq!(
        prod["rules"][0]["serve"],
        json!({"rollout": {"weights": [{"variant": "on", "weight": 40000}, {"variant": "off", "weight": 60000}]}}),
        "{prod}"
    );
    assert_eq!(prod["rules"].as_array().map(Vec::len), Some(1), "{prod}");
    assert!(
        reported(&i, "/featureStrategies/1", "strategy officeHoursStrategy: a custom strategy"),
        "{:#?}",
        report(&i)
    );
    assert!(reported(&i, "/featureStrategies/2", "strategy (no name)"), "{:#?}", report(&i));
    assert!(!report(&i).iter().any(|l| l.contains("strategy :")), "no empty names: {:#?}", report(&i));
}

#[test]
fn launchdarkly_flags_keep_rules_targets_rollouts_and_prerequisites() {
    let i = convert(Source::Launchdarkly, LAUNCHDARKLY);
    let doc = doc_json(&i);
    let f = flag(&doc, "new-checkout");
    assert_eq!(f["owner"], json!("pay@example.com"));
    assert_eq!(f["client_visible"], json!(true));
    assert_eq!(f["properties"], json!({"jira": "PAY-1, PAY-2"}));
    let prod = &f["environments"]["production"];
    assert_eq!(prod["targets"], json!([{"variant": "on", "keys": ["vip-1"]}]));
    assert_eq!(
        prod["rules"][0],
        json!({"id": "r1", "conditions": [{"attribute": "email", "op": "ends_with", "values": ["@example.com"]}], "serve": {"variant": "on"}})
    );
    assert_eq!(prod["rules"][1]["conditions"][0]["values"], json!(["2024-01-01T00:00:00Z"]));
    assert_eq!(
        prod["rules"][1]["serve"],
        json!({"rollout": {"bucket_by": "company", "weights": [{"variant": "on", "weight": 10000}, {"variant": "off", "weight": 90000}]}})
    );
    assert_eq!(prod["rules"][2]["conditions"][0], json!({"op": "in_segment", "values": ["beta-users"]}));
    assert_eq!(
        prod["rules"].as_array().map(Vec::len),
        Some(3),
        "the rule with an unknown operator is dropped"
    );
    assert_eq!(prod["default"]["rollout"]["weights"][0], json!({"variant": "on", "weight": 25000}));
    assert_eq!(prod["prerequisites"], json!([{"flag": "payments-api", "variant": "on"}]));
    assert_eq!(flag(&doc, "payments-api")["lifecycle"], json!("permanent"));
    let colour = flag(&doc, "button-colour");
    assert_eq!(colour["kind"], json!("string"));
    let keys: Vec<&str> = colour["variants"]
        .as_array()
        .map(|v| v.iter().filter_map(|v| v["key"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(keys, ["red", "blue", "green-light"]);
    assert_eq!(doc["segments"][0]["key"], json!("beta-users"));
    assert!(
        reported(&i, "/items/0/environments/production/contextTargets/0", "organization"),
        "{:#?}",
        report(&i)
    );
    assert!(
        reported(&i, "/items/0/environments/production/rules/3/clauses/0", "someNewOp"),
        "{:#?}",
        report(&i)
    );
    assert!(
        reported(&i, "/items/0/environments/production/fallthrough/rollout/seed", "seed"),
        "{:#?}",
        report(&i)
    );
    assert!(reported(&i, "/items/0/environments/production/rules/1/rollout", "SHA-1"), "{:#?}", report(&i));
    assert!(
        reported(&i, "/items/0/environments/staging/offVariation", "caller's default"),
        "{:#?}",
        report(&i)
    );
    assert!(
        reported(&i, "/items/0/environments/production/rules/2/clauses/0", "segment beta-users"),
        "{:#?}",
        report(&i)
    );
}

#[test]
fn flipt_features_map_segments_rules_distributions_and_boolean_rollouts() {
    let i = convert(Source::Flipt, FLIPT);
    let doc = doc_json(&i);
    let internal = doc["segments"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["key"] == "internal"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        internal["rules"],
        json!([
            {"conditions": [{"attribute": "email", "op": "ends_with", "values": ["@example.com"]}]},
            {"conditions": [{"attribute": "key", "op": "in", "values": ["u1", "u2"]}]}
        ])
    );
    let beta = doc["segments"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["key"] == "beta"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(beta.get("rules"), None, "an ALL segment with an unmappable constraint narrows to nobody");
    let colour = flag(&doc, "colour");
    let prod = &colour["environments"]["production"];
    assert_eq!(prod["rules"][0]["serve"], json!({"variant": "red"}));
    assert_eq!(
        prod["rules"][1]["conditions"],
        json!([{"op": "in_segment", "values": ["internal"]}, {"op": "in_segment", "values": ["beta"]}])
    );
    assert_eq!(
        prod["rules"][1]["serve"]["rollout"]["weights"],
        json!([{"variant": "red", "weight": 30000}, {"variant": "blue", "weight": 50000}, {"variant": "none", "weight": 20000}])
    );
    assert_eq!(prod["default"], json!({"variant": "none"}));
    let dark = &flag(&doc, "dark-mode")["environments"]["production"];
    assert_eq!(dark["enabled"], json!(true), "a Flipt boolean's enabled is its default value");
    assert_eq!(dark["default"], json!({"variant": "off"}));
    assert_eq!(dark["rules"][0]["serve"], json!({"variant": "on"}));
    assert_eq!(
        dark["rules"][1]["serve"]["rollout"]["weights"],
        json!([{"variant": "on", "weight": 40000}, {"variant": "off", "weight": 60000}])
    );
    assert!(reported(&i, "/flags/0/variants/0/attachment", "attachment is dropped"), "{:#?}", report(&i));
    assert!(reported(&i, "/segments/1/constraints/1", "notpresent"), "{:#?}", report(&i));
    assert!(reported(&i, "/flags/0/rules/1", "CRC-32"), "{:#?}", report(&i));
    assert!(reported(&i, "/flags/0/rules/1", "no variant"), "{:#?}", report(&i));
}

#[test]
fn flagd_targeting_maps_if_chains_fractional_splits_and_refs() {
    let i = convert(Source::Flagd, FLAGD);
    let doc = doc_json(&i);
    let welcome = &flag(&doc, "new-welcome-message")["environments"]["production"];
    assert_eq!(
        welcome["rules"][0]["conditions"],
        json!([{"attribute": "email", "op": "ends_with", "values": ["@example.com"]}])
    );
    assert_eq!(welcome["default"], json!({"variant": "off"}));
    let header = flag(&doc, "headercolor");
    assert_eq!(header["kind"], json!("string"));
    assert_eq!(header["properties"], json!({"team": "web"}));
    let prod = &header["environments"]["production"];
    assert_eq!(
        prod["rules"][0]["conditions"],
        json!([{"attribute": "email", "op": "contains", "values": ["@faas.com"]}])
    );
    assert_eq!(
        prod["rules"][0]["serve"],
        json!({"rollout": {"bucket_by": "email", "weights": [{"variant": "red", "weight": 25000}, {"variant": "blue", "weight": 25000}, {"variant": "green", "weight": 50000}]}})
    );
    assert_eq!(
        prod["rules"][1]["conditions"],
        json!([{"attribute": "locale", "op": "in", "values": ["de", "fr"]}, {"attribute": "version", "op": "semver_gte", "values": ["2.0.0"]}])
    );
    assert_eq!(prod["rules"].as_array().map(Vec::len), Some(2), "the `some` branch is dropped");
    assert_eq!(
        prod["default"]["rollout"]["weights"],
        json!([{"variant": "red", "weight": 50000}, {"variant": "blue", "weight": 50000}])
    );
    let retired = flag(&doc, "retired");
    assert_eq!(retired["kind"], json!("number"));
    assert_eq!(retired["environments"]["production"]["enabled"], json!(false));
    assert!(reported(&i, "/flags/headerColor", "renamed to \"headercolor\""), "{:#?}", report(&i));
    assert!(reported(&i, "/flags/headerColor/targeting/if/4", "does not map"), "{:#?}", report(&i));
    assert!(reported(&i, "/flags/headerColor/targeting/if/1", "hash input"), "{:#?}", report(&i));
    assert!(reported(&i, "/flags/retired/state", "off variant"), "{:#?}", report(&i));
}

#[test]
fn a_file_of_another_format_is_refused_and_bad_json_says_where() {
    let options = Options { project: "p".to_owned(), environment: "production".to_owned() };
    let e = import::import(Source::Flagd, "x.json", UNLEASH, &options).expect_err("not flagd").to_string();
    assert!(e.contains("not a flagd flag definition file"), "{e}");
    let e = import::import(Source::Unleash, "x.json", "{\n  \"features\": [,]\n}", &options)
        .expect_err("bad json")
        .to_string();
    assert!(e.starts_with("x.json:2:"), "{e}");
}

/// Imports each sample into a fresh server, then checks that the server holds what the
/// conversion produced (by exporting it) and that a second import changes nothing.
async fn imports_apply(db: Db) {
    let dir = tempfile::tempdir().expect("dir");
    let env = start(db).await;
    for (source, name, text) in [
        (Source::Unleash, "unleash", UNLEASH),
        (Source::Launchdarkly, "launchdarkly", LAUNCHDARKLY),
        (Source::Flipt, "flipt", FLIPT),
        (Source::Flagd, "flagd", FLAGD),
    ] {
        let path = dir.path().join(format!("{name}.sample"));
        std::fs::write(&path, text).expect("write");
        let file = path.to_str().unwrap_or_default();
        let r = env.vexil(&["import", "--from", name, file, "--project", name, "--dry-run"]);
        assert_eq!(r.code, 0, "{name} dry run: {}\n{}", r.stdout, r.stderr);
        assert!(r.stdout.contains("not mapped or mapped differently"), "{name}: {}", r.stdout);
        assert!(r.stdout.contains(&format!("{file}:/")), "report lines name the file: {}", r.stdout);
        assert!(r.stdout.contains(&format!("+ project {name}")), "{}", r.stdout);

        let r = env.vexil(&["import", "--from", name, file, "--project", name, "--output", "json"]);
        assert_eq!(r.code, 0, "{name}: {}\n{}", r.stdout, r.stderr);
        let j = r.json();
        assert!(j["unmapped"].as_array().is_some_and(|u| !u.is_empty()), "{j}");

        let expected = convert(source, text).document;
        let exported = vexil_server::ascode::parse("export", &env.export(name)).expect("export parses");
        for f in &expected.flags {
            let got = exported
                .flags
                .iter()
                .find(|g| g.key == f.key)
                .unwrap_or_else(|| panic!("{name}: no flag {}", f.key));
            for (e, c) in &f.environments {
                let mut c = c.clone();
                let server =
                    got.environments.get(e).unwrap_or_else(|| panic!("{name}: {} has no {e}", f.key));
                vexil_server::ascode::document::adopt_rule_ids(server, &mut c);
                assert!(
                    vexil_server::ascode::document::same_config(server, &c),
                    "{name}: {} in {e}: {server:?} vs {c:?}",
                    f.key
                );
            }
        }
        let r = env.vexil(&["import", "--from", name, file, "--project", name]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert!(r.stdout.contains("no changes"), "{name}: importing twice changes nothing: {}", r.stdout);
    }
}

#[tokio::test]
async fn every_format_imports_into_a_real_server_on_sqlite() {
    imports_apply(Db::Sqlite).await;
}

#[tokio::test]
async fn every_format_imports_into_a_real_server_on_postgres() {
    imports_apply(Db::Postgres).await;
}
