//! The calibration report (`calibration.html`, written by `caseload calibrate`): one self-contained
//! page in the board report's style with each uncertain input's prior and posterior, every
//! observation against the posterior predictive range, and the search's generations, each said in
//! words as well as figures. A pure function of its inputs, like the board report.

use crate::calibration::abc::Generation;
use crate::calibration::{Observed, Record};
use crate::engine::rng;
use crate::metrics::Metrics;
use crate::report::charts::{self, Chart, Fan, Mark};
use crate::report::{STYLE, escape, number};
use crate::results::Results;
use crate::scenario::Distribution;
use crate::summary::Summary;
use crate::uncertainty;

/// What the report shows.
pub struct CalibrationPage<'a> {
    /// The scenario's title.
    pub scenario_name: &'a str,
    /// The command that reproduces the calibration.
    pub command: String,
    /// calibration.json's record.
    pub record: &'a Record,
    /// The prior of each uncertain input, in the record's path order.
    pub priors: &'a [Distribution],
    /// The posterior (the last generation).
    pub posterior: &'a Generation,
    /// The observed rows.
    pub observed: &'a Observed,
    /// Observations held out of the fit and checked against it, if any.
    pub holdout: Option<&'a Observed>,
    /// The metrics of the scenario.
    pub metrics: &'a Metrics,
    /// Replications run with inputs drawn from the posterior.
    pub predictive: &'a Results,
}

/// The `q`-quantile of weighted values, ignoring undefined ones (NaN when none is defined).
fn weighted_quantile(values: Vec<(f64, f64)>, q: f64) -> f64 {
    let (xs, weights): (Vec<f64>, Vec<f64>) =
        values.into_iter().filter(|(x, _)| x.is_finite()).unzip();
    if xs.is_empty() {
        f64::NAN
    } else {
        crate::calibration::abc::weighted_quantile(&xs, &weights, q)
    }
}

/// A prior's mean and 90% interval, from 20,000 draws of a fixed stream.
fn prior_summary(d: Distribution) -> (f64, f64, f64) {
    let mut r = rng::stream(0, 0, rng::Process::Calibration);
    let draws: Vec<(f64, f64)> = (0..20_000)
        .map(|_| (uncertainty::draw(d, &mut r), 1.0))
        .collect();
    let mean = draws.iter().map(|d| d.0).sum::<f64>() / draws.len() as f64;
    (
        mean,
        weighted_quantile(draws.clone(), 0.05),
        weighted_quantile(draws, 0.95),
    )
}

fn distribution_text(d: Distribution) -> String {
    match d {
        Distribution::Uniform { min, max } => format!("Uniform({min}, {max})"),
        Distribution::Normal { mean, sd } => format!("Normal(mean {mean}, sd {sd}), cut at 3 sd"),
        Distribution::Beta { alpha, beta } => format!("Beta({alpha}, {beta})"),
        Distribution::Triangular { min, mode, max } => {
            format!("Triangular({min}, mode {mode}, {max})")
        }
    }
}

/// A value for reading: at most four significant figures.
fn value(x: f64) -> String {
    if !x.is_finite() {
        return "undefined".into();
    }
    let digits = (3 - x.abs().max(1e-12).log10().floor() as i32).clamp(0, 6) as usize;
    number(x, digits)
}

/// The calibration report.
pub fn calibration_report(page: &CalibrationPage) -> String {
    let r = page.record;
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Calibration report: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
         <header>\n<h1>Calibration: {}</h1>\n",
        escape(page.scenario_name),
        escape(page.scenario_name)
    );
    let last = r.generations.last();
    let facts = [
        ("Observations", page.observed.rows.len().to_string()),
        ("Uncertain inputs", r.paths.len().to_string()),
        (
            "Search",
            format!(
                "{} generations of {} particles, {} simulations, stopped by {}",
                r.generations.len(),
                r.population,
                r.simulations,
                r.stop
            ),
        ),
        (
            "Final tolerance",
            last.and_then(|g| g.tolerance)
                .map_or("none (the prior)".into(), |t| format!("{t:.3}")),
        ),
        ("Seed", r.seed.to_string()),
        ("Scenario SHA-256", r.scenario_sha256.clone()),
        ("Observed file SHA-256", r.observed_sha256.clone()),
        ("Reproduce with", page.command.clone()),
    ];
    html.push_str("<dl class=\"facts\">\n");
    for (term, v) in facts {
        let v = escape(&v);
        let v = if term.ends_with("SHA-256") || term == "Reproduce with" {
            format!("<code>{v}</code>")
        } else {
            v
        };
        html.push_str(&format!("<dt>{term}</dt><dd>{v}</dd>\n"));
    }
    html.push_str(
        "</dl>\n<p class=\"note\">Approximate Bayesian computation by sequential Monte Carlo: each \
         generation keeps the inputs whose simulated history is within a falling tolerance of the \
         observations (docs/calibration.md). The posterior is the last generation's weighted \
         particles; the predictive ranges below are replications run with inputs drawn from it.</p>\n\
         </header>\n",
    );
    html.push_str(&inputs(page));
    html.push_str(&fit(page));
    html.push_str(&generations(r));
    html.push_str("</body>\n</html>\n");
    html
}

/// Each input's prior and posterior, and how far the data narrowed it.
fn inputs(page: &CalibrationPage) -> String {
    let mut html = String::from(
        "<section id=\"inputs\">\n<h2>Inputs: prior and posterior</h2>\n<table>\n<thead><tr>\
         <th>Input</th><th>Prior</th><th>Prior mean (90% interval)</th>\
         <th>Posterior mean (90% interval)</th><th>What the data say</th></tr></thead>\n<tbody>\n",
    );
    let post = page.posterior;
    for (i, (path, &prior)) in page.record.paths.iter().zip(page.priors).enumerate() {
        let particles: Vec<(f64, f64)> = post
            .particles
            .iter()
            .zip(&post.weights)
            .map(|(p, &w)| (p[i], w))
            .collect();
        let mean: f64 = particles.iter().map(|(x, w)| x * w).sum();
        let (low, high) = (
            weighted_quantile(particles.clone(), 0.05),
            weighted_quantile(particles, 0.95),
        );
        let (prior_mean, prior_low, prior_high) = prior_summary(prior);
        let narrowed = (high - low) / (prior_high - prior_low);
        let words = if narrowed < 0.5 {
            format!("narrowed to {:.0}% of the prior's width", 100.0 * narrowed)
        } else if narrowed < 0.9 {
            format!(
                "narrowed a little, to {:.0}% of the prior's width",
                100.0 * narrowed
            )
        } else {
            "not identified by these observations: the posterior is about the prior".into()
        };
        html.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{}</td><td>{} ({} to {})</td><td>{} ({} to {})</td>\
             <td>{}</td></tr>\n",
            escape(path),
            escape(&distribution_text(prior)),
            value(prior_mean),
            value(prior_low),
            value(prior_high),
            value(mean),
            value(low),
            value(high),
            escape(&words)
        ));
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
    html
}

/// Each of `observed`'s rows against the posterior predictive range: the table's rows, and how
/// many lie inside the range.
fn rows_against(page: &CalibrationPage, observed: &Observed) -> (String, usize) {
    let results = page.predictive;
    let simulated: Vec<Vec<f64>> = (0..results.replications())
        .map(|rep| observed.simulated(results, page.metrics, rep))
        .collect();
    let mut inside = 0;
    let mut rows = String::new();
    for (k, row) in observed.rows.iter().enumerate() {
        let values: Vec<(f64, f64)> = simulated.iter().map(|s| (s[k], 1.0)).collect();
        let (low, median, high) = (
            weighted_quantile(values.clone(), 0.05),
            weighted_quantile(values.clone(), 0.5),
            weighted_quantile(values, 0.95),
        );
        let verdict = if !(low.is_finite() && high.is_finite()) {
            "undefined in the replications (nothing due): not compared".to_string()
        } else if row.value < low {
            format!("below the range by {}", value(low - row.value))
        } else if row.value > high {
            format!("above the range by {}", value(row.value - high))
        } else {
            inside += 1;
            "inside the range".to_string()
        };
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} ({} to {})</td><td>{}</td></tr>\n",
            escape(&row.label),
            escape(row.source.as_deref().unwrap_or("")),
            value(row.value),
            value(median),
            value(low),
            value(high),
            escape(&verdict)
        ));
    }
    (rows, inside)
}

/// A table of observations against the posterior predictive range.
fn table(rows: &str) -> String {
    format!(
        "<table>\n<thead><tr><th>Observation (metric, month, district)</th><th>Source</th>\
         <th>Observed</th><th>Posterior predictive median (P5 to P95)</th><th>Verdict</th></tr>\
         </thead>\n<tbody>\n{rows}</tbody>\n</table>\n"
    )
}

/// Each observation against the posterior predictive range, in a table and in charts; then the
/// held-out observations, if any.
fn fit(page: &CalibrationPage) -> String {
    let replications = page.predictive.replications();
    let (rows, inside) = rows_against(page, page.observed);
    let n = page.observed.rows.len();
    let mut html = format!(
        "<section id=\"fit\">\n<h2>Fit to the observations</h2>\n<p>{inside} of {n} observations \
         lie inside the 90% range (P5 to P95) of {replications} replications drawn from the \
         posterior, each formed as the observation is: a ratio from its numerator and denominator \
         over the span, a stock at the span's end, a flow summed.</p>\n{}",
        table(&rows)
    );
    if let Some(held) = page.holdout {
        let (rows, inside) = rows_against(page, held);
        let n = held.rows.len();
        let outside = n - inside;
        html.push_str(&format!(
            "<h3>Held out: not fitted, checked</h3>\n<p>{inside} of {n} held-out observations lie \
             inside the posterior predictive 90% range{}</p>\n{}",
            if outside == 0 {
                ": the fit forecasts them.".to_string()
            } else {
                format!(
                    "; {outside} {} not, and the table says by how much. A held-out figure \
                     outside the range means the model, its priors or the figure's definition \
                     differ from the service in a way the fitted years did not show.",
                    if outside == 1 { "does" } else { "do" }
                )
            },
            table(&rows)
        ));
    }
    html.push_str(&charts_of(page));
    html.push_str("</section>\n");
    html
}

/// One chart per observed metric and district: the posterior predictive fan by month, with the
/// observations over it.
fn charts_of(page: &CalibrationPage) -> String {
    let results = page.predictive;
    let summary = Summary::new(results);
    let n = results.months.len();
    let mut seen: Vec<(usize, usize)> = Vec::new();
    let mut html = String::from(
        "<p class=\"legend\"><span class=\"swatch outer\"></span> P5 to P95 \
         <span class=\"swatch inner\"></span> P10 to P90 <span class=\"swatch median\"></span> \
         median of the posterior predictive; filled dots: observations fitted; open dots: held \
         out</p>\n<div class=\"grid\">\n",
    );
    let held = page.holdout.map_or(&[][..], |h| &h.rows[..]);
    let all: Vec<(&crate::calibration::observed::Observation, bool)> = page
        .observed
        .rows
        .iter()
        .map(|o| (o, false))
        .chain(held.iter().map(|o| (o, true)))
        .collect();
    for &(row, _) in &all {
        let key = (row.metric, row.district);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let share = page.metrics.is_share(row.metric);
        let scale = if share { 100.0 } else { 1.0 };
        let fan = Fan::of(&summary, n, row.district, row.metric, scale);
        let marks: Vec<Mark> = all
            .iter()
            .filter(|(o, _)| (o.metric, o.district) == key)
            .map(|&(o, held_out)| Mark {
                months: o.months,
                value: o.value * scale,
                held_out,
            })
            .collect();
        let top = marks
            .iter()
            .map(|m| m.value)
            .fold(fan.max(), f64::max)
            .max(if share { 0.0 } else { 1.0 });
        let name = &page.metrics.names()[row.metric];
        let district = &results.districts[row.district];
        let caption = format!("{name}, {district}");
        let chart = Chart {
            months: &results.months,
            fan,
            lines: Vec::new(),
            y_max: if share { 100.0 } else { top * 1.1 },
            y_title: if share { "per cent" } else { name },
            y_format: if share {
                |y| format!("{y:.0}%")
            } else {
                |y| number(y, 0)
            },
            size: (480, 260),
            marks,
        };
        html.push_str(&format!(
            "<figure class=\"chart\">\n<figcaption>{}</figcaption>\n{}\n</figure>\n",
            escape(&caption),
            charts::svg(&chart, &caption)
        ));
    }
    html.push_str("</div>\n");
    html
}

/// The search, generation by generation.
fn generations(r: &Record) -> String {
    let mut html = String::from(
        "<section id=\"search\">\n<h2>The search</h2>\n<table>\n<thead><tr><th>Generation</th>\
         <th>Tolerance</th><th>Simulations</th><th>Accepted</th><th>Effective sample size</th>\
         </tr></thead>\n<tbody>\n",
    );
    for (g, generation) in r.generations.iter().enumerate() {
        html.push_str(&format!(
            "<tr><td>{g}</td><td>{}</td><td>{}</td><td>{:.1}%</td><td>{:.0}</td></tr>\n",
            generation
                .tolerance
                .map_or("none (the prior)".into(), |t| format!("{t:.3}")),
            generation.simulations,
            100.0 * generation.acceptance_rate,
            generation.effective_sample_size
        ));
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
    html
}
