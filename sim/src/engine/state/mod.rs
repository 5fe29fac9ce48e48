//! The engine's shared state: the components children, staff and volunteers carry, and the
//! resources systems read and write (open work, the census, posts, capacity, the recorder, the
//! budget, team loads, the clock and the model). Systems import their data from here and from the
//! leaves ([`super::rng`], [`super::events`]), so no system module depends on another for its
//! data; the helpers one system lends another (joining a team, a departing child's reviews) run in
//! one direction only (`tests/layers.rs` holds the order).

mod budget;
mod capacity;
mod census;
mod children;
mod open;
mod queue;
mod recorder;
mod staff;
mod teams;
mod work;

use std::sync::Arc;

use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use crate::calendar::Day;
use crate::metrics::Metrics;
use crate::model::Model;

pub use budget::BudgetState;
pub use capacity::Capacity;
pub use census::{Census, ChildCount};
pub use children::{
    BirthDay, Child, Joiners, Leavers, Milestone, schedule_next, spawn_child, timeline,
};
pub use open::OpenReviews;
pub(in crate::engine) use open::Ticket;
pub use recorder::{Miss, Outcome, Recorder, record};
pub use staff::{DAYS_PER_YEAR, Posts, Staff, Status, Volunteer, VolunteerCounts, kind_of};
pub use teams::{TeamLoad, unit};
pub(in crate::engine) use work::{Team, TeamWork, Waiting};
pub use work::{Work, WorkRoles};

/// The model and its metric layout, shared read-only by every system.
#[derive(Resource, Debug, Clone)]
pub struct Params {
    /// The validated model.
    pub model: Arc<Model>,
    /// Where each metric sits in the recorder.
    pub metrics: Arc<Metrics>,
    /// A child's milestones in life order (see [`Milestone`]).
    pub timeline: Arc<Vec<Milestone>>,
}

/// Today, and where it falls in its month.
#[derive(Resource, Debug, Clone, Default)]
pub struct Clock {
    /// The simulated day.
    pub today: Day,
    /// Index of the recorded month containing today; during a warm-up, the recorder's warm-up
    /// month ([`Recorder::warm_up_month`]), whose values are dropped.
    pub month: usize,
    /// Whether today is in the warm-up before the start: the service works, but staff, need levels
    /// and the population hold still and nothing is recorded for the day.
    pub warming: bool,
    /// First day of today's month.
    pub month_first: Day,
    /// First day of the next month.
    pub month_end: Day,
    /// Today's calendar month, 0 for January.
    pub month_of_year: usize,
    /// Whether today is the first day of its month.
    pub month_starts: bool,
    /// Whether today is the last day of its month.
    pub month_ends: bool,
    /// Whether staff work today.
    pub working: bool,
    /// Working days of this month up to and including today.
    pub working_days_so_far: u32,
    /// Working days in this month.
    pub working_days_in_month: u32,
}

/// Today and the model: what nearly every system reads, as one system parameter.
#[derive(SystemParam)]
pub struct Today<'w> {
    /// Today.
    pub clock: Res<'w, Clock>,
    /// The model and its metrics.
    pub params: Res<'w, Params>,
}

/// The team books children are on: their open work, how many children each team holds, and the
/// running count of born children.
#[derive(SystemParam)]
pub struct Caseloads<'w> {
    /// Open work by team.
    pub work: ResMut<'w, Work>,
    /// Children by team.
    pub load: ResMut<'w, TeamLoad>,
    /// Born children by district and level.
    pub count: ResMut<'w, ChildCount>,
    /// Children's open reviews and teams.
    pub open: ResMut<'w, OpenReviews>,
}

/// The ledgers a change of staff writes: posts, active volunteers, the budget's intake cuts and
/// the recorder.
#[derive(SystemParam)]
pub struct StaffBooks<'w> {
    /// Posts, staff in post and recruitment by district, role and team.
    pub posts: ResMut<'w, Posts>,
    /// Active volunteers by district.
    pub counts: ResMut<'w, VolunteerCounts>,
    /// The budget in force.
    pub budget: ResMut<'w, BudgetState>,
    /// The observations.
    pub recorder: ResMut<'w, Recorder>,
}

/// Staff and volunteers, for the systems that change them one by one.
#[derive(SystemParam)]
pub struct People<'w, 's> {
    /// Staff, trainees and apprentices.
    pub staff: Query<'w, 's, &'static mut Staff>,
    /// Volunteers.
    pub volunteers: Query<'w, 's, &'static mut Volunteer>,
}
