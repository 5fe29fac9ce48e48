//! One district's share-out of a pool of hours over its open work, in the policy's order.

use std::cmp::Reverse;

use arrayvec::ArrayVec;

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

use crate::calendar::Day;
use crate::engine::state::{
    Miss, OpenReviews, Outcome, Params, Recorder, Team, TeamWork, Waiting, WorkRoles, record,
};
use crate::model::{ReviewModel, RoleIx};
use crate::scenario::AllocationPolicy;

/// Hours below which a role counts as having no time left (guards float round-off).
const EPSILON_HOURS: f64 = 1e-9;

/// What a share-out needs besides the district's work and hours.
pub(super) struct Context<'a> {
    pub params: &'a Params,
    pub roles: &'a WorkRoles,
    pub today: Day,
    /// The recorder's month for today (the warm-up's during a warm-up).
    pub month: usize,
    pub month_end: Day,
    /// Children's open reviews and teams.
    pub open: &'a mut OpenReviews,
    pub recorder: &'a mut Recorder,
    /// The delivery stream: whether a booked visit finds anyone in.
    pub rng: &'a mut Xoshiro256PlusPlus,
    /// Hours of the shortest review or contact (see [`shortest_task`]).
    pub shortest: f64,
    /// Share of its hours each visit and contact takes today, by team (`Capacity::pace`).
    pub pace: &'a [f64],
}

/// Hours of the shortest review or contact: a share-out with less than this left for every role
/// (and no time for universal support) can serve nothing.
pub(super) fn shortest_task(model: &crate::model::Model) -> f64 {
    let reviews = model.reviews.iter().map(|r| r.hours);
    let contacts = model
        .levels
        .iter()
        .filter(|l| l.contacts_per_month > 0.0)
        .map(|l| l.contact_hours);
    reviews.chain(contacts).fold(f64::INFINITY, f64::min)
}

/// One pass of a share-out: the order it follows, and the least urgent priority it serves.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pass {
    /// The order of queue heads.
    pub policy: AllocationPolicy,
    /// Only work of this priority or more urgent (a lower number), if given.
    pub urgent: Option<u32>,
    /// Only reviews (booked visits), no contacts or universal support.
    pub reviews_only: bool,
}

/// The most queues a team can have: two a review, one a level, and universal support.
const QUEUES: usize = 2 * crate::model::limits::MAX_REVIEWS + crate::model::limits::MAX_LEVELS + 1;

/// Which queue a head belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    OnTime(usize),
    Late(usize),
    Contacts(usize),
    Support,
}

impl Source {
    /// The queue's rank in the order of queues, which breaks ties: reviews in scenario order, on
    /// time before late; then levels; then universal support. `(reviews, levels)` are the model's
    /// counts.
    fn rank(self, (reviews, levels): (usize, usize)) -> usize {
        match self {
            Source::OnTime(r) => 2 * r,
            Source::Late(r) => 2 * r + 1,
            Source::Contacts(l) => 2 * reviews + l,
            Source::Support => 2 * reviews + levels,
        }
    }

    /// The queue whose head has sort key `key` (its rank is the key's low 8 bits, see [`order`]).
    fn of(key: u64, (reviews, levels): (usize, usize)) -> Source {
        let rank = (key & 0xff) as usize;
        match rank.checked_sub(2 * reviews) {
            None if rank.is_multiple_of(2) => Source::OnTime(rank / 2),
            None => Source::Late(rank / 2),
            Some(l) if l < levels => Source::Contacts(l),
            Some(_) => Source::Support,
        }
    }
}

/// The first role in `roles` with at least `hours` left.
fn free_role(roles: &[RoleIx], left: &[f64], hours: f64) -> Option<usize> {
    roles
        .iter()
        .map(|&r| r as usize)
        .find(|&r| left[r] + EPSILON_HOURS >= hours)
}

/// The first role in `roles` with at least `hours` left for a review, and, if its reviews are
/// supervised, whose supervisor role has the supervision's hours left too.
fn free_reviewer(
    roles: &[RoleIx],
    left: &[f64],
    hours: f64,
    delegation: &[Option<(RoleIx, f64)>],
) -> Option<usize> {
    roles.iter().map(|&r| r as usize).find(|&r| {
        left[r] + EPSILON_HOURS >= hours
            && delegation[r].is_none_or(|(sup, h)| left[sup as usize] + EPSILON_HOURS >= h)
    })
}

/// The sort key of a queue head under `policy`, smaller served first: the policy's fields, then
/// the queue's rank in the order of queues (reviews in scenario order, on time before late; then
/// levels; then universal support), which breaks ties. Packed into one 64-bit number: the deadline
/// in 32 bits, the priority in 16 (validated, `limits::MAX_PRIORITY`), lateness in 1 and the rank
/// in 8 (at most 2 x 32 review queues, 16 levels and universal support).
fn order(policy: AllocationPolicy, priority: u32, late: bool, deadline: Day, rank: usize) -> u64 {
    debug_assert!(priority <= crate::model::limits::MAX_PRIORITY && rank < 1 << 8);
    // Flip the sign bit so that any Day sorts correctly as an unsigned number.
    let deadline = u64::from((deadline as u32) ^ (1 << 31));
    let (priority, late, rank) = (u64::from(priority), u64::from(late), rank as u64);
    match policy {
        AllocationPolicy::RiskFirst => priority << 41 | late << 40 | deadline << 8 | rank,
        AllocationPolicy::DeadlineFirst => deadline << 25 | priority << 9 | late << 8 | rank,
    }
}

/// Whether some allowed role still has time for `source`'s next piece of work.
fn has_time(
    ctx: &Context,
    dw: &TeamWork,
    source: Source,
    (hours, volunteer_hours, pace): (&[f64], f64, f64),
) -> bool {
    let model = &ctx.params.model;
    match source {
        Source::OnTime(r) | Source::Late(r) => free_reviewer(
            &ctx.roles.reviews[r],
            hours,
            model.reviews[r].hours * pace,
            &model.delivery.overheads.delegation,
        )
        .is_some(),
        Source::Contacts(l) => free_role(
            &ctx.roles.levels[l],
            hours,
            model.levels[l].contact_hours * pace,
        )
        .is_some(),
        Source::Support => {
            dw.support.pending() > EPSILON_HOURS
                && (volunteer_hours > EPSILON_HOURS
                    || ctx
                        .roles
                        .support
                        .iter()
                        .any(|&r| hours[r as usize] > EPSILON_HOURS))
        }
    }
}

/// The sort key of review queue `source`'s head, if the queue has one.
fn review_head(
    policy: AllocationPolicy,
    dw: &TeamWork,
    review: &ReviewModel,
    (source, counts): (Source, (usize, usize)),
) -> Option<u64> {
    let (queue, late) = match source {
        Source::OnTime(r) => (&dw.on_time[r], false),
        Source::Late(r) => (&dw.late[r], true),
        _ => return None,
    };
    let rank = source.rank(counts);
    queue.peek().map(|head| {
        let deadline = if late { head.last_chance } else { head.on_time };
        order(policy, review.priority, late, deadline, rank)
    })
}

/// Shares out `hours` (by role) and `volunteer_hours` over `team`'s open work: repeatedly serves
/// the queue head that comes first under the policy among queues some allowed role still has time
/// for, until none is left. Hours used are taken off `hours` and `volunteer_hours`. The pass sets
/// the order and, optionally, the least urgent priority served.
///
/// The heads are kept sorted (`candidates`, most urgent last), and only the served queue's head
/// changes between turns. Hours only fall during a share-out (a visit that found no one in gives
/// back part of what it took, never more), so a queue no role has time for is dropped for good.
pub(super) fn serve(
    ctx: &mut Context,
    team: Team,
    dw: &mut TeamWork,
    hours: &mut [f64],
    volunteer_hours: &mut f64,
    pass: Pass,
) {
    let within = |priority: u32| pass.urgent.is_none_or(|u| priority <= u);
    let policy = pass.policy;
    let (model, metrics) = (&ctx.params.model, &ctx.params.metrics);
    let d = team.district;
    let delegation = &model.delivery.overheads.delegation;
    let (today, m) = (ctx.today, ctx.month);
    let unit = crate::engine::state::unit(model, d, team.index);
    let pace = ctx.pace[unit];
    // Nothing fits: skip building the candidates (a common case once the day's hours are used).
    let idle = |h: f64| h <= EPSILON_HOURS && h + EPSILON_HOURS < ctx.shortest * pace;
    if *volunteer_hours <= EPSILON_HOURS && hours.iter().all(|&h| idle(h)) {
        return;
    }
    let counts = (model.reviews.len(), model.levels.len());
    // The heads' sort keys, each naming its queue in its low bits: at most one a queue, on the
    // stack (a `Vec`'s capacity checks cost more here than the share-out's own work).
    let mut candidates = ArrayVec::<u64, QUEUES>::new();
    for (r, review) in model.reviews.iter().enumerate() {
        if within(review.priority) {
            for source in [Source::OnTime(r), Source::Late(r)] {
                if let Some(key) = review_head(policy, dw, review, (source, counts)) {
                    candidates.push(key);
                }
            }
        }
    }
    let month_end = ctx.month_end;
    for (l, level) in model.levels.iter().enumerate() {
        if !pass.reviews_only && within(level.priority) && dw.contacts[l].pending() > 0 {
            let rank = Source::Contacts(l).rank(counts);
            candidates.push(order(policy, level.priority, false, month_end, rank));
        }
    }
    if let Some(support) = &model.universal_support
        && !pass.reviews_only
        && within(support.priority)
    {
        let rank = Source::Support.rank(counts);
        candidates.push(order(policy, support.priority, false, month_end, rank));
    }
    // Most urgent last, so the next to serve is popped off the end.
    candidates.sort_unstable_by_key(|&key| Reverse(key));
    while let Some(key) = candidates.pop() {
        // A queue no role has time for now is dropped for good.
        let source = Source::of(key, counts);
        if !has_time(ctx, dw, source, (hours, *volunteer_hours, pace)) {
            continue;
        }
        match source {
            Source::OnTime(r) | Source::Late(r) => {
                let review = &model.reviews[r];
                let queue = match source {
                    Source::OnTime(_) => &mut dw.on_time[r],
                    _ => &mut dw.late[r],
                };
                let Some(item) = queue.pop() else {
                    break;
                };
                // The queue's next head takes its place among the candidates.
                if let Some(next) = review_head(policy, dw, review, (source, counts)) {
                    let at = candidates.partition_point(|&key| key > next);
                    candidates.insert(at, next);
                }
                // Stale items (the child moved, left or had the review done) are dropped only
                // when they reach the head and win: the order is the same as if cleaned first.
                if !ctx.open.live(item.child, unit, r) {
                    continue;
                }
                let visit_hours = review.hours * pace;
                let role = free_reviewer(&ctx.roles.reviews[r], hours, visit_hours, delegation);
                if let Some(role) = role {
                    hours[role] -= visit_hours;
                    if let Some((sup, h)) = delegation[role] {
                        hours[sup as usize] -= h;
                    }
                }
                let outcome = match &model.delivery.booking {
                    Some(booking) if ctx.rng.random::<f64>() < booking.no_access[r] => {
                        // No one in: the attempt used part of the visit's time.
                        if let Some(role) = role {
                            hours[role] += visit_hours * (1.0 - booking.failed_visit_share);
                        }
                        if let Some(b) = metrics.booking {
                            ctx.recorder.add(m, d, b.no_access + r, 1.0);
                        }
                        let next = today + booking.rebook_days;
                        if next <= item.last_chance {
                            dw.waiting.push(Waiting {
                                ready: next,
                                review: r as u8,
                                item,
                            });
                            None
                        } else {
                            Some(Outcome::Missed(Miss::NotReached))
                        }
                    }
                    _ if today <= item.on_time => Some(Outcome::OnTime),
                    _ => Some(Outcome::Late),
                };
                if let Some(outcome) = outcome {
                    ctx.open.close(item.child, r);
                    let deadlines = (item.on_time, item.last_chance);
                    record(ctx.recorder, ctx.params, d, r, deadlines, today, outcome);
                }
            }
            Source::Contacts(l) => {
                let level = &model.levels[l];
                let contact_hours = level.contact_hours * pace;
                let c = &mut dw.contacts[l];
                for &role in &ctx.roles.levels[l] {
                    let role = role as usize;
                    // The cast truncates, which is the floor here, and takes a negative count to
                    // 0 (without a call to `floor`: a tenth of a percent of a run, on its own).
                    let fit = ((hours[role] + EPSILON_HOURS) / contact_hours) as u32;
                    let n = fit.min(c.pending());
                    hours[role] -= f64::from(n) * contact_hours;
                    c.delivered += n;
                }
            }
            Source::Support => {
                let s = &mut dw.support;
                let from_volunteers = s.pending().min(*volunteer_hours);
                *volunteer_hours -= from_volunteers;
                s.delivered += from_volunteers;
                let mut given = from_volunteers;
                for &role in &ctx.roles.support {
                    let take = s.pending().min(hours[role as usize].max(0.0));
                    hours[role as usize] -= take;
                    s.delivered += take;
                    given += take;
                }
                ctx.recorder
                    .add(m, d, metrics.universal_support_hours, given);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Source, order};
    use crate::calendar::Day;
    use crate::model::limits::{MAX_LEVELS, MAX_PRIORITY, MAX_REVIEWS};
    use crate::scenario::AllocationPolicy;
    use proptest::prelude::*;

    /// Queue ranks: two queues a review, then levels, then universal support.
    const RANKS: usize = 2 * MAX_REVIEWS + MAX_LEVELS + 1;

    /// A queue head's fields, often at the ends of their ranges and often equal to another head's,
    /// so that every field, not only the first, decides some comparisons.
    fn head() -> impl Strategy<Value = (u32, bool, Day, usize)> {
        let priority = prop_oneof![Just(0), Just(1), Just(MAX_PRIORITY), 0..=MAX_PRIORITY];
        let deadline = prop_oneof![
            Just(Day::MIN),
            Just(-1),
            Just(0),
            Just(Day::MAX),
            any::<Day>()
        ];
        let rank = prop_oneof![Just(0), Just(1), Just(RANKS - 1), 0..RANKS];
        (priority, any::<bool>(), deadline, rank)
    }

    /// Every queue's key names the queue it came from, under either policy, for any model's
    /// counts of reviews and levels.
    #[test]
    fn keys_name_their_queue() {
        for reviews in [1, 2, 6, MAX_REVIEWS] {
            for levels in [1, 4, MAX_LEVELS] {
                let counts = (reviews, levels);
                let sources = (0..reviews)
                    .flat_map(|r| [Source::OnTime(r), Source::Late(r)])
                    .chain((0..levels).map(Source::Contacts))
                    .chain([Source::Support]);
                for source in sources {
                    for policy in [AllocationPolicy::RiskFirst, AllocationPolicy::DeadlineFirst] {
                        let key = order(policy, MAX_PRIORITY, true, Day::MAX, source.rank(counts));
                        assert_eq!(Source::of(key, counts), source, "{counts:?}");
                    }
                }
            }
        }
    }

    proptest! {
        /// The packed key orders heads exactly as the policy's fields compared in turn do.
        #[test]
        fn packed_keys_order_as_their_fields(a in head(), b in head()) {
            let key = |p, (pr, late, day, rank)| order(p, pr, late, day, rank);
            let risk = |(pr, late, day, rank): (u32, bool, Day, usize)| (pr, late, day, rank);
            let deadline = |(pr, late, day, rank): (u32, bool, Day, usize)| (day, pr, late, rank);
            let p = AllocationPolicy::RiskFirst;
            prop_assert_eq!(key(p, a).cmp(&key(p, b)), risk(a).cmp(&risk(b)));
            let p = AllocationPolicy::DeadlineFirst;
            prop_assert_eq!(key(p, a).cmp(&key(p, b)), deadline(a).cmp(&deadline(b)));
        }
    }
}
