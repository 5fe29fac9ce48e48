//! Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC; TONI-2009, with
//! BEAUMONT-2009's population Monte Carlo weights and kernel; docs/sources.md).
//!
//! Generation 0 draws the population from the prior and accepts every particle; its distances set
//! the first tolerance and, for rows without their own `sd`, each row's scale. Each later
//! generation proposes by drawing a particle of the one before by weight and moving it with a
//! Gaussian kernel of twice the population's weighted variance, keeps proposals whose simulated
//! distance is within the tolerance, and weights each by prior density over the kernel mixture.
//! The next tolerance is a quantile of the accepted distances.
//!
//! This module holds the pieces: the prior, the distance, the kernel and the weights.
//! [`super::search`] puts them together, batch by batch.

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution as _, Normal};
use serde::{Deserialize, Serialize};

use super::exact;
use crate::scenario::Distribution;
use crate::uncertainty;

/// The prior: one distribution per uncertain value, in scenario order.
#[derive(Debug, Clone)]
pub struct Prior {
    /// The distributions.
    pub distributions: Vec<Distribution>,
}

impl Prior {
    pub(super) fn draw(&self, rng: &mut Xoshiro256PlusPlus) -> Vec<f64> {
        self.distributions
            .iter()
            .map(|&d| uncertainty::draw(d, rng))
            .collect()
    }

    /// The prior density at `theta` (up to a constant), 0 outside the support.
    pub(super) fn density(&self, theta: &[f64]) -> f64 {
        self.distributions
            .iter()
            .zip(theta)
            .map(|(&d, &x)| uncertainty::density(d, x))
            .product()
    }
}

/// How long to search, and how.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Particles accepted in each generation.
    pub population: usize,
    /// The most generations, counting generation 0 (the prior).
    pub generations: usize,
    /// Stop once the tolerance is at or below this distance (0: run every generation).
    #[serde(with = "exact::one")]
    pub final_tolerance: f64,
    /// The most simulations in all: a generation the last acceptance rate says it cannot pay for is
    /// not started, and one that still runs out part-way is dropped.
    pub budget: usize,
    /// The next tolerance is this quantile of the accepted distances.
    #[serde(with = "exact::one")]
    pub quantile: f64,
    /// Stop when a generation accepts fewer than this share of its simulations.
    #[serde(with = "exact::one")]
    pub min_acceptance: f64,
    /// Master seed.
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            population: 200,
            generations: 8,
            final_tolerance: 0.0,
            budget: 3000,
            quantile: 0.5,
            min_acceptance: 0.02,
            seed: 1,
        }
    }
}

/// The observed values the simulations are compared with.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Observed value of each row.
    pub values: Vec<f64>,
    /// Each row's own standard deviation, if given (else it is scaled by the prior simulations'
    /// spread).
    pub sds: Vec<Option<f64>>,
    /// Each row's weight.
    pub weights: Vec<f64>,
}

/// One completed generation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Generation {
    /// The tolerance its particles met (infinite for generation 0).
    #[serde(with = "exact::one")]
    pub tolerance: f64,
    /// The particles: one value per uncertain input.
    #[serde(with = "exact::lists")]
    pub particles: Vec<Vec<f64>>,
    /// Their normalised weights.
    #[serde(with = "exact::list")]
    pub weights: Vec<f64>,
    /// Their distances.
    #[serde(with = "exact::list")]
    pub distances: Vec<f64>,
    /// Simulations run for this generation.
    pub simulations: usize,
}

impl Generation {
    /// Accepted particles over simulations run.
    pub fn acceptance_rate(&self) -> f64 {
        self.particles.len() as f64 / self.simulations.max(1) as f64
    }

    /// Effective sample size, (sum w)^2 / sum w^2.
    pub fn effective_sample_size(&self) -> f64 {
        let squares: f64 = self.weights.iter().map(|w| w * w).sum();
        if squares > 0.0 { 1.0 / squares } else { 0.0 }
    }
}

/// Errors that stop a search before it can start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AbcError {
    /// The budget does not cover generation 0.
    #[error("the simulation budget ({budget}) must cover at least the population ({population})")]
    Budget {
        /// The budget given.
        budget: usize,
        /// The population asked for.
        population: usize,
    },
    /// Nothing to fit.
    #[error("nothing to fit: the prior has no uncertain values or the population is empty")]
    Empty,
    /// Most of the prior's runs cannot be compared with the observations.
    #[error(
        "half or more of the prior's runs cannot be compared with the observations: {failed} \
         could not run, and rows {rows:?} (0 for the first data row) were undefined in most of \
         them (a ratio with nothing due)"
    )]
    Undefined {
        /// Rows undefined in more than half of the prior's runs.
        rows: Vec<usize>,
        /// Runs whose inputs did not make a valid scenario.
        failed: usize,
    },
}

/// Standardised distance: the weighted root mean square of (simulated - observed) / scale; infinite
/// when a simulated value is undefined (a ratio with nothing due).
pub fn distance(simulated: &[f64], target: &Target, scales: &[f64]) -> f64 {
    let mut sum = 0.0;
    let mut weights = 0.0;
    for (((&s, &o), &w), &scale) in simulated
        .iter()
        .zip(&target.values)
        .zip(&target.weights)
        .zip(scales)
    {
        if !s.is_finite() {
            return f64::INFINITY;
        }
        let z = (s - o) / scale;
        sum += w * z * z;
        weights += w;
    }
    (sum / weights).sqrt()
}

/// Each row's scale: its own sd, or 1.4826 x the median absolute deviation of the prior
/// simulations around their median; where more than half of them agree (a median absolute deviation of 0), their
/// standard deviation; floored at 1e-6 of the observed value (at least 1e-9) only for a row the
/// inputs cannot move at all, whose error is then the same in every run and ranks none above
/// another.
pub(super) fn scales(summaries: &[Vec<f64>], target: &Target) -> Vec<f64> {
    let median = |mut xs: Vec<f64>| -> f64 {
        xs.sort_by(f64::total_cmp);
        match xs.len() {
            0 => 0.0,
            n if n % 2 == 1 => xs[n / 2],
            n => 0.5 * (xs[n / 2 - 1] + xs[n / 2]),
        }
    };
    (0..target.values.len())
        .map(|i| {
            let floor = (1e-6 * target.values[i].abs()).max(1e-9);
            if let Some(sd) = target.sds[i] {
                return sd;
            }
            let xs: Vec<f64> = summaries
                .iter()
                .map(|s| s[i])
                .filter(|x| x.is_finite())
                .collect();
            let m = median(xs.clone());
            let mad = median(xs.iter().map(|x| (x - m).abs()).collect());
            if mad > 0.0 {
                return (1.4826 * mad).max(floor);
            }
            let n = xs.len().max(1) as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
            sd.max(floor)
        })
        .collect()
}

/// The weighted `q`-quantile of `xs`.
pub(crate) fn weighted_quantile(xs: &[f64], weights: &[f64], q: f64) -> f64 {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let total: f64 = weights.iter().sum();
    let mut cumulative = 0.0;
    for &i in &order {
        cumulative += weights[i];
        if cumulative >= q * total {
            return xs[i];
        }
    }
    order.last().map_or(f64::INFINITY, |&i| xs[i])
}

pub(super) fn normalised(mut weights: Vec<f64>) -> Vec<f64> {
    let total: f64 = weights.iter().sum();
    if total > 0.0 {
        weights.iter_mut().for_each(|w| *w /= total);
    }
    weights
}

/// The proposal kernel's standard deviation per input: sqrt(2 x weighted variance).
pub(super) fn kernel_sds(g: &Generation) -> Vec<f64> {
    let dims = g.particles[0].len();
    (0..dims)
        .map(|i| {
            let mean: f64 = g
                .particles
                .iter()
                .zip(&g.weights)
                .map(|(p, w)| w * p[i])
                .sum();
            let var: f64 = g
                .particles
                .iter()
                .zip(&g.weights)
                .map(|(p, w)| w * (p[i] - mean).powi(2))
                .sum();
            (2.0 * var).sqrt()
        })
        .collect()
}

/// One proposal of generation `index` from the generation before: a particle drawn by weight and
/// moved by the kernel, redrawn until the prior allows it.
pub(super) fn propose(
    prior: &Prior,
    before: &Generation,
    sds: &[f64],
    rng: &mut Xoshiro256PlusPlus,
) -> Vec<f64> {
    loop {
        let u: f64 = rng.random();
        let mut cumulative = 0.0;
        let mut pick = before.weights.len() - 1;
        for (j, w) in before.weights.iter().enumerate() {
            cumulative += w;
            if u < cumulative {
                pick = j;
                break;
            }
        }
        let theta: Vec<f64> = before.particles[pick]
            .iter()
            .zip(sds)
            .map(|(&x, &sd)| match Normal::new(x, sd) {
                Ok(n) if sd > 0.0 => n.sample(rng),
                _ => x,
            })
            .collect();
        if prior.density(&theta) > 0.0 {
            return theta;
        }
    }
}

/// The kernel density of moving `from` to `to`, up to a constant.
pub(super) fn kernel(from: &[f64], to: &[f64], sds: &[f64]) -> f64 {
    from.iter()
        .zip(to)
        .zip(sds)
        .map(|((&a, &b), &sd)| {
            if sd > 0.0 {
                (-0.5 * ((b - a) / sd).powi(2)).exp() / sd
            } else {
                1.0
            }
        })
        .product()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_most_runs_agree_on_is_scaled_by_its_spread() {
        let target = Target {
            values: vec![1.0, 5.0],
            sds: vec![None, None],
            weights: vec![1.0, 1.0],
        };
        // Row 0: six of eight runs give 1 (a median absolute deviation of 0): its standard deviation, not 1e-6. Row 1
        // never moves: the floor.
        let runs: Vec<Vec<f64>> = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 2.0]
            .iter()
            .map(|&x| vec![x, 5.0])
            .collect();
        let s = scales(&runs, &target);
        assert!((s[0] - 0.5).abs() < 1e-12, "{s:?}");
        assert!((s[1] - 5e-6).abs() < 1e-18, "{s:?}");
    }

    #[test]
    fn distance_is_the_weighted_root_mean_square_of_standardised_errors() {
        let target = Target {
            values: vec![1.0, 10.0],
            sds: vec![None, None],
            weights: vec![1.0, 3.0],
        };
        // z = (2 - 1) / 0.5 = 2 and (10 - 10) / 1 = 0: sqrt((1 x 4 + 3 x 0) / 4) = 1.
        assert_eq!(distance(&[2.0, 10.0], &target, &[0.5, 1.0]), 1.0);
        assert_eq!(
            distance(&[f64::NAN, 10.0], &target, &[0.5, 1.0]),
            f64::INFINITY
        );
    }
}
