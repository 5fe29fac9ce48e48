//! `caseload`: the command line. Parses arguments, loads scenarios, runs replications through the
//! library, prints a summary and writes the output files. Exit codes: 0 success, 2 bad input or
//! usage, 1 any other failure; and 3 from `calibrate --gather` when another batch is needed.

#![forbid(unsafe_code)]

mod args;
mod calibrate;
mod compare;
mod gather;
mod generate;
mod merge;
mod progress;
mod report;
mod seek;
mod shard;
mod stats;
mod sweep;
mod sweep_merge;
mod table;
mod writing;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use caseload::calibration::Posterior;
use caseload::load::{self, LoadError, Loaded};
use caseload::metrics::Metrics;
use caseload::output::{self, PosteriorRecord, RunRecord, tables};
use caseload::precision;
use caseload::replicate::{self, Replications, Run, RunOptions};
use caseload::results::{ReplicationValues, Results};
use caseload::summary::Summary;
use caseload::targets::{Chance, Target};
use caseload::uncertainty;
use clap::Parser;
use indicatif::ProgressBar;

use args::{Cli, Command, Fitted, Reps, RunArgs};
pub(crate) use progress::{logged_progress, progress_bar};
pub(crate) use writing::{not_written, prepare};

/// The file of targets' chances, with `--target`.
pub(crate) const TARGETS_CSV: &str = "targets.csv";
/// What `--reps auto` reached.
const PRECISION_JSON: &str = "precision.json";

/// A failure, with the exit code it maps to.
pub(crate) enum Failure {
    /// Bad input or usage: exit 2.
    Input(anyhow::Error),
    /// Anything else: exit 1.
    Other(anyhow::Error),
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        Failure::Input(e.into())
    }
}

fn main() -> ExitCode {
    #[cfg(unix)]
    writing::stop_cleanly_on_signals();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let done = |()| ExitCode::SUCCESS;
    let outcome = match cli.command {
        Command::Run(args) => run(&args).map(done),
        Command::Validate { scenarios } => validate(&scenarios).map(done),
        Command::Compare(args) => compare::compare(&args).map(done),
        Command::Report(args) => report::report(&args).map(done),
        Command::Merge(args) => merge::merge(&args).map(done),
        Command::Sweep(args) => sweep::sweep(&args).map(done),
        Command::Seek(args) => seek::seek(&args).map(done),
        Command::Calibrate(args) => calibrate::calibrate(&args),
        Command::Generate(args) => generate::generate(&args).map(done),
    };
    match outcome {
        Ok(code) => code,
        Err(Failure::Input(e)) => {
            report(&e);
            ExitCode::from(2)
        }
        Err(Failure::Other(e)) => {
            report(&e);
            ExitCode::from(1)
        }
    }
}

/// Prints an error and its causes on stderr.
fn report(e: &anyhow::Error) {
    let mut msg = format!("error: {e}");
    let mut said = e.to_string();
    for cause in e.chain().skip(1).map(ToString::to_string) {
        // A cause already said in full by the line before (an error that prints its source
        // inside its own message) is not said twice.
        if !said.contains(&cause) {
            msg.push_str(&format!("\n  caused by: {cause}"));
        }
        said = cause;
    }
    eprintln!("{msg}");
}

/// Writes to stdout; a closed pipe (`caseload run | head`) is not an error.
pub(crate) fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::Other(
            anyhow::Error::new(e).context("cannot write to standard output"),
        )),
        _ => Ok(()),
    }
}

/// The failure of building the CSV file `name` in memory.
pub(crate) fn built(name: &str) -> impl FnOnce(csv::Error) -> Failure + '_ {
    move |e| Failure::Other(anyhow::Error::new(e).context(format!("cannot build {name}")))
}

/// The files a command wrote, as its closing line lists them: `a/x.csv, a/y.csv`.
pub(crate) fn listed(written: &[std::path::PathBuf]) -> String {
    written
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Loads a scenario file, or the embedded baseline; what will likely surprise is said on stderr.
pub(crate) fn load_scenario(path: Option<&std::path::Path>) -> Result<Loaded, LoadError> {
    let loaded = match path {
        Some(p) => load::load_file(p),
        None => load::baseline(),
    }?;
    warn(&loaded);
    Ok(loaded)
}

/// Says each of the model's warnings on stderr.
fn warn(loaded: &Loaded) {
    for w in loaded.model.warnings() {
        eprintln!("warning: {}: {w}", loaded.source);
    }
}

/// One scenario's replications, with what run.json records about them.
pub(crate) struct Completed {
    pub model: Arc<caseload::model::Model>,
    pub results: caseload::results::Results,
    pub record: RunRecord,
    /// Each replication's draws of the scenario's uncertain values, if it has any.
    pub draws: Option<Vec<uncertainty::Draws>>,
    /// What the replications did.
    pub stats: caseload::engine::Stats,
}

/// A calibrated posterior read for a run, with what run.json records of it.
pub(crate) struct UsedPosterior {
    /// The particles.
    pub posterior: Posterior,
    /// Its file and hash.
    pub record: PosteriorRecord,
}

/// Reads `--posterior`, if given: a missing or damaged file is bad input (exit 2).
pub(crate) fn load_posterior(fitted: &Fitted) -> Result<Option<UsedPosterior>, Failure> {
    let Some(path) = &fitted.posterior else {
        return Ok(None);
    };
    let file = path.display().to_string();
    let text = load::read_text(path)
        .map_err(|e| Failure::Input(anyhow::anyhow!("cannot read {file}: {e}")))?;
    let posterior = Posterior::parse(&file, &text).map_err(|e| Failure::Input(e.into()))?;
    Ok(Some(UsedPosterior {
        posterior,
        record: PosteriorRecord {
            sha256: output::sha256_hex(&text),
            file,
        },
    }))
}

/// Reads `--posterior` for the scenario `base` before anything runs: every path in it must name a
/// number `base` writes, and none may be one of `varied` (a lever being swept or sought).
pub(crate) fn posterior_for(
    base: &Loaded,
    fitted: &Fitted,
    varied: &[String],
) -> Result<Option<UsedPosterior>, Failure> {
    let posterior = load_posterior(fitted)?;
    if let Some(p) = &posterior {
        replications_of(base, Some(p))?;
        // Compared as paths, however each is spelt.
        let normal = |path: &str| {
            path.parse::<caseload::lever::LeverPath>()
                .map_or(path.to_string(), |p| p.to_string())
        };
        let varied: Vec<String> = varied.iter().map(|v| normal(v)).collect();
        if let Some(both) = p
            .posterior
            .paths
            .iter()
            .find(|path| varied.contains(&normal(path)))
        {
            return Err(Failure::Input(anyhow::anyhow!(
                "--posterior {}: {both} is varied and also drawn from the posterior; vary another \
                 lever or leave the posterior out",
                p.record.file
            )));
        }
    }
    Ok(posterior)
}

/// The replications of `loaded`, their uncertain values drawn from `posterior` where it covers
/// them; a path the scenario does not write is bad input.
pub(crate) fn replications_of(
    loaded: &Loaded,
    posterior: Option<&UsedPosterior>,
) -> Result<Replications, Failure> {
    Replications::of_with(loaded, posterior.map(|p| &p.posterior)).map_err(|e| {
        // A problem with one of the posterior's paths is named as the posterior's.
        let message = e.to_string();
        Failure::Input(match posterior {
            Some(p)
                if p.posterior
                    .paths
                    .iter()
                    .any(|path| message.contains(path.as_str())) =>
            {
                anyhow::anyhow!("--posterior {}: {message}", p.record.file)
            }
            _ => e.into(),
        })
    })
}

/// Runs a loaded scenario's replications with a progress bar, drawing its uncertain values
/// afresh for each replication if it has any (from `posterior` where it covers them).
pub(crate) fn replicate_loaded(
    loaded: Loaded,
    options: &RunOptions,
    bar: &ProgressBar,
    posterior: Option<&UsedPosterior>,
) -> Result<Completed, Failure> {
    let started = Instant::now();
    let replications = replications_of(&loaded, posterior)?;
    let run = replications
        .run(options, &|| bar.inc(1))
        .map_err(|e| Failure::Other(e.into()))?;
    Ok(completed(
        &loaded,
        &replications,
        run,
        options,
        started,
        posterior,
    ))
}

/// As [`replicate_loaded`], the values kept on disk ([`caseload::spill`]); the run's results
/// hold the table's shape only.
fn replicate_spilled(
    loaded: Loaded,
    options: &RunOptions,
    bar: &ProgressBar,
    posterior: Option<&UsedPosterior>,
) -> Result<(Completed, caseload::spill::Spill), Failure> {
    let started = Instant::now();
    let replications = replications_of(&loaded, posterior)?;
    let (run, spill) = replications
        .run_spilled(options, &|| bar.inc(1))
        .map_err(|e| Failure::Other(e.into()))?;
    let done = completed(&loaded, &replications, run, options, started, posterior);
    Ok((done, spill))
}

/// The summary of a run kept on disk, and the values across replications the printed summary
/// needs.
fn summarise_spilled(
    run: &Completed,
    spill: &caseload::spill::Spill,
) -> Result<(Summary, table::Across), Failure> {
    let failed = |e: std::io::Error| {
        Failure::Other(anyhow::Error::new(e).context("cannot read back the replications' values"))
    };
    let cells = table::chance_cells(&run.model, &run.results);
    let index: Vec<usize> = cells
        .iter()
        .map(|&(m, d, k)| run.results.cell(m, d, k))
        .collect();
    let values = spill.across(&index).map_err(failed)?;
    let summary = spill.summary().map_err(failed)?;
    Ok((summary, cells.into_iter().zip(values).collect()))
}

/// A loaded scenario's replications run until precise enough (`--reps auto`), drawing its
/// uncertain values afresh for each replication if it has any.
fn replicate_to_precision(
    loaded: Loaded,
    args: &RunArgs,
    bar: &ProgressBar,
    posterior: Option<&UsedPosterior>,
) -> Result<(Completed, precision::Reached), Failure> {
    let started = Instant::now();
    let goal = precision::Goal {
        relative_half_width: args.precision,
        max_replications: args.max_reps,
    };
    let (seed, threads) = (args.seed, args.exec.threads);
    let replications = replications_of(&loaded, posterior)?;
    let (run, reached) =
        precision::run_to_precision(&replications, seed, threads, goal, &|| bar.inc(1))
            .map_err(|e| Failure::Other(e.into()))?;
    let options = RunOptions {
        replications: reached.replications,
        seed,
        threads,
    };
    Ok((
        completed(&loaded, &replications, run, &options, started, posterior),
        reached,
    ))
}

/// A finished run of `loaded` with what run.json records about it.
fn completed(
    loaded: &Loaded,
    replications: &Replications,
    run: Run,
    options: &RunOptions,
    started: Instant,
    posterior: Option<&UsedPosterior>,
) -> Completed {
    let model = Arc::new(replications.model().clone());
    let results = run.results;
    let record = RunRecord {
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: loaded.source.clone(),
        scenario_name: model.name.clone(),
        scenario_description: loaded.scenario.description.clone(),
        scenario_sha256: output::sha256_hex(&loaded.text),
        seed: options.seed,
        replications: options.replications,
        threads: replicate::worker_threads(options),
        wall_seconds: started.elapsed().as_secs_f64(),
        months: [
            results.months.first().cloned().unwrap_or_default(),
            results.months.last().cloned().unwrap_or_default(),
        ],
        posterior: posterior.map(|p| p.record.clone()),
    };
    Completed {
        model,
        results,
        record,
        draws: run.draws,
        stats: run.stats,
    }
}

/// Each target's chance, checked against the run before anything is written.
fn chances(targets: &[Target], values: &dyn ReplicationValues) -> Result<Vec<Chance>, Failure> {
    targets
        .iter()
        .map(|t| t.chance(values).map_err(|e| Failure::Input(e.into())))
        .collect()
}

fn run(args: &RunArgs) -> Result<(), Failure> {
    if let Some(shard) = args.shard {
        return shard::run(args, shard);
    }
    let loaded = load_scenario(args.scenario.as_deref())?;
    let posterior = posterior_for(&loaded, &args.fitted, &[])?;
    // Targets name metrics, months and districts: check them before running.
    let shape = Results::new(&loaded.model, &Metrics::new(&loaded.model), Vec::new());
    for t in &args.target {
        t.resolve(&shape).map_err(|e| Failure::Input(e.into()))?;
    }
    // --report: where the board report goes and the month of its tables, checked before running.
    if let Some(path) = &args.report {
        report::destination(path)?;
    }
    if args.report_month.is_some() && args.report.is_none() && args.xlsx.is_none() {
        return Err(Failure::Input(anyhow::anyhow!(
            "--report-month sets the month of a --report or an --xlsx workbook: give one of them"
        )));
    }
    let report_month = report::month_index(&shape.months, args.report_month.as_deref())?;
    if let Some(path) = &args.xlsx {
        report::folder_and_name(
            path,
            &format!("the workbook path {}", path.display()),
            "run.xlsx",
        )?;
    }
    let mut extra_names = Vec::new();
    if !args.target.is_empty() {
        extra_names.push(TARGETS_CSV);
    }
    if !loaded.scenario.uncertain.is_empty() || posterior.is_some() {
        extra_names.push(shard::PARAMETERS_CSV);
    }
    if matches!(args.reps, Reps::Auto) {
        extra_names.push(PRECISION_JSON);
    }
    let report_to: Vec<&std::path::Path> = args
        .report
        .as_deref()
        .into_iter()
        .chain(args.xlsx.as_deref())
        .collect();
    let _prepared = prepare(
        Some(&args.out),
        &output::run_file_names(args.tables(), &extra_names),
        &report_to,
    )?;
    let scenario_text = args.report.as_ref().map(|_| loaded.text.clone());
    let mut uncertain_paths: Vec<String> = loaded
        .scenario
        .uncertain
        .iter()
        .map(|u| u.path.clone())
        .collect();
    let from_posterior: Vec<String> = posterior
        .as_ref()
        .map(|p| p.posterior.paths.clone())
        .unwrap_or_default();
    uncertain_paths.retain(|p| !from_posterior.contains(p));
    // A run keeps its replications' values on disk, so its memory does not grow with them, unless
    // it draws a board report, which reads them in memory.
    let spilled = args.report.is_none();
    let (run, reached, spill) = match args.reps {
        Reps::Fixed(n) => {
            let options = RunOptions {
                replications: n,
                seed: args.seed,
                threads: args.exec.threads,
            };
            let bar = progress_bar(u64::from(n), &loaded.model.name, args.exec.quiet);
            let (run, spill) = if spilled {
                let (run, spill) = replicate_spilled(loaded, &options, &bar, posterior.as_ref())?;
                (run, Some(spill))
            } else {
                (
                    replicate_loaded(loaded, &options, &bar, posterior.as_ref())?,
                    None,
                )
            };
            bar.finish_and_clear();
            (run, None, spill)
        }
        Reps::Auto => {
            let bar = progress_bar(
                u64::from(args.max_reps),
                &loaded.model.name,
                args.exec.quiet,
            );
            let (run, reached) = replicate_to_precision(loaded, args, &bar, posterior.as_ref())?;
            bar.finish_and_clear();
            (run, Some(reached), None)
        }
    };
    let writing = Instant::now();
    let values: &dyn ReplicationValues = match &spill {
        Some(spill) => spill,
        None => &run.results,
    };
    let chances = chances(&args.target, values)?;
    let (summary, across) = match &spill {
        Some(spill) => summarise_spilled(&run, spill)?,
        None => (
            Summary::new(&run.results),
            table::chance_values(&run.model, &run.results),
        ),
    };
    let mut extra: Vec<(&str, String)> = Vec::new();
    if !args.target.is_empty() {
        let text = tables::targets_csv(&args.target, &chances).map_err(built(TARGETS_CSV))?;
        extra.push((TARGETS_CSV, text));
    }
    if let Some(draws) = &run.draws {
        let text = tables::parameters_csv(draws).map_err(built(shard::PARAMETERS_CSV))?;
        extra.push((shard::PARAMETERS_CSV, text));
    }
    if let Some(reached) = &reached {
        let json = serde_json::to_string_pretty(reached).map_err(|e| Failure::Other(e.into()))?;
        extra.push((PRECISION_JSON, format!("{json}\n")));
    }
    let page = scenario_text
        .as_ref()
        .map(|text| report::html(&run, text, &summary, (&args.target, &chances), report_month));
    let workbook = args
        .xlsx
        .as_ref()
        .map(|_| {
            let targets = (args.target.as_slice(), chances.as_slice());
            report::workbook(&run, values, &summary, targets, report_month)
        })
        .transpose()?;
    let mut elsewhere: Vec<(&std::path::Path, &[u8])> = Vec::new();
    if let (Some(path), Some(page)) = (&args.report, &page) {
        elsewhere.push((path, page.as_bytes()));
    }
    if let (Some(path), Some(book)) = (&args.xlsx, &workbook) {
        elsewhere.push((path, book));
    }
    let written = output::write_run(
        &args.out,
        args.tables(),
        (values, &summary),
        &run.record,
        &extra,
        &elsewhere,
    )
    .map_err(not_written(format!(
        "cannot write the results to {}",
        args.out.display()
    )))?;
    let writing = writing.elapsed();
    let mut text = table::summary(&run.model, &run.results, &summary, &run.record, &across);
    text.push_str(&table::targets(&args.target, &chances));
    if !uncertain_paths.is_empty() {
        text.push_str(&format!(
            "\nUncertain values, drawn afresh for each replication (see parameters.csv): {}.\n",
            uncertain_paths.join(", ")
        ));
    }
    if !from_posterior.is_empty() {
        text.push_str(&format!(
            "\nDrawn for each replication from the calibrated posterior {} (see parameters.csv): \
             {}.\n",
            args.fitted
                .posterior
                .as_deref()
                .map_or(String::new(), |p| p.display().to_string()),
            from_posterior.join(", ")
        ));
    }
    if let Some(r) = &reached {
        text.push_str(&format!(
            "\n{} after {} replications: the widest 95% interval is {:.2}% of its mean ({}), {} {:.2}%.\n",
            if r.met { "Precision reached" } else { "Precision NOT reached (--max-reps)" },
            r.replications,
            100.0 * r.worst_relative_half_width,
            r.worst_metric,
            if r.met { "within" } else { "against" },
            100.0 * r.goal_relative_half_width
        ));
    }
    text.push_str(&format!(
        "\nWrote {} in {:.1} s of simulation.\n",
        listed(&written),
        run.record.wall_seconds
    ));
    print(&text)?;
    if args.stats {
        eprintln!("{}", stats::line(&run, writing));
    }
    Ok(())
}

fn validate(paths: &[std::path::PathBuf]) -> Result<(), Failure> {
    let mut failed = Vec::new();
    let mut text = String::new();
    for path in paths {
        match load::load_file(path) {
            Ok(loaded) => {
                warn(&loaded);
                let (districts, months) = (
                    loaded.model.districts.len(),
                    loaded.model.calendar.months().len(),
                );
                text.push_str(&format!(
                    "{}: ok ({}: {districts} district{}, {months} month{})\n",
                    path.display(),
                    loaded.model.name,
                    if districts == 1 { "" } else { "s" },
                    if months == 1 { "" } else { "s" },
                ));
            }
            Err(e) => {
                eprintln!("{e}");
                failed.push(path.display().to_string());
            }
        }
    }
    print(&text)?;
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::Input(anyhow::anyhow!(
            "{} of {} scenarios failed validation: {}",
            failed.len(),
            paths.len(),
            failed.join(", ")
        )))
    }
}
