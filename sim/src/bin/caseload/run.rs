//! `caseload run`: its arguments, and a scenario's replications run, summarised, printed and
//! written (`--shard` hands over to [`crate::shard`], `--reps auto` runs until precise enough).

use std::path::PathBuf;
use std::time::Instant;

use caseload::load::Loaded;
use caseload::metrics::Metrics;
use caseload::output::{self, Tables, tables};
use caseload::precision;
use caseload::replicate::RunOptions;
use caseload::results::{ReplicationValues, Results};
use caseload::summary::Summary;
use caseload::targets::{Chance, Target};
use clap::Args;
use indicatif::ProgressBar;

use crate::args::{Execution, Fitted};
use crate::replicating::{
    Completed, UsedPosterior, completed, posterior_for, replicate_loaded, replicate_spilled,
    replications_of,
};
use crate::{
    Failure, built, listed, load_scenario, not_written, prepare, print, progress_bar, report,
    shard, stats, table,
};

/// The file of targets' chances, with `--target`.
pub(crate) const TARGETS_CSV: &str = "targets.csv";
/// What `--reps auto` reached.
const PRECISION_JSON: &str = "precision.json";

/// Arguments of `caseload run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (RON); the embedded Birmingham baseline when left out.
    #[arg(value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,
    /// Number of Monte Carlo replications (1 to 100000), or `auto`: add replications until the
    /// key forecasts reach --precision (or --max-reps).
    #[arg(long, default_value = "50", value_name = "N|auto")]
    pub reps: Reps,
    /// With --reps auto: the largest 95% interval half-width, relative to the mean, allowed for
    /// the city's caseload per HV WTE and compliance with each targeted review in the last month.
    #[arg(long, default_value_t = 0.01, value_name = "SHARE", value_parser = positive_share)]
    pub precision: f64,
    /// With --reps auto: the most replications to run.
    #[arg(long, default_value_t = 1000, value_parser = crate::args::whole_number(2, 100_000))]
    pub max_reps: u32,
    /// Master seed; replication i draws from streams derived from (seed, i).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Directory for the output files (created if missing).
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Threads and progress.
    #[command(flatten)]
    pub exec: Execution,
    /// A calibrated posterior.
    #[command(flatten)]
    pub fitted: Fitted,
    /// A target whose chance to report, e.g. "compliance:new_birth>=0.95@2020-12" or
    /// "caseload_per_hv_wte<=350@2022-03/*" (every district); repeatable; also written to
    /// targets.csv.
    #[arg(long, value_name = "TARGET")]
    pub target: Vec<Target>,
    /// Also write the board report, one self-contained HTML page, to this file (its folder is
    /// created if missing).
    #[arg(long, value_name = "FILE.html", conflicts_with = "shard")]
    pub report: Option<PathBuf>,
    /// The month the board report's status tables and the workbook's district and review sheets
    /// are at; the forecast's last month when left out.
    #[arg(long, value_name = "YYYY-MM")]
    pub report_month: Option<String>,
    /// Also write an Excel workbook (the city by month, the districts and reviews at the report
    /// month, the targets) to this file, with the run's other files as one set.
    #[arg(long, value_name = "FILE.xlsx", conflicts_with = "shard")]
    pub xlsx: Option<PathBuf>,
    /// Run only shard K of N of the replications (a contiguous block) and write results.csv and
    /// shard.json for `caseload merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<caseload::replicate::Shard>,
    /// Write summary.csv and run.json (and any other files asked for) but not the
    /// per-replication results.csv, which long runs make very large.
    #[arg(long, conflicts_with = "shard")]
    pub summary_only: bool,
    /// Format of the results and the summary: csv (results.csv, summary.csv) or parquet
    /// (results.parquet, summary.parquet: typed, zstd-compressed, about a tenth of the size).
    /// Shards are always CSV, for `caseload merge`, which takes --format too.
    #[arg(
        long,
        default_value = "csv",
        value_name = "csv|parquet",
        conflicts_with = "shard"
    )]
    pub format: caseload::output::Format,
    /// Report on standard error what the run cost: wall time of the replications, events
    /// processed and per second, and the process's peak memory (for benchmarks).
    #[arg(long)]
    pub stats: bool,
}

impl RunArgs {
    /// The tables the run writes.
    pub fn tables(&self) -> Tables {
        Tables {
            results: !self.summary_only,
            format: self.format,
        }
    }
}

/// A number of replications, or `auto` (run until precise enough).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reps {
    /// This many.
    Fixed(u32),
    /// Until the key forecasts reach the precision asked for.
    Auto,
}

impl std::str::FromStr for Reps {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "auto" {
            return Ok(Reps::Auto);
        }
        match s.parse::<u32>() {
            Ok(n) if (1..=100_000).contains(&n) => Ok(Reps::Fixed(n)),
            _ => Err(format!(
                "expected a whole number from 1 to 100000, or auto; found {s:?}"
            )),
        }
    }
}

/// A share in (0, 1).
fn positive_share(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x < 1.0 => Ok(x),
        _ => Err(format!(
            "expected a number between 0 and 1, e.g. 0.01; found {s:?}"
        )),
    }
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

/// Each target's chance, checked against the run before anything is written.
fn chances(targets: &[Target], values: &dyn ReplicationValues) -> Result<Vec<Chance>, Failure> {
    targets
        .iter()
        .map(|t| t.chance(values).map_err(|e| Failure::Input(e.into())))
        .collect()
}

/// `caseload run`.
pub(crate) fn run(args: &RunArgs) -> Result<(), Failure> {
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
