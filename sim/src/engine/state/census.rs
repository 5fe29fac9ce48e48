//! Children by team, level and age at the start of each month (the census), and born children by
//! district and level as they change (the running count).

use bevy_ecs::prelude::*;

use crate::model::{Model, UnitIx};

/// Born children by team and level at the start of the month, after transitions and arrivals:
/// the basis of the month's contact demand.
#[derive(Resource, Debug)]
pub struct Census {
    levels: usize,
    /// First team of each district, and one past the last.
    team_start: Vec<UnitIx>,
    counts: Vec<u32>,
    /// With contacts that vary with age: children by team, level and completed year of age,
    /// `[(unit * levels + level) * AGES + age]` (empty otherwise).
    ages: Vec<u32>,
}

/// Born children on the caseload by district and level, kept as children are born, arrive, move,
/// change level and leave: the month-end caseload without a pass over every child.
#[derive(Resource, Debug)]
pub struct ChildCount {
    levels: usize,
    /// `[district * levels + level]`.
    counts: Vec<u32>,
}

impl ChildCount {
    /// No children.
    pub fn new(model: &Model) -> Self {
        ChildCount {
            levels: model.levels.len(),
            counts: vec![0; model.districts.len() * model.levels.len()],
        }
    }

    /// A born child joins district `d`'s caseload at level `l`.
    pub fn add(&mut self, d: usize, l: usize) {
        self.counts[d * self.levels + l] += 1;
    }

    /// A born child leaves district `d`'s caseload from level `l`.
    pub fn remove(&mut self, d: usize, l: usize) {
        self.counts[d * self.levels + l] -= 1;
    }

    /// Born children in district `d`.
    pub fn district(&self, d: usize) -> u32 {
        self.counts[d * self.levels..(d + 1) * self.levels]
            .iter()
            .sum()
    }

    /// Born children by district and level, `[district * levels + level]`.
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }
}

/// Years of age the census counts apart (older children count with the last).
const AGES: usize = crate::model::limits::MAX_AGE_YEARS;

impl Census {
    /// An empty census for `model`'s teams and levels.
    pub fn new(model: &Model) -> Self {
        let cells = model.delivery.units() * model.levels.len();
        Census {
            levels: model.levels.len(),
            team_start: model.delivery.team_start.clone(),
            counts: vec![0; cells],
            ages: if model.contacts_by_age {
                vec![0; cells * AGES]
            } else {
                Vec::new()
            },
        }
    }

    /// Counts one more child on team `unit` at level `l`, aged `years` completed years.
    pub fn add(&mut self, unit: UnitIx, l: usize, years: usize) {
        let cell = unit * self.levels + l;
        self.counts[cell] += 1;
        if !self.ages.is_empty() {
            self.ages[cell * AGES + years.min(AGES - 1)] += 1;
        }
    }

    /// Children on team `unit` at level `l` by completed year of age (with contacts that vary
    /// with age; otherwise empty).
    pub fn team_ages(&self, unit: UnitIx, l: usize) -> &[u32] {
        let cell = unit * self.levels + l;
        self.ages.get(cell * AGES..(cell + 1) * AGES).unwrap_or(&[])
    }

    /// Children in district `d` at level `l`.
    pub fn get(&self, d: usize, l: usize) -> u32 {
        (self.team_start[d]..self.team_start[d + 1])
            .map(|u| self.team_get(u, l))
            .sum()
    }

    /// Children on team `unit` at level `l`.
    pub fn team_get(&self, unit: UnitIx, l: usize) -> u32 {
        self.counts[unit * self.levels + l]
    }

    /// Children on team `unit` at any level.
    pub fn team_children(&self, unit: UnitIx) -> u32 {
        self.counts[unit * self.levels..(unit + 1) * self.levels]
            .iter()
            .sum()
    }

    /// Children in district `d` at any level.
    pub fn children(&self, d: usize) -> u32 {
        (self.team_start[d]..self.team_start[d + 1])
            .map(|u| self.team_children(u))
            .sum()
    }

    pub(in crate::engine) fn clear(&mut self) {
        self.counts.fill(0);
        self.ages.fill(0);
    }
}
