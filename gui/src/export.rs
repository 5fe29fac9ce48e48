//! Exports: the data behind a chart as CSV, a chart as PNG, the board report as HTML. Every file
//! is written whole or not at all (a temporary file in the same folder, renamed into place).

use std::path::{Path, PathBuf};

use caseload::lever::{self, LeverPath};
use caseload::metrics::Unit;
use caseload::output::tables::{self, ChartRow, Quoting};
use caseload::output::{self, RunRecord, xlsx};
use caseload::report::{self, Edition};
use caseload::results::CITY;
use caseload::targets::{Comparison, Scope, Target};

use crate::forecast::Forecast;

/// Why an export failed, for the user.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The file could not be written.
    #[error("cannot write {path}: {reason}")]
    Write {
        /// The file.
        path: String,
        /// The cause.
        reason: String,
    },
    /// The chart's data could not be formed.
    #[error("{0}")]
    Data(String),
}

/// Writes `bytes` to `path` whole or not at all, creating its folder ([`output::write_file`]:
/// a replaced file keeps its permissions, a new one is readable by all).
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<PathBuf, ExportError> {
    let fail = |reason: String| ExportError::Write {
        path: path.display().to_string(),
        reason,
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
    output::write_file(path, bytes).map_err(|e| fail(e.to_string()))
}

/// A file name made safe from a metric or district id (`compliance:new_birth` is
/// `compliance-new_birth`).
pub fn file_stem(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// `x` rounded to what a reader of `metric` can use: shares to 4 decimals (0.1 of a percentage
/// point), pounds to whole pounds, staff and hours to 2 decimals, counts and caseloads to 1.
pub fn meaningful(metric: &str, x: f64) -> f64 {
    let decimals = match Unit::of(metric) {
        Unit::Share => 4,
        Unit::Pounds => 0,
        Unit::Wte | Unit::Hours => 2,
        Unit::Caseload | Unit::Count => 1,
    };
    let scale = 10f64.powi(decimals);
    let rounded = (x * scale).round() / scale;
    // No "-0" in a file.
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// The data behind a fan chart: month, the five percentiles and the mean, one row a month,
/// rounded to [`meaningful`] precision; `per_day` gives each month's total over its days, as
/// Explore draws money (the metric is then named `METRIC_per_day`).
pub fn chart_csv(
    forecast: &Forecast,
    metric: &str,
    district: usize,
    per_day: bool,
) -> Result<String, ExportError> {
    let k = forecast
        .results
        .metric_index(metric)
        .ok_or_else(|| ExportError::Data(format!("the forecast has no metric {metric:?}")))?;
    let district_id = &forecast.districts[district];
    let days = forecast.days();
    let named = if per_day {
        format!("{metric}_per_day")
    } else {
        metric.to_string()
    };
    let rows = forecast.months.iter().enumerate().map(|(m, month)| {
        // As the chart shows it: a monthly total over the month's days when `per_day`.
        let scale = if per_day { days[m] } else { 1.0 };
        let round = |x: f64| meaningful(metric, x / scale);
        let row = ChartRow::new(
            month,
            district_id,
            &named,
            forecast.summary.get(m, district, k),
        );
        ChartRow {
            p5: round(row.p5),
            p10: round(row.p10),
            p50: round(row.p50),
            p90: round(row.p90),
            p95: round(row.p95),
            mean: round(row.mean),
            ..row
        }
    });
    tables::text(Quoting::Needed, rows).map_err(|e| ExportError::Data(e.to_string()))
}

/// The board report's file name.
pub const REPORT_HTML: &str = "board_report.html";
/// The scenario as run, written beside the report so its reproduce command needs no other file.
pub const REPORT_SCENARIO: &str = "board_report_scenario.ron";

/// What the report is of: the month its tables are at, the calibrated posterior, and how the
/// scenario run differs from the one chosen.
pub struct ReportOf<'a> {
    /// The month the status tables and targets are at (an index).
    pub month: usize,
    /// Whether the user chose that month (otherwise it is the last).
    pub month_chosen: bool,
    /// The master seed.
    pub seed: u64,
    /// The posterior the uncertain inputs were drawn from, if any.
    pub posterior: Option<caseload::output::PosteriorRecord>,
    /// The scenario chosen, for people (a path or a shipped file's name).
    pub based_on: &'a str,
    /// The levers moved off the scenario's values, in words; empty when none was.
    pub changes: &'a [String],
}

/// The board report of `forecast` and the scenario as run: (file name, contents) for
/// [`REPORT_HTML`] and [`REPORT_SCENARIO`], to be written as one set. When levers were moved, the
/// scenario written is renamed "… (changed)" and its description lists the changes, so a report
/// made from it says what it is; only its name and description differ from what ran, and neither
/// is an input to the simulation, so its reproduce command gives the same numbers.
pub fn board_report(
    forecast: &Forecast,
    of: &ReportOf,
) -> Result<[(&'static str, String); 2], ExportError> {
    let run = &forecast.scenario;
    let written = if of.changes.is_empty() {
        None
    } else {
        let name = format!("{} (changed)", run.scenario.name);
        let description = format!(
            "{}\n\nChanged from {} before running: {}.",
            run.scenario.description.trim(),
            of.based_on,
            of.changes.join("; ")
        );
        let quoted =
            |text: &str| ron::to_string(text).map_err(|e| ExportError::Data(e.to_string()));
        let (name_path, description_path): (LeverPath, LeverPath) = (
            "name"
                .parse()
                .map_err(|e: caseload::lever::PathError| ExportError::Data(e.to_string()))?,
            "description"
                .parse()
                .map_err(|e: caseload::lever::PathError| ExportError::Data(e.to_string()))?,
        );
        let (name, description) = (quoted(&name)?, quoted(&description)?);
        let renamed = lever::apply(
            run,
            &[
                (&name_path, name.as_str()),
                (&description_path, description.as_str()),
            ],
        )
        .map_err(|e| ExportError::Data(e.to_string()))?;
        Some(renamed)
    };
    let scenario = written.as_ref().unwrap_or(run);
    let model = &scenario.model;
    let record = RunRecord {
        scenario: REPORT_SCENARIO.to_string(),
        scenario_name: model.name.clone(),
        scenario_sha256: output::sha256_hex(&scenario.text),
        ..record(forecast, of.based_on, of)
    };
    let targets = review_targets(forecast, of.month);
    let edition = Edition {
        month: of.month,
        month_chosen: of.month_chosen,
        made: report::today(),
        based_on: Some(of.based_on),
        changes: of.changes,
    };
    let html = report::board_report(
        model,
        &scenario.text,
        &forecast.results,
        &forecast.summary,
        &record,
        &targets,
        &edition,
    );
    Ok([
        (REPORT_HTML, html),
        (REPORT_SCENARIO, scenario.text.clone()),
    ])
}

/// The record of the run behind `forecast` (from `source`), as `caseload run` would write it.
fn record(forecast: &Forecast, source: &str, of: &ReportOf) -> RunRecord {
    let run = &forecast.scenario;
    RunRecord {
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: source.to_string(),
        scenario_name: run.model.name.clone(),
        // The description as chosen: any changes are listed beside it.
        scenario_description: run.scenario.description.clone(),
        scenario_sha256: output::sha256_hex(&run.text),
        seed: of.seed,
        replications: forecast.replications as u32,
        threads: 1,
        wall_seconds: forecast.elapsed.as_secs_f64(),
        months: [
            forecast.months.first().cloned().unwrap_or_default(),
            forecast.months.last().cloned().unwrap_or_default(),
        ],
        posterior: of.posterior.clone(),
    }
}

/// Each review's target in the city at `month`, with its chance.
fn review_targets(forecast: &Forecast, month: usize) -> Vec<(Target, caseload::targets::Chance)> {
    let label = forecast.months.get(month).cloned().unwrap_or_default();
    forecast
        .scenario
        .model
        .reviews
        .iter()
        .filter_map(|r| {
            let target = Target {
                metric: format!("compliance:{}", r.id),
                comparison: Comparison::AtLeast,
                value: r.target?,
                month: label.clone(),
                scope: Scope::District(CITY.into()),
            };
            let chance = target.chance(&*forecast.results).ok()?;
            Some((target, chance))
        })
        .collect()
}

/// The workbook's file name.
pub const WORKBOOK: &str = "caseload.xlsx";

/// The Excel workbook of `forecast` at the month chosen; with `pinned`, the pinned forecast is
/// A and `forecast` is B, and the workbook adds their paired differences and what differs.
pub fn workbook(
    forecast: &Forecast,
    pinned: Option<&Forecast>,
    of: &ReportOf,
) -> Result<Vec<u8>, ExportError> {
    let bad = |e: xlsx::XlsxError| ExportError::Data(e.to_string());
    // The Reviews sheet gives each review's chance; nothing else was asked.
    let current = record(forecast, of.based_on, of);
    let Some(a) = pinned else {
        return xlsx::workbook(&xlsx::Book {
            run: xlsx::Run {
                model: &forecast.scenario.model,
                values: &*forecast.results,
                summary: &forecast.summary,
                record: &current,
            },
            month: of.month,
            targets: &[],
            compared: None,
        })
        .map_err(bad);
    };
    let rows = caseload::compare::compare(&a.results, &forecast.results);
    let changes =
        caseload::scenario::diff::differences(&a.scenario.scenario, &forecast.scenario.scenario);
    let pinned_record = record(a, &a.scenario.source, of);
    // A's sheets at the month chosen, found by its label (A may cover other months).
    let month = forecast
        .months
        .get(of.month)
        .and_then(|label| a.months.iter().position(|m| m == label))
        .unwrap_or_else(|| a.last_month());
    xlsx::workbook(&xlsx::Book {
        run: xlsx::Run {
            model: &a.scenario.model,
            values: &*a.results,
            summary: &a.summary,
            record: &pinned_record,
        },
        month,
        targets: &[],
        compared: Some(xlsx::Compared {
            b: &current,
            rows: &rows,
            changes: &changes,
        }),
    })
    .map_err(bad)
}

/// Writes `files` into `dir` (created if missing) as one set: all of them or none.
pub fn write_set(dir: &Path, files: &[(&str, String)]) -> Result<Vec<PathBuf>, ExportError> {
    output::write_files(dir, files).map_err(|e| ExportError::Write {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })
}

/// The part of a screenshot inside `rect` (in points, at `pixels_per_point`) as PNG bytes.
pub fn png(
    image: &egui::ColorImage,
    rect: egui::Rect,
    pixels_per_point: f32,
) -> Result<Vec<u8>, ExportError> {
    let [width, height] = image.size;
    let px = |v: f32, max: usize| ((v * pixels_per_point).round().max(0.0) as usize).min(max);
    let (x0, x1) = (px(rect.min.x, width), px(rect.max.x, width));
    let (y0, y1) = (px(rect.min.y, height), px(rect.max.y, height));
    if x1 <= x0 || y1 <= y0 {
        return Err(ExportError::Data("the chart is not on screen".into()));
    }
    let mut rgba = Vec::with_capacity((x1 - x0) * (y1 - y0) * 4);
    for y in y0..y1 {
        for p in &image.pixels[y * width + x0..y * width + x1] {
            rgba.extend_from_slice(&p.to_srgba_unmultiplied());
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, (x1 - x0) as u32, (y1 - y0) as u32);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let bad = |e: png::EncodingError| ExportError::Data(e.to_string());
    let mut writer = encoder.write_header().map_err(bad)?;
    writer.write_image_data(&rgba).map_err(bad)?;
    writer.finish().map_err(bad)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_png_is_cropped_to_the_chart() {
        let mut image = egui::ColorImage::filled([8, 6], egui::Color32::WHITE);
        image.pixels[2 * 8 + 3] = egui::Color32::RED;
        // Points (1, 1)-(3, 2) at 2 pixels per point: pixels x 2..6, y 2..4.
        let rect = egui::Rect::from_min_max(egui::pos2(1.0, 1.0), egui::pos2(3.0, 2.0));
        let bytes = png(&image, rect, 2.0).expect("a png");
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("png header");
        let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
        let info = reader.next_frame(&mut buf).expect("a frame");
        assert_eq!((info.width, info.height), (4, 2));
        // Pixel (3, 2) of the screenshot is (1, 0) of the crop.
        assert_eq!(&buf[4..8], &[255, 0, 0, 255]);
        assert_eq!(&buf[0..4], &[255, 255, 255, 255]);
        let off = egui::Rect::from_min_max(egui::pos2(10.0, 10.0), egui::pos2(12.0, 12.0));
        assert!(png(&image, off, 2.0).is_err());
    }

    #[test]
    fn files_are_written_whole_and_their_folder_made() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("sub").join("a.csv");
        write_whole(&path, b"x,y\n").expect("written");
        assert_eq!(std::fs::read(&path).expect("read"), b"x,y\n");
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
        // A folder where the file should go: an error naming the path, nothing replaced.
        let e = write_whole(dir.path(), b"x").unwrap_err().to_string();
        assert!(e.contains("cannot write"), "{e}");
    }

    #[test]
    fn exported_values_are_rounded_to_what_matters() {
        assert_eq!(meaningful("compliance:new_birth", 0.823_456_7), 0.8235);
        assert_eq!(meaningful("coverage:new_birth", 0.851_23), 0.8512);
        assert_eq!(meaningful("spend", 2_424_123.456), 2_424_123.0);
        assert_eq!(meaningful("hv_wte", 162.123_45), 162.12);
        assert_eq!(meaningful("caseload_per_hv_wte", 470.456), 470.5);
        assert_eq!(meaningful("children", 86_000.04), 86_000.0);
        assert_eq!(meaningful("unmet_hours", 12.3456), 12.35);
        assert_eq!(meaningful("compliance:x", -0.000_01).to_string(), "0");
        assert!(meaningful("spend", f64::NAN).is_nan());
    }

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(file_stem("compliance:new_birth"), "compliance-new_birth");
        assert_eq!(file_stem("../x"), "---x");
    }
}
