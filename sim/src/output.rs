//! Output files: the tidy results table, its summary and the run record. Each file is written to a
//! temporary file beside its destination and renamed into place only when every file of the set is
//! complete, so a failed or interrupted run never leaves a partial file and never destroys the
//! previous run's output. Before the first rename every destination is checked to take a file; the
//! three renames then follow one another, so only a filesystem failing between two renames in one
//! directory could leave a new file beside an old one.

use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use crate::results::{CITY, Results};
use crate::summary::Summary;

/// Why output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A filesystem operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A CSV record could not be written.
    #[error("{path}: {source}")]
    Csv {
        /// The file concerned.
        path: PathBuf,
        /// The cause.
        source: csv::Error,
    },
}

/// What `run.json` records about a run.
#[derive(Debug, Clone, Serialize)]
pub struct RunRecord {
    /// Caseload's version.
    pub version: String,
    /// Scenario path, or the embedded scenario's name.
    pub scenario: String,
    /// The scenario's title.
    pub scenario_name: String,
    /// The scenario's description.
    pub scenario_description: String,
    /// SHA-256 of the scenario text, hex.
    pub scenario_sha256: String,
    /// Master seed.
    pub seed: u64,
    /// Replications run.
    pub replications: u32,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    /// Wall-clock seconds the replications took.
    pub wall_seconds: f64,
    /// First and last month.
    pub months: [String; 2],
}

/// SHA-256 of `text`, as lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A value as written in CSV: shortest round-trip form, empty when undefined.
fn cell(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        x.to_string()
    }
}

/// Temporary files are private (0600); finished output is ordinary data, readable by all (0644).
#[cfg(unix)]
fn readable_by_all(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn readable_by_all(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// A file being written in its destination directory.
struct Pending {
    file: NamedTempFile,
    dest: PathBuf,
}

impl Pending {
    fn new(dir: &Path, name: &str) -> Result<Self, OutputError> {
        let file = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".partial")
            .tempfile_in(dir)
            .map_err(|source| OutputError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        Ok(Pending {
            file,
            dest: dir.join(name),
        })
    }

    fn io(&self, source: std::io::Error) -> OutputError {
        OutputError::Io {
            path: self.dest.clone(),
            source,
        }
    }
}

/// Writes `results.csv`, `summary.csv`, `run.json` (`record`, usually a [`RunRecord`]) and any
/// `extra` (name, contents) files into `dir` (created if missing), all or none.
pub fn write_run(
    dir: &Path,
    results: &Results,
    summary: &Summary,
    record: &impl Serialize,
    extra: &[(&str, String)],
) -> Result<Vec<PathBuf>, OutputError> {
    write_run_files(dir, true, results, summary, record, extra)
}

/// As [`write_run`] but without `results.csv`: for long runs whose per-replication table nobody
/// will read (1,000 Birmingham replications make about 3 GB of it). `caseload run --summary-only`.
pub fn write_run_summary(
    dir: &Path,
    results: &Results,
    summary: &Summary,
    record: &impl Serialize,
    extra: &[(&str, String)],
) -> Result<Vec<PathBuf>, OutputError> {
    write_run_files(dir, false, results, summary, record, extra)
}

/// The files of a run, with `results.csv` when `table` is set.
fn write_run_files(
    dir: &Path,
    table: bool,
    results: &Results,
    summary: &Summary,
    record: &impl Serialize,
    extra: &[(&str, String)],
) -> Result<Vec<PathBuf>, OutputError> {
    std::fs::create_dir_all(dir).map_err(|source| OutputError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files = Vec::new();
    if table {
        let mut p = Pending::new(dir, "results.csv")?;
        write_results(&mut p, results, 0)?;
        files.push(p);
    }
    let mut p = Pending::new(dir, "summary.csv")?;
    write_summary(&mut p, results, summary)?;
    files.push(p);
    let mut json = Pending::new(dir, "run.json")?;
    let text = serde_json::to_string_pretty(record).map_err(|e| json.io(e.into()))?;
    json.file
        .write_all(format!("{text}\n").as_bytes())
        .map_err(|e| json.io(e))?;
    files.push(json);
    for (name, contents) in extra {
        let mut p = Pending::new(dir, name)?;
        p.file.write_all(contents.as_bytes()).map_err(|e| p.io(e))?;
        files.push(p);
    }
    place(files)
}

/// Renames finished files into place, after checking that every destination can take a file.
fn place(files: Vec<Pending>) -> Result<Vec<PathBuf>, OutputError> {
    for p in &files {
        if p.dest.is_dir() {
            return Err(p.io(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "a directory is in the way of the output file",
            )));
        }
    }
    let mut written = Vec::new();
    for p in files {
        readable_by_all(p.file.as_file()).map_err(|e| p.io(e))?;
        p.file.as_file().sync_all().map_err(|e| p.io(e))?;
        let dest = p.dest.clone();
        p.file.persist(&dest).map_err(|e| OutputError::Io {
            path: dest.clone(),
            source: e.error,
        })?;
        written.push(dest);
    }
    Ok(written)
}

/// Writes `results.csv` alone, its replications numbered from `first_replication`, and any `extra`
/// (name, contents) files into `dir` (created if missing), all or none: the output of one shard of
/// a run, whose replications keep the numbers they have in the whole run.
pub fn write_shard(
    dir: &Path,
    results: &Results,
    first_replication: u64,
    extra: &[(&str, String)],
) -> Result<Vec<PathBuf>, OutputError> {
    std::fs::create_dir_all(dir).map_err(|source| OutputError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files = vec![Pending::new(dir, "results.csv")?];
    write_results(&mut files[0], results, first_replication)?;
    for (name, contents) in extra {
        let mut p = Pending::new(dir, name)?;
        p.file.write_all(contents.as_bytes()).map_err(|e| p.io(e))?;
        files.push(p);
    }
    place(files)
}

/// The header of `results.csv`.
const RESULTS_HEADER: [&str; 5] = ["replication", "month", "district", "metric", "value"];

fn write_results(p: &mut Pending, results: &Results, first: u64) -> Result<(), OutputError> {
    let dest = p.dest.clone();
    let mut w = csv::Writer::from_writer(BufWriter::new(p.file.as_file_mut()));
    w.write_record(RESULTS_HEADER)
        .map_err(|e| p_csv(&dest, e))?;
    for (r, number) in (0..results.replications()).zip(first..) {
        let rep = number.to_string();
        for (m, month) in results.months.iter().enumerate() {
            for (d, district) in results.districts.iter().enumerate() {
                for (k, metric) in results.metrics.iter().enumerate() {
                    let v = cell(results.value(r, m, d, k));
                    w.write_record([rep.as_str(), month, district, metric, &v])
                        .map_err(|e| p_csv(&dest, e))?;
                }
            }
        }
    }
    w.flush().map_err(|e| OutputError::Io {
        path: dest,
        source: e,
    })
}

fn p_csv(dest: &Path, source: csv::Error) -> OutputError {
    OutputError::Csv {
        path: dest.to_path_buf(),
        source,
    }
}

fn write_summary(p: &mut Pending, results: &Results, summary: &Summary) -> Result<(), OutputError> {
    let dest = p.dest.clone();
    let mut w = csv::Writer::from_writer(BufWriter::new(p.file.as_file_mut()));
    w.write_record([
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
    ])
    .map_err(|e| p_csv(&dest, e))?;
    for (m, month) in results.months.iter().enumerate() {
        for (d, district) in results.districts.iter().enumerate() {
            for (k, metric) in results.metrics.iter().enumerate() {
                let s = summary.get(m, d, k);
                let mut rec = vec![month.clone(), district.clone(), metric.clone()];
                rec.extend([s.mean, s.ci95_low, s.ci95_high].map(cell));
                rec.extend(s.percentiles.map(cell));
                w.write_record(&rec).map_err(|e| p_csv(&dest, e))?;
            }
        }
    }
    w.flush().map_err(|e| OutputError::Io {
        path: dest,
        source: e,
    })
}

/// Writes `files` (name, contents) into `dir` (created if missing), all or none.
pub fn write_files(dir: &Path, files: &[(&str, String)]) -> Result<Vec<PathBuf>, OutputError> {
    std::fs::create_dir_all(dir).map_err(|source| OutputError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut pending = Vec::new();
    for (name, contents) in files {
        let mut p = Pending::new(dir, name)?;
        p.file.write_all(contents.as_bytes()).map_err(|e| p.io(e))?;
        pending.push(p);
    }
    place(pending)
}

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

/// Reads a `results.csv` back exactly as [`write_run`] or [`write_shard`] wrote it: the header,
/// then each replication (numbered consecutively) with one row per (month, district, metric) in
/// the same order for all. Every value comes back bit for bit: numbers are written in Rust's
/// shortest round-trip form, and an empty cell is an undefined value (NaN). Anything else, such as
/// a missing column, a value that is not a number or a row out of place, is refused with its line.
pub fn read_results(path: &Path) -> Result<ResultsFile, ReadError> {
    let file = std::fs::File::open(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
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
    let header = RESULTS_HEADER.join(",");
    let mut record = csv::StringRecord::new();
    if !next(&mut record)? {
        return Err(invalid(1, format!("empty; expected the header {header}")));
    }
    if record.iter().ne(RESULTS_HEADER) {
        let found = record.iter().collect::<Vec<_>>().join(",");
        return Err(invalid(
            1,
            format!("the header is {found:?}, expected {header}"),
        ));
    }
    // The first replication's (month, district, metric) rows, with their lines: every other
    // replication must list the same, in the same order.
    let mut layout: Vec<(u64, [String; 3])> = Vec::new();
    let mut values: Vec<Vec<f64>> = Vec::new();
    // The numbers of the first replication and of the one being read.
    let (mut first, mut current) = (0, 0);
    let mut line = 1;
    while next(&mut record)? {
        line = record.position().map_or(line + 1, csv::Position::line);
        if record.len() != RESULTS_HEADER.len() {
            return Err(invalid(
                line,
                format!("{} columns, expected 5 ({header})", record.len()),
            ));
        }
        let number = parse_replication(&record[0]).map_err(|m| invalid(line, m))?;
        if values.is_empty() {
            (first, current) = (number, number);
            values.push(Vec::new());
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
            if values.len() == 1 {
                check_layout(&layout).map_err(|(l, m)| invalid(l, m))?;
            }
            complete(&values, &layout, first, current).map_err(|m| invalid(line, m))?;
            current = number;
            values.push(Vec::with_capacity(layout.len()));
        }
        let row = values.len() - 1;
        let at = values[row].len();
        let key = [&record[1], &record[2], &record[3]];
        if row == 0 {
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
        values[row].push(value);
    }
    if values.is_empty() {
        return Err(invalid(line, "no rows after the header".to_string()));
    }
    if values.len() == 1 {
        check_layout(&layout).map_err(|(l, m)| invalid(l, m))?;
    }
    complete(&values, &layout, first, current).map_err(|m| invalid(line, m))?;
    let (months, districts, metrics) = labels(&layout);
    let results = Results::from_values(metrics, months, districts, values)
        .ok_or_else(|| invalid(line, "the rows do not form a whole table".to_string()))?;
    Ok(ResultsFile {
        first_replication: first,
        results,
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

/// Checks the last replication read (number `current`) has as many rows as the first.
fn complete(
    values: &[Vec<f64>],
    layout: &[(u64, [String; 3])],
    first: u64,
    current: u64,
) -> Result<(), String> {
    let rows = values.last().map_or(0, Vec::len);
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
