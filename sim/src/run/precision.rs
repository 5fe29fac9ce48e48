//! Precision-driven replications: keep adding replications until the key forecasts are known well
//! enough, or a cap is reached.
//!
//! The key forecasts are the city's caseload per HV WTE and its compliance with each review that has
//! a target, in the run's last month. Precision is the 95% interval's half-width relative to the
//! mean. Replications are added in doubling batches, each running only the new replications;
//! because replication i always draws from its own streams (seed, i), a run that stops at n
//! replications gives exactly the results of a fixed run of n.

use crate::model::Model;
use crate::replicate::{Replications, Run, RunError};
use crate::results::Results;
use crate::summary::Stats;

/// Replications to start with.
pub const FIRST_BATCH: u32 = 10;

/// How precise the key forecasts must be, and the most replications to spend.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goal {
    /// Largest 95% half-width relative to the mean (0.01 is 1%).
    pub relative_half_width: f64,
    /// Most replications.
    pub max_replications: u32,
}

/// The precision a run reached.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Reached {
    /// Replications run.
    pub replications: u32,
    /// The worst relative half-width among the key forecasts.
    pub worst_relative_half_width: f64,
    /// The key forecast with the worst precision.
    pub worst_metric: String,
    /// Whether the goal was met (false: the cap was reached first).
    pub met: bool,
    /// The goal asked for.
    pub goal_relative_half_width: f64,
}

/// The worst relative 95% half-width among the key forecasts, and its metric (`None` when there
/// is no defined key forecast, e.g. a run of one replication).
pub fn worst_precision(model: &Model, results: &Results) -> Option<(f64, String)> {
    let last = results.months.len().checked_sub(1)?;
    let mut keys = vec!["caseload_per_hv_wte".to_string()];
    keys.extend(
        model
            .reviews
            .iter()
            .filter(|r| r.target.is_some())
            .map(|r| format!("compliance:{}", r.id)),
    );
    keys.into_iter()
        .filter_map(|name| {
            let k = results.metric_index(&name)?;
            let s = Stats::of(&results.across_replications(last, results.city(), k));
            let relative = (s.ci95_high - s.ci95_low) / 2.0 / s.mean.abs();
            relative.is_finite().then_some((relative, name))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
}

/// Runs `replications` in doubling batches, each running only the new replications, until the
/// key forecasts reach `goal` or the cap; `progress` is called as each replication finishes.
pub fn run_to_precision(
    replications: &Replications,
    seed: u64,
    threads: Option<std::num::NonZeroUsize>,
    goal: Goal,
    progress: &(dyn Fn() + Sync),
) -> Result<(Run, Reached), RunError> {
    let model = replications.model();
    let mut done: Vec<Run> = Vec::new();
    let mut have = 0u32;
    let mut n = FIRST_BATCH.min(goal.max_replications).max(2);
    loop {
        let batch: Vec<u64> = (u64::from(have)..u64::from(n)).collect();
        done.push(replications.run_indices(&batch, seed, threads, progress)?);
        have = n;
        let run = Run::concat(std::mem::take(&mut done)).ok_or(RunError::Shape)?;
        // With no defined key forecast there is nothing to be precise about: not met.
        let (worst, metric) =
            worst_precision(model, &run.results).unwrap_or((f64::INFINITY, String::new()));
        let met = worst <= goal.relative_half_width;
        if met || n >= goal.max_replications {
            let reached = Reached {
                replications: n,
                worst_relative_half_width: worst,
                worst_metric: metric,
                met,
                goal_relative_half_width: goal.relative_half_width,
            };
            return Ok((run, reached));
        }
        done.push(run);
        n = n.saturating_mul(2).min(goal.max_replications);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use crate::load;
    use crate::replicate::RunOptions;

    /// A quick one-district scenario with a targeted review, two years long.
    fn small() -> Replications {
        let mut s = load::baseline().expect("valid").scenario;
        s.districts.truncate(1);
        s.districts[0].migration.moves.clear();
        s.volunteers = None;
        s.calendar.months = 12;
        s.calendar
            .bank_holidays
            .retain(|d| d.as_str() < "2020-01-01");
        Replications::from(Arc::new(crate::validate::validate(&s).expect("valid")))
    }

    /// The first `replications` replications of `model` under seed 3.
    fn fixed(model: &Replications, replications: u32) -> Results {
        let options = RunOptions {
            replications,
            seed: 3,
            threads: None,
        };
        model.run(&options, &|| {}).unwrap().results
    }

    #[test]
    fn stops_when_precise_enough_with_the_results_of_a_fixed_run() {
        let model = small();
        let goal = Goal {
            relative_half_width: 0.05,
            max_replications: 640,
        };
        let (run, reached) = run_to_precision(&model, 3, None, goal, &|| {}).unwrap();
        let results = run.results;
        assert!(reached.met, "{reached:?}");
        assert!(reached.worst_relative_half_width <= 0.05);
        assert_eq!(results.replications(), reached.replications as usize);
        // Doubling from 10: the answer is 10 x 2^k.
        assert!([10, 20, 40, 80, 160, 320, 640].contains(&reached.replications));
        assert_eq!(results, fixed(&model, reached.replications));
        // One batch fewer would not have been precise enough.
        if reached.replications > FIRST_BATCH {
            let half = fixed(&model, reached.replications / 2);
            assert!(worst_precision(model.model(), &half).unwrap().0 > 0.05);
        }
    }

    #[test]
    fn reports_the_cap_when_the_goal_is_out_of_reach() {
        let model = small();
        let goal = Goal {
            relative_half_width: 1e-9,
            max_replications: 15,
        };
        let (run, reached) = run_to_precision(&model, 3, None, goal, &|| {}).unwrap();
        let results = run.results;
        assert!(!reached.met);
        assert_eq!(reached.replications, 15);
        assert_eq!(results.replications(), 15);
        assert!(reached.worst_relative_half_width > 1e-9);
        assert!(!reached.worst_metric.is_empty());
    }
}
