//! Same scenario and seed, same results, whatever the thread count.

use crate::common::{baseline, run_scenario, tiny};

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
