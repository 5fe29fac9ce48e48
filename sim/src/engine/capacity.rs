//! The hours each team has for visits and contacts today: its staff present (scaled by
//! productivity and, with an `absence` section, by the month's annual leave), bank or agency cover,
//! secondments and volunteers' supervision, less the time that is not visits (caseload
//! administration, safeguarding, supervision of learners).

use bevy_ecs::prelude::*;

use super::absence;
use super::state::{
    Capacity, Census, Clock, Posts, Recorder, Staff, Status, Today, VolunteerCounts,
};
use crate::model::Model;
use crate::scenario::PipelineKind;

/// Each working day: sums the contact hours of the staff present (scaled by productivity and the
/// month's annual leave), adds bank or agency cover, moves seconded hours between districts, takes
/// volunteers' supervision from their supervisors, sets each team's pace under pressure (which the
/// share-out that follows reads) and takes the time that is not visits from each team, and records
/// apprentices' hours.
pub fn capacity(
    today: Today,
    staff: Query<&Staff>,
    volunteers: Res<VolunteerCounts>,
    (census, posts): (Res<Census>, Res<Posts>),
    mut capacity: ResMut<Capacity>,
    mut recorder: ResMut<Recorder>,
) {
    let Today { clock, params } = today;
    // Plain references, taken once: a resource's `DerefMut` marks it changed at every use.
    let (capacity, recorder) = (&mut *capacity, &mut *recorder);
    let (model, metrics) = (&params.model, &params.metrics);
    let n = capacity.roles;
    let m = clock.month;
    let absence = model.delivery.absence.as_ref();
    // Annual leave taken today: the month's leave days spread over its working days.
    let at_work = absence.map_or(1.0, |a| {
        let days = f64::from(clock.working_days_in_month.max(1));
        (1.0 - a.leave_days_by_month[clock.month_of_year] / days).max(0.0)
    });
    capacity.hours.fill(0.0);
    if absence.is_some() {
        capacity.away.fill(0.0);
    }
    let counting_learners = model.delivery.overheads.learners.is_some();
    if counting_learners {
        capacity.learners.fill(0);
    }
    for s in &staff {
        let role = s.role as usize;
        let unit = super::state::unit(model, s.district as usize, s.team);
        let full = s.wte * s.productivity * model.roles[role].contact_hours_per_day;
        let hours = match metrics.absence_hours {
            None => full,
            Some(k) if absence::away(s, clock.today) => {
                capacity.away[unit * n + role] += s.wte;
                recorder.add(m, s.district as usize, k, full);
                continue;
            }
            Some(k) => {
                recorder.add(m, s.district as usize, k, full * (1.0 - at_work));
                full * at_work
            }
        };
        capacity.hours[unit * n + role] += hours;
        if counting_learners && !matches!(s.status, Status::InPost) {
            capacity.learners[unit] += 1;
        }
        if let Status::Training { pipeline, .. } = s.status
            && model.pipelines[pipeline as usize].kind == PipelineKind::Apprentice
        {
            recorder.add(m, s.district as usize, metrics.apprentice_hours, hours);
        }
    }
    if let Some(cover) = absence.and_then(|a| a.cover.as_ref()) {
        for d in 0..model.districts.len() {
            for u in model.delivery.teams(d) {
                let share = 1.0 / model.delivery.team_count(d) as f64;
                for r in (0..n).filter(|&r| cover.roles[r]) {
                    let funded = posts.establishment[posts.at(d, r)] * share;
                    let vacant = (funded - posts.team_in_post[u * n + r]).max(0.0);
                    let gap = capacity.away[u * n + r] + vacant;
                    let hours = cover.share * gap * model.roles[r].contact_hours_per_day * at_work;
                    capacity.hours[u * n + r] += hours;
                    if let Some(k) = metrics.cover_hours {
                        recorder.add(m, d, k, hours);
                    }
                    recorder.add(m, d, metrics.spend, hours * cover.cost_per_contact_hour[r]);
                }
            }
        }
    }
    for sec in &model.mutual_aid.secondments {
        if (sec.start..=sec.end).contains(&clock.today) {
            let r = sec.role as usize;
            let wanted = sec.wte * model.roles[r].contact_hours_per_day;
            let moved = capacity.take(model, sec.from as usize, r, wanted);
            capacity.give(model, sec.to as usize, r, moved);
        }
    }
    if let Some(v) = &model.volunteers {
        let r = v.supervisor_role as usize;
        for (d, &active) in volunteers.active.iter().enumerate() {
            capacity.take(model, d, r, f64::from(active) * v.supervision_hours_per_day);
        }
    }
    if let Some(shorter) = &model.delivery.shorter_visits {
        for (u, pace) in capacity.pace.iter_mut().enumerate() {
            *pace = shorter
                .curve
                .share(posts.team_caseload(model, u, census.team_children(u)));
        }
    }
    overheads(&clock, model, &census, capacity, recorder, metrics);
}

/// Takes the day's time that is not visits from each team: per learner present, and per child
/// held (at the levels each overhead names, at the team's pace when overheads shorten under
/// pressure), each from its roles in order.
fn overheads(
    clock: &Clock,
    model: &Model,
    census: &Census,
    capacity: &mut Capacity,
    recorder: &mut Recorder,
    metrics: &crate::metrics::Metrics,
) {
    let o = &model.delivery.overheads;
    let Some(k) = metrics.overhead_hours else {
        return;
    };
    let days = f64::from(clock.working_days_in_month.max(1));
    let paced = model.delivery.shorter_visits.is_some_and(|s| s.overheads);
    for d in 0..model.districts.len() {
        for u in model.delivery.teams(d) {
            let mut taken = 0.0;
            let pace = if paced { capacity.pace[u] } else { 1.0 };
            if let Some(l) = &o.learners {
                let wanted = f64::from(capacity.learners[u]) * l.hours_per_month / days;
                taken += capacity.take_in_order(u, &l.roles, wanted);
            }
            for c in &o.per_child {
                let children: u32 = (0..model.levels.len())
                    .filter(|&l| c.levels[l])
                    .map(|l| census.team_get(u, l))
                    .sum();
                let wanted = f64::from(children) * c.hours_per_month / days * pace;
                taken += capacity.take_in_order(u, &c.roles, wanted);
            }
            recorder.add(clock.month, d, k, taken);
        }
    }
}
