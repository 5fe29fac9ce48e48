//! Results of a run: every replication's monthly values for each district and the whole city.

use crate::metrics::{Kind, Metrics};
use crate::model::Model;

/// A run's per-replication values, wherever they are kept: in memory ([`Results`]) or on disk
/// ([`crate::spill::Spill`]). What output files are written from.
pub trait ReplicationValues {
    /// The months, districts and metrics.
    fn shape(&self) -> &Results;
    /// Replications held.
    fn count(&self) -> usize;
    /// Replication `r`'s values, in (month, district, metric) order.
    fn replication_values(&self, r: usize) -> std::io::Result<std::borrow::Cow<'_, [f64]>>;
    /// Each of `cells` (indices in (month, district, metric) order) across the replications, in
    /// replication order.
    fn across(&self, cells: &[usize]) -> std::io::Result<Vec<Vec<f64>>> {
        let mut out = vec![Vec::with_capacity(self.count()); cells.len()];
        for r in 0..self.count() {
            let values = self.replication_values(r)?;
            for (o, &c) in out.iter_mut().zip(cells) {
                o.push(values[c]);
            }
        }
        Ok(out)
    }
}

impl ReplicationValues for Results {
    fn shape(&self) -> &Results {
        self
    }
    fn count(&self) -> usize {
        self.replications()
    }
    fn replication_values(&self, r: usize) -> std::io::Result<std::borrow::Cow<'_, [f64]>> {
        Ok(std::borrow::Cow::Borrowed(self.replication(r)))
    }
}

/// The `district` label of the city total.
pub const CITY: &str = "ALL";

/// All replications' values, in a dense (replication, month, district, metric) table. District
/// index `districts.len() - 1` is the city total. A ratio with a zero denominator is NaN (written as
/// an empty cell).
#[derive(Debug, Clone)]
pub struct Results {
    /// Metric names.
    pub metrics: Vec<String>,
    /// Month labels, `YYYY-MM`.
    pub months: Vec<String>,
    /// District ids, then [`CITY`].
    pub districts: Vec<String>,
    values: Vec<Vec<f64>>,
}

/// Results are equal when they are bit-identical (so undefined ratios, NaN, compare equal): the
/// determinism contract is about bits, not approximate values.
impl PartialEq for Results {
    fn eq(&self, other: &Self) -> bool {
        self.metrics == other.metrics
            && self.months == other.months
            && self.districts == other.districts
            && self.values.len() == other.values.len()
            && self.values.iter().zip(&other.values).all(|(a, b)| {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
            })
    }
}

impl Results {
    /// Assembles results from each replication's raw recorder values (districts only, no ratios):
    /// adds the city total and computes ratios.
    pub fn new(model: &Model, metrics: &Metrics, raw: Vec<Vec<f64>>) -> Self {
        let months = model.calendar.months().len();
        let nd = model.districts.len();
        let nm = metrics.len();
        let values = raw
            .into_iter()
            .map(|r| {
                let mut out = vec![0.0; months * (nd + 1) * nm];
                for m in 0..months {
                    for d in 0..nd {
                        let src = (m * nd + d) * nm;
                        let dst = (m * (nd + 1) + d) * nm;
                        out[dst..dst + nm].copy_from_slice(&r[src..src + nm]);
                        let city = (m * (nd + 1) + nd) * nm;
                        for k in 0..nm {
                            out[city + k] += r[src + k];
                        }
                    }
                    for d in 0..=nd {
                        let row = (m * (nd + 1) + d) * nm;
                        for k in 0..nm {
                            if let Kind::Ratio { num, den } = metrics.kind(k) {
                                let den = out[row + den];
                                out[row + k] = if den > 0.0 {
                                    out[row + num] / den
                                } else {
                                    f64::NAN
                                };
                            }
                        }
                    }
                }
                out
            })
            .collect();
        Results {
            metrics: metrics.names().to_vec(),
            months: model
                .calendar
                .months()
                .iter()
                .map(|m| m.label.clone())
                .collect(),
            districts: model
                .districts
                .iter()
                .map(|d| d.id.clone())
                .chain(std::iter::once(CITY.to_string()))
                .collect(),
            values,
        }
    }

    /// Results from their labels and each replication's values in (month, district, metric) order,
    /// as `results.csv` lists them (see `output::read_results`); `None` unless there is at least
    /// one district and every replication has one value per (month, district, metric).
    pub fn from_values(
        metrics: Vec<String>,
        months: Vec<String>,
        districts: Vec<String>,
        values: Vec<Vec<f64>>,
    ) -> Option<Self> {
        let cells = months.len() * districts.len() * metrics.len();
        if districts.is_empty() || values.iter().any(|v| v.len() != cells) {
            return None;
        }
        Some(Results {
            metrics,
            months,
            districts,
            values,
        })
    }

    /// The replications of each of `parts` one after another (a run split into shards, put back
    /// together); `None` when the parts' metrics, months or districts differ, or there are none.
    pub fn concat(parts: Vec<Results>) -> Option<Self> {
        let mut parts = parts.into_iter();
        let mut all = parts.next()?;
        for part in parts {
            if part.metrics != all.metrics
                || part.months != all.months
                || part.districts != all.districts
            {
                return None;
            }
            all.values.extend(part.values);
        }
        Some(all)
    }

    /// Number of replications.
    pub fn replications(&self) -> usize {
        self.values.len()
    }

    /// The months, districts and metrics, without any replication's values.
    pub fn shape(&self) -> Results {
        Results {
            metrics: self.metrics.clone(),
            months: self.months.clone(),
            districts: self.districts.clone(),
            values: Vec::new(),
        }
    }

    /// Whether `other` has the same months, districts and metrics.
    pub fn same_shape(&self, other: &Results) -> bool {
        (&self.metrics, &self.months, &self.districts)
            == (&other.metrics, &other.months, &other.districts)
    }

    /// Cells a replication has: months x districts x metrics.
    pub fn cells(&self) -> usize {
        self.months.len() * self.districts.len() * self.metrics.len()
    }

    /// The index of a (month, district, metric) cell in a replication's values.
    pub fn cell(&self, month: usize, district: usize, metric: usize) -> usize {
        (month * self.districts.len() + district) * self.metrics.len() + metric
    }

    /// Every value of replication `r`, in (month, district, metric) order.
    pub fn replication(&self, r: usize) -> &[f64] {
        &self.values[r]
    }

    /// One value (NaN for an undefined ratio).
    pub fn value(&self, replication: usize, month: usize, district: usize, metric: usize) -> f64 {
        let (nd, nm) = (self.districts.len(), self.metrics.len());
        self.values[replication][(month * nd + district) * nm + metric]
    }

    /// The index of a metric by name.
    pub fn metric_index(&self, name: &str) -> Option<usize> {
        self.metrics.iter().position(|m| m == name)
    }

    /// The index of a district by id (or [`CITY`]).
    pub fn district_index(&self, id: &str) -> Option<usize> {
        self.districts.iter().position(|d| d == id)
    }

    /// The index of the city total.
    pub fn city(&self) -> usize {
        self.districts.len() - 1
    }

    /// The values of one cell across replications.
    pub fn across_replications(&self, month: usize, district: usize, metric: usize) -> Vec<f64> {
        (0..self.replications())
            .map(|r| self.value(r, month, district, metric))
            .collect()
    }
}
