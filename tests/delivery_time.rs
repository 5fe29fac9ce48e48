//! Time that is not visits (`delivery.overheads`) and absence (`delivery.absence`), against
//! answers worked by hand: administration that grows with the caseload, learners' and delegated
//! reviews' supervision, annual leave that integrates to the year's days, sickness spells that keep
//! their share, and cover with its cost.

use caseload::load;
use caseload::results::Results;
use caseload::scenario::{
    Absence, ChildOverhead, Cover, Delegation, Delivery, FewerContacts, LearnerSupervision,
    Overheads, Scenario, ShorterVisits,
};

use crate::common::{
    assert_same_cells, map, nursery_nurse, programme, run_scenario, scenario, split, student, tiny,
    total, value, weekdays,
};

/// `got` within `tolerance` of `want`.
fn near(got: f64, want: f64, tolerance: f64, what: &str) {
    assert!(
        (got - want).abs() <= tolerance,
        "{what}: {got}, expected {want} +- {tolerance}"
    );
}

/// A metric's total over months `months` of the city, summed over replications.
fn sum(results: &Results, months: std::ops::Range<usize>, metric: &str) -> f64 {
    (0..results.replications())
        .map(|r| total(results, r, months.clone(), "ALL", metric))
        .sum()
}

fn with(mut s: Scenario, overheads: Option<Overheads>, absence: Option<Absence>) -> Scenario {
    s.delivery = Some(Delivery {
        overheads,
        absence,
        ..Delivery::default()
    });
    s
}

fn absence(annual_leave_days: f64, sickness: f64, maternity: f64) -> Absence {
    Absence {
        annual_leave_days,
        leave_by_month: vec![],
        sickness,
        sickness_spell_days: 10.0,
        maternity,
        maternity_spell_days: 270.0,
        cover: None,
    }
}

#[test]
fn annual_leave_falls_by_its_seasons_and_adds_up_to_the_year() {
    // Two health visitors (3.75 contact hours a working day each), 30 days' leave a year, twice as
    // much in August and December as in other months: weights 1 x 10 and 2 x 2 make 14.
    let mut a = absence(30.0, 0.0, 0.0);
    a.leave_by_month = vec![1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 2.0];
    let results = run_scenario(&with(tiny(), None, Some(a)), 1, 1, None);
    for (m, weight) in [(0, 1.0), (7, 2.0), (11, 2.0)] {
        let lost = value(&results, 0, m, "ALL", "absence_hours");
        near(
            lost,
            2.0 * 3.75 * 30.0 * weight / 14.0,
            1e-9,
            &format!("month {m}"),
        );
        let available = value(&results, 0, m, "ALL", "hours_available");
        near(
            available + lost,
            2.0 * 3.75 * weekdays(m),
            1e-9,
            "hours at work and away",
        );
    }
    // A year of leave is the 30 days.
    near(
        sum(&results, 0..12, "absence_hours"),
        2.0 * 3.75 * 30.0,
        1e-9,
        "the year",
    );
}

#[test]
fn sickness_and_maternity_spells_keep_their_share_of_time() {
    // Forty health visitors: 8% of their time lost to sickness in spells of about ten days, and
    // 4% to maternity leave, over five years and four replications.
    let mut s = with(tiny(), None, Some(absence(0.0, 0.08, 0.04)));
    s.districts[0].staff = map(&[("hv", 40.0)]);
    let results = run_scenario(&s, 4, 9, None);
    let lost = sum(&results, 0..60, "absence_hours");
    let available = sum(&results, 0..60, "hours_available");
    near(lost / (lost + available), 0.12, 0.01, "share away");
}

#[test]
fn cover_fills_its_share_of_vacant_hours_at_its_cost() {
    // Funded for two health visitors, one in post; cover fills half of the vacant post's hours at
    // £40 an hour worked, so £80 a contact hour (contact share 0.5).
    let mut a = absence(0.0, 0.0, 0.0);
    a.cover = Some(Cover {
        roles: vec!["hv".into()],
        share: 0.5,
        cost_per_hour: 40.0,
    });
    let mut s = with(tiny(), None, Some(a));
    s.districts[0].staff = map(&[("hv", 1.0)]);
    s.districts[0].establishment = map(&[("hv", 2.0)]);
    let results = run_scenario(&s, 1, 1, None);
    let plain = {
        let mut p = tiny();
        p.districts[0].staff = map(&[("hv", 1.0)]);
        p.districts[0].establishment = map(&[("hv", 2.0)]);
        run_scenario(&p, 1, 1, None)
    };
    for m in [0, 5, 30] {
        let cover = value(&results, 0, m, "ALL", "cover_hours");
        near(cover, 0.5 * 3.75 * weekdays(m), 1e-9, "cover hours");
        let extra = value(&results, 0, m, "ALL", "spend") - value(&plain, 0, m, "ALL", "spend");
        near(extra, cover * 80.0, 1e-6, "cover's cost");
        near(
            value(&results, 0, m, "ALL", "hours_available"),
            1.5 * 3.75 * weekdays(m),
            1e-9,
            "hours",
        );
    }
}

#[test]
fn administration_per_child_grows_with_the_caseload() {
    // Half an hour a month for every child, and three more for every child at level "complex", from
    // health visitors with time to spare: each month takes exactly those hours.
    let mut s = tiny();
    let mut complex = s.need_levels[0].clone();
    (complex.id, complex.name) = ("complex".into(), "Complex".into());
    complex.transitions = map(&[("complex", 1.0)]);
    s.need_levels[0].transitions = map(&[("universal", 1.0)]);
    s.need_levels.push(complex);
    s.districts[0].need_mix = map(&[("universal", 0.9), ("complex", 0.1)]);
    // About 4,000 hours a month wanted; 80 health visitors have 6,000 or more.
    s.districts[0].staff = map(&[("hv", 80.0)]);
    let o = Overheads {
        per_child: vec![
            ChildOverhead {
                name: "caseload administration".into(),
                levels: vec![],
                hours_per_child_per_month: 0.5,
                roles: vec!["hv".into()],
            },
            ChildOverhead {
                name: "safeguarding".into(),
                levels: vec!["complex".into()],
                hours_per_child_per_month: 3.0,
                roles: vec!["hv".into()],
            },
        ],
        ..Overheads::default()
    };
    let results = run_scenario(&with(s, Some(o), None), 2, 4, None);
    for r in 0..2 {
        for m in [1, 12, 40] {
            // The month's census: children at the start of the month (no moves in tiny()).
            let all = value(&results, r, m, "ALL", "children_opening");
            let complex = value(&results, r, m - 1, "ALL", "children:complex");
            let taken = value(&results, r, m, "ALL", "overhead_hours");
            near(
                taken,
                0.5 * all + 3.0 * complex,
                1e-6,
                &format!("replication {r}, month {m}"),
            );
        }
    }
}

#[test]
fn learners_are_supervised_from_their_team() {
    // Ten students in training all of 2024: five hours each a month from health visitors.
    let mut s = scenario(
        24,
        vec![student()],
        vec![crate::common::district(
            "north",
            1000,
            1000.0,
            &[("hv", 10.0)],
        )],
    );
    s.pipelines = vec![programme(10, "2024-01-01", 12, split(&[("north", 1.0)]))];
    let o = Overheads {
        learners: Some(LearnerSupervision {
            hours_per_learner_per_month: 5.0,
            roles: vec!["hv".into()],
        }),
        ..Overheads::default()
    };
    let results = run_scenario(&with(s, Some(o), None), 1, 1, None);
    for m in [0, 6, 11] {
        near(
            value(&results, 0, m, "ALL", "overhead_hours"),
            50.0,
            1e-9,
            &format!("month {m}"),
        );
    }
    // Qualified in January 2025, they are preceptees no longer (no preceptorship): no supervision.
    near(
        value(&results, 0, 14, "ALL", "overhead_hours"),
        0.0,
        1e-9,
        "after qualifying",
    );
}

/// `nn` nursery nurses deliver the new birth visit (1.5 hours), supervised for half an hour each by
/// `hv` health visitors, in a district of about 5,000 children, with visits shortened as given.
fn delegated(hv: f64, nn: f64, shorter_visits: Option<ShorterVisits>) -> Scenario {
    let mut s = scenario(
        12,
        vec![nursery_nurse()],
        vec![crate::common::district(
            "north",
            1000,
            1000.0,
            &[("hv", hv), ("nn", nn)],
        )],
    );
    s.reviews[0].roles = vec!["nn".into()];
    let o = Overheads {
        delegation: vec![Delegation {
            role: "nn".into(),
            supervisor: "hv".into(),
            hours_per_review: 0.5,
        }],
        ..Overheads::default()
    };
    let mut s = with(s, Some(o), None);
    if let Some(d) = s.delivery.as_mut() {
        d.shorter_visits = shorter_visits;
    }
    s
}

#[test]
fn a_delegated_review_needs_its_supervisor_s_time() {
    // With no health visitor nothing can be delegated; with one, every visit is done.
    let none = run_scenario(&delegated(0.0, 2.0, None), 2, 3, None);
    let one = run_scenario(&delegated(1.0, 2.0, None), 2, 3, None);
    for m in 1..12 {
        assert_eq!(
            value(&none, 0, m, "ALL", "review_on_time:new_birth"),
            0.0,
            "month {m}"
        );
        let due = value(&one, 0, m, "ALL", "review_due:new_birth");
        assert_eq!(
            value(&one, 0, m, "ALL", "review_on_time:new_birth"),
            due,
            "month {m}"
        );
    }
    // Hours used: 1.5 for each visit and 0.5 of supervision.
    let done =
        sum(&one, 0..12, "review_on_time:new_birth") + sum(&one, 0..12, "review_late:new_birth");
    near(
        sum(&one, 0..12, "hours_used") / (2.0 * done),
        1.0,
        0.01,
        "hours per visit",
    );
}

/// `tiny()` with `hv` health visitors and visits shortened to `floor` of their hours on any team
/// above 100 children per WTE (tiny()'s 5,000 children are far above), or not shortened.
fn shortened(hv: f64, floor: Option<f64>) -> Scenario {
    let mut s = tiny();
    s.calendar.months = 24;
    s.districts[0].staff = map(&[("hv", hv)]);
    s.delivery = Some(Delivery {
        shorter_visits: floor.map(|floor| ShorterVisits {
            above: 100.0,
            per_100: 1.0,
            floor,
            overheads: false,
        }),
        ..Delivery::default()
    });
    s
}

/// Reviews done (on time or late) over a run, summed over replications.
fn done(results: &Results) -> f64 {
    let months = 0..results.months.len();
    sum(results, months.clone(), "review_on_time:new_birth")
        + sum(results, months, "review_late:new_birth")
}

#[test]
fn shorter_visits_take_their_share_of_the_hours_and_stretch_a_short_team() {
    // With time to spare, every visit is done and takes half its 1.5 hours.
    let ample = run_scenario(&shortened(2.0, Some(0.5)), 2, 5, None);
    let hours = sum(&ample, 0..24, "hours_used");
    near(hours / done(&ample), 0.75, 0.01, "hours per visit");
    // Short of time (0.4 WTE: 1.5 hours a working day, one full visit, against about four births
    // a working day), the same hours do twice the visits: every hour goes to visits in both runs.
    let full = run_scenario(&shortened(0.4, None), 2, 5, None);
    let half = run_scenario(&shortened(0.4, Some(0.5)), 2, 5, None);
    near(
        done(&half) / done(&full),
        2.0,
        0.02,
        "visits done, halved against full",
    );
    near(
        sum(&half, 0..24, "hours_used"),
        sum(&full, 0..24, "hours_used"),
        1e-6,
        "hours used",
    );
    // Not shortening is the same run as having no section, bit for bit.
    let mut plain = shortened(0.4, None);
    plain.delivery = None;
    assert_eq!(run_scenario(&plain, 2, 5, None), full);
}

/// Visits at half their hours on any team (any caseload over 50 children per WTE gives the
/// floor), with or without the time that is not visits.
fn halved(overheads: bool) -> ShorterVisits {
    ShorterVisits {
        above: 0.0,
        per_100: 1.0,
        floor: 0.5,
        overheads,
    }
}

#[test]
fn overheads_per_child_shorten_with_visits_when_asked() {
    // Half an hour of administration a month for each of about 5,000 children, from 80 health
    // visitors with time to spare (62 children per WTE: visits at their floor of a half). Without
    // `overheads` the administration takes its full hours; with it, half.
    let mut s = tiny();
    s.districts[0].staff = map(&[("hv", 80.0)]);
    let o = Overheads {
        per_child: vec![ChildOverhead {
            name: "caseload administration".into(),
            levels: vec![],
            hours_per_child_per_month: 0.5,
            roles: vec!["hv".into()],
        }],
        ..Overheads::default()
    };
    let mut s = with(s, Some(o), None);
    // On the line's slope (from 0 children per WTE, 0.8 a 100, floor 0.1) a month's pace follows
    // its children: 1 - 0.008 x children / 80.
    let sloped = ShorterVisits {
        per_100: 0.8,
        floor: 0.1,
        ..halved(true)
    };
    let pace = |children: f64, curve: &ShorterVisits| {
        if curve.overheads {
            (1.0 - curve.per_100 / 100.0 * children / 80.0).max(curve.floor)
        } else {
            1.0
        }
    };
    for curve in [halved(false), halved(true), sloped] {
        if let Some(d) = s.delivery.as_mut() {
            d.shorter_visits = Some(curve.clone());
        }
        let results = run_scenario(&s, 2, 4, None);
        for r in 0..2 {
            for m in [1, 12, 40] {
                let children = value(&results, r, m, "ALL", "children_opening");
                near(
                    value(&results, r, m, "ALL", "overhead_hours"),
                    pace(children, &curve) * 0.5 * children,
                    1e-6,
                    &format!("{curve:?}, replication {r}, month {m}"),
                );
            }
        }
    }
    // A delegated review's supervision (half an hour) does not shorten, with or without them. With
    // three health visitors and six nursery nurses for about 5,000 children (some 1,700 per WTE:
    // visits at their floor) every visit is done on its first day in each run, taking 1.5 + 0.5
    // hours at full length and 1.5 x 0.5 + 0.5 shortened.
    let ample =
        |shorter: Option<ShorterVisits>| run_scenario(&delegated(3.0, 6.0, shorter), 2, 3, None);
    let full = ample(None);
    let hours = sum(&full, 0..12, "hours_used");
    for overheads in [false, true] {
        let results = ample(Some(halved(overheads)));
        assert_eq!(done(&results), done(&full), "overheads {overheads}");
        near(
            sum(&results, 0..12, "hours_used") / hours,
            1.25 / 2.0,
            1e-9,
            &format!("hours used against full visits, overheads {overheads}"),
        );
    }
}

#[test]
fn bad_shorter_visits_are_refused_where_they_are_written() {
    let mut s = shortened(2.0, Some(0.0));
    if let Some(v) = s.delivery.as_mut().and_then(|d| d.shorter_visits.as_mut()) {
        (v.above, v.per_100) = (-1.0, 2.0);
    }
    let text = load::to_ron(&s).expect("serialises");
    let e = load::load_str("t.ron", &text)
        .expect_err("bad values")
        .to_string();
    for wanted in [
        "delivery.shorter_visits.above: must be a finite number >= 0, found -1",
        "delivery.shorter_visits.per_100: must be a probability in [0, 1], found 2",
        "delivery.shorter_visits.floor: must be a share in (0, 1], found 0",
    ] {
        assert!(e.contains(wanted), "{wanted} not in {e}");
    }
}

/// 4,000 children held for six months (ages 0-3, no births, no moves), about half at a second level
/// `plus`, each child needing half a contact a month; `hv` health visitors and 20 nursery nurses
/// (who do not count in the caseload); `plus` contacts cut from 500 children per HV WTE, 10% for
/// every 100 more, to no less than a quarter, or not cut.
fn pressed(hv: f64, cut: bool) -> Scenario {
    let mut s = tiny();
    s.calendar.months = 6;
    s.reviews.clear();
    s.roles.push(nursery_nurse());
    let mut plus = s.need_levels[0].clone();
    (plus.id, plus.name) = ("plus".into(), "Plus".into());
    plus.transitions = map(&[("plus", 1.0)]);
    s.need_levels.push(plus);
    for level in &mut s.need_levels {
        level.contacts_per_month = 0.5;
        level.contact_hours = 0.01;
        level.contact_roles = vec!["hv".into()];
    }
    let d = &mut s.districts[0];
    (d.children_by_age, d.births_per_year) = (vec![1000; 4], 0.0);
    d.need_mix = map(&[("universal", 0.5), ("plus", 0.5)]);
    d.staff = map(&[("hv", hv), ("nn", 20.0)]);
    s.delivery = Some(Delivery {
        fewer_contacts: cut.then(|| FewerContacts {
            levels: vec!["plus".into()],
            above: 500.0,
            per_100: 0.1,
            floor: 0.25,
        }),
        ..Delivery::default()
    });
    s
}

#[test]
fn fewer_contacts_are_planned_as_the_caseload_grows() {
    // A level's n children at half a contact a month plan 3n contacts over six months (a Poisson
    // total; 4 sd allowed). `plus` keeps 1 - 0.1 x (caseload - 500) / 100 of them, the caseload
    // counting health visitors only: all at 400 children per WTE (10 WTE), half at 1,000 (4 WTE),
    // the floor of a quarter at 4,000 (1 WTE, where the line would give -2.5). `universal` is not
    // cut. `contacts_cut` holds the expected contacts left out, exactly.
    for (hv, share) in [(10.0, 1.0), (4.0, 0.5), (1.0, 0.25)] {
        let results = run_scenario(&pressed(hv, true), 1, 9, None);
        for (level, kept) in [("plus", share), ("universal", 1.0)] {
            let children = value(&results, 0, 0, "north", &format!("children:{level}"));
            assert!((1800.0..2200.0).contains(&children), "{level}: {children}");
            let planned = 3.0 * children * kept;
            let needed = sum(&results, 0..6, &format!("contacts_needed:{level}"));
            near(needed, planned, 4.0 * planned.sqrt(), level);
            let cut = sum(&results, 0..6, &format!("contacts_cut:{level}"));
            near(cut, 3.0 * children * (1.0 - kept), 1e-6, "contacts cut");
        }
    }
    // Below the threshold nothing changes: the same run as without the section, bit for bit, but
    // for the `contacts_cut` metrics, all 0.
    let with = run_scenario(&pressed(10.0, true), 2, 9, None);
    let without = run_scenario(&pressed(10.0, false), 2, 9, None);
    assert_same_cells(
        &with,
        &without,
        "north",
        without.metrics.iter().map(String::as_str),
    );
    assert_eq!(sum(&with, 0..6, "contacts_cut:plus"), 0.0);
}

#[test]
fn bad_fewer_contacts_are_refused_where_they_are_written() {
    let mut s = pressed(4.0, true);
    if let Some(f) = s.delivery.as_mut().and_then(|d| d.fewer_contacts.as_mut()) {
        f.levels = vec!["plus".into(), "complex".into(), "plus".into()];
        (f.above, f.per_100, f.floor) = (-1.0, 2.0, 1.5);
    }
    let text = load::to_ron(&s).expect("serialises");
    let e = load::load_str("t.ron", &text)
        .expect_err("bad values")
        .to_string();
    for wanted in [
        "delivery.fewer_contacts.above: must be a finite number >= 0, found -1",
        "delivery.fewer_contacts.per_100: must be a probability in [0, 1], found 2",
        "delivery.fewer_contacts.floor: must be a probability in [0, 1], found 1.5",
        "delivery.fewer_contacts.levels[1]: unknown need level \"complex\"",
        "delivery.fewer_contacts.levels[2]: \"plus\" is listed twice",
    ] {
        assert!(e.contains(wanted), "{wanted} not in {e}");
    }
    if let Some(f) = s.delivery.as_mut().and_then(|d| d.fewer_contacts.as_mut()) {
        f.levels.clear();
    }
    let e = load::load_str("t.ron", &load::to_ron(&s).expect("serialises"))
        .expect_err("no levels")
        .to_string();
    assert!(
        e.contains("delivery.fewer_contacts.levels: must name at least one level of need"),
        "{e}"
    );
}

#[test]
fn bad_overheads_and_absence_are_refused_where_they_are_written() {
    let o = Overheads {
        per_child: vec![ChildOverhead {
            name: "admin".into(),
            levels: vec!["nowhere".into()],
            hours_per_child_per_month: -1.0,
            roles: vec![],
        }],
        learners: None,
        delegation: vec![Delegation {
            role: "hv".into(),
            supervisor: "hv".into(),
            hours_per_review: 0.0,
        }],
    };
    let mut a = absence(61.0, 0.5, 0.0);
    a.leave_by_month = vec![1.0; 11];
    a.sickness_spell_days = 0.0;
    a.maternity_spell_days = 10.0;
    let text = load::to_ron(&with(tiny(), Some(o), Some(a))).expect("serialises");
    let e = load::load_str("t.ron", &text)
        .expect_err("bad values")
        .to_string();
    for wanted in [
        "delivery.overheads.per_child[0].hours_per_child_per_month: must be 0 to 1000 hours, found -1",
        "delivery.overheads.per_child[0].levels[0]: unknown need level \"nowhere\"",
        "delivery.overheads.per_child[0].roles: must name at least one role",
        "delivery.overheads.delegation[0].supervisor: must be another role than \"hv\"",
        "delivery.overheads.delegation[0].hours_per_review: must be a finite number > 0, found 0",
        "delivery.absence.annual_leave_days: must be 0 to 60 days, found 61",
        "delivery.absence.leave_by_month: must give 12 weights, January first, found 11",
        "delivery.absence.sickness: must be a share in [0, 0.5), found 0.5",
        "delivery.absence.sickness_spell_days: must be 1 to 365 days, found 0",
        "delivery.absence.maternity_spell_days: must be 30 to 730 days, found 10",
    ] {
        assert!(e.contains(wanted), "{wanted} not in\n{e}");
    }
}
