//! Fan charts on egui_plot: median lines with P10-P90 and optionally P5-P95 bands, reference
//! lines, a legend, a monthly axis labelled with dates and hover values that say the month.

use egui::Color32;
use egui_plot::{FilledArea, HLine, HoverPosition, Legend, Line, Plot, PlotPoints};

use crate::forecast::Band;

/// Which percentile bands a chart shows around its medians.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Bands {
    /// P10-P90.
    #[default]
    P10P90,
    /// P5-P95 (and P10-P90 inside it).
    P5P95,
    /// Medians only.
    None,
}

impl Bands {
    /// Every choice, for a selector.
    pub const ALL: [Bands; 3] = [Bands::P10P90, Bands::P5P95, Bands::None];

    /// The choice in words.
    pub fn label(self) -> &'static str {
        match self {
            Bands::P10P90 => "P10-P90 band",
            Bands::P5P95 => "P5-P95 and P10-P90 bands",
            Bands::None => "Medians only",
        }
    }
}

/// One series: a band and its name and colour.
pub struct Series<'a> {
    /// Legend name.
    pub name: String,
    /// Its percentiles.
    pub band: &'a Band,
    /// Line and band colour.
    pub colour: Color32,
    /// Whether to draw its bands (false draws the median only).
    pub bands: bool,
}

/// A horizontal reference line (a target, a threshold, an establishment).
pub struct Reference {
    /// Legend name.
    pub name: String,
    /// Value.
    pub value: f64,
    /// Colour.
    pub colour: Color32,
}

/// A chart to draw.
pub struct Chart<'a> {
    /// Unique id (also keeps the zoom between frames).
    pub id: &'a str,
    /// Y axis label.
    pub y_label: String,
    /// Month labels, one per x position.
    pub months: &'a [String],
    /// The series.
    pub series: Vec<Series<'a>>,
    /// Reference lines.
    pub references: Vec<Reference>,
    /// Which bands.
    pub bands: Bands,
    /// Height in points.
    pub height: f32,
    /// Formats a value for hover labels.
    pub format: fn(f64) -> String,
}

/// `xs` and `ys` as plot points, skipping undefined values.
fn points(ys: &[f64]) -> PlotPoints<'static> {
    ys.iter()
        .enumerate()
        .filter(|(_, y)| y.is_finite())
        .map(|(x, &y)| [x as f64, y])
        .collect()
}

/// A month label for an x position, if it is on a month.
fn month_at(months: &[String], x: f64) -> Option<&str> {
    let i = x.round();
    if (x - i).abs() < 1e-6 && i >= 0.0 {
        months.get(i as usize).map(String::as_str)
    } else {
        None
    }
}

/// Legends longer than this get room of their own past the last month, in the top-right corner
/// where egui_plot draws them, rather than covering the last months' data.
const LEGEND_OVER_DATA: usize = 4;

/// Share of the month axis added on the right for a long legend.
const LEGEND_ROOM: f64 = 0.25;

/// How far the x axis must reach so that a legend of `entries` leaves `months` of data clear: past
/// the last month for a long legend, `None` otherwise.
fn legend_room(months: usize, entries: usize) -> Option<f64> {
    let last = months.checked_sub(1)? as f64;
    (entries > LEGEND_OVER_DATA && last > 0.0).then_some(last * (1.0 + LEGEND_ROOM))
}

/// Draws `chart`; returns the plot's response (its rectangle is what a PNG export crops to).
pub fn show(ui: &mut egui::Ui, chart: &Chart<'_>) -> egui::Response {
    let xs: Vec<f64> = (0..chart.months.len()).map(|i| i as f64).collect();
    let months = chart.months;
    let format = chart.format;
    let entries = chart.series.len() + chart.references.len();
    let mut plot = Plot::new(chart.id);
    if let Some(x) = legend_room(months.len(), entries) {
        plot = plot.include_x(x);
    }
    plot.height(chart.height)
        .legend(Legend::default())
        .x_axis_label("Month")
        .y_axis_label(chart.y_label.clone())
        .x_axis_formatter(move |mark, _| month_at(months, mark.value).unwrap_or("").to_string())
        .y_axis_formatter(move |mark, _| format(mark.value))
        .label_formatter(move |pos| match pos {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => {
                let month = month_at(months, position.x.round()).unwrap_or("");
                Some(format!("{plot_name}\n{month}: {}", format(position.y)))
            }
            HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |plot| {
            for s in &chart.series {
                let band = s.band;
                // A series may cover fewer months than the axis (a pinned forecast of another
                // horizon): its bands stop where it does.
                let n = band.median().len().min(xs.len());
                let xs = &xs[..n];
                if s.bands && chart.bands == Bands::P5P95 {
                    plot.add(
                        FilledArea::new(
                            format!("{} P5-P95", s.name),
                            xs,
                            &band.p5()[..n],
                            &band.p95()[..n],
                        )
                        .fill_color(s.colour.gamma_multiply(0.15)),
                    );
                }
                if s.bands && chart.bands != Bands::None {
                    plot.add(
                        FilledArea::new(
                            format!("{} P10-P90", s.name),
                            xs,
                            &band.p10()[..n],
                            &band.p90()[..n],
                        )
                        .fill_color(s.colour.gamma_multiply(0.3)),
                    );
                }
                plot.line(
                    Line::new(s.name.clone(), points(band.median()))
                        .color(s.colour)
                        .width(2.0),
                );
            }
            for r in &chart.references {
                plot.hline(HLine::new(r.name.clone(), r.value).color(r.colour));
            }
        })
        .response
}

/// A value with no decimals and thousands separators (`12,345`).
pub fn whole(value: f64) -> String {
    if !value.is_finite() {
        return "-".into();
    }
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < -0.5 { format!("-{out}") } else { out }
}

/// A share as a percentage with one decimal.
pub fn share(value: f64) -> String {
    if value.is_finite() {
        format!("{:.1}%", value * 100.0)
    } else {
        "-".into()
    }
}

/// A value with one decimal.
pub fn decimal(value: f64) -> String {
    if value.is_finite() {
        format!("{value:.1}")
    } else {
        "-".into()
    }
}

/// Pounds in millions (`£32.9m`).
pub fn millions(value: f64) -> String {
    if value.is_finite() {
        format!("£{:.2}m", value / 1e6)
    } else {
        "-".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(whole(1234567.4), "1,234,567");
        assert_eq!(whole(999.0), "999");
        assert_eq!(whole(-1500.0), "-1,500");
        assert_eq!(whole(f64::NAN), "-");
        assert_eq!(share(0.956), "95.6%");
        assert_eq!(millions(32_950_000.0), "£32.95m");
    }

    #[test]
    fn months_label_whole_positions_only() {
        let months = vec!["2019-01".to_string(), "2019-02".to_string()];
        assert_eq!(month_at(&months, 1.0), Some("2019-02"));
        assert_eq!(month_at(&months, 0.5), None);
        assert_eq!(month_at(&months, 2.0), None);
        assert_eq!(month_at(&months, -1.0), None);
    }

    #[test]
    fn long_legends_get_room_past_the_last_month() {
        // Ten districts and two reference lines over 60 months: the axis runs to month 73.75.
        assert_eq!(legend_room(60, 12), Some(73.75));
        // A short legend sits over the data, as does any legend on a single month.
        assert_eq!(legend_room(60, 4), None);
        assert_eq!(legend_room(1, 12), None);
        assert_eq!(legend_room(0, 12), None);
    }

    #[test]
    fn undefined_values_are_left_out_of_lines() {
        let p = points(&[1.0, f64::NAN, 3.0]);
        assert_eq!(p.points().len(), 2);
    }
}
