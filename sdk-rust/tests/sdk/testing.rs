//! Test data, hooks, value-change listeners, typed values and flushing: what
//! application code and its tests use every day.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};
use vexil_sdk::{
    Client, Context, ErrorCode, EvaluationError, EvaluationRecord, FlushError, Hook, HookContext, HookError,
    Op, ReasonKind, Status, TestData, TransportFailure,
};

use crate::fake::FakeServer;
use crate::support::{fast, free_port, snapshot};

fn user(key: &str) -> Context {
    Context::new(key)
}

#[test]
fn test_data_serves_values_targets_rules_and_rollouts() {
    let td = TestData::new();
    td.update(td.flag("checkout").value_for_all(false).value_for("user-7", true));
    td.update(
        td.flag("theme")
            .value_for_all("light")
            .if_match("country", ["DE", "AT"])
            .and_not_match("plan", ["free"])
            .then_value("dark")
            .if_condition("email", Op::EndsWith, ["@example.com"])
            .then_value("staff"),
    );
    td.update(td.flag("limit").value_for_all(10));
    td.update(td.flag("layout").value_for_all(json!({"columns": 3})));
    td.update(td.flag("half").rollout([(true, 50_000), (false, 50_000)]));
    let client = td.client();
    assert_eq!(client.status(), Status::Ready);

    let d = client.bool_details("checkout", &user("user-7"), false);
    assert_eq!((d.value, d.reason), (true, ReasonKind::TargetingMatch));
    assert!(!client.bool_value("checkout", &user("user-8"), true));

    let german = user("u1").with("country", "DE").with("plan", "pro");
    let d = client.string_details("theme", &german, "?");
    assert_eq!((d.value.as_str(), d.rule_index), ("dark", Some(0)));
    let free = user("u2").with("country", "DE").with("plan", "free");
    assert_eq!(client.string_value("theme", &free, "?"), "light");
    let staff = user("u3").with("email", "ann@example.com");
    assert_eq!(client.string_details("theme", &staff, "?").rule_index, Some(1));

    assert_eq!(client.int_value("limit", &user("u"), 0), 10);
    assert_eq!(client.json_value("layout", &user("u"), Value::Null), json!({"columns": 3}));

    // A real rollout: the split is the production bucketing, stable per key.
    let on = (0..1000).filter(|i| client.bool_value("half", &user(&format!("user-{i}")), false)).count();
    assert!((400..600).contains(&on), "{on} of 1000");
    let d = client.bool_details("half", &user("user-1"), false);
    assert_eq!(d.reason, ReasonKind::Split);
    assert_eq!(client.bool_value("half", &user("user-1"), !d.value), d.value, "stable");

    // Off: the off value.
    td.update(td.flag("checkout").on(false));
    let d = client.bool_details("checkout", &user("user-7"), true);
    assert_eq!((d.value, d.reason), (false, ReasonKind::Disabled));
    td.delete_flag("checkout");
    assert_eq!(
        client.bool_details("checkout", &user("user-7"), true).error_code,
        Some(ErrorCode::FlagNotFound)
    );
}

#[test]
fn a_change_mid_test_reaches_every_client_and_notifies_subscribers_before_update_returns() {
    let td = TestData::new();
    td.update(td.flag("checkout").value_for_all(false));
    td.update(td.flag("other").value_for_all(1));
    let (a, b) = (td.client(), td.client());
    let mut changes = a.subscribe_changes();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let listener = b.on_change("checkout", &user("user-1"), move |c| {
        sink.lock().unwrap().push((c.old_value.clone(), c.new_value.clone(), c.details.variant.clone()));
    });

    td.update(td.flag("checkout").value_for_all(true));
    assert!(
        a.bool_value("checkout", &user("user-1"), false) && b.bool_value("checkout", &user("user-1"), false)
    );
    let change = changes.try_recv().unwrap();
    assert_eq!(&*change.flags, ["checkout".to_owned()]);
    assert_eq!(*seen.lock().unwrap(), [(Some(json!(false)), Some(json!(true)), Some("on".to_owned()))]);

    // A change to another flag, or one that leaves this context's value alone, is not
    // a value change for the listener.
    td.update(td.flag("other").value_for_all(2));
    td.update(td.flag("checkout").value_for_all(true).value_for("user-2", false));
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert_eq!(&*changes.try_recv().unwrap().flags, ["other".to_owned()]);

    // A deleted flag has no value; a dropped listener hears nothing more.
    td.delete_flag("checkout");
    assert_eq!(seen.lock().unwrap().last().unwrap().1, None);
    drop(listener);
    td.update(td.flag("checkout").value_for_all(true));
    assert_eq!(seen.lock().unwrap().len(), 2);

    // Clients that are gone are forgotten; new ones start from the current data.
    drop(a);
    td.update(td.flag("checkout").value_for_all(false));
    assert!(!td.client().bool_value("checkout", &user("user-1"), true));
    assert!(!b.bool_value("checkout", &user("user-1"), true));
}

#[test]
fn test_data_clients_send_nothing_and_refuse_options_that_need_a_server() {
    let td = TestData::new();
    let client = td.client();
    client.track("checkout", &user("u"), 1.0);
    assert_eq!(client.stats().events_dropped, 0);
    client.flush_blocking(Duration::from_secs(1)).unwrap();
    for b in [td.builder().persistence_path("/tmp/x"), td.builder().bootstrap_json("{}")] {
        assert!(matches!(b.build(), Err(vexil_sdk::BuildError::Conflict { with: "test data", .. })));
    }
}

#[test]
fn a_test_data_flag_that_would_not_validate_evaluates_to_an_error() {
    let td = TestData::new();
    td.update(td.flag("beta").value_for_all(false).if_segment("no-such-segment").then_value(true));
    td.update(td.flag("fine").value_for_all(true));
    let client = td.client();
    assert_eq!(client.bool_details("beta", &user("u"), false).error_code, Some(ErrorCode::ParseError));
    assert!(client.bool_value("fine", &user("u"), false));
    assert_eq!(client.failures().len(), 1);
}

#[derive(Debug, Deserialize, PartialEq)]
struct Layout {
    columns: u32,
    dense: bool,
}

#[test]
fn typed_values_fit_or_say_type_mismatch() {
    let td = TestData::new();
    td.update(td.flag("limit").value_for_all(100));
    td.update(td.flag("ratio").value_for_all(0.5));
    td.update(td.flag("huge").value_for_all(1e300));
    td.update(td.flag("layout").value_for_all(json!({"columns": 3, "dense": true})));
    td.update(td.flag("partial").value_for_all(json!({"columns": 3})));
    let client = td.client();
    let u = user("u");

    assert_eq!(client.int_value("limit", &u, 0), 100);
    for flag in ["ratio", "huge"] {
        let d = client.int_details(flag, &u, 7);
        assert_eq!(
            (d.value, d.reason, d.error_code),
            (7, ReasonKind::Error, Some(ErrorCode::TypeMismatch)),
            "{flag}"
        );
        assert_eq!(client.int_value(flag, &u, 7), 7, "{flag}");
    }
    assert_eq!(
        client.int_details("ratio", &u, 7).error_message.as_deref(),
        Some("0.5 is not an integer in i64's range")
    );
    let d = client.int_details("layout", &u, 7);
    assert_eq!((d.error_code, d.error_message), (Some(ErrorCode::TypeMismatch), None), "not a number at all");
    assert_eq!(client.int_value("layout", &u, 7), 7);

    let default = || Layout { columns: 1, dense: false };
    assert_eq!(client.json_value_as("layout", &u, default()), Layout { columns: 3, dense: true });
    let d = client.json_details_as("partial", &u, default());
    assert_eq!((d.value, d.error_code), (default(), Some(ErrorCode::TypeMismatch)));
    assert_eq!(d.error_message.as_deref(), Some("missing field `dense`"), "serde's reason");
    let d = client.json_details_as("missing", &u, default());
    assert_eq!(d.error_code, Some(ErrorCode::FlagNotFound));
    // Any kind deserialises when it fits.
    assert_eq!(client.json_value_as::<u64>("limit", &u, 0), 100);
}

/// Records every stage it sees, tagged with its name.
struct Recorder {
    name: &'static str,
    log: Arc<Mutex<Vec<String>>>,
    fail_before: bool,
    fail_after: bool,
}

impl Recorder {
    fn new(name: &'static str, log: &Arc<Mutex<Vec<String>>>) -> Recorder {
        Recorder { name, log: log.clone(), fail_before: false, fail_after: false }
    }

    fn push(&self, entry: String) {
        self.log.lock().unwrap().push(format!("{}.{entry}", self.name));
    }
}

fn describe(d: &EvaluationRecord) -> String {
    format!("{:?}/{:?}/{}/{:?}", d.value, d.variant, d.reason.as_str(), d.error_code)
}

impl Hook for Recorder {
    fn before(&self, hook: &HookContext<'_>) -> Result<(), HookError> {
        self.push(format!(
            "before({}, {:?}, {}, {:?})",
            hook.flag_key,
            hook.kind,
            hook.context.key().unwrap_or(""),
            hook.default_value
        ));
        if self.fail_before { Err("before refused".into()) } else { Ok(()) }
    }
    fn after(&self, hook: &HookContext<'_>, details: &EvaluationRecord) -> Result<(), HookError> {
        self.push(format!("after({}, {})", hook.flag_key, describe(details)));
        if self.fail_after { Err("after refused".into()) } else { Ok(()) }
    }
    fn error(&self, hook: &HookContext<'_>, error: &EvaluationError) {
        self.push(format!("error({}, {})", hook.flag_key, error.code.as_str()));
    }
    fn finally(&self, hook: &HookContext<'_>, details: &EvaluationRecord) {
        self.push(format!("finally({}, {})", hook.flag_key, describe(details)));
    }
}

fn hooked(hooks: Vec<Recorder>) -> (TestData, Client) {
    let td = TestData::new();
    td.update(td.flag("checkout").value_for_all(false).if_match("plan", ["pro"]).then_value(true));
    let builder = hooks.into_iter().fold(td.builder(), |b, h| b.hook(Arc::new(h)));
    (td, builder.build().unwrap())
}

fn take(log: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
}

#[test]
fn hooks_run_in_order_with_the_evaluation_details() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let (_td, client) = hooked(vec![Recorder::new("a", &log), Recorder::new("b", &log)]);
    let pro = user("user-1").with("plan", "pro");

    assert!(client.bool_value("checkout", &pro, false));
    assert_eq!(
        take(&log),
        [
            "a.before(checkout, Boolean, user-1, Some(Bool(false)))",
            "b.before(checkout, Boolean, user-1, Some(Bool(false)))",
            "b.after(checkout, Some(Bool(true))/Some(\"on\")/TARGETING_MATCH/None)",
            "a.after(checkout, Some(Bool(true))/Some(\"on\")/TARGETING_MATCH/None)",
            "b.finally(checkout, Some(Bool(true))/Some(\"on\")/TARGETING_MATCH/None)",
            "a.finally(checkout, Some(Bool(true))/Some(\"on\")/TARGETING_MATCH/None)",
        ]
    );

    // An evaluation error: the error stage instead of after.
    let d = client.string_details("checkout", &pro, "x");
    assert_eq!((d.value.as_str(), d.error_code), ("x", Some(ErrorCode::TypeMismatch)));
    assert_eq!(
        take(&log),
        [
            "a.before(checkout, String, user-1, Some(String(\"x\")))",
            "b.before(checkout, String, user-1, Some(String(\"x\")))",
            "b.error(checkout, TYPE_MISMATCH)",
            "a.error(checkout, TYPE_MISMATCH)",
            "b.finally(checkout, None/None/ERROR/Some(TypeMismatch))",
            "a.finally(checkout, None/None/ERROR/Some(TypeMismatch))",
        ]
    );

    // A value that does not deserialise is an error for the hooks too.
    let _ = client.json_value_as::<Vec<u8>>("checkout", &pro, Vec::new());
    let stages = take(&log);
    assert_eq!(stages[0], "a.before(checkout, Json, user-1, None)");
    assert!(stages.contains(&"b.error(checkout, TYPE_MISMATCH)".to_owned()), "{stages:?}");
    let d = client.json_details_as::<Vec<u8>>("checkout", &pro, Vec::new());
    assert_eq!(d.error_message.as_deref(), Some("invalid type: boolean `true`, expected a sequence"));
    take(&log);
    assert_eq!(client.int_value("checkout", &pro, 3), 3, "int_value runs the hooks too");
    assert_eq!(
        take(&log)[1..3],
        ["b.before(checkout, Number, user-1, Some(Number(3)))", "b.error(checkout, TYPE_MISMATCH)"]
    );
}

#[test]
fn a_failing_hook_turns_the_result_into_the_default_and_runs_the_error_stage() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let failing = Recorder { fail_before: true, ..Recorder::new("a", &log) };
    let (_td, client) = hooked(vec![failing, Recorder::new("b", &log)]);
    let pro = user("user-1").with("plan", "pro");
    let d = client.bool_details("checkout", &pro, false);
    assert_eq!((d.value, d.reason, d.error_code), (false, ReasonKind::Error, Some(ErrorCode::General)));
    let stages = take(&log);
    assert_eq!(stages.len(), 5, "b.before is skipped: {stages:?}");
    assert_eq!(stages[1], "b.error(checkout, GENERAL)");

    let failing = Recorder { fail_after: true, ..Recorder::new("a", &log) };
    let (_td, client) = hooked(vec![Recorder::new("z", &log), failing]);
    assert!(!client.bool_value("checkout", &pro, false), "the default, although `on` was served");
    let stages = take(&log);
    assert_eq!(
        stages[2..],
        [
            "a.after(checkout, Some(Bool(true))/Some(\"on\")/TARGETING_MATCH/None)".to_owned(),
            "a.error(checkout, GENERAL)".to_owned(),
            "z.error(checkout, GENERAL)".to_owned(),
            "a.finally(checkout, None/None/ERROR/Some(General))".to_owned(),
            "z.finally(checkout, None/None/ERROR/Some(General))".to_owned(),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flush_blocking_returns_once_the_server_has_the_events() {
    let fake = FakeServer::start(snapshot(2, true), vec![]).await;
    // A long flush interval: only the explicit flush can deliver in this test.
    let client = fast(Client::builder(&fake.base, "vx_srv_fake"))
        .flush_interval(Duration::from_secs(3600))
        .build()
        .unwrap();
    client.wait_until_ready(Duration::from_secs(10)).await.unwrap();
    client.track("checkout", &user("u"), 1.0);
    let c = client.clone();
    tokio::task::spawn_blocking(move || c.flush_blocking(Duration::from_secs(20))).await.unwrap().unwrap();
    assert_eq!(fake.seen("/sdk/v1/events").len(), 1, "delivered before flush_blocking returned");
    assert_eq!(client.stats().event_batches_sent, 1);

    let unreachable = format!("http://127.0.0.1:{}", free_port());
    let client = fast(Client::builder(&unreachable, "vx_srv_a"))
        .bootstrap_json(snapshot(1, true).to_string())
        .flush_interval(Duration::from_secs(3600))
        .build()
        .unwrap();
    client.track("checkout", &user("u"), 1.0);
    let c = client.clone();
    let e = tokio::task::spawn_blocking(move || c.flush_blocking(Duration::from_secs(20)))
        .await
        .unwrap()
        .unwrap_err();
    let FlushError::NotDelivered(cause) = &e else { panic!("{e:?}") };
    assert_eq!(cause.transport_failure(), Some(TransportFailure::ConnectionRefused));
}
