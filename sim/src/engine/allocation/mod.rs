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

use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

mod serve;

use super::rng::Streams;
use crate::calendar::Day;
use crate::engine::state::{
    Capacity, Census, Clock, Miss, OpenReviews, Outcome, Params, Posts, Recorder, Team, TeamWork,
    Today, VolunteerCounts, Work, WorkRoles, record,
};
use crate::model::Work as WorkKind;
use crate::scenario::AllocationPolicy;
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

/// Each day that is not a working day: reviews whose booked visit is due go back on their queue
/// (the on-time queue while they can still be on time); items past their on-time deadline move to
/// the late queues; items past their last chance are missed (their hours count as unmet today).
/// On working days [`allocate`] does this district by district, just before each district's
/// share-out, while its queues are in cache (the same outcomes: a district's expiries touch only
/// its own teams' queues, children and counts).
pub fn expire(
    clock: Res<Clock>,
    params: Res<Params>,
    mut work: ResMut<Work>,
    mut open: ResMut<OpenReviews>,
    mut recorder: ResMut<Recorder>,
) {
    // Plain references, taken once: a resource's `DerefMut` marks it changed at every use.
    let (work, open, recorder) = (&mut *work, &mut *open, &mut *recorder);
    for d in 0..params.model.districts.len() {
        expire_district(clock.today, &params, work, open, recorder, d);
    }
}

/// [`expire`] for district `d`'s teams.
fn expire_district(
    today: Day,
    params: &Params,
    work: &mut Work,
    open: &mut OpenReviews,
    recorder: &mut Recorder,
    d: usize,
) {
    for u in params.model.delivery.teams(d) {
        let dw = &mut work.teams[u];
        if !dw.waiting.is_empty() {
            release(dw, today);
        }
        for r in 0..params.model.reviews.len() {
            while let Some(head) = dw.on_time[r].peek()
                && head.on_time < today
            {
                let Some(mut item) = dw.on_time[r].pop() else {
                    break;
                };
                // Moved unchecked: a stale item is dropped when it is served or expires, as it
                // would have been here (looking the child up costs a cache miss per item).
                item.key = item.last_chance;
                dw.late[r].push(item);
            }
            while let Some(head) = dw.late[r].peek()
                && head.last_chance < today
            {
                let Some(item) = dw.late[r].pop() else {
                    break;
                };
                if open.live(item.child, u, r) {
                    open.close(item.child, r);
                    let missed = Outcome::Missed(Miss::Undone);
                    let deadlines = (item.on_time, item.last_chance);
                    record(recorder, params, d, r, deadlines, today, missed);
                }
            }
        }
    }
}

/// Puts the waiting reviews whose booked visit is due today back on their queues, in the order
/// they began waiting.
fn release(dw: &mut TeamWork, today: Day) {
    let TeamWork {
        waiting,
        on_time,
        late,
        ..
    } = dw;
    waiting.retain(|w| {
        if w.ready > today {
            return true;
        }
        let (r, mut item) = (usize::from(w.review), w.item);
        if today <= item.on_time {
            item.key = item.on_time;
            on_time[r].push(item);
        } else {
            item.key = item.last_chance;
            late[r].push(item);
        }
        false
    });
}

/// What the day's share-out reads: each team's hours, who may do what, volunteers, and the
/// caseloads and posts mutual aid weighs.
#[derive(SystemParam)]
pub struct Supply<'w> {
    capacity: Res<'w, Capacity>,
    roles: Res<'w, WorkRoles>,
    volunteers: Res<'w, VolunteerCounts>,
    census: Res<'w, Census>,
    posts: Res<'w, Posts>,
}

/// Each working day: for each district in turn, expires its open work (see [`expire`]), releases
/// the day's share of contacts and universal support, shares out each team's own hours over its
/// own caseload's open work and, with several teams, lends a share of each team's spare hours to
/// the other teams of the district, most pressured first; then, after every district, (with mutual
/// aid) lends a share of every district's spare hours to the most pressured districts, in order of
/// caseload per HV WTE.
pub fn allocate(
    today: Today,
    supply: Supply,
    mut work: ResMut<Work>,
    mut open: ResMut<OpenReviews>,
    mut recorder: ResMut<Recorder>,
    mut streams: ResMut<Streams>,
) {
    let Today { clock, params } = today;
    let Supply {
        capacity,
        roles,
        volunteers,
        census,
        posts,
    } = supply;
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
        month: m,
        month_end: clock.month_end - 1,
        open: &mut open,
        recorder: &mut recorder,
        rng: &mut streams.delivery,
        shortest: serve::shortest_task(model),
        pace: &capacity.pace,
    };
    let fraction =
        f64::from(clock.working_days_so_far) / f64::from(clock.working_days_in_month.max(1));
    // With cross-cover before lower-priority work, teams first serve only their urgent work.
    let urgent = model.delivery.cover_priority;
    let all = serve::Pass {
        policy: model.policy,
        urgent: None,
        reviews_only: false,
    };
    let first = serve::Pass { urgent, ..all };
    let deadline_share = model.delivery.deadline_share;
    let by_deadline = serve::Pass {
        policy: AllocationPolicy::DeadlineFirst,
        urgent: None,
        reviews_only: true,
    };
    for d in 0..model.districts.len() {
        expire_district(ctx.today, ctx.params, work, ctx.open, ctx.recorder, d);
        let teams = model.delivery.teams(d);
        let team_count = teams.len() as f64;
        let mut available = 0.0;
        for (t, u) in teams.clone().enumerate() {
            let team = Team {
                district: d,
                index: t as u8,
            };
            let dw = &mut work.teams[u];
            for (c, level) in dw.contacts.iter_mut().zip(&model.levels) {
                c.released = if level.released_at_start {
                    c.needed
                } else {
                    (u64::from(c.needed) * u64::from(clock.working_days_so_far)
                        / u64::from(clock.working_days_in_month.max(1))) as u32
                };
            }
            dw.support.released = dw.support.needed * fraction;
            let hours = &mut work.hours[t];
            hours.copy_from_slice(capacity.hours(u));
            let own: f64 = hours.iter().sum();
            available += own;
            let volunteer_hours = &mut work.volunteer_hours[t];
            *volunteer_hours =
                f64::from(volunteers.active[d]) * volunteer_hours_per_day / team_count;
            ctx.recorder.add(m, d, metrics.hours_available, own);
            ctx.recorder
                .add(m, d, metrics.volunteer_hours, *volunteer_hours);
            if deadline_share > 0.0 {
                // A share of the hours goes deadline-first, whatever the priority.
                for (part, h) in work.part.iter_mut().zip(hours.iter_mut()) {
                    *part = *h * deadline_share;
                    *h -= *part;
                }
                let part = &mut work.part;
                serve::serve(&mut ctx, team, dw, part, volunteer_hours, by_deadline);
                for (h, part) in hours.iter_mut().zip(part.iter()) {
                    *h += part.max(0.0);
                }
            }
            serve::serve(&mut ctx, team, dw, hours, volunteer_hours, first);
        }
        if teams.len() > 1 && model.delivery.cross_cover > 0.0 {
            cross_cover(&mut ctx, work, &census, &posts, d, first);
        }
        if urgent.is_some() {
            // The rest of each team's own work, with what it has left.
            for (t, u) in teams.clone().enumerate() {
                let team = Team {
                    district: d,
                    index: t as u8,
                };
                let (hours, vol) = (&mut work.hours[t], &mut work.volunteer_hours[t]);
                serve::serve(&mut ctx, team, &mut work.teams[u], hours, vol, all);
            }
        }
        let mut left = 0.0;
        for t in 0..teams.len() {
            left += work.hours[t].iter().map(|h| h.max(0.0)).sum::<f64>();
            for (p, h) in work.pool.iter_mut().zip(work.hours[t].iter()) {
                *p += h.max(0.0) * share;
            }
        }
        ctx.recorder.add(m, d, metrics.hours_used, available - left);
    }
    if share <= 0.0 {
        return;
    }
    let pressure: Vec<f64> = (0..model.districts.len())
        .map(|d| {
            let hv = posts.hv_wte(model, d);
            let children = f64::from(census.children(d));
            if hv > 0.0 {
                children / hv
            } else {
                f64::INFINITY
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..model.districts.len()).collect();
    order.sort_by(|&a, &b| pressure[b].total_cmp(&pressure[a]));
    for d in order {
        let before: f64 = work.pool.iter().sum();
        if before <= 0.0 {
            break;
        }
        for (t, u) in model.delivery.teams(d).enumerate() {
            let team = Team {
                district: d,
                index: t as u8,
            };
            let dw = &mut work.teams[u];
            serve::serve(&mut ctx, team, dw, &mut work.pool, &mut 0.0, all);
        }
        let used = before - work.pool.iter().map(|h| h.max(0.0)).sum::<f64>();
        ctx.recorder.add(m, d, metrics.mutual_aid_hours, used);
    }
}

/// Cross-cover inside district `d`: each team lends `cross_cover` of its spare hours; the pooled
/// hours serve the district's teams in order of children per health-visitor WTE, most first, in the
/// given pass (with `cover_priority`, only urgent work); what is left goes back to the teams in
/// proportion to what they lent.
fn cross_cover(
    ctx: &mut serve::Context,
    work: &mut Work,
    census: &Census,
    posts: &Posts,
    d: usize,
    pass: serve::Pass,
) {
    let model = &ctx.params.model;
    let teams = model.delivery.teams(d);
    let share = model.delivery.cross_cover;
    work.cover.fill(0.0);
    for t in 0..teams.len() {
        for (role, h) in work.hours[t].iter_mut().enumerate() {
            let lent = h.max(0.0) * share;
            work.loans[t][role] = lent;
            work.cover[role] += lent;
            *h -= lent;
        }
    }
    work.lent.copy_from_slice(&work.cover);
    let (pressure, order) = (&mut work.cover_pressure, &mut work.cover_order);
    for (t, u) in teams.clone().enumerate() {
        pressure[t] = posts.team_caseload(model, u, census.team_children(u));
    }
    order.clear();
    order.extend(0..teams.len());
    order.sort_by(|&a, &b| pressure[b].total_cmp(&pressure[a]));
    for &t in order.iter() {
        let team = Team {
            district: d,
            index: t as u8,
        };
        let dw = &mut work.teams[teams.start + t];
        serve::serve(ctx, team, dw, &mut work.cover, &mut 0.0, pass);
    }
    // Unused cover goes back to the lenders, role by role, in proportion to what each lent.
    for (role, &total) in work.lent.iter().enumerate() {
        if total > 0.0 {
            let back = work.cover[role].max(0.0) / total;
            for t in 0..teams.len() {
                work.hours[t][role] += work.loans[t][role] * back;
            }
        }
    }
}
