//! The warm-up before the start (`calendar.warm_up_months`): the service works for whole months
//! before the start date, so it starts with the backlog its own capacity builds, while staff, need
//! levels and the population hold still and nothing is recorded.

use caseload::load;
use caseload::scenario::{Offset, Scenario};

use crate::common::{assert_same_cells, map, run_scenario, tiny, value};

/// One district with leavers, children leaving the city and two levels of need that change: the
/// processes a warm-up must leave as they would be without one.
fn moving() -> Scenario {
    let mut s = tiny();
    s.calendar.months = 24;
    s.roles[0].attrition = 0.3;
    s.districts[0].migration.leave_rate = 0.1;
    s.districts[0].staff = map(&[("hv", 12.0)]);
    let mut plus = s.need_levels[0].clone();
    (plus.id, plus.name) = ("plus".into(), "Plus".into());
    plus.transitions = map(&[("universal", 0.2), ("plus", 0.8)]);
    (
        plus.contacts_per_month,
        plus.contact_hours,
        plus.contact_roles,
    ) = (1.0, 1.0, vec!["hv".into()]);
    s.need_levels[0].transitions = map(&[("universal", 0.95), ("plus", 0.05)]);
    s.need_levels.push(plus);
    s.districts[0].need_mix = map(&[("universal", 0.8), ("plus", 0.2)]);
    s
}

#[test]
fn a_warm_up_leaves_staff_population_and_need_as_they_would_be_without_one() {
    let plain = run_scenario(&moving(), 3, 5, None);
    let mut s = moving();
    s.calendar.warm_up_months = 6;
    let warmed = run_scenario(&s, 3, 5, None);
    assert_eq!(plain.months, warmed.months, "the warm-up is not recorded");
    let held = [
        "children",
        "children:universal",
        "children:plus",
        "births",
        "left_city",
        "aged_out",
        "hv_wte",
        "leavers:hv",
        "contacts_needed:plus",
    ];
    assert_same_cells(&plain, &warmed, "ALL", held);
    // The service did work during the warm-up: reviews due in the first month include those whose
    // windows opened before the start.
    assert!(
        value(&warmed, 0, 0, "ALL", "review_due:new_birth")
            >= value(&plain, 0, 0, "ALL", "review_due:new_birth")
    );
}

/// `tiny()` with a 12-month review (window from 9 months, on time by 12, last chance 15) and the
/// given health-visitor WTE.
fn twelve_months(hv_wte: f64) -> Scenario {
    let mut s = tiny();
    s.calendar.months = 12;
    let r = &mut s.reviews[0];
    (r.id, r.metric) = ("twelve_months".into(), "C4".into());
    (r.opens, r.on_time, r.last_chance) =
        (Offset::Months(9), Offset::Months(12), Offset::Months(15));
    s.districts[0].staff = map(&[("hv", hv_wte)]);
    s
}

#[test]
fn without_a_warm_up_the_reviews_open_at_the_start_count_as_done_before_it() {
    // Every 12-month review due in January to March had its window open before 1 January: without
    // a warm-up none is counted; with three months of warm-up every one is.
    let plain = run_scenario(&twelve_months(2.0), 4, 1, None);
    let mut s = twelve_months(2.0);
    s.calendar.warm_up_months = 3;
    let warmed = run_scenario(&s, 4, 1, None);
    for r in 0..4 {
        for m in 0..3 {
            assert_eq!(
                value(&plain, r, m, "ALL", "review_due:twelve_months"),
                0.0,
                "month {m}"
            );
            let due = value(&warmed, r, m, "ALL", "review_due:twelve_months");
            // About 1000 births a year: 83 a month.
            assert!((50.0..130.0).contains(&due), "month {m}: {due} due");
            // Two health visitors have ample time: all on time.
            let on_time = value(&warmed, r, m, "ALL", "review_on_time:twelve_months");
            assert_eq!(on_time, due, "month {m}");
        }
        // From April the windows open after the start: the two runs count the same reviews.
        let (a, b) = (
            value(&plain, r, 5, "ALL", "review_due:twelve_months"),
            value(&warmed, r, 5, "ALL", "review_due:twelve_months"),
        );
        assert_eq!(a, b);
    }
}

#[test]
fn a_service_with_no_staff_starts_with_its_backlog() {
    // No health visitors: every review due is missed or pending. Without a warm-up the first three
    // months count no review at all (undefined compliance), as if a service with no staff had done
    // every review open on 1 January.
    let plain = run_scenario(&twelve_months(0.0), 2, 1, None);
    let mut s = twelve_months(0.0);
    s.calendar.warm_up_months = 3;
    let warmed = run_scenario(&s, 2, 1, None);
    for m in 0..3 {
        assert!(value(&plain, 0, m, "ALL", "compliance:twelve_months").is_nan());
        assert!(value(&warmed, 0, m, "ALL", "review_due:twelve_months") > 0.0);
        assert_eq!(value(&warmed, 0, m, "ALL", "compliance:twelve_months"), 0.0);
    }
}

#[test]
fn warm_ups_are_checked_where_they_are_written() {
    let mut s = tiny();
    s.calendar.warm_up_months = 25;
    s.calendar.bank_holidays = vec!["2023-12-25".into()];
    let text = load::to_ron(&s).expect("serialises");
    let e = load::load_str("warm.ron", &text)
        .expect_err("too long a warm-up")
        .to_string();
    assert!(
        e.contains("calendar.warm_up_months: must be 0 to 24 months, found 25"),
        "{e}"
    );
    // A bank holiday in the warm-up is inside the simulated period; one before it is not.
    s.calendar.warm_up_months = 1;
    let text = load::to_ron(&s).expect("serialises");
    assert!(load::load_str("warm.ron", &text).is_ok());
    s.calendar.bank_holidays = vec!["2023-11-30".into()];
    let text = load::to_ron(&s).expect("serialises");
    let e = load::load_str("warm.ron", &text)
        .expect_err("before the warm-up")
        .to_string();
    assert!(
        e.contains("2023-11-30 is outside the simulated period (2023-12-01 to 2028-12-31)"),
        "{e}"
    );
}
