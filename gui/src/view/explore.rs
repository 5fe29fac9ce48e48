//! Explore: any metric, for the city or a district, with its bands, reference lines and exports.

use caseload::metrics::Unit;

use crate::charts::{self, Chart, Reference, Series};
use crate::command::{Command, Export};
use crate::forecast::{Band, Forecast, metric_label};
use crate::palette;
use crate::state::ViewState;

use super::{bands_selector, district_selector, focus_index};

/// The reference lines for `metric`: a review's target, or the caseload thresholds.
pub fn references(forecast: &Forecast, metric: &str) -> Vec<Reference> {
    if metric == "caseload_per_hv_wte" {
        return super::dashboard::caseload_lines(&forecast.scenario.model.rag);
    }
    metric
        .strip_prefix("compliance:")
        .and_then(|id| forecast.scenario.model.reviews.iter().find(|r| r.id == id))
        .and_then(|r| {
            Some(Reference {
                name: format!("Target {:.0}%", r.target? * 100.0),
                value: r.target?,
                colour: palette::AMBER,
            })
        })
        .into_iter()
        .collect()
}

/// Whether `metric` is money accrued day by day (spend, budget), which Explore shows per day so
/// that months of 28 and 31 days compare.
pub fn per_day(metric: &str) -> bool {
    metric == "spend" || metric == "budget"
}

/// How values of `metric` read on hover.
pub fn format_of(metric: &str) -> fn(f64) -> String {
    match Unit::of(metric) {
        Unit::Share => charts::share,
        Unit::Pounds => charts::millions,
        Unit::Caseload | Unit::Count => charts::whole,
        Unit::Wte | Unit::Hours => charts::decimal,
    }
}

/// How a difference of `metric` reads: signed, in percentage points for shares, in pounds as a
/// finance reader writes them (`-£0.08m`).
pub fn change_format(metric: &str) -> fn(f64) -> String {
    match Unit::of(metric) {
        Unit::Share => charts::points_change,
        Unit::Pounds => charts::millions_change,
        Unit::Caseload | Unit::Count => charts::whole,
        Unit::Wte | Unit::Hours => charts::decimal,
    }
}

/// A metric selector over the forecast's metrics.
pub fn metric_selector(ui: &mut egui::Ui, forecast: &Forecast, view: &mut ViewState) {
    let model = &forecast.scenario.model;
    egui::ComboBox::from_label("Metric")
        .selected_text(metric_label(model, &view.metric))
        .height(500.0)
        .show_ui(ui, |ui| {
            for m in &forecast.metrics {
                ui.selectable_value(&mut view.metric, m.clone(), metric_label(model, m));
            }
        });
}

/// Draws the page; `band` is the prepared band of the view's metric and focus.
pub fn show(
    ui: &mut egui::Ui,
    f: &Forecast,
    view: &mut ViewState,
    band: Option<&Band>,
    commands: &mut Vec<Command>,
) {
    ui.horizontal_wrapped(|ui| {
        metric_selector(ui, f, view);
        district_selector(ui, f, view);
        bands_selector(ui, view);
    });
    let focus = focus_index(f, view);
    let daily = per_day(&view.metric);
    let title = format!(
        "{}{} - {}",
        metric_label(&f.scenario.model, &view.metric),
        if daily { " per day" } else { "" },
        f.district_names[focus]
    );
    let heading = ui.heading(&title).rect;
    let Some(band) = band else {
        ui.label(format!("This forecast has no metric {:?}.", view.metric));
        return;
    };
    let response = charts::show(
        ui,
        &Chart {
            id: "explore",
            y_label: if daily {
                "£ a day (each month's total over its days)".into()
            } else {
                metric_label(&f.scenario.model, &view.metric)
            },
            months: &f.months,
            series: vec![Series {
                name: "Median".into(),
                band,
                colour: palette::BLUE,
                bands: true,
                width: 2.0,
            }],
            references: references(f, &view.metric),
            bands: view.bands,
            height: 380.0,
            format: if daily {
                charts::whole_pounds
            } else {
                format_of(&view.metric)
            },
            legend: true,
            from_zero: from_zero(&view.metric),
        },
    );
    ui.horizontal(|ui| {
        if ui.button("Export chart data as CSV").clicked() {
            commands.push(Command::Export(Export::ChartCsv));
        }
        if ui.button("Export chart as PNG").clicked() {
            // The picture holds the title as well as the chart, its axes and legend.
            let rect = heading.union(response.rect);
            commands.push(Command::Export(Export::ChartPng(rect)));
        }
    });
    ui.label("Hover over a line for its value.");
}

/// Whether a chart of `metric` starts its value axis at zero: counts, staff and money do, so a
/// change is seen at its true size; shares and caseloads may start where the data does.
pub fn from_zero(metric: &str) -> bool {
    !matches!(Unit::of(metric), Unit::Share | Unit::Caseload)
}
