//! Parameter uncertainty (second-order Monte Carlo): the scenario's `uncertain` values are drawn
//! afresh for every replication, from a stream of their own derived from (seed, i), and each
//! replication runs the scenario with its draws. The bands of the results then hold both the
//! randomness of the service and the uncertainty of the inputs.
//!
//! Each draw is set through a lever path ([`crate::lever`]) and the scenario validated again, so a
//! draw is checked like any other value. Before a run, [`prepare`] checks that every path names a
//! number and that the scenario is valid at both ends of every distribution's range (the normal is
//! cut at three standard deviations), with the same months, so no replication can fail half-way
//! through and all replications share one table of results.

use crate::engine::rng;
use crate::lever::{self, LeverError, LeverPath};
use crate::load::Loaded;
use crate::model::Model;
use crate::scenario::Distribution;
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Beta, Distribution as _, Normal, Triangular};

/// Normal draws are cut at this many standard deviations.
const NORMAL_CUT: f64 = 3.0;

/// A scenario whose uncertain values are ready to draw.
#[derive(Debug, Clone)]
pub struct Uncertain {
    /// The scenario with the `uncertain` section removed (the values stand as written).
    base: Loaded,
    /// The paths, their distributions, and whether each is a whole number (then draws are
    /// rounded), in scenario order.
    values: Vec<(LeverPath, Distribution, bool)>,
}

/// One replication's drawn values.
#[derive(Debug, Clone, PartialEq)]
pub struct Draws {
    /// Replication index.
    pub replication: u64,
    /// (path, value) in scenario order.
    pub values: Vec<(String, f64)>,
}

/// The range a distribution can draw from.
fn support(d: Distribution) -> (f64, f64) {
    match d {
        Distribution::Uniform { min, max } | Distribution::Triangular { min, max, .. } => {
            (min, max)
        }
        Distribution::Normal { mean, sd } => (mean - NORMAL_CUT * sd, mean + NORMAL_CUT * sd),
        Distribution::Beta { .. } => (0.0, 1.0),
    }
}

/// One draw from `d`.
fn draw(d: Distribution, rng: &mut Xoshiro256PlusPlus) -> f64 {
    let (lo, hi) = support(d);
    let x = match d {
        Distribution::Uniform { min, max } => min + rng.random::<f64>() * (max - min),
        Distribution::Normal { mean, sd } => Normal::new(mean, sd).map_or(mean, |n| {
            loop {
                let x = n.sample(rng);
                if (lo..=hi).contains(&x) {
                    break x;
                }
            }
        }),
        Distribution::Beta { alpha, beta } => {
            Beta::new(alpha, beta).map_or(alpha / (alpha + beta), |b| b.sample(rng))
        }
        Distribution::Triangular { min, mode, max } => {
            Triangular::new(min, max, mode).map_or(mode, |t| t.sample(rng))
        }
    };
    x.clamp(lo, hi)
}

/// A drawn value as scenario text: whole numbers without a point.
fn value_text(x: f64, whole: bool) -> String {
    if whole {
        format!("{}", x.round() as i64)
    } else {
        x.to_string()
    }
}

/// Checks a loaded scenario's uncertain values and prepares them; `None` when it has none.
pub fn prepare(loaded: &Loaded) -> Result<Option<Uncertain>, LeverError> {
    if loaded.scenario.uncertain.is_empty() {
        return Ok(None);
    }
    let section: LeverPath = "uncertain".parse()?;
    let base = lever::apply(loaded, &[(&section, "[]")])?;
    let mut values = Vec::new();
    for u in &loaded.scenario.uncertain {
        let path: LeverPath = u.path.parse()?;
        let Some(written) = lever::current(&base, &path)? else {
            return Err(LeverError::NotWritten {
                path: u.path.clone(),
            });
        };
        let written = written.trim();
        if written.parse::<f64>().is_err() {
            return Err(LeverError::NotANumber {
                path: u.path.clone(),
                found: written.to_string(),
            });
        }
        // A whole number written without a point or exponent takes whole-number draws.
        let whole = written.parse::<i64>().is_ok();
        let (lo, hi) = support(u.distribution);
        for end in [lo, hi] {
            let at_end = lever::apply(&base, &[(&path, &value_text(end, whole))])?;
            if at_end.model.calendar.months() != base.model.calendar.months() {
                return Err(LeverError::ChangesTheRun {
                    path: u.path.clone(),
                });
            }
        }
        values.push((path, u.distribution, whole));
    }
    Ok(Some(Uncertain { base, values }))
}

impl Uncertain {
    /// The paths of the uncertain values, in scenario order.
    pub fn paths(&self) -> Vec<String> {
        self.values.iter().map(|(p, _, _)| p.to_string()).collect()
    }

    /// Replication `replication`'s draws and its model.
    pub fn replication(&self, seed: u64, replication: u64) -> Result<(Draws, Model), LeverError> {
        let mut rng = rng::stream(seed, replication, rng::Process::Parameters);
        let drawn: Vec<(String, f64)> = self
            .values
            .iter()
            .map(|&(ref p, d, whole)| {
                let x = draw(d, &mut rng);
                (p.to_string(), if whole { x.round() } else { x })
            })
            .collect();
        let texts: Vec<String> = self
            .values
            .iter()
            .zip(&drawn)
            .map(|(&(_, _, whole), (_, x))| value_text(*x, whole))
            .collect();
        let settings: Vec<(&LeverPath, &str)> = self
            .values
            .iter()
            .zip(&texts)
            .map(|((p, _, _), t)| (p, t.as_str()))
            .collect();
        let loaded = lever::apply(&self.base, &settings)?;
        Ok((
            Draws {
                replication,
                values: drawn,
            },
            loaded.model,
        ))
    }

    /// The scenario with its values as written (no draws).
    pub fn base(&self) -> &Loaded {
        &self.base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The baseline with one uncertain value at `path`.
    fn baseline_with(path: &str) -> Loaded {
        let base = crate::load::baseline().expect("the baseline loads");
        let section: LeverPath = "uncertain".parse().expect("a path");
        let value = format!("[(path: {path:?}, distribution: Uniform(min: 0.0, max: 0.5))]");
        lever::apply(&base, &[(&section, &value)]).expect("a valid scenario")
    }

    #[test]
    fn a_value_the_scenario_leaves_to_its_default_is_named_not_written() {
        // The baseline writes no attrition for its students (the default, 0, stands).
        let e = prepare(&baseline_with("roles[student_health_visitor].attrition")).unwrap_err();
        assert!(
            matches!(&e, LeverError::NotWritten { path } if path == "roles[student_health_visitor].attrition"),
            "{e:?}"
        );
        assert!(
            e.to_string().contains("does not write a value there"),
            "{e}"
        );
        // A written number is drawn.
        let ready = prepare(&baseline_with("roles[health_visitor].contact_share"))
            .expect("prepared")
            .expect("uncertain");
        assert_eq!(ready.paths(), ["roles[health_visitor].contact_share"]);
        let (draws, _) = ready.replication(1, 0).expect("a draw");
        assert!((0.0..=0.5).contains(&draws.values[0].1), "{draws:?}");
    }

    #[test]
    fn draws_stay_in_their_support_with_the_right_mean() {
        let mut rng = rng::stream(1, 0, rng::Process::Parameters);
        for (d, mean) in [
            (Distribution::Uniform { min: 2.0, max: 4.0 }, 3.0),
            (
                Distribution::Normal {
                    mean: 10.0,
                    sd: 1.0,
                },
                10.0,
            ),
            (
                Distribution::Beta {
                    alpha: 2.0,
                    beta: 6.0,
                },
                0.25,
            ),
            (
                Distribution::Triangular {
                    min: 0.0,
                    mode: 0.0,
                    max: 3.0,
                },
                1.0,
            ),
        ] {
            let (lo, hi) = support(d);
            let xs: Vec<f64> = (0..20_000).map(|_| draw(d, &mut rng)).collect();
            assert!(xs.iter().all(|x| (lo..=hi).contains(x)), "{d:?}");
            let m = xs.iter().sum::<f64>() / xs.len() as f64;
            assert!(
                (m - mean).abs() < 0.03 * (hi - lo),
                "{d:?}: mean {m}, expected {mean}"
            );
        }
    }
}
