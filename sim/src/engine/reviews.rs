//! Reviews: windows opening on a child's timeline, offers and uptake, outcomes counted against the
//! month of the on-time deadline (the public metrics' cohort definition).
//!
//! A review's outcome is one of: on time (done by the on-time deadline), late (done after it but by
//! the last chance), missed (declined by the family, not done by the last chance, or the child left
//! the service after the on-time deadline without it), or pending (neither done nor past its last
//! chance when the run ends). Each counts once in `review_due` of the month holding the on-time
//! deadline, so due = on time + late + missed + pending. A child who leaves with the review open
//! before its on-time deadline was never due. A family's refusal is counted (due and missed) when
//! the window opens, in the district the family then lives in.

use bevy_ecs::prelude::*;
use rand::RngExt;

use super::events::{Event, EventQueue};
use super::rng::Streams;
use super::state::{
    Caseloads, Child, Leavers, Milestone, Miss, OpenReviews, Outcome, Params, Recorder, Today,
    record, schedule_next,
};
use crate::calendar::Day;

/// Why a child leaves the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Departure {
    /// School entry or fifth birthday.
    AgedOut,
    /// Moved out of the city.
    LeftCity,
}

/// Records a departing child's open reviews (`open`, as the ledger's discharge returns them):
/// those past their on-time deadline are missed, the others were never due.
pub fn depart(
    child: &Child,
    open: u32,
    _why: Departure,
    today: Day,
    params: &Params,
    recorder: &mut Recorder,
) {
    let model = &params.model;
    let d = child.district as usize;
    for r in 0..model.reviews.len() {
        if open & (1 << r) == 0 {
            continue;
        }
        let window = model.window(r, child.birth.day());
        if today > window.on_time {
            record(
                recorder,
                params,
                d,
                r,
                (window.on_time, window.last_chance),
                today,
                Outcome::Missed(Miss::Undone),
            );
        }
    }
}

/// Reads each event's child and its entry in the ledger of open reviews once, in a tight loop
/// whose reads do not depend on one another, so the processor fetches many from memory at once;
/// the processing that follows then finds them in cache. A child is a cache miss (three: its
/// entity's location, its data, its ledger entry), and without this pass each event waits on its
/// own in turn (docs/benchmarks.md). Reads only.
fn warm(children: &Query<&mut Child>, open: &OpenReviews, events: &[Event]) {
    let mut seen = 0u32;
    for &Event::Milestone(entity) in events {
        seen ^= open.open(entity);
        if let Ok(child) = children.get(entity) {
            seen ^= u32::from(child.next);
        }
    }
    std::hint::black_box(seen);
}

/// Processes the day's timed events in (day, sequence) order, including any scheduled for today
/// while processing. Children who age out are listed in [`Leavers`]: `population::despawn_leavers`
/// must run next.
pub fn process_events(
    today: Today,
    mut queue: ResMut<EventQueue>,
    mut children: Query<&mut Child>,
    mut streams: ResMut<Streams>,
    caseloads: Caseloads,
    mut recorder: ResMut<Recorder>,
    mut leavers: ResMut<Leavers>,
) {
    let Today { clock, params } = today;
    let Caseloads {
        mut work,
        mut load,
        mut count,
        mut open,
    } = caseloads;
    let today = clock.today;
    let (model, metrics) = (&params.model, &params.metrics);
    // Plain references, taken once: a resource's `DerefMut` marks it changed at every use.
    let (queue, streams, work) = (&mut *queue, &mut *streams, &mut *work);
    let (recorder, load, count, open) = (&mut *recorder, &mut *load, &mut *count, &mut *open);
    loop {
        let events = queue.take(today);
        if events.is_empty() {
            break;
        }
        warm(&children, open, &events);
        for event in events {
            let Event::Milestone(entity) = event;
            let Ok(mut child) = children.get_mut(entity) else {
                continue; // left the city before this milestone
            };
            // Nothing reads bevy's change ticks: marking one costs a store to another array.
            let child = child.bypass_change_detection();
            let d = child.district as usize;
            let unit = super::state::unit(model, d, child.team);
            match params.timeline.get(child.next as usize).copied() {
                None => {
                    let reviews = open.discharge(entity);
                    depart(child, reviews, Departure::AgedOut, today, &params, recorder);
                    recorder.add(clock.month, d, metrics.aged_out, 1.0);
                    load.leave(unit);
                    if child.born {
                        count.remove(d, child.level as usize);
                    }
                    leavers.0.push(entity);
                    continue;
                }
                Some(Milestone::Born) => {
                    child.born = true;
                    count.add(d, child.level as usize);
                    recorder.add(clock.month, d, metrics.births, 1.0);
                }
                Some(Milestone::ReviewOpens(r)) => {
                    let r = r as usize;
                    let review = &model.reviews[r];
                    let window = model.window(r, child.birth.day());
                    let rng = &mut streams.reviews;
                    let offered =
                        review.offered_share >= 1.0 || rng.random::<f64>() < review.offered_share;
                    if offered {
                        if rng.random::<f64>() < review.uptake {
                            let ticket = open.take_up(entity, r);
                            work.open_review(unit, r, window, ticket);
                        } else {
                            record(
                                recorder,
                                &params,
                                d,
                                r,
                                (window.on_time, window.last_chance),
                                today,
                                Outcome::Missed(Miss::Declined),
                            );
                        }
                    }
                }
            }
            child.next += 1;
            schedule_next(entity, child, today, &params, queue);
        }
    }
}

/// At the end of the run: reviews still open are pending.
pub fn close_run(world: &mut World) {
    let params = world.resource::<Params>().clone();
    let model = &params.model;
    let end = model.calendar.days();
    let mut open = Vec::new();
    let mut query = world.query::<(Entity, &Child)>();
    let ledger = world.resource::<OpenReviews>();
    for (entity, child) in query.iter(world) {
        let reviews = ledger.open(entity);
        for r in (0..model.reviews.len()).filter(|r| reviews & (1 << r) != 0) {
            let window = model.window(r, child.birth.day());
            open.push((child.district as usize, r, window));
        }
    }
    let mut recorder = world.resource_mut::<Recorder>();
    for (d, r, w) in open {
        let deadlines = (w.on_time, w.last_chance);
        record(
            &mut recorder,
            &params,
            d,
            r,
            deadlines,
            end,
            Outcome::Pending,
        );
    }
}
