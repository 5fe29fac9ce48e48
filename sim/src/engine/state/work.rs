//! Open work by team: review queues, the month's contacts and universal support, and the roles
//! that may do each piece of work.

use std::cmp::Ordering;

use bevy_ecs::prelude::*;

use super::Ticket;
use super::queue;
use crate::calendar::Day;
use crate::model::{Model, RoleIx, UnitIx, Window};

/// One child's open review in a team's queue.
#[derive(Debug, Clone, Copy)]
pub(in crate::engine) struct Item {
    /// The queue's ordering day: the on-time deadline, or the last chance once late.
    pub(in crate::engine) key: Day,
    /// Insertion sequence, breaking ties between equal keys (32 bits keep an item at 24 bytes;
    /// a replication opens far fewer than four billion reviews).
    seq: u32,
    /// On-time deadline.
    pub(in crate::engine) on_time: Day,
    /// Last chance.
    pub(in crate::engine) last_chance: Day,
    /// The child's place in the ledger of open reviews.
    pub(in crate::engine) child: Ticket,
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

type Queue = queue::Queue<Item>;

/// A level's contacts in the current month.
#[derive(Debug, Clone, Copy, Default)]
pub(in crate::engine) struct Contacts {
    pub(in crate::engine) needed: u32,
    pub(in crate::engine) released: u32,
    pub(in crate::engine) delivered: u32,
}

impl Contacts {
    pub(in crate::engine) fn pending(&self) -> u32 {
        self.released - self.delivered
    }
}

/// Universal support hours in the current month.
#[derive(Debug, Clone, Copy, Default)]
pub(in crate::engine) struct Support {
    pub(in crate::engine) needed: f64,
    pub(in crate::engine) released: f64,
    pub(in crate::engine) delivered: f64,
}

impl Support {
    pub(in crate::engine) fn pending(&self) -> f64 {
        (self.released - self.delivered).max(0.0)
    }
}

/// A review waiting for its booked visit: after the diary's lead time, or after a visit that found
/// no one in.
#[derive(Debug, Clone, Copy)]
pub(in crate::engine) struct Waiting {
    /// First day it can be attempted.
    pub(in crate::engine) ready: Day,
    /// The review.
    pub(in crate::engine) review: u8,
    /// The item, as it will go back on its queue.
    pub(in crate::engine) item: Item,
}

/// One team's open work.
#[derive(Debug, Default)]
pub(in crate::engine) struct TeamWork {
    pub(in crate::engine) on_time: Vec<Queue>,
    pub(in crate::engine) late: Vec<Queue>,
    pub(in crate::engine) contacts: Vec<Contacts>,
    pub(in crate::engine) support: Support,
    /// Reviews waiting for their booked visit (booking only; few).
    pub(in crate::engine) waiting: Vec<Waiting>,
}

/// All teams' open work.
#[derive(Resource, Debug)]
pub struct Work {
    pub(in crate::engine) teams: Vec<TeamWork>,
    seq: u32,
    /// Days from a window opening to its first bookable visit (0 without booking).
    lead_days: Day,
    /// Scratch: hours left per role in each team of the district being allocated.
    pub(in crate::engine) hours: Vec<Vec<f64>>,
    /// Scratch: spare hours per role the district's teams lend each other today.
    pub(in crate::engine) cover: Vec<f64>,
    /// Scratch: what each team of the district lent, by role.
    pub(in crate::engine) loans: Vec<Vec<f64>>,
    /// Scratch: what the district's teams lent in all, by role.
    pub(in crate::engine) lent: Vec<f64>,
    /// Scratch: each team of the district's children per HV WTE.
    pub(in crate::engine) cover_pressure: Vec<f64>,
    /// Scratch: the order cross-cover serves the district's teams in.
    pub(in crate::engine) cover_order: Vec<usize>,
    /// Scratch: volunteers' hours left in each team of the district being allocated.
    pub(in crate::engine) volunteer_hours: Vec<f64>,
    /// Scratch: the share of a team's hours served deadline-first.
    pub(in crate::engine) part: Vec<f64>,
    /// Scratch: spare hours per role lent to other districts today.
    pub(in crate::engine) pool: Vec<f64>,
}

impl Work {
    /// No open work.
    pub fn new(model: &Model) -> Self {
        let team = || TeamWork {
            on_time: vec![Queue::default(); model.reviews.len()],
            late: vec![Queue::default(); model.reviews.len()],
            contacts: vec![Contacts::default(); model.levels.len()],
            support: Support::default(),
            waiting: Vec::new(),
        };
        let most_teams = (0..model.districts.len())
            .map(|d| model.delivery.team_count(d))
            .max()
            .unwrap_or(1);
        Work {
            teams: (0..model.delivery.units()).map(|_| team()).collect(),
            seq: 0,
            lead_days: model.delivery.booking.as_ref().map_or(0, |b| b.lead_days),
            hours: vec![vec![0.0; model.roles.len()]; most_teams],
            cover: vec![0.0; model.roles.len()],
            loans: vec![vec![0.0; model.roles.len()]; most_teams],
            lent: vec![0.0; model.roles.len()],
            cover_pressure: vec![0.0; most_teams],
            cover_order: Vec::with_capacity(most_teams),
            volunteer_hours: vec![0.0; most_teams],
            part: vec![0.0; model.roles.len()],
            pool: vec![0.0; model.roles.len()],
        }
    }

    /// Puts a child's accepted review `r` on team `unit`'s queue, or, with a diary lead time, on
    /// its waiting list until the first bookable day (never after the on-time deadline).
    pub(in crate::engine) fn open_review(
        &mut self,
        unit: UnitIx,
        r: usize,
        window: Window,
        child: Ticket,
    ) {
        self.seq = self.seq.wrapping_add(1);
        let item = Item {
            key: window.on_time,
            seq: self.seq,
            on_time: window.on_time,
            last_chance: window.last_chance,
            child,
        };
        if self.lead_days > 0 {
            self.teams[unit].waiting.push(Waiting {
                ready: (window.opens + self.lead_days).min(window.on_time),
                review: r as u8,
                item,
            });
        } else {
            self.teams[unit].on_time[r].push(item);
        }
    }

    /// Starts a month: level `l` on team `unit` needs `needed` contacts, none released yet.
    pub fn set_contact_demand(&mut self, unit: UnitIx, l: usize, needed: u32) {
        self.teams[unit].contacts[l] = Contacts {
            needed,
            ..Contacts::default()
        };
    }

    /// Starts a month: team `unit` wants `hours` of universal support.
    pub fn set_support_demand(&mut self, unit: UnitIx, hours: f64) {
        self.teams[unit].support = Support {
            needed: hours,
            ..Support::default()
        };
    }

    /// Contacts of level `l` on team `unit` this month: (needed, delivered).
    pub fn contacts(&self, unit: UnitIx, l: usize) -> (u32, u32) {
        let c = self.teams[unit].contacts[l];
        (c.needed, c.delivered)
    }
}

/// A team, as a child records it: its district and its index among the district's teams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::engine) struct Team {
    pub district: usize,
    pub index: u8,
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
