//! The replication's monthly observations, and how a review's outcome is counted in them.

use bevy_ecs::prelude::*;

use super::Params;
use crate::calendar::Day;
use crate::metrics::Metrics;
use crate::model::Model;

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

/// How a review ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done by the on-time deadline.
    OnTime,
    /// Done after the on-time deadline, by the last chance.
    Late,
    /// Not done.
    Missed(Miss),
    /// Still open when the run ended.
    Pending,
}

/// Why a review was missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Miss {
    /// The family declined it when offered (no staff hours were unmet).
    Declined,
    /// Not done for want of staff time: past its last chance, or the child left after its on-time
    /// deadline (its hours are unmet).
    Undone,
    /// Every booked visit found no one in, and the last chance left no time for another (the
    /// hours went on the attempts).
    NotReached,
}

/// Records `outcome` of review `r` with on-time deadline and last chance `(on_time, last_chance)`
/// in district `d`, in the month of the on-time deadline (nothing if that month is outside the
/// run), and for a review also counted at its last chance, in that month too. Unmet hours of a
/// missed review go to `today`'s month.
pub fn record(
    recorder: &mut Recorder,
    params: &Params,
    d: usize,
    r: usize,
    (on_time, last_chance): (Day, Day),
    today: Day,
    outcome: Outcome,
) {
    let (model, metrics) = (&params.model, &params.metrics);
    if let Some(first) = metrics.at_last_chance[r]
        && let Some(m) = model.calendar.month_of(last_chance)
    {
        recorder.add(m, d, first, 1.0);
        if outcome == Outcome::OnTime {
            recorder.add(m, d, first + 1, 1.0);
        }
        if matches!(outcome, Outcome::OnTime | Outcome::Late) {
            recorder.add(m, d, first + 2, 1.0);
        }
    }
    if let Outcome::Missed(Miss::Undone) = outcome
        && let Some(m) = model.calendar.month_of(today)
    {
        recorder.add(m, d, metrics.unmet_hours, model.reviews[r].hours);
    }
    let Some(m) = model.calendar.month_of(on_time) else {
        return;
    };
    recorder.add(m, d, metrics.review_due + r, 1.0);
    let family = match outcome {
        Outcome::OnTime => metrics.review_on_time,
        Outcome::Late => metrics.review_late,
        Outcome::Missed(_) => metrics.review_missed,
        Outcome::Pending => metrics.review_pending,
    };
    recorder.add(m, d, family + r, 1.0);
    if let (Some(b), Outcome::Missed(why)) = (metrics.booking, outcome) {
        match why {
            Miss::Declined => recorder.add(m, d, b.declined + r, 1.0),
            Miss::NotReached => recorder.add(m, d, b.not_reached + r, 1.0),
            Miss::Undone => {}
        }
    }
}
