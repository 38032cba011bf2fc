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
use vexil_core::{AttrValue, Context, ErrorCode, ReasonKind};

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

/// Converts an OpenFeature context: the targeting key becomes the context key;
/// booleans, numbers and strings become attributes; times become seconds since the
/// Unix epoch (which `before`/`after` accept); structures have no Vexil equivalent and
/// are left out.
pub fn to_context(ctx: &EvaluationContext) -> Context {
    let mut c = match &ctx.targeting_key {
        Some(k) => Context::new(k.clone()),
        None => Context::anonymous(),
    };
    for (name, value) in &ctx.custom_fields {
        let v = match value {
            EvaluationContextFieldValue::Bool(b) => AttrValue::Bool(*b),
            EvaluationContextFieldValue::Int(i) => AttrValue::Number(*i as f64),
            EvaluationContextFieldValue::Float(f) => AttrValue::Number(*f),
            EvaluationContextFieldValue::String(s) => AttrValue::String(s.clone()),
            EvaluationContextFieldValue::DateTime(t) => {
                AttrValue::Number(t.unix_timestamp_nanos() as f64 / 1e9)
            }
            EvaluationContextFieldValue::Struct(_) => continue,
        };
        c.set(name.clone(), v);
    }
    c
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

fn resolve<T, U>(
    flag: &str,
    d: Details<T>,
    convert: impl FnOnce(T) -> Result<U, String>,
) -> EvaluationResult<ResolutionDetails<U>> {
    if let Some(code) = d.error_code {
        return Err(error(error_code(code), format!("flag {flag:?}: {}", code.as_str())));
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
        resolve(flag_key, self.client.bool_details(flag_key, &to_context(context), false), Ok)
    }

    async fn resolve_int_value(
        &self,
        flag_key: &str,
        context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<i64>> {
        let d = self.client.number_details(flag_key, &to_context(context), 0.0);
        resolve(flag_key, d, |n| {
            // Exact integers only: 2^63 itself is out of range, and a fraction is not an int.
            if n.fract() == 0.0 && n >= i64::MIN as f64 && n < i64::MAX as f64 {
                Ok(n as i64)
            } else {
                Err(format!("flag {flag_key:?} serves {n}, which is not an integer"))
            }
        })
    }

    async fn resolve_float_value(
        &self,
        flag_key: &str,
        context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<f64>> {
        resolve(flag_key, self.client.number_details(flag_key, &to_context(context), 0.0), Ok)
    }

    async fn resolve_string_value(
        &self,
        flag_key: &str,
        context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<String>> {
        resolve(flag_key, self.client.string_details(flag_key, &to_context(context), ""), Ok)
    }

    async fn resolve_struct_value(
        &self,
        flag_key: &str,
        context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<StructValue>> {
        let d = self.client.json_details(flag_key, &to_context(context), serde_json::Value::Null);
        resolve(flag_key, d, |v| match Value::try_from(&v) {
            Ok(Value::Struct(s)) => Ok(s),
            _ => Err(format!("flag {flag_key:?} does not serve a JSON object")),
        })
    }
}
