//! One context, one answer, whatever the path: random contexts (nested objects, lists,
//! times, nulls, a dotted name that clashes with a nested one) evaluated through the SDK,
//! its OpenFeature provider, the server's OFREP endpoint and the evaluation debugger must
//! be served the same variant of every flag.

use std::collections::HashMap;

use open_feature::{EvaluationContext, EvaluationContextFieldValue, OpenFeature, StructValue};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use serde_json::{Value, json};
use time::OffsetDateTime;
use vexil_core::Context;
use vexil_sdk::openfeature::VexilProvider;
use vexil_testkit::{Admin, Server, TestDb};

use crate::support::{eventually, fast, vexil_binary};

/// A context member, rendered to JSON (OFREP, the debugger) or to OpenFeature's types.
#[derive(Debug, Clone)]
enum Member {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    List(Vec<String>),
    Time(OffsetDateTime),
    Null,
    Object(Vec<(String, Member)>),
}

impl Member {
    fn json(&self) -> Value {
        match self {
            Member::Str(s) => json!(s),
            Member::Int(i) => json!(i),
            Member::Float(f) => json!(f),
            Member::Bool(b) => json!(b),
            Member::List(l) => json!(l),
            Member::Time(t) => json!(rfc3339(*t)),
            Member::Null => Value::Null,
            Member::Object(members) => {
                Value::Object(members.iter().map(|(k, v)| (k.clone(), v.json())).collect())
            }
        }
    }

    /// As an OpenFeature context field (`None`: OpenFeature has no null).
    fn field(&self) -> Option<EvaluationContextFieldValue> {
        Some(match self {
            Member::Str(s) => EvaluationContextFieldValue::String(s.clone()),
            Member::Int(i) => EvaluationContextFieldValue::Int(*i),
            Member::Float(f) => EvaluationContextFieldValue::Float(*f),
            Member::Bool(b) => EvaluationContextFieldValue::Bool(*b),
            Member::List(l) => EvaluationContextFieldValue::new_struct(open_feature::Value::Array(
                l.iter().map(|s| open_feature::Value::String(s.clone())).collect(),
            )),
            Member::Time(t) => EvaluationContextFieldValue::DateTime(*t),
            Member::Null => return None,
            Member::Object(members) => EvaluationContextFieldValue::new_struct(StructValue {
                fields: members.iter().filter_map(|(k, v)| Some((k.clone(), v.value()?))).collect(),
            }),
        })
    }

    /// As an OpenFeature structure value (which has no time: the provider's JSON).
    fn value(&self) -> Option<open_feature::Value> {
        use open_feature::Value as V;
        Some(match self {
            Member::Str(s) => V::String(s.clone()),
            Member::Int(i) => V::Int(*i),
            Member::Float(f) => V::Float(*f),
            Member::Bool(b) => V::Bool(*b),
            Member::List(l) => V::Array(l.iter().map(|s| V::String(s.clone())).collect()),
            Member::Time(t) => V::String(rfc3339(*t)),
            Member::Null => return None,
            Member::Object(members) => V::Struct(StructValue {
                fields: members.iter().filter_map(|(k, v)| Some((k.clone(), v.value()?))).collect(),
            }),
        })
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).expect("a formattable time")
}

/// A random context: an optional targeting key and members.
#[derive(Debug, Clone)]
struct RandomContext {
    key: Option<String>,
    members: Vec<(String, Member)>,
}

impl RandomContext {
    fn generate(rng: &mut StdRng) -> RandomContext {
        let pick = |rng: &mut StdRng, items: &[&str]| items[rng.gen_range(0..items.len())].to_owned();
        let key = rng.gen_bool(0.85).then(|| format!("user-{}", rng.gen_range(0..1000)));
        let mut members = Vec::new();
        if rng.gen_bool(0.8) {
            let mut user = vec![("plan".to_owned(), Member::Str(pick(rng, &["pro", "free", "team"])))];
            if rng.gen_bool(0.7) {
                user.push(("id".to_owned(), Member::Str(format!("id-{}", rng.gen_range(0..500)))));
            }
            if rng.gen_bool(0.7) {
                let age = if rng.gen_bool(0.5) {
                    Member::Int(rng.gen_range(15..60))
                } else {
                    Member::Float(rng.gen_range(15.0..60.0))
                };
                user.push(("age".to_owned(), age));
            }
            if rng.gen_bool(0.3) {
                user.push((
                    "org".to_owned(),
                    Member::Object(vec![("tier".to_owned(), Member::Int(rng.gen_range(1..4)))]),
                ));
            }
            members.push(("user".to_owned(), Member::Object(user)));
        }
        if rng.gen_bool(0.2) {
            // Clashes with `user`'s `plan`: every path must resolve it the same way.
            members.push(("user.plan".to_owned(), Member::Str(pick(rng, &["pro", "free"]))));
        }
        if rng.gen_bool(0.7) {
            members.push((
                "geo".to_owned(),
                Member::Object(vec![(
                    "country".to_owned(),
                    Member::Str(pick(rng, &["DE", "FR", "US", "BR"])),
                )]),
            ));
        }
        if rng.gen_bool(0.5) {
            let groups =
                ["beta", "staff", "press"].iter().filter(|_| rng.gen_bool(0.4)).map(|s| (*s).to_owned());
            members.push(("groups".to_owned(), Member::List(groups.collect())));
        }
        if rng.gen_bool(0.5) {
            let seconds = rng.gen_range(1_650_000_000..1_750_000_000_i64);
            members.push((
                "signup".to_owned(),
                Member::Time(OffsetDateTime::from_unix_timestamp(seconds).expect("a time")),
            ));
        }
        if rng.gen_bool(0.4) {
            members.push(("beta".to_owned(), Member::Bool(rng.gen_bool(0.5))));
        }
        if rng.gen_bool(0.2) {
            members.push(("note".to_owned(), Member::Null));
        }
        RandomContext { key, members }
    }

    /// What an OFREP provider sends.
    fn ofrep(&self) -> serde_json::Map<String, Value> {
        let mut map: serde_json::Map<String, Value> =
            self.members.iter().map(|(k, v)| (k.clone(), v.json())).collect();
        if let Some(k) = &self.key {
            map.insert("targetingKey".to_owned(), json!(k));
        }
        map
    }

    /// The same context in OpenFeature's Rust types.
    fn openfeature(&self) -> EvaluationContext {
        let custom_fields: HashMap<String, EvaluationContextFieldValue> =
            self.members.iter().filter_map(|(k, v)| Some((k.clone(), v.field()?))).collect();
        EvaluationContext { targeting_key: self.key.clone(), custom_fields }
    }
}

/// Flags targeting nested attributes, lists, times, numbers and a rollout on a nested
/// attribute.
const FLAGS: [(&str, &str); 6] = [
    (
        "plan-gate",
        r#"{"rules": [{"id": "paid", "conditions": [{"attribute": "user.plan", "op": "in", "values": ["pro", "team"]}], "serve": {"variant": "on"}}]}"#,
    ),
    (
        "region",
        r#"{"rules": [{"id": "eu", "conditions": [{"attribute": "geo.country", "op": "in", "values": ["DE", "FR"]}], "serve": {"variant": "on"}}]}"#,
    ),
    (
        "senior",
        r#"{"rules": [{"id": "age", "conditions": [{"attribute": "user.age", "op": "gte", "values": [30]}], "serve": {"variant": "on"}}]}"#,
    ),
    (
        "early",
        r#"{"rules": [{"id": "early", "conditions": [{"attribute": "signup", "op": "before", "values": ["2023-06-01T00:00:00Z"]}, {"attribute": "groups", "op": "in", "values": ["beta", "staff"]}], "serve": {"variant": "on"}}]}"#,
    ),
    (
        "tiered",
        r#"{"rules": [{"id": "tier", "conditions": [{"attribute": "user.org.tier", "op": "gte", "values": [2]}, {"attribute": "beta", "op": "in", "values": [true]}], "serve": {"variant": "on"}}]}"#,
    ),
    (
        "split",
        r#"{"default": {"rollout": {"bucket_by": "user.id", "weights": [{"variant": "on", "weight": 50000}, {"variant": "off", "weight": 50000}]}}}"#,
    ),
];

async fn seed(admin: &Admin) {
    for (flag, config) in FLAGS {
        let (s, b) = admin
            .call(
                Method::POST,
                "/api/v1/projects/default/flags",
                Some(json!({"key": flag, "kind": "boolean"})),
            )
            .await;
        assert_eq!(s, 201, "{b}");
        let mut full = json!({"enabled": true, "off_variant": "off", "default": {"variant": "off"}});
        for (k, v) in serde_json::from_str::<serde_json::Map<String, Value>>(config).unwrap() {
            full[k] = v;
        }
        admin.put_config(flag, full).await;
    }
}

/// The variant each path serves, by flag.
async fn through_every_path(
    server: &Server,
    admin: &Admin,
    key: &str,
    client: &vexil_sdk::Client,
    provider: &open_feature::Client,
    ctx: &RandomContext,
) -> Vec<(&'static str, [Option<String>; 4])> {
    let http = reqwest::Client::new();
    let sdk_ctx = Context::from_openfeature(&ctx.ofrep()).expect("a usable context");
    let of_ctx = ctx.openfeature();
    let mut out = Vec::new();
    for (flag, _) in FLAGS {
        let sdk = client.bool_details(flag, &sdk_ctx, false).variant;
        let of = provider.get_bool_details(flag, Some(&of_ctx), None).await.ok().and_then(|d| d.variant);
        let ofrep: Value = http
            .post(format!("{}/ofrep/v1/evaluate/flags/{flag}", server.base))
            .header("x-api-key", key)
            .json(&json!({"context": ctx.ofrep()}))
            .send()
            .await
            .expect("OFREP")
            .json()
            .await
            .expect("an OFREP body");
        let attributes: serde_json::Map<String, Value> =
            ctx.members.iter().map(|(k, v)| (k.clone(), v.json())).collect();
        let body = json!({"flag": flag, "context": {"key": ctx.key, "attributes": attributes}});
        let (s, debug) = admin
            .call(Method::POST, "/api/v1/projects/default/environments/production/evaluate", Some(body))
            .await;
        assert_eq!(s, 200, "{debug}");
        let variant = |v: &Value| v.as_str().map(str::to_owned);
        out.push((
            flag,
            [sdk, of, variant(&ofrep["variant"]), variant(&debug["results"][0]["result"]["variant"])],
        ));
    }
    out
}

async fn the_same_context_gets_the_same_variant_through_every_path(db: TestDb, provider_name: &str) {
    let server = Server::builder(vexil_binary(), &db.url).start().await;
    let admin = Admin::login(&server).await;
    seed(&admin).await;
    let (key, _) = admin.sdk_key("server").await;
    let version = admin.env_version().await;
    let client = fast(vexil_sdk::Client::builder(&server.base, &key)).build().expect("a client");
    eventually("the SDK to have every flag", || async { (client.version() >= Some(version)).then_some(()) })
        .await;
    let provider = {
        let mut api = OpenFeature::singleton_mut().await;
        api.set_named_provider(provider_name, VexilProvider::new(client.clone())).await;
        api.create_named_client(provider_name)
    };
    let seed = std::env::var("VEXIL_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| OffsetDateTime::now_utc().unix_timestamp_nanos() as u64);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut served_on = 0;
    for _ in 0..40 {
        let ctx = RandomContext::generate(&mut rng);
        for (flag, [sdk, of, ofrep, debugger]) in
            through_every_path(&server, &admin, &key, &client, &provider, &ctx).await
        {
            assert!(
                sdk == of && of == ofrep && ofrep == debugger,
                "{flag}: SDK {sdk:?}, OpenFeature provider {of:?}, OFREP {ofrep:?}, debugger {debugger:?} \
                 for {ctx:?} (VEXIL_TEST_SEED={seed})"
            );
            served_on += usize::from(sdk.as_deref() == Some("on"));
        }
    }
    // The contexts reach the rules: a comparison of "off" everywhere would prove little.
    assert!(served_on > 10, "only {served_on} evaluations matched a rule (VEXIL_TEST_SEED={seed})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_context_gets_the_same_variant_through_every_path_on_postgres() {
    the_same_context_gets_the_same_variant_through_every_path(TestDb::postgres().await, "one-context-pg")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_context_gets_the_same_variant_through_every_path_on_sqlite() {
    the_same_context_gets_the_same_variant_through_every_path(TestDb::sqlite(), "one-context-sqlite").await;
}
