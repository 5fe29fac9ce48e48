//! The guards against losing work: a modal that asks Save, Discard or Cancel before an action
//! that would replace unsaved edits, or before the window closes; and one that asks Overwrite or
//! Cancel before a Save as replaces another file.

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};

use crate::palette;

/// An action that would lose unsaved edits, held while the user decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    /// Open this file.
    Open(PathBuf),
    /// Open the file dialog, then the file chosen.
    OpenDialog,
    /// Start again from the baseline.
    New,
    /// Close the window.
    Close,
}

/// A Save as onto another file that exists, held while the user decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overwrite {
    /// The file that would be replaced.
    pub path: PathBuf,
    /// The action the save was for (from the unsaved-edits prompt), done once it is saved.
    pub then: Option<Pending>,
}

/// What the user answered to the overwrite question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    /// Replace the file.
    Overwrite,
    /// Do not save.
    Cancel,
}

/// Whether saving to `path` would replace a file other than `current` (the file being edited).
pub fn replaces_another(path: &Path, current: Option<&Path>) -> bool {
    let same = |a: &Path, b: &Path| {
        a == b
            || matches!(
                (std::fs::canonicalize(a), std::fs::canonicalize(b)),
                (Ok(a), Ok(b)) if a == b
            )
    };
    path.is_file() && !current.is_some_and(|c| same(c, path))
}

/// Draws the overwrite question for `path`. Returns the user's answer this frame; Escape or a
/// click outside is Cancel.
pub fn overwrite_prompt(ui: &mut Ui, path: &Path) -> Option<Confirm> {
    let mut choice = None;
    let id = egui::Id::unique("caseload-editor-overwrite");
    let modal = egui::Modal::new(id).show(ui.ctx(), |ui| {
        ui.set_max_width(460.0);
        ui.heading("Replace file?");
        ui.label(format!("{} already exists.", path.display()));
        ui.label("Overwrite it with this scenario?");
        ui.horizontal(|ui| {
            let overwrite = ui.button("Overwrite").accessible_name("Overwrite the file");
            if overwrite.on_hover_text("Replace the file's text").clicked() {
                choice = Some(Confirm::Overwrite);
            }
            let cancel = ui
                .button("Cancel")
                .accessible_name("Cancel and keep the file");
            if cancel.clicked() {
                choice = Some(Confirm::Cancel);
            }
        });
    });
    if choice.is_none() && modal.should_close() {
        choice = Some(Confirm::Cancel);
    }
    choice
}

/// What the user answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Save the edits, then go on.
    Save,
    /// Drop the edits and go on.
    Discard,
    /// Do nothing.
    Cancel,
}

/// Whether the app may close its window now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseDecision {
    /// Keep the window open (nothing asked, or the user has not answered yet, or cancelled).
    Stay,
    /// The user saved or discarded the edits: close the window.
    Close,
}

/// The text of the prompt's question.
fn question(file: &str) -> String {
    format!("You have unsaved edits to {file}.")
}

/// Draws the prompt. `save_to` is a path field shown when the text has no file yet; `error` is
/// why the last Save failed. Returns the user's answer this frame; Escape or a click outside
/// is Cancel.
pub fn prompt(
    ui: &mut Ui,
    file: &str,
    pending: &Pending,
    save_to: Option<&mut String>,
    error: Option<&str>,
) -> Option<Choice> {
    let mut choice = None;
    let modal =
        egui::Modal::new(egui::Id::unique("caseload-editor-unsaved")).show(ui.ctx(), |ui| {
            ui.set_max_width(460.0);
            ui.heading("Unsaved edits");
            ui.label(question(file));
            ui.label(match pending {
                Pending::Open(p) => format!("Save them before opening {}?", p.display()),
                Pending::OpenDialog => "Save them before opening another scenario?".into(),
                Pending::New => "Save them before starting a new scenario?".into(),
                Pending::Close => "Save them before closing Caseload?".into(),
            });
            if let Some(path) = save_to {
                ui.horizontal(|ui| {
                    let label = ui.label("Save to");
                    let edit = egui::TextEdit::singleline(path)
                        .hint_text("path/to/scenario.ron")
                        .desired_width(300.0);
                    ui.add(edit).labelled_by(label.id);
                });
            }
            if let Some(e) = error {
                ui.colored_label(palette::RED, RichText::new(format!("Problem: {e}")));
            }
            ui.horizontal(|ui| {
                // Named in full for screen readers (and apart from the file bar's Save).
                let save = ui.button("Save").accessible_name("Save edits");
                if save.clicked() {
                    choice = Some(Choice::Save);
                }
                let discard = ui.button("Discard").accessible_name("Discard edits");
                if discard.on_hover_text("Drop the edits").clicked() {
                    choice = Some(Choice::Discard);
                }
                let cancel = ui
                    .button("Cancel")
                    .accessible_name("Cancel and keep editing");
                if cancel.clicked() {
                    choice = Some(Choice::Cancel);
                }
            });
        });
    if choice.is_none() && modal.should_close() {
        choice = Some(Choice::Cancel);
    }
    choice
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_another_existing_file_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.ron");
        let b = dir.path().join("b.ron");
        std::fs::write(&a, "()").unwrap();
        assert!(replaces_another(&a, None));
        assert!(replaces_another(&a, Some(&b)));
        assert!(
            !replaces_another(&a, Some(&a)),
            "saving the file being edited"
        );
        let dotted = dir.path().join(".").join("a.ron");
        assert!(
            !replaces_another(&dotted, Some(&a)),
            "the same file written another way"
        );
        assert!(!replaces_another(&b, None), "a new file");
        assert!(
            !replaces_another(dir.path(), None),
            "a folder is no file to replace"
        );
    }
}
