//! Every class of bad input in the workforce sections is refused with its field path, a clear
//! message, and the line and column of the offending value; several problems come at once.
//! How a problem is expected and located: `located_problems.rs`.

use caseload::load::load_str;
use caseload::locate::Position;
use caseload::scenario::{
    Budget, BudgetChange, Change, DaysDistribution, Placement, Preceptorship, Recruitment,
    Scenario, Secondment, Volunteers, WorkRef, WorkloadLeaving,
};

use crate::common::{map, tiny};
use crate::located_problems::{
    SOURCE, check, find, only, problems, text_of, valid, value_position,
};

/// The hv role's workforce fields, written after `health_visitor: true,`.
const HV: &str = r#"
            attrition: 0.1,
            retirement: [(from_age: 60, to_age: 67, rate: 0.3)],
            age_mix: [(from_age: 25, to_age: 44, share: 0.6), (from_age: 45, to_age: 64, share: 0.4)],
            recruitment: (time_to_fill: Gamma(mean: 90.0, sd: 30.0), success: 0.7, monthly_cap: 5),
            workload_leaving: (above: 400.0, per_100: 0.05),"#;

/// Every workforce section, written before the scenario's closing parenthesis.
const SECTIONS: &str = r#"
    universal_support: (hours_per_child_per_month: 0.05, roles: ["hv"], priority: 9),
    pipelines: [(
        id: "scphn", name: "SCPHN", kind: Trainee, training_role: "student", qualifies_as: "hv",
        length_months: 12, attrition: 0.1, productive_share_start: 0.2, productive_share_end: 0.6,
        annual_cost: 30000.0, wte: 1.0, placement: Split({"north": 0.5, "south": 0.5}),
        preceptorship: (months: 6, starting_share: 0.5),
        intakes: [(start: "2024-09-01", size: 10, every_months: 12)],
    )],
    volunteers: (
        recruited_per_month: {"north": 2.0}, active_at_start: {"north": 5}, onboarding_days: 30,
        mean_tenure_months: 6.0, hours_per_week: 3.0, supervision_hours_per_week: 0.5,
        supervisor_role: "hv", annual_cost: 500.0,
    ),
    skill_mix_changes: [(from: "2025-01-01", work: Review("new_birth"), roles: ["student", "hv"])],
    mutual_aid: (spare_share: 0.25, secondments: [(
        role: "hv", wte: 0.5, from: "north", to: "south", start: "2024-03-01", end: "2024-06-30",
    )]),
    budget: (
        annual: 250000.0, other_costs: 10000.0,
        changes: [(from: "2025-04-01", change: Percent(-5.0))],
    ),
)"#;

/// `tiny()` with two districts (north and south, 2 HVs each, north funding 3), a student role
/// and every workforce section filled in; valid. Runs 2024-01-01 to 2028-12-31.
fn full() -> Scenario {
    let mut s = tiny();
    let mut student = s.roles[0].clone();
    (student.id, student.health_visitor) = ("student".into(), false);
    s.roles.push(student);
    let mut south = s.districts[0].clone();
    (south.id, south.name) = ("south".into(), "South".into());
    s.districts.push(south);
    s.districts[0].establishment = map(&[("hv", 3.0)]);
    let text = text_of(&s).replacen(
        "health_visitor: true,",
        &format!("health_visitor: true,{HV}"),
        1,
    );
    let text = format!(
        "{}{SECTIONS}",
        text.trim_end().strip_suffix(')').expect("ends with )")
    );
    load_str("full.ron", &text)
        .unwrap_or_else(|e| panic!("full() is valid, but: {e}"))
        .scenario
}

fn with(change: impl FnOnce(&mut Scenario)) -> Scenario {
    let mut s = full();
    change(&mut s);
    s
}

fn recruitment(s: &mut Scenario) -> &mut Recruitment {
    s.roles[0].recruitment.as_mut().expect("hv recruits")
}

fn volunteers(s: &mut Scenario) -> &mut Volunteers {
    s.volunteers.as_mut().expect("volunteers")
}

fn preceptorship(s: &mut Scenario) -> &mut Preceptorship {
    s.pipelines[0]
        .preceptorship
        .as_mut()
        .expect("a preceptorship")
}

fn secondment(s: &mut Scenario) -> &mut Secondment {
    &mut s.mutual_aid.as_mut().expect("mutual aid").secondments[0]
}

fn budget(s: &mut Scenario) -> &mut Budget {
    s.budget.as_mut().expect("a budget")
}

/// `full()` placing its programme's entrants by these shares.
fn split(shares: &[(&str, f64)]) -> Scenario {
    with(|s| s.pipelines[0].placement = Placement::Split(map(shares)))
}

#[test]
fn the_full_fixture_is_valid_and_round_trips() {
    let loaded = load_str(SOURCE, &text_of(&full())).expect("full() is valid");
    assert_eq!(loaded.scenario, full());
}

#[test]
fn attrition_and_retirement_rates_are_probabilities() {
    let spec = "roles[0].attrition: must be a probability in [0, 1], found 1.5";
    only(with(|s| s.roles[0].attrition = 1.5), spec, "attrition: 1.5");
    let spec = "pipelines[0].attrition: must be a probability in [0, 1], found -0.1";
    let s = with(|s| s.pipelines[0].attrition = -0.1);
    only(s, spec, "attrition: -0.1");
    let spec = "roles[0].retirement[0].rate: must be a probability in [0, 1], found 2";
    let s = with(|s| s.roles[0].retirement[0].rate = 2.0);
    only(s, spec, "rate: 2.0");
}

#[test]
fn workload_leaving_needs_a_caseload_and_a_probability() {
    fn leaving(s: &mut Scenario) -> &mut WorkloadLeaving {
        s.roles[0].workload_leaving.as_mut().expect("in full()")
    }
    let spec = "roles[0].workload_leaving.per_100: must be a probability in [0, 1], found 1.5";
    only(with(|s| leaving(s).per_100 = 1.5), spec, "per_100: 1.5");
    let spec = "roles[0].workload_leaving.above: must be a finite number >= 0, found -1";
    only(with(|s| leaving(s).above = -1.0), spec, "above: -1.0");
}

#[test]
fn retirement_bands_must_run_forwards() {
    let spec = "roles[0].retirement[0].to_age: must be at least from_age (60) and at most 120";
    let s = with(|s| s.roles[0].retirement[0].to_age = 50);
    only(s, spec, "to_age: 50");
    let s = with(|s| s.roles[0].retirement[0].to_age = 121);
    only(s, spec, "to_age: 121");
}

#[test]
fn retirement_needs_the_ages_of_staff() {
    // age_mix is left out of the file: the problem is shown at the role.
    let s = with(|s| s.roles[0].age_mix.clear());
    let spec = "roles[0].age_mix: retirement by age needs the ages of staff in post (age_mix)";
    only(s, spec, "|Role(\n            id: \"hv\"");
}

#[test]
fn age_mix_shares_must_sum_to_one() {
    let s = with(|s| (s.roles[0].age_mix[0].share, s.roles[0].age_mix[1].share) = (0.5, 0.25));
    let spec = "roles[0].age_mix: shares must sum to 1, they sum to 0.75";
    only(s, spec, "age_mix: [");
    let s = with(|s| s.roles[0].age_mix[1].to_age = 130);
    let spec = "roles[0].age_mix[1].to_age: must be at least from_age";
    only(s, spec, "to_age: 130");
}

#[test]
fn an_age_band_starting_too_young_is_reported_at_from_age() {
    let s = with(|s| s.roles[0].age_mix[0].from_age = 12);
    let spec = "roles[0].age_mix[0].from_age: staff are 16 or older, found 12";
    only(s, spec, "from_age: 12");
}

#[test]
fn recruitment_success_is_a_probability() {
    let spec = "roles[0].recruitment.success: must be a probability in [0, 1], found 1.1";
    only(with(|s| recruitment(s).success = 1.1), spec, "success: 1.1");
}

#[test]
fn the_recruitment_cap_is_at_least_one() {
    let s = with(|s| recruitment(s).monthly_cap = Some(0));
    let spec = "roles[0].recruitment.monthly_cap: must be at least 1";
    only(s, spec, "monthly_cap: 0");
}

#[test]
fn recruitment_wte_is_more_than_0_and_at_most_1() {
    let s = with(|s| recruitment(s).wte = 0.0);
    let spec = "roles[0].recruitment.wte: found 0";
    only(s, spec, "wte: 0.0");
    let spec = "roles[0].recruitment.wte: found 1.5";
    only(with(|s| recruitment(s).wte = 1.5), spec, "wte: 1.5");
}

#[test]
fn time_to_fill_must_be_a_sensible_distribution() {
    use DaysDistribution::*;
    let fill = |d| with(|s| recruitment(s).time_to_fill = d);
    let path = "roles[0].recruitment.time_to_fill";
    let spec = format!("{path}: days must be 0 to 3653, found -1");
    only(fill(Fixed(-1.0)), &spec, "time_to_fill: Fixed(-1.0)");
    let s = fill(Uniform { min: 5.0, max: 2.0 });
    let spec = format!("{path}: needs 0 <= min <= max <= 3653 days, found min 5, max 2");
    only(s, &spec, "time_to_fill: Uniform(");
    let spec = format!("{path}: the mean must be more than 0 and at most 3653 days, found 0");
    only(
        fill(Exponential(0.0)),
        &spec,
        "time_to_fill: Exponential(0.0)",
    );
    let s = fill(Gamma {
        mean: 30.0,
        sd: 0.0,
    });
    let spec = format!("{path}: mean and sd must be more than 0 and at most 3653 days");
    only(s, &spec, "time_to_fill: Gamma(");
}

#[test]
fn a_freeze_date_must_be_a_date_inside_the_run() {
    let freeze = |d: &str| with(|s| recruitment(s).frozen_from = Some(d.into()));
    let spec = "roles[0].recruitment.frozen_from: 2029-01-01 is outside the simulated period \
                (2024-01-01 to 2028-12-31)";
    only(freeze("2029-01-01"), spec, "frozen_from: \"2029-01-01\"");
    let spec = "roles[0].recruitment.frozen_from: 2023-12-31 is outside";
    only(freeze("2023-12-31"), spec, "frozen_from: \"2023-12-31\"");
    let spec = "roles[0].recruitment.frozen_from: must be an ISO date like \"2020-02-01\", found \
                \"soon\"";
    only(freeze("soon"), spec, "frozen_from: \"soon\"");
    valid(freeze("2028-12-31"), "the last day is inside the run");
}

#[test]
fn establishment_names_known_roles_and_is_not_negative() {
    let s = with(|s| _ = s.districts[0].establishment.insert("nurse".into(), 2.0));
    let spec = "districts[0].establishment[\"nurse\"]: unknown role \"nurse\"; expected one of: \
                hv, student";
    only(s, spec, "\"nurse\": 2.0");
    let s = with(|s| s.districts[0].establishment = map(&[("hv", -1.0)]));
    let spec = "districts[0].establishment[\"hv\"]: must be a finite number >= 0, found -1";
    only(s, spec, "\"hv\": -1.0");
}

#[test]
fn pipelines_name_known_roles() {
    let s = with(|s| s.pipelines[0].training_role = "ghost".into());
    let spec = "pipelines[0].training_role: unknown role \"ghost\"; expected one of: hv, student";
    only(s, spec, "training_role: \"ghost\"");
    let s = with(|s| s.pipelines[0].qualifies_as = "phantom".into());
    let spec = "pipelines[0].qualifies_as: unknown role \"phantom\"";
    only(s, spec, "qualifies_as: \"phantom\"");
}

#[test]
fn registration_is_a_distribution_of_days() {
    let s = with(|s| {
        s.pipelines[0].registration = Some(DaysDistribution::Uniform {
            min: 90.0,
            max: 30.0,
        })
    });
    let spec =
        "pipelines[0].registration: needs 0 <= min <= max <= 3653 days, found min 90, max 30";
    only(s, spec, "registration: Uniform(");
    let s = with(|s| s.pipelines[0].registration = Some(DaysDistribution::Fixed(3653.0)));
    valid(s, "ten years is allowed");
}

#[test]
fn programmes_last_1_to_60_months() {
    for months in [0, 61] {
        let s = with(|s| s.pipelines[0].length_months = months);
        let spec = format!("pipelines[0].length_months: must be 1 to 60 months, found {months}");
        only(s, &spec, &format!("length_months: {months},"));
    }
    let s = with(|s| s.pipelines[0].length_months = 60);
    valid(s, "60 months is allowed");
}

#[test]
fn programme_shares_are_probabilities() {
    let s = with(|s| s.pipelines[0].productive_share_start = 1.2);
    let spec = "pipelines[0].productive_share_start: must be a probability in [0, 1], found 1.2";
    only(s, spec, "productive_share_start: 1.2");
    let s = with(|s| s.pipelines[0].productive_share_end = -0.5);
    let spec = "pipelines[0].productive_share_end: found -0.5";
    only(s, spec, "productive_share_end: -0.5");
    let s = with(|s| preceptorship(s).starting_share = 1.5);
    let spec = "pipelines[0].preceptorship.starting_share: found 1.5";
    only(s, spec, "starting_share: 1.5");
    let s = split(&[("north", 1.5), ("south", -0.5)]);
    let spec = "pipelines[0].placement[\"north\"]: found 1.5";
    check(s.clone(), 2, spec, "\"north\": 1.5");
    let spec = "pipelines[0].placement[\"south\"]: found -0.5";
    check(s, 2, spec, "\"south\": -0.5");
}

#[test]
fn pipeline_wte_is_more_than_0_and_at_most_1() {
    for (wte, written) in [(0.0, "wte: 0.0"), (1.01, "wte: 1.01")] {
        let s = with(|s| s.pipelines[0].wte = wte);
        let spec = format!("pipelines[0].wte: must be more than 0 and at most 1, found {wte}");
        only(s, &spec, written);
    }
}

#[test]
fn a_split_sums_to_one_over_known_districts() {
    let s = split(&[("north", 0.5), ("south", 0.3)]);
    let spec = "pipelines[0].placement: shares must sum to 1, they sum to 0.8";
    only(s, spec, "placement: Split(");
    let s = split(&[("north", 0.5), ("nowhere", 0.5)]);
    let spec = "pipelines[0].placement[\"nowhere\"]: unknown district \"nowhere\"; expected one of: \
                north, south";
    only(s, spec, "\"nowhere\": 0.5");
}

#[test]
fn preceptorship_lasts_1_to_60_months() {
    let s = with(|s| preceptorship(s).months = 0);
    let spec = "pipelines[0].preceptorship.months: must be 1 to 60, found 0";
    only(s, spec, "months: 0,");
}

#[test]
fn an_intake_is_at_most_100000_entrants() {
    let s = with(|s| s.pipelines[0].intakes[0].size = 100_001);
    let spec = "pipelines[0].intakes[0].size: at most 100000 entrants an intake, found 100001";
    only(s, spec, "size: 100001");
}

#[test]
fn intakes_repeat_at_least_monthly() {
    let s = with(|s| s.pipelines[0].intakes[0].every_months = Some(0));
    let spec = "pipelines[0].intakes[0].every_months: must be at least 1";
    only(s, spec, "every_months: 0");
}

#[test]
fn an_intake_must_end_after_the_run_starts() {
    let intake = |start: &str| {
        with(|s| {
            let i = &mut s.pipelines[0].intakes[0];
            (i.start, i.every_months) = (start.into(), None);
        })
    };
    // A 12-month programme from January 2022 ended in January 2023.
    let spec = "pipelines[0].intakes[0].start: the programme ends before the run starts";
    only(intake("2022-01-01"), spec, "start: \"2022-01-01\"");
    let spec = "pipelines[0].intakes[0].start: must be an ISO date";
    only(intake("next year"), spec, "start: \"next year\"");
    let s = intake("2023-02-01");
    valid(s, "a programme part-way through at the start");
}

#[test]
fn until_must_be_a_date_inside_the_run() {
    let until = |d: &str| with(|s| s.pipelines[0].intakes[0].until = Some(d.into()));
    let spec = "pipelines[0].intakes[0].until: must be an ISO date like \"2020-02-01\", found \
                \"later\"";
    only(until("later"), spec, "until: \"later\"");
    let spec = "pipelines[0].intakes[0].until: 2029-09-01 is outside the simulated period";
    only(until("2029-09-01"), spec, "until: \"2029-09-01\"");
    valid(until("2026-09-01"), "three intakes");
}

/// Otherwise the intake would silently never run.
#[test]
fn until_must_not_be_before_the_first_intake() {
    let s = with(|s| s.pipelines[0].intakes[0].until = Some("2024-03-01".into()));
    let spec = "pipelines[0].intakes[0].until: must not be before start";
    only(s, spec, "until: \"2024-03-01\"");
}

#[test]
fn pipeline_ids_are_unique() {
    let s = with(|s| s.pipelines.push(s.pipelines[0].clone()));
    let text = text_of(&s);
    let found = problems(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    let p = find(&found, "pipelines[1].id: duplicate id \"scphn\"");
    assert_eq!(p.position, Some(value_position(&text, "id: \"scphn\"", 1)));
}

#[test]
fn volunteers_are_recruited_in_known_districts_at_a_non_negative_rate() {
    let s = with(|s| volunteers(s).recruited_per_month = map(&[("nowhere", 2.0)]));
    let spec = "volunteers.recruited_per_month[\"nowhere\"]: unknown district \"nowhere\"; \
                expected one of: north, south";
    only(s, spec, "\"nowhere\": 2.0");
    let s = with(|s| volunteers(s).recruited_per_month = map(&[("north", -1.0)]));
    let spec = "volunteers.recruited_per_month[\"north\"]: must be a finite number >= 0, found -1";
    only(s, spec, "\"north\": -1.0");
    let s = with(|s| _ = volunteers(s).active_at_start.insert("east".into(), 3));
    let spec = "volunteers.active_at_start[\"east\"]: unknown district";
    only(s, spec, "\"east\": 3");
}

#[test]
fn volunteers_stay_a_while_and_give_0_to_60_hours_a_week() {
    let s = with(|s| volunteers(s).mean_tenure_months = 0.0);
    let spec = "volunteers.mean_tenure_months: must be more than 0 and at most 600, found 0";
    only(s, spec, "mean_tenure_months: 0.0");
    for (hours, written) in [(0.0, "hours_per_week: 0.0"), (61.0, "hours_per_week: 61.0")] {
        let s = with(|s| volunteers(s).hours_per_week = hours);
        let spec =
            format!("volunteers.hours_per_week: must be more than 0 and at most 60, found {hours}");
        only(s, &spec, written);
    }
}

#[test]
fn volunteers_are_supervised_by_a_known_role() {
    let s = with(|s| volunteers(s).supervisor_role = "matron".into());
    let spec = "volunteers.supervisor_role: unknown role \"matron\"; expected one of: hv, student";
    only(s, spec, "supervisor_role: \"matron\"");
}

#[test]
fn universal_support_roles_are_known() {
    let s = with(|s| s.universal_support.as_mut().expect("set").roles = vec!["ghost".into()]);
    let spec = "universal_support.roles[0]: unknown role \"ghost\"; expected one of: hv, student";
    only(s, spec, "\"ghost\"");
}

#[test]
fn skill_mix_changes_name_known_work() {
    let work = |w: WorkRef| with(|s| s.skill_mix_changes[0].work = w);
    let spec = "skill_mix_changes[0].work: unknown review \"ghost\"; expected one of: new_birth";
    let s = work(WorkRef::Review("ghost".into()));
    only(s, spec, "work: Review(\"ghost\")");
    let spec =
        "skill_mix_changes[0].work: unknown need level \"ghost\"; expected one of: universal";
    let s = work(WorkRef::Contacts("ghost".into()));
    only(s, spec, "work: Contacts(\"ghost\")");
    let mut s = work(WorkRef::UniversalSupport);
    valid(s.clone(), "with a universal_support section");
    s.universal_support = None;
    let spec = "skill_mix_changes[0].work: the scenario has no universal_support section";
    only(s, spec, "work: UniversalSupport");
}

#[test]
fn skill_mix_changes_fall_inside_the_run() {
    let from = |d: &str| with(|s| s.skill_mix_changes[0].from = d.into());
    let spec = "skill_mix_changes[0].from: 2029-01-01 is outside the simulated period (2024-01-01 \
                to 2028-12-31)";
    only(from("2029-01-01"), spec, "from: \"2029-01-01\"");
    let s = from("2023-12-31");
    let spec = "skill_mix_changes[0].from: outside";
    only(s, spec, "from: \"2023-12-31\"");
    let s = from("1 May");
    let spec = "skill_mix_changes[0].from: must be an ISO date";
    only(s, spec, "from: \"1 May\"");
}

#[test]
fn skill_mix_changes_name_at_least_one_role_except_for_universal_support() {
    let s = with(|s| s.skill_mix_changes[0].roles.clear());
    let spec = "skill_mix_changes[0].roles: must name at least one role";
    only(s, spec, " roles: []");
    let s = with(|s| {
        s.skill_mix_changes[0].roles.clear();
        s.skill_mix_changes[0].work = WorkRef::UniversalSupport;
    });
    valid(s, "universal support may be left to volunteers");
}

#[test]
fn spare_share_is_a_probability() {
    let s = with(|s| s.mutual_aid.as_mut().expect("set").spare_share = 1.5);
    let spec = "mutual_aid.spare_share: must be a probability in [0, 1], found 1.5";
    only(s, spec, "spare_share: 1.5");
}

#[test]
fn a_secondment_goes_between_two_known_districts() {
    let s = with(|s| secondment(s).to = "north".into());
    let spec = "mutual_aid.secondments[0].to: a district cannot second staff to itself";
    only(s, spec, "to: \"north\"");
    let s = with(|s| secondment(s).from = "nowhere".into());
    let spec = "mutual_aid.secondments[0].from: unknown district \"nowhere\"; expected one of: \
                north, south";
    only(s, spec, "from: \"nowhere\"");
    let s = with(|s| secondment(s).role = "ghost".into());
    let spec = "mutual_aid.secondments[0].role: unknown role \"ghost\"";
    only(s, spec, "role: \"ghost\"");
}

#[test]
fn a_secondment_lends_at_most_the_staff_the_district_has() {
    let s = with(|s| secondment(s).wte = 3.0);
    let spec = "mutual_aid.secondments[0].wte: the lending district has 2 WTE of the role at the \
                start, fewer than 3";
    only(s, spec, "wte: 3.0");
    let s = with(|s| secondment(s).wte = 0.0);
    let spec = "mutual_aid.secondments[0].wte: must be a finite number > 0, found 0";
    only(s, spec, "wte: 0.0");
    valid(with(|s| secondment(s).wte = 2.0), "all of its staff");
}

#[test]
fn a_secondment_ends_on_or_after_its_start() {
    let s = with(|s| secondment(s).end = "2024-02-29".into());
    let spec = "mutual_aid.secondments[0].end: must not be before start";
    only(s, spec, "end: \"2024-02-29\"");
    let s = with(|s| secondment(s).end = "2024-03-01".into());
    valid(s, "a one-day secondment");
}

#[test]
fn budgets_are_not_negative() {
    let s = with(|s| budget(s).annual = -1.0);
    let spec = "budget.annual: must be a finite number >= 0, found -1";
    only(s, spec, "annual: -1.0");
    let s = with(|s| budget(s).other_costs = f64::NAN);
    only(s, "budget.other_costs: found NaN", "other_costs: NaN");
}

#[test]
fn budget_changes_are_sensible_amounts() {
    let change = |c| with(|s| budget(s).changes[0].change = c);
    let spec = "budget.changes[0].change: a percentage must be more than -100 and at most 1000, \
                found -100";
    let s = change(Change::Percent(-100.0));
    only(s, spec, "change: Percent(-100.0)");
    let spec = "budget.changes[0].change: an amount must be a finite number >= 0, found -1";
    let s = change(Change::Absolute(-1.0));
    only(s, spec, "change: Absolute(-1.0)");
    valid(change(Change::Absolute(0.0)), "no budget at all");
}

#[test]
fn budget_changes_are_in_date_order_inside_the_run() {
    let s = with(|s| {
        budget(s).changes.push(BudgetChange {
            from: "2024-06-01".into(),
            change: Change::Absolute(1.0),
        })
    });
    let spec = "budget.changes[1].from: changes must be in date order";
    only(s, spec, "from: \"2024-06-01\"");
    let s = with(|s| budget(s).changes[0].from = "2029-02-01".into());
    let spec = "budget.changes[0].from: 2029-02-01 is outside the simulated period";
    only(s, spec, "from: \"2029-02-01\"");
}

#[test]
fn every_workforce_problem_is_reported_at_once_in_file_order() {
    let s = with(|s| {
        s.roles[0].attrition = 1.5;
        s.pipelines[0].length_months = 0;
        volunteers(s).hours_per_week = 0.0;
        s.mutual_aid.as_mut().expect("set").spare_share = 1.5;
        budget(s).annual = -1.0;
        s.skill_mix_changes[0].work = WorkRef::Review("ghost".into());
    });
    let text = text_of(&s);
    let expected = [
        ("roles[0].attrition: found 1.5", "attrition: 1.5"),
        ("pipelines[0].length_months: found 0", "length_months: 0"),
        ("volunteers.hours_per_week: found 0", "hours_per_week: 0.0"),
        ("skill_mix_changes[0].work: unknown review", "work: Review("),
        ("mutual_aid.spare_share: found 1.5", "spare_share: 1.5"),
        ("budget.annual: found -1", "annual: -1.0"),
    ];
    let found = problems(&text);
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    let mut last = Position { line: 0, col: 0 };
    for (p, (spec, needle)) in found.iter().zip(expected) {
        assert_eq!(p, find(&found, spec), "listed in file order");
        let at = value_position(&text, needle, 0);
        assert_eq!(p.position, Some(at), "{spec}");
        assert!((at.line, at.col) > (last.line, last.col));
        last = at;
    }
    let shown = load_str(SOURCE, &text).expect_err("invalid").to_string();
    let count = "bad.ron: 6 problems found; the scenario was not run";
    assert_eq!(shown.lines().last(), Some(count), "{shown}");
}
