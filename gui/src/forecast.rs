//! A forecast ready to draw: the replications' results and their summary, computed once on the
//! worker and borrowed every frame, with the views the dashboard reads from them (review tiles,
//! percentile bands).

use std::sync::Arc;
use std::time::Duration;

use caseload::load::Loaded;
use caseload::model::Model;
use caseload::results::{CITY, Results};
use caseload::summary::Summary;
use caseload::targets::{Comparison, Scope, Target};

/// Red/amber/green status of a review tile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The median meets the target.
    Green,
    /// The median is below the target by less than [`AMBER_MARGIN`].
    Amber,
    /// The median is further below the target.
    Red,
    /// No replication has a value.
    NoData,
}

/// How far below target (as a share) a median may be and still be amber: 5 percentage points.
pub const AMBER_MARGIN: f64 = 0.05;

impl Status {
    /// The status of a median against a target.
    pub fn of(median: f64, target: f64) -> Self {
        if median.is_nan() {
            Status::NoData
        } else if median >= target {
            Status::Green
        } else if median >= target - AMBER_MARGIN {
            Status::Amber
        } else {
            Status::Red
        }
    }

    /// The status of a caseload per HV WTE: green at or under the iHV's 250, amber up to the
    /// planned 350, red above.
    pub fn of_caseload(median: f64) -> Self {
        if median.is_nan() {
            Status::NoData
        } else if median <= CASELOAD_RECOMMENDED {
            Status::Green
        } else if median <= CASELOAD_PLANNED {
            Status::Amber
        } else {
            Status::Red
        }
    }

    /// The status in words (never colour alone).
    pub fn word(self) -> &'static str {
        match self {
            Status::Green => "Green: on track",
            Status::Amber => "Amber: close",
            Status::Red => "Red: off track",
            Status::NoData => "No data",
        }
    }
}

/// Caseload per HV WTE the Institute of Health Visiting recommends (IHV-2018 in docs/sources.md).
pub const CASELOAD_RECOMMENDED: f64 = 250.0;
/// Caseload per HV WTE Birmingham planned for (SEED-PR in docs/sources.md).
pub const CASELOAD_PLANNED: f64 = 350.0;

/// One mandated review with a target, at a chosen month.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    /// Display name.
    pub name: String,
    /// Public metric code (e.g. `C2`).
    pub code: String,
    /// Compliance target (share).
    pub target: f64,
    /// Median compliance across replications (share; NaN if undefined).
    pub median: f64,
    /// Chance of meeting the target: the share of replications that meet it.
    pub chance: f64,
    /// Red/amber/green.
    pub status: Status,
}

/// Percentiles of one series by month: P5, P10, P50, P90, P95.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Band {
    /// One row per percentile of [`caseload::summary::PERCENTILES`], each a value per month.
    pub percentiles: [Vec<f64>; 5],
}

impl Band {
    /// P5.
    pub fn p5(&self) -> &[f64] {
        &self.percentiles[0]
    }
    /// P10.
    pub fn p10(&self) -> &[f64] {
        &self.percentiles[1]
    }
    /// The median.
    pub fn median(&self) -> &[f64] {
        &self.percentiles[2]
    }
    /// P90.
    pub fn p90(&self) -> &[f64] {
        &self.percentiles[3]
    }
    /// P95.
    pub fn p95(&self) -> &[f64] {
        &self.percentiles[4]
    }
}

/// A review with a compliance target.
#[derive(Debug, Clone, PartialEq)]
struct TargetedReview {
    id: String,
    name: String,
    code: String,
    target: f64,
}

/// A forecast: every replication's values and their summary.
#[derive(Debug, Clone)]
pub struct Forecast {
    /// Replications behind it.
    pub replications: usize,
    /// Month labels, `YYYY-MM`.
    pub months: Vec<String>,
    /// District ids in results order, the city (`ALL`) last.
    pub districts: Vec<String>,
    /// District display names in the same order ("Whole city" last).
    pub district_names: Vec<String>,
    /// Metric names in results order.
    pub metrics: Vec<String>,
    /// Every replication's values.
    pub results: Arc<Results>,
    /// Their summary across replications.
    pub summary: Arc<Summary>,
    /// Wall time from the job's start to this pass's end.
    pub elapsed: Duration,
    /// The scenario run: the chosen scenario with the levers set.
    pub scenario: Arc<Loaded>,
    reviews: Vec<TargetedReview>,
}

impl Forecast {
    /// The forecast of `results`, run from `scenario`, which took `elapsed`.
    pub fn new(scenario: Arc<Loaded>, results: Results, elapsed: Duration) -> Self {
        let model = &scenario.model;
        let summary = Summary::new(&results);
        let district_names = results
            .districts
            .iter()
            .map(|id| {
                model
                    .districts
                    .iter()
                    .find(|d| &d.id == id)
                    .map_or_else(|| "Whole city".to_string(), |d| d.name.clone())
            })
            .collect();
        let reviews = model
            .reviews
            .iter()
            .filter_map(|r| {
                Some(TargetedReview {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    code: r.metric.clone(),
                    target: r.target?,
                })
            })
            .collect();
        Forecast {
            replications: results.replications(),
            months: results.months.clone(),
            districts: results.districts.clone(),
            district_names,
            metrics: results.metrics.clone(),
            results: Arc::new(results),
            summary: Arc::new(summary),
            elapsed,
            reviews,
            scenario,
        }
    }

    /// The index of the city total.
    pub fn city(&self) -> usize {
        self.districts.len() - 1
    }

    /// The index of the last month.
    pub fn last_month(&self) -> usize {
        self.months.len().saturating_sub(1)
    }

    /// The band of `metric` in district `district` (an index; [`Forecast::city`] for the city).
    pub fn band(&self, metric: &str, district: usize) -> Option<Band> {
        let k = self.results.metric_index(metric)?;
        let mut band = Band::default();
        for month in 0..self.months.len() {
            let stats = self.summary.get(month, district, k);
            for (row, value) in band.percentiles.iter_mut().zip(stats.percentiles) {
                row.push(value);
            }
        }
        Some(band)
    }

    /// The median of `metric` in `district` at `month`, NaN if the metric is absent.
    pub fn median(&self, metric: &str, district: usize, month: usize) -> f64 {
        self.results
            .metric_index(metric)
            .map_or(f64::NAN, |k| self.summary.get(month, district, k).median())
    }

    /// A tile per review with a target, at `month` (an index).
    pub fn tiles(&self, month: usize) -> Vec<Tile> {
        let label = self.months.get(month).cloned().unwrap_or_default();
        self.reviews
            .iter()
            .map(|r| {
                let metric = format!("compliance:{}", r.id);
                let median = self.median(&metric, self.city(), month);
                let chance = Target {
                    metric,
                    comparison: Comparison::AtLeast,
                    value: r.target,
                    month: label.clone(),
                    scope: Scope::District(CITY.into()),
                }
                .chance(&*self.results)
                .map_or(f64::NAN, |c| c.probability);
                Tile {
                    name: r.name.clone(),
                    code: r.code.clone(),
                    target: r.target,
                    median,
                    chance,
                    status: Status::of(median, r.target),
                }
            })
            .collect()
    }

    /// Median city caseload per HV WTE in the last month.
    pub fn last_caseload(&self) -> f64 {
        self.median("caseload_per_hv_wte", self.city(), self.last_month())
    }
}

/// A metric's name for people: `compliance:new_birth` is "Compliance: New birth visit", using the
/// model's names for the level, review or role it is qualified by.
pub fn metric_label(model: &Model, metric: &str) -> String {
    let (family, id) = metric.split_once(':').unwrap_or((metric, ""));
    let family = match family {
        "caseload_per_hv_wte" => "Caseload per HV WTE".to_string(),
        "hv_wte" => "Health-visitor WTE".to_string(),
        other => {
            let words = other.replace('_', " ");
            let mut chars = words.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    };
    if id.is_empty() {
        return family;
    }
    let name = model
        .reviews
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.name.clone())
        .or_else(|| {
            model
                .levels
                .iter()
                .find(|l| l.id == id)
                .map(|l| l.name.clone())
        })
        .or_else(|| {
            model
                .roles
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.name.clone())
        })
        .unwrap_or_else(|| id.to_string());
    format!("{family}: {name}")
}
