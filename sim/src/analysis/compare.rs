//! Paired comparison of two scenarios run with common random numbers.
//!
//! Replication i of scenario A and of scenario B draw from the same streams (seed, i), so their
//! difference removes most of the noise both share. For each (month, district, metric) the two have
//! in common, the difference B - A is estimated from the per-replication differences (a paired
//! t interval), and for reference from the two samples as if independent (Welch's interval): the
//! ratio of the two widths is what pairing buys.

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::results::{CITY, Results};

/// The difference B - A in one cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    /// Mean of A.
    pub mean_a: f64,
    /// Mean of B.
    pub mean_b: f64,
    /// Mean of the paired differences B - A.
    pub difference: f64,
    /// Paired 95% interval, low end.
    pub ci95_low: f64,
    /// Paired 95% interval, high end.
    pub ci95_high: f64,
    /// Welch (unpaired) 95% interval, low end.
    pub unpaired_low: f64,
    /// Welch (unpaired) 95% interval, high end.
    pub unpaired_high: f64,
    /// Replications where both values are defined.
    pub pairs: usize,
}

/// One row of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Month label.
    pub month: String,
    /// District id or `ALL`.
    pub district: String,
    /// Metric name.
    pub metric: String,
    /// The difference.
    pub difference: Difference,
}

/// Which way is better for a metric, so a difference can be read as better or worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// More is better: compliance, contact coverage, staff in post, support delivered.
    HigherIsBetter,
    /// Less is better: caseload per HV WTE, vacancies, unmet hours, contacts cut from the plan.
    LowerIsBetter,
    /// Spend: more or less is a cost, not better or worse by itself.
    Cost,
    /// Neither: how many children there are, or the budget, is an input's consequence, not a
    /// result to judge.
    Neutral,
}

impl Direction {
    /// The direction of `metric` (a metric name such as `compliance:new_birth`).
    pub fn of(metric: &str) -> Self {
        let family = metric.split(':').next().unwrap_or(metric);
        match family {
            "compliance"
            | "contact_coverage"
            | "coverage"
            | "contacts_delivered"
            | "review_on_time"
            | "hv_wte"
            | "wte"
            | "qualified"
            | "universal_support_hours"
            | "volunteers"
            | "volunteer_hours" => Direction::HigherIsBetter,
            "caseload_per_hv_wte"
            | "weighted_caseload_per_hv_wte"
            | "vacancies"
            | "unmet_hours"
            | "contacts_cut"
            | "review_late"
            | "review_missed"
            | "review_not_reached"
            | "leavers" => Direction::LowerIsBetter,
            "spend" => Direction::Cost,
            _ => Direction::Neutral,
        }
    }
}

impl Difference {
    /// The difference B - A of `metric` in words, read by the metric's [`Direction`]: "B better",
    /// "B worse" (or "B costs more/less", "B higher/lower" for neutral metrics) when the paired
    /// interval excludes zero, "no clear difference" when it does not.
    pub fn verdict(&self, metric: &str) -> &'static str {
        if self.pairs < 2 || self.ci95_low.is_nan() {
            return "too few replications";
        }
        let higher = if self.ci95_low > 0.0 {
            true
        } else if self.ci95_high < 0.0 {
            false
        } else {
            return "no clear difference";
        };
        match (Direction::of(metric), higher) {
            (Direction::HigherIsBetter, true) | (Direction::LowerIsBetter, false) => "B better",
            (Direction::HigherIsBetter, false) | (Direction::LowerIsBetter, true) => "B worse",
            (Direction::Cost, true) => "B costs more",
            (Direction::Cost, false) => "B costs less",
            (Direction::Neutral, true) => "B higher",
            (Direction::Neutral, false) => "B lower",
        }
    }
}

fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = if xs.len() > 1 {
        xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        f64::NAN
    };
    (mean, var)
}

fn t975(df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |t| t.inverse_cdf(0.975))
}

/// The paired and unpaired differences of two samples, replication by replication; pairs with
/// an undefined value on either side are left out.
pub fn difference(a: &[f64], b: &[f64]) -> Difference {
    let pairs: Vec<(f64, f64)> = a
        .iter()
        .zip(b)
        .filter(|(x, y)| !x.is_nan() && !y.is_nan())
        .map(|(&x, &y)| (x, y))
        .collect();
    let n = pairs.len();
    let xs: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let ys: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let ds: Vec<f64> = pairs.iter().map(|p| p.1 - p.0).collect();
    let (mean_a, var_a) = mean_var(&xs);
    let (mean_b, var_b) = mean_var(&ys);
    let (d, var_d) = mean_var(&ds);
    let half = t975((n as f64) - 1.0) * (var_d / n as f64).sqrt();
    let (sa, sb) = (var_a / n as f64, var_b / n as f64);
    let welch_df = (sa + sb).powi(2) / (sa * sa / (n as f64 - 1.0) + sb * sb / (n as f64 - 1.0));
    let unpaired_half = if n < 2 {
        f64::NAN
    } else if sa + sb > 0.0 {
        t975(welch_df) * (sa + sb).sqrt()
    } else {
        0.0
    };
    let half = if var_d == 0.0 { 0.0 } else { half };
    Difference {
        mean_a,
        mean_b,
        difference: d,
        ci95_low: d - half,
        ci95_high: d + half,
        unpaired_low: (mean_b - mean_a) - unpaired_half,
        unpaired_high: (mean_b - mean_a) + unpaired_half,
        pairs: n,
    }
}

/// Why two scenarios cannot be compared: they share no district or no month.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Incomparable {
    /// Not one district in common, so only the city totals of two different places would pair.
    #[error(
        "A and B have no district in common (A: {a}; B: {b}): compare two scenarios of the same \
         place"
    )]
    NoDistrict {
        /// A's districts.
        a: String,
        /// B's districts.
        b: String,
    },
    /// Not one month in common.
    #[error("A runs {a} and B runs {b}: no month in common, so nothing pairs")]
    NoMonth {
        /// A's months, first to last.
        a: String,
        /// B's months, first to last.
        b: String,
    },
}

/// What two comparable scenarios do not share: the months and districts of one that the other
/// lacks, which a comparison leaves out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Overlap {
    /// Months only A runs, and only B runs.
    pub months_only: [Vec<String>; 2],
    /// Districts only A has, and only B has.
    pub districts_only: [Vec<String>; 2],
}

/// What runs shaped as `a` and `b` (results, or empty shapes made before running) have in
/// common, or why they cannot be compared.
pub fn overlap(a: &Results, b: &Results) -> Result<Overlap, Incomparable> {
    let span = |r: &Results| match (r.months.first(), r.months.last()) {
        (Some(f), Some(l)) => format!("{f} to {l}"),
        _ => "no months".to_string(),
    };
    let named = |r: &Results| -> Vec<String> {
        r.districts.iter().filter(|d| *d != CITY).cloned().collect()
    };
    let (da, db) = (named(a), named(b));
    if !da.iter().any(|d| db.contains(d)) {
        return Err(Incomparable::NoDistrict {
            a: da.join(", "),
            b: db.join(", "),
        });
    }
    if !a.months.iter().any(|m| b.months.contains(m)) {
        return Err(Incomparable::NoMonth {
            a: span(a),
            b: span(b),
        });
    }
    let only = |xs: &[String], ys: &[String]| -> Vec<String> {
        xs.iter().filter(|x| !ys.contains(x)).cloned().collect()
    };
    Ok(Overlap {
        months_only: [only(&a.months, &b.months), only(&b.months, &a.months)],
        districts_only: [only(&da, &db), only(&db, &da)],
    })
}

impl Overlap {
    /// A sentence for each thing left out of the comparison, if anything is.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let list = |xs: &[String]| match xs {
            [one] => one.clone(),
            [first, .., last] if xs.len() > 6 => format!("{} ({first} to {last})", xs.len()),
            _ => xs.join(", "),
        };
        for (what, [a, b]) in [
            ("months", &self.months_only),
            ("districts", &self.districts_only),
        ] {
            if a.is_empty() && b.is_empty() {
                continue;
            }
            let mut parts = Vec::new();
            if !a.is_empty() {
                parts.push(format!("only A has {}", list(a)));
            }
            if !b.is_empty() {
                parts.push(format!("only B has {}", list(b)));
            }
            notes.push(format!(
                "Only the {what} both have are compared: {}.",
                parts.join("; ")
            ));
        }
        notes
    }
}

/// Compares every (month, district, metric) that both runs have, in A's order. The runs must have
/// the same number of replications (run with the same options).
pub fn compare(a: &Results, b: &Results) -> Vec<Row> {
    let mut rows = Vec::new();
    for (ma, month) in a.months.iter().enumerate() {
        let Some(mb) = b.months.iter().position(|m| m == month) else {
            continue;
        };
        for (da, district) in a.districts.iter().enumerate() {
            let Some(db) = b.district_index(district) else {
                continue;
            };
            for (ka, metric) in a.metrics.iter().enumerate() {
                let Some(kb) = b.metric_index(metric) else {
                    continue;
                };
                let xs = a.across_replications(ma, da, ka);
                let ys = b.across_replications(mb, db, kb);
                rows.push(Row {
                    month: month.clone(),
                    district: district.clone(),
                    metric: metric.clone(),
                    difference: difference(&xs, &ys),
                });
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_comparison_leaves_out_is_said() {
        let months = |xs: &[&str]| xs.iter().map(ToString::to_string).collect::<Vec<_>>();
        let overlap = Overlap {
            months_only: [
                months(&[]),
                months(&[
                    "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-07",
                ]),
            ],
            districts_only: [months(&["north"]), months(&[])],
        };
        assert_eq!(
            overlap.notes(),
            [
                "Only the months both have are compared: only B has 7 (2024-01 to 2024-07).",
                "Only the districts both have are compared: only A has north.",
            ]
        );
        assert!(Overlap::default().notes().is_empty());
    }

    #[test]
    fn hand_worked_paired_and_unpaired_intervals() {
        // Differences 1, 2, 3, 2, 2: mean 2, sd sqrt(0.5), t(0.975, 4) = 2.776445.
        let a = [10.0, 20.0, 30.0, 40.0, 50.0];
        let b = [11.0, 22.0, 33.0, 42.0, 52.0];
        let d = difference(&a, &b);
        assert_eq!(d.pairs, 5);
        assert!((d.difference - 2.0).abs() < 1e-12);
        let half = 2.776_445_105 * (0.5f64 / 5.0).sqrt();
        assert!((d.ci95_low - (2.0 - half)).abs() < 1e-6);
        assert!((d.ci95_high - (2.0 + half)).abs() < 1e-6);
        // Unpaired: both samples spread by ~15.8, so Welch's interval is far wider.
        let (va, vb) = (250.0, 260.5);
        let (sa, sb) = (va / 5.0, vb / 5.0);
        let df = (sa + sb) * (sa + sb) / (sa * sa / 4.0 + sb * sb / 4.0);
        let t = StudentsT::new(0.0, 1.0, df).unwrap().inverse_cdf(0.975);
        assert!((d.unpaired_high - (2.0 + t * (sa + sb).sqrt())).abs() < 1e-6);
        assert!(d.unpaired_high - d.unpaired_low > 10.0 * (d.ci95_high - d.ci95_low));
    }

    #[test]
    fn undefined_pairs_are_left_out_and_identical_runs_differ_by_nothing() {
        let a = [1.0, f64::NAN, 3.0];
        let b = [2.0, 5.0, f64::NAN];
        assert_eq!(difference(&a, &b).pairs, 1);
        let same = difference(&[1.0, 2.0, 4.0], &[1.0, 2.0, 4.0]);
        assert_eq!(
            (same.difference, same.ci95_low, same.ci95_high),
            (0.0, 0.0, 0.0)
        );
    }

    #[test]
    fn verdicts_read_each_metric_by_its_direction() {
        let up = difference(&[10.0, 20.0, 30.0], &[11.0, 22.0, 32.0]);
        let down = difference(&[11.0, 22.0, 32.0], &[10.0, 20.0, 30.0]);
        let unclear = difference(&[10.0, 20.0, 30.0], &[11.0, 19.0, 30.0]);
        assert_eq!(up.verdict("compliance:new_birth"), "B better");
        assert_eq!(down.verdict("compliance:new_birth"), "B worse");
        assert_eq!(up.verdict("caseload_per_hv_wte"), "B worse");
        assert_eq!(down.verdict("caseload_per_hv_wte"), "B better");
        assert_eq!(up.verdict("hv_wte"), "B better");
        assert_eq!(up.verdict("coverage:new_birth"), "B better");
        assert_eq!(up.verdict("vacancies:health_visitor"), "B worse");
        assert_eq!(up.verdict("contacts_cut:partnership_plus"), "B worse");
        assert_eq!(up.verdict("spend"), "B costs more");
        assert_eq!(down.verdict("spend"), "B costs less");
        assert_eq!(up.verdict("children"), "B higher");
        assert_eq!(
            unclear.verdict("compliance:new_birth"),
            "no clear difference"
        );
        assert_eq!(
            difference(&[1.0], &[2.0]).verdict("hv_wte"),
            "too few replications"
        );
    }
}
