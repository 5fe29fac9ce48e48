//! Children: the component each child (or known pregnancy) carries, and its timeline of milestones.

use bevy_ecs::entity::EntityAllocator;
use bevy_ecs::prelude::*;

use super::{OpenReviews, Params};
use crate::calendar::Day;
use crate::engine::events::{Event, EventQueue};
use crate::model::{DistrictIx, LevelIx, Model, ReviewIx};
use crate::scenario::Anchor;

/// A step in a child's life that the event queue schedules. Leaving the service is not listed: it
/// follows the last step, or comes first if it is earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Milestone {
    /// The child is born (on its expected date).
    Born,
    /// A review's window opens.
    ReviewOpens(ReviewIx),
}

/// Milestones in life order: antenatal windows, birth, then the other windows by opening age.
pub fn timeline(model: &Model) -> Vec<Milestone> {
    let before_birth = |r: ReviewIx| {
        let review = &model.reviews[r as usize];
        review.anchor == Anchor::ExpectedBirth && model.calendar.add(0, review.opens) < 0
    };
    let mut steps: Vec<Milestone> = model
        .review_order
        .iter()
        .filter(|&&r| before_birth(r))
        .map(|&r| Milestone::ReviewOpens(r))
        .collect();
    steps.push(Milestone::Born);
    steps.extend(
        model
            .review_order
            .iter()
            .filter(|&&r| !before_birth(r))
            .map(|&r| Milestone::ReviewOpens(r)),
    );
    steps
}

/// Children who left the service today (aged out, or left the city), in the order they left. The
/// systems that find them list them here, and `population::despawn_leavers`, run straight after
/// each, removes them as the despawn commands those systems would otherwise queue: the same world,
/// entity for entity, with each removal's memory read ahead.
#[derive(Resource, Debug, Default)]
pub struct Leavers(pub Vec<Entity>);

/// Children placed today and not yet in the world, each with the entity allocated for it, in the
/// order they were placed. The systems that place children list them here, and
/// `population::spawn_joiners`, run straight after each, spawns them as the spawn commands those
/// systems would otherwise queue: the same entities in the same order, with each entity's record
/// read ahead.
#[derive(Resource, Debug, Default)]
pub struct Joiners(pub Vec<(Entity, Child)>);

/// A day of (expected) birth in 16 bits, which keeps a child's row at 8 bytes: the monthly passes
/// over every child read half the memory, and more of the children stay in cache (docs/benchmarks.md).
/// Every birth day a valid scenario can meet fits: 16 bits hold 32,767 days (89 years) either side
/// of day 0, and the limits keep a run's births within about 31 years of it (a test checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BirthDay(i16);

impl BirthDay {
    /// `day` as a birth day, if it fits.
    pub fn new(day: Day) -> Option<BirthDay> {
        i16::try_from(day).ok().map(BirthDay)
    }

    /// The day.
    pub fn day(self) -> Day {
        Day::from(self.0)
    }
}

/// A child (or, before `born`, a known pregnancy) on the service's books.
#[derive(Component, Debug, Clone)]
pub struct Child {
    /// Home district.
    pub district: DistrictIx,
    /// Team, within the district, whose caseload the child is on (see [`crate::engine::teams`]).
    pub team: u8,
    /// Current level of need.
    pub level: LevelIx,
    /// Whether the child has been born.
    pub born: bool,
    /// Day of (expected) birth.
    pub birth: BirthDay,
    /// Index in the timeline of the next milestone; past the end means leaving is next.
    pub next: u8,
}

/// The day of the child's next milestone, on or after `today`, moving `child.next` past review
/// windows whose on-time deadline has already passed (the review happened before the child joined
/// the caseload); the leaving day instead when it comes first.
fn next_milestone(child: &mut Child, today: Day, params: &Params) -> Day {
    let model = &params.model;
    let leaves = model.leaving_day(child.birth.day());
    while let Some(&step) = params.timeline.get(child.next as usize) {
        let day = match step {
            Milestone::Born => child.birth.day(),
            Milestone::ReviewOpens(r) => {
                let w = model.window(r as usize, child.birth.day());
                if w.on_time < today {
                    child.next += 1;
                    continue;
                }
                w.opens
            }
        };
        if day >= leaves {
            break;
        }
        return day.max(today);
    }
    child.next = params.timeline.len() as u8;
    leaves.max(today)
}

/// Schedules the child's next milestone, on the day `next_milestone` gives.
pub fn schedule_next(
    entity: Entity,
    child: &mut Child,
    today: Day,
    params: &Params,
    queue: &mut EventQueue,
) {
    let day = next_milestone(child, today, params);
    queue.schedule(day, Event::Milestone(entity));
}

/// Admits `child` with its next milestone scheduled and its entry in the ledger of open reviews: an
/// entity allocated now, as a spawn command would, and the child listed with it in [`Joiners`], to
/// be spawned straight into the children's table (an empty entity given its component later would
/// be moved there).
pub fn spawn_child(
    (allocator, joiners): (&EntityAllocator, &mut Joiners),
    mut child: Child,
    today: Day,
    params: &Params,
    (queue, open): (&mut EventQueue, &mut OpenReviews),
) -> Entity {
    let day = next_milestone(&mut child, today, params);
    let unit = super::unit(&params.model, child.district as usize, child.team);
    let entity = allocator.alloc();
    joiners.0.push((entity, child));
    open.admit(entity, unit);
    queue.schedule(day, Event::Milestone(entity));
    entity
}

#[cfg(test)]
mod tests {
    use super::{BirthDay, Child};
    use crate::model::limits::{MAX_AGE_YEARS, MAX_MONTHS, MAX_WARM_UP_MONTHS};

    /// The earliest birth a run meets is the starting population's oldest, born up to six years
    /// before day 0 (arrivals come only after the warm-up; the bound below also allows the longest
    /// warm-up before that); the latest, a pregnancy known (at most 40 weeks ahead) on the last day
    /// of the longest run.
    #[test]
    fn every_birth_day_a_valid_run_meets_fits_and_keeps_its_value() {
        let days = |months: u32| 31 * months as i32;
        let earliest = -days(MAX_WARM_UP_MONTHS) - 366 * MAX_AGE_YEARS as i32;
        let latest = days(MAX_MONTHS) + 280;
        for day in [earliest, -1, 0, 1, latest] {
            assert_eq!(BirthDay::new(day).map(BirthDay::day), Some(day));
        }
        assert_eq!(BirthDay::new(i32::from(i16::MAX) + 1), None);
        assert_eq!(BirthDay::new(i32::from(i16::MIN) - 1), None);
    }

    /// A child's row is 8 bytes: the monthly passes over every child stream the table.
    #[test]
    fn a_child_takes_eight_bytes() {
        assert_eq!(std::mem::size_of::<Child>(), 8);
    }
}
