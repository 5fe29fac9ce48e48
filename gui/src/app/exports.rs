//! Exports the user asks for: chart data and comparisons as CSV, a chart as PNG (cropped from a
//! screenshot the integration takes after the frame), and the board report.

use super::{CaseloadApp, Export};
use crate::export;
use crate::view;

impl CaseloadApp {
    pub(super) fn export(&mut self, kind: Export) {
        let Some(f) = &self.forecast else { return };
        let dir = self.view.export_dir.clone();
        let month = view::month_index(f, &self.view);
        let focus = view::focus_index(f, &self.view);
        let stem = format!(
            "{}_{}",
            export::file_stem(&self.view.metric),
            export::file_stem(&f.districts[focus])
        );
        let result = match kind {
            Export::ChartCsv => export::chart_csv(f, &self.view.metric, focus).and_then(|text| {
                export::write_whole(&dir.join(format!("{stem}.csv")), text.as_bytes())
            }),
            Export::CompareCsv => match &self.prepared.compare {
                Some(p) => view::compare::csv(p, &f.months[month], &f.districts[focus])
                    .map_err(|e| export::ExportError::Data(e.to_string()))
                    .and_then(|text| {
                        export::write_whole(
                            &dir.join(format!("compare_{stem}.csv")),
                            text.as_bytes(),
                        )
                    }),
                None => Err(export::ExportError::Data(
                    "pin a forecast as A first".into(),
                )),
            },
            Export::Report => {
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
                export::board_report(f, &of)
                    .and_then(|files| export::write_set(&dir, &files))
                    .map(|written| written.into_iter().next().unwrap_or_default())
            }
            Export::ChartPng(rect) => {
                self.png = Some((rect, dir.join(format!("{stem}.png"))));
                self.notice = Some("Taking the chart's picture…".into());
                return;
            }
        };
        match result {
            Ok(path) => {
                self.notice = Some(format!("Wrote {}", path.display()));
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
