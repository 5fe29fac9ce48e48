//! How work reaches families (`delivery`): booked visits that may find no one in, and
//! caseload-holding teams with cross-cover, against answers worked by hand.

use caseload::load;
use caseload::results::Results;
use caseload::scenario::{Booking, Delivery, Joining, Release, Scenario, Teams};

use crate::common::{map, run_scenario, tiny, total};

/// `tiny()` with work on every day of the week (so a visit can be booked any day) and a new birth
/// visit taken up by 90% of families; ten health visitors: far more time than the visits need.
fn every_day() -> Scenario {
    use caseload::scenario::Weekday::*;
    let mut s = tiny();
    s.calendar.working_days = vec![Mon, Tue, Wed, Thu, Fri, Sat, Sun];
    s.reviews[0].uptake = 0.9;
    s.districts[0].staff = map(&[("hv", 10.0)]);
    s
}

fn booked(no_access: f64, rebook_days: u32, lead_days: u32) -> Scenario {
    let mut s = every_day();
    s.delivery = Some(Delivery {
        booking: Some(Booking {
            no_access,
            no_access_by_review: Default::default(),
            failed_visit_share: 0.5,
            rebook_days,
            lead_days,
        }),
        ..Delivery::default()
    });
    s
}

/// `got` within `tolerance` of `want`: Monte Carlo shares over thousands of reviews.
fn near(got: f64, want: f64, tolerance: f64, what: &str) {
    assert!(
        (got - want).abs() <= tolerance,
        "{what}: {got}, expected {want} +- {tolerance}"
    );
}

/// A metric's total over every month and replication of the city.
fn all(results: &Results, metric: &str) -> f64 {
    let months = 0..results.months.len();
    (0..results.replications())
        .map(|r| total(results, r, months.clone(), "ALL", metric))
        .sum()
}

#[test]
fn with_ample_time_on_time_visits_are_uptake_times_one_less_the_chance_of_k_failures() {
    // The new birth window opens on day 10 and is on time to day 14: visits on days 10, 12 and 14
    // are three attempts, so on time = 0.9 x (1 - 0.4^3) = 0.8424. By the last chance (day 30)
    // there are eleven: not reached = 0.9 x 0.4^11.
    let results = run_scenario(&booked(0.4, 2, 0), 4, 11, None);
    let due = all(&results, "review_due:new_birth");
    assert!(due > 15_000.0, "{due}");
    near(
        all(&results, "review_on_time:new_birth") / due,
        0.9 * (1.0 - 0.4f64.powi(3)),
        0.01,
        "on time",
    );
    near(
        all(&results, "review_declined:new_birth") / due,
        0.1,
        0.01,
        "declined",
    );
    assert!(all(&results, "review_not_reached:new_birth") / due < 0.001);
    // Failed attempts per review taken up: 0.4 + 0.4^2 + ... + 0.4^11, about 0.4 / 0.6.
    let taken_up = due * 0.9;
    let expected: f64 = (1..=11).map(|k| 0.4f64.powi(k)).sum();
    near(
        all(&results, "review_no_access:new_birth") / taken_up,
        expected,
        0.01,
        "attempts",
    );
    // Every review done took its 1.5 hours; every failed attempt half of it. (Reviews done in the
    // last days of the run with deadlines after it are not counted, hence the small tolerance.)
    let done = all(&results, "review_on_time:new_birth") + all(&results, "review_late:new_birth");
    let used = all(&results, "hours_used");
    let failed = all(&results, "review_no_access:new_birth");
    near(
        used / (1.5 * done + 0.75 * failed),
        1.0,
        0.002,
        "hours used",
    );
}

#[test]
fn a_visit_that_cannot_be_rebooked_in_its_window_is_not_reached_and_no_time_is_unmet() {
    // Rebooking takes 30 days, past the last chance: one attempt only.
    let results = run_scenario(&booked(0.4, 30, 0), 4, 11, None);
    let due = all(&results, "review_due:new_birth");
    near(
        all(&results, "review_on_time:new_birth") / due,
        0.9 * 0.6,
        0.01,
        "on time",
    );
    near(
        all(&results, "review_not_reached:new_birth") / due,
        0.9 * 0.4,
        0.01,
        "not reached",
    );
    // Missed reviews = declined + not reached (with ample time none is left undone).
    let missed = all(&results, "review_missed:new_birth");
    let reasons =
        all(&results, "review_declined:new_birth") + all(&results, "review_not_reached:new_birth");
    assert_eq!(missed, reasons);
    // Not reached is not for want of staff time: no hours are unmet.
    assert_eq!(all(&results, "unmet_hours"), 0.0);
}

#[test]
fn a_diary_lead_time_books_the_first_visit_later_in_the_window() {
    // First visit 5 days after the window opens, but never after the on-time deadline: day 14,
    // one attempt on time, then days 16, 18, ... late.
    let results = run_scenario(&booked(0.4, 2, 5), 4, 11, None);
    let due = all(&results, "review_due:new_birth");
    near(
        all(&results, "review_on_time:new_birth") / due,
        0.9 * 0.6,
        0.01,
        "on time",
    );
    let done = all(&results, "review_on_time:new_birth") + all(&results, "review_late:new_birth");
    // Attempts on days 14, 16, ..., 30: nine.
    near(
        done / due,
        0.9 * (1.0 - 0.4f64.powi(9)),
        0.01,
        "done by the last chance",
    );
}

#[test]
fn without_booking_nothing_is_drawn_and_no_booking_metrics_are_written() {
    let results = run_scenario(&every_day(), 2, 3, None);
    assert!(results.metric_index("review_no_access:new_birth").is_none());
    let with = run_scenario(&booked(0.0, 2, 0), 2, 3, None);
    // No-access share 0: the same reviews, on the same days, with the booking metrics at 0.
    for metric in [
        "review_due:new_birth",
        "review_on_time:new_birth",
        "children",
        "hours_used",
    ] {
        assert_eq!(all(&results, metric), all(&with, metric), "{metric}");
    }
    assert_eq!(all(&with, "review_no_access:new_birth"), 0.0);
}

/// One district of four teams funded for one health visitor each, with three in post: one team
/// has nobody. Three health visitors have ample time for the district's new birth visits.
fn four_teams(cross_cover: f64, joining: Joining) -> Scenario {
    let mut s = tiny();
    s.districts[0].staff = map(&[("hv", 3.0)]);
    s.districts[0].establishment = map(&[("hv", 4.0)]);
    s.delivery = Some(Delivery {
        teams: Some(Teams {
            per_district: 4,
            by_district: Default::default(),
            cross_cover,
            joining,
            cover_priority: None,
        }),
        ..Delivery::default()
    });
    s
}

fn compliance(results: &Results) -> f64 {
    all(results, "review_on_time:new_birth") / all(results, "review_due:new_birth")
}

#[test]
fn teams_without_cross_cover_and_with_full_cross_cover_bracket_the_pooled_district() {
    let mut pooled = four_teams(0.0, Joining::Establishment);
    pooled.delivery = None;
    let pooled = compliance(&run_scenario(&pooled, 3, 5, None));
    assert!(pooled > 0.99, "{pooled}");
    // No cross-cover: the children of the team with nobody (a quarter, drawn at random) get no
    // visit at all.
    let alone = compliance(&run_scenario(
        &four_teams(0.0, Joining::Establishment),
        3,
        5,
        None,
    ));
    near(alone, 0.75, 0.01, "no cross-cover");
    // Full cross-cover: the other teams' spare time reaches them.
    let covered = compliance(&run_scenario(
        &four_teams(1.0, Joining::Establishment),
        3,
        5,
        None,
    ));
    assert!(covered > 0.99 && covered <= pooled + 1e-9, "{covered}");
    // Half the spare time is still ample here.
    let half = compliance(&run_scenario(
        &four_teams(0.5, Joining::Establishment),
        3,
        5,
        None,
    ));
    assert!(half > 0.99, "{half}");
}

#[test]
fn children_joining_the_lightest_team_avoid_the_team_with_nobody() {
    let lightest = compliance(&run_scenario(
        &four_teams(0.0, Joining::Lightest),
        3,
        5,
        None,
    ));
    assert!(lightest > 0.99, "{lightest}");
}

#[test]
fn bad_delivery_values_are_refused_where_they_are_written() {
    let mut s = four_teams(1.5, Joining::Establishment);
    if let Some(t) = s.delivery.as_mut().and_then(|d| d.teams.as_mut()) {
        t.per_district = 17;
        t.by_district = [("nowhere".to_string(), 0)].into();
    }
    if let Some(d) = s.delivery.as_mut() {
        d.booking = Some(Booking {
            no_access: 1.0,
            no_access_by_review: [("nothing".to_string(), 0.1)].into(),
            failed_visit_share: -0.1,
            rebook_days: 0,
            lead_days: 91,
        });
    }
    let text = load::to_ron(&s).expect("serialises");
    let e = load::load_str("d.ron", &text)
        .expect_err("bad values")
        .to_string();
    for wanted in [
        "delivery.teams.per_district: must be 1 to 16 teams, found 17",
        "delivery.teams.by_district[\"nowhere\"]: must be 1 to 16 teams, found 0",
        "delivery.teams.by_district[\"nowhere\"]: unknown district \"nowhere\"",
        "delivery.teams.cross_cover: must be a probability in [0, 1], found 1.5",
        "delivery.booking.no_access: must be a share in [0, 1), found 1",
        "delivery.booking.no_access_by_review[\"nothing\"]: unknown review \"nothing\"",
        "delivery.booking.failed_visit_share: must be a probability in [0, 1], found -0.1",
        "delivery.booking.rebook_days: must be 1 to 90 days, found 0",
        "delivery.booking.lead_days: must be 0 to 90 days, found 91",
    ] {
        assert!(e.contains(wanted), "{wanted} not in\n{e}");
    }
}

/// `tiny()` with a level whose contacts (priority 1, an hour each, `rate` a child a month: with 5,000
/// children, 5,000 hours a month for a rate of 1) come before the new birth visit (priority 2), and
/// `hv` health visitors (3.75 contact hours a working day each).
fn contacts_first(hv: f64, rate: f64) -> Scenario {
    let mut s = tiny();
    let l = &mut s.need_levels[0];
    (
        l.contacts_per_month,
        l.contact_hours,
        l.contact_roles,
        l.priority,
    ) = (rate, 1.0, vec!["hv".into()], 1);
    s.districts[0].staff = map(&[("hv", hv)]);
    s
}

#[test]
fn a_share_of_time_given_deadline_first_keeps_less_urgent_reviews_going() {
    // 60 health visitors (about 4,700 hours a month) cannot meet the contacts (about 10,000): under
    // risk-first the new birth visit gets nothing. With a fifth of each day's hours given to reviews
    // deadline-first (about 45 hours a day against about 4 needed), every visit is on time.
    let starved = run_scenario(&contacts_first(60.0, 2.0), 2, 1, None);
    assert!(compliance(&starved) < 0.01, "{}", compliance(&starved));
    let mut s = contacts_first(60.0, 2.0);
    s.delivery = Some(Delivery {
        deadline_share: 0.2,
        ..Delivery::default()
    });
    let shared = run_scenario(&s, 2, 1, None);
    assert!(compliance(&shared) > 0.99, "{}", compliance(&shared));
    // The contacts lose only the hours the visits took.
    let (before, after) = (
        all(&starved, "contacts_delivered:universal"),
        all(&shared, "contacts_delivered:universal"),
    );
    let visits = all(&shared, "review_on_time:new_birth") * 1.5;
    near(
        after,
        before - visits,
        0.01 * before,
        "contacts given up for visits",
    );
}

#[test]
fn cover_before_less_urgent_work_reaches_the_team_with_nobody_first() {
    // Four teams, one with nobody; 3 health visitors (about 11 hours a day) have time for every
    // contact (priority 1, about 3 hours a day) but not for every new birth visit (priority 2, about
    // 16 hours a day with 4,000 births a year). Covering only what is left after their own visits,
    // the staffed teams leave the fourth team's contacts undone; covering urgent work first, they
    // reach them.
    let make = |cover_priority: Option<u32>| {
        // One year, before 4,000 births a year swell the caseload.
        let mut s = contacts_first(3.0, 0.015);
        s.calendar.months = 12;
        s.districts[0].births_per_year = 4000.0;
        // Visits of 1.25 hours fill a health visitor's 3.75 hours a day exactly: nothing is left over.
        s.reviews[0].hours = 1.25;
        s.districts[0].establishment = map(&[("hv", 4.0)]);
        s.delivery = Some(Delivery {
            teams: Some(Teams {
                per_district: 4,
                by_district: Default::default(),
                cross_cover: 1.0,
                joining: Joining::Establishment,
                cover_priority,
            }),
            ..Delivery::default()
        });
        run_scenario(&s, 3, 2, None)
    };
    let coverage =
        |r: &Results| all(r, "contacts_delivered:universal") / all(r, "contacts_needed:universal");
    let (after_own, urgent_first) = (make(None), make(Some(1)));
    assert!(
        coverage(&urgent_first) > 0.99,
        "{}",
        coverage(&urgent_first)
    );
    assert!(coverage(&after_own) < 0.9, "{}", coverage(&after_own));
    // The visits pay for it.
    assert!(compliance(&urgent_first) < compliance(&after_own));
}

#[test]
fn contacts_booked_at_the_month_start_go_before_less_urgent_visits() {
    // Capacity for every contact but not every visit: contacts released evenly leave each day's
    // slack to the visits from the first day; booked at the month start they take the first days
    // whole, and visits due then are late.
    let make = |released| {
        let mut s = contacts_first(70.0, 1.0);
        s.need_levels[0].released = released;
        run_scenario(&s, 2, 1, None)
    };
    let (even, start) = (make(Release::Evenly), make(Release::AtMonthStart));
    let coverage =
        |r: &Results| all(r, "contacts_delivered:universal") / all(r, "contacts_needed:universal");
    assert!(coverage(&start) >= coverage(&even) - 1e-9);
    assert!(
        compliance(&start) < compliance(&even),
        "{} {}",
        compliance(&start),
        compliance(&even)
    );
}
