//! Offline mode from a bootstrap snapshot: typed calls, errors, bootstrapping a front
//! end. No server involved.

use std::time::Duration;

use serde_json::json;
use vexil_sdk::{Client, Context, ErrorCode, ReasonKind, Status, TrackError};

fn bootstrap() -> serde_json::Value {
    let bool_variants = json!([{"key": "on", "value": true}, {"key": "off", "value": false}]);
    json!({"environment": "production", "version": 12, "segments": [], "flags": [
        {"key": "gate", "kind": "boolean", "salt": "g", "variants": bool_variants,
         "config": {"enabled": false, "off_variant": "off", "default": {"variant": "on"}}},
        {"key": "gated", "kind": "boolean", "salt": "d", "variants": bool_variants,
         "config": {"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                    "prerequisites": [{"flag": "gate", "variant": "on"}]}},
        {"key": "rollout", "kind": "boolean", "salt": "r", "variants": bool_variants,
         "config": {"enabled": true, "off_variant": "off",
                    "default": {"rollout": {"weights": [{"variant": "on", "weight": 50000},
                                                         {"variant": "off", "weight": 50000}]}}}},
        {"key": "plan-limit", "kind": "number", "salt": "p", "client_visible": true,
         "variants": [{"key": "free", "value": 3}, {"key": "pro", "value": 2.5}],
         "config": {"enabled": true, "off_variant": "free", "default": {"variant": "free"},
                    "rules": [{"id": "pro", "conditions": [{"attribute": "plan", "op": "in", "values": ["pro"]}],
                               "serve": {"variant": "pro"}}]}},
        {"key": "copy", "kind": "string", "salt": "c",
         "variants": [{"key": "a", "value": "Buy now"}, {"key": "b", "value": "Order"}],
         "config": {"enabled": true, "off_variant": "a", "default": {"variant": "b"}}},
        {"key": "layout", "kind": "json", "salt": "l",
         "variants": [{"key": "grid", "value": {"columns": 3}}, {"key": "list", "value": [1, 2]}],
         "config": {"enabled": true, "off_variant": "grid", "default": {"variant": "grid"}}}
    ]})
}

fn client() -> Client {
    Client::builder("http://127.0.0.1:9", "vx_srv_offline")
        .offline(true)
        .bootstrap_json(bootstrap().to_string())
        .build()
        .unwrap()
}

#[test]
fn an_offline_client_serves_its_bootstrap_with_reasons() {
    let c = client();
    assert_eq!(c.status(), Status::Offline);
    assert_eq!(c.version(), Some(12));
    c.wait_until_ready_blocking(Duration::from_millis(1)).unwrap();
    let user = Context::new("user-1");
    let pro = Context::new("user-2").with("plan", "pro");

    let d = c.bool_details("gate", &user, true);
    assert_eq!((d.value, d.reason), (false, ReasonKind::Disabled));
    let d = c.bool_details("gated", &user, true);
    assert_eq!(
        (d.value, d.reason, d.prerequisite.as_deref()),
        (false, ReasonKind::PrerequisiteFailed, Some("gate"))
    );
    let d = c.bool_details("rollout", &user, false);
    assert_eq!(d.reason, ReasonKind::Split);
    assert_eq!(c.number_value("plan-limit", &user, 0.0), 3.0);
    let d = c.number_details("plan-limit", &pro, 0.0);
    assert_eq!((d.value, d.reason, d.rule_id.as_deref()), (2.5, ReasonKind::TargetingMatch, Some("pro")));
    assert_eq!(c.string_value("copy", &user, "x"), "Order");
    assert_eq!(c.json_value("layout", &user, json!(null)), json!({"columns": 3}));
    assert_eq!(c.json_value("copy", &user, json!(null)), json!("Order"), "json accepts every kind");
}

#[test]
fn errors_return_the_default_with_a_code() {
    let c = client();
    let user = Context::new("user-1");
    let cases = [
        (c.bool_details("missing", &user, true), ErrorCode::FlagNotFound),
        (c.bool_details("copy", &user, true), ErrorCode::TypeMismatch),
        (c.bool_details("rollout", &Context::anonymous(), true), ErrorCode::TargetingKeyMissing),
    ];
    for (d, code) in cases {
        assert_eq!((d.value, d.reason, d.error_code, d.variant), (true, ReasonKind::Error, Some(code), None));
    }
    assert_eq!(c.string_details("plan-limit", &user, "dflt").value, "dflt");
    assert_eq!(c.number_value("copy", &user, 7.0), 7.0);
}

#[test]
fn all_flags_is_json_for_a_front_end_and_can_be_limited_to_client_visible_flags() {
    let c = client();
    let all = serde_json::to_value(c.all_flags(&Context::new("user-1").with("plan", "pro"))).unwrap();
    assert_eq!(all["environment"], "production");
    assert_eq!(all["version"], 12);
    assert_eq!(
        all["flags"]["plan-limit"],
        json!({"value": 2.5, "variant": "pro", "reason": "TARGETING_MATCH",
                                                   "rule_index": 0, "rule_id": "pro"})
    );
    assert_eq!(all["flags"]["gate"], json!({"value": false, "variant": "off", "reason": "DISABLED"}));
    assert_eq!(all["flags"].as_object().unwrap().len(), 6);
    let visible = c.client_visible_flags(&Context::new("user-1"));
    assert_eq!(visible.flags.keys().collect::<Vec<_>>(), ["plan-limit"]);
    let back: vexil_sdk::AllFlags = serde_json::from_value(all).unwrap();
    assert_eq!(back.flags.len(), 6);
}

#[test]
fn offline_clients_send_no_events_and_close_cleanly() {
    let c = client();
    let user = Context::new("user-1");
    assert_eq!(c.try_track("checkout", &user, 1.0), Err(TrackError::Disabled));
    c.track("checkout", &user, 1.0);
    assert_eq!((c.stats().events_dropped, c.stats().events_invalid), (0, 0), "not an error: nothing to send");
    let clone = c.clone();
    c.close();
    assert_eq!(clone.status(), Status::Closed);
    assert_eq!(clone.string_value("copy", &user, "x"), "Order", "values stay after close");
}

#[test]
fn track_never_fails_the_caller_and_counts_what_it_refuses() {
    let c = Client::builder("http://127.0.0.1:9", "vx_srv_x").event_buffer(10, 2).build().unwrap();
    let user = Context::new("user-1");
    assert_eq!(c.try_track("has space", &user, 1.0), Err(TrackError::InvalidEventKey("has space".into())));
    assert_eq!(c.try_track("ok", &user, f64::NAN), Err(TrackError::NotFinite));
    assert_eq!(c.try_track("ok", &user, 1.0), Ok(()));
    assert_eq!(c.stats().events_invalid, 0, "try_track only reports");

    c.track("has space", &user, 1.0);
    c.track("ok", &user, f64::INFINITY);
    c.track("ok", &user, 2.0);
    c.track("ok", &user, 3.0); // the buffer holds 2
    let stats = c.stats();
    assert_eq!((stats.events_invalid, stats.events_dropped), (2, 1), "{stats:?}");
}

#[test]
fn clients_are_cheap_to_share_across_threads() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<Client>();
    let c = client();
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let c = c.clone();
            std::thread::spawn(move || c.string_value("copy", &Context::new(format!("u{i}")), ""))
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), "Order");
    }
}

#[test]
fn the_blocking_wait_works_without_any_runtime_and_drop_stops_the_thread() {
    let c = Client::builder("http://127.0.0.1:9", "vx_srv_x")
        .connect_timeout(Duration::from_millis(100))
        .bootstrap_json(bootstrap().to_string())
        .build()
        .unwrap();
    // A bootstrap gives data at once, before the server answers, and says so.
    c.wait_until_ready_blocking(Duration::from_secs(1)).unwrap();
    assert_eq!(c.status(), Status::Bootstrap);
    let started = std::time::Instant::now();
    drop(c);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn clients_used_alternately_on_one_thread_each_serve_their_own_snapshot() {
    let a = client();
    let mut other = bootstrap();
    other["flags"][4]["config"]["default"] = json!({"variant": "a"});
    let b = Client::builder("http://127.0.0.1:9", "vx_srv_offline")
        .offline(true)
        .bootstrap_json(other.to_string())
        .build()
        .unwrap();
    let user = Context::new("user-1");
    for _ in 0..3 {
        assert_eq!(a.string_value("copy", &user, ""), "Order");
        assert_eq!(b.string_value("copy", &user, ""), "Buy now");
    }
    drop(a);
    // A client created after another was dropped never sees the other's data.
    let c = client();
    assert_eq!(c.string_value("copy", &user, ""), "Order");
    assert_eq!(b.string_value("copy", &user, ""), "Buy now");
}
