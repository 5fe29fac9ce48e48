//! The month-end observations of one replication, written into the recorder's dense (month,
//! district, metric) table ([`super::state::Recorder`]). City totals and ratios are formed
//! afterwards in [`crate::results`].

use bevy_ecs::prelude::*;

use super::state::{
    Child, ChildCount, Posts, Recorder, Staff, Today, VolunteerCounts, Work, kind_of,
};
use crate::scenario::PipelineKind;

/// On the last day of each month: the caseload by level, staff in post and in programmes, funded
/// posts and vacancies, active volunteers, and the month's contacts.
pub fn month_end(
    today: Today,
    children: Query<&Child>,
    staff: Query<&Staff>,
    (work, count): (Res<Work>, Res<ChildCount>),
    posts: Res<Posts>,
    volunteers: Res<VolunteerCounts>,
    mut recorder: ResMut<Recorder>,
) {
    let Today { clock, params } = today;
    // Plain references, taken once: a resource's `DerefMut` marks it changed at every use.
    let recorder = &mut *recorder;
    let (model, metrics) = (&params.model, &params.metrics);
    let m = clock.month;
    let levels = model.levels.len();
    let counts = count.counts();
    // Tests run with debug assertions: there the running count is checked against every child.
    if cfg!(debug_assertions) {
        let mut recount = vec![0u32; counts.len()];
        for child in children.iter().filter(|c| c.born) {
            recount[child.district as usize * levels + child.level as usize] += 1;
        }
        assert_eq!(recount, counts, "born children by district and level");
    }
    for (i, &n) in counts.iter().enumerate() {
        let (d, l) = (i / levels, i % levels);
        recorder.add(m, d, metrics.children, f64::from(n));
        recorder.add(m, d, metrics.children_by_level + l, f64::from(n));
        if let Some(k) = metrics.weighted_children {
            recorder.add(m, d, k, f64::from(n) * model.levels[l].caseload_weight);
        }
    }
    for s in &staff {
        let d = s.district as usize;
        let role = s.role as usize;
        recorder.add(m, d, metrics.wte_by_role + role, s.wte);
        if model.roles[role].health_visitor {
            recorder.add(m, d, metrics.hv_wte, s.wte);
        }
        match kind_of(model, s) {
            Some(PipelineKind::Trainee) => recorder.add(m, d, metrics.trainees, 1.0),
            Some(PipelineKind::Apprentice) => recorder.add(m, d, metrics.apprentices, 1.0),
            None => {}
        }
    }
    for d in 0..model.districts.len() {
        for r in 0..model.roles.len() {
            recorder.add(
                m,
                d,
                metrics.establishment + r,
                posts.establishment[posts.at(d, r)],
            );
            recorder.add(m, d, metrics.vacancies + r, posts.vacancy(d, r));
        }
        recorder.add(m, d, metrics.volunteers, f64::from(volunteers.active[d]));
    }
    for d in 0..model.districts.len() {
        for u in model.delivery.teams(d) {
            for (l, level) in model.levels.iter().enumerate() {
                let (needed, delivered) = work.contacts(u, l);
                recorder.add(m, d, metrics.contacts_delivered + l, f64::from(delivered));
                recorder.add(
                    m,
                    d,
                    metrics.unmet_hours,
                    f64::from(needed - delivered) * level.contact_hours,
                );
            }
        }
    }
}
