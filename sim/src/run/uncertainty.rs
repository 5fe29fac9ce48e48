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

use std::sync::Arc;

use crate::engine::rng;
use crate::lever::{self, LeverError, LeverPath};
use crate::load::Loaded;
use crate::model::Model;
use crate::run::posterior::Posterior;
use crate::scenario::Distribution;
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Beta, Distribution as _, Normal, Triangular};
use statrs::distribution::Continuous as _;

/// Normal draws are cut at this many standard deviations.
const NORMAL_CUT: f64 = 3.0;

/// A scenario whose uncertain values are ready to draw.
#[derive(Debug, Clone)]
pub struct Uncertain {
    /// The scenario with the `uncertain` section removed (the values stand as written).
    base: Loaded,
    /// The paths, where their draws come from, and whether each is a whole number (then draws
    /// are rounded): the scenario's own in its order, then a posterior's.
    values: Vec<(LeverPath, Source, bool)>,
    /// The posterior the `Posterior` sources pick from.
    posterior: Option<Arc<Posterior>>,
}

/// Where an uncertain value's draws come from.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// The scenario's distribution (the prior).
    Prior(Distribution),
    /// Column k of a calibrated posterior.
    Posterior(usize),
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
pub(crate) fn draw(d: Distribution, rng: &mut Xoshiro256PlusPlus) -> f64 {
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

/// The density of `d` at `x` up to a constant factor (the normal is cut at three standard
/// deviations and not renormalised); 0 outside its range.
pub(crate) fn density(d: Distribution, x: f64) -> f64 {
    let (lo, hi) = support(d);
    if !(lo..=hi).contains(&x) {
        return 0.0;
    }
    match d {
        Distribution::Uniform { .. } => 1.0,
        Distribution::Normal { mean, sd } => (-0.5 * ((x - mean) / sd).powi(2)).exp(),
        Distribution::Beta { alpha, beta } => {
            statrs::distribution::Beta::new(alpha, beta).map_or(1.0, |b| b.pdf(x))
        }
        Distribution::Triangular { min, mode, max } => {
            statrs::distribution::Triangular::new(min, max, mode).map_or(1.0, |t| t.pdf(x))
        }
    }
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
    prepare_with(loaded, None)
}

/// Checks that `path` names a number written in `base` and that `base` stays valid, with the same
/// months, at both `ends`; returns whether the number is written whole (then draws are rounded).
fn check(base: &Loaded, path: &LeverPath, ends: (f64, f64)) -> Result<bool, LeverError> {
    let Some(written) = lever::current(base, path)? else {
        return Err(LeverError::NotWritten {
            path: path.to_string(),
        });
    };
    let written = written.trim();
    if written.parse::<f64>().is_err() {
        return Err(LeverError::NotANumber {
            path: path.to_string(),
            found: written.to_string(),
        });
    }
    // A whole number written without a point or exponent takes whole-number draws.
    let whole = written.parse::<i64>().is_ok();
    for end in [ends.0, ends.1] {
        let at_end = lever::apply(base, &[(path, &value_text(end, whole))])?;
        if at_end.model.calendar.months() != base.model.calendar.months() {
            return Err(LeverError::ChangesTheRun {
                path: path.to_string(),
            });
        }
    }
    Ok(whole)
}

/// Like [`prepare`], with the values a `posterior` covers drawn from it (a particle picked by
/// weight for each replication) instead of the scenario's distributions. Every path of the
/// posterior must name a number the scenario writes, and the scenario must be valid at each
/// path's smallest and largest value; a scenario without an `uncertain` section takes its
/// uncertain values from the posterior alone.
pub fn prepare_with(
    loaded: &Loaded,
    posterior: Option<&Posterior>,
) -> Result<Option<Uncertain>, LeverError> {
    if loaded.scenario.uncertain.is_empty() && posterior.is_none() {
        return Ok(None);
    }
    let section: LeverPath = "uncertain".parse()?;
    let base = lever::apply(loaded, &[(&section, "[]")])?;
    let fitted: Vec<LeverPath> = posterior.map_or(Ok(Vec::new()), |p| {
        p.paths.iter().map(|p| p.parse()).collect()
    })?;
    let mut values = Vec::new();
    for u in &loaded.scenario.uncertain {
        let path: LeverPath = u.path.parse()?;
        if fitted.iter().any(|f| f.to_string() == path.to_string()) {
            continue;
        }
        let whole = check(&base, &path, support(u.distribution))?;
        values.push((path, Source::Prior(u.distribution), whole));
    }
    if let Some(p) = posterior {
        for (k, path) in fitted.into_iter().enumerate() {
            let whole = check(&base, &path, p.range(k))?;
            values.push((path, Source::Posterior(k), whole));
        }
    }
    Ok(Some(Uncertain {
        base,
        values,
        posterior: posterior.map(|p| Arc::new(p.clone())),
    }))
}

impl Uncertain {
    /// The paths of the uncertain values, in scenario order.
    pub fn paths(&self) -> Vec<String> {
        self.values.iter().map(|(p, _, _)| p.to_string()).collect()
    }

    /// The distributions of the values drawn from the scenario's own prior, in scenario order
    /// (all of them when there is no posterior).
    pub fn distributions(&self) -> Vec<Distribution> {
        self.values
            .iter()
            .filter_map(|&(_, source, _)| match source {
                Source::Prior(d) => Some(d),
                Source::Posterior(_) => None,
            })
            .collect()
    }

    /// Replication `replication`'s draws and its model. With a posterior, the stream's first draw
    /// picks the particle; the scenario's own values are drawn after it, in order.
    pub fn replication(&self, seed: u64, replication: u64) -> Result<(Draws, Model), LeverError> {
        let mut rng = rng::stream(seed, replication, rng::Process::Parameters);
        let particle = self
            .posterior
            .as_ref()
            .map(|p| p.pick(rng.random::<f64>()).to_vec());
        let drawn: Vec<f64> = self
            .values
            .iter()
            .map(|&(_, source, _)| match source {
                Source::Prior(d) => draw(d, &mut rng),
                // A posterior source comes with its posterior (`prepare_with`).
                Source::Posterior(k) => particle.as_ref().map_or(f64::NAN, |p| p[k]),
            })
            .collect();
        let (values, model) = self.with_values(&drawn)?;
        Ok((
            Draws {
                replication,
                values,
            },
            model,
        ))
    }

    /// The model with the uncertain values set to `values` (in scenario order; whole-number
    /// values rounded), and the values as set.
    pub fn with_values(&self, values: &[f64]) -> Result<(Vec<(String, f64)>, Model), LeverError> {
        let set: Vec<(String, f64)> = self
            .values
            .iter()
            .zip(values)
            .map(|(&(ref p, _, whole), &x)| (p.to_string(), if whole { x.round() } else { x }))
            .collect();
        let texts: Vec<String> = self
            .values
            .iter()
            .zip(&set)
            .map(|(&(_, _, whole), (_, x))| value_text(*x, whole))
            .collect();
        let settings: Vec<(&LeverPath, &str)> = self
            .values
            .iter()
            .zip(&texts)
            .map(|((p, _, _), t)| (p, t.as_str()))
            .collect();
        let loaded = lever::apply(&self.base, &settings)?;
        Ok((set, loaded.model))
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
