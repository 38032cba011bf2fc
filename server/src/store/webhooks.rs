//! Webhook subscriptions and their outbox. An event is written as one
//! `webhook_delivery` row per matching enabled subscription, in the transaction of the
//! change it announces ([`emit`]), so that a crash after commit loses nothing; the
//! deliverer (`crate::webhooks`) claims due rows, sends them and records the outcome.
//! Nothing here talks to the network.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

use super::audit::Record;
use super::error::Missing;
use super::{Actor, Backend, Error, Page, Result, Store, Timestamp, from_bool, get, json_text, to_bool};

/// What a subscription can ask for. Each event belongs to one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = WebhookEventType)]
pub enum EventCategory {
    /// Every write to a flag, a flag's configuration or a segment.
    FlagChanges,
    /// Change requests: opened, approved, rejected, applied...
    ChangeRequests,
    /// Scheduled changes: created, edited, cancelled, run.
    ScheduledChanges,
    /// Release plans' decisions: step up, roll back, pause.
    ReleasePlanDecisions,
    /// A protected environment's flag turned off without approval.
    BreakGlass,
}

impl EventCategory {
    /// Every category, in the order documented.
    pub const ALL: [EventCategory; 5] = [
        EventCategory::FlagChanges,
        EventCategory::ChangeRequests,
        EventCategory::ScheduledChanges,
        EventCategory::ReleasePlanDecisions,
        EventCategory::BreakGlass,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventCategory::FlagChanges => "flag_changes",
            EventCategory::ChangeRequests => "change_requests",
            EventCategory::ScheduledChanges => "scheduled_changes",
            EventCategory::ReleasePlanDecisions => "release_plan_decisions",
            EventCategory::BreakGlass => "break_glass",
        }
    }

    /// The category of a name, if it is one.
    pub fn parse(s: &str) -> Option<EventCategory> {
        EventCategory::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The categories an audit action announces, most specific first: `flag.*`,
    /// `flag_config.*` and `segment.*` are flag changes; `change_request.*`,
    /// `scheduled_change.*` and `release_plan.*` their own; `break_glass.*` and verbs
    /// starting with `break_glass` break-glass, and a flag change too when the resource
    /// is a flag or its configuration (`flag.break_glass_off`). Other actions (users,
    /// tokens, keys, environments, webhooks) announce nothing.
    pub fn of_action(action: &str) -> &'static [EventCategory] {
        use EventCategory::*;
        let (resource, verb) = action.split_once('.').unwrap_or((action, ""));
        match (resource, verb) {
            ("flag" | "flag_config", v) if v.starts_with("break_glass") => &[BreakGlass, FlagChanges],
            ("break_glass", _) => &[BreakGlass],
            (_, v) if v.starts_with("break_glass") => &[BreakGlass],
            ("flag" | "flag_config" | "segment", _) => &[FlagChanges],
            ("change_request", _) => &[ChangeRequests],
            ("scheduled_change", _) => &[ScheduledChanges],
            ("release_plan", _) => &[ReleasePlanDecisions],
            _ => &[],
        }
    }
}

/// A subscription (the secret is never part of it).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Webhook {
    /// Random id.
    pub id: String,
    /// The project whose events it receives.
    pub project: String,
    /// Where events are POSTed: http or https, nothing else.
    pub url: String,
    /// What it is for.
    pub description: String,
    /// The categories of events it receives.
    pub event_types: Vec<EventCategory>,
    /// Whether events are recorded and delivered for it.
    pub enabled: bool,
    /// Who created it.
    pub created_by: String,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// Body of a subscription's creation.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// Where to POST.
    pub url: String,
    /// Categories, at least one.
    #[schema(value_type = Vec<EventCategory>, min_items = 1)]
    pub event_types: Vec<String>,
    /// What it is for.
    #[serde(default)]
    pub description: String,
    /// On by default.
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// Body of a subscription's change: absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    /// New URL.
    pub url: Option<String>,
    /// New categories.
    #[schema(value_type = Option<Vec<EventCategory>>, min_items = 1)]
    pub event_types: Option<Vec<String>>,
    /// New description.
    pub description: Option<String>,
    /// On or off.
    pub enabled: Option<bool>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed over the retry window; no more attempts.
    Failed,
}

impl DeliveryStatus {
    fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<DeliveryStatus> {
        match s {
            "pending" => Ok(DeliveryStatus::Pending),
            "delivered" => Ok(DeliveryStatus::Delivered),
            "failed" => Ok(DeliveryStatus::Failed),
            _ => Err(Error::Internal(format!("stored delivery status {s:?}"))),
        }
    }
}

/// One event for one subscription, with the outcome of its last attempt.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = WebhookDelivery)]
pub struct Delivery {
    /// Increasing id.
    pub id: i64,
    /// The subscription.
    pub webhook_id: String,
    /// The `webhook-id` header: the same for every attempt and redelivery of the event.
    pub message_id: String,
    /// The subscription's category the event belongs to.
    pub category: EventCategory,
    /// The event's type, e.g. `flag_config.toggle`.
    pub event_type: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: i64,
    /// HTTP status of the last answer, if one came.
    #[schema(required = true)]
    pub response_code: Option<i64>,
    /// Time the last attempt took, in milliseconds.
    #[schema(required = true)]
    pub latency_ms: Option<i64>,
    /// Why the last attempt failed.
    #[schema(required = true)]
    pub last_error: Option<String>,
    /// The start of the last answer's body (at most 1 KiB).
    #[schema(required = true)]
    pub response_excerpt: Option<String>,
    /// When the event was recorded.
    pub created_at: Timestamp,
    /// When the last attempt started.
    #[schema(required = true)]
    pub last_attempt_at: Option<Timestamp>,
    /// When the next attempt is due (pending deliveries).
    #[schema(required = true)]
    pub next_attempt_at: Option<Timestamp>,
    /// When it was delivered or given up.
    #[schema(required = true)]
    pub finished_at: Option<Timestamp>,
    /// The delivery this one repeats by hand.
    #[schema(required = true)]
    pub redelivery_of: Option<i64>,
}

/// A delivery a deliverer has claimed: what it needs to send it.
#[derive(Clone)]
pub struct ClaimedDelivery {
    /// The delivery.
    pub id: i64,
    /// The `webhook-id` header.
    pub message_id: String,
    /// Where to POST.
    pub url: String,
    /// The signing secret, `whsec_<base64>`.
    pub secret: String,
    /// The body.
    pub payload: String,
    /// Attempts made, this one included.
    pub attempts: i64,
    /// When the event was recorded: retries stop once the window from here is over.
    pub created_at: Timestamp,
}

impl std::fmt::Debug for ClaimedDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimedDelivery")
            .field("id", &self.id)
            .field("message_id", &self.message_id)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// What an attempt came to.
#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    /// Delivered, to be retried (pending, at `next_attempt_at`) or given up.
    pub status: DeliveryStatus,
    /// When to try again (pending only).
    pub next_attempt_at: Option<Timestamp>,
    /// HTTP status, if an answer came.
    pub response_code: Option<u16>,
    /// Milliseconds the attempt took.
    pub latency_ms: i64,
    /// Why it failed.
    pub error: Option<String>,
    /// The start of the answer's body.
    pub response_excerpt: Option<String>,
}

/// An event to announce: what [`emit`] records for every subscription that wants it.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Which subscriptions want it: those that want any of these (a delivery records
    /// the first one its subscription wants).
    pub categories: &'a [EventCategory],
    /// Its type, e.g. `flag_config.toggle` (the payload's `type`).
    pub event_type: &'a str,
    /// The project whose subscriptions receive it.
    pub project: &'a str,
    /// When it happened (the payload's `timestamp`).
    pub at: Timestamp,
}

/// The longest URL accepted.
const MAX_URL_LEN: usize = 2048;

const COLUMNS: &str = "w.id, p.key as project_key, w.url, w.description, w.event_types, w.enabled, \
                       w.created_by, w.created_at, w.updated_at";
const DELIVERY_COLUMNS: &str = "d.id, d.webhook_id, d.message_id, d.category, d.event_type, d.status, \
     d.attempts, d.response_code, d.latency_ms, d.last_error, d.response_excerpt, d.created_at, \
     d.last_attempt_at, d.next_attempt_at, d.finished_at, d.redelivery_of";

/// Checks a subscription's URL: absolute, http or https, a host, no fragment.
pub fn check_url(url: &str) -> Result<()> {
    if url.len() > MAX_URL_LEN {
        return Err(Error::invalid("/url", format!("a webhook URL has at most {MAX_URL_LEN} characters")));
    }
    let parsed =
        url::Url::parse(url).map_err(|e| Error::invalid("/url", format!("not an absolute URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::invalid(
            "/url",
            format!("the scheme must be http or https, not {:?}", parsed.scheme()),
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid("/url", "the URL has no host"));
    }
    if parsed.fragment().is_some() {
        return Err(Error::invalid("/url", "a webhook URL has no fragment (#...)"));
    }
    Ok(())
}

/// Parses event type names: at least one, each known, no repeats.
fn parse_categories(names: &[String]) -> Result<Vec<EventCategory>> {
    if names.is_empty() {
        return Err(Error::invalid("/event_types", "name at least one event type"));
    }
    let mut out = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let Some(c) = EventCategory::parse(name) else {
            let known: Vec<&str> = EventCategory::ALL.iter().map(|c| c.as_str()).collect();
            return Err(Error::invalid(
                &format!("/event_types/{i}"),
                format!("unknown event type {name:?}; known: {}", known.join(", ")),
            ));
        };
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

fn from_row(row: &AnyRow) -> Result<Webhook> {
    let types: String = get(row, "event_types")?;
    let names: Vec<String> = super::from_json_text(&types, "webhook event types")?;
    Ok(Webhook {
        id: get(row, "id")?,
        project: get(row, "project_key")?,
        url: get(row, "url")?,
        description: get(row, "description")?,
        event_types: names.iter().filter_map(|n| EventCategory::parse(n)).collect(),
        enabled: to_bool(get(row, "enabled")?),
        created_by: get(row, "created_by")?,
        created_at: Timestamp(get(row, "created_at")?),
        updated_at: Timestamp(get(row, "updated_at")?),
    })
}

fn delivery_from_row(row: &AnyRow) -> Result<Delivery> {
    let category: String = get(row, "category")?;
    let status = DeliveryStatus::parse(&get::<String>(row, "status")?)?;
    Ok(Delivery {
        id: get(row, "id")?,
        webhook_id: get(row, "webhook_id")?,
        message_id: get(row, "message_id")?,
        category: EventCategory::parse(&category)
            .ok_or_else(|| Error::Internal(format!("stored event category {category:?}")))?,
        event_type: get(row, "event_type")?,
        status,
        attempts: get(row, "attempts")?,
        response_code: get(row, "response_code")?,
        latency_ms: get(row, "latency_ms")?,
        last_error: get(row, "last_error")?,
        response_excerpt: get(row, "response_excerpt")?,
        created_at: Timestamp(get(row, "created_at")?),
        last_attempt_at: get::<Option<i64>>(row, "last_attempt_at")?.map(Timestamp),
        next_attempt_at: (status == DeliveryStatus::Pending)
            .then(|| get::<i64>(row, "next_attempt_at").map(Timestamp))
            .transpose()?,
        finished_at: get::<Option<i64>>(row, "finished_at")?.map(Timestamp),
        redelivery_of: get(row, "redelivery_of")?,
    })
}

fn categories_json(c: &[EventCategory]) -> Result<String> {
    json_text(&c.iter().map(|c| c.as_str()).collect::<Vec<_>>())
}

/// Records `event` for every enabled subscription of its project that wants its
/// category, inside the caller's transaction: the outbox rows commit, or vanish, with
/// the change. `data` builds the payload's `data` member and is called only when some
/// subscription wants the event. Returns how many deliveries were recorded.
///
/// This is the one way events reach webhooks: the audit insert calls it for every
/// audited write ([`EventCategory::of_action`]); code that announces something it does
/// not audit calls it directly.
pub(crate) async fn emit(
    tx: &mut Transaction<'static, Any>,
    event: &Event<'_>,
    data: impl FnOnce() -> Value,
) -> Result<usize> {
    let rows = sqlx::query(
        "select w.id, w.event_types from webhook w join project p on p.id = w.project_id
         where p.key = $1 and w.enabled = 1",
    )
    .bind(event.project)
    .fetch_all(&mut **tx)
    .await?;
    let mut wanted = Vec::new();
    for row in &rows {
        let types: String = get(row, "event_types")?;
        let names: Vec<String> = super::from_json_text(&types, "webhook event types")?;
        if let Some(c) = event.categories.iter().find(|c| names.iter().any(|n| n == c.as_str())) {
            wanted.push((get::<String>(row, "id")?, *c));
        }
    }
    if wanted.is_empty() {
        return Ok(0);
    }
    let body = serde_json::json!({
        "type": event.event_type,
        "timestamp": event.at.to_rfc3339(),
        "data": data(),
    });
    let payload = json_text(&body)?;
    let now = Timestamp::now().0;
    for (webhook_id, category) in &wanted {
        sqlx::query(
            "insert into webhook_delivery (webhook_id, message_id, category, event_type, payload, status, attempts, next_attempt_at, created_at)
             values ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)",
        )
        .bind(webhook_id)
        .bind(format!("msg_{}", uuid::Uuid::new_v4().simple()))
        .bind(category.as_str())
        .bind(event.event_type)
        .bind(&payload)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(wanted.len())
}

async fn fetch(tx: &mut Transaction<'static, Any>, project: &str, id: &str) -> Result<Webhook> {
    let row = sqlx::query(&format!(
        "select {COLUMNS} from webhook w join project p on p.id = w.project_id where p.key = $1 and w.id = $2"
    ))
    .bind(project)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| Error::NotFound(Missing::Webhook { id: id.to_owned(), project: project.to_owned() }))?;
    from_row(&row)
}

fn audit_record<'a>(
    actor: &'a Actor,
    action: &'a str,
    project: &'a str,
    id: &str,
    before: Option<&Webhook>,
    after: Option<&Webhook>,
) -> Result<Record<'a>> {
    Ok(Record {
        actor,
        action,
        resource_type: "webhook",
        resource_key: format!("{project}/{id}"),
        project: Some(project),
        environment: None,
        before: before.map(json_text).transpose()?,
        after: after.map(json_text).transpose()?,
    })
}

impl Store {
    /// Stores a subscription with its signing secret (generated by the caller, shown
    /// once by it).
    pub async fn create_webhook(
        &self,
        actor: &Actor,
        project: &str,
        new: &NewWebhook,
        secret: &str,
    ) -> Result<Webhook> {
        check_url(&new.url)?;
        let types = parse_categories(&new.event_types)?;
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let id = uuid::Uuid::new_v4().to_string();
        let now = Timestamp::now().0;
        sqlx::query(
            "insert into webhook (id, project_id, url, description, event_types, enabled, secret, created_by, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(&id)
        .bind(project_id)
        .bind(&new.url)
        .bind(&new.description)
        .bind(categories_json(&types)?)
        .bind(from_bool(new.enabled))
        .bind(secret)
        .bind(&actor.0)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        let hook = fetch(&mut tx, project, &id).await?;
        tx.audit(audit_record(actor, "webhook.create", project, &id, None, Some(&hook))?).await?;
        tx.commit().await?;
        Ok(hook)
    }

    /// A project's subscriptions, oldest first.
    pub async fn list_webhooks(&self, project: &str) -> Result<Vec<Webhook>> {
        self.get_project(project).await?;
        let rows = sqlx::query(&format!(
            "select {COLUMNS} from webhook w join project p on p.id = w.project_id
             where p.key = $1 order by w.created_at, w.id"
        ))
        .bind(project)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// One subscription.
    pub async fn get_webhook(&self, project: &str, id: &str) -> Result<Webhook> {
        let mut tx = self.begin_read().await?;
        let hook = fetch(&mut tx, project, id).await?;
        tx.commit().await?;
        Ok(hook)
    }

    /// Changes a subscription's URL, event types, description or state.
    pub async fn update_webhook(
        &self,
        actor: &Actor,
        project: &str,
        id: &str,
        patch: &WebhookPatch,
    ) -> Result<Webhook> {
        if let Some(url) = &patch.url {
            check_url(url)?;
        }
        let types = patch.event_types.as_deref().map(parse_categories).transpose()?;
        let mut tx = self.begin().await?;
        super::lock_project(&mut tx, project).await?;
        let before = fetch(&mut tx, project, id).await?;
        sqlx::query(
            "update webhook set url = $1, description = $2, event_types = $3, enabled = $4, updated_at = $5
             where id = $6",
        )
        .bind(patch.url.as_deref().unwrap_or(&before.url))
        .bind(patch.description.as_deref().unwrap_or(&before.description))
        .bind(categories_json(types.as_deref().unwrap_or(&before.event_types))?)
        .bind(from_bool(patch.enabled.unwrap_or(before.enabled)))
        .bind(Timestamp::now().0)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        let after = fetch(&mut tx, project, id).await?;
        tx.audit(audit_record(actor, "webhook.update", project, id, Some(&before), Some(&after))?).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes a subscription and its deliveries (pending ones are not sent).
    pub async fn delete_webhook(&self, actor: &Actor, project: &str, id: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        super::lock_project(&mut tx, project).await?;
        let before = fetch(&mut tx, project, id).await?;
        sqlx::query("delete from webhook_delivery where webhook_id = $1").bind(id).execute(&mut **tx).await?;
        sqlx::query("delete from webhook where id = $1").bind(id).execute(&mut **tx).await?;
        tx.audit(audit_record(actor, "webhook.delete", project, id, Some(&before), None)?).await?;
        tx.commit().await
    }

    /// A subscription's deliveries, newest first, `limit` per page, below the id
    /// `before` (a previous page's cursor).
    pub async fn list_deliveries(
        &self,
        project: &str,
        id: &str,
        limit: i64,
        before: Option<i64>,
    ) -> Result<Page<Delivery>> {
        self.get_webhook(project, id).await?;
        let mut w = super::filter::Where::new();
        let n = w.text(id);
        w.and(format!("d.webhook_id = {n}"));
        if let Some(before) = before {
            let n = w.int(before);
            w.and(format!("d.id < {n}"));
        }
        let limit_n = w.int(limit + 1);
        let sql = format!(
            "select {DELIVERY_COLUMNS} from webhook_delivery d {} order by d.id desc limit {limit_n}",
            w.sql()
        );
        let rows = w.bind(&sql)?.fetch_all(&self.pool).await?;
        let mut items = rows.iter().map(delivery_from_row).collect::<Result<Vec<_>>>()?;
        let next_cursor = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|d| d.id.to_string())
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    /// Sends a delivery's event again, as a new delivery with the same message id
    /// (receivers that already have it can tell), due now.
    pub async fn redeliver(&self, actor: &Actor, project: &str, id: &str, delivery: i64) -> Result<Delivery> {
        let mut tx = self.begin().await?;
        super::lock_project(&mut tx, project).await?;
        let hook = fetch(&mut tx, project, id).await?;
        let now = Timestamp::now().0;
        let row = sqlx::query(
            "insert into webhook_delivery (webhook_id, message_id, category, event_type, payload, status, attempts, next_attempt_at, created_at, redelivery_of)
             select webhook_id, message_id, category, event_type, payload, 'pending', 0, $1, $1, id
             from webhook_delivery where id = $2 and webhook_id = $3
             returning id",
        )
        .bind(now)
        .bind(delivery)
        .bind(&hook.id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| Error::NotFound(Missing::Delivery { delivery, webhook: id.to_owned() }))?;
        let new_id: i64 = get(&row, "id")?;
        let row = sqlx::query(&format!("select {DELIVERY_COLUMNS} from webhook_delivery d where d.id = $1"))
            .bind(new_id)
            .fetch_one(&mut **tx)
            .await?;
        let created = delivery_from_row(&row)?;
        tx.audit(Record {
            actor,
            action: "webhook.redeliver",
            resource_type: "webhook",
            resource_key: format!("{project}/{id}"),
            project: Some(project),
            environment: None,
            before: None,
            after: Some(json_text(&created)?),
        })
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Claims up to `limit` due deliveries of enabled subscriptions until
    /// `now + lease_ms`, counting an attempt for each. A claim is one statement that
    /// re-checks the row is still free, so two replicas never hold the same delivery at
    /// once (PostgreSQL also skips rows another claim has locked). A deliverer that dies
    /// holding a claim leaves it to expire: the delivery is tried again then.
    pub async fn claim_deliveries(&self, lease_ms: i64, limit: i64) -> Result<Vec<ClaimedDelivery>> {
        let now = Timestamp::now().0;
        let skip_locked = if self.backend == Backend::Postgres { "for update skip locked" } else { "" };
        let mut tx = self.begin().await?;
        let rows = sqlx::query(&format!(
            "update webhook_delivery set claimed_until = $1, attempts = attempts + 1, last_attempt_at = $2
             where id in (
                 select id from webhook_delivery
                 where status = 'pending' and next_attempt_at <= $2
                   and (claimed_until is null or claimed_until < $2)
                   and webhook_id in (select id from webhook where enabled = 1)
                 order by next_attempt_at limit $3 {skip_locked})
               and status = 'pending' and (claimed_until is null or claimed_until < $2)
             returning id, webhook_id, message_id, payload, attempts, created_at"
        ))
        .bind(now + lease_ms)
        .bind(now)
        .bind(limit)
        .fetch_all(&mut **tx)
        .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let webhook_id: String = get(row, "webhook_id")?;
            let hook = sqlx::query("select url, secret from webhook where id = $1")
                .bind(&webhook_id)
                .fetch_one(&mut **tx)
                .await?;
            claimed.push(ClaimedDelivery {
                id: get(row, "id")?,
                message_id: get(row, "message_id")?,
                url: get(&hook, "url")?,
                secret: get(&hook, "secret")?,
                payload: get(row, "payload")?,
                attempts: get(row, "attempts")?,
                created_at: Timestamp(get(row, "created_at")?),
            });
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// Records an attempt's outcome and frees the claim.
    pub async fn record_attempt(&self, id: i64, outcome: &AttemptOutcome) -> Result<()> {
        let now = Timestamp::now().0;
        let finished = (outcome.status != DeliveryStatus::Pending).then_some(now);
        sqlx::query(
            "update webhook_delivery set status = $1, next_attempt_at = $2, claimed_until = null,
                 response_code = $3, latency_ms = $4, last_error = $5, response_excerpt = $6, finished_at = $7
             where id = $8",
        )
        .bind(outcome.status.as_str())
        .bind(outcome.next_attempt_at.map_or(now, |t| t.0))
        .bind(outcome.response_code.map(i64::from))
        .bind(outcome.latency_ms)
        .bind(outcome.error.as_deref())
        .bind(outcome.response_excerpt.as_deref())
        .bind(finished)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Deletes delivered and failed deliveries finished before `before`.
    pub async fn prune_deliveries(&self, before: Timestamp) -> Result<u64> {
        let done = sqlx::query("delete from webhook_delivery where status <> 'pending' and finished_at < $1")
            .bind(before.0)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// When the earliest pending delivery of an enabled subscription is due (or its
    /// claim expires), if there is one.
    pub async fn next_delivery_due(&self) -> Result<Option<Timestamp>> {
        let row = sqlx::query(
            "select min(case when claimed_until is not null and claimed_until > next_attempt_at
                             then claimed_until else next_attempt_at end) as due
             from webhook_delivery
             where status = 'pending' and webhook_id in (select id from webhook where enabled = 1)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(get::<Option<i64>>(&row, "due")?.map(Timestamp))
    }
}

#[cfg(test)]
mod tests {
    use super::EventCategory::{self, *};

    #[test]
    fn audit_actions_map_to_the_event_types_that_announce_them() {
        let cases: [(&str, &[EventCategory]); 11] = [
            ("flag.create", &[FlagChanges]),
            ("flag_config.toggle", &[FlagChanges]),
            ("segment.delete", &[FlagChanges]),
            ("change_request.approve", &[ChangeRequests]),
            ("scheduled_change.run", &[ScheduledChanges]),
            ("release_plan.rollback", &[ReleasePlanDecisions]),
            ("flag_config.break_glass", &[BreakGlass, FlagChanges]),
            ("flag.break_glass_off", &[BreakGlass, FlagChanges]),
            ("break_glass.use", &[BreakGlass]),
            ("webhook.create", &[]),
            ("user.update", &[]),
        ];
        for (action, expected) in cases {
            assert_eq!(EventCategory::of_action(action), expected, "{action}");
        }
    }
}
