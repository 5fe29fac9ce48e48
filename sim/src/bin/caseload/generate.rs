//! `caseload generate`: writes generated files. The scenario and the reference are built by the
//! library (`caseload::national`, `caseload::scenario::reference`); this module checks a generated
//! scenario loads and writes each whole, or prints it.

use std::path::{Path, PathBuf};

use anyhow::Context;
use caseload::{load, national, output};
use clap::builder::TypedValueParser;
use clap::{Args, Subcommand};

use crate::{Failure, print};

/// Arguments of `caseload generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What to generate.
    #[command(subcommand)]
    pub what: Generated,
}

/// What `caseload generate` can write.
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
    /// The field-by-field scenario reference in Markdown, from the scenario types' doc comments:
    /// every record, its fields, their types, defaults and meaning.
    Reference {
        /// The Markdown file to write (whole or not at all); standard output when left out.
        #[arg(long, value_name = "FILE.md")]
        out: Option<PathBuf>,
    },
}

/// `caseload generate`.
pub(crate) fn generate(args: &GenerateArgs) -> Result<(), Failure> {
    let (areas, out) = match &args.what {
        Generated::National { areas, out } => (areas, out),
        Generated::Reference { out } => {
            let text = caseload::scenario::reference::markdown();
            return write_or_print(out.as_deref(), "reference.md", text, "");
        }
    };
    let text = national::ron(*areas).map_err(|e| match e {
        national::NationalError::Areas(_) => Failure::Input(e.into()),
        _ => Failure::Other(e.into()),
    })?;
    // What is written must load: a generator defect is caught here, not by the user's next run.
    load::load_str("generated national scenario", &text)
        .context("the generated scenario does not load (a defect in caseload)")
        .map_err(Failure::Other)?;
    write_or_print(
        out.as_deref(),
        "national.ron",
        text,
        &format!(" ({areas} areas)"),
    )
}

/// Writes `text` to the file `out` (whole or not at all; a folder is refused, naming
/// `default_name` as an example), saying so with `note`, or prints it when there is no `out`.
fn write_or_print(
    out: Option<&Path>,
    default_name: &str,
    text: String,
    note: &str,
) -> Result<(), Failure> {
    let Some(path) = out else {
        return print(&text);
    };
    let label = format!("--out {}:", path.display());
    let (dir, name) = crate::report::folder_and_name(path, &label, default_name)?;
    output::write_files(&dir, &[(name.as_str(), text)]).map_err(crate::not_written(format!(
        "cannot write {}",
        path.display()
    )))?;
    print(&format!("Wrote {}{note}.\n", dir.join(&name).display()))
}
