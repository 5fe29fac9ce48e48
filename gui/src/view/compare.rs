//! Compare: a pinned forecast (A) against the current one (B), both run with the same seed, so
//! replication i of each shares its random numbers (common random numbers, as `caseload compare`
//! does) and the difference B - A is estimated from the pairs.

use caseload::compare::{Difference, difference};
use caseload::output::tables::{CompareRow, Quoting, Table};
use caseload::scenario::diff::{FieldChange, differences};
use egui_plot::{FilledArea, HLine, Legend, Line, Plot, PlotPoints};

use crate::charts::{self, Chart, Series};
use crate::command::{Command, Export};
use crate::forecast::{Band, Forecast, metric_label};
use crate::palette;
use crate::state::ViewState;

use super::explore::{change_format, format_of, metric_selector, references};
use super::{bands_selector, district_selector, focus_index, month_index};

/// A forecast pinned as A.
#[derive(Debug, Clone)]
pub struct Pinned {
    /// The forecast.
    pub forecast: Forecast,
    /// What it was: the scenario and the levers off their baseline.
    pub label: String,
    /// Where the scenario came from, and what it extends, in words.
    pub origin: String,
}

/// The forecast on screen (B), as the page names it.
#[derive(Debug, Clone)]
pub struct Current {
    /// The scenario and the levers off their baseline.
    pub label: String,
    /// Where the scenario came from, and what it extends, in words.
    pub origin: String,
    /// Whether the scenario extends another (so it can be compared with it in one step).
    pub extends: bool,
}

/// One row of the comparison table: a metric at the view's month.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Metric name for people.
    pub label: String,
    /// The metric.
    pub metric: String,
    /// The paired difference.
    pub difference: Difference,
}

impl Row {
    /// The difference in words, read by the metric's direction: "B better", "B worse", "no clear
    /// difference" (see [`Difference::verdict`]).
    pub fn verdict(&self) -> &'static str {
        self.difference.verdict(&self.metric)
    }
}

/// What the page draws, computed once per pair of forecasts and view.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// A's band of the view's metric and focus.
    pub a: Option<Band>,
    /// B's band.
    pub b: Option<Band>,
    /// B - A by month.
    pub by_month: Vec<Difference>,
    /// Headline metrics at the view's month.
    pub rows: Vec<Row>,
    /// Replication pairs used.
    pub pairs: usize,
    /// Every scenario field (levers included) whose value differs between A and B as run.
    pub changes: Vec<FieldChange>,
}

/// Replication by replication values of a cell, the first `n` replications.
fn values(f: &Forecast, month: usize, district: usize, metric: &str, n: usize) -> Option<Vec<f64>> {
    let k = f.results.metric_index(metric)?;
    let mut v = f.results.across_replications(month, district, k);
    v.truncate(n);
    Some(v)
}

/// The paired difference of `metric` in one cell; replications 0..n of each are the pairs.
fn cell(
    a: &Forecast,
    b: &Forecast,
    month: usize,
    district: usize,
    metric: &str,
) -> Option<Difference> {
    let n = a.replications.min(b.replications);
    let district_id = a.districts.get(district)?;
    let db = b.districts.iter().position(|d| d == district_id)?;
    let mb = b
        .months
        .iter()
        .position(|m| Some(m) == a.months.get(month))?;
    Some(difference(
        &values(a, month, district, metric, n)?,
        &values(b, mb, db, metric, n)?,
    ))
}

/// The month (an index into A's) the table is at: the view's month when both forecasts have it,
/// otherwise the last month they share (A and B may cover different periods).
pub fn shared_month(a: &Forecast, b: &Forecast, view: &ViewState) -> usize {
    let both = |m: usize| {
        a.months
            .get(m)
            .is_some_and(|label| b.months.contains(label))
    };
    let chosen = month_index(a, view);
    if both(chosen) {
        return chosen;
    }
    (0..a.months.len())
        .rev()
        .find(|&m| both(m))
        .unwrap_or(chosen)
}

impl Prepared {
    /// The comparison of `a` and `b` as `view` asks.
    pub fn new(a: &Forecast, b: &Forecast, view: &ViewState) -> Self {
        let focus = focus_index(a, view);
        let month = shared_month(a, b, view);
        let by_month = (0..a.months.len())
            .map_while(|m| cell(a, b, m, focus, &view.metric))
            .collect();
        let mut metrics = vec!["caseload_per_hv_wte".to_string(), "hv_wte".into()];
        metrics.extend(
            a.metrics
                .iter()
                .filter(|m| m.starts_with("compliance:"))
                .cloned(),
        );
        metrics.extend(["spend".to_string(), "children".into()]);
        let rows = metrics
            .into_iter()
            .filter_map(|metric| {
                Some(Row {
                    label: metric_label(&a.scenario.model, &metric),
                    difference: cell(a, b, month, focus, &metric)?,
                    metric,
                })
            })
            .collect();
        let b_focus = b
            .districts
            .iter()
            .position(|d| Some(d) == a.districts.get(focus))
            .unwrap_or_else(|| b.city());
        Prepared {
            a: a.band(&view.metric, focus),
            b: b.band(&view.metric, b_focus),
            by_month,
            rows,
            pairs: a.replications.min(b.replications),
            changes: differences(&a.scenario.scenario, &b.scenario.scenario),
        }
    }
}

/// Draws the page.
pub fn show(
    ui: &mut egui::Ui,
    b: &Forecast,
    pinned: Option<&Pinned>,
    current: &Current,
    view: &mut ViewState,
    p: &Prepared,
    commands: &mut Vec<Command>,
) {
    let Some(pinned) = pinned else {
        ui.label(
            "Pin the forecast on screen as A, then change levers or the scenario: the new \
             forecast is B, and this page shows B against A with paired intervals.",
        );
        ui.horizontal_wrapped(|ui| {
            if ui.button("Pin current forecast as A").clicked() {
                commands.push(Command::Pin);
            }
            base_button(ui, current, commands);
        });
        return;
    };
    let a = &pinned.forecast;
    ui.horizontal_wrapped(|ui| {
        ui.label(format!(
            "A: {} ({} replications). {}",
            pinned.label, a.replications, pinned.origin
        ));
        if ui.button("Unpin A").clicked() {
            commands.push(Command::Unpin);
        }
        if ui.button("Pin current forecast as A").clicked() {
            commands.push(Command::Pin);
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label(format!(
            "B: {} ({} replications). {}",
            current.label, b.replications, current.origin
        ));
        base_button(ui, current, commands);
    });
    changes(ui, &p.changes);
    ui.horizontal_wrapped(|ui| {
        metric_selector(ui, a, view);
        district_selector(ui, a, view);
        bands_selector(ui, view);
        super::month_selector(ui, a, view);
    });
    let format = format_of(&view.metric);
    let focus = focus_index(a, view);
    let name = metric_label(&a.scenario.model, &view.metric);
    ui.heading(format!("{name} - {}: A and B", a.district_names[focus]));
    let mut series = Vec::new();
    if let Some(band) = &p.a {
        series.push(Series {
            name: "A".into(),
            band,
            colour: palette::GREY,
            bands: true,
            width: 2.0,
        });
    }
    if let Some(band) = &p.b {
        series.push(Series {
            name: "B".into(),
            band,
            colour: palette::BLUE,
            bands: true,
            width: 2.0,
        });
    }
    charts::show(
        ui,
        &Chart {
            id: "compare_overlay",
            y_label: name.clone(),
            months: &a.months,
            series,
            references: references(a, &view.metric),
            bands: view.bands,
            height: 260.0,
            format,
            legend: true,
            from_zero: super::explore::from_zero(&view.metric),
        },
    );
    ui.heading(format!(
        "Difference B - A with its paired 95% interval ({} pairs)",
        p.pairs
    ));
    difference_chart(ui, &a.months, &p.by_month, format);
    ui.heading(format!(
        "At {}, {}",
        a.months
            .get(shared_month(a, b, view))
            .map_or("", String::as_str),
        a.district_names[focus]
    ));
    table(ui, &p.rows);
    if ui.button("Export comparison as CSV").clicked() {
        commands.push(Command::Export(Export::CompareCsv));
    }
}

/// "Compare with the scenario this one extends", when it extends one.
fn base_button(ui: &mut egui::Ui, current: &Current, commands: &mut Vec<Command>) {
    if current.extends
        && ui
            .button("Compare with the scenario this one extends")
            .on_hover_text(
                "Forecast the scenario this one extends, pin it as A, and come back to this one \
                 (with its levers) as B",
            )
            .clicked()
    {
        commands.push(Command::CompareWithBase);
    }
}

/// What differs between A and B as run: every field, levers included.
fn changes(ui: &mut egui::Ui, changes: &[FieldChange]) {
    let title = match changes.len() {
        0 => "A and B run the same scenario: only their forecasts' runs differ".to_string(),
        1 => "What differs between A and B: 1 field".to_string(),
        n => format!("What differs between A and B: {n} fields"),
    };
    if changes.is_empty() {
        ui.label(title);
        return;
    }
    egui::CollapsingHeader::new(title)
        .id_salt("compare_changes")
        .default_open(changes.len() <= 8)
        .show(ui, |ui| {
            // Within the page's width: long values are cut, whole on hover.
            let column = (ui.available_width() / 3.0 - 12.0).max(120.0);
            egui::Grid::new("compare_changes_table")
                .striped(true)
                .max_col_width(column)
                .show(ui, |ui| {
                    for h in ["Field", "A", "B"] {
                        ui.strong(h);
                    }
                    ui.end_row();
                    let none = "(not set)";
                    for c in changes {
                        for text in [
                            c.path.as_str(),
                            c.a.as_deref().unwrap_or(none),
                            c.b.as_deref().unwrap_or(none),
                        ] {
                            ui.add(egui::Label::new(text).truncate())
                                .on_hover_text(text);
                        }
                        ui.end_row();
                    }
                });
        });
}

fn difference_chart(
    ui: &mut egui::Ui,
    months: &[String],
    diffs: &[Difference],
    format: fn(f64) -> String,
) {
    let xs: Vec<f64> = (0..diffs.len()).map(|i| i as f64).collect();
    let low: Vec<f64> = diffs.iter().map(|d| d.ci95_low).collect();
    let high: Vec<f64> = diffs.iter().map(|d| d.ci95_high).collect();
    let mean: PlotPoints<'static> = diffs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.difference.is_finite())
        .map(|(x, d)| [x as f64, d.difference])
        .collect();
    let (labels, marks) = (months.to_vec(), months.to_vec());
    // The same year axis as every fan chart; the wheel scrolls the page.
    Plot::new("compare_difference")
        .height(200.0)
        .legend(Legend::default())
        .allow_scroll(false)
        .x_axis_label("Year")
        .x_grid_spacer(move |input| charts::year_marks(&marks, input))
        .x_axis_formatter(move |mark, _| charts::year_label(&labels, mark.value))
        .label_formatter(move |pos| match pos {
            egui_plot::HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!("{plot_name}: {}", format(position.y))),
            egui_plot::HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |plot| {
            if low.iter().all(|v| v.is_finite()) && high.iter().all(|v| v.is_finite()) {
                plot.add(
                    FilledArea::new("Paired 95% interval", &xs, &low, &high)
                        .fill_color(palette::BLUE.gamma_multiply(0.3)),
                );
            }
            plot.line(
                Line::new("Mean difference B - A", mean)
                    .color(palette::BLUE)
                    .width(2.0),
            );
            plot.hline(HLine::new("No difference", 0.0).color(palette::GREY));
        });
}

fn table(ui: &mut egui::Ui, rows: &[Row]) {
    egui::Grid::new("compare_table")
        .striped(true)
        .show(ui, |ui| {
            for h in [
                "Metric",
                "A (mean)",
                "B (mean)",
                "B - A",
                "Paired 95% interval",
                "Verdict",
            ] {
                ui.strong(h);
            }
            ui.end_row();
            for r in rows {
                let (f, change) = (format_of(&r.metric), change_format(&r.metric));
                let d = &r.difference;
                if r.metric == "spend" {
                    ui.label(format!("{} in the month", r.label));
                } else {
                    ui.label(&r.label);
                }
                ui.label(f(d.mean_a));
                ui.label(f(d.mean_b));
                ui.label(change(d.difference));
                ui.label(format!("{} to {}", change(d.ci95_low), change(d.ci95_high)));
                ui.label(r.verdict());
                ui.end_row();
            }
        });
}

/// The comparison table as CSV (what the page shows, for every row): compare.csv's columns, then
/// the pairs behind each difference and the page's verdict.
pub fn csv(p: &Prepared, month: &str, district: &str) -> Result<String, csv::Error> {
    let extra = ["pairs", "verdict"];
    let mut table = Table::with_extra::<CompareRow>(Vec::new(), Quoting::Needed, &extra)?;
    for r in &p.rows {
        let row = CompareRow::new(month, district, &r.metric, &r.difference);
        table.row_extra(&row, (r.difference.pairs, r.verdict()))?;
    }
    let bytes = table.finish()?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
