//! Summaries across replications: mean, 95% confidence interval of the mean, and percentiles.

use std::cell::Cell;

use statrs::distribution::{ContinuousCDF, StudentsT};
use statrs::statistics::{Data, OrderStatistics};

use crate::results::Results;

/// Percentiles reported, in percent.
pub const PERCENTILES: [usize; 5] = [5, 10, 50, 90, 95];

/// The 97.5% point of Student's t with `df` degrees of freedom. Nearly every cell of a run has the
/// same number of values, so the last answer is kept per thread: inverting the distribution is an
/// iterative search, otherwise repeated for each of a run's hundred thousand cells.
fn t975(df: usize) -> f64 {
    thread_local! {
        static LAST: Cell<(usize, f64)> = const { Cell::new((0, f64::NAN)) };
    }
    LAST.with(|last| {
        let (seen, t) = last.get();
        if seen == df {
            return t;
        }
        let t = StudentsT::new(0.0, 1.0, df as f64)
            .map(|d| d.inverse_cdf(0.975))
            .unwrap_or(f64::NAN);
        last.set((df, t));
        t
    })
}

/// The summary of one (month, district, metric) cell over replications. Undefined values (ratios
/// with a zero denominator) are left out; fields are NaN when nothing is left, and the interval is
/// NaN with fewer than two values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Replications with a defined value.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// Lower end of the 95% confidence interval of the mean (Student's t).
    pub ci95_low: f64,
    /// Upper end of that interval.
    pub ci95_high: f64,
    /// P5, P10, P50, P90, P95 (statrs' quantile: R's type 8, median-unbiased).
    pub percentiles: [f64; 5],
}

impl Stats {
    /// Summarises `values`, ignoring NaNs.
    pub fn of(values: &[f64]) -> Self {
        let defined: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        let n = defined.len();
        if n == 0 {
            return Stats {
                n,
                mean: f64::NAN,
                ci95_low: f64::NAN,
                ci95_high: f64::NAN,
                percentiles: [f64::NAN; 5],
            };
        }
        let mean = defined.iter().sum::<f64>() / n as f64;
        let half = if n < 2 {
            f64::NAN
        } else {
            let var = defined.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            t975(n - 1) * (var / n as f64).sqrt()
        };
        let mut data = Data::new(defined);
        Stats {
            n,
            mean,
            ci95_low: mean - half,
            ci95_high: mean + half,
            percentiles: PERCENTILES.map(|p| data.percentile(p)),
        }
    }

    /// The median.
    pub fn median(&self) -> f64 {
        self.percentiles[2]
    }
}

/// Summaries of every cell, in (month, district, metric) order.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    districts: usize,
    metrics: usize,
    cells: Vec<Stats>,
}

impl Summary {
    /// Summarises every cell of `results`.
    pub fn new(results: &Results) -> Self {
        let (nmo, nd, nm) = (
            results.months.len(),
            results.districts.len(),
            results.metrics.len(),
        );
        let mut cells = Vec::with_capacity(nmo * nd * nm);
        for m in 0..nmo {
            for d in 0..nd {
                for k in 0..nm {
                    cells.push(Stats::of(&results.across_replications(m, d, k)));
                }
            }
        }
        Summary {
            districts: nd,
            metrics: nm,
            cells,
        }
    }

    /// The summary of results shaped as `shape` from each cell's statistics, in (month,
    /// district, metric) order (from a run whose values were not kept in memory).
    pub fn from_stats(shape: &Results, cells: Vec<Stats>) -> Self {
        Summary {
            districts: shape.districts.len(),
            metrics: shape.metrics.len(),
            cells,
        }
    }

    /// The summary of one cell.
    pub fn get(&self, month: usize, district: usize, metric: usize) -> &Stats {
        &self.cells[(month * self.districts + district) * self.metrics + metric]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_worked_interval_and_percentiles() {
        // Values 1..=5: mean 3, sd sqrt(2.5), t(0.975, 4) = 2.776445.
        let s = Stats::of(&[5.0, 1.0, 3.0, 2.0, 4.0]);
        assert_eq!(s.n, 5);
        assert!((s.mean - 3.0).abs() < 1e-12);
        let half = 2.776_445_105 * (2.5f64 / 5.0).sqrt();
        assert!((s.ci95_low - (3.0 - half)).abs() < 1e-6);
        assert!((s.ci95_high - (3.0 + half)).abs() < 1e-6);
        assert_eq!(s.median(), 3.0);
        // Type 8: h = (n + 1/3) p + 1/3; P10 -> h = 0.8667 -> below the first order statistic.
        assert_eq!(s.percentiles[1], 1.0);
        // P90 -> h = 5.133 -> at or past the last order statistic.
        assert_eq!(s.percentiles[3], 5.0);
        // Ten values 1..=10, P10: h = 1.3667 -> 1 + 0.3667 x (2 - 1).
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!((Stats::of(&ten).percentiles[1] - (1.0 + 1.0 / 3.0 + 1.0 / 30.0)).abs() < 1e-9);
    }

    #[test]
    fn the_kept_t_point_follows_the_degrees_of_freedom() {
        // Tables: t(0.975, 1) = 12.706205, t(0.975, 4) = 2.776445; asked in turns, each stays right.
        for df in [4, 4, 1, 4, 1, 1] {
            let want = if df == 1 {
                12.706_204_736
            } else {
                2.776_445_105
            };
            assert!((t975(df) - want).abs() < 1e-6, "df {df}: {}", t975(df));
        }
    }

    #[test]
    fn undefined_values_are_left_out() {
        let s = Stats::of(&[f64::NAN, 2.0, f64::NAN]);
        assert_eq!(s.n, 1);
        assert_eq!(s.mean, 2.0);
        assert!(s.ci95_low.is_nan() && s.ci95_high.is_nan());
        let none = Stats::of(&[f64::NAN]);
        assert_eq!(none.n, 0);
        assert!(none.mean.is_nan() && none.median().is_nan());
    }
}
