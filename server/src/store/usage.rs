//! Usage counts and metric events from SDKs: aggregated per minute, rolled up per hour,
//! and expired on a fixed schedule (docs/operations.md).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use vexil_core::wire::Application;

use super::{Result, Store, Timestamp, get};
use crate::release::sketch::ValueSketch;

/// Minute rows are rolled into hour rows after this many hours.
pub const MINUTE_RETENTION_HOURS: i64 = 48;
/// Hour rows are deleted after this many days.
pub const HOUR_RETENTION_DAYS: i64 = 90;
/// Metric minute rows are deleted after this many days.
pub const METRIC_RETENTION_DAYS: i64 = 14;
/// Applications not seen evaluating a flag for this many days are forgotten for it.
pub const APPLICATION_RETENTION_DAYS: i64 = 90;
/// Most applications listed for one flag (the most recently seen).
pub const MAX_APPLICATIONS_LISTED: i64 = 200;

/// One aggregated usage count.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UsageKey {
    /// The flag.
    pub flag: String,
    /// The variant served.
    pub variant: String,
    /// Unix minute.
    pub minute: i64,
}

/// One aggregated metric bucket.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MetricKey {
    /// The event key.
    pub event: String,
    /// A watched flag ('' for none).
    pub flag: String,
    /// The variant of that flag served to the context ('' for none).
    pub variant: String,
    /// Unix minute.
    pub minute: i64,
}

/// Sums of one metric bucket.
#[derive(Debug, Clone, Default)]
pub struct MetricSums {
    /// Events.
    pub count: i64,
    /// Sum of values.
    pub sum: f64,
    /// Sum of squared values.
    pub sum_sq: f64,
    /// The values' quantile sketch; stored only for buckets of a watched flag (the
    /// release plans' p95 guardrails read nothing else).
    pub sketch: ValueSketch,
}

/// A usage time series of one flag in one environment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UsageSeries {
    /// The flag.
    pub flag: String,
    /// The environment.
    pub environment: String,
    /// Width of each point, in seconds: a minute up to 6 hours, an hour beyond.
    #[schema(schema_with = step_seconds_schema)]
    pub step_seconds: i64,
    /// One series per variant.
    pub series: Vec<VariantSeries>,
}

/// `step_seconds`: 60 or 3 600 (a field attribute cannot say `enum`).
fn step_seconds_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::Integer)
        .enum_values(Some([60, 3600]))
        .build()
}

/// Points of one variant.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VariantSeries {
    /// The variant.
    pub variant: String,
    /// Counts per step, oldest first; steps without evaluations are left out.
    pub points: Vec<UsagePoint>,
}

/// One point.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UsagePoint {
    /// Start of the step.
    pub at: Timestamp,
    /// Evaluations in the step (steps without any are left out).
    #[schema(minimum = 1)]
    pub count: i64,
}

/// An application seen evaluating a flag in an environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ApplicationSeen {
    /// The environment key.
    pub environment: String,
    /// The application's name, as its SDK reported it.
    pub name: String,
    /// Its version; absent when the SDK sent none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub version: Option<String>,
    /// The end of the last period in which it evaluated the flag.
    pub last_seen_at: Timestamp,
}

impl Store {
    /// Adds aggregated usage and metric counts of one environment, and moves the
    /// flags' last-seen times forward, for the reporting `application` too when it is
    /// known. One transaction; upserts add to existing rows.
    pub async fn record_usage(
        &self,
        environment_id: i64,
        usage: &BTreeMap<UsageKey, i64>,
        metrics: &BTreeMap<MetricKey, MetricSums>,
        application: Option<&Application>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let mut last_seen: HashMap<&str, i64> = HashMap::new();
        for (k, count) in usage {
            sqlx::query(
                "insert into usage_minute (environment_id, flag_key, variant, minute, count) values ($1, $2, $3, $4, $5)
                 on conflict (environment_id, flag_key, variant, minute) do update set count = usage_minute.count + excluded.count",
            )
            .bind(environment_id)
            .bind(&k.flag)
            .bind(&k.variant)
            .bind(k.minute)
            .bind(*count)
            .execute(&mut **tx)
            .await?;
            let at = last_seen.entry(&k.flag).or_insert(0);
            *at = (*at).max(k.minute * 60_000);
        }
        for (flag, at) in last_seen {
            sqlx::query(
                "insert into flag_last_seen (environment_id, flag_key, at) values ($1, $2, $3)
                 on conflict (environment_id, flag_key) do update set at = case when excluded.at > flag_last_seen.at then excluded.at else flag_last_seen.at end",
            )
            .bind(environment_id)
            .bind(flag)
            .bind(at)
            .execute(&mut **tx)
            .await?;
            if let Some(app) = application {
                sqlx::query(
                    "insert into flag_application (environment_id, flag_key, application, version, at) values ($1, $2, $3, $4, $5)
                     on conflict (environment_id, flag_key, application, version) do update set at = case when excluded.at > flag_application.at then excluded.at else flag_application.at end",
                )
                .bind(environment_id)
                .bind(flag)
                .bind(&app.name)
                .bind(app.version.as_deref().unwrap_or_default())
                .bind(at)
                .execute(&mut **tx)
                .await?;
            }
        }
        for (k, s) in metrics {
            sqlx::query(
                "insert into metric_minute (environment_id, event_key, flag_key, variant, minute, count, sum, sum_sq)
                 values ($1, $2, $3, $4, $5, $6, $7, $8)
                 on conflict (environment_id, event_key, flag_key, variant, minute) do update set
                   count = metric_minute.count + excluded.count, sum = metric_minute.sum + excluded.sum,
                   sum_sq = metric_minute.sum_sq + excluded.sum_sq",
            )
            .bind(environment_id)
            .bind(&k.event)
            .bind(&k.flag)
            .bind(&k.variant)
            .bind(k.minute)
            .bind(s.count)
            .bind(s.sum)
            .bind(s.sum_sq)
            .execute(&mut **tx)
            .await?;
        }
        for (k, s) in metrics.iter().filter(|(k, s)| !k.flag.is_empty() && s.sketch.count() > 0) {
            // Sketches merge in the application: the upsert takes the row's lock (and
            // returns '' for a new row) so that concurrent batches do not lose each
            // other's values between the read and the write.
            let row = sqlx::query(
                "insert into metric_sketch_minute (environment_id, event_key, flag_key, variant, minute, sketch)
                 values ($1, $2, $3, $4, $5, '')
                 on conflict (environment_id, event_key, flag_key, variant, minute) do update set
                   sketch = metric_sketch_minute.sketch
                 returning sketch",
            )
            .bind(environment_id)
            .bind(&k.event)
            .bind(&k.flag)
            .bind(&k.variant)
            .bind(k.minute)
            .fetch_one(&mut **tx)
            .await?;
            let stored: String = get(&row, "sketch")?;
            let mut merged = s.sketch.clone();
            if !stored.is_empty() {
                match ValueSketch::from_json(&stored).and_then(|old| merged.merge(&old)) {
                    Ok(()) => {}
                    Err(e) => tracing::warn!(
                        environment.id = environment_id,
                        event = %k.event,
                        flag = %k.flag,
                        minute = k.minute,
                        error = %e,
                        "a stored metric sketch is unreadable; this minute's earlier values are dropped from it"
                    ),
                }
            }
            sqlx::query(
                "update metric_sketch_minute set sketch = $6
                 where environment_id = $1 and event_key = $2 and flag_key = $3 and variant = $4 and minute = $5",
            )
            .bind(environment_id)
            .bind(&k.event)
            .bind(&k.flag)
            .bind(&k.variant)
            .bind(k.minute)
            .bind(merged.to_json())
            .execute(&mut **tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A flag's usage in one environment over the last `hours`: per minute up to six
    /// hours, per hour beyond.
    pub async fn usage_series(
        &self,
        project: &str,
        flag: &str,
        env: &str,
        hours: i64,
    ) -> Result<UsageSeries> {
        let environment = self.get_environment(project, env).await?;
        self.get_flag(project, flag).await?;
        let now_min = Timestamp::now().0 / 60_000;
        let from_min = now_min - hours * 60;
        let minute_rows = sqlx::query(
            "select variant, minute, count from usage_minute where environment_id = $1 and flag_key = $2 and minute >= $3",
        )
        .bind(environment.id)
        .bind(flag)
        .bind(from_min)
        .fetch_all(&self.pool)
        .await?;
        let step_minutes = if hours <= 6 { 1 } else { 60 };
        let mut points: BTreeMap<String, BTreeMap<i64, i64>> = BTreeMap::new();
        for row in &minute_rows {
            let minute: i64 = get(row, "minute")?;
            let step = minute - minute.rem_euclid(step_minutes);
            *points.entry(get(row, "variant")?).or_default().entry(step).or_default() +=
                get::<i64>(row, "count")?;
        }
        if step_minutes == 60 {
            let hour_rows = sqlx::query(
                "select variant, hour, count from usage_hour where environment_id = $1 and flag_key = $2 and hour >= $3",
            )
            .bind(environment.id)
            .bind(flag)
            .bind(from_min / 60)
            .fetch_all(&self.pool)
            .await?;
            for row in &hour_rows {
                let hour: i64 = get(row, "hour")?;
                *points.entry(get(row, "variant")?).or_default().entry(hour * 60).or_default() +=
                    get::<i64>(row, "count")?;
            }
        }
        Ok(UsageSeries {
            flag: flag.to_owned(),
            environment: env.to_owned(),
            step_seconds: step_minutes * 60,
            series: points
                .into_iter()
                .map(|(variant, steps)| VariantSeries {
                    variant,
                    points: steps
                        .into_iter()
                        .map(|(m, count)| UsagePoint { at: Timestamp(m * 60_000), count })
                        .collect(),
                })
                .collect(),
        })
    }

    /// Rolls minute rows older than [`MINUTE_RETENTION_HOURS`] into hour rows and
    /// deletes expired rows. Returns the number of rows removed.
    pub async fn roll_up_usage(&self, now: Timestamp) -> Result<u64> {
        let cutoff_min = now.0 / 60_000 - MINUTE_RETENTION_HOURS * 60;
        // Whole hours only, so that an hour is never rolled up twice.
        let cutoff_min = cutoff_min - cutoff_min.rem_euclid(60);
        let mut tx = self.begin().await?;
        sqlx::query(
            "insert into usage_hour (environment_id, flag_key, variant, hour, count)
             select environment_id, flag_key, variant, minute / 60, sum(count) from usage_minute where minute < $1
             group by environment_id, flag_key, variant, minute / 60
             on conflict (environment_id, flag_key, variant, hour) do update set count = usage_hour.count + excluded.count",
        )
        .bind(cutoff_min)
        .execute(&mut **tx)
        .await?;
        let mut removed = sqlx::query("delete from usage_minute where minute < $1")
            .bind(cutoff_min)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        removed += sqlx::query("delete from usage_hour where hour < $1")
            .bind(now.0 / 3_600_000 - HOUR_RETENTION_DAYS * 24)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        removed += sqlx::query("delete from flag_application where at < $1")
            .bind(now.0 - APPLICATION_RETENTION_DAYS * 24 * 3_600_000)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        removed += sqlx::query("delete from metric_minute where minute < $1")
            .bind(now.0 / 60_000 - METRIC_RETENTION_DAYS * 24 * 60)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        removed += sqlx::query("delete from metric_sketch_minute where minute < $1")
            .bind(now.0 / 60_000 - METRIC_RETENTION_DAYS * 24 * 60)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(removed)
    }

    /// The applications that evaluated a flag, most recently seen first (at most
    /// [`MAX_APPLICATIONS_LISTED`]), in one environment or in all of them.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] for an unknown project, flag or environment.
    pub async fn flag_applications(
        &self,
        project: &str,
        flag: &str,
        env: Option<&str>,
    ) -> Result<Vec<ApplicationSeen>> {
        let flag = self.get_flag(project, flag).await?;
        let environment_id = match env {
            Some(env) => Some(self.get_environment(project, env).await?.id),
            None => None,
        };
        // Bound as `$4` only when filtering: an untyped null parameter is an error on
        // PostgreSQL.
        let in_environment = if environment_id.is_some() { "and a.environment_id = $4" } else { "" };
        let query = format!(
            "select e.key as environment, a.application, a.version, a.at from flag_application a
             join environment e on e.id = a.environment_id join project p on p.id = e.project_id
             where p.key = $1 and a.flag_key = $2 {in_environment}
             order by a.at desc, a.application, a.version, e.key limit $3"
        );
        let mut query = sqlx::query(&query).bind(project).bind(&flag.flag.key).bind(MAX_APPLICATIONS_LISTED);
        if let Some(id) = environment_id {
            query = query.bind(id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let version: String = get(r, "version")?;
                Ok(ApplicationSeen {
                    environment: get(r, "environment")?,
                    name: get(r, "application")?,
                    version: (!version.is_empty()).then_some(version),
                    last_seen_at: Timestamp(get(r, "at")?),
                })
            })
            .collect()
    }

    /// When each flag of a project was last evaluated (any environment), by key.
    pub async fn last_seen(&self, project_id: i64) -> Result<HashMap<String, Timestamp>> {
        let rows = sqlx::query(
            "select s.flag_key, max(s.at) as at from flag_last_seen s join environment e on e.id = s.environment_id
             where e.project_id = $1 group by s.flag_key",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((get(r, "flag_key")?, Timestamp(get(r, "at")?)))).collect()
    }
}
