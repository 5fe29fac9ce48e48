//! The `caseload` binary end to end: the files it writes, its exit codes, and what it does with bad
//! flags, bad files and bad output paths.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Output;

use caseload::load;

use crate::binary::{arg, assert_exit, caseload, sha256_hex, stdout, workspace, write_scenario};
use crate::common::{invalid_uptake, tiny_year};

/// The documented header of `results.csv`.
const RESULTS_HEADER: &str = "replication,month,district,metric,value";
/// The documented header of `summary.csv`.
const SUMMARY_HEADER: &str = "month,district,metric,mean,ci95_low,ci95_high,p5,p10,p50,p90,p95";
/// The files a run writes.
const OUTPUTS: [&str; 3] = ["results.csv", "summary.csv", "run.json"];

/// Every file name under `dir`, recursively, relative to it.
fn tree(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            let rel = path
                .strip_prefix(dir)
                .expect("inside")
                .display()
                .to_string();
            out.insert(rel);
        }
    }
    out
}

/// Asserts no temporary `.partial` file was left anywhere under `dir`.
fn assert_no_partials(dir: &Path) {
    let files = tree(dir);
    assert!(!files.iter().any(|f| f.contains(".partial")), "{files:?}");
}

/// The bytes of each output file in `dir`.
fn outputs(dir: &Path) -> BTreeMap<&'static str, Vec<u8>> {
    OUTPUTS
        .iter()
        .map(|&f| (f, std::fs::read(dir.join(f)).expect("an output file")))
        .collect()
}

/// Asserts `validate` printed that `scenario` is fine.
fn assert_ok(o: &Output, scenario: &Path) {
    let shown = stdout(o);
    let ok = format!("{}: ok (tiny: 1 district, 12 months)", arg(scenario));
    assert!(shown.lines().any(|l| l == ok), "{ok:?} not in\n{shown}");
}

/// Runs `caseload run SCENARIO --quiet --out OUT` and `more` flags.
fn run_into(cwd: &Path, scenario: &Path, out: &Path, more: &[&str]) -> Output {
    let mut args = vec!["run", arg(scenario), "--quiet", "--out", arg(out)];
    args.extend_from_slice(more);
    caseload(cwd, &args)
}

/// Runs `scenario` for 3 replications with `seed` and `threads` into `out`, which must succeed.
fn run_tiny(cwd: &Path, scenario: &Path, out: &Path, seed: &str, threads: &str) -> Output {
    let more = ["--reps", "3", "--seed", seed, "--threads", threads];
    let o = run_into(cwd, scenario, out, &more);
    assert_exit(&o, 0);
    o
}

#[test]
fn run_writes_the_documented_files() {
    let (dir, scenario) = workspace(&tiny_year());
    let out = dir.path().join("out");
    let o = run_tiny(dir.path(), &scenario, &out, "7", "2");
    let listed: BTreeSet<String> = OUTPUTS.iter().map(|s| s.to_string()).collect();
    assert_eq!(tree(&out), listed);
    assert_no_partials(dir.path());

    let results = std::fs::read_to_string(out.join("results.csv")).expect("results");
    let mut lines = results.lines();
    assert_eq!(lines.next(), Some(RESULTS_HEADER));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 5), "ragged rows");
    let column = |i: usize| -> BTreeSet<&str> { rows.iter().map(|r| r[i]).collect() };
    assert_eq!(column(0), BTreeSet::from(["0", "1", "2"]));
    let months: Vec<String> = (1..=12).map(|m| format!("2024-{m:02}")).collect();
    assert_eq!(column(1), months.iter().map(String::as_str).collect());
    assert_eq!(column(2), BTreeSet::from(["ALL", "north"]));
    let metrics = column(3);
    for m in [
        "children",
        "hv_wte",
        "caseload_per_hv_wte",
        "compliance:new_birth",
    ] {
        assert!(metrics.contains(m), "no metric {m} in {metrics:?}");
    }
    // One row for each replication, month, district (and the city) and metric; none twice.
    assert_eq!(rows.len(), 3 * 12 * 2 * metrics.len());
    let keys: BTreeSet<&[&str]> = rows.iter().map(|r| &r[..4]).collect();
    assert_eq!(keys.len(), rows.len());
    // Two health visitors in the one district, and so in the city.
    for r in rows.iter().filter(|r| r[3] == "hv_wte") {
        assert_eq!(r[4].parse::<f64>().ok(), Some(2.0), "{r:?}");
    }

    let summary = std::fs::read_to_string(out.join("summary.csv")).expect("summary");
    let mut lines = summary.lines();
    assert_eq!(lines.next(), Some(SUMMARY_HEADER));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 11), "ragged rows");
    assert_eq!(rows.len(), 12 * 2 * metrics.len());
    assert!(
        rows.iter()
            .any(|r| r[..3] == ["2024-12", "ALL", "children"])
    );

    let text = std::fs::read(&scenario).expect("the scenario");
    let json = std::fs::read_to_string(out.join("run.json")).expect("run.json");
    let record: serde_json::Value = serde_json::from_str(&json).expect("run.json is JSON");
    assert_eq!(record["scenario"], arg(&scenario));
    assert_eq!(record["scenario_sha256"], sha256_hex(&text));
    assert_eq!(record["seed"], 7);
    assert_eq!(record["replications"], 3);
    assert_eq!(record["version"], env!("CARGO_PKG_VERSION"));
    let wall = record["wall_seconds"]
        .as_f64()
        .expect("wall_seconds is a number");
    assert!(wall.is_finite() && wall >= 0.0, "{wall}");

    let shown = stdout(&o);
    assert!(shown.contains("tiny: 3 replications, seed 7"), "{shown}");
    assert!(shown.contains("caseload"), "{shown}");
}

#[test]
fn results_depend_on_the_seed_not_the_thread_count() {
    let (dir, scenario) = workspace(&tiny_year());
    let bytes = |name: &str, seed: &str, threads: &str| {
        let out = dir.path().join(name);
        run_tiny(dir.path(), &scenario, &out, seed, threads);
        std::fs::read(out.join("results.csv")).expect("results")
    };
    let one = bytes("one", "11", "1");
    let two = bytes("two", "11", "2");
    let again = bytes("again", "11", "1");
    let other = bytes("other", "12", "1");
    assert!(one == two, "--threads 1 and --threads 2 differ");
    assert!(one == again, "the same seed gave different results");
    assert!(one != other, "seeds 11 and 12 gave the same results");
}

#[test]
fn validate_reports_ok_or_located_problems() {
    let (dir, good) = workspace(&tiny_year());
    let o = caseload(dir.path(), &["validate", arg(&good)]);
    assert_exit(&o, 0);
    assert_ok(&o, &good);

    let bad = write_scenario(dir.path(), "bad.ron", &invalid_uptake());
    let text = std::fs::read_to_string(&bad).expect("written");
    let before = &text[..text.find("uptake: 1.2").expect("written") + "uptake: ".len()];
    let line = 1 + before.matches('\n').count();
    let col = 1 + before.rsplit('\n').next().unwrap_or("").chars().count();
    let o = caseload(dir.path(), &["validate", arg(&bad)]);
    let err = assert_exit(&o, 2);
    let located = format!(
        "{}:{line}:{col}: reviews[0].uptake: must be a probability in [0, 1], found 1.2",
        arg(&bad)
    );
    assert!(err.contains(&located), "{located:?} not in\n{err}");

    // Several files: each is reported, and one bad file fails the command.
    let o = caseload(dir.path(), &["validate", arg(&good), arg(&bad)]);
    let err = assert_exit(&o, 2);
    assert_ok(&o, &good);
    assert!(err.contains(&located), "{err}");
    assert!(err.contains("1 of 2 scenarios failed validation"), "{err}");
}

#[test]
fn validate_reports_syntax_errors_with_file_line_col() {
    let (dir, good) = workspace(&tiny_year());
    let text = std::fs::read_to_string(&good).expect("written");
    let broken = dir.path().join("broken.ron");
    let text = text.replacen("name: \"tiny\",", "name: \"tiny\"", 1);
    std::fs::write(&broken, text).expect("written");
    let o = caseload(dir.path(), &["validate", arg(&broken)]);
    let err = assert_exit(&o, 2);
    assert!(err.contains(&format!("{}:3:5: ", arg(&broken))), "{err}");
}

#[test]
fn unreadable_scenarios_are_input_errors() {
    let (dir, _) = workspace(&tiny_year());
    let missing = dir.path().join("no_such_scenario.ron");
    let not_utf8 = dir.path().join("latin1.ron");
    // Larger than any scenario: refused before it is read (the file is sparse).
    let huge = dir.path().join("huge.ron");
    let file = std::fs::File::create(&huge).expect("created");
    file.set_len(load::MAX_FILE_BYTES + 1).expect("resized");
    std::fs::write(&not_utf8, b"Scenario(\n  name: \"caf\xe9\")").expect("written");
    // A pipe nobody writes to would block a reader for ever; /dev/zero never ends.
    let fifo = dir.path().join("fifo.ron");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let endless_base = dir.path().join("endless_base.ron");
    std::fs::write(&endless_base, "Scenario(extends: \"/dev/urandom\")").expect("written");
    let cases = [
        (
            endless_base.as_path(),
            "/dev/urandom: it is not a regular file",
        ),
        (huge.as_path(), "scenarios are at most 16777216 bytes"),
        (missing.as_path(), "cannot read the scenario"),
        (dir.path(), "is a directory"),
        (
            not_utf8.as_path(),
            "line 2, column 13 (byte 22) is not UTF-8",
        ),
        (fifo.as_path(), "not a regular file"),
        (Path::new("/dev/zero"), "not a regular file"),
    ];
    for (path, reason) in cases {
        let out = dir.path().join("out");
        let runs = [
            run_into(dir.path(), path, &out, &[]),
            caseload(dir.path(), &["validate", arg(path)]),
        ];
        for (command, o) in ["run", "validate"].into_iter().zip(runs) {
            let err = assert_exit(&o, 2);
            assert!(err.contains(arg(path)), "{command}: no path in {err}");
            assert!(err.contains(reason), "{command}: no {reason:?} in {err}");
            assert!(!out.exists(), "{command} created its output directory");
        }
    }
}

#[test]
fn bad_flags_are_usage_errors() {
    let (dir, scenario) = workspace(&tiny_year());
    let s = arg(&scenario);
    let cases: [&[&str]; 9] = [
        &[],
        &["simulate"],
        &["run", s, "--bogus"],
        &["run", s, "--reps", "0"],
        &["run", s, "--reps", "abc"],
        &["run", s, "--threads", "0"],
        // More threads than any machine here can use: refused at once, not run slowly.
        &["run", s, "--threads", "100000"],
        &["run", s, "--seed", "-1"],
        &["validate"],
    ];
    for args in cases {
        let o = caseload(dir.path(), args);
        let err = assert_exit(&o, 2);
        assert!(!err.trim().is_empty(), "{args:?}: nothing on stderr");
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
    }
    assert_eq!(tree(dir.path()), BTreeSet::from(["tiny.ron".to_string()]));
    let err = assert_exit(&caseload(dir.path(), &["run", s, "--threads", "100000"]), 2);
    assert!(err.contains("at most") && err.contains("per core"), "{err}");
    for args in [&["--help"][..], &["run", "--help"], &["--version"]] {
        let o = caseload(dir.path(), args);
        assert_exit(&o, 0);
        assert!(!stdout(&o).is_empty(), "{args:?}");
    }
    let help = stdout(&caseload(dir.path(), &["--help"]));
    assert!(help.contains("run") && help.contains("validate"), "{help}");
}

#[test]
fn unwritable_output_fails_without_partial_files() {
    let (dir, scenario) = workspace(&tiny_year());
    let blocker = dir.path().join("blocker");
    std::fs::write(&blocker, "not a directory").expect("written");
    let before = tree(dir.path());
    // A folder that cannot be made fails the machine's way (exit 1); a file given as the
    // output folder is the user's to correct (exit 2). Both before anything runs.
    let cases = [
        (blocker.join("sub"), 1, "cannot write the output"),
        (blocker.clone(), 2, "is a file, not a folder"),
    ];
    for (out, code, reason) in cases {
        let o = run_into(dir.path(), &scenario, &out, &["--reps", "2"]);
        let err = assert_exit(&o, code);
        assert!(err.contains(reason), "{err}");
        assert!(err.contains(arg(&out)), "{err}");
        assert_eq!(tree(dir.path()), before);
        let kept = std::fs::read(&blocker).expect("still a file");
        assert_eq!(kept, b"not a directory");
    }
}

#[test]
fn a_failed_run_leaves_earlier_outputs_untouched() {
    let (dir, scenario) = workspace(&tiny_year());
    let out = dir.path().join("out");
    run_tiny(dir.path(), &scenario, &out, "3", "1");
    let earlier = outputs(&out);
    let bad = write_scenario(dir.path(), "bad.ron", &invalid_uptake());
    let o = run_into(dir.path(), &bad, &out, &["--reps", "2"]);
    let err = assert_exit(&o, 2);
    assert!(err.contains("reviews[0].uptake"), "{err}");
    assert_eq!(outputs(&out), earlier);
    let listed: BTreeSet<String> = OUTPUTS.iter().map(|s| s.to_string()).collect();
    assert_eq!(tree(&out), listed);
}

#[test]
fn the_embedded_baseline_runs_by_default() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("out");
    let o = caseload(
        dir.path(),
        &["run", "--reps", "2", "--quiet", "--out", arg(&out)],
    );
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("Birmingham"), "{}", stdout(&o));
    let json = std::fs::read_to_string(out.join("run.json")).expect("run.json");
    let record: serde_json::Value = serde_json::from_str(&json).expect("run.json is JSON");
    assert_eq!(record["scenario"], load::BASELINE_NAME);
    let sha = sha256_hex(load::BASELINE.as_bytes());
    assert_eq!(record["scenario_sha256"], sha);
    assert_eq!(record["replications"], 2);
    assert_no_partials(dir.path());
}

#[test]
fn validate_refuses_a_run_past_the_last_date_without_panicking() {
    let (dir, good) = workspace(&tiny_year());
    let text = std::fs::read_to_string(&good).expect("written");
    let far = dir.path().join("far.ron");
    std::fs::write(&far, text.replacen("2024-01-01", "9999-06-01", 1)).expect("written");
    let o = caseload(dir.path(), &["validate", arg(&far)]);
    let err = assert_exit(&o, 2);
    let located = format!("{}:5:16: calendar.start: ", arg(&far));
    assert!(err.contains(&located), "{err}");
}

#[test]
fn a_run_that_cannot_place_every_file_replaces_none() {
    let (dir, scenario) = workspace(&tiny_year());
    let out = dir.path().join("out");
    run_tiny(dir.path(), &scenario, &out, "3", "1");
    let earlier = std::fs::read(out.join("results.csv")).expect("results");
    // run.json cannot be replaced: a non-empty directory stands in its place.
    std::fs::remove_file(out.join("run.json")).expect("removed");
    std::fs::create_dir_all(out.join("run.json").join("keep")).expect("created");
    // Refused before it runs, as the user's to correct.
    let o = run_into(dir.path(), &scenario, &out, &["--reps", "2", "--seed", "4"]);
    let err = assert_exit(&o, 2);
    assert!(
        err.contains("run.json is a folder, not a regular file"),
        "{err}"
    );
    assert_no_partials(dir.path());
    let now = std::fs::read(out.join("results.csv")).expect("results");
    assert!(now == earlier, "the failed run replaced results.csv");
}

#[test]
fn a_map_key_written_twice_is_refused_where_it_is_written_again() {
    let (dir, scenario) = workspace(&tiny_year());
    let text = std::fs::read_to_string(&scenario).expect("read");
    // The tiny scenario's first staff map, with health visitors written twice: RON would keep
    // the second silently.
    let first = text.find("staff: {").expect("a staff map") + "staff: {".len();
    let twice = format!("{}\"hv\": 100.0,{}", &text[..first], &text[first..]);
    let again = twice[first + 1..].find("\"hv\"").expect("the second key") + first + 1;
    let before = &twice[..again];
    let (line, col) = (
        before.matches('\n').count() + 1,
        before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
    );
    let plain = dir.path().join("twice.ron");
    std::fs::write(&plain, &twice).expect("written");
    // And in an overlay, where merging would otherwise hide it.
    let overlay = dir.path().join("overlay.ron");
    std::fs::write(
        &overlay,
        "Scenario(\n  extends: \"tiny.ron\",\n  \
         need_levels: [(id: \"universal\", transitions: {\"universal\": 0.5, \"universal\": 1.0})],\n)\n",
    )
    .expect("written");
    let cases = [
        (&plain, format!("{}:{line}:{col}: ", arg(&plain))),
        (&overlay, format!("{}:3:67: ", arg(&overlay))),
    ];
    for (path, at) in cases {
        for command in ["validate", "run"] {
            let err = assert_exit(&caseload(dir.path(), &[command, arg(path)]), 2);
            assert!(err.contains(&at), "{command}: not at {at}: {err}");
            assert!(err.contains("written twice"), "{err}");
        }
    }
}

#[test]
fn a_review_nobody_can_do_is_warned_of() {
    let mut s = tiny_year();
    let mut nn = s.roles[0].clone();
    nn.id = "nn".into();
    nn.name = "Nursery nurse".into();
    s.roles.push(nn);
    s.reviews[0].roles = vec!["nn".into()];
    let (dir, scenario) = workspace(&s);
    let o = caseload(dir.path(), &["validate", arg(&scenario)]);
    let err = assert_exit(&o, 0);
    assert!(err.contains("warning: "), "{err}");
    assert!(
        err.contains("may be done only by nn") && err.contains("never be done"),
        "{err}"
    );
    // With staff in post, nothing to say.
    let (dir, scenario) = workspace(&tiny_year());
    let err = assert_exit(&caseload(dir.path(), &["validate", arg(&scenario)]), 0);
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn a_run_kept_on_disk_writes_what_a_run_held_in_memory_writes() {
    let mut s = tiny_year();
    s.reviews[0].target = Some(0.5);
    let (dir, scenario) = workspace(&s);
    let sc = arg(&scenario);
    // 30 replications on one thread: four batches of eight go to disk and are read back. A
    // board report keeps the values in memory instead.
    let base = [
        "run",
        sc,
        "--reps",
        "30",
        "--seed",
        "4",
        "--threads",
        "1",
        "-q",
    ];
    let target = ["--target", "children>=0@2024-06"];
    let run = |more: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(&target);
        args.extend_from_slice(more);
        let o = caseload(dir.path(), &args);
        assert_exit(&o, 0);
        stdout(&o)
    };
    let held = run(&["--out", "held", "--report", "held.html"]);
    let spilled = run(&["--out", "spilled"]);
    let summary_only = run(&["--out", "summary_only", "--summary-only"]);
    let file = |d: &str, f: &str| std::fs::read(dir.path().join(d).join(f)).expect("read");
    for f in ["results.csv", "summary.csv", "targets.csv"] {
        assert!(file("held", f) == file("spilled", f), "{f} differs");
    }
    assert!(file("held", "summary.csv") == file("summary_only", "summary.csv"));
    let table = |text: &str| {
        let kept = text.lines().filter(|l| !l.starts_with("Wrote"));
        kept.collect::<Vec<_>>().join("\n")
    };
    assert_eq!(table(&held), table(&spilled));
    assert_eq!(table(&held), table(&summary_only));
    assert!(held.contains("Chance of meeting the target"), "{held}");
}
