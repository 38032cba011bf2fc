//! The read-out of custom metric events (`track`): per event, per variant of the flag
//! the SDK attributed the event to, the count and the mean of the values, as totals and
//! as a series.

use std::collections::BTreeMap;

use serde::Serialize;

use super::usage::METRIC_RETENTION_DAYS;
use super::{Result, Store, Timestamp, get};

/// Most hours a metric read-out spans: the retention of metric rows.
pub const MAX_METRIC_HOURS: i64 = METRIC_RETENTION_DAYS * 24;

/// The metric events attributed to one flag's variants in one environment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MetricReadout {
    /// The flag.
    pub flag: String,
    /// The environment.
    pub environment: String,
    /// Width of each point, in seconds (60 up to 6 hours, 3 600 beyond).
    pub step_seconds: i64,
    /// One entry per event key, by key.
    pub events: Vec<EventReadout>,
}

/// One event key's figures per variant.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventReadout {
    /// The event key.
    pub event: String,
    /// Per variant served, by variant key.
    pub variants: Vec<VariantMetric>,
}

/// One variant's figures for one event.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VariantMetric {
    /// The variant.
    pub variant: String,
    /// Events over the whole span.
    pub count: i64,
    /// Mean value over the whole span.
    pub mean: f64,
    /// Sample standard deviation of the values (`sqrt((Σx² − (Σx)²/n) / (n − 1))`);
    /// null for fewer than two events.
    #[schema(required = true)]
    pub std_dev: Option<f64>,
    /// Per step, oldest first; steps without events are left out.
    pub points: Vec<MetricPoint>,
}

/// One step.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MetricPoint {
    /// Start of the step.
    pub at: Timestamp,
    /// Events in the step.
    pub count: i64,
    /// Their mean value.
    pub mean: f64,
}

#[derive(Default, Clone, Copy)]
struct Sums {
    count: i64,
    sum: f64,
    sum_sq: f64,
}

impl Sums {
    fn add(&mut self, other: Sums) {
        self.count += other.count;
        self.sum += other.sum;
        self.sum_sq += other.sum_sq;
    }

    fn mean(self) -> f64 {
        if self.count == 0 { 0.0 } else { self.sum / self.count as f64 }
    }

    fn std_dev(self) -> Option<f64> {
        if self.count < 2 {
            return None;
        }
        let n = self.count as f64;
        // Rounding can make a zero variance slightly negative.
        Some(((self.sum_sq - self.sum * self.sum / n) / (n - 1.0)).max(0.0).sqrt())
    }
}

impl Store {
    /// The metric events attributed to `flag`'s variants in `env` over the last `hours`
    /// (1 to [`MAX_METRIC_HOURS`], the caller checks), from the per-minute aggregates
    /// the SDK event batches write. Events not attributed to the flag are not counted.
    ///
    /// Errors: [`super::Error::NotFound`] for an unknown project, flag or environment.
    pub async fn metric_readout(
        &self,
        project: &str,
        flag: &str,
        env: &str,
        hours: i64,
    ) -> Result<MetricReadout> {
        let environment = self.get_environment(project, env).await?;
        self.get_flag(project, flag).await?;
        let from_min = Timestamp::now().0 / 60_000 - hours * 60;
        let rows = sqlx::query(
            "select event_key, variant, minute, count, sum, sum_sq from metric_minute
             where environment_id = $1 and flag_key = $2 and minute >= $3",
        )
        .bind(environment.id)
        .bind(flag)
        .bind(from_min)
        .fetch_all(&self.pool)
        .await?;
        let step_minutes = if hours <= 6 { 1 } else { 60 };
        let mut by: BTreeMap<String, BTreeMap<String, BTreeMap<i64, Sums>>> = BTreeMap::new();
        for row in &rows {
            let minute: i64 = get(row, "minute")?;
            let step = minute - minute.rem_euclid(step_minutes);
            let sums = Sums { count: get(row, "count")?, sum: get(row, "sum")?, sum_sq: get(row, "sum_sq")? };
            by.entry(get(row, "event_key")?)
                .or_default()
                .entry(get(row, "variant")?)
                .or_default()
                .entry(step)
                .or_default()
                .add(sums);
        }
        let events = by
            .into_iter()
            .map(|(event, variants)| EventReadout {
                event,
                variants: variants
                    .into_iter()
                    .map(|(variant, steps)| {
                        let mut total = Sums::default();
                        let points = steps
                            .into_iter()
                            .map(|(m, s)| {
                                total.add(s);
                                MetricPoint { at: Timestamp(m * 60_000), count: s.count, mean: s.mean() }
                            })
                            .collect();
                        VariantMetric {
                            variant,
                            count: total.count,
                            mean: total.mean(),
                            std_dev: total.std_dev(),
                            points,
                        }
                    })
                    .collect(),
            })
            .collect();
        Ok(MetricReadout {
            flag: flag.to_owned(),
            environment: env.to_owned(),
            step_seconds: step_minutes * 60,
            events,
        })
    }
}
