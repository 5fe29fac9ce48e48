//! Hours each team has today, by role.

use bevy_ecs::prelude::*;

use crate::model::{Model, RoleIx, UnitIx};

/// Hours available for contacts and reviews today, by team and role.
#[derive(Resource, Debug)]
pub struct Capacity {
    pub(in crate::engine) roles: usize,
    pub(in crate::engine) hours: Vec<f64>,
    /// Scratch: WTE of each role away today by team, `[unit * roles + role]`.
    pub(in crate::engine) away: Vec<f64>,
    /// Scratch: learners (trainees, apprentices, preceptees) present in each team today.
    pub(in crate::engine) learners: Vec<u32>,
    /// Share of its hours each visit takes in each team today (1 unless visits shorten under
    /// pressure: `delivery.shorter_visits`).
    pub(in crate::engine) pace: Vec<f64>,
}

impl Capacity {
    /// No hours anywhere.
    pub fn new(model: &Model) -> Self {
        let cells = model.delivery.units() * model.roles.len();
        Capacity {
            roles: model.roles.len(),
            hours: vec![0.0; cells],
            away: vec![0.0; cells],
            learners: vec![0; model.delivery.units()],
            pace: vec![1.0; model.delivery.units()],
        }
    }

    /// Team `unit`'s hours by role.
    pub fn hours(&self, unit: UnitIx) -> &[f64] {
        &self.hours[unit * self.roles..(unit + 1) * self.roles]
    }

    /// Takes up to `wanted` hours of role `r` from district `d`'s teams, from each in proportion to
    /// its hours; returns the hours taken.
    pub(in crate::engine) fn take(
        &mut self,
        model: &Model,
        d: usize,
        r: usize,
        wanted: f64,
    ) -> f64 {
        let n = self.roles;
        let teams = model.delivery.teams(d);
        if teams.len() == 1 {
            let h = &mut self.hours[teams.start * n + r];
            let taken = wanted.min(*h);
            *h -= taken;
            return taken;
        }
        let total: f64 = teams.clone().map(|u| self.hours[u * n + r]).sum();
        let taken = wanted.min(total);
        if total > 0.0 {
            for u in teams {
                let h = &mut self.hours[u * n + r];
                *h = (*h - taken * *h / total).max(0.0);
            }
        }
        taken
    }

    /// Gives `hours` of role `r` to district `d`'s teams in equal shares.
    pub(in crate::engine) fn give(&mut self, model: &Model, d: usize, r: usize, hours: f64) {
        let teams = model.delivery.teams(d);
        let each = hours / teams.len() as f64;
        for u in teams {
            self.hours[u * self.roles + r] += each;
        }
    }

    /// Takes up to `wanted` hours from team `unit`, from `roles` in order; returns the hours taken.
    pub(in crate::engine) fn take_in_order(
        &mut self,
        unit: UnitIx,
        roles: &[RoleIx],
        wanted: f64,
    ) -> f64 {
        let mut left = wanted;
        for &r in roles {
            let h = &mut self.hours[unit * self.roles + r as usize];
            let taken = left.min(h.max(0.0));
            *h -= taken;
            left -= taken;
        }
        wanted - left
    }
}
