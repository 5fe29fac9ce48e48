//! Fan charts as inline SVG, drawn with plotters' SVG backend. Text goes into the SVG as `<text>`
//! elements for the browser to set, so drawing needs no font files: plotters' built-in estimate of
//! text width (its `naive` font module, used when neither `ttf` nor `ab_glyph` is enabled) lays out
//! the axes.
//!
//! A chart has a fan (P5-P95 and P10-P90 bands as `<polygon>`s, the median as a `<polyline>`),
//! optional lines that change over time (establishment, budget) and optional horizontal reference
//! lines (guidance, targets), each labelled at its right-hand end. Months where the metric is
//! undefined in every replication (a compliance with nothing due) leave gaps.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::summary::Summary;

/// Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
pub mod palette {
    use plotters::style::RGBColor;

    /// Blue: the fan and its median.
    pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    /// Bluish green: guidance and targets met.
    pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
    /// Orange: the planned caseload.
    pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
    /// Vermillion: establishment.
    pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    /// Reddish purple: budget.
    pub const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
    /// Near-black for text and axes.
    pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
}

/// Opacity of the P5-P95 band.
pub const OUTER_BAND_OPACITY: f64 = 0.18;
/// Opacity of the P10-P90 band (drawn over the outer band).
pub const INNER_BAND_OPACITY: f64 = 0.30;

/// Width allowed for one character of a line's label, in pixels (the labels are set at about 12
/// px in a sans-serif face).
const LABEL_CHAR_WIDTH: f64 = 7.0;

/// The percentiles of one metric in one district, month by month (NaN where undefined).
#[derive(Debug, Clone, Default)]
pub struct Fan {
    /// P5, P10, P50, P90, P95 by month.
    pub percentiles: Vec<[f64; 5]>,
}

impl Fan {
    /// The fan of `metric` in `district` from `summary`, each value multiplied by `scale`.
    pub fn of(
        summary: &Summary,
        months: usize,
        district: usize,
        metric: usize,
        scale: f64,
    ) -> Self {
        Fan {
            percentiles: (0..months)
                .map(|m| {
                    summary
                        .get(m, district, metric)
                        .percentiles
                        .map(|p| p * scale)
                })
                .collect(),
        }
    }

    fn column(&self, i: usize) -> Vec<f64> {
        self.percentiles.iter().map(|p| p[i]).collect()
    }

    /// The largest defined value (P95), or 0.
    pub fn max(&self) -> f64 {
        max_of(&self.column(4))
    }
}

/// The largest defined value in `values`, or 0.
pub fn max_of(values: &[f64]) -> f64 {
    values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

/// A line drawn over the fan, labelled at its last defined point.
#[derive(Debug, Clone)]
pub struct Line {
    /// Values by month (NaN where undefined); a single value draws a horizontal line.
    pub values: Vec<f64>,
    /// The label, also drawn in the chart.
    pub label: String,
    /// Colour.
    pub colour: RGBColor,
}

impl Line {
    /// A horizontal reference line at `value`.
    pub fn level(value: f64, label: impl Into<String>, colour: RGBColor) -> Self {
        Line {
            values: vec![value],
            label: label.into(),
            colour,
        }
    }
}

/// Everything one chart shows.
#[derive(Debug, Clone)]
pub struct Chart<'a> {
    /// Month labels, `YYYY-MM`.
    pub months: &'a [String],
    /// The fan.
    pub fan: Fan,
    /// Lines over the fan.
    pub lines: Vec<Line>,
    /// The y axis from 0 to this.
    pub y_max: f64,
    /// The y axis title.
    pub y_title: &'a str,
    /// Formats y axis labels.
    pub y_format: fn(f64) -> String,
    /// Width and height in pixels.
    pub size: (u32, u32),
    /// Observed values drawn over the fan (calibration reports).
    pub marks: Vec<Mark>,
}

/// An observed value over a span of months: a dot at each month of the span, joined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    /// First and last month index.
    pub months: (usize, usize),
    /// The value, in the chart's units.
    pub value: f64,
    /// Held out of a fit (drawn as open circles), rather than fitted (filled).
    pub held_out: bool,
}

/// `"2019-01"` as `"Jan 2019"`.
pub fn month_name(label: &str) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match (
        label.get(..4),
        label.get(5..).and_then(|m| m.parse::<usize>().ok()),
    ) {
        (Some(year), Some(m)) if (1..=12).contains(&m) => format!("{} {year}", NAMES[m - 1]),
        _ => label.to_string(),
    }
}

/// Months given an x axis label: calendar-aligned steps (every month, quarter, half year, year or
/// more) that keep to about six labels.
pub fn labelled_months(months: &[String]) -> Vec<usize> {
    let n = months.len();
    let step = match n {
        0..=6 => 1,
        7..=18 => 3,
        19..=36 => 6,
        _ => 12 * n.div_ceil(84),
    };
    let parsed = |label: &str| -> Option<(usize, usize)> {
        Some((label.get(..4)?.parse().ok()?, label.get(5..)?.parse().ok()?))
    };
    let chosen: Vec<usize> = months
        .iter()
        .enumerate()
        .filter(|(_, label)| {
            parsed(label).is_some_and(|(year, month)| {
                let index = year * 12 + month - 1;
                index % step == 0
            })
        })
        .map(|(i, _)| i)
        .collect();
    if chosen.is_empty() && n > 0 {
        vec![0]
    } else {
        chosen
    }
}

/// The x axis: months as numbers (month `i` of the run at `i`), with grid lines and labels only at
/// the chosen months.
struct MonthAxis {
    inner: RangedCoordf64,
    labelled: Vec<f64>,
}

impl Ranged for MonthAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.labelled.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}

/// A label's box in data units.
#[derive(Debug, Clone, Copy)]
struct Area {
    x: (f64, f64),
    y: (f64, f64),
}

impl Area {
    fn overlaps(&self, other: &Area) -> bool {
        self.x.0 < other.x.1 && other.x.0 < self.x.1 && self.y.0 < other.y.1 && other.y.0 < self.y.1
    }
}

/// What a label must keep clear of, and the size of a pixel in data units.
struct Space<'a> {
    /// Data units per pixel, (x, y).
    per_px: (f64, f64),
    /// The x axis's range.
    x_range: (f64, f64),
    y_max: f64,
    /// P5, P10, P50, P90, P95 by month.
    fan: &'a [Vec<f64>],
    /// The lines' points.
    paths: &'a [Vec<(f64, f64)>],
}

impl Space<'_> {
    /// The box of a label `width` pixels wide set at `at`, to its left or right, above or below.
    fn label_box(&self, at: (f64, f64), left: bool, above: bool, width: f64) -> Area {
        let (px, py) = self.per_px;
        let x = if left {
            (at.0 - width * px, at.0)
        } else {
            (at.0, at.0 + width * px)
        };
        let y = if above {
            (at.1 + 3.0 * py, at.1 + 20.0 * py)
        } else {
            (at.1 - 20.0 * py, at.1 - 3.0 * py)
        };
        Area { x, y }
    }

    /// How badly a label in `area` would clash: 0 when it lies inside the plot clear of the fan,
    /// the lines and the labels `placed`; otherwise more for each month of fan or line it
    /// covers, much more for covering another label, and most for leaving the plot.
    fn clash(&self, area: &Area, placed: &[Area]) -> usize {
        let py = self.per_px.1;
        let outside = usize::from(
            area.y.0 < 0.0
                || area.y.1 > self.y_max
                || area.x.0 < self.x_range.0 - 1e-9
                || area.x.1 > self.x_range.1 + 1e-9,
        );
        let labels = placed.iter().filter(|p| p.overlaps(area)).count();
        let months = self.fan.first().map_or(0, Vec::len);
        let (from, to) = (area.x.0.floor().max(0.0), area.x.1.ceil().max(0.0));
        let crosses = |low: f64, high: f64| low < area.y.1 + py && area.y.0 - py < high;
        let fan = if months == 0 {
            0
        } else {
            // Each month, with the stretch of fan joining it to the next (the segment between
            // two months can cross a label that neither month's values reach).
            let (first, last) = (from as usize, (to as usize).min(months - 1));
            (first..=last)
                .filter(|&i| {
                    let next = if i < last { i + 1 } else { i };
                    let low = self.fan[0][i].min(self.fan[0][next]);
                    let high = self.fan[4][i].max(self.fan[4][next]);
                    low.is_finite() && high.is_finite() && crosses(low, high)
                })
                .count()
        };
        let lines: usize = self
            .paths
            .iter()
            .map(|path| match path[..] {
                [(_, v), (_, w)] if v == w => usize::from(crosses(v, v)) * (months.max(1)),
                _ => path
                    .iter()
                    .filter(|p| p.0 >= from - 1.0 && p.0 <= to + 1.0 && crosses(p.1, p.1))
                    .count(),
            })
            .sum();
        outside * 100_000 + labels * 10_000 + fan + lines
    }
}

/// Runs of consecutive months where all of `defined` hold.
fn runs(n: usize, defined: impl Fn(usize) -> bool) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for i in 0..=n {
        match (start, i < n && defined(i)) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The chart as an `<svg>` element (without an `xmlns` attribute, which HTML does not need), or a
/// short note if plotters fails (it cannot, writing to a string, short of a bug).
pub fn svg(chart: &Chart, description: &str) -> String {
    let mut out = String::new();
    let drawn = draw(chart, &mut out);
    match drawn {
        Ok(()) => out
            .replacen(
                " xmlns=\"http://www.w3.org/2000/svg\"",
                &format!(
                    " role=\"img\" aria-label=\"{}\"",
                    super::escape(description)
                ),
                1,
            )
            .trim()
            .to_string(),
        Err(e) => format!(
            "<p class=\"error\">The chart could not be drawn: {}</p>",
            super::escape(&e)
        ),
    }
}

fn draw(chart: &Chart, out: &mut String) -> Result<(), String> {
    let n = chart.months.len();
    let x_range = if n > 1 {
        0.0..(n - 1) as f64
    } else {
        -0.5..0.5
    };
    let y_max = if chart.y_max > 0.0 && chart.y_max.is_finite() {
        chart.y_max
    } else {
        1.0
    };
    let key_points: Vec<f64> = labelled_months(chart.months)
        .into_iter()
        .map(|i| i as f64)
        .collect();
    let months = chart.months;
    let x_format = move |x: &f64| {
        let i = x.round();
        if i >= 0.0 && (i as usize) < months.len() {
            month_name(&months[i as usize])
        } else {
            String::new()
        }
    };
    let y_format = chart.y_format;
    let y_label = move |y: &f64| y_format(*y);
    let err = |e: &dyn std::fmt::Display| e.to_string();
    {
        let root = SVGBackend::with_string(out, chart.size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let mut c = ChartBuilder::on(&root)
            .margin_top(12)
            .margin_right(16)
            .margin_left(6)
            .margin_bottom(4)
            .x_label_area_size(28)
            .y_label_area_size(66)
            .build_cartesian_2d(
                MonthAxis {
                    inner: x_range.into(),
                    labelled: key_points,
                },
                0.0..y_max,
            )
            .map_err(|e| err(&e))?;
        c.configure_mesh()
            .disable_x_mesh()
            .max_light_lines(0)
            .y_labels(6)
            .x_label_formatter(&x_format)
            .y_label_formatter(&y_label)
            .y_desc(chart.y_title)
            .label_style(("sans-serif", 15).into_font().color(&palette::INK))
            .axis_desc_style(("sans-serif", 15).into_font().color(&palette::INK))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(0xE4, 0xE4, 0xE4))
            .axis_style(RGBColor(0x88, 0x88, 0x88))
            .draw()
            .map_err(|e| err(&e))?;

        let at = |i: usize| if n > 1 { i as f64 } else { 0.0 };
        let (x_start, x_end) = if n > 1 {
            (0.0, (n - 1) as f64)
        } else {
            (-0.5, 0.5)
        };
        // Lines first and wider, so that a line equal to the median (an establishment that staff
        // fill exactly) shows as a coloured edge to it rather than hiding it.
        let paths: Vec<Vec<(f64, f64)>> = chart
            .lines
            .iter()
            .map(|line| match line.values[..] {
                [v] if v.is_finite() => vec![(x_start, v), (x_end, v)],
                _ => line
                    .values
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.is_finite())
                    .map(|(i, &v)| (at(i), v))
                    .collect(),
            })
            .collect();
        for (line, path) in chart.lines.iter().zip(&paths) {
            if !path.is_empty() {
                c.draw_series(std::iter::once(PathElement::new(
                    path.clone(),
                    line.colour.stroke_width(4),
                )))
                .map_err(|e| err(&e))?;
            }
        }

        // The fan: outer band, inner band, median; each run of defined months on its own.
        let fan = &chart.fan;
        let columns: Vec<Vec<f64>> = (0..5).map(|i| fan.column(i)).collect();
        let defined = |i: usize| columns.iter().all(|c| c[i].is_finite());
        for run in runs(fan.percentiles.len().min(n), defined) {
            for (low, high, opacity) in [(0, 4, OUTER_BAND_OPACITY), (1, 3, INNER_BAND_OPACITY)] {
                let mut points: Vec<(f64, f64)> =
                    run.clone().map(|i| (at(i), columns[high][i])).collect();
                points.extend(run.clone().rev().map(|i| (at(i), columns[low][i])));
                if run.len() == 1 {
                    // One month alone: a thin band a third of a month wide.
                    let i = run.start;
                    points = vec![
                        (at(i) - 0.15, columns[high][i]),
                        (at(i) + 0.15, columns[high][i]),
                        (at(i) + 0.15, columns[low][i]),
                        (at(i) - 0.15, columns[low][i]),
                    ];
                }
                c.draw_series(std::iter::once(Polygon::new(
                    points,
                    palette::BLUE.mix(opacity).filled(),
                )))
                .map_err(|e| err(&e))?;
            }
            let median: Vec<(f64, f64)> = if run.len() == 1 {
                let i = run.start;
                vec![(at(i) - 0.15, columns[2][i]), (at(i) + 0.15, columns[2][i])]
            } else {
                run.map(|i| (at(i), columns[2][i])).collect()
            };
            c.draw_series(std::iter::once(PathElement::new(
                median,
                palette::BLUE.stroke_width(2),
            )))
            .map_err(|e| err(&e))?;
        }

        // Observed values, over the fan.
        for mark in &chart.marks {
            let points: Vec<(f64, f64)> = (mark.months.0..=mark.months.1.min(n.saturating_sub(1)))
                .map(|i| (at(i), mark.value))
                .collect();
            let colour = if mark.held_out {
                palette::INK
            } else {
                palette::VERMILLION
            };
            c.draw_series(std::iter::once(PathElement::new(
                points.clone(),
                colour.stroke_width(3),
            )))
            .map_err(|e| err(&e))?;
            let style = if mark.held_out {
                WHITE.filled()
            } else {
                colour.filled()
            };
            c.draw_series(points.iter().map(|&p| Circle::new(p, 5, style)))
                .map_err(|e| err(&e))?;
            c.draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 5, colour.stroke_width(2))),
            )
            .map_err(|e| err(&e))?;
        }

        // Labels: at an end of their line, above or below it, wherever they clear the fan, the
        // other lines and the labels already placed.
        let (width_px, height_px) = c.plotting_area().dim_in_pixel();
        let space = Space {
            per_px: (
                (x_end - x_start) / f64::from(width_px.max(1)),
                y_max / f64::from(height_px.max(1)),
            ),
            x_range: (x_start, x_end),
            y_max,
            fan: &columns,
            paths: &paths,
        };
        let mut placed = Vec::new();
        for (line, path) in chart.lines.iter().zip(&paths) {
            let (Some(&first), Some(&last)) = (path.first(), path.last()) else {
                continue;
            };
            let label = &line.label;
            let width = label.chars().count() as f64 * LABEL_CHAR_WIDTH + 6.0;
            // (anchor, label left of it, label above it), in order of preference: the ends of the
            // line, then (for a level line) points along it.
            let mut candidates = vec![
                (last, true, true),
                (last, true, false),
                (first, false, true),
                (first, false, false),
            ];
            if path.len() == 2 && first.1 == last.1 {
                for k in (1..8).rev() {
                    let x = first.0 + (last.0 - first.0) * f64::from(k) / 8.0;
                    candidates.push(((x, last.1), false, true));
                    candidates.push(((x, last.1), false, false));
                }
            }
            let boxes: Vec<Area> = candidates
                .iter()
                .map(|&(at, left, above)| space.label_box(at, left, above, width))
                .collect();
            // The first candidate that clashes least.
            let chosen = (0..candidates.len())
                .min_by_key(|&k| space.clash(&boxes[k], &placed))
                .unwrap_or(0);
            let (anchor, left, above) = candidates[chosen];
            placed.push(boxes[chosen]);
            let offset = (if left { -3 } else { 3 }, if above { -4 } else { 4 });
            let pos = Pos::new(
                if left { HPos::Right } else { HPos::Left },
                if above { VPos::Bottom } else { VPos::Top },
            );
            let style = ("sans-serif", 15).into_font().color(&palette::INK).pos(pos);
            c.draw_series(std::iter::once(
                EmptyElement::at(anchor) + Text::new(label.clone(), offset, style),
            ))
            .map_err(|e| err(&e))?;
        }
        root.present().map_err(|e| err(&e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(start_year: usize, start_month: usize, n: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                let k = start_year * 12 + start_month - 1 + i;
                format!("{}-{:02}", k / 12, k % 12 + 1)
            })
            .collect()
    }

    #[test]
    fn month_labels_follow_the_calendar() {
        assert_eq!(month_name("2019-01"), "Jan 2019");
        assert_eq!(month_name("2023-12"), "Dec 2023");
        assert_eq!(month_name("nonsense"), "nonsense");
        // Five years: every January.
        assert_eq!(
            labelled_months(&labels(2019, 1, 60)),
            vec![0, 12, 24, 36, 48]
        );
        // One year from April: every quarter from April.
        assert_eq!(labelled_months(&labels(2024, 4, 12)), vec![0, 3, 6, 9]);
        // Two years from March: every half year (January and July).
        assert_eq!(labelled_months(&labels(2024, 3, 24)), vec![4, 10, 16, 22]);
        assert_eq!(labelled_months(&labels(2024, 5, 3)), vec![0, 1, 2]);
    }

    #[test]
    fn gaps_split_the_fan() {
        let defined = [false, true, true, false, true];
        assert_eq!(runs(5, |i| defined[i]), vec![1..3, 4..5]);
        assert!(runs(0, |_| true).is_empty());
    }

    #[test]
    fn a_chart_has_bands_a_median_and_labelled_lines() {
        let months = labels(2024, 1, 12);
        let mut fan = Fan::default();
        for m in 0..12 {
            let x = 300.0 + m as f64;
            fan.percentiles
                .push([x - 20.0, x - 10.0, x, x + 10.0, x + 20.0]);
        }
        // A gap in month 5.
        fan.percentiles[5] = [f64::NAN; 5];
        let chart = Chart {
            months: &months,
            fan,
            lines: vec![Line::level(250.0, "guidance <250>", palette::GREEN)],
            y_max: 400.0,
            y_title: "children per WTE",
            y_format: |y| format!("{y:.0}"),
            size: (480, 260),
            marks: Vec::new(),
        };
        let svg = svg(&chart, "a test \"chart\"");
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"), "{svg}");
        assert!(!svg.contains("http://"));
        assert!(svg.contains("aria-label=\"a test &quot;chart&quot;\""));
        // Two runs of months, each with two bands and a median.
        assert_eq!(svg.matches("<polygon").count(), 4);
        let blue = |element: &str| {
            svg.lines()
                .filter(|l| l.starts_with(element) && l.contains("\"#0072B2\""))
                .count()
        };
        assert_eq!(blue("<polygon"), 4);
        assert_eq!(blue("<polyline"), 2);
        assert!(svg.contains("stroke=\"#009E73\""));
        assert!(svg.contains("guidance &lt;250&gt;"));
        assert!(svg.contains("Jan 2024") && svg.contains("Oct 2024"));
    }
}
