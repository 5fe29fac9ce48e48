//! `caseload sweep SCENARIO --vary PATH=V1,V2,...`: the scenario run at every point of a grid of
//! lever values, every point with the same seed (common random numbers). Writes sweep.csv (the
//! summary of every point, tidy, one column per lever) and sweep_targets.csv (each target's chance
//! at every point); prints the key city metrics at the last month and each target's chance.

use crate::args::Execution;
use std::path::PathBuf;

use caseload::lever::{self, Lever, LeverPath};
use caseload::load::Loaded;
use caseload::metrics::Metrics;
use caseload::output::{
    self,
    tables::{self, Quoting, SummaryRow, Table, TargetRow},
};
use caseload::replicate::{RunOptions, Shard};
use caseload::results::Results;
use caseload::summary::{Stats, Summary};
use caseload::targets::{Chance, Target};
use clap::Args;
use serde::{Deserialize, Serialize};

use crate::table::{layout, percent, whole};
use crate::{Failure, built, load_scenario, print, progress_bar, replicate_loaded};

/// Arguments of `caseload sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (RON); an overlay is swept as merged with its bases.
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// A lever and its values, e.g. "districts[ladywood].staff.health_visitor=30,35,40" or
    /// "budget.changes[0].change=Percent(-10.0),Percent(-5.0)"; repeatable: several make a full
    /// grid, the last varying fastest.
    #[arg(long = "vary", value_name = "PATH=V1,V2,...", required = true)]
    pub vary: Vec<Lever>,
    /// Number of Monte Carlo replications at each point.
    #[arg(long, default_value_t = 50, value_parser = crate::args::whole_number(1, 100_000))]
    pub reps: u32,
    /// Master seed, shared by every point (common random numbers).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Directory for sweep.csv and sweep_targets.csv (created if missing).
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Threads and progress.
    #[command(flatten)]
    pub exec: Execution,
    /// A calibrated posterior.
    #[command(flatten)]
    pub fitted: crate::args::Fitted,
    /// A target whose chance to report at each point (as for `caseload run --target`);
    /// repeatable; written to sweep_targets.csv.
    #[arg(long, value_name = "TARGET")]
    pub target: Vec<Target>,
    /// Run only shard K of N of the grid points (a contiguous block, in grid order) and write
    /// their rows and sweep_shard.json, for `caseload merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
}

/// The name of a sweep shard's record.
pub(crate) const SWEEP_SHARD_JSON: &str = "sweep_shard.json";

/// What `sweep_shard.json` records: the sweep the shard belongs to and which points it ran.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SweepShardRecord {
    /// Caseload's version.
    pub version: String,
    /// Scenario path.
    pub scenario: String,
    /// SHA-256 of the scenario text, hex.
    pub scenario_sha256: String,
    /// Master seed, shared by every point.
    pub seed: u64,
    /// Replications at each point.
    pub replications: u32,
    /// The levers, as `PATH=V1,V2,...`, in the order given.
    pub levers: Vec<String>,
    /// The targets, as given (their chances are in sweep_targets.csv).
    pub targets: Vec<String>,
    /// Points of the whole grid.
    pub points: u32,
    /// K: this shard, from 1.
    pub shard: u32,
    /// N: the number of shards.
    pub shards: u32,
    /// The first grid point this shard ran (from 0, in grid order).
    pub first_point: u32,
    /// The last grid point this shard ran (inclusive).
    pub last_point: u32,
}

/// Bad input: exit 2.
fn input(e: impl Into<anyhow::Error>) -> Failure {
    Failure::Input(e.into())
}

/// The scenario with one grid point's values set, checked; its targets checked against it.
fn point(
    base: &Loaded,
    levers: &[Lever],
    values: &[String],
    targets: &[Target],
) -> Result<Loaded, Failure> {
    let settings: Vec<(&LeverPath, &str)> = levers
        .iter()
        .zip(values)
        .map(|(l, v)| (&l.path, v.as_str()))
        .collect();
    let loaded = lever::apply(base, &settings).map_err(input)?;
    let shape = Results::new(&loaded.model, &Metrics::new(&loaded.model), Vec::new());
    for t in targets {
        t.resolve(&shape).map_err(|e| {
            let at: Vec<String> = settings.iter().map(|(p, v)| format!("{p}={v}")).collect();
            input(anyhow::anyhow!("{e} (with {})", at.join(", ")))
        })?;
    }
    Ok(loaded)
}

/// A median (P10-P90) cell, or `-` when undefined.
fn spread(s: &Stats, f: &dyn Fn(f64) -> String) -> String {
    if s.n == 0 {
        return "-".into();
    }
    let (lo, mid, hi) = (s.percentiles[1], s.median(), s.percentiles[3]);
    if f(lo) == f(hi) {
        f(mid)
    } else {
        format!("{} ({}-{})", f(mid), f(lo), f(hi))
    }
}

/// A chance and its exact interval, in percent.
pub(crate) fn chance_cell(c: &Chance) -> String {
    format!(
        "{} ({}-{})",
        percent(c.probability),
        percent(c.ci95_low),
        percent(c.ci95_high)
    )
}

/// The printed cells of one point: the last month, then its key city metrics.
fn key_cells(reviews: &[String], results: &Results, summary: &Summary) -> (String, Vec<String>) {
    let Some(m) = results.months.len().checked_sub(1) else {
        return (String::new(), Vec::new());
    };
    let city = results.city();
    let at = |name: &str, f: &dyn Fn(f64) -> String| match results.metric_index(name) {
        Some(k) => spread(summary.get(m, city, k), f),
        None => "-".into(),
    };
    let mut cells = vec![
        at("caseload_per_hv_wte", &whole),
        at("hv_wte", &|x| format!("{x:.1}")),
    ];
    for r in reviews {
        let k = results.metric_index(&format!("compliance:{r}"));
        cells.push(match k {
            Some(k) if summary.get(m, city, k).n > 0 => percent(summary.get(m, city, k).median()),
            _ => "-".into(),
        });
    }
    (results.months[m].clone(), cells)
}

pub(crate) fn sweep(args: &SweepArgs) -> Result<(), Failure> {
    let base = load_scenario(Some(&args.scenario))?;
    let grid = lever::grid(&args.vary).map_err(input)?;
    let varied: Vec<String> = args.vary.iter().map(|l| l.path.to_string()).collect();
    let posterior = crate::posterior_for(&base, &args.fitted, &varied)?;
    let mut scenario_values = Vec::new();
    for l in &args.vary {
        let now = lever::current(&base, &l.path).map_err(input)?;
        scenario_values.push(now.unwrap_or_else(|| "left to its default".into()));
    }
    // Every point is set up and checked before anything runs.
    let points = grid
        .iter()
        .map(|values| point(&base, &args.vary, values, &args.target))
        .collect::<Result<Vec<_>, _>>()?;
    // The points this process runs: all of them, or the shard's contiguous block.
    let total_points = u32::try_from(points.len()).map_err(|e| Failure::Other(e.into()))?;
    let block = match args.shard {
        Some(shard) if shard.count() > total_points => {
            return Err(input(anyhow::anyhow!(
                "--shard {shard}: {} shards for {total_points} grid points; use at most \
                 {total_points} shards",
                shard.count()
            )));
        }
        Some(shard) => shard.replications(total_points),
        None => 0..total_points,
    };
    let (skip, take) = (block.start as usize, block.len());
    let mut names = vec!["sweep.csv"];
    if !args.target.is_empty() {
        names.push("sweep_targets.csv");
    }
    if args.shard.is_some() {
        names.push(SWEEP_SHARD_JSON);
    }
    let _prepared = crate::prepare(Some(&args.out), &names, &[])?;
    let options = RunOptions {
        replications: args.reps,
        seed: args.seed,
        threads: args.exec.threads,
    };
    let paths: Vec<String> = args.vary.iter().map(|l| l.path.to_string()).collect();
    let mut sweep_csv = Table::new::<SummaryRow>(Vec::new(), Quoting::Needed, &paths)
        .map_err(built("sweep.csv"))?;
    let mut targets_csv = Table::new::<TargetRow>(Vec::new(), Quoting::Needed, &paths)
        .map_err(built("sweep_targets.csv"))?;

    // Compliance columns: the first point's reviews (a lever may change the list).
    let reviews: Vec<String> = points
        .first()
        .map(|p| p.model.reviews.iter().map(|r| r.id.clone()).collect())
        .unwrap_or_default();
    let total = take as u64 * u64::from(args.reps);
    let bar = progress_bar(total, "sweep", args.exec.quiet);
    let mut rows = Vec::with_capacity(points.len());
    let mut name = String::new();
    let chosen = grid.iter().zip(points).skip(skip).take(take);
    for (values, loaded) in chosen {
        let run = replicate_loaded(loaded, &options, &bar, posterior.as_ref())?;
        name.clone_from(&run.model.name);
        let summary = Summary::new(&run.results);
        for row in tables::summary_rows(&run.results, &summary) {
            sweep_csv.row(values, &row).map_err(built("sweep.csv"))?;
        }
        let (month, mut cells) = key_cells(&reviews, &run.results, &summary);
        for t in &args.target {
            let c = t.chance(&run.results).map_err(input)?;
            targets_csv
                .row(values, &TargetRow::new(t, &c))
                .map_err(built("sweep_targets.csv"))?;
            cells.push(chance_cell(&c));
        }
        rows.push((values.clone(), month, cells));
    }
    bar.finish_and_clear();

    let text = |table: Table<Vec<u8>>, name| {
        let bytes = table.finish().map_err(built(name))?;
        String::from_utf8(bytes).map_err(|e| Failure::Other(e.into()))
    };
    let mut files = vec![("sweep.csv", text(sweep_csv, "sweep.csv")?)];
    if !args.target.is_empty() {
        files.push(("sweep_targets.csv", text(targets_csv, "sweep_targets.csv")?));
    }
    if let Some(shard) = args.shard {
        let record = SweepShardRecord {
            version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: base.source.clone(),
            scenario_sha256: output::sha256_hex(&base.text),
            seed: args.seed,
            replications: args.reps,
            levers: args.vary.iter().map(ToString::to_string).collect(),
            targets: args.target.iter().map(ToString::to_string).collect(),
            points: total_points,
            shard: shard.index(),
            shards: shard.count(),
            first_point: block.start,
            last_point: block.end - 1,
        };
        let json = serde_json::to_string_pretty(&record).map_err(|e| Failure::Other(e.into()))?;
        files.push((SWEEP_SHARD_JSON, format!("{json}\n")));
    }
    let written = output::write_files(&args.out, &files).map_err(crate::not_written(format!(
        "cannot write the sweep to {}",
        args.out.display()
    )))?;

    let mut text = format!(
        "{name}: sweep of {} point{}, {} replications each, seed {}, common random numbers.\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        args.reps,
        args.seed
    );
    if let Some(shard) = args.shard {
        text.push_str(&format!(
            "Shard {shard}: grid points {}-{} of {total_points} (numbered from 0); put the shards \
             together with `caseload merge`.\n",
            block.start,
            block.end - 1
        ));
    }
    for (l, now) in args.vary.iter().zip(&scenario_values) {
        text.push_str(&format!(
            "  {}: {} (the scenario: {now})\n",
            l.path,
            l.values.join(", ")
        ));
    }
    text.push_str(&table(&paths, &reviews, &args.target, &rows));
    text.push_str(&format!("\nWrote {}.\n", crate::listed(&written)));
    print(&text)
}

/// One printed row: lever values, last month, cells.
type Row = (Vec<String>, String, Vec<String>);

/// The printed table: one row per point.
fn table(paths: &[String], reviews: &[String], targets: &[Target], rows: &[Row]) -> String {
    let months: Vec<&String> = rows.iter().map(|r| &r.1).collect();
    let same_month = months.windows(2).all(|w| w[0] == w[1]);
    let mut header = paths.to_vec();
    if !same_month {
        header.push("month".into());
    }
    header.extend(["caseload per HV WTE".to_string(), "HV WTE".into()]);
    header.extend(reviews.iter().map(|r| format!("compliance: {r}")));
    header.extend(targets.iter().map(|t| format!("chance: {t}")));
    let body = rows
        .iter()
        .map(|(values, month, cells)| {
            let mut row = values.clone();
            if !same_month {
                row.push(month.clone());
            }
            row.extend(cells.iter().cloned());
            row
        })
        .collect();
    let when = if same_month {
        format!(" at {}", months.first().map_or("", |m| m.as_str()))
    } else {
        " at each point's last month".into()
    };
    format!(
        "City{when}: median (P10-P90) across replications; chances with their exact 95% interval.\n\n{}",
        layout(header, body)
    )
}
