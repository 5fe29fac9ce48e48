//! Calibration to observed history (`caseload calibrate`): the scenario's `uncertain` section is
//! the prior, an observed CSV ([`observed`]) the data, and ABC-SMC ([`abc`]) finds the posterior
//! over the uncertain inputs with the engine as the simulator, one replication per proposal.

pub mod abc;
mod checkpoint;
mod exact;
pub mod observed;
pub mod report;
pub mod search;

use std::sync::Arc;

use serde::Serialize;

use crate::engine;
use crate::lever::LeverError;
use crate::load::Loaded;
use crate::metrics::Metrics;
use crate::output::sha256_hex;
use crate::replicate::{Replications, RunOptions};
use crate::results::Results;
use crate::uncertainty::{self, Uncertain};

pub use crate::run::posterior::{Posterior, PosteriorError};
pub use abc::Settings;
pub use checkpoint::{Checkpoint, CheckpointError, GatherError, ShardFile};
pub use observed::{Observed, ObservedError};
pub use search::{Fit, Progress, Search, Stop};

/// Why a calibration cannot start.
#[derive(Debug, thiserror::Error)]
pub enum CalibrationError {
    /// The scenario has no `uncertain` section: there is nothing to fit.
    #[error(
        "the scenario has no `uncertain` section: calibration fits the uncertain inputs, and their \
         distributions are its prior (docs/calibration.md)"
    )]
    NoPrior,
    /// An uncertain value cannot be set (docs/scenario.md, uncertain values).
    #[error(transparent)]
    Lever(#[from] LeverError),
    /// The observed file does not fit the scenario.
    #[error(transparent)]
    Observed(#[from] ObservedError),
    /// The search cannot start.
    #[error(transparent)]
    Abc(#[from] abc::AbcError),
    /// The posterior predictive replications cannot run.
    #[error(transparent)]
    Run(#[from] crate::replicate::RunError),
}

/// A scenario and its observed history, checked and ready to fit.
pub struct Calibration {
    uncertain: Uncertain,
    observed: Observed,
    metrics: Arc<Metrics>,
    scenario_sha256: String,
    observed_sha256: String,
}

impl Calibration {
    /// Checks `loaded`'s prior and the observed CSV `text` (named `file` in messages) against it.
    pub fn new(loaded: &Loaded, file: &str, text: &str) -> Result<Calibration, CalibrationError> {
        let uncertain = uncertainty::prepare(loaded)?.ok_or(CalibrationError::NoPrior)?;
        let metrics = Metrics::new(&uncertain.base().model);
        let observed = Observed::parse(file, text, &uncertain.base().model, &metrics)?;
        Ok(Calibration {
            uncertain,
            observed,
            metrics: Arc::new(metrics),
            scenario_sha256: sha256_hex(&loaded.text),
            observed_sha256: sha256_hex(text),
        })
    }

    /// The uncertain inputs' paths, in scenario order.
    pub fn paths(&self) -> Vec<String> {
        self.uncertain.paths()
    }

    /// The checked observations.
    pub fn observed(&self) -> &Observed {
        &self.observed
    }

    /// Checks observations held out of the fit (the observed CSV format, `text` named `file`),
    /// against the same scenario.
    pub fn holdout(&self, file: &str, text: &str) -> Result<Observed, ObservedError> {
        Observed::parse(file, text, &self.uncertain.base().model, &self.metrics)
    }

    /// The metrics of the scenario.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The prior of each uncertain input, in path order.
    pub fn priors(&self) -> Vec<crate::scenario::Distribution> {
        self.uncertain.distributions()
    }

    /// The fit's posterior, as `run --posterior` reads it back.
    pub fn posterior(&self, fit: &Fit) -> Option<Posterior> {
        let last = fit.posterior();
        Posterior::weighted(self.paths(), last.particles.clone(), &last.weights)
    }

    /// `options.replications` replications of the scenario with inputs drawn from the fit's
    /// posterior: the posterior predictive the report compares with the observations.
    pub fn predictive(&self, fit: &Fit, options: &RunOptions) -> Result<Results, CalibrationError> {
        let posterior = self.posterior(fit).ok_or(abc::AbcError::Empty)?;
        let replications = Replications::of_with(self.uncertain.base(), Some(&posterior))?;
        Ok(replications.run(options, &|| {})?.results)
    }

    /// Each observed row's value in one replication run with the inputs `theta` (`None` if those
    /// inputs do not make a valid scenario, which the search treats as a rejection).
    pub fn simulate(&self, theta: &[f64], seed: u64, replication: u64) -> Option<Vec<f64>> {
        let (_, model) = self.uncertain.with_values(theta).ok()?;
        let model = Arc::new(model);
        let (raw, _) = engine::simulate(&model, &self.metrics, seed, replication);
        let results = Results::new(&model, &self.metrics, vec![raw]);
        Some(self.observed.simulated(&results, &self.metrics, 0))
    }

    /// Runs ABC-SMC on the caller's thread pool.
    pub fn fit(
        &self,
        settings: &Settings,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Fit, CalibrationError> {
        let simulate = |theta: &[f64], r: u64| self.simulate(theta, settings.seed, r);
        Ok(search::run(
            &self.prior(),
            &self.target(),
            settings,
            simulate,
            progress,
        )?)
    }

    fn prior(&self) -> abc::Prior {
        abc::Prior {
            distributions: self.uncertain.distributions(),
        }
    }

    fn target(&self) -> abc::Target {
        let rows = &self.observed.rows;
        abc::Target {
            values: rows.iter().map(|r| r.value).collect(),
            sds: rows.iter().map(|r| r.sd).collect(),
            weights: rows.iter().map(|r| r.weight).collect(),
        }
    }

    /// posterior.csv: one row per particle of the last generation, its weight and its inputs.
    pub fn posterior_csv(&self, fit: &Fit) -> String {
        let paths = self.paths();
        let mut out = String::from("particle,weight");
        for p in &paths {
            out.push(',');
            out.push_str(&csv_field(p));
        }
        out.push('\n');
        let post = fit.posterior();
        for (i, (theta, w)) in post.particles.iter().zip(&post.weights).enumerate() {
            out.push_str(&format!("{i},{w}"));
            for x in theta {
                out.push_str(&format!(",{x}"));
            }
            out.push('\n');
        }
        out
    }

    /// calibration.json: how the search went, and what it was run on.
    pub fn record(&self, fit: &Fit, settings: &Settings) -> Record {
        Record {
            scenario_sha256: self.scenario_sha256.clone(),
            observed_sha256: self.observed_sha256.clone(),
            seed: settings.seed,
            population: settings.population,
            budget: settings.budget,
            quantile: settings.quantile,
            simulations: fit.simulations,
            stop: fit.stop.name(),
            paths: self.paths(),
            rows: self
                .observed
                .rows
                .iter()
                .zip(&fit.scales)
                .map(|(r, &scale)| RowRecord {
                    line: r.line,
                    row: r.label.clone(),
                    value: r.value,
                    scale,
                    weight: r.weight,
                })
                .collect(),
            generations: fit
                .generations
                .iter()
                .map(|g| GenerationRecord {
                    tolerance: g.tolerance.is_finite().then_some(g.tolerance),
                    simulations: g.simulations,
                    acceptance_rate: g.acceptance_rate(),
                    effective_sample_size: g.effective_sample_size(),
                })
                .collect(),
        }
    }
}

/// A CSV field, quoted when it holds a comma or a quote.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// calibration.json.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// SHA-256 of the scenario text run (merged, for an overlay).
    pub scenario_sha256: String,
    /// SHA-256 of the observed file.
    pub observed_sha256: String,
    /// Master seed.
    pub seed: u64,
    /// Particles per generation.
    pub population: usize,
    /// The simulation budget.
    pub budget: usize,
    /// The quantile of accepted distances that sets each next tolerance.
    pub quantile: f64,
    /// Simulations run in all.
    pub simulations: usize,
    /// Why the search stopped: generations, tolerance, budget or acceptance.
    pub stop: &'static str,
    /// The uncertain inputs, in posterior.csv's column order.
    pub paths: Vec<String>,
    /// Each observed row, with its scale in the distance.
    pub rows: Vec<RowRecord>,
    /// Each generation, from the prior's.
    pub generations: Vec<GenerationRecord>,
}

/// An observed row as the distance used it.
#[derive(Debug, Clone, Serialize)]
pub struct RowRecord {
    /// Its line in the observed file.
    pub line: usize,
    /// `metric month district`.
    pub row: String,
    /// The observed value.
    pub value: f64,
    /// The scale its error is divided by: its own sd, or the prior simulations' spread.
    pub scale: f64,
    /// Its weight.
    pub weight: f64,
}

/// One generation of the search.
#[derive(Debug, Clone, Serialize)]
pub struct GenerationRecord {
    /// The tolerance its particles met (none for generation 0, the prior).
    pub tolerance: Option<f64>,
    /// Simulations run for it.
    pub simulations: usize,
    /// Accepted particles over simulations.
    pub acceptance_rate: f64,
    /// Effective sample size of its weights.
    pub effective_sample_size: f64,
}
