//! Reading a scenario: text to [`Scenario`] (RON), then to [`Model`] (validation), with every error
//! located at `file:line:col` and named by its field.
//!
//! A file with a top-level `extends: "base.ron"` is an overlay: its base (found relative to the
//! overlay's folder, and perhaps itself an overlay) is read, the files are merged by the rules of
//! [`crate::overlay`], and the merged text is parsed and validated. Every error in it is reported
//! in the file, line and column where the offending value was written.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use ron::extensions::Extensions;

use ron::error::{Position, SpannedError};

use crate::locate::{self, FieldPath, locate};
use crate::model::Model;
use crate::overlay::{self, Document, FileId, Rules};
use crate::scenario::Scenario;
use crate::validate::validate;

/// File name of the embedded default scenario.
pub const BASELINE_NAME: &str = "birmingham_baseline.ron";

/// The embedded default scenario: Birmingham, January 2019.
pub const BASELINE: &str = include_str!("../../../scenarios/birmingham_baseline.ron");

/// Largest scenario file read, in bytes: far above any real scenario, far below harm.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Most `extends` steps followed from the file loaded to its last base.
pub const MAX_EXTENDS: usize = 8;

/// A scenario read and validated.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Where it came from: a path, or the embedded file's name.
    pub source: String,
    /// The text as read; for an overlay, the merged text that was parsed and run (comments are
    /// not kept).
    pub text: String,
    /// Every file read: the one loaded, then for an overlay each base in turn.
    pub sources: Vec<String>,
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
    /// The file the value is written in: the one loaded, or for a value an overlay inherits, the
    /// base that wrote it.
    pub file: String,
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
    /// An overlay's base cannot be used: it cannot be read, it leads back to a file already in
    /// the chain, or the chain is longer than [`MAX_EXTENDS`].
    #[error("{path}:{line}:{col}: extends: cannot use the base scenario {base:?}: {reason}")]
    Base {
        /// The file whose `extends` names the base.
        path: String,
        /// 1-based line of the `extends` value.
        line: usize,
        /// 1-based column of the `extends` value.
        col: usize,
        /// The base's path as written.
        base: String,
        /// The cause, in words.
        reason: String,
    },
    /// The text is not a well-formed scenario (RON syntax or a value of the wrong type); for an
    /// overlay, `path` is the file the offending text is in.
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
        /// The path of the file loaded (each problem names the file it is in).
        path: String,
        /// Every problem found.
        problems: Vec<LocatedProblem>,
    },
}

fn invalid_message(path: &str, problems: &[LocatedProblem]) -> String {
    let mut lines = Vec::with_capacity(problems.len() + 1);
    for p in problems {
        let file = &p.file;
        lines.push(match p.position {
            Some(pos) => format!(
                "{file}:{}:{}: {}: {}",
                pos.line, pos.col, p.field, p.message
            ),
            None => format!("{file}: {}: {}", p.field, p.message),
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

/// Reads, parses and validates the scenario file at `path`, and its bases if it is an overlay.
pub fn load_file(path: &Path) -> Result<Loaded, LoadError> {
    load_with(path, &read_text)
}

/// Reads, parses and validates the scenario at `path` and its bases, getting each file's text
/// from `read` (the file system for [`load_file`]; embedded texts in the desktop app, which ships
/// the Birmingham scenarios inside its binary). `read` says in words why a file cannot be read.
pub fn load_with(
    path: &Path,
    read: &dyn Fn(&Path) -> Result<String, String>,
) -> Result<Loaded, LoadError> {
    let shown = path.display().to_string();
    let text = read(path).map_err(|reason| LoadError::Read {
        path: shown.clone(),
        reason,
    })?;
    if locate::string_at(&text, &extends_field()).is_none() {
        return load_str(&shown, &text);
    }
    load_overlay(path, shown, &text, read)
}

/// The text of the scenario file at `path`, or why it cannot be read, in words: it is missing,
/// not a regular file (a directory, device, pipe or socket), larger than [`MAX_FILE_BYTES`] or
/// not UTF-8 text. At most [`MAX_FILE_BYTES`] and one more byte are ever read, so a file that
/// grows while it is read cannot exhaust memory either.
pub fn read_text(path: &Path) -> Result<String, String> {
    let meta = regular_file(path)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "it is {} bytes; scenarios are at most {MAX_FILE_BYTES} bytes",
            meta.len()
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "it grew past {MAX_FILE_BYTES} bytes while it was read"
        ));
    }
    // A byte-order mark, which some Windows editors write, is not part of the text.
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line = 1 + good.iter().filter(|&&b| b == b'\n').count();
        // Valid UTF-8 up to here, so the column counts characters.
        let col = 1 + String::from_utf8_lossy(&good[line_start..]).chars().count();
        format!(
            "it is not UTF-8 text: line {line}, column {col} (byte {}) is not UTF-8; save the \
             file as UTF-8",
            good.len()
        )
    })
}

/// The metadata of `path` if it is a regular file (or a link to one), else why not, in words.
/// Devices, pipes and sockets are refused before they are opened: `/dev/zero` never ends, and
/// opening a pipe nobody writes to blocks for ever.
pub fn regular_file(path: &Path) -> Result<std::fs::Metadata, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.is_dir() {
        return Err("it is a directory, not a file".into());
    }
    if !meta.is_file() {
        return Err(
            "it is not a regular file (a device, pipe or socket); give the path of a file".into(),
        );
    }
    Ok(meta)
}

/// The path of the `extends` field.
fn extends_field() -> FieldPath {
    FieldPath::root().field("extends")
}

/// Parses and validates scenario text; `source` names it in messages. Overlays (text with
/// `extends`) are refused: their base is found relative to their file, so use [`load_file`].
pub fn load_str(source: &str, text: &str) -> Result<Loaded, LoadError> {
    if let Some((base, at)) = locate::string_at(text, &extends_field()) {
        let message = format!(
            "an overlay must be loaded from a file, as its base {base:?} is found relative to \
             the file's folder"
        );
        let problem = LocatedProblem {
            field: extends_field(),
            file: source.to_string(),
            position: Some(at),
            message,
        };
        return Err(LoadError::Invalid {
            path: source.to_string(),
            problems: vec![problem],
        });
    }
    let scenario = parse(source, text)?;
    // The text parsed, so its syntax tree reads: only keys written twice are left to find.
    tree(source, text, 0)?;
    let sources = vec![source.to_string()];
    let model = checked(&scenario, &sources, |field| (0, locate(text, field)))?;
    Ok(Loaded {
        source: source.to_string(),
        text: text.to_string(),
        sources,
        scenario,
        model,
    })
}

/// Validates `scenario`, read from `sources`; `find` says in which of them, and where, a field
/// is written.
fn checked(
    scenario: &Scenario,
    sources: &[String],
    find: impl Fn(&FieldPath) -> (FileId, Option<locate::Position>),
) -> Result<Model, LoadError> {
    validate(scenario).map_err(|problems| {
        let mut problems: Vec<(FileId, LocatedProblem)> = problems
            .into_iter()
            .map(|p| {
                let (file, position) = find(&p.field);
                let problem = LocatedProblem {
                    file: sources
                        .get(file)
                        .or(sources.first())
                        .cloned()
                        .unwrap_or_default(),
                    position,
                    field: p.field,
                    message: p.message,
                };
                (file, problem)
            })
            .collect();
        // File by file (the loaded one first), each in order as a reader goes through it;
        // unlocated problems last.
        problems.sort_by_key(|(file, p)| {
            p.position
                .map_or((usize::MAX, 0, 0), |q| (*file, q.line, q.col))
        });
        LoadError::Invalid {
            path: sources.first().cloned().unwrap_or_default(),
            problems: problems.into_iter().map(|(_, p)| p).collect(),
        }
    })
}

/// Loads the overlay `text` read from `path` (shown as `shown`): reads its chain of bases,
/// merges them, then parses and validates the merged text.
fn load_overlay(
    path: &Path,
    shown: String,
    text: &str,
    read: &dyn Fn(&Path) -> Result<String, String>,
) -> Result<Loaded, LoadError> {
    let mut sources = vec![shown];
    let mut docs = vec![document(&sources[0], text, 0)?];
    let mut paths = vec![path.to_path_buf()];
    let mut seen = vec![identity(path)];
    while let Some((base, at)) = docs.last().and_then(Document::extends) {
        let (base, from) = (base.to_string(), sources.len() - 1);
        let fail = |reason: String| LoadError::Base {
            path: sources[from].clone(),
            line: at.line,
            col: at.col,
            base: base.clone(),
            reason,
        };
        let base_path = paths[from].parent().unwrap_or(Path::new("")).join(&base);
        let shown = base_path.display().to_string();
        let chain = || format!("{} -> {shown}", sources.join(" -> "));
        if from >= MAX_EXTENDS {
            let reason = format!("more than {MAX_EXTENDS} levels of `extends`: {}", chain());
            return Err(fail(reason));
        }
        let id = identity(&base_path);
        if seen.contains(&id) {
            return Err(fail(format!("the files extend each other: {}", chain())));
        }
        let text = read(&base_path).map_err(|reason| fail(format!("{shown}: {reason}")))?;
        let file = sources.len();
        sources.push(shown);
        docs.push(document(&sources[file], &text, file)?);
        paths.push(base_path);
        seen.push(id);
    }

    // Merge from the last base up; each overlay's own `extends` has been followed.
    let rules = Rules::for_type::<Scenario>();
    let mut docs = docs.into_iter().rev();
    let last = docs.next().ok_or_else(|| LoadError::Read {
        path: sources[0].clone(),
        reason: "no scenario was read".into(),
    })?;
    let merged = docs.fold(last, |base, mut doc| {
        doc.remove_extends();
        doc.over(base, &rules)
    });
    let printed = overlay::print(&merged);
    let text = printed.text;
    let origin = |at: Position| {
        let at = locate::Position {
            line: at.line,
            col: at.col,
        };
        printed.map.origin(at)
    };

    let scenario = options().from_str::<Scenario>(&text).map_err(|e| {
        let at = error_position(&text, &e);
        let o = origin(at).unwrap_or(overlay::Origin {
            file: 0,
            at: merged.root.at,
        });
        let mut message = in_words(&e.code, &text, at);
        match &e.code {
            ron::Error::MissingStructField {
                outer: Some(outer), ..
            } if rules.is_struct_variant(outer) => {
                message += " (an overlay replaces an enum variant whole: write all its fields)";
            }
            ron::Error::MissingStructField { .. } => {
                message += &format!(" (not set in {} or the files it extends)", sources[0]);
            }
            _ if o.file != 0 => message += &format!(" (in a value {} inherits)", sources[0]),
            _ => {}
        }
        LoadError::Syntax {
            path: sources.get(o.file).unwrap_or(&sources[0]).clone(),
            line: o.at.line,
            col: o.at.col,
            message,
        }
    })?;
    let model = checked(&scenario, &sources, |field| {
        let found = locate(&text, field).and_then(|at| printed.map.origin(at));
        found.map_or((0, None), |o| (o.file, Some(o.at)))
    })?;
    Ok(Loaded {
        source: sources[0].clone(),
        text,
        sources,
        scenario,
        model,
    })
}

/// A path that names the same file however it is written (so cycles are found), if it exists.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Reads `text`, shown as `path`, as the syntax tree of file number `file`. Syntax errors are
/// `ron`'s own, as for a plain scenario.
fn document(path: &str, text: &str, file: FileId) -> Result<Document, LoadError> {
    options()
        .from_str::<ron::Value>(text)
        .map_err(|e| syntax_error(path, text, &e))?;
    tree(path, text, file)
}

/// The syntax tree of `text` (file number `file`, shown as `path`), refused if one of its maps
/// has a key written twice, which the parser would let pass with the last value winning.
fn tree(path: &str, text: &str, file: FileId) -> Result<Document, LoadError> {
    let doc = overlay::parse(text, file).map_err(|e| LoadError::Syntax {
        path: path.to_string(),
        line: e.at.line,
        col: e.at.col,
        message: e.message,
    })?;
    match doc.duplicate_key() {
        None => Ok(doc),
        Some((key, again, first)) => Err(LoadError::Syntax {
            path: path.to_string(),
            line: again.line,
            col: again.col,
            message: format!(
                "the key {key:?} is written twice in this map (first at line {}, column {}); \
                 write each key once",
                first.line, first.col
            ),
        }),
    }
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
    options()
        .from_str::<Scenario>(text)
        .map_err(|e| syntax_error(source, text, &e))
}

/// `e`, raised reading `text` (shown as `source`), located at the offending value.
fn syntax_error(source: &str, text: &str, e: &SpannedError) -> LoadError {
    let at = error_position(text, e);
    LoadError::Syntax {
        path: source.to_string(),
        line: at.line,
        col: at.col,
        message: in_words(&e.code, text, at),
    }
}

/// RON's message for `code` at `at` in `text`, in a planner's words where RON's own would send
/// them to Rust's documentation.
fn in_words(code: &ron::Error, text: &str, at: Position) -> String {
    use ron::Error as E;
    match code {
        E::ExceededRecursionLimit => {
            "values are nested too deeply (brackets inside brackets); a scenario needs only a few \
             levels"
                .into()
        }
        E::IntegerOutOfBounds => "this number is out of range here: expected a whole number >= 0 \
                                  (and not astronomically large)"
            .into(),
        E::InvalidIntegerDigit { digit, .. } => format!(
            "expected a whole number here, found {digit:?}: write it with digits only, e.g. 24 \
             (no decimals, exponents or signs)"
        ),
        E::ExpectedComma if char_at(text, at) == Some('.') => {
            "expected a whole number here: write it without a decimal point, e.g. 24 not 24.5"
                .into()
        }
        E::ExpectedComma => {
            "expected a comma or a closing bracket after the value before this".into()
        }
        E::InvalidIdentifier(name) | E::SuggestRawIdentifier(name) => format!(
            "{name:?} is not a field name: names are letters, digits and _, and do not start with \
             a digit"
        ),
        E::ExpectedRangeSyntax => "expected a value here".into(),
        E::UnexpectedChar('\u{feff}') => {
            "a byte-order mark inside the text: save the file as UTF-8 without one in the middle"
                .into()
        }
        other => other.to_string(),
    }
}

/// Where the value `e` is about starts in `text`.
fn error_position(text: &str, e: &SpannedError) -> Position {
    // RON's span starts where the previous token ended; when what lies between is only white
    // space, the offending value starts at the span's end.
    if char_at(text, e.span.start).is_some_and(char::is_whitespace) {
        e.span.end
    } else {
        e.span.start
    }
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
