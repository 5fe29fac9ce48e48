//! Gathering the shards of one run or one sweep for `caseload merge`: every shard directory's
//! record is read and checked before any results are, so that a missing, repeated or foreign
//! shard is named before anything is merged.
//!
//! A run's shards (`shard.json`) and a sweep's (`sweep_shard.json`) record different things but
//! are gathered the same way; [`Manifest`] is what the gathering needs to know of each.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use caseload::load;
use caseload::replicate::Shard;
use serde::de::DeserializeOwned;

use crate::Failure;

/// A shard's record, as far as gathering shards goes.
pub(crate) trait Manifest: DeserializeOwned {
    /// The record's file name in a shard directory.
    const FILE: &'static str;
    /// What a shard is called in messages: "shard" or "sweep shard".
    const NOUN: &'static str;
    /// The command that writes the record, for messages.
    const WRITER: &'static str;
    /// What the shards share out: "replications" or "points".
    const UNIT: &'static str;
    /// What the shards make up: "run" or "sweep".
    const WHOLE: &'static str;
    /// What every shard of a whole shares, for messages: "the scenario, seed, ...".
    const SHARED: &'static str;

    /// The Caseload version that wrote the record.
    fn version(&self) -> &str;
    /// K of N: this shard, from 1.
    fn index(&self) -> u32;
    /// N: the number of shards.
    fn count(&self) -> u32;
    /// The number of replications (or points) of the whole run (or sweep).
    fn total(&self) -> u32;
    /// The first and last replication (or point) this shard ran.
    fn block(&self) -> (u32, u32);
    /// The first way in which `self` is not of the same run (or sweep) as `other`: what differs,
    /// this record's value, the other's value.
    fn differs(&self, other: &Self) -> Option<(&'static str, String, String)>;
    /// The whole the shards make up, for messages: "the run of 5 replications with seed 7".
    fn describe_whole(&self) -> String;
}

/// Bad input: exit 2.
pub(crate) fn input(message: String) -> Failure {
    Failure::Input(anyhow!(message))
}

/// A block of replications (or points) as "first-last", or "none".
pub(crate) fn describe(block: std::ops::Range<u32>) -> String {
    if block.is_empty() {
        "none".to_string()
    } else {
        format!("{}-{}", block.start, block.end - 1)
    }
}

/// Whether `out` is the directory `dir` (so merging there would overwrite a shard).
fn same_dir(out: &Path, dir: &Path) -> bool {
    match (std::fs::canonicalize(out), std::fs::canonicalize(dir)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Reads the record in a shard directory.
fn read<R: Manifest>(dir: &Path) -> Result<R, Failure> {
    if !dir.is_dir() {
        return Err(input(format!(
            "{}: not a directory: give the directories `{} --out DIR` wrote",
            dir.display(),
            R::WRITER
        )));
    }
    let path = dir.join(R::FILE);
    if !path.exists() {
        return Err(input(format!(
            "{}: no {}: not the output of `{}`",
            dir.display(),
            R::FILE,
            R::WRITER
        )));
    }
    let text = match load::read_text(&path) {
        Ok(text) => text,
        Err(why) => {
            return Err(input(format!("cannot read {}: {why}", path.display())));
        }
    };
    serde_json::from_str(&text).map_err(|e| {
        Failure::Input(anyhow::Error::new(e).context(format!(
            "{}: not a {} record as `{}` writes it",
            path.display(),
            R::NOUN,
            R::WRITER
        )))
    })
}

/// Checks a record's own fields: this version, a valid shard, the block that shard runs.
fn check<R: Manifest>(dir: &Path, record: &R) -> Result<Shard, Failure> {
    let ours = env!("CARGO_PKG_VERSION");
    if record.version() != ours {
        return Err(input(format!(
            "{}: written by caseload {}, but this is caseload {ours}: merge shards with the \
             version that ran them",
            dir.display(),
            record.version()
        )));
    }
    let shard = Shard::new(record.index(), record.count()).map_err(|e| {
        Failure::Input(anyhow::Error::new(e).context(format!(
            "{}: {} names no valid shard",
            dir.display(),
            R::FILE
        )))
    })?;
    let block = shard.replications(record.total());
    let (first, last) = record.block();
    if block.is_empty() || (block.start, block.end - 1) != (first, last) {
        return Err(input(format!(
            "{}: {} lists {unit} {first}-{last}, but shard {shard} of {} {unit} runs {}",
            dir.display(),
            R::FILE,
            record.total(),
            describe(block),
            unit = R::UNIT,
        )));
    }
    Ok(shard)
}

/// Reads and checks the record of every directory in `dirs`: each a shard of the same whole,
/// each of shards 1..=N exactly once, none of them `out`. Returns them in shard order, at least
/// one; nothing has been read but the records.
pub(crate) fn gather<'a, R: Manifest>(
    dirs: &'a [PathBuf],
    out: &Path,
) -> Result<Vec<(&'a Path, R)>, Failure> {
    let mut by_shard: BTreeMap<u32, (&Path, R)> = BTreeMap::new();
    for dir in dirs {
        let dir = dir.as_path();
        if same_dir(out, dir) {
            return Err(input(format!(
                "--out {} is the shard directory {}: merging there would overwrite the shard",
                out.display(),
                dir.display()
            )));
        }
        let record: R = read(dir)?;
        let shard = check(dir, &record)?;
        if let Some((ref_dir, reference)) = by_shard.values().next()
            && let Some((what, this, that)) = record.differs(reference)
        {
            return Err(input(format!(
                "{}: {what} {this}, but {} has {what} {that}: the shards of one {} share {}",
                dir.display(),
                ref_dir.display(),
                R::WHOLE,
                R::SHARED
            )));
        }
        if let Some((other, _)) = by_shard.get(&shard.index()) {
            return Err(input(format!(
                "{} {shard} is given twice: {} and {}",
                R::NOUN,
                other.display(),
                dir.display()
            )));
        }
        by_shard.insert(shard.index(), (dir, record));
    }
    let Some((_, first)) = by_shard.values().next() else {
        return Err(input("no shard directories given".to_string()));
    };
    // Every shard given is one of 1..=N, once: the rest are missing. At most a few are named.
    let (count, total) = (first.count(), first.total());
    let absent = (count as usize).saturating_sub(by_shard.len());
    if absent > 0 {
        const NAMED: usize = 5;
        let mut missing: Vec<String> = (1..=count)
            .filter(|k| !by_shard.contains_key(k))
            .take(NAMED)
            .map(|k| {
                let block = Shard::new(k, count).map_or(0..0, |s| s.replications(total));
                format!("{k}/{count} ({} {})", R::UNIT, describe(block))
            })
            .collect();
        if absent > NAMED {
            missing.push(format!("and {} more", absent - NAMED));
        }
        let given: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        return Err(input(format!(
            "missing {}{} {} of {}; given: {}",
            R::NOUN,
            if absent == 1 { "" } else { "s" },
            missing.join(", "),
            first.describe_whole(),
            given.join(", ")
        )));
    }
    Ok(by_shard.into_values().collect())
}

/// A shard's CSV file split into its header line and its data rows.
pub(crate) fn read_csv(dir: &Path, name: &str) -> Result<(String, String), Failure> {
    let path = dir.join(name);
    load::regular_file(&path).map_err(|why| {
        input(format!(
            "{}: cannot read the shard's {name}: {why}",
            dir.display()
        ))
    })?;
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
