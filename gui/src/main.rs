//! `caseload-gui`: the desktop app.

#![forbid(unsafe_code)]

use std::time::Instant;

use caseload_gui::app::{CaseloadApp, Settings};
use caseload_gui::state::{STORAGE_KEY, Saved};

/// The app, reporting once on stderr how long after launch the first forecast was on screen.
struct Timed {
    app: CaseloadApp,
    launched: Instant,
    reported: bool,
}

impl eframe::App for Timed {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.app.ui(ui, frame);
        if !self.reported && self.app.forecast().is_some() {
            self.reported = true;
            eprintln!(
                "caseload-gui: first forecast on screen {:.2} s after launch",
                self.launched.elapsed().as_secs_f64()
            );
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.app.save(storage);
    }
}

fn main() -> eframe::Result {
    let launched = Instant::now();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Caseload")
            .with_inner_size([1280.0, 860.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Caseload",
        options,
        Box::new(move |cc| {
            // The state left at the last close; a store from another version falls back to the
            // defaults field by field.
            let saved: Saved = cc
                .storage
                .and_then(|s| eframe::get_value(s, STORAGE_KEY))
                .unwrap_or_default();
            let app = CaseloadApp::new(&cc.egui_ctx, saved, Settings::default())?;
            Ok(Box::new(Timed {
                app,
                launched,
                reported: false,
            }))
        }),
    )
}
