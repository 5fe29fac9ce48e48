//! Tests of the search: known posteriors, determinism, saving between batches, the budget.

use rand::RngExt;
use rand_distr::{Distribution as _, Normal};

use super::*;
use crate::scenario::Distribution;

fn uniform(min: f64, max: f64) -> Distribution {
    Distribution::Uniform { min, max }
}

fn settings() -> Settings {
    Settings {
        population: 300,
        generations: 8,
        budget: 20_000,
        ..Settings::default()
    }
}

/// The weighted mean and the weighted share of particles with input `i` inside `[lo, hi]`.
fn mean_and_share(g: &Generation, i: usize, lo: f64, hi: f64) -> (f64, f64) {
    let mean = g
        .particles
        .iter()
        .zip(&g.weights)
        .map(|(p, w)| w * p[i])
        .sum();
    let share = g
        .particles
        .iter()
        .zip(&g.weights)
        .filter(|(p, _)| (lo..=hi).contains(&p[i]))
        .map(|(_, w)| w)
        .sum();
    (mean, share)
}

#[test]
fn a_normal_mean_is_recovered_and_an_input_the_data_cannot_see_keeps_its_prior() {
    // y ~ N(theta, 1), observed mean of 25 draws 3.0: the posterior of theta is about
    // N(3, 0.2^2) under a flat prior on [-10, 10]. The second input moves nothing.
    let prior = Prior {
        distributions: vec![uniform(-10.0, 10.0), uniform(0.0, 1.0)],
    };
    let target = Target {
        values: vec![3.0],
        sds: vec![Some(0.2)],
        weights: vec![1.0],
    };
    let simulate = |theta: &[f64], k: u64| {
        let mut r = rng::stream(99, k, rng::Process::Calibration);
        let normal = Normal::new(theta[0], 1.0).expect("sd 1");
        let mean = (0..25).map(|_| normal.sample(&mut r)).sum::<f64>() / 25.0;
        Some(vec![mean])
    };
    let fit = run(&prior, &target, &settings(), simulate, &|_| {}).expect("runs");
    let post = fit.posterior();
    let (mean, near) = mean_and_share(post, 0, 2.5, 3.5);
    assert!((mean - 3.0).abs() < 0.1, "posterior mean {mean}");
    assert!(near > 0.9, "posterior mass within 0.5 of 3: {near}");
    assert!(fit.generations.len() >= 3, "{:?}", fit.stop);
    // The tolerance falls generation after generation.
    let tolerances: Vec<f64> = fit.generations.iter().map(|g| g.tolerance).collect();
    assert!(tolerances.windows(2).all(|w| w[1] < w[0]), "{tolerances:?}");
    // Uniform(0, 1): mean 0.5, and 40% of the mass in [0.3, 0.7].
    let (mean, middle) = mean_and_share(post, 1, 0.3, 0.7);
    assert!((mean - 0.5).abs() < 0.06, "unseen input's mean {mean}");
    assert!(
        (middle - 0.4).abs() < 0.1,
        "unseen input's mass in [0.3, 0.7]: {middle}"
    );
    assert!(post.weights.iter().all(|w| w.is_finite() && *w >= 0.0));
    assert!((post.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
}

#[test]
fn the_fit_does_not_depend_on_the_thread_count() {
    let prior = Prior {
        distributions: vec![uniform(0.0, 10.0)],
    };
    let target = Target {
        values: vec![4.0],
        sds: vec![None],
        weights: vec![1.0],
    };
    let simulate = |theta: &[f64], k: u64| {
        let mut r = rng::stream(5, k, rng::Process::Calibration);
        Some(vec![theta[0] + r.random::<f64>() - 0.5])
    };
    let small = Settings {
        population: 50,
        generations: 4,
        budget: 2000,
        ..Settings::default()
    };
    let fit = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a pool")
            .install(|| run(&prior, &target, &small, simulate, &|_| {}).expect("runs"))
    };
    assert_eq!(fit(1), fit(3));
}

/// A uniform input on [0, 1] observed as itself, 0.5 with an sd of 0.001: acceptance falls fast,
/// so the budget decides when the search stops.
fn sharp_half() -> (Prior, Target) {
    let prior = Prior {
        distributions: vec![uniform(0.0, 1.0)],
    };
    let target = Target {
        values: vec![0.5],
        sds: vec![Some(0.001)],
        weights: vec![1.0],
    };
    (prior, target)
}

#[test]
fn a_generation_the_budget_runs_out_in_is_dropped() {
    let (prior, target) = sharp_half();
    let s = Settings {
        population: 20,
        generations: 50,
        budget: 45,
        ..Settings::default()
    };
    // Generation 1 looks affordable (the prior accepted all 20), starts, and needs more than
    // the 25 simulations left: about half its proposals fall within the median distance.
    let fit = run(&prior, &target, &s, |t, _| Some(vec![t[0]]), &|_| {}).expect("runs");
    assert_eq!(fit.stop, Stop::Budget);
    assert_eq!(fit.simulations, 45);
    assert_eq!(fit.generations.len(), 1);
    assert_eq!(fit.posterior().particles.len(), 20);
    let low = Settings { budget: 10, ..s };
    assert_eq!(
        run(&prior, &target, &low, |t, _| Some(vec![t[0]]), &|_| {}),
        Err(AbcError::Budget {
            budget: 10,
            population: 20
        })
    );
}

#[test]
fn the_prior_s_runs_that_cannot_be_compared_are_named() {
    let target = Target {
        values: vec![1.0, 5.0],
        sds: vec![None, None],
        weights: vec![1.0, 1.0],
    };
    let prior = Prior {
        distributions: vec![uniform(0.0, 1.0)],
    };
    // A ratio undefined in every run: refused, naming the row.
    let undefined = |_: &[f64], _: u64| Some(vec![f64::NAN, 5.0]);
    let small = Settings {
        population: 10,
        budget: 100,
        ..Settings::default()
    };
    assert_eq!(
        run(&prior, &target, &small, undefined, &|_| {}),
        Err(AbcError::Undefined {
            rows: vec![0],
            failed: 0
        })
    );
}

/// A noisy one-input model: the row is theta plus uniform noise of width 1.
fn noisy(theta: &[f64], k: u64) -> Option<Vec<f64>> {
    let mut r = rng::stream(5, k, rng::Process::Calibration);
    Some(vec![theta[0] + r.random::<f64>() - 0.5])
}

#[test]
fn a_search_saved_between_batches_and_split_into_shards_finds_the_same_fit() {
    let prior = Prior {
        distributions: vec![uniform(0.0, 10.0), uniform(-1.0, 1.0)],
    };
    let target = Target {
        values: vec![4.0],
        sds: vec![None],
        weights: vec![1.0],
    };
    let settings = Settings {
        population: 40,
        generations: 5,
        budget: 1500,
        ..Settings::default()
    };
    let whole = run(&prior, &target, &settings, noisy, &|_| {}).expect("runs");
    // The same search, written out and read back after every batch, each batch simulated in
    // three uneven parts as `calibrate --shard K/3` would.
    let mut text =
        serde_json::to_string(&Search::new(2, settings).expect("starts")).expect("serialises");
    let mut batches = 0;
    loop {
        let mut search: Search = serde_json::from_str(&text).expect("reads back");
        let Some(batch) = search.batch() else { break };
        batches += 1;
        let mut results = Vec::new();
        for part in 1..=3 {
            let shard = crate::replicate::Shard::new(part, 3).expect("a shard");
            let range = shard.replications(batch.size as u32);
            let proposals =
                batch.start + u64::from(range.start)..batch.start + u64::from(range.end);
            results.extend(simulate_proposals(&search, &prior, proposals, &noisy));
        }
        search.absorb(&prior, &target, results).expect("absorbs");
        text = serde_json::to_string_pretty(&search).expect("serialises");
    }
    let resumed: Search = serde_json::from_str(&text).expect("reads back");
    assert_eq!(resumed.fit().expect("stopped"), whole);
    assert!(batches > whole.generations.len(), "{batches} batches");
}

#[test]
fn a_generation_the_budget_cannot_pay_for_is_not_started() {
    let (prior, target) = sharp_half();
    let s = Settings {
        population: 20,
        generations: 50,
        budget: 300,
        ..Settings::default()
    };
    let fit = run(&prior, &target, &s, |t, _| Some(vec![t[0]]), &|_| {}).expect("runs");
    assert_eq!(fit.stop, Stop::Budget);
    // Every simulation is in a kept generation, and the next would cost more than is left.
    let kept: usize = fit.generations.iter().map(|g| g.simulations).sum();
    assert_eq!(kept, fit.simulations);
    let rate = fit.posterior().acceptance_rate();
    assert!(fit.simulations as f64 + 20.0 / rate > 300.0, "{fit:?}");
    assert!(fit.simulations < 300);
}
