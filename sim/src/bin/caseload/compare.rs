//! `caseload compare A B`: both scenarios run with common random numbers; the differences B - A
//! with paired 95% intervals, printed for the key city metrics and written whole to compare.csv.

use std::path::PathBuf;

use caseload::compare;
use caseload::metrics::Metrics;
use caseload::output::{self, tables, xlsx};
use caseload::replicate::RunOptions;
use caseload::results::Results;
use caseload::summary::Summary;
use serde::Serialize;

use caseload::scenario::diff::differences;
use clap::Args;

use crate::args::{Execution, Fitted};
use crate::{Failure, built, load_scenario, print, progress_bar, replicate_loaded, table};

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

/// What compare.json records.
#[derive(Serialize)]
struct CompareRecord<'a> {
    a: &'a output::RunRecord,
    b: &'a output::RunRecord,
}

pub(crate) fn compare(args: &CompareArgs) -> Result<(), Failure> {
    // Both files are read and checked before either runs.
    let a = load_scenario(Some(&args.a))?;
    let b = load_scenario(Some(&args.b))?;
    let shape =
        |l: &caseload::load::Loaded| Results::new(&l.model, &Metrics::new(&l.model), Vec::new());
    let overlap = compare::overlap(&shape(&a), &shape(&b)).map_err(|e| Failure::Input(e.into()))?;
    let changes = differences(&a.scenario, &b.scenario);
    let posterior = crate::posterior_for(&a, &args.fitted, &[])?;
    if let Some(p) = &posterior {
        crate::replications_of(&b, Some(p))?;
    }
    if let Some(path) = &args.xlsx {
        let label = format!("the workbook path {}", path.display());
        crate::report::folder_and_name(path, &label, "compare.xlsx")?;
    }
    let elsewhere: Vec<&std::path::Path> = args.xlsx.as_deref().into_iter().collect();
    let _prepared = crate::prepare(
        Some(&args.out),
        &["compare.csv", "compare.json"],
        &elsewhere,
    )?;
    let options = RunOptions {
        replications: args.reps,
        seed: args.seed,
        threads: args.exec.threads,
    };
    let bar = progress_bar(2 * u64::from(args.reps), "A and B", args.exec.quiet);
    let run_a = replicate_loaded(a, &options, &bar, posterior.as_ref())?;
    let run_b = replicate_loaded(b, &options, &bar, posterior.as_ref())?;
    bar.finish_and_clear();
    let rows = compare::compare(&run_a.results, &run_b.results);
    let record = CompareRecord {
        a: &run_a.record,
        b: &run_b.record,
    };
    let json = serde_json::to_string_pretty(&record).map_err(|e| Failure::Other(e.into()))?;
    let files = [
        (
            "compare.csv",
            tables::compare_csv(&rows).map_err(built("compare.csv"))?,
        ),
        ("compare.json", format!("{json}\n")),
    ];
    let workbook = match &args.xlsx {
        Some(_) => Some(
            xlsx::workbook(&xlsx::Book {
                run: xlsx::Run {
                    model: &run_a.model,
                    values: &run_a.results,
                    summary: &Summary::new(&run_a.results),
                    record: &run_a.record,
                },
                month: run_a.results.months.len().saturating_sub(1),
                targets: &[],
                compared: Some(xlsx::Compared {
                    b: &run_b.record,
                    rows: &rows,
                    changes: &changes,
                }),
            })
            .map_err(|e| Failure::Other(anyhow::anyhow!("cannot make the workbook: {e}")))?,
        ),
        None => None,
    };
    let paths: Vec<std::path::PathBuf> = files.iter().map(|(n, _)| args.out.join(n)).collect();
    let mut set: Vec<(&std::path::Path, &[u8])> = paths
        .iter()
        .zip(&files)
        .map(|(p, (_, text))| (p.as_path(), text.as_bytes()))
        .collect();
    if let (Some(path), Some(book)) = (&args.xlsx, &workbook) {
        set.push((path, book));
    }
    let written = output::write_paths(&set).map_err(crate::not_written(format!(
        "cannot write the comparison to {}",
        args.out.display()
    )))?;
    let mut text = table::comparison(&run_a, &run_b, &rows);
    for note in overlap.notes() {
        text.push_str(&format!("\n{note}\n"));
    }
    text.push_str(&table::changes(&changes));
    text.push_str(&format!("\nWrote {}.\n", crate::listed(&written)));
    print(&text)
}
