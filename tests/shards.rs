//! Cluster scale: a run split into shards (`caseload run --shard K/N`) run as separate processes and
//! put back together by `caseload merge` writes the unsharded run's bytes; shards that do not belong
//! together, or whose files are damaged, are refused with a message and nothing is written.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;

use caseload::output::{self, ReadError, RunRecord};
use caseload::replicate::{Replications, RunOptions};
use caseload::summary::Summary;
use caseload::validate::validate;
use tempfile::TempDir;

use crate::binary::{
    all_succeed, arg, assert_exit, caseload, file_names, ok, read, read_text, write_scenario,
};
use crate::common::tiny_year;

/// Replications and seed of every run here.
const REPS: &str = "5";
const SEED: &str = "7";

/// Writes `common::tiny()` cut to 12 months, with the name `name`, as `file` in `dir`.
fn write_tiny(dir: &Path, file: &str, name: &str) -> PathBuf {
    let mut s = tiny_year();
    s.name = name.into();
    write_scenario(dir, file, &s)
}

/// One `caseload run` of `REPS` replications: (scenario, seed, shard or "", output directory).
type Job<'a> = (&'a Path, &'a str, &'a str, &'a str);

/// Runs `jobs` in `cwd` as concurrent processes and waits for all; each must succeed.
fn run_all(cwd: &Path, jobs: &[Job]) {
    let command_lines: Vec<Vec<&str>> = jobs
        .iter()
        .map(|&(scenario, seed, shard, out)| {
            let mut args = vec!["run", arg(scenario), "--quiet", "--reps", REPS];
            args.extend(["--seed", seed, "--threads", "1", "--out", out]);
            if !shard.is_empty() {
                args.extend(["--shard", shard]);
            }
            args
        })
        .collect();
    all_succeed(cwd, &command_lines);
}

/// A temporary directory with `tiny.ron`, its unsharded run in `full` and its three shards in
/// `shards/1`, `shards/2` and `shards/3`, all run at once.
fn sharded() -> TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let scenario = write_tiny(dir.path(), "tiny.ron", "tiny");
    let s = scenario.as_path();
    let jobs: [Job; 4] = [
        (s, SEED, "", "full"),
        (s, SEED, "1/3", "shards/1"),
        (s, SEED, "2/3", "shards/2"),
        (s, SEED, "3/3", "shards/3"),
    ];
    run_all(dir.path(), &jobs);
    dir
}

fn merge(cwd: &Path, dirs: &[&str], out: &str) -> Output {
    let mut args = vec!["merge", "--out", out];
    args.extend_from_slice(dirs);
    caseload(cwd, &args)
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&read(path)).expect("JSON")
}

#[test]
fn shards_run_apart_merge_to_the_unsharded_bytes() {
    let dir = sharded();
    let d = dir.path();
    // Each shard: results.csv with the whole run's replication numbers, shard.json, no summary.
    let full_rows = read_text(&d.join("full/results.csv"));
    let mut shard_rows = String::new();
    for (k, first, last) in [(1, 0, 0), (2, 1, 2), (3, 3, 4)] {
        let shard = d.join(format!("shards/{k}"));
        let files = BTreeSet::from(["results.csv".to_string(), "shard.json".to_string()]);
        assert_eq!(file_names(&shard), files);
        let record = json(&shard.join("shard.json"));
        assert_eq!(record["shard"], k);
        assert_eq!(record["shards"], 3);
        assert_eq!(record["replications"], 5);
        assert_eq!(record["seed"], 7);
        assert_eq!(record["first_replication"], first);
        assert_eq!(record["last_replication"], last);
        assert_eq!(record["version"], env!("CARGO_PKG_VERSION"));
        let text = read_text(&shard.join("results.csv"));
        let (header, rows) = text.split_once('\n').expect("a header");
        assert_eq!(header, "replication,month,district,metric,value");
        assert!(rows.starts_with(&format!("{first},2024-01,")), "shard {k}");
        shard_rows.push_str(rows);
    }
    assert!(full_rows.ends_with(&shard_rows), "the shards' rows differ");

    let o = merge(d, &["shards/1", "shards/2", "shards/3"], "merged");
    assert!(ok(&o).contains("tiny: merged 3 shards, 5 replications"));
    for file in ["results.csv", "summary.csv"] {
        let (full, merged) = (
            read(&d.join("full").join(file)),
            read(&d.join("merged").join(file)),
        );
        assert!(
            full == merged,
            "merged {file} differs from the unsharded run's"
        );
    }
    // Any order of the directories gives the same bytes, run.json included.
    let o = merge(d, &["shards/3", "shards/1", "shards/2"], "again");
    assert_exit(&o, 0);
    for file in ["results.csv", "summary.csv", "run.json"] {
        let (a, b) = (
            read(&d.join("merged").join(file)),
            read(&d.join("again").join(file)),
        );
        assert!(a == b, "{file} depends on the order of the shards");
    }
    let files = ["results.csv", "summary.csv", "run.json"].map(String::from);
    assert_eq!(file_names(&d.join("merged")), BTreeSet::from(files));

    // run.json: the unsharded run's fields in the same order, with threads and wall time summed
    // over the shards, then the shards.
    let full = json(&d.join("full/run.json"));
    let merged = json(&d.join("merged/run.json"));
    let (full, merged) = (
        full.as_object().expect("a map"),
        merged.as_object().expect("a map"),
    );
    let keys: BTreeSet<&str> = merged.keys().map(String::as_str).collect();
    let mut expected: BTreeSet<&str> = full.keys().map(String::as_str).collect();
    expected.insert("shards");
    assert_eq!(keys, expected);
    let lines = |dir: &str| -> Vec<String> {
        let text = read_text(&d.join(dir).join("run.json"));
        let kept = text.lines().filter(|l| {
            !l.starts_with("  \"threads\": ") && !l.starts_with("  \"wall_seconds\": ")
        });
        kept.map(|l| l.trim_end_matches(',').to_string()).collect()
    };
    let (full_lines, merged_lines) = (lines("full"), lines("merged"));
    let shared = full_lines.len() - 1;
    assert_eq!(
        full_lines[..shared],
        merged_lines[..shared],
        "run.json fields differ"
    );
    for (key, value) in full {
        if key != "threads" && key != "wall_seconds" {
            assert_eq!(&merged[key], value, "{key}");
        }
    }
    assert_eq!(merged["threads"], 3);
    let shards = merged["shards"].as_array().expect("a list");
    let listed: Vec<(&str, &str)> = shards
        .iter()
        .map(|s| {
            (
                s["directory"].as_str().unwrap(),
                s["shard"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("shards/1", "1/3"),
            ("shards/2", "2/3"),
            ("shards/3", "3/3")
        ]
    );
    let wall: f64 = shards
        .iter()
        .map(|s| s["wall_seconds"].as_f64().unwrap())
        .sum();
    // serde_json's float parsing may be one unit in the last place off: near enough for seconds.
    let total = merged["wall_seconds"].as_f64().expect("a number");
    assert!(
        (total - wall).abs() <= 1e-9 * wall.max(1.0),
        "{total} vs {wall}"
    );
    assert!(!file_names(d).iter().any(|f| f.contains(".partial")));
}

/// Copies shard directory `from` to `to`, passing its results.csv through `edit`.
fn copy_shard(d: &Path, from: &str, to: &str, edit: &dyn Fn(&str) -> String) {
    let (from, to) = (d.join(from), d.join(to));
    std::fs::create_dir_all(&to).expect("created");
    std::fs::copy(from.join("shard.json"), to.join("shard.json")).expect("copied");
    let text = read_text(&from.join("results.csv"));
    std::fs::write(to.join("results.csv"), edit(&text)).expect("written");
}

#[test]
fn merge_refuses_shards_that_do_not_belong_together() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let d = dir.path();
    let (mine, other) = (
        write_tiny(d, "tiny.ron", "tiny"),
        write_tiny(d, "other.ron", "other"),
    );
    let (mine, other) = (mine.as_path(), other.as_path());
    let jobs: [Job; 5] = [
        (mine, SEED, "1/3", "shards/1"),
        (mine, SEED, "2/3", "shards/2"),
        (mine, SEED, "3/3", "shards/3"),
        (mine, "8", "3/3", "seed8/3"),
        (other, SEED, "3/3", "other/3"),
    ];
    run_all(d, &jobs);
    copy_shard(d, "shards/2", "copy/2", &str::to_string);
    // A value that is not a number on the third row.
    copy_shard(d, "shards/2", "badnumber/2", &|t| {
        let mut lines: Vec<String> = t.lines().map(String::from).collect();
        let cut = lines[3].rfind(',').expect("a row") + 1;
        lines[3].replace_range(cut.., "1.2.3");
        lines.join("\n") + "\n"
    });
    // The value column left out.
    copy_shard(d, "shards/2", "nocolumn/2", &|t| {
        t.lines()
            .map(|l| &l[..l.rfind(',').expect("a row")])
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    // A row left out at the end.
    copy_shard(d, "shards/2", "short/2", &|t| {
        let mut lines: Vec<&str> = t.lines().collect();
        lines.pop();
        lines.join("\n") + "\n"
    });
    std::fs::create_dir(d.join("empty")).expect("created");
    let cases: [(&[&str], &[&str]); 10] = [
        (
            &["shards/1", "shards/2"],
            &["missing shard 3/3 (replications 3-4)", "shards/1, shards/2"],
        ),
        (
            &["shards/1", "shards/2", "shards/3", "copy/2"],
            &["shard 2/3 is given twice: shards/2 and copy/2"],
        ),
        (
            &["shards/1", "shards/2", "shards/2", "shards/3"],
            &["shard 2/3 is given twice: shards/2 and shards/2"],
        ),
        (
            &["shards/1", "shards/2", "seed8/3"],
            &["seed8/3: seed 8, but shards/1 has seed 7"],
        ),
        (
            &["shards/1", "shards/2", "other/3"],
            &[
                "other/3: scenario \"",
                "other.ron\" (sha256 ",
                "but shards/1 has scenario",
            ],
        ),
        (
            &["shards/1", "badnumber/2", "shards/3"],
            &["badnumber/2/results.csv:4: value \"1.2.3\" is not a number"],
        ),
        (
            &["shards/1", "nocolumn/2", "shards/3"],
            &[
                "nocolumn/2/results.csv:1: the header is",
                "expected replication,month,district,metric,value",
            ],
        ),
        (
            &["shards/1", "short/2", "shards/3"],
            &["short/2/results.csv:", "replication 2 has"],
        ),
        (&["shards/1", "empty"], &["empty: no shard.json"]),
        (&["shards/1", "tiny.ron"], &["tiny.ron: not a directory"]),
    ];
    for (dirs, messages) in cases {
        let o = merge(d, dirs, "merged");
        let err = assert_exit(&o, 2);
        for m in messages {
            assert!(err.contains(m), "{dirs:?}: {m:?} not in\n{err}");
        }
        assert!(!d.join("merged").exists(), "{dirs:?}: merge wrote output");
    }
    // Merging into a shard's own directory would overwrite it.
    let before = read(&d.join("shards/2/results.csv"));
    let o = merge(d, &["shards/1", "shards/2", "shards/3"], "shards/2");
    let err = assert_exit(&o, 2);
    assert!(err.contains("is the shard directory shards/2"), "{err}");
    assert!(read(&d.join("shards/2/results.csv")) == before);
    assert_eq!(file_names(&d.join("shards/2")).len(), 2);
}

#[test]
fn bad_shards_are_usage_errors() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let d = dir.path();
    let scenario = write_tiny(d, "tiny.ron", "tiny");
    let s = arg(&scenario);
    let cases: [(&[&str], &str); 8] = [
        (&["--shard", "0/3"], "K must be between 1 and 3"),
        (&["--shard", "4/3"], "K must be between 1 and 3"),
        (&["--shard", "1/0"], "N must be at least 1"),
        (&["--shard", "x"], "expected K/N"),
        (&["--shard", "1/3/2"], "expected K/N"),
        (&["--shard=-1/3"], "expected K/N"),
        (
            &["--shard", "6/6"],
            "6 shards for 5 replications; use at most 5 shards",
        ),
        (
            &["--shard", "1/2", "--target", "children>=1@2024-03"],
            "--target needs every replication",
        ),
    ];
    for (more, message) in cases {
        let mut args = vec!["run", s, "--quiet", "--reps", REPS, "--out", "out"];
        args.extend_from_slice(more);
        let err = assert_exit(&caseload(d, &args), 2);
        assert!(err.contains(message), "{more:?}: {message:?} not in\n{err}");
    }
    let err = assert_exit(&caseload(d, &["merge"]), 2);
    assert!(err.contains("DIR"), "{err}");
    assert_eq!(file_names(d), BTreeSet::from(["tiny.ron".to_string()]));
}

#[test]
fn run_indices_gives_the_same_bits_as_those_replications_of_a_full_run() {
    let model = Replications::from(Arc::new(validate(&tiny_year()).expect("valid")));
    let options = RunOptions {
        replications: 4,
        seed: 11,
        threads: None,
    };
    let full = model.run(&options, &|| {}).expect("a thread pool").results;
    let some = model
        .run_indices(&[1, 3], 11, None, &|| {})
        .expect("a thread pool")
        .results;
    assert_eq!(some.replications(), 2);
    let (nmo, nd, nm) = (full.months.len(), full.districts.len(), full.metrics.len());
    for (j, i) in [1, 3].into_iter().enumerate() {
        for m in 0..nmo {
            for d in 0..nd {
                for k in 0..nm {
                    let (x, y) = (some.value(j, m, d, k), full.value(i, m, d, k));
                    assert_eq!(x.to_bits(), y.to_bits(), "replication {i}, {m} {d} {k}");
                }
            }
        }
    }
}

#[test]
fn results_csv_reads_back_bit_for_bit() {
    let mut s = tiny_year();
    // A second district with no births has no new birth visits: undefined compliance (NaN).
    let mut empty = s.districts[0].clone();
    (empty.id, empty.births_per_year) = ("south".into(), 0.0);
    s.districts.push(empty);
    let model = Replications::from(Arc::new(validate(&s).expect("valid")));
    let results = model
        .run_indices(&[4, 5, 6], 3, None, &|| {})
        .expect("a thread pool")
        .results;
    let k = results
        .metric_index("compliance:new_birth")
        .expect("a metric");
    assert!(
        results.value(0, 11, 1, k).is_nan(),
        "no undefined value to test"
    );

    let dir = tempfile::tempdir().expect("a temporary directory");
    output::write_shard(dir.path(), &results, 4, &[]).expect("written");
    let back = output::read_results(&dir.path().join("results.csv")).expect("read back");
    assert_eq!(back.first_replication, 4);
    assert_eq!(back.results, results);

    let record = RunRecord {
        version: String::new(),
        scenario: String::new(),
        scenario_name: String::new(),
        scenario_description: String::new(),
        scenario_sha256: String::new(),
        seed: 3,
        replications: 3,
        threads: 1,
        wall_seconds: 0.0,
        months: Default::default(),
        posterior: None,
    };
    let summary = Summary::new(&results);
    output::write_run(
        dir.path(),
        output::Tables::CSV,
        (&results, &summary),
        &record,
        &[],
        &[],
    )
    .expect("written");
    let back = output::read_results(&dir.path().join("results.csv")).expect("read back");
    assert_eq!((back.first_replication, back.results), (0, results));
}

#[test]
fn damaged_results_tables_are_refused_with_their_line() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("results.csv");
    let header = "replication,month,district,metric,value\n";
    let rep = |r: u64| format!("{r},2024-01,north,children,1\n{r},2024-01,ALL,children,1\n");
    let good = format!("{header}{}{}", rep(0), rep(1));
    std::fs::write(&path, &good).expect("written");
    let back = output::read_results(&path).expect("a valid table");
    assert_eq!(back.results.replications(), 2);
    assert_eq!(back.results.districts, ["north", "ALL"]);
    let cases = [
        (String::new(), 1, "empty"),
        (header.to_string(), 1, "no rows"),
        (
            format!("{header}{}{}", rep(0), rep(2)),
            4,
            "replication 2 follows replication 0",
        ),
        (
            format!("{header}{}{}", rep(1), rep(0)),
            4,
            "replication 0 follows replication 1",
        ),
        (
            format!("{header}{}{}", rep(u64::MAX), rep(0)),
            4,
            "replication 0 follows replication 18446744073709551615",
        ),
        (
            good.replacen(",1\n", ",NaN\n", 1),
            2,
            "value \"NaN\" is not a number",
        ),
        (good.replacen(",1\n", ",\"\",\n", 1), 2, "6 columns"),
        (
            good.replacen("0,", "-0,", 1),
            2,
            "replication \"-0\" is not a whole number",
        ),
        (
            good.replacen("1,2024-01,ALL", "1,2024-02,ALL", 1),
            5,
            "lists 2024-02,ALL,children",
        ),
        (
            format!("{header}{}", rep(0).replace("ALL", "north")),
            3,
            "out of place",
        ),
        (
            format!("{header}0,2024-01,north,children,1\n"),
            2,
            "not ALL",
        ),
        (
            good.clone() + "1,2024-01,ALL,children,1\n",
            6,
            "more rows than replication 0",
        ),
    ];
    for (text, line, message) in cases {
        std::fs::write(&path, &text).expect("written");
        match output::read_results(&path) {
            Err(ReadError::Invalid {
                line: l,
                message: m,
                ..
            }) => {
                assert_eq!(l, line, "{text:?}: {m}");
                assert!(m.contains(message), "{text:?}: {message:?} not in {m:?}");
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
}
