//! Command-line arguments.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use caseload::output::Tables;
use caseload::targets::Target;
use clap::{Args, Parser, Subcommand};

/// Caseload: Monte Carlo forecasts of health-visiting caseloads and mandated-review compliance.
#[derive(Debug, Parser)]
#[command(name = "caseload", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario's replications and write results.csv, summary.csv and run.json.
    Run(RunArgs),
    /// Run two scenarios with common random numbers and report B - A with 95% intervals.
    Compare(CompareArgs),
    /// Run a scenario and write only its board report: one self-contained HTML page.
    Report(crate::report::ReportArgs),
    /// Put the shards of a run (`run --shard K/N`) back together: the unsharded run's files.
    Merge(crate::merge::MergeArgs),
    /// Run a scenario at every point of a grid of lever values (common random numbers) and write
    /// sweep.csv.
    Sweep(crate::sweep::SweepArgs),
    /// Find the smallest lever value whose chance of meeting the target(s) reaches a confidence.
    Seek(crate::seek::SeekArgs),
    /// Fit a scenario's uncertain inputs to observed history (ABC-SMC) and write posterior.csv and
    /// calibration.json.
    Calibrate(crate::calibrate::CalibrateArgs),
    /// Write a generated scenario (`generate national`: a synthetic national-scale service).
    Generate(crate::generate::GenerateArgs),
    /// Check scenario files and report every problem in each.
    Validate {
        /// Scenario files (RON).
        #[arg(required = true, value_name = "SCENARIO")]
        scenarios: Vec<PathBuf>,
    },
}

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

/// Arguments of `caseload compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario A (the reference).
    #[arg(value_name = "A")]
    pub a: PathBuf,
    /// Scenario B (the alternative); differences are B - A.
    #[arg(value_name = "B")]
    pub b: PathBuf,
    /// Number of Monte Carlo replications of each.
    #[arg(long, default_value_t = 50, value_parser = crate::args::whole_number(2, 100_000))]
    pub reps: u32,
    /// Master seed, shared by both (common random numbers).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Directory for compare.csv and compare.json (created if missing).
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Threads and progress.
    #[command(flatten)]
    pub exec: Execution,
    /// A calibrated posterior.
    #[command(flatten)]
    pub fitted: Fitted,
    /// Also write an Excel workbook (A's run, the paired differences, what differs) to this file,
    /// with compare.csv and compare.json as one set.
    #[arg(long, value_name = "FILE.xlsx")]
    pub xlsx: Option<PathBuf>,
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

/// How a command's replications run, for every command that runs any: neither changes results.
#[derive(Debug, Args)]
pub struct Execution {
    /// Worker threads (default: RAYON_NUM_THREADS if set, else one per core), at most four per
    /// core; results do not depend on it.
    #[arg(long, value_name = "T", value_parser = thread_count)]
    pub threads: Option<NonZeroUsize>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// A calibrated posterior to draw the uncertain inputs from.
#[derive(Debug, Args)]
pub struct Fitted {
    /// Draw each replication's uncertain inputs from this posterior.csv (written by `caseload
    /// calibrate`) instead of the scenario's distributions; each path in it must name a number the
    /// scenario writes.
    #[arg(long, value_name = "posterior.csv")]
    pub posterior: Option<PathBuf>,
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

/// Threads per core beyond which more threads only slow a run (each holds a replication's world).
const THREADS_PER_CORE: usize = 4;

/// A worker-thread count from 1 to [`THREADS_PER_CORE`] per core of this machine.
fn thread_count(s: &str) -> Result<NonZeroUsize, String> {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let most = THREADS_PER_CORE * cores;
    match s.parse::<NonZeroUsize>() {
        Ok(n) if n.get() <= most => Ok(n),
        Ok(n) => Err(format!(
            "{n} threads is more than this machine can use: at most {most} ({THREADS_PER_CORE} per \
             core, {cores} core{}); results do not depend on the thread count",
            if cores == 1 { "" } else { "s" }
        )),
        _ => Err(format!(
            "expected a whole number of threads from 1 to {most}; found {s:?}"
        )),
    }
}

/// A parser of whole numbers from `min` to `max`, whose refusal says so in words (clap's own
/// range check speaks Rust: "is not in 2..=100000").
pub(crate) fn whole_number(
    min: u32,
    max: u32,
) -> impl Fn(&str) -> Result<u32, String> + Clone + Send + Sync + 'static {
    move |s| match s.trim().parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "expected a whole number from {min} to {max}; found {s:?}"
        )),
    }
}
