//! `caseload merge DIR...`: puts the shards of a run (`caseload run --shard K/N`) back together and
//! writes what the unsharded run would have written.
//!
//! Every shard's `shard.json` is read and checked first: same version, scenario (by SHA-256), seed,
//! number of replications and number of shards, and each of shards 1..=N exactly once. Then each
//! `results.csv` is read back bit for bit and checked against its record. Only then are the shards'
//! replications put in order and `results.csv`, `summary.csv` (and `targets.csv` with `--target`,
//! `parameters.csv` when the scenario has uncertain values, each shard's draws checked row by row)
//! written: byte for byte those of the unsharded run. `run.json` has the same fields in the same
//! order, except that `threads` and `wall_seconds` are the sums over the shards (which ran as
//! separate processes), followed by `shards`: each shard's directory, replications, threads and
//! time. Any problem is an input error (exit 2) that names it and the directory, and nothing is
//! written.

use std::path::{Path, PathBuf};

use caseload::output::tables::{self, ParameterRow, Row};
use caseload::output::{self, RunRecord};
use caseload::results::ReplicationValues;
use caseload::spill::Spill;
use caseload::targets::{Chance, Target};
use caseload::uncertainty::Draws;
use clap::Args;
use serde::Serialize;

use crate::gather::{Manifest, gather, input, read_csv};
use crate::shard::{PARAMETERS_CSV, SHARD_JSON, ShardRecord};
use crate::{Failure, built, print, table};

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
    /// Format of the merged results and summary: csv or parquet (as `caseload run --format`).
    #[arg(long, default_value = "csv", value_name = "csv|parquet")]
    pub format: output::Format,
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

/// The first 12 hex digits of a hash, enough to tell scenarios apart in a message.
fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

impl Manifest for ShardRecord {
    const FILE: &'static str = SHARD_JSON;
    const NOUN: &'static str = "shard";
    const WRITER: &'static str = "caseload run --shard K/N";
    const UNIT: &'static str = "replications";
    const WHOLE: &'static str = "run";
    const SHARED: &'static str = "the scenario, seed, replications and number of shards";

    fn version(&self) -> &str {
        &self.version
    }
    fn index(&self) -> u32 {
        self.shard
    }
    fn count(&self) -> u32 {
        self.shards
    }
    fn total(&self) -> u32 {
        self.replications
    }
    fn block(&self) -> (u32, u32) {
        (self.first_replication, self.last_replication)
    }
    fn differs(&self, other: &Self) -> Option<(&'static str, String, String)> {
        let scenario =
            |r: &Self| format!("{:?} (sha256 {})", r.scenario, short(&r.scenario_sha256));
        if self.scenario_sha256 != other.scenario_sha256 {
            return Some(("scenario", scenario(self), scenario(other)));
        }
        let posterior = |r: &Self| {
            r.posterior.as_ref().map_or("none".to_string(), |p| {
                format!("{:?} (sha256 {})", p.file, short(&p.sha256))
            })
        };
        if self.posterior.as_ref().map(|p| &p.sha256) != other.posterior.as_ref().map(|p| &p.sha256)
        {
            return Some(("posterior", posterior(self), posterior(other)));
        }
        let fields = |r: &Self| {
            [
                ("seed", r.seed.to_string()),
                ("replications", r.replications.to_string()),
                ("number of shards", r.shards.to_string()),
                ("months", r.months.join(" to ")),
            ]
        };
        fields(self)
            .into_iter()
            .zip(fields(other))
            .find(|((_, this), (_, that))| this != that)
            .map(|((what, this), (_, that))| (what, this, that))
    }
    fn describe_whole(&self) -> String {
        format!(
            "the run of {} replications with seed {}",
            self.replications, self.seed
        )
    }
}

/// Reads a shard's `results.csv` and checks it holds the replications and months its record says.
fn read_shard_results(
    dir: &Path,
    record: &ShardRecord,
    spill: &mut Option<Spill>,
    head: &Path,
) -> Result<(), Failure> {
    let path = dir.join("results.csv");
    let cannot = |e: output::ReadError| {
        Failure::Input(anyhow::Error::new(e).context(format!(
            "{}: cannot read the shard's results",
            dir.display()
        )))
    };
    let other_table = || {
        input(format!(
            "{}: results.csv has other months, districts or metrics than {}'s",
            dir.display(),
            head.display()
        ))
    };
    let mut mismatch = false;
    let read = output::read_results_each(&path, &mut |shape, values| {
        let io = |e: std::io::Error| output::ReadError::Io {
            path: path.clone(),
            source: e,
        };
        let spill = match spill {
            Some(s) => s,
            None => spill.insert(Spill::new(shape).map_err(io)?),
        };
        if !spill.shape().same_shape(shape) {
            mismatch = true;
            return Err(io(std::io::Error::other("another table")));
        }
        spill.push_values(&values).map_err(io)
    });
    let read = match read {
        Err(_) if mismatch => return Err(other_table()),
        other => other.map_err(cannot)?,
    };
    let listed = (
        read.first_replication,
        read.first_replication
            .saturating_add(read.replications.saturating_sub(1)),
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
    let months = &read.shape.months;
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
    Ok(())
}

/// The shards' draws of the scenario's uncertain values (parameters.csv), in replication order:
/// each shard's rows checked to be its own replications', in order, one per uncertain value in
/// scenario order, as `caseload run` writes them.
fn merged_parameters(shards: &[(&Path, ShardRecord)]) -> Result<String, Failure> {
    let expected_header = ParameterRow::COLUMNS.join(",");
    let mut draws: Vec<Draws> = Vec::new();
    for (dir, record) in shards {
        let (header, rows) = read_csv(dir, PARAMETERS_CSV)?;
        if header.trim_end() != expected_header {
            return Err(input(format!(
                "{}: {PARAMETERS_CSV}:1: the header is {:?}, expected {expected_header}",
                dir.display(),
                header.trim_end()
            )));
        }
        let (first, last) = (record.first_replication, record.last_replication);
        let paths = &record.uncertain;
        // Each replication's draws, path by path; the shard's check made first <= last.
        let mut expected = (first..=last).flat_map(|r| paths.iter().map(move |p| (r, p)));
        let mut lines = (2..).zip(rows.lines());
        loop {
            let next = expected
                .next()
                .map(|(r, p)| (r, p, ParameterRow::start(r, p)));
            match (next, lines.next()) {
                (None, None) => break,
                (Some((r, path, start)), Some((line, row))) if row.starts_with(&start) => {
                    let Ok(value) = row[start.len()..].parse::<f64>() else {
                        return Err(input(format!(
                            "{}: {PARAMETERS_CSV}:{line}: {row:?} has no number for its value",
                            dir.display()
                        )));
                    };
                    let replication = u64::from(r);
                    match draws.last_mut() {
                        Some(d) if d.replication == replication => {
                            d.values.push((path.clone(), value));
                        }
                        _ => draws.push(Draws {
                            replication,
                            values: vec![(path.clone(), value)],
                        }),
                    }
                }
                (Some((_, _, start)), Some((line, row))) => {
                    return Err(input(format!(
                        "{}: {PARAMETERS_CSV}:{line}: {row:?}, expected a row starting {start:?} \
                         (replications {first}-{last}, {} uncertain values each, in order)",
                        dir.display(),
                        paths.len()
                    )));
                }
                (Some((_, _, start)), None) => {
                    return Err(input(format!(
                        "{}: {PARAMETERS_CSV} ends before the row starting {start:?}: the \
                         shard's output is damaged",
                        dir.display()
                    )));
                }
                (None, Some((line, row))) => {
                    return Err(input(format!(
                        "{}: {PARAMETERS_CSV}:{line}: {row:?} is after the last draw of \
                         replications {first}-{last}",
                        dir.display()
                    )));
                }
            }
        }
    }
    tables::parameters_csv(&draws).map_err(built(PARAMETERS_CSV))
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
    let shards: Vec<(&Path, ShardRecord)> = gather(&args.dirs, &args.out)?;
    let first = &shards[0].1;
    let tables = output::Tables {
        results: true,
        format: args.format,
    };
    let mut extra_names = Vec::new();
    if !args.target.is_empty() {
        extra_names.push(crate::TARGETS_CSV);
    }
    if !first.uncertain.is_empty() {
        extra_names.push(PARAMETERS_CSV);
    }
    let _prepared = crate::prepare(
        Some(&args.out),
        &output::run_file_names(tables, &extra_names),
        &[],
    )?;

    // Then every shard's results, in replication order, kept on disk as they are read: memory
    // does not grow with the replications.
    let mut spill: Option<Spill> = None;
    for (dir, record) in &shards {
        read_shard_results(dir, record, &mut spill, shards[0].0)?;
    }
    let spill = spill.ok_or_else(|| input("no shard listed any results".to_string()))?;
    let chances: Vec<Chance> = args
        .target
        .iter()
        .map(|t| t.chance(&spill).map_err(|e| Failure::Input(e.into())))
        .collect::<Result<_, _>>()?;
    let summary = spill.summary().map_err(|e| {
        Failure::Other(anyhow::Error::new(e).context("cannot read back the shards' values"))
    })?;

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
            posterior: first.posterior.clone(),
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
    let mut extra: Vec<(&str, String)> = Vec::new();
    if !args.target.is_empty() {
        let text =
            tables::targets_csv(&args.target, &chances).map_err(built(crate::TARGETS_CSV))?;
        extra.push((crate::TARGETS_CSV, text));
    }
    if !first.uncertain.is_empty() {
        extra.push((PARAMETERS_CSV, merged_parameters(&shards)?));
    }
    let written = output::write_run(&args.out, tables, (&spill, &summary), &record, &extra, &[])
        .map_err(crate::not_written(format!(
            "cannot write the merged results to {}",
            args.out.display()
        )))?;
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
    text.push_str(&format!("\nWrote {}.\n", crate::listed(&written)));
    print(&text)
}
