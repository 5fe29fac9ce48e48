//! Files: reading a scenario safely, writing it whole or not at all, the recent-files list, and
//! the native file dialog on its own thread.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// How many recent files are remembered.
pub const MAX_RECENT: usize = 8;

pub use caseload::load::read_text;

/// Writes `text` to `path` whole or not at all ([`caseload::output::write_file`]), so a failed
/// save never leaves half a scenario behind and a saved file keeps its permissions.
pub fn write_whole(path: &Path, text: &str) -> Result<(), String> {
    caseload::output::write_file(path, text.as_bytes())
        .map(drop)
        .map_err(|e| e.to_string())
}

/// Puts `path` first in `recent`, once, keeping at most [`MAX_RECENT`].
pub fn remember(recent: &mut Vec<PathBuf>, path: &Path) {
    recent.retain(|p| p != path);
    recent.insert(0, path.to_path_buf());
    recent.truncate(MAX_RECENT);
}

/// What a file dialog is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Choose a scenario to open.
    Open,
    /// Choose where to save.
    SaveAs,
    /// Choose the folder exports go to.
    ExportFolder,
}

/// A native file dialog running on its own thread; the UI polls it and never waits.
#[derive(Debug)]
pub struct Dialog {
    purpose: Purpose,
    answer: Receiver<Option<PathBuf>>,
}

/// What a dialog said, once it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The user chose this file.
    Chosen(Purpose, PathBuf),
    /// No file came back: the user cancelled, or there is no dialog service.
    Nothing(Purpose),
}

impl Dialog {
    /// Opens a dialog for `purpose`, starting in `folder`; `repaint` wakes the UI when it closes.
    pub fn spawn(
        purpose: Purpose,
        folder: Option<PathBuf>,
        repaint: impl FnOnce() + Send + 'static,
    ) -> std::io::Result<Dialog> {
        let (tx, answer) = channel();
        std::thread::Builder::new()
            .name("caseload-file-dialog".into())
            .spawn(move || {
                let mut dialog = rfd::FileDialog::new();
                if let Some(folder) = folder {
                    dialog = dialog.set_directory(folder);
                }
                let scenario = |d: rfd::FileDialog| {
                    d.set_title("Scenario file")
                        .add_filter("RON scenario", &["ron"])
                };
                let chosen = match purpose {
                    Purpose::Open => scenario(dialog).pick_file(),
                    Purpose::SaveAs => scenario(dialog).set_file_name("scenario.ron").save_file(),
                    Purpose::ExportFolder => dialog.set_title("Export folder").pick_folder(),
                };
                // The editor may be gone; then nobody wants the answer.
                let _ = tx.send(chosen);
                repaint();
            })?;
        Ok(Dialog { purpose, answer })
    }

    /// The answer, once the dialog has closed; `Nothing` too if its thread died.
    pub fn poll(&self) -> Option<Answer> {
        match self.answer.try_recv() {
            Ok(Some(path)) => Some(Answer::Chosen(self.purpose, path)),
            Ok(None) | Err(TryRecvError::Disconnected) => Some(Answer::Nothing(self.purpose)),
            Err(TryRecvError::Empty) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use caseload::load::MAX_FILE_BYTES;

    #[test]
    fn recent_files_are_unique_newest_first_and_bounded() {
        let mut recent = Vec::new();
        for i in 0..10 {
            remember(&mut recent, Path::new(&format!("{i}.ron")));
        }
        remember(&mut recent, Path::new("5.ron"));
        assert_eq!(recent.len(), MAX_RECENT);
        assert_eq!(recent[0], Path::new("5.ron"));
        assert_eq!(recent[1], Path::new("9.ron"));
        assert_eq!(
            recent.iter().filter(|p| *p == Path::new("5.ron")).count(),
            1
        );
    }

    #[test]
    fn bad_files_give_reasons() {
        let dir = tempfile::tempdir().unwrap();
        let missing = read_text(&dir.path().join("none.ron")).unwrap_err();
        assert!(missing.contains("No such file"), "{missing}");
        assert!(read_text(dir.path()).unwrap_err().contains("directory"));
        let latin1 = dir.path().join("latin1.ron");
        std::fs::write(&latin1, b"(name: \"caf\xe9\")").unwrap();
        let err = read_text(&latin1).unwrap_err();
        assert!(
            err.contains("not UTF-8") && err.contains("line 1, column 12 (byte 11)"),
            "{err}"
        );
        let big = dir.path().join("big.ron");
        let file = std::fs::File::create(&big).unwrap();
        file.set_len(MAX_FILE_BYTES + 1).unwrap();
        assert!(read_text(&big).unwrap_err().contains("at most"));
    }

    #[test]
    fn writes_replace_the_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.ron");
        write_whole(&path, "first").unwrap();
        write_whole(&path, "second").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second");
        let into_missing = dir.path().join("no/such/folder/s.ron");
        assert!(write_whole(&into_missing, "x").is_err());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp files left"
        );
    }

    /// Saving keeps a user's file readable as it was: 0644 stays 0644 (it used to become 0600),
    /// and a private file stays private.
    #[cfg(unix)]
    #[test]
    fn saving_keeps_the_files_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let path = dir.path().join("s.ron");
        write_whole(&path, "new").unwrap();
        assert_eq!(mode(&path), 0o644, "a new file is readable by all");
        for kept in [0o644, 0o600, 0o640] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(kept)).unwrap();
            write_whole(&path, "edited").unwrap();
            assert_eq!(mode(&path), kept, "{kept:o}");
        }
    }
}
