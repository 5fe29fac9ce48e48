//! The report's chart sections: caseload per HV WTE by district, compliance by review, and
//! health-visitor WTE and spend for the city.

use super::charts::{self, Chart, Fan, Line, max_of, palette};
use super::{IHV_GUIDANCE, Run, escape, number, percent};

/// A chart as a figure: caption above, SVG below.
fn figure(kind: &str, id: &str, caption: &str, chart: &Chart) -> String {
    format!(
        "<figure class=\"chart {kind}\" data-chart=\"{kind}:{}\">\n<figcaption>{}</figcaption>\n{}\n</figure>\n",
        escape(id),
        escape(caption),
        charts::svg(chart, caption)
    )
}

/// The legend for the fan, shared by all charts.
fn legend(extra: &str) -> String {
    format!(
        "<p class=\"legend\"><span class=\"swatch outer\"></span> P5 to P95 \
         <span class=\"swatch inner\"></span> P10 to P90 <span class=\"swatch median\"></span> \
         median{extra}</p>\n"
    )
}

fn whole(y: f64) -> String {
    number(y, 0)
}

fn percent_axis(y: f64) -> String {
    format!("{y:.0}%")
}

/// Caseload per HV WTE: one small chart per district and one for the city, on one scale.
pub(super) fn caseload_charts(run: &Run) -> String {
    let Some(k) = run.metric("caseload_per_hv_wte") else {
        return String::new();
    };
    let n = run.months();
    let fans: Vec<Fan> = (0..run.results.districts.len())
        .map(|d| Fan::of(run.summary, n, d, k, 1.0))
        .collect();
    let rule = &run.model.rag;
    let top = fans
        .iter()
        .map(Fan::max)
        .fold(rule.caseload_amber, f64::max)
        * 1.08;
    let mut html = String::from(
        "<section id=\"caseload\">\n<h2>Caseload per health-visitor WTE</h2>\n\
         <p>Children on the caseload at the month's end per whole-time-equivalent health visitor in \
         post, by district and for the city, all on one scale. Reference lines: the Institute of \
         Health Visiting's guidance of 250, and where the status turns amber and red (the \
         scenario's thresholds, as in the tables above).</p>\n",
    );
    html.push_str(&legend(""));
    html.push_str("<div class=\"grid\">\n");
    let city = run.results.city();
    let amber = format!("amber above {}", number(rule.caseload_green, 0));
    let red = format!("red above {}", number(rule.caseload_amber, 0));
    for (d, fan) in fans.into_iter().enumerate() {
        let (id, name) = if d == city {
            (crate::results::CITY, "City (all districts)")
        } else {
            let district = &run.model.districts[d];
            (district.id.as_str(), district.name.as_str())
        };
        let chart = Chart {
            months: &run.results.months,
            fan,
            lines: vec![
                Line::level(IHV_GUIDANCE, "iHV guidance 250", palette::GREEN),
                Line::level(rule.caseload_green, amber.clone(), palette::ORANGE),
                Line::level(rule.caseload_amber, red.clone(), palette::VERMILLION),
            ],
            y_max: top,
            y_title: "children per HV WTE",
            y_format: whole,
            size: (400, 250),
            marks: Vec::new(),
        };
        html.push_str(&figure("caseload", id, name, &chart));
    }
    html.push_str("</div>\n</section>\n");
    html
}

/// Each review's city compliance against its target.
pub(super) fn compliance_charts(run: &Run) -> String {
    let n = run.months();
    let city = run.results.city();
    let mut html = String::from(
        "<section id=\"compliance\">\n<h2>Mandated reviews done on time (city)</h2>\n\
         <p>The share of reviews due in the month (by their on-time deadline) that were done on \
         time, the public metric's definition, against each review's target. Gaps are months \
         with no review due.</p>\n",
    );
    html.push_str(&legend(" <span class=\"swatch target\"></span> target"));
    html.push_str("<div class=\"grid\">\n");
    for review in &run.model.reviews {
        let Some(k) = run.metric(&format!("compliance:{}", review.id)) else {
            continue;
        };
        let lines = review
            .target
            .map(|t| Line::level(100.0 * t, format!("target {}", percent(t)), palette::GREEN))
            .into_iter()
            .collect();
        let chart = Chart {
            months: &run.results.months,
            fan: Fan::of(run.summary, n, city, k, 100.0),
            lines,
            y_max: 100.0,
            y_title: "% on time",
            y_format: percent_axis,
            size: (400, 250),
            marks: Vec::new(),
        };
        let caption = format!("{} ({})", review.name, review.metric);
        html.push_str(&figure("compliance", &review.id, &caption, &chart));
    }
    html.push_str("</div>\n</section>\n");
    html
}

/// For each month, the median across replications of the city's sum of `metrics`.
fn median_of_sum(run: &Run, metrics: &[usize]) -> Vec<f64> {
    let city = run.results.city();
    (0..run.months())
        .map(|m| {
            let sums: Vec<f64> = (0..run.results.replications())
                .map(|r| {
                    metrics
                        .iter()
                        .map(|&k| run.results.value(r, m, city, k))
                        .sum()
                })
                .collect();
            crate::summary::Stats::of(&sums).median()
        })
        .collect()
}

/// Health-visitor WTE against establishment, and spend against budget.
pub(super) fn workforce_and_spend_charts(run: &Run) -> String {
    let n = run.months();
    let city = run.results.city();
    let mut html =
        String::from("<section id=\"workforce\">\n<h2>Health visitors and spend (city)</h2>\n");
    html.push_str(&legend(if run.model.budget.is_some() {
        " <span class=\"swatch establishment\"></span> establishment \
         <span class=\"swatch budget\"></span> budget"
    } else {
        " <span class=\"swatch establishment\"></span> establishment"
    }));
    html.push_str("<div class=\"grid wide\">\n");
    if let Some(k) = run.metric("hv_wte") {
        let establishment: Vec<usize> = run
            .model
            .roles
            .iter()
            .filter(|r| r.health_visitor)
            .filter_map(|r| run.metric(&format!("establishment:{}", r.id)))
            .collect();
        let line = median_of_sum(run, &establishment);
        let fan = Fan::of(run.summary, n, city, k, 1.0);
        let chart = Chart {
            months: &run.results.months,
            y_max: fan.max().max(max_of(&line)) * 1.12,
            fan,
            lines: vec![Line {
                values: line,
                label: "establishment".into(),
                colour: palette::VERMILLION,
            }],
            y_title: "WTE",
            y_format: whole,
            size: (560, 300),
            marks: Vec::new(),
        };
        html.push_str(&figure(
            "workforce",
            "hv_wte",
            "Health-visitor WTE in post against establishment (funded WTE)",
            &chart,
        ));
    }
    if let Some(k) = run.metric("spend") {
        let fan = Fan::of(run.summary, n, city, k, 0.001);
        let mut lines = Vec::new();
        if run.model.budget.is_some()
            && let Some(b) = run.metric("budget")
        {
            lines.push(Line {
                values: (0..n)
                    .map(|m| run.summary.get(m, city, b).median() / 1000.0)
                    .collect(),
                label: "budget".into(),
                colour: palette::PURPLE,
            });
        }
        let top = lines
            .iter()
            .map(|l| max_of(&l.values))
            .fold(fan.max(), f64::max);
        // Spend and budget accrue by the day, so a month's totals follow its length.
        let caption = if lines.is_empty() {
            "Spend in the month (no budget set; it accrues by the day, so it follows the month's \
             length)"
        } else {
            "Spend in the month against budget (both accrue by the day, so they follow the \
             month's length)"
        };
        let chart = Chart {
            months: &run.results.months,
            fan,
            lines,
            y_max: top * 1.12,
            y_title: "£ thousands in the month",
            y_format: whole,
            size: (560, 300),
            marks: Vec::new(),
        };
        html.push_str(&figure("spend", "spend", caption, &chart));
    }
    html.push_str("</div>\n</section>\n");
    html
}
