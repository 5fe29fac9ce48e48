//! Monte Carlo replications in parallel.
//!
//! Replication `i` runs on its own random streams derived from (seed, i) and results are collected
//! in replication order, so a run's results are identical whatever the number of threads.
//! [`run_indices`] runs any chosen replications with the same bits, and [`Shard`] splits a run into
//! contiguous blocks for separate processes (`caseload run --shard K/N`, then `caseload merge`).

use std::num::NonZeroUsize;
use std::sync::Arc;

use rayon::prelude::*;

use crate::engine;
use crate::metrics::Metrics;
use crate::model::Model;
use crate::results::Results;

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
pub(crate) fn pool(threads: Option<NonZeroUsize>) -> Result<rayon::ThreadPool, RunError> {
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

/// Runs `options.replications` replications of `model`; `progress` is called once as each
/// replication finishes (from worker threads, in no particular order).
pub fn run(
    model: &Arc<Model>,
    options: &RunOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<Results, RunError> {
    let indices: Vec<u64> = (0..u64::from(options.replications)).collect();
    run_indices(model, &indices, options.seed, options.threads, progress)
}

/// Runs the replications numbered `indices` of `model` under master seed `seed`, in the order
/// given: replication `indices[j]` of the result is bit-identical to replication `indices[j]` of a
/// [`run`] with the same seed, since it draws only from the streams of (seed, `indices[j]`).
/// `threads` and `progress` are as in [`RunOptions`] and [`run`].
pub fn run_indices(
    model: &Arc<Model>,
    indices: &[u64],
    seed: u64,
    threads: Option<NonZeroUsize>,
    progress: &(dyn Fn() + Sync),
) -> Result<Results, RunError> {
    run_indices_with_stats(model, indices, seed, threads, progress).map(|(results, _)| results)
}

/// As [`run`], with what the replications did between them (for benchmarks: `caseload run
/// --stats`).
pub fn run_with_stats(
    model: &Arc<Model>,
    options: &RunOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<(Results, engine::Stats), RunError> {
    let indices: Vec<u64> = (0..u64::from(options.replications)).collect();
    run_indices_with_stats(model, &indices, options.seed, options.threads, progress)
}

fn run_indices_with_stats(
    model: &Arc<Model>,
    indices: &[u64],
    seed: u64,
    threads: Option<NonZeroUsize>,
    progress: &(dyn Fn() + Sync),
) -> Result<(Results, engine::Stats), RunError> {
    let metrics = Arc::new(Metrics::new(model));
    let pool = pool(threads)?;
    let done: Vec<(Vec<f64>, engine::Stats)> = pool.install(|| {
        indices
            .par_iter()
            .map(|&i| {
                let done = engine::simulate_with_stats(model, &metrics, seed, i);
                progress();
                done
            })
            .collect()
    });
    let stats = done
        .iter()
        .fold(engine::Stats::default(), |a, (_, s)| a + *s);
    let raw = done.into_iter().map(|(values, _)| values).collect();
    Ok((Results::new(model, &metrics, raw), stats))
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
