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

mod serve;

use super::need::Census;
use super::population::Child;
use super::recorder::Recorder;
use super::reviews::{Outcome, record};
use super::volunteers::VolunteerCounts;
use super::workforce::{Capacity, Posts};
use super::{Clock, Params};
use crate::calendar::Day;
use crate::model::{Model, RoleIx, Window, Work as WorkKind};

/// One child's open review in a district queue.
#[derive(Debug, Clone, Copy)]
pub(super) struct Item {
    /// The queue's ordering day: the on-time deadline, or the last chance once late.
    key: Day,
    /// Insertion sequence, breaking ties between equal keys.
    seq: u64,
    /// On-time deadline.
    pub(super) on_time: Day,
    /// Last chance.
    pub(super) last_chance: Day,
    /// The child.
    pub(super) child: Entity,
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

pub(super) type Queue = BinaryHeap<Reverse<Item>>;

/// A level's contacts in the current month.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Contacts {
    needed: u32,
    released: u32,
    delivered: u32,
}

impl Contacts {
    fn pending(&self) -> u32 {
        self.released - self.delivered
    }
}

/// Universal support hours in the current month.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Support {
    needed: f64,
    released: f64,
    delivered: f64,
}

impl Support {
    fn pending(&self) -> f64 {
        (self.released - self.delivered).max(0.0)
    }
}

/// One district's open work.
#[derive(Debug, Default)]
pub(super) struct DistrictWork {
    on_time: Vec<Queue>,
    late: Vec<Queue>,
    contacts: Vec<Contacts>,
    support: Support,
}

/// All districts' open work.
#[derive(Resource, Debug)]
pub struct Work {
    districts: Vec<DistrictWork>,
    seq: u64,
    /// Scratch: hours left per role in the district being allocated.
    hours: Vec<f64>,
    /// Scratch: spare hours per role lent to other districts today.
    pool: Vec<f64>,
}

impl Work {
    /// No open work.
    pub fn new(model: &Model) -> Self {
        let district = || DistrictWork {
            on_time: vec![Queue::new(); model.reviews.len()],
            late: vec![Queue::new(); model.reviews.len()],
            contacts: vec![Contacts::default(); model.levels.len()],
            support: Support::default(),
        };
        Work {
            districts: (0..model.districts.len()).map(|_| district()).collect(),
            seq: 0,
            hours: vec![0.0; model.roles.len()],
            pool: vec![0.0; model.roles.len()],
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

    /// Starts a month: district `d` wants `hours` of universal support.
    pub fn set_support_demand(&mut self, d: usize, hours: f64) {
        self.districts[d].support = Support {
            needed: hours,
            ..Support::default()
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
pub(super) fn live(children: &Query<&mut Child>, item: &Item, d: usize, r: usize) -> bool {
    children
        .get(item.child)
        .is_ok_and(|c| c.district as usize == d && c.open & (1 << r) != 0)
}

/// Pops stale items off the head of `queue`.
pub(super) fn clean(queue: &mut Queue, children: &Query<&mut Child>, d: usize, r: usize) {
    while let Some(Reverse(head)) = queue.peek() {
        if live(children, head, d, r) {
            return;
        }
        queue.pop();
    }
}

/// The roles that may deliver each piece of work today: the scenario's lists, changed on the
/// dates of its skill mix changes.
#[derive(Resource, Debug, Clone)]
pub struct WorkRoles {
    /// By review.
    pub reviews: Vec<Vec<RoleIx>>,
    /// By level's contacts.
    pub levels: Vec<Vec<RoleIx>>,
    /// Universal support (volunteers always may).
    pub support: Vec<RoleIx>,
}

impl WorkRoles {
    /// The lists at the start.
    pub fn new(model: &Model) -> Self {
        WorkRoles {
            reviews: model.reviews.iter().map(|r| r.roles.clone()).collect(),
            levels: model
                .levels
                .iter()
                .map(|l| l.contact_roles.clone())
                .collect(),
            support: model.universal_support_roles.clone(),
        }
    }
}

/// Every day: applies the skill mix changes that take effect today.
pub fn apply_skill_mix(clock: Res<Clock>, params: Res<Params>, mut roles: ResMut<WorkRoles>) {
    for change in params
        .model
        .skill_mix_changes
        .iter()
        .filter(|c| c.day == clock.today)
    {
        let list = match change.work {
            WorkKind::Review(r) => &mut roles.reviews[r],
            WorkKind::Contacts(l) => &mut roles.levels[l],
            WorkKind::UniversalSupport => &mut roles.support,
        };
        list.clone_from(&change.roles);
    }
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

/// Each working day: releases the day's share of contacts and universal support, shares out each
/// district's own hours over its open work, then (with mutual aid) lends a share of every
/// district's spare hours to the most pressured districts, in order of caseload per HV WTE.
#[allow(clippy::too_many_arguments)]
pub fn allocate(
    clock: Res<Clock>,
    params: Res<Params>,
    capacity: Res<Capacity>,
    roles: Res<WorkRoles>,
    volunteers: Res<VolunteerCounts>,
    (census, posts): (Res<Census>, Res<Posts>),
    mut work: ResMut<Work>,
    mut children: Query<&mut Child>,
    mut recorder: ResMut<Recorder>,
) {
    let (model, metrics) = (&params.model, &params.metrics);
    let m = clock.month;
    let work = &mut *work;
    let volunteer_hours_per_day = model.volunteers.as_ref().map_or(0.0, |v| v.hours_per_day);
    let share = model.mutual_aid.spare_share;
    work.pool.fill(0.0);
    let mut ctx = serve::Context {
        params: &params,
        roles: &roles,
        today: clock.today,
        month_end: clock.month_end - 1,
        children: &mut children,
        recorder: &mut recorder,
    };
    for (d, dw) in work.districts.iter_mut().enumerate() {
        let fraction =
            f64::from(clock.working_days_so_far) / f64::from(clock.working_days_in_month.max(1));
        for c in &mut dw.contacts {
            c.released = (u64::from(c.needed) * u64::from(clock.working_days_so_far)
                / u64::from(clock.working_days_in_month.max(1))) as u32;
        }
        dw.support.released = dw.support.needed * fraction;
        for r in 0..model.reviews.len() {
            clean(&mut dw.on_time[r], ctx.children, d, r);
            clean(&mut dw.late[r], ctx.children, d, r);
        }
        let hours = &mut work.hours;
        hours.copy_from_slice(capacity.hours(d));
        let available: f64 = hours.iter().sum();
        let mut volunteer_hours = f64::from(volunteers.active[d]) * volunteer_hours_per_day;
        ctx.recorder.add(m, d, metrics.hours_available, available);
        ctx.recorder
            .add(m, d, metrics.volunteer_hours, volunteer_hours);
        serve::serve(&mut ctx, d, dw, hours, &mut volunteer_hours);
        let left: f64 = hours.iter().map(|h| h.max(0.0)).sum();
        ctx.recorder.add(m, d, metrics.hours_used, available - left);
        for (p, h) in work.pool.iter_mut().zip(hours.iter()) {
            *p += h.max(0.0) * share;
        }
    }
    if share <= 0.0 {
        return;
    }
    let mut order: Vec<usize> = (0..model.districts.len()).collect();
    let pressure = |d: usize| {
        let hv = posts.hv_wte(model, d);
        let children = f64::from(census.children(d));
        if hv > 0.0 {
            children / hv
        } else {
            f64::INFINITY
        }
    };
    order.sort_by(|&a, &b| pressure(b).total_cmp(&pressure(a)));
    for d in order {
        let before: f64 = work.pool.iter().sum();
        if before <= 0.0 {
            break;
        }
        serve::serve(
            &mut ctx,
            d,
            &mut work.districts[d],
            &mut work.pool,
            &mut 0.0,
        );
        let used = before - work.pool.iter().map(|h| h.max(0.0)).sum::<f64>();
        ctx.recorder.add(m, d, metrics.mutual_aid_hours, used);
    }
}
