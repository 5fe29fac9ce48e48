//! Volunteers: recruited each month in each district, onboarded, active for an exponential tenure,
//! giving hours of universal support (never reviews or contacts) and taking supervision from staff.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

use super::events::{EventQueue, StaffEvent};
use super::rng::Streams;
use super::rng::poisson;
use super::state::{Clock, Params, Volunteer, VolunteerCounts};
use crate::model::VolunteersModel;

/// A tenure in days, exponential with the programme's mean.
fn tenure(v: &VolunteersModel, rng: &mut Xoshiro256PlusPlus) -> i32 {
    (-v.mean_tenure_days * (1.0 - rng.random::<f64>()).ln())
        .round()
        .min(1e6) as i32
}

/// Before the first day: the volunteers active at the start, each with a fresh tenure (the
/// exponential has no memory, so time already served does not matter).
pub fn spawn_initial(
    mut commands: Commands,
    params: Res<Params>,
    mut counts: ResMut<VolunteerCounts>,
    mut streams: ResMut<Streams>,
    mut queue: ResMut<EventQueue<StaffEvent>>,
) {
    let Some(v) = &params.model.volunteers else {
        return;
    };
    for (d, &n) in v.active_at_start.iter().enumerate() {
        for _ in 0..n {
            let entity = commands
                .spawn(Volunteer {
                    district: d as u16,
                    active: true,
                })
                .id();
            counts.active[d] += 1;
            queue.schedule(
                tenure(v, &mut streams.workforce).max(1),
                StaffEvent::VolunteerLeaves(entity),
            );
        }
    }
}

/// On the first day of each month: each district's recruits (a Poisson draw) start onboarding.
pub fn recruit(
    mut commands: Commands,
    clock: Res<Clock>,
    params: Res<Params>,
    mut streams: ResMut<Streams>,
    mut queue: ResMut<EventQueue<StaffEvent>>,
) {
    let Some(v) = &params.model.volunteers else {
        return;
    };
    for (d, &rate) in v.recruited_per_month.iter().enumerate() {
        for _ in 0..poisson(rate, &mut streams.workforce) {
            let entity = commands
                .spawn(Volunteer {
                    district: d as u16,
                    active: false,
                })
                .id();
            queue.schedule(
                clock.today + v.onboarding_days,
                StaffEvent::VolunteerStarts(entity),
            );
        }
    }
}

/// A volunteer finishes onboarding and becomes active for a tenure.
pub fn start(
    v: &VolunteersModel,
    today: i32,
    entity: Entity,
    volunteer: &mut Volunteer,
    counts: &mut VolunteerCounts,
    rng: &mut Xoshiro256PlusPlus,
    queue: &mut EventQueue<StaffEvent>,
) {
    volunteer.active = true;
    counts.active[volunteer.district as usize] += 1;
    queue.schedule(
        today + tenure(v, rng).max(1),
        StaffEvent::VolunteerLeaves(entity),
    );
}

/// A volunteer leaves.
pub fn leave(
    commands: &mut Commands,
    entity: Entity,
    volunteer: &Volunteer,
    counts: &mut VolunteerCounts,
) {
    if volunteer.active {
        let n = &mut counts.active[volunteer.district as usize];
        *n = n.saturating_sub(1);
    }
    commands.entity(entity).despawn();
}
