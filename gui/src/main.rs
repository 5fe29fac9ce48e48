//! `caseload-gui`: the desktop app.

#![forbid(unsafe_code)]

use caseload_gui::app::{CaseloadApp, Settings};
use caseload_gui::state::{STORAGE_KEY, Saved};

fn main() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Caseload")
            .with_inner_size([1280.0, 860.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Caseload",
        options,
        Box::new(|cc| {
            // The state left at the last close; a store from another version falls back to the
            // defaults field by field.
            let saved: Saved = cc
                .storage
                .and_then(|s| eframe::get_value(s, STORAGE_KEY))
                .unwrap_or_default();
            let app = CaseloadApp::new(&cc.egui_ctx, saved, Settings::default())?;
            Ok(Box::new(app))
        }),
    )
}
