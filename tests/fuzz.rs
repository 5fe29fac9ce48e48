//! Hostile input: every surface that reads text a user, a file or another process supplies is fed
//! random, mutated and generated input, and must answer each case without panicking, with either
//! a value or an error that says where the problem is (file:line:col, a field path, a line of a
//! results file, or the text of the flag).
//!
//! The surfaces and how each is fuzzed are in `fuzz_text.rs` (scenario text), `fuzz_scenarios.rs`
//! (generated scenarios and overlays), `fuzz_flags.rs` (levers, targets, shards, seek ranges,
//! results files); what every answer must be is in `fuzz_checks.rs`, the inputs shared by every
//! case in `fuzz_fixtures.rs`; this file holds the driver.
//!
//! Case `i` draws everything from a generator seeded by (seed, i), so any case can be replayed
//! alone. A short pass runs in every `cargo test`; the long pass runs a million inputs:
//!
//! ```sh
//! CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true CASELOAD_FUZZ_CASES=1000000 \
//!   cargo test --release -p caseload --test tests fuzz::million -- --ignored --nocapture
//! ```
//!
//! Environment: `CASELOAD_FUZZ_CASES` (cases), `CASELOAD_FUZZ_SEED` (seed, default 0),
//! `CASELOAD_FUZZ_THREADS` (worker threads), `CASELOAD_FUZZ_ONLY` (run case N alone, with its
//! input printed). Failing inputs are written under the test target's temporary directory.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::fuzz_checks::{Outcome, Verdict};
use crate::fuzz_fixtures::{Fixtures, fixtures};
use crate::fuzz_gen::Gen;
use crate::{fuzz_flags, fuzz_scenarios, fuzz_text};

/// Cases in the short pass every `cargo test` runs.
const SHORT_CASES: u64 = 2_400;
/// Cases in the long pass.
const LONG_CASES: u64 = 1_000_000;
/// A progress line every this many cases.
const PROGRESS_EVERY: u64 = 50_000;

/// Everything a case may use: its generator, a folder of its own, and the shared fixtures.
pub struct Ctx<'a> {
    pub g: Gen,
    pub dir: &'a Path,
    pub fx: &'a Fixtures,
}

/// One way of making hostile input.
struct Strategy {
    name: &'static str,
    /// Cases out of every [`ROUND`] that use it.
    weight: u64,
    case: fn(&mut Ctx) -> Outcome,
}

const STRATEGIES: &[Strategy] = &[
    Strategy {
        name: "arbitrary text and bytes",
        weight: 3,
        case: fuzz_text::arbitrary,
    },
    Strategy {
        name: "random RON values",
        weight: 3,
        case: fuzz_text::ron_values,
    },
    Strategy {
        name: "mutated scenarios",
        weight: 6,
        case: fuzz_text::mutated,
    },
    Strategy {
        name: "generated scenarios",
        weight: 4,
        case: fuzz_scenarios::generated,
    },
    Strategy {
        name: "generated overlays",
        weight: 2,
        case: fuzz_scenarios::overlays,
    },
    Strategy {
        name: "lever paths and values",
        weight: 3,
        case: fuzz_flags::levers,
    },
    Strategy {
        name: "uncertain values",
        weight: 1,
        case: fuzz_flags::uncertain,
    },
    Strategy {
        name: "targets, shards, seek ranges",
        weight: 3,
        case: fuzz_flags::targets,
    },
    Strategy {
        name: "results files",
        weight: 3,
        case: fuzz_flags::results_files,
    },
];

/// Sum of the weights: case `i` uses the strategy at `i % ROUND`.
const ROUND: u64 = 28;

fn strategy_of(case: u64) -> usize {
    let mut at = case % ROUND;
    for (k, s) in STRATEGIES.iter().enumerate() {
        if at < s.weight {
            return k;
        }
        at -= s.weight;
    }
    unreachable!("ROUND is the sum of the weights")
}

thread_local! {
    /// The input of the case running on this thread, kept to report it if the case fails.
    static INPUT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Records `input` as the current case's input (what is reported if it fails).
pub fn note(input: &str) {
    INPUT.with(|i| {
        let mut i = i.borrow_mut();
        i.clear();
        i.push_str(input);
    });
}

// ---- The driver -----------------------------------------------------------------------------

/// Per-strategy tallies.
#[derive(Debug, Clone, Default)]
struct Tally {
    cases: u64,
    accepted: u64,
    refused: u64,
    time: Duration,
}

/// A case that panicked or answered wrongly.
#[derive(Debug, Clone)]
struct Failure {
    case: u64,
    strategy: &'static str,
    what: String,
    input: String,
}

#[derive(Debug, Default)]
struct Report {
    tallies: Vec<Tally>,
    failures: Vec<Failure>,
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// Runs case `case` under `seed`: its strategy, verdict or failure, and time.
fn one(
    case: u64,
    seed: u64,
    dir: &Path,
    fx: &Fixtures,
) -> (usize, Result<Verdict, Failure>, Duration) {
    let k = strategy_of(case);
    let s = &STRATEGIES[k];
    note("");
    let mut ctx = Ctx {
        g: Gen::new(seed ^ case.wrapping_mul(0x2545_f491_4f6c_dd1d)),
        dir,
        fx,
    };
    let started = Instant::now();
    let answer = catch_unwind(AssertUnwindSafe(|| (s.case)(&mut ctx)));
    let time = started.elapsed();
    let failure = |what: String| Failure {
        case,
        strategy: s.name,
        what,
        input: INPUT.with(|i| i.borrow().clone()),
    };
    let result = match answer {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(what)) => Err(failure(what)),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(failure(format!("PANIC: {message}")))
        }
    };
    (k, result, time)
}

/// Runs cases `0..cases` (or only `CASELOAD_FUZZ_ONLY`) on worker threads.
fn drive(cases: u64) -> Report {
    let fx = fixtures();
    let seed = env_u64("CASELOAD_FUZZ_SEED").unwrap_or(0);
    let only = env_u64("CASELOAD_FUZZ_ONLY");
    let threads = env_u64("CASELOAD_FUZZ_THREADS")
        .or_else(|| {
            std::thread::available_parallelism()
                .ok()
                .map(|n| n.get() as u64)
        })
        .unwrap_or(1)
        .max(1);
    let list: Vec<u64> = match only {
        Some(i) => vec![i],
        None => (0..cases).collect(),
    };
    let (finished, started) = (&AtomicU64::new(0), Instant::now());
    let reports: Vec<Report> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|w| {
                let list = &list;
                scope.spawn(move || {
                    let dir = tempfile::tempdir().expect("a temporary folder");
                    for (name, text) in &fx.shipped {
                        std::fs::write(dir.path().join(name), text).expect("written");
                    }
                    let mut report = Report {
                        tallies: vec![Tally::default(); STRATEGIES.len()],
                        failures: vec![],
                    };
                    for &case in list.iter().skip(w as usize).step_by(threads as usize) {
                        let (k, result, time) = one(case, seed, dir.path(), fx);
                        let done = finished.fetch_add(1, Ordering::Relaxed) + 1;
                        if done % PROGRESS_EVERY == 0 {
                            let secs = started.elapsed().as_secs_f64();
                            eprintln!("fuzz: {done} of {} cases, {secs:.0} s", list.len());
                        }
                        let t = &mut report.tallies[k];
                        t.cases += 1;
                        t.time += time;
                        match result {
                            Ok(Verdict::Accepted) => t.accepted += 1,
                            Ok(Verdict::Refused) => t.refused += 1,
                            Err(f) => report.failures.push(f),
                        }
                        if only.is_some() {
                            eprintln!("case {case} input:\n{}", INPUT.with(|i| i.borrow().clone()));
                        }
                    }
                    report
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a fuzz worker"))
            .collect()
    });
    let mut total = Report {
        tallies: vec![Tally::default(); STRATEGIES.len()],
        failures: vec![],
    };
    for r in reports {
        for (t, u) in total.tallies.iter_mut().zip(r.tallies) {
            t.cases += u.cases;
            t.accepted += u.accepted;
            t.refused += u.refused;
            t.time += u.time;
        }
        total.failures.extend(r.failures);
    }
    total.failures.sort_by_key(|f| f.case);
    total
}

/// Runs `cases` cases, prints the tallies, saves failing inputs, and fails on any failure.
fn fuzz(cases: u64) {
    let started = Instant::now();
    let report = drive(cases);
    let wall = started.elapsed();
    let ran: u64 = report.tallies.iter().map(|t| t.cases).sum();
    eprintln!(
        "fuzz: {ran} cases in {:.1} s, {} failures (seed {})",
        wall.as_secs_f64(),
        report.failures.len(),
        env_u64("CASELOAD_FUZZ_SEED").unwrap_or(0)
    );
    eprintln!(
        "{:<32} {:>9} {:>9} {:>9} {:>9}",
        "strategy", "cases", "accepted", "refused", "cpu s"
    );
    for (s, t) in STRATEGIES.iter().zip(&report.tallies) {
        eprintln!(
            "{:<32} {:>9} {:>9} {:>9} {:>9.1}",
            s.name,
            t.cases,
            t.accepted,
            t.refused,
            t.time.as_secs_f64()
        );
    }
    if report.failures.is_empty() {
        return;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    std::fs::create_dir_all(&dir).expect("a folder for failures");
    for f in report.failures.iter().take(20) {
        let path = dir.join(format!("case-{}.txt", f.case));
        std::fs::write(&path, &f.input).expect("written");
        eprintln!(
            "case {} ({}): {}\n  input: {}",
            f.case,
            f.strategy,
            f.what,
            path.display()
        );
    }
    panic!(
        "{} of {ran} fuzz cases failed; replay one with CASELOAD_FUZZ_ONLY=<case>",
        report.failures.len()
    );
}

/// A few thousand cases of every strategy on every `cargo test`.
#[test]
fn short_pass_never_panics_and_locates_every_error() {
    fuzz(env_u64("CASELOAD_FUZZ_CASES").unwrap_or(SHORT_CASES));
}

/// A million cases (or `CASELOAD_FUZZ_CASES`): see the module's doc for the command.
#[test]
#[ignore = "long: a million inputs; run in release (see the module doc)"]
fn million_inputs_never_panic_and_locate_every_error() {
    fuzz(env_u64("CASELOAD_FUZZ_CASES").unwrap_or(LONG_CASES));
}

/// Every strategy gets cases, and the rounds add up.
#[test]
fn every_strategy_is_used() {
    assert_eq!(STRATEGIES.iter().map(|s| s.weight).sum::<u64>(), ROUND);
    let mut seen = vec![0; STRATEGIES.len()];
    for case in 0..ROUND {
        seen[strategy_of(case)] += 1;
    }
    let weights: Vec<u64> = STRATEGIES.iter().map(|s| s.weight).collect();
    assert_eq!(seen, weights);
}
