//! The day's workforce events, in (day, sequence) order: leavers, qualifiers, recruitment outcomes
//! and held-over hires, intakes, volunteers starting and leaving.

use bevy_ecs::prelude::*;

use super::events::{EventQueue, StaffEvent};
use super::pipeline;
use super::rng::Streams;
use super::state::{Census, People, StaffBooks, Today};
use super::volunteers;
use super::workforce::{self, Recruiting};

/// Processes the day's workforce events, including any scheduled for today while processing.
pub fn process_events(
    mut commands: Commands,
    today: Today,
    census: Res<Census>,
    mut queue: ResMut<EventQueue<StaffEvent>>,
    people: People,
    books: StaffBooks,
    mut streams: ResMut<Streams>,
) {
    let Today { clock, params } = today;
    let People {
        mut staff,
        mut volunteers,
    } = people;
    let StaffBooks {
        mut posts,
        mut counts,
        mut budget,
        mut recorder,
    } = books;
    let today = clock.today;
    let rng = &mut streams.workforce;
    loop {
        let events = queue.take(today);
        if events.is_empty() {
            break;
        }
        for event in events {
            match event {
                StaffEvent::Leaves(entity) => {
                    if let Ok(s) = staff.get(entity) {
                        workforce::leave(&mut posts, &mut recorder, &params, clock.month, s);
                        commands.entity(entity).despawn();
                    }
                }
                StaffEvent::Qualifies(entity) => {
                    if let Ok(mut s) = staff.get_mut(entity) {
                        pipeline::qualify(
                            &params,
                            &clock,
                            &mut s,
                            &census,
                            &mut posts,
                            &mut recorder,
                        );
                    }
                }
                StaffEvent::VacancyOutcome { district, role }
                | StaffEvent::Hire { district, role } => {
                    let mut recruiting = Recruiting {
                        commands: &mut commands,
                        params: &params,
                        clock: &clock,
                        posts: &mut posts,
                        recorder: &mut recorder,
                        rng,
                        queue: &mut queue,
                    };
                    let (d, r) = (district as usize, role as usize);
                    if matches!(event, StaffEvent::Hire { .. }) {
                        recruiting.held_over(d, r);
                    } else {
                        recruiting.outcome(d, r);
                    }
                }
                StaffEvent::Intake(p, k) => pipeline::intake(
                    &mut commands,
                    &params,
                    &clock,
                    (p as usize, k as usize),
                    &census,
                    &mut posts,
                    &mut budget,
                    &mut recorder,
                    rng,
                    &mut queue,
                ),
                StaffEvent::VolunteerStarts(entity) => {
                    if let (Ok(mut v), Some(model)) =
                        (volunteers.get_mut(entity), &params.model.volunteers)
                    {
                        volunteers::start(
                            model,
                            today,
                            entity,
                            &mut v,
                            &mut counts,
                            rng,
                            &mut queue,
                        );
                    }
                }
                StaffEvent::VolunteerLeaves(entity) => {
                    if let Ok(v) = volunteers.get(entity) {
                        volunteers::leave(&mut commands, entity, v, &mut counts);
                    }
                }
            }
        }
    }
}
