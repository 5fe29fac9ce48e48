//! The external checks of docs/validation.md: Scotland's 2014-2018 training drive and England's
//! 2015-2023 fall in health visitors, each a shipped scenario built from published figures. Each
//! test loads its scenario through the same path as `caseload run`, runs a few replications and
//! holds the checkpoints to the tolerances the validation report states (measured there over 100
//! replications in release).

use caseload::load;
use caseload::results::Results;
use caseload::scenario::Scenario;

use crate::common::{mean, run_scenario, scenarios_dir};

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

/// A review's coverage pooled over the 2022-23 financial year (on time / due, April 2022 to March
/// 2023), as OHID publishes it, from the mean over replications of each month's counts.
fn pooled_2022_23(results: &Results, review: &str) -> f64 {
    let year = (4..=12)
        .map(|m| format!("2022-{m:02}"))
        .chain((1..=3).map(|m| format!("2023-{m:02}")));
    let (mut on_time, mut due) = (0.0, 0.0);
    for label in year {
        on_time += mean_at(results, &label, &format!("review_on_time:{review}"));
        due += mean_at(results, &label, &format!("review_due:{review}"));
    }
    on_time / due
}

/// England at 1/20 scale (docs/validation.md, external check 2): health visitors fall by about 40%
/// from October 2015 to April 2023. With the skill mix held, the model still delivers the four
/// post-birth reviews at its unconstrained levels (99%, 97%, 93%, 90%: above the published 73-86%,
/// the known miss); with health visitors alone the reviews hold but Universal Plus contacts collapse.
#[test]
fn england_keeps_its_reviews_with_forty_percent_fewer_health_visitors() {
    let results = run_scenario(&shipped("england_2015_2023.ron"), 2, 1, None);
    let start = mean_at(&results, "2015-10", "hv_wte");
    assert!((start - 560.0).abs() < 12.0, "October 2015: {start}");
    // IHV: 11,192 to 6,688 FTE, a fall of 40.2%; the model's P10-P90 is 36%-44% (40 replications).
    let fall = 1.0 - mean_at(&results, "2023-04", "hv_wte") / 560.0;
    assert!(
        (0.33..=0.47).contains(&fall),
        "fall of {fall:.3} by April 2023"
    );
    let pooled = |results: &Results, review: &str| pooled_2022_23(results, review);
    // Over 40 replications in release: 99.0%, 97.0%, 93.0% and 90.0%, P10-P90 within 0.3 points.
    for (review, floor) in [
        ("new_birth", 0.97),
        ("six_to_eight_weeks", 0.95),
        ("twelve_months", 0.91),
        ("two_year", 0.88),
    ] {
        let c = pooled(&results, review);
        assert!(c >= floor, "{review} 2022-23: {c:.3}");
    }
    assert!(mean_at(&results, "2023-03", "contact_coverage:universal_plus") > 0.99);

    let alone = run_scenario(&shipped("england_2015_2023_hv_only.ron"), 2, 1, None);
    // Health visitors alone protect the new birth visit (first in the risk-first order) and UPP
    // contacts; Universal Plus contacts, last in the order, fall to almost nothing (0% median,
    // P90 0.03%, over 20 replications).
    assert!(pooled(&alone, "new_birth") >= 0.97);
    assert!(mean_at(&alone, "2023-03", "contact_coverage:partnership_plus") > 0.99);
    let up = mean_at(&alone, "2023-03", "contact_coverage:universal_plus");
    assert!(
        up < 0.2,
        "Universal Plus contacts, health visitors alone: {up:.3}"
    );
}

/// England with uptake calibrated to the coverage published for April-June 2017 (docs/validation.md,
/// external check 2): 2022-23 is the check. Published: 6-8 week review 79.6% and 2-2½ year review
/// 73.2% in 2022-23, new birth visit 83.0% in 2023-24 (2022-23 not found). Over 40 replications in
/// release the model gives 81.5%, 75.7% and 86.3% (P10-P90 within 0.4 points): 1.9 to 3.3 points
/// above, because it holds coverage flat where the published figures drift down 2-3 points. With
/// health visitors alone the reviews hold as well and the shortfall lands on Universal Plus contacts.
#[test]
fn england_with_recorded_uptake_follows_coverage_to_2022_23() {
    let published = [
        ("six_to_eight_weeks", 0.796),
        ("two_year", 0.732),
        ("new_birth", 0.830),
    ];
    for (scenario, up_contacts_held) in [
        ("england_2015_2023_recorded.ron", true),
        ("england_2015_2023_recorded_hv_only.ron", false),
    ] {
        let results = run_scenario(&shipped(scenario), 2, 1, None);
        for (review, figure) in published {
            let model = pooled_2022_23(&results, review);
            assert!(
                (0.0..=0.04).contains(&(model - figure)),
                "{scenario}: {review} {model:.3} against the published {figure}"
            );
        }
        let up = mean_at(&results, "2023-03", "contact_coverage:universal_plus");
        assert_eq!(
            up > 0.99,
            up_contacts_held,
            "{scenario}: Universal Plus {up:.3}"
        );
    }
}
