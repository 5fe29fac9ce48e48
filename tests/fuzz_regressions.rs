//! Inputs the fuzzer found that once panicked, each kept as a test of the answer it should get.

use caseload::load::{self, LoadError};
use caseload::replicate::Replications;
use caseload::scenario::{
    Budget, BudgetChange, Change, Distribution, Intake, OverspendPolicy, Pipeline, PipelineKind,
    Placement, Scenario, UncertainValue,
};
use caseload::uncertainty;

use crate::common::{map, run_scenario, tiny, value};

/// `tiny()` with a trainee programme whose one intake repeats every `every` months.
fn repeating_intake(every: u32) -> Scenario {
    let mut s = tiny();
    s.pipelines = vec![Pipeline {
        id: "scphn".into(),
        name: "SCPHN".into(),
        kind: PipelineKind::Trainee,
        training_role: "hv".into(),
        qualifies_as: "hv".into(),
        length_months: 12,
        registration: None,
        attrition: 0.0,
        productive_share_start: 0.5,
        productive_share_end: 0.5,
        annual_cost: 40_000.0,
        wte: 1.0,
        placement: Placement::Split(map(&[("north", 1.0)])),
        preceptorship: None,
        intakes: vec![Intake {
            start: "2024-09-01".into(),
            size: 3,
            every_months: Some(every),
            until: None,
        }],
    }];
    s
}

/// `every_months` past `i32::MAX` overflowed the month arithmetic (a panic in debug builds, and
/// intakes running backwards in time in release). Such a repeat is simply never reached again:
/// the intake happens once.
#[test]
fn a_huge_repeat_interval_gives_one_intake() {
    for every in [i32::MAX as u32, i32::MAX as u32 + 1, u32::MAX - 1, u32::MAX] {
        let text = load::to_ron(&repeating_intake(every)).expect("serialises");
        let loaded = load::load_str("every.ron", &text)
            .unwrap_or_else(|e| panic!("every_months {every}: {e}"));
        let intakes = &loaded.model.pipelines[0].intakes;
        assert_eq!(intakes.len(), 1, "every_months {every}: {intakes:?}");
        assert_eq!(intakes[0].1, 3);
    }
    // An ordinary interval still repeats to the end of the run (September 2024 to December 2028).
    let text = load::to_ron(&repeating_intake(12)).expect("serialises");
    let loaded = load::load_str("every.ron", &text).expect("loads");
    assert_eq!(loaded.model.pipelines[0].intakes.len(), 5);
    // And zero is refused, located.
    let text = load::to_ron(&repeating_intake(0)).expect("serialises");
    match load::load_str("every.ron", &text) {
        Err(LoadError::Invalid { problems, .. }) => {
            assert_eq!(
                problems[0].field.to_string(),
                "pipelines[0].intakes[0].every_months"
            );
            assert!(problems[0].position.is_some());
        }
        other => panic!("expected a located problem, got {other:?}"),
    }
}

/// Costs and hours of 1e308 were accepted and made spend, unmet hours and universal support
/// needed infinite in the results. Amounts are now capped at 1e12, with a located message, and at
/// the cap the results stay finite.
#[test]
fn astronomical_amounts_are_refused_and_the_cap_keeps_results_finite() {
    let mut s = tiny();
    s.roles[0].annual_cost = 1e308;
    s.reviews[0].hours = f64::MAX;
    s.need_levels[0].contact_hours = 1e13;
    let text = load::to_ron(&s).expect("serialises");
    let Err(LoadError::Invalid { problems, .. }) = load::load_str("huge.ron", &text) else {
        panic!("astronomical amounts were accepted");
    };
    let mut found: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "need_levels[0].contact_hours: must be at most 1e12, found 1e13",
            "reviews[0].hours: must be at most 1e12, found 1.7976931348623157e308",
            "roles[0].annual_cost: must be at most 1e12, found 1e308",
        ]
    );
    assert!(
        problems.iter().all(|p| p.position.is_some()),
        "{problems:?}"
    );

    s.calendar.months = 3;
    s.roles[0].annual_cost = 1e12;
    s.reviews[0].hours = 1e12;
    s.need_levels[0].contact_hours = 0.0;
    let results = run_scenario(&s, 1, 1, None);
    for metric in ["spend", "unmet_hours"] {
        for m in 0..3 {
            let x = value(&results, 0, m, "ALL", metric);
            assert!(x.is_finite() && x >= 0.0, "{metric} in month {m}: {x}");
        }
    }
    assert!(value(&results, 0, 2, "ALL", "spend") > 1e10);
}

/// A pipeline `wte` of 5e-324 (more than 0, so accepted) made each entrant's pay per WTE, and so
/// spend, infinite. An entrant is now at least a hundredth of a post.
#[test]
fn a_vanishing_entrant_wte_is_refused() {
    let mut s = repeating_intake(12);
    s.pipelines[0].wte = 5e-324;
    let text = load::to_ron(&s).expect("serialises");
    let Err(LoadError::Invalid { problems, .. }) = load::load_str("tiny_wte.ron", &text) else {
        panic!("a wte of 5e-324 was accepted");
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field.to_string(), "pipelines[0].wte");
    assert_eq!(problems[0].message, "must be at least 0.01, found 5e-324");

    s.pipelines[0].wte = 0.01;
    s.calendar.months = 10;
    let results = run_scenario(&s, 1, 2, None);
    for m in 0..10 {
        let spend = value(&results, 0, m, "ALL", "spend");
        assert!(spend.is_finite() && spend > 0.0, "month {m}: {spend}");
    }
}

/// A budget change to `Absolute(1.7976931348623157e308)` (finite, so accepted), then a rise of
/// 30.7%, made the budget infinite. The budget in force after each change is now at most 1e12.
#[test]
fn a_budget_change_cannot_make_the_budget_astronomical() {
    let change = |from: &str, change| BudgetChange {
        from: from.into(),
        change,
    };
    let with = |changes: Vec<BudgetChange>| {
        let mut s = tiny();
        s.budget = Some(Budget {
            annual: 1e6,
            other_costs: 0.0,
            changes,
            overspend: OverspendPolicy::Report,
        });
        load::load_str("budget.ron", &load::to_ron(&s).expect("serialises"))
    };
    let huge = vec![
        change("2024-06-01", Change::Absolute(f64::MAX)),
        change("2024-07-09", Change::Percent(30.7)),
    ];
    let Err(LoadError::Invalid { problems, .. }) = with(huge) else {
        panic!("an astronomical budget was accepted");
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field.to_string(), "budget.changes[0].change");
    assert_eq!(
        problems[0].message,
        "the budget in force would be 1.7976931348623157e308 a year, more than 1e12"
    );
    // Rises that compound past the cap are refused at the change that crosses it.
    let rises = (1..=6)
        .map(|m| change(&format!("2024-{m:02}-02"), Change::Percent(1000.0)))
        .collect();
    let Err(LoadError::Invalid { problems, .. }) = with(rises) else {
        panic!("a compounded budget of 1.8e12 was accepted");
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field.to_string(), "budget.changes[5].change");
    // Up to the cap is fine.
    let fine = vec![change("2024-06-01", Change::Absolute(1e12))];
    assert!(with(fine).is_ok());
}

/// An uncertain `calendar.months` gave each replication a run of a different length, and
/// the run then panicked putting them in one table (an index out of range in
/// `Results::new`). Such a value is now refused before any run, naming its path.
#[test]
fn an_uncertain_run_length_is_refused_before_any_run() {
    let mut s = tiny();
    s.calendar.months = 12;
    s.uncertain = vec![UncertainValue {
        path: "calendar.months".into(),
        distribution: Distribution::Uniform {
            min: 6.0,
            max: 12.0,
        },
    }];
    let text = load::to_ron(&s).expect("serialises");
    let loaded = load::load_str("months.ron", &text).expect("valid as written");
    let e = uncertainty::prepare(&loaded).expect_err("an uncertain run length");
    assert_eq!(
        e.to_string(),
        "uncertain value \"calendar.months\": it changes the number of months in the run, which \
         every replication must share; give it a single value"
    );
    // Any other uncertain number still runs, on one table.
    s.uncertain[0].path = "districts[north].births_per_year".into();
    let text = load::to_ron(&s).expect("serialises");
    let loaded = load::load_str("births.ron", &text).expect("valid");
    let prepared = Replications::of(&loaded).expect("prepared");
    let run = prepared
        .run_indices(&[0, 1], 1, None, &|| {})
        .expect("runs");
    let (results, draws) = (run.results, run.draws.expect("uncertain"));
    assert_eq!((results.replications(), results.months.len()), (2, 12));
    assert!(draws.iter().all(|d| (6.0..=12.0).contains(&d.values[0].1)));
}
