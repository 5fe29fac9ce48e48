//! `caseload`: the command line. Parses arguments, loads scenarios, runs replications through the
//! library, prints a summary and writes the output files. Exit codes: 0 success, 2 bad input or
//! usage, 1 any other failure; and 3 from `calibrate --gather` when another batch is needed.

#![forbid(unsafe_code)]

/// mimalloc rather than the system's allocator: a Birmingham replication takes about 4% less time
/// (the engine's tables, queues and event buckets grow and are freed all through a run), for
/// more memory held (docs/benchmarks.md). Results do not depend on it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod args;
mod calibrate;
mod compare;
mod gather;
mod generate;
mod merge;
mod progress;
mod replicating;
mod report;
mod run;
mod seek;
mod shard;
mod stats;
mod sweep;
mod sweep_merge;
mod table;
mod writing;

use std::io::Write;
use std::process::ExitCode;

use caseload::load::{self, LoadError, Loaded};
use clap::Parser;

use args::{Cli, Command};
pub(crate) use progress::{logged_progress, progress_bar};
pub(crate) use replicating::{Completed, posterior_for, replicate_loaded, replications_of};
pub(crate) use run::TARGETS_CSV;
pub(crate) use writing::{not_written, prepare};

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
        Command::Run(args) => run::run(&args).map(done),
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
