//! Decision support through the binary: targets and their chance, paired comparison with common
//! random numbers, and replications driven by precision.

use std::path::Path;

use caseload::scenario::Scenario;

use crate::binary::{arg, assert_exit, caseload, ok, read, read_text, write_scenario};
use crate::common::{map, tiny_year};

/// Writes `s` as `name` in `dir`; returns its path as the text every command line here takes.
fn write(dir: &Path, name: &str, s: &Scenario) -> String {
    arg(&write_scenario(dir, name, s)).to_string()
}

#[test]
fn targets_report_their_chance_with_an_exact_interval() {
    let dir = tempfile::tempdir().expect("a directory");
    let file = write(dir.path(), "tiny.ron", &tiny_year());
    let o = caseload(
        dir.path(),
        &[
            "run",
            &file,
            "--reps",
            "10",
            "-q",
            "--out",
            "out",
            // Always met: 2 WTE of health visitor all year.
            "--target",
            "hv_wte>=2@2024-12",
            // Never met.
            "--target",
            "hv_wte>2@2024-12/north",
            "--target",
            "children>0@2024-06/*",
        ],
    );
    let text = ok(&o);
    assert!(text.contains("Targets"), "{text}");
    let csv = read_text(&dir.path().join("out/targets.csv"));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "target,met,replications,probability,ci95_low,ci95_high"
    );
    // 10 of 10: exact interval [0.025^(1/10), 1].
    let cells: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(&cells[..4], ["\"hv_wte>=2@2024-12\"", "10", "10", "1"]);
    let low: f64 = cells[4].parse().expect("a number");
    assert!((low - 0.025f64.powf(0.1)).abs() < 1e-12, "{low}");
    assert_eq!(cells[5], "1");
    assert!(
        lines[2].starts_with("\"hv_wte>2@2024-12/north\",0,10,0,0,"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].starts_with("\"children>0@2024-06/*\",10,10,1,"),
        "{}",
        lines[3]
    );
}

#[test]
fn a_bad_target_is_refused_before_running_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("a directory");
    let file = write(dir.path(), "tiny.ron", &tiny_year());
    for (target, message) in [
        ("nope>=1@2024-01", "no metric \"nope\""),
        ("hv_wte>=1@2030-01", "outside the run"),
        ("hv_wte>=1@2024-01/south", "no district \"south\""),
        ("hv_wte=1@2024-01", "no comparison"),
    ] {
        let o = caseload(
            dir.path(),
            &[
                "run", &file, "--reps", "2", "-q", "--out", "out", "--target", target,
            ],
        );
        let err = assert_exit(&o, 2);
        assert!(err.contains(message), "{target}: {err}");
        assert!(
            !dir.path().join("out").exists(),
            "{target}: nothing written"
        );
    }
}

#[test]
fn pairing_narrows_the_interval_of_a_difference() {
    // B has more health-visitor time than A; everything else (births, needs, uptake) is drawn
    // from the same streams, so the paired interval of B - A is far narrower than the unpaired
    // one wherever the shared randomness dominates.
    let dir = tempfile::tempdir().expect("a directory");
    let mut a = tiny_year();
    a.districts[0].staff = map(&[("hv", 1.0)]);
    let mut b = a.clone();
    b.districts[0].staff = map(&[("hv", 2.0)]);
    let width = |r: &[f64]| (r[4] - r[3], r[6] - r[5]);
    let (fa, fb) = (
        write(dir.path(), "a.ron", &a),
        write(dir.path(), "b.ron", &b),
    );
    let text = ok(&caseload(
        dir.path(),
        &["compare", &fa, &fb, "--reps", "12", "-q", "--out", "cmp"],
    ));
    assert!(text.contains("B - A"), "{text}");
    // The one field that differs is named, with both values.
    assert!(
        text.contains("What differs between A and B (1 field)"),
        "{text}"
    );
    let line = text
        .lines()
        .find(|l| l.starts_with("districts[north].staff.hv "))
        .unwrap_or_else(|| panic!("no staff line in {text}"));
    assert_eq!(
        line.split_whitespace().collect::<Vec<_>>()[1..],
        ["1.0", "2.0"]
    );
    let csv = read_text(&dir.path().join("cmp/compare.csv"));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "month,district,metric,mean_a,mean_b,difference,ci95_low,ci95_high,unpaired_ci95_low,unpaired_ci95_high"
        )
    );
    let row = |month: &str, metric: &str| -> Vec<f64> {
        csv.lines()
            .find(|l| l.starts_with(&format!("{month},ALL,{metric},")))
            .unwrap_or_else(|| panic!("{month} {metric}"))
            .split(',')
            .skip(3)
            .map(|c| c.parse().unwrap_or(f64::NAN))
            .collect()
    };
    // Caseload per HV WTE: children are identical in A and B, so the ratio halves exactly.
    let c = row("2024-12", "caseload_per_hv_wte");
    assert!((c[2] + c[0] / 2.0).abs() < 1e-9, "B - A = -A/2: {c:?}");
    let (paired, unpaired) = width(&c);
    assert!(paired < unpaired, "paired {paired} vs unpaired {unpaired}");
    // Reviews due follow the births alone: identical in A and B, so the paired interval is a
    // point while the unpaired one spans the month-to-month noise of births.
    let due = row("2024-06", "review_due:new_birth");
    assert_eq!((due[2], width(&due).0), (0.0, 0.0));
    assert!(width(&due).1 > 5.0, "{due:?}");
    // Children do not depend on staffing: their difference is exactly zero, with no width.
    let k = row("2024-12", "children");
    assert_eq!((k[2], k[3], k[4]), (0.0, 0.0, 0.0));
    assert!(k[6] - k[5] > 0.0, "the unpaired interval still has width");
}

#[test]
fn replications_can_be_driven_by_precision() {
    let dir = tempfile::tempdir().expect("a directory");
    let mut s = tiny_year();
    s.reviews[0].target = Some(0.9);
    let file = write(dir.path(), "tiny.ron", &s);
    let text = ok(&caseload(
        dir.path(),
        &[
            "run",
            &file,
            "--reps",
            "auto",
            "--precision",
            "0.2",
            "--max-reps",
            "80",
            "-q",
            "--out",
            "out",
        ],
    ));
    assert!(text.contains("Precision reached"), "{text}");
    let json = read_text(&dir.path().join("out/precision.json"));
    let record: serde_json::Value = serde_json::from_str(&json).expect("json");
    let n = record["replications"].as_u64().expect("a count");
    assert!([10, 20, 40, 80].contains(&n), "{n}");
    assert_eq!(record["met"], serde_json::Value::Bool(true));
    assert!(
        record["worst_relative_half_width"]
            .as_f64()
            .expect("a share")
            <= 0.2
    );
    let run: serde_json::Value =
        serde_json::from_str(&read_text(&dir.path().join("out/run.json"))).expect("json");
    assert_eq!(run["replications"].as_u64(), Some(n));
    // An unreachable goal stops at the cap and says so.
    let text = ok(&caseload(
        dir.path(),
        &[
            "run",
            &file,
            "--reps",
            "auto",
            "--precision",
            "0.000001",
            "--max-reps",
            "15",
            "-q",
            "--out",
            "cap",
        ],
    ));
    assert!(text.contains("NOT reached"), "{text}");
    for bad in [
        ["--precision", "0"],
        ["--precision", "1.5"],
        ["--max-reps", "1"],
    ] {
        let o = caseload(
            dir.path(),
            &[
                "run", &file, "--reps", "auto", bad[0], bad[1], "-q", "--out", "x",
            ],
        );
        assert_exit(&o, 2);
    }
}

#[test]
fn uncertain_values_are_drawn_per_replication_and_widen_the_bands() {
    use caseload::scenario::{Distribution, UncertainValue};
    let dir = tempfile::tempdir().expect("a directory");
    let mut certain = tiny_year();
    certain.roles[0].attrition = 0.2;
    certain.districts[0].staff = map(&[("hv", 100.0)]);
    let mut uncertain = certain.clone();
    uncertain.uncertain = vec![UncertainValue {
        path: "roles[hv].attrition".into(),
        distribution: Distribution::Uniform { min: 0.0, max: 0.4 },
    }];
    let (fc, fu) = (
        write(dir.path(), "certain.ron", &certain),
        write(dir.path(), "uncertain.ron", &uncertain),
    );
    let args = |file: &str, out: &str| {
        vec![
            "run".to_string(),
            file.into(),
            "--reps".into(),
            "16".into(),
            "-q".into(),
            "--out".into(),
            out.into(),
        ]
    };
    let run = |a: Vec<String>| {
        ok(&caseload(
            dir.path(),
            &a.iter().map(String::as_str).collect::<Vec<_>>(),
        ))
    };
    run(args(&fc, "c"));
    let text = run(args(&fu, "u"));
    assert!(text.contains("Uncertain values"), "{text}");
    run(args(&fu, "u2"));
    // Same seed, same draws, same results.
    for f in ["results.csv", "parameters.csv"] {
        let a = read(&dir.path().join("u").join(f));
        assert_eq!(a, read(&dir.path().join("u2").join(f)), "{f}");
    }
    let params = read_text(&dir.path().join("u/parameters.csv"));
    let rows: Vec<&str> = params.lines().skip(1).collect();
    assert_eq!(rows.len(), 16, "one draw per replication");
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells[0], i.to_string());
        assert_eq!(cells[1], "\"roles[hv].attrition\"");
        let x: f64 = cells[2].parse().expect("a number");
        assert!((0.0..=0.4).contains(&x), "{x}");
    }
    // The spread of WTE at the end of the year is far wider with the attrition rate uncertain.
    let spread = |out: &str| {
        let summary = read_text(&dir.path().join(out).join("summary.csv"));
        let row = summary
            .lines()
            .find(|l| l.starts_with("2024-12,ALL,hv_wte,"))
            .expect("a row");
        let cells: Vec<f64> = row
            .split(',')
            .skip(3)
            .map(|c| c.parse().expect("a number"))
            .collect();
        cells[6] - cells[4] // p90 - p10
    };
    assert!(
        spread("u") > 2.0 * spread("c"),
        "{} vs {}",
        spread("u"),
        spread("c")
    );
}

#[test]
fn bad_uncertain_values_are_refused_before_running() {
    use caseload::scenario::{Distribution, UncertainValue};
    let dir = tempfile::tempdir().expect("a directory");
    for (path, distribution, message) in [
        (
            "roles[hv].name",
            Distribution::Uniform { min: 0.0, max: 1.0 },
            "not a number",
        ),
        (
            "roles[nurse].attrition",
            Distribution::Uniform { min: 0.0, max: 0.1 },
            "nurse",
        ),
        (
            "roles[hv].contact_share",
            Distribution::Normal { mean: 0.9, sd: 0.1 },
            "must be a probability",
        ),
        (
            "roles[hv].attrition",
            Distribution::Uniform { min: 0.3, max: 0.1 },
            "min < max",
        ),
        (
            "roles[hv",
            Distribution::Beta {
                alpha: 1.0,
                beta: 1.0,
            },
            "lever path",
        ),
    ] {
        let mut s = tiny_year();
        s.uncertain = vec![UncertainValue {
            path: path.into(),
            distribution,
        }];
        let file = write(dir.path(), "bad.ron", &s);
        let o = caseload(
            dir.path(),
            &["run", &file, "--reps", "2", "-q", "--out", "out"],
        );
        let err = assert_exit(&o, 2);
        assert!(err.contains(message), "{path}: {err}");
        assert!(!dir.path().join("out").exists());
    }
}

#[test]
fn uncertain_whole_numbers_are_drawn_whole() {
    use caseload::scenario::{Distribution, UncertainValue};
    let dir = tempfile::tempdir().expect("a directory");
    let mut s = tiny_year();
    s.uncertain = vec![UncertainValue {
        path: "districts[north].children_by_age[0]".into(),
        distribution: Distribution::Triangular {
            min: 900.0,
            mode: 1000.0,
            max: 1100.0,
        },
    }];
    let file = write(dir.path(), "whole.ron", &s);
    ok(&caseload(
        dir.path(),
        &["run", &file, "--reps", "8", "-q", "--out", "out"],
    ));
    let params = read_text(&dir.path().join("out/parameters.csv"));
    for row in params.lines().skip(1) {
        let value = row.rsplit(',').next().expect("a value");
        let n: u32 = value
            .parse()
            .unwrap_or_else(|_| panic!("a whole number: {row}"));
        assert!((900..=1100).contains(&n), "{row}");
    }
}

#[test]
fn comparisons_draw_uncertain_values_too() {
    use caseload::scenario::{Distribution, UncertainValue};
    let dir = tempfile::tempdir().expect("a directory");
    let mut a = tiny_year();
    a.uncertain = vec![UncertainValue {
        path: "reviews[new_birth].uptake".into(),
        distribution: Distribution::Beta {
            alpha: 8.0,
            beta: 2.0,
        },
    }];
    let fa = write(dir.path(), "a.ron", &a);
    // The same uncertain scenario against itself: every draw is paired, so every difference is
    // exactly zero.
    ok(&caseload(
        dir.path(),
        &["compare", &fa, &fa, "--reps", "6", "-q", "--out", "cmp"],
    ));
    let csv = read_text(&dir.path().join("cmp/compare.csv"));
    let row = csv
        .lines()
        .find(|l| l.starts_with("2024-06,ALL,compliance:new_birth,"))
        .expect("a row");
    let cells: Vec<&str> = row.split(',').collect();
    assert_eq!(&cells[5..8], ["0", "0", "0"], "{row}");
    // Against the certain scenario, uptake differs replication by replication.
    let fc = write(dir.path(), "c.ron", &tiny_year());
    ok(&caseload(
        dir.path(),
        &["compare", &fc, &fa, "--reps", "6", "-q", "--out", "cmp2"],
    ));
    let csv = read_text(&dir.path().join("cmp2/compare.csv"));
    let row = csv
        .lines()
        .find(|l| l.starts_with("2024-06,ALL,compliance:new_birth,"))
        .expect("a row");
    let difference: f64 = row
        .split(',')
        .nth(5)
        .expect("a cell")
        .parse()
        .expect("a number");
    assert!(
        difference < -0.05,
        "uptake around 0.8 lowers compliance: {row}"
    );
}
