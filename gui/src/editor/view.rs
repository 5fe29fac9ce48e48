//! Drawing the editor: the file bar, the status and problem list, the form or the RON text, and
//! the unsaved-edits and overwrite prompts. Drawing collects what the user asked for; it is done
//! afterwards.

use std::collections::BTreeMap;
use std::path::PathBuf;

use egui::{RichText, Ui};

use super::form::Form;
use super::guard::{self, Choice, Confirm, Overwrite, Pending};
use super::{Answer, Editor, EditorEvent, Purpose, View};
use crate::palette;

/// Something the user asked for while the editor was drawn.
enum Command {
    Request(Pending),
    Save,
    SaveAs,
    SaveTo(PathBuf),
    Apply,
}

impl Editor {
    /// Draws the editor; returns an event when the user applies a valid scenario to the
    /// forecasts.
    pub fn show(&mut self, ui: &mut Ui) -> Option<EditorEvent> {
        self.repaint = Some(ui.ctx().clone());
        self.poll_dialog();
        let mut commands = Vec::new();
        self.file_bar(ui, &mut commands);
        ui.separator();
        self.status(ui, &mut commands);
        ui.separator();
        self.body(ui);
        self.draw_prompt(ui);
        let mut event = None;
        for c in commands {
            match c {
                Command::Request(action) => self.request(action),
                Command::Save => {
                    if self.path.is_some() {
                        let _ = self.save();
                    } else {
                        self.spawn_dialog(Purpose::SaveAs);
                    }
                }
                Command::SaveAs => self.spawn_dialog(Purpose::SaveAs),
                Command::SaveTo(path) => self.request_save_as(&path),
                Command::Apply => {
                    event = self
                        .check
                        .loaded
                        .clone()
                        .map(|l| EditorEvent::Apply(Box::new(l)));
                    if event.is_some() {
                        self.say(false, "Forecasts now use this scenario");
                    }
                }
            }
        }
        event
    }

    fn poll_dialog(&mut self) {
        let Some(answer) = self.dialog.as_ref().and_then(|d| d.poll()) else {
            return;
        };
        self.dialog = None;
        match answer {
            Answer::Chosen(Purpose::Open, path) => self.open(&path),
            Answer::Chosen(Purpose::SaveAs, path) => self.request_save_as(&path),
            // The editor asks for files only; the app asks for the export folder.
            Answer::Chosen(Purpose::ExportFolder, _) => {}
            Answer::Nothing(_) => self.say(
                false,
                "No file was chosen. If no dialog appeared, this desktop has no file chooser: \
                 type the file's path in File path instead.",
            ),
        }
    }

    fn file_bar(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            ui.heading("Scenario editor");
            ui.label(RichText::new(self.shown()).strong());
            if self.is_dirty() {
                ui.colored_label(palette::AMBER, "Unsaved edits");
            }
        });
        let idle = self.dialog.is_none();
        ui.horizontal(|ui| {
            if ui.button("New from baseline").clicked() {
                commands.push(Command::Request(Pending::New));
            }
            let open = ui.add_enabled(idle, egui::Button::new("Open…"));
            if open.on_hover_text("Choose a scenario file").clicked() {
                commands.push(Command::Request(Pending::OpenDialog));
            }
            let save = ui.add_enabled(idle, egui::Button::new("Save"));
            if save
                .on_hover_text("Save to the file being edited")
                .clicked()
            {
                commands.push(Command::Save);
            }
            let save_as = ui.add_enabled(idle, egui::Button::new("Save as…"));
            if save_as.on_hover_text("Choose a file to save to").clicked() {
                commands.push(Command::SaveAs);
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("File path");
            let edit = egui::TextEdit::singleline(&mut self.path_field)
                .id(egui::Id::unique("caseload-editor-path"))
                .hint_text("path/to/scenario.ron")
                .desired_width(360.0);
            ui.add(edit).labelled_by(label.id);
            let typed = !self.path_field.trim().is_empty();
            let path = PathBuf::from(self.path_field.trim());
            if ui
                .add_enabled(typed, egui::Button::new("Open path"))
                .clicked()
            {
                commands.push(Command::Request(Pending::Open(path.clone())));
            }
            if ui
                .add_enabled(typed, egui::Button::new("Save to path"))
                .clicked()
            {
                commands.push(Command::SaveTo(path));
            }
        });
        if !self.state.recent.is_empty() {
            let title = format!("Recent files ({})", self.state.recent.len());
            egui::CollapsingHeader::new(title)
                .id_salt("caseload-editor-recent")
                .show(ui, |ui| {
                    for path in &self.state.recent {
                        let shown = path.display().to_string();
                        let button = ui.button(&shown).on_hover_text("Open this file");
                        if button.clicked() {
                            commands.push(Command::Request(Pending::Open(path.clone())));
                        }
                    }
                });
        }
        if let Some(n) = &self.notice {
            let colour = if n.error {
                palette::RED
            } else {
                ui.visuals().text_color()
            };
            ui.colored_label(colour, &n.text);
        }
    }

    fn status(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        let problems = &self.check.problems;
        ui.horizontal(|ui| {
            let valid = self.check.loaded.is_some() && self.drafts.is_empty();
            if valid {
                ui.colored_label(palette::GREEN, "Valid scenario");
            } else {
                let n = problems.len() + self.drafts.len();
                let s = if n == 1 { "" } else { "s" };
                ui.colored_label(palette::RED, format!("{n} problem{s}"));
            }
            let apply = ui
                .add_enabled(valid, egui::Button::new("Use for forecasts"))
                .on_hover_text("Run the forecasts on this scenario")
                .on_disabled_hover_text("Fix the problems first");
            if apply.clicked() {
                commands.push(Command::Apply);
            }
            ui.separator();
            ui.selectable_value(&mut self.view, View::Form, "Form");
            ui.selectable_value(&mut self.view, View::Text, "RON text");
        });
        if !problems.is_empty() {
            egui::ScrollArea::vertical()
                .id_salt("caseload-editor-problems")
                .max_height(120.0)
                .show(ui, |ui| {
                    for p in problems {
                        ui.colored_label(palette::RED, &p.message);
                    }
                });
        }
    }

    fn body(&mut self, ui: &mut Ui) {
        match self.view {
            View::Text => self.text_view(ui),
            View::Form => match &self.parsed {
                Ok(parsed) => {
                    // A control to focus waits a moment for its section to open.
                    let now = ui.input(|i| i.time);
                    let (focus, until) = match self.focus.take() {
                        Some((name, until)) if now <= until => (Some(name), until),
                        _ => (None, now),
                    };
                    let mut form = Form {
                        text: &self.text,
                        parsed,
                        problems: &self.check.problems,
                        drafts: &mut self.drafts,
                        keys: &mut self.keys,
                        bases: self.bases.as_ref(),
                        focus,
                        focus_next: None,
                        edit: None,
                        headers: BTreeMap::new(),
                        moved: None,
                    };
                    egui::ScrollArea::vertical()
                        .id_salt("caseload-editor-form")
                        .auto_shrink(false)
                        .show(ui, |ui| form.show(ui, self.schema.root()));
                    self.focus = match (form.focus_next, form.focus) {
                        (Some(next), _) => Some((next, now + 1.0)),
                        (None, waiting) => waiting.map(|name| (name, until)),
                    };
                    if let Some(splice) = form.edit {
                        splice.apply(&mut self.text);
                        self.refresh();
                    }
                }
                Err(e) => {
                    ui.colored_label(palette::RED, format!("Problem: {e}"));
                    ui.label("The form needs text that parses: fix it in the RON text view.");
                }
            },
        }
    }

    fn text_view(&mut self, ui: &mut Ui) {
        ui.label(
            "Edits here and in the form are the same text; comments are kept. \
             Line numbers in the problems count from the top.",
        );
        let mut text = self.text.clone();
        let changed = egui::ScrollArea::vertical()
            .id_salt("caseload-editor-text")
            .auto_shrink(false)
            .show(ui, |ui| {
                let label = ui.label("Scenario RON text");
                // An id of its own, not the layout's: the problem list above it grows and shrinks
                // as the text stops and starts parsing, and the typing must stay here.
                let edit = egui::TextEdit::multiline(&mut text)
                    .id(egui::Id::unique("caseload-editor-ron-text"))
                    .code_editor()
                    .desired_width(f32::INFINITY)
                    .desired_rows(30);
                ui.add(edit).labelled_by(label.id).changed()
            })
            .inner;
        if changed {
            self.set_text(text);
        }
    }

    /// Draws the Overwrite / Cancel prompt if a Save as waits for it, else the Save / Discard /
    /// Cancel prompt if an action waits for it (once a pass).
    pub(super) fn draw_prompt(&mut self, ui: &mut Ui) {
        let pass = ui.ctx().cumulative_pass_nr();
        if self.prompt_pass == Some(pass) || (self.prompt.is_none() && self.overwrite.is_none()) {
            return;
        }
        self.prompt_pass = Some(pass);
        if let Some(overwrite) = self.overwrite.clone() {
            return self.draw_overwrite(ui, overwrite);
        }
        let Some(pending) = self.prompt.clone() else {
            return;
        };
        let shown = self.shown();
        let save_to = self.path.is_none().then_some(&mut self.save_to);
        let error = self.prompt_error.as_deref();
        let Some(choice) = guard::prompt(ui, &shown, &pending, save_to, error) else {
            return;
        };
        match choice {
            Choice::Cancel => self.prompt = None,
            Choice::Discard => {
                self.prompt = None;
                self.run(pending);
            }
            Choice::Save => {
                let saved = match self.path.clone() {
                    Some(_) => self.save(),
                    None if self.save_to.trim().is_empty() => {
                        Err("Type where to save it in Save to".to_string())
                    }
                    None => {
                        let to = PathBuf::from(self.save_to.trim());
                        if guard::replaces_another(&to, None) {
                            // Ask first; Cancel comes back here.
                            self.prompt = None;
                            let then = Some(pending);
                            self.overwrite = Some(Overwrite { path: to, then });
                            return;
                        }
                        self.save_as(&to)
                    }
                };
                match saved {
                    Ok(()) => {
                        self.prompt = None;
                        self.run(pending);
                    }
                    Err(e) => self.prompt_error = Some(e),
                }
            }
        }
    }

    /// Draws the overwrite question and does what the user answers.
    fn draw_overwrite(&mut self, ui: &mut Ui, overwrite: Overwrite) {
        let Some(confirm) = guard::overwrite_prompt(ui, &overwrite.path) else {
            return;
        };
        self.overwrite = None;
        let saved = match confirm {
            Confirm::Cancel => None,
            Confirm::Overwrite => Some(self.save_as(&overwrite.path)),
        };
        match (saved, overwrite.then) {
            (Some(Ok(())), Some(action)) => self.run(action),
            (Some(Err(e)), Some(action)) => {
                self.prompt_error = Some(e);
                self.prompt = Some(action);
            }
            (None, Some(action)) => self.prompt = Some(action),
            (None, None) => self.say(false, "Not saved: the file is as it was"),
            // A failed save has said why in the notice.
            (Some(_), None) => {}
        }
    }
}
