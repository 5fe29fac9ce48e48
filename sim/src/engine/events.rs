//! The timed-event queue: events keyed by (day, sequence), so events on the same day keep the order
//! they were scheduled in.
//!
//! Every event lies inside the simulated period, so the queue is a calendar of per-day buckets: a
//! push is an append and a day's events come out in push order. That is the (day, sequence) order
//! of a binary heap at O(1) a step, and it keeps no heap of every future event (see
//! `docs/ARCHITECTURE.md`). Events scheduled after the last simulated day are dropped: they could
//! never happen.

use bevy_ecs::entity::Entity;
use bevy_ecs::resource::Resource;

use crate::calendar::Day;

/// Something that happens to one child on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A child reaches the next milestone on its timeline (see `state::Milestone`).
    Milestone(Entity),
}

/// Something that happens in the workforce on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffEvent {
    /// A member of staff, trainee or apprentice leaves.
    Leaves(Entity),
    /// A trainee or apprentice completes the programme.
    Qualifies(Entity),
    /// An attempt to fill a vacant post of a role in a district reaches its outcome.
    VacancyOutcome {
        /// District index.
        district: u16,
        /// Role index.
        role: u8,
    },
    /// A recruit who accepted an offer but was held over by last month's cap starts, cap permitting.
    Hire {
        /// District index.
        district: u16,
        /// Role index.
        role: u8,
    },
    /// A pipeline intake starts (pipeline index, intake index).
    Intake(u16, u32),
    /// A volunteer finishes onboarding and starts.
    VolunteerStarts(Entity),
    /// A volunteer leaves.
    VolunteerLeaves(Entity),
}

/// Pending events by day, of one kind (children's milestones, or workforce events).
#[derive(Resource, Debug)]
pub struct EventQueue<E: Send + Sync + 'static = Event> {
    /// The day of the first bucket: the first simulated day (negative with a warm-up).
    first: Day,
    buckets: Vec<Vec<E>>,
    pending: usize,
    taken: u64,
}

impl<E: Send + Sync + Clone + 'static> EventQueue<E> {
    /// An empty queue for the simulated days `first..end`.
    pub fn new(first: Day, end: Day) -> Self {
        EventQueue {
            first,
            buckets: vec![Vec::new(); usize::try_from(end - first).unwrap_or(0)],
            pending: 0,
            taken: 0,
        }
    }

    /// Schedules `event` on `day`; returns false (and drops it) if `day` is outside the period.
    pub fn schedule(&mut self, day: Day, event: E) -> bool {
        match usize::try_from(day - self.first)
            .ok()
            .and_then(|d| self.buckets.get_mut(d))
        {
            Some(bucket) => {
                bucket.push(event);
                self.pending += 1;
                true
            }
            None => false,
        }
    }

    /// Removes and returns the events of `day` in the order they were scheduled. Events scheduled
    /// for `day` while these are processed are not included: take the day again to get them.
    pub fn take(&mut self, day: Day) -> Vec<E> {
        let events = usize::try_from(day - self.first)
            .ok()
            .and_then(|d| self.buckets.get_mut(d))
            .map(std::mem::take)
            .unwrap_or_default();
        self.pending -= events.len();
        self.taken += events.len() as u64;
        events
    }

    /// Events taken so far: the events the engine has processed (for benchmarks).
    pub fn taken(&self) -> u64 {
        self.taken
    }

    /// Events not yet taken.
    pub fn len(&self) -> usize {
        self.pending
    }

    /// Whether no events are pending.
    pub fn is_empty(&self) -> bool {
        self.pending == 0
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    fn entity(i: u32) -> Entity {
        Entity::from_raw_u32(i + 1).expect("non-zero index")
    }

    proptest! {
        /// The bucket queue gives the same order as a (day, sequence)-keyed ordered map.
        #[test]
        fn matches_a_day_sequence_ordered_map(first in -10i32..1, pushes in proptest::collection::vec((-15i32..40, 0u32..1000), 0..300)) {
            let mut queue: EventQueue = EventQueue::new(first, 30);
            let mut reference = BTreeMap::new();
            for (seq, &(day, id)) in pushes.iter().enumerate() {
                let accepted = queue.schedule(day, Event::Milestone(entity(id)));
                prop_assert_eq!(accepted, (first..30).contains(&day));
                if accepted {
                    reference.insert((day, seq), Event::Milestone(entity(id)));
                }
            }
            prop_assert_eq!(queue.len(), reference.len());
            let mut got = Vec::new();
            for day in first..30 {
                got.extend(queue.take(day).into_iter().map(|e| (day, e)));
            }
            let want: Vec<_> = reference.into_iter().map(|((d, _), e)| (d, e)).collect();
            prop_assert_eq!(queue.taken(), want.len() as u64);
            prop_assert_eq!(got, want);
            prop_assert!(queue.is_empty());
        }
    }
}
