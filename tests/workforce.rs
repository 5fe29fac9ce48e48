//! Workforce mechanisms against closed-form answers: programme yield, exponential attrition,
//! steady-state staffing under recruitment, Little's law for volunteers, spend as cost x time, and
//! freezes that stop every start.

use caseload::results::Results;
use caseload::scenario::{
    Budget, DaysDistribution, Intake, OverspendPolicy, Pipeline, PipelineKind, Placement,
    Recruitment, Role, Scenario, Volunteers, WorkloadLeaving,
};

use crate::common::{map, run_scenario, tiny, total, value};

/// Mean and standard error over replications of `f(replication)`.
fn mean_se(results: &Results, f: impl Fn(usize) -> f64) -> (f64, f64) {
    let n = results.replications();
    let xs: Vec<f64> = (0..n).map(f).collect();
    let mean = xs.iter().sum::<f64>() / n as f64;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0);
    (mean, (var / n as f64).sqrt())
}

/// `tiny()` with a trainee role and no children work to speak of.
fn with_trainee_role() -> Scenario {
    let mut s = tiny();
    let mut trainee: Role = s.roles[0].clone();
    trainee.id = "student".into();
    trainee.name = "Student health visitor".into();
    trainee.health_visitor = false;
    s.roles.push(trainee);
    s
}

fn pipeline(size: u32, attrition: f64) -> Pipeline {
    Pipeline {
        id: "scphn".into(),
        name: "SCPHN programme".into(),
        kind: PipelineKind::Trainee,
        training_role: "student".into(),
        qualifies_as: "hv".into(),
        length_months: 12,
        registration: None,
        attrition,
        productive_share_start: 0.2,
        productive_share_end: 0.6,
        annual_cost: 30_000.0,
        wte: 1.0,
        placement: Placement::Pressure,
        preceptorship: None,
        intakes: vec![Intake {
            start: "2024-02-01".into(),
            size,
            every_months: None,
            until: None,
        }],
    }
}

#[test]
fn a_cohort_yields_its_size_times_one_less_attrition() {
    let mut s = with_trainee_role();
    s.calendar.months = 15;
    s.pipelines = vec![pipeline(50, 0.2)];
    let results = run_scenario(&s, 40, 21, None);
    let months = 0..results.months.len();
    let (mean, se) = mean_se(&results, |r| {
        total(&results, r, months.clone(), "ALL", "qualified:hv")
    });
    assert!(
        (mean - 40.0).abs() < 4.0 * se,
        "yield {mean} +- {se}, expected 50 x 0.8 = 40"
    );
    // Everyone qualified on 1 February 2025 (month 13), and the HV WTE rose by as many.
    for r in 0..results.replications() {
        let qualified = value(&results, r, 13, "ALL", "qualified:hv");
        assert_eq!(
            qualified,
            total(&results, r, months.clone(), "ALL", "qualified:hv")
        );
        assert_eq!(value(&results, r, 13, "ALL", "hv_wte"), 2.0 + qualified);
        assert_eq!(value(&results, r, 13, "ALL", "trainees_in_training"), 0.0);
        // Starters into the student role: all 50 in February 2024.
        assert_eq!(value(&results, r, 1, "ALL", "starters:student"), 50.0);
    }
}

#[test]
fn completers_take_the_qualified_role_after_registration() {
    // Ten entrants from 1 February 2024 on a 12-month programme with 89 days' registration: they
    // complete on 1 February 2025 (month 13) and stay students, as the statistics count them,
    // until 1 May 2025 (month 16), when all ten become health visitors.
    let mut s = with_trainee_role();
    s.calendar.months = 18;
    let mut p = pipeline(10, 0.0);
    p.registration = Some(DaysDistribution::Fixed(89.0));
    s.pipelines = vec![p];
    let results = run_scenario(&s, 3, 5, None);
    for r in 0..results.replications() {
        for month in 13..16 {
            assert_eq!(
                value(&results, r, month, "ALL", "trainees_in_training"),
                10.0
            );
            assert_eq!(
                value(&results, r, month, "ALL", "hv_wte"),
                2.0,
                "month {month}"
            );
            assert_eq!(value(&results, r, month, "ALL", "qualified:hv"), 0.0);
        }
        assert_eq!(value(&results, r, 16, "ALL", "qualified:hv"), 10.0);
        assert_eq!(value(&results, r, 16, "ALL", "hv_wte"), 12.0);
        assert_eq!(value(&results, r, 16, "ALL", "trainees_in_training"), 0.0);
    }
}

#[test]
fn exponential_attrition_leaves_the_expected_survivors() {
    // 1,000 staff leaving with annual probability 0.2: after two years 1,000 x 0.8^2 = 640 remain.
    let mut s = tiny();
    s.calendar.months = 24;
    s.roles[0].attrition = 0.2;
    s.districts[0].staff = map(&[("hv", 1000.0)]);
    let results = run_scenario(&s, 20, 22, None);
    let (mean, se) = mean_se(&results, |r| value(&results, r, 23, "ALL", "hv_wte"));
    assert!(
        (mean - 640.0).abs() < 4.0 * se,
        "survivors {mean} +- {se}, expected 640"
    );
    // After one year, 800.
    let (year1, se1) = mean_se(&results, |r| value(&results, r, 11, "ALL", "hv_wte"));
    assert!(
        (year1 - 800.0).abs() < 4.0 * se1,
        "after a year {year1} +- {se1}, expected 800"
    );
}

#[test]
fn leaving_with_the_caseload_is_attrition_at_that_caseload() {
    // 100 HVs and about 5,000 children: a caseload c of about 50. Leaving rising by 0.5 a year
    // per 100 children per WTE above 30 is, in the first month, attrition of 0.005 x (c - 30):
    // the same draws, so the same leavers to the bit. (c is the census's: the children on the
    // books at the start, `children_opening` without migration.)
    let mut s = tiny();
    s.calendar.months = 1;
    s.districts[0].staff = map(&[("hv", 100.0)]);
    s.roles[0].workload_leaving = Some(WorkloadLeaving {
        above: 30.0,
        per_100: 0.5,
    });
    let mut leavers = 0.0;
    for seed in 1..=10 {
        let with_feedback = run_scenario(&s, 1, seed, None);
        let c = value(&with_feedback, 0, 0, "ALL", "children_opening") / 100.0;
        assert!((45.0..=50.0).contains(&c), "caseload {c}");
        let mut fixed = s.clone();
        fixed.roles[0].workload_leaving = None;
        fixed.roles[0].attrition = 0.5 / 100.0 * (c - 30.0);
        let without = run_scenario(&fixed, 1, seed, None);
        let got = value(&with_feedback, 0, 0, "ALL", "leavers:hv");
        assert_eq!(
            got,
            value(&without, 0, 0, "ALL", "leavers:hv"),
            "seed {seed}"
        );
        leavers += got;
    }
    // About 100 x (1 - 0.9^(1/12)) = 0.87 a month each: some left.
    assert!(leavers > 0.0);
}

#[test]
fn leaving_feedback_at_zero_changes_nothing() {
    let mut s = tiny();
    s.calendar.months = 12;
    s.roles[0].attrition = 0.1;
    s.districts[0].staff = map(&[("hv", 20.0)]);
    let plain = run_scenario(&s, 3, 5, None);
    s.roles[0].workload_leaving = Some(WorkloadLeaving {
        above: 0.0,
        per_100: 0.0,
    });
    assert_eq!(run_scenario(&s, 3, 5, None), plain);
    // Switched on, more leave: caseloads of about 250 are far above 100.
    s.roles[0].workload_leaving = Some(WorkloadLeaving {
        above: 100.0,
        per_100: 0.2,
    });
    let more = run_scenario(&s, 3, 5, None);
    let sum = |r: &Results| -> f64 {
        (0..3)
            .map(|rep| total(r, rep, 0..12, "ALL", "leavers:hv"))
            .sum()
    };
    assert!(
        sum(&more) > sum(&plain) + 5.0,
        "{} vs {}",
        sum(&more),
        sum(&plain)
    );
}

#[test]
fn steady_state_staff_is_hires_per_year_over_the_leaving_rate() {
    // Always more vacancies than hires; 10 hires a month (the cap) and an annual leaving
    // probability of 0.2 (hazard -ln 0.8 a year) hold 120 / 0.2231 = 537.8 WTE in steady state.
    let mut s = tiny();
    s.calendar.months = 60;
    s.roles[0].attrition = 0.2;
    s.roles[0].recruitment = Some(Recruitment {
        time_to_fill: DaysDistribution::Fixed(0.0),
        success: 1.0,
        monthly_cap: Some(10),
        wte: 1.0,
        frozen_from: None,
    });
    s.districts[0].staff = map(&[("hv", 538.0)]);
    s.districts[0].establishment = map(&[("hv", 2000.0)]);
    let results = run_scenario(&s, 8, 23, None);
    let expected = 120.0 / -(0.8f64.ln());
    let months = 24..60;
    let (mean, se) = mean_se(&results, |r| {
        months
            .clone()
            .map(|m| value(&results, r, m, "ALL", "hv_wte"))
            .sum::<f64>()
            / 36.0
    });
    assert!(
        (mean - expected).abs() < 4.0 * se + 5.0,
        "steady state {mean} +- {se}, expected {expected}"
    );
    for r in 0..results.replications() {
        for m in 0..60 {
            assert_eq!(
                value(&results, r, m, "ALL", "starters:hv"),
                10.0,
                "the cap binds every month"
            );
        }
    }
}

#[test]
fn volunteers_in_post_follow_littles_law() {
    // 10 recruits a month, each active for a mean of 6 months: 60 active in steady state.
    let mut s = tiny();
    s.calendar.months = 48;
    s.volunteers = Some(Volunteers {
        recruited_per_month: map(&[("north", 10.0)]),
        active_at_start: [("north".to_string(), 60)].into_iter().collect(),
        onboarding_days: 30,
        mean_tenure_months: 6.0,
        hours_per_week: 3.0,
        supervision_hours_per_week: 0.0,
        supervisor_role: "hv".into(),
        annual_cost: 0.0,
    });
    let results = run_scenario(&s, 10, 24, None);
    let (mean, se) = mean_se(&results, |r| {
        (12..48)
            .map(|m| value(&results, r, m, "ALL", "volunteers"))
            .sum::<f64>()
            / 36.0
    });
    assert!(
        (mean - 60.0).abs() < 4.0 * se + 1.0,
        "active volunteers {mean} +- {se}, expected 60"
    );
}

#[test]
fn spend_is_cost_times_time() {
    // 3 WTE at £36,525 a year cost £300 a day; volunteers at £3,652.50 a year cost £10 a day each;
    // other costs of £73,050 a year are £200 a day. January 2024 has 31 days, February 29.
    let mut s = tiny();
    s.calendar.months = 2;
    s.roles[0].annual_cost = 36_525.0;
    s.districts[0].staff = map(&[("hv", 3.0)]);
    s.volunteers = Some(Volunteers {
        recruited_per_month: map(&[]),
        active_at_start: [("north".to_string(), 5)].into_iter().collect(),
        onboarding_days: 0,
        mean_tenure_months: 600.0,
        hours_per_week: 1.0,
        supervision_hours_per_week: 0.0,
        supervisor_role: "hv".into(),
        annual_cost: 3_652.5,
    });
    s.budget = Some(Budget {
        annual: 365_250.0,
        other_costs: 73_050.0,
        changes: vec![],
        overspend: OverspendPolicy::Report,
    });
    let results = run_scenario(&s, 1, 25, None);
    // Nobody recruits; with five still active at the end of February nobody left (so the
    // volunteers' cost is exactly five a day).
    assert_eq!(value(&results, 0, 1, "ALL", "volunteers"), 5.0);
    for (m, days) in [(0, 31.0), (1, 29.0)] {
        let spend = value(&results, 0, m, "ALL", "spend");
        assert!(
            (spend - (300.0 + 50.0 + 200.0) * days).abs() < 1e-6,
            "month {m}: spend {spend}"
        );
        let budget = value(&results, 0, m, "ALL", "budget");
        assert!(
            (budget - 1000.0 * days).abs() < 1e-6,
            "month {m}: budget {budget}"
        );
    }
}

#[test]
fn a_recruitment_freeze_stops_every_start() {
    let mut s = tiny();
    s.calendar.months = 24;
    s.roles[0].attrition = 0.3;
    s.roles[0].recruitment = Some(Recruitment {
        time_to_fill: DaysDistribution::Uniform {
            min: 10.0,
            max: 60.0,
        },
        success: 0.8,
        monthly_cap: None,
        wte: 1.0,
        frozen_from: Some("2025-01-01".into()),
    });
    s.districts[0].staff = map(&[("hv", 40.0)]);
    let results = run_scenario(&s, 4, 26, None);
    for r in 0..results.replications() {
        let before = total(&results, r, 0..12, "ALL", "starters:hv");
        let after = total(&results, r, 12..24, "ALL", "starters:hv");
        assert!(
            before > 0.0,
            "recruitment replaced leavers before the freeze"
        );
        assert_eq!(after, 0.0, "nobody starts after the freeze");
        assert!(total(&results, r, 12..24, "ALL", "leavers:hv") > 0.0);
    }
}

#[test]
fn a_budget_freeze_stops_starts_while_spending_runs_over() {
    // A budget far below the pay bill: from the second month recruitment is frozen.
    let mut s = tiny();
    s.calendar.months = 12;
    s.roles[0].attrition = 0.5;
    s.roles[0].recruitment = Some(Recruitment {
        time_to_fill: DaysDistribution::Fixed(5.0),
        success: 1.0,
        monthly_cap: None,
        wte: 1.0,
        frozen_from: None,
    });
    s.districts[0].staff = map(&[("hv", 30.0)]);
    s.budget = Some(Budget {
        annual: 1000.0,
        other_costs: 0.0,
        changes: vec![],
        overspend: OverspendPolicy::FreezeRecruitment,
    });
    let results = run_scenario(&s, 3, 27, None);
    for r in 0..results.replications() {
        assert_eq!(total(&results, r, 1..12, "ALL", "starters:hv"), 0.0);
        assert!(value(&results, r, 11, "ALL", "vacancies:hv") > 0.0);
    }
}
