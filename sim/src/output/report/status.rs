//! The report's status section: red/amber/green tables of the reviews and caseloads at the
//! edition's month, and any targets asked of the run.

use crate::targets::{Chance, Target};

use super::{BIRMINGHAM_PLAN, IHV_GUIDANCE, Run, escape, number, percent, percent1};
use crate::rag::{Rag, trimmed};

/// A status cell: the word, and its colour as a class.
fn rag_cell(rag: Option<Rag>, otherwise: &str) -> String {
    match rag {
        Some(r) => format!("<td class=\"rag {0}\">{0}</td>", r.as_str()),
        None => format!("<td class=\"rag none\">{otherwise}</td>"),
    }
}

/// P10-P90 of a cell, formatted by `f`.
fn range(s: &crate::summary::Stats, f: impl Fn(f64) -> String) -> String {
    if s.n == 0 {
        "-".to_string()
    } else {
        format!("{} to {}", f(s.percentiles[1]), f(s.percentiles[3]))
    }
}

/// The red/amber/green tables: reviews, caseloads, and any targets.
pub(super) fn glance(run: &Run, targets: &[(Target, Chance)]) -> String {
    let city = run.results.city();
    let m = run.edition.month;
    let rule = &run.model.rag;
    let month = run.month_name();
    let mut html = format!(
        "<section id=\"status\">\n<h2>Status in {month}</h2>\n\
         <h3>Mandated reviews: share done on time (city)</h3>\n\
         <table class=\"rag-table\">\n<thead><tr><th>Review</th><th>Target</th>\
         <th>Median on time</th><th>P10 to P90</th><th>Chance of meeting the target</th>\
         <th>Status</th></tr></thead>\n<tbody>\n",
    );
    for review in &run.model.reviews {
        let name = format!("{} ({})", escape(&review.name), escape(&review.metric));
        let target = review.target.map_or("none".to_string(), percent);
        let defined = run
            .metric(&format!("compliance:{}", review.id))
            .filter(|&k| run.summary.get(m, city, k).n > 0);
        let Some(k) = defined else {
            html.push_str(&format!(
                "<tr data-review=\"{}\"><th scope=\"row\">{name}</th><td>{target}</td>\
                 <td>-</td><td>-</td><td>-</td>{}</tr>\n",
                escape(&review.id),
                rag_cell(None, &format!("none due in {month}"))
            ));
            continue;
        };
        let s = run.summary.get(m, city, k);
        let (chance, rag) = match review.target {
            Some(t) => {
                let (met, of) = run.share(m, city, k, |v| v >= t);
                (
                    format!("{} ({met} of {of})", percent(met as f64 / of as f64)),
                    rag_cell(rule.compliance(s.median(), t), "-"),
                )
            }
            None => ("-".to_string(), rag_cell(None, "no target")),
        };
        html.push_str(&format!(
            "<tr data-review=\"{}\"><th scope=\"row\">{name}</th><td>{target}</td>\
             <td>{}</td><td>{}</td><td>{chance}</td>{rag}</tr>\n",
            escape(&review.id),
            percent1(s.median()),
            range(s, percent1),
        ));
    }
    html.push_str(&format!(
        "</tbody>\n</table>\n<h3>Caseload: children per health-visitor WTE</h3>\n\
         <table class=\"rag-table\">\n<thead><tr><th>District</th><th>Median</th>\
         <th>P10 to P90</th><th>Chance of {} or fewer</th><th>Status</th></tr></thead>\n<tbody>\n",
        trimmed(rule.caseload_green)
    ));
    if let Some(k) = run.metric("caseload_per_hv_wte") {
        for d in 0..run.results.districts.len() {
            let name = if d == city {
                "City (all districts)".to_string()
            } else {
                escape(&run.model.districts[d].name)
            };
            let id = escape(&run.results.districts[d]);
            let s = run.summary.get(m, d, k);
            if s.n == 0 {
                html.push_str(&format!(
                    "<tr data-district=\"{id}\"><th scope=\"row\">{name}</th><td>-</td>\
                     <td>-</td><td>-</td>{}</tr>\n",
                    rag_cell(None, "no health visitors")
                ));
                continue;
            }
            let (met, of) = run.share(m, d, k, |v| v <= rule.caseload_green);
            html.push_str(&format!(
                "<tr data-district=\"{id}\"><th scope=\"row\">{name}</th>\
                 <td>{}</td><td>{}</td><td>{} ({met} of {of})</td>{}</tr>\n",
                number(s.median(), 0),
                range(s, |x| number(x, 0)),
                percent(met as f64 / of as f64),
                rag_cell(rule.caseload(s.median()), "-")
            ));
        }
    }
    html.push_str("</tbody>\n</table>\n");
    if !targets.is_empty() {
        html.push_str(
            "<h3>Targets asked of this run</h3>\n<table>\n<thead><tr><th>Target</th>\
             <th>Replications meeting it</th><th>Chance</th><th>Exact 95% interval</th></tr></thead>\n<tbody>\n",
        );
        for (t, c) in targets {
            html.push_str(&format!(
                "<tr><th scope=\"row\"><code>{}</code></th><td>{} of {}</td><td>{}</td>\
                 <td>{} to {}</td></tr>\n",
                escape(&t.to_string()),
                c.met,
                c.replications,
                percent(c.probability),
                percent(c.ci95_low),
                percent(c.ci95_high)
            ));
        }
        html.push_str(
            "</tbody>\n</table>\n<p class=\"note\">A target reads METRIC OP VALUE@MONTH[/DISTRICT] \
             (<code>/*</code>: every district at once). The chance is the share of replications \
             meeting it; the interval is Clopper-Pearson's.</p>\n",
        );
    }
    html.push_str(&format!(
        "<p class=\"note thresholds\"><strong>How the status is set.</strong> Reviews: \
         <span class=\"rag green\">green</span> when the median share on time in {month} \
         is at or above the target, <span class=\"rag amber\">amber</span> when it is up to {} \
         percentage points below it, <span class=\"rag red\">red</span> when further below. \
         Caseload: <span class=\"rag green\">green</span> at {} or fewer children per \
         health-visitor WTE, <span class=\"rag amber\">amber</span> at {} or fewer, \
         <span class=\"rag red\">red</span> above {}. The thresholds are the scenario's \
         (its <code>rag</code> section); the desktop app and the printed summary use the same \
         rule. For reference, the Institute of Health Visiting's guidance is {} and \
         Birmingham's plan about {}. The chance columns are the share of replications meeting \
         the target or the {} level in {month}.</p>\n</section>\n",
        trimmed(rule.compliance_amber_points),
        trimmed(rule.caseload_green),
        trimmed(rule.caseload_amber),
        trimmed(rule.caseload_amber),
        number(IHV_GUIDANCE, 0),
        number(BIRMINGHAM_PLAN, 0),
        trimmed(rule.caseload_green),
    ));
    html
}
