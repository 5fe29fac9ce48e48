//! A calibration saved between batches, so its simulations can run as a cluster's jobs:
//! `caseload calibrate --shard K/N` simulates share K of the next batch of proposals from the
//! checkpoint ([`Calibration::simulate_shard`]), and `caseload calibrate --gather` puts the N
//! shares back into it in proposal order ([`Calibration::gather`]). The search is the same state
//! machine an unsharded calibration drives ([`Search`]), so the posterior is the same to the bit.

use serde::{Deserialize, Serialize};

use super::exact;
use super::search::{Absorbed, Batch, Search, simulate_proposals};
use super::{Calibration, Settings};
use crate::replicate::Shard;

/// calibration_checkpoint.json: a search between batches and what it was started on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The caseload version that started it: another version's engine may simulate differently.
    pub version: String,
    /// SHA-256 of the scenario text (merged, for an overlay).
    pub scenario_sha256: String,
    /// SHA-256 of the observed file.
    pub observed_sha256: String,
    /// The uncertain inputs, in the order of each particle's values.
    pub paths: Vec<String>,
    /// The search.
    pub search: Search,
}

impl Checkpoint {
    /// The file's text: every run of a checkpoint that has not been written yet (a search about
    /// to start) gives the same text, and so the same SHA-256, in every shard.
    pub fn text(&self) -> String {
        serde_json::to_string_pretty(self).expect("a checkpoint serialises") + "\n"
    }
}

/// One shard's simulations of a batch: `calibration_shards/K-of-N.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardFile {
    /// The caseload version that simulated it.
    pub version: String,
    /// SHA-256 of the checkpoint text the proposals were made from.
    pub checkpoint_sha256: String,
    /// The whole batch the shard is a part of.
    pub batch: Batch,
    /// K.
    pub shard: u32,
    /// N.
    pub shards: u32,
    /// Each of its proposals' simulated rows, in proposal order (`null` for inputs that could
    /// not run).
    #[serde(with = "exact::maybe_lists")]
    pub rows: Vec<Option<Vec<f64>>>,
}

impl ShardFile {
    /// The file name a shard writes: `K-of-N.json`.
    pub fn name(shard: Shard) -> String {
        format!("{}-of-{}.json", shard.index(), shard.count())
    }
}

/// This build's version, recorded in checkpoints and shards.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Proposal numbers of shard `shard`'s part of `batch`: the contiguous block `run --shard` would
/// give it of `batch.size` replications.
fn part(batch: Batch, shard: Shard) -> std::ops::Range<u64> {
    let block = shard.replications(u32::try_from(batch.size).unwrap_or(u32::MAX));
    batch.start + u64::from(block.start)..batch.start + u64::from(block.end)
}

/// Why a checkpoint or a shard cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CheckpointError {
    /// Not a checkpoint (or a shard) this version writes.
    #[error("{file}:{line}:{column}: not a calibration checkpoint or shard: {message}")]
    Format {
        /// The file.
        file: String,
        /// Where it stopped reading.
        line: usize,
        /// Where it stopped reading.
        column: usize,
        /// What went wrong.
        message: String,
    },
    /// Started on another scenario, observed file or prior.
    #[error(
        "{file} was started with a different {what}: finish that calibration with the same \
         scenario and observed file, or start afresh in another --out folder"
    )]
    Foreign {
        /// The checkpoint.
        file: String,
        /// "version of caseload", "scenario", "observed file" or "set of uncertain inputs".
        what: &'static str,
    },
    /// The command's settings differ from the checkpoint's.
    #[error("{file} was started with {differences}: give the same flags to every shard and gather")]
    Settings {
        /// The checkpoint.
        file: String,
        /// The differences, as flags: `--population 200 (not 300)`.
        differences: String,
    },
    /// Nothing left to simulate.
    #[error("{file}: the calibration has finished; there is nothing left to simulate")]
    Finished {
        /// The checkpoint.
        file: String,
    },
    /// A shard made from another state of the checkpoint.
    #[error(
        "{file} was simulated from an earlier or another checkpoint than the one in place (its \
         batch was gathered already, or the checkpoint changed since): rerun shard {shard} of \
         {shards}"
    )]
    Stale {
        /// The shard file.
        file: String,
        /// K.
        shard: u32,
        /// N.
        shards: u32,
    },
    /// The set of shard files is not one whole batch.
    #[error("{message}")]
    Incomplete {
        /// What is missing or repeated.
        message: String,
    },
}

impl Calibration {
    /// A checkpoint for a search about to start.
    pub fn start(&self, settings: Settings) -> Result<Checkpoint, super::CalibrationError> {
        Ok(Checkpoint {
            version: VERSION.to_string(),
            scenario_sha256: self.scenario_sha256.clone(),
            observed_sha256: self.observed_sha256.clone(),
            paths: self.paths(),
            search: Search::new(self.paths().len(), settings)?,
        })
    }

    /// Reads a checkpoint (`text` of `file`) and checks that it belongs to this scenario and
    /// observed file and was started with `settings`.
    pub fn resume(
        &self,
        file: &str,
        text: &str,
        settings: &Settings,
    ) -> Result<Checkpoint, CheckpointError> {
        let checkpoint: Checkpoint = read_json(file, text)?;
        let foreign = |what| CheckpointError::Foreign {
            file: file.to_string(),
            what,
        };
        if checkpoint.version != VERSION {
            return Err(foreign("version of caseload"));
        }
        if checkpoint.scenario_sha256 != self.scenario_sha256 {
            return Err(foreign("scenario"));
        }
        if checkpoint.observed_sha256 != self.observed_sha256 {
            return Err(foreign("observed file"));
        }
        if checkpoint.paths != self.paths() {
            return Err(foreign("set of uncertain inputs"));
        }
        let kept = checkpoint.search.settings();
        let mut differences = Vec::new();
        let mut differ = |flag: &str, was: String, now: String| {
            if was != now {
                differences.push(format!("{flag} {was} (not {now})"));
            }
        };
        differ(
            "--population",
            kept.population.to_string(),
            settings.population.to_string(),
        );
        differ(
            "--generations",
            kept.generations.to_string(),
            settings.generations.to_string(),
        );
        differ(
            "--budget",
            kept.budget.to_string(),
            settings.budget.to_string(),
        );
        differ("--seed", kept.seed.to_string(), settings.seed.to_string());
        differ(
            "--tolerance",
            kept.final_tolerance.to_string(),
            settings.final_tolerance.to_string(),
        );
        if differences.is_empty() && kept != settings {
            differences.push("other search settings (quantile, minimum acceptance)".into());
        }
        if !differences.is_empty() {
            return Err(CheckpointError::Settings {
                file: file.to_string(),
                differences: differences.join(", "),
            });
        }
        Ok(checkpoint)
    }

    /// Simulates shard `shard`'s part of the checkpoint's next batch (`checkpoint_sha256` is the
    /// SHA-256 of its text). `None` once the search has finished.
    pub fn simulate_shard(
        &self,
        checkpoint: &Checkpoint,
        checkpoint_sha256: &str,
        shard: Shard,
    ) -> Option<ShardFile> {
        let search = &checkpoint.search;
        let batch = search.batch()?;
        let seed = search.settings().seed;
        let simulate = |theta: &[f64], r: u64| self.simulate(theta, seed, r);
        let rows = simulate_proposals(search, &self.prior(), part(batch, shard), &simulate)
            .into_iter()
            .map(|(_, rows)| rows)
            .collect();
        Some(ShardFile {
            version: VERSION.to_string(),
            checkpoint_sha256: checkpoint_sha256.to_string(),
            batch,
            shard: shard.index(),
            shards: shard.count(),
            rows,
        })
    }

    /// Reads a shard file (`text` of `file`).
    pub fn read_shard(&self, file: &str, text: &str) -> Result<ShardFile, CheckpointError> {
        read_json(file, text)
    }

    /// Puts `shards` (each with its file name), one whole batch between them, into the
    /// checkpoint (`file`, whose text has SHA-256 `checkpoint_sha256`) in proposal order.
    pub fn gather(
        &self,
        checkpoint: &mut Checkpoint,
        file: &str,
        checkpoint_sha256: &str,
        shards: Vec<(String, ShardFile)>,
    ) -> Result<Absorbed, GatherError> {
        let batch = checkpoint
            .search
            .batch()
            .ok_or_else(|| CheckpointError::Finished {
                file: file.to_string(),
            })?;
        let count = match shards.first() {
            Some((_, s)) => s.shards,
            None => {
                return Err(CheckpointError::Incomplete {
                    message: format!(
                        "no shard files to gather for generation {}, proposals {}..{}: run \
                         `caseload calibrate --shard K/N` for K = 1..N first",
                        batch.generation,
                        batch.start,
                        batch.start + batch.size as u64
                    ),
                }
                .into());
            }
        };
        let mut by_index: Vec<Option<(String, ShardFile)>> = vec![None; count as usize];
        for (name, s) in shards {
            if s.version != VERSION {
                return Err(incomplete(format!(
                    "{name} was simulated by caseload {}, not {VERSION}: rerun shard {} of {} with \
                     this version",
                    s.version, s.shard, s.shards
                )));
            }
            if s.checkpoint_sha256 != checkpoint_sha256 || s.batch != batch {
                return Err(CheckpointError::Stale {
                    file: name,
                    shard: s.shard,
                    shards: s.shards,
                }
                .into());
            }
            let Ok(shard) = Shard::new(s.shard, s.shards) else {
                return Err(incomplete(format!(
                    "{name}: no shard {}/{}",
                    s.shard, s.shards
                )));
            };
            if s.shards != count {
                return Err(incomplete(format!(
                    "the shards were run with different counts ({count} and {}, in {name}): \
                     remove the files of the count not meant and rerun any missing",
                    s.shards
                )));
            }
            let expected = part(batch, shard);
            if s.rows.len() as u64 != expected.end - expected.start {
                return Err(incomplete(format!(
                    "{name} holds {} simulations where shard {}/{} has {}",
                    s.rows.len(),
                    s.shard,
                    s.shards,
                    expected.end - expected.start
                )));
            }
            let slot = &mut by_index[s.shard as usize - 1];
            if slot.is_some() {
                return Err(incomplete(format!("shard {}/{count} twice", s.shard)));
            }
            *slot = Some((name, s));
        }
        let missing: Vec<String> = (1..=count)
            .filter(|k| by_index[*k as usize - 1].is_none())
            .map(|k| k.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(incomplete(format!(
                "shards {} of {count} are missing: run `caseload calibrate --shard K/{count}` for \
                 them, then gather again",
                missing.join(", ")
            )));
        }
        let prior = self.prior();
        let rows = by_index.into_iter().flatten().flat_map(|(_, s)| s.rows);
        let results = batch
            .proposals()
            .zip(rows)
            .map(|(k, rows)| {
                let (theta, _) = checkpoint
                    .search
                    .proposal(&prior, k)
                    .expect("a search with a batch makes proposals");
                (theta, rows)
            })
            .collect();
        Ok(checkpoint.search.absorb(&prior, &self.target(), results)?)
    }
}

/// Why shards cannot be gathered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GatherError {
    /// The checkpoint or the shard files.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The prior's simulations cannot be compared with the observations.
    #[error(transparent)]
    Abc(#[from] super::abc::AbcError),
}

fn incomplete(message: String) -> GatherError {
    CheckpointError::Incomplete { message }.into()
}

fn read_json<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, CheckpointError> {
    serde_json::from_str(text).map_err(|e| CheckpointError::Format {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        // serde_json ends its message with the place, said once already.
        message: e
            .to_string()
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_string(),
    })
}
