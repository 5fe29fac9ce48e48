//! What the app remembers between launches (eframe storage): the scenario, the levers, the view.
//! Every field has a default, so a store written by an older version still loads.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::charts::Bands;
use crate::editor::EditorState;
use crate::levers::Value;

/// Where the scenario the forecasts run on came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// One of the scenarios shipped inside the app, by file name.
    Shipped(String),
    /// A file on disk.
    File(PathBuf),
}

impl Source {
    /// Where the scenario came from, for people: a path, or a shipped file's name.
    pub fn name(&self) -> String {
        match self {
            Source::Shipped(file) => format!("{file} (shipped with the app)"),
            Source::File(path) => path.display().to_string(),
        }
    }
}

impl Default for Source {
    fn default() -> Self {
        Source::Shipped(caseload::load::BASELINE_NAME.into())
    }
}

/// The app's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Tab {
    /// Review tiles and the four headline charts.
    #[default]
    Dashboard,
    /// Any metric, city or district.
    Explore,
    /// A pinned forecast against the current one.
    Compare,
    /// The districts table.
    Districts,
    /// The scenario editor.
    Scenario,
}

impl Tab {
    /// Every page, in the order of the tab bar.
    pub const ALL: [Tab; 5] = [
        Tab::Dashboard,
        Tab::Explore,
        Tab::Compare,
        Tab::Districts,
        Tab::Scenario,
    ];

    /// The page's name.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Dashboard => "Dashboard",
            Tab::Explore => "Explore",
            Tab::Compare => "Compare",
            Tab::Districts => "Districts",
            Tab::Scenario => "Scenario editor",
        }
    }
}

/// A column of the districts table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Column {
    /// District name.
    #[default]
    Name,
    /// Children on the caseload.
    Children,
    /// Health-visitor WTE in post.
    HvWte,
    /// Caseload per HV WTE.
    Caseload,
    /// Health-visitor vacancies.
    Vacancies,
    /// New birth visit compliance.
    NewBirth,
}

/// The view: what is shown and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewState {
    /// The page shown.
    pub tab: Tab,
    /// The metric on the Explore and Compare pages.
    pub metric: String,
    /// The district the charts focus on (its id); `None` is the whole city.
    pub focus: Option<String>,
    /// Bands drawn around medians.
    pub bands: Bands,
    /// The month tiles, tables and chances are for; `None` is the last month.
    pub target_month: Option<String>,
    /// Where exports are written.
    pub export_dir: PathBuf,
    /// Districts table order.
    pub sort: Column,
    /// Whether the order is descending.
    pub descending: bool,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            tab: Tab::Dashboard,
            metric: "caseload_per_hv_wte".into(),
            focus: None,
            bands: Bands::P10P90,
            target_month: None,
            export_dir: PathBuf::from("caseload-export"),
            sort: Column::Caseload,
            descending: true,
        }
    }
}

/// Everything persisted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Saved {
    /// The scenario.
    pub source: Source,
    /// Lever values by key (levers the scenario lacks are ignored on restore).
    pub levers: BTreeMap<String, Value>,
    /// The view.
    pub view: ViewState,
    /// The scenario editor's recent files and last path.
    pub editor: EditorState,
}

/// The key the state is stored under.
pub const STORAGE_KEY: &str = "caseload-gui";
