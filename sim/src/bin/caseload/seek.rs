//! `caseload seek SCENARIO --lever PATH --range A..B --target T --confidence C`: the smallest lever
//! value in A..B whose chance of meeting every target is at least C, found by bisection with
//! common random numbers, reported with the evidence around it. Writes seek.csv (every value
//! evaluated). Not finding a value in the range is a finding (exit 0), not an error.

use crate::args::Execution;
use std::path::PathBuf;

use caseload::lever::{self, LeverPath};
use caseload::load::Loaded;
use caseload::metrics::Metrics;
use caseload::output::{
    self,
    tables::{self, ChanceRow, Quoting},
};
use caseload::replicate::RunOptions;
use caseload::results::Results;
use caseload::seek::{self, Finding, Grid, Point, Search};
use caseload::targets::Target;
use clap::Args;

use crate::sweep::chance_cell;
use crate::table::{layout, percent};
use crate::{Failure, built, load_scenario, print, progress_bar, replicate_loaded};

/// Arguments of `caseload seek`.
#[derive(Debug, Args)]
pub struct SeekArgs {
    /// Scenario file (RON); an overlay is searched as merged with its bases.
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// The lever, e.g. "pipelines[scphn].intakes[2].size" or "districts[north].staff.hv".
    #[arg(long, value_name = "PATH")]
    pub lever: LeverPath,
    /// The values to search, A..B: whole numbers when A and B are (and no --step), e.g. 0..60.
    #[arg(long, value_name = "A..B", allow_hyphen_values = true)]
    pub range: String,
    /// Search A, A+S, A+2S, ... and B (needed when A or B has decimals).
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub step: Option<String>,
    /// The target, as for `caseload run --target`; repeatable: a replication must meet them all.
    #[arg(long, value_name = "TARGET", required = true)]
    pub target: Vec<Target>,
    /// The chance of meeting the target(s) required, in (0, 1].
    #[arg(long, default_value_t = 0.8, value_parser = confidence)]
    pub confidence: f64,
    /// Number of Monte Carlo replications at each value evaluated.
    #[arg(long, default_value_t = 50, value_parser = crate::args::whole_number(1, 100_000))]
    pub reps: u32,
    /// Master seed, shared by every value (common random numbers).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Directory for seek.csv (created if missing).
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Threads and progress.
    #[command(flatten)]
    pub exec: Execution,
    /// A calibrated posterior.
    #[command(flatten)]
    pub fitted: crate::args::Fitted,
}

/// A confidence: a number in (0, 1].
fn confidence(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(c) if c > 0.0 && c <= 1.0 => Ok(c),
        _ => Err(format!(
            "{text:?} is not a confidence: expected a number above 0 and at most 1, e.g. 0.8"
        )),
    }
}

/// Bad input: exit 2.
fn input(e: impl Into<anyhow::Error>) -> Failure {
    Failure::Input(e.into())
}

/// The scenario with the lever at `label`, checked; the targets checked against it.
fn setting(
    base: &Loaded,
    path: &LeverPath,
    label: &str,
    targets: &[Target],
) -> Result<Loaded, Failure> {
    let loaded = lever::apply(base, &[(path, label)]).map_err(input)?;
    let shape = Results::new(&loaded.model, &Metrics::new(&loaded.model), Vec::new());
    for t in targets {
        t.resolve(&shape).map_err(input)?;
    }
    Ok(loaded)
}

pub(crate) fn seek(args: &SeekArgs) -> Result<(), Failure> {
    let base = load_scenario(Some(&args.scenario))?;
    let grid = Grid::new(&args.range, args.step.as_deref()).map_err(input)?;
    let posterior = crate::posterior_for(&base, &args.fitted, &[args.lever.to_string()])?;
    let now = lever::current(&base, &args.lever).map_err(input)?;
    // Both ends are set up and checked before anything runs.
    for i in [0, grid.len() - 1] {
        setting(&base, &args.lever, &grid.label(grid.value(i)), &args.target)?;
    }
    let _prepared = crate::prepare(Some(&args.out), &["seek.csv"], &[])?;
    let options = RunOptions {
        replications: args.reps,
        seed: args.seed,
        threads: args.exec.threads,
    };
    // At most both ends and one value per halving.
    let halvings = usize::BITS - (grid.len().saturating_sub(1)).leading_zeros();
    let total = u64::from(2 + halvings) * u64::from(args.reps);
    let bar = progress_bar(total, "seek", args.exec.quiet);
    let mut name = String::new();
    let search = seek::seek(&grid, args.confidence, |value| {
        let loaded = setting(&base, &args.lever, &grid.label(value), &args.target)?;
        let run = replicate_loaded(loaded, &options, &bar, posterior.as_ref())?;
        name.clone_from(&run.model.name);
        seek::joint_chance(&args.target, &run.results).map_err(input)
    })?;
    bar.finish_and_clear();

    let csv = csv_text(&args.lever, &grid, &search)?;
    let written = output::write_files(&args.out, &[("seek.csv", csv)]).map_err(
        crate::not_written(format!("cannot write the search to {}", args.out.display())),
    )?;
    let mut text = report(args, &grid, &search, &name, now.as_deref());
    text.push_str(&format!(
        "\nWrote {}: every value evaluated.\n",
        crate::listed(&written)
    ));
    print(&text)
}

/// seek.csv: one row per value evaluated, in increasing order, after a column named by the lever.
fn csv_text(path: &LeverPath, grid: &Grid, search: &Search) -> Result<String, Failure> {
    let values: Vec<Vec<String>> = search
        .points
        .iter()
        .map(|p| vec![grid.label(p.value)])
        .collect();
    let rows = values
        .iter()
        .zip(&search.points)
        .map(|(v, p)| (v.as_slice(), ChanceRow::from(&p.chance)));
    tables::keyed_text(Quoting::Needed, &[path.to_string()], rows).map_err(built("seek.csv"))
}

/// "80% (59%-87%), 30 of 40".
fn evidence(p: &Point) -> String {
    format!(
        "{}, {} of {}",
        chance_cell(&p.chance),
        p.chance.met,
        p.chance.replications
    )
}

/// The printed finding, the evidence around it and every value evaluated.
fn report(args: &SeekArgs, grid: &Grid, search: &Search, name: &str, now: Option<&str>) -> String {
    let lever = &args.lever;
    let conf = percent(args.confidence);
    let label = |p: &Point| grid.label(p.value);
    let (lo, hi) = (label(&search.lowest), label(&search.highest));
    let now = now.unwrap_or("left to its default");
    let goal = if args.target.len() == 1 {
        "the target".to_string()
    } else {
        "every target at once".to_string()
    };
    let mut text = format!(
        "{name}: the smallest {lever} in {lo}..{hi} (the scenario: {now}) with a chance of at \
         least {conf} of meeting {goal}:\n"
    );
    for t in &args.target {
        text.push_str(&format!("  {t}\n"));
    }
    text.push_str(&format!(
        "{} replications per value, seed {}, common random numbers; the chance rises with the \
         lever (assumed), so the range is bisected. Chances with their exact 95% interval.\n\n",
        args.reps, args.seed
    ));
    match search.finding {
        Finding::Found { answer, below } => {
            text.push_str(&format!(
                "Answer: {lever} = {}: a chance of {}.\nAt {} it is {}, below {conf}.\n",
                label(&answer),
                evidence(&answer),
                label(&below),
                evidence(&below)
            ));
            if answer.chance.ci95_low < args.confidence || below.chance.ci95_high >= args.confidence
            {
                text.push_str(&format!(
                    "The intervals straddle {conf}: with more --reps the answer could move by \
                     a step or so.\n"
                ));
            }
        }
        Finding::LowestMeets(p) => text.push_str(&format!(
            "The lowest value, {lo}, already meets it: a chance of {}. The smallest value that \
             does may lie below the range: lower A to find it.\n",
            evidence(&p)
        )),
        Finding::HighestFallsShort(p) => text.push_str(&format!(
            "Even the highest value, {hi}, falls short: a chance of {}, below {conf}. No value in \
             {lo}..{hi} meets it: raise B, or change another lever.\n",
            evidence(&p)
        )),
    }
    let answer = search.answer().map(|p| p.value);
    let below = match search.finding {
        Finding::Found { below, .. } => Some(below.value),
        _ => None,
    };
    let rows = search
        .points
        .iter()
        .map(|p| {
            let mut notes = Vec::new();
            if p.value == search.lowest.value {
                notes.push("A");
            }
            if p.value == search.highest.value {
                notes.push("B");
            }
            if Some(p.value) == answer {
                notes.push("answer");
            }
            if Some(p.value) == below {
                notes.push("next lower value");
            }
            vec![
                label(p),
                format!("{} of {}", p.chance.met, p.chance.replications),
                chance_cell(&p.chance),
                if p.meets { "yes" } else { "no" }.to_string(),
                notes.join(", "),
            ]
        })
        .collect();
    let header = vec![
        lever.to_string(),
        "met".into(),
        "chance (95% interval)".into(),
        format!(">= {conf}"),
        String::new(),
    ];
    text.push_str("\nValues evaluated\n");
    for line in layout(header, rows).lines() {
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}
