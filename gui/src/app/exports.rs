//! Exports the user asks for: chart data and comparisons as CSV, a chart as PNG (cropped from a
//! screenshot the integration takes after the frame), and the board report. They go to a folder
//! the user chooses (remembered), are named by absolute path, and ask before replacing files.

use std::path::PathBuf;

use super::{CaseloadApp, Command, Export};
use crate::editor::files::{Answer, Dialog, Purpose};
use crate::export;
use crate::view;

/// The file name stem of the view's chart: its metric (per day for money, as drawn) and district.
fn chart_stem(f: &crate::forecast::Forecast, view: &crate::state::ViewState) -> String {
    let focus = view::focus_index(f, view);
    let metric = if view::explore::per_day(&view.metric) {
        format!("{}_per_day", view.metric)
    } else {
        view.metric.clone()
    };
    format!(
        "{}_{}",
        export::file_stem(&metric),
        export::file_stem(&f.districts[focus])
    )
}

impl CaseloadApp {
    /// The folder exports go to, absolute.
    pub fn export_folder(&self) -> PathBuf {
        std::path::absolute(&self.view.export_dir).unwrap_or_else(|_| self.view.export_dir.clone())
    }

    /// The export that waits for leave to replace files, and those files.
    pub fn replacing(&self) -> Option<&(Export, Vec<PathBuf>)> {
        self.replacing.as_ref()
    }

    /// The files `kind` writes (absolute).
    fn export_files(&self, kind: Export) -> Vec<PathBuf> {
        let Some(f) = &self.forecast else {
            return Vec::new();
        };
        let dir = self.export_folder();
        let stem = chart_stem(f, &self.view);
        match kind {
            Export::ChartCsv => vec![dir.join(format!("{stem}.csv"))],
            Export::ChartPng(_) => vec![dir.join(format!("{stem}.png"))],
            Export::CompareCsv => vec![dir.join(format!("compare_{stem}.csv"))],
            Export::Report => vec![
                dir.join(export::REPORT_HTML),
                dir.join(export::REPORT_SCENARIO),
            ],
            Export::Workbook => vec![dir.join(export::WORKBOOK)],
        }
    }

    /// Opens the export folder's chooser on its own thread.
    pub(super) fn choose_export_folder(&mut self) {
        if self.folder_dialog.is_some() {
            return;
        }
        let ctx = self.ctx.clone();
        let wake = move || ctx.request_repaint();
        match Dialog::spawn(Purpose::ExportFolder, Some(self.export_folder()), wake) {
            Ok(d) => self.folder_dialog = Some(d),
            Err(e) => self.error = Some(format!("Cannot open the folder chooser: {e}")),
        }
    }

    /// Takes the chooser's answer, once it has one.
    pub(super) fn poll_folder_dialog(&mut self) {
        let Some(answer) = self.folder_dialog.as_ref().and_then(Dialog::poll) else {
            return;
        };
        self.folder_dialog = None;
        match answer {
            Answer::Chosen(_, folder) => self.set_export_folder(folder),
            Answer::Nothing(_) => {
                self.notice = Some(format!(
                    "No folder was chosen: exports still go to {}",
                    self.export_folder().display()
                ));
            }
        }
    }

    /// Sends exports to `folder` from now on (remembered with the view).
    pub fn set_export_folder(&mut self, folder: PathBuf) {
        self.view.export_dir = folder;
        self.notice = Some(format!("Exports go to {}", self.export_folder().display()));
    }

    /// Asks whether an export may replace its files, while one waits.
    pub(super) fn replace_prompt(&self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let Some((kind, files)) = &self.replacing else {
            return;
        };
        egui::Modal::new(egui::Id::unique("caseload-replace-export")).show(ctx, |ui| {
            ui.heading("Replace the files?");
            ui.label("This export would replace:");
            for f in files {
                ui.label(f.display().to_string());
            }
            ui.horizontal(|ui| {
                if ui.button("Replace").clicked() {
                    commands.push(Command::ReplaceExport(*kind));
                }
                if ui.button("Cancel").clicked() {
                    commands.push(Command::KeepExport);
                }
            });
        });
    }

    /// Writes `kind`, first asking (unless `replace`) when it would replace files.
    pub(super) fn export(&mut self, kind: Export, replace: bool) {
        let existing: Vec<PathBuf> = self
            .export_files(kind)
            .into_iter()
            .filter(|p| p.exists())
            .collect();
        if !replace && !existing.is_empty() {
            self.replacing = Some((kind, existing));
            return;
        }
        // What is exported must be what the levers say: not a forecast being replaced.
        if self.is_stale() || self.comeback.is_some() {
            self.error = Some(
                "The forecast on screen is being replaced: export it once the new one is shown."
                    .into(),
            );
            return;
        }
        let Some(f) = &self.forecast else { return };
        let dir = self.export_folder();
        let month = view::month_index(f, &self.view);
        let focus = view::focus_index(f, &self.view);
        let stem = chart_stem(f, &self.view);
        let result = match kind {
            Export::ChartCsv => {
                let daily = view::explore::per_day(&self.view.metric);
                export::chart_csv(f, &self.view.metric, focus, daily).and_then(|text| {
                    export::write_whole(&dir.join(format!("{stem}.csv")), text.as_bytes())
                })
            }
            Export::CompareCsv => match (&self.prepared.compare, &self.pinned) {
                // The table is at A's month and district, as the page shows it.
                (Some(p), Some(pinned)) => {
                    let a = &pinned.forecast;
                    let (m, d) = (
                        view::compare::shared_month(a, f, &self.view),
                        view::focus_index(a, &self.view),
                    );
                    view::compare::csv(p, &a.months[m], &a.districts[d])
                        .map_err(|e| export::ExportError::Data(e.to_string()))
                        .and_then(|text| {
                            export::write_whole(
                                &dir.join(format!("compare_{stem}.csv")),
                                text.as_bytes(),
                            )
                        })
                }
                _ => Err(export::ExportError::Data(
                    "pin a forecast as A first".into(),
                )),
            },
            Export::Report | Export::Workbook => {
                let of = export::ReportOf {
                    month,
                    month_chosen: self.view.target_month.is_some(),
                    seed: self.settings.seed,
                    // Absolute, so the reproduce command finds it from the report's folder.
                    posterior: self.posterior().map(|p| caseload::output::PosteriorRecord {
                        file: std::path::absolute(&p.path)
                            .unwrap_or_else(|_| p.path.clone())
                            .display()
                            .to_string(),
                        sha256: p.sha256.clone(),
                    }),
                    based_on: &self.source.name(),
                    changes: &self.lever_changes(),
                };
                if kind == Export::Report {
                    export::board_report(f, &of)
                        .and_then(|files| export::write_set(&dir, &files))
                        .map(|written| written.into_iter().next().unwrap_or_default())
                } else {
                    let pinned = self.pinned.as_ref().map(|p| &p.forecast);
                    export::workbook(f, pinned, &of)
                        .and_then(|bytes| export::write_whole(&dir.join(export::WORKBOOK), &bytes))
                }
            }
            Export::ChartPng(rect) => {
                self.png = Some((rect, dir.join(format!("{stem}.png"))));
                self.notice = Some("Taking the chart's picture…".into());
                return;
            }
        };
        match result {
            Ok(_) => {
                let files: Vec<String> = self
                    .export_files(kind)
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect();
                self.notice = Some(format!("Wrote {}", files.join(" and ")));
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Asks for a screenshot when a PNG export waits for one; the integration calls back with
    /// the image, the chart's part is written, and the outcome comes back over a channel.
    pub(super) fn take_screenshot(&mut self, ctx: &egui::Context) {
        if let Some((rect, path)) = self.png.take() {
            let (tx, rx) = std::sync::mpsc::channel();
            let ppp = ctx.pixels_per_point();
            let repaint = ctx.clone();
            ctx.request_screenshot(move |image| {
                let written = export::png(&image, rect, ppp)
                    .and_then(|bytes| export::write_whole(&path, &bytes))
                    .map_err(|e| e.to_string());
                let _ = tx.send(written);
                repaint.request_repaint();
            });
            self.png_written = Some(rx);
        }
        if let Some(rx) = &self.png_written
            && let Ok(written) = rx.try_recv()
        {
            self.png_written = None;
            match written {
                Ok(p) => self.notice = Some(format!("Wrote {}", p.display())),
                Err(e) => self.error = Some(e),
            }
        }
    }
}
