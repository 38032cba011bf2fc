//! The OpenFeature provider, driven through the OpenFeature client API. Tests bind
//! their provider to a client name of their own (the API is a process-wide singleton),
//! except one that uses the default provider.

use std::time::Duration;

use open_feature::{EvaluationContext, EvaluationErrorCode, EvaluationReason, OpenFeature, StructValue};
use serde_json::json;
use vexil_sdk::openfeature::VexilProvider;
use vexil_sdk::{Client, Status};

use crate::support::{Setup, eventually, free_port};

fn bootstrap() -> String {
    let bool_variants = json!([{"key": "on", "value": true}, {"key": "off", "value": false}]);
    json!({"environment": "production", "version": 3, "flags": [
        {"key": "gate", "kind": "boolean", "salt": "g", "variants": bool_variants,
         "config": {"enabled": false, "off_variant": "off", "default": {"variant": "on"}}},
        {"key": "gated", "kind": "boolean", "salt": "d", "variants": bool_variants,
         "config": {"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                    "prerequisites": [{"flag": "gate", "variant": "on"}]}},
        {"key": "beta", "kind": "boolean", "salt": "b", "variants": bool_variants,
         "config": {"enabled": true, "off_variant": "off", "default": {"variant": "off"},
                    "rules": [{"id": "testers", "conditions": [{"attribute": "tester", "op": "in", "values": [true]}],
                               "serve": {"variant": "on"}}]}},
        {"key": "limit", "kind": "number", "salt": "n",
         "variants": [{"key": "low", "value": 10}, {"key": "half", "value": 0.5}],
         "config": {"enabled": true, "off_variant": "half", "default": {"variant": "low"}}},
        {"key": "ratio", "kind": "number", "salt": "r",
         "variants": [{"key": "low", "value": 10}, {"key": "half", "value": 0.5}],
         "config": {"enabled": true, "off_variant": "low", "default": {"variant": "half"}}},
        {"key": "copy", "kind": "string", "salt": "c", "variants": [{"key": "a", "value": "Buy"}],
         "config": {"enabled": true, "off_variant": "a", "default": {"variant": "a"}}},
        {"key": "layout", "kind": "json", "salt": "l",
         "variants": [{"key": "grid", "value": {"columns": 3, "dense": true}}, {"key": "list", "value": [1]}],
         "config": {"enabled": true, "off_variant": "list", "default": {"variant": "grid"}}}
    ]})
    .to_string()
}

fn offline_provider() -> VexilProvider {
    let client =
        Client::builder("http://127.0.0.1:9", "vx_srv_of").offline(true).bootstrap_json(bootstrap()).build();
    VexilProvider::new(client.unwrap())
}

async fn named_client(name: &str, provider: VexilProvider) -> open_feature::Client {
    let mut api = OpenFeature::singleton_mut().await;
    api.set_named_provider(name, provider).await;
    api.create_named_client(name)
}

#[tokio::test]
async fn values_reasons_and_variants_map_onto_openfeature() {
    let flags = named_client("values", offline_provider()).await;
    let user = EvaluationContext::default().with_targeting_key("user-1");
    let tester = user.clone().with_custom_field("tester", true);

    let d = flags.get_bool_details("beta", Some(&tester), None).await.unwrap();
    assert_eq!(
        (d.value, d.variant.as_deref(), d.reason),
        (true, Some("on"), Some(EvaluationReason::TargetingMatch))
    );
    assert_eq!(d.flag_metadata.values.get("ruleId"), Some(&"testers".into()));
    assert_eq!(d.flag_metadata.values.get("ruleIndex"), Some(&0i64.into()));
    let d = flags.get_bool_details("beta", Some(&user), None).await.unwrap();
    assert_eq!((d.value, d.reason), (false, Some(EvaluationReason::Default)));
    let d = flags.get_bool_details("gate", Some(&user), None).await.unwrap();
    assert_eq!(d.reason, Some(EvaluationReason::Disabled));
    let d = flags.get_bool_details("gated", Some(&user), None).await.unwrap();
    assert_eq!(d.reason, Some(EvaluationReason::Other("PREREQUISITE_FAILED".into())));
    assert_eq!(d.flag_metadata.values.get("prerequisite"), Some(&"gate".into()));

    assert_eq!(flags.get_int_value("limit", Some(&user), None).await.unwrap(), 10);
    assert_eq!(flags.get_float_value("limit", Some(&user), None).await.unwrap(), 10.0);
    assert_eq!(flags.get_string_value("copy", Some(&user), None).await.unwrap(), "Buy");
    let layout: StructValue = flags.get_struct_value("layout", Some(&user), None).await.unwrap();
    assert_eq!(layout.fields.get("columns"), Some(&open_feature::Value::Int(3)));
    assert_eq!(layout.fields.get("dense"), Some(&open_feature::Value::Bool(true)));
}

#[tokio::test]
async fn errors_map_onto_openfeature_error_codes() {
    let flags = named_client("errors", offline_provider()).await;
    let user = EvaluationContext::default().with_targeting_key("user-1");
    let e = flags.get_bool_value("missing", Some(&user), None).await.unwrap_err();
    assert_eq!(e.code, EvaluationErrorCode::FlagNotFound);
    let e = flags.get_string_value("limit", Some(&user), None).await.unwrap_err();
    assert_eq!(e.code, EvaluationErrorCode::TypeMismatch);
    let e = flags.get_struct_value::<StructValue>("copy", Some(&user), None).await.unwrap_err();
    assert_eq!(e.code, EvaluationErrorCode::TypeMismatch);
    // `ratio` serves 0.5: not an integer, and the error says so.
    let e = flags.get_int_value("ratio", Some(&user), None).await.unwrap_err();
    assert_eq!(e.code, EvaluationErrorCode::TypeMismatch);
    assert_eq!(
        e.message.as_deref(),
        Some("flag \"ratio\": TYPE_MISMATCH: 0.5 is not an integer in i64's range")
    );
}

#[tokio::test]
async fn a_provider_without_data_reports_not_ready() {
    let unreachable = format!("http://127.0.0.1:{}", free_port());
    let client = Client::builder(unreachable, "vx_srv_x").build().unwrap();
    let provider = VexilProvider::new(client).init_timeout(Duration::from_millis(100));
    let flags = named_client("not-ready", provider).await;
    let user = EvaluationContext::default().with_targeting_key("user-1");
    let e = flags.get_bool_value("f", Some(&user), None).await.unwrap_err();
    assert_eq!(e.code, EvaluationErrorCode::ProviderNotReady);
}

/// The default provider of the singleton, against a real server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_provider_follows_a_real_server() {
    let s = Setup::new().await;
    let client = s.client().build().unwrap();
    let mut api = OpenFeature::singleton_mut().await;
    api.set_provider(VexilProvider::new(client.clone())).await;
    let flags = api.create_client();
    drop(api);
    assert_eq!(client.status(), Status::Ready, "set_provider waits for data");
    let user = EvaluationContext::default().with_targeting_key("user-1");
    let d = flags.get_bool_details("f", Some(&user), None).await.unwrap();
    assert_eq!((d.value, d.reason), (false, Some(EvaluationReason::Disabled)));
    s.admin.toggle("f", true).await;
    eventually("the change through OpenFeature", || async {
        flags.get_bool_value("f", Some(&user), None).await.ok().filter(|v| *v)
    })
    .await;
}

#[tokio::test]
async fn test_data_works_through_the_provider_and_changes_reach_it_at_once() {
    let td = vexil_sdk::TestData::new();
    td.update(td.flag("checkout").value_for_all(false).if_match("plan", ["pro"]).then_value(true));
    let flags = named_client("test-data", VexilProvider::new(td.client())).await;
    let pro = EvaluationContext::default().with_targeting_key("user-1").with_custom_field("plan", "pro");
    let free = EvaluationContext::default().with_targeting_key("user-2").with_custom_field("plan", "free");
    let d = flags.get_bool_details("checkout", Some(&pro), None).await.unwrap();
    assert_eq!((d.value, d.reason), (true, Some(EvaluationReason::TargetingMatch)));
    assert!(!flags.get_bool_value("checkout", Some(&free), None).await.unwrap());

    td.update(td.flag("checkout").value_for_all(true));
    assert!(flags.get_bool_value("checkout", Some(&free), None).await.unwrap());
}
