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

use std::path::Path;

use caseload::output;

use crate::gather::{Manifest, gather, input, read_csv};
use crate::merge::MergeArgs;
use crate::sweep::{SWEEP_SHARD_JSON, SweepShardRecord};
use crate::{Failure, print};

impl Manifest for SweepShardRecord {
    const FILE: &'static str = SWEEP_SHARD_JSON;
    const NOUN: &'static str = "sweep shard";
    const WRITER: &'static str = "caseload sweep --shard K/N";
    const UNIT: &'static str = "points";
    const WHOLE: &'static str = "sweep";
    const SHARED: &'static str =
        "the scenario, seed, replications, levers, targets and number of shards";

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
        self.points
    }
    fn block(&self) -> (u32, u32) {
        (self.first_point, self.last_point)
    }
    fn differs(&self, other: &Self) -> Option<(&'static str, String, String)> {
        let fields = |x: &Self| {
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
        fields(self)
            .into_iter()
            .zip(fields(other))
            .find(|((_, this), (_, that))| this != that)
            .map(|((what, this), (_, that))| (what, format!("{this:?}"), format!("{that:?}")))
    }
    fn describe_whole(&self) -> String {
        format!("the sweep of {} points", self.points)
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
    if args.format != caseload::output::Format::Csv {
        return Err(input(
            "--format parquet is for the shards of a run: a sweep's tables are CSV".to_string(),
        ));
    }
    let shards: Vec<(&Path, SweepShardRecord)> = gather(&args.dirs, &args.out)?;
    let first = &shards[0].1;

    let mut names = vec!["sweep.csv"];
    if !first.targets.is_empty() {
        names.push("sweep_targets.csv");
    }
    let _prepared = crate::prepare(Some(&args.out), &names, &[])?;
    let mut files: Vec<(&str, String)> = Vec::new();
    for name in names {
        let mut merged: Option<(&Path, String)> = None;
        for (dir, _) in &shards {
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
    let written = output::write_files(&args.out, &files).map_err(crate::not_written(format!(
        "cannot write the merged sweep to {}",
        args.out.display()
    )))?;
    print(&format!(
        "{}: merged {} sweep shards, {} points, {} replications each, seed {}\nWrote {}.\n",
        first.scenario,
        shards.len(),
        first.points,
        first.replications,
        first.seed,
        crate::listed(&written)
    ))
}
