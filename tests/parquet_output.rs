//! `--format parquet`: results.parquet and summary.parquet hold exactly what results.csv and
//! summary.csv hold (the same rows in the same order, the same columns, typed; an empty CSV cell
//! is a null), the same bytes for the same seed, and a merge of shards gives the unsharded run's.

use std::path::Path;

use caseload::output::read_results;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

use crate::binary::{arg, assert_exit, caseload, file_names, workspace};
use crate::common::tiny_year;

/// Every row of a Parquet file as text cells, as the CSV would show them (a null is empty), with
/// its column names.
fn parquet_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let file = std::fs::File::open(path).expect("the Parquet file");
    let reader = SerializedFileReader::new(file).expect("a Parquet file");
    let columns = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let rows = reader
        .get_row_iter(None)
        .expect("rows")
        .map(|row| {
            row.expect("a row")
                .get_column_iter()
                .map(|(_, field)| match field {
                    Field::Null => String::new(),
                    Field::Str(s) => s.clone(),
                    Field::ULong(n) => n.to_string(),
                    Field::Double(x) => x.to_string(),
                    other => panic!("unexpected field {other:?}"),
                })
                .collect()
        })
        .collect();
    (columns, rows)
}

/// The header and rows of a CSV file, split on commas (the tables hold no quoted cells).
fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).expect("the CSV file");
    let mut lines = text
        .lines()
        .map(|l| l.split(',').map(String::from).collect::<Vec<_>>());
    let header = lines.next().expect("a header");
    (header, lines.collect())
}

#[test]
fn parquet_tables_hold_what_the_csv_tables_hold() {
    let (dir, scenario) = workspace(&tiny_year());
    let s = arg(&scenario);
    let run = |out: &str, format: &str| {
        let args = [
            "run", s, "--reps", "3", "--seed", "5", "-q", "--out", out, "--format", format,
        ];
        assert_exit(&caseload(dir.path(), &args), 0);
    };
    run("csv", "csv");
    run("pq", "parquet");
    run("pq_again", "parquet");
    let names = file_names(&dir.path().join("pq"));
    let expected = ["results.parquet", "run.json", "summary.parquet"].map(String::from);
    assert_eq!(names, expected.into());
    for table in ["results", "summary"] {
        let (csv_header, csv) = csv_rows(&dir.path().join(format!("csv/{table}.csv")));
        let (pq_header, pq) = parquet_rows(&dir.path().join(format!("pq/{table}.parquet")));
        assert_eq!(pq_header, csv_header, "{table}: columns");
        assert_eq!(pq.len(), csv.len(), "{table}: rows");
        assert!(pq == csv, "{table}: a value differs");
        let bytes = |d: &str| std::fs::read(dir.path().join(format!("{d}/{table}.parquet")));
        assert_eq!(
            bytes("pq").expect("read"),
            bytes("pq_again").expect("read"),
            "{table}"
        );
    }
    // Undefined values are nulls, not NaN or zero: the tiny run has some.
    let (_, csv) = csv_rows(&dir.path().join("csv/results.csv"));
    assert!(
        csv.iter().any(|r| r[4].is_empty()),
        "the fixture has no undefined value"
    );
    let full = read_results(&dir.path().join("csv/results.csv")).expect("reads back");
    assert_eq!(full.results.replications(), 3);
}

#[test]
fn merged_parquet_is_the_unsharded_runs() {
    let (dir, scenario) = workspace(&tiny_year());
    let s = arg(&scenario);
    let base = ["run", s, "--reps", "4", "--seed", "2", "-q"];
    let mut whole = base.to_vec();
    whole.extend(["--out", "whole", "--format", "parquet"]);
    assert_exit(&caseload(dir.path(), &whole), 0);
    for (k, out) in [("1/2", "a"), ("2/2", "b")] {
        let mut shard = base.to_vec();
        shard.extend(["--shard", k, "--out", out]);
        assert_exit(&caseload(dir.path(), &shard), 0);
    }
    let merge = ["merge", "a", "b", "--out", "merged", "--format", "parquet"];
    assert_exit(&caseload(dir.path(), &merge), 0);
    for table in ["results.parquet", "summary.parquet"] {
        let read = |d: &str| std::fs::read(dir.path().join(d).join(table)).expect("read");
        assert!(read("whole") == read("merged"), "{table} differs");
    }
    // A shard is CSV for merge, so asking for Parquet there is refused.
    let mut shard = base.to_vec();
    shard.extend(["--shard", "1/2", "--out", "c", "--format", "parquet"]);
    let err = assert_exit(&caseload(dir.path(), &shard), 2);
    assert!(err.contains("--format") && err.contains("--shard"), "{err}");
}
