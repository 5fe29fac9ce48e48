//! One replication: a bevy_ecs [`World`] of children and staff, driven one simulated day at a time
//! by a [`Schedule`] of systems in a fixed order.
//!
//! Each day runs, in this order (the `.chain()` in [`schedule`]):
//! 1. on the first day of a month: the overspend check ([`budget::check_overspend`]), moves and
//!    departures ([`population::migrate`]), need-level transitions and the census
//!    ([`need::transition`]), arrivals ([`population::arrivals`]), the month's contact and universal
//!    support demand ([`need::contact_demand`]), staff leaving ([`workforce::attrition`]), vacancies
//!    advertised ([`workforce::recruit`]), productivity ramps ([`pipeline::ramps`]) and volunteer
//!    recruits ([`volunteers::recruit`]);
//! 2. pregnancies becoming known ([`population::notify_pregnancies`]);
//! 3. the day's children's events in (day, sequence) order: births, review windows opening,
//!    children leaving ([`reviews::process_events`]);
//! 4. the day's workforce events: leavers, qualifiers, recruitment outcomes, intakes, volunteers
//!    ([`staffing::process_events`]);
//! 5. skill mix changes due today ([`allocation::apply_skill_mix`]); open reviews past their
//!    on-time deadline turn late, and past their last chance are missed ([`allocation::expire`];
//!    on working days instead in step 6, just before each district's share-out); the day's
//!    spending and budget accrue ([`budget::accrue`]);
//! 6. on working days: each team's staff hours ([`capacity::capacity`]) shared out over open
//!    work by the allocation policy, with mutual aid ([`allocation::allocate`]);
//! 7. on the last day of a month: the month's observations ([`recorder::month_end`]).
//!
//! Children placed or leaving are spawned ([`population::spawn_joiners`]) or despawned
//! ([`population::despawn_leavers`]) straight after the system that places or finds them.
//!
//! The engine reads only the validated [`Model`]; it does no I/O and cannot fail.

pub mod absence;
pub mod allocation;
pub mod budget;
pub mod capacity;
pub mod events;
pub mod need;
pub mod pipeline;
pub mod population;
pub mod recorder;
pub mod reviews;
pub mod rng;
pub mod staffing;
pub mod state;
pub mod teams;
pub mod volunteers;
pub mod workforce;

use std::sync::Arc;

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::ScheduleLabel;
use bevy_ecs::system::RunSystemOnce;

use crate::calendar::Day;
use crate::metrics::Metrics;
use crate::model::{self, Model};

pub use state::{Clock, Params};

#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
struct SimulatedDay;

fn month_starts(clock: Res<Clock>) -> bool {
    clock.month_starts
}

fn month_ends(clock: Res<Clock>) -> bool {
    clock.month_ends
}

fn working(clock: Res<Clock>) -> bool {
    clock.working
}

fn recording(clock: Res<Clock>) -> bool {
    !clock.warming
}

/// The systems of one simulated day, in their fixed order.
pub fn schedule() -> Schedule {
    let mut schedule = Schedule::new(SimulatedDay);
    schedule.add_systems(
        (
            (
                budget::check_overspend.run_if(recording),
                population::migrate.run_if(recording),
                population::despawn_leavers,
                need::transition,
                population::arrivals.run_if(recording),
                population::spawn_joiners,
                need::contact_demand,
                (
                    workforce::attrition,
                    workforce::recruit,
                    pipeline::ramps,
                    volunteers::recruit,
                )
                    .chain()
                    .run_if(recording),
            )
                .chain()
                .run_if(month_starts),
            population::notify_pregnancies,
            population::spawn_joiners,
            reviews::process_events,
            population::despawn_leavers,
            staffing::process_events,
            absence::spells,
            allocation::apply_skill_mix,
            allocation::expire.run_if(not(working)),
            budget::accrue.run_if(recording),
            (capacity::capacity, allocation::allocate)
                .chain()
                .run_if(working),
            recorder::month_end.run_if(month_ends),
        )
            .chain(),
    );
    schedule
}

/// One replication in progress: its world, its schedule and the next day to simulate.
pub struct Replication {
    world: World,
    schedule: Schedule,
    next_day: Day,
}

impl Replication {
    /// Sets up replication `replication` of `model` under master seed `seed`: staff in post, the
    /// starting population and the pregnancies already known, before the first day.
    pub fn new(model: &Arc<Model>, metrics: &Arc<Metrics>, seed: u64, replication: u64) -> Self {
        let mut world = World::new();
        world.insert_resource(rng::Streams::new(seed, replication));
        let (first, end) = (model.calendar.first_day(), model.calendar.days());
        world.insert_resource(events::EventQueue::<events::Event>::new(first, end));
        let mut staff_events = events::EventQueue::<events::StaffEvent>::new(first, end);
        pipeline::schedule_intakes(model, &mut staff_events);
        world.insert_resource(staff_events);
        world.insert_resource(state::WorkRoles::new(model));
        world.insert_resource(state::VolunteerCounts::new(model));
        world.insert_resource(state::BudgetState::new(model));
        world.insert_resource(state::Work::new(model));
        world.insert_resource(state::OpenReviews::default());
        world.insert_resource(state::Leavers::default());
        world.insert_resource(state::Joiners::default());
        world.insert_resource(state::Capacity::new(model));
        world.insert_resource(state::Recorder::new(model, metrics));
        world.insert_resource(state::Census::new(model));
        world.insert_resource(state::TeamLoad::new(model));
        world.insert_resource(state::ChildCount::new(model));
        world.insert_resource(Clock::default());
        world.insert_resource(Params {
            model: Arc::clone(model),
            metrics: Arc::clone(metrics),
            timeline: Arc::new(state::timeline(model)),
        });
        workforce::spawn_staff(&mut world, model);
        // Systems run once; they cannot fail: their resources were inserted just above.
        let _ = world.run_system_once(population::spawn_initial);
        let _ = world.run_system_once(population::spawn_joiners);
        let _ = world.run_system_once(volunteers::spawn_initial);
        Replication {
            world,
            schedule: schedule(),
            next_day: model.calendar.first_day(),
        }
    }

    /// Places a child born (or due) on `birth` in district `district` at level `level`: before the
    /// first day, as part of the starting population; later, as an arrival. For hand-worked cases
    /// and tools. Does nothing for a child who has already left the service, or born more than
    /// 32,767 days (89 years) from day 0 (see [`state::BirthDay`]).
    pub fn add_child(&mut self, district: usize, level: usize, birth: Day) {
        let today = self.next_day;
        let _ = self.world.run_system_once(
            move |params: Res<Params>,
                  mut queue: ResMut<events::EventQueue>,
                  mut streams: ResMut<rng::Streams>,
                  mut placing: population::Placing| {
                let mut joining = placing.joining(&mut streams.joining);
                population::place(
                    &params,
                    &mut queue,
                    &mut joining,
                    district as model::DistrictIx,
                    birth,
                    level as model::LevelIx,
                    today,
                    today == params.model.calendar.first_day(),
                );
            },
        );
        let _ = self.world.run_system_once(population::spawn_joiners);
    }

    /// The next day to simulate.
    pub fn next_day(&self) -> Day {
        self.next_day
    }

    /// Simulates one day; false once the period is over.
    pub fn step(&mut self) -> bool {
        let today = self.next_day;
        let model = Arc::clone(&self.world.resource::<Params>().model);
        let cal = &model.calendar;
        let Some(month) = cal.month_containing(today) else {
            return false;
        };
        let recorded = cal.month_of(today);
        let working = cal.is_working(today);
        let so_far = (month.first..=today).filter(|&d| cal.is_working(d)).count() as u32;
        *self.world.resource_mut::<Clock>() = Clock {
            today,
            month: recorded.unwrap_or_else(|| state::Recorder::warm_up_month(&model)),
            warming: recorded.is_none(),
            month_first: month.first,
            month_end: month.end,
            month_of_year: cal.month_of_year(today),
            month_starts: today == month.first,
            month_ends: today + 1 == month.end,
            working,
            working_days_so_far: so_far,
            working_days_in_month: cal.working_days_of(month),
        };
        self.schedule.run(&mut self.world);
        // Nothing reads bevy's removed-component messages; without this they pile up, one for
        // every child or member of staff despawned.
        self.world.clear_trackers();
        self.next_day += 1;
        true
    }

    /// What the replication has done so far.
    pub fn stats(&self) -> Stats {
        let taken = |q: Option<u64>| q.unwrap_or(0);
        Stats {
            events: taken(
                self.world
                    .get_resource::<events::EventQueue<events::Event>>()
                    .map(events::EventQueue::taken),
            ) + taken(
                self.world
                    .get_resource::<events::EventQueue<events::StaffEvent>>()
                    .map(events::EventQueue::taken),
            ),
        }
    }

    /// Simulates every remaining day and returns the monthly observations, one value per (month,
    /// district, metric); reviews still open at the end are counted as pending.
    pub fn finish(self) -> Vec<f64> {
        self.finish_with_stats().0
    }

    /// As [`Replication::finish`], with what the replication did.
    pub fn finish_with_stats(mut self) -> (Vec<f64>, Stats) {
        while self.step() {}
        reviews::close_run(&mut self.world);
        let stats = self.stats();
        let values = self
            .world
            .remove_resource::<state::Recorder>()
            .map(state::Recorder::into_values)
            .unwrap_or_default();
        (values, stats)
    }
}

/// Counts of the work a replication (or a run) did, for benchmarks: they measure speed, never
/// results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Timed events taken off the queues and processed: children's milestones (review windows
    /// opening, births, leaving) and workforce events (leavers, qualifiers, recruitment, intakes,
    /// volunteers).
    pub events: u64,
}

impl std::ops::Add for Stats {
    type Output = Stats;

    fn add(self, other: Stats) -> Stats {
        Stats {
            events: self.events + other.events,
        }
    }
}

/// Runs replication `replication` of `model` under master seed `seed` and returns its monthly
/// observations, one value per (month, district, metric), with what the replication did.
pub fn simulate(
    model: &Arc<Model>,
    metrics: &Arc<Metrics>,
    seed: u64,
    replication: u64,
) -> (Vec<f64>, Stats) {
    Replication::new(model, metrics, seed, replication).finish_with_stats()
}
