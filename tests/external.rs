//! The external checks of docs/validation.md: Scotland's 2014-2018 training drive and England's
//! 2015-2023 fall in health visitors, each a shipped scenario built from published figures. Each
//! test loads its scenario through the same path as `caseload run`, runs a few replications and
//! holds the checkpoints to the tolerances the validation report states (measured there over 100
//! replications in release).

use caseload::load;
use caseload::results::Results;
use caseload::scenario::Scenario;

use crate::common::{mean, run_scenario, scenarios_dir, value};

fn shipped(name: &str) -> Scenario {
    let path = scenarios_dir().join(name);
    load::load_file(&path)
        .unwrap_or_else(|e| panic!("{e}"))
        .scenario
}

/// The mean over replications of a city metric in the month labelled `label` (`YYYY-MM`).
fn mean_at(results: &Results, label: &str, metric: &str) -> f64 {
    let m = results
        .months
        .iter()
        .position(|x| x == label)
        .unwrap_or_else(|| panic!("no month {label}"));
    mean(results, m, "ALL", metric)
}

/// The published Scottish figures, for the dates the model is compared at: December 2016 and 2017
/// (ISD's vacancy tables), March 2017 and 2018 (ISD; March 2018 derived from March 2019's 1,623.8,
/// up 7.0% on the year) and December 2018 (the UHVP evaluation).
const SCOTLAND_PUBLISHED: [(&str, f64); 5] = [
    ("2016-12", 1291.0),
    ("2017-03", 1357.0),
    ("2017-12", 1448.0),
    ("2018-03", 1623.8 / 1.07),
    ("2018-12", 1554.7),
];

/// 8 replications of a Scottish scenario's staffing. With one district, staffing draws only from
/// the workforce stream and placement has one choice, so the children do not change the WTE: they
/// are left out to keep the run cheap, and it is otherwise the shipped scenario.
fn scotland_staffing(mut s: Scenario) -> Results {
    s.districts[0].children_by_age = vec![0; 5];
    s.districts[0].births_per_year = 0.0;
    s.districts[0].migration.arrivals_per_year = 0.0;
    run_scenario(&s, 8, 1, None)
}

/// Scotland's health-visitor WTE against ISD's published figures, at the dates they were published
/// (docs/validation.md, external check 1).
#[test]
fn scotland_drive_tracks_the_published_health_visitor_wte() {
    let s = shipped("scotland_health_visiting_2014_2018.ron");
    assert_eq!(s.calendar.start, "2014-04-01");
    assert_eq!(s.calendar.months, 57, "to December 2018");
    let results = scotland_staffing(s);
    for (label, published) in SCOTLAND_PUBLISHED {
        let model = mean_at(&results, label, "hv_wte");
        if label == "2016-12" || label == "2017-12" {
            // The known miss: in December the model counts September's qualifiers at once, while
            // the statistics count them only once registered at band 6 (UHVP-EVAL allows until
            // March), so the model runs 120-135 WTE above the published December 2016 and 2017
            // figures (the registration variant below closes it).
            assert!(
                (60.0..=200.0).contains(&(model - published)),
                "{label}: the model is {:.1} WTE above the published {published}",
                model - published
            );
        } else {
            // The March figures, after each cohort has registered, and December 2018 (a small
            // cohort waiting): within 60 WTE, which is the largest miss over 100 replications in
            // release (+34 WTE at March 2018) plus four standard errors of an 8-replication mean
            // (sd about 16 WTE, so 4 x 6).
            assert!(
                (model - published).abs() <= 60.0,
                "{label}: model {model:.1} WTE against the published {published:.1}"
            );
        }
    }
    // The commitment: about 500 more than the March 2014 estimate (1,047.9 to 1,114.7).
    let added = mean_at(&results, "2018-12", "hv_wte") - 1081.0;
    assert!(
        (400.0..=560.0).contains(&added),
        "{added:.0} WTE added by December 2018"
    );
}

/// The same drive with qualifiers counted once registered (0 to 182 days after completing, as
/// UHVP-EVAL allows until March): every published date, December included, within 85 WTE: the
/// largest miss over 100 replications in release (+55 at December 2017) plus four standard errors
/// of an 8-replication mean (sd about 20 WTE, so 4 x 7). Without registration December 2016 and
/// 2017 miss by 120-135.
#[test]
fn scotland_counted_after_registration_fits_december_too() {
    let s = shipped("scotland_health_visiting_2014_2018_registration.ron");
    assert!(s.pipelines[0].registration.is_some());
    let results = scotland_staffing(s);
    for (label, published) in SCOTLAND_PUBLISHED {
        let model = mean_at(&results, label, "hv_wte");
        assert!(
            (model - published).abs() <= 85.0,
            "{label}: model {model:.1} WTE against the published {published:.1}"
        );
    }
}

/// A review's coverage pooled over a span of months (`from` to `to`, `YYYY-MM`), as OHID publishes
/// it: on time / due, from `at(month, metric)`'s city counts. The new birth visit is counted among
/// children turning 30 days (`reported: LastChance`, OHID-METRICS); `"C5"` is the 12-month review by
/// 15 months.
fn pooled_by(
    results: &Results,
    review: &str,
    (from, to): (&str, &str),
    at: impl Fn(usize, &str) -> f64,
) -> f64 {
    let (on_time, due) = match review {
        "new_birth" => (
            "review_on_time_at_last_chance:new_birth".to_string(),
            "review_due_at_last_chance:new_birth".to_string(),
        ),
        "C5" => (
            "review_done_at_last_chance:twelve_months".to_string(),
            "review_due_at_last_chance:twelve_months".to_string(),
        ),
        _ => (
            format!("review_on_time:{review}"),
            format!("review_due:{review}"),
        ),
    };
    let (mut n, mut d) = (0.0, 0.0);
    for (m, label) in results.months.iter().enumerate() {
        if (from..=to).contains(&label.as_str()) {
            n += at(m, &on_time);
            d += at(m, &due);
        }
    }
    n / d
}

/// [`pooled_by`] over the mean of the replications.
fn pooled(results: &Results, review: &str, span: (&str, &str)) -> f64 {
    pooled_by(results, review, span, |m, metric| {
        mean(results, m, "ALL", metric)
    })
}

/// England at 1/20 scale (docs/validation.md, external check 2), with Birmingham's delivery and
/// eight groups of areas staffed unevenly: health visitors fall by about 40% from October 2015 to
/// April 2023, and coverage follows the published figures at each published date, without uptake
/// set to the recorded coverage. The spread of staffing, the new birth visit's no-access share and
/// the 12-month review's booking are fitted to April-June 2017; 2022-23 is the check. Over 40
/// replications in release the model is +1.0 (C5) to +2.7 (C8i) points from the published figures in
/// April-June 2017 and -2.0 (C8i) and -1.8 (C6i) in 2022-23; 4 replications here.
#[test]
fn england_follows_published_coverage_as_health_visitors_fall_by_forty_percent() {
    let results = run_scenario(&shipped("england_2015_2023.ron"), 4, 1, None);
    let start = mean_at(&results, "2015-10", "hv_wte");
    assert!((start - 560.0).abs() < 12.0, "October 2015: {start}");
    // IHV: 11,192 to 6,688 FTE, a fall of 40.2%; the model's P10-P90 is 37%-44% (40 replications).
    let fall = 1.0 - mean_at(&results, "2023-04", "hv_wte") / 560.0;
    assert!(
        (0.33..=0.47).contains(&fall),
        "fall of {fall:.3} by April 2023"
    );
    // OHID-Q1 (April-June 2017) and LHN-2025 (2022-23).
    let (q1, year) = (("2017-04", "2017-06"), ("2022-04", "2023-03"));
    let published = [
        ("new_birth", q1, 0.864),
        ("six_to_eight_weeks", q1, 0.815),
        ("twelve_months", q1, 0.746),
        ("C5", q1, 0.826),
        ("two_year", q1, 0.757),
        ("six_to_eight_weeks", year, 0.796),
        ("two_year", year, 0.732),
    ];
    for (review, span, figure) in published {
        let model = pooled(&results, review, span);
        assert!(
            (model - figure).abs() <= 0.035,
            "{review} {span:?}: {model:.3} against the published {figure}"
        );
    }
    // The fall is gradual: the 2-2½ year review loses 1.0 to 1.9 points a financial year from
    // 2016-17 to 2022-23 (40 replications), never a step of more than 4 here.
    let years: Vec<f64> = (2016..2023)
        .map(|y| {
            let span = (format!("{y}-04"), format!("{}-03", y + 1));
            pooled(&results, "two_year", (&span.0, &span.1))
        })
        .collect();
    for pair in years.windows(2) {
        assert!(
            (-0.01..=0.04).contains(&(pair[0] - pair[1])),
            "2-2½ year review by financial year: {years:?}"
        );
    }
    // No split into groups: the replications' 2022-23 2-2½ year review lies within a few points
    // (40 replications: 65.1% to 76.7%), where pooling England's capacity in one district gave
    // some at 90% and others at 58-84%.
    let by_replication: Vec<f64> = (0..results.replications())
        .map(|r| {
            pooled_by(&results, "two_year", year, |m, metric| {
                value(&results, r, m, "ALL", metric)
            })
        })
        .collect();
    let lowest = by_replication.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = by_replication.iter().copied().fold(0.0, f64::max);
    assert!(
        highest - lowest < 0.08,
        "2022-23 by replication: {by_replication:?}"
    );
}

/// Without skill-mix staff England's health visitors protect the new birth visit (first in the
/// risk-first order) but not the other reviews: over 20 replications in release, the 6-8 week
/// review is 15.9 and the 2-2½ year review 27.2 points below the published 2022-23 coverage, while
/// the new birth visit stays at 85.2%.
#[test]
fn england_needs_its_skill_mix_for_the_later_reviews() {
    let alone = run_scenario(&shipped("england_2015_2023_hv_only.ron"), 2, 1, None);
    let year = ("2022-04", "2023-03");
    assert!(pooled(&alone, "new_birth", year) >= 0.82);
    assert!(pooled(&alone, "six_to_eight_weeks", year) <= 0.70);
    assert!(pooled(&alone, "two_year", year) <= 0.55);
}
