//! Output files, written whole or not at all. Each file is written to a temporary file beside its
//! destination and renamed into place only when every file of the set is complete, so a failed or
//! interrupted run never leaves a partial file and never destroys the previous run's output.
//! Before the first rename every destination is checked to take a file; the renames then follow
//! one another, so only a filesystem failing between two renames in one directory could leave a
//! new file beside an old one. A file that replaces another keeps the old file's permissions; a new
//! file is readable by all (0644).
//!
//! [`tables`] defines every CSV file's rows; [`read_results`] reads a results table back.

mod read;
pub mod tables;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

pub use read::{ReadError, ResultsFile, read_results};
use tables::{NO_KEYS, Quoting, Table};

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
    /// The calibrated posterior the uncertain inputs were drawn from, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posterior: Option<PosteriorRecord>,
}

/// A posterior a run drew from: where it was read and what it held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PosteriorRecord {
    /// The posterior.csv path, as given.
    pub file: String,
    /// SHA-256 of its text, hex.
    pub sha256: String,
}

/// SHA-256 of `text`, as lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Gives a finished file the permissions it should have at `dest`: those of the file it replaces,
/// or 0644 (readable by all) for a new file. Temporary files are private (0600) until then.
#[cfg(unix)]
fn finished_mode(file: &std::fs::File, dest: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dest).map_or(0o644, |m| m.permissions().mode() & 0o777);
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn finished_mode(_: &std::fs::File, _: &Path) -> std::io::Result<()> {
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
        write_table(&mut p, tables::result_rows(results, 0))?;
        files.push(p);
    }
    let mut p = Pending::new(dir, "summary.csv")?;
    write_table(&mut p, tables::summary_rows(results, summary))?;
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
        finished_mode(p.file.as_file(), &p.dest).map_err(|e| p.io(e))?;
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
    write_table(
        &mut files[0],
        tables::result_rows(results, first_replication),
    )?;
    for (name, contents) in extra {
        let mut p = Pending::new(dir, name)?;
        p.file.write_all(contents.as_bytes()).map_err(|e| p.io(e))?;
        files.push(p);
    }
    place(files)
}

/// Writes a table of `rows` (results.csv, summary.csv) into the pending file.
fn write_table<R: tables::Row>(
    p: &mut Pending,
    rows: impl Iterator<Item = R>,
) -> Result<(), OutputError> {
    let csv = |source| OutputError::Csv {
        path: p.dest.clone(),
        source,
    };
    let out = BufWriter::new(p.file.as_file_mut());
    let mut table = Table::new::<R>(out, Quoting::Needed, NO_KEYS).map_err(csv)?;
    for row in rows {
        table.row(NO_KEYS, &row).map_err(csv)?;
    }
    table.finish().map_err(csv)?;
    Ok(())
}

/// Writes `files` (name, contents) into `dir` (created if missing), all or none.
pub fn write_files(
    dir: &Path,
    files: &[(&str, impl AsRef<[u8]>)],
) -> Result<Vec<PathBuf>, OutputError> {
    std::fs::create_dir_all(dir).map_err(|source| OutputError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut pending = Vec::new();
    for (name, contents) in files {
        let mut p = Pending::new(dir, name)?;
        p.file.write_all(contents.as_ref()).map_err(|e| p.io(e))?;
        pending.push(p);
    }
    place(pending)
}

/// Writes `contents` to the file `path` whole or not at all, into a folder that must exist: the
/// one way a single file is written, by the command line and the app alike. A file it replaces
/// keeps its permissions; a new file is readable by all.
pub fn write_file(path: &Path, contents: &[u8]) -> Result<PathBuf, OutputError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| OutputError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "does not name a file (a UTF-8 file name is needed)",
            ),
        })?;
    let mut p = Pending::new(dir, name)?;
    p.file.write_all(contents).map_err(|e| p.io(e))?;
    place(vec![p])?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .expect("the file")
            .permissions()
            .mode()
            & 0o777
    }

    /// A new file is readable by all; a replaced file keeps its own permissions, whichever way
    /// it is written (one file, or a set).
    #[cfg(unix)]
    #[test]
    fn new_files_are_readable_by_all_and_replaced_files_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("a temporary folder");
        let one = dir.path().join("one.html");
        assert_eq!(write_file(&one, b"first").expect("written"), one);
        assert_eq!(mode(&one), 0o644);
        let set = |text: &str| write_files(dir.path(), &[("a.csv", text), ("b.csv", text)]);
        set("first").expect("written");
        assert_eq!(mode(&dir.path().join("a.csv")), 0o644);
        for kept in [0o600, 0o640, 0o664] {
            for path in [&one, &dir.path().join("a.csv")] {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(kept))
                    .expect("permissions set");
            }
            write_file(&one, b"again").expect("written");
            set("again").expect("written");
            assert_eq!(mode(&one), kept, "{kept:o}");
            assert_eq!(mode(&dir.path().join("a.csv")), kept, "{kept:o}");
            assert_eq!(mode(&dir.path().join("b.csv")), 0o644);
        }
        assert_eq!(std::fs::read(&one).expect("read"), b"again");
    }

    #[test]
    fn a_file_is_written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        // Into a missing folder, or over a folder: refused, and nothing left behind.
        let missing = dir.path().join("no/such/folder/x.csv");
        assert!(write_file(&missing, b"x").is_err());
        std::fs::create_dir(dir.path().join("taken")).expect("a folder");
        let e = write_file(&dir.path().join("taken"), b"x").expect_err("a folder in the way");
        assert!(e.to_string().contains("a directory is in the way"), "{e}");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("listed")
            .map(|e| e.expect("an entry").file_name())
            .collect();
        assert_eq!(names, ["taken"], "no temporary file left");
    }
}
