//! Prometheus guardrails: one instant query per arm (`GET /api/v1/query`, the Prometheus
//! HTTP API), with the arm's variant key in place of `{{variant}}` in the guardrail's
//! query. The runner reads them before a look, outside the look's transaction, so that
//! a slow Prometheus never holds the project lock.

use std::time::Duration;

use serde::Deserialize;

/// The placeholder a Prometheus guardrail's query must contain.
pub const PLACEHOLDER: &str = "{{variant}}";
/// How long one query may take.
const TIMEOUT: Duration = Duration::from_secs(5);

/// A query that gave no usable number.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrometheusError {
    /// Prometheus could not be reached or answered with an HTTP error.
    #[error("querying Prometheus failed: {source}")]
    Http {
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
    /// The answer is not the API's JSON.
    #[error("Prometheus answered something else than its query API's JSON: {source}")]
    Decode {
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// Prometheus answered `status: error`.
    #[error("Prometheus refused the query: {message}")]
    Refused {
        /// Its `errorType: error`.
        message: String,
    },
    /// The result is not one number (an empty vector, several series, a string, NaN).
    #[error("the query gave {found}, not one number")]
    NotOneNumber {
        /// What it gave.
        found: String,
    },
}

#[derive(Deserialize)]
struct Answer {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(tag = "resultType", content = "result", rename_all = "lowercase")]
enum Data {
    Scalar((f64, String)),
    Vector(Vec<Sample>),
    Matrix(Vec<serde_json::Value>),
    String((f64, String)),
}

#[derive(Deserialize)]
struct Sample {
    value: (f64, String),
}

/// A Prometheus server's query API.
#[derive(Debug, Clone)]
pub struct Prometheus {
    client: reqwest::Client,
    /// The server's base URL (`http://prometheus:9090`).
    base: String,
}

impl Prometheus {
    /// A client of the server at `base` (its root URL, without `/api/v1`).
    ///
    /// # Errors
    /// The client's error when TLS cannot be set up.
    pub fn new(base: &str) -> Result<Prometheus, reqwest::Error> {
        let client = reqwest::Client::builder().timeout(TIMEOUT).build()?;
        Ok(Prometheus { client, base: base.trim_end_matches('/').to_owned() })
    }

    /// The value of `query` for `variant`: an instant query of the query with `variant`
    /// in place of [`PLACEHOLDER`], which must give a scalar or a vector of one sample.
    ///
    /// # Errors
    /// [`PrometheusError`] when Prometheus cannot be reached, refuses the query, or gives
    /// anything but one finite number.
    pub async fn value(&self, query: &str, variant: &str) -> Result<f64, PrometheusError> {
        let query = query.replace(PLACEHOLDER, variant);
        // The body is read whatever the status: a refused query is a 400 with the API's
        // JSON error.
        let body = self
            .client
            .get(format!("{}/api/v1/query", self.base))
            .query(&[("query", query.as_str())])
            .send()
            .await
            .map_err(|source| PrometheusError::Http { source })?
            .bytes()
            .await
            .map_err(|source| PrometheusError::Http { source })?;
        number(&body)
    }
}

/// The one number of an instant query's answer (the API's JSON body).
fn number(body: &[u8]) -> Result<f64, PrometheusError> {
    let answer: Answer = serde_json::from_slice(body).map_err(|source| PrometheusError::Decode { source })?;
    if answer.status != "success" {
        return Err(PrometheusError::Refused {
            message: format!(
                "{}: {}",
                answer.error_type.unwrap_or_default(),
                answer.error.unwrap_or_default()
            ),
        });
    }
    let text = match answer.data {
        Some(Data::Scalar((_, v))) => v,
        Some(Data::Vector(samples)) if samples.len() == 1 => {
            samples.into_iter().next().map(|s| s.value.1).unwrap_or_default()
        }
        Some(Data::Vector(samples)) => {
            return Err(PrometheusError::NotOneNumber { found: format!("{} series", samples.len()) });
        }
        Some(Data::Matrix(series)) => {
            return Err(PrometheusError::NotOneNumber {
                found: format!("a range vector of {} series", series.len()),
            });
        }
        Some(Data::String((_, text))) => {
            return Err(PrometheusError::NotOneNumber { found: format!("the string {text:?}") });
        }
        None => return Err(PrometheusError::NotOneNumber { found: "no data".into() }),
    };
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(PrometheusError::NotOneNumber { found: format!("{text:?}") }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_number_or_a_clear_error() {
        let vector = br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"variant":"on"},"value":[1700000000.5,"450"]}]}}"#;
        assert_eq!(number(vector).unwrap(), 450.0);
        let scalar = br#"{"status":"success","data":{"resultType":"scalar","result":[1700000000,"0.25"]}}"#;
        assert_eq!(number(scalar).unwrap(), 0.25);
        let empty = br#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert!(matches!(number(empty), Err(PrometheusError::NotOneNumber { found }) if found == "0 series"));
        let two = br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1"]},{"metric":{},"value":[1,"2"]}]}}"#;
        assert!(matches!(number(two), Err(PrometheusError::NotOneNumber { found }) if found == "2 series"));
        let nan = br#"{"status":"success","data":{"resultType":"scalar","result":[1,"NaN"]}}"#;
        assert!(matches!(number(nan), Err(PrometheusError::NotOneNumber { .. })));
        let refused = br#"{"status":"error","errorType":"bad_data","error":"parse error"}"#;
        assert!(
            matches!(number(refused), Err(PrometheusError::Refused { message }) if message == "bad_data: parse error")
        );
        assert!(matches!(number(b"<html>"), Err(PrometheusError::Decode { .. })));
    }
}
