//! The readable summary `caseload run` prints: the city and each district, a few key metrics, at a
//! few dates.

use std::collections::BTreeMap;

use caseload::compare::Row;
use caseload::model::Model;
use caseload::output::RunRecord;
use caseload::rag::Rag;
use caseload::results::{CITY, Results};
use caseload::scenario::PipelineKind;
use caseload::scenario::diff::FieldChange;
use caseload::summary::Summary;
use caseload::targets::{Chance, Target};

use crate::Completed;

/// Months shown: the first, the 13th and 25th (a year and two in), and the last; fewer for short runs.
fn shown_months(n: usize) -> Vec<usize> {
    let mut months: Vec<usize> = [0, 12, 24].into_iter().filter(|&m| m + 1 < n).collect();
    if n > 0 {
        months.push(n - 1);
    }
    months
}

/// A cell: median and P10-P90, formatted by `f`.
fn cell(summary: &Summary, m: usize, d: usize, k: usize, f: &dyn Fn(f64) -> String) -> String {
    let s = summary.get(m, d, k);
    if s.n == 0 {
        return "-".to_string();
    }
    let (lo, mid, hi) = (s.percentiles[1], s.median(), s.percentiles[3]);
    if f(lo) == f(hi) {
        f(mid)
    } else {
        format!("{} ({}-{})", f(mid), f(lo), f(hi))
    }
}

pub(crate) fn whole(x: f64) -> String {
    format!("{x:.0}")
}

pub(crate) fn percent(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// Lays out rows of cells in aligned columns.
pub(crate) fn layout(header: Vec<String>, rows: Vec<Vec<String>>) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i] - c.chars().count();
            if i == 0 {
                out.push_str(c);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str("  ");
                out.push_str(&" ".repeat(pad));
                out.push_str(c);
            }
        }
        out.push('\n');
        out
    };
    let mut text = line(&header);
    for row in &rows {
        text.push_str(&line(row));
    }
    text
}

/// A review's target and its compliance metric, for each review with a target.
fn targeted(model: &Model, results: &Results) -> Vec<(String, f64, usize)> {
    model
        .reviews
        .iter()
        .filter_map(|r| {
            let k = results.metric_index(&format!("compliance:{}", r.id))?;
            Some((r.name.clone(), r.target?, k))
        })
        .collect()
}

/// The cells (month, district, metric) whose values across replications the printed summary
/// needs: each targeted review's city compliance at the months shown.
pub fn chance_cells(model: &Model, results: &Results) -> Vec<(usize, usize, usize)> {
    let city = results.city();
    let months = shown_months(results.months.len());
    targeted(model, results)
        .into_iter()
        .flat_map(|(_, _, k)| months.iter().map(move |&m| (m, city, k)))
        .collect()
}

/// Values across replications, by (month, district, metric) cell.
pub type Across = BTreeMap<(usize, usize, usize), Vec<f64>>;

/// The values of [`chance_cells`] from results held in memory.
pub fn chance_values(model: &Model, results: &Results) -> Across {
    chance_cells(model, results)
        .into_iter()
        .map(|(m, d, k)| ((m, d, k), results.across_replications(m, d, k)))
        .collect()
}

/// The whole printed summary; `across` holds the values of [`chance_cells`].
pub fn summary(
    model: &Model,
    results: &Results,
    summary: &Summary,
    record: &RunRecord,
    across: &Across,
) -> String {
    let months = shown_months(results.months.len());
    let city = results.city();
    let metric = |name: &str| results.metric_index(name);
    let mut text = format!(
        "{}: {} replications, seed {}, {} to {}\nCells: median (P10-P90) across replications.\n\n",
        model.name, record.replications, record.seed, record.months[0], record.months[1]
    );

    let header = |first: &str| {
        std::iter::once(first.to_string())
            .chain(months.iter().map(|&m| results.months[m].clone()))
            .collect::<Vec<_>>()
    };

    // The city.
    let mut rows = Vec::new();
    let mut add = |label: String, k: Option<usize>, f: &dyn Fn(f64) -> String| {
        if let Some(k) = k {
            let mut row = vec![label];
            row.extend(months.iter().map(|&m| cell(summary, m, city, k, f)));
            rows.push(row);
        }
    };
    add("children on caseload".into(), metric("children"), &whole);
    add("health visitor WTE".into(), metric("hv_wte"), &|x| {
        format!("{x:.1}")
    });
    let one_decimal = |x: f64| format!("{x:.1}");
    // Workforce rows appear only for scenarios whose staff list changes.
    let dynamic = model
        .roles
        .iter()
        .any(|r| r.attrition > 0.0 || r.recruitment.is_some())
        || !model.pipelines.is_empty();
    if let Some(hv) = model
        .roles
        .iter()
        .find(|r| r.health_visitor)
        .filter(|_| dynamic)
    {
        add(
            format!("{} establishment WTE", hv.name),
            metric(&format!("establishment:{}", hv.id)),
            &one_decimal,
        );
        add(
            format!("{} vacancies WTE", hv.name),
            metric(&format!("vacancies:{}", hv.id)),
            &one_decimal,
        );
    }
    add(
        "caseload per HV WTE".into(),
        metric("caseload_per_hv_wte"),
        &whole,
    );
    if model
        .pipelines
        .iter()
        .any(|p| p.kind == PipelineKind::Trainee)
    {
        add(
            "trainees in training".into(),
            metric("trainees_in_training"),
            &whole,
        );
    }
    if model
        .pipelines
        .iter()
        .any(|p| p.kind == PipelineKind::Apprentice)
    {
        add("apprentices".into(), metric("apprentices"), &whole);
    }
    if model.volunteers.is_some() {
        add("volunteers active".into(), metric("volunteers"), &whole);
    }
    if model.universal_support.is_some() {
        add(
            "universal support hours delivered".into(),
            metric("universal_support_hours"),
            &whole,
        );
    }
    let thousands = |x: f64| format!("{:.0}", x / 1000.0);
    add(
        "spend (£k in the month)".into(),
        metric("spend"),
        &thousands,
    );
    if model.budget.is_some() {
        add(
            "budget (£k in the month)".into(),
            metric("budget"),
            &thousands,
        );
    }
    for r in &model.reviews {
        let target = r
            .target
            .map_or(String::new(), |t| format!(", target {}", percent(t)));
        add(
            format!("compliance: {} ({}{target})", r.name, r.metric),
            metric(&format!("compliance:{}", r.id)),
            &percent,
        );
    }
    for l in &model.levels {
        if l.contacts_per_month > 0.0 {
            add(
                format!("contacts delivered: {}", l.name),
                metric(&format!("contact_coverage:{}", l.id)),
                &percent,
            );
        }
    }
    add("unmet hours".into(), metric("unmet_hours"), &whole);
    text.push_str(&format!("City ({CITY})\n"));
    text.push_str(&layout(header("metric"), rows));

    // Chance of meeting each review's target: the share of replications at or above it, an
    // undefined value (nothing due) counting as not met, as `--target` counts it.
    // Statuses are at the last month, by the scenario's one red/amber/green rule.
    let last = results.months.len().saturating_sub(1);
    let status = |rag: Option<Rag>| rag.map_or("-", Rag::as_str).to_string();
    let with_status = |mut header: Vec<String>| {
        header.push(format!("status {}", results.months[last]));
        header
    };
    let mut rows = Vec::new();
    for (name, target, k) in targeted(model, results) {
        let mut row = vec![format!("{name} >= {}", percent(target))];
        row.extend(months.iter().map(|&m| {
            let values = across.get(&(m, city, k)).map_or(&[][..], Vec::as_slice);
            if values.iter().all(|v| v.is_nan()) {
                "-".to_string()
            } else {
                let met = values.iter().filter(|&&v| v >= target).count();
                percent(met as f64 / values.len() as f64)
            }
        }));
        let median = summary.get(last, city, k).median();
        row.push(status(model.rag.compliance(median, target)));
        rows.push(row);
    }
    let rated = !rows.is_empty();
    if rated {
        text.push_str("\nChance of meeting the target (share of replications)\n");
        text.push_str(&layout(with_status(header("review")), rows));
    }

    // Districts: caseload per HV WTE.
    if let Some(k) = metric("caseload_per_hv_wte") {
        let rows = (0..results.districts.len())
            .map(|d| {
                let mut row = vec![results.districts[d].clone()];
                row.extend(months.iter().map(|&m| cell(summary, m, d, k, &whole)));
                row.push(status(model.rag.caseload(summary.get(last, d, k).median())));
                row
            })
            .collect();
        text.push_str("\nCaseload per HV WTE by district\n");
        text.push_str(&layout(with_status(header("district")), rows));
    }
    if rated || metric("caseload_per_hv_wte").is_some() {
        text.push_str(&format!("\nStatus: {}\n", model.rag.in_words()));
    }
    text
}

/// The printed targets block (empty without targets).
pub fn targets(targets: &[Target], chances: &[Chance]) -> String {
    if targets.is_empty() {
        return String::new();
    }
    let rows = targets
        .iter()
        .zip(chances)
        .map(|(t, c)| {
            vec![
                t.to_string(),
                format!("{} of {}", c.met, c.replications),
                percent(c.probability),
                format!("{}-{}", percent(c.ci95_low), percent(c.ci95_high)),
            ]
        })
        .collect();
    let header = ["target", "met", "chance", "95% interval"]
        .map(String::from)
        .to_vec();
    format!(
        "\nTargets (chance across replications, exact 95% interval)\n{}",
        layout(header, rows)
    )
}

/// The printed comparison: key city metrics, B - A with paired and unpaired intervals.
pub fn comparison(a: &Completed, b: &Completed, rows: &[Row]) -> String {
    let months = shown_months(a.results.months.len());
    let labels: Vec<&String> = months.iter().map(|&m| &a.results.months[m]).collect();
    let mut text = format!(
        "A: {}\nB: {}\n{} replications each, seed {}, common random numbers.\nCells: B - A, paired 95% interval [unpaired 95% interval]; compliance and coverage in percentage points.\n\n",
        a.record.scenario_name, b.record.scenario_name, a.record.replications, a.record.seed
    );
    let mut keys = vec![
        "children".to_string(),
        "hv_wte".into(),
        "caseload_per_hv_wte".into(),
    ];
    keys.extend(
        a.model
            .reviews
            .iter()
            .map(|r| format!("compliance:{}", r.id)),
    );
    keys.extend(
        a.model
            .levels
            .iter()
            .filter(|l| l.contacts_per_month > 0.0)
            .map(|l| format!("contact_coverage:{}", l.id)),
    );
    keys.extend(["unmet_hours", "spend"].map(String::from));
    let fmt = |metric: &str, x: f64| {
        if metric.starts_with("compliance:") || metric.starts_with("contact_coverage:") {
            format!("{:+.1}", 100.0 * x)
        } else if metric == "hv_wte" {
            format!("{x:+.1}")
        } else {
            format!("{x:+.0}")
        }
    };
    let mut table_rows = Vec::new();
    for key in &keys {
        let mut row = vec![key.clone()];
        for label in &labels {
            let found = rows
                .iter()
                .find(|r| r.district == CITY && &&r.month == label && &r.metric == key);
            row.push(match found {
                Some(r) if r.difference.pairs > 1 => {
                    let d = &r.difference;
                    format!(
                        "{} ({} to {}) [{} to {}]",
                        fmt(key, d.difference),
                        fmt(key, d.ci95_low),
                        fmt(key, d.ci95_high),
                        fmt(key, d.unpaired_low),
                        fmt(key, d.unpaired_high)
                    )
                }
                _ => "-".to_string(),
            });
        }
        if row.iter().skip(1).any(|c| c != "-") {
            table_rows.push(row);
        }
    }
    let header = std::iter::once("metric (city)".to_string())
        .chain(labels.iter().map(|l| l.to_string()))
        .collect();
    text.push_str(&layout(header, table_rows));
    text
}

/// What differs between A and B, field by field (every field whose value differs).
pub fn changes(changes: &[FieldChange]) -> String {
    if changes.is_empty() {
        return "\nA and B are the same scenario.\n".to_string();
    }
    let none = || "(not set)".to_string();
    let rows = changes
        .iter()
        .map(|c| {
            vec![
                c.path.clone(),
                c.a.clone().unwrap_or_else(none),
                c.b.clone().unwrap_or_else(none),
            ]
        })
        .collect();
    let header = ["field", "A", "B"].map(String::from).to_vec();
    format!(
        "\nWhat differs between A and B ({} field{})\n{}",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" },
        layout(header, rows)
    )
}
