//! The dashboard, built to answer a board's questions at a glance on a 1366x768 laptop: a tile per
//! mandated review (in the chosen district, or the whole city), the districts worst first beside
//! caseload per HV WTE over time (the city's band, each district in its own colour, the status
//! thresholds dashed and labelled apart), then health-visitor WTE against establishment and spend
//! against budget by financial year.

use caseload::finance::{self, Period};
use caseload::rag::{Rag, RagRule};
use caseload::report::IHV_GUIDANCE;
use egui::RichText;

use crate::charts::{self, Chart, Reference, Series};
use crate::forecast::{Band, Forecast, Tile, status_word};
use crate::palette;
use crate::state::ViewState;

use super::{district_selector, focus_index, month_index, month_selector};

/// One district in the worst-first list.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// The district's index in the forecast (its colour's too).
    pub index: usize,
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Median caseload per HV WTE at the view's month.
    pub median: f64,
    /// P10 and P90.
    pub range: (f64, f64),
    /// Its status by the scenario's rule.
    pub status: Option<Rag>,
}

/// What the dashboard draws, computed once per forecast and view.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// Review tiles at the view's month, in the focused district (or the city).
    pub tiles: Vec<Tile>,
    /// Caseload per HV WTE of each district (index, name, band), in scenario order.
    pub caseloads: Vec<(usize, String, Band)>,
    /// The city's caseload per HV WTE.
    pub city: Option<Band>,
    /// Districts by caseload per HV WTE at the view's month, the highest first.
    pub worst: Vec<Ranked>,
    /// Health-visitor WTE in post in the focus.
    pub hv_wte: Option<Band>,
    /// Funded health-visitor WTE in the focus.
    pub establishment: Option<Band>,
    /// Spend and budget by financial year (city).
    pub years: Vec<Period>,
    /// The financial year to date at the view's month (city).
    pub to_date: Option<Period>,
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
        let month = month_index(forecast, view);
        let city = forecast.city();
        let caseloads: Vec<(usize, String, Band)> = (0..city)
            .filter_map(|d| {
                let band = forecast.band("caseload_per_hv_wte", d)?;
                Some((d, forecast.district_names[d].clone(), band))
            })
            .collect();
        let rule = &forecast.scenario.model.rag;
        let mut worst: Vec<Ranked> = caseloads
            .iter()
            .map(|(d, name, band)| {
                let median = band.median()[month];
                Ranked {
                    index: *d,
                    id: forecast.districts[*d].clone(),
                    name: name.clone(),
                    median,
                    range: (band.p10()[month], band.p90()[month]),
                    status: rule.caseload(median),
                }
            })
            .collect();
        // Highest first; districts with no health visitors (no value) last.
        worst.sort_by(|a, b| match (a.median.is_nan(), b.median.is_nan()) {
            (false, false) => b.median.total_cmp(&a.median),
            (x, y) => x.cmp(&y),
        });
        let establishment = hv_role(forecast)
            .and_then(|id| meaningful(forecast.band(&format!("establishment:{id}"), focus)));
        let results = &forecast.results;
        let spends = meaningful(forecast.band("spend", city)).is_some();
        Prepared {
            tiles: forecast.tiles(month, focus),
            city: forecast.band("caseload_per_hv_wte", city),
            caseloads,
            worst,
            hv_wte: forecast.band("hv_wte", focus),
            establishment,
            years: if spends {
                finance::financial_years(results, city)
            } else {
                Vec::new()
            },
            to_date: spends
                .then(|| finance::year_to_date(results, city, month))
                .flatten(),
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

/// A tile's content width, and the room one takes in a row (frame margins, stroke and spacing):
/// five fit beside the levers on a 1366-point-wide screen.
const TILE_WIDTH: f32 = 164.0;
const TILE_PITCH: f32 = TILE_WIDTH + 22.0;

fn tile(ui: &mut egui::Ui, t: &Tile) {
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(2.0, palette::status(t.status)))
        .inner_margin(6.0)
        .show(ui, |ui| {
            ui.set_width(TILE_WIDTH);
            ui.vertical(|ui| {
                ui.spacing_mut().item_spacing.y = 2.0;
                ui.label(RichText::new(format!("{} ({})", t.name, t.code)).strong());
                ui.label(format!(
                    "{} on time, target {}",
                    percent(t.median),
                    percent(t.target)
                ));
                ui.colored_label(palette::status(t.status), status_word(t.status));
                ui.label(format!("Chance of target: {}", percent(t.chance)))
                    .on_hover_text("The share of replications that meet the target");
            });
        });
}

/// Draws the dashboard.
pub fn show(ui: &mut egui::Ui, f: &Forecast, view: &mut ViewState, p: &Prepared, refined: bool) {
    let month = month_index(f, view);
    let focus = focus_index(f, view);
    ui.horizontal_wrapped(|ui| {
        month_selector(ui, f, view);
        ui.separator();
        district_selector(ui, f, view);
    });
    let label = f.months.get(month).map_or("", String::as_str);
    let refining = if refined { "" } else { ", quick pass" };
    ui.strong(format!(
        "Reviews in {label}, {}: median compliance ({} replications{refining})",
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
    ui.add(egui::Label::new(RichText::new(format!("Status: {}", rule.in_words())).small()).wrap());
    ui.separator();
    caseload(ui, f, view, p, label);
    ui.separator();
    // Money's table needs more room than the staffing chart.
    ui.horizontal_top(|ui| {
        let down = egui::Layout::top_down(egui::Align::Min);
        let width = ui.available_width();
        ui.allocate_ui_with_layout(egui::vec2(width * 0.4 - 8.0, 300.0), down, |ui| {
            staffing(ui, f, view, p);
        });
        ui.allocate_ui_with_layout(egui::vec2(width * 0.6 - 8.0, 300.0), down, |ui| {
            money(ui, f, p);
        });
    });
}

/// Caseload per HV WTE over time beside the districts, worst first.
fn caseload(ui: &mut egui::Ui, f: &Forecast, view: &mut ViewState, p: &Prepared, label: &str) {
    let focus = focus_index(f, view);
    ui.strong(format!(
        "Caseload per HV WTE (children per health-visitor WTE): city {} in {label} (median)",
        charts::whole(f.median("caseload_per_hv_wte", f.city(), month_index(f, view)))
    ));
    let list_width = 330.0_f32.min(ui.available_width() * 0.4);
    // The chart takes what the screen leaves below it, within reason.
    let below = ui.clip_rect().bottom() - ui.cursor().top() - 60.0;
    let height = below.clamp(220.0, 340.0);
    ui.horizontal_top(|ui| {
        let chart_width = ui.available_width() - list_width - 12.0;
        let down = egui::Layout::top_down(egui::Align::Min);
        ui.allocate_ui_with_layout(egui::vec2(chart_width, height + 40.0), down, |ui| {
            let mut series = Vec::new();
            if let Some(city) = &p.city {
                series.push(Series {
                    name: "Whole city".into(),
                    band: city,
                    colour: palette::CITY,
                    bands: focus == f.city(),
                    width: 3.0,
                });
            }
            for (d, name, band) in &p.caseloads {
                let focused = *d == focus;
                series.push(Series {
                    name: name.clone(),
                    band,
                    colour: palette::district(*d),
                    bands: focused,
                    width: if focused { 3.0 } else { 1.2 },
                });
            }
            charts::show(
                ui,
                &Chart {
                    id: "dashboard_caseload",
                    y_label: "Children per HV WTE".into(),
                    months: &f.months,
                    series,
                    references: caseload_lines(&f.scenario.model.rag),
                    bands: view.bands,
                    height,
                    format: charts::whole,
                    legend: false,
                    from_zero: false,
                },
            );
        });
        ui.allocate_ui_with_layout(egui::vec2(list_width, height + 40.0), down, |ui| {
            worst_first(ui, f, view, p, label);
        });
    });
}

/// The districts by caseload at the month, highest first: each in its chart colour, with its
/// range and status; a click focuses every chart on it.
fn worst_first(ui: &mut egui::Ui, f: &Forecast, view: &mut ViewState, p: &Prepared, label: &str) {
    ui.label(RichText::new(format!("Districts, highest caseload first ({label})")).strong());
    let focus = focus_index(f, view);
    egui::Grid::new("worst_first")
        .striped(true)
        .spacing([8.0, 3.0])
        .show(ui, |ui| {
            ui.label("");
            ui.label(RichText::new("District").small());
            ui.label(RichText::new("Median").small());
            ui.label(RichText::new("P10-P90").small());
            ui.label(RichText::new("Status").small());
            ui.end_row();
            for r in &p.worst {
                swatch(ui, palette::district(r.index));
                let selected = r.index == focus;
                if ui
                    .selectable_label(selected, &r.name)
                    .on_hover_text("Focus the charts on this district (click again for the city)")
                    .clicked()
                {
                    view.focus = if selected { None } else { Some(r.id.clone()) };
                }
                ui.label(charts::whole(r.median));
                ui.label(format!(
                    "{}-{}",
                    charts::whole(r.range.0),
                    charts::whole(r.range.1)
                ));
                status_cell(ui, r.status);
                ui.end_row();
            }
            swatch(ui, palette::CITY);
            ui.label("Whole city");
            let m = month_index(f, view);
            match &p.city {
                Some(city) => {
                    let median = city.median()[m];
                    ui.label(charts::whole(median));
                    ui.label(format!(
                        "{}-{}",
                        charts::whole(city.p10()[m]),
                        charts::whole(city.p90()[m])
                    ));
                    status_cell(ui, f.scenario.model.rag.caseload(median));
                }
                None => {
                    ui.label("-");
                }
            }
            ui.end_row();
        });
}

/// A status in one word and its colour (the full words are in the rule under the tiles).
fn status_cell(ui: &mut egui::Ui, status: Option<Rag>) {
    let word = status.map_or("-", |r| match r {
        Rag::Green => "Green",
        Rag::Amber => "Amber",
        Rag::Red => "Red",
    });
    ui.colored_label(palette::status(status), word)
        .on_hover_text(status_word(status));
}

/// A small square of a series' colour: the list's legend.
fn swatch(ui: &mut egui::Ui, colour: egui::Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, colour);
}

/// Health-visitor WTE in post against the establishment, from zero.
fn staffing(ui: &mut egui::Ui, f: &Forecast, view: &ViewState, p: &Prepared) {
    let focus_name = &f.district_names[focus_index(f, view)];
    ui.strong(format!(
        "Health-visitor WTE in post against establishment: {focus_name}"
    ));
    let Some(hv) = &p.hv_wte else {
        ui.label("No health-visitor WTE in this forecast.");
        return;
    };
    let mut series = Vec::new();
    // The establishment first, in its own colour and thicker, so it shows around the in-post line
    // where the two meet.
    if let Some(e) = &p.establishment {
        series.push(Series {
            name: "Establishment (funded)".into(),
            band: e,
            colour: palette::AMBER,
            bands: false,
            width: 3.0,
        });
    } else {
        ui.label("This scenario sets no establishment.");
    }
    series.push(Series {
        name: "In post".into(),
        band: hv,
        colour: palette::BLUE,
        bands: true,
        width: 2.0,
    });
    charts::show(
        ui,
        &Chart {
            id: "dashboard_hv_wte",
            y_label: "WTE".into(),
            months: &f.months,
            series,
            references: vec![],
            bands: view.bands,
            height: 220.0,
            format: charts::decimal,
            legend: true,
            from_zero: true,
        },
    );
}

/// Spend against budget as a finance reader reads it: by financial year, the year to date, and
/// the forecast outturn with its over- or underspend.
fn money(ui: &mut egui::Ui, f: &Forecast, p: &Prepared) {
    ui.strong("Spend against budget: whole city, by financial year");
    if p.years.is_empty() {
        ui.label("This scenario costs nothing and sets no budget.");
        return;
    }
    let budgeted = f.scenario.model.budget.is_some();
    if !budgeted {
        ui.label("This scenario sets no budget: spend only.");
    }
    if let Some(ytd) = &p.to_date {
        let (a, b) = ytd.months;
        let span = format!(
            "{} to {}",
            f.months.get(a).map_or("", String::as_str),
            f.months.get(b).map_or("", String::as_str)
        );
        let line = if budgeted {
            format!(
                "{} to date ({span}): spend {} against {} budgeted, {}.",
                ytd.year,
                charts::millions(ytd.spend.median()),
                charts::millions(ytd.budget.median()),
                variance_words(ytd)
            )
        } else {
            format!(
                "{} to date ({span}): spend {}.",
                ytd.year,
                charts::millions(ytd.spend.median())
            )
        };
        ui.add(egui::Label::new(line).wrap());
    }
    egui::Grid::new("money_by_year")
        .striped(true)
        .spacing([10.0, 3.0])
        .show(ui, |ui| {
            for h in [
                "Year",
                "Budget",
                "Forecast spend",
                "P10-P90",
                "Over (+) / under (-)",
            ] {
                ui.label(RichText::new(h).small().strong());
            }
            ui.end_row();
            for y in &p.years {
                let months = y.months.1 - y.months.0 + 1;
                if y.whole_year {
                    ui.label(&y.year);
                } else {
                    ui.label(format!("{} ({months} mo.)", y.year))
                        .on_hover_text("Part of the year falls outside the forecast");
                }
                ui.label(if budgeted {
                    charts::millions(y.budget.median())
                } else {
                    "-".into()
                });
                ui.label(charts::millions(y.spend.median()));
                ui.label(format!(
                    "{} to {}",
                    charts::millions(y.spend.percentiles[1]),
                    charts::millions(y.spend.percentiles[3])
                ));
                if budgeted {
                    let v = &y.variance;
                    let colour = if v.median() > 0.0 {
                        palette::RED
                    } else {
                        ui.visuals().text_color()
                    };
                    ui.colored_label(
                        colour,
                        format!(
                            "{} ({} to {})",
                            charts::millions_change(v.median()),
                            charts::millions_change(v.percentiles[1]),
                            charts::millions_change(v.percentiles[3])
                        ),
                    );
                } else {
                    ui.label("-");
                }
                ui.end_row();
            }
        });
    ui.label(
        RichText::new(
            "Financial years run April to March. Medians and P10-P90 of each year's total \
             across replications; a year's total is its forecast outturn.",
        )
        .small(),
    );
}

/// An over- or underspend in words with its range.
fn variance_words(p: &Period) -> String {
    let v = &p.variance;
    let (low, high) = (v.percentiles[1], v.percentiles[3]);
    let range = format!(
        "P10-P90 {} to {}",
        charts::millions_change(low),
        charts::millions_change(high)
    );
    if v.median() > 0.0 {
        format!("{} over ({range})", charts::millions(v.median()))
    } else {
        format!("{} under ({range})", charts::millions(-v.median()))
    }
}

/// The status thresholds of caseload per HV WTE, and the iHV's guidance.
pub fn caseload_lines(rule: &RagRule) -> Vec<Reference> {
    vec![
        Reference {
            name: format!("Red above {:.0}", rule.caseload_amber),
            value: rule.caseload_amber,
            colour: palette::RED,
        },
        Reference {
            name: format!("Amber above {:.0}", rule.caseload_green),
            value: rule.caseload_green,
            colour: palette::AMBER,
        },
        Reference {
            name: format!("iHV guidance {IHV_GUIDANCE:.0}"),
            value: IHV_GUIDANCE,
            colour: palette::PURPLE,
        },
    ]
}
