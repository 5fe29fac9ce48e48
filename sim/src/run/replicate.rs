//! Monte Carlo replications in parallel: the one run path every command and the app take.
//!
//! [`Replications`] is what each replication of a loaded scenario runs: its model, or, when the
//! scenario has uncertain values, its model with that replication's own draws of them
//! ([`crate::uncertainty`]). [`Replications::run`] and [`Replications::run_indices`] run them.
//! Replication `i` runs on its own random streams derived from (seed, i) and results are collected
//! in replication order, so a run's results are identical whatever the number of threads, and any
//! chosen replications have the same bits as in a full run. [`Shard`] splits a run into contiguous
//! blocks for separate processes (`caseload run --shard K/N`, then `caseload merge`).

use std::num::NonZeroUsize;
use std::sync::Arc;

use rayon::prelude::*;

use crate::engine;
use crate::lever::LeverError;
use crate::load::Loaded;
use crate::metrics::Metrics;
use crate::model::Model;
use crate::results::Results;
use crate::run::posterior::Posterior;
use crate::spill::Spill;
use crate::uncertainty::{self, Draws, Uncertain};

/// How many replications to run, from which seed, on how many threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Number of replications (>= 1).
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
    /// Worker threads; `None` follows rayon's default (`RAYON_NUM_THREADS` if set, else one per
    /// core).
    pub threads: Option<NonZeroUsize>,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A replication's drawn uncertain values do not give a valid scenario.
    #[error("a replication's drawn values are not valid: {0}")]
    Draw(String),
    /// Batches of one run came back with different months, districts or metrics.
    #[error("the batches of a run do not share one table of results")]
    Shape,
    /// The temporary file a long run keeps its values in could not be written or read.
    #[error("cannot keep the replications' values in a temporary file: {0}")]
    Spill(#[source] std::io::Error),
    /// The thread pool could not be created.
    #[error("cannot start {threads} worker threads: {source}")]
    ThreadPool {
        /// Threads asked for.
        threads: usize,
        /// The cause.
        source: rayon::ThreadPoolBuildError,
    },
}

/// The pool replications run on: `threads` named workers (`None`: rayon's default).
fn pool(threads: Option<NonZeroUsize>) -> Result<rayon::ThreadPool, RunError> {
    let threads = threads.map_or(0, NonZeroUsize::get);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("caseload-replication-{i}"))
        .build()
        .map_err(|source| RunError::ThreadPool { threads, source })
}

/// The number of worker threads a run with `options` uses.
pub fn worker_threads(options: &RunOptions) -> usize {
    options
        .threads
        .map_or_else(rayon::current_num_threads, NonZeroUsize::get)
}

/// What each replication of a loaded scenario runs: its model, or, when it has uncertain values,
/// its model with that replication's own draws of them. The one place that choice is made.
#[derive(Debug, Clone)]
pub enum Replications {
    /// No uncertain values: every replication runs this model.
    Certain(Arc<Model>),
    /// Uncertain values, drawn afresh for each replication.
    Uncertain(Box<Uncertain>),
}

/// A finished run of chosen replications.
#[derive(Debug, Clone)]
pub struct Run {
    /// Their results, in the order the replications were asked for.
    pub results: Results,
    /// Each replication's draws of the uncertain values, in the same order; `None` when the
    /// scenario has none.
    pub draws: Option<Vec<Draws>>,
    /// What the replications did between them.
    pub stats: engine::Stats,
}

impl Run {
    /// Runs of one scenario put end to end (batches of `--reps auto`, passes of the app), in the
    /// order given; `None` when there are none or their tables of results differ.
    pub fn concat(runs: Vec<Run>) -> Option<Run> {
        let stats = runs
            .iter()
            .fold(engine::Stats::default(), |a, r| a + r.stats);
        let mut draws: Option<Vec<Draws>> = None;
        let mut results = Vec::with_capacity(runs.len());
        for run in runs {
            if let Some(d) = run.draws {
                draws.get_or_insert_with(Vec::new).extend(d);
            }
            results.push(run.results);
        }
        Some(Run {
            results: Results::concat(results)?,
            draws,
            stats,
        })
    }
}

impl From<Arc<Model>> for Replications {
    fn from(model: Arc<Model>) -> Self {
        Replications::Certain(model)
    }
}

impl Replications {
    /// The replications of `loaded`, its uncertain values checked ([`uncertainty::prepare`]).
    pub fn of(loaded: &Loaded) -> Result<Self, LeverError> {
        Replications::of_with(loaded, None)
    }

    /// The replications of `loaded` with the values a calibrated `posterior` covers drawn from it
    /// ([`uncertainty::prepare_with`]); as [`Replications::of`] without one.
    pub fn of_with(loaded: &Loaded, posterior: Option<&Posterior>) -> Result<Self, LeverError> {
        Ok(match uncertainty::prepare_with(loaded, posterior)? {
            None => Replications::Certain(Arc::new(loaded.model.clone())),
            Some(uncertain) => Replications::Uncertain(Box::new(uncertain)),
        })
    }

    /// The model whose shape of results every replication shares (for uncertain values, the
    /// scenario with its values as written).
    pub fn model(&self) -> &Model {
        match self {
            Replications::Certain(model) => model,
            Replications::Uncertain(u) => &u.base().model,
        }
    }

    /// The paths of the uncertain values, in scenario order; empty when there are none.
    pub fn uncertain_paths(&self) -> Vec<String> {
        match self {
            Replications::Certain(_) => Vec::new(),
            Replications::Uncertain(u) => u.paths(),
        }
    }

    /// Runs replications `0..options.replications`; `progress` is called once as each finishes
    /// (from worker threads, in no particular order).
    pub fn run(&self, options: &RunOptions, progress: &(dyn Fn() + Sync)) -> Result<Run, RunError> {
        let indices: Vec<u64> = (0..u64::from(options.replications)).collect();
        self.run_indices(&indices, options.seed, options.threads, progress)
    }

    /// Runs the replications numbered `indices` under master seed `seed`, in the order given:
    /// replication `indices[j]` (its draws and its values) is bit-identical to the same
    /// replication of a [`Replications::run`] with the same seed, since it draws only from the
    /// streams of (seed, `indices[j]`). So a run can be split into shards or batches.
    pub fn run_indices(
        &self,
        indices: &[u64],
        seed: u64,
        threads: Option<NonZeroUsize>,
        progress: &(dyn Fn() + Sync),
    ) -> Result<Run, RunError> {
        let model = self.model();
        let metrics = Arc::new(Metrics::new(model));
        let one = |i: u64| -> Result<(Option<Draws>, Vec<f64>, engine::Stats), RunError> {
            let (draws, values, stats) = match self {
                Replications::Certain(model) => {
                    let (values, stats) = engine::simulate(model, &metrics, seed, i);
                    (None, values, stats)
                }
                Replications::Uncertain(u) => {
                    let (draws, model) = u
                        .replication(seed, i)
                        .map_err(|e| RunError::Draw(e.to_string()))?;
                    let (values, stats) = engine::simulate(&Arc::new(model), &metrics, seed, i);
                    (Some(draws), values, stats)
                }
            };
            progress();
            Ok((draws, values, stats))
        };
        let done: Vec<_> = pool(threads)?.install(|| indices.par_iter().map(|&i| one(i)).collect());
        let mut raw = Vec::with_capacity(done.len());
        let mut draws = matches!(self, Replications::Uncertain(_)).then(Vec::new);
        let mut stats = engine::Stats::default();
        for replication in done {
            let (drawn, values, s) = replication?;
            if let (Some(all), Some(d)) = (draws.as_mut(), drawn) {
                all.push(d);
            }
            raw.push(values);
            stats = stats + s;
        }
        Ok(Run {
            results: Results::new(model, &metrics, raw),
            draws,
            stats,
        })
    }

    /// As [`Replications::run`], but each batch of replications goes to a [`Spill`] as it
    /// finishes, so memory does not grow with the replications: the run's results are the
    /// spill's, replication for replication the same values. The returned [`Run`]'s results hold
    /// the table's shape only.
    pub fn run_spilled(
        &self,
        options: &RunOptions,
        progress: &(dyn Fn() + Sync),
    ) -> Result<(Run, Spill), RunError> {
        // Batches of a few replications a thread keep every thread busy.
        let batch = 8 * worker_threads(options) as u64;
        let total = u64::from(options.replications);
        let model = self.model();
        let shape = Results::new(model, &Metrics::new(model), Vec::new());
        let mut spill = Spill::new(&shape).map_err(RunError::Spill)?;
        let mut draws = matches!(self, Replications::Uncertain(_)).then(Vec::new);
        let mut stats = engine::Stats::default();
        for start in (0..total).step_by(batch.max(1) as usize) {
            let indices: Vec<u64> = (start..(start + batch).min(total)).collect();
            let part = self.run_indices(&indices, options.seed, options.threads, progress)?;
            spill.push(&part.results).map_err(RunError::Spill)?;
            if let (Some(all), Some(d)) = (draws.as_mut(), part.draws) {
                all.extend(d);
            }
            stats = stats + part.stats;
        }
        let run = Run {
            results: shape,
            draws,
            stats,
        };
        Ok((run, spill))
    }
}

/// One share of a run's replications, for running a run as several processes (`caseload run
/// --shard K/N`): shard `index` (1-based) of `count`. Shard K runs one contiguous block of
/// replication numbers, and blocks 1..=N follow one another in order and together cover the run once
/// (see [`Shard::replications`]), so merged shards list replications in the order of an unsharded
/// run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u32,
    count: u32,
}

/// Why a shard was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// Not of the form `K/N`.
    #[error("{text:?} is not a shard: expected K/N with whole numbers, e.g. 2/8")]
    Syntax {
        /// What was given.
        text: String,
    },
    /// N is 0.
    #[error("shard {index}/0: the number of shards N must be at least 1")]
    NoShards {
        /// K as given.
        index: u32,
    },
    /// K is outside 1..=N.
    #[error("shard {index}/{count}: K must be between 1 and {count}")]
    OutOfRange {
        /// K as given.
        index: u32,
        /// N as given.
        count: u32,
    },
}

impl Shard {
    /// Shard `index` of `count`: `1 <= index <= count`.
    pub fn new(index: u32, count: u32) -> Result<Self, ShardError> {
        if count == 0 {
            Err(ShardError::NoShards { index })
        } else if index == 0 || index > count {
            Err(ShardError::OutOfRange { index, count })
        } else {
            Ok(Shard { index, count })
        }
    }

    /// K, from 1.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// N.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The replication numbers this shard runs out of `total`: from floor((K-1) x total / N) up to
    /// but not including floor(K x total / N). Block sizes differ by at most one; a block is empty
    /// only when there are more shards than replications.
    pub fn replications(&self, total: u32) -> std::ops::Range<u32> {
        let at = |k: u32| {
            let bound = u64::from(k) * u64::from(total) / u64::from(self.count);
            // At most `total`, since k <= count.
            u32::try_from(bound).unwrap_or(total)
        };
        at(self.index - 1)..at(self.index)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl std::str::FromStr for Shard {
    type Err = ShardError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let syntax = || ShardError::Syntax {
            text: text.to_string(),
        };
        let (k, n) = text.split_once('/').ok_or_else(syntax)?;
        let whole = |s: &str| {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(syntax());
            }
            s.parse::<u32>().map_err(|_| syntax())
        };
        Shard::new(whole(k)?, whole(n)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_replication_once_in_order() {
        for total in 0..40u32 {
            for count in 1..=45u32 {
                let mut next = 0;
                let (mut smallest, mut largest) = (u32::MAX, 0);
                for index in 1..=count {
                    let block = Shard::new(index, count).unwrap().replications(total);
                    assert_eq!(block.start, next, "{index}/{count} of {total}");
                    next = block.end;
                    smallest = smallest.min(block.len() as u32);
                    largest = largest.max(block.len() as u32);
                }
                assert_eq!(next, total);
                assert!(largest - smallest <= 1, "{count} shards of {total}");
                if count <= total {
                    assert!(smallest >= 1, "an empty shard: {count} shards of {total}");
                }
            }
        }
        let big = Shard::new(u32::MAX, u32::MAX).unwrap();
        assert_eq!(big.replications(u32::MAX), u32::MAX - 1..u32::MAX);
    }

    #[test]
    fn shards_parse_only_k_of_n() {
        let two: Shard = "2/8".parse().unwrap();
        assert_eq!(
            (two.index(), two.count(), two.to_string()),
            (2, 8, "2/8".into())
        );
        assert_eq!("1/1".parse::<Shard>().unwrap().replications(5), 0..5);
        for bad in [
            "",
            "x",
            "2",
            "2/",
            "/8",
            "-1/3",
            "+1/3",
            " 1/3",
            "1/3/4",
            "1.0/3",
            "99999999999/3",
        ] {
            assert!(
                matches!(bad.parse::<Shard>(), Err(ShardError::Syntax { .. })),
                "{bad:?}"
            );
        }
        assert_eq!(
            "1/0".parse::<Shard>(),
            Err(ShardError::NoShards { index: 1 })
        );
        for (bad, index) in [("0/3", 0), ("4/3", 4)] {
            let err = ShardError::OutOfRange { index, count: 3 };
            assert_eq!(bad.parse::<Shard>(), Err(err), "{bad}");
        }
    }
}
