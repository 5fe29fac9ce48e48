//! One command at a time in an output folder: an advisory lock on the folder's [`LOCK_FILE`],
//! held from before the command does any work until it has written its files. The lock file
//! says who holds it, so a second command can name the first; it is removed on release.

use std::fs::{File, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use super::OutputError;
use super::commit::{forget, live};

/// The lock file in an output folder while a command writes there.
pub const LOCK_FILE: &str = ".caseload.lock";

/// A held lock on an output folder; released (and its file removed) when dropped.
#[derive(Debug)]
pub struct FolderLock {
    file: File,
    path: PathBuf,
}

impl FolderLock {
    /// Locks `folder` (which must exist) for this process, writing `holder` (who is writing)
    /// into the lock file; refused with the holder's own words if another process has it.
    pub fn take(folder: &Path, holder: &str) -> Result<Self, OutputError> {
        let path = folder.join(LOCK_FILE);
        let io = |source| OutputError::Io {
            path: path.clone(),
            source,
        };
        // A lock file removed by its holder between our open and our lock is no lock at all:
        // try again on the file now at the path.
        for _ in 0..100 {
            let mut file = File::options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    return Err(OutputError::Busy {
                        folder: folder.to_path_buf(),
                        holder: holder.trim().to_string(),
                    });
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
            if !same_file(&file, &path) {
                continue;
            }
            file.set_len(0).map_err(io)?;
            file.rewind().map_err(io)?;
            file.write_all(format!("{holder}\n").as_bytes())
                .map_err(io)?;
            live().push(path.clone());
            return Ok(FolderLock { file, path });
        }
        Err(io(std::io::Error::other("the lock file keeps changing")))
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        let mut live = live();
        forget(&mut live, &self.path);
        // Removed while still locked, so no other process locks the old file after us.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Whether the open `file` is the one at `path` now.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_locked_once_and_the_second_is_told_by_whom() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let first = FolderLock::take(dir.path(), "pid 1: caseload run a.ron").expect("locked");
        assert!(dir.path().join(LOCK_FILE).exists());
        let e = FolderLock::take(dir.path(), "pid 2").expect_err("held");
        let message = e.to_string();
        assert!(message.contains("pid 1: caseload run a.ron"), "{message}");
        drop(first);
        assert!(!dir.path().join(LOCK_FILE).exists(), "removed on release");
        FolderLock::take(dir.path(), "pid 3").expect("free again");
    }
}
