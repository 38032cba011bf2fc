//! Webhook delivery: events recorded in the outbox (`store::webhooks`) are signed per
//! the Standard Webhooks specification and POSTed to their subscription's URL, retried
//! with exponential backoff and jitter for at least [`RETRY_WINDOW`], then given up.
//! Every replica runs the deliverer; a delivery is claimed before it is sent, so no two
//! replicas send the same attempt. Requests go to the configured URL only: no
//! redirects, no proxy, a timeout, and at most [`EXCERPT_BYTES`] of an answer is read.
//! Delivery is at least once: a receiver deduplicates by the `webhook-id` header.

use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use futures_util::future::join_all;
use hmac::{Hmac, Mac};
use rand::{Rng, RngCore};
use sha2::Sha256;
use tokio_util::sync::CancellationToken;

use crate::store::{AttemptOutcome, ClaimedDelivery, DeliveryStatus, Store, Timestamp};

/// The prefix of signing secrets (Standard Webhooks).
pub const SECRET_PREFIX: &str = "whsec_";
/// Retries go on at least this long after the event was recorded.
pub const RETRY_WINDOW: Duration = Duration::from_secs(24 * 3600);
/// The longest wait between two attempts (before jitter).
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(3600);
/// How much of a receiver's answer is read and kept.
pub const EXCERPT_BYTES: usize = 1024;
/// How often the deliverer looks for due deliveries when nothing woke it (events
/// committed on other replicas, retries).
pub const POLL_EVERY: Duration = Duration::from_secs(2);
/// Deliveries claimed (and sent concurrently) at a time.
const BATCH: i64 = 8;
/// A claim lasts the request's timeout plus this, then another deliverer may take the
/// delivery (its holder died).
const CLAIM_MARGIN: Duration = Duration::from_secs(5);

/// How deliveries are made.
#[derive(Debug, Clone, Copy)]
pub struct DeliverySettings {
    /// The longest an attempt may take.
    pub timeout: Duration,
    /// The first retry delay; doubled at each further retry up to [`MAX_RETRY_DELAY`].
    pub retry_base: Duration,
}

/// Why a signature could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// The stored secret is not `whsec_<base64>`.
    #[error("the signing secret is not in the whsec_<base64> form")]
    BadSecret,
}

/// A new signing secret: `whsec_` and 32 random bytes in base64.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", BASE64.encode(bytes))
}

/// The `webhook-signature` value for a message: `v1,` and the base64 HMAC-SHA256, keyed
/// with the secret's decoded bytes, of `{id}.{timestamp}.{body}` (`timestamp` in Unix
/// seconds).
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, SignError> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).ok_or(SignError::BadSecret)?;
    let key = BASE64.decode(encoded).map_err(|_| SignError::BadSecret)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| SignError::BadSecret)?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    Ok(format!("v1,{}", BASE64.encode(mac.finalize().into_bytes())))
}

/// The wait before the attempt after `attempts` failed ones: `base * 2^(attempts-1)`,
/// at most [`MAX_RETRY_DELAY`], plus up to a quarter more at random (so that receivers
/// coming back are not hit by every delivery at once).
pub fn backoff(attempts: i64, base: Duration) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let delay = base.saturating_mul(2u32.saturating_pow(exp)).min(MAX_RETRY_DELAY);
    let jitter_ms = rand::thread_rng().gen_range(0..=(delay.as_millis() / 4) as u64);
    delay + Duration::from_millis(jitter_ms)
}

/// When to try again after `attempts` failed attempts at an event recorded at
/// `created_at`: after [`backoff`], or never (`None`: the delivery has failed) once
/// [`RETRY_WINDOW`] has passed since the event.
pub fn retry_at(now: Timestamp, created_at: Timestamp, attempts: i64, base: Duration) -> Option<Timestamp> {
    if now.0 - created_at.0 >= RETRY_WINDOW.as_millis() as i64 {
        return None;
    }
    Some(Timestamp(now.0 + backoff(attempts, base).as_millis() as i64))
}

/// Starts the deliverer: it sends due deliveries, waking on this process's commits,
/// on the due time of the next retry, and every [`POLL_EVERY`].
pub fn spawn(store: Store, settings: DeliverySettings, shutdown: CancellationToken) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(settings.timeout)
        .user_agent(concat!("Vexil-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()?;
    tokio::spawn(async move {
        let mut writes = store.watch_writes();
        let lease_ms = (settings.timeout + CLAIM_MARGIN).as_millis() as i64;
        loop {
            match store.claim_deliveries(lease_ms, BATCH).await {
                Ok(batch) if !batch.is_empty() => {
                    join_all(batch.iter().map(|d| deliver(&store, &client, &settings, d))).await;
                    continue;
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "claiming webhook deliveries failed; will retry"),
            }
            let wait = match store.next_delivery_due().await {
                Ok(Some(due)) => Duration::from_millis((due.0 - Timestamp::now().0).max(0) as u64),
                Ok(None) => POLL_EVERY,
                Err(_) => POLL_EVERY,
            }
            .clamp(Duration::from_millis(20), POLL_EVERY);
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(wait) => {}
                changed = writes.changed() => {
                    if changed.is_err() {
                        return;
                    }
                }
            }
        }
    });
    Ok(())
}

/// Makes one attempt and records it.
async fn deliver(store: &Store, client: &reqwest::Client, settings: &DeliverySettings, d: &ClaimedDelivery) {
    let started = Instant::now();
    let sent = send(client, d).await;
    let latency_ms = started.elapsed().as_millis() as i64;
    let (status, response_code, error, response_excerpt) = match sent {
        Ok((code, excerpt)) if (200..300).contains(&code) => {
            (DeliveryStatus::Delivered, Some(code), None, excerpt)
        }
        Ok((code, excerpt)) if (300..400).contains(&code) => (
            DeliveryStatus::Pending,
            Some(code),
            Some(format!("answered {code}, a redirect; redirects are not followed")),
            excerpt,
        ),
        Ok((code, excerpt)) => {
            (DeliveryStatus::Pending, Some(code), Some(format!("answered {code}")), excerpt)
        }
        Err(e) => (DeliveryStatus::Pending, None, Some(e), None),
    };
    let (status, next_attempt_at) = match status {
        DeliveryStatus::Pending => {
            match retry_at(Timestamp::now(), d.created_at, d.attempts, settings.retry_base) {
                Some(at) => (DeliveryStatus::Pending, Some(at)),
                None => (DeliveryStatus::Failed, None),
            }
        }
        other => (other, None),
    };
    let outcome = match status {
        DeliveryStatus::Delivered => "delivered",
        DeliveryStatus::Pending => "retry",
        DeliveryStatus::Failed => "failed",
    };
    metrics::counter!("vexil_webhook_attempts_total", "outcome" => outcome).increment(1);
    if let Some(e) = &error {
        tracing::info!(
            webhook.delivery = d.id,
            webhook.attempts = d.attempts,
            webhook.outcome = outcome,
            error = %e,
            "webhook delivery attempt failed"
        );
    }
    let recorded =
        AttemptOutcome { status, next_attempt_at, response_code, latency_ms, error, response_excerpt };
    if let Err(e) = store.record_attempt(d.id, &recorded).await {
        // The claim expires and the delivery is tried again: at least once.
        tracing::warn!(webhook.delivery = d.id, error = %e, "recording a webhook attempt failed");
    }
}

/// POSTs a delivery; its status and the start of its body, or why no answer came.
async fn send(client: &reqwest::Client, d: &ClaimedDelivery) -> Result<(u16, Option<String>), String> {
    let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
    let signature = sign(&d.secret, &d.message_id, timestamp, &d.payload).map_err(|e| e.to_string())?;
    let mut response = client
        .post(&d.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("webhook-id", &d.message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(d.payload.clone())
        .send()
        .await
        .map_err(|e| error_chain(&e.without_url()))?;
    let code = response.status().as_u16();
    let mut excerpt = Vec::new();
    while excerpt.len() < EXCERPT_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = EXCERPT_BYTES - excerpt.len();
                excerpt.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            // A body cut short or too slow still leaves the status: it decides.
            Ok(None) | Err(_) => break,
        }
    }
    let excerpt = (!excerpt.is_empty()).then(|| String::from_utf8_lossy(&excerpt).into_owned());
    Ok((code, excerpt))
}

/// An error with its causes ("error sending request: ...: Connection refused"), which is
/// what tells an operator why a receiver was not reached. Callers strip the URL first: it
/// may carry a receiver's token.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_specification_example() {
        // The example of the Standard Webhooks specification's reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = r#"{"test": 2432232314}"#;
        let sig = sign(secret, id, 1614265330, body).unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn a_secret_without_its_prefix_cannot_sign() {
        assert!(sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 1, "{}").is_err());
        assert!(sign("whsec_not base64!", "msg_1", 1, "{}").is_err());
    }

    #[test]
    fn generated_secrets_are_32_bytes_behind_the_prefix() {
        let s = generate_secret();
        let bytes = BASE64.decode(s.strip_prefix(SECRET_PREFIX).unwrap()).unwrap();
        assert_eq!(bytes.len(), 32);
        assert_ne!(s, generate_secret());
    }

    #[test]
    fn retries_go_on_for_a_day_after_the_event_and_then_stop() {
        let base = Duration::from_secs(5);
        let hour = 3_600_000;
        let created = Timestamp(1_000 * hour);
        let soon = retry_at(Timestamp(created.0 + hour), created, 12, base).unwrap();
        assert!(soon.0 >= created.0 + 2 * hour && soon.0 <= created.0 + 2 * hour + hour / 4, "{soon:?}");
        assert!(retry_at(Timestamp(created.0 + 24 * hour - 1), created, 30, base).is_some());
        assert_eq!(retry_at(Timestamp(created.0 + 24 * hour), created, 30, base), None);
    }

    #[test]
    fn backoff_doubles_up_to_an_hour_with_at_most_a_quarter_of_jitter() {
        let base = Duration::from_secs(5);
        for (attempts, expected) in [(1, 5), (2, 10), (3, 20), (4, 40), (12, 3600), (40, 3600)] {
            let d = backoff(attempts, base);
            let expected = Duration::from_secs(expected);
            assert!(d >= expected && d <= expected + expected / 4, "attempt {attempts}: {d:?}");
        }
    }
}
