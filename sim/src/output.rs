//! Output files: the tidy results table, its summary and the run record. Each file is written to a
//! temporary file beside its destination and renamed into place only when every file of the set is
//! complete, so a failed or interrupted run never leaves a partial file and never destroys the
//! previous run's output. Before the first rename every destination is checked to take a file; the
//! three renames then follow one another, so only a filesystem failing between two renames in one
//! directory could leave a new file beside an old one.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use crate::results::Results;
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

/// Writes `results.csv`, `summary.csv`, `run.json` and any `extra` (name, contents) files into
/// `dir` (created if missing), all or none.
pub fn write_run(
    dir: &Path,
    results: &Results,
    summary: &Summary,
    record: &RunRecord,
    extra: &[(&str, String)],
) -> Result<Vec<PathBuf>, OutputError> {
    std::fs::create_dir_all(dir).map_err(|source| OutputError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files = vec![
        Pending::new(dir, "results.csv")?,
        Pending::new(dir, "summary.csv")?,
        Pending::new(dir, "run.json")?,
    ];
    write_results(&mut files[0], results)?;
    write_summary(&mut files[1], results, summary)?;
    let json = &mut files[2];
    let text = serde_json::to_string_pretty(record).map_err(|e| json.io(e.into()))?;
    json.file
        .write_all(format!("{text}\n").as_bytes())
        .map_err(|e| json.io(e))?;
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

fn write_results(p: &mut Pending, results: &Results) -> Result<(), OutputError> {
    let dest = p.dest.clone();
    let mut w = csv::Writer::from_writer(BufWriter::new(p.file.as_file_mut()));
    w.write_record(["replication", "month", "district", "metric", "value"])
        .map_err(|e| p_csv(&dest, e))?;
    for r in 0..results.replications() {
        let rep = r.to_string();
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
