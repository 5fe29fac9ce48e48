//! Typed workforce model: the validated form of the scenario's attrition, recruitment, pipelines,
//! volunteers, skill mix changes, mutual aid and budget.

use crate::calendar::Day;
use crate::scenario::{Change, DaysDistribution, OverspendPolicy, PipelineKind};

use super::{DistrictIx, RoleIx};

/// External recruitment to one role.
#[derive(Debug, Clone)]
pub struct RecruitmentModel {
    /// Days from advertising to the outcome of an attempt.
    pub time_to_fill: DaysDistribution,
    /// Chance an attempt fills the post.
    pub success: f64,
    /// Most external starters a month, city-wide.
    pub monthly_cap: Option<u32>,
    /// WTE of each post.
    pub wte: f64,
    /// First day of a recruitment freeze.
    pub frozen_from: Option<Day>,
}

/// Where a pipeline places people.
#[derive(Debug, Clone)]
pub enum PlacementModel {
    /// Fixed shares by district index (summing to 1).
    Split(Vec<f64>),
    /// The district with the highest caseload per HV WTE.
    Pressure,
}

/// A training pipeline.
#[derive(Debug, Clone)]
pub struct PipelineModel {
    /// Identifier.
    pub id: String,
    /// Trainee or apprentice.
    pub kind: PipelineKind,
    /// Role while training.
    pub training_role: RoleIx,
    /// Role on completion.
    pub qualifies_as: RoleIx,
    /// Programme length in months.
    pub length_months: u32,
    /// Days from the programme's end to the qualified role, drawn for each completer.
    pub registration: Option<DaysDistribution>,
    /// Share of entrants who leave before completing.
    pub attrition: f64,
    /// Productive share at the start of the programme.
    pub share_start: f64,
    /// Productive share at the end of the programme.
    pub share_end: f64,
    /// Cost per entrant per year.
    pub annual_cost: f64,
    /// WTE per entrant.
    pub wte: f64,
    /// Placement rule.
    pub placement: PlacementModel,
    /// Preceptorship: (months, starting share).
    pub preceptorship: Option<(u32, f64)>,
    /// Every intake: (start day, size), in date order; start days may be before day 0.
    pub intakes: Vec<(Day, u32)>,
}

/// The volunteer programme.
#[derive(Debug, Clone)]
pub struct VolunteersModel {
    /// Mean recruits a month by district.
    pub recruited_per_month: Vec<f64>,
    /// Active at the start by district.
    pub active_at_start: Vec<u32>,
    /// Days from recruitment to first volunteering.
    pub onboarding_days: i32,
    /// Mean days active.
    pub mean_tenure_days: f64,
    /// Hours given per working day.
    pub hours_per_day: f64,
    /// Supervision hours taken per working day.
    pub supervision_hours_per_day: f64,
    /// Role supervising.
    pub supervisor_role: RoleIx,
    /// Cost per active volunteer per year.
    pub annual_cost: f64,
}

/// Universal support work.
#[derive(Debug, Clone)]
pub struct UniversalSupportModel {
    /// Hours wanted per child per month.
    pub hours_per_child_per_month: f64,
    /// Allocation priority.
    pub priority: u32,
}

/// Work whose allowed roles may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// A review by index.
    Review(usize),
    /// A level's contacts by index.
    Contacts(usize),
    /// Universal support.
    UniversalSupport,
}

/// A skill mix change: from `day`, `work` may be done by `roles`.
#[derive(Debug, Clone)]
pub struct SkillMixModel {
    /// First day.
    pub day: Day,
    /// The work.
    pub work: Work,
    /// Roles, in order of preference.
    pub roles: Vec<RoleIx>,
}

/// WTE lent between districts.
#[derive(Debug, Clone)]
pub struct SecondmentModel {
    /// Role.
    pub role: RoleIx,
    /// WTE.
    pub wte: f64,
    /// Lending district.
    pub from: DistrictIx,
    /// Receiving district.
    pub to: DistrictIx,
    /// First day.
    pub start: Day,
    /// Last day.
    pub end: Day,
}

/// Mutual aid.
#[derive(Debug, Clone, Default)]
pub struct MutualAidModel {
    /// Share of spare hours lent the same day.
    pub spare_share: f64,
    /// Secondments.
    pub secondments: Vec<SecondmentModel>,
}

/// The budget.
#[derive(Debug, Clone)]
pub struct BudgetModel {
    /// Annual budget at the start.
    pub annual: f64,
    /// Other costs a year.
    pub other_costs: f64,
    /// Changes: (first day, change), in day order.
    pub changes: Vec<(Day, Change)>,
    /// Overspend policy.
    pub overspend: OverspendPolicy,
}
