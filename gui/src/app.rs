//! The app: pure state plus UI. Drawing emits [`Command`]s; [`CaseloadApp::apply`] runs them
//! afterwards. Forecasts run on the [`Worker`]; the frame only polls its channel.

use std::sync::Arc;
use std::time::{Duration, Instant};

use caseload::lever::LeverPath;
use caseload::load::Loaded;
use egui::{Color32, RichText};
use egui_plot::{FilledArea, HLine, Legend, Line, Plot, PlotPoints};

use crate::worker::{Forecast, Job, Message, Status, Worker};

/// Okabe-Ito colours (colour-blind safe).
pub mod palette {
    use egui::Color32;
    /// Bluish green.
    pub const GREEN: Color32 = Color32::from_rgb(0x00, 0x9E, 0x73);
    /// Orange.
    pub const AMBER: Color32 = Color32::from_rgb(0xE6, 0x9F, 0x00);
    /// Vermillion.
    pub const RED: Color32 = Color32::from_rgb(0xD5, 0x5E, 0x00);
    /// Blue.
    pub const BLUE: Color32 = Color32::from_rgb(0x00, 0x72, 0xB2);
    /// Sky blue.
    pub const SKY: Color32 = Color32::from_rgb(0x56, 0xB4, 0xE9);
    /// Reddish purple.
    pub const PURPLE: Color32 = Color32::from_rgb(0xCC, 0x79, 0xA7);
    /// Grey for "no data".
    pub const GREY: Color32 = Color32::from_rgb(0x99, 0x99, 0x99);
}

/// The health-visitor contact share lever.
pub const CONTACT_SHARE_PATH: &str = "roles[health_visitor].contact_share";
/// Its label (also its accessible name).
pub const CONTACT_SHARE_LABEL: &str = "Health-visitor contact share";
/// Range and step of the lever.
const CONTACT_SHARE_RANGE: std::ops::RangeInclusive<f64> = 0.30..=0.70;
const CONTACT_SHARE_STEP: f64 = 0.01;

/// How the app runs forecasts.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Replications after each pass: a quick first pass, then refined (e.g. `[8, 40]`).
    pub passes: Vec<u32>,
    /// Master seed.
    pub seed: u64,
    /// Quiet time after the last lever change before a new forecast starts.
    pub debounce: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            passes: vec![8, 40],
            seed: 1,
            debounce: Duration::from_millis(300),
        }
    }
}

/// Something the UI asked for while drawing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Command {
    /// Set the health-visitor contact share.
    SetContactShare(f64),
    /// Cancel the running forecast.
    Cancel,
}

/// The whole app state.
pub struct CaseloadApp {
    base: Arc<Loaded>,
    settings: Settings,
    contact_share: f64,
    baseline_share: f64,
    /// When the levers last changed and no job has started for them yet.
    changed_at: Option<Instant>,
    worker: Worker,
    next_job: u64,
    running: Option<u64>,
    progress: (u32, u32),
    forecast: Option<Forecast>,
    refined: bool,
    error: Option<String>,
}

impl CaseloadApp {
    /// An app on `base` that starts its first forecast at once; fails only if the worker thread
    /// cannot start.
    pub fn new(ctx: &egui::Context, base: Loaded, settings: Settings) -> std::io::Result<Self> {
        let repaint = ctx.clone();
        let worker = Worker::spawn(move || repaint.request_repaint())?;
        let baseline_share = base
            .scenario
            .roles
            .iter()
            .find(|r| r.id == "health_visitor")
            .map_or(0.47, |r| r.contact_share);
        let mut app = CaseloadApp {
            base: Arc::new(base),
            settings,
            contact_share: baseline_share,
            baseline_share,
            changed_at: None,
            worker,
            next_job: 0,
            running: None,
            progress: (0, 0),
            forecast: None,
            refined: false,
            error: None,
        };
        app.start();
        Ok(app)
    }

    /// The forecast on screen, if any.
    pub fn forecast(&self) -> Option<&Forecast> {
        self.forecast.as_ref()
    }

    /// Whether a forecast is running or waiting for the debounce.
    pub fn is_busy(&self) -> bool {
        self.running.is_some() || self.changed_at.is_some()
    }

    /// The lever's current value.
    pub fn contact_share(&self) -> f64 {
        self.contact_share
    }

    /// The last error, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Applies a command from the UI.
    pub fn apply(&mut self, command: Command) {
        match command {
            Command::SetContactShare(v) => {
                let v = v.clamp(*CONTACT_SHARE_RANGE.start(), *CONTACT_SHARE_RANGE.end());
                let v = (v / CONTACT_SHARE_STEP).round() * CONTACT_SHARE_STEP;
                if (v - self.contact_share).abs() > 1e-9 {
                    self.contact_share = v;
                    self.changed_at = Some(Instant::now());
                }
            }
            Command::Cancel => {
                self.worker.cancel();
                self.running = None;
                self.changed_at = None;
            }
        }
    }

    fn start(&mut self) {
        self.next_job += 1;
        let mut levers = Vec::new();
        if (self.contact_share - self.baseline_share).abs() > 1e-9 {
            let path: LeverPath = CONTACT_SHARE_PATH.parse().expect("a valid lever path");
            levers.push((path, format!("{:.2}", self.contact_share)));
        }
        self.worker.submit(Job {
            id: self.next_job,
            base: Arc::clone(&self.base),
            levers,
            passes: self.settings.passes.clone(),
            seed: self.settings.seed,
        });
        self.running = Some(self.next_job);
        self.progress = (0, self.settings.passes.last().copied().unwrap_or(0));
        self.changed_at = None;
    }

    /// Takes the worker's messages and starts a debounced job; never blocks.
    fn update(&mut self, ctx: &egui::Context) {
        while let Some(message) = self.worker.poll() {
            match message {
                Message::Progress { job, done, total } if Some(job) == self.running => {
                    self.progress = (done, total);
                }
                Message::Forecast {
                    job,
                    forecast,
                    last,
                } if Some(job) == self.running => {
                    self.forecast = Some(*forecast);
                    self.refined = last;
                    self.error = None;
                    if last {
                        self.running = None;
                    }
                }
                Message::Failed { job, error } if Some(job) == self.running => {
                    self.error = Some(error);
                    self.running = None;
                }
                _ => {} // a cancelled job's message
            }
        }
        if let Some(at) = self.changed_at {
            let waited = at.elapsed();
            if waited >= self.settings.debounce {
                self.start();
            } else {
                ctx.request_repaint_after(self.settings.debounce - waited);
            }
        }
    }

    /// Draws the whole app and applies what the user asked for.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.update(ui.ctx());
        let mut commands = Vec::new();
        egui::Panel::top("header").show(ui, |ui| self.header(ui, &mut commands));
        egui::Panel::left("levers").show(ui, |ui| self.levers(ui, &mut commands));
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| self.dashboard(ui));
        });
        for c in commands {
            self.apply(c);
        }
        if self.changed_at.is_some() {
            // Re-check the debounce even if nothing else repaints.
            ui.ctx().request_repaint_after(self.settings.debounce);
        }
    }

    fn header(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            ui.heading("Caseload");
            ui.label(&self.base.scenario.name);
            if self.running.is_some() {
                let (done, total) = self.progress;
                ui.add(
                    egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                        .desired_width(160.0)
                        .text(format!("Forecasting: {done} of {total} replications")),
                );
                if ui.button("Cancel forecast").clicked() {
                    commands.push(Command::Cancel);
                }
            } else if self.changed_at.is_some() {
                ui.label("Waiting for the lever to settle");
            } else if let Some(f) = &self.forecast {
                ui.label(format!("{} replications", f.replications));
            }
            if let Some(e) = &self.error {
                ui.colored_label(palette::RED, format!("Error: {e}"));
            }
        });
    }

    fn levers(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.heading("Levers");
        let mut share = self.contact_share;
        let slider = ui.add(
            egui::Slider::new(&mut share, CONTACT_SHARE_RANGE)
                .step_by(CONTACT_SHARE_STEP)
                .show_value(false)
                .text(CONTACT_SHARE_LABEL),
        );
        slider.on_hover_text(
            "Share of a health visitor's hours spent on contacts with families \
             (the rest is travel, admin, training).",
        );
        if share != self.contact_share {
            commands.push(Command::SetContactShare(share));
        }
        ui.horizontal(|ui| {
            if ui.button("Decrease contact share").clicked() {
                commands.push(Command::SetContactShare(
                    self.contact_share - CONTACT_SHARE_STEP,
                ));
            }
            ui.label(format!("{:.0}%", self.contact_share * 100.0));
            if ui.button("Increase contact share").clicked() {
                commands.push(Command::SetContactShare(
                    self.contact_share + CONTACT_SHARE_STEP,
                ));
            }
        });
        ui.label(format!("Baseline: {:.0}%", self.baseline_share * 100.0));
    }

    fn dashboard(&self, ui: &mut egui::Ui) {
        let Some(f) = &self.forecast else {
            ui.label("Running the first forecast…");
            return;
        };
        let last = f.months.last().map_or("", String::as_str);
        let refining = if self.refined { "" } else { " (quick pass)" };
        ui.heading(format!(
            "Reviews in {last}: median compliance across {} replications{refining}",
            f.replications
        ));
        ui.horizontal_wrapped(|ui| {
            for t in &f.tiles {
                tile(ui, t);
            }
        });
        ui.separator();
        ui.heading(format!(
            "City caseload per HV WTE: {:.0} in {last} (median)",
            f.last_caseload()
        ));
        caseload_chart(ui, f);
    }
}

fn status_colour(status: Status) -> Color32 {
    match status {
        Status::Green => palette::GREEN,
        Status::Amber => palette::AMBER,
        Status::Red => palette::RED,
        Status::NoData => palette::GREY,
    }
}

fn percent(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        format!("{:.0}%", x * 100.0)
    }
}

fn tile(ui: &mut egui::Ui, t: &crate::worker::Tile) {
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(2.0, status_colour(t.status)))
        .show(ui, |ui| {
            ui.set_width(190.0);
            ui.vertical(|ui| {
                ui.label(RichText::new(format!("{} ({})", t.name, t.code)).strong());
                ui.label(format!(
                    "Compliance {} vs target {}",
                    percent(t.median),
                    percent(t.target)
                ));
                ui.colored_label(status_colour(t.status), t.status.word());
                ui.label(format!("Chance of meeting target: {}", percent(t.chance)));
            });
        });
}

fn caseload_chart(ui: &mut egui::Ui, f: &Forecast) {
    let xs: Vec<f64> = (0..f.months.len()).map(|i| i as f64).collect();
    let months = f.months.clone();
    let points =
        |ys: &[f64]| -> PlotPoints<'static> { xs.iter().zip(ys).map(|(&x, &y)| [x, y]).collect() };
    Plot::new("caseload_per_hv_wte")
        .height(320.0)
        .legend(Legend::default())
        .x_axis_label("Month")
        .y_axis_label("Children per HV WTE")
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                months.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            plot.add(
                FilledArea::new("P10-P90", &xs, &f.caseload_p10, &f.caseload_p90)
                    .fill_color(palette::SKY.gamma_multiply(0.4)),
            );
            plot.line(
                Line::new("Median", points(&f.caseload_p50))
                    .color(palette::BLUE)
                    .width(2.0),
            );
            plot.hline(HLine::new("Planned 350", 350.0).color(palette::AMBER));
            plot.hline(HLine::new("iHV recommended 250", 250.0).color(palette::PURPLE));
        });
}

impl eframe::App for CaseloadApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}
