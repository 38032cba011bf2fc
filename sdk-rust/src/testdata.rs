//! Flags for tests of application code, without a server: [`TestData`] is a source of
//! flag data that a test sets with a small builder and changes while the test runs.
//!
//! Clients built on it evaluate with the same engine as any other client (targets,
//! rules, rollouts and prerequisites behave exactly as in production), report
//! [`crate::Status::Ready`], send no events, and notify change subscribers and
//! [`crate::Client::on_change`] listeners on the thread that calls
//! [`TestData::update`], before `update` returns.
//!
//! ```
//! use vexil_sdk::{Context, TestData};
//!
//! let td = TestData::new();
//! td.update(td.flag("new-checkout").value_for_all(false).value_for("user-7", true));
//! td.update(td.flag("theme").value_for_all("light").if_match("country", ["DE", "AT"]).then_value("dark"));
//! let client = td.client();
//!
//! assert!(client.bool_value("new-checkout", &Context::new("user-7"), false));
//! assert!(!client.bool_value("new-checkout", &Context::new("user-8"), true));
//! let german = Context::new("user-1").with("country", "DE");
//! assert_eq!(client.string_value("theme", &german, "?"), "dark");
//!
//! // Change a flag mid-test: every client built on `td` sees it at once.
//! td.update(td.flag("new-checkout").value_for_all(true));
//! assert!(client.bool_value("new-checkout", &Context::new("user-8"), false));
//! ```

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError, Weak};

use serde_json::Value;
use vexil_core::{
    Condition, FlagConfig, FlagKind, Op, Prerequisite, Rollout, Rule, Segment, Serve, Snapshot, SnapshotFlag,
    Target, Variant, Weight,
};

use crate::apply::{Source, normalize};
use crate::builder::ClientBuilder;
use crate::client::Client;
use crate::shared::Shared;
use crate::status::Origin;

/// A source of flag data for tests. Cheap to clone: clones share the data and the
/// clients built on it. See the [module documentation](self).
#[derive(Clone, Default)]
pub struct TestData {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    source: Source,
    clients: Vec<Weak<Shared>>,
}

impl fmt::Debug for TestData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.lock();
        f.debug_struct("TestData")
            .field("flags", &inner.source.snapshot.flags.len())
            .field("version", &inner.source.snapshot.version)
            .finish()
    }
}

impl TestData {
    /// No flags yet (every evaluation answers `FLAG_NOT_FOUND`), environment `test`.
    pub fn new() -> TestData {
        let td = TestData::default();
        td.lock().source.snapshot.environment = "test".to_owned();
        td
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A builder for flag `key`: its current definition if it exists, else a boolean
    /// flag (variants `on` = true, `off` = false) serving `true` to everyone. Nothing
    /// changes until it is passed to [`TestData::update`].
    pub fn flag(&self, key: &str) -> FlagBuilder {
        let current = self.lock().source.snapshot.flags.iter().find(|f| f.key == key).map(|f| (**f).clone());
        FlagBuilder { flag: current.unwrap_or_else(|| new_flag(key)) }
    }

    /// Stores a flag and pushes the new data to every client built on this source.
    /// A flag that would not pass the server's validation (a rule naming a missing
    /// segment, say) evaluates to `ERROR`, as it would from a server.
    pub fn update(&self, flag: FlagBuilder) {
        let mut flag = flag.flag;
        flag.config.version += 1;
        self.change(|s| {
            s.flags.retain(|f| f.key != flag.key);
            s.flags.push(Arc::new(flag));
        });
    }

    /// Stores a flag given in the wire model, as the server would send it.
    pub fn update_flag(&self, flag: SnapshotFlag) {
        self.change(|s| {
            s.flags.retain(|f| f.key != flag.key);
            s.flags.push(Arc::new(flag));
        });
    }

    /// Stores a segment (for flags with `in_segment` rules).
    ///
    /// ```
    /// use vexil_sdk::{Context, Segment, TestData};
    ///
    /// let td = TestData::new();
    /// let mut staff: Segment = serde_json::from_value(serde_json::json!({"key": "staff"})).unwrap();
    /// staff.included = vec!["user-1".into()];
    /// td.update_segment(staff);
    /// td.update(td.flag("beta").value_for_all(false).if_segment("staff").then_value(true));
    /// assert!(td.client().bool_value("beta", &Context::new("user-1"), false));
    /// ```
    pub fn update_segment(&self, segment: Segment) {
        self.change(|s| {
            s.segments.retain(|g| g.key != segment.key);
            s.segments.push(Arc::new(segment));
        });
    }

    /// Removes a flag (evaluations answer `FLAG_NOT_FOUND` again).
    pub fn delete_flag(&self, key: &str) {
        self.change(|s| s.flags.retain(|f| f.key != key));
    }

    /// A client builder serving this data: hooks and watch options can be added;
    /// events, bootstrap, persistence and offline mode do not apply.
    pub fn builder(&self) -> ClientBuilder {
        ClientBuilder::for_test_data(self.clone())
    }

    /// A client serving this data.
    #[expect(clippy::expect_used, reason = "the test-data builder's fixed options always pass validation")]
    pub fn client(&self) -> Client {
        self.builder().build().expect("a test-data client always builds")
    }

    /// Serves the current data to a new client and keeps it informed of changes.
    pub(crate) fn attach(&self, shared: &Arc<Shared>) {
        let mut inner = self.lock();
        inner.clients.retain(|c| c.strong_count() > 0);
        inner.clients.push(Arc::downgrade(shared));
        let source = inner.source.clone();
        drop(inner);
        shared.install(None, &source, None, source.compile(), Origin::TestData);
    }

    fn change(&self, edit: impl FnOnce(&mut Snapshot)) {
        let mut inner = self.lock();
        let old = inner.source.clone();
        let snapshot = &mut inner.source.snapshot;
        edit(snapshot);
        snapshot.version += 1;
        normalize(snapshot);
        inner.clients.retain(|c| c.strong_count() > 0);
        let new = inner.source.clone();
        let clients: Vec<Arc<Shared>> = inner.clients.iter().filter_map(Weak::upgrade).collect();
        // Installed outside the lock: listeners may read or update the test data.
        drop(inner);
        for shared in clients {
            shared.install(Some(&old), &new, None, new.compile(), Origin::TestData);
        }
    }
}

fn new_flag(key: &str) -> SnapshotFlag {
    SnapshotFlag {
        key: key.to_owned(),
        kind: FlagKind::Boolean,
        salt: key.to_owned(),
        variants: vec![variant("on", Value::Bool(true)), variant("off", Value::Bool(false))],
        client_visible: false,
        config: FlagConfig {
            enabled: true,
            off_variant: "off".to_owned(),
            targets: Vec::new(),
            rules: Vec::new(),
            default: Serve::Variant("on".to_owned()),
            prerequisites: Vec::new(),
            version: 0,
        },
    }
}

fn variant(key: &str, value: Value) -> Variant {
    Variant { key: key.to_owned(), value, name: String::new(), description: String::new() }
}

fn kind_of(value: &Value) -> FlagKind {
    match value {
        Value::Bool(_) => FlagKind::Boolean,
        Value::String(_) => FlagKind::String,
        Value::Number(_) => FlagKind::Number,
        _ => FlagKind::Json,
    }
}

/// Builds one flag of a [`TestData`] source. Values (`impl Into<serde_json::Value>`:
/// booleans, strings, numbers, JSON) become variants as needed; the flag's kind follows
/// the first value given, and giving a value of another kind starts the flag afresh.
#[derive(Debug, Clone)]
#[must_use = "a flag builder changes nothing until passed to TestData::update"]
pub struct FlagBuilder {
    flag: SnapshotFlag,
}

impl FlagBuilder {
    /// The variant key serving `value`, added if needed. Booleans use `on` and `off`.
    fn variant_for(&mut self, value: Value) -> String {
        let kind = kind_of(&value);
        if kind != self.flag.kind && !(self.flag.kind == FlagKind::Json) {
            let key = self.flag.key.clone();
            let enabled = self.flag.config.enabled;
            self.flag = new_flag(&key);
            self.flag.config.enabled = enabled;
            if kind != FlagKind::Boolean {
                self.flag.kind = kind;
                self.flag.variants.clear();
            }
        }
        if let Some(v) = self.flag.variants.iter().find(|v| v.value == value) {
            return v.key.clone();
        }
        let key = match value {
            Value::Bool(true) => "on".to_owned(),
            Value::Bool(false) => "off".to_owned(),
            _ => (1..)
                .map(|n| format!("v{n}"))
                .find(|k| self.flag.variants.iter().all(|v| &v.key != k))
                .unwrap_or_default(),
        };
        self.flag.variants.push(variant(&key, value));
        if !self.flag.variants.iter().any(|v| v.key == self.flag.config.off_variant) {
            self.flag.config.off_variant = key.clone();
        }
        key
    }

    /// Serves `value` to everyone: targets and rules are removed.
    pub fn value_for_all(mut self, value: impl Into<Value>) -> Self {
        let v = self.variant_for(value.into());
        self.flag.config.targets.clear();
        self.flag.config.rules.clear();
        self.flag.config.default = Serve::Variant(v);
        self
    }

    /// Serves `value` to the context whose key is `context_key` (an individual target,
    /// checked before rules).
    pub fn value_for(mut self, context_key: impl Into<String>, value: impl Into<Value>) -> Self {
        let v = self.variant_for(value.into());
        let key = context_key.into();
        let targets = &mut self.flag.config.targets;
        for t in targets.iter_mut() {
            t.keys.retain(|k| *k != key);
        }
        targets.retain(|t| !t.keys.is_empty());
        match targets.iter_mut().find(|t| t.variant == v) {
            Some(t) => t.keys.push(key),
            None => targets.push(Target { variant: v, keys: vec![key] }),
        }
        self
    }

    /// Splits everyone not targeted or matched by a rule between values by weight, in
    /// thousandths of a percent summing to 100 000 (`[(true, 25_000), (false,
    /// 75_000)]` serves `true` to a stable 25 %), bucketed by the context key.
    pub fn rollout<V: Into<Value>>(mut self, weights: impl IntoIterator<Item = (V, u32)>) -> Self {
        let weights = weights
            .into_iter()
            .map(|(value, weight)| Weight { variant: self.variant_for(value.into()), weight })
            .collect();
        self.flag.config.default = Serve::Rollout(Rollout { bucket_by: None, weights });
        self
    }

    /// Turns the flag on (the default) or off; off, it serves its off value.
    pub fn on(mut self, enabled: bool) -> Self {
        self.flag.config.enabled = enabled;
        self
    }

    /// The value served while the flag is off or a prerequisite fails (`false` for a
    /// new boolean flag).
    pub fn off_value(mut self, value: impl Into<Value>) -> Self {
        let v = self.variant_for(value.into());
        self.flag.config.off_variant = v;
        self
    }

    /// Requires flag `flag` to serve `value` first; otherwise this flag serves its
    /// off value with reason `PREREQUISITE_FAILED`.
    pub fn prerequisite(mut self, flag: &str, variant: &str) -> Self {
        self.flag
            .config
            .prerequisites
            .push(Prerequisite { flag: flag.to_owned(), variant: variant.to_owned() });
        self
    }

    /// Whether client-side SDKs may see the flag ([`crate::Client::client_visible_flags`]).
    pub fn client_visible(mut self, visible: bool) -> Self {
        self.flag.client_visible = visible;
        self
    }

    /// Starts a rule: contexts whose `attribute` equals one of `values` (operator `in`).
    pub fn if_match<V: Into<Value>>(
        self,
        attribute: &str,
        values: impl IntoIterator<Item = V>,
    ) -> RuleBuilder {
        RuleBuilder { flag: self, conditions: Vec::new() }.and_match(attribute, values)
    }

    /// Starts a rule: contexts whose `attribute` is present and equals none of `values`.
    pub fn if_not_match<V: Into<Value>>(
        self,
        attribute: &str,
        values: impl IntoIterator<Item = V>,
    ) -> RuleBuilder {
        RuleBuilder { flag: self, conditions: Vec::new() }.and_not_match(attribute, values)
    }

    /// Starts a rule with any operator (`Op::StartsWith`, `Op::SemverGte`...).
    pub fn if_condition<V: Into<Value>>(
        self,
        attribute: &str,
        op: Op,
        values: impl IntoIterator<Item = V>,
    ) -> RuleBuilder {
        RuleBuilder { flag: self, conditions: Vec::new() }.and_condition(attribute, op, values)
    }

    /// Starts a rule: contexts in segment `segment` (see [`TestData::update_segment`]).
    pub fn if_segment(self, segment: &str) -> RuleBuilder {
        RuleBuilder { flag: self, conditions: Vec::new() }.and_condition("", Op::InSegment, [segment])
    }
}

/// A rule being built; [`RuleBuilder::then_value`] adds it after the flag's other rules.
#[derive(Debug, Clone)]
#[must_use = "a rule is added by then_value"]
pub struct RuleBuilder {
    flag: FlagBuilder,
    conditions: Vec<Condition>,
}

impl RuleBuilder {
    /// Also requires `attribute` to equal one of `values`.
    pub fn and_match<V: Into<Value>>(self, attribute: &str, values: impl IntoIterator<Item = V>) -> Self {
        self.and(attribute, Op::In, values, false)
    }

    /// Also requires `attribute` to be present and equal none of `values`.
    pub fn and_not_match<V: Into<Value>>(self, attribute: &str, values: impl IntoIterator<Item = V>) -> Self {
        self.and(attribute, Op::In, values, true)
    }

    /// Also requires a condition with any operator.
    pub fn and_condition<V: Into<Value>>(
        self,
        attribute: &str,
        op: Op,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.and(attribute, op, values, false)
    }

    fn and<V: Into<Value>>(
        mut self,
        attribute: &str,
        op: Op,
        values: impl IntoIterator<Item = V>,
        negate: bool,
    ) -> Self {
        self.conditions.push(Condition {
            attribute: attribute.to_owned(),
            op,
            values: values.into_iter().map(Into::into).collect(),
            negate,
        });
        self
    }

    /// Serves `value` to contexts matching every condition; rules are checked in the
    /// order added, after individual targets.
    pub fn then_value(self, value: impl Into<Value>) -> FlagBuilder {
        let RuleBuilder { mut flag, conditions } = self;
        let v = flag.variant_for(value.into());
        let rules = &mut flag.flag.config.rules;
        let id = (rules.len() + 1..)
            .map(|n| format!("rule-{n}"))
            .find(|id| rules.iter().all(|r| &r.id != id))
            .unwrap_or_default();
        rules.push(Rule { id, description: String::new(), conditions, serve: Serve::Variant(v) });
        flag
    }
}
