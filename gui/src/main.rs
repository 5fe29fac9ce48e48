//! `caseload-gui`: the desktop app.

#![forbid(unsafe_code)]

use caseload_gui::app::{CaseloadApp, Settings};

fn main() -> eframe::Result {
    let baseline = match caseload::load::baseline() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("caseload-gui: the embedded baseline does not load: {e}");
            std::process::exit(1);
        }
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Caseload")
            .with_inner_size([1200.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Caseload",
        options,
        Box::new(|cc| {
            let app = CaseloadApp::new(&cc.egui_ctx, baseline, Settings::default())?;
            Ok(Box::new(app))
        }),
    )
}
