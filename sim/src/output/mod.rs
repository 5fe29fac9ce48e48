//! Output files, written whole or not at all. A command first [`prepare`]s where it will write
//! (locking its output folder and checking every destination) before it does any work; each file
//! is then written to a temporary file beside its destination and renamed into place only when
//! every file of the set is complete (`commit`), so a failed or interrupted run never leaves a
//! partial file and never destroys the previous run's output. A file that replaces another keeps
//! the old file's permissions; a new file is readable by all (0644).
//!
//! [`tables`] defines every CSV file's rows; [`read_results`] reads a results table back.

mod commit;
mod lock;
mod parquet;
mod read;
pub mod report;
pub mod tables;
pub mod xlsx;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use commit::{RUN_RECORD, abandon, destination};
pub use lock::{FolderLock, LOCK_FILE};
pub use read::{ReadError, ResultsFile, ResultsRead, read_results, read_results_each};

use commit::{Pending, place};
use tables::{NO_KEYS, Quoting, ResultRow, Table};

use crate::results::{ReplicationValues, Results};
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
    /// A Parquet file could not be written.
    #[error("{path}: {source}")]
    Parquet {
        /// The file concerned.
        path: PathBuf,
        /// The cause.
        source: ::parquet::errors::ParquetError,
    },
    /// Something other than a regular file stands where a file is to be written.
    #[error("{path} is {what}, not a regular file; Caseload writes only files: give a file's path")]
    NotAFile {
        /// The destination as given.
        path: PathBuf,
        /// What stands there.
        what: &'static str,
    },
    /// Something other than a folder stands where an output folder is to be.
    #[error("{path} is a file, not a folder: give a folder for the output files")]
    NotAFolder {
        /// The output folder as given.
        path: PathBuf,
    },
    /// Another command is writing into the output folder.
    #[error(
        "{folder} is in use by another Caseload command ({holder}); wait for it to finish or \
         choose another output folder"
    )]
    Busy {
        /// The folder.
        folder: PathBuf,
        /// Who holds it, in the words of its lock file.
        holder: String,
    },
}

impl OutputError {
    /// Whether the fault lies in what the user asked for (a destination that cannot take a
    /// file) rather than in the machine: the command line exits 2 for these.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            OutputError::NotAFile { .. } | OutputError::NotAFolder { .. }
        )
    }
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

/// Where a command will write, made ready before it does any work: held until its files are in
/// place. See [`prepare`].
#[derive(Debug)]
pub struct Prepared {
    lock: Option<FolderLock>,
    /// Folders made for the command, parents first: removed again if still empty when it ends,
    /// so a command that fails after preparing leaves no trace.
    made: Vec<PathBuf>,
}

impl Drop for Prepared {
    fn drop(&mut self) {
        drop(self.lock.take());
        for dir in self.made.iter().rev() {
            // Only an empty folder goes; one that received files stays.
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Makes ready the places a command will write, before it does any work, so that a run is not
/// lost to a destination that could never take its output: the output `folder` (if any) is
/// created and locked for this process (`holder` says who it is), temporaries that a killed
/// command left there for the files `names` are removed, and every destination (`names` in the
/// folder, and each of `files` elsewhere) is checked to be, or to be able to become, a regular
/// file in a folder this process can write.
pub fn prepare(
    folder: Option<&Path>,
    names: &[&str],
    files: &[&Path],
    holder: &str,
) -> Result<Prepared, OutputError> {
    // What stands at each destination first: a refusal there leaves no folder made.
    let targets = files
        .iter()
        .map(|path| commit::destination(path))
        .collect::<Result<Vec<_>, _>>()?;
    let mut prepared = Prepared {
        lock: None,
        made: Vec::new(),
    };
    if let Some(dir) = folder {
        if dir.exists() && !dir.is_dir() {
            return Err(OutputError::NotAFolder {
                path: dir.to_path_buf(),
            });
        }
        for name in names {
            commit::destination(&dir.join(name))?;
        }
        prepared.make_folder(dir)?;
        prepared.lock = Some(FolderLock::take(dir, holder)?);
        remove_stale_temporaries(dir, names)?;
    }
    for target in &targets {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        prepared.make_folder(dir)?;
        // Writable: a temporary can be made there (and is removed at once).
        tempfile::Builder::new()
            .prefix(".caseload-check.")
            .tempfile_in(dir)
            .map_err(|source| OutputError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
    }
    Ok(prepared)
}

impl Prepared {
    /// Makes `dir` and its missing parents, remembering those it made.
    fn make_folder(&mut self, dir: &Path) -> Result<(), OutputError> {
        let mut missing: Vec<PathBuf> = dir
            .ancestors()
            .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
            .map(Path::to_path_buf)
            .collect();
        missing.reverse();
        self.made.extend(missing);
        create_folder(dir)
    }
}

/// Creates `dir` and its parents if missing.
fn create_folder(dir: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(dir).map_err(|source| OutputError::Io {
        path: dir.to_path_buf(),
        source,
    })
}

/// Removes from `dir` the temporaries of the files `names` that an interrupted command left.
/// Only with the folder locked: no live command is writing them.
fn remove_stale_temporaries(dir: &Path, names: &[&str]) -> Result<(), OutputError> {
    let io = |source| OutputError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let file = entry.file_name();
        let Some(file) = file.to_str() else {
            continue;
        };
        if names.iter().any(|name| commit::is_temporary_of(file, name))
            && entry.file_type().is_ok_and(|t| t.is_file())
        {
            std::fs::remove_file(entry.path()).map_err(io)?;
        }
    }
    Ok(())
}

/// How a run's tables are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// results.csv and summary.csv: text any tool reads.
    #[default]
    Csv,
    /// results.parquet and summary.parquet: typed columns, zstd-compressed, for pandas, R,
    /// DuckDB and Polars.
    Parquet,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "csv" => Ok(Format::Csv),
            "parquet" => Ok(Format::Parquet),
            _ => Err(format!("expected csv or parquet; found {s:?}")),
        }
    }
}

/// Which tables a run writes, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tables {
    /// Whether the per-replication table is written (`--summary-only` leaves it out: about 3 GB
    /// of CSV for 1,000 Birmingham replications).
    pub results: bool,
    /// The format of the results and the summary.
    pub format: Format,
}

impl Tables {
    /// Both tables as CSV: what a run writes unless asked otherwise.
    pub const CSV: Tables = Tables {
        results: true,
        format: Format::Csv,
    };

    /// The name of the per-replication table.
    pub fn results_name(self) -> &'static str {
        match self.format {
            Format::Csv => "results.csv",
            Format::Parquet => "results.parquet",
        }
    }

    /// The name of the summary table.
    pub fn summary_name(self) -> &'static str {
        match self.format {
            Format::Csv => "summary.csv",
            Format::Parquet => "summary.parquet",
        }
    }
}

/// The file names a run writes into its folder, its tables' then the `extra` files': what
/// [`prepare`] checks and [`write_run`] writes.
pub fn run_file_names<'a>(tables: Tables, extra: &[&'a str]) -> Vec<&'a str> {
    let mut names = Vec::new();
    if tables.results {
        names.push(tables.results_name());
    }
    names.extend([tables.summary_name(), RUN_RECORD]);
    names.extend_from_slice(extra);
    names
}

/// Writes the run's `tables` (results, when asked for, and summary), `run.json` (`record`,
/// usually a [`RunRecord`]) and any `extra` (name, contents) files into `dir` (created if
/// missing), and each of `elsewhere` (path, contents), all or none. `run.json` goes into place
/// last.
pub fn write_run(
    dir: &Path,
    tables: Tables,
    run: (&dyn ReplicationValues, &Summary),
    record: &impl Serialize,
    extra: &[(&str, String)],
    elsewhere: &[(&Path, &[u8])],
) -> Result<Vec<PathBuf>, OutputError> {
    let (results, summary) = run;
    create_folder(dir)?;
    let mut files = Vec::new();
    let mut results_file = tables
        .results
        .then(|| Pending::new(dir, tables.results_name()))
        .transpose()?;
    let mut summary_file = Pending::new(dir, tables.summary_name())?;
    match tables.format {
        Format::Csv => {
            if let Some(p) = &mut results_file {
                write_results_table(p, results, 0)?;
            }
            let shape = results.shape();
            write_table(&mut summary_file, tables::summary_rows(shape, summary))?;
        }
        Format::Parquet => {
            if let Some(p) = &mut results_file {
                let written = self::parquet::write_results(p.file()?, results, 0);
                written.map_err(|source| p.parquet(source))?;
            }
            let p = &mut summary_file;
            let written = self::parquet::write_summary(p.file()?, results.shape(), summary);
            written.map_err(|source| p.parquet(source))?;
        }
    }
    files.extend(results_file);
    files.push(summary_file);
    let json = serde_json::to_string_pretty(record).map_err(|e| OutputError::Io {
        path: dir.join(RUN_RECORD),
        source: e.into(),
    })?;
    files.push(staged(dir, RUN_RECORD, format!("{json}\n").as_bytes())?);
    for (name, contents) in extra {
        files.push(staged(dir, name, contents.as_bytes())?);
    }
    for (path, contents) in elsewhere {
        let (folder, name) = folder_and_name(path)?;
        files.push(staged(folder, name, contents)?);
    }
    place(files)
}

/// A temporary for `name` in `dir` holding `contents`.
fn staged(dir: &Path, name: &str, contents: &[u8]) -> Result<Pending, OutputError> {
    let mut p = Pending::new(dir, name)?;
    let written = p.file()?.write_all(contents);
    written.map_err(|e| p.io(e))?;
    Ok(p)
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
    create_folder(dir)?;
    let mut first = Pending::new(dir, "results.csv")?;
    write_results_table(&mut first, results, first_replication)?;
    let mut files = vec![first];
    for (name, contents) in extra {
        files.push(staged(dir, name, contents.as_bytes())?);
    }
    place(files)
}

/// Writes results.csv: every value of `values`, replications numbered from `first`, then months,
/// districts and metrics, one replication read at a time.
fn write_results_table(
    p: &mut Pending,
    values: &dyn ReplicationValues,
    first: u64,
) -> Result<(), OutputError> {
    let dest = p.dest.clone();
    let csv = |source| OutputError::Csv {
        path: dest.clone(),
        source,
    };
    let shape = values.shape();
    let cells: Vec<(usize, usize, usize)> = tables::cells(shape).collect();
    let out = BufWriter::new(p.file()?);
    let mut table = Table::new::<ResultRow>(out, Quoting::Needed, NO_KEYS).map_err(csv)?;
    for (r, replication) in (0..values.count()).zip(first..) {
        let held = values.replication_values(r).map_err(|e| OutputError::Io {
            path: dest.clone(),
            source: e,
        })?;
        for (&(m, d, k), &value) in cells.iter().zip(held.iter()) {
            let row = ResultRow {
                replication,
                month: &shape.months[m],
                district: &shape.districts[d],
                metric: &shape.metrics[k],
                value,
            };
            table.row(NO_KEYS, &row).map_err(csv)?;
        }
    }
    table.finish().map_err(csv)?;
    Ok(())
}

/// Writes a table of `rows` (results.csv, summary.csv) into the pending file.
fn write_table<R: tables::Row>(
    p: &mut Pending,
    rows: impl Iterator<Item = R>,
) -> Result<(), OutputError> {
    let dest = p.dest.clone();
    let csv = |source| OutputError::Csv {
        path: dest.clone(),
        source,
    };
    let out = BufWriter::new(p.file()?);
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
    create_folder(dir)?;
    let pending = files
        .iter()
        .map(|(name, contents)| staged(dir, name, contents.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    place(pending)
}

/// The folder (`.` for a bare name) and UTF-8 file name of `path`.
fn folder_and_name(path: &Path) -> Result<(&Path, &str), OutputError> {
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
    Ok((dir, name))
}

/// Writes each of `files` (path, contents), in whatever folders they name (which must exist), all
/// or none: a set of outputs that belong together, such as a board report and its workbook.
pub fn write_paths(files: &[(&Path, &[u8])]) -> Result<Vec<PathBuf>, OutputError> {
    let staged_files = files
        .iter()
        .map(|(path, contents)| {
            let (dir, name) = folder_and_name(path)?;
            staged(dir, name, contents)
        })
        .collect::<Result<Vec<_>, _>>()?;
    place(staged_files)
}

/// Writes `contents` to the file `path` whole or not at all, into a folder that must exist: the
/// one way a single file is written, by the command line and the app alike. A file it replaces
/// keeps its permissions; a new file is readable by all.
pub fn write_file(path: &Path, contents: &[u8]) -> Result<PathBuf, OutputError> {
    let (dir, name) = folder_and_name(path)?;
    place(vec![staged(dir, name, contents)?])?;
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
        let set = |text: &str| {
            write_files(
                dir.path(),
                &[("a.csv", text), ("b.csv", text), (RUN_RECORD, text)],
            )
        };
        set("first").expect("written");
        assert_eq!(mode(&dir.path().join("a.csv")), 0o644);
        for kept in [0o600, 0o640, 0o664] {
            let record = dir.path().join(RUN_RECORD);
            for path in [&one, &dir.path().join("a.csv"), &record] {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(kept))
                    .expect("permissions set");
            }
            write_file(&one, b"again").expect("written");
            set("again").expect("written");
            assert_eq!(mode(&one), kept, "{kept:o}");
            assert_eq!(mode(&dir.path().join("a.csv")), kept, "{kept:o}");
            assert_eq!(mode(&record), kept, "a replaced record, {kept:o}");
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
        assert!(
            e.to_string().contains("is a folder, not a regular file"),
            "{e}"
        );
        assert!(e.is_input());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("listed")
            .map(|e| e.expect("an entry").file_name())
            .collect();
        assert_eq!(names, ["taken"], "no temporary file left");
    }

    /// A device is refused and left as it is; a symbolic link is written through to its file.
    #[cfg(unix)]
    #[test]
    fn devices_are_refused_and_links_written_through() {
        let e = write_file(Path::new("/dev/null"), b"x").expect_err("a device");
        assert!(e.is_input() && e.to_string().contains("a device"), "{e}");
        let meta = std::fs::metadata("/dev/null").expect("still there");
        assert!(!meta.is_file(), "/dev/null was replaced");
        let dir = tempfile::tempdir().expect("a temporary folder");
        let real = dir.path().join("real.html");
        std::fs::write(&real, "old").expect("written");
        let link = dir.path().join("link.html");
        std::os::unix::fs::symlink("real.html", &link).expect("linked");
        write_file(&link, b"new").expect("written through");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).expect("read"), b"new");
        let to_device = dir.path().join("null.html");
        std::os::unix::fs::symlink("/dev/null", &to_device).expect("linked");
        assert!(
            write_file(&to_device, b"x")
                .expect_err("a device")
                .is_input()
        );
    }

    /// The run record goes into place last, and the old one is removed before anything is
    /// replaced; a set that cannot be placed leaves no temporaries.
    #[test]
    fn the_run_record_is_placed_last() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        write_files(dir.path(), &[(RUN_RECORD, "old"), ("a.csv", "old")]).expect("written");
        let order =
            write_files(dir.path(), &[(RUN_RECORD, "new"), ("a.csv", "new")]).expect("written");
        assert_eq!(
            order.last().and_then(|p| p.file_name()),
            Some(RUN_RECORD.as_ref())
        );
        std::fs::create_dir(dir.path().join("b.csv")).expect("a folder in the way");
        write_files(dir.path(), &[("a.csv", "newer"), ("b.csv", "x")]).expect_err("refused");
        assert_eq!(
            std::fs::read(dir.path().join("a.csv")).expect("read"),
            b"new"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("listed")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".partial"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    /// A folder is prepared once: the lock keeps a second command out, and a killed command's
    /// temporaries of the files about to be written are removed (others are left).
    #[test]
    fn preparing_a_folder_locks_it_and_clears_what_a_killed_run_left() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let out = dir.path().join("out");
        std::fs::create_dir(&out).expect("a folder");
        for stale in [".results.csv.Ab12Cd.partial", ".notes.txt.Ab12Cd.partial"] {
            std::fs::write(out.join(stale), "left by a killed run").expect("written");
        }
        let names = run_file_names(Tables::CSV, &[]);
        let held = prepare(Some(&out), &names, &[], "pid 1").expect("prepared");
        assert!(!out.join(".results.csv.Ab12Cd.partial").exists());
        assert!(
            out.join(".notes.txt.Ab12Cd.partial").exists(),
            "not ours to remove"
        );
        let busy = prepare(Some(&out), &names, &[], "pid 2").expect_err("locked");
        assert!(
            matches!(busy, OutputError::Busy { .. }) && !busy.is_input(),
            "{busy}"
        );
        drop(held);
        prepare(Some(&out), &names, &[], "pid 3").expect("free again");
        let refused = prepare(None, &[], &[Path::new("/dev/full")], "pid 4");
        assert!(refused.expect_err("a device").is_input());
    }
}
