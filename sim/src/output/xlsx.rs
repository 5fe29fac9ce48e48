//! The Excel workbook planners and finance teams open: what the run is, the city's headline
//! figures month by month, the districts and the reviews at one month with their statuses, any
//! targets asked, and for a comparison the paired differences and what differs between A and B.
//! Numbers are written as numbers with formats (percent, pounds, WTE), each sheet's header row is
//! frozen, and nothing needs another file.

pub use rust_xlsxwriter::XlsxError;
use rust_xlsxwriter::{Format, Workbook, Worksheet};

use crate::compare::Row as Difference;
use crate::metrics::Unit;
use crate::model::Model;
use crate::rag::Rag;
use crate::results::ReplicationValues;
use crate::scenario::diff::FieldChange;
use crate::summary::Summary;
use crate::targets::{Chance, Comparison, Scope, Target};

use super::RunRecord;

/// A run to put in a workbook.
pub struct Run<'a> {
    /// The model run.
    pub model: &'a Model,
    /// Its replications' values.
    pub values: &'a dyn ReplicationValues,
    /// Their summary.
    pub summary: &'a Summary,
    /// What was run.
    pub record: &'a RunRecord,
}

/// A comparison to add: B's run beside A's, their paired differences and what differs.
pub struct Compared<'a> {
    /// Scenario B's run (the workbook's first run is A).
    pub b: &'a RunRecord,
    /// The paired differences, as `caseload compare` computes them.
    pub rows: &'a [Difference],
    /// Every scenario field that differs.
    pub changes: &'a [FieldChange],
}

/// What goes in the workbook.
pub struct Book<'a> {
    /// The run (for a comparison, A's).
    pub run: Run<'a>,
    /// The month the districts and reviews sheets are at (an index).
    pub month: usize,
    /// Targets asked of the run, with their chances.
    pub targets: &'a [(Target, Chance)],
    /// A comparison, for `caseload compare`.
    pub compared: Option<Compared<'a>>,
}

/// The number formats the sheets use.
struct Formats {
    header: Format,
    percent: Format,
    pounds: Format,
    count: Format,
    decimal: Format,
    points: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new().set_bold(),
            percent: Format::new().set_num_format("0.0%"),
            pounds: Format::new().set_num_format("£#,##0;-£#,##0"),
            count: Format::new().set_num_format("#,##0"),
            decimal: Format::new().set_num_format("#,##0.0"),
            points: Format::new().set_num_format("+0.0%;-0.0%;0.0%"),
        }
    }

    /// The format of a value of `metric`.
    fn of(&self, metric: &str) -> &Format {
        match Unit::of(metric) {
            Unit::Share => &self.percent,
            Unit::Pounds => &self.pounds,
            Unit::Caseload | Unit::Count => &self.count,
            Unit::Wte | Unit::Hours => &self.decimal,
        }
    }

    /// The format of a difference B - A of `metric`: shares in signed percentage points.
    fn of_change(&self, metric: &str) -> &Format {
        match Unit::of(metric) {
            Unit::Share => &self.points,
            _ => self.of(metric),
        }
    }
}

/// The workbook's bytes.
pub fn workbook(book: &Book) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    about(wb.add_worksheet(), book, &f)?;
    city(wb.add_worksheet(), &book.run, &f)?;
    districts(wb.add_worksheet(), book, &f)?;
    reviews(wb.add_worksheet(), book, &f)?;
    if !book.targets.is_empty() {
        asked(wb.add_worksheet(), book.targets, &f)?;
    }
    if let Some(c) = &book.compared {
        comparison(wb.add_worksheet(), c, &f)?;
        changes(wb.add_worksheet(), c.changes, &f)?;
    }
    wb.save_to_buffer()
}

/// Writes `headings` in row 0, bold, frozen, with columns `width` wide.
fn header(ws: &mut Worksheet, name: &str, headings: &[&str], f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    for (c, h) in headings.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.header)?;
        ws.set_column_width(c as u16, if c == 0 { 34 } else { 14 })?;
    }
    ws.set_freeze_panes(1, 1)?;
    Ok(())
}

/// Writes `x` with `format`, or leaves the cell empty when it is undefined.
fn number(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    x: f64,
    format: &Format,
) -> Result<(), XlsxError> {
    if x.is_finite() {
        ws.write_number_with_format(row, col, x, format)?;
    }
    Ok(())
}

fn about(ws: &mut Worksheet, book: &Book, f: &Formats) -> Result<(), XlsxError> {
    let r = book.run.record;
    header(ws, "About", &["Item", "Value"], f)?;
    ws.set_column_width(1, 80)?;
    let month = book
        .run
        .values
        .shape()
        .months
        .get(book.month)
        .cloned()
        .unwrap_or_default();
    let mut facts = vec![
        ("Scenario", r.scenario_name.clone()),
        ("Scenario file", r.scenario.clone()),
        ("Scenario SHA-256", r.scenario_sha256.clone()),
        ("First month", r.months[0].clone()),
        ("Last month", r.months[1].clone()),
        ("Replications", r.replications.to_string()),
        ("Seed", r.seed.to_string()),
        ("Caseload version", r.version.clone()),
        ("Districts and Reviews sheets at", month),
        ("Status rule", book.run.model.rag.in_words()),
        (
            "Cells",
            "Medians and P10-P90 across replications; a blank cell has no value.".into(),
        ),
    ];
    if let Some(p) = &r.posterior {
        facts.push(("Uncertain inputs drawn from", p.file.clone()));
    }
    if let Some(c) = &book.compared {
        facts.push(("Compared with (B)", c.b.scenario_name.clone()));
        facts.push(("B's scenario file", c.b.scenario.clone()));
    }
    for (i, (k, v)) in facts.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, *k)?;
        ws.write_string(i as u32 + 1, 1, v)?;
    }
    Ok(())
}

/// The city's headline metrics for people: (label, metric).
fn headline(model: &Model) -> Vec<(String, String)> {
    let mut out = vec![
        (
            "Children on the caseload".to_string(),
            "children".to_string(),
        ),
        ("Health-visitor WTE in post".into(), "hv_wte".into()),
        ("Caseload per HV WTE".into(), "caseload_per_hv_wte".into()),
        ("Spend in the month (£)".into(), "spend".into()),
    ];
    if model.budget.is_some() {
        out.push(("Budget in the month (£)".into(), "budget".into()));
    }
    for r in &model.reviews {
        out.push((
            format!("On time: {} ({})", r.name, r.metric),
            format!("compliance:{}", r.id),
        ));
    }
    for l in model.levels.iter().filter(|l| l.contacts_per_month > 0.0) {
        out.push((
            format!("Contacts delivered: {}", l.name),
            format!("contact_coverage:{}", l.id),
        ));
    }
    out.push(("Unmet hours".into(), "unmet_hours".into()));
    out
}

/// The city month by month: a row a month, three columns (median, P10, P90) a metric.
fn city(ws: &mut Worksheet, run: &Run, f: &Formats) -> Result<(), XlsxError> {
    let shape = run.values.shape();
    let metrics: Vec<(String, usize)> = headline(run.model)
        .into_iter()
        .filter_map(|(label, m)| Some((label, shape.metric_index(&m)?)))
        .collect();
    let mut headings = vec!["Month".to_string()];
    for (label, _) in &metrics {
        headings.push(format!("{label}: median"));
        headings.push("P10".into());
        headings.push("P90".into());
    }
    let headings: Vec<&str> = headings.iter().map(String::as_str).collect();
    header(ws, "City by month", &headings, f)?;
    ws.set_column_width(0, 10)?;
    let city = shape.city();
    for (m, month) in shape.months.iter().enumerate() {
        let row = m as u32 + 1;
        ws.write_string(row, 0, month)?;
        for (i, (_, k)) in metrics.iter().enumerate() {
            let s = run.summary.get(m, city, *k);
            let format = f.of(&shape.metrics[*k]);
            let col = 1 + 3 * i as u16;
            number(ws, row, col, s.median(), format)?;
            number(ws, row, col + 1, s.percentiles[1], format)?;
            number(ws, row, col + 2, s.percentiles[3], format)?;
        }
    }
    Ok(())
}

/// A status as a word.
fn word(status: Option<Rag>) -> &'static str {
    status.map_or("no value", Rag::as_str)
}

/// Each district and the city at the month: staff, caseload and its status, each review on time.
fn districts(ws: &mut Worksheet, book: &Book, f: &Formats) -> Result<(), XlsxError> {
    let run = &book.run;
    let shape = run.values.shape();
    let m = book.month;
    let mut headings = vec![
        "District".to_string(),
        "Children".into(),
        "HV WTE".into(),
        "Caseload per HV WTE".into(),
        "P10".into(),
        "P90".into(),
        "Caseload status".into(),
    ];
    headings.extend(
        run.model
            .reviews
            .iter()
            .map(|r| format!("{} on time", r.metric)),
    );
    let headings: Vec<&str> = headings.iter().map(String::as_str).collect();
    header(ws, "Districts", &headings, f)?;
    ws.set_column_width(0, 22)?;
    let median = |d: usize, metric: &str| {
        shape
            .metric_index(metric)
            .map_or(f64::NAN, |k| run.summary.get(m, d, k).median())
    };
    for d in 0..shape.districts.len() {
        let row = d as u32 + 1;
        let name = run
            .model
            .districts
            .get(d)
            .map_or("Whole city", |x| x.name.as_str());
        ws.write_string(row, 0, name)?;
        number(ws, row, 1, median(d, "children"), &f.count)?;
        number(ws, row, 2, median(d, "hv_wte"), &f.decimal)?;
        if let Some(k) = shape.metric_index("caseload_per_hv_wte") {
            let s = run.summary.get(m, d, k);
            number(ws, row, 3, s.median(), &f.count)?;
            number(ws, row, 4, s.percentiles[1], &f.count)?;
            number(ws, row, 5, s.percentiles[3], &f.count)?;
            ws.write_string(row, 6, word(run.model.rag.caseload(s.median())))?;
        }
        for (i, r) in run.model.reviews.iter().enumerate() {
            let x = median(d, &format!("compliance:{}", r.id));
            number(ws, row, 7 + i as u16, x, &f.percent)?;
        }
    }
    Ok(())
}

/// Each review in the city at the month: target, on time, the chance of the target, status.
fn reviews(ws: &mut Worksheet, book: &Book, f: &Formats) -> Result<(), XlsxError> {
    let run = &book.run;
    let shape = run.values.shape();
    let m = book.month;
    let headings = [
        "Review",
        "Code",
        "Target",
        "On time: median",
        "P10",
        "P90",
        "Chance of meeting the target",
        "Status",
    ];
    header(ws, "Reviews", &headings, f)?;
    let month = shape.months.get(m).cloned().unwrap_or_default();
    for (i, r) in run.model.reviews.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, &r.name)?;
        ws.write_string(row, 1, &r.metric)?;
        let metric = format!("compliance:{}", r.id);
        let Some(k) = shape.metric_index(&metric) else {
            continue;
        };
        let s = run.summary.get(m, shape.city(), k);
        number(ws, row, 3, s.median(), &f.percent)?;
        number(ws, row, 4, s.percentiles[1], &f.percent)?;
        number(ws, row, 5, s.percentiles[3], &f.percent)?;
        let Some(target) = r.target else {
            ws.write_string(row, 7, "no target")?;
            continue;
        };
        number(ws, row, 2, target, &f.percent)?;
        let chance = Target {
            metric,
            comparison: Comparison::AtLeast,
            value: target,
            month: month.clone(),
            scope: Scope::District(crate::results::CITY.into()),
        }
        .chance(run.values)
        .map_or(f64::NAN, |c| c.probability);
        number(ws, row, 6, chance, &f.percent)?;
        ws.write_string(row, 7, word(run.model.rag.compliance(s.median(), target)))?;
    }
    Ok(())
}

/// The `--target`s asked of the run.
fn asked(ws: &mut Worksheet, targets: &[(Target, Chance)], f: &Formats) -> Result<(), XlsxError> {
    let headings = [
        "Target",
        "Replications meeting it",
        "Replications",
        "Chance",
        "Exact 95% interval: low",
        "High",
    ];
    header(ws, "Targets", &headings, f)?;
    for (i, (t, c)) in targets.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, t.to_string())?;
        ws.write_number(row, 1, c.met as f64)?;
        ws.write_number(row, 2, c.replications as f64)?;
        number(ws, row, 3, c.probability, &f.percent)?;
        number(ws, row, 4, c.ci95_low, &f.percent)?;
        number(ws, row, 5, c.ci95_high, &f.percent)?;
    }
    Ok(())
}

/// B - A for the city, month by month, for every metric both have.
fn comparison(ws: &mut Worksheet, c: &Compared, f: &Formats) -> Result<(), XlsxError> {
    let headings = [
        "Metric",
        "Month",
        "A (mean)",
        "B (mean)",
        "B - A",
        "Paired 95% interval: low",
        "High",
        "Verdict",
    ];
    header(ws, "Comparison", &headings, f)?;
    let city = c.rows.iter().filter(|r| r.district == crate::results::CITY);
    for (i, r) in city.enumerate() {
        let row = i as u32 + 1;
        let d = &r.difference;
        let (value, change) = (f.of(&r.metric), f.of_change(&r.metric));
        ws.write_string(row, 0, &r.metric)?;
        ws.write_string(row, 1, &r.month)?;
        number(ws, row, 2, d.mean_a, value)?;
        number(ws, row, 3, d.mean_b, value)?;
        number(ws, row, 4, d.difference, change)?;
        number(ws, row, 5, d.ci95_low, change)?;
        number(ws, row, 6, d.ci95_high, change)?;
        ws.write_string(row, 7, d.verdict(&r.metric))?;
    }
    Ok(())
}

/// What differs between A and B, field by field.
fn changes(ws: &mut Worksheet, changes: &[FieldChange], f: &Formats) -> Result<(), XlsxError> {
    header(ws, "What differs", &["Field", "A", "B"], f)?;
    ws.set_column_width(1, 50)?;
    ws.set_column_width(2, 50)?;
    for (i, c) in changes.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, &c.path)?;
        ws.write_string(row, 1, c.a.as_deref().unwrap_or("(not set)"))?;
        ws.write_string(row, 2, c.b.as_deref().unwrap_or("(not set)"))?;
    }
    Ok(())
}
