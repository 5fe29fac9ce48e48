//! Validation of how need varies with age, and each district's own need mix.

use super::Checker;
use crate::locate::FieldPath;
use crate::model::need::{cdf_rows, keeping_mix};
use crate::model::{DistrictModel, Level, limits};

impl Checker {
    /// Contact multipliers by year of age: at most one per year of `children_by_age`, each a finite
    /// number >= 0.
    pub(super) fn age_factors(&mut self, p: FieldPath, factors: &[f64]) {
        if factors.len() > limits::MAX_AGE_YEARS {
            self.err(
                p.clone(),
                format!(
                    "at most {} entries (one per year of age), found {}",
                    limits::MAX_AGE_YEARS,
                    factors.len()
                ),
            );
        }
        for (i, &x) in factors.iter().enumerate() {
            self.non_negative(p.index(i), x);
        }
    }
}

/// Each district's cumulative monthly transitions, adjusted so that its need mix is stationary.
pub(super) fn district_transitions(
    levels: &[Level],
    districts: &[DistrictModel],
) -> Vec<Vec<Vec<f64>>> {
    let p: Vec<Vec<f64>> = levels.iter().map(|l| density(&l.transition_cdf)).collect();
    districts
        .iter()
        .map(|d| cdf_rows(&keeping_mix(&p, &density(&d.need_mix_cdf))))
        .collect()
}

/// The probabilities of a cumulative distribution.
fn density(cdf: &[f64]) -> Vec<f64> {
    let mut last = 0.0;
    cdf.iter()
        .map(|&c| {
            let x = c - last;
            last = c;
            x
        })
        .collect()
}
