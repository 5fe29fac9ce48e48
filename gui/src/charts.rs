//! Fan charts on egui_plot: median lines with P10-P90 and optionally P5-P95 bands, dashed
//! reference lines labelled on the chart (apart from the series and their legend), a time axis
//! ticked on years, hover values that say the month. They behave like charts people know: the
//! mouse wheel scrolls the page, Ctrl+wheel or a drag zooms and pans, and "Reset view" (or a
//! double click) puts the view back.

use egui::{Align2, Color32};
use egui_plot::{
    Corner, FilledArea, GridInput, GridMark, HLine, HoverPosition, Legend, Line, LineStyle, Plot,
    PlotPoint, PlotPoints, Text,
};

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
    /// The median line's width in points.
    pub width: f32,
}

/// A horizontal reference line (a target, a threshold): dashed, its label on the chart.
pub struct Reference {
    /// The label drawn at the line's right end.
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
    /// Whether the series are named in a legend (off when the page lists them beside the chart).
    pub legend: bool,
    /// Whether the value axis starts at zero (counts of staff, money), not where the data does.
    pub from_zero: bool,
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

/// Grid marks on the month axis: every January (a year apart), every quarter's first month
/// (three months apart), so the axis reads in years whatever the zoom.
pub(crate) fn year_marks(months: &[String], input: GridInput) -> Vec<GridMark> {
    let (low, high) = input.bounds;
    months
        .iter()
        .enumerate()
        .filter(|(i, _)| (*i as f64) >= low.floor() && (*i as f64) <= high.ceil())
        .filter_map(|(i, m)| {
            let month: u32 = m.get(5..7)?.parse().ok()?;
            let step = match month {
                1 => 12.0,
                4 | 7 | 10 => 3.0,
                _ => return None,
            };
            Some(GridMark {
                value: i as f64,
                step_size: step,
            })
        })
        .collect()
}

/// The label of a month axis mark: the year at January, nothing elsewhere.
pub(crate) fn year_label(months: &[String], x: f64) -> String {
    month_at(months, x)
        .filter(|m| m.ends_with("-01"))
        .and_then(|m| m.get(..4))
        .unwrap_or("")
        .to_string()
}

/// Draws `chart` with a "Reset view" button above it; returns the plot's response (its rectangle
/// is what a PNG export crops to).
pub fn show(ui: &mut egui::Ui, chart: &Chart<'_>) -> egui::Response {
    let reset_id = ui.make_persistent_id((chart.id, "reset"));
    let reset = ui.horizontal(|ui| {
        ui.label(
            egui::RichText::new("Ctrl+wheel or drag to zoom and pan")
                .small()
                .weak(),
        );
        ui.button("Reset view")
            .on_hover_text("Back to the whole forecast (or double-click the chart)")
            .clicked()
    });
    let mut plot = Plot::new(chart.id);
    if reset.inner || ui.data(|d| d.get_temp::<bool>(reset_id).unwrap_or(false)) {
        plot = plot.reset();
        ui.data_mut(|d| d.remove::<bool>(reset_id));
    }
    plot_with(ui, chart, plot)
}

fn plot_with<'a>(ui: &mut egui::Ui, chart: &Chart<'a>, plot: Plot<'a>) -> egui::Response {
    let xs: Vec<f64> = (0..chart.months.len()).map(|i| i as f64).collect();
    let months = chart.months;
    let format = chart.format;
    let mut plot = plot
        .height(chart.height)
        // The wheel scrolls the page; Ctrl+wheel zooms, a drag pans.
        .allow_scroll(false)
        .x_axis_label("Year")
        .y_axis_label(chart.y_label.clone())
        .x_grid_spacer(move |input| year_marks(months, input))
        .x_axis_formatter(move |mark, _| year_label(months, mark.value))
        .y_axis_formatter(move |mark, _| format(mark.value));
    if chart.legend {
        // Charts from zero hold their data high: the legend goes low, clear of the lines; the
        // reference lines' labels sit at the right, so with them it goes left.
        let corner = match (chart.from_zero, chart.references.is_empty()) {
            (true, _) => Corner::RightBottom,
            (false, true) => Corner::RightTop,
            (false, false) => Corner::LeftBottom,
        };
        plot = plot.legend(Legend::default().position(corner));
    }
    if chart.from_zero {
        plot = plot.include_y(0.0);
    }
    // Room past the last month for the reference lines' labels.
    if !chart.references.is_empty() && months.len() > 1 {
        plot = plot.include_x((months.len() - 1) as f64 * 1.12);
    }
    plot.label_formatter(move |pos| match pos {
        HoverPosition::NearDataPoint {
            plot_name,
            position,
            ..
        } if !plot_name.is_empty() => {
            let month = month_at(months, position.x.round()).unwrap_or("");
            Some(format!("{plot_name}\n{month}: {}", format(position.y)))
        }
        _ => None,
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
                    .width(s.width),
            );
        }
        let right = months.len().saturating_sub(1) as f64;
        for r in &chart.references {
            // Unnamed, so the legend lists the series only; the label sits on the line.
            plot.hline(
                HLine::new("", r.value)
                    .color(r.colour)
                    .style(LineStyle::dashed_loose())
                    .width(1.5),
            );
            plot.text(
                Text::new(
                    "",
                    PlotPoint::new(right, r.value),
                    egui::RichText::new(&r.name).color(r.colour).small(),
                )
                .anchor(Align2::LEFT_BOTTOM),
            );
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

/// A share as a percentage with one decimal (never "-0.0%").
pub fn share(value: f64) -> String {
    if value.is_finite() {
        unsigned_zero(format!("{:.1}%", value * 100.0))
    } else {
        "-".into()
    }
}

/// A change of a share in percentage points with its sign: `+2.5 pts`, `-0.8 pts`, `0.0 pts`.
pub fn points_change(value: f64) -> String {
    if value.is_finite() {
        unsigned_zero(format!("{:+.1} pts", value * 100.0)).replace("+0.0 pts", "0.0 pts")
    } else {
        "-".into()
    }
}

/// `text` without the minus sign of a value that rounds to zero ("-0.0%" is "0.0%").
fn unsigned_zero(text: String) -> String {
    match text.strip_prefix('-') {
        Some(rest) if !rest.chars().any(|c| c.is_ascii_digit() && c != '0') => rest.to_string(),
        _ => text,
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

/// Pounds in millions as a finance reader writes them: `£32.95m`, `-£0.08m` (the sign before the
/// pound sign; never "-£0.00m").
pub fn millions(value: f64) -> String {
    if !value.is_finite() {
        return "-".into();
    }
    let text = format!("£{:.2}m", value.abs() / 1e6);
    if value < 0.0 && text != "£0.00m" {
        format!("-{text}")
    } else {
        text
    }
}

/// Whole pounds with thousands separators (`£90,412`).
pub fn whole_pounds(value: f64) -> String {
    if !value.is_finite() {
        return "-".into();
    }
    let text = whole(value.abs());
    if value < -0.5 {
        format!("-£{text}")
    } else {
        format!("£{text}")
    }
}

/// A change in pounds in millions with its sign: `+£0.10m`, `-£0.08m`, `£0.00m`.
pub fn millions_change(value: f64) -> String {
    let text = millions(value);
    if value > 0.0 && text != "£0.00m" {
        format!("+{text}")
    } else {
        text
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
        assert_eq!(share(-0.0004), "0.0%");
        assert_eq!(share(-0.004), "-0.4%");
        assert_eq!(points_change(0.025), "+2.5 pts");
        assert_eq!(points_change(-0.0001), "0.0 pts");
        assert_eq!(points_change(0.0001), "0.0 pts");
        assert_eq!(millions(32_950_000.0), "£32.95m");
        assert_eq!(millions(-80_000.0), "-£0.08m");
        assert_eq!(millions(-1_000.0), "£0.00m");
        assert_eq!(millions_change(100_000.0), "+£0.10m");
        assert_eq!(millions_change(-80_000.0), "-£0.08m");
        assert_eq!(millions_change(1_000.0), "£0.00m");
        assert_eq!(whole_pounds(90_412.4), "£90,412");
        assert_eq!(whole_pounds(-1_500.0), "-£1,500");
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
    fn the_month_axis_is_ticked_and_labelled_in_years() {
        let months: Vec<String> = (0..30)
            .map(|i| format!("{}-{:02}", 2019 + (i + 6) / 12, (i + 6) % 12 + 1))
            .collect();
        assert_eq!(months[0], "2019-07");
        let marks = year_marks(
            &months,
            GridInput {
                bounds: (0.0, 29.0),
                base_step_size: 1.0,
            },
        );
        let years: Vec<f64> = marks
            .iter()
            .filter(|m| m.step_size == 12.0)
            .map(|m| m.value)
            .collect();
        // January 2020 and January 2021.
        assert_eq!(years, [6.0, 18.0]);
        // July and October 2019, then April, July and October of 2020 and 2021.
        assert_eq!(marks.iter().filter(|m| m.step_size == 3.0).count(), 8);
        assert_eq!(year_label(&months, 6.0), "2020");
        assert_eq!(year_label(&months, 7.0), "");
        assert_eq!(year_label(&months, 6.5), "");
    }

    #[test]
    fn undefined_values_are_left_out_of_lines() {
        let p = points(&[1.0, f64::NAN, 3.0]);
        assert_eq!(p.points().len(), 2);
    }
}
