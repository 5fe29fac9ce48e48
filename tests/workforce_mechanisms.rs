//! Workforce mechanisms worked by hand: skill mix changes, mutual aid and secondments, budget
//! changes and overspend policies, preceptorship and programme ramps, placement, retirement, the
//! recruitment cap, volunteers and apprentices. The staff ledger under random settings is in
//! `workforce_ledger.rs`.
//!
//! Runs start on Monday 1 January 2024. `hv` has 37.5 x 0.5 / 5 = 3.75 contact hours a day.

use caseload::scenario::{
    AgeBand, AgeShare, BudgetChange, Change, DaysDistribution, District, MutualAid,
    OverspendPolicy, PipelineKind, Placement, Preceptorship, Scenario, Secondment, SkillMixChange,
    UniversalSupport, WorkRef,
};

use crate::common::{
    Run, budget, close, district, map, nursery_nurse, programme, recruitment, role, run_scenario,
    scenario, split, student, tiny, volunteers, weekdays,
};

/// One small district, `north`, with `staff`.
fn small(staff: &[(&str, f64)]) -> Vec<District> {
    vec![district("north", 100, 100.0, staff)]
}

fn support(roles: &[&str]) -> Option<UniversalSupport> {
    let (roles, hours_per_child_per_month) = (roles.iter().map(|r| r.to_string()).collect(), 0.01);
    Some(UniversalSupport {
        hours_per_child_per_month,
        roles,
        priority: 9,
    })
}

/// 10 WTE of nursery nurses (ample) and no HVs; from 1 July 2024 nursery nurses may do `work`,
/// which until then only HVs may do.
fn skill_mix(work: WorkRef) -> Scenario {
    let north = district("north", 1000, 1000.0, &[("hv", 0.0), ("nn", 10.0)]);
    let mut s = scenario(12, vec![nursery_nurse()], vec![north]);
    let (from, roles) = ("2024-07-01".into(), vec!["nn".into()]);
    s.skill_mix_changes = vec![SkillMixChange { from, work, roles }];
    s
}

#[test]
fn a_skill_mix_change_lets_a_staffed_role_do_a_review() {
    let r = Run::of(&skill_mix(WorkRef::Review("new_birth".into())));
    for m in 0..12 {
        assert!(r.city(m, "review_due:new_birth") > 50.0, "month {m}");
        // Cohorts due before July are never seen; with full uptake, all those after are.
        let want = if m < 6 { 0.0 } else { 1.0 };
        assert_eq!(r.city(m, "compliance:new_birth"), want, "month {m}");
    }
}

#[test]
fn a_skill_mix_change_lets_a_staffed_role_do_contacts() {
    let mut s = skill_mix(WorkRef::Contacts("universal".into()));
    s.reviews[0].roles = vec!["nn".into()];
    let level = &mut s.need_levels[0];
    (level.contacts_per_month, level.contact_hours) = (0.02, 1.0);
    level.contact_roles = vec!["hv".into()];
    let r = Run::of(&s);
    for m in 0..12 {
        assert!(r.city(m, "contacts_needed:universal") > 50.0, "month {m}");
        let want = if m < 6 { 0.0 } else { 1.0 };
        assert_eq!(r.city(m, "contact_coverage:universal"), want, "month {m}");
    }
}

#[test]
fn a_skill_mix_change_lets_a_staffed_role_give_universal_support() {
    let mut s = skill_mix(WorkRef::UniversalSupport);
    s.reviews[0].roles = vec!["nn".into()];
    s.universal_support = support(&["hv"]);
    let r = Run::of(&s);
    for m in 0..12 {
        let needed = r.city(m, "universal_support_needed");
        assert!(needed > 40.0, "month {m}: {needed} hours wanted");
        let want = if m < 6 { 0.0 } else { needed };
        close(r.city(m, "universal_support_hours"), want, m);
    }
}

/// North has children and no staff; south has 4 HVs (15 hours a day) and no children.
#[test]
fn spare_hours_go_to_the_district_without_staff() {
    let north = district("north", 1000, 1000.0, &[]);
    let south = district("south", 0, 0.0, &[("hv", 4.0)]);
    let mut s = scenario(6, vec![], vec![north, south]);
    let run = |spare_share: f64| {
        let mut s = s.clone();
        let secondments = vec![];
        s.mutual_aid = Some(MutualAid {
            spare_share,
            secondments,
        });
        Run::of(&s)
    };
    let none = run(0.0);
    assert!(none.sum("north", "review_due:new_birth") > 400.0);
    for metric in ["review_on_time", "review_late"] {
        assert_eq!(none.sum("north", &format!("{metric}:new_birth")), 0.0);
    }
    assert_eq!(none.sum("north", "mutual_aid_hours"), 0.0);
    for share in [0.5, 1.0] {
        let r = run(share);
        for m in 0..6 {
            let aid = r.get(m, "north", "mutual_aid_hours");
            let lender = r.get(m, "south", "hours_available");
            close(lender, 4.0 * 3.75 * weekdays(m), "south's hours");
            let what = format!("share {share} month {m}: {aid} of {lender}");
            assert!(aid > 0.0 && aid <= share * lender + 1e-9, "{what}");
            assert_eq!(aid % 1.5, 0.0, "whole reviews of 1.5 hours: {what}");
            assert_eq!(r.get(m, "south", "hours_used"), 0.0, "south has no work");
            assert_eq!(r.get(m, "south", "mutual_aid_hours"), 0.0);
            if m > 0 {
                assert_eq!(r.get(m, "north", "compliance:new_birth"), 1.0, "{what}");
            }
        }
        let done = r.sum("north", "review_on_time:new_birth");
        let done = done + r.sum("north", "review_late:new_birth");
        assert!(r.sum("north", "mutual_aid_hours") >= 1.5 * done);
    }
    s.mutual_aid = None;
    assert_eq!(Run::of(&s).0, none.0, "spare_share 0 is no mutual aid");
}

/// 1 WTE goes from north (3 HVs) to south (2 HVs) from Monday 12 February to Friday 8 March
/// 2024: 14 working days in February (12-16, 19-23, 26-29), 6 in March (1, 4-8).
#[test]
fn a_secondment_moves_exactly_its_hours_inside_its_window() {
    let north = district("north", 100, 100.0, &[("hv", 3.0)]);
    let south = district("south", 100, 100.0, &[("hv", 2.0)]);
    let mut s = scenario(4, vec![], vec![north, south]);
    let secondment = Secondment {
        role: "hv".into(),
        wte: 1.0,
        from: "north".into(),
        to: "south".into(),
        start: "2024-02-12".into(),
        end: "2024-03-08".into(),
    };
    let (spare_share, secondments) = (0.0, vec![secondment]);
    s.mutual_aid = Some(MutualAid {
        spare_share,
        secondments,
    });
    let r = Run::of(&s);
    let (days, seconded) = ([23.0, 21.0, 21.0, 22.0], [0.0, 14.0, 6.0, 0.0]);
    for m in 0..4 {
        assert_eq!(days[m], weekdays(m));
        let moved = 3.75 * seconded[m];
        let hours = |d: &str| r.get(m, d, "hours_available");
        close(hours("north"), 3.0 * 3.75 * days[m] - moved, m);
        close(hours("south"), 2.0 * 3.75 * days[m] + moved, m);
        close(hours("ALL"), 5.0 * 3.75 * days[m], m);
        assert_eq!(r.get(m, "north", "wte:hv"), 3.0, "staff stay in post");
    }
}

/// £365,250 a year is £1,000 a day; 10% off from 1 March, then £182,625 (£500 a day) from 16 May.
#[test]
fn budget_changes_apply_from_their_day() {
    let mut s = tiny();
    s.calendar.months = 6;
    let change = |from: &str, change| BudgetChange {
        from: from.into(),
        change,
    };
    let changes = vec![
        change("2024-03-01", Change::Percent(-10.0)),
        change("2024-05-16", Change::Absolute(182_625.0)),
    ];
    s.budget = budget(365_250.0, changes, OverspendPolicy::Report);
    let r = Run::of(&s);
    // Days at £1,000, £900 and £500 in each month.
    let days = [
        [31, 0, 0],
        [29, 0, 0],
        [0, 31, 0],
        [0, 30, 0],
        [0, 15, 16],
        [0, 0, 30],
    ];
    for (m, [full, cut, reset]) in days.into_iter().enumerate() {
        let want = f64::from(1000 * full + 900 * cut + 500 * reset);
        close(r.city(m, "budget"), want, m);
    }
}

/// 2 HVs cost £100,000 a year against a budget of £45,000: £55,000 over, which at £30,000 a
/// trainee takes ceil(1.83) = 2 entrants off the March intake of 10.
#[test]
fn shrink_next_intake_takes_entrants_off_after_an_overspend() {
    let mut s = scenario(4, vec![student()], tiny().districts);
    s.pipelines = vec![programme(10, "2024-03-01", 12, split(&[("north", 1.0)]))];
    let run = |policy| {
        let mut s = s.clone();
        s.budget = budget(45_000.0, vec![], policy);
        Run::of(&s)
    };
    let shrunk = run(OverspendPolicy::ShrinkNextIntake);
    assert_eq!(shrunk.city(2, "starters:student"), 8.0);
    assert_eq!(shrunk.city(3, "trainees_in_training"), 8.0);
    let full = run(OverspendPolicy::Report);
    assert_eq!(full.city(2, "starters:student"), 10.0);
}

/// 10 HVs at £36,525 (£1,000 a day together) against £328,725 (£900 a day): £36,525 a year
/// over, one post's cost, so one funded post goes; the overspend that cut already covers (one
/// person in post beyond the establishment) is not cut again.
#[test]
fn cut_establishment_removes_the_overspend_worth_of_posts() {
    let mut s = scenario(4, vec![], small(&[("hv", 10.0)]));
    s.roles[0].annual_cost = 36_525.0;
    s.budget = budget(328_725.0, vec![], OverspendPolicy::CutEstablishment);
    let r = Run::of(&s);
    close(r.city(0, "establishment:hv"), 10.0, "month 0");
    for m in 1..4 {
        close(r.city(m, "establishment:hv"), 9.0, m);
        assert_eq!(r.city(m, "wte:hv"), 10.0);
        assert_eq!(r.city(m, "vacancies:hv"), 0.0);
    }
}

/// Far over budget with staff leaving: funded posts fall to what is in post or below, so
/// leavers are never replaced; only reporting the overspend, they are.
#[test]
fn cut_establishment_stops_refilling_vacancies() {
    let mut s = scenario(12, vec![], small(&[("hv", 20.0)]));
    s.roles[0].attrition = 0.6;
    s.roles[0].recruitment = Some(recruitment(DaysDistribution::Fixed(10.0), 1.0, None));
    let run = |policy| {
        let mut s = s.clone();
        s.budget = budget(1000.0, vec![], policy);
        Run::of(&s)
    };
    let cut = run(OverspendPolicy::CutEstablishment);
    assert_eq!(cut.city(0, "establishment:hv"), 20.0);
    assert!(cut.sum("ALL", "leavers:hv") > 5.0);
    assert_eq!(cut.sum("ALL", "starters:hv"), 0.0);
    for m in 1..12 {
        let (posts, wte) = (cut.city(m, "establishment:hv"), cut.city(m, "wte:hv"));
        let what = format!("month {m}: {posts} funded, {wte} in post");
        assert!(posts <= wte + 1e-9 && posts < 20.0, "{what}");
        assert_eq!(cut.city(m, "vacancies:hv"), 0.0, "{what}");
    }
    assert!(run(OverspendPolicy::Report).sum("ALL", "starters:hv") > 5.0);
}

/// One trainee (no productive time) qualifies on 1 February 2024 (day 31) with a 3-month
/// preceptorship from a share of 0.4, ending 1 May (day 121). Shares move at month starts:
/// 1 March (day 60) 0.4 + 0.6 x 29/90, 1 April (day 91) 0.4 + 0.6 x 60/90 = 0.8, 1 May 1.
#[test]
fn preceptorship_ramps_a_qualifier_up_at_month_starts() {
    let mut s = scenario(6, vec![student()], small(&[]));
    let mut p = programme(1, "2024-01-01", 1, split(&[("north", 1.0)]));
    p.preceptorship = Some(Preceptorship {
        months: 3,
        starting_share: 0.4,
    });
    s.pipelines = vec![p];
    let r = Run::of(&s);
    let shares = [0.0, 0.4, 0.4 + 0.6 * 29.0 / 90.0, 0.8, 1.0, 1.0];
    for (m, share) in shares.into_iter().enumerate() {
        let want = share * 3.75 * weekdays(m);
        close(r.city(m, "hours_available"), want, m);
    }
    assert_eq!(r.city(1, "qualified:hv"), 1.0);
    assert_eq!(r.city(1, "wte:hv"), 1.0);
}

/// A 12-month programme from 1 January 2023 ends on the run's first day, which validation
/// accepts: its 10 qualifiers are health visitors from day 0.
#[test]
fn an_intake_completing_on_the_first_day_brings_its_qualifiers() {
    let mut s = scenario(2, vec![student()], small(&[("hv", 2.0)]));
    s.pipelines = vec![programme(10, "2023-01-01", 12, split(&[("north", 1.0)]))];
    let r = Run::of(&s);
    assert_eq!(r.city(0, "qualified:hv"), 10.0);
    assert_eq!(r.city(0, "wte:hv"), 12.0);
    assert_eq!(r.city(0, "trainees_in_training"), 0.0);
}

/// One trainee on a four-month programme from 1 January, working 3 contact hours a day at a
/// productive share moving from 0.2 to 0.6 over the programme's 121 days, updated at month starts.
#[test]
fn a_trainees_productive_share_moves_along_the_programme() {
    let mut s = scenario(4, vec![role("student", 30.0, 0.5)], small(&[]));
    let mut p = programme(1, "2024-01-01", 4, split(&[("north", 1.0)]));
    (p.productive_share_start, p.productive_share_end) = (0.2, 0.6);
    s.pipelines = vec![p];
    let r = Run::of(&s);
    for (m, day) in [0.0, 31.0, 60.0, 91.0].into_iter().enumerate() {
        let want = (0.2 + 0.4 * day / 121.0) * 3.0 * weekdays(m);
        close(r.city(m, "hours_available"), want, m);
        assert_eq!(r.city(m, "trainees_in_training"), 1.0);
    }
}

#[test]
fn a_split_places_a_cohort_by_largest_remainder() {
    let districts = ["north", "south", "east"].map(|d| district(d, 100, 100.0, &[("hv", 1.0)]));
    let mut s = scenario(3, vec![student()], districts.to_vec());
    let shares = [("north", 0.5), ("south", 0.3), ("east", 0.2)];
    s.pipelines = vec![programme(10, "2024-02-01", 1, split(&shares))];
    let r = Run::of(&s);
    for (d, want) in [("north", 5.0), ("south", 3.0), ("east", 2.0)] {
        assert_eq!(r.get(1, d, "starters:student"), want, "{d}");
        assert_eq!(r.get(2, d, "qualified:hv"), want, "{d}");
        assert_eq!(r.get(2, d, "wte:hv"), 1.0 + want, "{d}");
    }
}

/// South (2,000 children, 1 HV) is listed first; north has 5,000 children and 2 HVs. Four go
/// where caseload per HV is highest, recomputed each time: north (2500 vs 2000), south (2000
/// vs 1667), north (1667 vs 1000), north (1250 vs 1000).
#[test]
fn pressure_places_each_where_caseload_per_hv_is_highest() {
    let south = district("south", 400, 400.0, &[("hv", 1.0)]);
    let north = district("north", 1000, 1000.0, &[("hv", 2.0)]);
    let mut s = scenario(3, vec![student()], vec![south, north]);
    s.pipelines = vec![programme(4, "2024-02-01", 1, Placement::Pressure)];
    let r = Run::of(&s);
    for (d, want) in [("north", 3.0), ("south", 1.0)] {
        assert_eq!(r.get(1, d, "starters:student"), want, "{d}");
        assert_eq!(r.get(2, d, "qualified:hv"), want, "{d}");
    }
}

/// Everyone is 55 to 60 and retires at an annual rate of 1 (a monthly probability of 1).
#[test]
fn retirement_by_age_band_takes_everyone_in_the_band() {
    let with_rate = |rate: f64| {
        let mut s = scenario(12, vec![], small(&[("hv", 20.0)]));
        s.roles[0].age_mix = vec![AgeShare {
            from_age: 55,
            to_age: 60,
            share: 1.0,
        }];
        s.roles[0].retirement = vec![AgeBand {
            from_age: 55,
            to_age: 70,
            rate,
        }];
        Run::of(&s)
    };
    let all = with_rate(1.0);
    assert_eq!(all.sum("ALL", "leavers:hv"), 20.0);
    assert_eq!(all.city(0, "wte:hv"), 0.0, "all go in the first month");
    assert_eq!(all.city(11, "wte:hv"), 0.0);
    let none = with_rate(0.0);
    assert_eq!(none.sum("ALL", "leavers:hv"), 0.0);
    assert_eq!(none.city(11, "wte:hv"), 20.0);
}

/// 70 vacancies across two districts, at most 3 starters a month city-wide.
#[test]
fn the_monthly_recruitment_cap_binds_city_wide() {
    let districts = ["north", "south"].map(|d| {
        let mut d = district(d, 100, 100.0, &[("hv", 5.0)]);
        d.establishment = map(&[("hv", 40.0)]);
        d
    });
    let mut s = scenario(12, vec![], districts.to_vec());
    let fill = DaysDistribution::Uniform {
        min: 0.0,
        max: 40.0,
    };
    s.roles[0].recruitment = Some(recruitment(fill, 0.5, Some(3)));
    let r = Run::of(&s);
    for m in 0..12 {
        assert_eq!(r.city(m, "starters:hv"), 3.0, "month {m}");
    }
    assert_eq!(r.city(11, "wte:hv"), 10.0 + 36.0);
}

/// 50 volunteers giving 10 hours a week (2 a working day) are the only capacity.
fn only_volunteers() -> Scenario {
    let mut s = scenario(6, vec![], vec![district("north", 1000, 1000.0, &[])]);
    s.volunteers = Some(volunteers(50, 10.0, 0.0));
    s.universal_support = support(&[]);
    s
}

#[test]
fn volunteers_never_do_reviews() {
    let r = Run::of(&only_volunteers());
    for m in 0..6 {
        assert!(r.city(m, "review_due:new_birth") > 50.0);
        assert_eq!(r.city(m, "compliance:new_birth"), 0.0, "month {m}");
        assert_eq!(r.city(m, "hours_available"), 0.0);
        // None join: those active at the month's end gave 2 hours every working day of it.
        let before = m.checked_sub(1).map_or(50.0, |p| r.city(p, "volunteers"));
        let (hours, days) = (r.city(m, "volunteer_hours"), 2.0 * weekdays(m));
        let active = r.city(m, "volunteers") * days - 1e-9..=before * days + 1e-9;
        assert!(active.contains(&hours), "{m}: {hours} not in {active:?}");
    }
}

/// 0.01 hours of universal support wanted a child a month, all of it given by the volunteers.
#[test]
fn volunteers_give_universal_support() {
    let r = Run::of(&only_volunteers());
    for m in 0..6 {
        let needed = r.city(m, "universal_support_needed");
        close(needed, 0.01 * r.city(m, "children_opening"), "wanted");
        assert!(needed > 40.0, "month {m}: {needed}");
        close(r.city(m, "universal_support_hours"), needed, m);
    }
}

/// 10 volunteers each take 2.5 hours a week (0.5 a working day) of supervision from 2 HVs.
#[test]
fn volunteer_supervision_comes_out_of_the_supervisors_hours() {
    let mut s = tiny();
    s.calendar.months = 2;
    s.volunteers = Some(volunteers(10, 3.0, 2.5));
    let r = Run(run_scenario(&s, 1, 11, None));
    for m in 0..2 {
        assert_eq!(r.city(m, "volunteers"), 10.0, "nobody left");
        let want = (2.0 * 3.75 - 10.0 * 0.5) * weekdays(m);
        close(r.city(m, "hours_available"), want, m);
        let given = r.city(m, "volunteer_hours");
        close(given, 10.0 * 0.6 * weekdays(m), m);
    }
}

/// Four apprentices at half of 3 contact hours a day for 3 months, then nursery nurses.
#[test]
fn apprentices_count_as_apprentices_and_qualify_into_their_role() {
    let roles = vec![role("apprentice", 37.5, 0.4), nursery_nurse()];
    let mut s = scenario(5, roles, small(&[("hv", 1.0)]));
    let mut p = programme(4, "2024-01-01", 3, split(&[("north", 1.0)]));
    p.kind = PipelineKind::Apprentice;
    (p.training_role, p.qualifies_as) = ("apprentice".into(), "nn".into());
    (p.productive_share_start, p.productive_share_end) = (0.5, 0.5);
    s.pipelines = vec![p];
    let r = Run::of(&s);
    for m in 0..3 {
        assert_eq!(r.city(m, "apprentices"), 4.0);
        assert_eq!(r.city(m, "trainees_in_training"), 0.0);
        let want = 4.0 * 0.5 * 3.0 * weekdays(m);
        close(r.city(m, "apprentice_hours"), want, m);
    }
    for (metric, want) in [
        ("apprentices", 0.0),
        ("apprentice_hours", 0.0),
        ("starters:nn", 4.0),
        ("qualified:nn", 4.0),
        ("leavers:apprentice", 4.0),
        ("wte:nn", 4.0),
    ] {
        assert_eq!(r.city(3, metric), want, "{metric} in April");
    }
    // As trainees instead, they count as trainees and give no apprentice hours.
    s.pipelines[0].kind = PipelineKind::Trainee;
    let r = Run::of(&s);
    assert_eq!(r.city(0, "trainees_in_training"), 4.0);
    assert_eq!(r.sum("ALL", "apprentices"), 0.0);
    assert_eq!(r.sum("ALL", "apprentice_hours"), 0.0);
}
