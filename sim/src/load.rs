//! Reading a scenario: text to [`Scenario`] (RON), then to [`Model`] (validation), with every error
//! located at `file:line:col` and named by its field.

use std::fmt;
use std::path::Path;

use ron::extensions::Extensions;

use ron::error::Position;

use crate::locate::{self, FieldPath, locate};
use crate::model::Model;
use crate::scenario::Scenario;
use crate::validate::validate;

/// File name of the embedded default scenario.
pub const BASELINE_NAME: &str = "birmingham_baseline.ron";

/// The embedded default scenario: Birmingham, January 2019.
pub const BASELINE: &str = include_str!("../../scenarios/birmingham_baseline.ron");

/// Largest scenario file read, in bytes: far above any real scenario, far below harm.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A scenario read and validated.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Where it came from: a path, or the embedded file's name.
    pub source: String,
    /// The text as read.
    pub text: String,
    /// The parsed scenario.
    pub scenario: Scenario,
    /// The validated model.
    pub model: Model,
}

/// One semantic problem, with where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct LocatedProblem {
    /// The field path.
    pub field: FieldPath,
    /// Line and column of the field's value, or of its nearest written ancestor.
    pub position: Option<locate::Position>,
    /// What is wrong and what was expected.
    pub message: String,
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{path}: cannot read the scenario: {reason}")]
    Read {
        /// The path.
        path: String,
        /// The cause, in words.
        reason: String,
    },
    /// The text is not a well-formed scenario (RON syntax or a value of the wrong type).
    #[error("{path}:{line}:{col}: {message}")]
    Syntax {
        /// The path.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// What the parser expected.
        message: String,
    },
    /// The scenario parsed but is inconsistent; every problem is listed.
    #[error("{}", invalid_message(path, problems))]
    Invalid {
        /// The path.
        path: String,
        /// Every problem found.
        problems: Vec<LocatedProblem>,
    },
}

fn invalid_message(path: &str, problems: &[LocatedProblem]) -> String {
    let mut lines = Vec::with_capacity(problems.len() + 1);
    for p in problems {
        lines.push(match p.position {
            Some(pos) => format!(
                "{path}:{}:{}: {}: {}",
                pos.line, pos.col, p.field, p.message
            ),
            None => format!("{path}: {}: {}", p.field, p.message),
        });
    }
    let n = problems.len();
    lines.push(format!(
        "{path}: {n} problem{} found; the scenario was not run",
        if n == 1 { "" } else { "s" }
    ));
    lines.join("\n")
}

impl fmt::Display for LocatedProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(f, "{}:{}: {}: {}", p.line, p.col, self.field, self.message),
            None => write!(f, "{}: {}", self.field, self.message),
        }
    }
}

/// Reads, parses and validates the scenario file at `path`.
pub fn load_file(path: &Path) -> Result<Loaded, LoadError> {
    let shown = path.display().to_string();
    let read_error = |reason: String| LoadError::Read {
        path: shown.clone(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| read_error(e.to_string()))?;
    if meta.is_dir() {
        return Err(read_error("it is a directory, not a scenario file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(read_error(format!(
            "it is {} bytes; scenarios are at most {MAX_FILE_BYTES} bytes",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| read_error(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        read_error(format!(
            "it is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    load_str(&shown, &text)
}

/// Parses and validates scenario text; `source` names it in messages.
pub fn load_str(source: &str, text: &str) -> Result<Loaded, LoadError> {
    let scenario = parse(source, text)?;
    let model = validate(&scenario).map_err(|problems| {
        let mut problems: Vec<LocatedProblem> = problems
            .into_iter()
            .map(|p| LocatedProblem {
                position: locate(text, &p.field),
                field: p.field,
                message: p.message,
            })
            .collect();
        // In file order, as a reader goes through the file; unlocated problems last.
        problems.sort_by_key(|p| p.position.map_or((usize::MAX, 0), |q| (q.line, q.col)));
        LoadError::Invalid {
            path: source.to_string(),
            problems,
        }
    })?;
    Ok(Loaded {
        source: source.to_string(),
        text: text.to_string(),
        scenario,
        model,
    })
}

/// The embedded Birmingham baseline.
pub fn baseline() -> Result<Loaded, LoadError> {
    load_str(BASELINE_NAME, BASELINE)
}

/// RON options: `Some(..)` may be left implicit (`target: 0.9`).
fn options() -> ron::Options {
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

/// Parses scenario text without validating it.
pub fn parse(source: &str, text: &str) -> Result<Scenario, LoadError> {
    options().from_str::<Scenario>(text).map_err(|e| {
        // RON's span starts where the previous token ended; when what lies between is only
        // white space, the offending value starts at the span's end.
        let Position { line, col } = if char_at(text, e.span.start).is_some_and(char::is_whitespace)
        {
            e.span.end
        } else {
            e.span.start
        };
        LoadError::Syntax {
            path: source.to_string(),
            line,
            col,
            message: e.code.to_string(),
        }
    })
}

/// The character at a 1-based line and column of `text`, if there is one.
fn char_at(text: &str, p: Position) -> Option<char> {
    text.split('\n')
        .nth(p.line.checked_sub(1)?)?
        .chars()
        .nth(p.col.checked_sub(1)?)
}

/// Writes a scenario as RON text (used to save edited scenarios and in tests).
pub fn to_ron(scenario: &Scenario) -> Result<String, ron::Error> {
    options().to_string_pretty(
        scenario,
        ron::ser::PrettyConfig::default().struct_names(true),
    )
}
