//! Synthetic recovery in the style of simulation-based calibration: truths drawn from the prior,
//! each simulated and then calibrated against its own output; the posterior's 90% interval must
//! cover the truth at least 80% of the time (ABC with a tolerance above zero is conservative, so
//! more than 90% is expected and acceptable). A few truths run in every `cargo test`; the long
//! version (`--ignored`) runs 50.

use caseload::calibration::{Calibration, Settings};
use caseload::engine::rng;
use caseload::load::{self, Loaded};
use caseload::scenario::{Distribution, UncertainValue};
use rand::RngExt;

use crate::common::{map, tiny_year};

/// `tiny_year()` with 20 health visitors whose leaving rate (Uniform 0-0.4) and new birth visit
/// uptake (Uniform 0.5-1) are uncertain: the prior.
fn prior() -> Loaded {
    let mut s = tiny_year();
    s.districts[0].staff = map(&[("hv", 20.0)]);
    s.roles[0].attrition = 0.2;
    s.reviews[0].uptake = 0.8;
    s.uncertain = vec![
        UncertainValue {
            path: "roles[hv].attrition".into(),
            distribution: Distribution::Uniform { min: 0.0, max: 0.4 },
        },
        UncertainValue {
            path: "reviews[new_birth].uptake".into(),
            distribution: Distribution::Uniform { min: 0.5, max: 1.0 },
        },
    ];
    let text = load::to_ron(&s).expect("serialises");
    load::load_str("prior.ron", &text).expect("a valid scenario")
}

/// The observed rows: health visitors at mid-year and year end, and new birth visits on time in
/// each half of the year.
const ROWS: [(&str, &str); 4] = [
    ("2024-06", "hv_wte"),
    ("2024-12", "hv_wte"),
    ("2024-01..2024-06", "review_on_time:new_birth"),
    ("2024-07..2024-12", "review_on_time:new_birth"),
];

fn observed(values: &[f64]) -> String {
    let mut text = String::from("month,district,metric,value\n");
    for ((month, metric), v) in ROWS.iter().zip(values) {
        text.push_str(&format!("{month},ALL,{metric},{v}\n"));
    }
    text
}

/// Whether each input's truth lies in the weighted 90% interval (5% to 95%) of the posterior
/// fitted to data simulated at `truth`.
fn covered(loaded: &Loaded, truth: &[f64], t: u64) -> Vec<bool> {
    // The truth's data: one replication, numbered apart from any the search runs.
    let shape = Calibration::new(loaded, "shape.csv", &observed(&[0.0; 4])).expect("rows fit");
    let data = shape
        .simulate(truth, 1000 + t, u64::MAX - t)
        .expect("the truth runs");
    let calibration =
        Calibration::new(loaded, "data.csv", &observed(&data)).expect("the data fits");
    let settings = Settings {
        population: 40,
        generations: 4,
        budget: 600,
        seed: t,
        ..Settings::default()
    };
    let fit = calibration.fit(&settings, &|_| {}).expect("a fit");
    let post = fit.posterior();
    (0..truth.len())
        .map(|i| {
            let mut weighted: Vec<(f64, f64)> = post
                .particles
                .iter()
                .zip(&post.weights)
                .map(|(p, &w)| (p[i], w))
                .collect();
            weighted.sort_by(|a, b| a.0.total_cmp(&b.0));
            let quantile = |q: f64| {
                let mut cumulative = 0.0;
                weighted
                    .iter()
                    .find(|(_, w)| {
                        cumulative += w;
                        cumulative >= q
                    })
                    .map_or(f64::NAN, |p| p.0)
            };
            (quantile(0.05)..=quantile(0.95)).contains(&truth[i])
        })
        .collect()
}

/// The share of intervals covering their truth over `truths` truths drawn from the prior (0.92 of
/// 12 for 6 truths).
fn coverage(truths: u64) -> f64 {
    let loaded = prior();
    let mut hits = 0;
    let mut intervals = 0;
    for t in 0..truths {
        let mut r = rng::stream(77, t, rng::Process::Calibration);
        let truth = [0.4 * r.random::<f64>(), 0.5 + 0.5 * r.random::<f64>()];
        for c in covered(&loaded, &truth, t) {
            intervals += 1;
            hits += usize::from(c);
        }
    }
    hits as f64 / f64::from(intervals)
}

#[test]
fn posterior_intervals_cover_the_truths_they_were_fitted_to() {
    let share = coverage(6);
    assert!(
        share >= 0.8,
        "90% intervals covered {share:.2} of 12 truths"
    );
}

/// The long version: 50 truths, 100 intervals (under a minute in the test profile; 0.96 covered).
#[test]
#[ignore = "long: run with --ignored"]
fn posterior_intervals_cover_fifty_truths() {
    let share = coverage(50);
    assert!(
        share >= 0.8,
        "90% intervals covered {share:.2} of 100 truths"
    );
}
