//! results and summary as Parquet: the same columns as the CSV files, typed (replication an
//! unsigned 64-bit integer, month, district and metric strings, values doubles), compressed with
//! zstd. An undefined value (an empty CSV cell) is a null. pandas, R (arrow), DuckDB and Polars
//! read these directly; the default run's results are a twenty-fifth of the CSV's size.

use std::io::Write;
use std::sync::Arc;

use parquet::basic::{Compression, ZstdLevel};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::{SerializedColumnWriter, SerializedFileWriter};
use parquet::schema::parser::parse_message_type;

use super::tables::{ResultRow, Row, SummaryRow};
use crate::results::{ReplicationValues, Results};
use crate::summary::Summary;

/// Rows in each row group: a few hundred thousand rows a group keeps memory small and lets readers
/// skip what they filter out.
const ROWS_PER_GROUP: usize = 1 << 18;

/// A Parquet schema named `name` with `columns` in order: `replication` an unsigned integer,
/// `month`, `district` and `metric` strings, every other column a double that may be null.
fn schema(name: &str, columns: &[&str]) -> String {
    let fields: Vec<String> = columns
        .iter()
        .map(|&c| match c {
            "replication" => format!("REQUIRED INT64 {c} (INTEGER(64, false));"),
            "month" | "district" | "metric" => format!("REQUIRED BYTE_ARRAY {c} (STRING);"),
            _ => format!("OPTIONAL DOUBLE {c};"),
        })
        .collect();
    format!("message {name} {{ {} }}", fields.join(" "))
}

/// A writer with zstd compression (level 3, zstd's own default).
fn writer<W: Write + Send>(
    out: W,
    schema: &str,
) -> parquet::errors::Result<SerializedFileWriter<W>> {
    let schema = Arc::new(parse_message_type(schema)?);
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(3)?))
        .set_created_by(format!("caseload {}", env!("CARGO_PKG_VERSION")))
        .build();
    SerializedFileWriter::new(out, schema, Arc::new(props))
}

/// Writes the strings of one column.
fn strings(
    column: &mut SerializedColumnWriter<'_>,
    values: &[&str],
) -> parquet::errors::Result<()> {
    let values: Vec<ByteArray> = values.iter().map(|s| ByteArray::from(*s)).collect();
    column
        .typed::<ByteArrayType>()
        .write_batch(&values, None, None)?;
    Ok(())
}

/// Writes one column of doubles, NaN (undefined) as null.
fn doubles(column: &mut SerializedColumnWriter<'_>, values: &[f64]) -> parquet::errors::Result<()> {
    let levels: Vec<i16> = values.iter().map(|v| i16::from(!v.is_nan())).collect();
    let present: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    column
        .typed::<DoubleType>()
        .write_batch(&present, Some(&levels), None)?;
    Ok(())
}

/// Calls `write` for each column of the next row group, in schema order.
fn row_group<W: Write + Send>(
    file: &mut SerializedFileWriter<W>,
    mut write: impl FnMut(usize, &mut SerializedColumnWriter<'_>) -> parquet::errors::Result<()>,
) -> parquet::errors::Result<()> {
    let mut group = file.next_row_group()?;
    let mut index = 0;
    while let Some(mut column) = group.next_column()? {
        write(index, &mut column)?;
        column.close()?;
        index += 1;
    }
    group.close()?;
    Ok(())
}

/// Writes every value of `values` as results.parquet, in results.csv's order, replications
/// numbered from `first`; one row group's replications are held at a time.
pub fn write_results<W: Write + Send>(
    out: W,
    values: &dyn ReplicationValues,
    first: u64,
) -> parquet::errors::Result<()> {
    let shape = values.shape();
    let mut file = writer(out, &schema("results", ResultRow::COLUMNS))?;
    let cells: Vec<(usize, usize, usize)> = super::tables::cells(shape).collect();
    let n = cells.len().max(1);
    let rows = values.count() * cells.len();
    for start in (0..rows).step_by(ROWS_PER_GROUP) {
        let span = start..(start + ROWS_PER_GROUP).min(rows);
        // The values of the replications this row group spans, first to last.
        let reps = span.start / n..=(span.end - 1) / n;
        let mut held = Vec::with_capacity(reps.clone().count());
        for r in reps.clone() {
            let v = values
                .replication_values(r)
                .map_err(|e| parquet::errors::ParquetError::External(Box::new(e)))?;
            held.push(v.into_owned());
        }
        let value = |i: usize| held[i / n - reps.start()][i % n];
        row_group(&mut file, |column, writer| match column {
            0 => {
                let numbers: Vec<i64> = span
                    .clone()
                    .map(|i| (first + (i / n) as u64) as i64)
                    .collect();
                writer
                    .typed::<Int64Type>()
                    .write_batch(&numbers, None, None)?;
                Ok(())
            }
            1..=3 => {
                let text: Vec<&str> = span
                    .clone()
                    .map(|i| {
                        let (m, d, k) = cells[i % n];
                        match column {
                            1 => shape.months[m].as_str(),
                            2 => shape.districts[d].as_str(),
                            _ => shape.metrics[k].as_str(),
                        }
                    })
                    .collect();
                strings(writer, &text)
            }
            _ => doubles(writer, &span.clone().map(value).collect::<Vec<_>>()),
        })?;
    }
    file.close()?;
    Ok(())
}

/// Writes every cell of `results` summarised, as summary.parquet, in summary.csv's order.
pub fn write_summary<W: Write + Send>(
    out: W,
    results: &Results,
    summary: &Summary,
) -> parquet::errors::Result<()> {
    let mut file = writer(out, &schema("summary", SummaryRow::COLUMNS))?;
    let rows: Vec<SummaryRow<'_>> = super::tables::summary_rows(results, summary).collect();
    for group in rows.chunks(ROWS_PER_GROUP) {
        row_group(&mut file, |column, writer| match column {
            0..=2 => {
                let text: Vec<&str> = group
                    .iter()
                    .map(|r| [r.month, r.district, r.metric][column])
                    .collect();
                strings(writer, &text)
            }
            _ => {
                let values: Vec<f64> = group.iter().map(|r| r.statistics()[column - 3]).collect();
                doubles(writer, &values)
            }
        })?;
    }
    file.close()?;
    Ok(())
}
