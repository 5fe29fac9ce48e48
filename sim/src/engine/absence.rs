//! Absence: spells of sickness and of maternity leave for each member of staff, drawn day by day
//! from a stream of their own. Annual leave and cover are applied to the day's hours in
//! [`super::capacity::capacity`].
//!
//! A spell process with a daily start chance s = a / (L (1 - a)) for staff who are present and
//! spells of mean length L keeps a long-run share a of staff away. On the first simulated day each
//! member of staff is already away with chance a, for a spell of the same mean length (spell
//! lengths are exponential, so the remaining length of a spell under way has the same law), so the
//! share away is a from the start.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

use super::rng::Streams;
use super::state::{Clock, Params, Staff};
use crate::calendar::Day;
use crate::model::Spells;

/// Every day, with an `absence` section: staff present may start a spell of sickness or of
/// maternity leave.
pub fn spells(
    clock: Res<Clock>,
    params: Res<Params>,
    mut staff: Query<&mut Staff>,
    mut streams: ResMut<Streams>,
) {
    let Some(absence) = &params.model.delivery.absence else {
        return;
    };
    let today = clock.today;
    let first = today == params.model.calendar.first_day();
    let rng = &mut streams.absence;
    for mut s in &mut staff {
        // Nothing reads bevy's change ticks: marking one costs a store to another array.
        let s = s.bypass_change_detection();
        step(&absence.sickness, &mut s.sick_until, today, first, rng);
        step(
            &absence.maternity,
            &mut s.maternity_until,
            today,
            first,
            rng,
        );
    }
}

/// One member of staff's day in one spell process: away until `until` (exclusive).
fn step(spells: &Spells, until: &mut Day, today: Day, first: bool, rng: &mut Xoshiro256PlusPlus) {
    if spells.share <= 0.0 || *until > today {
        return;
    }
    let chance = if first {
        spells.share
    } else {
        spells.start_per_day
    };
    if rng.random::<f64>() < chance {
        let days = -spells.mean_days * (1.0 - rng.random::<f64>()).ln();
        *until = today.saturating_add((days.round() as Day).max(1));
    }
}

/// Whether a member of staff is away today.
pub fn away(s: &Staff, today: Day) -> bool {
    s.sick_until > today || s.maternity_until > today
}
