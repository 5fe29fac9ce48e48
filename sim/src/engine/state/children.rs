//! Children: the component each child (or known pregnancy) carries, and its timeline of milestones.

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
    pub birth: Day,
    /// Day the child leaves the service.
    pub leaves: Day,
    /// Index in the timeline of the next milestone; past the end means leaving is next.
    pub next: u8,
}

/// The day of the child's next milestone, on or after `today`, moving `child.next` past review
/// windows whose on-time deadline has already passed (the review happened before the child joined
/// the caseload); the leaving day instead when it comes first.
fn next_milestone(child: &mut Child, today: Day, params: &Params) -> Day {
    let model = &params.model;
    while let Some(&step) = params.timeline.get(child.next as usize) {
        let day = match step {
            Milestone::Born => child.birth,
            Milestone::ReviewOpens(r) => {
                let w = model.window(r as usize, child.birth);
                if w.on_time < today {
                    child.next += 1;
                    continue;
                }
                w.opens
            }
        };
        if day >= child.leaves {
            break;
        }
        return day.max(today);
    }
    child.next = params.timeline.len() as u8;
    child.leaves.max(today)
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

/// Spawns `child` with its next milestone scheduled and its entry in the ledger of open reviews:
/// one command that places it straight in the children's table (an empty entity given its
/// component later would be moved there).
pub fn spawn_child(
    commands: &mut Commands,
    mut child: Child,
    today: Day,
    params: &Params,
    (queue, open): (&mut EventQueue, &mut OpenReviews),
) -> Entity {
    let day = next_milestone(&mut child, today, params);
    let unit = super::unit(&params.model, child.district as usize, child.team);
    let entity = commands.spawn(child).id();
    open.admit(entity, unit);
    queue.schedule(day, Event::Milestone(entity));
    entity
}
