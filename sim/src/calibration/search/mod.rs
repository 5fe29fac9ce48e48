//! The ABC-SMC search as a state machine ([`Search`]): it says which proposals to simulate next
//! ([`Search::batch`]), makes each one ([`Search::proposal`]) and takes their simulated rows back
//! ([`Search::absorb`]). [`run`] drives it on one machine; `caseload calibrate --shard` and
//! `--gather` drive the same machine across a cluster's jobs, saving it between batches, so a
//! sharded calibration makes exactly the proposals and the posterior of an unsharded one.
//!
//! Generation 0 is one batch of the population size drawn from the prior, every particle
//! accepted. Each later generation runs batches of the population size (less at the end of the
//! budget) and accepts, in proposal order, those within its tolerance until the population is
//! full. Proposal k of generation g draws from its own random stream of (seed, g, k) and is
//! simulated as replication `(g << 32) | k`, so no result depends on how batches are split.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::abc::{
    AbcError, Generation, Prior, Settings, Target, distance, kernel, kernel_sds, normalised,
    propose, scales, weighted_quantile,
};
use super::exact;
use crate::engine::rng;

/// Why the search stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// Every generation asked for was run.
    Generations,
    /// The tolerance reached the final tolerance.
    Tolerance,
    /// The simulation budget could not pay for another generation: either the last one's
    /// acceptance rate said so before it started, or it ran out part-way (that generation dropped).
    Budget,
    /// A generation accepted too few of its simulations to be worth another.
    Acceptance,
}

impl Stop {
    /// Its name in calibration.json.
    pub fn name(self) -> &'static str {
        match self {
            Stop::Generations => "generations",
            Stop::Tolerance => "tolerance",
            Stop::Budget => "budget",
            Stop::Acceptance => "acceptance",
        }
    }
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

/// The proposals to simulate next: numbers `start..start + size` of generation `generation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    /// The generation they belong to.
    pub generation: usize,
    /// The first proposal's number within the generation.
    pub start: u64,
    /// How many.
    pub size: usize,
}

impl Batch {
    /// The proposal numbers.
    pub fn proposals(&self) -> std::ops::Range<u64> {
        self.start..self.start + self.size as u64
    }
}

/// A generation under way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Sampling {
    index: usize,
    #[serde(with = "exact::one")]
    tolerance: f64,
    /// The proposal kernel's standard deviation per input.
    #[serde(with = "exact::list")]
    kernel: Vec<f64>,
    #[serde(with = "exact::lists")]
    accepted: Vec<Vec<f64>>,
    #[serde(with = "exact::list")]
    distances: Vec<f64>,
    /// Proposals simulated so far in this generation.
    tried: usize,
}

/// Where the search stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum State {
    /// Generation 0 (the prior) is still to run.
    Prior,
    /// A later generation is under way.
    Sampling(Sampling),
    /// Finished.
    Stopped(Stop),
}

/// An ABC-SMC search, between batches: everything needed to go on, and nothing that depends on
/// the machine it runs on. Serialisable, with every number kept to the bit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Search {
    settings: Settings,
    generations: Vec<Generation>,
    /// Each row's scale, set by generation 0.
    #[serde(with = "exact::list")]
    scales: Vec<f64>,
    /// Simulations run in all.
    simulations: usize,
    state: State,
}

/// What absorbing a batch did to its generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Absorbed {
    /// Particles accepted so far in the batch's generation.
    pub accepted: usize,
    /// Simulations run so far in it.
    pub simulated: usize,
}

impl Search {
    /// A search about to draw generation 0 from a prior of `inputs` values.
    pub fn new(inputs: usize, settings: Settings) -> Result<Search, AbcError> {
        if settings.population == 0 || inputs == 0 {
            return Err(AbcError::Empty);
        }
        if settings.budget < settings.population {
            return Err(AbcError::Budget {
                budget: settings.budget,
                population: settings.population,
            });
        }
        Ok(Search {
            settings,
            generations: Vec::new(),
            scales: Vec::new(),
            simulations: 0,
            state: State::Prior,
        })
    }

    /// How the search was asked to run.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The generations completed so far.
    pub fn generations(&self) -> &[Generation] {
        &self.generations
    }

    /// Simulations run so far.
    pub fn simulations(&self) -> usize {
        self.simulations
    }

    /// The generation under way and its tolerance (infinite for generation 0), unless finished.
    pub fn current(&self) -> Option<(usize, f64)> {
        match &self.state {
            State::Prior => Some((0, f64::INFINITY)),
            State::Sampling(s) => Some((s.index, s.tolerance)),
            State::Stopped(_) => None,
        }
    }

    /// The proposals to simulate next; `None` once the search has stopped.
    pub fn batch(&self) -> Option<Batch> {
        let n = self.settings.population;
        match &self.state {
            State::Prior => Some(Batch {
                generation: 0,
                start: 0,
                size: n,
            }),
            State::Sampling(s) => Some(Batch {
                generation: s.index,
                start: s.tried as u64,
                size: n.min(self.settings.budget.saturating_sub(self.simulations)),
            }),
            State::Stopped(_) => None,
        }
    }

    /// Proposal `k` of the generation under way: its inputs and the replication number that
    /// simulates it. `None` once the search has stopped.
    pub fn proposal(&self, prior: &Prior, k: u64) -> Option<(Vec<f64>, u64)> {
        let stream = |g: usize| {
            rng::stream(
                self.settings.seed,
                ((g as u64) << 32) | k,
                rng::Process::Calibration,
            )
        };
        match &self.state {
            State::Prior => Some((prior.draw(&mut stream(0)), k)),
            State::Sampling(s) => {
                let before = self.generations.last()?;
                let theta = propose(prior, before, &s.kernel, &mut stream(s.index));
                Some((theta, ((s.index as u64) << 32) | k))
            }
            State::Stopped(_) => None,
        }
    }

    /// Takes back the batch [`Search::batch`] gave: each proposal's inputs and simulated rows
    /// (`None` for inputs that could not run), in proposal order. Fails only when the prior's runs
    /// cannot be compared with the observations. A stopped search takes nothing.
    pub fn absorb(
        &mut self,
        prior: &Prior,
        target: &Target,
        results: Vec<(Vec<f64>, Option<Vec<f64>>)>,
    ) -> Result<Absorbed, AbcError> {
        let n = self.settings.population;
        match std::mem::replace(&mut self.state, State::Stopped(Stop::Budget)) {
            State::Prior => {
                let ran = results.len();
                self.simulations += ran;
                let summaries: Vec<Vec<f64>> =
                    results.iter().filter_map(|(_, s)| s.clone()).collect();
                self.scales = scales(&summaries, target);
                let (particles, distances) = results
                    .into_iter()
                    .map(|(theta, s)| {
                        let d = s.map_or(f64::INFINITY, |s| distance(&s, target, &self.scales));
                        (theta, d)
                    })
                    .unzip();
                let prior_generation = Generation {
                    tolerance: f64::INFINITY,
                    weights: vec![1.0 / n as f64; n],
                    particles,
                    distances,
                    simulations: n,
                };
                let first_tolerance = self.tolerance_after(&prior_generation);
                if self.settings.generations > 1 && !first_tolerance.is_finite() {
                    // Say which rows the prior's runs could not be compared on.
                    let rows = (0..self.scales.len())
                        .filter(|&i| {
                            2 * summaries.iter().filter(|s| !s[i].is_finite()).count()
                                > summaries.len()
                        })
                        .collect();
                    // The search stays as it was: nothing of this batch is kept.
                    self.state = State::Prior;
                    self.simulations -= ran;
                    self.scales.clear();
                    return Err(AbcError::Undefined {
                        rows,
                        failed: n - summaries.len(),
                    });
                }
                self.generations.push(prior_generation);
                self.next_generation();
                Ok(Absorbed {
                    accepted: n,
                    simulated: n,
                })
            }
            State::Sampling(mut s) => {
                self.simulations += results.len();
                s.tried += results.len();
                for (theta, summary) in results {
                    let d = summary.map_or(f64::INFINITY, |x| distance(&x, target, &self.scales));
                    if d <= s.tolerance && s.accepted.len() < n {
                        s.accepted.push(theta);
                        s.distances.push(d);
                    }
                }
                let absorbed = Absorbed {
                    accepted: s.accepted.len(),
                    simulated: s.tried,
                };
                if s.accepted.len() == n {
                    self.complete(prior, s);
                } else if self.simulations < self.settings.budget {
                    self.state = State::Sampling(s);
                }
                // Else the budget ran out part-way: the generation is dropped (state Budget).
                Ok(absorbed)
            }
            stopped @ State::Stopped(_) => {
                self.state = stopped;
                Ok(Absorbed {
                    accepted: 0,
                    simulated: 0,
                })
            }
        }
    }

    /// The tolerance for the generation after `g`: the chosen quantile of its distances.
    fn tolerance_after(&self, g: &Generation) -> f64 {
        weighted_quantile(&g.distances, &g.weights, self.settings.quantile)
    }

    /// Weighs a full generation, keeps it, and starts the next unless a stopping rule says not.
    fn complete(&mut self, prior: &Prior, s: Sampling) {
        let before = self.generations.last().expect("generation 0");
        let weights: Vec<f64> = s
            .accepted
            .iter()
            .map(|theta| {
                let mixture: f64 = before
                    .particles
                    .iter()
                    .zip(&before.weights)
                    .map(|(p, w)| w * kernel(p, theta, &s.kernel))
                    .sum();
                prior.density(theta) / mixture
            })
            .collect();
        let generation = Generation {
            tolerance: s.tolerance,
            particles: s.accepted,
            weights: normalised(weights),
            distances: s.distances,
            simulations: s.tried,
        };
        let rate = generation.acceptance_rate();
        self.generations.push(generation);
        if s.tolerance <= self.settings.final_tolerance {
            self.state = State::Stopped(Stop::Tolerance);
        } else if rate < self.settings.min_acceptance {
            self.state = State::Stopped(Stop::Acceptance);
        } else {
            self.next_generation();
        }
    }

    /// Starts the next generation, with its tolerance and kernel; or stops when the generations
    /// asked for are done, the distances give no finite tolerance, or the budget left would not
    /// pay for a population at the last generation's acceptance rate.
    fn next_generation(&mut self) {
        let before = self.generations.last().expect("generation 0");
        let index = self.generations.len();
        let tolerance = self.tolerance_after(before);
        // The cost the last acceptance rate predicts, population x simulations / accepted, compared
        // in whole numbers. Acceptance usually falls as the tolerance does, so this is a floor: a
        // generation that still runs out part-way is dropped.
        let left = self.settings.budget.saturating_sub(self.simulations);
        let unaffordable =
            self.settings.population * before.simulations > left * before.particles.len().max(1);
        self.state = if index >= self.settings.generations {
            State::Stopped(Stop::Generations)
        } else if !tolerance.is_finite() {
            State::Stopped(Stop::Acceptance)
        } else if unaffordable {
            State::Stopped(Stop::Budget)
        } else {
            State::Sampling(Sampling {
                index,
                tolerance,
                kernel: kernel_sds(before),
                accepted: Vec::new(),
                distances: Vec::new(),
                tried: 0,
            })
        };
    }

    /// The finished search, once it has stopped.
    pub fn fit(&self) -> Option<Fit> {
        match self.state {
            State::Stopped(stop) => Some(Fit {
                generations: self.generations.clone(),
                scales: self.scales.clone(),
                simulations: self.simulations,
                stop,
            }),
            _ => None,
        }
    }
}

/// Runs ABC-SMC on the caller's thread pool. `simulate(theta, replication)` runs the model with
/// the inputs `theta` as replication `replication` and returns each observed row's simulated value
/// (or `None` if those inputs cannot run, which rejects the proposal).
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
    let mut search = Search::new(prior.distributions.len(), *settings)?;
    let mut announced = None;
    while let Some(batch) = search.batch() {
        if let Some((index, tolerance)) = search.current()
            && announced != Some(index)
        {
            progress(Progress::Generation { index, tolerance });
            announced = Some(index);
        }
        let results = simulate_proposals(&search, prior, batch.proposals(), &simulate);
        let absorbed = search.absorb(prior, target, results)?;
        progress(Progress::Batch {
            accepted: absorbed.accepted,
            simulated: absorbed.simulated,
        });
    }
    Ok(search.fit().expect("a search without a batch has stopped"))
}

/// The proposals `proposals` (a part of `batch`, or all of it) made and simulated in parallel, in
/// proposal order.
pub fn simulate_proposals<F>(
    search: &Search,
    prior: &Prior,
    proposals: std::ops::Range<u64>,
    simulate: &F,
) -> Vec<(Vec<f64>, Option<Vec<f64>>)>
where
    F: Fn(&[f64], u64) -> Option<Vec<f64>> + Sync,
{
    proposals
        .into_par_iter()
        .filter_map(|k| {
            let (theta, replication) = search.proposal(prior, k)?;
            let s = simulate(&theta, replication);
            Some((theta, s))
        })
        .collect()
}

#[cfg(test)]
mod tests;
