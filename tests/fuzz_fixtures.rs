//! The fuzzer's shared, read-only inputs, built once for every case: the shipped scenarios, a
//! small generated scenario with every section, the recruitment plan (an overlay with workforce
//! sections) and a small run's results.

use std::sync::{Arc, OnceLock};

use caseload::load::{self, Loaded};
use caseload::output::{self, RunRecord};
use caseload::replicate::{Replications, RunOptions};
use caseload::results::Results;
use caseload::summary::Summary;

use crate::common::{district, map, scenario, scenarios_dir};
use crate::fuzz_gen::{self, Gen, Mode, Size};

/// Shared, read-only inputs built once.
pub struct Fixtures {
    /// The shipped scenario files: (file name, text).
    pub shipped: Vec<(String, String)>,
    /// A small scenario with every section, valid, as RON.
    pub rich_text: String,
    /// It, loaded.
    pub rich: Loaded,
    /// The recruitment plan, merged and loaded (an overlay with workforce sections).
    pub plan: Loaded,
    /// A small run's results and its `results.csv`.
    pub results: Results,
    pub results_csv: String,
}

/// A generated scenario that loads and has every optional section, found by trying seeds in turn.
fn rich_scenario() -> (String, Loaded) {
    for seed in 0.. {
        let s = fuzz_gen::scenario(&mut Gen::new(seed), Mode::Valid, Size::SMALL);
        let every = !s.pipelines.is_empty()
            && !s.skill_mix_changes.is_empty()
            && s.universal_support.is_some()
            && s.volunteers.is_some()
            && s.budget.is_some()
            && s.mutual_aid
                .as_ref()
                .is_some_and(|m| !m.secondments.is_empty())
            && s.uncertain.is_empty()
            && s.reviews.len() > 1
            && s.districts.len() > 1;
        if !every {
            continue;
        }
        let text = load::to_ron(&s).expect("serialises");
        if let Ok(loaded) = load::load_str("rich.ron", &text) {
            return (text, loaded);
        }
    }
    unreachable!("some seed gives a rich scenario")
}

pub fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let mut shipped: Vec<(String, String)> = std::fs::read_dir(scenarios_dir())
            .expect("the scenarios folder")
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "ron"))
            .map(|p| {
                let name = p
                    .file_name()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned();
                (name, std::fs::read_to_string(&p).expect("readable"))
            })
            .collect();
        shipped.sort();
        let (rich_text, rich) = rich_scenario();
        let plan = load::load_file(&scenarios_dir().join("birmingham_recruitment_plan.ron"))
            .expect("the recruitment plan loads");
        let (results, results_csv) = small_results();
        Fixtures {
            shipped,
            rich_text,
            rich,
            plan,
            results,
            results_csv,
        }
    })
}

/// Two replications of a two-district, two-month scenario, and their `results.csv`.
fn small_results() -> (Results, String) {
    let mut s = scenario(
        2,
        vec![],
        vec![
            district("north", 20, 30.0, &[("hv", 1.0)]),
            district("south", 10, 20.0, &[("hv", 0.5)]),
        ],
    );
    s.districts[0].migration.moves = map(&[("south", 0.1)]);
    let loaded = load::load_str("small.ron", &load::to_ron(&s).expect("serialises"))
        .expect("the small scenario loads");
    let options = RunOptions {
        replications: 2,
        seed: 3,
        threads: None,
    };
    let results = Replications::from(Arc::new(loaded.model))
        .run(&options, &|| {})
        .expect("runs")
        .results;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let record = RunRecord {
        version: "fuzz".into(),
        scenario: "small.ron".into(),
        scenario_name: s.name.clone(),
        scenario_description: String::new(),
        scenario_sha256: String::new(),
        seed: 3,
        replications: 2,
        threads: 1,
        wall_seconds: 0.0,
        months: ["".into(), "".into()],
        posterior: None,
    };
    let summary = Summary::new(&results);
    output::write_run(
        dir.path(),
        output::Tables::CSV,
        (&results, &summary),
        &record,
        &[],
        &[],
    )
    .expect("written");
    let csv = std::fs::read_to_string(dir.path().join("results.csv")).expect("readable");
    (results, csv)
}
