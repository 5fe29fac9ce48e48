//! A forecast ready to draw: the replications' results and their summary, computed once on the
//! worker and borrowed every frame, with the views the dashboard reads from them (review tiles,
//! percentile bands).

use std::sync::Arc;
use std::time::Duration;

use caseload::load::Loaded;
use caseload::model::Model;
use caseload::rag::Rag;
use caseload::results::{CITY, Results};
use caseload::summary::Summary;
use caseload::targets::{Comparison, Scope, Target};

/// A status in words for a screen: the rule's word, or "No data" when nothing is defined.
pub fn status_word(status: Option<Rag>) -> &'static str {
    status.map_or("No data", Rag::word)
}

/// One mandated review with a target, at a chosen month, in one district or the whole city.
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
    /// Red/amber/green by the scenario's rule; `None` when no replication has a value.
    pub status: Option<Rag>,
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

    /// Each month's values over its `days`: a monthly total as a daily rate, so months of
    /// different lengths compare.
    pub fn per_day(&self, days: &[f64]) -> Band {
        Band {
            percentiles: self
                .percentiles
                .clone()
                .map(|row| row.iter().zip(days).map(|(v, d)| v / d).collect()),
        }
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

    /// The days in each month of the forecast.
    pub fn days(&self) -> Vec<f64> {
        self.scenario
            .model
            .calendar
            .months()
            .iter()
            .map(|m| f64::from(m.end - m.first))
            .collect()
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

    /// A tile per review with a target, at `month` in `district` (indices; [`Forecast::city`]
    /// for the whole city).
    pub fn tiles(&self, month: usize, district: usize) -> Vec<Tile> {
        let label = self.months.get(month).cloned().unwrap_or_default();
        let scope = self
            .districts
            .get(district)
            .map_or_else(|| CITY.to_string(), Clone::clone);
        let rule = &self.scenario.model.rag;
        self.reviews
            .iter()
            .map(|r| {
                let metric = format!("compliance:{}", r.id);
                let median = self.median(&metric, district, month);
                let chance = Target {
                    metric,
                    comparison: Comparison::AtLeast,
                    value: r.target,
                    month: label.clone(),
                    scope: Scope::District(scope.clone()),
                }
                .chance(&*self.results)
                .map_or(f64::NAN, |c| c.probability);
                Tile {
                    name: r.name.clone(),
                    code: r.code.clone(),
                    target: r.target,
                    median,
                    chance,
                    status: rule.compliance(median, r.target),
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
