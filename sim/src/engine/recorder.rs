//! Monthly observations of one replication: a dense (month, district, metric) table of values.
//! City totals and ratios are formed afterwards in [`crate::results`].

use bevy_ecs::prelude::*;

use super::allocation::Work;
use super::pipeline;
use super::population::Child;
use super::volunteers::VolunteerCounts;
use super::workforce::{Posts, Staff};
use super::{Clock, Params};
use crate::metrics::Metrics;
use crate::model::Model;
use crate::scenario::PipelineKind;

/// The observations of one replication: one table per recorded month, and one more, the warm-up's,
/// which takes what is recorded "this month" during a warm-up and is dropped at the end.
#[derive(Resource, Debug)]
pub struct Recorder {
    districts: usize,
    metrics: usize,
    values: Vec<f64>,
}

impl Recorder {
    /// All zero.
    pub fn new(model: &Model, metrics: &Metrics) -> Self {
        let (months, districts) = (model.calendar.months().len(), model.districts.len());
        Recorder {
            districts,
            metrics: metrics.len(),
            values: vec![0.0; (months + 1) * districts * metrics.len()],
        }
    }

    /// The month index that stands for the warm-up: whatever is recorded there is dropped.
    pub fn warm_up_month(model: &Model) -> usize {
        model.calendar.months().len()
    }

    fn at(&self, month: usize, district: usize, metric: usize) -> usize {
        (month * self.districts + district) * self.metrics + metric
    }

    /// Adds `x` to a metric.
    pub fn add(&mut self, month: usize, district: usize, metric: usize, x: f64) {
        let i = self.at(month, district, metric);
        self.values[i] += x;
    }

    /// A metric's value so far.
    pub fn get(&self, month: usize, district: usize, metric: usize) -> f64 {
        self.values[self.at(month, district, metric)]
    }

    /// The recorded months' values, indexed `(month * districts + district) * metrics + metric`.
    pub fn into_values(mut self) -> Vec<f64> {
        self.values
            .truncate(self.values.len() - self.districts * self.metrics);
        self.values
    }
}

/// On the last day of each month: the caseload by level, staff in post and in programmes, funded
/// posts and vacancies, active volunteers, and the month's contacts.
#[allow(clippy::too_many_arguments)]
pub fn month_end(
    clock: Res<Clock>,
    params: Res<Params>,
    children: Query<&Child>,
    staff: Query<&Staff>,
    work: Res<Work>,
    posts: Res<Posts>,
    volunteers: Res<VolunteerCounts>,
    mut recorder: ResMut<Recorder>,
) {
    // Plain references, taken once: a resource's `DerefMut` marks it changed at every use.
    let recorder = &mut *recorder;
    let (model, metrics) = (&params.model, &params.metrics);
    let m = clock.month;
    let levels = model.levels.len();
    let mut counts = vec![0u32; model.districts.len() * levels];
    for child in &children {
        if child.born {
            counts[child.district as usize * levels + child.level as usize] += 1;
        }
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
        match pipeline::kind_of(model, s) {
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
