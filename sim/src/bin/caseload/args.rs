//! Command-line arguments.

use std::num::NonZeroUsize;
use std::path::PathBuf;

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
    /// Number of Monte Carlo replications.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub reps: u32,
    /// Master seed; replication i draws from streams derived from (seed, i).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Directory for the output files (created if missing).
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Worker threads (default: RAYON_NUM_THREADS if set, else one per core); results do not
    /// depend on it.
    #[arg(long, value_name = "T")]
    pub threads: Option<NonZeroUsize>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// A target whose chance to report, e.g. "compliance:new_birth>=0.95@2020-12" or
    /// "caseload_per_hv_wte<=350@2022-03/*" (every district); repeatable; also written to
    /// targets.csv.
    #[arg(long, value_name = "TARGET")]
    pub target: Vec<Target>,
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
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub reps: u32,
    /// Master seed, shared by both (common random numbers).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Directory for compare.csv (created if missing).
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Worker threads (default: RAYON_NUM_THREADS if set, else one per core).
    #[arg(long, value_name = "T")]
    pub threads: Option<NonZeroUsize>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}
