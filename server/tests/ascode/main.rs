//! Flags as code: the file format and its JSON Schema, `vexil export` / `vexil apply`
//! against a real server on both databases, and the importers (`import.rs`).

mod import;
mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::start;
use vexil_server::ascode::{self, Format};
use vexil_testkit::Db;

/// A project using every part of the format: environments with a protected one,
/// segments, a boolean flag with rules, targets, a rollout and a prerequisite, a
/// string flag with metadata, and an archived flag.
const SHOP: &str = r#"version: 1
project:
  key: shop
  name: Shop
environments:
- key: development
  name: Development
- key: staging
  name: Staging
- key: production
  name: Production
- key: qa
  name: Quality
segments:
- key: beta-testers
  name: Beta testers
  included: [user-1, user-2]
  rules:
  - conditions:
    - attribute: email
      op: ends_with
      values: ["@example.com"]
flags:
- key: checkout-v2
  name: New checkout
  description: The rewritten checkout
  kind: boolean
  variants:
  - key: on
    value: true
  - key: off
    value: false
  tags: [payments]
  owner: team-payments
  links:
  - kind: issue
    url: https://issues.example.com/PAY-1
  properties:
    jira: PAY-1
  environments:
    production:
      enabled: true
      off_variant: off
      targets:
      - variant: on
        keys: [vip-1]
      rules:
      - id: beta
        conditions:
        - op: in_segment
          values: [beta-testers]
        serve:
          variant: on
      - id: germany
        description: German shoppers first
        conditions:
        - attribute: country
          op: in
          values: [DE]
        serve:
          rollout:
            weights:
            - variant: on
              weight: 25000
            - variant: off
              weight: 75000
      default:
        variant: off
      prerequisites:
      - flag: payments-api
        variant: on
    staging:
      enabled: true
      off_variant: off
      default:
        variant: on
- key: payments-api
  kind: boolean
  lifecycle: permanent
  environments:
    production:
      enabled: true
      off_variant: off
      default:
        variant: on
- key: banner-colour
  kind: string
  client_visible: true
  variants:
  - key: red
    value: '#ff0000'
    name: Red
  - key: blue
    value: '#0000ff'
  environments:
    production:
      enabled: true
      off_variant: red
      default:
        rollout:
          bucket_by: company
          weights:
          - variant: red
            weight: 50000
          - variant: blue
            weight: 50000
- key: old-promo
  kind: boolean
  archived: true
"#;

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write file");
    p
}

#[test]
fn the_checked_in_schema_is_the_one_the_types_generate() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schemas/vexil-project.schema.json");
    let generated = serde_json::to_string_pretty(&ascode::json_schema()).expect("schema") + "\n";
    if std::env::var_os("VEXIL_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("write schema");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "schemas/vexil-project.schema.json is out of date: run VEXIL_UPDATE_SCHEMA=1 cargo test -p vexil-server --test ascode -- schema"
    );
}

#[test]
fn the_schema_accepts_an_example_and_refuses_what_the_parser_refuses() {
    let schema = ascode::json_schema();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let doc: Value = serde_yaml::from_str(SHOP).expect("yaml");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let mut typo = doc.clone();
    typo["flags"][0]["enviroments"] = json!({});
    assert!(!validator.is_valid(&typo), "an unknown field is refused");
    let mut bad_op = doc;
    bad_op["segments"][0]["rules"][0]["conditions"][0]["op"] = json!("like");
    assert!(!validator.is_valid(&bad_op), "an unknown operator is refused");
}

#[test]
fn an_invalid_file_is_refused_with_its_line_column_and_path() {
    let yaml =
        SHOP.replace("      off_variant: off\n      targets:", "      of_variant: off\n      targets:");
    let e = ascode::parse("shop.yaml", &yaml).expect_err("unknown field").to_string();
    let line = yaml.lines().position(|l| l.contains("of_variant")).map(|i| i + 1).unwrap_or(0);
    assert!(e.starts_with(&format!("shop.yaml:{line}:")), "{e}");
    assert!(e.contains("unknown field `of_variant`"), "{e}");
    assert!(e.contains("flags[0].environments.production"), "{e}");

    let json = "{\n  \"version\": 1,\n  \"project\": {\"key\": \"shop\"},\n  \"flags\": [{\"key\": \"a\", \"kind\": \"bool\"}]\n}";
    let e = ascode::parse("shop.json", json).expect_err("bad kind").to_string();
    assert!(e.starts_with("shop.json:4:"), "{e}");
    assert!(e.contains("flags[0].kind"), "{e}");

    let e = ascode::parse("v2.yaml", "version: 2\nproject: {key: shop}\n").expect_err("version").to_string();
    assert!(e.contains("format version 2 is not supported"), "{e}");

    // An empty file (or one of comments, which YAML reads as null) says so, rather
    // than that null is not a document.
    for (name, text) in [("empty.yaml", ""), ("blank.yaml", "\n  \n"), ("comments.yaml", "# nothing yet\n")] {
        let e = ascode::parse(name, text).expect_err("empty").to_string();
        assert!(e.starts_with(&format!("{name}: the file is empty")), "{e}");
        assert!(!e.contains("null"), "{e}");
    }
}

#[test]
fn json_and_yaml_renderings_read_back_to_the_same_document() {
    let doc = ascode::parse("shop.yaml", SHOP).expect("valid");
    for format in [Format::Yaml, Format::Json] {
        let text = ascode::render(&doc, format);
        let mut again = ascode::parse("again", &text).expect("reads back");
        let mut sorted = doc.clone();
        sorted.sort();
        again.sort();
        assert_eq!(again, sorted, "{format:?}");
    }
}

async fn round_trip(db: Db) {
    let dir = tempfile::tempdir().expect("dir");
    let a = start(db).await;
    let file = write(&dir, "shop.yaml", SHOP);

    // Dry run into a server without the project: the plan, and nothing written.
    let r = a.apply(&file, &["--dry-run"]);
    assert!(r.stdout.contains("+ project shop"), "{}", r.stdout);
    assert!(r.stdout.contains("+ flag checkout-v2 (boolean)"), "{}", r.stdout);
    assert!(r.stdout.contains("- flag old-promo (archive: archived in file)"), "{}", r.stdout);
    let (status, _) = a.admin.call(reqwest::Method::GET, "/api/v1/projects/shop", None).await;
    assert_eq!(status, 404, "a dry run creates nothing");
    let r = a.apply(&file, &["--dry-run", "--output", "json"]);
    let j = r.json();
    assert_eq!(j["dry_run"], json!(true));
    assert!(
        j["changes"].as_array().is_some_and(|c| c.iter().any(|c| c["action"] == "create_project")),
        "{j}"
    );

    // Apply, then apply again: the second run changes nothing and says so.
    let r = a.apply(&file, &[]);
    assert!(r.stdout.contains("applied:"), "{}", r.stdout);
    let r = a.apply(&file, &[]);
    assert!(
        r.stdout.contains("no changes: project shop already matches the file"),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
    let first = a.export("shop");
    assert!(first.contains("archived: true"), "{first}");
    let v = a.get("/api/v1/projects/shop/flags/checkout-v2/environments/production").await;
    assert_eq!(v["rules"][1]["serve"]["rollout"]["weights"][0], json!({"variant": "on", "weight": 25000}));

    // Export, apply into an empty server, export again: the same file.
    let b = start(db).await;
    let exported = write(&dir, "exported.yaml", &first);
    b.apply(&exported, &[]);
    let second = b.export("shop");
    assert_eq!(first, second, "export -> apply into an empty server -> export gives the same file");
    let r = b.apply(&exported, &[]);
    assert!(r.stdout.contains("no changes"), "{}", r.stdout);

    // A change in the file: the dry run shows it and changes nothing.
    let changed = SHOP
        .replace("              weight: 25000", "              weight: 35000")
        .replace("              weight: 75000", "              weight: 65000");
    let changed_file = write(&dir, "changed.yaml", &changed);
    let before = a.get("/api/v1/projects/shop/environments/production").await["snapshot_version"].clone();
    let r = a.apply(&changed_file, &["--dry-run"]);
    assert!(r.stdout.contains("~ flag checkout-v2 in production: rules: 2 -> 2"), "{}", r.stdout);
    assert_eq!(a.get("/api/v1/projects/shop/environments/production").await["snapshot_version"], before);
    a.apply(&changed_file, &[]);
    let v = a.get("/api/v1/projects/shop/flags/checkout-v2/environments/production").await;
    let on: u64 = v["rules"][1]["serve"]["rollout"]["weights"]
        .as_array()
        .map(|w| w.iter().filter(|w| w["variant"] == "on").filter_map(|w| w["weight"].as_u64()).sum())
        .unwrap_or(0);
    assert_eq!(on, 35_000, "{v}");

    // Prune: a flag the file no longer has is archived, a segment deleted.
    let mut doc = ascode::parse("changed.yaml", &changed).expect("valid");
    doc.flags.retain(|f| f.key != "banner-colour");
    let pruned = write(&dir, "pruned.yaml", &ascode::render(&doc, Format::Yaml));
    let r = a.apply(&pruned, &[]);
    assert!(!r.stdout.contains("banner-colour"), "without --prune nothing goes: {}", r.stdout);
    let r = a.apply(&pruned, &["--prune"]);
    assert!(r.stdout.contains("- flag banner-colour (archive: not in file (--prune))"), "{}", r.stdout);
    let f = a.get("/api/v1/projects/shop/flags/banner-colour").await;
    assert_eq!(f["archived"], json!(true));
    let r = a.apply(&pruned, &["--prune"]);
    assert!(r.stdout.contains("no changes"), "{}", r.stdout);
}

#[tokio::test]
async fn export_apply_round_trip_on_sqlite() {
    round_trip(Db::Sqlite).await;
}

#[tokio::test]
async fn export_apply_round_trip_on_postgres() {
    round_trip(Db::Postgres).await;
}

async fn protected(db: Db) {
    let dir = tempfile::tempdir().expect("dir");
    let a = start(db).await;
    let file = write(&dir, "shop.yaml", SHOP);
    a.apply(&file, &[]);
    let protected = SHOP.replace(
        "- key: production\n  name: Production\n",
        "- key: production\n  name: Production\n  requires_approval: true\n",
    );
    let file = write(&dir, "protected.yaml", &protected);
    let r = a.apply(&file, &[]);
    assert!(r.stdout.contains("~ environment production: requires_approval: false -> true"), "{}", r.stdout);

    // A configuration change there becomes a change request, and says so.
    let changed = protected.replace(
        "      default:\n        variant: off\n      prerequisites:",
        "      default:\n        variant: on\n      prerequisites:",
    );
    let file = write(&dir, "changed.yaml", &changed);
    let r = a.apply(&file, &["--dry-run"]);
    assert!(r.stdout.contains("[change request: the environment requires approval]"), "{}", r.stdout);
    let r = a.apply(&file, &[]);
    assert!(r.stdout.contains("checkout-v2 in production: change request"), "{}", r.stdout);
    let v = a.get("/api/v1/projects/shop/flags/checkout-v2/environments/production").await;
    assert_eq!(v["default"], json!({"variant": "off"}), "not written before approval");
    let open = a.get("/api/v1/projects/shop/change-requests?state=open").await;
    assert_eq!(open["items"].as_array().map(Vec::len), Some(1), "{open}");
    // Applying again files no second request.
    let r = a.apply(&file, &["--output", "json"]);
    let j = r.json();
    assert!(
        j["changes"].as_array().is_some_and(|c| c.iter().any(|c| c["result"] == "already_requested")),
        "{j}"
    );
    let open = a.get("/api/v1/projects/shop/change-requests?state=open").await;
    assert_eq!(open["items"].as_array().map(Vec::len), Some(1), "{open}");
}

#[tokio::test]
async fn protected_environments_get_change_requests_on_sqlite() {
    protected(Db::Sqlite).await;
}

#[tokio::test]
async fn protected_environments_get_change_requests_on_postgres() {
    protected(Db::Postgres).await;
}

#[tokio::test]
async fn apply_explains_an_invalid_file_and_a_refusal() {
    let dir = tempfile::tempdir().expect("dir");
    let a = start(Db::Sqlite).await;
    let bad = write(
        &dir,
        "bad.yaml",
        "version: 1\nproject:\n  key: shop\nflags:\n- key: x\n  kind: boolean\n  colour: red\n",
    );
    // The client commands' exit statuses (docs/pipeline.md): an invalid file is 1.
    let r = a.vexil(&["apply", "-f", bad.to_str().unwrap_or_default()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("bad.yaml:7:3: unknown field `colour`"), "{}", r.stderr);

    let refused = write(
        &dir,
        "refused.yaml",
        "version: 1\nproject:\n  key: shop\nflags:\n- key: x\n  kind: boolean\n  environments:\n    production:\n      off_variant: nope\n      default:\n        variant: on\n",
    );
    let r = a.vexil(&["apply", "-f", refused.to_str().unwrap_or_default(), "--output", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("the server refused the request"), "{}", r.stderr);
    assert!(r.stderr.contains("nope"), "the server's reason is shown: {}", r.stderr);
    assert!(r.stderr.contains("apply stopped after"), "what was done before: {}", r.stderr);
    let j = r.json();
    assert!(j["changes"].is_array() && j["error"].is_string(), "what was written, as JSON: {j}");

    // A file for another project than --project: 1; a kind change: a conflict, 3.
    let one =
        write(&dir, "one.yaml", "version: 1\nproject:\n  key: shop\nflags:\n- key: y\n  kind: boolean\n");
    let one = one.to_str().unwrap_or_default();
    let r = a.vexil(&["apply", "-f", one, "--project", "other"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("the file is for project \"shop\""), "{}", r.stderr);
    a.apply(Path::new(one), &[]);
    let kind =
        write(&dir, "kind.yaml", "version: 1\nproject:\n  key: shop\nflags:\n- key: y\n  kind: string\n");
    let r = a.vexil(&["apply", "-f", kind.to_str().unwrap_or_default()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("a kind never changes"), "{}", r.stderr);

    // Export: JSON with --output json, 6 for a project that does not exist, the shared
    // connection options (--url, --token) as every client command has them.
    let r = a.vexil(&["export", "--project", "shop", "--output", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["project"]["key"], json!("shop"));
    let r = a.vexil(&["export", "--project", "nope"]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(r.stderr.contains("nope"), "{}", r.stderr);
    let r = a.vexil(&["export", "--project", "shop", "--token", "vx_api_wrong"]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    let closed = format!("http://127.0.0.1:{}", vexil_testkit::free_port());
    let r = a.vexil(&["export", "--project", "shop", "--url", &closed]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("VEXIL_URL"), "{}", r.stderr);
    let r = a.vexil(&["export", "--schema", "--output", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.json()["properties"]["flags"].is_object(), "{}", r.stdout);
}
