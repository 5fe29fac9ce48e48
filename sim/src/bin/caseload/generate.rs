//! `caseload generate`: writes generated scenarios. The scenario itself is built by the library
//! (`caseload::national`); this module checks it loads and writes it whole, or prints it.

use std::path::PathBuf;

use anyhow::Context;
use caseload::{load, national, output};
use clap::builder::TypedValueParser;
use clap::{Args, Subcommand};

use crate::{Failure, print};

/// Arguments of `caseload generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Which scenario to generate.
    #[command(subcommand)]
    pub what: Generated,
}

/// The scenarios `caseload generate` can write.
#[derive(Debug, Subcommand)]
pub enum Generated {
    /// A synthetic national-scale scenario (England's size: 3.2 million children under five,
    /// 7,000 HV WTE) built from the Birmingham baseline's rates, the same every time: for
    /// benchmarks, not a forecast of real areas.
    National {
        /// Number of areas the national totals are spread over.
        #[arg(long, default_value_t = national::AREAS,
              value_parser = crate::args::whole_number(1, 2000).map(|n| n as usize))]
        areas: usize,
        /// The scenario file to write (whole or not at all; its folder is created if missing);
        /// standard output when left out.
        #[arg(long, value_name = "FILE.ron")]
        out: Option<PathBuf>,
    },
}

/// `caseload generate`.
pub(crate) fn generate(args: &GenerateArgs) -> Result<(), Failure> {
    let Generated::National { areas, out } = &args.what;
    let text = national::ron(*areas).map_err(|e| match e {
        national::NationalError::Areas(_) => Failure::Input(e.into()),
        _ => Failure::Other(e.into()),
    })?;
    // What is written must load: a generator defect is caught here, not by the user's next run.
    load::load_str("generated national scenario", &text)
        .context("the generated scenario does not load (a defect in caseload)")
        .map_err(Failure::Other)?;
    let Some(path) = out else {
        return print(&text);
    };
    let label = format!("--out {}:", path.display());
    let (dir, name) = crate::report::folder_and_name(path, &label, "national.ron")?;
    output::write_files(&dir, &[(name.as_str(), text)]).map_err(crate::not_written(format!(
        "cannot write {}",
        path.display()
    )))?;
    print(&format!(
        "Wrote {} ({areas} areas).\n",
        dir.join(&name).display()
    ))
}
