//! Allocation: each working day, each district's available staff hours go to open work in the order
//! the policy sets.
//!
//! Open work is kept in queues of identical work: for each review, one queue of items that can
//! still be on time (ordered by on-time deadline) and one of items already late (ordered by last
//! chance); for each level of need, the month's contacts released so far. Within a queue every item
//! needs the same roles and hours, so the day's work is a merge of queue heads: repeatedly take the
//! head that comes first under the policy among queues some allowed role still has time for.
//!
//! - `RiskFirst` orders heads by (priority, late after on time, deadline).
//! - `DeadlineFirst` orders heads by (deadline, priority, late after on time): priority only breaks
//!   ties between equal deadlines.
//!
//! Ties between queues go to the queue listed first (reviews in scenario order, then levels), so
//! the order never depends on anything but the model. An item goes to the first role in its
//! preference list with enough hours left today; leftover hours too short for any item are lost.
//! Unfinished work carries over: review items until their last chance (then missed), contacts until
//! the end of their month (then unmet).

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use bevy_ecs::prelude::*;

use super::population::Child;
use super::recorder::Recorder;
use super::reviews::{Outcome, record};
use super::workforce::Capacity;
use super::{Clock, Params};
use crate::calendar::Day;
use crate::model::{Model, RoleIx, Window};
use crate::scenario::AllocationPolicy;

/// Hours below which a role counts as having no time left (guards float round-off).
const EPSILON_HOURS: f64 = 1e-9;

/// One child's open review in a district queue.
#[derive(Debug, Clone, Copy)]
struct Item {
    /// The queue's ordering day: the on-time deadline, or the last chance once late.
    key: Day,
    /// Insertion sequence, breaking ties between equal keys.
    seq: u64,
    on_time: Day,
    last_chance: Day,
    child: Entity,
}

impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Item {}
impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.key, self.seq).cmp(&(other.key, other.seq))
    }
}

type Queue = BinaryHeap<Reverse<Item>>;

/// A level's contacts in the current month.
#[derive(Debug, Clone, Copy, Default)]
struct Contacts {
    needed: u32,
    released: u32,
    delivered: u32,
}

impl Contacts {
    fn pending(&self) -> u32 {
        self.released - self.delivered
    }
}

#[derive(Debug, Default)]
struct DistrictWork {
    on_time: Vec<Queue>,
    late: Vec<Queue>,
    contacts: Vec<Contacts>,
}

/// All districts' open work.
#[derive(Resource, Debug)]
pub struct Work {
    districts: Vec<DistrictWork>,
    seq: u64,
    /// Scratch: hours left per role in the district being allocated.
    hours: Vec<f64>,
}

impl Work {
    /// No open work.
    pub fn new(model: &Model) -> Self {
        let district = || DistrictWork {
            on_time: vec![Queue::new(); model.reviews.len()],
            late: vec![Queue::new(); model.reviews.len()],
            contacts: vec![Contacts::default(); model.levels.len()],
        };
        Work {
            districts: (0..model.districts.len()).map(|_| district()).collect(),
            seq: 0,
            hours: vec![0.0; model.roles.len()],
        }
    }

    /// Puts a child's accepted review `r` on district `d`'s queue.
    pub fn open_review(&mut self, d: usize, r: usize, window: Window, child: Entity) {
        self.seq += 1;
        self.districts[d].on_time[r].push(Reverse(Item {
            key: window.on_time,
            seq: self.seq,
            on_time: window.on_time,
            last_chance: window.last_chance,
            child,
        }));
    }

    /// Starts a month: level `l` of district `d` needs `needed` contacts, none released yet.
    pub fn set_contact_demand(&mut self, d: usize, l: usize, needed: u32) {
        self.districts[d].contacts[l] = Contacts {
            needed,
            ..Contacts::default()
        };
    }

    /// Contacts of level `l` in district `d` this month: (needed, delivered).
    pub fn contacts(&self, d: usize, l: usize) -> (u32, u32) {
        let c = self.districts[d].contacts[l];
        (c.needed, c.delivered)
    }
}

/// Whether a queued item still stands: the child is on the books, in this district, with the
/// review open. Items go stale when a child moves district (a fresh item is queued there), leaves,
/// or has the review done from a duplicate item.
fn live(children: &Query<&mut Child>, item: &Item, d: usize, r: usize) -> bool {
    children
        .get(item.child)
        .is_ok_and(|c| c.district as usize == d && c.open & (1 << r) != 0)
}

/// Pops stale items off the head of `queue`.
fn clean(queue: &mut Queue, children: &Query<&mut Child>, d: usize, r: usize) {
    while let Some(Reverse(head)) = queue.peek() {
        if live(children, head, d, r) {
            return;
        }
        queue.pop();
    }
}

/// Which queue a head belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    OnTime(usize),
    Late(usize),
    Contacts(usize),
}

/// The first role in `roles` with at least `hours` left.
fn free_role(roles: &[RoleIx], left: &[f64], hours: f64) -> Option<usize> {
    roles
        .iter()
        .map(|&r| r as usize)
        .find(|&r| left[r] + EPSILON_HOURS >= hours)
}

/// Every day: items past their on-time deadline move to the late queues; items past their last
/// chance are missed (their hours count as unmet today).
pub fn expire(
    clock: Res<Clock>,
    params: Res<Params>,
    mut work: ResMut<Work>,
    mut children: Query<&mut Child>,
    mut recorder: ResMut<Recorder>,
) {
    let today = clock.today;
    for (d, dw) in work.districts.iter_mut().enumerate() {
        for r in 0..params.model.reviews.len() {
            while let Some(Reverse(head)) = dw.on_time[r].peek()
                && head.on_time < today
            {
                let Some(Reverse(mut item)) = dw.on_time[r].pop() else {
                    break;
                };
                if live(&children, &item, d, r) {
                    item.key = item.last_chance;
                    dw.late[r].push(Reverse(item));
                }
            }
            while let Some(Reverse(head)) = dw.late[r].peek()
                && head.last_chance < today
            {
                let Some(Reverse(item)) = dw.late[r].pop() else {
                    break;
                };
                if live(&children, &item, d, r)
                    && let Ok(mut child) = children.get_mut(item.child)
                {
                    child.open &= !(1 << r);
                    let missed = Outcome::Missed { declined: false };
                    record(&mut recorder, &params, d, r, item.on_time, today, missed);
                }
            }
        }
    }
}

/// Each working day: shares out each district's hours over its open work.
pub fn allocate(
    clock: Res<Clock>,
    params: Res<Params>,
    capacity: Res<Capacity>,
    mut work: ResMut<Work>,
    mut children: Query<&mut Child>,
    mut recorder: ResMut<Recorder>,
) {
    let (model, metrics) = (&params.model, &params.metrics);
    let (today, m) = (clock.today, clock.month);
    let work = &mut *work;
    for (d, dw) in work.districts.iter_mut().enumerate() {
        // Release the share of each level's monthly contacts due by today.
        for c in &mut dw.contacts {
            let due = u64::from(c.needed) * u64::from(clock.working_days_so_far)
                / u64::from(clock.working_days_in_month.max(1));
            c.released = due as u32;
        }
        for r in 0..model.reviews.len() {
            clean(&mut dw.on_time[r], &children, d, r);
            clean(&mut dw.late[r], &children, d, r);
        }
        let hours = &mut work.hours;
        hours.copy_from_slice(capacity.hours(d));
        let available: f64 = hours.iter().sum();
        recorder.add(m, d, metrics.hours_available, available);

        loop {
            let mut best: Option<((u64, u64, u64), Source)> = None;
            let mut consider = |key: (u64, u64, u64), source: Source| {
                if best.is_none_or(|(k, _)| key < k) {
                    best = Some((key, source));
                }
            };
            for (r, review) in model.reviews.iter().enumerate() {
                if free_role(&review.roles, hours, review.hours).is_none() {
                    continue;
                }
                if let Some(Reverse(head)) = dw.on_time[r].peek() {
                    consider(
                        order(model.policy, review.priority, false, head.on_time),
                        Source::OnTime(r),
                    );
                }
                if let Some(Reverse(head)) = dw.late[r].peek() {
                    consider(
                        order(model.policy, review.priority, true, head.last_chance),
                        Source::Late(r),
                    );
                }
            }
            let month_end = model.calendar.months()[m].end - 1;
            for (l, level) in model.levels.iter().enumerate() {
                if dw.contacts[l].pending() > 0
                    && free_role(&level.contact_roles, hours, level.contact_hours).is_some()
                {
                    consider(
                        order(model.policy, level.priority, false, month_end),
                        Source::Contacts(l),
                    );
                }
            }
            let Some((_, source)) = best else { break };
            match source {
                Source::OnTime(r) | Source::Late(r) => {
                    let review = &model.reviews[r];
                    let queue = match source {
                        Source::OnTime(_) => &mut dw.on_time[r],
                        _ => &mut dw.late[r],
                    };
                    let Some(Reverse(item)) = queue.pop() else {
                        break;
                    };
                    if let Some(role) = free_role(&review.roles, hours, review.hours) {
                        hours[role] -= review.hours;
                    }
                    if let Ok(mut child) = children.get_mut(item.child) {
                        child.open &= !(1 << r);
                    }
                    let outcome = if today <= item.on_time {
                        Outcome::OnTime
                    } else {
                        Outcome::Late
                    };
                    record(&mut recorder, &params, d, r, item.on_time, today, outcome);
                    clean(queue, &children, d, r);
                }
                Source::Contacts(l) => {
                    let level = &model.levels[l];
                    let c = &mut dw.contacts[l];
                    for &role in &level.contact_roles {
                        let role = role as usize;
                        let fit = ((hours[role] + EPSILON_HOURS) / level.contact_hours).floor();
                        let n = (fit.max(0.0) as u32).min(c.pending());
                        hours[role] -= f64::from(n) * level.contact_hours;
                        c.delivered += n;
                    }
                }
            }
        }
        let left: f64 = hours.iter().map(|h| h.max(0.0)).sum();
        recorder.add(m, d, metrics.hours_used, available - left);
    }
}

/// The sort key of a queue head under `policy`: smaller is served first.
fn order(policy: AllocationPolicy, priority: u32, late: bool, deadline: Day) -> (u64, u64, u64) {
    // Shift days so that any Day sorts correctly as an unsigned number.
    let deadline = (i64::from(deadline) - i64::from(i32::MIN)) as u64;
    let (priority, late) = (u64::from(priority), u64::from(late));
    match policy {
        AllocationPolicy::RiskFirst => (priority, late, deadline),
        AllocationPolicy::DeadlineFirst => (deadline, priority, late),
    }
}
