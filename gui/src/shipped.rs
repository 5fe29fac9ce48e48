//! The scenarios of `scenarios/`, embedded so the app offers them wherever it runs: Birmingham's,
//! and the external checks (Scotland 2014-2018, England 2015-2023) of docs/validation.md. Only the
//! generated national scenario is left out: a replication of it takes seconds, not a fraction of
//! one. Overlays find their bases among the embedded files, as they would beside each other on disk.

use std::path::Path;
use std::sync::OnceLock;

use caseload::load::{self, LoadError, Loaded};
use caseload::locate::{self, FieldPath};

/// An embedded scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shipped {
    /// Its file name in `scenarios/`.
    pub file: &'static str,
    /// Its text.
    pub text: &'static str,
}

macro_rules! shipped {
    ($($file:literal),* $(,)?) => {
        &[$(Shipped { file: $file, text: include_str!(concat!("../../scenarios/", $file)) }),*]
    };
}

/// Every embedded scenario, the default (the baseline) first.
pub const SHIPPED: &[Shipped] = shipped!(
    "birmingham_baseline.ron",
    "birmingham_recruitment_plan.ron",
    "birmingham_fixed_staff.ron",
    "birmingham_budget_cut.ron",
    "birmingham_budget_cut_shrink_intake.ron",
    "birmingham_budget_cut_cut_establishment.ron",
    "birmingham_volunteers.ron",
    "birmingham_skill_mix.ron",
    "birmingham_mutual_aid.ron",
    "birmingham_calibration_prior.ron",
    "scotland_health_visiting_2014_2018.ron",
    "scotland_health_visiting_2014_2018_registration.ron",
    "scotland_calibration_prior.ron",
    "england_2015_2023.ron",
    "england_2015_2023_hv_only.ron",
    "england_2015_2023_triage.ron",
);

/// The scenario's title (its `name` field), or its file name if it has none.
pub fn title(s: &Shipped) -> &'static str {
    static TITLES: OnceLock<Vec<String>> = OnceLock::new();
    let titles = TITLES.get_or_init(|| {
        let name = FieldPath::root().field("name");
        SHIPPED
            .iter()
            .map(|s| {
                locate::string_at(s.text, &name).map_or_else(|| s.file.to_string(), |(n, _)| n)
            })
            .collect()
    });
    SHIPPED
        .iter()
        .position(|x| x == s)
        .and_then(|i| titles.get(i))
        .map_or(s.file, String::as_str)
}

/// Loads the embedded scenario `file` (and its embedded bases).
pub fn load(file: &str) -> Result<Loaded, LoadError> {
    load::load_with(Path::new(file), &|p: &Path| {
        SHIPPED
            .iter()
            .find(|s| Path::new(s.file) == p)
            .map(|s| s.text.to_string())
            .ok_or_else(|| "it is not one of the scenarios shipped with the app".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_scenario_loads_and_the_baseline_is_the_library_default() {
        for s in SHIPPED {
            let loaded = load(s.file).unwrap_or_else(|e| panic!("{}: {e}", s.file));
            assert!(!loaded.scenario.name.is_empty());
        }
        assert_eq!(SHIPPED[0].text, caseload::load::BASELINE);
        assert_eq!(title(&SHIPPED[0]), "Birmingham baseline (January 2019)");
    }

    /// The one scenario in `scenarios/` the app does not embed.
    const NOT_SHIPPED: &str = "national_generated.ron";

    #[test]
    fn every_scenario_in_the_folder_but_the_national_one_is_shipped() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("scenarios/")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|f| f.ends_with(".ron") && f != NOT_SHIPPED)
            .collect();
        on_disk.sort();
        let mut shipped: Vec<String> = SHIPPED.iter().map(|s| s.file.to_string()).collect();
        shipped.sort();
        assert_eq!(on_disk, shipped);
    }

    #[test]
    fn an_unknown_file_is_an_error_not_a_panic() {
        let e = load("nowhere.ron").unwrap_err().to_string();
        assert!(e.contains("nowhere.ron"), "{e}");
        assert!(e.contains("not one of the scenarios shipped"), "{e}");
    }
}
