//! The scenario file format: plain serde structs read from RON.
//!
//! These types are the scenario reference: every field's doc comment says what it means, its unit,
//! and what values are allowed. `caseload generate reference` ([`mod@reference`]) writes them out as
//! the field-by-field reference, and the app's editor shows them. Nothing here is checked
//! beyond its Rust type; [`crate::validate`] turns a `Scenario` into a typed [`crate::model::Model`]
//! and reports every problem at once, with the field's path.
//!
//! Identifiers (`id` fields) are short snake_case names that other parts of the file refer to, and
//! that appear in metric names (`children:universal_plus`, `compliance:new_birth`).

mod delivery;
pub mod diff;
pub mod reference;
pub mod schema;
mod workforce;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use delivery::{
    Absence, Booking, ChildOverhead, Cover, Delegation, Delivery, FewerContacts, Joining,
    LearnerSupervision, Overheads, ShorterVisits, Teams,
};
pub use workforce::{
    AgeBand, AgeShare, Budget, BudgetChange, Change, DaysDistribution, Intake, MutualAid,
    OverspendPolicy, Pipeline, PipelineKind, Placement, Preceptorship, Recruitment, Secondment,
    SkillMixChange, UniversalSupport, Volunteers, WorkRef,
};

/// A whole scenario: one service, its population, its staff and the policy it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Another scenario file this one changes, as a path relative to this file
    /// (`extends: "birmingham_baseline.ron"`). The file then gives only what differs: structs merge
    /// field by field, lists of items with an `id` merge by id (new ids are added), maps merge by key,
    /// anything else replaces the base's value. Only files read from disk may extend another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// A short title, shown in summaries and reports. Not empty.
    pub name: String,
    /// What question the scenario answers and where its numbers come from.
    #[serde(default)]
    pub description: String,
    /// The simulated period and the working week.
    pub calendar: Calendar,
    /// When children leave the service.
    pub population: Population,
    /// Levels of need, from least to most intensive. At least one.
    pub need_levels: Vec<NeedLevel>,
    /// The mandated and targeted reviews every child is offered. May be empty.
    pub reviews: Vec<Review>,
    /// Staff roles: hours, time available for contacts, cost. At least one.
    pub roles: Vec<Role>,
    /// The districts of the service, each with its children, births, migration and staff.
    pub districts: Vec<District>,
    /// How each district's daily hours are shared out over open work.
    #[serde(default)]
    pub allocation: AllocationPolicy,
    /// How work reaches families: caseload-holding teams and booked visits. Default: none (each
    /// district pools its hours every day, and every visit finds the family in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
    /// Universal support (groups, peer support) wanted beyond reviews and contacts. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub universal_support: Option<UniversalSupport>,
    /// Training programmes that bring new qualified staff. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pipelines: Vec<Pipeline>,
    /// The volunteer programme. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volunteers: Option<Volunteers>,
    /// Dated changes to which roles may deliver which work. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skill_mix_changes: Vec<SkillMixChange>,
    /// Help between districts. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutual_aid: Option<MutualAid>,
    /// The budget and the overspend policy. Default: none (spend is still reported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<Budget>,
    /// Numeric values that are uncertain: each is drawn afresh for every replication from its
    /// distribution (second-order Monte Carlo), so the bands include parameter uncertainty.
    /// Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uncertain: Vec<UncertainValue>,
    /// How red/amber/green statuses are set wherever a forecast is shown: the desktop app, the
    /// board report and the printed summary. Default: the thresholds below.
    #[serde(default, skip_serializing_if = "RagThresholds::is_default")]
    pub rag: RagThresholds,
}

/// The thresholds of the red/amber/green status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RagThresholds {
    /// Caseload per health-visitor WTE at or below which a district is green (> 0). Default 350,
    /// Birmingham's planned caseload (SEED-PR).
    pub caseload_green: f64,
    /// Caseload per health-visitor WTE at or below which a district is amber; above it, red.
    /// At least `caseload_green`. Default 450, an estimate.
    pub caseload_amber: f64,
    /// How many percentage points below its target a review's median share done on time may be
    /// and still be amber; further below, red (0 to 100). Default 5, an estimate.
    pub compliance_amber_points: f64,
}

impl Default for RagThresholds {
    fn default() -> Self {
        RagThresholds {
            caseload_green: 350.0,
            caseload_amber: 450.0,
            compliance_amber_points: 5.0,
        }
    }
}

impl RagThresholds {
    fn is_default(&self) -> bool {
        *self == RagThresholds::default()
    }
}

/// A numeric scenario value given as a distribution instead of a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UncertainValue {
    /// The value, as a lever path: field names joined by '.', with `[id]`, `[index]` or `[key]`
    /// after a list or map (`"roles[health_visitor].attrition"`).
    pub path: String,
    /// Its distribution; each replication draws once, from its own stream.
    pub distribution: Distribution,
}

/// A distribution of a number.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Distribution {
    /// Uniform between `min` and `max` (min < max).
    Uniform {
        /// Lowest value.
        min: f64,
        /// Highest value.
        max: f64,
    },
    /// Normal with this mean and standard deviation (sd > 0), cut at 3 sd either side so a
    /// draw can always be checked in advance.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Beta with shape parameters `alpha` and `beta` (both > 0): values in [0, 1], for shares and
    /// probabilities.
    Beta {
        /// First shape parameter.
        alpha: f64,
        /// Second shape parameter.
        beta: f64,
    },
    /// Triangular from `min` to `max` with its peak at `mode` (min <= mode <= max, min < max).
    Triangular {
        /// Lowest value.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Highest value.
        max: f64,
    },
}

/// The simulated period. Time runs in whole days; results are reported per calendar month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// First simulated day, an ISO date (`"2019-01-01"`). Must be the first day of a month, in the
    /// years 1900 to 2200.
    pub start: String,
    /// Length of the run in whole calendar months (1 to 360).
    pub months: u32,
    /// Days of the week staff work (at least one, none twice). Default: Monday to Friday.
    #[serde(default = "default_working_days")]
    pub working_days: Vec<Weekday>,
    /// Dates on which nobody works (bank holidays), ISO dates inside the simulated period (the
    /// warm-up included). A bank holiday's hours are lost, not moved to another day.
    #[serde(default)]
    pub bank_holidays: Vec<String>,
    /// Whole months simulated before `start` and not recorded (0 to 24; default 0): the service
    /// runs with its staff in post and its children, so it starts with the backlog of reviews its
    /// own capacity and priorities build, instead of every open review window counted as done.
    /// Staff, need levels and the population hold still during the warm-up: no leavers, recruits,
    /// moves, arrivals or level changes, so the start is the scenario as written.
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub warm_up_months: u32,
}

fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}

fn default_working_days() -> Vec<Weekday> {
    use Weekday::*;
    vec![Mon, Tue, Wed, Thu, Fri]
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// Who is on the service's caseload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Population {
    /// When a child leaves the service.
    pub leave_at: LeaveAt,
    /// Whether each district keeps its own `need_mix` as children move between levels: each
    /// district's monthly transitions are the city's `transitions` adjusted (Metropolis-Hastings)
    /// so that its `need_mix` is their stationary mix. Default: false (every district drifts to the
    /// city's stationary mix).
    #[serde(default, skip_serializing_if = "is_false")]
    pub keep_district_need_mix: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// When a child leaves the service.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum LeaveAt {
    /// On the fifth birthday (28 February for a child born on 29 February).
    FifthBirthday,
    /// On the first school-year start date (`month`/`day`) after the fourth birthday, as English
    /// reception entry works (a child born on 31 August starts at four, one born on 1 September at five).
    SchoolEntry {
        /// Month the school year starts (1-12); 9 in England.
        month: u8,
        /// Day of that month the school year starts (1-28).
        day: u8,
    },
}

/// A level of need: how many extra contacts a child at this level needs, who may deliver them, and
/// how children move between levels month to month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedLevel {
    /// Identifier used in metric names and in `transitions` and `need_mix` maps.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Probability that a child at this level is at each level one month later, by level id
    /// (include this level's own id for staying). Probabilities in [0, 1] summing to 1 (within
    /// 1e-6); ids left out are 0.
    pub transitions: BTreeMap<String, f64>,
    /// Extra contacts a child at this level needs per month, beyond the mandated reviews (>= 0).
    /// Each month's count for a district is drawn from a Poisson distribution with this mean per
    /// child, and must be delivered within the month.
    pub contacts_per_month: f64,
    /// Hours one contact takes, with travel and write-up (> 0 when contacts are needed).
    pub contact_hours: f64,
    /// Role ids that may deliver these contacts, in order of preference (the first with time does).
    /// At least one when `contacts_per_month` > 0; none twice.
    pub contact_roles: Vec<String>,
    /// Allocation priority, 0 to 65,535: under `RiskFirst` lower numbers are served first; under
    /// `DeadlineFirst` it only breaks ties between equal deadlines.
    pub priority: u32,
    /// How `contacts_per_month` varies with age: a multiplier for each completed year of age,
    /// from under one (at most 6 entries, each >= 0; ages past the list take its last entry).
    /// Default: none (the same at every age).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts_by_age: Vec<f64>,
    /// When the month's contacts can be given: `Evenly` over its working days (a planned visit in
    /// the diary on each), or all `AtMonthStart` (booked at the start of the month, so under
    /// `RiskFirst` they go before lower-priority work from the first day). Default: `Evenly`.
    #[serde(default, skip_serializing_if = "Release::is_even")]
    pub released: Release,
    /// Weight of a child at this level in the weighted caseload (> 0), which is reported beside the
    /// raw caseload and used to find the most pressured district for newly qualified staff placed
    /// by pressure. Default: none (no weighted caseload; every child counts 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caseload_weight: Option<f64>,
}

/// When a month's contacts for a level can be given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Release {
    /// By the end of the k-th of n working days, floor(demand x k / n) of them.
    #[default]
    Evenly,
    /// All of them from the first working day.
    AtMonthStart,
}

impl Release {
    fn is_even(&self) -> bool {
        *self == Release::Evenly
    }
}

/// A scheduled review (a mandated Healthy Child Programme contact or a targeted one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// Identifier used in metric names (`compliance:<id>`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// The public metric it maps to (OHID health-visiting metrics, e.g. `"C2"`); free text, shown
    /// in the printed summary.
    pub metric: String,
    /// What the window's offsets are measured from.
    pub anchor: Anchor,
    /// When the review may first be done, from the anchor: with `Birth` not before birth, with
    /// `ExpectedBirth` at most 280 days (40 weeks) before it (a month counts 31 days). Each of
    /// `opens`, `on_time` and `last_chance` lies within 3,653 days (ten years) of the anchor.
    pub opens: Offset,
    /// The review counts as on time if done on or before this day (the public metric's deadline).
    /// Not before `opens`.
    pub on_time: Offset,
    /// After this day the review can no longer be done and counts as missed. Not before
    /// `on_time`.
    pub last_chance: Offset,
    /// Hours one review takes, with travel and write-up (> 0).
    pub hours: f64,
    /// Share of offered families who take the review up, in [0, 1].
    pub uptake: f64,
    /// Share of children offered the review, in [0, 1]: 1 for universal reviews; for the targeted
    /// 3½-year review, the share not in early education. Default 1.
    #[serde(default = "one")]
    pub offered_share: f64,
    /// Role ids that may deliver the review, in order of preference (the first with time does).
    /// At least one; none twice.
    pub roles: Vec<String>,
    /// Allocation priority, 0 to 65,535: under `RiskFirst` lower numbers are served first; under
    /// `DeadlineFirst` it only breaks ties between equal deadlines.
    pub priority: u32,
    /// Compliance the service aims for (on time / due), in [0, 1]: shown beside the forecast, with
    /// the chance of meeting it, in the printed summary and the board report, and a key forecast
    /// of `--reps auto`. Not used in results.csv or summary.csv.
    #[serde(default)]
    pub target: Option<f64>,
    /// The month `compliance` counts a review in. Default: `OnTime`.
    #[serde(default, skip_serializing_if = "Reported::is_on_time")]
    pub reported: Reported,
    /// The public metric code of the review's coverage by its last chance, if it has one (`"C5"`:
    /// the 12-month review by 15 months): then `coverage:<id>`, reviews done by the last chance
    /// among those whose last chance falls in the month, is reported too. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<String>,
}

/// The month a review's `compliance` counts it in: the cohort of the public metric's denominator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Reported {
    /// The month of the on-time deadline: children reaching the review's age in the month (OHID
    /// C8i, C4, C6i).
    #[default]
    OnTime,
    /// The month of the last chance: OHID's C2 counts new birth visits within 14 days among
    /// children turning 30 days in the period, so a new birth visit with its last chance at 30 days
    /// is reported then.
    LastChance,
}

impl Reported {
    fn is_on_time(&self) -> bool {
        *self == Reported::OnTime
    }
}

fn one() -> f64 {
    1.0
}

/// The event a review window is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Anchor {
    /// The child's birth.
    Birth,
    /// The expected date of birth (for antenatal contacts; offsets are then usually negative).
    ExpectedBirth,
}

/// A signed span of time from an anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Offset {
    /// Whole days.
    Days(i32),
    /// Whole weeks (7 days).
    Weeks(i32),
    /// Calendar months: the same day of the month, or the month's last day if it is shorter.
    Months(i32),
}

/// A staff role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Identifier used in metric names (`wte:<id>`) and in `roles` lists.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Contracted hours per week of one whole-time equivalent (WTE), in (0, 168].
    pub hours_per_week: f64,
    /// Share of contracted hours left for contacts after leave, sickness, training, supervision,
    /// travel between bases and administration, in [0, 1]. One WTE gives `hours_per_week` x
    /// `contact_share` / (number of `working_days`) hours on each working day.
    pub contact_share: f64,
    /// Cost of one WTE for a year, in pounds, with employer on-costs (>= 0), added to `spend` every
    /// calendar day (/ 365.25).
    pub annual_cost: f64,
    /// Whether this role's WTE is the denominator of `caseload_per_hv_wte` (qualified health
    /// visitors). At least one role must say `true`.
    #[serde(default)]
    pub health_visitor: bool,
    /// Annual probability that a member of staff in the role leaves (resignation, moves, early
    /// retirement), in [0, 1]. Applied to each person month by month. Default 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub attrition: f64,
    /// Extra annual leaving probability by age band, on top of `attrition`. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retirement: Vec<AgeBand>,
    /// Ages of the role's staff in post at the start, by band (shares summing to 1); needed for
    /// `retirement`. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub age_mix: Vec<AgeShare>,
    /// External recruitment to the role's vacancies. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recruitment: Option<Recruitment>,
    /// Leaving that rises with the caseload: a feedback by which a short-staffed service can
    /// spiral. Default: none (leaving does not depend on the caseload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_leaving: Option<WorkloadLeaving>,
}

/// Extra leaving when the caseload is high. Each month, staff of the role in a district whose
/// caseload per health-visitor WTE (at the month's census) is above `above` leave with an extra
/// annual probability of `per_100` for every 100 children per WTE over it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkloadLeaving {
    /// Caseload per health-visitor WTE from which leaving rises (>= 0).
    pub above: f64,
    /// Extra annual leaving probability per 100 children per WTE above `above`, in [0, 1]
    /// (0 turns the feedback off).
    pub per_100: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// A district: its children, births, migration and staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct District {
    /// Identifier used in the `district` column of the results.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Resident children at the start by completed year of age: entry 0 is children aged under
    /// one, entry 4 those aged four. At most 6 entries. Children already past `leave_at` on the
    /// start day are not placed on the caseload.
    pub children_by_age: Vec<u32>,
    /// Births per year at the start (>= 0).
    pub births_per_year: f64,
    /// Proportional change in births per year (-0.02 is 2% fewer each year), in (-1, 1],
    /// compounding smoothly from the start day. Default 0.
    #[serde(default)]
    pub births_trend: f64,
    /// Share of children at each level of need, by level id: used for children at the start, for
    /// pregnancies when they become known, and for arrivals. Shares in [0, 1] summing to 1 (within
    /// 1e-6); ids left out are 0.
    pub need_mix: BTreeMap<String, f64>,
    /// Moves into, out of and within the city. Default: no migration.
    #[serde(default)]
    pub migration: Migration,
    /// Staff in post at the start: WTE by role id (>= 0). Roles left out have no staff. Each role's
    /// WTE is split into people: one per whole WTE and a part-timer with the rest (8.5 is eight at
    /// 1.0 and one at 0.5).
    pub staff: BTreeMap<String, f64>,
    /// Funded posts: WTE by role id (>= 0, at most 500,000). Vacancies are establishment less staff
    /// in post. Roles left out have an establishment equal to their staff in post at the start.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub establishment: BTreeMap<String, f64>,
}

/// Moves of families with young children.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Migration {
    /// Children aged under five arriving from outside the city per year (>= 0): a Poisson number at
    /// each month start, with ages drawn in proportion to the district's `children_by_age` and
    /// levels from its `need_mix`. They are offered every review whose on-time deadline has not
    /// passed.
    #[serde(default)]
    pub arrivals_per_year: f64,
    /// Annual probability that a child leaves the city, in [0, 1]; each child draws at each month
    /// start, with the monthly chance 1 - (1 - p)^(1/12).
    #[serde(default)]
    pub leave_rate: f64,
    /// Annual probability that a child moves to each other district, by district id; each in [0, 1]
    /// and together with `leave_rate` at most 1. Drawn like `leave_rate`.
    #[serde(default)]
    pub moves: BTreeMap<String, f64>,
}

/// How a district's available hours each working day are shared out over open work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AllocationPolicy {
    /// Serve work in order of `priority` (need-level contacts and reviews alike), then work that
    /// can still be on time before work already late, then earliest deadline.
    #[default]
    RiskFirst,
    /// Serve work in order of deadline (the on-time deadline while it can still be met, then the
    /// last chance); priority only breaks ties between equal deadlines.
    DeadlineFirst,
}
