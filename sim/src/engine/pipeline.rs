//! Pipelines: trainee cohorts and apprenticeships. Entrants join a training role in a district,
//! give a productive share of its hours that moves from the programme's start share to its end
//! share, may drop out, and on completing take on the qualified role in the district the placement
//! rule picks, ramping up to full productivity through preceptorship.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

use super::events::{EventQueue, StaffEvent};
use super::state::{BudgetState, Census, Clock, Params, Posts, Recorder, Staff, Status};
use super::workforce;
use crate::calendar::Day;
use crate::model::{DistrictIx, Model, PipelineModel, PlacementModel};
use crate::scenario::Offset;

/// Schedules every intake: those starting on or after the first day as events, and those that
/// started before it (entrants already part-way through the programme) on the first day.
pub fn schedule_intakes(model: &Model, queue: &mut EventQueue<StaffEvent>) {
    for (p, pipeline) in model.pipelines.iter().enumerate() {
        for (k, &(start, _)) in pipeline.intakes.iter().enumerate() {
            queue.schedule(start.max(0), StaffEvent::Intake(p as u16, k as u32));
        }
    }
}

/// Districts for `n` people by fixed shares (largest remainder, ties to the first listed).
fn split(shares: &[f64], n: u32) -> Vec<u32> {
    let exact: Vec<f64> = shares.iter().map(|s| s * f64::from(n)).collect();
    let mut counts: Vec<u32> = exact.iter().map(|x| x.floor() as u32).collect();
    let left = n.saturating_sub(counts.iter().sum());
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    for &d in order.iter().take(left as usize) {
        counts[d] += 1;
    }
    counts
}

/// The districts `n` people go to under `placement`; under `Pressure`, each counts as `wte` of
/// health-visitor time in the district it goes to when the next is placed.
fn place(
    model: &Model,
    placement: &PlacementModel,
    n: u32,
    wte: f64,
    census: &Census,
    posts: &Posts,
) -> Vec<usize> {
    match placement {
        PlacementModel::Split(shares) => split(shares, n)
            .iter()
            .enumerate()
            .flat_map(|(d, &k)| std::iter::repeat_n(d, k as usize))
            .collect(),
        PlacementModel::Pressure => {
            let mut extra = vec![0.0; model.districts.len()];
            (0..n)
                .map(|_| {
                    let d = workforce::most_pressured(model, census, posts, &extra);
                    extra[d] += wte;
                    d
                })
                .collect()
        }
    }
}

/// The day a programme started on `start` ends.
fn programme_end(model: &Model, pipeline: &PipelineModel, start: Day) -> Day {
    model
        .calendar
        .add(start, Offset::Months(pipeline.length_months as i32))
}

/// Productive share of an entrant on `today`, moving linearly over the programme.
pub fn training_share(pipeline: &PipelineModel, start: Day, end: Day, today: Day) -> f64 {
    let progress = f64::from(today - start) / f64::from((end - start).max(1));
    pipeline.share_start + (pipeline.share_end - pipeline.share_start) * progress.clamp(0.0, 1.0)
}

/// An intake starts: its entrants (less any cut by the overspend policy) join the training role
/// in the districts the placement picks. Each drops out with the programme's attrition on a day
/// drawn uniformly over the programme, or completes at its end and takes the qualified role once
/// registered (`registration` days later).
#[allow(clippy::too_many_arguments)]
pub fn intake(
    commands: &mut Commands,
    params: &Params,
    clock: &Clock,
    (p, k): (usize, usize),
    census: &Census,
    posts: &mut Posts,
    budget: &mut BudgetState,
    recorder: &mut Recorder,
    rng: &mut Xoshiro256PlusPlus,
    queue: &mut EventQueue<StaffEvent>,
) {
    let model = &params.model;
    let pipeline = &model.pipelines[p];
    let (start, size) = pipeline.intakes[k];
    let cut = budget.intake_cut.min(size);
    budget.intake_cut -= cut;
    let end = programme_end(model, pipeline, start);
    if end < clock.today {
        return;
    }
    let role = pipeline.training_role;
    for d in place(
        model,
        &pipeline.placement,
        size - cut,
        pipeline.wte,
        census,
        posts,
    ) {
        // Draw the entrant's fate first: one who dropped out by today (an intake that began
        // before the run) never appears.
        let dropout = (rng.random::<f64>() < pipeline.attrition)
            .then(|| start + rng.random_range(0..(end - start).max(1)));
        if dropout.is_some_and(|day| day <= clock.today) {
            continue;
        }
        // The day a completer takes the qualified role: after registration, if there is one.
        let posted = end
            + pipeline
                .registration
                .as_ref()
                .map_or(0, |r| workforce::draw_days(r, rng));
        let mut staff = Staff {
            district: d as DistrictIx,
            team: 0,
            role,
            wte: pipeline.wte,
            productivity: training_share(pipeline, start, end, clock.today),
            status: Status::Training {
                pipeline: p as u16,
                start,
                end,
            },
            age_at_start: 0.0,
            leaving: false,
            sick_until: Day::MIN,
            maternity_until: Day::MIN,
            cost_per_year: pipeline.annual_cost / pipeline.wte,
        };
        workforce::join(posts, recorder, params, clock.month, &mut staff);
        if posted == clock.today {
            // Qualifying today (an intake that began before the run): qualified at once, since an
            // event for an entity spawned in this system could not find it today.
            let mut staff = staff;
            qualify(params, clock, &mut staff, census, posts, recorder);
            commands.spawn(staff);
            continue;
        }
        let entity = commands.spawn(staff).id();
        match dropout {
            Some(day) => queue.schedule(day, StaffEvent::Leaves(entity)),
            None => queue.schedule(posted, StaffEvent::Qualifies(entity)),
        };
    }
}

/// An entrant completes: they take on the qualified role, in the district the placement picks,
/// starting preceptorship if the pipeline has one.
pub fn qualify(
    params: &Params,
    clock: &Clock,
    staff: &mut Staff,
    census: &Census,
    posts: &mut Posts,
    recorder: &mut Recorder,
) {
    let model = &params.model;
    let Status::Training { pipeline: p, .. } = staff.status else {
        return;
    };
    let pipeline = &model.pipelines[p as usize];
    workforce::leave(posts, recorder, params, clock.month, staff);
    let zero = vec![0.0; model.districts.len()];
    let district = match &pipeline.placement {
        PlacementModel::Pressure => workforce::most_pressured(model, census, posts, &zero),
        PlacementModel::Split(_) => staff.district as usize,
    };
    staff.district = district as DistrictIx;
    staff.role = pipeline.qualifies_as;
    staff.cost_per_year = model.roles[pipeline.qualifies_as as usize].annual_cost;
    (staff.status, staff.productivity) = match pipeline.preceptorship {
        Some((_, starting)) => (
            Status::Preceptee {
                pipeline: p,
                since: clock.today,
            },
            starting,
        ),
        None => (Status::InPost, 1.0),
    };
    workforce::join(posts, recorder, params, clock.month, staff);
    recorder.add(
        clock.month,
        district,
        params.metrics.qualified + pipeline.qualifies_as as usize,
        1.0,
    );
}

/// On the first day of each month: productive shares move along their programme or preceptorship;
/// preceptees who have completed it are in post.
pub fn ramps(clock: Res<Clock>, params: Res<Params>, mut staff: Query<&mut Staff>) {
    let model = &params.model;
    for mut s in &mut staff {
        match s.status {
            Status::InPost => {}
            Status::Training {
                pipeline,
                start,
                end,
            } => {
                let share =
                    training_share(&model.pipelines[pipeline as usize], start, end, clock.today);
                s.productivity = share;
            }
            Status::Preceptee { pipeline, since } => {
                let Some((months, starting)) = model.pipelines[pipeline as usize].preceptorship
                else {
                    s.status = Status::InPost;
                    s.productivity = 1.0;
                    continue;
                };
                let done = model.calendar.add(since, Offset::Months(months as i32));
                if clock.today >= done {
                    s.status = Status::InPost;
                    s.productivity = 1.0;
                } else {
                    let progress =
                        f64::from(clock.today - since) / f64::from((done - since).max(1));
                    s.productivity = starting + (1.0 - starting) * progress;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_shares_out_by_largest_remainder() {
        assert_eq!(split(&[0.5, 0.3, 0.2], 10), vec![5, 3, 2]);
        assert_eq!(split(&[0.5, 0.5], 3), vec![2, 1]);
        assert_eq!(split(&[1.0 / 3.0; 3], 20), vec![7, 7, 6]);
        assert_eq!(split(&[0.0, 1.0], 4), vec![0, 4]);
    }
}
