//! Sweep shards (`caseload sweep --shard K/N`) run as separate processes and put back together by
//! `caseload merge` write the unsharded sweep's bytes; a missing shard, shards of a run mixed with
//! shards of a sweep, and more shards than points are refused with exit 2 and nothing written.

use std::collections::BTreeSet;

use tempfile::TempDir;

use crate::binary::{all_succeed, assert_exit, caseload, file_names, read, read_text, workspace};
use crate::common::tiny_year;

const TARGET: &str = "compliance:new_birth>=0.9@2024-12";

/// The sweep's arguments but `--out` and `--shard`: a 2x2 grid, 3 replications.
const SWEEP: [&str; 13] = [
    "sweep",
    "tiny.ron",
    "--vary",
    "districts[north].staff.hv=2,1",
    "--vary",
    "reviews[new_birth].hours=1.5,3",
    "--reps",
    "3",
    "--seed",
    "5",
    "--quiet",
    "--target",
    TARGET,
];

/// A temporary directory with `tiny.ron` (12 months), its unsharded sweep in `full` and its three
/// sweep shards in `shards/1`..`shards/3`, all run at once as separate processes.
fn sharded() -> TempDir {
    let (dir, _) = workspace(&tiny_year());
    let jobs = [
        ("full", None),
        ("shards/1", Some("1/3")),
        ("shards/2", Some("2/3")),
        ("shards/3", Some("3/3")),
    ];
    let command_lines: Vec<Vec<&str>> = jobs
        .iter()
        .map(|&(out, shard)| {
            let mut args = SWEEP.to_vec();
            args.extend(["--threads", "1", "--out", out]);
            if let Some(shard) = shard {
                args.extend(["--shard", shard]);
            }
            args
        })
        .collect();
    all_succeed(dir.path(), &command_lines);
    dir
}

#[test]
fn sweep_shards_run_apart_merge_to_the_unsharded_bytes() {
    let dir = sharded();
    let d = dir.path();
    // Four points in three shards: blocks of 1, 1 and 2 points in grid order.
    let record: serde_json::Value =
        serde_json::from_slice(&read(&d.join("shards/3/sweep_shard.json"))).expect("JSON");
    assert_eq!(record["points"], 4);
    assert_eq!(
        (record["first_point"].clone(), record["last_point"].clone()),
        (2.into(), 3.into())
    );
    assert_eq!(record["levers"][0], "districts[north].staff.hv=2,1");
    // A shard's sweep.csv is the unsharded one's header and its own points' rows.
    let full = read_text(&d.join("full/sweep.csv"));
    let first = read_text(&d.join("shards/1/sweep.csv"));
    assert!(
        full.starts_with(&first),
        "shard 1 is the start of the sweep"
    );
    assert!(first.lines().skip(1).all(|l| l.starts_with("2,1.5,")));

    let o = caseload(
        d,
        &[
            "merge", "shards/3", "shards/1", "shards/2", "--out", "merged",
        ],
    );
    assert_exit(&o, 0);
    for name in ["sweep.csv", "sweep_targets.csv"] {
        assert!(
            read(&d.join("full").join(name)) == read(&d.join("merged").join(name)),
            "{name} differs from the unsharded sweep's"
        );
    }
    assert_eq!(
        file_names(&d.join("merged")),
        BTreeSet::from(["sweep.csv".into(), "sweep_targets.csv".into()])
    );
}

#[test]
fn missing_or_mixed_sweep_shards_exit_2_and_write_nothing() {
    let dir = sharded();
    let d = dir.path();
    let o = caseload(d, &["merge", "shards/1", "shards/3", "--out", "bad"]);
    let err = assert_exit(&o, 2);
    assert!(
        err.contains("missing sweep shard 2/3 (points 1-1)"),
        "{err}"
    );
    assert!(!d.join("bad").exists(), "output written");

    // A run shard among sweep shards.
    let o = caseload(
        d,
        &[
            "run", "tiny.ron", "--quiet", "--reps", "2", "--shard", "1/1", "--out", "run1",
        ],
    );
    assert_exit(&o, 0);
    let o = caseload(
        d,
        &[
            "merge", "shards/1", "shards/2", "shards/3", "run1", "--out", "bad",
        ],
    );
    let err = assert_exit(&o, 2);
    assert!(
        err.contains("run1") && err.contains("sweep_shard.json"),
        "{err}"
    );
    assert!(!d.join("bad").exists(), "output written");

    // More shards than grid points.
    let mut args = SWEEP.to_vec();
    args.extend(["--shard", "1/5", "--out", "bad"]);
    let err = assert_exit(&caseload(d, &args), 2);
    assert!(err.contains("5 shards for 4 grid points"), "{err}");
    assert!(!d.join("bad").exists(), "output written");
}
