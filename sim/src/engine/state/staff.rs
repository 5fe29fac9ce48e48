//! Staff and volunteers: their components, and the posts and counts kept as they join and leave.

use bevy_ecs::prelude::*;

use crate::calendar::Day;
use crate::model::{DistrictIx, Model, RoleIx, UnitIx};
use crate::scenario::PipelineKind;

/// Days in a year, for ages and annual costs.
pub const DAYS_PER_YEAR: f64 = 365.25;

/// Where a member of staff is in their working life.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Status {
    /// Qualified and fully productive.
    InPost,
    /// In a programme: pipeline index, first and last day.
    Training {
        /// Pipeline index.
        pipeline: u16,
        /// Day the programme started.
        start: Day,
        /// Day it ends.
        end: Day,
    },
    /// Newly qualified, ramping up to full productivity.
    Preceptee {
        /// Pipeline index.
        pipeline: u16,
        /// Day they qualified.
        since: Day,
    },
}

/// One member of staff (or trainee, or apprentice).
#[derive(Component, Debug, Clone)]
pub struct Staff {
    /// District worked in.
    pub district: DistrictIx,
    /// Team within the district (see [`crate::engine::teams`]); set when they join ([`crate::engine::workforce::join`]).
    pub team: u8,
    /// Role.
    pub role: RoleIx,
    /// Whole-time equivalent, in (0, 1].
    pub wte: f64,
    /// Share of the role's contact hours actually given, in [0, 1].
    pub productivity: f64,
    /// Programme or post.
    pub status: Status,
    /// Age in years on the first simulated day, from the role's age bands (0 when the role has
    /// none, and for programme entrants, whose ages are not modelled: retirement never applies to
    /// them).
    pub age_at_start: f64,
    /// Already scheduled to leave.
    pub leaving: bool,
    /// Off sick until the day before this one (see [`crate::engine::absence`]).
    pub sick_until: Day,
    /// On maternity or parental leave until the day before this one.
    pub maternity_until: Day,
    /// Cost per WTE per year.
    pub cost_per_year: f64,
}

/// Funded posts, staff in post and recruitment in progress, by district and role.
#[derive(Resource, Debug)]
pub struct Posts {
    pub(in crate::engine) roles: usize,
    /// WTE in each role (any status), `[district * roles + role]`.
    pub in_post: Vec<f64>,
    /// WTE in each role by team, `[unit * roles + role]`.
    pub team_in_post: Vec<f64>,
    /// Funded WTE, `[district * roles + role]`.
    pub establishment: Vec<f64>,
    /// Recruitment attempts under way, `[district * roles + role]`.
    pub open: Vec<u32>,
    /// External starters this month by role (for the monthly cap).
    pub starters_this_month: Vec<u32>,
    /// Recruitment frozen by the overspend policy.
    pub budget_freeze: bool,
}

impl Posts {
    /// Funded posts from the model; nobody in post yet.
    pub fn new(model: &Model) -> Self {
        let roles = model.roles.len();
        Posts {
            roles,
            in_post: vec![0.0; model.districts.len() * roles],
            team_in_post: vec![0.0; model.delivery.units() * roles],
            establishment: model
                .districts
                .iter()
                .flat_map(|d| d.establishment.iter().copied())
                .collect(),
            open: vec![0; model.districts.len() * roles],
            starters_this_month: vec![0; roles],
            budget_freeze: false,
        }
    }

    /// Index of (district, role).
    pub fn at(&self, d: usize, r: usize) -> usize {
        d * self.roles + r
    }

    /// Funded WTE not filled (never negative).
    pub fn vacancy(&self, d: usize, r: usize) -> f64 {
        let i = self.at(d, r);
        (self.establishment[i] - self.in_post[i]).max(0.0)
    }

    /// Health-visitor WTE in post in district `d`.
    pub fn hv_wte(&self, model: &Model, d: usize) -> f64 {
        (0..self.roles)
            .filter(|&r| model.roles[r].health_visitor)
            .map(|r| self.in_post[self.at(d, r)])
            .sum()
    }

    /// Health-visitor WTE in post in team `unit`.
    pub fn team_hv_wte(&self, model: &Model, unit: UnitIx) -> f64 {
        (0..self.roles)
            .filter(|&r| model.roles[r].health_visitor)
            .map(|r| self.team_in_post[unit * self.roles + r])
            .sum()
    }

    /// Children per health-visitor WTE in post in team `unit`, holding `children`: infinite for a
    /// team without health visitors, the most pressured.
    pub fn team_caseload(&self, model: &Model, unit: UnitIx, children: u32) -> f64 {
        let hv = self.team_hv_wte(model, unit);
        if hv > 0.0 {
            f64::from(children) / hv
        } else {
            f64::INFINITY
        }
    }

    /// WTE of role `r` a team of district `d` is short of its equal share of the district's
    /// establishment, by team (negative when over it).
    pub(in crate::engine) fn team_gaps(
        &self,
        model: &Model,
        d: usize,
        r: usize,
    ) -> impl Iterator<Item = f64> + '_ {
        let teams = model.delivery.teams(d);
        let share = self.establishment[self.at(d, r)] / teams.len() as f64;
        teams.map(move |u| share - self.team_in_post[u * self.roles + r])
    }

    /// The team of district `d` that a new member of role `r` joins: the one furthest below its
    /// share of the establishment (ties to the first).
    pub(in crate::engine) fn team_for(&self, model: &Model, d: usize, r: usize) -> u8 {
        self.team_gaps(model, d, r)
            .enumerate()
            .fold((0, f64::NEG_INFINITY), |(best, bg), (t, g)| {
                if g > bg { (t, g) } else { (best, bg) }
            })
            .0 as u8
    }
}

/// Whether a member of staff counts as a trainee or an apprentice.
pub fn kind_of(model: &Model, s: &Staff) -> Option<PipelineKind> {
    match s.status {
        Status::Training { pipeline, .. } => Some(model.pipelines[pipeline as usize].kind),
        _ => None,
    }
}

/// One volunteer.
#[derive(Component, Debug, Clone)]
pub struct Volunteer {
    /// District volunteered in.
    pub district: u16,
    /// Onboarded and giving time.
    pub active: bool,
}

/// Active volunteers by district, kept as they start and leave.
#[derive(Resource, Debug, Default)]
pub struct VolunteerCounts {
    /// Active volunteers by district.
    pub active: Vec<u32>,
}

impl VolunteerCounts {
    /// None anywhere.
    pub fn new(model: &Model) -> Self {
        VolunteerCounts {
            active: vec![0; model.districts.len()],
        }
    }
}
