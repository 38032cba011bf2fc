//! Sequential comparison of a treatment arm with a control arm, valid however often it
//! is looked at: a release plan checks its guardrails every few seconds for days, and a
//! fixed-sample test checked that often would raise false alarms far above its level.
//! Pure functions of per-arm sums; no I/O, no clock.
//!
//! # Method
//!
//! Each arm's mean gets an always-valid (time-uniform) confidence sequence: the
//! two-sided normal-mixture boundary of Howard, Ramdas, McAuliffe & Sekhon,
//! "Time-uniform, nonparametric, nonasymptotic confidence sequences" (Annals of
//! Statistics, 2021), in the asymptotic form of Waudby-Smith, Arbour, Sinha, Kennedy &
//! Ramdas, "Time-uniform central limit theory and asymptotic confidence sequences"
//! (2021), where the variance is estimated from the data:
//!
//! ```text
//! mean ± σ̂ · sqrt( 2 (n ρ² + 1) / (n² ρ²) · ln( sqrt(n ρ² + 1) / a ) )
//! ```
//!
//! with `n` the arm's sample size, `a = α / 2` (each arm spends half the false-alarm
//! budget, so that both sequences hold at once with probability at least `1 − α` by the
//! union bound), and `ρ` chosen to make the sequence tightest at
//! [`TestConfig::planned_per_arm`] observations (as Waudby-Smith et al. give it):
//! `ρ² = (−2 ln a + ln(−2 ln a + 1)) / planned_per_arm`. Because the guarantee holds
//! uniformly over `n`, the verdict may be read after every new batch (the mixture SPRT
//! of Johari, Pekelis & Walsh, "Always valid inference", 2017, is the test dual to
//! such a sequence).
//!
//! For a guardrail where higher is worse with tolerated relative degradation `tol`, the
//! treatment is **worse** once its lower bound exceeds the control's upper bound times
//! `1 + tol`; **not worse** once its upper bound is below the control's lower bound times
//! `1 + tol`; otherwise there is **not enough data**. (Mirrored when lower is worse.) If
//! the true treatment mean is within the tolerance, "worse" needs one of the two
//! sequences to miss its arm's mean, which happens with probability at most `α` over the
//! whole life of the plan.
//!
//! # Assumptions
//!
//! Observations within an arm are independent and identically distributed with finite
//! variance (the guarantee is asymptotic in `n`, which is why a verdict needs
//! [`TestConfig::min_per_arm`] observations per arm); metrics are non-negative (the
//! tolerance is relative). A rate counts at most one event per exposure; its variance
//! is `p̃ (1 − p̃)` with `p̃ = (events + ½) / (exposures + 1)`, so an arm that has seen no
//! event yet is not taken as certain. The simulations in this module's tests measure
//! the false-alarm rate and the power (see `docs/release-safety.md`).
//!
//! The sample-ratio-mismatch check ([`sample_ratio`]) is Pearson's chi-square test of
//! the arms' sizes against the split with one degree of freedom.

use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::sketch::ValueSketch;

/// The documented false-alarm rate of a release plan: the chance that a treatment no
/// worse than its control (within the tolerance) is ever judged worse.
pub const DEFAULT_ALPHA: f64 = 0.05;
/// Observations per arm for which the confidence sequences are tuned by default.
pub const DEFAULT_PLANNED_PER_ARM: u64 = 10_000;
/// Observations each arm needs before any verdict but "not enough data".
pub const DEFAULT_MIN_PER_ARM: u64 = 100;
/// p-value below which the arms' sizes are a sample-ratio mismatch. Far below the usual
/// 5 % because the check is repeated at every look and a mismatch pauses the plan.
pub const DEFAULT_SRM_P_VALUE: f64 = 0.001;

/// The sums of one arm: `n` observations (exposures for a rate, events for a mean), the
/// sum of their values (events for a rate) and the sum of their squares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ArmSums {
    /// Observations.
    pub n: u64,
    /// Sum of the values.
    pub sum: f64,
    /// Sum of the squared values (unused for a rate).
    pub sum_sq: f64,
}

impl ArmSums {
    /// Adds one observation.
    pub fn push(&mut self, value: f64) {
        self.n += 1;
        self.sum += value;
        self.sum_sq += value * value;
    }

    /// Adds `events` events seen among `exposures` exposures (a rate's observations).
    pub fn push_rate(&mut self, exposures: u64, events: u64) {
        self.n += exposures;
        self.sum += events as f64;
        self.sum_sq += events as f64;
    }
}

/// What a guardrail measures, which decides how its variance is estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Events per exposure (an error rate), at most one per exposure.
    Rate,
    /// The mean of a numeric event's values (latency in milliseconds, say).
    Mean,
    /// The 95th percentile of a numeric event's values, from per-minute sketches
    /// ([`compare_quantile`]).
    P95,
    /// A number read from Prometheus per arm (an instant query with the arm's variant);
    /// compared as is, without a statistical test ([`compare_values`]).
    Prometheus,
}

impl Measure {
    /// The quantile a quantile measure compares.
    pub fn quantile(self) -> Option<f64> {
        match self {
            Measure::P95 => Some(0.95),
            Measure::Rate | Measure::Mean | Measure::Prometheus => None,
        }
    }
}

/// Which way a guardrail gets worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// A higher value is worse (errors, latency).
    HigherIsWorse,
    /// A lower value is worse (conversions, throughput).
    LowerIsWorse,
}

/// The test's parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestConfig {
    /// False-alarm rate over the whole plan, in (0, 1).
    pub alpha: f64,
    /// Observations per arm at which the sequences are tightest (at least 1).
    pub planned_per_arm: u64,
    /// Observations per arm before any verdict.
    pub min_per_arm: u64,
}

impl Default for TestConfig {
    fn default() -> TestConfig {
        TestConfig {
            alpha: DEFAULT_ALPHA,
            planned_per_arm: DEFAULT_PLANNED_PER_ARM,
            min_per_arm: DEFAULT_MIN_PER_ARM,
        }
    }
}

/// A parameter or input the statistics cannot use.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StatsError {
    /// `alpha` is not in (0, 1).
    #[error("the false-alarm rate must be between 0 and 1 (exclusive), not {alpha}")]
    Alpha {
        /// The value given.
        alpha: f64,
    },
    /// The tolerance is negative or not finite.
    #[error("the tolerated relative degradation must be a finite number ≥ 0, not {tolerance}")]
    Tolerance {
        /// The value given.
        tolerance: f64,
    },
    /// A sum is not finite (an overflowing or corrupt count).
    #[error("the {arm} arm's sums are not finite")]
    NotFinite {
        /// `treatment` or `control`.
        arm: &'static str,
    },
    /// The expected treatment share is not in [0, 1].
    #[error("the expected treatment share must be between 0 and 1, not {share}")]
    Share {
        /// The value given.
        share: f64,
    },
}

/// One arm's estimate and its confidence-sequence bounds at this look.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ArmEstimate {
    /// Observations.
    pub n: u64,
    /// Rate or mean.
    pub estimate: f64,
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

/// A guardrail's verdict at one look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The treatment is worse than the control by more than the tolerance.
    Worse,
    /// The treatment is within the tolerance of the control, with confidence.
    NotWorse,
    /// Neither yet.
    NotEnoughData,
}

/// The comparison at one look: the verdict and the numbers behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Comparison {
    /// The verdict.
    pub verdict: Verdict,
    /// The treatment arm.
    pub treatment: ArmEstimate,
    /// The control arm.
    pub control: ArmEstimate,
    /// Treatment over control, minus one (0.3 = 30 % higher); absent while the control's
    /// estimate is 0.
    pub relative_difference: Option<f64>,
}

/// The `ρ²` that makes the sequence at level `a` tightest at `planned` observations.
fn rho_squared(a: f64, planned: u64) -> f64 {
    let l = -2.0 * a.ln();
    (l + (l + 1.0).ln()) / planned.max(1) as f64
}

/// The half-width of the confidence sequence at `n` observations for a unit standard
/// deviation (multiply by σ̂).
fn unit_radius(n: u64, a: f64, rho2: f64) -> f64 {
    if n == 0 {
        return f64::INFINITY;
    }
    let n = n as f64;
    let v = n * rho2 + 1.0;
    (2.0 * v / (n * n * rho2) * (v.sqrt() / a).ln()).sqrt()
}

fn estimate(measure: Measure, arm: &ArmSums, a: f64, rho2: f64) -> ArmEstimate {
    if arm.n == 0 {
        return ArmEstimate { n: 0, estimate: 0.0, lower: f64::NEG_INFINITY, upper: f64::INFINITY };
    }
    let n = arm.n as f64;
    let mean = arm.sum / n;
    let variance = match measure {
        Measure::Rate => {
            let p = ((arm.sum + 0.5) / (n + 1.0)).clamp(0.0, 1.0);
            p * (1.0 - p)
        }
        // Quantiles do not come from sums (see `compare_quantile`).
        Measure::P95 | Measure::Prometheus => f64::INFINITY,
        Measure::Mean if arm.n < 2 => f64::INFINITY,
        // Rounding can make a constant sample's variance slightly negative.
        Measure::Mean => ((arm.sum_sq - arm.sum * arm.sum / n) / (n - 1.0)).max(0.0),
    };
    let radius = variance.sqrt() * unit_radius(arm.n, a, rho2);
    ArmEstimate { n: arm.n, estimate: mean, lower: mean - radius, upper: mean + radius }
}

/// Compares the treatment with the control for one guardrail at one look.
///
/// `tolerance` is the tolerated relative degradation (0.1: up to 10 % worse is
/// acceptable). Looking again after more data keeps the false-alarm guarantee (see the
/// module documentation).
///
/// # Errors
/// [`StatsError`] for an `alpha` outside (0, 1), a negative or non-finite tolerance, or
/// non-finite sums.
pub fn compare(
    measure: Measure,
    direction: Direction,
    tolerance: f64,
    control: &ArmSums,
    treatment: &ArmSums,
    config: &TestConfig,
) -> Result<Comparison, StatsError> {
    let alpha = config.alpha;
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(StatsError::Alpha { alpha });
    }
    if !(tolerance.is_finite() && tolerance >= 0.0) {
        return Err(StatsError::Tolerance { tolerance });
    }
    for (arm, sums) in [("control", control), ("treatment", treatment)] {
        if !(sums.sum.is_finite() && sums.sum_sq.is_finite()) {
            return Err(StatsError::NotFinite { arm });
        }
    }
    let a = alpha / 2.0;
    let rho2 = rho_squared(a, config.planned_per_arm);
    let c = estimate(measure, control, a, rho2);
    let t = estimate(measure, treatment, a, rho2);
    let enough = control.n >= config.min_per_arm.max(1) && treatment.n >= config.min_per_arm.max(1);
    let verdict = if !enough {
        Verdict::NotEnoughData
    } else {
        match direction {
            Direction::HigherIsWorse if t.lower > c.upper * (1.0 + tolerance) => Verdict::Worse,
            Direction::HigherIsWorse if t.upper < c.lower * (1.0 + tolerance) => Verdict::NotWorse,
            Direction::LowerIsWorse if t.upper < c.lower * (1.0 - tolerance) => Verdict::Worse,
            Direction::LowerIsWorse if t.lower > c.upper * (1.0 - tolerance) => Verdict::NotWorse,
            _ => Verdict::NotEnoughData,
        }
    };
    let relative_difference = (c.estimate != 0.0).then(|| t.estimate / c.estimate - 1.0);
    Ok(Comparison { verdict, treatment: t, control: c, relative_difference })
}

/// Observations each arm needs before a quantile verdict: 20 expected observations
/// above the `q`-quantile (400 for the p95), so that the normal approximation of the
/// count above it is sound, and never fewer than `config.min_per_arm`.
pub fn quantile_min_per_arm(q: f64, config: &TestConfig) -> u64 {
    let tail = (1.0 - q).max(1e-6);
    config.min_per_arm.max((20.0 / tail).ceil() as u64)
}

/// One arm's `q`-quantile and its confidence-sequence bounds.
///
/// At the true quantile `x_q` the indicator "value ≤ x_q" is a Bernoulli variable of
/// known mean `q` and variance `q (1 − q)`, so the time-uniform bound on its running
/// mean (the same boundary as the other guardrails) gives ranks `q ± r` between which
/// the true quantile stays at every look: the sketch's values at those ranks, widened by
/// its relative accuracy, are the bounds (following the construction of quantile
/// confidence sequences in S. R. Howard, A. Ramdas, *Sequential estimation of quantiles with applications to
/// A/B-testing and best-arm identification*, Bernoulli 28(3), 2022). A bound whose rank
/// leaves [0, 1] is infinite.
fn quantile_estimate(q: f64, arm: &ValueSketch, a: f64, rho2: f64) -> ArmEstimate {
    let n = arm.count();
    let Some(x) = arm.quantile(q) else {
        return ArmEstimate { n, estimate: 0.0, lower: f64::NEG_INFINITY, upper: f64::INFINITY };
    };
    // The sketch reads rank ⌊q (n − 1)⌋: one more observation of slack for the rounding.
    let r = (q * (1.0 - q)).sqrt() * unit_radius(n, a, rho2) + 1.0 / n as f64;
    let widen = |v: f64, up: bool| {
        let slack = v.abs() * super::sketch::RELATIVE_ACCURACY / (1.0 - super::sketch::RELATIVE_ACCURACY);
        if up { v + slack } else { v - slack }
    };
    let lower = match arm.quantile(q - r) {
        Some(v) if q - r >= 0.0 => widen(v, false),
        _ => f64::NEG_INFINITY,
    };
    let upper = match arm.quantile(q + r) {
        Some(v) if q + r <= 1.0 => widen(v, true),
        _ => f64::INFINITY,
    };
    ArmEstimate { n, estimate: x, lower, upper }
}

/// Compares the treatment's `q`-quantile with the control's at one look.
///
/// The treatment is worse when its quantile's lower bound is above the control's upper
/// bound times `1 + tolerance`, plus `absolute` (in the values' unit; `p95 no more than
/// 50 ms worse` is `tolerance` 0 and `absolute` 50); not worse when its upper bound is
/// below that; mirrored for [`Direction::LowerIsWorse`]. Each arm's bounds are a
/// confidence sequence at level `alpha / 2`, so that with the quantiles equal both hold
/// at every look with probability at least `1 − alpha` (asymptotically: the boundary is
/// the normal-mixture one, as for the other guardrails). No verdict before
/// [`quantile_min_per_arm`] values per arm.
///
/// # Errors
/// [`StatsError`] for an `alpha` outside (0, 1), or a negative or non-finite tolerance or
/// `absolute`.
pub fn compare_quantile(
    q: f64,
    direction: Direction,
    tolerance: f64,
    absolute: f64,
    control: &ValueSketch,
    treatment: &ValueSketch,
    config: &TestConfig,
) -> Result<Comparison, StatsError> {
    let alpha = config.alpha;
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(StatsError::Alpha { alpha });
    }
    for tolerance in [tolerance, absolute] {
        if !(tolerance.is_finite() && tolerance >= 0.0) {
            return Err(StatsError::Tolerance { tolerance });
        }
    }
    let a = alpha / 2.0;
    let rho2 = rho_squared(a, config.planned_per_arm);
    let c = quantile_estimate(q, control, a, rho2);
    let t = quantile_estimate(q, treatment, a, rho2);
    let min = quantile_min_per_arm(q, config);
    let verdict = if c.n < min || t.n < min {
        Verdict::NotEnoughData
    } else {
        match direction {
            Direction::HigherIsWorse if t.lower > c.upper * (1.0 + tolerance) + absolute => Verdict::Worse,
            Direction::HigherIsWorse if t.upper < c.lower * (1.0 + tolerance) + absolute => Verdict::NotWorse,
            Direction::LowerIsWorse if t.upper < c.lower * (1.0 - tolerance) - absolute => Verdict::Worse,
            Direction::LowerIsWorse if t.lower > c.upper * (1.0 - tolerance) - absolute => Verdict::NotWorse,
            _ => Verdict::NotEnoughData,
        }
    };
    let relative_difference = (c.estimate != 0.0).then(|| t.estimate / c.estimate - 1.0);
    Ok(Comparison { verdict, treatment: t, control: c, relative_difference })
}

/// Compares two numbers read elsewhere (a Prometheus guardrail's per-arm values) with the
/// same thresholds as [`compare_quantile`], but without bounds: the numbers come with no
/// sample size, so the verdict is a threshold check, with no false-alarm guarantee.
/// `values` is (control, treatment); `None` (nothing read) gives no verdict.
///
/// # Errors
/// [`StatsError::Tolerance`] for a negative or non-finite tolerance or `absolute`.
pub fn compare_values(
    direction: Direction,
    tolerance: f64,
    absolute: f64,
    values: Option<(f64, f64)>,
) -> Result<Comparison, StatsError> {
    for tolerance in [tolerance, absolute] {
        if !(tolerance.is_finite() && tolerance >= 0.0) {
            return Err(StatsError::Tolerance { tolerance });
        }
    }
    let arm = |v: Option<f64>| match v {
        Some(v) => ArmEstimate { n: 1, estimate: v, lower: v, upper: v },
        None => ArmEstimate { n: 0, estimate: 0.0, lower: f64::NEG_INFINITY, upper: f64::INFINITY },
    };
    let (c, t) = (arm(values.map(|v| v.0)), arm(values.map(|v| v.1)));
    let verdict = match (values, direction) {
        (None, _) => Verdict::NotEnoughData,
        (Some((c, t)), Direction::HigherIsWorse) if t > c * (1.0 + tolerance) + absolute => Verdict::Worse,
        (Some((c, t)), Direction::LowerIsWorse) if t < c * (1.0 - tolerance) - absolute => Verdict::Worse,
        (Some(_), _) => Verdict::NotWorse,
    };
    let relative_difference = (values.is_some() && c.estimate != 0.0).then(|| t.estimate / c.estimate - 1.0);
    Ok(Comparison { verdict, treatment: t, control: c, relative_difference })
}

/// The outcome of a sample-ratio-mismatch check.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SampleRatio {
    /// The treatment's share the split asks for.
    pub expected_share: f64,
    /// The treatment's share observed (0 when there is no exposure).
    pub observed_share: f64,
    /// Pearson's chi-square p-value (1 when there is nothing to test).
    pub p_value: f64,
    /// Whether `p_value` is below the threshold.
    pub mismatch: bool,
}

/// Checks the arms' exposure counts against the split: a mismatch means exposures are
/// lost or misattributed for one arm, and no comparison of the arms can be trusted.
///
/// `expected_share` is the treatment's share of the two arms in [0, 1]; a split of 0 or
/// 1 has nothing to test. Pearson's chi-square goodness-of-fit test with one degree of
/// freedom; `mismatch` when the p-value is below `threshold`
/// ([`DEFAULT_SRM_P_VALUE`]).
///
/// # Errors
/// [`StatsError::Share`] for a share outside [0, 1].
pub fn sample_ratio(
    control: u64,
    treatment: u64,
    expected_share: f64,
    threshold: f64,
) -> Result<SampleRatio, StatsError> {
    if !(0.0..=1.0).contains(&expected_share) {
        return Err(StatsError::Share { share: expected_share });
    }
    let total = (control + treatment) as f64;
    let observed_share = if total > 0.0 { treatment as f64 / total } else { 0.0 };
    let testable = total > 0.0 && expected_share > 0.0 && expected_share < 1.0;
    let p_value = if testable {
        let (et, ec) = (total * expected_share, total * (1.0 - expected_share));
        let chi2 = (treatment as f64 - et).powi(2) / et + (control as f64 - ec).powi(2) / ec;
        match ChiSquared::new(1.0) {
            Ok(d) => 1.0 - d.cdf(chi2),
            Err(_) => 1.0,
        }
    } else {
        1.0
    };
    Ok(SampleRatio { expected_share, observed_share, p_value, mismatch: p_value < threshold })
}

#[cfg(test)]
mod tests {
    //! Seeded simulations of whole rollouts: how often an A/A plan rolls back, and how
    //! many exposures a real degradation needs to be caught. The figures they print are
    //! the ones `docs/release-safety.md` quotes (`cargo test -p vexil-server --lib
    //! release::stats -- --nocapture`).

    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;

    /// Simulated rollouts per scenario.
    const RUNS: usize = 1_000;
    /// Treatment exposures (per arm) within which a 2x error rate (1 % → 2 %) is caught in
    /// at least 95 % of rollouts: the documented figure.
    const RATE_DETECTION_EXPOSURES: u64 = 12_000;
    /// Treatment events (per arm) within which a 30 % worse mean of an exponential
    /// latency (100 ms → 130 ms) is caught in at least 95 % of rollouts.
    const MEAN_DETECTION_EVENTS: u64 = 1_500;

    /// Binomial(n, p) by inversion: cheap for the small `n p` of an error rate.
    fn binomial(rng: &mut StdRng, n: u64, p: f64) -> u64 {
        let u: f64 = rng.r#gen();
        let q = 1.0 - p;
        let mut pmf = q.powf(n as f64);
        let mut cdf = pmf;
        let mut k = 0;
        while u > cdf && k < n {
            pmf *= (n - k) as f64 / (k + 1) as f64 * p / q;
            k += 1;
            cdf += pmf;
        }
        k
    }

    /// Exponential with the given mean: a skewed, latency-like distribution.
    fn exponential(rng: &mut StdRng, mean: f64) -> f64 {
        let u: f64 = rng.r#gen();
        -mean * (1.0 - u).ln()
    }

    /// Runs one rate rollout, looking after every batch; returns the treatment
    /// exposures at the first "worse", if any within `horizon`.
    fn rate_rollout(rng: &mut StdRng, p_control: f64, p_treatment: f64, horizon: u64) -> Option<u64> {
        const BATCH: u64 = 250;
        let (mut c, mut t) = (ArmSums::default(), ArmSums::default());
        while t.n < horizon {
            c.push_rate(BATCH, binomial(rng, BATCH, p_control));
            t.push_rate(BATCH, binomial(rng, BATCH, p_treatment));
            let cmp = compare(Measure::Rate, Direction::HigherIsWorse, 0.0, &c, &t, &TestConfig::default())
                .unwrap();
            if cmp.verdict == Verdict::Worse {
                return Some(t.n);
            }
        }
        None
    }

    fn mean_rollout(rng: &mut StdRng, m_control: f64, m_treatment: f64, horizon: u64) -> Option<u64> {
        const BATCH: u64 = 25;
        let (mut c, mut t) = (ArmSums::default(), ArmSums::default());
        while t.n < horizon {
            for _ in 0..BATCH {
                c.push(exponential(rng, m_control));
                t.push(exponential(rng, m_treatment));
            }
            let cmp = compare(Measure::Mean, Direction::HigherIsWorse, 0.0, &c, &t, &TestConfig::default())
                .unwrap();
            if cmp.verdict == Verdict::Worse {
                return Some(t.n);
            }
        }
        None
    }

    /// Simulated rollouts per p95 scenario (each look merges a new minute's sketch).
    const P95_RUNS: usize = 400;
    /// Treatment events (per arm) within which a 50 % worse p95 of an exponential
    /// latency (300 ms → 450 ms) is caught in at least 95 % of rollouts.
    const P95_DETECTION_EVENTS: u64 = 2_000;

    /// Runs one p95 rollout of exponential latencies, one sketch per arm and "minute" of
    /// `BATCH` values merged in as the store does, looking after every minute; returns
    /// the treatment events at the first "worse", if any within `horizon`.
    fn p95_rollout(rng: &mut StdRng, m_control: f64, m_treatment: f64, horizon: u64) -> Option<u64> {
        const BATCH: usize = 100;
        let (mut c, mut t) = (ValueSketch::default(), ValueSketch::default());
        while t.count() < horizon {
            let (mut cm, mut tm) = (ValueSketch::default(), ValueSketch::default());
            for _ in 0..BATCH {
                cm.add(exponential(rng, m_control));
                tm.add(exponential(rng, m_treatment));
            }
            c.merge(&cm).unwrap();
            t.merge(&tm).unwrap();
            let cmp =
                compare_quantile(0.95, Direction::HigherIsWorse, 0.0, 0.0, &c, &t, &TestConfig::default())
                    .unwrap();
            if cmp.verdict == Verdict::Worse {
                return Some(t.count());
            }
        }
        None
    }

    #[test]
    fn equal_p95s_roll_back_at_most_at_the_documented_rate() {
        let mut rng = StdRng::seed_from_u64(95);
        let false_alarms =
            (0..P95_RUNS).filter(|_| p95_rollout(&mut rng, 100.0, 100.0, 10_000).is_some()).count();
        println!("A/A p95, 100 looks of 100 values per arm: {false_alarms}/{P95_RUNS} rolled back");
        assert!((false_alarms as f64) <= DEFAULT_ALPHA * P95_RUNS as f64, "{false_alarms} of {P95_RUNS}");
    }

    #[test]
    fn a_fifty_percent_worse_p95_is_caught_within_the_documented_events() {
        let mut rng = StdRng::seed_from_u64(150);
        let found: Vec<u64> =
            (0..P95_RUNS).map(|_| p95_rollout(&mut rng, 100.0, 150.0, 20_000).unwrap_or(u64::MAX)).collect();
        let within = found.iter().filter(|&&n| n <= P95_DETECTION_EVENTS).count();
        println!(
            "exponential p95 300 -> 450 ms: caught within {P95_DETECTION_EVENTS} events per arm in {within}/{P95_RUNS}; \
             median {} p95 {}",
            percentile(found.clone(), 0.5),
            percentile(found, 0.95)
        );
        assert!(within * 100 >= P95_RUNS * 95, "caught in time in {within} of {P95_RUNS}");
    }

    #[test]
    fn a_p95_guardrail_takes_its_absolute_tolerance_and_minimum_sample() {
        let cfg = TestConfig::default();
        let (mut c, mut t) = (ValueSketch::default(), ValueSketch::default());
        for i in 0..10_000 {
            c.add(f64::from(i % 100) + 1.0);
            t.add(f64::from(i % 100) + 61.0);
        }
        // p95 about 96 ms vs 156 ms: worse with no tolerance, not worse with 100 ms.
        let strict = compare_quantile(0.95, Direction::HigherIsWorse, 0.0, 0.0, &c, &t, &cfg).unwrap();
        assert_eq!(strict.verdict, Verdict::Worse, "{strict:?}");
        assert!(
            strict.treatment.lower <= strict.treatment.estimate
                && strict.treatment.estimate <= strict.treatment.upper
        );
        let tolerant = compare_quantile(0.95, Direction::HigherIsWorse, 0.0, 100.0, &c, &t, &cfg).unwrap();
        assert_eq!(tolerant.verdict, Verdict::NotWorse, "{tolerant:?}");
        let mirrored = compare_quantile(0.95, Direction::LowerIsWorse, 0.0, 0.0, &t, &c, &cfg).unwrap();
        assert_eq!(mirrored.verdict, Verdict::Worse);
        let (mut few_c, mut few_t) = (ValueSketch::default(), ValueSketch::default());
        for i in 0..(quantile_min_per_arm(0.95, &cfg) - 1) {
            few_c.add(1.0 + i as f64);
            few_t.add(1_000.0 + i as f64);
        }
        let few = compare_quantile(0.95, Direction::HigherIsWorse, 0.0, 0.0, &few_c, &few_t, &cfg).unwrap();
        assert_eq!(few.verdict, Verdict::NotEnoughData);
        assert!(compare_quantile(0.95, Direction::HigherIsWorse, 0.0, -1.0, &c, &t, &cfg).is_err());
    }

    #[test]
    fn read_values_are_compared_by_threshold_and_nothing_read_gives_no_verdict() {
        let worse = compare_values(Direction::HigherIsWorse, 0.0, 50.0, Some((150.0, 450.0))).unwrap();
        assert_eq!((worse.verdict, worse.relative_difference), (Verdict::Worse, Some(2.0)));
        let within = compare_values(Direction::HigherIsWorse, 1.0, 200.0, Some((150.0, 450.0))).unwrap();
        assert_eq!(within.verdict, Verdict::NotWorse);
        let lower = compare_values(Direction::LowerIsWorse, 0.1, 0.0, Some((100.0, 89.0))).unwrap();
        assert_eq!(lower.verdict, Verdict::Worse);
        let none = compare_values(Direction::HigherIsWorse, 0.0, 0.0, None).unwrap();
        assert_eq!(
            (none.verdict, none.treatment.n, none.relative_difference),
            (Verdict::NotEnoughData, 0, None)
        );
        assert!(compare_values(Direction::HigherIsWorse, f64::NAN, 0.0, None).is_err());
    }

    fn percentile(mut xs: Vec<u64>, q: f64) -> u64 {
        xs.sort_unstable();
        xs[((xs.len() as f64 * q).ceil() as usize).saturating_sub(1).min(xs.len() - 1)]
    }

    #[test]
    fn equal_error_rates_roll_back_at_most_at_the_documented_rate() {
        let mut rng = StdRng::seed_from_u64(13);
        // Looked at every 250 exposures up to 50,000 per arm: 200 looks per rollout.
        let false_alarms = (0..RUNS).filter(|_| rate_rollout(&mut rng, 0.01, 0.01, 50_000).is_some()).count();
        let rate = false_alarms as f64 / RUNS as f64;
        println!("A/A error rate 1 %: {false_alarms} false rollbacks in {RUNS} rollouts ({rate:.3})");
        assert!(rate <= DEFAULT_ALPHA, "false rollback rate {rate}");
    }

    #[test]
    fn equal_means_roll_back_at_most_at_the_documented_rate() {
        let mut rng = StdRng::seed_from_u64(1313);
        let false_alarms =
            (0..RUNS).filter(|_| mean_rollout(&mut rng, 100.0, 100.0, 3_000).is_some()).count();
        let rate = false_alarms as f64 / RUNS as f64;
        println!(
            "A/A exponential mean 100 ms: {false_alarms} false rollbacks in {RUNS} rollouts ({rate:.3})"
        );
        assert!(rate <= DEFAULT_ALPHA, "false rollback rate {rate}");
    }

    #[test]
    fn a_doubled_error_rate_is_caught_within_the_documented_exposures() {
        let mut rng = StdRng::seed_from_u64(26);
        let found: Vec<u64> =
            (0..RUNS).map(|_| rate_rollout(&mut rng, 0.01, 0.02, 200_000).unwrap_or(u64::MAX)).collect();
        let within = found.iter().filter(|&&n| n <= RATE_DETECTION_EXPOSURES).count();
        println!(
            "error rate 1 % -> 2 %: caught within {RATE_DETECTION_EXPOSURES} exposures per arm in {within}/{RUNS}; \
             median {} p95 {}",
            percentile(found.clone(), 0.5),
            percentile(found, 0.95)
        );
        assert!(within * 100 >= RUNS * 95, "caught in time in {within} of {RUNS}");
    }

    #[test]
    fn a_thirty_percent_worse_mean_is_caught_within_the_documented_events() {
        let mut rng = StdRng::seed_from_u64(30);
        let found: Vec<u64> =
            (0..RUNS).map(|_| mean_rollout(&mut rng, 100.0, 130.0, 20_000).unwrap_or(u64::MAX)).collect();
        let within = found.iter().filter(|&&n| n <= MEAN_DETECTION_EVENTS).count();
        println!(
            "exponential mean 100 -> 130 ms: caught within {MEAN_DETECTION_EVENTS} events per arm in {within}/{RUNS}; \
             median {} p95 {}",
            percentile(found.clone(), 0.5),
            percentile(found, 0.95)
        );
        assert!(within * 100 >= RUNS * 95, "caught in time in {within} of {RUNS}");
    }

    #[test]
    fn a_better_treatment_is_eventually_not_worse_and_lower_is_worse_mirrors() {
        let c = ArmSums { n: 50_000, sum: 1_000.0, sum_sq: 1_000.0 };
        let t = ArmSums { n: 50_000, sum: 500.0, sum_sq: 500.0 };
        let cfg = TestConfig::default();
        let higher = compare(Measure::Rate, Direction::HigherIsWorse, 0.0, &c, &t, &cfg).unwrap();
        assert_eq!(higher.verdict, Verdict::NotWorse);
        assert_eq!(higher.relative_difference, Some(-0.5));
        // The same numbers as a conversion rate: halving it is worse.
        let lower = compare(Measure::Rate, Direction::LowerIsWorse, 0.0, &c, &t, &cfg).unwrap();
        assert_eq!(lower.verdict, Verdict::Worse);
        // A 60 % tolerance accepts a doubled rate once the data are clear.
        let doubled = ArmSums { n: 50_000, sum: 2_000.0, sum_sq: 2_000.0 };
        let tolerant = compare(Measure::Rate, Direction::HigherIsWorse, 1.5, &c, &doubled, &cfg).unwrap();
        assert_eq!(tolerant.verdict, Verdict::NotWorse);
    }

    #[test]
    fn too_few_observations_or_bad_parameters_give_no_verdict() {
        let cfg = TestConfig::default();
        let c = ArmSums { n: 99, sum: 0.0, sum_sq: 0.0 };
        let t = ArmSums { n: 99, sum: 99.0, sum_sq: 99.0 };
        let cmp = compare(Measure::Rate, Direction::HigherIsWorse, 0.0, &c, &t, &cfg).unwrap();
        assert_eq!(cmp.verdict, Verdict::NotEnoughData);
        assert_eq!(cmp.relative_difference, None);
        let empty =
            compare(Measure::Mean, Direction::HigherIsWorse, 0.0, &ArmSums::default(), &t, &cfg).unwrap();
        assert_eq!(empty.verdict, Verdict::NotEnoughData);
        assert!(empty.control.upper.is_infinite());
        let bad_alpha = TestConfig { alpha: 1.0, ..cfg };
        assert!(matches!(
            compare(Measure::Rate, Direction::HigherIsWorse, 0.0, &c, &t, &bad_alpha),
            Err(StatsError::Alpha { .. })
        ));
        assert!(matches!(
            compare(Measure::Rate, Direction::HigherIsWorse, -0.1, &c, &t, &cfg),
            Err(StatsError::Tolerance { .. })
        ));
        let nan = ArmSums { n: 200, sum: f64::NAN, sum_sq: 0.0 };
        assert!(matches!(
            compare(Measure::Mean, Direction::HigherIsWorse, 0.0, &c, &nan, &cfg),
            Err(StatsError::NotFinite { arm: "treatment" })
        ));
    }

    #[test]
    fn sample_ratio_mismatch_flags_a_lopsided_split_only() {
        // 5 % asked for: 5,000 of 100,000 is right, 4,000 is a mismatch.
        let fine = sample_ratio(95_000, 5_000, 0.05, DEFAULT_SRM_P_VALUE).unwrap();
        assert!(!fine.mismatch && fine.p_value > 0.9, "{fine:?}");
        let off = sample_ratio(96_000, 4_000, 0.05, DEFAULT_SRM_P_VALUE).unwrap();
        assert!(off.mismatch && off.p_value < 1e-6, "{off:?}");
        assert!((off.observed_share - 0.04).abs() < 1e-12);
        // Nothing to test at 0 % or 100 %, or without exposures.
        assert!(!sample_ratio(10, 0, 0.0, DEFAULT_SRM_P_VALUE).unwrap().mismatch);
        assert!(!sample_ratio(0, 0, 0.5, DEFAULT_SRM_P_VALUE).unwrap().mismatch);
        assert!(matches!(sample_ratio(1, 1, 1.5, DEFAULT_SRM_P_VALUE), Err(StatsError::Share { .. })));
    }
}
