//! What the UI asks for while drawing: views push [`Command`]s and the app applies them after the
//! frame ([`crate::app::CaseloadApp::apply`]). It sits below the views and the app, so views name
//! what they want without reaching into the app that draws them (as rerun keeps its
//! `SystemCommand` below its views).

use std::path::PathBuf;

use caseload::load::Loaded;

use crate::levers::Value;
use crate::state::Source;

/// An export the user asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Export {
    /// The Explore chart's data.
    ChartCsv,
    /// The Explore chart as an image; the rectangle is where it is on screen.
    ChartPng(egui::Rect),
    /// The Compare page's table.
    CompareCsv,
    /// The board report of the current forecast.
    Report,
    /// The Excel workbook of the current forecast (and the pinned one, if any).
    Workbook,
}

/// Something the UI asked for while drawing.
#[derive(Debug, Clone)]
pub enum Command {
    /// Set a lever (by key).
    SetLever(String, Value),
    /// Every lever back to the scenario's value.
    ResetLevers,
    /// Forecast a scenario shipped with the app.
    UseShipped(&'static str),
    /// Forecast this scenario, which came from `Source`.
    UseScenario(Box<Loaded>, Source),
    /// Cancel the running forecast (its finished replications are kept).
    Cancel,
    /// Run the cancelled forecast again, from the replications it finished.
    Resume,
    /// Pin the current forecast as A.
    Pin,
    /// Drop the pinned forecast.
    Unpin,
    /// Write an export (asking first if it would replace files).
    Export(Export),
    /// Write the export asked about, replacing its files.
    ReplaceExport(Export),
    /// Leave the files the export would replace alone.
    KeepExport,
    /// Choose the folder exports go to.
    ChooseExportFolder,
    /// Draw the uncertain inputs from the calibrated posterior in this posterior.csv.
    UsePosterior(PathBuf),
    /// Draw them from the scenario's own distributions again.
    DropPosterior,
    /// Forecast the scenario the chosen one extends, pin it as A, and come back to the chosen
    /// one (with its levers) as B.
    CompareWithBase,
}
