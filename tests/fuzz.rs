//! Hostile input: every surface that reads text a user, a file or another process supplies is fed
//! random, mutated and generated input, and must answer each case without panicking, with either
//! a value or an error that says where the problem is (file:line:col, a field path, a line of a
//! results file, or the text of the flag).
//!
//! The surfaces and how each is fuzzed are in `fuzz_text.rs` (scenario text), `fuzz_scenarios.rs`
//! (generated scenarios and overlays), `fuzz_flags.rs` (levers, targets, shards, seek ranges,
//! results files); this file holds the driver, the shared fixtures and the error checks.
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
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use caseload::lever::LeverError;
use caseload::load::{self, LoadError, Loaded};
use caseload::output::{self, ReadError, RunRecord};
use caseload::replicate::{RunOptions, run};
use caseload::results::Results;
use caseload::summary::Summary;

use crate::common::{district, map, scenario};
use crate::fuzz_gen::{self, Gen, Mode, Size};
use crate::{fuzz_flags, fuzz_scenarios, fuzz_text};

/// Cases in the short pass every `cargo test` runs.
const SHORT_CASES: u64 = 2_400;
/// Cases in the long pass.
const LONG_CASES: u64 = 1_000_000;
/// A progress line every this many cases.
const PROGRESS_EVERY: u64 = 50_000;

/// What a case did with its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The input was accepted.
    Accepted,
    /// The input was refused with a located message.
    Refused,
}

/// A case's verdict, or why its answer is wrong (an error without a location, a broken
/// round trip).
pub type Outcome = Result<Verdict, String>;

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

/// Shared, read-only inputs built once.
pub struct Fixtures {
    /// The shipped scenario files: (file name, text).
    pub shipped: Vec<(String, String)>,
    /// A small scenario with every section, valid, as RON.
    pub rich_text: String,
    /// It, loaded.
    pub rich: Loaded,
    /// The recruitment plan, merged and loaded (an overlay with workforce sections).
    pub plan: Loaded,
    /// A small run's results and its `results.csv`.
    pub results: Results,
    pub results_csv: String,
}

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
}

/// A generated scenario that loads and has every optional section, found by trying seeds in turn.
fn rich_scenario() -> (String, Loaded) {
    for seed in 0.. {
        let s = fuzz_gen::scenario(&mut Gen::new(seed), Mode::Valid, Size::SMALL);
        let every = !s.pipelines.is_empty()
            && !s.skill_mix_changes.is_empty()
            && s.universal_support.is_some()
            && s.volunteers.is_some()
            && s.budget.is_some()
            && s.mutual_aid
                .as_ref()
                .is_some_and(|m| !m.secondments.is_empty())
            && s.uncertain.is_empty()
            && s.reviews.len() > 1
            && s.districts.len() > 1;
        if !every {
            continue;
        }
        let text = load::to_ron(&s).expect("serialises");
        if let Ok(loaded) = load::load_str("rich.ron", &text) {
            return (text, loaded);
        }
    }
    unreachable!("some seed gives a rich scenario")
}

pub fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let mut shipped: Vec<(String, String)> = std::fs::read_dir(scenarios_dir())
            .expect("the scenarios folder")
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "ron"))
            .map(|p| {
                let name = p
                    .file_name()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned();
                (name, std::fs::read_to_string(&p).expect("readable"))
            })
            .collect();
        shipped.sort();
        let (rich_text, rich) = rich_scenario();
        let plan = load::load_file(&scenarios_dir().join("birmingham_recruitment_plan.ron"))
            .expect("the recruitment plan loads");
        let (results, results_csv) = small_results();
        Fixtures {
            shipped,
            rich_text,
            rich,
            plan,
            results,
            results_csv,
        }
    })
}

/// Two replications of a two-district, two-month scenario, and their `results.csv`.
fn small_results() -> (Results, String) {
    let mut s = scenario(
        2,
        vec![],
        vec![
            district("north", 20, 30.0, &[("hv", 1.0)]),
            district("south", 10, 20.0, &[("hv", 0.5)]),
        ],
    );
    s.districts[0].migration.moves = map(&[("south", 0.1)]);
    let loaded = load::load_str("small.ron", &load::to_ron(&s).expect("serialises"))
        .expect("the small scenario loads");
    let options = RunOptions {
        replications: 2,
        seed: 3,
        threads: None,
    };
    let results = run(&Arc::new(loaded.model), &options, &|| {}).expect("runs");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let record = RunRecord {
        version: "fuzz".into(),
        scenario: "small.ron".into(),
        scenario_name: s.name.clone(),
        scenario_description: String::new(),
        scenario_sha256: String::new(),
        seed: 3,
        replications: 2,
        threads: 1,
        wall_seconds: 0.0,
        months: ["".into(), "".into()],
    };
    output::write_run(dir.path(), &results, &Summary::new(&results), &record, &[])
        .expect("written");
    let csv = std::fs::read_to_string(dir.path().join("results.csv")).expect("readable");
    (results, csv)
}

// ---- Checks shared by the strategies -------------------------------------------------------

/// Lines in `text`, for bounds on reported line numbers.
fn lines(text: &str) -> usize {
    text.split('\n').count()
}

/// A load error must say where: `file:line:col` inside the text for syntax errors, a field path
/// and a position for each validation problem. `source` is the file loaded; `text` its text when
/// it was loaded alone (`None` for an overlay, whose errors may be in its bases).
pub fn load_refused(e: &LoadError, source: &str, text: Option<&str>) -> Outcome {
    let shown = e.to_string();
    let bad = |why: &str| Err(format!("{why}: {shown}"));
    if shown.trim().is_empty() {
        return bad("empty message");
    }
    match e {
        LoadError::Syntax {
            path, line, col, ..
        } => {
            if *line == 0 || *col == 0 {
                return bad("line or column 0");
            }
            if let Some(text) = text {
                if path != source {
                    return bad("the syntax error names another file");
                }
                if *line > lines(text) {
                    return bad("the line is past the end of the text");
                }
            }
        }
        LoadError::Invalid { path, problems } => {
            if path != source || problems.is_empty() {
                return bad("no problems, or another file");
            }
            for p in problems {
                if p.field.is_root() || p.message.trim().is_empty() {
                    return bad("a problem without a field path or message");
                }
                if text.is_some() && p.position.is_none() {
                    return bad("a problem in a single file without a position");
                }
                if let (Some(text), Some(at)) = (text, p.position)
                    && (at.line == 0 || at.col == 0 || at.line > lines(text))
                {
                    return bad("a position outside the text");
                }
            }
        }
        LoadError::Base { line, col, .. } => {
            if *line == 0 || *col == 0 {
                return bad("line or column 0");
            }
        }
        LoadError::Read { path, .. } => {
            if !shown.starts_with(path.as_str()) {
                return bad("a read error without its path");
            }
        }
    }
    Ok(Verdict::Refused)
}

/// What a loaded scenario must allow: it prints back to RON that loads to the same scenario (for
/// an overlay, its merged text is a standalone scenario).
pub fn loaded_ok(loaded: &Loaded) -> Outcome {
    let text = load::to_ron(&loaded.scenario).map_err(|e| format!("does not print: {e}"))?;
    match load::load_str("again.ron", &text) {
        Ok(again) if again.scenario == loaded.scenario => Ok(Verdict::Accepted),
        Ok(_) => Err("printed and loaded again, the scenario differs".into()),
        Err(e) => Err(format!("printed, it no longer loads: {e}")),
    }
}

/// Loads `text` alone under `source` and checks the answer.
pub fn load_text(source: &str, text: &str) -> Outcome {
    match load::load_str(source, text) {
        Ok(loaded) => loaded_ok(&loaded),
        Err(e) => load_refused(&e, source, Some(text)),
    }
}

/// Loads the file at `path` (perhaps an overlay) and checks the answer.
pub fn load_path(path: &Path) -> Outcome {
    match load::load_file(path) {
        Ok(loaded) => loaded_ok(&loaded),
        Err(e) => load_refused(&e, &path.display().to_string(), None),
    }
}

/// A lever error must name the lever it is about (`needle`: its path or text as given).
pub fn lever_refused(e: &LeverError, needle: &str) -> Outcome {
    let shown = e.to_string();
    if names(&shown, needle) {
        Ok(Verdict::Refused)
    } else {
        Err(format!("the message does not name {needle:?}: {shown}"))
    }
}

/// Whether `message` names `text`, as written or quoted with escapes (`{text:?}`).
pub fn names(message: &str, text: &str) -> bool {
    let quoted = format!("{text:?}");
    message.contains(text) || message.contains(&quoted[1..quoted.len() - 1])
}

/// A results-file error must name the file, and a line inside it when the content is at fault.
pub fn results_refused(e: &ReadError, path: &Path, text: &[u8]) -> Outcome {
    let shown = e.to_string();
    if !shown.starts_with(&path.display().to_string()) {
        return Err(format!("the message does not name the file: {shown}"));
    }
    if let ReadError::Invalid { line, .. } = e {
        let lines = text.split(|&b| b == b'\n').count() as u64;
        if *line == 0 || *line > lines {
            return Err(format!(
                "line {line} is outside the file's {lines} lines: {shown}"
            ));
        }
    }
    Ok(Verdict::Refused)
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
