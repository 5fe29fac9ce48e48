//! Staff in post: individuals with a district, a role and a WTE fraction, and the hours they give
//! to contacts and reviews each working day.

use bevy_ecs::prelude::*;

use super::recorder::Recorder;
use super::{Clock, Params};
use crate::model::{DistrictIx, Model, RoleIx};

/// WTE fractions below this are not worth a staff member (float dust from splitting).
const MIN_WTE: f64 = 1e-6;

/// One member of staff.
#[derive(Component, Debug, Clone)]
pub struct Staff {
    /// District worked in.
    pub district: DistrictIx,
    /// Role.
    pub role: RoleIx,
    /// Whole-time equivalent, in (0, 1].
    pub wte: f64,
}

/// Places the scenario's staff in post: each district's WTE of a role becomes whole-time staff and
/// one part-timer holding the remainder.
pub fn spawn_staff(world: &mut World, model: &Model) {
    for (d, district) in model.districts.iter().enumerate() {
        for &(role, wte) in &district.staff {
            let mut left = wte;
            while left > MIN_WTE {
                let share = left.min(1.0);
                world.spawn(Staff {
                    district: d as DistrictIx,
                    role,
                    wte: share,
                });
                left -= share;
            }
        }
    }
}

/// Hours available for contacts and reviews today, by district and role.
#[derive(Resource, Debug)]
pub struct Capacity {
    roles: usize,
    hours: Vec<f64>,
}

impl Capacity {
    /// No hours anywhere.
    pub fn new(model: &Model) -> Self {
        Capacity {
            roles: model.roles.len(),
            hours: vec![0.0; model.districts.len() * model.roles.len()],
        }
    }

    /// District `d`'s hours by role.
    pub fn hours(&self, d: usize) -> &[f64] {
        &self.hours[d * self.roles..(d + 1) * self.roles]
    }
}

/// Each working day: sums the contact hours of the staff in post.
pub fn capacity(params: Res<Params>, staff: Query<&Staff>, mut capacity: ResMut<Capacity>) {
    let roles = &params.model.roles;
    let n = capacity.roles;
    capacity.hours.fill(0.0);
    for s in &staff {
        let role = s.role as usize;
        capacity.hours[s.district as usize * n + role] += s.wte * roles[role].contact_hours_per_day;
    }
}

/// Days in a year, for accruing annual costs day by day.
const DAYS_PER_YEAR: f64 = 365.25;

/// Every day: each member of staff's pay for the day (annual cost per WTE x WTE / 365.25).
pub fn accrue_pay(
    clock: Res<Clock>,
    params: Res<Params>,
    staff: Query<&Staff>,
    mut recorder: ResMut<Recorder>,
) {
    let (roles, spend) = (&params.model.roles, params.metrics.spend);
    for s in &staff {
        let daily = s.wte * roles[s.role as usize].annual_cost / DAYS_PER_YEAR;
        recorder.add(clock.month, s.district as usize, spend, daily);
    }
}
