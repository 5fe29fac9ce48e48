//! Caseload-holding teams: which team a child joins, and how many children each team holds.
//!
//! A district's teams are units `team_start[d]..team_start[d + 1]` of the model's delivery. A child's
//! `team` is its index inside its district. Without a `delivery.teams` section every district is
//! one team and nothing here draws a random number, so such scenarios run as they always did.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

use super::workforce::Posts;
use crate::model::{Model, UnitIx};
use crate::scenario::Joining;

/// Children on each team's caseload (born or not), kept as they join and leave.
#[derive(Resource, Debug)]
pub struct TeamLoad {
    children: Vec<u32>,
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

/// The team a child joining district `d`'s caseload joins, by the scenario's rule; counts it on
/// that team. A district with one team draws nothing.
pub fn join(
    model: &Model,
    load: &mut TeamLoad,
    posts: &Posts,
    d: usize,
    rng: &mut Xoshiro256PlusPlus,
) -> u8 {
    let teams = model.delivery.teams(d);
    let n = teams.len();
    let team = if n <= 1 {
        0
    } else {
        match model.delivery.joining {
            // Equal shares of the establishment: a uniform draw.
            Joining::Establishment => rng.random_range(0..n),
            Joining::Lightest => {
                let per_hv = |u: UnitIx| {
                    let hv = posts.team_hv_wte(model, u);
                    let children = f64::from(load.children[u]);
                    if hv > 0.0 {
                        children / hv
                    } else {
                        f64::INFINITY
                    }
                };
                teams
                    .clone()
                    .map(per_hv)
                    .enumerate()
                    .fold(
                        (0, f64::INFINITY),
                        |(best, bp), (t, p)| {
                            if p < bp { (t, p) } else { (best, bp) }
                        },
                    )
                    .0
            }
        }
    };
    load.children[teams.start + team] += 1;
    team as u8
}
