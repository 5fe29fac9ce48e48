//! Reading a `results.csv` back, bit for bit, for `caseload merge`.

use std::io::BufReader;
use std::path::{Path, PathBuf};

use crate::output::tables::{ResultRow, Row};
use crate::results::{CITY, Results};

/// Why a results table could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not CSV text (for example, not UTF-8).
    #[error("{path}: {source}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: csv::Error,
    },
    /// The file is CSV but not a results table as caseload writes it.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The line at fault (1 is the header).
        line: u64,
        /// What is wrong.
        message: String,
    },
}

/// A `results.csv` read back: its values, and the number of its first replication (the others
/// follow one by one).
#[derive(Debug, Clone, PartialEq)]
pub struct ResultsFile {
    /// The number of the first replication listed.
    pub first_replication: u64,
    /// The values, replications in file order.
    pub results: Results,
}

/// Reads a `results.csv` back exactly as [`super::write_run`] or [`super::write_shard`] wrote it: the header,
/// then each replication (numbered consecutively) with one row per (month, district, metric) in
/// the same order for all. Every value comes back bit for bit: numbers are written in Rust's
/// shortest round-trip form, and an empty cell is an undefined value (NaN). Anything else, such as
/// a missing column, a value that is not a number or a row out of place, is refused with its line.
pub fn read_results(path: &Path) -> Result<ResultsFile, ReadError> {
    let mut values = Vec::new();
    let read = read_results_each(path, &mut |_, one| {
        values.push(one);
        Ok(())
    })?;
    let shape = read.shape;
    let results = Results::from_values(shape.metrics, shape.months, shape.districts, values)
        .ok_or_else(|| ReadError::Invalid {
            path: path.to_path_buf(),
            line: 1,
            message: "the rows do not form a whole table".to_string(),
        })?;
    Ok(ResultsFile {
        first_replication: read.first_replication,
        results,
    })
}

/// What [`read_results_each`] found: the table's shape (no values) and its replications'
/// numbers.
#[derive(Debug, Clone)]
pub struct ResultsRead {
    /// The months, districts and metrics.
    pub shape: Results,
    /// The number of the first replication listed.
    pub first_replication: u64,
    /// How many replications were listed.
    pub replications: u64,
}

/// What [`read_results_each`] hands each replication's values to, with the table's shape.
pub type EachReplication<'a> = dyn FnMut(&Results, Vec<f64>) -> Result<(), ReadError> + 'a;

/// Reads a `results.csv` as [`read_results`] does, checked the same way, but hands each
/// replication's values to `each` (with the table's shape) as soon as they are read and keeps
/// none: memory does not grow with the file.
pub fn read_results_each(
    path: &Path,
    each: &mut EachReplication<'_>,
) -> Result<ResultsRead, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    crate::load::regular_file(path).map_err(|why| io(std::io::Error::other(why)))?;
    let file = std::fs::File::open(path).map_err(io)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::new(file));
    let invalid = |line: u64, message: String| ReadError::Invalid {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut next = |record: &mut csv::StringRecord| {
        reader.read_record(record).map_err(|source| ReadError::Csv {
            path: path.to_path_buf(),
            source,
        })
    };
    let header = ResultRow::COLUMNS.join(",");
    let mut record = csv::StringRecord::new();
    if !next(&mut record)? {
        return Err(invalid(1, format!("empty; expected the header {header}")));
    }
    if record.iter().ne(ResultRow::COLUMNS.iter().copied()) {
        let found = record.iter().collect::<Vec<_>>().join(",");
        return Err(invalid(
            1,
            format!("the header is {found:?}, expected {header}"),
        ));
    }
    // The first replication's (month, district, metric) rows, with their lines: every other
    // replication must list the same, in the same order.
    let mut layout: Vec<(u64, [String; 3])> = Vec::new();
    // The table's shape, once the first replication is complete.
    let mut shape: Option<Results> = None;
    // The replication being read: its values, and whether any row has been read yet.
    let mut values: Vec<f64> = Vec::new();
    let mut started = false;
    // The numbers of the first replication and of the one being read.
    let (mut first, mut current) = (0, 0);
    let mut line = 1;
    // Checks the replication just read and hands it on.
    let mut finish = |shape: &mut Option<Results>,
                      layout: &[(u64, [String; 3])],
                      values: Vec<f64>,
                      first: u64,
                      current: u64,
                      line: u64|
     -> Result<(), ReadError> {
        if shape.is_none() {
            check_layout(layout).map_err(|(l, m)| invalid(l, m))?;
            let (months, districts, metrics) = labels(layout);
            *shape = Results::from_values(metrics, months, districts, Vec::new());
        }
        complete(values.len(), layout, first, current).map_err(|m| invalid(line, m))?;
        match shape {
            Some(s) => each(s, values),
            None => Err(invalid(
                line,
                "the rows do not form a whole table".to_string(),
            )),
        }
    };
    while next(&mut record)? {
        line = record.position().map_or(line + 1, csv::Position::line);
        if record.len() != ResultRow::COLUMNS.len() {
            return Err(invalid(
                line,
                format!("{} columns, expected 5 ({header})", record.len()),
            ));
        }
        let number = parse_replication(&record[0]).map_err(|m| invalid(line, m))?;
        if !started {
            (first, current) = (number, number);
            started = true;
        } else if number != current {
            if current.checked_add(1) != Some(number) {
                return Err(invalid(
                    line,
                    format!(
                        "replication {number} follows replication {current}; each replication is \
                         listed once, in order"
                    ),
                ));
            }
            let done = std::mem::replace(&mut values, Vec::with_capacity(layout.len()));
            finish(&mut shape, &layout, done, first, current, line)?;
            current = number;
        }
        let at = values.len();
        let key = [&record[1], &record[2], &record[3]];
        if current == first {
            layout.push((line, key.map(str::to_string)));
        } else {
            match layout.get(at) {
                Some((_, expected)) if key == [&expected[0], &expected[1], &expected[2]] => {}
                Some((_, expected)) => {
                    return Err(invalid(
                        line,
                        format!(
                            "replication {number} lists {} where replication {first} lists {}: \
                             every replication has the same rows in the same order",
                            key.join(","),
                            expected.join(",")
                        ),
                    ));
                }
                None => {
                    return Err(invalid(
                        line,
                        format!(
                            "replication {number} has more rows than replication {first} ({})",
                            layout.len()
                        ),
                    ));
                }
            }
        }
        let value = parse_value(&record[4]).map_err(|m| invalid(line, m))?;
        values.push(value);
    }
    if !started {
        return Err(invalid(line, "no rows after the header".to_string()));
    }
    finish(&mut shape, &layout, values, first, current, line)?;
    let shape =
        shape.ok_or_else(|| invalid(line, "the rows do not form a whole table".to_string()))?;
    Ok(ResultsRead {
        shape,
        first_replication: first,
        replications: current - first + 1,
    })
}

fn parse_replication(text: &str) -> Result<u64, String> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| text.parse::<u64>().ok())
        .flatten()
        .ok_or_else(|| format!("replication {text:?} is not a whole number"))
}

fn parse_value(text: &str) -> Result<f64, String> {
    if text.is_empty() {
        return Ok(f64::NAN);
    }
    match text.parse::<f64>() {
        Ok(v) if !v.is_nan() => Ok(v),
        _ => Err(format!(
            "value {text:?} is not a number (an undefined value is an empty cell)"
        )),
    }
}

/// Checks the last replication read (number `current`, with `rows` rows) has as many rows as
/// the first.
fn complete(
    rows: usize,
    layout: &[(u64, [String; 3])],
    first: u64,
    current: u64,
) -> Result<(), String> {
    if rows == layout.len() {
        Ok(())
    } else {
        Err(format!(
            "replication {current} has {rows} rows, but replication {first} has {}",
            layout.len()
        ))
    }
}

/// Months, districts and metrics in order of appearance.
fn labels(layout: &[(u64, [String; 3])]) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut out: [Vec<String>; 3] = Default::default();
    for (_, key) in layout {
        for (seen, label) in out.iter_mut().zip(key) {
            if !seen.contains(label) {
                seen.push(label.clone());
            }
        }
    }
    let [months, districts, metrics] = out;
    (months, districts, metrics)
}

/// Checks the first replication lists every (month, district, metric) once, months outermost and
/// metrics innermost, with the city total last among districts.
fn check_layout(layout: &[(u64, [String; 3])]) -> Result<(), (u64, String)> {
    let (months, districts, metrics) = labels(layout);
    let (nd, nm) = (districts.len(), metrics.len());
    if nd * nm == 0 {
        return Err((1, "no rows".to_string()));
    }
    for (i, (line, key)) in layout.iter().enumerate() {
        let expected = [
            months.get(i / (nd * nm)),
            districts.get(i / nm % nd),
            metrics.get(i % nm),
        ];
        if expected != [Some(&key[0]), Some(&key[1]), Some(&key[2])] {
            return Err((
                *line,
                format!(
                    "row {} out of place: each replication lists every month, district and \
                     metric once, in the same order",
                    key.join(",")
                ),
            ));
        }
    }
    let last = layout.last().map_or(0, |(l, _)| *l);
    if layout.len() != months.len() * nd * nm {
        return Err((last, "a month, district or metric is missing".to_string()));
    }
    if districts.last().map(String::as_str) != Some(CITY) {
        return Err((
            last,
            format!("the last district is not {CITY} (the city total)"),
        ));
    }
    Ok(())
}
