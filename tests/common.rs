//! Shared fixtures: a small one-district scenario written in code, so each test can change the one
//! thing it is about, and helpers to run it.

use std::collections::BTreeMap;
use std::sync::Arc;

use caseload::load;
use caseload::replicate::{RunOptions, run};
use caseload::results::Results;
use caseload::scenario::{
    AllocationPolicy, Anchor, Calendar, District, LeaveAt, Migration, NeedLevel, Offset,
    Population, Review, Role, Scenario,
};
use caseload::validate::validate;

/// A map from `(&str, f64)` pairs.
pub fn map(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
    pairs.iter().map(|&(k, v)| (k.to_string(), v)).collect()
}

/// One district, one level of need with no extra contacts, one review (a new birth visit, 10-14
/// days, last chance 30) with full uptake, one health-visitor role with 2 WTE, 5 years from January
/// 2024, children leaving at their fifth birthday, no migration.
pub fn tiny() -> Scenario {
    Scenario {
        extends: None,
        name: "tiny".into(),
        description: String::new(),
        calendar: Calendar {
            start: "2024-01-01".into(),
            months: 60,
            working_days: {
                use caseload::scenario::Weekday::*;
                vec![Mon, Tue, Wed, Thu, Fri]
            },
            bank_holidays: vec![],
        },
        population: Population {
            leave_at: LeaveAt::FifthBirthday,
        },
        need_levels: vec![NeedLevel {
            id: "universal".into(),
            name: "Universal".into(),
            transitions: map(&[("universal", 1.0)]),
            contacts_per_month: 0.0,
            contact_hours: 0.0,
            contact_roles: vec![],
            priority: 5,
        }],
        reviews: vec![Review {
            id: "new_birth".into(),
            name: "New birth visit".into(),
            metric: "C2".into(),
            anchor: Anchor::Birth,
            opens: Offset::Days(10),
            on_time: Offset::Days(14),
            last_chance: Offset::Days(30),
            hours: 1.5,
            uptake: 1.0,
            offered_share: 1.0,
            roles: vec!["hv".into()],
            priority: 2,
            target: None,
        }],
        roles: vec![Role {
            id: "hv".into(),
            name: "Health visitor".into(),
            hours_per_week: 37.5,
            contact_share: 0.5,
            annual_cost: 50_000.0,
            health_visitor: true,
            attrition: 0.0,
            retirement: vec![],
            age_mix: vec![],
            recruitment: None,
        }],
        districts: vec![District {
            id: "north".into(),
            name: "North".into(),
            children_by_age: vec![1000, 1000, 1000, 1000, 1000],
            births_per_year: 1000.0,
            births_trend: 0.0,
            need_mix: map(&[("universal", 1.0)]),
            migration: Migration::default(),
            staff: map(&[("hv", 2.0)]),
            establishment: BTreeMap::new(),
        }],
        allocation: AllocationPolicy::RiskFirst,
        universal_support: None,
        pipelines: vec![],
        volunteers: None,
        skill_mix_changes: vec![],
        mutual_aid: None,
        budget: None,
    }
}

/// Runs `scenario` (which must be valid) for `reps` replications.
pub fn run_scenario(scenario: &Scenario, reps: u32, seed: u64, threads: Option<usize>) -> Results {
    let model = validate(scenario).unwrap_or_else(|p| panic!("invalid test scenario: {p:?}"));
    let options = RunOptions {
        replications: reps,
        seed,
        threads: threads.and_then(std::num::NonZeroUsize::new),
    };
    run(&Arc::new(model), &options, &|| {}).expect("thread pool")
}

/// The embedded baseline as a scenario.
pub fn baseline() -> Scenario {
    load::baseline().expect("the baseline is valid").scenario
}

/// A metric's value for one replication, month and district (`"ALL"` for the city).
pub fn value(results: &Results, rep: usize, month: usize, district: &str, metric: &str) -> f64 {
    let d = results
        .district_index(district)
        .unwrap_or_else(|| panic!("no district {district}"));
    let k = results
        .metric_index(metric)
        .unwrap_or_else(|| panic!("no metric {metric}"));
    results.value(rep, month, d, k)
}

/// The sum of a metric over months `months` for one replication and district.
pub fn total(
    results: &Results,
    rep: usize,
    months: std::ops::Range<usize>,
    district: &str,
    metric: &str,
) -> f64 {
    months
        .map(|m| value(results, rep, m, district, metric))
        .sum()
}
