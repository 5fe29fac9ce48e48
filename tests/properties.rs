//! Properties of every run of random valid scenarios with every section (pipelines, volunteers,
//! budgets, mutual aid, skill mix, uncertain values): the books balance, compliance is a share,
//! results do not depend on the thread count, and a run split into shards, written and read back
//! is the unsplit run, bit for bit.

use std::num::NonZeroUsize;
use std::sync::Arc;

use caseload::load::{self, Loaded};
use caseload::output;
use caseload::replicate::{Replications, RunOptions, Shard};
use caseload::results::Results;
use caseload::scenario::{Reported, Scenario};
use proptest::prelude::*;

use crate::common::value;
use crate::fuzz_gen::{self, Gen, Mode, Size};

/// Generated scenarios tried for one that loads before [`valid`] gives up.
const TRIES: u32 = 1_000;

/// The first scenario from seed `seed` on that loads (and has no uncertain values unless
/// `uncertain`); panics, naming the seed, if none of [`TRIES`] does.
fn valid(seed: u64, uncertain: bool) -> Loaded {
    let mut g = Gen::new(seed);
    for _ in 0..TRIES {
        let s = fuzz_gen::scenario(&mut g, Mode::Valid, Size::SMALL);
        if s.uncertain.is_empty() == uncertain {
            continue;
        }
        let text = load::to_ron(&s).expect("a scenario prints");
        if let Ok(loaded) = load::load_str("property.ron", &text) {
            return loaded;
        }
    }
    panic!("none of {TRIES} scenarios generated from seed {seed} loads (uncertain: {uncertain})");
}

fn threads(n: usize) -> Option<NonZeroUsize> {
    NonZeroUsize::new(n)
}

fn run_loaded(loaded: &Loaded, reps: u32, seed: u64, threads: Option<NonZeroUsize>) -> Results {
    let options = RunOptions {
        replications: reps,
        seed,
        threads,
    };
    certain(loaded)
        .run(&options, &|| {})
        .expect("a thread pool")
        .results
}

/// The replications of a scenario without uncertain values.
fn certain(loaded: &Loaded) -> Replications {
    Replications::from(Arc::new(loaded.model.clone()))
}

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-6 * want.abs().max(1.0),
        "{what}: {got}, expected {want}"
    );
}

/// Every accounting identity and bound, for every replication, month and district.
fn check_books(r: &Results, s: &Scenario) {
    let levels: Vec<&str> = s.need_levels.iter().map(|l| l.id.as_str()).collect();
    let reviews: Vec<&str> = s.reviews.iter().map(|r| r.id.as_str()).collect();
    let hv: Vec<&str> = s
        .roles
        .iter()
        .filter(|r| r.health_visitor)
        .map(|r| r.id.as_str())
        .collect();
    for rep in 0..r.replications() {
        for district in &s.districts {
            let id = district.id.as_str();
            let mut opening = None;
            let mut wte_before: Vec<f64> = s
                .roles
                .iter()
                .map(|role| district.staff.get(&role.id).copied().unwrap_or(0.0))
                .collect();
            for m in 0..r.months.len() {
                let v = |metric: &str| value(r, rep, m, id, metric);
                let at = format!("rep {rep} {id} month {m}");
                // Children in = opening + births + arrivals + moves in; out = moves out, leaving
                // the city, ageing out.
                let ledger = v("children_opening") + v("births") + v("arrivals") + v("moved_in")
                    - v("moved_out")
                    - v("left_city")
                    - v("aged_out");
                assert_eq!(v("children"), ledger, "children ledger, {at}");
                if m == 0 {
                    let placed: u32 = district.children_by_age.iter().sum();
                    assert!(v("children_opening") <= f64::from(placed), "opening, {at}");
                }
                if let Some(previous) = opening {
                    assert_eq!(
                        v("children_opening"),
                        previous,
                        "opening = last close, {at}"
                    );
                }
                opening = Some(v("children"));
                let by_level: f64 = levels.iter().map(|l| v(&format!("children:{l}"))).sum();
                assert_eq!(by_level, v("children"), "levels partition children, {at}");
                for (rv, review) in reviews.iter().zip(&s.reviews) {
                    let due = v(&format!("review_due:{rv}"));
                    let outcomes: f64 = ["on_time", "late", "missed", "pending"]
                        .iter()
                        .map(|o| v(&format!("review_{o}:{rv}")))
                        .sum();
                    assert_eq!(due, outcomes, "review {rv} outcomes, {at}");
                    // Counted again at the last chance: on time <= done <= due.
                    let at_last = |what: &str| v(&format!("review_{what}_at_last_chance:{rv}"));
                    let counted_again =
                        review.reported == Reported::LastChance || review.coverage.is_some();
                    if counted_again {
                        assert!(
                            at_last("on_time") <= at_last("done"),
                            "{rv} at last chance, {at}"
                        );
                        assert!(
                            at_last("done") <= at_last("due"),
                            "{rv} at last chance, {at}"
                        );
                    }
                    let due = if review.reported == Reported::LastChance {
                        at_last("due")
                    } else {
                        due
                    };
                    let c = v(&format!("compliance:{rv}"));
                    if due > 0.0 {
                        assert!((0.0..=1.0).contains(&c), "compliance {c} of {rv}, {at}");
                    } else {
                        assert!(c.is_nan(), "compliance of {rv} without due, {at}");
                    }
                }
                for l in &levels {
                    let needed = v(&format!("contacts_needed:{l}"));
                    assert!(
                        v(&format!("contacts_delivered:{l}")) <= needed,
                        "contacts {l}, {at}"
                    );
                }
                assert!(
                    v("hours_used") <= v("hours_available") + 1e-6,
                    "hours, {at}"
                );
                assert!(v("unmet_hours") >= 0.0, "unmet hours, {at}");
                assert!(
                    v("spend") >= 0.0 && v("volunteers") >= 0.0,
                    "spend, volunteers, {at}"
                );
                // Staff: WTE = last month's + starters - leavers; vacancies follow.
                for (k, role) in s.roles.iter().enumerate() {
                    let w = |stem: &str| v(&format!("{stem}:{}", role.id));
                    let what = format!("{} ledger, {at}", role.id);
                    close(
                        w("wte"),
                        wte_before[k] + w("starters") - w("leavers"),
                        &what,
                    );
                    close(
                        w("vacancies"),
                        (w("establishment") - w("wte")).max(0.0),
                        &what,
                    );
                    wte_before[k] = w("wte");
                }
                let hv_wte: f64 = hv.iter().map(|h| v(&format!("wte:{h}"))).sum();
                close(v("hv_wte"), hv_wte, &format!("hv_wte, {at}"));
            }
        }
        // The city is the sum of its districts; moves within it cancel out.
        for m in 0..r.months.len() {
            let city = |metric: &str| value(r, rep, m, "ALL", metric);
            for metric in [
                "children",
                "births",
                "arrivals",
                "left_city",
                "aged_out",
                "spend",
            ] {
                let sum: f64 = s
                    .districts
                    .iter()
                    .map(|d| value(r, rep, m, &d.id, metric))
                    .sum();
                close(
                    city(metric),
                    sum,
                    &format!("city {metric}, rep {rep} month {m}"),
                );
            }
            assert_eq!(
                city("moved_in"),
                city("moved_out"),
                "city moves, rep {rep} month {m}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Random scenarios with every section keep their books: children, review outcomes, hours and
    /// staff WTE are all accounted for, and compliance is a share.
    #[test]
    fn random_scenarios_keep_their_books(scenario in any::<u64>(), seed in any::<u64>()) {
        let loaded = valid(scenario, false);
        let r = run_loaded(&loaded, 2, seed, None);
        check_books(&r, &loaded.scenario);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// The same scenario and seed give the same bits on one, two or three threads.
    #[test]
    fn random_scenarios_do_not_depend_on_the_thread_count(scenario in any::<u64>(), seed in any::<u64>()) {
        let loaded = valid(scenario, false);
        let one = run_loaded(&loaded, 4, seed, threads(1));
        prop_assert_eq!(&one, &run_loaded(&loaded, 4, seed, threads(2)));
        prop_assert_eq!(&one, &run_loaded(&loaded, 4, seed, threads(3)));
    }

    /// Uncertain values are drawn per replication: the same bits whatever the thread count, and
    /// the books still balance with each replication's draws.
    #[test]
    fn uncertain_draws_do_not_depend_on_the_thread_count(scenario in any::<u64>(), seed in any::<u64>()) {
        let loaded = valid(scenario, true);
        // Valid as written but not at both ends of a range: refused before any run. Proptest
        // counts these rejections and fails the test if too many cases are rejected.
        let prepared = match Replications::of(&loaded) {
            Ok(Replications::Uncertain(u)) => Some(u),
            _ => None,
        };
        prop_assume!(prepared.is_some());
        let prepared = prepared.expect("assumed above");
        let run = |n| Replications::Uncertain(prepared.clone())
            .run_indices(&[0, 1, 2], seed, threads(n), &|| {})
            .expect("runs");
        let (one, two) = (run(1), run(2));
        prop_assert_eq!(&one.results, &two.results);
        prop_assert_eq!(&one.draws, &two.draws);
        prop_assert_eq!(one.draws.as_ref().map(Vec::len), Some(3));
        check_books(&one.results, &prepared.base().scenario);
    }

    /// A run split into K shards (`--shard k/K`), each run apart, written as a shard's
    /// results.csv and read back, concatenates to the unsplit run, bit for bit.
    #[test]
    fn shards_written_and_read_back_make_the_whole_run(
        scenario in any::<u64>(),
        seed in any::<u64>(),
        (reps, count) in (1u32..7, 1u32..5),
    ) {
        let loaded = valid(scenario, false);
        let whole = run_loaded(&loaded, reps, seed, None);
        let model = certain(&loaded);
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut parts = Vec::new();
        for k in 1..=count {
            let block = Shard::new(k, count).expect("a shard").replications(reps);
            if block.is_empty() {
                continue;
            }
            let indices: Vec<u64> = block.clone().map(u64::from).collect();
            let part = model.run_indices(&indices, seed, None, &|| {}).expect("runs").results;
            let shard_dir = dir.path().join(format!("shard{k}"));
            output::write_shard(&shard_dir, &part, u64::from(block.start), &[]).expect("written");
            let read = output::read_results(&shard_dir.join("results.csv")).expect("reads back");
            prop_assert_eq!(read.first_replication, u64::from(block.start));
            prop_assert_eq!(&read.results, &part);
            parts.push(read.results);
        }
        prop_assert_eq!(Results::concat(parts).expect("the shards fit"), whole);
    }

    /// Any replication numbers, in any order, give the bits those replications have in a full run.
    #[test]
    fn chosen_replications_match_the_full_run(scenario in any::<u64>(), seed in any::<u64>(), picks in proptest::collection::vec(0u64..5, 1..4)) {
        let loaded = valid(scenario, false);
        let whole = run_loaded(&loaded, 5, seed, None);
        let part = certain(&loaded).run_indices(&picks, seed, threads(2), &|| {}).expect("runs").results;
        for (j, &i) in picks.iter().enumerate() {
            for m in 0..whole.months.len() {
                for d in 0..whole.districts.len() {
                    for k in 0..whole.metrics.len() {
                        let (x, y) = (part.value(j, m, d, k), whole.value(i as usize, m, d, k));
                        prop_assert_eq!(x.to_bits(), y.to_bits());
                    }
                }
            }
        }
    }
}
