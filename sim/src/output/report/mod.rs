//! The board report: one self-contained HTML page (inline CSS and SVG, no scripts, nothing fetched)
//! with fan charts of the forecast, a red/amber/green table and the scenario's assumptions.
//!
//! [`board_report`] is a pure function of a finished run and its [`Edition`]: the same run on
//! the same day gives the same bytes. The page records the day it was made and what reproduces it
//! (scenario hash, seed, replications, month, version), no wall-clock time. Writing the file is the
//! caller's business
//! ([`crate::output::write_files`] writes it whole or not at all).
//!
//! Colours follow the Okabe-Ito palette, and every red/amber/green cell also says its status in
//! words, so nothing is read from colour alone. Statuses follow the scenario's one rule
//! ([`crate::rag::RagRule`]), as the printed summary and the desktop app do.
//!
//! The page, top to bottom: the header (here), the status tables (`status`), the chart sections
//! (`figures`, each chart drawn by [`charts`]) and the assumptions (`assumptions`).

mod assumptions;
pub mod charts;
mod figures;
mod status;

use crate::model::Model;
use crate::output::RunRecord;
use crate::results::Results;
use crate::scenario::Scenario;
use crate::summary::Summary;
use crate::targets::{Chance, Target};

use charts::month_name;

/// The Institute of Health Visiting's recommended most children per health-visitor WTE.
pub const IHV_GUIDANCE: f64 = 250.0;
/// Birmingham's planned caseload per health-visitor WTE (about 350).
pub const BIRMINGHAM_PLAN: f64 = 350.0;

/// What a page says beyond the run's own record: the month its tables are at, the day it was
/// made, and how the scenario run differs from the one it was made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Edition<'a> {
    /// The month every status table is at, as an index into the run's months.
    pub month: usize,
    /// Whether someone chose that month (otherwise it is the forecast's last).
    pub month_chosen: bool,
    /// The day the report was made.
    pub made: jiff::civil::Date,
    /// The scenario the run was made from, when the scenario run is a changed copy of it
    /// written beside the report (the record then names the copy).
    pub based_on: Option<&'a str>,
    /// The changes made to `based_on` before running, in words (for example a lever set to a new
    /// value), listed under the title.
    pub changes: &'a [String],
}

impl Edition<'_> {
    /// The edition of a run of the scenario as written, with its tables at the forecast's last
    /// month (`months` of them), made on `made`.
    pub fn as_written(months: usize, made: jiff::civil::Date) -> Edition<'static> {
        Edition {
            month: months.saturating_sub(1),
            month_chosen: false,
            made,
            based_on: None,
            changes: &[],
        }
    }
}

/// The day a report is made: today (the machine's time zone), or the day of `SOURCE_DATE_EPOCH`
/// (seconds since 1970, UTC) when that is set to a whole number, so a build or a test can fix it
/// (the reproducible-builds convention).
pub fn today() -> jiff::civil::Date {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map_or_else(
            || jiff::ZonedDateTime::now().date(),
            |t| t.to_zoned_datetime(jiff::tz::TimeZone::UTC).date(),
        )
}

/// `made` as a board paper dates itself: `6 December 2026`.
pub fn long_date(made: jiff::civil::Date) -> String {
    made.strftime("%-d %B %Y").to_string()
}

/// `text` with `&`, `<`, `>`, `"` and `'` escaped for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A share as a percentage, to at most one decimal: `0.86` is `86%`, `0.755` is `75.5%`.
pub(crate) fn percent(x: f64) -> String {
    if x.is_nan() {
        return "-".to_string();
    }
    let p = format!("{:.1}", 100.0 * x);
    format!("{}%", p.strip_suffix(".0").unwrap_or(&p))
}

/// A share as a percentage with one decimal: `0.97` is `97.0%`.
fn percent1(x: f64) -> String {
    if x.is_nan() {
        "-".to_string()
    } else {
        format!("{:.1}%", 100.0 * x)
    }
}

/// A number rounded to `decimals` with thousands separators: `86600` is `86,600`.
pub(crate) fn number(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "-".to_string();
    }
    let text = format!("{:.*}", decimals, x.abs());
    let (whole, fraction) = text.split_once('.').map_or((text.as_str(), ""), |p| p);
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if x < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        "-"
    } else {
        ""
    };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

/// The board report of a finished run, as a complete HTML document.
///
/// `scenario_text` is the text that was run (shown in full, and read for the inputs the model
/// does not keep, such as each role's contact share); `targets` are the run's `--target`s with
/// their chances; `edition` says the month the tables are at, the day, and any changes.
pub fn board_report(
    model: &Model,
    scenario_text: &str,
    results: &Results,
    summary: &Summary,
    record: &RunRecord,
    targets: &[(Target, Chance)],
    edition: &Edition,
) -> String {
    let run = Run {
        model,
        results,
        summary,
        record,
        edition,
    };
    // The scenario as written: the inputs the model does not keep (contact shares, uncertain
    // values) are read from it.
    let written = crate::load::parse(&record.scenario, scenario_text).ok();
    let mut html = String::new();
    html.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"caseload {}\">\n<title>Board report: {}</title>\n\
         <style>\n{STYLE}</style>\n</head>\n<body>\n",
        escape(&record.version),
        escape(&record.scenario_name)
    ));
    html.push_str(&header(&run, scenario_text, written.as_ref(), targets));
    html.push_str(&status::glance(&run, targets));
    html.push_str(&figures::caseload_charts(&run));
    html.push_str(&figures::compliance_charts(&run));
    html.push_str(&figures::workforce_and_spend_charts(&run));
    html.push_str(&assumptions::section(
        model,
        scenario_text,
        written.as_ref(),
        record,
    ));
    html.push_str(&format!(
        "<footer><p>Made by caseload {} from the scenario whose SHA-256 is <code>{}</code>.</p></footer>\n\
         </body>\n</html>\n",
        escape(&record.version),
        escape(&record.scenario_sha256)
    ));
    html
}

/// What every section reads.
struct Run<'a> {
    model: &'a Model,
    results: &'a Results,
    summary: &'a Summary,
    record: &'a RunRecord,
    edition: &'a Edition<'a>,
}

impl Run<'_> {
    fn metric(&self, name: &str) -> Option<usize> {
        self.results.metric_index(name)
    }

    fn months(&self) -> usize {
        self.results.months.len()
    }

    /// The month the status tables are at, for people (`Dec 2023`).
    fn month_name(&self) -> String {
        self.results
            .months
            .get(self.edition.month)
            .map_or_else(String::new, |m| month_name(m))
    }

    /// The replications whose value of `metric` in (`month`, `district`) is defined and `holds`,
    /// out of all: (met, replications).
    fn share(
        &self,
        month: usize,
        district: usize,
        metric: usize,
        holds: impl Fn(f64) -> bool,
    ) -> (usize, usize) {
        // An undefined value never meets a target, as `--target` counts it.
        let values = self.results.across_replications(month, district, metric);
        let met = values.iter().filter(|&&v| !v.is_nan() && holds(v)).count();
        (met, values.len())
    }
}

/// Title, run facts and how to reproduce the run.
fn header(
    run: &Run,
    scenario_text: &str,
    written: Option<&Scenario>,
    targets: &[(Target, Chance)],
) -> String {
    let r = run.record;
    let e = run.edition;
    let n = run.months();
    let mut html = format!("<header>\n<h1>{}</h1>\n", escape(&r.scenario_name));
    if !r.scenario_description.trim().is_empty() {
        html.push_str(&format!(
            "<p class=\"description\">{}</p>\n",
            escape(r.scenario_description.trim())
        ));
    }
    if !e.changes.is_empty() {
        html.push_str(&format!(
            "<div class=\"changes\"><p><strong>Changed from {} before running:</strong></p>\n<ul>\n",
            escape(e.based_on.unwrap_or("the scenario as written"))
        ));
        for c in e.changes {
            html.push_str(&format!("<li>{}</li>\n", escape(c)));
        }
        html.push_str("</ul>\n</div>\n");
    }
    let embedded =
        r.scenario == crate::load::BASELINE_NAME && scenario_text == crate::load::BASELINE;
    let mut command = String::from("caseload report");
    if !embedded {
        command.push_str(&format!(" {}", shell_quote(&r.scenario)));
    }
    command.push_str(&format!(" --reps {} --seed {}", r.replications, r.seed));
    if e.month_chosen
        && let Some(month) = run.results.months.get(e.month)
    {
        command.push_str(&format!(" --month {month}"));
    }
    if let Some(p) = &r.posterior {
        command.push_str(&format!(" --posterior {}", shell_quote(&p.file)));
    }
    for (t, _) in targets {
        command.push_str(&format!(" --target {}", shell_quote(&t.to_string())));
    }
    let scenario = if embedded {
        format!("{} (embedded in caseload)", r.scenario)
    } else if let Some(base) = e.based_on {
        format!(
            "{}: the scenario as run, written beside this report; made from {base}",
            r.scenario
        )
    } else {
        r.scenario.clone()
    };
    let facts = [
        ("Made on", long_date(e.made)),
        (
            "Status tables at",
            format!(
                "{} ({})",
                run.month_name(),
                if e.month_chosen {
                    "the month chosen"
                } else {
                    "the forecast's last month"
                }
            ),
        ),
        (
            "Months covered",
            format!(
                "{} to {} ({n} month{})",
                month_name(&r.months[0]),
                month_name(&r.months[1]),
                if n == 1 { "" } else { "s" }
            ),
        ),
        ("Replications", r.replications.to_string()),
        ("Seed", r.seed.to_string()),
        ("Scenario", scenario),
        ("Scenario SHA-256", r.scenario_sha256.clone()),
        ("Caseload version", r.version.clone()),
        (
            if e.based_on.is_some() {
                "Reproduce with (in this report's folder)"
            } else {
                "Reproduce with"
            },
            command,
        ),
    ];
    let posterior = r.posterior.as_ref().map(|p| {
        (
            "Uncertain inputs drawn from",
            format!("the calibrated posterior {} (SHA-256 {})", p.file, p.sha256),
        )
    });
    html.push_str("<dl class=\"facts\">\n");
    for (term, value) in facts.into_iter().chain(posterior) {
        let value = escape(&value);
        let value = if term == "Scenario SHA-256" || term.starts_with("Reproduce with") {
            format!("<code>{value}</code>")
        } else {
            value
        };
        html.push_str(&format!("<dt>{term}</dt><dd>{value}</dd>\n"));
    }
    html.push_str("</dl>\n");
    html.push_str(&format!(
        "<p class=\"note\">Every figure is a forecast across {} Monte Carlo replications of the \
         scenario. Charts show the median (line) and the ranges holding the middle 80% (P10-P90, \
         darker band) and 90% (P5-P95, lighter band) of replications. Values are for the whole \
         month, or its last day for counts of children and staff.{}</p>\n</header>\n",
        r.replications,
        match written.map_or(0, |s| s.uncertain.len()) {
            0 => String::new(),
            n => format!(
                " The ranges also hold the uncertainty of {n} input{}, drawn afresh for each \
                 replication (see <a href=\"#uncertain\">Uncertain inputs</a>).",
                if n == 1 { "" } else { "s" }
            ),
        }
    ));
    html
}

/// Quotes `text` for a POSIX shell when it needs it.
fn shell_quote(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The page's style: readable on screen and on paper, colours from the Okabe-Ito palette. Printed
/// (a board pack is a PDF), pages are A4, each section starts a page (the status tables follow the
/// header on the first), and no chart, table row or fact list is split across pages.
pub(crate) const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#222;\
margin:0 auto;max-width:1280px;padding:1.5rem;line-height:1.45}
h1{margin:0 0 .3rem;font-size:1.8rem}h2{margin-top:2.2rem;border-bottom:2px solid #0072B2;\
padding-bottom:.2rem}h3{margin-top:1.4rem}
.description{font-size:1.05rem;max-width:60rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:1rem 0}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
.note{color:#444;font-size:.92rem;max-width:60rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.92rem}
th,td{border:1px solid #ccc;padding:.3rem .55rem;text-align:left;vertical-align:top}
thead th{background:#f2f2f2}td.num,.rag-table td{font-variant-numeric:tabular-nums}
.rag{font-weight:700}
td.rag,span.rag{border-left:.45rem solid transparent}
span.rag{padding:0 .3rem}
.rag.green{background:#d5f0e6;border-left-color:#009E73}
.rag.amber{background:#fbe9c0;border-left-color:#E69F00}
.rag.red{background:#f7d6c3;border-left-color:#D55E00}
.rag.none{font-weight:400;color:#555}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:1rem}
.grid.wide{grid-template-columns:repeat(auto-fill,minmax(540px,1fr))}
figure{margin:0;border:1px solid #e2e2e2;padding:.4rem;break-inside:avoid}
figcaption{font-weight:600;margin-bottom:.2rem}
figure svg{width:100%;height:auto;display:block}
.legend{font-size:.9rem}
.swatch{display:inline-block;width:1.6rem;height:.8rem;vertical-align:middle;margin:0 .2rem 0 .8rem}
.swatch.outer{background:rgba(0,114,178,.18)}.swatch.inner{background:rgba(0,114,178,.45)}
.swatch.median{height:3px;background:#0072B2}.swatch.target{height:3px;background:#009E73}
.swatch.establishment{height:3px;background:#D55E00}.swatch.budget{height:3px;background:#CC79A7}
details{margin:1rem 0}summary{cursor:pointer;font-weight:600}
pre{background:#f7f7f7;border:1px solid #ddd;padding:.8rem;overflow:auto;font-size:.8rem;\
white-space:pre-wrap}
footer{margin-top:2rem;color:#555;font-size:.85rem}
@page{size:A4;margin:14mm 12mm 16mm}
@media print{body{max-width:none;padding:0;font-size:9.5pt;line-height:1.35}\
h1{font-size:16pt}h2{font-size:13pt;margin-top:0}h3{font-size:11pt}\
details{display:none}section{break-before:page}section#status{break-before:avoid}\
h2,h3{break-after:avoid}figure,dl.facts,.changes,.note,tr{break-inside:avoid}\
table{break-inside:avoid}thead{display:table-header-group}\
.grid,.grid.wide{grid-template-columns:repeat(2,1fr);gap:.5rem}\
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(percent(0.86), "86%");
        assert_eq!(percent(0.755), "75.5%");
        assert_eq!(percent(f64::NAN), "-");
        assert_eq!(number(86_600.0, 0), "86,600");
        assert_eq!(number(1_234_567.891, 1), "1,234,567.9");
        assert_eq!(number(999.0, 0), "999");
        assert_eq!(number(-1_500.0, 0), "-1,500");
        assert_eq!(number(-0.2, 0), "0");
        assert_eq!(shell_quote("scenarios/a.ron"), "scenarios/a.ron");
        assert_eq!(shell_quote("my file's.ron"), "'my file'\\''s.ron'");
        assert_eq!(
            shell_quote("caseload_per_hv_wte<=350@2022-03/*"),
            "'caseload_per_hv_wte<=350@2022-03/*'"
        );
    }
}
