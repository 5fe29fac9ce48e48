//! Observed history for calibration: a tidy CSV of `month,district,metric,value` rows (optional
//! `sd` and `weight` columns), keyed like summary.csv so a planner can paste from their own
//! tables, checked against a scenario before anything is simulated.
//!
//! A month is `YYYY-MM` or a span `YYYY-MM..YYYY-MM` (OHID publishes coverage by quarter of the
//! financial year). Over a span, a simulated metric is compared as OHID computes it: a ratio from
//! its numerator and denominator summed over the span (on time / due), a stock at the span's last
//! month, a flow summed.

use std::collections::HashMap;
use std::fmt;

use crate::metrics::{Kind, Metrics};
use crate::model::Model;
use crate::results::{CITY, Results};

/// One observed figure, resolved against the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Line of the row in its file (the header is line 1).
    pub line: usize,
    /// First and last month index of the span (equal for a single month).
    pub months: (usize, usize),
    /// District index, the city being `districts.len()` (as in [`Results`]).
    pub district: usize,
    /// Metric index.
    pub metric: usize,
    /// The observed value.
    pub value: f64,
    /// The observation's own standard deviation, if given.
    pub sd: Option<f64>,
    /// Its weight in the distance (1 unless given).
    pub weight: f64,
    /// The row's label for reports: `metric month district`.
    pub label: String,
    /// Where the figure comes from (the optional `source` column; short names as in
    /// docs/sources.md), for reports.
    pub source: Option<String>,
}

/// A checked observed file.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// The rows, in file order.
    pub rows: Vec<Observation>,
}

/// One problem with an observed file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Line (1-based; the header is line 1).
    pub line: usize,
    /// Column (1-based, in characters).
    pub column: usize,
    /// The column's name (`month`, `value`, ...), or `header`.
    pub field: String,
    /// What was expected and what was found.
    pub message: String,
}

/// Every problem found in an observed file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ObservedError {
    /// The file's name, as given.
    pub file: String,
    /// The problems, in file order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ObservedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(
                f,
                "{}:{}:{}: {}: {}",
                self.file, p.line, p.column, p.field, p.message
            )?;
        }
        Ok(())
    }
}

const REQUIRED: [&str; 4] = ["month", "district", "metric", "value"];
const OPTIONAL: [&str; 3] = ["sd", "weight", "source"];

/// Splits one CSV line into its fields with the character column each starts at: commas separate
/// fields, double quotes enclose a field that holds commas (`""` is a quote inside one).
fn fields(line: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let (mut field, mut start, mut quoted) = (String::new(), 1, false);
    let mut chars = line.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' if quoted && chars.peek().is_some_and(|&(_, n)| n == '"') => {
                chars.next();
                field.push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push((start, std::mem::take(&mut field).trim().to_string()));
                start = i + 2;
            }
            _ => field.push(c),
        }
    }
    out.push((start, field.trim().to_string()));
    out
}

/// What a scenario's results can be compared on: its month labels, district ids and metrics.
struct Shape<'a> {
    months: Vec<&'a str>,
    districts: Vec<&'a str>,
    metrics: &'a Metrics,
}

impl Shape<'_> {
    fn month(&self, text: &str) -> Result<usize, String> {
        self.months.iter().position(|&m| m == text).ok_or_else(|| {
            let (first, last) = (self.months[0], self.months[self.months.len() - 1]);
            if text.len() == 7 && text.as_bytes()[4] == b'-' {
                format!("{text} is outside the simulated months ({first} to {last})")
            } else {
                format!("expected a month YYYY-MM or a span YYYY-MM..YYYY-MM, found \"{text}\"")
            }
        })
    }

    fn span(&self, text: &str) -> Result<(usize, usize), String> {
        match text.split_once("..") {
            Some((a, b)) => {
                let (a, b) = (self.month(a.trim())?, self.month(b.trim())?);
                if a > b {
                    Err(format!("the span \"{text}\" ends before it starts"))
                } else {
                    Ok((a, b))
                }
            }
            None => self.month(text).map(|m| (m, m)),
        }
    }

    fn district(&self, text: &str) -> Result<usize, String> {
        if text == CITY {
            return Ok(self.districts.len());
        }
        self.districts
            .iter()
            .position(|&d| d == text)
            .ok_or_else(|| {
                format!(
                    "unknown district \"{text}\": expected {CITY} or one of {}",
                    self.districts.join(", ")
                )
            })
    }

    fn metric(&self, text: &str) -> Result<usize, String> {
        self.metrics
            .index_of(text)
            .ok_or_else(|| format!("unknown metric \"{text}\" (docs/scenario.md lists them)"))
    }
}

fn number(text: &str) -> Result<f64, String> {
    text.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| format!("expected a number, found \"{text}\""))
}

impl Observed {
    /// Reads and checks the observed CSV `text` (named `file` in messages) against `model`'s months,
    /// districts and `metrics`. Every row is checked; all problems are reported together.
    pub fn parse(
        file: &str,
        text: &str,
        model: &Model,
        metrics: &Metrics,
    ) -> Result<Observed, ObservedError> {
        let shape = Shape {
            months: model
                .calendar
                .months()
                .iter()
                .map(|m| m.label.as_str())
                .collect(),
            districts: model.districts.iter().map(|d| d.id.as_str()).collect(),
            metrics,
        };
        let mut problems = Vec::new();
        let mut rows = Vec::new();
        // Spreadsheets' "CSV UTF-8" starts the file with a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        let header: Vec<(usize, String)> = lines.next().map(|(_, l)| fields(l)).unwrap_or_default();
        let mut columns: HashMap<&str, usize> = HashMap::new();
        for (k, (column, name)) in header.iter().enumerate() {
            let known = REQUIRED.iter().chain(&OPTIONAL).find(|&&n| n == name);
            match known {
                Some(&n) if !columns.contains_key(n) => {
                    columns.insert(n, k);
                }
                Some(_) => problems.push(Problem {
                    line: 1,
                    column: *column,
                    field: "header".into(),
                    message: format!("the column \"{name}\" is given twice"),
                }),
                None => problems.push(Problem {
                    line: 1,
                    column: *column,
                    field: "header".into(),
                    message: format!(
                        "unknown column \"{name}\": expected month, district, metric, value and \
                         optionally sd, weight and source"
                    ),
                }),
            }
        }
        for name in REQUIRED {
            if !columns.contains_key(name) {
                problems.push(Problem {
                    line: 1,
                    column: 1,
                    field: "header".into(),
                    message: format!(
                        "the column \"{name}\" is missing: the header must name month, district, \
                         metric and value"
                    ),
                });
            }
        }
        if !problems.is_empty() {
            return Err(ObservedError {
                file: file.into(),
                problems,
            });
        }
        let mut seen: HashMap<((usize, usize), usize, usize), usize> = HashMap::new();
        for (line, text) in lines {
            if text.trim().is_empty() {
                continue;
            }
            let cells = fields(text);
            if cells.len() != header.len() {
                problems.push(Problem {
                    line,
                    column: 1,
                    field: "row".into(),
                    message: format!(
                        "expected {} fields as in the header, found {}",
                        header.len(),
                        cells.len()
                    ),
                });
                continue;
            }
            let mut bad = |name: &str, message: String| {
                problems.push(Problem {
                    line,
                    column: cells[columns[name]].0,
                    field: name.into(),
                    message,
                });
            };
            let cell = |name: &str| columns.get(name).map(|&k| cells[k].1.as_str());
            let month = cell("month").unwrap_or_default();
            let span = shape.span(month).map_err(|e| bad("month", e)).ok();
            let district = cell("district").unwrap_or_default();
            let d = shape
                .district(district)
                .map_err(|e| bad("district", e))
                .ok();
            let metric = cell("metric").unwrap_or_default();
            let k = shape.metric(metric).map_err(|e| bad("metric", e)).ok();
            let value = number(cell("value").unwrap_or_default())
                .map_err(|e| bad("value", e))
                .ok();
            let sd = match cell("sd").filter(|s| !s.is_empty()) {
                None => Some(None),
                Some(s) => match number(s) {
                    Ok(x) if x > 0.0 => Some(Some(x)),
                    Ok(x) => {
                        bad("sd", format!("must be > 0, found {x}"));
                        None
                    }
                    Err(e) => {
                        bad("sd", e);
                        None
                    }
                },
            };
            let weight = match cell("weight").filter(|s| !s.is_empty()) {
                None => Some(1.0),
                Some(s) => match number(s) {
                    Ok(x) if x > 0.0 => Some(x),
                    Ok(x) => {
                        bad("weight", format!("must be > 0, found {x}"));
                        None
                    }
                    Err(e) => {
                        bad("weight", e);
                        None
                    }
                },
            };
            let (Some(span), Some(d), Some(k), Some(value), Some(sd), Some(weight)) =
                (span, d, k, value, sd, weight)
            else {
                continue;
            };
            if metrics.is_share(k) && !(0.0..=1.0).contains(&value) {
                bad(
                    "value",
                    format!("{metric} is a share: expected a value in [0, 1], found {value}"),
                );
                continue;
            }
            if value < 0.0 {
                bad("value", format!("must be >= 0, found {value}"));
                continue;
            }
            if let Some(first) = seen.insert((span, d, k), line) {
                bad(
                    "month",
                    format!("{metric} {month} {district} is already given on line {first}"),
                );
                continue;
            }
            rows.push(Observation {
                line,
                months: span,
                district: d,
                metric: k,
                value,
                sd,
                weight,
                label: format!("{metric} {month} {district}"),
                source: cell("source").filter(|s| !s.is_empty()).map(str::to_string),
            });
        }
        if rows.is_empty() && problems.is_empty() {
            problems.push(Problem {
                line: 1,
                column: 1,
                field: "row".into(),
                message: "no observations: expected at least one row after the header".into(),
            });
        }
        if problems.is_empty() {
            Ok(Observed { rows })
        } else {
            Err(ObservedError {
                file: file.into(),
                problems,
            })
        }
    }

    /// Each row's simulated value in replication `r` of `results` (run on the scenario the rows
    /// were checked against): a ratio from its numerator and denominator summed over the span (NaN
    /// when nothing is due), a stock at the span's last month, a flow summed over the span.
    pub fn simulated(&self, results: &Results, metrics: &Metrics, r: usize) -> Vec<f64> {
        let sum = |k: usize, row: &Observation| -> f64 {
            (row.months.0..=row.months.1)
                .map(|m| results.value(r, m, row.district, k))
                .sum()
        };
        self.rows
            .iter()
            .map(|row| match metrics.kind(row.metric) {
                Kind::Flow => sum(row.metric, row),
                Kind::Stock => results.value(r, row.months.1, row.district, row.metric),
                Kind::Ratio { num, den } => {
                    let den = sum(den, row);
                    if den > 0.0 {
                        sum(num, row) / den
                    } else {
                        f64::NAN
                    }
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::fields;

    #[test]
    fn fields_keep_their_columns_and_quoted_commas() {
        assert_eq!(
            fields("2019-04..2019-06, ALL,\"a, b\",0.5"),
            vec![
                (1, "2019-04..2019-06".to_string()),
                (18, "ALL".to_string()),
                (23, "a, b".to_string()),
                (30, "0.5".to_string()),
            ]
        );
        assert_eq!(
            fields("\"say \"\"hi\"\"\""),
            vec![(1, "say \"hi\"".to_string())]
        );
    }
}
