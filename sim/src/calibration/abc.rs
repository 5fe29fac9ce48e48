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
//! Determinism: proposal k of generation g draws from its own stream of (seed, g, k) and is
//! simulated as replication `(g << 32) | k`. Proposals are evaluated in batches of the population
//! size, in parallel, and accepted in index order, so the result does not depend on the thread
//! count.

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution as _, Normal};
use rayon::prelude::*;

use crate::engine::rng;
use crate::scenario::Distribution;
use crate::uncertainty;

/// The prior: one distribution per uncertain value, in scenario order.
#[derive(Debug, Clone)]
pub struct Prior {
    /// The distributions.
    pub distributions: Vec<Distribution>,
}

impl Prior {
    fn draw(&self, rng: &mut Xoshiro256PlusPlus) -> Vec<f64> {
        self.distributions
            .iter()
            .map(|&d| uncertainty::draw(d, rng))
            .collect()
    }

    /// The prior density at `theta` (up to a constant), 0 outside the support.
    fn density(&self, theta: &[f64]) -> f64 {
        self.distributions
            .iter()
            .zip(theta)
            .map(|(&d, &x)| uncertainty::density(d, x))
            .product()
    }
}

/// How long to search, and how.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Particles accepted in each generation.
    pub population: usize,
    /// The most generations, counting generation 0 (the prior).
    pub generations: usize,
    /// Stop once the tolerance is at or below this distance (0: run every generation).
    pub final_tolerance: f64,
    /// The most simulations in all; a generation the budget cuts short is dropped.
    pub budget: usize,
    /// The next tolerance is this quantile of the accepted distances.
    pub quantile: f64,
    /// Stop when a generation accepts fewer than this share of its simulations.
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
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    /// The tolerance its particles met (infinite for generation 0).
    pub tolerance: f64,
    /// The particles: one value per uncertain input.
    pub particles: Vec<Vec<f64>>,
    /// Their normalised weights.
    pub weights: Vec<f64>,
    /// Their distances.
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

/// Why the search stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Every generation asked for was run.
    Generations,
    /// The tolerance reached the final tolerance.
    Tolerance,
    /// The simulation budget ran out (the generation under way was dropped).
    Budget,
    /// A generation accepted too few of its simulations to be worth another.
    Acceptance,
}

/// A finished search: every completed generation, the last being the posterior.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The generations, from the prior's.
    pub generations: Vec<Generation>,
    /// Each row's scale in the distance.
    pub scales: Vec<f64>,
    /// Simulations run in all (those of a dropped generation included).
    pub simulations: usize,
    /// Why it stopped.
    pub stop: Stop,
}

impl Fit {
    /// The posterior: the last generation.
    pub fn posterior(&self) -> &Generation {
        self.generations
            .last()
            .expect("generation 0 always completes")
    }
}

/// What a search reports as it goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Progress {
    /// A generation starts.
    Generation {
        /// Its index (0: the prior).
        index: usize,
        /// Its tolerance (infinite for generation 0).
        tolerance: f64,
    },
    /// A batch of simulations finished.
    Batch {
        /// Particles accepted so far in the generation.
        accepted: usize,
        /// Simulations run so far in the generation.
        simulated: usize,
    },
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
fn scales(summaries: &[Vec<f64>], target: &Target) -> Vec<f64> {
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

fn normalised(mut weights: Vec<f64>) -> Vec<f64> {
    let total: f64 = weights.iter().sum();
    if total > 0.0 {
        weights.iter_mut().for_each(|w| *w /= total);
    }
    weights
}

/// The proposal kernel's standard deviation per input: sqrt(2 x weighted variance).
fn kernel_sds(g: &Generation) -> Vec<f64> {
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
fn propose(
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
fn kernel(from: &[f64], to: &[f64], sds: &[f64]) -> f64 {
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

/// Runs ABC-SMC. `simulate(theta, replication)` runs the model with the inputs `theta` as
/// replication `replication` and returns each observed row's simulated value (or `None` if those
/// inputs cannot run, which rejects the proposal).
pub fn run<F>(
    prior: &Prior,
    target: &Target,
    settings: &Settings,
    simulate: F,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Fit, AbcError>
where
    F: Fn(&[f64], u64) -> Option<Vec<f64>> + Sync,
{
    let n = settings.population;
    if n == 0 || prior.distributions.is_empty() {
        return Err(AbcError::Empty);
    }
    if settings.budget < n {
        return Err(AbcError::Budget {
            budget: settings.budget,
            population: n,
        });
    }
    let stream =
        |g: u64, k: u64| rng::stream(settings.seed, (g << 32) | k, rng::Process::Calibration);
    // Generation 0: the prior, every particle accepted.
    progress(Progress::Generation {
        index: 0,
        tolerance: f64::INFINITY,
    });
    let drawn: Vec<(Vec<f64>, Option<Vec<f64>>)> = (0..n as u64)
        .into_par_iter()
        .map(|k| {
            let theta = prior.draw(&mut stream(0, k));
            let s = simulate(&theta, k);
            (theta, s)
        })
        .collect();
    progress(Progress::Batch {
        accepted: n,
        simulated: n,
    });
    let summaries: Vec<Vec<f64>> = drawn.iter().filter_map(|(_, s)| s.clone()).collect();
    let scales = scales(&summaries, target);
    let (particles, distances): (Vec<Vec<f64>>, Vec<f64>) = drawn
        .into_iter()
        .map(|(theta, s)| {
            let d = s.map_or(f64::INFINITY, |s| distance(&s, target, &scales));
            (theta, d)
        })
        .unzip();
    let mut generations = vec![Generation {
        tolerance: f64::INFINITY,
        weights: vec![1.0 / n as f64; n],
        particles,
        distances,
        simulations: n,
    }];
    let mut simulations = n;
    let stop = loop {
        let before = generations.last().expect("generation 0");
        let g = generations.len();
        if g >= settings.generations {
            break Stop::Generations;
        }
        let tolerance = weighted_quantile(&before.distances, &before.weights, settings.quantile);
        if !tolerance.is_finite() {
            if g == 1 {
                // The prior's runs: say which rows could not be compared.
                let rows = (0..target.values.len())
                    .filter(|&i| {
                        2 * summaries.iter().filter(|s| !s[i].is_finite()).count() > summaries.len()
                    })
                    .collect();
                return Err(AbcError::Undefined {
                    rows,
                    failed: n - summaries.len(),
                });
            }
            break Stop::Acceptance;
        }
        progress(Progress::Generation {
            index: g,
            tolerance,
        });
        let sds = kernel_sds(before);
        let mut accepted: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n);
        let mut tried = 0usize;
        let mut out_of_budget = false;
        while accepted.len() < n {
            let batch = n.min(settings.budget - simulations);
            if batch == 0 {
                out_of_budget = true;
                break;
            }
            let start = tried as u64;
            let results: Vec<(Vec<f64>, f64)> = (start..start + batch as u64)
                .into_par_iter()
                .map(|k| {
                    let theta = propose(prior, before, &sds, &mut stream(g as u64, k));
                    let d = simulate(&theta, ((g as u64) << 32) | k)
                        .map_or(f64::INFINITY, |s| distance(&s, target, &scales));
                    (theta, d)
                })
                .collect();
            tried += batch;
            simulations += batch;
            for (theta, d) in results {
                if d <= tolerance && accepted.len() < n {
                    accepted.push((theta, d));
                }
            }
            progress(Progress::Batch {
                accepted: accepted.len(),
                simulated: tried,
            });
        }
        if out_of_budget {
            break Stop::Budget;
        }
        let weights: Vec<f64> = accepted
            .iter()
            .map(|(theta, _)| {
                let mixture: f64 = before
                    .particles
                    .iter()
                    .zip(&before.weights)
                    .map(|(p, w)| w * kernel(p, theta, &sds))
                    .sum();
                prior.density(theta) / mixture
            })
            .collect();
        let (particles, distances) = accepted.into_iter().unzip();
        let generation = Generation {
            tolerance,
            particles,
            weights: normalised(weights),
            distances,
            simulations: tried,
        };
        let rate = generation.acceptance_rate();
        generations.push(generation);
        if tolerance <= settings.final_tolerance {
            break Stop::Tolerance;
        }
        if rate < settings.min_acceptance {
            break Stop::Acceptance;
        }
    };
    Ok(Fit {
        generations,
        scales,
        simulations,
        stop,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uniform(min: f64, max: f64) -> Distribution {
        Distribution::Uniform { min, max }
    }

    fn settings() -> Settings {
        Settings {
            population: 300,
            generations: 8,
            budget: 20_000,
            ..Settings::default()
        }
    }

    /// The weighted mean and the weighted share of particles with input `i` inside `[lo, hi]`.
    fn mean_and_share(g: &Generation, i: usize, lo: f64, hi: f64) -> (f64, f64) {
        let mean = g
            .particles
            .iter()
            .zip(&g.weights)
            .map(|(p, w)| w * p[i])
            .sum();
        let share = g
            .particles
            .iter()
            .zip(&g.weights)
            .filter(|(p, _)| (lo..=hi).contains(&p[i]))
            .map(|(_, w)| w)
            .sum();
        (mean, share)
    }

    #[test]
    fn a_normal_mean_is_recovered_and_an_input_the_data_cannot_see_keeps_its_prior() {
        // y ~ N(theta, 1), observed mean of 25 draws 3.0: the posterior of theta is about
        // N(3, 0.2^2) under a flat prior on [-10, 10]. The second input moves nothing.
        let prior = Prior {
            distributions: vec![uniform(-10.0, 10.0), uniform(0.0, 1.0)],
        };
        let target = Target {
            values: vec![3.0],
            sds: vec![Some(0.2)],
            weights: vec![1.0],
        };
        let simulate = |theta: &[f64], k: u64| {
            let mut r = rng::stream(99, k, rng::Process::Calibration);
            let normal = Normal::new(theta[0], 1.0).expect("sd 1");
            let mean = (0..25).map(|_| normal.sample(&mut r)).sum::<f64>() / 25.0;
            Some(vec![mean])
        };
        let fit = run(&prior, &target, &settings(), simulate, &|_| {}).expect("runs");
        let post = fit.posterior();
        let (mean, near) = mean_and_share(post, 0, 2.5, 3.5);
        assert!((mean - 3.0).abs() < 0.1, "posterior mean {mean}");
        assert!(near > 0.9, "posterior mass within 0.5 of 3: {near}");
        assert!(fit.generations.len() >= 3, "{:?}", fit.stop);
        // The tolerance falls generation after generation.
        let tolerances: Vec<f64> = fit.generations.iter().map(|g| g.tolerance).collect();
        assert!(tolerances.windows(2).all(|w| w[1] < w[0]), "{tolerances:?}");
        // Uniform(0, 1): mean 0.5, and 40% of the mass in [0.3, 0.7].
        let (mean, middle) = mean_and_share(post, 1, 0.3, 0.7);
        assert!((mean - 0.5).abs() < 0.06, "unseen input's mean {mean}");
        assert!(
            (middle - 0.4).abs() < 0.1,
            "unseen input's mass in [0.3, 0.7]: {middle}"
        );
        assert!(post.weights.iter().all(|w| w.is_finite() && *w >= 0.0));
        assert!((post.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn the_fit_does_not_depend_on_the_thread_count() {
        let prior = Prior {
            distributions: vec![uniform(0.0, 10.0)],
        };
        let target = Target {
            values: vec![4.0],
            sds: vec![None],
            weights: vec![1.0],
        };
        let simulate = |theta: &[f64], k: u64| {
            let mut r = rng::stream(5, k, rng::Process::Calibration);
            Some(vec![theta[0] + r.random::<f64>() - 0.5])
        };
        let small = Settings {
            population: 50,
            generations: 4,
            budget: 2000,
            ..Settings::default()
        };
        let fit = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a pool")
                .install(|| run(&prior, &target, &small, simulate, &|_| {}).expect("runs"))
        };
        assert_eq!(fit(1), fit(3));
    }

    #[test]
    fn a_budget_that_runs_out_keeps_the_last_whole_generation() {
        let prior = Prior {
            distributions: vec![uniform(0.0, 1.0)],
        };
        let target = Target {
            values: vec![0.5],
            sds: vec![Some(0.001)],
            weights: vec![1.0],
        };
        let s = Settings {
            population: 20,
            generations: 50,
            budget: 100,
            ..Settings::default()
        };
        let fit = run(&prior, &target, &s, |t, _| Some(vec![t[0]]), &|_| {}).expect("runs");
        assert_eq!(fit.stop, Stop::Budget);
        assert!(fit.simulations <= 100);
        assert!(fit.posterior().particles.len() == 20);
        let low = Settings { budget: 10, ..s };
        assert_eq!(
            run(&prior, &target, &low, |t, _| Some(vec![t[0]]), &|_| {}),
            Err(AbcError::Budget {
                budget: 10,
                population: 20
            })
        );
    }

    #[test]
    fn a_row_most_runs_agree_on_is_scaled_by_its_spread_and_an_uncomparable_one_is_named() {
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
        // A ratio undefined in every run: refused, naming the row.
        let prior = Prior {
            distributions: vec![uniform(0.0, 1.0)],
        };
        let undefined = |_: &[f64], _: u64| Some(vec![f64::NAN, 5.0]);
        let small = Settings {
            population: 10,
            budget: 100,
            ..Settings::default()
        };
        assert_eq!(
            run(&prior, &target, &small, undefined, &|_| {}),
            Err(AbcError::Undefined {
                rows: vec![0],
                failed: 0
            })
        );
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
