//! Staging and committing output files. Each file is written to a temporary file beside its
//! destination and renamed into place only when every file of its set is complete. Destinations
//! are regular files: a symbolic link is written through to the file it names, and a device,
//! pipe, socket or folder standing at a destination is refused, never replaced.
//!
//! Temporaries in the making are listed process-wide, so that a command interrupted by a signal
//! can remove them ([`abandon`]) and leave no debris; a commit holds that list while it renames,
//! so an interruption waits until the set is in place.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use tempfile::NamedTempFile;

use super::OutputError;

/// The file a run's folder describes the run in.
pub const RUN_RECORD: &str = "run.json";

/// Whether the file `name` is one of its set's records (run.json, shard.json, calibration.json
/// and the like: every JSON file a command writes describes what it ran). Records are removed
/// before a set is replaced and put in place after everything else.
fn is_record(name: &std::ffi::OsStr) -> bool {
    Path::new(name).extension().is_some_and(|e| e == "json")
}

/// Temporaries being written and lock files held by this process, removed by [`abandon`].
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The list of live paths; a panic elsewhere while it was held leaves it usable.
pub(super) fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Forgets `path` in the live list.
pub(super) fn forget(live: &mut Vec<PathBuf>, path: &Path) {
    live.retain(|p| p != path);
}

/// Removes every temporary file this process is writing and every lock it holds: for a command
/// stopped by a signal, just before it exits. A commit under way finishes first.
pub fn abandon() {
    let mut live = live();
    for path in live.drain(..) {
        let _ = std::fs::remove_file(path);
    }
}

/// The most symbolic links followed to find a destination, as the kernel allows.
const MAX_LINKS: usize = 40;

/// The regular file that writing to `path` should replace or create: `path` itself, or the file
/// its chain of symbolic links ends at. A folder, device, pipe or socket there is refused.
pub fn destination(path: &Path) -> Result<PathBuf, OutputError> {
    let mut at = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let meta = match std::fs::symlink_metadata(&at) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(at),
            Err(source) => return Err(OutputError::Io { path: at, source }),
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            let target = std::fs::read_link(&at).map_err(|source| OutputError::Io {
                path: at.clone(),
                source,
            })?;
            at = at.parent().unwrap_or(Path::new("")).join(target);
        } else if kind.is_file() {
            return Ok(at);
        } else {
            return Err(OutputError::NotAFile {
                path: path.to_path_buf(),
                what: if kind.is_dir() {
                    "a folder"
                } else {
                    "a device, pipe or socket"
                },
            });
        }
    }
    Err(OutputError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(format!("more than {MAX_LINKS} symbolic links")),
    })
}

/// A file being written beside its destination.
pub(super) struct Pending {
    /// The temporary; `None` once renamed into place.
    file: Option<NamedTempFile>,
    /// Where it goes, as the caller named it.
    pub(super) dest: PathBuf,
    /// The regular file it replaces or creates ([`destination`] of `dest`).
    target: PathBuf,
}

impl Pending {
    /// A temporary for the file `name` in `dir`.
    pub(super) fn new(dir: &Path, name: &str) -> Result<Self, OutputError> {
        let dest = dir.join(name);
        let target = destination(&dest)?;
        let folder = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let file_name = target.file_name().and_then(|n| n.to_str()).unwrap_or(name);
        let mut live = live();
        let file = tempfile::Builder::new()
            .prefix(&temporary_prefix(file_name))
            .suffix(TEMPORARY_SUFFIX)
            .tempfile_in(folder)
            .map_err(|source| OutputError::Io {
                path: folder.to_path_buf(),
                source,
            })?;
        live.push(file.path().to_path_buf());
        Ok(Pending {
            file: Some(file),
            dest,
            target,
        })
    }

    /// The open temporary file.
    pub(super) fn file(&mut self) -> Result<&mut std::fs::File, OutputError> {
        match &mut self.file {
            Some(f) => Ok(f.as_file_mut()),
            None => Err(OutputError::Io {
                path: self.dest.clone(),
                source: std::io::Error::other("already in place"),
            }),
        }
    }

    pub(super) fn parquet(&self, source: parquet::errors::ParquetError) -> OutputError {
        OutputError::Parquet {
            path: self.dest.clone(),
            source,
        }
    }

    pub(super) fn io(&self, source: std::io::Error) -> OutputError {
        OutputError::Io {
            path: self.dest.clone(),
            source,
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        // The temporary removes itself; forget it.
        if let Some(f) = &self.file {
            forget(&mut live(), f.path());
        }
    }
}

/// The suffix of every temporary output file.
const TEMPORARY_SUFFIX: &str = ".partial";

/// How a temporary for the file `name` starts.
fn temporary_prefix(name: &str) -> String {
    format!(".{name}.")
}

/// Whether `file` is a temporary that a Caseload command writing `name` would make: what a
/// killed run leaves behind.
pub(super) fn is_temporary_of(file: &str, name: &str) -> bool {
    file.strip_prefix(&temporary_prefix(name))
        .and_then(|rest| rest.strip_suffix(TEMPORARY_SUFFIX))
        .is_some_and(|random| {
            !random.is_empty() && random.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// The permissions a finished file should have at `target`: those of the file it replaces, or
/// 0644 (readable by all) for a new file. Temporaries are private (0600) until then.
#[cfg(unix)]
fn finished_mode(target: &Path) -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(target).map_or(0o644, |m| m.permissions().mode() & 0o777);
    std::fs::Permissions::from_mode(mode)
}

#[cfg(not(unix))]
fn finished_mode(target: &Path) -> Option<std::fs::Permissions> {
    std::fs::metadata(target).ok().map(|m| m.permissions())
}

/// Gives `file` the permissions `mode` says.
#[cfg(unix)]
fn set_mode(file: &std::fs::File, mode: std::fs::Permissions) -> std::io::Result<()> {
    file.set_permissions(mode)
}

#[cfg(not(unix))]
fn set_mode(_: &std::fs::File, _: Option<std::fs::Permissions>) -> std::io::Result<()> {
    Ok(())
}

/// Renames finished files into place, after checking again that every destination takes a
/// regular file. Records ([`is_record`]) go last, and those they replace are removed first:
/// should the commit stop part-way, no record describes a set that is not all there.
pub(super) fn place(mut files: Vec<Pending>) -> Result<Vec<PathBuf>, OutputError> {
    for p in &files {
        destination(&p.dest)?;
    }
    let holds_record = |p: &Pending| p.dest.file_name().is_some_and(is_record);
    files.sort_by_key(holds_record);
    // Taken before any record is removed, so a replaced record keeps its permissions too.
    let modes: Vec<_> = files.iter().map(|p| finished_mode(&p.target)).collect();
    let mut live = live();
    for p in files.iter().filter(|p| holds_record(p)) {
        match std::fs::remove_file(&p.target) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(p.io(e)),
            _ => {}
        }
    }
    let mut written = Vec::new();
    for (p, mode) in files.iter_mut().zip(modes) {
        let Some(file) = p.file.take() else {
            continue;
        };
        forget(&mut live, file.path());
        set_mode(file.as_file(), mode).map_err(|e| p.io(e))?;
        file.as_file().sync_all().map_err(|e| p.io(e))?;
        file.persist(&p.target).map_err(|e| p.io(e.error))?;
        written.push(p.dest.clone());
    }
    Ok(written)
}
