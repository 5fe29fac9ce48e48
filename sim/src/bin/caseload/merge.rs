//! `caseload merge DIR...`: puts the shards of a run (`caseload run --shard K/N`) back together and
//! writes what the unsharded run would have written.
//!
//! Every shard's `shard.json` is read and checked first: same version, scenario (by SHA-256), seed,
//! number of replications and number of shards, and each of shards 1..=N exactly once. Then each
//! `results.csv` is read back bit for bit and checked against its record. Only then are the shards'
//! replications put in order and `results.csv`, `summary.csv` (and `targets.csv` with `--target`)
//! written: byte for byte those of the unsharded run. `run.json` has the same fields in the same
//! order, except that `threads` and `wall_seconds` are the sums over the shards (which ran as
//! separate processes), followed by `shards`: each shard's directory, replications, threads and
//! time. Any problem is an input error (exit 2) that names it and the directory, and nothing is
//! written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use caseload::output::{self, RunRecord};
use caseload::replicate::Shard;
use caseload::results::Results;
use caseload::summary::Summary;
use caseload::targets::Target;
use clap::Args;
use serde::Serialize;

use crate::shard::{SHARD_JSON, ShardRecord};
use crate::{Failure, chances, print, table};

/// Arguments of `caseload merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' output directories (each with results.csv and shard.json, or, for the shards
    /// of a sweep, sweep.csv and sweep_shard.json), in any order.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Directory for the merged output files (created if missing); not one of the shards'.
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// A target whose chance to report, as in `caseload run --target`; repeatable; also written
    /// to targets.csv.
    #[arg(long, value_name = "TARGET")]
    pub target: Vec<Target>,
}

/// What the merged `run.json` records: the unsharded run's fields, then the shards.
#[derive(Serialize)]
struct MergedRecord {
    #[serde(flatten)]
    run: RunRecord,
    shards: Vec<ShardEntry>,
}

/// One shard, as the merged `run.json` lists it.
#[derive(Serialize)]
struct ShardEntry {
    directory: String,
    shard: String,
    first_replication: u32,
    last_replication: u32,
    threads: usize,
    wall_seconds: f64,
}

fn input(message: String) -> Failure {
    Failure::Input(anyhow!(message))
}

/// Reads a shard's record.
fn read_record(dir: &Path) -> Result<ShardRecord, Failure> {
    if !dir.is_dir() {
        return Err(input(format!(
            "{}: not a directory: give the directories `caseload run --shard K/N --out DIR` wrote",
            dir.display()
        )));
    }
    let path = dir.join(SHARD_JSON);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(input(format!(
                "{}: no {SHARD_JSON}: not the output of `caseload run --shard K/N`",
                dir.display()
            )));
        }
        Err(e) => {
            return Err(Failure::Input(
                anyhow::Error::new(e).context(format!("cannot read {}", path.display())),
            ));
        }
    };
    serde_json::from_str(&text).map_err(|e| {
        Failure::Input(anyhow::Error::new(e).context(format!(
            "{}: not a shard record as `caseload run --shard` writes it",
            path.display()
        )))
    })
}

/// The first 12 hex digits of a hash, enough to tell scenarios apart in a message.
fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// Checks that `record` (from `dir`) belongs to the same run as `reference` (from `ref_dir`).
fn check_same_run(
    dir: &Path,
    record: &ShardRecord,
    ref_dir: &Path,
    reference: &ShardRecord,
) -> Result<(), Failure> {
    let differs = |what: &str, this: String, that: String| {
        input(format!(
            "{}: {what} {this}, but {} has {what} {that}: the shards of one run share the \
             scenario, seed, replications and number of shards",
            dir.display(),
            ref_dir.display()
        ))
    };
    if record.scenario_sha256 != reference.scenario_sha256 {
        return Err(differs(
            "scenario",
            format!(
                "{:?} (sha256 {})",
                record.scenario,
                short(&record.scenario_sha256)
            ),
            format!(
                "{:?} (sha256 {})",
                reference.scenario,
                short(&reference.scenario_sha256)
            ),
        ));
    }
    if record.seed != reference.seed {
        return Err(differs(
            "seed",
            record.seed.to_string(),
            reference.seed.to_string(),
        ));
    }
    if record.replications != reference.replications {
        return Err(differs(
            "replications",
            record.replications.to_string(),
            reference.replications.to_string(),
        ));
    }
    if record.shards != reference.shards {
        return Err(differs(
            "number of shards",
            record.shards.to_string(),
            reference.shards.to_string(),
        ));
    }
    if record.months != reference.months {
        return Err(differs(
            "months",
            record.months.join(" to "),
            reference.months.join(" to "),
        ));
    }
    Ok(())
}

/// Checks a record's own fields: this version, a valid shard, the replications that shard runs.
fn check_record(dir: &Path, record: &ShardRecord) -> Result<Shard, Failure> {
    let ours = env!("CARGO_PKG_VERSION");
    if record.version != ours {
        return Err(input(format!(
            "{}: written by caseload {}, but this is caseload {ours}: merge shards with the \
             version that ran them",
            dir.display(),
            record.version
        )));
    }
    let shard = Shard::new(record.shard, record.shards).map_err(|e| {
        Failure::Input(anyhow::Error::new(e).context(format!(
            "{}: {SHARD_JSON} names no valid shard",
            dir.display()
        )))
    })?;
    let block = shard.replications(record.replications);
    if block.is_empty()
        || (block.start, block.end - 1) != (record.first_replication, record.last_replication)
    {
        return Err(input(format!(
            "{}: {SHARD_JSON} lists replications {}-{}, but shard {shard} of {} replications \
             runs {}",
            dir.display(),
            record.first_replication,
            record.last_replication,
            record.replications,
            describe(block)
        )));
    }
    Ok(shard)
}

fn describe(block: std::ops::Range<u32>) -> String {
    if block.is_empty() {
        "none".to_string()
    } else {
        format!("{}-{}", block.start, block.end - 1)
    }
}

/// Whether `out` is the directory `dir` (so merging there would overwrite a shard).
pub(crate) fn same_dir(out: &Path, dir: &Path) -> bool {
    match (std::fs::canonicalize(out), std::fs::canonicalize(dir)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Reads a shard's `results.csv` and checks it holds the replications and months its record says.
fn read_shard_results(dir: &Path, record: &ShardRecord) -> Result<Results, Failure> {
    let file = output::read_results(&dir.join("results.csv")).map_err(|e| {
        Failure::Input(anyhow::Error::new(e).context(format!(
            "{}: cannot read the shard's results",
            dir.display()
        )))
    })?;
    let n = file.results.replications() as u64;
    let listed = (
        file.first_replication,
        file.first_replication.saturating_add(n.saturating_sub(1)),
    );
    let recorded = (
        u64::from(record.first_replication),
        u64::from(record.last_replication),
    );
    if listed != recorded {
        return Err(input(format!(
            "{}: results.csv lists replications {}-{}, but {SHARD_JSON} says {}-{}",
            dir.display(),
            listed.0,
            listed.1,
            recorded.0,
            recorded.1
        )));
    }
    let months = &file.results.months;
    if [months.first(), months.last()] != [Some(&record.months[0]), Some(&record.months[1])] {
        return Err(input(format!(
            "{}: results.csv runs from {} to {}, but {SHARD_JSON} says {} to {}",
            dir.display(),
            months.first().map_or("?", String::as_str),
            months.last().map_or("?", String::as_str),
            record.months[0],
            record.months[1]
        )));
    }
    Ok(file.results)
}

pub(crate) fn merge(args: &MergeArgs) -> Result<(), Failure> {
    // Sweep shards (sweep_shard.json) or run shards (shard.json): one kind only.
    let is_sweep = |d: &PathBuf| d.join(crate::sweep::SWEEP_SHARD_JSON).is_file();
    let sweeps: Vec<&PathBuf> = args.dirs.iter().filter(|d| is_sweep(d)).collect();
    if let (Some(sweep), Some(run)) = (sweeps.first(), args.dirs.iter().find(|d| !is_sweep(d))) {
        return Err(input(format!(
            "{} holds a sweep shard ({}) but {} does not: merge the shards of one run or of one \
             sweep, not both",
            sweep.display(),
            crate::sweep::SWEEP_SHARD_JSON,
            run.display()
        )));
    }
    if !sweeps.is_empty() {
        return crate::sweep_merge::merge(args);
    }
    // Every record first: a missing or foreign shard is found before any results are read.
    let mut by_shard: BTreeMap<u32, (&Path, ShardRecord)> = BTreeMap::new();
    let mut reference: Option<(&Path, ShardRecord)> = None;
    for dir in &args.dirs {
        let dir = dir.as_path();
        if same_dir(&args.out, dir) {
            return Err(input(format!(
                "--out {} is the shard directory {}: merging there would overwrite the shard",
                args.out.display(),
                dir.display()
            )));
        }
        let record = read_record(dir)?;
        let shard = check_record(dir, &record)?;
        match &reference {
            Some((ref_dir, r)) => check_same_run(dir, &record, ref_dir, r)?,
            None => reference = Some((dir, record.clone())),
        }
        if let Some((other, _)) = by_shard.get(&shard.index()) {
            return Err(input(format!(
                "shard {shard} is given twice: {} and {}",
                other.display(),
                dir.display()
            )));
        }
        by_shard.insert(shard.index(), (dir, record));
    }
    let Some((_, first)) = reference else {
        return Err(input("no shard directories given".to_string()));
    };
    // Every shard given is one of 1..=N, once: the rest are missing. At most a few are named.
    let absent = (first.shards as usize).saturating_sub(by_shard.len());
    if absent > 0 {
        const NAMED: usize = 5;
        let mut missing: Vec<String> = (1..=first.shards)
            .filter(|k| !by_shard.contains_key(k))
            .take(NAMED)
            .map(|k| {
                let block = Shard::new(k, first.shards)
                    .map_or(0..0, |s| s.replications(first.replications));
                format!("{k}/{} (replications {})", first.shards, describe(block))
            })
            .collect();
        if absent > NAMED {
            missing.push(format!("and {} more", absent - NAMED));
        }
        let given: Vec<String> = args.dirs.iter().map(|d| d.display().to_string()).collect();
        return Err(input(format!(
            "missing shard{} {} of the run of {} replications with seed {}; given: {}",
            if absent == 1 { "" } else { "s" },
            missing.join(", "),
            first.replications,
            first.seed,
            given.join(", ")
        )));
    }
    let shards: Vec<(&Path, ShardRecord)> = by_shard.into_values().collect();

    // Then every shard's results, in replication order.
    let mut parts: Vec<Results> = Vec::with_capacity(shards.len());
    for (dir, record) in &shards {
        let part = read_shard_results(dir, record)?;
        if let (Some(head), Some((head_dir, _))) = (parts.first(), shards.first())
            && (&part.metrics, &part.months, &part.districts)
                != (&head.metrics, &head.months, &head.districts)
        {
            return Err(input(format!(
                "{}: results.csv has other months, districts or metrics than {}'s",
                dir.display(),
                head_dir.display()
            )));
        }
        parts.push(part);
    }
    let results = Results::concat(parts)
        .ok_or_else(|| input("the shards' results do not fit together".to_string()))?;
    for t in &args.target {
        t.resolve(&results).map_err(|e| Failure::Input(e.into()))?;
    }
    let chances = chances(&args.target, &results)?;
    let summary = Summary::new(&results);

    let record = MergedRecord {
        run: RunRecord {
            version: first.version.clone(),
            scenario: first.scenario.clone(),
            scenario_name: first.scenario_name.clone(),
            scenario_description: first.scenario_description.clone(),
            scenario_sha256: first.scenario_sha256.clone(),
            seed: first.seed,
            replications: first.replications,
            threads: shards.iter().map(|(_, r)| r.threads).sum(),
            wall_seconds: shards.iter().map(|(_, r)| r.wall_seconds).sum(),
            months: first.months.clone(),
        },
        shards: shards
            .iter()
            .map(|(dir, r)| ShardEntry {
                directory: dir.display().to_string(),
                shard: format!("{}/{}", r.shard, r.shards),
                first_replication: r.first_replication,
                last_replication: r.last_replication,
                threads: r.threads,
                wall_seconds: r.wall_seconds,
            })
            .collect(),
    };
    let extra: Vec<(&str, String)> = if args.target.is_empty() {
        Vec::new()
    } else {
        vec![("targets.csv", table::targets_csv(&args.target, &chances))]
    };
    let written = output::write_run(&args.out, &results, &summary, &record, &extra)
        .with_context(|| format!("cannot write the merged results to {}", args.out.display()))
        .map_err(Failure::Other)?;
    let mut text = format!(
        "{}: merged {} shards, {} replications, seed {}, {} to {}\n",
        first.scenario_name,
        shards.len(),
        first.replications,
        first.seed,
        first.months[0],
        first.months[1]
    );
    text.push_str(&table::targets(&args.target, &chances));
    text.push_str(&format!(
        "\nWrote {}.\n",
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    print(&text)
}
