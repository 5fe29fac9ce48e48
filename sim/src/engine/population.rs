//! Children: the starting population, pregnancies, births, arrivals, moves and departures.

use bevy_ecs::entity::EntityAllocator;
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

use super::events::EventQueue;
use super::reviews::{self, Departure};
use super::rng::{Streams, draw_cdf, poisson};
use super::state::{
    BirthDay, Census, Child, ChildCount, Clock, DAYS_PER_YEAR, Joiners, Leavers, Milestone,
    OpenReviews, Params, Posts, Recorder, TeamLoad, Today, Work, spawn_child,
};
use super::teams;
use crate::calendar::Day;
use crate::model::{DistrictIx, LevelIx};

/// The index of the first milestone after birth.
fn after_birth(params: &Params) -> u8 {
    params
        .timeline
        .iter()
        .position(|&m| m == Milestone::Born)
        .map_or(0, |i| i as u8 + 1)
}

/// A child on the caseload on the first simulated day whose review window had already opened is
/// taken to have had that review: the service worked before the run began, and (risk-first or not)
/// a review is done as soon as its window opens when there is time. Without this the first weeks of
/// a run would carry every open window's reviews at once, a backlog no real service starts with.
/// A warm-up (`calendar.warm_up_months`) moves the first simulated day back, so the reviews open at
/// the start are those the service's own workings left undone. Arrivals keep their open windows: a
/// family new to the city is offered the review.
fn skip_reviews_opened_before_start(child: &mut Child, params: &Params) {
    let model = &params.model;
    let first = model.calendar.first_day();
    while let Some(&Milestone::ReviewOpens(r)) = params.timeline.get(child.next as usize) {
        let w = model.window(r as usize, child.birth.day());
        if w.opens >= first {
            return;
        }
        child.next += 1;
    }
}

/// What placing children on teams' caseloads needs from the world (see [`Joining`]).
#[derive(SystemParam)]
pub struct Placing<'w> {
    load: ResMut<'w, TeamLoad>,
    count: ResMut<'w, ChildCount>,
    posts: Res<'w, Posts>,
    open: ResMut<'w, OpenReviews>,
    allocator: &'w EntityAllocator,
    joiners: ResMut<'w, Joiners>,
}

impl Placing<'_> {
    /// Ready to place children, drawing teams from `rng` (the team-joining stream).
    pub fn joining<'a>(&'a mut self, rng: &'a mut Xoshiro256PlusPlus) -> Joining<'a> {
        Joining {
            load: &mut self.load,
            count: &mut self.count,
            posts: &self.posts,
            rng,
            open: &mut self.open,
            allocator: self.allocator,
            joiners: &mut self.joiners,
        }
    }
}

/// What placing a child on a team's caseload needs.
pub struct Joining<'a> {
    /// Children on each team.
    pub load: &'a mut TeamLoad,
    /// Born children by district and level.
    pub count: &'a mut ChildCount,
    /// Staff in post by team (for the `Lightest` rule).
    pub posts: &'a Posts,
    /// The team-joining stream, [`super::rng::Process::Joining`] (for the `Establishment` rule).
    pub rng: &'a mut Xoshiro256PlusPlus,
    /// Children's open reviews and teams.
    pub open: &'a mut OpenReviews,
    /// The world's entity allocator, for the children's entities.
    pub allocator: &'a EntityAllocator,
    /// Children placed and not yet spawned.
    pub joiners: &'a mut Joiners,
}

impl Joining<'_> {
    /// Admits `child` (see [`spawn_child`]): its entity, listed to be spawned.
    fn admit(
        &mut self,
        child: Child,
        today: Day,
        params: &Params,
        queue: &mut EventQueue,
    ) -> Entity {
        let spawning = (self.allocator, &mut *self.joiners);
        spawn_child(spawning, child, today, params, (queue, &mut *self.open))
    }
}

/// Places a child born (or due) on `birth`, on the books from `today`, on a team of `district`;
/// returns `None` (placing nothing) if it has already left the service by then, or was born outside
/// the days any run meets (see [`BirthDay`]; only a tool's own children can be). A child not yet
/// born is a known pregnancy. `initial` marks the starting population, whose already-open review
/// windows count as done.
#[allow(clippy::too_many_arguments)]
pub fn place(
    params: &Params,
    queue: &mut EventQueue,
    joining: &mut Joining,
    district: DistrictIx,
    birth: Day,
    level: LevelIx,
    today: Day,
    initial: bool,
) -> Option<(Entity, u8)> {
    let leaves = params.model.leaving_day(birth);
    if leaves <= today {
        return None;
    }
    let birth_day = BirthDay::new(birth)?;
    let born = birth <= today;
    if born {
        joining.count.add(district as usize, level as usize);
    }
    let team = teams::join(
        &params.model,
        joining.load,
        joining.posts,
        district as usize,
        joining.rng,
    );
    let mut child = Child {
        district,
        team,
        level,
        born,
        birth: birth_day,
        next: if born { after_birth(params) } else { 0 },
    };
    if initial {
        skip_reviews_opened_before_start(&mut child, params);
    }
    let entity = joining.admit(child, today, params, queue);
    Some((entity, team))
}

/// A birth day for a child aged `age` whole years on `today`, uniform over that year of age and
/// strictly before today (babies born today are the day's births, not part of a stock).
fn birth_for_age(age: usize, today: Day, rng: &mut Xoshiro256PlusPlus) -> Day {
    let youngest = today - 1 - (age as f64 * DAYS_PER_YEAR).floor() as Day;
    youngest - rng.random_range(0..365)
}

/// The starting population, run once before the first day: children by single year of age in each
/// district on the start date, and the pregnancies already known on the first simulated day. With a
/// warm-up, the children born during it are known pregnancies on its first day, and pregnancies due
/// before the start date are not notified again (they are the starting population's youngest).
/// The children are listed in [`Joiners`]: [`spawn_joiners`] must run next.
pub fn spawn_initial(
    params: Res<Params>,
    mut queue: ResMut<EventQueue>,
    mut streams: ResMut<Streams>,
    mut placing: Placing,
) {
    let streams = &mut *streams;
    let mut joining = placing.joining(&mut streams.joining);
    let rng = &mut streams.demography;
    let first = params.model.calendar.first_day();
    for (d, district) in params.model.districts.iter().enumerate() {
        let d = d as DistrictIx;
        for (age, &n) in district.children_by_age.iter().enumerate() {
            for _ in 0..n {
                let birth = birth_for_age(age, 0, rng);
                let level = draw_cdf(&district.need_mix_cdf, rng) as LevelIx;
                // On the books on the start date: a child who leaves before it is not part of the
                // starting population, warm-up or not.
                if params.model.leaving_day(birth) > 0 {
                    place(
                        &params,
                        &mut queue,
                        &mut joining,
                        d,
                        birth,
                        level,
                        first,
                        true,
                    );
                }
            }
        }
        for due in first.max(0)..first + params.model.pregnancy_lead_days {
            let q = &mut queue;
            notify(&params, q, &mut joining, rng, d, first, due, true);
        }
    }
}

/// Pregnancies due on `due` in district `d` becoming known on `today`; `initial` marks those
/// already known at the start, whose already-open windows count as done.
#[allow(clippy::too_many_arguments)]
fn notify(
    params: &Params,
    queue: &mut EventQueue,
    joining: &mut Joining,
    rng: &mut Xoshiro256PlusPlus,
    d: DistrictIx,
    today: Day,
    due: Day,
    initial: bool,
) {
    // Every due day a valid scenario meets fits (the limits keep it so: a test in
    // `state::children` checks).
    debug_assert!(
        BirthDay::new(due).is_some(),
        "due day {due} outside 16 bits"
    );
    let Some(birth) = BirthDay::new(due) else {
        return;
    };
    let district = &params.model.districts[d as usize];
    let rate =
        district.births_per_day * district.births_growth.powf(f64::from(due) / DAYS_PER_YEAR);
    for _ in 0..poisson(rate, rng) {
        let level = draw_cdf(&district.need_mix_cdf, rng) as LevelIx;
        let team = teams::join(
            &params.model,
            joining.load,
            joining.posts,
            d as usize,
            joining.rng,
        );
        let mut child = Child {
            district: d,
            team,
            level,
            born: false,
            birth,
            next: 0,
        };
        if initial {
            skip_reviews_opened_before_start(&mut child, params);
        }
        joining.admit(child, today, params, queue);
    }
}

/// Each day, the pregnancies due `pregnancy_lead_days` ahead become known in each district (during
/// a warm-up, only those due on or after the start date: earlier births are the starting
/// population's). Listed in [`Joiners`]: [`spawn_joiners`] must run next.
pub fn notify_pregnancies(
    clock: Res<Clock>,
    params: Res<Params>,
    mut queue: ResMut<EventQueue>,
    mut streams: ResMut<Streams>,
    mut placing: Placing,
) {
    let due = clock.today + params.model.pregnancy_lead_days;
    if due < 0 {
        return;
    }
    let streams = &mut *streams;
    let mut joining = placing.joining(&mut streams.joining);
    for d in 0..params.model.districts.len() {
        notify(
            &params,
            &mut queue,
            &mut joining,
            &mut streams.demography,
            d as DistrictIx,
            clock.today,
            due,
            false,
        );
    }
}

/// On the first day of each month: children arriving from outside the city, aged like each
/// district's starting population. Listed in [`Joiners`]: [`spawn_joiners`] must run next.
pub fn arrivals(
    today: Today,
    mut queue: ResMut<EventQueue>,
    mut streams: ResMut<Streams>,
    mut census: ResMut<Census>,
    mut recorder: ResMut<Recorder>,
    mut placing: Placing,
) {
    let Today { clock, params } = today;
    let metrics = &params.metrics;
    let streams = &mut *streams;
    let mut joining = placing.joining(&mut streams.joining);
    for (d, district) in params.model.districts.iter().enumerate() {
        let rng = &mut streams.demography;
        let n = poisson(district.arrivals_per_month, rng);
        if n == 0 {
            continue;
        }
        let total: u64 = district.children_by_age.iter().map(|&c| u64::from(c)).sum();
        for _ in 0..n {
            let age = if total == 0 {
                rng.random_range(0..5)
            } else {
                let mut pick = rng.random_range(0..total);
                district
                    .children_by_age
                    .iter()
                    .position(|&c| {
                        let hit = pick < u64::from(c);
                        pick = pick.saturating_sub(u64::from(c));
                        hit
                    })
                    .unwrap_or(0)
            };
            let birth = birth_for_age(age, clock.today, rng);
            let level = draw_cdf(&district.need_mix_cdf, rng) as LevelIx;
            let placed = place(
                &params,
                &mut queue,
                &mut joining,
                d as DistrictIx,
                birth,
                level,
                clock.today,
                false,
            );
            if let Some((_, team)) = placed {
                census.add(
                    super::state::unit(&params.model, d, team),
                    level as usize,
                    age,
                );
                recorder.add(clock.month, d, metrics.arrivals, 1.0);
            }
        }
    }
}

/// On the first day of each month: each born child may leave the city or move to another district,
/// with the district's monthly probabilities. Also records the month's opening caseload. Those who
/// leave are listed in [`Leavers`]: [`despawn_leavers`] must run next.
pub fn migrate(
    today: Today,
    mut children: Query<(Entity, &mut Child)>,
    mut streams: ResMut<Streams>,
    mut work: ResMut<Work>,
    (mut recorder, mut leavers): (ResMut<Recorder>, ResMut<Leavers>),
    (mut load, mut count, posts, mut open): (
        ResMut<TeamLoad>,
        ResMut<ChildCount>,
        Res<Posts>,
        ResMut<OpenReviews>,
    ),
) {
    let Today { clock, params } = today;
    let streams = &mut *streams;
    let open = &mut *open;
    let (model, metrics) = (&params.model, &params.metrics);
    let m = clock.month;
    // Born children by district before anyone moves: the running count, kept as children are
    // born, arrive, move and leave, saves counting them in the pass below.
    let opening: Vec<u32> = (0..model.districts.len())
        .map(|d| count.district(d))
        .collect();
    // Most children stay: each district's chance of moving, looked up once (a draw at or above it
    // stays).
    let moves: Vec<f64> = model
        .districts
        .iter()
        .map(|district| district.move_cdf.last().copied().unwrap_or(0.0))
        .collect();
    for (entity, mut child) in &mut children {
        if !child.born {
            continue;
        }
        let d = child.district as usize;
        let u: f64 = streams.migration.random();
        if u >= moves[d] {
            continue;
        }
        let district = &model.districts[d];
        let Some(k) = district.move_cdf.iter().position(|&c| u < c) else {
            continue;
        };
        load.leave(super::state::unit(model, d, child.team));
        count.remove(d, child.level as usize);
        if k == 0 {
            let reviews = open.discharge(entity);
            reviews::depart(
                &child,
                reviews,
                Departure::LeftCity,
                clock.today,
                &params,
                &mut recorder,
            );
            recorder.add(m, d, metrics.left_city, 1.0);
            leavers.0.push(entity);
        } else {
            let to = district.move_targets[k - 1];
            recorder.add(m, d, metrics.moved_out, 1.0);
            recorder.add(m, to as usize, metrics.moved_in, 1.0);
            child.district = to;
            count.add(to as usize, child.level as usize);
            child.team = teams::join(model, &mut load, &posts, to as usize, &mut streams.joining);
            let unit = super::state::unit(model, to as usize, child.team);
            open.transfer(entity, unit);
            let (reviews, ticket) = (open.open(entity), open.ticket(entity));
            for r in (0..model.reviews.len()).filter(|r| reviews & (1 << r) != 0) {
                let window = model.window(r, child.birth.day());
                work.open_review(unit, r, window, ticket);
            }
        }
    }
    for (d, &n) in opening.iter().enumerate() {
        recorder.add(m, d, metrics.children_opening, f64::from(n));
    }
}

/// Removes the children [`Leavers`] lists from the world, in order, as the despawn commands of the
/// system that listed them would have been applied. Each removal waits on two scattered reads: the
/// leaver's entry in its archetype, and the location of the entity the removal moves into its place
/// (one from the archetype's end). Reading them all first, in a loop whose reads do not depend on one
/// another, lets the processor fetch them together (docs/benchmarks.md).
pub fn despawn_leavers(world: &mut World) {
    if world.resource::<Leavers>().0.is_empty() {
        return;
    }
    let mut leavers = std::mem::take(&mut world.resource_mut::<Leavers>().0);
    warm_leavers(world, &leavers);
    for &entity in &leavers {
        world.despawn(entity);
    }
    leavers.clear();
    world.resource_mut::<Leavers>().0 = leavers;
}

/// Reads the archetype entries and locations that despawning `leavers` will use. Reads only.
fn warm_leavers(world: &World, leavers: &[Entity]) {
    let (entities, archetypes) = (world.entities(), world.archetypes());
    let mut seen = 0u32;
    let mut last = None;
    for &entity in leavers {
        if let Ok(at) = entities.get_spawned(entity) {
            let archetype = &archetypes[at.archetype_id];
            if let Some(entry) = archetype.entities().get(at.archetype_row.index()) {
                seen ^= entry.table_row().index_u32();
            }
            last = Some(archetype);
        }
    }
    // All children share one archetype: the entities moved into the leavers' places come from
    // its end.
    if let Some(archetype) = last {
        let tail = archetype.entities().iter().rev().take(leavers.len());
        for entry in tail {
            if let Ok(at) = entities.get_spawned(entry.id()) {
                seen ^= at.table_row.index_u32();
            }
        }
    }
    std::hint::black_box(seen);
}

/// Spawns the children [`Joiners`] lists, in order, with the entities allocated for them, as the
/// spawn commands of the system that listed them would have been applied. Each spawn first reads
/// its entity's record, scattered over some megabytes (a reused entity was freed long before);
/// reading them all first, in a loop whose reads do not depend on one another, lets the processor
/// fetch them together (docs/benchmarks.md).
pub fn spawn_joiners(world: &mut World) {
    if world.resource::<Joiners>().0.is_empty() {
        return;
    }
    let mut joiners = std::mem::take(&mut world.resource_mut::<Joiners>().0);
    let entities = world.entities();
    let seen = joiners
        .iter()
        .filter(|(e, _)| entities.get(*e).is_ok())
        .count();
    std::hint::black_box(seen);
    for (entity, child) in joiners.drain(..) {
        // Cannot fail: the entity was allocated for this child, and nothing else spawns it.
        let _ = world.spawn_at(entity, child);
    }
    world.resource_mut::<Joiners>().0 = joiners;
}
