//! The scenario editor: open and save RON scenarios, edit every field with its doc comment as a
//! tooltip, see each problem beside the field it names, and use the scenario for forecasts once
//! it is valid.
//!
//! The text is the one source of truth (`source`): the form (`form`, `lists`) and the RON text view
//! both edit it, and form edits splice only the value changed, so the file's comments and layout
//! survive. The schema (`docs`) is derived from `caseload::scenario`'s types, so tooltips,
//! widgets and enum choices follow the scenario reference. Each change is checked by the loader
//! the forecasts use (`check`). Files are read with limits and written whole (`files`); the
//! native dialog runs on its own thread. Actions that would lose unsaved edits, and a Save as
//! onto another existing file, ask first (`guard`). In an overlay, fields it leaves out show
//! what they inherit, and from which file (`bases`, `unwritten`).
//!
//! # Wiring the close guard
//!
//! ```ignore
//! // Each frame, whichever tab is showing:
//! if ui.ctx().input(|i| i.viewport().close_requested()) && !editor.request_close() {
//!     ui.ctx().send_viewport_cmd(egui::ViewportCommand::CancelClose);
//! }
//! if editor.close_guard(ui) == CloseDecision::Close {
//!     ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
//! }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use caseload::load::{self, Loaded};
use egui::Ui;
use serde::{Deserialize, Serialize};

mod actions;
mod bases;
mod check;
pub(crate) mod files;
mod form;
mod guard;
mod lists;
mod source;
mod unwritten;
mod view;

pub use caseload::scenario::schema::Schema;
pub use guard::CloseDecision;

use bases::Bases;
use check::Check;
use files::{Answer, Dialog, Purpose};
use guard::{Overwrite, Pending};
use source::Parsed;

/// Name shown for a scenario not yet saved to a file.
const UNTITLED: &str = "untitled.ron";

/// What saving a file elsewhere did to its relative `extends`.
enum Extends {
    /// Rewritten to reach the same base from the new folder; what it now reads, in words.
    Rewritten(String),
    /// Left as written, but the base is not where it points from the new folder; why, in words.
    NotFound(String),
}

/// What the editor keeps between launches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EditorState {
    /// Files opened or saved, newest first (at most 8).
    pub recent: Vec<PathBuf>,
    /// The file last opened or saved.
    pub last_path: Option<PathBuf>,
}

/// What the editor asks of the app.
#[derive(Debug)]
pub enum EditorEvent {
    /// Use this valid scenario for the forecasts.
    Apply(Box<Loaded>),
}

/// Which view of the scenario is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Form,
    Text,
}

/// A message about the last file action.
#[derive(Debug, Clone)]
struct Notice {
    error: bool,
    text: String,
}

/// The scenario editor.
pub struct Editor {
    schema: Schema,
    /// The text being edited.
    text: String,
    /// The text as last opened or saved: edits are unsaved while they differ.
    saved: String,
    /// The file, if the text has one.
    path: Option<PathBuf>,
    /// The name shown when there is no file.
    name: String,
    /// The text's tree, or why it does not parse.
    parsed: Result<Parsed, String>,
    check: Check,
    drafts: BTreeMap<String, String>,
    /// Map keys typed in the form but not written yet (they are not problems).
    keys: BTreeMap<String, String>,
    /// An overlay's bases, and the file and `extends` they were read for.
    bases: Option<Bases>,
    bases_for: Option<(PathBuf, String)>,
    /// The form control to focus (by accessible name), until a time (it waits for its section
    /// to open).
    focus: Option<(String, f64)>,
    view: View,
    state: EditorState,
    /// The typed "File path".
    path_field: String,
    notice: Option<Notice>,
    /// An action waiting for the Save / Discard / Cancel answer.
    prompt: Option<Pending>,
    /// A Save as waiting for the Overwrite / Cancel answer.
    overwrite: Option<Overwrite>,
    prompt_error: Option<String>,
    /// Where the prompt's Save writes a text that has no file.
    save_to: String,
    /// The user saved or discarded for a close: the window may close.
    close_allowed: bool,
    /// `close_guard` has yet to report `Close`.
    close_ready: bool,
    dialog: Option<Dialog>,
    /// The pass the prompt was last drawn in (it is drawn once a pass).
    prompt_pass: Option<u64>,
    /// Wakes the UI when the file dialog answers.
    repaint: Option<egui::Context>,
}

impl Editor {
    /// Starts on a loaded scenario (the embedded baseline at first), with no file: saving it
    /// needs Save as.
    pub fn new(loaded: &Loaded, state: EditorState) -> Self {
        let path_field = state
            .last_path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let mut editor = Editor {
            schema: Schema::scenario(),
            text: loaded.text.clone(),
            saved: loaded.text.clone(),
            path: None,
            name: loaded.source.clone(),
            parsed: Err(String::new()),
            check: Check::default(),
            drafts: BTreeMap::new(),
            keys: BTreeMap::new(),
            bases: None,
            bases_for: None,
            focus: None,
            view: View::Form,
            state,
            path_field,
            notice: None,
            prompt: None,
            overwrite: None,
            prompt_error: None,
            save_to: String::new(),
            close_allowed: false,
            close_ready: false,
            dialog: None,
            prompt_pass: None,
            repaint: None,
        };
        editor.refresh();
        editor
    }

    /// What to keep between launches.
    pub fn state(&self) -> EditorState {
        self.state.clone()
    }

    /// Whether the text differs from the file as last opened or saved.
    pub fn is_dirty(&self) -> bool {
        self.text != self.saved
    }

    /// The text being edited.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The file being edited, if it has one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The valid scenario, if the text is one.
    pub fn loaded(&self) -> Option<&Loaded> {
        self.check.loaded.as_ref()
    }

    /// Every problem's full message (file, line, field, what is wrong).
    pub fn problems(&self) -> Vec<String> {
        self.check
            .problems
            .iter()
            .map(|p| p.message.clone())
            .collect()
    }

    /// The message about the last file action, if any.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_ref().map(|n| n.text.as_str())
    }

    /// The name the file is shown by.
    fn shown(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| self.name.clone(), |p| p.display().to_string())
    }

    fn say(&mut self, error: bool, text: impl Into<String>) {
        let text = text.into();
        self.notice = Some(Notice { error, text });
    }

    /// Re-reads the tree and re-checks the text after a change.
    fn refresh(&mut self) {
        self.parsed = Parsed::new(&self.text).map_err(|e| {
            let at = e.at;
            format!("{}:{}:{}: {}", self.shown(), at.line, at.col, e.message)
        });
        let parsed = self.parsed.as_ref().ok();
        self.check = check::check(&self.name, self.path.as_deref(), &self.text, parsed);
        if self.parsed.is_err() {
            self.view = View::Text;
        }
        self.read_bases();
    }

    /// Reads an overlay's bases when its file or its `extends` has changed since they were read.
    fn read_bases(&mut self) {
        let Ok(parsed) = &self.parsed else {
            return;
        };
        let wanted = self
            .path
            .clone()
            .zip(parsed.doc.extends().map(|(e, _)| e.to_string()));
        if wanted == self.bases_for {
            return;
        }
        self.bases = match &wanted {
            Some((path, _)) => Bases::read(path, &parsed.doc),
            None => None,
        };
        self.bases_for = wanted;
    }

    /// Sets the text (as from the RON text view) and re-checks it.
    pub fn set_text(&mut self, text: String) {
        self.text = text;
        self.drafts.clear();
        self.keys.clear();
        self.refresh();
    }

    /// Opens a file: a file that cannot be read leaves the text as it was and says why; a file
    /// that is read is shown with its problems, so it can be fixed. Never panics.
    pub fn open(&mut self, path: &Path) {
        let text = match files::read_text(path) {
            Ok(text) => text,
            Err(reason) => {
                let shown = path.display();
                return self.say(true, format!("{shown}: cannot open the scenario: {reason}"));
            }
        };
        self.text = text.clone();
        self.saved = text;
        self.path = Some(path.to_path_buf());
        self.name = path.display().to_string();
        self.path_field = self.name.clone();
        self.drafts.clear();
        self.keys.clear();
        self.view = View::Form;
        // The bases may have changed on disk since they were read.
        self.bases_for = None;
        self.refresh();
        files::remember(&mut self.state.recent, path);
        self.state.last_path = Some(path.to_path_buf());
        match self.check.problems.len() {
            0 => self.say(false, format!("Opened {}", self.name)),
            n => {
                let s = if n == 1 { "" } else { "s" };
                self.say(
                    true,
                    format!("Opened {}: {n} problem{s}, listed below", self.name),
                );
            }
        }
    }

    /// Saves to the file being edited; an error says there is none, or why the write failed
    /// (the file is then as it was).
    pub fn save(&mut self) -> Result<(), String> {
        match self.path.clone() {
            Some(path) => self.save_as(&path),
            None => Err(format!(
                "{} has no file yet: use Save as, or type a path in File path and Save to path",
                self.name
            )),
        }
    }

    /// The text to save at `path`: a relative `extends` is rewritten so that it still names the
    /// same base from `path`'s folder, when the file moves to another folder. Also says, when the
    /// base will not be found from there (a scenario shipped with the app, not on disk), why the
    /// saved file will not load.
    fn text_for(&self, path: &Path) -> (String, Option<Extends>) {
        let Ok(parsed) = &self.parsed else {
            return (self.text.clone(), None);
        };
        let Some(node) = parsed.doc.root.field("extends") else {
            return (self.text.clone(), None);
        };
        let Some(base) = node.as_str().map(Path::new).filter(|b| b.is_relative()) else {
            return (self.text.clone(), None);
        };
        let new_dir = std::path::absolute(path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        let old_dir = self
            .path
            .as_deref()
            .and_then(|p| std::path::absolute(p).ok())
            .and_then(|p| p.parent().map(Path::to_path_buf));
        match (old_dir, new_dir) {
            (Some(old), Some(new)) if old != new => {
                // Resolved where they exist, so `..` steps cancel out.
                let resolve = |p: PathBuf| std::fs::canonicalize(&p).unwrap_or(p);
                let (target, new) = (resolve(old.join(base)), resolve(new));
                let Some(moved) = pathdiff::diff_paths(&target, &new) else {
                    return (self.text.clone(), None);
                };
                let Ok(quoted) = ron::to_string(&moved.display().to_string()) else {
                    return (self.text.clone(), None);
                };
                let splice = parsed.replace(node, quoted);
                let mut text = self.text.clone();
                text.replace_range(splice.range, &splice.with);
                if text == self.text {
                    return (text, None);
                }
                let said = format!(
                    "its `extends` now reads {} so it still finds {}",
                    moved.display(),
                    target.display()
                );
                (text, Some(Extends::Rewritten(said)))
            }
            (None, Some(new)) if !new.join(base).is_file() => {
                let warning = format!(
                    "it extends {}, which is not in {}: copy that file there, or the saved file \
                     will not load",
                    base.display(),
                    new.display()
                );
                (self.text.clone(), Some(Extends::NotFound(warning)))
            }
            _ => (self.text.clone(), None),
        }
    }

    /// Saves to `path`, whole or not at all, and edits that file from now on. A relative
    /// `extends` is rewritten for the new folder, or the save warns when its base is not there.
    pub fn save_as(&mut self, path: &Path) -> Result<(), String> {
        let (text, extends) = self.text_for(path);
        let result = files::write_whole(path, &text)
            .map_err(|e| format!("{}: cannot save the scenario: {e}", path.display()));
        if let Err(e) = &result {
            self.say(true, e.clone());
            return result;
        }
        let moved = self.path.as_deref() != Some(path);
        let rewritten = text != self.text;
        self.text = text;
        self.saved = self.text.clone();
        self.path = Some(path.to_path_buf());
        self.name = path.display().to_string();
        self.path_field = self.name.clone();
        files::remember(&mut self.state.recent, path);
        self.state.last_path = Some(path.to_path_buf());
        if moved || rewritten {
            // An overlay's bases are found relative to its file.
            self.refresh();
        }
        match extends {
            Some(Extends::Rewritten(said)) => {
                self.say(false, format!("Saved {}: {said}", self.name))
            }
            Some(Extends::NotFound(warning)) => {
                self.say(true, format!("Saved {}, but {warning}", self.name))
            }
            None => self.say(false, format!("Saved {}", self.name)),
        }
        Ok(())
    }

    /// Saves to `path` unless it is another file that exists; then asks Overwrite or Cancel
    /// first (the question is drawn by [`Editor::show`] and [`Editor::close_guard`]).
    pub fn request_save_as(&mut self, path: &Path) {
        if guard::replaces_another(path, self.path.as_deref()) {
            self.overwrite = Some(Overwrite {
                path: path.to_path_buf(),
                then: None,
            });
            if let Some(ctx) = &self.repaint {
                ctx.request_repaint();
            }
        } else {
            // A failed save says why in the notice.
            let _ = self.save_as(path);
        }
    }

    /// Opens `path` unless there are unsaved edits; then asks first.
    pub fn request_open(&mut self, path: &Path) {
        self.request(Pending::Open(path.to_path_buf()));
    }

    /// Asks to close the window: true if it may close now; otherwise the unsaved-edits prompt
    /// opens and [`Editor::close_guard`] reports the answer.
    pub fn request_close(&mut self) -> bool {
        if self.close_allowed || !self.is_dirty() {
            return true;
        }
        self.prompt = Some(Pending::Close);
        false
    }

    /// Draws the unsaved-edits prompt if it is open; call every frame, whichever tab shows.
    /// Returns `Close` once the user has saved or discarded after [`Editor::request_close`].
    pub fn close_guard(&mut self, ui: &mut Ui) -> CloseDecision {
        self.draw_prompt(ui);
        if std::mem::take(&mut self.close_ready) {
            CloseDecision::Close
        } else {
            CloseDecision::Stay
        }
    }

    fn request(&mut self, action: Pending) {
        if self.is_dirty() {
            self.prompt_error = None;
            self.save_to = self.path_field.clone();
            self.prompt = Some(action);
        } else {
            self.run(action);
        }
    }

    fn run(&mut self, action: Pending) {
        match action {
            Pending::Open(path) => self.open(&path),
            Pending::OpenDialog => self.spawn_dialog(Purpose::Open),
            Pending::New => {
                self.set_text(load::BASELINE.to_string());
                self.saved = self.text.clone();
                self.path = None;
                self.name = UNTITLED.to_string();
                self.refresh();
                self.say(false, "New scenario from the Birmingham baseline");
            }
            Pending::Close => {
                self.close_allowed = true;
                self.close_ready = true;
            }
        }
    }

    fn spawn_dialog(&mut self, purpose: Purpose) {
        let folder = self
            .path
            .as_ref()
            .or(self.state.last_path.as_ref())
            .and_then(|p| p.parent())
            .map(Path::to_path_buf);
        let repaint = self.repaint.clone();
        match Dialog::spawn(purpose, folder, move || {
            if let Some(ctx) = repaint {
                ctx.request_repaint();
            }
        }) {
            Ok(d) => self.dialog = Some(d),
            Err(e) => self.say(true, format!("The file dialog cannot start: {e}")),
        }
    }
}
