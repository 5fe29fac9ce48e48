//! Targets: "is compliance at least 95% in December 2020?" asked of every replication, answered
//! as a probability with its exact (Clopper-Pearson) 95% interval.
//!
//! Syntax: `METRIC OP VALUE@YYYY-MM[/DISTRICT]`, where OP is one of `>=`, `<=`, `>`, `<`, and
//! DISTRICT is a district id, `ALL` (the city, the default) or `*` (every district at once). For
//! example `compliance:new_birth>=0.95@2020-12` or `caseload_per_hv_wte<=350@2022-03/*`.

use std::fmt;

use statrs::distribution::{Beta, ContinuousCDF};

use crate::results::{CITY, ReplicationValues, Results};

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `>=`
    AtLeast,
    /// `<=`
    AtMost,
    /// `>`
    Above,
    /// `<`
    Below,
}

impl Comparison {
    fn holds(self, x: f64, value: f64) -> bool {
        match self {
            Comparison::AtLeast => x >= value,
            Comparison::AtMost => x <= value,
            Comparison::Above => x > value,
            Comparison::Below => x < value,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Comparison::AtLeast => ">=",
            Comparison::AtMost => "<=",
            Comparison::Above => ">",
            Comparison::Below => "<",
        }
    }
}

/// Which districts a target applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One district id, or `ALL` for the city.
    District(String),
    /// Every district at once (not the city total).
    EveryDistrict,
}

/// A target on one metric in one month.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Metric name, as in the results.
    pub metric: String,
    /// The comparison.
    pub comparison: Comparison,
    /// The threshold.
    pub value: f64,
    /// Month, `YYYY-MM`.
    pub month: String,
    /// Where.
    pub scope: Scope,
}

/// Why a target could not be read or applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TargetError {
    /// The text does not follow the syntax.
    #[error(
        "target {text:?}: {reason}; expected METRIC OP VALUE@YYYY-MM[/DISTRICT], e.g. \"compliance:new_birth>=0.95@2020-12\""
    )]
    Syntax {
        /// The text given.
        text: String,
        /// What is wrong.
        reason: String,
    },
    /// The target names something the run does not have.
    #[error("target {target}: {reason}")]
    Unknown {
        /// The target.
        target: String,
        /// What is missing, with what is available.
        reason: String,
    },
    /// The run's values, kept on disk, could not be read back.
    #[error("target {target}: cannot read the run's values: {reason}")]
    Read {
        /// The target.
        target: String,
        /// The cause.
        reason: String,
    },
}

impl std::str::FromStr for Target {
    type Err = TargetError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let syntax = |reason: &str| TargetError::Syntax {
            text: text.to_string(),
            reason: reason.to_string(),
        };
        let (condition, when) = text
            .split_once('@')
            .ok_or_else(|| syntax("no '@' before the month"))?;
        let (month, scope) = match when.split_once('/') {
            Some((m, "*")) => (m, Scope::EveryDistrict),
            Some((m, d)) if !d.is_empty() => (m, Scope::District(d.to_string())),
            Some(_) => return Err(syntax("no district after '/'")),
            None => (when, Scope::District(CITY.to_string())),
        };
        let month = month.trim();
        let valid_month = month.len() == 7
            && month.as_bytes()[4] == b'-'
            && month[..4].bytes().all(|b| b.is_ascii_digit())
            && month[5..]
                .parse::<u8>()
                .is_ok_and(|m| (1..=12).contains(&m));
        if !valid_month {
            return Err(syntax("the month must be YYYY-MM"));
        }
        let ops = [
            (">=", Comparison::AtLeast),
            ("<=", Comparison::AtMost),
            (">", Comparison::Above),
            ("<", Comparison::Below),
        ];
        let (metric, comparison, value) = ops
            .iter()
            .find_map(|&(op, c)| condition.split_once(op).map(|(m, v)| (m, c, v)))
            .ok_or_else(|| syntax("no comparison (>=, <=, > or <)"))?;
        let metric = metric.trim();
        if metric.is_empty() {
            return Err(syntax("no metric before the comparison"));
        }
        let value: f64 = value
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| syntax("the value must be a finite number"))?;
        Ok(Target {
            metric: metric.to_string(),
            comparison,
            value,
            month: month.to_string(),
            scope,
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{}@{}",
            self.metric,
            self.comparison.symbol(),
            self.value,
            self.month
        )?;
        match &self.scope {
            Scope::District(d) if d == CITY => Ok(()),
            Scope::District(d) => write!(f, "/{d}"),
            Scope::EveryDistrict => write!(f, "/*"),
        }
    }
}

/// How often a target was met.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chance {
    /// Replications meeting it.
    pub met: usize,
    /// Replications.
    pub replications: usize,
    /// met / replications.
    pub probability: f64,
    /// Lower end of the exact 95% interval.
    pub ci95_low: f64,
    /// Upper end.
    pub ci95_high: f64,
}

/// The exact (Clopper-Pearson) 95% interval for `met` successes in `n` trials.
pub fn clopper_pearson(met: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let (k, n) = (met as f64, n as f64);
    let low = if met == 0 {
        0.0
    } else {
        Beta::new(k, n - k + 1.0).map_or(f64::NAN, |b| b.inverse_cdf(0.025))
    };
    let high = if met as f64 == n {
        1.0
    } else {
        Beta::new(k + 1.0, n - k).map_or(f64::NAN, |b| b.inverse_cdf(0.975))
    };
    (low, high)
}

impl Target {
    /// Checks that the run has the target's metric, month and district; returns their indices
    /// (the district is `None` for every district). Use it before a run to fail fast.
    pub fn resolve(&self, results: &Results) -> Result<(usize, usize, Option<usize>), TargetError> {
        let unknown = |reason: String| TargetError::Unknown {
            target: self.to_string(),
            reason,
        };
        let k = results
            .metric_index(&self.metric)
            .ok_or_else(|| unknown(format!("no metric {:?} in this run", self.metric)))?;
        let m = results
            .months
            .iter()
            .position(|m| *m == self.month)
            .ok_or_else(|| {
                unknown(format!(
                    "month {} is outside the run ({} to {})",
                    self.month,
                    results.months.first().map_or("", String::as_str),
                    results.months.last().map_or("", String::as_str)
                ))
            })?;
        let d = match &self.scope {
            Scope::EveryDistrict => None,
            Scope::District(id) => Some(results.district_index(id).ok_or_else(|| {
                unknown(format!(
                    "no district {id:?}; expected one of {}, or *",
                    results.districts.join(", ")
                ))
            })?),
        };
        Ok((k, m, d))
    }

    /// Whether replication `r` meets the target (an undefined value never does).
    pub fn met_by(&self, results: &Results, r: usize) -> Result<bool, TargetError> {
        let (k, m, d) = self.resolve(results)?;
        let holds = |d: usize| self.met_at(results.value(r, m, d, k));
        Ok(match d {
            None => (0..results.city()).all(holds),
            Some(d) => holds(d),
        })
    }

    /// Whether one value meets the target (an undefined value never does).
    fn met_at(&self, x: f64) -> bool {
        !x.is_nan() && self.comparison.holds(x, self.value)
    }

    /// The chance of meeting the target across the run's replications, wherever they are kept
    /// (in memory, or on disk for a long run), reading only the cells the target looks at.
    pub fn chance(&self, values: &dyn ReplicationValues) -> Result<Chance, TargetError> {
        let shape = values.shape();
        let (k, m, d) = self.resolve(shape)?;
        let districts: Vec<usize> = match d {
            None => (0..shape.city()).collect(),
            Some(d) => vec![d],
        };
        let cells: Vec<usize> = districts.iter().map(|&d| shape.cell(m, d, k)).collect();
        let across = values.across(&cells).map_err(|e| TargetError::Read {
            target: self.to_string(),
            reason: e.to_string(),
        })?;
        let n = values.count();
        let met = (0..n)
            .filter(|&r| across.iter().all(|cell| self.met_at(cell[r])))
            .count();
        let (ci95_low, ci95_high) = clopper_pearson(met, n);
        Ok(Chance {
            met,
            replications: n,
            probability: if n > 0 {
                met as f64 / n as f64
            } else {
                f64::NAN
            },
            ci95_low,
            ci95_high,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_targets() {
        let t: Target = "compliance:new_birth>=0.95@2020-12".parse().unwrap();
        assert_eq!(t.metric, "compliance:new_birth");
        assert_eq!(t.comparison, Comparison::AtLeast);
        assert_eq!(t.value, 0.95);
        assert_eq!(t.month, "2020-12");
        assert_eq!(t.scope, Scope::District(CITY.into()));
        assert_eq!(t.to_string(), "compliance:new_birth>=0.95@2020-12");
        let t: Target = "caseload_per_hv_wte <= 350 @2022-03/*".parse().unwrap();
        assert_eq!(
            (t.comparison, t.scope.clone()),
            (Comparison::AtMost, Scope::EveryDistrict)
        );
        assert_eq!(t.to_string(), "caseload_per_hv_wte<=350@2022-03/*");
        let t: Target = "hv_wte>20@2019-01/ladywood".parse().unwrap();
        assert_eq!(t.scope, Scope::District("ladywood".into()));
        assert_eq!(t.comparison, Comparison::Above);
    }

    #[test]
    fn refuses_malformed_targets_with_the_reason() {
        for (text, reason) in [
            ("compliance:new_birth>=0.95", "no '@'"),
            ("compliance:new_birth=0.95@2020-12", "no comparison"),
            (">=0.95@2020-12", "no metric"),
            ("x>=abc@2020-12", "finite number"),
            ("x>=inf@2020-12", "finite number"),
            ("x>=1@2020-13", "YYYY-MM"),
            ("x>=1@20-12", "YYYY-MM"),
            ("x>=1@2020-12/", "no district"),
        ] {
            let e = text.parse::<Target>().unwrap_err().to_string();
            assert!(e.contains(reason), "{text}: {e}");
        }
    }

    #[test]
    fn clopper_pearson_matches_hand_values() {
        // 0 of 10: [0, 1 - 0.025^(1/10)] = [0, 0.3085]; 10 of 10: [0.025^(1/10), 1] = [0.6915, 1].
        let (lo, hi) = clopper_pearson(0, 10);
        assert_eq!(lo, 0.0);
        assert!((hi - (1.0 - 0.025f64.powf(0.1))).abs() < 1e-9);
        let (lo, hi) = clopper_pearson(10, 10);
        assert!((lo - 0.025f64.powf(0.1)).abs() < 1e-9);
        assert_eq!(hi, 1.0);
        // 5 of 10: the published exact interval is [0.1871, 0.8129].
        let (lo, hi) = clopper_pearson(5, 10);
        assert!(
            (lo - 0.187_086).abs() < 1e-5 && (hi - 0.812_914).abs() < 1e-5,
            "{lo} {hi}"
        );
    }
}
