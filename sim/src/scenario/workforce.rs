//! Scenario types for a workforce that changes: attrition, establishment and recruitment, trainee
//! and apprentice pipelines, volunteers, skill mix over time, mutual aid and the budget.
//!
//! Every section is optional: a scenario without them keeps its staff list fixed.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

fn one() -> f64 {
    1.0
}

/// Extra annual leaving probability for staff in an age band (retirement).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgeBand {
    /// First age of the band, in whole years.
    pub from_age: u32,
    /// Last age of the band, in whole years (inclusive, >= `from_age`, at most 120).
    pub to_age: u32,
    /// Annual probability of retiring for staff in the band, in [0, 1], on top of `attrition`.
    pub rate: f64,
}

/// The share of a role's staff in post at the start in an age band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgeShare {
    /// First age of the band, in whole years (16 or more).
    pub from_age: u32,
    /// Last age of the band, in whole years (inclusive, at most 120).
    pub to_age: u32,
    /// Share of staff in the band, in [0, 1]; a role's shares sum to 1.
    pub share: f64,
}

/// A distribution of a number of days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum DaysDistribution {
    /// Always this many days (0 to 3,653).
    Fixed(f64),
    /// Uniform between `min` and `max` days (0 <= min <= max <= 3,653).
    Uniform {
        /// Fewest days.
        min: f64,
        /// Most days.
        max: f64,
    },
    /// Exponential with this mean in days (> 0, at most 3,653).
    Exponential(f64),
    /// Gamma with this mean and standard deviation in days (both > 0, at most 3,653): right-skewed,
    /// as times to fill posts are.
    Gamma {
        /// Mean days.
        mean: f64,
        /// Standard deviation in days.
        sd: f64,
    },
}

/// External recruitment to a role's vacancies. At each month start a district advertises one
/// attempt for each whole post of `wte` that is vacant and not already being filled. On its outcome
/// day an attempt is dropped if the post has gone or recruitment is frozen; fails with chance
/// 1 - `success` and is advertised again; waits for the next month if the `monthly_cap` is reached;
/// or else brings a starter, fully productive at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recruitment {
    /// Days from advertising a vacant post to the outcome of that attempt, drawn for each attempt
    /// and rounded to whole days.
    pub time_to_fill: DaysDistribution,
    /// Chance that an attempt fills the post, in [0, 1]; a failed attempt is advertised again.
    pub success: f64,
    /// At most this many external starters in the role a month across all districts (a national
    /// shortage; >= 1). A recruit over the cap is held over and starts in a later month. Default:
    /// no cap.
    #[serde(default)]
    pub monthly_cap: Option<u32>,
    /// WTE of each post advertised and filled, in [0.1, 1]. Default 1.
    #[serde(default = "one")]
    pub wte: f64,
    /// From this date (ISO, inside the run) no posts are advertised and nobody starts from
    /// external recruitment. Default: never frozen.
    #[serde(default)]
    pub frozen_from: Option<String>,
}

/// What kind of programme a pipeline is: decides the metrics its entrants count in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PipelineKind {
    /// Trainees working towards a professional qualification (e.g. the SCPHN health-visiting
    /// programme): counted in `trainees_in_training`.
    Trainee,
    /// Apprentices: counted in `apprentices` and `apprentice_hours`.
    Apprentice,
}

/// Where a pipeline's entrants train and where they work once qualified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Placement {
    /// By fixed shares, by district id (shares in [0, 1] summing to 1); entrants are shared out by
    /// largest remainder (ties to the district listed first), and train and work there.
    Split(BTreeMap<String, f64>),
    /// Each to the district with the highest caseload per health-visitor WTE at that moment
    /// (recomputed after each placement; a district with none first), on entry and again on
    /// qualifying, when the new member of staff moves there.
    Pressure,
}

/// The productive share of a newly qualified member of staff, rising to 1 (preceptorship): set at
/// each month start, linearly over `months` calendar months. Preceptees count in post at full WTE.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Preceptorship {
    /// Months to full productivity (1 to 60).
    pub months: u32,
    /// Productive share on the first day, in [0, 1]; it rises linearly to 1.
    pub starting_share: f64,
}

/// One intake of a pipeline, or a series of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    /// Date the (first) intake starts, ISO. May be before the run starts (entrants then begin the
    /// run part-way through the programme) as long as the programme ends after the start.
    pub start: String,
    /// Entrants in each intake (0 to 100,000).
    pub size: u32,
    /// Repeat every this many months (>= 1). Default: a single intake.
    #[serde(default)]
    pub every_months: Option<u32>,
    /// Last date a repeated intake may start (ISO, not before `start`). Default: the end of the
    /// run.
    #[serde(default)]
    pub until: Option<String>,
}

/// A training programme that turns entrants into qualified staff: trainee health visitors,
/// apprentices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    /// Identifier, used in messages.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Trainee or apprentice.
    pub kind: PipelineKind,
    /// Role id entrants hold while training: its hours, contact share and the work it may do.
    pub training_role: String,
    /// Role id entrants take on completing.
    pub qualifies_as: String,
    /// Programme length in calendar months (1 to 60).
    pub length_months: u32,
    /// Days each completer waits after the programme ends before taking the qualified role, drawn
    /// for each: registration and regrading, which workforce statistics wait for. Meanwhile they
    /// stay in the training role, at `productive_share_end` and the entrant's cost, and do not
    /// leave. Rounded to whole days. Default: the qualified role from the day the programme ends.
    #[serde(default)]
    pub registration: Option<DaysDistribution>,
    /// Share of entrants who leave before completing, in [0, 1]; each leaver goes on a day drawn
    /// uniformly over the programme. Expected completions are size x (1 - attrition).
    pub attrition: f64,
    /// Productive share of the training role's contact hours at the start of the programme, in
    /// [0, 1]; it moves linearly to `productive_share_end` by the end, set at each month start.
    pub productive_share_start: f64,
    /// Productive share at the end of the programme, in [0, 1].
    pub productive_share_end: f64,
    /// Cost of one entrant for a year, in pounds (salary, on-costs and fees; >= 0), whatever the
    /// entrant's `wte`.
    pub annual_cost: f64,
    /// WTE of each entrant and of each qualified starter, in (0, 1] and at least 0.01. Default 1.
    #[serde(default = "one")]
    pub wte: f64,
    /// Where entrants train and qualified staff are placed.
    pub placement: Placement,
    /// Productivity ramp after qualifying. Default: fully productive at once.
    #[serde(default)]
    pub preceptorship: Option<Preceptorship>,
    /// The intakes.
    pub intakes: Vec<Intake>,
}

/// Volunteers: recruited, onboarded, giving hours of universal support, supervised by staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Volunteers {
    /// Mean volunteers recruited a month in each district (a Poisson draw; >= 0, at most 100,000),
    /// by district id; districts left out recruit none.
    pub recruited_per_month: BTreeMap<String, f64>,
    /// Volunteers active at the start, by district id (at most 1,000,000 each).
    #[serde(default)]
    pub active_at_start: BTreeMap<String, u32>,
    /// Days from recruitment to first volunteering (checks, training; 0 to 3,653).
    pub onboarding_days: u32,
    /// Mean months a volunteer stays once active (exponential; > 0, at most 600).
    pub mean_tenure_months: f64,
    /// Hours a week each active volunteer gives (> 0, at most 60), spread over the working days, to
    /// universal support in their own district only.
    pub hours_per_week: f64,
    /// Staff hours of supervision each active volunteer takes a week (>= 0), from the district's
    /// hours of `supervisor_role` each working day, whether or not the volunteers' hours are used.
    pub supervision_hours_per_week: f64,
    /// Role id whose contact hours the supervision comes from.
    pub supervisor_role: String,
    /// Programme cost per active volunteer per year, in pounds (coordination, expenses; >= 0).
    pub annual_cost: f64,
}

/// Universal support: groups, drop-ins and peer support for all families, beyond the reviews.
/// Served at its `priority` (usually the last), by volunteers first and then the roles listed.
/// Released over the month like contacts (not rounded); hours not given by the month end expire
/// and are not counted as unmet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UniversalSupport {
    /// Hours of universal support wanted per child on the caseload per month (>= 0).
    pub hours_per_child_per_month: f64,
    /// Staff role ids that may give it, in order of preference (volunteers always may; empty:
    /// volunteers only).
    pub roles: Vec<String>,
    /// Allocation priority, 0 to 65,535 (lower first); usually the last.
    pub priority: u32,
}

/// Work whose allowed roles can change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum WorkRef {
    /// A review, by id.
    Review(String),
    /// The extra contacts of a level of need, by level id.
    Contacts(String),
    /// Universal support.
    UniversalSupport,
}

/// From a date, a piece of work may be delivered by a different list of roles (e.g. early-years
/// workers accredited for the 2-2½-year review). The change applies before that day's work, to work
/// already queued too; changes on the same day apply in file order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillMixChange {
    /// Date the change takes effect, ISO, inside the run.
    pub from: String,
    /// The work concerned.
    pub work: WorkRef,
    /// Role ids that may deliver it from that date, in order of preference, in every district. At
    /// least one, except for `UniversalSupport` (empty: volunteers only); none twice.
    pub roles: Vec<String>,
}

/// Mutual aid between districts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MutualAid {
    /// Share of each district's hours left over after its own work that goes, the same day, to the
    /// districts with the highest caseload per health-visitor WTE, in [0, 1]. Default 0.
    #[serde(default)]
    pub spare_share: f64,
    /// Named staff lent between districts for a period.
    #[serde(default)]
    pub secondments: Vec<Secondment>,
}

/// WTE of a role lent from one district to another for a period. Only hours move, each working
/// day: the WTE, its pay and the establishment stay with the lending district.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Secondment {
    /// Role id.
    pub role: String,
    /// WTE lent (> 0); at most the lending district's `staff` of the role at the start.
    pub wte: f64,
    /// District id lending.
    pub from: String,
    /// District id receiving.
    pub to: String,
    /// First day, ISO, inside the run.
    pub start: String,
    /// Last day, ISO, inside the run (>= start).
    pub end: String,
}

/// A dated change to the annual budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetChange {
    /// Date the change takes effect, ISO, inside the run.
    pub from: String,
    /// The change.
    pub change: Change,
}

/// How a budget changes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Change {
    /// By a percentage of the budget in force (-10.0 is a 10% cut; > -100, at most 1,000).
    Percent(f64),
    /// To this annual amount, in pounds (>= 0).
    Absolute(f64),
}

/// What the service does when its spending runs above its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum OverspendPolicy {
    /// Nothing: the overspend is reported only.
    #[default]
    Report,
    /// Advertise no posts and start no external recruits in a month after a month over budget.
    FreezeRecruitment,
    /// Take entrants off the next pipeline intakes until the overspend is covered: after a month
    /// over budget, the number still to take off becomes at least the overspend (a yearly rate)
    /// divided by the mean `annual_cost` of the pipelines that cost anything, rounded up.
    ShrinkNextIntake,
    /// Remove funded posts, vacant ones first, until the overspend is covered (leavers are then
    /// not replaced; nobody is dismissed). Staff already above their establishment count as
    /// savings to come; any overspend beyond those cuts every establishment in proportion.
    CutEstablishment,
}

/// The service's budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// Annual budget at the start, in pounds (>= 0), shared between districts by their share of
    /// the establishment at the start.
    pub annual: f64,
    /// Other costs a year (premises, management, non-pay), in pounds, accrued daily with pay.
    /// Default 0.
    #[serde(default)]
    pub other_costs: f64,
    /// Dated changes, in date order.
    #[serde(default)]
    pub changes: Vec<BudgetChange>,
    /// What happens on overspend, checked at each month start against the previous month's run
    /// rate.
    #[serde(default)]
    pub overspend: OverspendPolicy,
}
