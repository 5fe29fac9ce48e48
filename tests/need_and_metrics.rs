//! Need that fits the child (contacts by age, districts that keep their need mix), the weighted
//! caseload, and reviews counted as OHID counts them, against answers worked by hand.

use caseload::scenario::{Offset, Reported, Scenario};

use crate::common::{district, map, mean, run_scenario, scenario, tiny, value};

/// `got` within `tolerance` of `want`.
fn near(got: f64, want: f64, tolerance: f64, what: &str) {
    assert!(
        (got - want).abs() <= tolerance,
        "{what}: {got}, expected {want} +- {tolerance}"
    );
}

/// `tiny()` whose one level needs a contact a month, delivered by the health visitors.
fn with_contacts() -> Scenario {
    let mut s = tiny();
    let l = &mut s.need_levels[0];
    (l.contacts_per_month, l.contact_hours, l.contact_roles) = (1.0, 0.5, vec!["hv".into()]);
    s
}

#[test]
fn contacts_follow_the_age_of_the_children() {
    // 1,000 children at each age; twice the rate under one, the rate at one, half at two and
    // none from three: 1,000 x (2 + 1 + 0.5) = 3,500 contacts a month in the first month, against
    // 5,000 at the same rate for every age.
    let flat = run_scenario(&with_contacts(), 8, 2, None);
    let mut s = with_contacts();
    s.need_levels[0].contacts_by_age = vec![2.0, 1.0, 0.5, 0.0];
    let aged = run_scenario(&s, 8, 2, None);
    near(
        mean(&flat, 0, "ALL", "contacts_needed:universal"),
        5000.0,
        60.0,
        "flat",
    );
    near(
        mean(&aged, 0, "ALL", "contacts_needed:universal"),
        3500.0,
        60.0,
        "by age",
    );
}

/// Two districts with different mixes, and a city transition matrix whose stationary mix is
/// neither: 50 / 50.
fn two_mixes(keep: bool) -> Scenario {
    let mut s = tiny();
    let mut plus = s.need_levels[0].clone();
    (plus.id, plus.name) = ("plus".into(), "Plus".into());
    plus.transitions = map(&[("universal", 0.1), ("plus", 0.9)]);
    s.need_levels[0].transitions = map(&[("universal", 0.9), ("plus", 0.1)]);
    s.need_levels.push(plus);
    let mut north = district("north", 2000, 2000.0, &[("hv", 2.0)]);
    north.need_mix = map(&[("universal", 0.9), ("plus", 0.1)]);
    let mut south = district("south", 2000, 2000.0, &[("hv", 2.0)]);
    south.need_mix = map(&[("universal", 0.6), ("plus", 0.4)]);
    s.districts = vec![north, south];
    s.population.keep_district_need_mix = keep;
    s
}

#[test]
fn districts_keep_their_own_need_mix_when_asked() {
    // Kept: each district's share at level "plus" stays at its mix. Not kept: a child born at its
    // district's mix m drifts towards the city's 0.5 as 0.5 + (m - 0.5) x 0.8^t after t months,
    // so over the ages of children under five the share is 0.5 + (m - 0.5) x mean(0.8^t).
    let drift = (0..60).map(|t| 0.8f64.powi(t)).sum::<f64>() / 60.0;
    for (keep, north, south) in [
        (true, 0.1, 0.4),
        (false, 0.5 - 0.4 * drift, 0.5 - 0.1 * drift),
    ] {
        let results = run_scenario(&two_mixes(keep), 4, 6, None);
        for (d, want) in [("north", north), ("south", south)] {
            let share = mean(&results, 47, d, "children:plus") / mean(&results, 47, d, "children");
            near(share, want, 0.02, &format!("{d}, keep {keep}"));
        }
    }
}

#[test]
fn the_weighted_caseload_counts_each_child_with_its_level_s_weight() {
    let mut s = two_mixes(true);
    s.need_levels[0].caseload_weight = Some(1.0);
    s.need_levels[1].caseload_weight = Some(2.5);
    let results = run_scenario(&s, 2, 1, None);
    for m in [0, 20] {
        for d in ["north", "south", "ALL"] {
            let v = |k: &str| value(&results, 0, m, d, k);
            let weighted = v("children:universal") + 2.5 * v("children:plus");
            assert_eq!(v("weighted_children"), weighted, "{d}, month {m}");
            near(
                v("weighted_caseload_per_hv_wte"),
                weighted / v("hv_wte"),
                1e-9,
                d,
            );
        }
    }
    // Without weights there is no weighted caseload.
    assert!(
        run_scenario(&two_mixes(true), 1, 1, None)
            .metric_index("weighted_children")
            .is_none()
    );
}

/// `tiny()` with a 12-month review (window from 9 months, on time by 12, last chance 15) whose
/// coverage by 15 months is C5.
fn twelve_months() -> Scenario {
    let mut s = scenario(
        36,
        vec![],
        vec![district("north", 1000, 1000.0, &[("hv", 4.0)])],
    );
    let r = &mut s.reviews[0];
    (r.id, r.metric, r.uptake) = ("twelve_months".into(), "C4".into(), 0.9);
    (r.opens, r.on_time, r.last_chance) =
        (Offset::Months(9), Offset::Months(12), Offset::Months(15));
    r.coverage = Some("C5".into());
    s
}

#[test]
fn coverage_by_the_last_chance_is_counted_in_the_month_of_the_last_chance() {
    let results = run_scenario(&twelve_months(), 2, 3, None);
    for r in 0..2 {
        for m in 3..33 {
            // Every child due in month m (12 months old) has its last chance in month m + 3.
            let due = value(&results, r, m, "ALL", "review_due:twelve_months");
            let again = value(
                &results,
                r,
                m + 3,
                "ALL",
                "review_due_at_last_chance:twelve_months",
            );
            assert_eq!(due, again, "replication {r}, month {m}");
            // Ample time: every review taken up is done on time; C5 = C4 = uptake.
            let done = value(
                &results,
                r,
                m + 3,
                "ALL",
                "review_done_at_last_chance:twelve_months",
            );
            let c5 = value(&results, r, m + 3, "ALL", "coverage:twelve_months");
            assert_eq!(c5, done / again);
        }
    }
    near(
        mean(&results, 20, "ALL", "coverage:twelve_months"),
        0.9,
        0.06,
        "C5",
    );
}

#[test]
fn a_new_birth_visit_reported_at_its_last_chance_counts_children_turning_30_days() {
    // The new birth visit (on time by 14 days, last chance 30): OHID's C2 counts visits within 14
    // days among children turning 30 days in the period.
    let mut s = tiny();
    s.reviews[0].reported = Reported::LastChance;
    s.reviews[0].uptake = 0.8;
    let results = run_scenario(&s, 2, 4, None);
    for m in 1..59 {
        let v = |k: &str| value(&results, 0, m, "ALL", k);
        let due = v("review_due_at_last_chance:new_birth");
        assert_eq!(
            v("compliance:new_birth"),
            v("review_on_time_at_last_chance:new_birth") / due
        );
    }
    // Without coverage asked for, no coverage metric; the on-time cohort is still written.
    assert!(results.metric_index("coverage:new_birth").is_none());
    assert!(results.metric_index("review_due:new_birth").is_some());
    near(
        mean(&results, 30, "ALL", "compliance:new_birth"),
        0.8,
        0.06,
        "C2",
    );
}

#[test]
fn bad_ages_and_weights_are_refused_where_they_are_written() {
    let mut s = tiny();
    s.need_levels[0].contacts_by_age = vec![1.0, 1.0, 1.0, 1.0, 1.0, 1.0, -1.0];
    s.need_levels[0].caseload_weight = Some(0.0);
    let text = caseload::load::to_ron(&s).expect("serialises");
    let e = caseload::load::load_str("n.ron", &text)
        .expect_err("bad values")
        .to_string();
    for wanted in [
        "need_levels[0].contacts_by_age: at most 6 entries (one per year of age), found 7",
        "need_levels[0].contacts_by_age[6]: must be a finite number >= 0, found -1",
        "need_levels[0].caseload_weight: must be a finite number > 0, found 0",
    ] {
        assert!(e.contains(wanted), "{wanted} not in\n{e}");
    }
}
