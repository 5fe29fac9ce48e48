//! `caseload compare A B`: both scenarios run with common random numbers; the differences B - A
//! with paired 95% intervals, printed for the key city metrics and written whole to compare.csv.

use anyhow::Context;
use caseload::compare::{self, Row};
use caseload::output;
use caseload::replicate::RunOptions;
use serde::Serialize;

use crate::args::CompareArgs;
use crate::{Failure, load_scenario, print, progress_bar, replicate_loaded, table};

/// What compare.json records.
#[derive(Serialize)]
struct CompareRecord<'a> {
    a: &'a output::RunRecord,
    b: &'a output::RunRecord,
}

/// A value as written in CSV: shortest round-trip form, empty when undefined.
fn cell(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        x.to_string()
    }
}

fn csv_text(rows: &[Row]) -> Result<String, Failure> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "month",
        "district",
        "metric",
        "mean_a",
        "mean_b",
        "difference",
        "ci95_low",
        "ci95_high",
        "unpaired_ci95_low",
        "unpaired_ci95_high",
    ];
    let fail =
        |e: csv::Error| Failure::Other(anyhow::Error::new(e).context("cannot build compare.csv"));
    w.write_record(header).map_err(fail)?;
    for r in rows {
        let d = &r.difference;
        let mut record = vec![r.month.clone(), r.district.clone(), r.metric.clone()];
        record.extend(
            [
                d.mean_a,
                d.mean_b,
                d.difference,
                d.ci95_low,
                d.ci95_high,
                d.unpaired_low,
                d.unpaired_high,
            ]
            .map(cell),
        );
        w.write_record(&record).map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot build compare.csv: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Failure::Other(e.into()))
}

pub(crate) fn compare(args: &CompareArgs) -> Result<(), Failure> {
    // Both files are read and checked before either runs.
    let a = load_scenario(Some(&args.a))?;
    let b = load_scenario(Some(&args.b))?;
    let options = RunOptions {
        replications: args.reps,
        seed: args.seed,
        threads: args.exec.threads,
    };
    let bar = progress_bar(2 * u64::from(args.reps), "A and B", args.exec.quiet);
    let run_a = replicate_loaded(a, &options, &bar)?;
    let run_b = replicate_loaded(b, &options, &bar)?;
    bar.finish_and_clear();
    let rows = compare::compare(&run_a.results, &run_b.results);
    let record = CompareRecord {
        a: &run_a.record,
        b: &run_b.record,
    };
    let json = serde_json::to_string_pretty(&record).map_err(|e| Failure::Other(e.into()))?;
    let files = [
        ("compare.csv", csv_text(&rows)?),
        ("compare.json", format!("{json}\n")),
    ];
    let written = output::write_files(&args.out, &files)
        .with_context(|| format!("cannot write the comparison to {}", args.out.display()))
        .map_err(Failure::Other)?;
    let mut text = table::comparison(&run_a, &run_b, &rows);
    text.push_str(&format!("\nWrote {}.\n", crate::listed(&written)));
    print(&text)
}
