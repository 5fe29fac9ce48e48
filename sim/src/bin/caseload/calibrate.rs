//! `caseload calibrate`: fits a scenario's uncertain inputs to observed history by ABC-SMC (the
//! library's `calibration`) and writes posterior.csv, calibration.json and calibration.html, all
//! or none. With `--shard K/N` and `--gather` the search's simulations run as a cluster's jobs,
//! batch by batch, from a checkpoint in the output folder (docs/cluster.md).

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, anyhow};
use caseload::calibration::abc::Generation;
use caseload::calibration::report::{CalibrationPage, calibration_report};
use caseload::calibration::{
    Calibration, Checkpoint, CheckpointError, Fit, Observed, Progress, Settings, ShardFile,
};
use caseload::output::sha256_hex;
use caseload::replicate::{RunOptions, Shard};
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
    /// The most simulations in all (one replication each): a generation the last acceptance rate
    /// says it cannot pay for is not started, and one that still runs out part-way is dropped.
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
    /// Simulate only shard K of N of the next batch of proposals, from the calibration saved in
    /// DIR (calibration_checkpoint.json; a new calibration when there is none), into
    /// DIR/calibration_shards/K-of-N.json; then `--gather` (docs/cluster.md).
    #[arg(long, value_name = "K/N", conflicts_with = "gather")]
    pub shard: Option<Shard>,
    /// Put the N shards of the next batch into the checkpoint in DIR. Exit 0 when the
    /// calibration has finished and its files are written; exit 3 when another batch is needed
    /// (run the shards again, then gather again).
    #[arg(long)]
    pub gather: bool,
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

/// The checkpoint of a calibration run as shards, in the output folder.
const CHECKPOINT: &str = "calibration_checkpoint.json";
/// The folder, in the output folder, where shards write their simulations.
const SHARDS: &str = "calibration_shards";
/// The exit code of `--gather` when another batch of shards is needed.
const ANOTHER_BATCH: u8 = 3;

/// A calibration's scenario, observed history and held-out rows, checked.
struct Prepared {
    loaded: load::Loaded,
    calibration: Calibration,
    holdout: Option<Observed>,
    settings: Settings,
}

/// `caseload calibrate`.
pub(crate) fn calibrate(args: &CalibrateArgs) -> Result<ExitCode, Failure> {
    let loaded = load_scenario(args.scenario.as_deref())?;
    let file = args.observed.display().to_string();
    let text = load::read_text(&args.observed)
        .map_err(|e| Failure::Input(anyhow!("cannot read {file}: {e}")))?;
    let calibration =
        Calibration::new(&loaded, &file, &text).map_err(|e| Failure::Input(e.into()))?;
    let holdout = match &args.holdout {
        None => None,
        Some(path) => {
            let file = path.display().to_string();
            let text = load::read_text(path)
                .map_err(|e| Failure::Input(anyhow!("cannot read {file}: {e}")))?;
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
    let prepared = Prepared {
        loaded,
        calibration,
        holdout,
        settings,
    };
    match args.shard {
        Some(shard) => simulate_shard(args, &prepared, shard),
        None if args.gather => gather(args, &prepared),
        None => whole(args, &prepared),
    }
}

/// The worker threads `--threads` asks for.
fn pool(args: &CalibrateArgs) -> Result<rayon::ThreadPool, Failure> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(args.exec.threads.map_or(0, NonZeroUsize::get))
        .thread_name(|i| format!("caseload-calibration-{i}"))
        .build()
        .context("cannot start the worker threads")
        .map_err(Failure::Other)
}

/// The whole calibration in this process.
fn whole(args: &CalibrateArgs, p: &Prepared) -> Result<ExitCode, Failure> {
    let _lock = crate::prepare(
        Some(&args.out),
        &["posterior.csv", "calibration.json", "calibration.html"],
        &[],
    )?;
    let progress = bar(args.exec.quiet, u64::from(args.population));
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
    let fit = pool(args)?
        .install(|| p.calibration.fit(&p.settings, &report))
        .map_err(|e| Failure::Input(e.into()))?;
    progress.finish_and_clear();
    finish(args, p, &fit, None)?;
    Ok(ExitCode::SUCCESS)
}

/// The checkpoint in the output folder, its file name and its text's SHA-256; a new calibration's
/// when there is none.
fn checkpoint(args: &CalibrateArgs, p: &Prepared) -> Result<(Checkpoint, String, String), Failure> {
    let path = args.out.join(CHECKPOINT);
    let file = path.display().to_string();
    if !path.exists() {
        let checkpoint = p
            .calibration
            .start(p.settings)
            .map_err(|e| Failure::Input(e.into()))?;
        let sha = sha256_hex(&checkpoint.text());
        // Shards of a later batch with no checkpoint: it was removed, or a gather was cut off
        // while replacing it. Starting afresh would silently throw the search away.
        let dir = args.out.join(SHARDS);
        if let Some((orphan, _)) = shard_files(p, &dir)?
            .into_iter()
            .find(|(_, s)| s.checkpoint_sha256 != sha)
        {
            return Err(Failure::Input(anyhow!(
                "{file} is missing, but {} was simulated from a calibration under way: remove {} \
                 to start the calibration afresh",
                orphan.display(),
                dir.display()
            )));
        }
        return Ok((checkpoint, file, sha));
    }
    let text =
        load::read_text(&path).map_err(|e| Failure::Input(anyhow!("cannot read {file}: {e}")))?;
    let checkpoint = p
        .calibration
        .resume(&file, &text, &p.settings)
        .map_err(|e| Failure::Input(e.into()))?;
    Ok((checkpoint, file, sha256_hex(&text)))
}

/// `--shard K/N`: shard K's part of the next batch, into DIR/calibration_shards/K-of-N.json.
fn simulate_shard(args: &CalibrateArgs, p: &Prepared, shard: Shard) -> Result<ExitCode, Failure> {
    let path = args.out.join(SHARDS).join(ShardFile::name(shard));
    let _ready = crate::prepare(None, &[], &[&path])?;
    let (checkpoint, file, sha) = checkpoint(args, p)?;
    let started = Instant::now();
    let part = pool(args)?
        .install(|| p.calibration.simulate_shard(&checkpoint, &sha, shard))
        .ok_or_else(|| Failure::Input(CheckpointError::Finished { file }.into()))?;
    let json = serde_json::to_string(&part).context("cannot build the shard file");
    let written = output::write_file(&path, json.map_err(Failure::Other)?.as_bytes()).map_err(
        crate::not_written(format!("cannot write {}", path.display())),
    )?;
    print(&format!(
        "Simulated {} proposals of generation {} (shard {} of {} of the batch from proposal {}) \
         in {:.1} s; wrote {}.\nWhen all {} shards are done: caseload calibrate ... --gather\n",
        part.rows.len(),
        part.batch.generation,
        shard.index(),
        shard.count(),
        part.batch.start,
        started.elapsed().as_secs_f64(),
        written.display(),
        shard.count()
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// The shard files in `dir`, each with its path, in name order.
fn shard_files(p: &Prepared, dir: &Path) -> Result<Vec<(PathBuf, ShardFile)>, Failure> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(dir)
        .and_then(|d| d.collect::<Result<Vec<_>, _>>())
        .with_context(|| format!("cannot list {}", dir.display()))
        .map_err(Failure::Other)?;
    let mut paths: Vec<PathBuf> = entries
        .into_iter()
        .map(|e| e.path())
        .filter(|path| path.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let file = path.display().to_string();
            let text = load::read_text(&path)
                .map_err(|e| Failure::Input(anyhow!("cannot read {file}: {e}")))?;
            let shard = p
                .calibration
                .read_shard(&file, &text)
                .map_err(|e| Failure::Input(e.into()))?;
            Ok((path, shard))
        })
        .collect()
}

/// `--gather`: the shards of the next batch into the checkpoint; the calibration's files once it
/// has finished.
fn gather(args: &CalibrateArgs, p: &Prepared) -> Result<ExitCode, Failure> {
    let _lock = crate::prepare(
        Some(&args.out),
        &[
            CHECKPOINT,
            "posterior.csv",
            "calibration.json",
            "calibration.html",
        ],
        &[],
    )?;
    let (mut checkpoint, file, sha) = checkpoint(args, p)?;
    let dir = args.out.join(SHARDS);
    let shards = shard_files(p, &dir)?;
    let gathered: Vec<PathBuf> = shards.iter().map(|(path, _)| path.clone()).collect();
    let named = shards
        .into_iter()
        .map(|(path, s)| (path.display().to_string(), s))
        .collect();
    let absorbed = p
        .calibration
        .gather(&mut checkpoint, &file, &sha, named)
        .map_err(|e| Failure::Input(e.into()))?;
    let code = match checkpoint.search.fit() {
        Some(fit) => {
            finish(args, p, &fit, Some(checkpoint.text()))?;
            ExitCode::SUCCESS
        }
        None => {
            output::write_files(&args.out, &[(CHECKPOINT, checkpoint.text())]).map_err(
                crate::not_written(format!("cannot write into {}", args.out.display())),
            )?;
            let (index, tolerance) = checkpoint.search.current().unwrap_or_default();
            print(&format!(
                "Gathered {} shards: {} of {} particles accepted after {} simulations; {} \
                 simulations in all.\nNext: generation {index} (tolerance {tolerance:.3}): run \
                 the shards again, then --gather (exit {ANOTHER_BATCH}: not finished).\n",
                gathered.len(),
                absorbed.accepted,
                args.population,
                absorbed.simulated,
                checkpoint.search.simulations(),
            ))?;
            ExitCode::from(ANOTHER_BATCH)
        }
    };
    // The gathered simulations are in the checkpoint now.
    for path in &gathered {
        let _ = std::fs::remove_file(path);
    }
    let _ = std::fs::remove_dir(&dir);
    Ok(code)
}

/// Writes a finished calibration's files (with `checkpoint`, for a sharded one), all or none,
/// and prints what it found.
fn finish(
    args: &CalibrateArgs,
    p: &Prepared,
    fit: &Fit,
    checkpoint: Option<String>,
) -> Result<(), Failure> {
    let calibration = &p.calibration;
    let record = calibration.record(fit, &p.settings);
    let options = RunOptions {
        replications: args.check_reps,
        seed: args.seed,
        threads: args.exec.threads,
    };
    let predictive = calibration
        .predictive(fit, &options)
        .map_err(|e| Failure::Other(e.into()))?;
    let posterior: &Generation = fit.posterior();
    let page = CalibrationPage {
        scenario_name: &p.loaded.scenario.name,
        command: command(args, &p.loaded),
        record: &record,
        priors: &calibration.priors(),
        posterior,
        observed: calibration.observed(),
        holdout: p.holdout.as_ref(),
        metrics: calibration.metrics(),
        predictive: &predictive,
    };
    let html = calibration_report(&page);
    let json = serde_json::to_string_pretty(&record)
        .context("cannot build calibration.json")
        .map_err(Failure::Other)?;
    let mut files = vec![
        ("posterior.csv", calibration.posterior_csv(fit)),
        ("calibration.json", json + "\n"),
        ("calibration.html", html),
    ];
    if let Some(text) = checkpoint {
        files.push((CHECKPOINT, text));
    }
    let written = output::write_files(&args.out, &files).map_err(crate::not_written(format!(
        "cannot write into {}",
        args.out.display()
    )))?;
    let mut lines = format!(
        "Calibrated {} to {} observations: {} simulations, {} generations, stopped by {}.\n",
        p.loaded.scenario.name,
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
