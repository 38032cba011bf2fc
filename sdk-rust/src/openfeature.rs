//! An OpenFeature provider backed by a [`Client`] (feature `openfeature`).
//!
//! Reasons map one to one (`PREREQUISITE_FAILED` is passed as a custom reason), error
//! codes too; the matched rule and failed prerequisite go into the flag metadata
//! (`ruleIndex`, `ruleId`, `prerequisite`).
//!
//! ```
//! use open_feature::{EvaluationContext, OpenFeature};
//! use vexil_sdk::openfeature::VexilProvider;
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example")
//!     .offline(true)
//!     .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json"))
//!     .build()
//!     .unwrap();
//! let mut api = OpenFeature::singleton_mut().await;
//! api.set_provider(VexilProvider::new(client)).await;
//! let flags = api.create_client();
//! drop(api);
//!
//! let user = EvaluationContext::default().with_targeting_key("user-1");
//! assert!(flags.get_bool_value("new-checkout", Some(&user), None).await.unwrap());
//! # });
//! ```

use std::time::Duration;

use open_feature::provider::{FeatureProvider, ProviderMetadata, ProviderStatus, ResolutionDetails};
use open_feature::{
    EvaluationContext, EvaluationContextFieldValue, EvaluationError, EvaluationErrorCode, EvaluationReason,
    EvaluationResult, FlagMetadata, StructValue, Value,
};
use vexil_core::context::TARGETING_KEY;
use vexil_core::{Context, ContextError, ErrorCode, ReasonKind};

use crate::{Client, Details, Status};

/// The provider. Evaluations go through the client, so they are counted as usage like
/// any other.
#[derive(Debug, Clone)]
pub struct VexilProvider {
    client: Client,
    metadata: ProviderMetadata,
    init_timeout: Duration,
}

impl VexilProvider {
    /// A provider evaluating with `client`. Registering it waits up to 5 s for the
    /// client to have data (see [`VexilProvider::init_timeout`]).
    pub fn new(client: Client) -> VexilProvider {
        VexilProvider {
            client,
            metadata: ProviderMetadata::new("vexil"),
            init_timeout: Duration::from_secs(5),
        }
    }

    /// How long `set_provider` waits for flag data. Evaluations before the data
    /// arrives fail with `PROVIDER_NOT_READY`.
    #[must_use]
    pub fn init_timeout(mut self, timeout: Duration) -> VexilProvider {
        self.init_timeout = timeout;
        self
    }

    /// The client behind the provider (for `track`, status or change listeners).
    pub fn client(&self) -> &Client {
        &self.client
    }
}

/// Converts an OpenFeature context the way OFREP reads the same context sent as JSON
/// ([`Context::from_json_attributes`], shared with the server), so that a context gets
/// the same answer from this provider as from Vexil's OFREP endpoints: the targeting key
/// becomes the context key; booleans, numbers and strings become attributes; times
/// become RFC 3339 strings (what OpenFeature's JSON providers send, and what
/// `before`/`after` accept); structures are flattened with dots (`user.plan`). A
/// structure is read when it holds a [`StructValue`], an [`open_feature::Value`], a
/// `serde_json::Value` or `Map`, or a `HashMap<String, EvaluationContextFieldValue>`;
/// other types, which only their owner can read, are left out, as are arrays holding
/// anything but strings. A custom field named `targetingKey` is left out too (in JSON it
/// would be the key).
pub fn to_context(ctx: &EvaluationContext) -> Result<Context, ContextError> {
    let attributes: serde_json::Map<String, serde_json::Value> = ctx
        .custom_fields
        .iter()
        .filter(|(name, _)| name.as_str() != TARGETING_KEY)
        .filter_map(|(name, value)| Some((name.clone(), field_json(value)?)))
        .collect();
    Context::from_json_attributes(ctx.targeting_key.clone(), &attributes)
}

/// A context field as the JSON an OFREP provider would send for it.
fn field_json(value: &EvaluationContextFieldValue) -> Option<serde_json::Value> {
    use serde_json::Value as Json;
    match value {
        EvaluationContextFieldValue::Bool(b) => Some(Json::Bool(*b)),
        EvaluationContextFieldValue::Int(i) => Some(Json::from(*i)),
        EvaluationContextFieldValue::Float(f) => serde_json::Number::from_f64(*f).map(Json::Number),
        EvaluationContextFieldValue::String(s) => Some(Json::String(s.clone())),
        EvaluationContextFieldValue::DateTime(t) => {
            t.format(&time::format_description::well_known::Rfc3339).ok().map(Json::String)
        }
        EvaluationContextFieldValue::Struct(any) => {
            if let Some(v) = any.downcast_ref::<StructValue>() {
                Some(struct_json(v))
            } else if let Some(v) = any.downcast_ref::<Value>() {
                value_json(v)
            } else if let Some(v) = any.downcast_ref::<serde_json::Value>() {
                Some(v.clone())
            } else if let Some(v) = any.downcast_ref::<serde_json::Map<String, serde_json::Value>>() {
                Some(Json::Object(v.clone()))
            } else {
                any.downcast_ref::<std::collections::HashMap<String, EvaluationContextFieldValue>>().map(
                    |fields| {
                        Json::Object(
                            fields.iter().filter_map(|(k, v)| Some((k.clone(), field_json(v)?))).collect(),
                        )
                    },
                )
            }
        }
    }
}

fn struct_json(s: &StructValue) -> serde_json::Value {
    serde_json::Value::Object(
        s.fields.iter().filter_map(|(k, v)| Some((k.clone(), value_json(v)?))).collect(),
    )
}

fn value_json(value: &Value) -> Option<serde_json::Value> {
    use serde_json::Value as Json;
    match value {
        Value::Bool(b) => Some(Json::Bool(*b)),
        Value::Int(i) => Some(Json::from(*i)),
        Value::Float(f) => serde_json::Number::from_f64(*f).map(Json::Number),
        Value::String(s) => Some(Json::String(s.clone())),
        Value::Array(items) => Some(Json::Array(items.iter().filter_map(value_json).collect())),
        Value::Struct(s) => Some(struct_json(s)),
    }
}

fn error_code(code: ErrorCode) -> EvaluationErrorCode {
    match code {
        ErrorCode::ProviderNotReady => EvaluationErrorCode::ProviderNotReady,
        ErrorCode::FlagNotFound => EvaluationErrorCode::FlagNotFound,
        ErrorCode::ParseError => EvaluationErrorCode::ParseError,
        ErrorCode::TypeMismatch => EvaluationErrorCode::TypeMismatch,
        ErrorCode::TargetingKeyMissing => EvaluationErrorCode::TargetingKeyMissing,
        ErrorCode::InvalidContext => EvaluationErrorCode::InvalidContext,
        other => EvaluationErrorCode::General(other.as_str().to_owned()),
    }
}

fn reason(kind: ReasonKind) -> EvaluationReason {
    match kind {
        ReasonKind::Disabled => EvaluationReason::Disabled,
        ReasonKind::TargetingMatch => EvaluationReason::TargetingMatch,
        ReasonKind::Split => EvaluationReason::Split,
        ReasonKind::Default => EvaluationReason::Default,
        ReasonKind::Error => EvaluationReason::Error,
        ReasonKind::PrerequisiteFailed => EvaluationReason::Other(kind.as_str().to_owned()),
    }
}

fn error(code: EvaluationErrorCode, message: String) -> EvaluationError {
    EvaluationError { code, message: Some(message) }
}

/// The Vexil context, or the `INVALID_CONTEXT` error OFREP answers for it.
fn context(flag: &str, ctx: &EvaluationContext) -> EvaluationResult<Context> {
    to_context(ctx).map_err(|e| error(EvaluationErrorCode::InvalidContext, format!("flag {flag:?}: {e}")))
}

fn resolve<T, U>(
    flag: &str,
    d: Details<T>,
    convert: impl FnOnce(T) -> Result<U, String>,
) -> EvaluationResult<ResolutionDetails<U>> {
    if let Some(code) = d.error_code {
        let message = match d.error_message {
            Some(why) => format!("flag {flag:?}: {}: {why}", code.as_str()),
            None => format!("flag {flag:?}: {}", code.as_str()),
        };
        return Err(error(error_code(code), message));
    }
    let value = convert(d.value).map_err(|m| error(EvaluationErrorCode::TypeMismatch, m))?;
    let mut metadata = FlagMetadata::default();
    if let Some(i) = d.rule_index.and_then(|i| i64::try_from(i).ok()) {
        metadata.add_value("ruleIndex", i);
    }
    if let Some(id) = d.rule_id {
        metadata.add_value("ruleId", id);
    }
    if let Some(p) = d.prerequisite {
        metadata.add_value("prerequisite", p);
    }
    Ok(ResolutionDetails {
        value,
        variant: d.variant,
        reason: Some(reason(d.reason)),
        flag_metadata: (!metadata.values.is_empty()).then_some(metadata),
    })
}

#[open_feature::async_trait]
impl FeatureProvider for VexilProvider {
    async fn initialize(&mut self, _context: &EvaluationContext) {
        if let Err(e) = self.client.wait_until_ready(self.init_timeout).await {
            tracing::warn!(error = %e, "vexil: the OpenFeature provider starts without flag data");
        }
    }

    fn status(&self) -> ProviderStatus {
        match self.client.status() {
            Status::Initializing => ProviderStatus::NotReady,
            Status::Ready | Status::Offline => ProviderStatus::Ready,
            // Values served, but not confirmed by the server (yet, or any more).
            Status::Stale | Status::Persisted | Status::Bootstrap => ProviderStatus::STALE,
            _ => ProviderStatus::Error,
        }
    }

    fn metadata(&self) -> &ProviderMetadata {
        &self.metadata
    }

    async fn resolve_bool_value(
        &self,
        flag_key: &str,
        context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<bool>> {
        let ctx = self::context(flag_key, context)?;
        resolve(flag_key, self.client.bool_details(flag_key, &ctx, false), Ok)
    }

    async fn resolve_int_value(
        &self,
        flag_key: &str,
        context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<i64>> {
        let ctx = self::context(flag_key, context)?;
        // Exact integers only, as `Client::int_details` converts them.
        resolve(flag_key, self.client.int_details(flag_key, &ctx, 0), Ok)
    }

    async fn resolve_float_value(
        &self,
        flag_key: &str,
        context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<f64>> {
        let ctx = self::context(flag_key, context)?;
        resolve(flag_key, self.client.number_details(flag_key, &ctx, 0.0), Ok)
    }

    async fn resolve_string_value(
        &self,
        flag_key: &str,
        context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<String>> {
        let ctx = self::context(flag_key, context)?;
        resolve(flag_key, self.client.string_details(flag_key, &ctx, ""), Ok)
    }

    async fn resolve_struct_value(
        &self,
        flag_key: &str,
        context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<StructValue>> {
        let ctx = self::context(flag_key, context)?;
        let d = self.client.json_details(flag_key, &ctx, serde_json::Value::Null);
        resolve(flag_key, d, |v| match Value::try_from(&v) {
            Ok(Value::Struct(s)) => Ok(s),
            _ => Err(format!("flag {flag_key:?} does not serve a JSON object")),
        })
    }
}
