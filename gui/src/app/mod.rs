//! The app: pure state plus UI. Drawing emits [`Command`]s; [`CaseloadApp::apply`] runs them
//! afterwards. Forecasts run on the [`Worker`]; the frame only polls its channel.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use caseload::calibration::Posterior;
use caseload::load::Loaded;

use crate::editor::{CloseDecision, Editor, EditorEvent};
use crate::forecast::{Band, Forecast};
use crate::levers::Levers;
use crate::shipped;
use crate::state::{Saved, Source, Tab, ViewState};
use crate::view::{self, compare::Pinned};
use crate::worker::{Job, Message, Worker};

mod exports;

pub use crate::command::{Command, Export};
pub use crate::palette;

/// How the app runs forecasts.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Replications after each pass: a quick first pass, then refined (e.g. `[4, 40]`).
    pub passes: Vec<u32>,
    /// Master seed (the same for every forecast, so any two share common random numbers).
    pub seed: u64,
    /// Quiet time after the last lever change before a new forecast starts.
    pub debounce: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            passes: vec![4, 40],
            seed: 1,
            debounce: Duration::from_millis(300),
        }
    }
}

/// A calibrated posterior in use: where it was read, its hash and its particles.
#[derive(Clone)]
pub struct InUse {
    /// The posterior.csv, as given.
    pub path: PathBuf,
    /// SHA-256 of its text.
    pub sha256: String,
    /// The particles.
    pub posterior: Arc<Posterior>,
}

/// The scenario to come back to while the scenario it extends is forecast to be pinned as A.
struct Comeback {
    scenario: Arc<Loaded>,
    source: Source,
    levers: Levers,
    posterior: Option<InUse>,
}

/// Views computed from the forecast once, and again only when it or the view changes.
#[derive(Default)]
struct Prepared {
    key: Option<(u64, ViewState)>,
    dashboard: view::dashboard::Prepared,
    explore: Option<Band>,
    compare: Option<view::compare::Prepared>,
    districts: Vec<view::districts::Row>,
    /// The job whose forecast these were prepared from.
    job: u64,
}

/// The whole app state.
pub struct CaseloadApp {
    scenario: Arc<Loaded>,
    source: Source,
    levers: Levers,
    settings: Settings,
    view: ViewState,
    /// When the levers last changed and no job has started for them yet.
    changed_at: Option<Instant>,
    worker: Worker,
    next_job: u64,
    running: Option<u64>,
    progress: (u32, u32),
    forecast: Option<Forecast>,
    /// The job the forecast on screen came from.
    forecast_job: u64,
    /// Replications done and wanted when the user cancelled the last forecast.
    cancelled: Option<(u32, u32)>,
    /// Counts forecasts and pins, so prepared views know when to refresh.
    generation: u64,
    refined: bool,
    pinned: Option<Pinned>,
    prepared: Prepared,
    error: Option<String>,
    notice: Option<String>,
    /// The calibrated posterior the forecast draws from, if any (cleared with the scenario).
    posterior: Option<InUse>,
    /// The posterior.csv path as typed.
    posterior_text: String,
    started: Instant,
    first_forecast: Option<Duration>,
    /// When a lever last moved, and the job started for it, until its quick pass is on screen.
    touched: Option<(Instant, Option<u64>)>,
    /// From the last lever move to its quick pass on screen, the last time one was made.
    response: Option<Duration>,
    /// A PNG export to ask a screenshot for: the chart's rectangle and the file.
    png: Option<(egui::Rect, PathBuf)>,
    /// Where the outcome of the screenshot asked for arrives.
    png_written: Option<std::sync::mpsc::Receiver<Result<PathBuf, String>>>,
    editor: Editor,
    /// Set while the base of the chosen scenario is forecast for a comparison.
    comeback: Option<Comeback>,
    /// An export waiting for the user to say it may replace these files.
    replacing: Option<(Export, Vec<PathBuf>)>,
    /// The export folder's chooser, while it is open.
    folder_dialog: Option<crate::editor::files::Dialog>,
    /// To wake the UI when something finishes off the UI thread.
    ctx: egui::Context,
}

impl CaseloadApp {
    /// The app as it was left (`saved`): its scenario (the baseline if that cannot be read, with
    /// the reason shown), levers and view. Starts the first forecast at once; fails only if the
    /// worker thread cannot start.
    pub fn new(ctx: &egui::Context, saved: Saved, settings: Settings) -> std::io::Result<Self> {
        let (loaded, source, error) = match open(&saved.source) {
            Ok(l) => (l, saved.source.clone(), None),
            Err(e) => {
                let baseline = shipped::load(caseload::load::BASELINE_NAME)
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                (
                    baseline,
                    Source::default(),
                    Some(format!("Could not reopen the scenario: {e}")),
                )
            }
        };
        let mut app = Self::on(ctx, loaded, source, settings)?;
        app.editor = Editor::new(&app.scenario, saved.editor.clone());
        if let Source::File(path) = &app.source {
            app.editor.open(path);
        }
        app.levers.restore(&saved.levers);
        app.view = saved.view;
        app.error = error;
        app.start();
        Ok(app)
    }

    /// The app on `loaded` (from `source`) with default levers and view; starts its forecast.
    pub fn on(
        ctx: &egui::Context,
        loaded: Loaded,
        source: Source,
        settings: Settings,
    ) -> std::io::Result<Self> {
        let repaint = ctx.clone();
        let worker = Worker::spawn(move || repaint.request_repaint())?;
        let mut app = CaseloadApp {
            editor: Editor::new(&loaded, Default::default()),
            levers: Levers::of(&loaded.scenario),
            scenario: Arc::new(loaded),
            source,
            settings,
            view: ViewState::default(),
            changed_at: None,
            worker,
            next_job: 0,
            running: None,
            progress: (0, 0),
            forecast: None,
            forecast_job: 0,
            cancelled: None,
            generation: 0,
            refined: false,
            pinned: None,
            prepared: Prepared::default(),
            error: None,
            notice: None,
            posterior: None,
            posterior_text: String::new(),
            started: Instant::now(),
            first_forecast: None,
            touched: None,
            response: None,
            png: None,
            png_written: None,
            comeback: None,
            replacing: None,
            folder_dialog: None,
            ctx: ctx.clone(),
        };
        app.start();
        Ok(app)
    }

    /// What to persist.
    pub fn saved(&self) -> Saved {
        Saved {
            source: self.source.clone(),
            levers: self.levers.values.clone(),
            view: self.view.clone(),
            editor: self.editor.state(),
        }
    }

    /// The forecast on screen, if any.
    pub fn forecast(&self) -> Option<&Forecast> {
        self.forecast.as_ref()
    }

    /// The pinned forecast, if any.
    pub fn pinned(&self) -> Option<&Pinned> {
        self.pinned.as_ref()
    }

    /// Whether a forecast is running or waiting for the debounce.
    pub fn is_busy(&self) -> bool {
        self.running.is_some() || self.changed_at.is_some()
    }

    /// The levers and their values.
    pub fn levers(&self) -> &Levers {
        &self.levers
    }

    /// The view.
    pub fn view(&self) -> &ViewState {
        &self.view
    }

    /// The view, to change (tests and keyboard shortcuts).
    pub fn view_mut(&mut self) -> &mut ViewState {
        &mut self.view
    }

    /// The scenario chosen (before levers).
    pub fn scenario(&self) -> &Loaded {
        &self.scenario
    }

    /// The scenario editor.
    pub fn editor(&self) -> &Editor {
        &self.editor
    }

    /// The scenario editor, to change (tests).
    pub fn editor_mut(&mut self) -> &mut Editor {
        &mut self.editor
    }

    /// The last error, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The last notice (e.g. where an export was written), if any.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Seconds from launch to the first forecast on screen.
    pub fn first_forecast(&self) -> Option<Duration> {
        self.first_forecast
    }

    /// From the last lever move to its quick pass on screen, once one has been made.
    pub fn lever_response(&self) -> Option<Duration> {
        self.response
    }

    /// Applies a command from the UI.
    pub fn apply(&mut self, command: Command) {
        match command {
            Command::SetLever(key, value) => {
                if self.levers.set(&key, value) {
                    let now = Instant::now();
                    self.changed_at = Some(now);
                    self.touched = Some((now, None));
                }
            }
            Command::ResetLevers => {
                if self.levers.changed() {
                    self.levers.reset();
                    self.changed_at = Some(Instant::now());
                }
            }
            Command::UseShipped(file) => match shipped::load(file) {
                Ok(loaded) => self.use_scenario(loaded, Source::Shipped(file.into())),
                Err(e) => self.error = Some(e.to_string()),
            },
            Command::UseScenario(loaded, source) => self.use_scenario(*loaded, source),
            Command::Cancel => {
                self.worker.cancel();
                if self.running.take().is_some() {
                    self.cancelled = Some(self.progress);
                }
                self.changed_at = None;
                if self.comeback.is_some() {
                    self.cancelled = None;
                    self.come_back();
                }
            }
            Command::Resume => self.start(),
            Command::CompareWithBase => self.compare_with_base(),
            Command::Pin => {
                if let Some(f) = &self.forecast {
                    self.pinned = Some(Pinned {
                        forecast: f.clone(),
                        label: self.describe(),
                        origin: self.origin(),
                    });
                    self.generation += 1;
                }
            }
            Command::Unpin => {
                self.pinned = None;
                self.generation += 1;
            }
            Command::Export(kind) => self.export(kind, false),
            Command::ReplaceExport(kind) => {
                self.replacing = None;
                self.export(kind, true);
            }
            Command::KeepExport => {
                self.replacing = None;
                self.notice = Some("Nothing was replaced.".into());
            }
            Command::ChooseExportFolder => self.choose_export_folder(),
            Command::UsePosterior(path) => match self.read_posterior(&path) {
                Ok(in_use) => {
                    self.posterior = Some(in_use);
                    self.error = None;
                    self.start();
                }
                Err(e) => self.error = Some(e),
            },
            Command::DropPosterior => {
                if self.posterior.take().is_some() {
                    self.start();
                }
            }
        }
    }

    /// The scenario the chosen one extends, if it extends one: where it is, as a [`Source`].
    pub fn base(&self) -> Option<Source> {
        let base = self.scenario.sources.get(1)?;
        Some(match &self.source {
            Source::Shipped(_) => Source::Shipped(base.clone()),
            Source::File(_) => Source::File(PathBuf::from(base)),
        })
    }

    /// Where the chosen scenario came from and what it extends, in words.
    pub fn origin(&self) -> String {
        let from = format!("From {}", self.source.name());
        match self.scenario.sources.get(1) {
            Some(base) => format!("{from}, which extends {base}."),
            None => format!("{from}."),
        }
    }

    /// Whether the base of the chosen scenario is being forecast to be pinned as A.
    pub fn is_comparing_with_base(&self) -> bool {
        self.comeback.is_some()
    }

    fn compare_with_base(&mut self) {
        let Some(source) = self.base() else { return };
        match open(&source) {
            Ok(base) => {
                self.comeback = Some(Comeback {
                    scenario: Arc::clone(&self.scenario),
                    source: std::mem::replace(&mut self.source, source),
                    levers: std::mem::replace(&mut self.levers, Levers::of(&base.scenario)),
                    posterior: self.posterior.take(),
                });
                self.scenario = Arc::new(base);
                self.view.tab = Tab::Compare;
                self.error = None;
                self.start();
            }
            Err(e) => self.error = Some(format!("Could not open the scenario it extends: {e}")),
        }
    }

    /// Back to the scenario chosen before [`Command::CompareWithBase`], and its forecast.
    fn come_back(&mut self) {
        if let Some(c) = self.comeback.take() {
            self.scenario = c.scenario;
            self.source = c.source;
            self.levers = c.levers;
            self.posterior = c.posterior;
            self.start();
        }
    }

    /// Reads a posterior.csv and checks it applies to the scenario: every path names a number the
    /// scenario writes, valid at each path's range.
    fn read_posterior(&self, path: &std::path::Path) -> Result<InUse, String> {
        let file = path.display().to_string();
        let text = caseload::load::read_text(path).map_err(|e| format!("{file}: {e}"))?;
        let posterior = Posterior::parse(&file, &text).map_err(|e| e.to_string())?;
        caseload::replicate::Replications::of_with(&self.scenario, Some(&posterior))
            .map_err(|e| format!("{file} does not fit this scenario: {e}"))?;
        Ok(InUse {
            path: path.to_path_buf(),
            sha256: caseload::output::sha256_hex(&text),
            posterior: Arc::new(posterior),
        })
    }

    /// The calibrated posterior the forecast draws from, if any.
    pub fn posterior(&self) -> Option<&InUse> {
        self.posterior.as_ref()
    }

    /// The levers moved off the scenario's values, in words: "Health-visitor contact share
    /// 63.0% (the scenario has 70.0%)".
    pub fn lever_changes(&self) -> Vec<String> {
        self.levers
            .levers
            .iter()
            .filter_map(|l| {
                let v = self.levers.value(&l.key)?;
                (*v != l.baseline).then(|| {
                    format!(
                        "{} {} (the scenario has {})",
                        l.label,
                        l.show(v),
                        l.show(&l.baseline)
                    )
                })
            })
            .collect()
    }

    /// The scenario and the levers off their baseline, in words.
    pub fn describe(&self) -> String {
        let changed: Vec<String> = self
            .levers
            .levers
            .iter()
            .filter_map(|l| {
                let v = self.levers.value(&l.key)?;
                (*v != l.baseline).then(|| format!("{} {}", l.label, l.show(v)))
            })
            .collect();
        if changed.is_empty() {
            self.scenario.scenario.name.clone()
        } else {
            format!("{}; {}", self.scenario.scenario.name, changed.join("; "))
        }
    }

    fn use_scenario(&mut self, loaded: Loaded, source: Source) {
        // A scenario chosen while a base was forecast for a comparison ends the comparison.
        self.comeback = None;
        // The editor follows the scenario chosen unless it holds edits of its own.
        if !self.editor.is_dirty() && !matches!(source, Source::File(_)) {
            self.editor = Editor::new(&loaded, self.editor.state());
        }
        self.levers = Levers::of(&loaded.scenario);
        self.scenario = Arc::new(loaded);
        self.source = source;
        self.error = None;
        // A posterior was fitted for another scenario's inputs.
        self.posterior = None;
        self.start();
    }

    fn start(&mut self) {
        self.next_job += 1;
        self.worker.submit(Job {
            id: self.next_job,
            base: Arc::clone(&self.scenario),
            levers: self.levers.settings(),
            passes: self.settings.passes.clone(),
            seed: self.settings.seed,
            posterior: self.posterior.as_ref().map(|p| Arc::clone(&p.posterior)),
        });
        self.running = Some(self.next_job);
        if let Some((at, None)) = self.touched {
            self.touched = Some((at, Some(self.next_job)));
        }
        self.progress = (0, self.settings.passes.last().copied().unwrap_or(0));
        self.changed_at = None;
        self.cancelled = None;
    }

    /// Whether the forecast on screen is not the one for the scenario and levers as they are now:
    /// a new one is running or waiting for the levers to settle.
    pub fn is_stale(&self) -> bool {
        self.changed_at.is_some()
            || self
                .running
                .is_some_and(|job| job != self.forecast_job && self.forecast.is_some())
    }

    /// Replications done and wanted when the last forecast was cancelled, until it is resumed or
    /// another starts.
    pub fn cancelled(&self) -> Option<(u32, u32)> {
        self.cancelled
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
                    self.first_forecast
                        .get_or_insert_with(|| self.started.elapsed());
                    self.forecast = Some(*forecast);
                    self.forecast_job = job;
                    if let Some((at, Some(touched_job))) = self.touched
                        && touched_job == job
                    {
                        self.response = Some(at.elapsed());
                        self.touched = None;
                    }
                    self.generation += 1;
                    self.refined = last;
                    self.error = None;
                    if last {
                        self.running = None;
                        if self.comeback.is_some() {
                            self.apply(Command::Pin);
                            self.come_back();
                        }
                    }
                }
                Message::Failed { job, error } if Some(job) == self.running => {
                    self.error = Some(error);
                    self.running = None;
                    // The base could not be forecast: back to the scenario chosen.
                    self.come_back();
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
        self.take_screenshot(ctx);
    }

    fn prepare(&mut self) {
        let Some(f) = &self.forecast else { return };
        let key = (self.generation, self.view.clone());
        if self.prepared.key.as_ref() == Some(&key) {
            return;
        }
        let focus = view::focus_index(f, &self.view);
        let mut districts = view::districts::rows(f, &self.view);
        // A refined pass of the same forecast keeps the table's order under the reader; a new
        // view (sort, month) or a new forecast sorts afresh.
        let refining = self.prepared.job == self.forecast_job
            && self
                .prepared
                .key
                .as_ref()
                .is_some_and(|(_, v)| *v == self.view);
        if refining {
            view::districts::keep_order(&mut districts, &self.prepared.districts);
        }
        self.prepared = Prepared {
            job: self.forecast_job,
            dashboard: view::dashboard::Prepared::new(f, &self.view),
            explore: f.band(&self.view.metric, focus).map(|b| {
                if view::explore::per_day(&self.view.metric) {
                    b.per_day(&f.days())
                } else {
                    b
                }
            }),
            compare: self
                .pinned
                .as_ref()
                .map(|a| view::compare::Prepared::new(&a.forecast, f, &self.view)),
            districts,
            key: Some(key),
        };
    }

    /// Draws the whole app and applies what the user asked for.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.update(ui.ctx());
        self.guard_close(ui);
        self.shortcuts(ui.ctx());
        self.prepare();
        let mut commands = Vec::new();
        egui::Panel::top("header").show(ui, |ui| self.header(ui, &mut commands));
        egui::Panel::left("levers")
            .resizable(true)
            .default_size(300.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    let origin = self.origin();
                    let extends = self.base().is_some();
                    view::levers::show(
                        ui,
                        (&self.source, &self.scenario.scenario.name, &origin, extends),
                        &self.levers,
                        &mut commands,
                    );
                    view::levers::posterior(
                        ui,
                        self.posterior.as_ref().map(|p| p.path.as_path()),
                        &mut self.posterior_text,
                        &mut commands,
                    );
                });
            });
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| self.page(ui, &mut commands));
        });
        self.replace_prompt(ui.ctx(), &mut commands);
        self.poll_folder_dialog();
        for c in commands {
            self.apply(c);
        }
        if self.changed_at.is_some() {
            // Re-check the debounce even if nothing else repaints.
            ui.ctx().request_repaint_after(self.settings.debounce);
        }
    }

    /// Unsaved scenario edits hold a window close until the user saves or discards them.
    fn guard_close(&mut self, ui: &mut egui::Ui) {
        if ui.ctx().input(|i| i.viewport().close_requested()) && !self.editor.request_close() {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.view.tab = Tab::Scenario;
        }
        if self.editor.close_guard(ui) == CloseDecision::Close {
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// Ctrl+1..5 switch pages; Escape cancels a running forecast.
    fn shortcuts(&mut self, ctx: &egui::Context) {
        let keys = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
            egui::Key::Num5,
        ];
        for (key, tab) in keys.into_iter().zip(Tab::ALL) {
            if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, key)) {
                self.view.tab = tab;
            }
        }
        if self.running.is_some()
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
        {
            self.apply(Command::Cancel);
        }
    }

    fn header(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        // The exports sit on the title's row, so progress below never moves them.
        ui.horizontal(|ui| {
            ui.heading("Caseload");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .button("Export folder…")
                    .on_hover_text("Choose the folder exports are written to (remembered)")
                    .clicked()
                {
                    commands.push(Command::ChooseExportFolder);
                }
                if self.forecast.is_some()
                    && ui
                        .button("Export Excel workbook")
                        .on_hover_text(
                            "The city by month, the districts and reviews at the month chosen; \
                             with a forecast pinned, those of A and the comparison with this one (B)",
                        )
                        .clicked()
                {
                    commands.push(Command::Export(Export::Workbook));
                }
                if self.forecast.is_some() && ui.button("Export board report (HTML)").clicked() {
                    commands.push(Command::Export(Export::Report));
                }
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    ui.add(egui::Label::new(self.describe()).truncate());
                });
            });
        });
        ui.horizontal_wrapped(|ui| {
            for tab in Tab::ALL {
                ui.selectable_value(&mut self.view.tab, tab, tab.label())
                    .on_hover_text(format!(
                        "Ctrl+{}",
                        1 + Tab::ALL.iter().position(|t| *t == tab).unwrap_or(0)
                    ));
            }
            ui.separator();
            if self.running.is_some() {
                let (done, total) = self.progress;
                let what = if self.comeback.is_some() {
                    "Forecasting the scenario it extends, to pin as A"
                } else {
                    "Forecasting"
                };
                ui.add(
                    egui::ProgressBar::new(done as f32 / total.max(1) as f32).desired_width(100.0),
                );
                ui.label(format!("{what}: {done} of {total} replications"));
                if ui
                    .button("Cancel forecast")
                    .on_hover_text("Escape")
                    .clicked()
                {
                    commands.push(Command::Cancel);
                }
            } else if self.changed_at.is_some() {
                ui.label("Waiting for the levers to settle");
            } else if let Some((done, total)) = self.cancelled {
                ui.colored_label(
                    palette::AMBER,
                    format!(
                        "Forecast cancelled after {done} of {total} replications: the charts show \
                         the last forecast finished."
                    ),
                );
                if ui
                    .button("Resume")
                    .on_hover_text("Carry on from the replications already finished")
                    .clicked()
                {
                    commands.push(Command::Resume);
                }
            } else if let Some(f) = &self.forecast {
                ui.label(format!(
                    "{} replications in {:.1} s",
                    f.replications,
                    f.elapsed.as_secs_f64()
                ));
            }
        });
        // One line always, so nothing below moves when a message comes or goes.
        ui.horizontal(|ui| {
            if let Some(e) = &self.error {
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(format!("Error: {e}")).color(palette::RED),
                    )
                    .truncate(),
                );
            } else if let Some(n) = &self.notice {
                ui.add(egui::Label::new(n).truncate());
            } else {
                let folder = self.export_folder();
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(format!("Exports go to {}", folder.display())).weak(),
                    )
                    .truncate(),
                );
            }
        });
    }

    fn page(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        if self.view.tab == Tab::Scenario {
            if let Some(EditorEvent::Apply(loaded)) = self.editor.show(ui) {
                let source = self
                    .editor
                    .path()
                    .map_or_else(|| self.source.clone(), |p| Source::File(p.to_path_buf()));
                commands.push(Command::UseScenario(loaded, source));
            }
            return;
        }
        let Some(f) = &self.forecast else {
            ui.label("Running the first forecast…");
            return;
        };
        if self.is_stale() {
            ui.colored_label(
                palette::AMBER,
                "Showing the previous forecast (dimmed) while the new one runs.",
            );
            ui.multiply_opacity(0.45);
        }
        let p = &self.prepared;
        match self.view.tab {
            Tab::Dashboard => {
                view::dashboard::show(ui, f, &mut self.view, &p.dashboard, self.refined)
            }
            Tab::Explore => {
                view::explore::show(ui, f, &mut self.view, p.explore.as_ref(), commands)
            }
            Tab::Compare => {
                let current = view::compare::Current {
                    label: self.describe(),
                    origin: self.origin(),
                    extends: self.base().is_some(),
                };
                let empty = view::compare::Prepared::default();
                view::compare::show(
                    ui,
                    f,
                    self.pinned.as_ref(),
                    &current,
                    &mut self.view,
                    p.compare.as_ref().unwrap_or(&empty),
                    commands,
                );
            }
            Tab::Districts => view::districts::show(ui, f, &mut self.view, &p.districts),
            Tab::Scenario => {}
        }
    }
}

/// The scenario at `source`.
fn open(source: &Source) -> Result<Loaded, caseload::load::LoadError> {
    match source {
        Source::Shipped(file) => shipped::load(file),
        Source::File(path) => caseload::load::load_file(path),
    }
}

impl eframe::App for CaseloadApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, crate::state::STORAGE_KEY, &self.saved());
    }
}
