//! `caseload calibrate`: fits a scenario's uncertain inputs to observed history by ABC-SMC (the
//! library's `calibration`) and writes posterior.csv and calibration.json, both or neither.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use anyhow::Context;
use caseload::calibration::{Calibration, Progress, Settings};
use caseload::replicate::RunOptions;
use caseload::report::calibration::{CalibrationPage, calibration_report};
use caseload::{load, output};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::args::Execution;
use crate::{Failure, listed, load_scenario, print};

/// Arguments of `caseload calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Scenario file (RON) with an `uncertain` section, the prior; the embedded Birmingham
    /// baseline when left out.
    #[arg(value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,
    /// Observed history: a CSV of month,district,metric,value rows, with optional sd, weight and
    /// source columns (docs/calibration.md).
    #[arg(long, value_name = "FILE.csv")]
    pub observed: PathBuf,
    /// Observations held out of the fit (the same CSV format): the report checks them against the
    /// posterior predictive range.
    #[arg(long, value_name = "FILE.csv")]
    pub holdout: Option<PathBuf>,
    /// Particles accepted in each generation.
    #[arg(long, default_value_t = 200, value_parser = crate::args::whole_number(10, 100_000))]
    pub population: u32,
    /// The most generations, the prior's included.
    #[arg(long, default_value_t = 8, value_parser = crate::args::whole_number(1, 100))]
    pub generations: u32,
    /// Stop once the tolerance (a standardised distance) is at or below this.
    #[arg(long, default_value_t = 0.0, value_name = "DISTANCE", value_parser = non_negative)]
    pub tolerance: f64,
    /// The most simulations in all (one replication each); a generation it cuts short is dropped.
    #[arg(long, default_value_t = 3000, value_parser = crate::args::whole_number(10, 10_000_000))]
    pub budget: u32,
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Replications drawn from the posterior for the report's predictive ranges.
    #[arg(long, default_value_t = 40, value_parser = crate::args::whole_number(2, 100_000))]
    pub check_reps: u32,
    /// Directory for posterior.csv, calibration.json and calibration.html (created if missing).
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Threads and progress.
    #[command(flatten)]
    pub exec: Execution,
}

fn non_negative(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!("expected a finite number >= 0, found \"{text}\"")),
    }
}

fn bar(quiet: bool, population: u64) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return crate::logged_progress(population, "calibration", "particles accepted");
    }
    let bar = ProgressBar::new(population);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} accepted, {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// `caseload calibrate`.
pub(crate) fn calibrate(args: &CalibrateArgs) -> Result<(), Failure> {
    let loaded = load_scenario(args.scenario.as_deref())?;
    let file = args.observed.display().to_string();
    let text = load::read_text(&args.observed)
        .map_err(|e| Failure::Input(anyhow::anyhow!("cannot read {file}: {e}")))?;
    let calibration =
        Calibration::new(&loaded, &file, &text).map_err(|e| Failure::Input(e.into()))?;
    let holdout = match &args.holdout {
        None => None,
        Some(path) => {
            let file = path.display().to_string();
            let text = load::read_text(path)
                .map_err(|e| Failure::Input(anyhow::anyhow!("cannot read {file}: {e}")))?;
            Some(
                calibration
                    .holdout(&file, &text)
                    .map_err(|e| Failure::Input(e.into()))?,
            )
        }
    };
    let settings = Settings {
        population: args.population as usize,
        generations: args.generations as usize,
        final_tolerance: args.tolerance,
        budget: args.budget as usize,
        seed: args.seed,
        ..Settings::default()
    };
    let _prepared = crate::prepare(
        Some(&args.out),
        &["posterior.csv", "calibration.json", "calibration.html"],
        &[],
    )?;
    let progress = bar(args.exec.quiet, u64::from(args.population));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.exec.threads.map_or(0, NonZeroUsize::get))
        .thread_name(|i| format!("caseload-calibration-{i}"))
        .build()
        .context("cannot start the worker threads")
        .map_err(Failure::Other)?;
    // The generation's heading, kept to prefix each batch's acceptance rate.
    let heading = std::sync::Mutex::new(String::new());
    let report = |p: Progress| {
        let mut heading = heading.lock().unwrap_or_else(|e| e.into_inner());
        match p {
            Progress::Generation { index, tolerance } => {
                *heading = if tolerance.is_finite() {
                    format!("generation {index}, tolerance {tolerance:.3}")
                } else {
                    format!("generation {index} (the prior)")
                };
                progress.reset();
                progress.set_message(heading.clone());
            }
            Progress::Batch {
                accepted,
                simulated,
            } => {
                progress.set_position(accepted as u64);
                let rate = 100.0 * accepted as f64 / simulated.max(1) as f64;
                progress.set_message(format!("{heading}, {rate:.0}% accepted"));
            }
        }
    };
    let fit = pool
        .install(|| calibration.fit(&settings, &report))
        .map_err(|e| Failure::Input(e.into()))?;
    progress.finish_and_clear();
    let record = calibration.record(&fit, &settings);
    let options = RunOptions {
        replications: args.check_reps,
        seed: args.seed,
        threads: args.exec.threads,
    };
    let predictive = calibration
        .predictive(&fit, &options)
        .map_err(|e| Failure::Other(e.into()))?;
    let page = CalibrationPage {
        scenario_name: &loaded.scenario.name,
        command: command(args, &loaded),
        record: &record,
        priors: &calibration.priors(),
        posterior: fit.posterior(),
        observed: calibration.observed(),
        holdout: holdout.as_ref(),
        metrics: calibration.metrics(),
        predictive: &predictive,
    };
    let html = calibration_report(&page);
    let json = serde_json::to_string_pretty(&record)
        .context("cannot build calibration.json")
        .map_err(Failure::Other)?;
    let written = output::write_files(
        &args.out,
        &[
            ("posterior.csv", calibration.posterior_csv(&fit)),
            ("calibration.json", json + "\n"),
            ("calibration.html", html),
        ],
    )
    .map_err(crate::not_written(format!(
        "cannot write into {}",
        args.out.display()
    )))?;
    let mut lines = format!(
        "Calibrated {} to {} observations: {} simulations, {} generations, stopped by {}.\n",
        loaded.scenario.name,
        calibration.observed().rows.len(),
        fit.simulations,
        fit.generations.len(),
        record.stop
    );
    for (g, r) in record.generations.iter().enumerate() {
        lines.push_str(&format!(
            "  generation {g}: tolerance {}, acceptance {:.1}%, effective sample size {:.0}\n",
            r.tolerance
                .map_or("none (prior)".into(), |t| format!("{t:.3}")),
            100.0 * r.acceptance_rate,
            r.effective_sample_size
        ));
    }
    lines.push_str(&format!("Wrote {}.\n", listed(&written)));
    print(&lines)
}

/// `text` as one shell word: as it is when it holds only safe characters, else single-quoted.
fn quoted(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/._-+:,=@%".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The command line that reproduces this calibration, for the report.
fn command(args: &CalibrateArgs, loaded: &load::Loaded) -> String {
    let mut line = String::from("caseload calibrate");
    if args.scenario.is_some() {
        line.push_str(&format!(" {}", quoted(&loaded.source)));
    }
    line.push_str(&format!(
        " --observed {}",
        quoted(&args.observed.display().to_string())
    ));
    if let Some(h) = &args.holdout {
        line.push_str(&format!(" --holdout {}", quoted(&h.display().to_string())));
    }
    line.push_str(&format!(
        " --population {} --generations {} --budget {} --seed {} --check-reps {}",
        args.population, args.generations, args.budget, args.seed, args.check_reps
    ));
    if args.tolerance > 0.0 {
        line.push_str(&format!(" --tolerance {}", args.tolerance));
    }
    line
}
