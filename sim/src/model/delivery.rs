//! Typed delivery model: caseload-holding teams (units of a district) and booked review visits.

use crate::calendar::Day;
use crate::scenario::Joining;

use super::RoleIx;

/// Index of a team across the whole service: district `d`'s teams are
/// `team_start[d]..team_start[d + 1]` of [`DeliveryModel`].
pub type UnitIx = usize;

/// Teams and booking. Without a `delivery` section every district is one team whose hours are
/// pooled, and every visit is done at the first attempt.
#[derive(Debug, Clone)]
pub struct DeliveryModel {
    /// Whether the scenario has a `delivery` section: its contact demand then draws from its own
    /// stream ([`crate::engine::rng::Process::Contacts`]).
    pub section: bool,
    /// First team of each district, and one past the last team of the last.
    pub team_start: Vec<UnitIx>,
    /// Share of a team's spare hours lent to the other teams of its district each day.
    pub cross_cover: f64,
    /// How a child joins a team.
    pub joining: Joining,
    /// With cross-cover before lower-priority work: the least urgent priority covered.
    pub cover_priority: Option<u32>,
    /// Share of each team's hours each day given deadline-first, whatever the priority.
    pub deadline_share: f64,
    /// Booked visits, if any.
    pub booking: Option<BookingModel>,
    /// Time that is not visits.
    pub overheads: OverheadsModel,
    /// Absence, if any.
    pub absence: Option<AbsenceModel>,
    /// Shorter visits under pressure, if any.
    pub shorter_visits: Option<ShorterVisitsModel>,
    /// Fewer planned contacts under pressure, if any.
    pub fewer_contacts: Option<FewerContactsModel>,
}

/// How something a team does falls with its caseload: to 1 up to `above` children per
/// health-visitor WTE in post, then linearly down to `floor` (see
/// [`crate::scenario::ShorterVisits`] and [`crate::scenario::FewerContacts`]).
#[derive(Debug, Clone, Copy)]
pub struct PressureCurve {
    /// Children per health-visitor WTE from which it falls.
    pub above: f64,
    /// Share lost per child per WTE over `above`.
    pub per_child: f64,
    /// The least it falls to, as a share.
    pub floor: f64,
}

impl PressureCurve {
    /// The share kept by a team with `caseload` children per health-visitor WTE in post (infinite
    /// for a team with none: the floor, unless nothing is lost per child).
    pub fn share(&self, caseload: f64) -> f64 {
        if caseload <= self.above || self.per_child == 0.0 {
            1.0
        } else {
            (1.0 - self.per_child * (caseload - self.above)).max(self.floor)
        }
    }
}

/// Shorter visits under pressure (see [`crate::scenario::ShorterVisits`]).
#[derive(Debug, Clone, Copy)]
pub struct ShorterVisitsModel {
    /// The share of its hours a visit takes, by caseload.
    pub curve: PressureCurve,
    /// Whether per-child overheads shorten too.
    pub overheads: bool,
}

/// Fewer planned contacts under pressure (see [`crate::scenario::FewerContacts`]).
#[derive(Debug, Clone)]
pub struct FewerContactsModel {
    /// Whether each level's contacts are cut, by level.
    pub levels: Vec<bool>,
    /// The share of the planned contacts kept, by caseload.
    pub curve: PressureCurve,
}

impl DeliveryModel {
    /// One team a district, no booking: the pooled district of a scenario without `delivery`.
    pub fn pooled(districts: usize, roles: usize) -> Self {
        DeliveryModel {
            section: false,
            team_start: (0..=districts).collect(),
            cross_cover: 0.0,
            joining: Joining::Establishment,
            cover_priority: None,
            deadline_share: 0.0,
            booking: None,
            overheads: OverheadsModel {
                delegation: vec![None; roles],
                ..OverheadsModel::default()
            },
            absence: None,
            shorter_visits: None,
            fewer_contacts: None,
        }
    }

    /// Teams across the service.
    pub fn units(&self) -> usize {
        self.team_start.last().copied().unwrap_or(0)
    }

    /// District `d`'s teams.
    pub fn teams(&self, d: usize) -> std::ops::Range<UnitIx> {
        self.team_start[d]..self.team_start[d + 1]
    }

    /// Number of district `d`'s teams.
    pub fn team_count(&self, d: usize) -> usize {
        self.team_start[d + 1] - self.team_start[d]
    }
}

/// Booked review visits.
#[derive(Debug, Clone)]
pub struct BookingModel {
    /// Share of attempts that find no one in, by review index.
    pub no_access: Vec<f64>,
    /// Share of a visit's hours a failed attempt uses.
    pub failed_visit_share: f64,
    /// Days from a failed attempt to the next.
    pub rebook_days: Day,
    /// Days from a window opening to the first bookable visit.
    pub lead_days: Day,
}

/// Time that is not visits: per child held, per learner, and the supervision of delegated
/// reviews.
#[derive(Debug, Clone, Default)]
pub struct OverheadsModel {
    /// Time per child held.
    pub per_child: Vec<ChildOverheadModel>,
    /// Supervision of learners, if any.
    pub learners: Option<LearnerModel>,
    /// By role index: the supervisor role and its hours per review, for roles whose reviews are
    /// supervised (one entry per role).
    pub delegation: Vec<Option<(RoleIx, f64)>>,
}

impl OverheadsModel {
    /// Whether any time is taken off the teams' hours each day.
    pub fn takes_time(&self) -> bool {
        !self.per_child.is_empty() || self.learners.is_some()
    }

    /// Whether any role's reviews are supervised.
    pub fn supervises(&self) -> bool {
        self.delegation.iter().any(Option::is_some)
    }
}

/// Time per child held, at some levels of need.
#[derive(Debug, Clone)]
pub struct ChildOverheadModel {
    /// Whether children at each level need it (one entry per level).
    pub levels: Vec<bool>,
    /// Hours per child per month.
    pub hours_per_month: f64,
    /// Roles that give it, in order of preference.
    pub roles: Vec<RoleIx>,
}

/// Supervision of learners.
#[derive(Debug, Clone)]
pub struct LearnerModel {
    /// Hours per learner per month.
    pub hours_per_month: f64,
    /// Roles that give it, in order of preference.
    pub roles: Vec<RoleIx>,
}

/// Leave, sickness, maternity leave and cover.
#[derive(Debug, Clone)]
pub struct AbsenceModel {
    /// Days of annual leave per WTE in each calendar month, January first.
    pub leave_days_by_month: [f64; 12],
    /// Sickness spells.
    pub sickness: Spells,
    /// Maternity spells.
    pub maternity: Spells,
    /// Bank or agency cover, if any.
    pub cover: Option<CoverModel>,
}

/// Spells of absence: each member of staff present on a day starts one with `start_per_day`;
/// spells last `mean_days` on average, so the long-run share away is `share`.
#[derive(Debug, Clone, Copy)]
pub struct Spells {
    /// Long-run share of staff away.
    pub share: f64,
    /// Mean spell length in days.
    pub mean_days: f64,
    /// Chance a member of staff present starts a spell on a given day: share / (mean x (1 - share)).
    pub start_per_day: f64,
}

impl Spells {
    /// Spells with long-run share `share` and mean length `mean_days`.
    pub fn new(share: f64, mean_days: f64) -> Self {
        let start_per_day = if share > 0.0 {
            share / (mean_days * (1.0 - share))
        } else {
            0.0
        };
        Spells {
            share,
            mean_days,
            start_per_day,
        }
    }
}

/// Bank or agency cover.
#[derive(Debug, Clone)]
pub struct CoverModel {
    /// Whether each role is covered (one entry per role).
    pub roles: Vec<bool>,
    /// Share of absent and vacant hours filled.
    pub share: f64,
    /// Cost of a contact hour of cover, by role: the cost of an hour worked / the role's contact
    /// share.
    pub cost_per_contact_hour: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::PressureCurve;

    #[test]
    fn visits_shorten_linearly_above_the_caseload_down_to_the_floor() {
        // From 400 children per WTE, 10% of a visit's time saved per 100 more, never below 60%.
        let v = PressureCurve {
            above: 400.0,
            per_child: 0.1 / 100.0,
            floor: 0.6,
        };
        assert_eq!(v.share(250.0), 1.0);
        assert_eq!(v.share(400.0), 1.0);
        assert!((v.share(500.0) - 0.9).abs() < 1e-12);
        assert!((v.share(650.0) - 0.75).abs() < 1e-12);
        assert_eq!(v.share(800.0), 0.6);
        assert_eq!(v.share(5000.0), 0.6);
        assert_eq!(v.share(f64::INFINITY), 0.6, "a team with no health visitor");
        let flat = PressureCurve {
            per_child: 0.0,
            ..v
        };
        assert_eq!(
            flat.share(f64::INFINITY),
            1.0,
            "nothing lost, even with no health visitor"
        );
    }
}
