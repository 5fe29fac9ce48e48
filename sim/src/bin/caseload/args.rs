//! Command-line arguments.

use std::num::NonZeroUsize;
use std::path::PathBuf;

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
    Run(crate::run::RunArgs),
    /// Run two scenarios with common random numbers and report B - A with 95% intervals.
    Compare(crate::compare::CompareArgs),
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
    /// Write a generated file: `generate national`, a synthetic national-scale scenario;
    /// `generate reference`, the field-by-field scenario reference in Markdown.
    Generate(crate::generate::GenerateArgs),
    /// Check scenario files and report every problem in each.
    Validate {
        /// Scenario files (RON).
        #[arg(required = true, value_name = "SCENARIO")]
        scenarios: Vec<PathBuf>,
    },
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
