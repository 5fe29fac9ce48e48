//! `caseload merge DIR...` of sweep shards (`caseload sweep --shard K/N`): puts their rows back
//! together and writes what the unsharded sweep would have written.
//!
//! Every shard's `sweep_shard.json` is read and checked first: same version, scenario (by
//! SHA-256), seed, replications, levers, targets, number of points and number of shards, and each
//! of shards 1..=N exactly once, each with the block of points [`Shard::replications`] gives it.
//! Then each `sweep.csv` (and `sweep_targets.csv`) is read: one header, the same in every shard.
//! Only then are the data rows concatenated in shard order under that header and written: byte
//! for byte the unsharded sweep's files. Any problem is an input error (exit 2) that names it and
//! the directory, and nothing is written.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, anyhow};
use caseload::output;
use caseload::replicate::Shard;

use crate::merge::MergeArgs;
use crate::sweep::{SWEEP_SHARD_JSON, SweepShardRecord};
use crate::{Failure, print};

fn input(message: String) -> Failure {
    Failure::Input(anyhow!(message))
}

/// Reads a sweep shard's record.
fn read_record(dir: &Path) -> Result<SweepShardRecord, Failure> {
    let path = dir.join(SWEEP_SHARD_JSON);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))
        .map_err(Failure::Input)?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::Input(anyhow::Error::new(e).context(format!(
            "{}: not a sweep shard record as `caseload sweep --shard` writes it",
            path.display()
        )))
    })
}

/// Checks a record's own fields: this version, a valid shard, the points that shard runs.
fn check_record(dir: &Path, r: &SweepShardRecord) -> Result<Shard, Failure> {
    let ours = env!("CARGO_PKG_VERSION");
    if r.version != ours {
        return Err(input(format!(
            "{}: written by caseload {}, but this is caseload {ours}: merge shards with the \
             version that ran them",
            dir.display(),
            r.version
        )));
    }
    let shard = Shard::new(r.shard, r.shards).map_err(|e| {
        Failure::Input(anyhow::Error::new(e).context(format!(
            "{}: {SWEEP_SHARD_JSON} names no valid shard",
            dir.display()
        )))
    })?;
    let block = shard.replications(r.points);
    if block.is_empty() || (block.start, block.end - 1) != (r.first_point, r.last_point) {
        return Err(input(format!(
            "{}: {SWEEP_SHARD_JSON} lists points {}-{}, but shard {shard} of {} points runs \
             {}",
            dir.display(),
            r.first_point,
            r.last_point,
            r.points,
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

/// Checks that `r` (from `dir`) belongs to the same sweep as `reference` (from `ref_dir`).
fn check_same_sweep(
    dir: &Path,
    r: &SweepShardRecord,
    ref_dir: &Path,
    reference: &SweepShardRecord,
) -> Result<(), Failure> {
    let fields = |x: &SweepShardRecord| {
        [
            ("scenario (sha256)", x.scenario_sha256.clone()),
            ("seed", x.seed.to_string()),
            ("replications", x.replications.to_string()),
            ("levers", x.levers.join(" ")),
            ("targets", x.targets.join(" ")),
            ("number of points", x.points.to_string()),
            ("number of shards", x.shards.to_string()),
        ]
    };
    for ((what, this), (_, that)) in fields(r).into_iter().zip(fields(reference)) {
        if this != that {
            return Err(input(format!(
                "{}: {what} {this:?}, but {} has {what} {that:?}: the shards of one sweep share \
                 the scenario, seed, replications, levers, targets and number of shards",
                dir.display(),
                ref_dir.display()
            )));
        }
    }
    Ok(())
}

/// A shard's CSV file split into its header line and its data rows.
fn read_csv(dir: &Path, name: &str) -> Result<(String, String), Failure> {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{}: cannot read the shard's {name}", dir.display()))
        .map_err(Failure::Input)?;
    match text.split_once('\n') {
        Some((header, rows)) if !rows.is_empty() && rows.ends_with('\n') => {
            Ok((format!("{header}\n"), rows.to_string()))
        }
        _ => Err(input(format!(
            "{}: {name} has no complete data rows: the shard's output is damaged",
            dir.display()
        ))),
    }
}

/// Merges the sweep shards `args.dirs` into `args.out`.
pub(crate) fn merge(args: &MergeArgs) -> Result<(), Failure> {
    if !args.target.is_empty() {
        return Err(input(
            "--target cannot go with sweep shards: give it to `caseload sweep --shard` (each \
             shard writes its points' sweep_targets.csv)"
                .to_string(),
        ));
    }
    let mut by_shard: BTreeMap<u32, (&Path, SweepShardRecord)> = BTreeMap::new();
    let mut reference: Option<(&Path, SweepShardRecord)> = None;
    for dir in &args.dirs {
        let dir = dir.as_path();
        if crate::merge::same_dir(&args.out, dir) {
            return Err(input(format!(
                "--out {} is the shard directory {}: merging there would overwrite the shard",
                args.out.display(),
                dir.display()
            )));
        }
        let record = read_record(dir)?;
        let shard = check_record(dir, &record)?;
        match &reference {
            Some((ref_dir, r)) => check_same_sweep(dir, &record, ref_dir, r)?,
            None => reference = Some((dir, record.clone())),
        }
        if let Some((other, _)) = by_shard.get(&shard.index()) {
            return Err(input(format!(
                "sweep shard {shard} is given twice: {} and {}",
                other.display(),
                dir.display()
            )));
        }
        by_shard.insert(shard.index(), (dir, record));
    }
    let Some((_, first)) = reference else {
        return Err(input("no shard directories given".to_string()));
    };
    let missing: Vec<String> = (1..=first.shards)
        .filter(|k| !by_shard.contains_key(k))
        .take(5)
        .map(|k| {
            let block = Shard::new(k, first.shards).map_or(0..0, |s| s.replications(first.points));
            format!("{k}/{} (points {})", first.shards, describe(block))
        })
        .collect();
    if !missing.is_empty() {
        let given: Vec<String> = args.dirs.iter().map(|d| d.display().to_string()).collect();
        return Err(input(format!(
            "missing sweep shard{} {} of the sweep of {} points; given: {}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            first.points,
            given.join(", ")
        )));
    }

    let mut names = vec!["sweep.csv"];
    if !first.targets.is_empty() {
        names.push("sweep_targets.csv");
    }
    let mut files: Vec<(&str, String)> = Vec::new();
    for name in names {
        let mut merged: Option<(&Path, String)> = None;
        for (dir, _) in by_shard.values() {
            let (header, rows) = read_csv(dir, name)?;
            match &mut merged {
                None => merged = Some((dir, header + &rows)),
                Some((head_dir, text)) => {
                    if !text.starts_with(&header) {
                        return Err(input(format!(
                            "{}: {name} has another header than {}'s",
                            dir.display(),
                            head_dir.display()
                        )));
                    }
                    text.push_str(&rows);
                }
            }
        }
        if let Some((_, text)) = merged {
            files.push((name, text));
        }
    }
    let written = output::write_files(&args.out, &files)
        .with_context(|| format!("cannot write the merged sweep to {}", args.out.display()))
        .map_err(Failure::Other)?;
    print(&format!(
        "{}: merged {} sweep shards, {} points, {} replications each, seed {}\nWrote {}.\n",
        first.scenario,
        by_shard.len(),
        first.points,
        first.replications,
        first.seed,
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}
