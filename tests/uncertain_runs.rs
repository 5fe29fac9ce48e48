//! Uncertain values in sharded and precision-driven runs: `run --shard K/N` writes its own
//! replications' draws and `caseload merge` puts them back in replication order, byte for byte the
//! unsharded run's files; `run --reps auto` draws each batch as a fixed run would, so stopping at n
//! replications gives exactly the files of `--reps n`. Damaged draws in a shard are refused.

use std::path::Path;

use caseload::scenario::{Distribution, UncertainValue};
use tempfile::TempDir;

use crate::binary::{all_succeed, assert_exit, caseload, file_names, ok, read, read_text};
use crate::common::{map, tiny_year};

/// The files every complete run writes, and the draws.
const RUN_FILES: [&str; 3] = ["results.csv", "summary.csv", "parameters.csv"];

/// `tiny_year()` with 20 health visitors whose leaving rate and contact share are uncertain, as
/// `tiny.ron` in a new folder.
fn uncertain_workspace() -> TempDir {
    let mut s = tiny_year();
    s.roles[0].attrition = 0.2;
    s.districts[0].staff = map(&[("hv", 20.0)]);
    s.uncertain = vec![
        UncertainValue {
            path: "roles[hv].attrition".into(),
            distribution: Distribution::Uniform { min: 0.0, max: 0.4 },
        },
        UncertainValue {
            path: "roles[hv].contact_share".into(),
            distribution: Distribution::Triangular {
                min: 0.3,
                mode: 0.5,
                max: 0.7,
            },
        },
    ];
    let (dir, _) = crate::binary::workspace(&s);
    dir
}

/// Asserts the named files of `a` and `b` (folders under `d`) are byte for byte the same.
fn same_files(d: &Path, a: &str, b: &str, names: &[&str]) {
    for name in names {
        assert_eq!(
            read(&d.join(a).join(name)),
            read(&d.join(b).join(name)),
            "{a}/{name} and {b}/{name} differ"
        );
    }
}

/// The unsharded run of 7 replications in `full`, and its three shards in `shards/K`.
fn sharded() -> TempDir {
    let dir = uncertain_workspace();
    let run = |extra: &'static [&'static str]| {
        let mut line = vec!["run", "tiny.ron", "-q", "--reps", "7", "--seed", "3"];
        line.extend_from_slice(extra);
        line
    };
    all_succeed(
        dir.path(),
        &[
            run(&["--out", "full"]),
            run(&["--shard", "1/3", "--out", "shards/1"]),
            run(&["--shard", "2/3", "--out", "shards/2"]),
            run(&["--shard", "3/3", "--out", "shards/3"]),
        ],
    );
    dir
}

#[test]
fn shards_of_an_uncertain_run_merge_to_its_files_and_draws() {
    let dir = sharded();
    let d = dir.path();
    // Shard 2 of 3 runs replications 2-3 of 0-6, two draws for each.
    let draws = read_text(&d.join("shards/2/parameters.csv"));
    let replications: Vec<&str> = draws
        .lines()
        .skip(1)
        .map(|row| row.split(',').next().expect("a cell"))
        .collect();
    assert_eq!(replications, ["2", "2", "3", "3"], "{draws}");
    let record: serde_json::Value =
        serde_json::from_slice(&read(&d.join("shards/2/shard.json"))).expect("JSON");
    assert_eq!(
        record["uncertain"],
        serde_json::json!(["roles[hv].attrition", "roles[hv].contact_share"])
    );

    ok(&caseload(
        d,
        &[
            "merge", "shards/3", "shards/1", "shards/2", "--out", "merged",
        ],
    ));
    same_files(d, "full", "merged", &RUN_FILES);
    assert_eq!(
        file_names(&d.join("merged")),
        file_names(&d.join("full")),
        "the merge writes the run's files"
    );
}

#[test]
fn damaged_draws_in_a_shard_are_refused_and_nothing_is_written() {
    let dir = sharded();
    let d = dir.path();
    let draws = read_text(&d.join("shards/2/parameters.csv"));
    let edits: [(&str, String, &str); 6] = [
        (
            "a draw left out",
            draws.lines().take(4).map(|l| format!("{l}\n")).collect(),
            "parameters.csv ends before the row starting \"3,\\\"roles[hv].contact_share\\\",\"",
        ),
        (
            "another shard's replication",
            draws.replacen("\n3,", "\n5,", 1),
            "parameters.csv:4: \"5,",
        ),
        (
            "two draws swapped",
            {
                let mut lines: Vec<&str> = draws.lines().collect();
                lines.swap(1, 2);
                lines.join("\n") + "\n"
            },
            "parameters.csv:2: \"2,\\\"roles[hv].contact_share",
        ),
        (
            "a value that is not a number",
            draws.replacen(",0.", ",x0.", 1),
            "parameters.csv:2: \"2,\\\"roles[hv].attrition\\\",x0.",
        ),
        (
            "another header",
            draws.replacen("replication,path,value", "rep,path,value", 1),
            "parameters.csv:1: the header is \"rep,path,value\"",
        ),
        (
            "no draws at all",
            String::new(),
            "parameters.csv has no complete data rows",
        ),
    ];
    for (what, text, message) in edits {
        std::fs::write(d.join("shards/2/parameters.csv"), &text).expect("written");
        let o = caseload(
            d,
            &["merge", "shards/1", "shards/2", "shards/3", "--out", "bad"],
        );
        let err = assert_exit(&o, 2);
        assert!(
            err.contains(message) && err.contains("shards/2"),
            "{what}: {message:?} not in\n{err}"
        );
        assert!(!d.join("bad").exists(), "{what}: output written");
    }
    // A shard whose draws are gone.
    std::fs::remove_file(d.join("shards/2/parameters.csv")).expect("removed");
    let o = caseload(
        d,
        &["merge", "shards/1", "shards/2", "shards/3", "--out", "bad"],
    );
    let err = assert_exit(&o, 2);
    assert!(
        err.contains("cannot read the shard's parameters.csv"),
        "{err}"
    );
    assert!(!d.join("bad").exists(), "output written");
}

#[test]
fn precision_driven_runs_draw_as_a_fixed_run_of_the_same_size() {
    let dir = uncertain_workspace();
    let d = dir.path();
    // Out of reach: the cap of 15 stops it after batches of 10 and 5.
    let auto = [
        "run",
        "tiny.ron",
        "-q",
        "--reps",
        "auto",
        "--precision",
        "0.0001",
        "--max-reps",
        "15",
        "--out",
        "auto",
    ];
    let text = ok(&caseload(d, &auto));
    assert!(text.contains("Uncertain values"), "{text}");
    let reached: serde_json::Value =
        serde_json::from_slice(&read(&d.join("auto/precision.json"))).expect("JSON");
    assert_eq!(reached["replications"], 15);
    assert_eq!(reached["met"], false);
    ok(&caseload(
        d,
        &["run", "tiny.ron", "-q", "--reps", "15", "--out", "fixed"],
    ));
    same_files(d, "auto", "fixed", &RUN_FILES);
    let draws = read_text(&d.join("auto/parameters.csv"));
    assert_eq!(draws.lines().count(), 1 + 15 * 2, "{draws}");
    // The drawn leaving rates differ between replications: they were drawn, not copied.
    let rates: std::collections::BTreeSet<&str> = draws
        .lines()
        .filter(|row| row.contains("attrition"))
        .map(|row| row.rsplit(',').next().expect("a value"))
        .collect();
    assert_eq!(rates.len(), 15, "{draws}");
}
