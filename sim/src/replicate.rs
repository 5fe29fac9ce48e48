//! Monte Carlo replications in parallel.
//!
//! Replication `i` runs on its own random streams derived from (seed, i) and results are collected
//! in replication order, so a run's results are identical whatever the number of threads.

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
    /// The thread pool could not be created.
    #[error("cannot start {threads} worker threads: {source}")]
    ThreadPool {
        /// Threads asked for.
        threads: usize,
        /// The cause.
        source: rayon::ThreadPoolBuildError,
    },
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
    let metrics = Arc::new(Metrics::new(model));
    let threads = options.threads.map_or(0, NonZeroUsize::get);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("caseload-replication-{i}"))
        .build()
        .map_err(|source| RunError::ThreadPool { threads, source })?;
    let raw: Vec<Vec<f64>> = pool.install(|| {
        (0..u64::from(options.replications))
            .into_par_iter()
            .map(|i| {
                let values = engine::simulate(model, &metrics, options.seed, i);
                progress();
                values
            })
            .collect()
    });
    Ok(Results::new(model, &metrics, raw))
}
