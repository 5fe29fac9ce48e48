//! The budget: spending and the budget in force accrue day by day; at each month start the
//! previous month's run rate is compared with the budget and the overspend policy acts.
//!
//! Costs that belong to no district (other costs) and the budget itself are shared across districts
//! in proportion to each district's funded WTE at the start, so district figures add up to the city.

use bevy_ecs::prelude::*;

use super::state::{
    BudgetState, Clock, DAYS_PER_YEAR, Params, Posts, Recorder, Staff, VolunteerCounts,
};
use crate::model::Model;
use crate::scenario::{Change, OverspendPolicy};

/// Every day: applies budget changes due today, then accrues the day's pay of every member of staff,
/// trainee and apprentice, the volunteer programme's cost, other costs, and the budget.
pub fn accrue(
    clock: Res<Clock>,
    params: Res<Params>,
    staff: Query<&Staff>,
    volunteers: Res<VolunteerCounts>,
    mut state: ResMut<BudgetState>,
    mut recorder: ResMut<Recorder>,
) {
    // Plain references, taken once: a resource's `DerefMut` marks it changed at every use.
    let (state, recorder) = (&mut *state, &mut *recorder);
    let (model, metrics) = (&params.model, &params.metrics);
    let m = clock.month;
    for s in &staff {
        recorder.add(
            m,
            s.district as usize,
            metrics.spend,
            s.wte * s.cost_per_year / DAYS_PER_YEAR,
        );
    }
    if let Some(v) = &model.volunteers {
        for (d, &n) in volunteers.active.iter().enumerate() {
            recorder.add(
                m,
                d,
                metrics.spend,
                f64::from(n) * v.annual_cost / DAYS_PER_YEAR,
            );
        }
    }
    let Some(budget) = &model.budget else { return };
    for &(day, change) in &budget.changes {
        if day == clock.today {
            state.annual = match change {
                Change::Percent(p) => state.annual * (1.0 + p / 100.0),
                Change::Absolute(x) => x,
            };
        }
    }
    for d in 0..model.districts.len() {
        let w = state.weights[d] / DAYS_PER_YEAR;
        recorder.add(m, d, metrics.spend, budget.other_costs * w);
        recorder.add(m, d, metrics.budget, state.annual * w);
    }
}

/// On the first day of each month after the first: if last month's spending ran over its budget,
/// the overspend policy acts on the annualised overspend.
pub fn check_overspend(
    clock: Res<Clock>,
    params: Res<Params>,
    mut state: ResMut<BudgetState>,
    mut posts: ResMut<Posts>,
    recorder: Res<Recorder>,
) {
    let model = &params.model;
    let Some(budget) = &model.budget else { return };
    if clock.month == 0 {
        return;
    }
    let last = clock.month - 1;
    let month = &model.calendar.months()[last];
    let (spent, allowed) = (0..model.districts.len()).fold((0.0, 0.0), |(s, b), d| {
        (
            s + recorder.get(last, d, params.metrics.spend),
            b + recorder.get(last, d, params.metrics.budget),
        )
    });
    let over = (spent - allowed) * DAYS_PER_YEAR / f64::from(month.end - month.first);
    match budget.overspend {
        OverspendPolicy::Report => {}
        OverspendPolicy::FreezeRecruitment => posts.budget_freeze = over > 0.0,
        OverspendPolicy::ShrinkNextIntake if over > 0.0 => {
            let costs: Vec<f64> = model
                .pipelines
                .iter()
                .map(|p| p.annual_cost)
                .filter(|&c| c > 0.0)
                .collect();
            if !costs.is_empty() {
                let mean = costs.iter().sum::<f64>() / costs.len() as f64;
                state.intake_cut = state.intake_cut.max((over / mean).ceil().min(1e6) as u32);
            }
        }
        OverspendPolicy::CutEstablishment if over > 0.0 => {
            cut_establishment(model, &mut posts, over)
        }
        _ => {}
    }
}

/// Removes funded posts worth `over` a year beyond the savings already pending (filled posts
/// already unfunded, which go as their holders leave): vacant posts first, largest vacancy first,
/// then filled posts across districts in proportion to their funding, so that leavers are not
/// replaced. Training roles are left alone: programmes are funded by their own costs.
fn cut_establishment(model: &Model, posts: &mut Posts, over: f64) {
    let roles = model.roles.len();
    let training: Vec<bool> = (0..roles)
        .map(|r| {
            model
                .pipelines
                .iter()
                .any(|p| p.training_role as usize == r)
        })
        .collect();
    let cost = |i: usize| model.roles[i % roles].annual_cost.max(1.0);
    let cuttable = |i: usize| !training[i % roles];
    let pending: f64 = (0..posts.in_post.len())
        .filter(|&i| cuttable(i))
        .map(|i| (posts.in_post[i] - posts.establishment[i]).max(0.0) * cost(i))
        .sum();
    let mut needed = over - pending;
    let mut vacant: Vec<usize> = (0..posts.in_post.len())
        .filter(|&i| cuttable(i) && posts.establishment[i] > posts.in_post[i])
        .collect();
    vacant.sort_by(|&a, &b| {
        let v = |i: usize| posts.establishment[i] - posts.in_post[i];
        v(b).total_cmp(&v(a)).then(a.cmp(&b))
    });
    for i in vacant {
        if needed <= 0.0 {
            return;
        }
        let wte = (posts.establishment[i] - posts.in_post[i]).min(needed / cost(i));
        posts.establishment[i] -= wte;
        needed -= wte * cost(i);
    }
    let funded: f64 = (0..posts.in_post.len())
        .filter(|&i| cuttable(i))
        .map(|i| posts.establishment[i] * cost(i))
        .sum();
    if needed <= 0.0 || funded <= 0.0 {
        return;
    }
    let keep = (1.0 - needed / funded).max(0.0);
    for i in (0..posts.in_post.len()).filter(|&i| cuttable(i)) {
        posts.establishment[i] *= keep;
    }
}
