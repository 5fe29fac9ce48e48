//! `caseload`: the command line. Parses arguments, loads scenarios, runs replications through the
//! library, prints a summary and writes the output files. Exit codes: 0 success, 2 bad input or
//! usage, 1 any other failure.

#![forbid(unsafe_code)]

mod args;
mod table;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use caseload::load::{self, LoadError, Loaded};
use caseload::output::{self, RunRecord};
use caseload::replicate::{self, RunOptions};
use caseload::summary::Summary;
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use args::{Cli, Command, RunArgs};

/// A failure, with the exit code it maps to.
enum Failure {
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
    let outcome = match cli.command {
        Command::Run(args) => run(&args),
        Command::Validate { scenarios } => validate(&scenarios),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
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
    for cause in e.chain().skip(1) {
        msg.push_str(&format!("\n  caused by: {cause}"));
    }
    eprintln!("{msg}");
}

/// Writes to stdout; a closed pipe (`caseload run | head`) is not an error.
fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::Other(
            anyhow::Error::new(e).context("cannot write to standard output"),
        )),
        _ => Ok(()),
    }
}

fn load_scenario(path: Option<&std::path::Path>) -> Result<Loaded, LoadError> {
    match path {
        Some(p) => load::load_file(p),
        None => load::baseline(),
    }
}

fn run(args: &RunArgs) -> Result<(), Failure> {
    let loaded = load_scenario(args.scenario.as_deref())?;
    let model = Arc::new(loaded.model);
    let options = RunOptions {
        replications: args.reps,
        seed: args.seed,
        threads: args.threads,
    };
    let bar = if std::io::stderr().is_terminal() && !args.quiet {
        let bar = ProgressBar::new(u64::from(args.reps));
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} replications, {eta} left")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(model.name.clone());
        bar
    } else {
        ProgressBar::hidden()
    };
    let started = Instant::now();
    let results =
        replicate::run(&model, &options, &|| bar.inc(1)).map_err(|e| Failure::Other(e.into()))?;
    let wall_seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let summary = Summary::new(&results);
    let record = RunRecord {
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: loaded.source.clone(),
        scenario_name: model.name.clone(),
        scenario_description: loaded.scenario.description.clone(),
        scenario_sha256: output::sha256_hex(&loaded.text),
        seed: args.seed,
        replications: args.reps,
        threads: replicate::worker_threads(&options),
        wall_seconds,
        months: [
            results.months.first().cloned().unwrap_or_default(),
            results.months.last().cloned().unwrap_or_default(),
        ],
    };
    let written = output::write_run(&args.out, &results, &summary, &record)
        .with_context(|| format!("cannot write the results to {}", args.out.display()))
        .map_err(Failure::Other)?;
    let mut text = table::summary(&model, &results, &summary, &record);
    text.push_str(&format!(
        "\nWrote {} in {:.1} s of simulation.\n",
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        wall_seconds
    ));
    print(&text)
}

fn validate(paths: &[std::path::PathBuf]) -> Result<(), Failure> {
    let mut failed = Vec::new();
    let mut text = String::new();
    for path in paths {
        match load::load_file(path) {
            Ok(loaded) => {
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
