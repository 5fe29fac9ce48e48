//! Caseload-holding teams' loads, and the unit index of a district's team.

use bevy_ecs::prelude::*;

use crate::model::{Model, UnitIx};

/// Children on each team's caseload (born or not), kept as they join and leave.
#[derive(Resource, Debug)]
pub struct TeamLoad {
    pub(in crate::engine) children: Vec<u32>,
}

impl TeamLoad {
    /// No children on any team.
    pub fn new(model: &Model) -> Self {
        TeamLoad {
            children: vec![0; model.delivery.units()],
        }
    }

    /// Children on team `unit`'s caseload.
    pub fn children(&self, unit: UnitIx) -> u32 {
        self.children[unit]
    }

    /// A child leaves team `unit`'s caseload.
    pub fn leave(&mut self, unit: UnitIx) {
        self.children[unit] = self.children[unit].saturating_sub(1);
    }
}

/// The team `unit` of a child of district `d` with team index `team`.
pub fn unit(model: &Model, d: usize, team: u8) -> UnitIx {
    model.delivery.team_start[d] + usize::from(team)
}
