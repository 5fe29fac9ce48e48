//! Closed-form and hand-worked answers the engine must reproduce.

use std::sync::Arc;

use caseload::engine::Replication;
use caseload::metrics::Metrics;
use caseload::results::Results;
use caseload::scenario::{AllocationPolicy, LeaveAt, Offset, Review, Scenario};
use caseload::validate::validate;

use crate::common::{map, mean, run_scenario, tiny, total, value};

#[test]
fn steady_state_population_is_births_per_year_times_years_in_service() {
    // 1,000 births a year, leaving at the fifth birthday, no migration: after five years the
    // caseload holds the last five years' births, 5,000 on average (Poisson, sd ~71 a run).
    let results = run_scenario(&tiny(), 20, 11, None);
    let last = results.months.len() - 1;
    let children = mean(&results, last, "ALL", "children");
    // Standard error of the mean of 20 runs ~16; allow four of them.
    assert!(
        (children - 5000.0).abs() < 64.0,
        "mean caseload {children}, expected 5000"
    );
}

#[test]
fn leaving_at_school_entry_keeps_children_four_and_a_half_years_on_average() {
    // Birthdays spread evenly over the year: time from birth to the first 1 September after the
    // fourth birthday averages 4.5 years, so 1,000 births a year hold 4,500 children.
    let mut s = tiny();
    s.population.leave_at = LeaveAt::SchoolEntry { month: 9, day: 1 };
    s.calendar.months = 72;
    let results = run_scenario(&s, 20, 12, None);
    // Average over the last two years to smooth the September steps (the caseload falls by a
    // whole cohort each September and refills through the year: mean over a year is 4,500).
    let months = results.months.len();
    let mean: f64 = (months - 24..months)
        .map(|m| mean(&results, m, "ALL", "children"))
        .sum::<f64>()
        / 24.0;
    assert!(
        (mean - 4500.0).abs() < 60.0,
        "mean caseload {mean}, expected 4500"
    );
}

#[test]
fn need_mix_converges_to_the_stationary_distribution() {
    // P = [[0.9, 0.1, 0], [0.2, 0.7, 0.1], [0, 0.3, 0.7]] has stationary distribution (0.6, 0.3, 0.1).
    let mut s = tiny();
    let mut levels = Vec::new();
    for (id, row) in [
        ("low", [("low", 0.9), ("mid", 0.1), ("high", 0.0)]),
        ("mid", [("low", 0.2), ("mid", 0.7), ("high", 0.1)]),
        ("high", [("low", 0.0), ("mid", 0.3), ("high", 0.7)]),
    ] {
        let mut level = s.need_levels[0].clone();
        level.id = id.into();
        level.transitions = map(&row);
        levels.push(level);
    }
    s.need_levels = levels;
    // Everyone starts at the top level; nobody is born or leaves for two years.
    s.districts[0].need_mix = map(&[("high", 1.0)]);
    s.districts[0].children_by_age = vec![20_000];
    s.districts[0].births_per_year = 0.0;
    s.calendar.months = 24;
    let results = run_scenario(&s, 1, 13, None);
    let last = results.months.len() - 1;
    let children = value(&results, 0, last, "ALL", "children");
    assert_eq!(children, 20_000.0);
    for (id, pi) in [("low", 0.6), ("mid", 0.3), ("high", 0.1)] {
        let share = value(&results, 0, last, "ALL", &format!("children:{id}")) / children;
        // Binomial sd of a share of 20,000 is at most 0.0035.
        assert!(
            (share - pi).abs() < 0.015,
            "{id}: share {share}, expected {pi}"
        );
    }
}

/// Compliance pooled over the whole run: total on time / total due.
fn pooled_compliance(results: &Results, rep: usize, review: &str) -> (f64, f64) {
    let months = 0..results.months.len();
    let due = total(
        results,
        rep,
        months.clone(),
        "ALL",
        &format!("review_due:{review}"),
    );
    let on_time = total(
        results,
        rep,
        months,
        "ALL",
        &format!("review_on_time:{review}"),
    );
    (on_time / due, due)
}

#[test]
fn unlimited_capacity_gives_compliance_equal_to_uptake() {
    let mut s = tiny();
    s.reviews[0].uptake = 0.8;
    s.districts[0].staff = map(&[("hv", 100.0)]);
    let results = run_scenario(&s, 1, 14, None);
    let (compliance, due) = pooled_compliance(&results, 0, "new_birth");
    assert!(due > 4500.0, "about 5,000 children due, found {due}");
    // Binomial sd of the uptake share over ~5,000 families is 0.006.
    assert!(
        (compliance - 0.8).abs() < 0.025,
        "compliance {compliance}, expected 0.8"
    );
    let months = 0..results.months.len();
    assert_eq!(
        total(&results, 0, months.clone(), "ALL", "review_late:new_birth"),
        0.0
    );
    // Everything not on time was declined; no staff hours went unmet.
    assert_eq!(total(&results, 0, months, "ALL", "unmet_hours"), 0.0);
}

#[test]
fn offered_share_limits_who_is_due_not_compliance() {
    let mut s = tiny();
    s.reviews[0].offered_share = 0.5;
    s.districts[0].staff = map(&[("hv", 100.0)]);
    let results = run_scenario(&s, 1, 15, None);
    let (compliance, due) = pooled_compliance(&results, 0, "new_birth");
    assert_eq!(compliance, 1.0);
    assert!(
        (due - 2500.0).abs() < 250.0,
        "half of ~5,000 children offered, found {due}"
    );
}

#[test]
fn zero_capacity_gives_zero_compliance() {
    let mut s = tiny();
    s.districts[0].staff = map(&[("hv", 0.0)]);
    let results = run_scenario(&s, 2, 16, None);
    for rep in 0..2 {
        for m in 0..results.months.len() {
            let due = value(&results, rep, m, "ALL", "review_due:new_birth");
            let on_time = value(&results, rep, m, "ALL", "review_on_time:new_birth");
            assert_eq!(on_time, 0.0);
            if due > 0.0 {
                assert_eq!(value(&results, rep, m, "ALL", "compliance:new_birth"), 0.0);
            }
        }
        let months = 0..results.months.len() - 1;
        let due = total(&results, rep, months.clone(), "ALL", "review_due:new_birth");
        let missed = total(&results, rep, months, "ALL", "review_missed:new_birth");
        assert!(due > 4000.0);
        assert_eq!(
            missed, due,
            "every review due before the last month is missed"
        );
    }
}

/// A scenario with nobody in it and 0.4 WTE of health visitor: 0.4 x 37.5 x 0.5 / 5 = 1.5 hours a
/// working day, exactly one 1.5-hour review a day. January 2024 starts on a Monday; 1 January is a
/// bank holiday.
fn empty_one_review_a_day() -> Scenario {
    let mut s = tiny();
    s.calendar.months = 3;
    s.calendar.bank_holidays = vec!["2024-01-01".into()];
    s.districts[0].children_by_age = vec![];
    s.districts[0].births_per_year = 0.0;
    s.districts[0].staff = map(&[("hv", 0.4)]);
    s
}

fn replicate(s: &Scenario, births: &[(usize, i32)]) -> Results {
    let model = Arc::new(validate(s).expect("valid"));
    let metrics = Arc::new(Metrics::new(&model));
    let mut rep = Replication::new(&model, &metrics, 1, 0);
    for &(level, birth) in births {
        rep.add_child(0, level, birth);
    }
    Results::new(&model, &metrics, vec![rep.finish()])
}

#[test]
fn hand_worked_new_birth_visits_with_one_visit_a_day() {
    // Twenty babies born on 1 January (day 0): windows open 11 January, on time to 15 January,
    // last chance 31 January. One visit a working day: 11, 12 and 15 January are on time; the 12
    // working days 16-31 January give late visits; the remaining 5 are missed, found on 1 February.
    let results = replicate(&empty_one_review_a_day(), &[(0, 0); 20]);
    let jan = |metric: &str| value(&results, 0, 0, "north", metric);
    let feb = |metric: &str| value(&results, 0, 1, "north", metric);
    assert_eq!(jan("children"), 20.0);
    assert_eq!(jan("review_due:new_birth"), 20.0);
    assert_eq!(jan("review_on_time:new_birth"), 3.0);
    assert_eq!(jan("review_late:new_birth"), 12.0);
    assert_eq!(jan("review_missed:new_birth"), 5.0);
    assert_eq!(jan("review_pending:new_birth"), 0.0);
    assert_eq!(jan("compliance:new_birth"), 0.15);
    // 22 working days (23 weekdays less New Year's Day) of 1.5 hours.
    assert!((jan("hours_available") - 33.0).abs() < 1e-9);
    assert!((jan("hours_used") - 22.5).abs() < 1e-9);
    assert_eq!(jan("unmet_hours"), 0.0);
    assert!((feb("unmet_hours") - 7.5).abs() < 1e-9);
    assert_eq!(feb("review_due:new_birth"), 0.0);
    assert!((value(&results, 0, 0, "north", "hv_wte") - 0.4).abs() < 1e-12);
    assert!((value(&results, 0, 0, "north", "caseload_per_hv_wte") - 50.0).abs() < 1e-9);
}

fn two_reviews(policy: AllocationPolicy) -> Results {
    // Review "urgent" (priority 1) is on time until day 30 after birth; review "routine" (priority
    // 2) opens at the same time but is on time only until day 14. One review a working day.
    let mut s = empty_one_review_a_day();
    let routine = s.reviews[0].clone();
    let urgent = Review {
        id: "urgent".into(),
        priority: 1,
        on_time: Offset::Days(30),
        last_chance: Offset::Days(30),
        ..routine.clone()
    };
    s.reviews = vec![
        Review {
            id: "routine".into(),
            ..routine
        },
        urgent,
    ];
    s.allocation = policy;
    // Two babies born on 1 January: four reviews open on Thursday 11 January.
    replicate(&s, &[(0, 0), (0, 0)])
}

#[test]
fn risk_first_serves_priority_before_deadline() {
    // Thu 11 and Fri 12: the two urgent reviews; Mon 15: one routine review (on time, the deadline
    // day); Tue 16: the other routine review, late.
    let r = two_reviews(AllocationPolicy::RiskFirst);
    let jan = |metric: &str| value(&r, 0, 0, "north", metric);
    assert_eq!(jan("review_on_time:urgent"), 2.0);
    assert_eq!(jan("review_on_time:routine"), 1.0);
    assert_eq!(jan("review_late:routine"), 1.0);
}

#[test]
fn deadline_first_serves_the_earliest_deadline() {
    // Thu 11, Fri 12: both routine reviews (deadline 15 January); Mon 15, Tue 16: the urgent ones,
    // still on time (deadline 31 January).
    let r = two_reviews(AllocationPolicy::DeadlineFirst);
    let jan = |metric: &str| value(&r, 0, 0, "north", metric);
    assert_eq!(jan("review_on_time:routine"), 2.0);
    assert_eq!(jan("review_on_time:urgent"), 2.0);
    assert_eq!(jan("review_late:routine"), 0.0);
}

#[test]
fn children_leave_at_their_fifth_birthday() {
    // A child born on 15 March 2019 is five on 15 March 2024 (day 74 of 2024): on the caseload at
    // the end of February, gone by the end of March.
    let mut s = empty_one_review_a_day();
    s.calendar.months = 4;
    let results = replicate(&s, &[(0, -1753)]); // 15 March 2019, counted from 1 January 2024
    assert_eq!(value(&results, 0, 1, "north", "children"), 1.0);
    assert_eq!(value(&results, 0, 2, "north", "children"), 0.0);
    assert_eq!(value(&results, 0, 2, "north", "aged_out"), 1.0);
}
