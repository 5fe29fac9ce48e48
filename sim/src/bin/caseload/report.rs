//! The board report: `caseload report SCENARIO` runs a scenario and writes only the report, and
//! `caseload run --report FILE.html` writes it beside the usual files. The page itself is built by
//! `caseload::report::board_report`; this module checks where it goes and writes it whole.

use crate::args::Execution;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use caseload::metrics::Metrics;
use caseload::output::{self, xlsx};
use caseload::replicate::RunOptions;
use caseload::report::Edition;
use caseload::results::ReplicationValues;
use caseload::results::Results;
use caseload::summary::Summary;
use caseload::targets::{Chance, Target};
use clap::Args;

use crate::{Completed, Failure, load_scenario, print, progress_bar, replicate_loaded};

/// Arguments of `caseload report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Scenario file (RON); the embedded Birmingham baseline when left out.
    #[arg(value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,
    /// Number of Monte Carlo replications.
    #[arg(long, default_value_t = 50, value_parser = crate::args::whole_number(1, 100_000))]
    pub reps: u32,
    /// Master seed; replication i draws from streams derived from (seed, i).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The report file (its folder is created if missing).
    #[arg(long, default_value = "out/report.html", value_name = "FILE.html")]
    pub out: PathBuf,
    /// Threads and progress.
    #[command(flatten)]
    pub exec: Execution,
    /// A calibrated posterior.
    #[command(flatten)]
    pub fitted: crate::args::Fitted,
    /// A target whose chance to show in the report, e.g. "compliance:new_birth>=0.95@2020-12";
    /// repeatable.
    #[arg(long, value_name = "TARGET")]
    pub target: Vec<Target>,
    /// The month the report's status tables are at; the forecast's last month when left out.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// Also write an Excel workbook of the run (at the same month) to this file, with the report
    /// as one set.
    #[arg(long, value_name = "FILE.xlsx")]
    pub xlsx: Option<PathBuf>,
}

/// The index of `month` among the forecast's `months`, checked before anything runs; `None` when
/// no month was given.
pub(crate) fn month_index(
    months: &[String],
    month: Option<&str>,
) -> Result<Option<usize>, Failure> {
    let Some(month) = month else { return Ok(None) };
    match months.iter().position(|m| m == month) {
        Some(i) => Ok(Some(i)),
        None => Err(Failure::Input(anyhow!(
            "the report month {month:?} is not in the forecast: give a month YYYY-MM from {} to {}",
            months.first().map_or("", String::as_str),
            months.last().map_or("", String::as_str)
        ))),
    }
}

/// Where a report goes: its folder and its file name. Checked before anything runs: the path must
/// name a file, and no folder may stand there.
pub(crate) struct Destination {
    dir: PathBuf,
    name: String,
}

/// Splits `path` into the folder and file name that `output::write_files` takes.
pub(crate) fn destination(path: &Path) -> Result<Destination, Failure> {
    let label = format!("the report path {}", path.display());
    let (dir, name) = folder_and_name(path, &label, "board.html")?;
    Ok(Destination { dir, name })
}

/// The folder and file name of `path`, which must name a file; a refusal reads
/// "`label` is a folder; give a file name such as `example`".
pub(crate) fn folder_and_name(
    path: &Path,
    label: &str,
    example: &str,
) -> Result<(PathBuf, String), Failure> {
    let input = |reason: &str| Failure::Input(anyhow!("{label} {reason}"));
    if path.is_dir() {
        return Err(input(&format!(
            "is a folder; give a file name such as {example}"
        )));
    }
    let name = path
        .file_name()
        .ok_or_else(|| input(&format!("does not name a file; give one such as {example}")))?
        .to_str()
        .ok_or_else(|| input("is not valid UTF-8"))?
        .to_string();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, name))
}

/// The report's HTML for a finished run, its tables at `month` (the last month when `None`).
pub(crate) fn html(
    run: &Completed,
    scenario_text: &str,
    summary: &Summary,
    (targets, chances): (&[Target], &[Chance]),
    month: Option<usize>,
) -> String {
    let targets: Vec<(Target, Chance)> = targets
        .iter()
        .cloned()
        .zip(chances.iter().copied())
        .collect();
    let mut edition = Edition::as_written(run.results.months.len(), caseload::report::today());
    if let Some(m) = month {
        (edition.month, edition.month_chosen) = (m, true);
    }
    caseload::report::board_report(
        &run.model,
        scenario_text,
        &run.results,
        summary,
        &run.record,
        &targets,
        &edition,
    )
}

/// The Excel workbook of a finished run (its values in memory or spilled), the district and
/// review sheets at `month` (the last month when `None`), with the `--target`s asked.
pub(crate) fn workbook(
    run: &Completed,
    values: &dyn ReplicationValues,
    summary: &Summary,
    (targets, chances): (&[Target], &[Chance]),
    month: Option<usize>,
) -> Result<Vec<u8>, Failure> {
    let targets: Vec<(Target, Chance)> = targets
        .iter()
        .cloned()
        .zip(chances.iter().copied())
        .collect();
    xlsx::workbook(&xlsx::Book {
        run: xlsx::Run {
            model: &run.model,
            values,
            summary,
            record: &run.record,
        },
        month: month.unwrap_or(run.results.months.len().saturating_sub(1)),
        targets: &targets,
        compared: None,
    })
    .map_err(|e| Failure::Other(anyhow!("cannot make the workbook: {e}")))
}

/// Writes the report whole or not at all; returns its path.
pub(crate) fn write(dest: &Destination, html: String) -> Result<PathBuf, Failure> {
    let path = dest.dir.join(&dest.name);
    let written = output::write_files(&dest.dir, &[(dest.name.as_str(), html)]).map_err(
        crate::not_written(format!("cannot write the report to {}", path.display())),
    )?;
    Ok(written.into_iter().next().unwrap_or(path))
}

/// `caseload report`: runs the scenario and writes only the report.
pub(crate) fn report(args: &ReportArgs) -> Result<(), Failure> {
    let loaded = load_scenario(args.scenario.as_deref())?;
    let posterior = crate::posterior_for(&loaded, &args.fitted, &[])?;
    // Targets name metrics, months and districts, and the path must take a file: check both
    // before running.
    let shape = Results::new(&loaded.model, &Metrics::new(&loaded.model), Vec::new());
    for t in &args.target {
        t.resolve(&shape).map_err(|e| Failure::Input(e.into()))?;
    }
    let month = month_index(&shape.months, args.month.as_deref())?;
    let dest = destination(&args.out)?;
    if let Some(path) = &args.xlsx {
        folder_and_name(
            path,
            &format!("the workbook path {}", path.display()),
            "run.xlsx",
        )?;
    }
    let files: Vec<&Path> = std::iter::once(args.out.as_path())
        .chain(args.xlsx.as_deref())
        .collect();
    let _prepared = crate::prepare(None, &[], &files)?;
    let scenario_text = loaded.text.clone();
    let options = RunOptions {
        replications: args.reps,
        seed: args.seed,
        threads: args.exec.threads,
    };
    let bar = progress_bar(u64::from(args.reps), &loaded.model.name, args.exec.quiet);
    let run = replicate_loaded(loaded, &options, &bar, posterior.as_ref())?;
    bar.finish_and_clear();
    let chances = args
        .target
        .iter()
        .map(|t| t.chance(&run.results).map_err(|e| Failure::Input(e.into())))
        .collect::<Result<Vec<_>, _>>()?;
    let summary = Summary::new(&run.results);
    let page = html(
        &run,
        &scenario_text,
        &summary,
        (&args.target, &chances),
        month,
    );
    let path = match &args.xlsx {
        None => write(&dest, page)?,
        Some(book_path) => {
            let targets = (args.target.as_slice(), chances.as_slice());
            let book = workbook(&run, &run.results, &summary, targets, month)?;
            let report_path = dest.dir.join(&dest.name);
            let written = output::write_paths(&[
                (report_path.as_path(), page.as_bytes()),
                (book_path.as_path(), &book),
            ])
            .map_err(crate::not_written(format!(
                "cannot write the report to {} and the workbook to {}",
                report_path.display(),
                book_path.display()
            )))?;
            written.into_iter().next().unwrap_or(report_path)
        }
    };
    let wrote = match &args.xlsx {
        Some(book) => format!("{} and {}", path.display(), book.display()),
        None => path.display().to_string(),
    };
    print(&format!(
        "{}: {} replications, seed {}, {} to {}\nWrote {} in {:.1} s of simulation.\n",
        run.record.scenario_name,
        run.record.replications,
        run.record.seed,
        run.record.months[0],
        run.record.months[1],
        wrote,
        run.record.wall_seconds
    ))
}
