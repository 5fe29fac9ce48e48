//! The validated, typed model the engine runs: ids resolved to indices, dates to [`Day`]s, annual
//! rates to the probabilities the engine draws each month, and every invariant the engine relies on
//! already checked. Built only by [`crate::validate`].

pub mod calendar;
mod delivery;
pub mod metrics;
pub mod need;
pub mod rag;
mod workforce;

use crate::calendar::{Calendar, Day};
use crate::scenario::{AllocationPolicy, Anchor, LeaveAt, Offset, Reported};

pub use delivery::{
    AbsenceModel, BookingModel, ChildOverheadModel, CoverModel, DeliveryModel, FewerContactsModel,
    LearnerModel, OverheadsModel, PressureCurve, ShorterVisitsModel, Spells, UnitIx,
};
pub use workforce::{
    BudgetModel, MutualAidModel, PipelineModel, PlacementModel, RecruitmentModel, SecondmentModel,
    SkillMixModel, UniversalSupportModel, VolunteersModel, Work,
};

/// Index of a need level in [`Model::levels`] (ordered from least to most intensive).
pub type LevelIx = u8;
/// Index of a review in [`Model::reviews`].
pub type ReviewIx = u8;
/// Index of a role in [`Model::roles`].
pub type RoleIx = u8;
/// Index of a district in [`Model::districts`].
pub type DistrictIx = u16;

/// Upper bounds that keep an absurd scenario from exhausting memory; validation enforces them.
pub mod limits {
    /// Children at the start, across all districts.
    pub const MAX_CHILDREN: u64 = 10_000_000;
    /// Births per year, across all districts.
    pub const MAX_BIRTHS_PER_YEAR: f64 = 2_000_000.0;
    /// Arrivals per year, across all districts.
    pub const MAX_ARRIVALS_PER_YEAR: f64 = 2_000_000.0;
    /// Simulated months.
    pub const MAX_MONTHS: u32 = 360;
    /// Longest warm-up before the start, in months.
    pub const MAX_WARM_UP_MONTHS: u32 = 24;
    /// Districts.
    pub const MAX_DISTRICTS: usize = 2_000;
    /// Need levels.
    pub const MAX_LEVELS: usize = 16;
    /// Reviews (each child's open reviews are a 32-bit set).
    pub const MAX_REVIEWS: usize = 32;
    /// Roles.
    pub const MAX_ROLES: usize = 32;
    /// Staff WTE across all districts and roles.
    pub const MAX_STAFF_WTE: f64 = 500_000.0;
    /// Ages in `children_by_age`.
    pub const MAX_AGE_YEARS: usize = 6;
    /// Teams in one district.
    pub const MAX_TEAMS: u32 = 16;
    /// Days between booked attempts, and a diary's lead time.
    pub const MAX_BOOKING_DAYS: u32 = 90;
    /// A review's, level's or universal support's `priority` (the share-out packs it into 16 bits
    /// of a queue head's sort key).
    pub const MAX_PRIORITY: u32 = 65_535;
}

/// A validated scenario, ready to simulate.
#[derive(Debug, Clone)]
pub struct Model {
    /// The scenario's title.
    pub name: String,
    /// The simulated period.
    pub calendar: Calendar,
    /// When children leave the service.
    pub leave_at: LeaveAt,
    /// Levels of need, least intensive first.
    pub levels: Vec<Level>,
    /// Reviews, in the order the scenario lists them (metric order).
    pub reviews: Vec<ReviewModel>,
    /// Review indices in the order their windows open in a child's life (antenatal first).
    pub review_order: Vec<ReviewIx>,
    /// Days before the expected birth that a pregnancy becomes known: the earliest review window.
    pub pregnancy_lead_days: i32,
    /// Staff roles.
    pub roles: Vec<RoleModel>,
    /// Districts.
    pub districts: Vec<DistrictModel>,
    /// The allocation policy.
    pub policy: AllocationPolicy,
    /// Teams and booked visits.
    pub delivery: DeliveryModel,
    /// Universal support work, if any.
    pub universal_support: Option<UniversalSupportModel>,
    /// Roles that may give universal support at the start, in order of preference.
    pub universal_support_roles: Vec<RoleIx>,
    /// Training pipelines.
    pub pipelines: Vec<PipelineModel>,
    /// The volunteer programme, if any.
    pub volunteers: Option<VolunteersModel>,
    /// Skill mix changes, in day order.
    pub skill_mix_changes: Vec<SkillMixModel>,
    /// Mutual aid.
    pub mutual_aid: MutualAidModel,
    /// The budget, if any.
    pub budget: Option<BudgetModel>,
    /// Every review's window by birth day, worked out once (see [`Model::window`]).
    pub windows: Windows,
    /// Whether the scenario weights children by level (then a weighted caseload is reported and
    /// used for pressure).
    pub weighted_caseload: bool,
    /// Whether any level's contacts vary with age.
    pub contacts_by_age: bool,
    /// Cumulative monthly transitions by district, then level, keeping each district's need mix
    /// (empty: every district uses the levels' own `transition_cdf`).
    pub district_transitions: Vec<Vec<Vec<f64>>>,
    /// The red/amber/green rule every status is set by.
    pub rag: crate::rag::RagRule,
}

impl Model {
    /// What in a valid model will likely surprise its author, in words: each review that only
    /// roles nobody staffs may do (no staff in post, no funded posts to recruit to and no
    /// training programme, even after any skill-mix change), so it is never done.
    pub fn warnings(&self) -> Vec<String> {
        let staffed = |role: RoleIx| {
            let r = usize::from(role);
            self.districts.iter().any(|d| {
                d.staff.iter().any(|&(s, wte)| s == role && wte > 0.0)
                    || d.establishment.get(r).is_some_and(|&e| e > 0.0)
            }) || self
                .pipelines
                .iter()
                .any(|p| p.qualifies_as == role || p.training_role == role)
        };
        self.reviews
            .iter()
            .enumerate()
            .filter(|&(r, review)| {
                let later = self
                    .skill_mix_changes
                    .iter()
                    .filter(|c| c.work == workforce::Work::Review(r))
                    .flat_map(|c| c.roles.iter().copied());
                !review.roles.iter().copied().chain(later).any(staffed)
            })
            .map(|(_, review)| {
                let names: Vec<&str> = review
                    .roles
                    .iter()
                    .map(|&r| self.roles[usize::from(r)].id.as_str())
                    .collect();
                format!(
                    "review {:?} may be done only by {}, and nobody in any district is in post, \
                     funded or in training in {}: it will never be done",
                    review.id,
                    names.join(", "),
                    if names.len() == 1 {
                        "that role"
                    } else {
                        "those roles"
                    }
                )
            })
            .collect()
    }

    /// Next month's level for a child at level `l` in district `d`: the cumulative distribution.
    pub fn transition_cdf(&self, d: usize, l: usize) -> &[f64] {
        match self.district_transitions.get(d) {
            Some(levels) => &levels[l],
            None => &self.levels[l].transition_cdf,
        }
    }

    /// Review `r`'s window for a child born (or due) on `birth`: from the table when the birth day
    /// is in it, as it is for every child a run meets, else worked out.
    pub fn window(&self, r: usize, birth: Day) -> Window {
        let reviews = self.reviews.len();
        self.windows
            .index(birth)
            .filter(|_| r < reviews)
            .and_then(|i| self.windows.by_birth.get(i * reviews + r))
            .copied()
            .unwrap_or_else(|| self.reviews[r].window(&self.calendar, birth))
    }

    /// The day a child born on `birth` leaves the service: from the table when the birth day is in
    /// it, else worked out.
    pub fn leaving_day(&self, birth: Day) -> Day {
        self.windows
            .index(birth)
            .and_then(|i| self.windows.leaving.get(i))
            .copied()
            .unwrap_or_else(|| leaving_day_from(self.leave_at, &self.calendar, birth))
    }
}

/// Every review's window, and the leaving day, for each birth day in a range: each is asked for
/// several times in a child's life, and working it out is calendar arithmetic, so the table saves
/// about 5% of a run.
#[derive(Debug, Clone, Default)]
pub struct Windows {
    /// The first birth day in the table.
    first: Day,
    /// Windows by birth day from `first`, then by review: a child's windows side by side, since
    /// a milestone asks for the window opening and then for the next one.
    by_birth: Vec<Window>,
    /// The leaving day by birth day from `first`.
    leaving: Vec<Day>,
}

impl Windows {
    /// The windows of `reviews`, and the leaving day under `leave_at`, for every birth day in
    /// `births`.
    pub fn new(
        reviews: &[ReviewModel],
        leave_at: LeaveAt,
        calendar: &Calendar,
        births: std::ops::Range<Day>,
    ) -> Self {
        Windows {
            first: births.start,
            by_birth: births
                .clone()
                .flat_map(|b| reviews.iter().map(move |r| r.window(calendar, b)))
                .collect(),
            leaving: births
                .map(|b| leaving_day_from(leave_at, calendar, b))
                .collect(),
        }
    }

    /// The table's index of birth day `birth`, if the table could hold it.
    fn index(&self, birth: Day) -> Option<usize> {
        birth
            .checked_sub(self.first)
            .and_then(|i| usize::try_from(i).ok())
    }
}

/// A level of need.
#[derive(Debug, Clone)]
pub struct Level {
    /// Identifier used in metric names.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Cumulative probabilities of next month's level, one per level; the last entry is 1.
    pub transition_cdf: Vec<f64>,
    /// Mean extra contacts per child per month.
    pub contacts_per_month: f64,
    /// Hours per contact.
    pub contact_hours: f64,
    /// Roles that may deliver contacts, in order of preference.
    pub contact_roles: Vec<RoleIx>,
    /// Risk-first priority (lower first).
    pub priority: u32,
    /// Multipliers of `contacts_per_month` by completed year of age (empty: 1 at every age).
    pub contacts_by_age: Vec<f64>,
    /// Weight in the weighted caseload.
    pub caseload_weight: f64,
    /// Whether the month's contacts are all available from its first working day.
    pub released_at_start: bool,
}

impl Level {
    /// The multiplier of the contact rate at age `years` (the last listed for older children).
    pub fn age_factor(&self, years: usize) -> f64 {
        self.contacts_by_age
            .get(years)
            .or(self.contacts_by_age.last())
            .copied()
            .unwrap_or(1.0)
    }
}

/// A review with its window.
#[derive(Debug, Clone)]
pub struct ReviewModel {
    /// Identifier used in metric names.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Public metric code.
    pub metric: String,
    /// What the offsets count from.
    pub anchor: Anchor,
    /// Window opens.
    pub opens: Offset,
    /// On-time deadline (inclusive).
    pub on_time: Offset,
    /// Last chance (inclusive).
    pub last_chance: Offset,
    /// Hours per review.
    pub hours: f64,
    /// Share of offered families taking it up.
    pub uptake: f64,
    /// Share of children offered it.
    pub offered_share: f64,
    /// Roles that may deliver it, in order of preference.
    pub roles: Vec<RoleIx>,
    /// Risk-first priority (lower first).
    pub priority: u32,
    /// Compliance target, if any.
    pub target: Option<f64>,
    /// The month compliance counts a review in.
    pub reported: Reported,
    /// The public metric code of its coverage by the last chance, if reported.
    pub coverage: Option<String>,
}

impl ReviewModel {
    /// Whether the review is also counted in the month of its last chance.
    pub fn counted_at_last_chance(&self) -> bool {
        self.reported == Reported::LastChance || self.coverage.is_some()
    }
}

/// The three days of one child's review window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First day the review may be done.
    pub opens: Day,
    /// Last day it counts as on time.
    pub on_time: Day,
    /// Last day it may be done at all.
    pub last_chance: Day,
}

impl ReviewModel {
    /// The window for a child born (or due) on `birth`; the days are kept in order even where mixed
    /// units (months against days) would cross for a particular birth date.
    pub fn window(&self, calendar: &Calendar, birth: Day) -> Window {
        let opens = calendar.add(birth, self.opens);
        let on_time = calendar.add(birth, self.on_time).max(opens);
        let last_chance = calendar.add(birth, self.last_chance).max(on_time);
        Window {
            opens,
            on_time,
            last_chance,
        }
    }
}

/// A staff role.
#[derive(Debug, Clone)]
pub struct RoleModel {
    /// Identifier used in metric names.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Hours available for contacts per WTE per working day.
    pub contact_hours_per_day: f64,
    /// Cost per WTE per year.
    pub annual_cost: f64,
    /// Counts towards `hv_wte`.
    pub health_visitor: bool,
    /// Annual leaving probability.
    pub attrition: f64,
    /// Retirement: (first age, last age, extra annual leaving probability).
    pub retirement: Vec<(u32, u32, f64)>,
    /// Ages at the start: (first age, last age, cumulative share), the last cumulative share 1.
    pub age_cdf: Vec<(u32, u32, f64)>,
    /// External recruitment, if any.
    pub recruitment: Option<RecruitmentModel>,
    /// Leaving that rises with the caseload: (caseload per HV WTE from which it rises, extra
    /// annual probability per child per WTE above it).
    pub workload_leaving: Option<(f64, f64)>,
}

impl RoleModel {
    /// Monthly leaving probability for a member of staff aged `age` whole years, in a district
    /// whose caseload per HV WTE is `caseload` (`None` when it has no health visitors).
    pub fn monthly_leaving_probability(&self, age: u32, caseload: Option<f64>) -> f64 {
        let retiring: f64 = self
            .retirement
            .iter()
            .filter(|&&(from, to, _)| (from..=to).contains(&age))
            .map(|&(_, _, rate)| rate)
            .sum();
        let workload = match (self.workload_leaving, caseload) {
            (Some((above, per_child)), Some(c)) if c > above => per_child * (c - above),
            _ => 0.0,
        };
        monthly_probability((self.attrition + workload + retiring).min(1.0))
    }

    /// Whether anyone in the role can ever leave on their own account.
    pub fn leaves(&self) -> bool {
        self.attrition > 0.0
            || !self.retirement.is_empty()
            || self
                .workload_leaving
                .is_some_and(|(_, per_child)| per_child > 0.0)
    }
}

/// A district.
#[derive(Debug, Clone)]
pub struct DistrictModel {
    /// Identifier used in results.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Resident children at the start by completed year of age.
    pub children_by_age: Vec<u32>,
    /// Births per day in the first simulated year.
    pub births_per_day: f64,
    /// Yearly growth factor of births (1 + trend).
    pub births_growth: f64,
    /// Cumulative need mix, one entry per level; the last is 1.
    pub need_mix_cdf: Vec<f64>,
    /// Expected arrivals from outside the city per month.
    pub arrivals_per_month: f64,
    /// Cumulative monthly probabilities of, in order: leaving the city, then moving to each
    /// district in `move_targets`. A uniform draw above the last entry means staying.
    pub move_cdf: Vec<f64>,
    /// Destination districts matching `move_cdf[1..]`.
    pub move_targets: Vec<DistrictIx>,
    /// WTE in post at the start by role.
    pub staff: Vec<(RoleIx, f64)>,
    /// Funded WTE by role index (one entry per role).
    pub establishment: Vec<f64>,
}

/// The day a child born on `birth` leaves the service under `leave_at`.
fn leaving_day_from(leave_at: LeaveAt, calendar: &Calendar, birth: Day) -> Day {
    match leave_at {
        LeaveAt::FifthBirthday => calendar.add(birth, Offset::Months(60)),
        LeaveAt::SchoolEntry { month, day } => {
            let fourth = calendar.add(birth, Offset::Months(48));
            calendar.next_anniversary_after(fourth, month, day)
        }
    }
}

/// Converts an annual probability of an event to the probability for one month, assuming a
/// constant hazard through the year.
pub fn monthly_probability(annual: f64) -> f64 {
    if annual >= 1.0 {
        1.0
    } else {
        1.0 - (1.0 - annual).powf(1.0 / 12.0)
    }
}

#[cfg(test)]
mod tests {
    use super::monthly_probability;

    #[test]
    fn leaving_adds_attrition_workload_above_its_threshold_and_retirement() {
        let mut role = crate::load::baseline()
            .expect("the baseline loads")
            .model
            .roles[0]
            .clone();
        (role.attrition, role.retirement) = (0.08, vec![(60, 70, 0.15)]);
        role.workload_leaving = Some((400.0, 0.05 / 100.0));
        let p = |age, caseload| role.monthly_leaving_probability(age, caseload);
        // 500 children per WTE is 100 over 400: 0.08 + 0.05 a year.
        assert!((p(40, Some(500.0)) - monthly_probability(0.13)).abs() < 1e-15);
        assert!((p(65, Some(500.0)) - monthly_probability(0.28)).abs() < 1e-15);
        // At or below the threshold, or with no health visitors to count against, none.
        for caseload in [Some(400.0), Some(100.0), None] {
            assert_eq!(p(40, caseload), monthly_probability(0.08));
        }
        // Capped at certain leaving.
        assert_eq!(p(65, Some(3000.0)), 1.0);
        assert!((monthly_probability(0.13) - (1.0 - 0.87f64.powf(1.0 / 12.0))).abs() < 1e-15);
    }

    #[test]
    fn the_window_table_gives_the_worked_out_windows_and_leaving_days_inside_and_past_its_ends() {
        let model = crate::load::baseline().expect("the baseline loads").model;
        let days = model.windows.by_birth.len() / model.reviews.len();
        let (first, len) = (model.windows.first, days as i32);
        assert!(first <= -5 * 365 && first + len > model.calendar.days());
        assert_eq!(model.windows.leaving.len(), days);
        for birth in (first - 40..first + 40).chain(first + len - 40..first + len + 40) {
            assert_eq!(
                model.leaving_day(birth),
                super::leaving_day_from(model.leave_at, &model.calendar, birth),
                "birth day {birth}"
            );
        }
        for r in 0..model.reviews.len() {
            for birth in (first - 40..first + 40).chain(first + len - 40..first + len + 40) {
                assert_eq!(
                    model.window(r, birth),
                    model.reviews[r].window(&model.calendar, birth),
                    "review {r}, birth day {birth}"
                );
            }
        }
    }
}
