//! Accounting identities and bounds that hold in every month of every run: nothing appears or
//! vanishes unaccounted.

use caseload::results::Results;
use caseload::scenario::Scenario;
use proptest::prelude::*;

use crate::common::{baseline, map, run_scenario, tiny, value};

/// Checks every identity and bound for every replication, month and district (and the city).
fn check(results: &Results, s: &Scenario) {
    let levels: Vec<&str> = s.need_levels.iter().map(|l| l.id.as_str()).collect();
    let reviews: Vec<&str> = s.reviews.iter().map(|r| r.id.as_str()).collect();
    for rep in 0..results.replications() {
        for district in &results.districts {
            let mut previous_children = None;
            for m in 0..results.months.len() {
                let v = |metric: &str| value(results, rep, m, district, metric);
                let label = format!("rep {rep} {district} {}", results.months[m]);
                // The caseload ledger.
                let expected = v("children_opening") + v("births") + v("arrivals") + v("moved_in")
                    - v("moved_out")
                    - v("left_city")
                    - v("aged_out");
                assert_eq!(v("children"), expected, "ledger, {label}");
                if let Some(previous) = previous_children {
                    assert_eq!(
                        v("children_opening"),
                        previous,
                        "opening = last close, {label}"
                    );
                }
                previous_children = Some(v("children"));
                // Levels partition the caseload.
                let by_level: f64 = levels.iter().map(|l| v(&format!("children:{l}"))).sum();
                assert_eq!(by_level, v("children"), "levels, {label}");
                // Reviews: every child due has exactly one outcome; compliance is a share.
                for r in &reviews {
                    let due = v(&format!("review_due:{r}"));
                    let outcomes: f64 = ["on_time", "late", "missed", "pending"]
                        .iter()
                        .map(|o| v(&format!("review_{o}:{r}")))
                        .sum();
                    assert_eq!(due, outcomes, "review outcomes {r}, {label}");
                    let c = v(&format!("compliance:{r}"));
                    if due > 0.0 {
                        assert!((0.0..=1.0).contains(&c), "compliance {c} {r}, {label}");
                    } else {
                        assert!(c.is_nan(), "compliance undefined without due, {label}");
                    }
                }
                for l in &levels {
                    let needed = v(&format!("contacts_needed:{l}"));
                    let delivered = v(&format!("contacts_delivered:{l}"));
                    assert!(delivered <= needed, "contacts {l}, {label}");
                }
                assert!(
                    v("hours_used") <= v("hours_available") + 1e-6,
                    "hours, {label}"
                );
                assert!(v("unmet_hours") >= 0.0);
            }
        }
        // Moves between districts cancel out in the city.
        for m in 0..results.months.len() {
            let v = |metric: &str| value(results, rep, m, "ALL", metric);
            assert_eq!(v("moved_in"), v("moved_out"));
        }
    }
}

#[test]
fn baseline_keeps_its_books() {
    let mut s = baseline();
    s.calendar.months = 24;
    s.calendar
        .bank_holidays
        .retain(|d| d.as_str() < "2021-01-01");
    let results = run_scenario(&s, 2, 3, None);
    check(&results, &s);
}

#[test]
fn two_districts_with_migration_keep_their_books() {
    let mut s = tiny();
    let mut south = s.districts[0].clone();
    south.id = "south".into();
    south.name = "South".into();
    s.districts[0].migration.moves = map(&[("south", 0.2)]);
    s.districts[0].migration.leave_rate = 0.1;
    south.migration.arrivals_per_year = 300.0;
    south.migration.moves = map(&[("north", 0.3)]);
    s.districts.push(south);
    s.calendar.months = 24;
    let results = run_scenario(&s, 2, 4, None);
    check(&results, &s);
    let months = 0..results.months.len();
    let moved: f64 = months
        .map(|m| value(&results, 0, m, "north", "moved_out"))
        .sum();
    assert!(moved > 500.0, "moves happened: {moved}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// Random staffing, uptake, migration and policy: the books always balance.
    #[test]
    fn random_scenarios_keep_their_books(
        wte in 0.0f64..6.0,
        uptake in 0.0f64..=1.0,
        leave in 0.0f64..0.5,
        arrivals in 0.0f64..500.0,
        births in 0.0f64..2000.0,
        deadline_first in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let mut s = tiny();
        s.calendar.months = 13;
        s.reviews[0].uptake = uptake;
        s.districts[0].staff = map(&[("hv", wte)]);
        s.districts[0].births_per_year = births;
        s.districts[0].migration.leave_rate = leave;
        s.districts[0].migration.arrivals_per_year = arrivals;
        if deadline_first {
            s.allocation = caseload::scenario::AllocationPolicy::DeadlineFirst;
        }
        let results = run_scenario(&s, 1, seed, None);
        check(&results, &s);
    }
}
