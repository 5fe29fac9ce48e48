//! Each child's open reviews and team, kept apart from the child's other state.
//!
//! The share-out and expiry look up the child of every queued review they reach (is it still on
//! this team, with the review still open?). Looked up through the children's table, each check
//! reads bevy's record of the entity and then the child's row, two scattered reads from a few
//! megabytes; here it is one read of 8 bytes a child (under a megabyte for Birmingham's 100,000
//! children and pregnancies), which mostly stays in the cache.

use bevy_ecs::prelude::*;

use crate::model::UnitIx;

/// A child's place in the ledger, as a queued review remembers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::engine) struct Ticket {
    /// The child's entity index.
    index: u32,
    /// The entry's version when the review was queued: a child leaving the service (whose index
    /// bevy may give to a later child) moves it on. 16 bits cannot wrap round to a stale item's
    /// version: an index sees at most one departure a day, and a run is shorter than 65,536 days
    /// (see `fits_in_16_bits`).
    version: u16,
}

/// One child's entry.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    /// Reviews taken up and not yet done, as a bit set over review indices.
    open: u32,
    /// See [`Ticket::version`].
    version: u16,
    /// The team whose caseload the child is on (fewer than 65,536 teams: `fits_in_16_bits`).
    unit: u16,
}

/// Every child's open reviews and team, by entity index.
#[derive(Resource, Debug, Default)]
pub struct OpenReviews {
    entries: Vec<Entry>,
}

impl OpenReviews {
    fn entry(&self, entity: Entity) -> Entry {
        self.entries
            .get(entity.index_u32() as usize)
            .copied()
            .unwrap_or_default()
    }

    fn entry_mut(&mut self, entity: Entity) -> &mut Entry {
        let i = entity.index_u32() as usize;
        if i >= self.entries.len() {
            self.entries.resize(i + 1, Entry::default());
        }
        &mut self.entries[i]
    }

    /// A child joins the books on team `unit`, with no review open.
    pub(in crate::engine) fn admit(&mut self, entity: Entity, unit: UnitIx) {
        let entry = self.entry_mut(entity);
        entry.open = 0;
        entry.unit = unit as u16;
    }

    /// A child leaves the books: its reviews close (returned, as they were open) and its queued
    /// reviews go stale.
    pub(in crate::engine) fn discharge(&mut self, entity: Entity) -> u32 {
        let entry = self.entry_mut(entity);
        entry.version = entry.version.wrapping_add(1);
        std::mem::take(&mut entry.open)
    }

    /// A child moves to team `unit`: the reviews queued on its old team go stale (unless it
    /// comes back to that team with them still open).
    pub(in crate::engine) fn transfer(&mut self, entity: Entity, unit: UnitIx) {
        self.entry_mut(entity).unit = unit as u16;
    }

    /// The child's open reviews, as a bit set over review indices.
    pub(in crate::engine) fn open(&self, entity: Entity) -> u32 {
        self.entry(entity).open
    }

    /// Review `r` is taken up: it opens, and is queued under the returned ticket.
    pub(in crate::engine) fn take_up(&mut self, entity: Entity, r: usize) -> Ticket {
        let entry = self.entry_mut(entity);
        entry.open |= 1 << r;
        Ticket {
            index: entity.index_u32(),
            version: entry.version,
        }
    }

    /// The ticket under which the child's open reviews are queued (when it moves team).
    pub(in crate::engine) fn ticket(&self, entity: Entity) -> Ticket {
        Ticket {
            index: entity.index_u32(),
            version: self.entry(entity).version,
        }
    }

    /// Whether review `r` queued under `ticket` on team `unit` still stands: the child is on the
    /// books, on that team, with the review open. Queued reviews go stale when a child moves team
    /// (a fresh one is queued there), leaves, or has the review done from another queued copy.
    pub(in crate::engine) fn live(&self, ticket: Ticket, unit: UnitIx, r: usize) -> bool {
        self.entries.get(ticket.index as usize).is_some_and(|e| {
            e.version == ticket.version && e.unit as usize == unit && e.open & (1 << r) != 0
        })
    }

    /// Review `r` queued under `ticket` is done or missed: it closes. Only for a ticket [`live`]
    /// has just passed (the version is not checked again).
    ///
    /// [`live`]: OpenReviews::live
    pub(in crate::engine) fn close(&mut self, ticket: Ticket, r: usize) {
        if let Some(entry) = self.entries.get_mut(ticket.index as usize) {
            entry.open &= !(1 << r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Entry, OpenReviews};
    use crate::model::limits::{MAX_DISTRICTS, MAX_MONTHS, MAX_TEAMS, MAX_WARM_UP_MONTHS};
    use bevy_ecs::entity::Entity;

    /// Every team index fits a `u16`, and so does every day of the longest run (so a version,
    /// moved on at most once a day, cannot come round to a stale item's); an entry is 8 bytes.
    #[test]
    fn fits_in_16_bits() {
        assert!(MAX_DISTRICTS * MAX_TEAMS as usize <= usize::from(u16::MAX));
        let longest_days = (MAX_MONTHS + MAX_WARM_UP_MONTHS) * 31;
        assert!(longest_days < u32::from(u16::MAX));
        assert_eq!(std::mem::size_of::<Entry>(), 8);
    }

    fn entity(index: u32) -> Entity {
        Entity::from_raw_u32(index).expect("a valid index")
    }

    #[test]
    fn a_queued_review_stands_until_done_moved_or_discharged() {
        let mut ledger = OpenReviews::default();
        let child = entity(7);
        ledger.admit(child, 3);
        let ticket = ledger.take_up(child, 2);
        assert!(ledger.live(ticket, 3, 2));
        assert!(
            !ledger.live(ticket, 3, 1),
            "another review was never opened"
        );
        assert!(!ledger.live(ticket, 4, 2), "queued on another team");
        assert_eq!(ledger.open(child), 1 << 2);

        ledger.transfer(child, 4);
        assert!(!ledger.live(ticket, 3, 2), "moved away");
        assert!(
            ledger.live(ledger.ticket(child), 4, 2),
            "queued afresh on the new team"
        );
        ledger.transfer(child, 3);
        assert!(
            ledger.live(ticket, 3, 2),
            "back on the old team with it still open"
        );

        ledger.close(ticket, 2);
        assert!(!ledger.live(ticket, 3, 2), "done");
        assert_eq!(ledger.open(child), 0);
    }

    #[test]
    fn a_later_child_given_the_same_index_does_not_revive_stale_reviews() {
        let mut ledger = OpenReviews::default();
        let first = entity(5);
        ledger.admit(first, 0);
        let stale = ledger.take_up(first, 1);
        assert_eq!(ledger.discharge(first), 1 << 1, "its open reviews, closed");
        assert!(!ledger.live(stale, 0, 1));
        assert_eq!(ledger.open(first), 0);
        // bevy hands the index on; the same team and review must not bring the old ticket back.
        let second = entity(5);
        ledger.admit(second, 0);
        let fresh = ledger.take_up(second, 1);
        assert!(ledger.live(fresh, 0, 1));
        assert!(!ledger.live(stale, 0, 1));
    }

    #[test]
    fn an_index_never_seen_has_nothing_open() {
        let ledger = OpenReviews::default();
        assert_eq!(ledger.open(entity(1000)), 0);
        assert!(!ledger.live(ledger.ticket(entity(1000)), 0, 0));
    }
}
