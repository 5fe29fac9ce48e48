//! Validation of uncertain values: their paths parse and their distributions are proper. Whether
//! each path names a number in the scenario, and whether every value a distribution can draw
//! gives a valid scenario, is checked against the scenario text by [`crate::uncertainty`].

use super::Checker;
use crate::locate::FieldPath;
use crate::locate::LeverPath;
use crate::scenario::{Distribution, Scenario};

/// Most uncertain values in one scenario.
const MAX_UNCERTAIN: usize = 200;

impl Checker {
    /// The `uncertain` section.
    pub(super) fn uncertain(&mut self, s: &Scenario) {
        let list = FieldPath::root().field("uncertain");
        if s.uncertain.len() > MAX_UNCERTAIN {
            self.err(
                list.clone(),
                format!("at most {MAX_UNCERTAIN} uncertain values"),
            );
        }
        for (i, u) in s.uncertain.iter().enumerate() {
            let p = list.index(i);
            if let Err(e) = u.path.parse::<LeverPath>() {
                self.err(p.field("path"), e.to_string());
            }
            if s.uncertain[..i].iter().any(|v| v.path == u.path) {
                self.err(p.field("path"), format!("{:?} is given twice", u.path));
            }
            let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
            let problem = match u.distribution {
                Distribution::Uniform { min, max } if !(finite(&[min, max]) && min < max) => Some(
                    format!("needs finite min < max, found min {min}, max {max}"),
                ),
                Distribution::Normal { mean, sd } if !(finite(&[mean, sd]) && sd > 0.0) => Some(
                    format!("needs a finite mean and sd > 0, found mean {mean}, sd {sd}"),
                ),
                Distribution::Beta { alpha, beta }
                    if !(finite(&[alpha, beta]) && alpha > 0.0 && beta > 0.0) =>
                {
                    Some(format!(
                        "needs alpha > 0 and beta > 0, found {alpha} and {beta}"
                    ))
                }
                Distribution::Triangular { min, mode, max }
                    if !(finite(&[min, mode, max]) && min <= mode && mode <= max && min < max) =>
                {
                    Some(format!(
                        "needs min <= mode <= max with min < max, found {min}, {mode}, {max}"
                    ))
                }
                _ => None,
            };
            if let Some(message) = problem {
                self.err(p.field("distribution"), message);
            }
        }
    }
}
