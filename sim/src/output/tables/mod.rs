//! The output tables: one serde row type per CSV file, defined once and used by the command line
//! and the desktop app alike.
//!
//! | file | row | written by |
//! |---|---|---|
//! | `results.csv` | [`ResultRow`] | `run`, `run --shard`, `merge` |
//! | `summary.csv` | [`SummaryRow`] | `run`, `merge` |
//! | `sweep.csv` | lever values, then [`SummaryRow`] | `sweep`, `merge` |
//! | `targets.csv` | [`TargetRow`] | `run --target`, `merge --target` |
//! | `sweep_targets.csv` | lever values, then [`TargetRow`] | `sweep --target` |
//! | `seek.csv` | the lever's value, then [`ChanceRow`] | `seek` |
//! | `compare.csv` | [`CompareRow`] | `compare`; the app adds `pairs` and its verdict |
//! | `parameters.csv` | [`ParameterRow`] | runs of scenarios with uncertain values |
//! | a chart's data | [`ChartRow`] | the app's chart export |
//!
//! Numbers are written in Rust's shortest round-trip form, so they read back bit for bit, and an
//! undefined value (NaN: a ratio with nothing to divide by) is an empty cell ([`number`]).

use std::cell::Cell;
use std::fmt::Write as _;
use std::io::Write;

use serde::{Serialize, Serializer};

use crate::compare::{self, Difference};
use crate::results::Results;
use crate::summary::{Stats, Summary};
use crate::targets::Chance;
use crate::uncertainty::Draws;

/// A row of an output table: its serde fields, in order, are the table's columns.
pub trait Row: Serialize {
    /// The column names: the names of the fields, in order (a test checks each row type).
    const COLUMNS: &'static [&'static str];
}

/// A number as a CSV cell: shortest round-trip form, empty when undefined (NaN). Formatted into a
/// buffer kept per thread: a run's tables hold hundreds of thousands of numbers, and a new string
/// for each cost an eighth of the instructions spent writing them.
pub fn number<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.is_nan() {
        return s.serialize_str("");
    }
    thread_local! {
        static BUFFER: Cell<String> = const { Cell::new(String::new()) };
    }
    BUFFER.with(|cell| {
        let mut buffer = cell.take();
        buffer.clear();
        // Writing to a String cannot fail.
        let _ = write!(buffer, "{x}");
        let written = s.serialize_str(&buffer);
        cell.set(buffer);
        written
    })
}

/// How a table quotes its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    /// Only where a cell needs it (a comma, a quote, a line break).
    Needed,
    /// Every cell that is not a number: targets.csv and parameters.csv quote their text column.
    Text,
}

/// A CSV writer quoting as `quoting` says, writing rows only as they are given.
fn writer<W: Write>(quoting: Quoting, out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .has_headers(false)
        .quote_style(match quoting {
            Quoting::Needed => csv::QuoteStyle::Necessary,
            Quoting::Text => csv::QuoteStyle::NonNumeric,
        })
        .from_writer(out)
}

/// A CSV table being written: a header of key columns (lever paths; may be none) and the row
/// type's columns, then rows of key values and a row.
pub struct Table<W: Write> {
    csv: csv::Writer<W>,
}

impl<W: Write> Table<W> {
    /// Starts a table of `R` rows after the key columns `keys`, writing its header to `out`.
    pub fn new<R: Row>(out: W, quoting: Quoting, keys: &[String]) -> Result<Self, csv::Error> {
        let header = keys
            .iter()
            .map(String::as_str)
            .chain(R::COLUMNS.iter().copied());
        Self::with_header(out, quoting, header)
    }

    /// Starts a table of `R` rows each followed by the columns `extra`: what a view adds to a
    /// file's rows (the app's comparison adds the pairs and its verdict to compare.csv's).
    pub fn with_extra<R: Row>(
        out: W,
        quoting: Quoting,
        extra: &[&str],
    ) -> Result<Self, csv::Error> {
        Self::with_header(out, quoting, R::COLUMNS.iter().chain(extra).copied())
    }

    /// Writes `header`, quoted only where needed whatever the rows' quoting, and starts the rows.
    fn with_header<'a>(
        out: W,
        quoting: Quoting,
        header: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, csv::Error> {
        let mut first = writer(Quoting::Needed, out);
        first.write_record(header)?;
        let out = first
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))?;
        Ok(Table {
            csv: writer(quoting, out),
        })
    }

    /// Writes one row after its key values (as many as the table has key columns).
    pub fn row<R: Row>(&mut self, keys: &[String], row: &R) -> Result<(), csv::Error> {
        self.csv.serialize((keys, row))
    }

    /// Writes one row followed by the values of the extra columns (a tuple, in their order).
    pub fn row_extra<R: Row, E: Serialize>(&mut self, row: &R, extra: E) -> Result<(), csv::Error> {
        self.csv.serialize((row, extra))
    }

    /// Flushes the table and gives back its writer.
    pub fn finish(self) -> Result<W, csv::Error> {
        self.csv
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}

/// A whole table as text: `R` rows after key columns `keys`, each row with its key values.
pub fn keyed_text<'a, R: Row>(
    quoting: Quoting,
    keys: &[String],
    rows: impl IntoIterator<Item = (&'a [String], R)>,
) -> Result<String, csv::Error> {
    let mut table = Table::new::<R>(Vec::new(), quoting, keys)?;
    for (k, row) in rows {
        table.row(k, &row)?;
    }
    let bytes = table.finish()?;
    // Every cell came from a Rust string, so the bytes are UTF-8.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A whole table of `R` rows as text, without key columns.
pub fn text<R: Row>(
    quoting: Quoting,
    rows: impl IntoIterator<Item = R>,
) -> Result<String, csv::Error> {
    keyed_text(quoting, NO_KEYS, rows.into_iter().map(|r| (NO_KEYS, r)))
}

/// targets.csv: each target as written (quoted) and its chance.
pub fn targets_csv<T: std::fmt::Display>(
    targets: &[T],
    chances: &[Chance],
) -> Result<String, csv::Error> {
    let rows = targets
        .iter()
        .zip(chances)
        .map(|(t, c)| TargetRow::new(t, c));
    text(Quoting::Text, rows)
}

/// parameters.csv: every replication's draw of every uncertain value, paths quoted.
pub fn parameters_csv(draws: &[Draws]) -> Result<String, csv::Error> {
    text(Quoting::Text, parameter_rows(draws))
}

/// compare.csv: every row of a comparison.
pub fn compare_csv(rows: &[compare::Row]) -> Result<String, csv::Error> {
    text(Quoting::Needed, compare_rows(rows))
}

/// No key columns.
pub const NO_KEYS: &[String] = &[];

/// results.csv: one value of one replication.
#[derive(Debug, Clone, Serialize)]
pub struct ResultRow<'a> {
    /// Replication number, from 0 in the whole run.
    pub replication: u64,
    /// Month, `YYYY-MM`.
    pub month: &'a str,
    /// District id, or `ALL` for the city.
    pub district: &'a str,
    /// Metric name.
    pub metric: &'a str,
    /// The value.
    #[serde(serialize_with = "number")]
    pub value: f64,
}

impl Row for ResultRow<'_> {
    const COLUMNS: &'static [&'static str] =
        &["replication", "month", "district", "metric", "value"];
}

/// Every (month, district, metric) index of `results`, months outermost and metrics innermost.
pub(crate) fn cells(results: &Results) -> impl Iterator<Item = (usize, usize, usize)> + use<> {
    let (nmo, nd, nm) = (
        results.months.len(),
        results.districts.len(),
        results.metrics.len(),
    );
    (0..nmo).flat_map(move |m| (0..nd).flat_map(move |d| (0..nm).map(move |k| (m, d, k))))
}

/// Every cell of `results` summarised, as summary.csv lists them.
pub fn summary_rows<'a>(
    results: &'a Results,
    summary: &'a Summary,
) -> impl Iterator<Item = SummaryRow<'a>> {
    cells(results).map(move |(m, d, k)| {
        SummaryRow::new(
            &results.months[m],
            &results.districts[d],
            &results.metrics[k],
            summary.get(m, d, k),
        )
    })
}

/// summary.csv (and each point of sweep.csv): one cell summarised across replications.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryRow<'a> {
    /// Month, `YYYY-MM`.
    pub month: &'a str,
    /// District id, or `ALL`.
    pub district: &'a str,
    /// Metric name.
    pub metric: &'a str,
    /// Mean across replications.
    #[serde(serialize_with = "number")]
    pub mean: f64,
    /// 95% interval of the mean, low end.
    #[serde(serialize_with = "number")]
    pub ci95_low: f64,
    /// 95% interval of the mean, high end.
    #[serde(serialize_with = "number")]
    pub ci95_high: f64,
    /// 5th percentile.
    #[serde(serialize_with = "number")]
    pub p5: f64,
    /// 10th percentile.
    #[serde(serialize_with = "number")]
    pub p10: f64,
    /// Median.
    #[serde(serialize_with = "number")]
    pub p50: f64,
    /// 90th percentile.
    #[serde(serialize_with = "number")]
    pub p90: f64,
    /// 95th percentile.
    #[serde(serialize_with = "number")]
    pub p95: f64,
}

impl<'a> SummaryRow<'a> {
    /// The statistics, in the order of their columns.
    pub fn statistics(&self) -> [f64; 8] {
        [
            self.mean,
            self.ci95_low,
            self.ci95_high,
            self.p5,
            self.p10,
            self.p50,
            self.p90,
            self.p95,
        ]
    }

    /// The row of one cell's statistics.
    pub fn new(month: &'a str, district: &'a str, metric: &'a str, s: &Stats) -> Self {
        let [p5, p10, p50, p90, p95] = s.percentiles;
        SummaryRow {
            month,
            district,
            metric,
            mean: s.mean,
            ci95_low: s.ci95_low,
            ci95_high: s.ci95_high,
            p5,
            p10,
            p50,
            p90,
            p95,
        }
    }
}

impl Row for SummaryRow<'_> {
    const COLUMNS: &'static [&'static str] = &[
        "month",
        "district",
        "metric",
        "mean",
        "ci95_low",
        "ci95_high",
        "p5",
        "p10",
        "p50",
        "p90",
        "p95",
    ];
}

/// The chance of meeting a target: seek.csv's row after the lever's value.
#[derive(Debug, Clone, Serialize)]
pub struct ChanceRow {
    /// Replications meeting the target.
    pub met: usize,
    /// Replications.
    pub replications: usize,
    /// met / replications.
    #[serde(serialize_with = "number")]
    pub probability: f64,
    /// Exact 95% interval, low end.
    #[serde(serialize_with = "number")]
    pub ci95_low: f64,
    /// Exact 95% interval, high end.
    #[serde(serialize_with = "number")]
    pub ci95_high: f64,
}

impl From<&Chance> for ChanceRow {
    fn from(c: &Chance) -> Self {
        ChanceRow {
            met: c.met,
            replications: c.replications,
            probability: c.probability,
            ci95_low: c.ci95_low,
            ci95_high: c.ci95_high,
        }
    }
}

impl Row for ChanceRow {
    const COLUMNS: &'static [&'static str] = &[
        "met",
        "replications",
        "probability",
        "ci95_low",
        "ci95_high",
    ];
}

/// targets.csv (and each point of sweep_targets.csv): a target and its chance.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    /// The target as written, e.g. `compliance:new_birth>=0.86@2020-12`.
    pub target: String,
    /// Replications meeting the target.
    pub met: usize,
    /// Replications.
    pub replications: usize,
    /// met / replications.
    #[serde(serialize_with = "number")]
    pub probability: f64,
    /// Exact 95% interval, low end.
    #[serde(serialize_with = "number")]
    pub ci95_low: f64,
    /// Exact 95% interval, high end.
    #[serde(serialize_with = "number")]
    pub ci95_high: f64,
}

impl TargetRow {
    /// The row of `target` (as written) and its chance.
    pub fn new(target: &impl std::fmt::Display, c: &Chance) -> Self {
        TargetRow {
            target: target.to_string(),
            met: c.met,
            replications: c.replications,
            probability: c.probability,
            ci95_low: c.ci95_low,
            ci95_high: c.ci95_high,
        }
    }
}

impl Row for TargetRow {
    const COLUMNS: &'static [&'static str] = &[
        "target",
        "met",
        "replications",
        "probability",
        "ci95_low",
        "ci95_high",
    ];
}

/// compare.csv: the difference B - A in one cell, with paired and unpaired 95% intervals.
#[derive(Debug, Clone, Serialize)]
pub struct CompareRow<'a> {
    /// Month, `YYYY-MM`.
    pub month: &'a str,
    /// District id, or `ALL`.
    pub district: &'a str,
    /// Metric name.
    pub metric: &'a str,
    /// Mean of A.
    #[serde(serialize_with = "number")]
    pub mean_a: f64,
    /// Mean of B.
    #[serde(serialize_with = "number")]
    pub mean_b: f64,
    /// Mean of the paired differences B - A.
    #[serde(serialize_with = "number")]
    pub difference: f64,
    /// Paired 95% interval, low end.
    #[serde(serialize_with = "number")]
    pub ci95_low: f64,
    /// Paired 95% interval, high end.
    #[serde(serialize_with = "number")]
    pub ci95_high: f64,
    /// Welch (unpaired) 95% interval, low end.
    #[serde(serialize_with = "number")]
    pub unpaired_ci95_low: f64,
    /// Welch (unpaired) 95% interval, high end.
    #[serde(serialize_with = "number")]
    pub unpaired_ci95_high: f64,
}

impl<'a> CompareRow<'a> {
    /// The row of one cell's difference.
    pub fn new(month: &'a str, district: &'a str, metric: &'a str, d: &Difference) -> Self {
        CompareRow {
            month,
            district,
            metric,
            mean_a: d.mean_a,
            mean_b: d.mean_b,
            difference: d.difference,
            ci95_low: d.ci95_low,
            ci95_high: d.ci95_high,
            unpaired_ci95_low: d.unpaired_low,
            unpaired_ci95_high: d.unpaired_high,
        }
    }
}

impl Row for CompareRow<'_> {
    const COLUMNS: &'static [&'static str] = &[
        "month",
        "district",
        "metric",
        "mean_a",
        "mean_b",
        "difference",
        "ci95_low",
        "ci95_high",
        "unpaired_ci95_low",
        "unpaired_ci95_high",
    ];
}

/// Every row of a comparison, as compare.csv lists them.
pub fn compare_rows(rows: &[compare::Row]) -> impl Iterator<Item = CompareRow<'_>> {
    rows.iter()
        .map(|r| CompareRow::new(&r.month, &r.district, &r.metric, &r.difference))
}

/// Every draw of every replication, as parameters.csv lists them.
pub fn parameter_rows(draws: &[Draws]) -> impl Iterator<Item = ParameterRow<'_>> {
    draws.iter().flat_map(|d| {
        d.values.iter().map(move |(path, value)| ParameterRow {
            replication: d.replication,
            path,
            value: *value,
        })
    })
}

/// parameters.csv: one replication's draw of one uncertain value.
#[derive(Debug, Clone, Serialize)]
pub struct ParameterRow<'a> {
    /// Replication number, from 0 in the whole run.
    pub replication: u64,
    /// The value's lever path.
    pub path: &'a str,
    /// The value drawn.
    #[serde(serialize_with = "number")]
    pub value: f64,
}

impl ParameterRow<'_> {
    /// The text a row of `replication`'s draw of `path` starts with, up to its value: how
    /// `caseload merge` checks each shard's rows are the draws it expects.
    pub fn start(replication: u32, path: &str) -> String {
        let mut w = writer(Quoting::Text, Vec::new());
        // Writing to memory cannot fail.
        let _ = w.write_record([replication.to_string().as_str(), path]);
        let bytes = w.into_inner().unwrap_or_default();
        format!(
            "{},",
            String::from_utf8_lossy(&bytes).trim_end_matches('\n')
        )
    }
}

impl Row for ParameterRow<'_> {
    const COLUMNS: &'static [&'static str] = &["replication", "path", "value"];
}

/// A chart's data, as the app exports it: one month of a fan chart.
#[derive(Debug, Clone, Serialize)]
pub struct ChartRow<'a> {
    /// Month, `YYYY-MM`.
    pub month: &'a str,
    /// District id, or `ALL`.
    pub district: &'a str,
    /// Metric name.
    pub metric: &'a str,
    /// 5th percentile.
    #[serde(serialize_with = "number")]
    pub p5: f64,
    /// 10th percentile.
    #[serde(serialize_with = "number")]
    pub p10: f64,
    /// Median.
    #[serde(serialize_with = "number")]
    pub p50: f64,
    /// 90th percentile.
    #[serde(serialize_with = "number")]
    pub p90: f64,
    /// 95th percentile.
    #[serde(serialize_with = "number")]
    pub p95: f64,
    /// Mean.
    #[serde(serialize_with = "number")]
    pub mean: f64,
    /// Replications with a defined value.
    pub replications: usize,
}

impl<'a> ChartRow<'a> {
    /// The row of one month's statistics.
    pub fn new(month: &'a str, district: &'a str, metric: &'a str, s: &Stats) -> Self {
        let [p5, p10, p50, p90, p95] = s.percentiles;
        ChartRow {
            month,
            district,
            metric,
            p5,
            p10,
            p50,
            p90,
            p95,
            mean: s.mean,
            replications: s.n,
        }
    }
}

impl Row for ChartRow<'_> {
    const COLUMNS: &'static [&'static str] = &[
        "month",
        "district",
        "metric",
        "p5",
        "p10",
        "p50",
        "p90",
        "p95",
        "mean",
        "replications",
    ];
}

#[cfg(test)]
mod tests;
