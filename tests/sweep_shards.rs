//! Sweep shards (`caseload sweep --shard K/N`) run as separate processes and put back together by
//! `caseload merge` write the unsharded sweep's bytes; a missing shard, shards of a run mixed with
//! shards of a sweep, and more shards than points are refused with exit 2 and nothing written.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use caseload::load::to_ron;
use tempfile::TempDir;

use crate::common::tiny;

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

fn command(cwd: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_caseload"));
    c.current_dir(cwd)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Asserts the process exited with `code` without panicking; returns its stderr.
fn assert_exit(o: &Output, code: i32) -> String {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout:\n{out}\nstderr:\n{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A temporary directory with `tiny.ron` (12 months), its unsharded sweep in `full` and its three
/// sweep shards in `shards/1`..`shards/3`, all run at once as separate processes.
fn sharded() -> TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut s = tiny();
    s.calendar.months = 12;
    std::fs::write(dir.path().join("tiny.ron"), to_ron(&s).expect("serialises")).expect("written");
    let jobs = [
        ("full", None),
        ("shards/1", Some("1/3")),
        ("shards/2", Some("2/3")),
        ("shards/3", Some("3/3")),
    ];
    let children: Vec<_> = jobs
        .iter()
        .map(|&(out, shard)| {
            let mut args = SWEEP.to_vec();
            args.extend(["--threads", "1", "--out", out]);
            if let Some(shard) = shard {
                args.extend(["--shard", shard]);
            }
            command(dir.path(), &args)
                .spawn()
                .expect("the caseload binary starts")
        })
        .collect();
    for child in children {
        assert_exit(&child.wait_with_output().expect("the sweep finishes"), 0);
    }
    dir
}

fn run(cwd: &Path, args: &[&str]) -> Output {
    command(cwd, args)
        .output()
        .expect("the caseload binary runs")
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
    let full = String::from_utf8(read(&d.join("full/sweep.csv"))).expect("UTF-8");
    let first = String::from_utf8(read(&d.join("shards/1/sweep.csv"))).expect("UTF-8");
    assert!(
        full.starts_with(&first),
        "shard 1 is the start of the sweep"
    );
    assert!(first.lines().skip(1).all(|l| l.starts_with("2,1.5,")));

    let o = run(
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
    let mut written: Vec<_> = std::fs::read_dir(d.join("merged"))
        .expect("a directory")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    written.sort();
    assert_eq!(written, ["sweep.csv", "sweep_targets.csv"]);
}

#[test]
fn missing_or_mixed_sweep_shards_exit_2_and_write_nothing() {
    let dir = sharded();
    let d = dir.path();
    let o = run(d, &["merge", "shards/1", "shards/3", "--out", "bad"]);
    let err = assert_exit(&o, 2);
    assert!(
        err.contains("missing sweep shard 2/3 (points 1-1)"),
        "{err}"
    );
    assert!(!d.join("bad").exists(), "output written");

    // A run shard among sweep shards.
    let o = run(
        d,
        &[
            "run", "tiny.ron", "--quiet", "--reps", "2", "--shard", "1/1", "--out", "run1",
        ],
    );
    assert_exit(&o, 0);
    let o = run(
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
    let err = assert_exit(&run(d, &args), 2);
    assert!(err.contains("5 shards for 4 grid points"), "{err}");
    assert!(!d.join("bad").exists(), "output written");
}
