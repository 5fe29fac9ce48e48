//! A long run's values kept on disk instead of in memory, so that its memory does not grow with
//! its replications (1,000 Birmingham replications hold about 750 MiB of values). Each
//! replication's values are appended to an unnamed temporary file as batches finish, in
//! replication order; the summary is then computed from the file a block of cells at a time, each
//! cell's values read back in replication order, so it is the same, bit for bit, as the summary
//! of the same run held in memory.

use std::fs::File;
use std::io::{BufWriter, Write};

use crate::results::{ReplicationValues, Results};
use crate::summary::{Stats, Summary};

/// Bytes of values read back at once while summarising: the memory the summary needs beyond its
/// own statistics, whatever the number of replications.
const BLOCK_BYTES: usize = 128 << 20;

/// Replications' values, appended to a temporary file.
#[derive(Debug)]
pub struct Spill {
    /// The values, replication after replication, each in (month, district, metric) order, as
    /// little-endian f64s.
    file: BufWriter<File>,
    /// The months, districts and metrics, without values.
    shape: Results,
    /// Replications appended.
    replications: usize,
}

impl Spill {
    /// An empty spill for values shaped as `shape` (whose own values are not kept).
    pub fn new(shape: &Results) -> std::io::Result<Self> {
        Ok(Spill {
            file: BufWriter::with_capacity(1 << 20, tempfile::tempfile()?),
            shape: shape.shape(),
            replications: 0,
        })
    }

    /// Appends every replication of `batch`, which must have the spill's shape.
    pub fn push(&mut self, batch: &Results) -> std::io::Result<()> {
        if !batch.same_shape(&self.shape) {
            return Err(std::io::Error::other(
                "a batch of replications does not share the run's table",
            ));
        }
        for r in 0..batch.replications() {
            self.push_values(batch.replication(r))?;
        }
        Ok(())
    }

    /// Appends one replication's values, in (month, district, metric) order.
    pub fn push_values(&mut self, values: &[f64]) -> std::io::Result<()> {
        if values.len() != self.shape.cells() {
            return Err(std::io::Error::other(
                "a replication does not have one value for each cell of the run's table",
            ));
        }
        for v in values {
            self.file.write_all(&v.to_le_bytes())?;
        }
        // Flushed, so that everything appended can be read back through `&self`.
        self.file.flush()?;
        self.replications += 1;
        Ok(())
    }

    /// Every cell summarised across the replications, as [`Summary::new`] would summarise the
    /// same values held in memory.
    pub fn summary(&self) -> std::io::Result<Summary> {
        self.summary_in_blocks(BLOCK_BYTES)
    }

    /// [`Spill::summary`], reading back at most `block_bytes` of values at once (at least one
    /// cell's).
    fn summary_in_blocks(&self, block_bytes: usize) -> std::io::Result<Summary> {
        let total = self.shape.cells();
        let per_block = (block_bytes / 8 / self.replications.max(1)).clamp(1, total.max(1));
        let mut stats = Vec::with_capacity(total);
        let mut bytes = vec![0u8; per_block * 8];
        let mut block = vec![Vec::with_capacity(self.replications); per_block];
        for start in (0..total).step_by(per_block) {
            let width = per_block.min(total - start);
            for cell in &mut block {
                cell.clear();
            }
            for r in 0..self.replications {
                let chunk = &mut bytes[..width * 8];
                read_at(self.file.get_ref(), chunk, ((r * total + start) * 8) as u64)?;
                for (c, v) in chunk.chunks_exact(8).enumerate() {
                    let mut le = [0u8; 8];
                    le.copy_from_slice(v);
                    block[c].push(f64::from_le_bytes(le));
                }
            }
            stats.extend(block[..width].iter().map(|values| Stats::of(values)));
        }
        Ok(Summary::from_stats(&self.shape, stats))
    }
}

impl ReplicationValues for Spill {
    fn shape(&self) -> &Results {
        &self.shape
    }
    fn count(&self) -> usize {
        self.replications
    }
    /// Reads only the cells asked for, one value a replication.
    fn across(&self, cells: &[usize]) -> std::io::Result<Vec<Vec<f64>>> {
        let total = self.shape.cells();
        let mut out = vec![Vec::with_capacity(self.replications); cells.len()];
        let mut value = [0u8; 8];
        for r in 0..self.replications {
            for (c, &cell) in cells.iter().enumerate() {
                read_at(
                    self.file.get_ref(),
                    &mut value,
                    ((r * total + cell) * 8) as u64,
                )?;
                out[c].push(f64::from_le_bytes(value));
            }
        }
        Ok(out)
    }

    fn replication_values(&self, r: usize) -> std::io::Result<std::borrow::Cow<'_, [f64]>> {
        let cells = self.shape.cells();
        let mut bytes = vec![0u8; cells * 8];
        read_at(self.file.get_ref(), &mut bytes, (r * cells * 8) as u64)?;
        let values = bytes
            .chunks_exact(8)
            .map(|b| {
                let mut le = [0u8; 8];
                le.copy_from_slice(b);
                f64::from_le_bytes(le)
            })
            .collect();
        Ok(std::borrow::Cow::Owned(values))
    }
}

/// Reads `buf.len()` bytes of `file` from `offset`.
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = file;
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Results of `replications` with two months, two districts and three metrics, values
    /// varied enough to order differently in each cell, some undefined.
    fn results(replications: usize, offset: usize) -> Results {
        let values = (0..replications)
            .map(|r| {
                (0..12)
                    .map(|c| match (r + offset + c) % 7 {
                        0 => f64::NAN,
                        x => ((r + offset) * 31 % 17) as f64 * 0.5 + x as f64 + c as f64,
                    })
                    .collect()
            })
            .collect();
        let names = |xs: &[&str]| xs.iter().map(ToString::to_string).collect();
        Results::from_values(
            names(&["a", "b", "c"]),
            names(&["2019-01", "2019-02"]),
            names(&["north", "ALL"]),
            values,
        )
        .expect("consistent")
    }

    #[test]
    fn a_spilled_summary_is_the_summary_in_memory_bit_for_bit() {
        let (first, second) = (results(5, 0), results(4, 5));
        let whole = Results::concat(vec![first.clone(), second.clone()]).expect("one table");
        let mut spill = Spill::new(&first).expect("a temporary file");
        spill.push(&first).expect("written");
        spill.push(&second).expect("written");
        assert_eq!(spill.count(), 9);
        let expected = Summary::new(&whole);
        // One cell a block, a few, and all at once.
        for block in [1, 8 * 9 * 5, BLOCK_BYTES] {
            let got = spill.summary_in_blocks(block).expect("read back");
            for c in 0..12 {
                let (m, d, k) = (c / 6, c / 3 % 2, c % 3);
                let (a, b) = (got.get(m, d, k), expected.get(m, d, k));
                assert_eq!(a.n, b.n);
                let bits = |s: &Stats| {
                    [s.mean, s.ci95_low, s.ci95_high]
                        .into_iter()
                        .chain(s.percentiles)
                        .map(f64::to_bits)
                        .collect::<Vec<_>>()
                };
                assert_eq!(bits(a), bits(b), "cell {c}, blocks of {block} bytes");
            }
        }
        let cell = whole.cell(1, 0, 2);
        let across = spill.across(&[cell]).expect("read back");
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&across[0]), bits(&whole.across_replications(1, 0, 2)));
        // A batch of another shape is refused.
        let other = Results::from_values(
            vec!["x".into()],
            vec!["2019-01".into()],
            vec!["ALL".into()],
            vec![vec![1.0]],
        );
        assert!(spill.push(&other.expect("consistent")).is_err());
    }
}
