//! Earlier scenarios keep their meaning: scenarios frozen as they were before the delivery
//! mechanisms of issue 11 (teams, booking, absence, ...) give the results they gave then, bit for
//! bit, metric by metric.
//!
//! Each frozen scenario in `tests/frozen/` has a `.digests` file: one line per metric with a
//! SHA-256 of every value of that metric (replications, months, districts in table order, as the
//! little-endian bits of each f64). A metric whose definition was corrected on purpose is listed
//! in [`CORRECTED`], with the reason, and left out. Set `CASELOAD_FREEZE=1` to write the digest
//! files again (only ever to record a deliberate, documented change).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use caseload::load;
use caseload::replicate::{Replications, RunOptions};
use caseload::results::Results;
use sha2::{Digest, Sha256};

/// Metrics whose definitions were corrected on purpose since the freeze (docs/scenario.md lists
/// them): (metric name prefix, why).
const CORRECTED: &[(&str, &str)] = &[];

/// The frozen scenarios: file, replications, seed.
const FROZEN: &[(&str, u32, u64)] = &[
    ("birmingham_baseline.ron", 2, 1),
    ("birmingham_budget_cut.ron", 2, 7),
    ("small.ron", 4, 3),
];

fn frozen_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/frozen")
}

/// One digest per metric over every replication, month and district.
fn digests(results: &Results) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, metric) in results.metrics.iter().enumerate() {
        let mut h = Sha256::new();
        for r in 0..results.replications() {
            for m in 0..results.months.len() {
                for d in 0..results.districts.len() {
                    h.update(results.value(r, m, d, k).to_bits().to_le_bytes());
                }
            }
        }
        let hex: String = h.finalize()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        out.insert(metric.clone(), hex);
    }
    out
}

fn corrected(metric: &str) -> bool {
    CORRECTED
        .iter()
        .any(|(prefix, _)| metric.starts_with(prefix))
}

#[test]
fn frozen_scenarios_give_their_frozen_results_bit_for_bit() {
    let freeze = std::env::var_os("CASELOAD_FREEZE").is_some();
    for &(file, replications, seed) in FROZEN {
        let path = frozen_dir().join(file);
        let loaded = load::load_file(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let options = RunOptions {
            replications,
            seed,
            threads: None,
        };
        let run = Replications::from(Arc::new(loaded.model))
            .run(&options, &|| {})
            .expect("a thread pool");
        let now = digests(&run.results);
        let digest_file = path.with_extension("digests");
        if freeze {
            let text: String = now.iter().map(|(m, h)| format!("{m},{h}\n")).collect();
            std::fs::write(&digest_file, text).expect("digests written");
            continue;
        }
        let text = std::fs::read_to_string(&digest_file)
            .unwrap_or_else(|e| panic!("{}: {e}", digest_file.display()));
        let then: BTreeMap<String, String> = text
            .lines()
            .filter_map(|l| l.split_once(','))
            .map(|(m, h)| (m.to_string(), h.to_string()))
            .collect();
        let mut changed = Vec::new();
        for (metric, hash) in &then {
            if corrected(metric) {
                continue;
            }
            match now.get(metric) {
                Some(h) if h == hash => {}
                Some(_) => changed.push(format!("{metric}: values changed")),
                None => changed.push(format!("{metric}: no longer recorded")),
            }
        }
        assert!(
            changed.is_empty(),
            "{file} (seed {seed}, {replications} replications) no longer gives its frozen results:\n{}",
            changed.join("\n")
        );
    }
}
