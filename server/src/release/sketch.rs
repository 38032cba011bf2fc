//! Mergeable quantile sketches of a numeric metric event's values, kept per minute and
//! variant so that any window's quantiles (the p95 guardrail) come from merging minutes.
//!
//! The sketch is a DDSketch (C. Masson, J. E. Rim, H. K. Lee, *DDSketch: a fast and
//! fully-mergeable quantile sketch with relative-error guarantees*, PVLDB 12(12), 2019,
//! arXiv:1908.10693) from the `sketches-ddsketch` crate: every quantile it answers is
//! within [`RELATIVE_ACCURACY`] (relative) of the value of that rank in the sample, and
//! merging two sketches gives the sketch of the union of their samples.

use sketches_ddsketch::{Config, DDSketch};

/// The sketch's relative accuracy: a reported quantile `x̂` of true sample quantile `x`
/// satisfies `|x̂ − x| ≤ RELATIVE_ACCURACY · |x|`.
pub const RELATIVE_ACCURACY: f64 = 0.01;
/// Bins per sign before the lowest ones are collapsed (2,048 bins at 1 % cover values
/// from 1e-9 over about 17 orders of magnitude, so collapsing does not happen for
/// latencies or sizes).
const MAX_BINS: u32 = 2048;
/// Values closer to zero than this count as zero.
const MIN_VALUE: f64 = 1.0e-9;

fn config() -> Config {
    Config::new(RELATIVE_ACCURACY, MAX_BINS, MIN_VALUE)
}

/// A sketch that cannot be read or merged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SketchError {
    /// The stored text is not a sketch.
    #[error("a stored metric sketch is not valid: {source}")]
    Decode {
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// The stored sketch was made with other parameters (it cannot be merged).
    #[error("a stored metric sketch has other parameters and cannot be merged")]
    Incompatible,
}

/// A quantile sketch of one arm's values.
#[derive(Clone)]
pub struct ValueSketch(DDSketch);

impl std::fmt::Debug for ValueSketch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValueSketch").field("count", &self.count()).finish()
    }
}

impl Default for ValueSketch {
    fn default() -> ValueSketch {
        ValueSketch(DDSketch::new(config()))
    }
}

impl ValueSketch {
    /// Adds one value (finite; callers reject others before).
    pub fn add(&mut self, value: f64) {
        if value.is_finite() {
            self.0.add(value);
        }
    }

    /// Adds every value of `other`.
    ///
    /// # Errors
    /// [`SketchError::Incompatible`] when `other` was made with other parameters.
    pub fn merge(&mut self, other: &ValueSketch) -> Result<(), SketchError> {
        if other.count() == 0 {
            return Ok(());
        }
        self.0.merge(&other.0).map_err(|_| SketchError::Incompatible)
    }

    /// Values added.
    pub fn count(&self) -> u64 {
        self.0.count() as u64
    }

    /// The `q`-quantile (`q` in [0, 1]) of the values, within [`RELATIVE_ACCURACY`];
    /// `None` when empty or `q` is outside [0, 1].
    pub fn quantile(&self, q: f64) -> Option<f64> {
        self.0.quantile(q).ok().flatten()
    }

    /// The stored form (JSON). An empty sketch is never stored (its min and max are
    /// infinite, which JSON cannot hold).
    pub fn to_json(&self) -> String {
        // Serializing a struct of numbers and vectors of numbers cannot fail.
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    /// Reads the stored form.
    ///
    /// # Errors
    /// [`SketchError::Decode`] for text that is not a sketch; [`SketchError::Incompatible`]
    /// for a sketch made with other parameters.
    pub fn from_json(text: &str) -> Result<ValueSketch, SketchError> {
        let mut value: serde_json::Value =
            serde_json::from_str(text).map_err(|source| SketchError::Decode { source })?;
        // JSON need not give back a float's last bit, and the crate merges only sketches
        // with bit-equal parameters: a stored sketch whose parameters are ours within
        // rounding gets ours exactly.
        let ours = ValueSketch::default();
        let ours_config = serde_json::to_value(config()).unwrap_or_default();
        let same = match (value.get("config"), &ours_config) {
            (Some(serde_json::Value::Object(stored)), serde_json::Value::Object(expected)) => {
                stored.len() == expected.len()
                    && expected.iter().all(|(k, e)| {
                        match (stored.get(k).and_then(|v| v.as_f64()), e.as_f64()) {
                            (Some(a), Some(b)) => (a - b).abs() <= 1e-12 * b.abs().max(1e-300),
                            _ => false,
                        }
                    })
            }
            _ => false,
        };
        if !same {
            return Err(SketchError::Incompatible);
        }
        if let Some(config) = value.get_mut("config") {
            *config = ours_config;
        }
        let sketch: DDSketch =
            serde_json::from_value(value).map_err(|source| SketchError::Decode { source })?;
        let mut merged = ours;
        merged.merge(&ValueSketch(sketch))?;
        Ok(merged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng, rngs::StdRng};

    /// The exact `q`-quantile by the sketch's rank convention: rank ⌊q (n − 1)⌋.
    fn exact(sorted: &[f64], q: f64) -> f64 {
        sorted[(q * (sorted.len() - 1) as f64) as usize]
    }

    #[test]
    fn minutes_merged_through_their_stored_form_give_the_quantiles_of_all_values() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut all = Vec::new();
        let mut merged = ValueSketch::default();
        for _minute in 0..30 {
            let mut minute = ValueSketch::default();
            for _ in 0..rng.gen_range(10..500) {
                // Log-normal-ish latencies, 1 ms to a few seconds.
                let v = (rng.r#gen::<f64>() * 8.0).exp();
                minute.add(v);
                all.push(v);
            }
            let stored = ValueSketch::from_json(&minute.to_json()).unwrap();
            assert_eq!(stored.count(), minute.count());
            merged.merge(&stored).unwrap();
        }
        all.sort_by(f64::total_cmp);
        assert_eq!(merged.count(), all.len() as u64);
        for q in [0.5, 0.9, 0.95, 0.99] {
            let (got, want) = (merged.quantile(q).unwrap(), exact(&all, q));
            assert!((got - want).abs() <= RELATIVE_ACCURACY * want + 1e-9, "q {q}: {got} vs {want}");
        }
    }

    #[test]
    fn empty_foreign_or_corrupt_sketches_are_handled() {
        let empty = ValueSketch::default();
        assert_eq!(empty.quantile(0.95), None);
        let mut one = ValueSketch::default();
        one.add(f64::NAN);
        one.add(12.0);
        assert_eq!(one.count(), 1);
        assert_eq!(one.quantile(2.0), None);
        assert!(matches!(ValueSketch::from_json("not json"), Err(SketchError::Decode { .. })));
        let mut other = DDSketch::new(Config::new(0.05, MAX_BINS, MIN_VALUE));
        other.add(3.0);
        let text = serde_json::to_string(&other).unwrap();
        assert!(matches!(ValueSketch::from_json(&text), Err(SketchError::Incompatible)));
        assert!(matches!(ValueSketch::from_json("{\"nope\": 1}"), Err(SketchError::Incompatible)));
    }
}
