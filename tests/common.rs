//! Shared fixtures: a small one-district scenario written in code, so each test can change the one
//! thing it is about, and helpers to run it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use caseload::load;
use caseload::replicate::{Replications, RunOptions};
use caseload::results::Results;
use caseload::scenario::{
    AllocationPolicy, Anchor, Budget, BudgetChange, Calendar, DaysDistribution, District, Intake,
    LeaveAt, Migration, NeedLevel, Offset, OverspendPolicy, Pipeline, PipelineKind, Placement,
    Population, Recruitment, Review, Role, Scenario, Volunteers,
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
            warm_up_months: 0,
        },
        population: Population {
            leave_at: LeaveAt::FifthBirthday,
            keep_district_need_mix: false,
        },
        need_levels: vec![NeedLevel {
            id: "universal".into(),
            name: "Universal".into(),
            transitions: map(&[("universal", 1.0)]),
            contacts_per_month: 0.0,
            contact_hours: 0.0,
            contact_roles: vec![],
            priority: 5,
            released: Default::default(),
            contacts_by_age: vec![],
            caseload_weight: None,
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
            reported: Default::default(),
            coverage: None,
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
            workload_leaving: None,
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
        delivery: None,
        universal_support: None,
        pipelines: vec![],
        volunteers: None,
        skill_mix_changes: vec![],
        mutual_aid: None,
        budget: None,
        uncertain: vec![],
        rag: Default::default(),
    }
}

/// `tiny()` cut to 12 months: long enough for a year's targets, cheap enough to run through the
/// binary many times.
pub fn tiny_year() -> Scenario {
    let mut s = tiny();
    s.calendar.months = 12;
    s
}

/// `tiny()` with one invalid value, an uptake of 1.2 (a share above 1): a scenario every command
/// must refuse.
pub fn invalid_uptake() -> Scenario {
    let mut s = tiny();
    s.reviews[0].uptake = 1.2;
    s
}

/// Runs `scenario` (which must be valid) for `reps` replications.
pub fn run_scenario(scenario: &Scenario, reps: u32, seed: u64, threads: Option<usize>) -> Results {
    let model = validate(scenario).unwrap_or_else(|p| panic!("invalid test scenario: {p:?}"));
    let options = RunOptions {
        replications: reps,
        seed,
        threads: threads.and_then(std::num::NonZeroUsize::new),
    };
    Replications::from(Arc::new(model))
        .run(&options, &|| {})
        .expect("thread pool")
        .results
}

/// The shipped scenarios folder.
pub fn scenarios_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
}

/// The embedded baseline as a scenario.
pub fn baseline() -> Scenario {
    load::baseline().expect("the baseline is valid").scenario
}

/// The embedded baseline cut to its first `months` months (2 at least: the committed trainee cohort
/// starts in February 2019).
pub fn baseline_for(months: u32) -> Scenario {
    let mut s = baseline();
    s.calendar.months = months;
    let end = format!("{}-{:02}-01", 2019 + months / 12, months % 12 + 1);
    s.calendar.bank_holidays.retain(|d| *d < end);
    s
}

/// `scenario` with every district's health visitors in post and funded scaled by `factor`.
pub fn with_health_visitors(mut scenario: Scenario, factor: f64) -> Scenario {
    for d in &mut scenario.districts {
        for wte in [&mut d.staff, &mut d.establishment] {
            if let Some(x) = wte.get_mut("health_visitor") {
                *x *= factor;
            }
        }
    }
    scenario
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

/// Asserts that two runs hold the same bits for each of `metrics` in `district`, in every
/// replication and month of `a`.
pub fn assert_same_cells<'m>(
    a: &Results,
    b: &Results,
    district: &str,
    metrics: impl IntoIterator<Item = &'m str>,
) {
    for metric in metrics {
        for r in 0..a.replications() {
            for m in 0..a.months.len() {
                let (x, y) = (
                    value(a, r, m, district, metric),
                    value(b, r, m, district, metric),
                );
                assert_eq!(
                    x.to_bits(),
                    y.to_bits(),
                    "{metric}, replication {r}, month {m}: {x} against {y}"
                );
            }
        }
    }
}

/// The mean over replications of a metric in one month and district (`"ALL"` for the city).
pub fn mean(results: &Results, month: usize, district: &str, metric: &str) -> f64 {
    let n = results.replications();
    (0..n)
        .map(|r| value(results, r, month, district, metric))
        .sum::<f64>()
        / n as f64
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

// Workforce fixtures: runs from Monday 1 January 2024, in which `hv` has 37.5 x 0.5 / 5 = 3.75
// contact hours a working day.

/// Working days (Monday to Friday) in month `m` of the run (0 is January 2024), counted from
/// the civil calendar.
pub fn weekdays(m: usize) -> f64 {
    let first = jiff::civil::date(2024 + (m / 12) as i16, (m % 12) as i8 + 1, 1);
    (0..first.days_in_month())
        .map(|k| first + jiff::Span::new().days(i64::from(k)))
        .filter(|d| d.weekday().to_monday_zero_offset() < 5)
        .count() as f64
}

/// A role with `hours_per_week` x `contact_share` / 5 contact hours a working day.
pub fn role(id: &str, hours_per_week: f64, contact_share: f64) -> Role {
    let mut r = tiny().roles[0].clone();
    (r.id, r.name, r.health_visitor) = (id.into(), id.into(), false);
    (r.hours_per_week, r.contact_share) = (hours_per_week, contact_share);
    r
}

/// `tiny()`'s district with its own id, children per year of age, births and staff.
pub fn district(id: &str, children: u32, births: f64, staff: &[(&str, f64)]) -> District {
    let mut d = tiny().districts[0].clone();
    (d.id, d.name, d.staff) = (id.into(), id.into(), map(staff));
    (d.children_by_age, d.births_per_year) = (vec![children; 5], births);
    d
}

/// `tiny()` for `months` months with roles `hv` and `extra`, and the given districts.
pub fn scenario(months: u32, extra: Vec<Role>, districts: Vec<District>) -> Scenario {
    let mut s = tiny();
    s.calendar.months = months;
    s.roles.extend(extra);
    s.districts = districts;
    s
}

/// A student health visitor: a trainee programme's training role, 3.75 contact hours a day.
pub fn student() -> Role {
    role("student", 37.5, 0.5)
}

/// A nursery nurse: 3.75 contact hours a day.
pub fn nursery_nurse() -> Role {
    role("nn", 37.5, 0.5)
}

/// A trainee programme of one intake of `size` on `start`, from `student` to `hv`, with no
/// drop-outs and no productive time.
pub fn programme(size: u32, start: &str, length_months: u32, placement: Placement) -> Pipeline {
    let intake = Intake {
        start: start.into(),
        size,
        every_months: None,
        until: None,
    };
    Pipeline {
        id: "scphn".into(),
        name: "SCPHN".into(),
        kind: PipelineKind::Trainee,
        training_role: "student".into(),
        qualifies_as: "hv".into(),
        length_months,
        registration: None,
        attrition: 0.0,
        productive_share_start: 0.0,
        productive_share_end: 0.0,
        annual_cost: 30_000.0,
        wte: 1.0,
        placement,
        preceptorship: None,
        intakes: vec![intake],
    }
}

/// A placement of a programme's entrants by these shares of districts.
pub fn split(shares: &[(&str, f64)]) -> Placement {
    Placement::Split(map(shares))
}

/// A budget of `annual` a year with no other costs.
pub fn budget(
    annual: f64,
    changes: Vec<BudgetChange>,
    overspend: OverspendPolicy,
) -> Option<Budget> {
    let other_costs = 0.0;
    Some(Budget {
        annual,
        other_costs,
        changes,
        overspend,
    })
}

/// Recruitment of whole posts, never frozen, with an optional monthly cap.
pub fn recruitment(time_to_fill: DaysDistribution, success: f64, cap: Option<u32>) -> Recruitment {
    let (monthly_cap, wte, frozen_from) = (cap, 1.0, None);
    Recruitment {
        time_to_fill,
        success,
        monthly_cap,
        wte,
        frozen_from,
    }
}

/// Volunteers active in `north` at the start, staying 50 years on average, none recruited.
pub fn volunteers(active: u32, hours_per_week: f64, supervision_hours_per_week: f64) -> Volunteers {
    Volunteers {
        recruited_per_month: BTreeMap::new(),
        active_at_start: [("north".to_string(), active)].into_iter().collect(),
        onboarding_days: 0,
        mean_tenure_months: 600.0,
        hours_per_week,
        supervision_hours_per_week,
        supervisor_role: "hv".into(),
        annual_cost: 0.0,
    }
}

/// One replication's results.
pub struct Run(pub Results);

impl Run {
    pub fn of(s: &Scenario) -> Run {
        Run(run_scenario(s, 1, 7, None))
    }

    pub fn get(&self, m: usize, district: &str, metric: &str) -> f64 {
        value(&self.0, 0, m, district, metric)
    }

    /// The city's value.
    pub fn city(&self, m: usize, metric: &str) -> f64 {
        self.get(m, "ALL", metric)
    }

    /// The sum over the run.
    pub fn sum(&self, district: &str, metric: &str) -> f64 {
        total(&self.0, 0, 0..self.0.months.len(), district, metric)
    }
}

/// Asserts `got` is `want` within 1e-6; `what` (a month, a label) names the value.
pub fn close(got: f64, want: f64, what: impl std::fmt::Display) {
    assert!((got - want).abs() < 1e-6, "{what}: {got}, expected {want}");
}
