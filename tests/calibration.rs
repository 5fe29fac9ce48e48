//! `caseload calibrate`: observed history checked row by row before anything is simulated, a
//! known leaving rate recovered from the workforce it produced, and the same posterior whatever
//! the thread count.

use caseload::scenario::{Distribution, Scenario, UncertainValue};

use crate::binary::{assert_exit, caseload, file_names, ok, read, read_text, workspace};
use crate::common::{map, mean, run_scenario, tiny_year};

/// `tiny_year()` with 20 health visitors leaving at `attrition` a year.
fn leaving(attrition: f64) -> Scenario {
    let mut s = tiny_year();
    s.roles[0].attrition = attrition;
    s.districts[0].staff = map(&[("hv", 20.0)]);
    s
}

/// `leaving(0.2)` with the leaving rate unknown, Uniform(0, 0.4): the prior.
fn with_prior() -> Scenario {
    let mut s = leaving(0.2);
    s.uncertain = vec![UncertainValue {
        path: "roles[hv].attrition".into(),
        distribution: Distribution::Uniform { min: 0.0, max: 0.4 },
    }];
    s
}

#[test]
fn observed_rows_are_checked_before_anything_is_simulated() {
    let (dir, _) = workspace(&with_prior());
    let d = dir.path();
    std::fs::write(
        d.join("obs.csv"),
        "month,district,metric,value,sd\n\
         2024-06,ALL,hv_wte,18,\n\
         2024-06,ALL,hv_wte,17,\n\
         2025-06,ALL,hv_wte,17,\n\
         2024-04..2024-02,ALL,compliance:new_birth,0.9,\n\
         2024-04..2024-06,north,compliance:new_birth,1.2,\n\
         2024-07,south,hv_wte,17,\n\
         2024-07,ALL,hv_wtf,17,\n\
         2024-08,ALL,hv_wte,lots,0\n",
    )
    .expect("written");
    let err = assert_exit(
        &caseload(
            d,
            &[
                "calibrate",
                "tiny.ron",
                "--observed",
                "obs.csv",
                "--out",
                "fit",
            ],
        ),
        2,
    );
    for wanted in [
        "obs.csv:3:1: month: hv_wte 2024-06 ALL is already given on line 2",
        "obs.csv:4:1: month: 2025-06 is outside the simulated months (2024-01 to 2024-12)",
        "obs.csv:5:1: month: the span \"2024-04..2024-02\" ends before it starts",
        "obs.csv:6:45: value: compliance:new_birth is a share: expected a value in [0, 1], found 1.2",
        "obs.csv:7:9: district: unknown district \"south\": expected ALL or one of north",
        "obs.csv:8:13: metric: unknown metric \"hv_wtf\"",
        "obs.csv:9:20: value: expected a number, found \"lots\"",
        "obs.csv:9:25: sd: must be > 0, found 0",
    ] {
        assert!(err.contains(wanted), "{wanted}\nnot in:\n{err}");
    }
    assert!(!d.join("fit").exists(), "nothing written");
    // A header without a value column, and a scenario without a prior.
    std::fs::write(d.join("bad.csv"), "month,district,metric,amount\n").expect("written");
    let err = assert_exit(
        &caseload(d, &["calibrate", "tiny.ron", "--observed", "bad.csv"]),
        2,
    );
    assert!(
        err.contains("bad.csv:1:23: header: unknown column \"amount\""),
        "{err}"
    );
    assert!(err.contains("the column \"value\" is missing"), "{err}");
    // Held-out observations are checked the same way, before anything runs. (The observed file
    // starts with a spreadsheet's byte-order mark, which is not part of its header.)
    std::fs::write(
        d.join("good.csv"),
        "\u{feff}month,district,metric,value\n2024-06,ALL,hv_wte,18\n",
    )
    .expect("written");
    let err = assert_exit(
        &caseload(
            d,
            &[
                "calibrate",
                "tiny.ron",
                "--observed",
                "good.csv",
                "--holdout",
                "bad.csv",
                "--out",
                "fit",
            ],
        ),
        2,
    );
    assert!(
        err.contains("bad.csv:1:23: header: unknown column \"amount\""),
        "{err}"
    );
    assert!(!d.join("fit").exists(), "nothing written");
    let (plain, _) = workspace(&leaving(0.2));
    std::fs::write(
        plain.path().join("obs.csv"),
        "month,district,metric,value\n2024-06,ALL,hv_wte,18\n",
    )
    .expect("written");
    let err = assert_exit(
        &caseload(
            plain.path(),
            &["calibrate", "tiny.ron", "--observed", "obs.csv"],
        ),
        2,
    );
    assert!(err.contains("no `uncertain` section"), "{err}");
}

#[test]
fn a_known_leaving_rate_is_recovered_the_same_on_any_thread_count() {
    // The truth: 20% a year. Observed: the mean health-visitor WTE of 20 runs at it, mid-year and
    // at the year's end.
    let truth = run_scenario(&leaving(0.2), 20, 11, None);
    let (june, december) = (
        mean(&truth, 5, "ALL", "hv_wte"),
        mean(&truth, 11, "ALL", "hv_wte"),
    );
    let (dir, _) = workspace(&with_prior());
    let d = dir.path();
    std::fs::write(
        d.join("obs.csv"),
        format!("month,district,metric,value\n2024-06,ALL,hv_wte,{june}\n2024-12,ALL,hv_wte,{december}\n"),
    )
    .expect("written");
    // Held out: the mean WTE in September, checked against the fit but not fitted.
    let september = mean(&truth, 8, "ALL", "hv_wte");
    std::fs::write(
        d.join("held.csv"),
        format!("month,district,metric,value,source\n2024-09,ALL,hv_wte,{september},truth\n"),
    )
    .expect("written");
    let fit = |threads: &str, out: &str| {
        ok(&caseload(
            d,
            &[
                "calibrate",
                "tiny.ron",
                "--observed",
                "obs.csv",
                "--holdout",
                "held.csv",
                "--population",
                "40",
                "--generations",
                "4",
                "--budget",
                "400",
                "--seed",
                "2",
                "--threads",
                threads,
                "--out",
                out,
                "-q",
            ],
        ))
    };
    let said = fit("1", "one");
    fit("2", "two");
    assert!(said.contains("Calibrated tiny to 2 observations"), "{said}");
    for name in ["posterior.csv", "calibration.json", "calibration.html"] {
        assert_eq!(
            read(&d.join("one").join(name)),
            read(&d.join("two").join(name)),
            "{name}"
        );
    }
    assert_eq!(
        file_names(&d.join("one")),
        ["calibration.html", "calibration.json", "posterior.csv"]
            .map(String::from)
            .into()
    );
    // The report says, for each input and observation, what the data did.
    let page = read_text(&d.join("one").join("calibration.html"));
    for wanted in [
        "<code>roles[hv].attrition</code>",
        "Uniform(0, 0.4)",
        "of 2 observations lie inside the 90% range",
        "hv_wte 2024-12 ALL",
        "--observed obs.csv --holdout held.csv --population 40 --generations 4 --budget 400",
        "Held out: not fitted, checked",
        "1 of 1 held-out observations lie inside the posterior predictive 90% range",
    ] {
        assert!(page.contains(wanted), "{wanted} not in the report");
    }
    assert_eq!(page.matches("<svg").count(), 1, "one chart: hv_wte for ALL");
    // The posterior: particles with weights summing to 1, centred near the truth and narrower
    // than the prior (whose 90% interval is 0.02 to 0.38).
    let text = read_text(&d.join("one").join("posterior.csv"));
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("particle,weight,roles[hv].attrition"));
    let particles: Vec<(f64, f64)> = lines
        .map(|l| {
            let f: Vec<f64> = l.split(',').map(|x| x.parse().expect("a number")).collect();
            (f[2], f[1])
        })
        .collect();
    assert_eq!(particles.len(), 40);
    let total: f64 = particles.iter().map(|p| p.1).sum();
    assert!((total - 1.0).abs() < 1e-9, "weights sum to {total}");
    let mean: f64 = particles.iter().map(|(x, w)| x * w).sum();
    assert!((mean - 0.2).abs() < 0.08, "posterior mean {mean}");
    let mut sorted = particles.clone();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let quantile = |q: f64| {
        let mut cumulative = 0.0;
        sorted
            .iter()
            .find(|(_, w)| {
                cumulative += w;
                cumulative >= q
            })
            .map_or(f64::NAN, |p| p.0)
    };
    let (low, high) = (quantile(0.05), quantile(0.95));
    assert!(low <= 0.2 && 0.2 <= high, "90% interval {low}-{high}");
    assert!(
        high - low < 0.3,
        "90% interval {low}-{high}, the prior's 0.36"
    );
    let record: serde_json::Value =
        serde_json::from_str(&read_text(&d.join("one").join("calibration.json"))).expect("JSON");
    assert_eq!(record["paths"][0], "roles[hv].attrition");
    assert!(
        record["simulations"]
            .as_u64()
            .is_some_and(|n| (40..=400).contains(&n))
    );
    assert_eq!(
        record["generations"][0]["tolerance"],
        serde_json::Value::Null
    );
}

#[test]
fn a_calibration_run_as_shards_and_gathered_is_the_unsharded_one() {
    let (dir, _) = workspace(&with_prior());
    let d = dir.path();
    std::fs::write(
        d.join("obs.csv"),
        "month,district,metric,value\n2024-06,ALL,hv_wte,18\n2024-12,ALL,hv_wte,16.2\n",
    )
    .expect("written");
    let with_population = |population: &str, extra: &[&str]| {
        let mut args = vec![
            "calibrate",
            "tiny.ron",
            "--observed",
            "obs.csv",
            "--population",
            population,
            "--generations",
            "3",
            "--budget",
            "300",
            "--seed",
            "4",
            "--check-reps",
            "4",
            "-q",
        ];
        args.extend_from_slice(extra);
        caseload(d, &args)
    };
    let calibrate = |extra: &[&str]| with_population("20", extra);
    ok(&calibrate(&["--out", "whole"]));
    // Gathering before any shard ran: nothing to gather.
    let said = assert_exit(&calibrate(&["--out", "cluster", "--gather"]), 2);
    assert!(
        said.contains("no shard files to gather for generation 0"),
        "{said}"
    );
    let mut batches = 0;
    let mut first_batch_shard = None;
    loop {
        batches += 1;
        assert!(batches < 50, "the gathering never finished");
        // Three shards, one on two threads, as a job array would run them.
        for (k, threads) in [("1/3", "1"), ("2/3", "2"), ("3/3", "1")] {
            ok(&calibrate(&[
                "--out",
                "cluster",
                "--shard",
                k,
                "--threads",
                threads,
            ]));
        }
        let shard_file = d.join("cluster/calibration_shards/2-of-3.json");
        first_batch_shard.get_or_insert_with(|| read(&shard_file));
        let gathered = calibrate(&["--out", "cluster", "--gather"]);
        match gathered.status.code() {
            Some(0) => break,
            Some(3) => {
                let said = crate::binary::stdout(&gathered);
                assert!(
                    said.contains("run the shards again, then --gather"),
                    "{said}"
                );
            }
            _ => panic!("gather failed: {}", assert_exit(&gathered, 3)),
        }
        // The batch's shard files are consumed; the checkpoint is in place.
        assert!(!d.join("cluster/calibration_shards").exists());
        assert!(d.join("cluster/calibration_checkpoint.json").exists());
    }
    assert!(batches > 3, "{batches} batches: more than one a generation");
    for name in ["posterior.csv", "calibration.json", "calibration.html"] {
        assert_eq!(
            read(&d.join("whole").join(name)),
            read(&d.join("cluster").join(name)),
            "{name}"
        );
    }

    // Every way of getting it wrong is refused, exit 2, and changes nothing.
    let checkpoint = read(&d.join("cluster/calibration_checkpoint.json"));
    let said = assert_exit(&calibrate(&["--out", "cluster", "--shard", "1/3"]), 2);
    assert!(said.contains("the calibration has finished"), "{said}");
    // A shard of an earlier batch.
    std::fs::create_dir(d.join("cluster/calibration_shards")).expect("made");
    std::fs::write(
        d.join("cluster/calibration_shards/2-of-3.json"),
        first_batch_shard.expect("a batch ran"),
    )
    .expect("written");
    let said = assert_exit(&calibrate(&["--out", "cluster", "--gather"]), 2);
    assert!(said.contains("the calibration has finished"), "{said}");
    std::fs::remove_dir_all(d.join("cluster/calibration_shards")).expect("removed");
    assert_eq!(
        read(&d.join("cluster/calibration_checkpoint.json")),
        checkpoint
    );

    // A fresh sharded calibration: a shard from other flags, a missing shard, a stale shard, a
    // damaged checkpoint.
    ok(&calibrate(&["--out", "fresh", "--shard", "1/2"]));
    ok(&calibrate(&["--out", "fresh", "--shard", "2/2"]));
    let stale = read(&d.join("fresh/calibration_shards/1-of-2.json"));
    assert_exit(&calibrate(&["--out", "fresh", "--gather"]), 3);
    let said = assert_exit(
        &with_population("30", &["--out", "fresh", "--shard", "1/2"]),
        2,
    );
    assert!(said.contains("--population 20 (not 30)"), "{said}");
    ok(&calibrate(&["--out", "fresh", "--shard", "2/2"]));
    let said = assert_exit(&calibrate(&["--out", "fresh", "--gather"]), 2);
    assert!(said.contains("shards 1 of 2 are missing"), "{said}");
    std::fs::write(d.join("fresh/calibration_shards/1-of-2.json"), stale).expect("written");
    let said = assert_exit(&calibrate(&["--out", "fresh", "--gather"]), 2);
    assert!(
        said.contains("1-of-2.json was simulated from an earlier or another checkpoint"),
        "{said}"
    );
    let fresh = d.join("fresh/calibration_checkpoint.json");
    // A shard of another version of caseload.
    let other = d.join("fresh/calibration_shards/1-of-2.json");
    let current = read_text(&other);
    let version = format!("\"version\":\"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(current.contains(&version), "{current}");
    std::fs::write(&other, current.replace(&version, "\"version\":\"0.0.0\"")).expect("written");
    let said = assert_exit(&calibrate(&["--out", "fresh", "--gather"]), 2);
    assert!(
        said.contains("1-of-2.json was simulated by caseload 0.0.0"),
        "{said}"
    );
    std::fs::write(&other, current).expect("written");
    // The checkpoint lost mid-way (removed, or a gather cut off while replacing it): the shards of
    // the search under way are not silently thrown away by starting afresh.
    let kept = read(&fresh);
    std::fs::remove_file(&fresh).expect("removed");
    let said = assert_exit(&calibrate(&["--out", "fresh", "--shard", "1/2"]), 2);
    assert!(
        said.contains("calibration_checkpoint.json is missing, but"),
        "{said}"
    );
    std::fs::write(&fresh, kept).expect("written");
    let text = read_text(&fresh);
    std::fs::write(
        &fresh,
        text.replacen("\"population\": 20", "\"population\": \"x\"", 1),
    )
    .expect("written");
    let said = assert_exit(&calibrate(&["--out", "fresh", "--gather"]), 2);
    assert!(said.contains("calibration_checkpoint.json:"), "{said}");
    assert!(
        said.contains("not a calibration checkpoint or shard"),
        "{said}"
    );
}

/// A posterior.csv for `leaving(0.2)`: leaving 10% (weight 3) or 30% (weight 1); a particle of no
/// weight at 90% is never drawn.
const POSTERIOR: &str = "particle,weight,roles[hv].attrition\n0,3,0.1\n1,1,0.3\n2,0,0.9\n";

#[test]
fn forecasts_draw_their_inputs_from_a_posterior_the_same_however_they_are_run() {
    // The scenario has no `uncertain` section: the posterior alone makes the leaving rate uncertain.
    let (dir, _) = workspace(&leaving(0.2));
    let d = dir.path();
    std::fs::write(d.join("posterior.csv"), POSTERIOR).expect("written");
    let run = |extra: &[&str]| {
        let mut line = vec!["run", "tiny.ron", "-q", "--reps", "40", "--seed", "4"];
        line.extend_from_slice(extra);
        line.push("--posterior");
        line.push("posterior.csv");
        ok(&caseload(d, &line));
    };
    run(&["--out", "full", "--threads", "1"]);
    run(&["--out", "again", "--threads", "2"]);
    run(&["--out", "shards/1", "--shard", "1/2"]);
    run(&["--out", "shards/2", "--shard", "2/2"]);
    ok(&caseload(
        d,
        &["merge", "shards/2", "shards/1", "--out", "merged"],
    ));
    for other in ["again", "merged"] {
        for name in ["results.csv", "summary.csv", "parameters.csv"] {
            assert_eq!(
                read(&d.join("full").join(name)),
                read(&d.join(other).join(name)),
                "{other}/{name}"
            );
        }
    }
    // Every draw is a particle with weight, about three in four of them 10%.
    let draws = read_text(&d.join("full/parameters.csv"));
    let values: Vec<f64> = draws
        .lines()
        .skip(1)
        .map(|row| {
            row.rsplit(',')
                .next()
                .expect("a cell")
                .parse()
                .expect("a number")
        })
        .collect();
    assert_eq!(values.len(), 40);
    assert!(values.iter().all(|&x| x == 0.1 || x == 0.3), "{draws}");
    let low = values.iter().filter(|&&x| x == 0.1).count();
    assert!(
        (22..=38).contains(&low),
        "{low} of 40 at 10% (expected about 30)"
    );
    let record: serde_json::Value =
        serde_json::from_str(&read_text(&d.join("full/run.json"))).expect("JSON");
    assert_eq!(record["posterior"]["file"], "posterior.csv");
    assert_eq!(
        record["posterior"]["sha256"],
        crate::binary::sha256_hex(POSTERIOR.as_bytes())
    );
    let merged: serde_json::Value =
        serde_json::from_str(&read_text(&d.join("merged/run.json"))).expect("JSON");
    assert_eq!(merged["posterior"], record["posterior"]);
}

#[test]
fn a_posterior_that_does_not_fit_the_scenario_is_refused_by_name() {
    let (dir, _) = workspace(&leaving(0.2));
    let d = dir.path();
    let refused = |posterior: &str, command: &[&str]| {
        std::fs::write(d.join("p.csv"), posterior).expect("written");
        let mut line = command.to_vec();
        line.extend(["-q", "--reps", "2", "--out", "out", "--posterior", "p.csv"]);
        assert_exit(&caseload(d, &line), 2)
    };
    let run = ["run", "tiny.ron"];
    let err = refused("particle,weight,roles[nn].attrition\n0,1,0.1\n", &run);
    assert!(
        err.contains("--posterior p.csv: lever roles[nn].attrition is not in the scenario"),
        "{err}"
    );
    let err = refused("particle,weight,roles[hv].attrition\n0,1,zero\n", &run);
    assert!(
        err.contains("p.csv:2: roles[hv].attrition: expected a number, found \"zero\""),
        "{err}"
    );
    let err = refused("particle,weight,roles[hv].attrition\n0,1,1.5\n", &run);
    assert!(
        err.contains("--posterior p.csv: lever roles[hv].attrition=1.5: the scenario is not valid"),
        "{err}"
    );
    let err = refused(
        "particle,weight,roles[hv].attrition\n0,1,0.1\n",
        &["sweep", "tiny.ron", "--vary", "roles[hv].attrition=0.1,0.2"],
    );
    assert!(
        err.contains("roles[hv].attrition is varied and also drawn from the posterior"),
        "{err}"
    );
    assert!(!d.join("out").exists(), "nothing written");
}

#[test]
fn the_shipped_calibration_examples_load_and_the_birmingham_posterior_applies() {
    let dir = crate::common::scenarios_dir();
    for (prior, observed, held) in [
        (
            "birmingham_calibration_prior.ron",
            "observed/birmingham_2019_2021.csv",
            None,
        ),
        (
            "scotland_calibration_prior.ron",
            "observed/scotland_2014_2016.csv",
            Some("observed/scotland_2017_2018.csv"),
        ),
        // docs/guide.md's recovery check.
        (
            "../docs/assets/calibration/recovery/prior.ron",
            "../docs/assets/calibration/recovery/observed.csv",
            None,
        ),
    ] {
        let loaded = caseload::load::load_file(&dir.join(prior)).unwrap_or_else(|e| panic!("{e}"));
        let text = read_text(&dir.join(observed));
        let calibration = caseload::calibration::Calibration::new(&loaded, observed, &text)
            .unwrap_or_else(|e| panic!("{prior}: {e}"));
        // Every row says where it comes from.
        assert!(
            calibration
                .observed()
                .rows
                .iter()
                .all(|r| r.source.is_some()),
            "{observed}"
        );
        if let Some(held) = held {
            let rows = calibration
                .holdout(held, &read_text(&dir.join(held)))
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(rows.rows.iter().all(|r| r.source.is_some()), "{held}");
        }
    }
    // The fitted posterior in docs/ draws the recruitment plan's inputs, as `run --posterior` does.
    let file = dir.join("../docs/assets/calibration/birmingham/posterior.csv");
    let posterior = caseload::calibration::Posterior::parse("posterior.csv", &read_text(&file))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(posterior.paths.len(), 6);
    let plan = caseload::load::load_file(&dir.join("birmingham_recruitment_plan.ron"))
        .unwrap_or_else(|e| panic!("{e}"));
    let replications = caseload::replicate::Replications::of_with(&plan, Some(&posterior))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(replications.uncertain_paths(), posterior.paths);
}
