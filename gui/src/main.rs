//! `caseload-gui`: the desktop app.

#![forbid(unsafe_code)]

use std::time::Instant;

use caseload_gui::app::{CaseloadApp, Settings};
use caseload_gui::state::{STORAGE_KEY, Saved};

/// The size the window opens at when the screen has room for it.
const WINDOW: [f32; 2] = [1280.0, 860.0];

/// The largest size the window opens at on a large screen.
const LARGEST: [f32; 2] = [1800.0, 1100.0];

/// Room left on a screen for its task bar and the window's title bar.
const SCREEN_MARGIN: egui::Vec2 = egui::vec2(16.0, 80.0);

/// The app, reporting on stderr how long after launch the first forecast was on screen, and how
/// long each lever change took to show its quick pass.
struct Timed {
    app: CaseloadApp,
    launched: Instant,
    reported: bool,
    fitted: bool,
    response: Option<std::time::Duration>,
}

impl Timed {
    /// Once the screen's size is known: a window larger than the screen (a 1366x768 laptop) is
    /// made to fit it, and maximised where the window manager allows; on a larger screen it grows
    /// to most of it.
    fn fit_to_screen(&mut self, ctx: &egui::Context) {
        if self.fitted {
            return;
        }
        let Some(screen) = ctx.input(|i| i.viewport().monitor_size) else {
            return;
        };
        self.fitted = true;
        let room = screen - SCREEN_MARGIN;
        if room.x < WINDOW[0] || room.y < WINDOW[1] {
            let size = egui::vec2(WINDOW[0].min(room.x), WINDOW[1].min(room.y));
            ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(size));
            ctx.send_viewport_cmd(egui::ViewportCommand::OuterPosition(egui::pos2(0.0, 0.0)));
            ctx.send_viewport_cmd(egui::ViewportCommand::Maximized(true));
        } else {
            // A larger screen gets most of it, up to a size where lines stay readable.
            let size = egui::vec2(
                (room.x * 0.9).clamp(WINDOW[0], LARGEST[0]),
                (room.y * 0.92).clamp(WINDOW[1], LARGEST[1]),
            );
            if size != egui::Vec2::from(WINDOW) {
                ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(size));
            }
        }
    }
}

impl eframe::App for Timed {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.fit_to_screen(ui.ctx());
        self.app.ui(ui, frame);
        if !self.reported && self.app.forecast().is_some() {
            self.reported = true;
            eprintln!(
                "caseload-gui: first forecast on screen {:.2} s after launch",
                self.launched.elapsed().as_secs_f64()
            );
        }
        let response = self.app.lever_response();
        if response != self.response {
            self.response = response;
            if let Some(r) = response {
                eprintln!(
                    "caseload-gui: lever change to its quick pass on screen in {:.2} s",
                    r.as_secs_f64()
                );
            }
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
            .with_inner_size(WINDOW),
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
                fitted: false,
                response: None,
            }))
        }),
    )
}
