//! Scale: the generated national scenario (shipped copy, totals, bad input), the engine's event
//! count, and the run flags benchmarks use (`--summary-only`, `--stats`). Nothing here runs the
//! national scenario: that is a benchmark (`scripts/bench.sh`), not a test.

use std::sync::Arc;

use caseload::engine::{self, Replication, Stats};
use caseload::load;
use caseload::metrics::Metrics;
use caseload::national::{self, NationalError};
use caseload::replicate::{Replications, RunOptions};
use caseload::scenario::{Scenario, reference};
use caseload::validate::validate;

use crate::binary::{assert_exit, caseload, ok, read_text, stderr, workspace};
use crate::common::{baseline, scenarios_dir, tiny};

fn hv_wte(s: &Scenario) -> f64 {
    s.districts.iter().map(|d| d.staff["health_visitor"]).sum()
}

fn children(s: &Scenario) -> u64 {
    s.districts
        .iter()
        .flat_map(|d| d.children_by_age.iter())
        .map(|&n| u64::from(n))
        .sum()
}

#[test]
fn the_shipped_national_scenario_is_exactly_what_the_generator_writes() {
    let path = scenarios_dir().join("national_generated.ron");
    let shipped = std::fs::read_to_string(&path).expect("scenarios/national_generated.ron");
    let generated = national::ron(national::AREAS).expect("the generator runs");
    assert!(
        shipped == generated,
        "scenarios/national_generated.ron has drifted from the generator: regenerate it with \
         `caseload generate national --out scenarios/national_generated.ron`"
    );
    let loaded = load::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.model.districts.len(), 150);
    assert!(shipped.starts_with("// National scale (synthetic)"));
    assert!(
        shipped.contains("[est]"),
        "the header marks the numbers as estimates"
    );
}

#[test]
fn the_national_scenario_has_englands_totals_spread_over_varied_areas() {
    let base = baseline();
    let s = national::generate(&base, 150).expect("150 areas");
    assert_eq!(s.districts.len(), 150);
    assert_eq!(children(&s), 3_200_000);
    assert!((hv_wte(&s) - 7_000.0).abs() < 0.01, "{}", hv_wte(&s));
    let sizes: Vec<u64> = s
        .districts
        .iter()
        .map(|d| d.children_by_age.iter().map(|&n| u64::from(n)).sum())
        .collect();
    let (small, large) = (sizes.iter().min().copied(), sizes.iter().max().copied());
    let (small, large) = (small.expect("areas"), large.expect("areas"));
    // England's upper-tier authorities run from a few thousand under-fives to Kent's ~90,000.
    assert!((1_000..=5_000).contains(&small), "smallest {small}");
    assert!((50_000..=100_000).contains(&large), "largest {large}");
    for d in &s.districts {
        let n: u64 = d.children_by_age.iter().map(|&n| u64::from(n)).sum();
        let caseload = n as f64 / d.staff["health_visitor"];
        assert!((250.0..=800.0).contains(&caseload), "{}: {caseload}", d.id);
        let mix: f64 = d.need_mix.values().sum();
        assert!((mix - 1.0).abs() < 1e-9, "{}: need mix sums to {mix}", d.id);
        assert_eq!(d.migration.moves.len(), 2, "{}: two neighbours", d.id);
    }
    // The rest is the baseline's.
    assert_eq!(s.reviews, base.reviews);
    assert_eq!(s.need_levels, base.need_levels);
    // The baseline's roles, with staff held in post.
    for (role, base) in s.roles.iter().zip(&base.roles) {
        assert_eq!(
            (role.attrition, role.recruitment.is_none()),
            (0.0, true),
            "{}",
            role.id
        );
        assert!(role.retirement.is_empty(), "{}", role.id);
        assert_eq!(
            (&role.id, role.contact_share, role.annual_cost),
            (&base.id, base.contact_share, base.annual_cost)
        );
    }
    assert_eq!(s.calendar, base.calendar);
    assert_eq!(s.delivery, base.delivery);
    assert!(s.volunteers.is_none() && s.budget.is_none() && s.pipelines.is_empty());
    validate(&s).unwrap_or_else(|p| panic!("{p:?}"));
}

#[test]
fn the_generator_is_deterministic_and_keeps_the_totals_for_any_number_of_areas() {
    let base = baseline();
    assert_eq!(
        national::generate(&base, 150).expect("150"),
        national::generate(&base, 150).expect("150 again")
    );
    for areas in [1, 2, 40] {
        let s = national::generate(&base, areas).expect("areas");
        assert_eq!(s.districts.len(), areas);
        assert_eq!(children(&s), 3_200_000, "{areas} areas");
        assert!((hv_wte(&s) - 7_000.0).abs() < 0.01, "{areas} areas");
        validate(&s).unwrap_or_else(|p| panic!("{areas} areas: {p:?}"));
    }
}

#[test]
fn the_generator_refuses_a_number_of_areas_a_scenario_cannot_hold() {
    let base = baseline();
    for areas in [0, 2_001] {
        let e = national::generate(&base, areas).expect_err("out of range");
        assert!(matches!(e, NationalError::Areas(n) if n == areas), "{e}");
        assert!(e.to_string().contains("1 to 2000"), "{e}");
    }
    let mut no_hv = base.clone();
    for role in &mut no_hv.roles {
        role.health_visitor = false;
    }
    let e = national::generate(&no_hv, 10).expect_err("no health visitors");
    assert!(e.to_string().contains("health-visitor role"), "{e}");
}

#[test]
fn generate_writes_the_scenario_whole_and_refuses_bad_flags() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = caseload(
        dir.path(),
        &["generate", "national", "--areas", "3", "--out", "sub/n.ron"],
    );
    ok(&out);
    let written = read_text(&dir.path().join("sub/n.ron"));
    assert_eq!(written, national::ron(3).expect("3 areas"));
    let entries: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
        .expect("sub/")
        .filter_map(|e| e.ok())
        .collect();
    assert_eq!(entries.len(), 1, "no temporary files left beside it");

    for args in [
        &["generate", "national", "--areas", "0"][..],
        &["generate", "national", "--areas", "2001"],
        &["generate", "national", "--out", "sub"],
        &["generate", "provincial"],
    ] {
        assert_exit(&caseload(dir.path(), args), 2);
    }
    let out = caseload(dir.path(), &["generate", "national", "--out", "sub"]);
    assert!(stderr(&out).contains("is a folder"), "{out:?}");
    // Nothing was written over.
    assert_eq!(read_text(&dir.path().join("sub/n.ron")), written);
}

#[test]
fn generate_reference_prints_or_writes_the_field_reference() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let printed = caseload(dir.path(), &["generate", "reference"]);
    ok(&printed);
    let text = String::from_utf8(printed.stdout).expect("UTF-8");
    assert_eq!(text, reference::markdown());
    // Every top-level field of a scenario is in the first table.
    for field in ["name", "calendar", "districts", "delivery", "uncertain"] {
        assert!(text.contains(&format!("| `{field}` |")), "{field}");
    }

    let out = caseload(dir.path(), &["generate", "reference", "--out", "ref.md"]);
    ok(&out);
    assert_eq!(read_text(&dir.path().join("ref.md")), text);
    let out = caseload(dir.path(), &["generate", "reference", "--out", "."]);
    assert_exit(&out, 2);
    assert_eq!(
        read_text(&dir.path().join("ref.md")),
        text,
        "nothing written over"
    );
}

/// A service with no children, births or arrivals: the only events are the ones a test adds.
fn empty() -> Scenario {
    let mut s = tiny();
    s.districts[0].children_by_age = vec![0; 5];
    s.districts[0].births_per_year = 0.0;
    s
}

#[test]
fn the_engine_counts_each_event_it_processes() {
    let model = Arc::new(validate(&empty()).expect("valid"));
    let metrics = Arc::new(Metrics::new(&model));
    let (_, stats) = engine::simulate(&model, &metrics, 1, 0);
    assert_eq!(stats, Stats { events: 0 });

    let mut rep = Replication::new(&model, &metrics, 1, 0);
    // Born about 2.7 years before the start: its new birth visit is long past, so its only
    // event is leaving, on its fifth birthday inside the run.
    rep.add_child(0, 0, -1000);
    // Due on day 5: born (day 5), new birth window opens (day 15); its fifth birthday falls after
    // the run, so leaving is never processed.
    rep.add_child(0, 0, 5);
    let (_, stats) = rep.finish_with_stats();
    assert_eq!(stats.events, 3);
}

#[test]
fn a_runs_event_count_is_the_sum_of_its_replications_whatever_the_threads() {
    let model = Arc::new(validate(&tiny()).expect("valid"));
    let metrics = Arc::new(Metrics::new(&model));
    let each: u64 = (0..3)
        .map(|i| engine::simulate(&model, &metrics, 7, i).1.events)
        .sum();
    assert!(each > 0);
    for threads in [1, 2] {
        let options = RunOptions {
            replications: 3,
            seed: 7,
            threads: std::num::NonZeroUsize::new(threads),
        };
        let run = Replications::from(Arc::clone(&model))
            .run(&options, &|| {})
            .expect("thread pool");
        assert_eq!(run.stats.events, each, "{threads} threads");
    }
}

#[test]
fn summary_only_leaves_out_results_csv_and_stats_go_to_stderr() {
    let (dir, _) = workspace(&tiny());
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec!["run", "tiny.ron", "--reps", "2", "-q", "--out", out];
        args.extend_from_slice(extra);
        caseload(dir.path(), &args)
    };
    let full = run("full", &[]);
    ok(&full);
    let short = run("short", &["--summary-only", "--stats"]);
    ok(&short);
    assert!(!dir.path().join("short/results.csv").exists());
    let read = |p: &str| std::fs::read(dir.path().join(p)).expect(p);
    assert_eq!(read("short/summary.csv"), read("full/summary.csv"));
    assert!(dir.path().join("short/run.json").exists());
    assert!(full.stderr.is_empty(), "no stats unless asked");
    let stderr = stderr(&short);
    let model = Arc::new(validate(&tiny()).expect("valid"));
    let options = RunOptions {
        replications: 2,
        seed: 1,
        threads: None,
    };
    let stats = Replications::from(model)
        .run(&options, &|| {})
        .expect("thread pool")
        .stats;
    assert!(
        stderr.starts_with("stats: 2 replications")
            && stderr.contains(&format!(" {} events, ", stats.events))
            && stderr.contains("peak memory"),
        "{stderr}"
    );
    let shard = run("x", &["--summary-only", "--shard", "1/2"]);
    assert_exit(&shard, 2);
}
