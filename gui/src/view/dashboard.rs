//! The dashboard: a tile per mandated review (in the chosen district, or the whole city), caseload
//! per HV WTE by district against the status thresholds and the iHV's 250, health-visitor WTE
//! against establishment, spend against budget.

use egui::RichText;

use crate::charts::{self, Chart, Reference, Series};
use caseload::rag::RagRule;
use caseload::report::IHV_GUIDANCE;

use crate::forecast::{Band, Forecast, Tile, status_word};
use crate::palette;
use crate::state::ViewState;

use super::{district_selector, focus_index, month_index, month_selector};

/// What the dashboard draws, computed once per forecast and view.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// Review tiles at the view's month, in the focused district (or the city).
    pub tiles: Vec<Tile>,
    /// Caseload per HV WTE for each district (name, band), the focused one first.
    pub caseloads: Vec<(String, Band)>,
    /// Health-visitor WTE in post in the focus.
    pub hv_wte: Option<Band>,
    /// Funded health-visitor WTE in the focus.
    pub establishment: Option<Band>,
    /// Monthly spend (city).
    pub spend: Option<Band>,
    /// Monthly budget (city).
    pub budget: Option<Band>,
}

/// The health-visitor role's id.
pub fn hv_role(forecast: &Forecast) -> Option<&str> {
    forecast
        .scenario
        .scenario
        .roles
        .iter()
        .find(|r| r.health_visitor)
        .map(|r| r.id.as_str())
}

/// A band with any defined, non-zero value.
fn meaningful(band: Option<Band>) -> Option<Band> {
    band.filter(|b| b.median().iter().any(|v| v.is_finite() && *v != 0.0))
}

impl Prepared {
    /// The dashboard of `forecast` as `view` asks.
    pub fn new(forecast: &Forecast, view: &ViewState) -> Self {
        let focus = focus_index(forecast, view);
        let city = forecast.city();
        let mut caseloads: Vec<(String, Band)> = (0..city)
            .filter_map(|d| {
                let band = forecast.band("caseload_per_hv_wte", d)?;
                Some((forecast.district_names[d].clone(), band))
            })
            .collect();
        if focus < city {
            caseloads.swap(0, focus);
        }
        let establishment = hv_role(forecast)
            .and_then(|id| meaningful(forecast.band(&format!("establishment:{id}"), focus)));
        Prepared {
            tiles: forecast.tiles(month_index(forecast, view), focus),
            caseloads,
            hv_wte: forecast.band("hv_wte", focus),
            establishment,
            spend: meaningful(forecast.band("spend", city)),
            budget: meaningful(forecast.band("budget", city)),
        }
    }
}

fn percent(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        format!("{:.0}%", x * 100.0)
    }
}

/// A tile's content width, and the room one takes in a row (frame margins, stroke and spacing).
const TILE_WIDTH: f32 = 190.0;
const TILE_PITCH: f32 = TILE_WIDTH + 24.0;

fn tile(ui: &mut egui::Ui, t: &Tile) {
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(2.0, palette::status(t.status)))
        .show(ui, |ui| {
            ui.set_width(TILE_WIDTH);
            ui.vertical(|ui| {
                ui.label(RichText::new(format!("{} ({})", t.name, t.code)).strong());
                ui.label(format!(
                    "Compliance {} vs target {}",
                    percent(t.median),
                    percent(t.target)
                ));
                ui.colored_label(palette::status(t.status), status_word(t.status));
                ui.label(format!("Chance of meeting target: {}", percent(t.chance)));
            });
        });
}

/// Why the spend line zigzags: spend and budget accrue daily, so a month's totals follow its length.
pub const SPEND_BY_THE_DAY: &str =
    "Spend and budget accrue day by day, so a month's totals follow its length in days.";

/// Draws the dashboard.
pub fn show(ui: &mut egui::Ui, f: &Forecast, view: &mut ViewState, p: &Prepared, refined: bool) {
    let month = month_index(f, view);
    ui.horizontal(|ui| {
        month_selector(ui, f, view);
        district_selector(ui, f, view);
    });
    let label = f.months.get(month).map_or("", String::as_str);
    let refining = if refined { "" } else { " (quick pass)" };
    let focus = focus_index(f, view);
    ui.heading(format!(
        "Reviews in {label}, {}: median compliance across {} replications{refining}",
        f.district_names[focus], f.replications
    ));
    let uncertain = &f.scenario.scenario.uncertain;
    if !uncertain.is_empty() {
        let paths: Vec<&str> = uncertain.iter().map(|u| u.path.as_str()).collect();
        ui.label(format!(
            "The bands include uncertain inputs, drawn afresh for each replication: {}.",
            paths.join(", ")
        ));
    }
    // Rows of as many tiles as fit (egui wraps plain widgets, not framed groups).
    if p.tiles.is_empty() {
        ui.label("This scenario sets no review targets: Explore shows each review's compliance.");
    }
    let per_row = ((ui.available_width() + 8.0) / TILE_PITCH).floor().max(1.0) as usize;
    for row in p.tiles.chunks(per_row) {
        ui.horizontal(|ui| {
            for t in row {
                tile(ui, t);
            }
        });
    }
    let rule = &f.scenario.model.rag;
    ui.label(egui::RichText::new(format!("Status: {}", rule.in_words())).small());
    ui.separator();
    let focus_name = &f.district_names[focus];
    ui.heading(format!(
        "Caseload per HV WTE: city {:.0} in {label} (median)",
        f.median("caseload_per_hv_wte", f.city(), month)
    ));
    let series = p
        .caseloads
        .iter()
        .enumerate()
        .map(|(i, (name, band))| Series {
            name: name.clone(),
            band,
            colour: palette::SERIES[i % palette::SERIES.len()],
            // Bands for the focused district only; ten bands would hide each other.
            bands: i == 0 && focus != f.city(),
        })
        .collect();
    charts::show(
        ui,
        &Chart {
            id: "dashboard_caseload",
            y_label: "Children per HV WTE".into(),
            months: &f.months,
            series,
            references: caseload_lines(rule),
            bands: view.bands,
            height: 300.0,
            format: charts::whole,
        },
    );
    ui.columns(2, |cols| {
        cols[0].heading(format!(
            "Health-visitor WTE against establishment: {focus_name}"
        ));
        match &p.hv_wte {
            Some(hv) => {
                let mut series = vec![Series {
                    name: "HV WTE in post".into(),
                    band: hv,
                    colour: palette::BLUE,
                    bands: true,
                }];
                if let Some(e) = &p.establishment {
                    series.push(Series {
                        name: "Establishment".into(),
                        band: e,
                        colour: palette::GREY,
                        bands: false,
                    });
                } else {
                    cols[0].label("This scenario sets no establishment.");
                }
                charts::show(
                    &mut cols[0],
                    &Chart {
                        id: "dashboard_hv_wte",
                        y_label: "WTE".into(),
                        months: &f.months,
                        series,
                        references: vec![],
                        bands: view.bands,
                        height: 240.0,
                        format: charts::decimal,
                    },
                );
            }
            None => {
                cols[0].label("No health-visitor WTE in this forecast.");
            }
        }
        cols[1].heading("Spend against budget: whole city, per month");
        match (&p.spend, &p.budget) {
            (Some(spend), budget) => {
                let mut series = vec![Series {
                    name: "Spend".into(),
                    band: spend,
                    colour: palette::PURPLE,
                    bands: true,
                }];
                if let Some(b) = budget {
                    series.push(Series {
                        name: "Budget".into(),
                        band: b,
                        colour: palette::GREY,
                        bands: false,
                    });
                } else {
                    cols[1].label("This scenario sets no budget: spend only.");
                }
                cols[1].label(SPEND_BY_THE_DAY);
                charts::show(
                    &mut cols[1],
                    &Chart {
                        id: "dashboard_spend",
                        y_label: "£ a month".into(),
                        months: &f.months,
                        series,
                        references: vec![],
                        bands: view.bands,
                        height: 240.0,
                        format: charts::millions,
                    },
                );
            }
            (None, _) => {
                cols[1].label("This scenario costs nothing and sets no budget.");
            }
        }
    });
}

/// The status thresholds of caseload per HV WTE, and the iHV's guidance.
pub fn caseload_lines(rule: &RagRule) -> Vec<Reference> {
    vec![
        Reference {
            name: format!("Amber above {:.0}", rule.caseload_green),
            value: rule.caseload_green,
            colour: palette::AMBER,
        },
        Reference {
            name: format!("Red above {:.0}", rule.caseload_amber),
            value: rule.caseload_amber,
            colour: palette::RED,
        },
        Reference {
            name: format!("iHV guidance {IHV_GUIDANCE:.0}"),
            value: IHV_GUIDANCE,
            colour: palette::PURPLE,
        },
    ]
}
