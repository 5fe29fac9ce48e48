//! Same scenario and seed, same results, whatever the thread count.

use crate::common::{
    assert_same_cells, baseline, baseline_for, run_scenario, tiny, with_health_visitors,
};

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let mut s = baseline();
    s.calendar.months = 6;
    s.calendar
        .bank_holidays
        .retain(|d| d.as_str() < "2019-07-01");
    let one = run_scenario(&s, 4, 99, Some(1));
    let two = run_scenario(&s, 4, 99, Some(2));
    let three = run_scenario(&s, 4, 99, Some(3));
    assert_eq!(one, two);
    assert_eq!(one, three);
}

#[test]
fn same_seed_same_results_different_seed_different_results() {
    let s = tiny();
    let a = run_scenario(&s, 3, 5, None);
    let b = run_scenario(&s, 3, 5, None);
    let c = run_scenario(&s, 3, 6, None);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn replication_i_is_the_same_whatever_the_number_of_replications() {
    // Replication 1 of a 2-replication run equals replication 1 of a 3-replication run: each draws
    // only from its own streams.
    let s = tiny();
    let two = run_scenario(&s, 2, 8, None);
    let three = run_scenario(&s, 3, 8, None);
    for m in 0..two.months.len() {
        for d in 0..two.districts.len() {
            for k in 0..two.metrics.len() {
                let (x, y) = (two.value(1, m, d, k), three.value(1, m, d, k));
                assert!(x == y || (x.is_nan() && y.is_nan()));
            }
        }
    }
}

#[test]
fn staffing_and_allocation_leave_children_s_needs_and_teams_as_they_were() {
    // Common random numbers: the team a child joins, the visits that find no one in and the
    // contacts each team must make draw from their own streams, so halving the health visitors or
    // changing how teams share their time changes no child's need level and no child's team, and a
    // comparison of two scenarios shows the effect of the staffing alone. Without fewer contacts
    // under pressure, each team's contacts needed are Poisson draws on its children at each level,
    // so they match only if every team holds the same children by level.
    let mut s = baseline_for(9);
    let delivery = s
        .delivery
        .as_mut()
        .expect("the baseline has a delivery section");
    delivery.fewer_contacts = None;
    let mut fewer = with_health_visitors(s.clone(), 0.5);
    let delivery = fewer
        .delivery
        .as_mut()
        .expect("the baseline has a delivery section");
    delivery.deadline_share = 0.9;
    if let Some(teams) = delivery.teams.as_mut() {
        teams.cross_cover = 1.0;
    }
    let (a, b) = (
        run_scenario(&s, 2, 3, None),
        run_scenario(&fewer, 2, 3, None),
    );
    assert_ne!(a, b, "halving the health visitors changes the results");
    let metrics: Vec<String> = s
        .need_levels
        .iter()
        .flat_map(|l| {
            [
                format!("children:{}", l.id),
                format!("contacts_needed:{}", l.id),
            ]
        })
        .collect();
    for district in s.districts.iter().map(|d| d.id.as_str()).chain(["ALL"]) {
        assert_same_cells(&a, &b, district, metrics.iter().map(String::as_str));
    }
}
