//! `caseload run --shard K/N`: one share of a run's replications, for running a run as N separate
//! processes (a cluster's job array) and putting it back together with `caseload merge`.
//!
//! Shard K runs the contiguous block of replications [`Shard::replications`] gives: from
//! floor((K-1) x R / N) to floor(K x R / N) - 1 of R. Replication i draws only from the streams of
//! (seed, i), so its values are the same bits as in an unsharded run. A shard writes `results.csv`,
//! with the whole run's replication numbers, and `shard.json` ([`ShardRecord`]), and for a
//! scenario with uncertain values its replications' draws in `parameters.csv`; it writes no
//! summary, since a summary is only meaningful over every replication and is computed by the merge.

use std::time::Instant;

use anyhow::anyhow;
use caseload::output::{self, PosteriorRecord, tables};
use caseload::replicate::{self, Run, RunOptions, Shard};
use serde::{Deserialize, Serialize};

use crate::run::{Reps, RunArgs};
use crate::{Failure, built, load_scenario, print, progress_bar};

/// The name of a shard's record.
pub(crate) const SHARD_JSON: &str = "shard.json";

/// The name of the file of each replication's draws of a scenario's uncertain values.
pub(crate) const PARAMETERS_CSV: &str = "parameters.csv";

/// What `shard.json` records: the run the shard belongs to (the fields of `run.json`, with the
/// whole run's number of replications) and which share of it this is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ShardRecord {
    /// Caseload's version.
    pub version: String,
    /// Scenario path, or the embedded scenario's name.
    pub scenario: String,
    /// The scenario's title.
    pub scenario_name: String,
    /// The scenario's description.
    pub scenario_description: String,
    /// SHA-256 of the scenario text, hex.
    pub scenario_sha256: String,
    /// Master seed.
    pub seed: u64,
    /// Replications of the whole run.
    pub replications: u32,
    /// K: this shard, from 1.
    pub shard: u32,
    /// N: the number of shards.
    pub shards: u32,
    /// The first replication this shard ran.
    pub first_replication: u32,
    /// The last replication this shard ran (inclusive).
    pub last_replication: u32,
    /// Worker threads used.
    pub threads: usize,
    /// Wall-clock seconds the shard's replications took.
    pub wall_seconds: f64,
    /// First and last month.
    pub months: [String; 2],
    /// The paths of the scenario's uncertain values, whose draws are in parameters.csv; empty
    /// when it has none.
    #[serde(default)]
    pub uncertain: Vec<String>,
    /// The calibrated posterior the uncertain values were drawn from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posterior: Option<PosteriorRecord>,
}

/// Runs shard `shard` of the run `args` describes.
pub(crate) fn run(args: &RunArgs, shard: Shard) -> Result<(), Failure> {
    if !args.target.is_empty() {
        return Err(Failure::Input(anyhow!(
            "--target needs every replication, so it cannot go with --shard: give it to \
             `caseload merge` instead"
        )));
    }
    let Reps::Fixed(reps) = args.reps else {
        return Err(Failure::Input(anyhow!(
            "--reps auto decides the number of replications as it goes, so it cannot go with \
             --shard: give a number"
        )));
    };
    let loaded = load_scenario(args.scenario.as_deref())?;
    let posterior = crate::posterior_for(&loaded, &args.fitted, &[])?;
    if shard.count() > reps {
        return Err(Failure::Input(anyhow!(
            "--shard {shard}: {} shards for {} replications; use at most {} shards",
            shard.count(),
            reps,
            reps
        )));
    }
    let mut names = vec!["results.csv", SHARD_JSON];
    if !loaded.scenario.uncertain.is_empty() || posterior.is_some() {
        names.push(PARAMETERS_CSV);
    }
    let _prepared = crate::prepare(Some(&args.out), &names, &[])?;
    let block = shard.replications(reps);
    let indices: Vec<u64> = block.clone().map(u64::from).collect();
    let (first, last) = (block.start, block.end.saturating_sub(1));
    let options = RunOptions {
        replications: reps,
        seed: args.seed,
        threads: args.exec.threads,
    };
    let replications = crate::replications_of(&loaded, posterior.as_ref())?;
    let name = loaded.model.name.clone();
    let label = format!("{name} (shard {shard})");
    let bar = progress_bar(indices.len() as u64, &label, args.exec.quiet);
    let (seed, threads) = (args.seed, args.exec.threads);
    let started = Instant::now();
    let Run { results, draws, .. } = replications
        .run_indices(&indices, seed, threads, &|| bar.inc(1))
        .map_err(|e| Failure::Other(e.into()))?;
    let wall_seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let record = ShardRecord {
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: loaded.source.clone(),
        scenario_name: name.clone(),
        scenario_description: loaded.scenario.description.clone(),
        scenario_sha256: output::sha256_hex(&loaded.text),
        seed: args.seed,
        replications: reps,
        shard: shard.index(),
        shards: shard.count(),
        first_replication: first,
        last_replication: last,
        threads: replicate::worker_threads(&options),
        wall_seconds,
        months: [
            results.months.first().cloned().unwrap_or_default(),
            results.months.last().cloned().unwrap_or_default(),
        ],
        uncertain: replications.uncertain_paths(),
        posterior: posterior.map(|p| p.record),
    };
    let json = serde_json::to_string_pretty(&record).map_err(|e| Failure::Other(e.into()))?;
    let mut extra = vec![(SHARD_JSON, format!("{json}\n"))];
    if let Some(draws) = &draws {
        let text = tables::parameters_csv(draws).map_err(built(PARAMETERS_CSV))?;
        extra.push((PARAMETERS_CSV, text));
    }
    let written = output::write_shard(&args.out, &results, u64::from(first), &extra).map_err(
        crate::not_written(format!("cannot write the shard to {}", args.out.display())),
    )?;
    print(&format!(
        "{}: shard {shard}, replications {first}-{last} of {} (numbered from 0), seed {}\n\
         Wrote {} in {wall_seconds:.1} s of simulation; put the shards together with `caseload \
         merge`.\n",
        name,
        reps,
        args.seed,
        crate::listed(&written),
    ))
}
