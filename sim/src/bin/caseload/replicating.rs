//! A scenario's replications for every command that runs them: `--posterior` read and checked
//! against the scenario, the replications made and run with a progress bar, and what run.json
//! records of them.

use std::sync::Arc;
use std::time::Instant;

use caseload::calibration::Posterior;
use caseload::load::{self, Loaded};
use caseload::output::{self, PosteriorRecord, RunRecord};
use caseload::replicate::{self, Replications, Run, RunOptions};
use caseload::uncertainty;
use indicatif::ProgressBar;

use crate::Failure;
use crate::args::Fitted;

/// One scenario's replications, with what run.json records about them.
pub(crate) struct Completed {
    pub model: Arc<caseload::model::Model>,
    pub results: caseload::results::Results,
    pub record: RunRecord,
    /// Each replication's draws of the scenario's uncertain values, if it has any.
    pub draws: Option<Vec<uncertainty::Draws>>,
    /// What the replications did.
    pub stats: caseload::engine::Stats,
}

/// A calibrated posterior read for a run, with what run.json records of it.
pub(crate) struct UsedPosterior {
    /// The particles.
    pub posterior: Posterior,
    /// Its file and hash.
    pub record: PosteriorRecord,
}

/// Reads `--posterior`, if given: a missing or damaged file is bad input (exit 2).
pub(crate) fn load_posterior(fitted: &Fitted) -> Result<Option<UsedPosterior>, Failure> {
    let Some(path) = &fitted.posterior else {
        return Ok(None);
    };
    let file = path.display().to_string();
    let text = load::read_text(path)
        .map_err(|e| Failure::Input(anyhow::anyhow!("cannot read {file}: {e}")))?;
    let posterior = Posterior::parse(&file, &text).map_err(|e| Failure::Input(e.into()))?;
    Ok(Some(UsedPosterior {
        posterior,
        record: PosteriorRecord {
            sha256: output::sha256_hex(&text),
            file,
        },
    }))
}

/// Reads `--posterior` for the scenario `base` before anything runs: every path in it must name a
/// number `base` writes, and none may be one of `varied` (a lever being swept or sought).
pub(crate) fn posterior_for(
    base: &Loaded,
    fitted: &Fitted,
    varied: &[String],
) -> Result<Option<UsedPosterior>, Failure> {
    let posterior = load_posterior(fitted)?;
    if let Some(p) = &posterior {
        replications_of(base, Some(p))?;
        // Compared as paths, however each is spelt.
        let normal = |path: &str| {
            path.parse::<caseload::lever::LeverPath>()
                .map_or(path.to_string(), |p| p.to_string())
        };
        let varied: Vec<String> = varied.iter().map(|v| normal(v)).collect();
        if let Some(both) = p
            .posterior
            .paths
            .iter()
            .find(|path| varied.contains(&normal(path)))
        {
            return Err(Failure::Input(anyhow::anyhow!(
                "--posterior {}: {both} is varied and also drawn from the posterior; vary another \
                 lever or leave the posterior out",
                p.record.file
            )));
        }
    }
    Ok(posterior)
}

/// The replications of `loaded`, their uncertain values drawn from `posterior` where it covers
/// them; a path the scenario does not write is bad input.
pub(crate) fn replications_of(
    loaded: &Loaded,
    posterior: Option<&UsedPosterior>,
) -> Result<Replications, Failure> {
    Replications::of_with(loaded, posterior.map(|p| &p.posterior)).map_err(|e| {
        // A problem with one of the posterior's paths is named as the posterior's.
        let message = e.to_string();
        Failure::Input(match posterior {
            Some(p)
                if p.posterior
                    .paths
                    .iter()
                    .any(|path| message.contains(path.as_str())) =>
            {
                anyhow::anyhow!("--posterior {}: {message}", p.record.file)
            }
            _ => e.into(),
        })
    })
}

/// Runs a loaded scenario's replications with a progress bar, drawing its uncertain values
/// afresh for each replication if it has any (from `posterior` where it covers them).
pub(crate) fn replicate_loaded(
    loaded: Loaded,
    options: &RunOptions,
    bar: &ProgressBar,
    posterior: Option<&UsedPosterior>,
) -> Result<Completed, Failure> {
    let started = Instant::now();
    let replications = replications_of(&loaded, posterior)?;
    let run = replications
        .run(options, &|| bar.inc(1))
        .map_err(|e| Failure::Other(e.into()))?;
    Ok(completed(
        &loaded,
        &replications,
        run,
        options,
        started,
        posterior,
    ))
}

/// As [`replicate_loaded`], the values kept on disk ([`caseload::spill`]); the run's results
/// hold the table's shape only.
pub(crate) fn replicate_spilled(
    loaded: Loaded,
    options: &RunOptions,
    bar: &ProgressBar,
    posterior: Option<&UsedPosterior>,
) -> Result<(Completed, caseload::spill::Spill), Failure> {
    let started = Instant::now();
    let replications = replications_of(&loaded, posterior)?;
    let (run, spill) = replications
        .run_spilled(options, &|| bar.inc(1))
        .map_err(|e| Failure::Other(e.into()))?;
    let done = completed(&loaded, &replications, run, options, started, posterior);
    Ok((done, spill))
}

/// A finished run of `loaded` with what run.json records about it.
pub(crate) fn completed(
    loaded: &Loaded,
    replications: &Replications,
    run: Run,
    options: &RunOptions,
    started: Instant,
    posterior: Option<&UsedPosterior>,
) -> Completed {
    let model = Arc::new(replications.model().clone());
    let results = run.results;
    let record = RunRecord {
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: loaded.source.clone(),
        scenario_name: model.name.clone(),
        scenario_description: loaded.scenario.description.clone(),
        scenario_sha256: output::sha256_hex(&loaded.text),
        seed: options.seed,
        replications: options.replications,
        threads: replicate::worker_threads(options),
        wall_seconds: started.elapsed().as_secs_f64(),
        months: [
            results.months.first().cloned().unwrap_or_default(),
            results.months.last().cloned().unwrap_or_default(),
        ],
        posterior: posterior.map(|p| p.record.clone()),
    };
    Completed {
        model,
        results,
        record,
        draws: run.draws,
        stats: run.stats,
    }
}
