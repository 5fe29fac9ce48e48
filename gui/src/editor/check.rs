//! Validation of the text being edited, by the loader the forecasts use, with each problem tied
//! to the field the form shows it beside.

use std::path::Path;

use caseload::load::{self, LoadError, Loaded};
use caseload::locate::{FieldPath, Position};

use super::files;
use super::source::Parsed;

/// One thing wrong with the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The field it is about, if it names one.
    pub field: Option<FieldPath>,
    /// The field in the edited text the form shows it beside: the field itself, or its nearest
    /// ancestor that is written; `None` if it is in another file or nowhere in particular.
    pub anchor: Option<FieldPath>,
    /// The whole message: file, line and column, field, what is wrong.
    pub message: String,
    /// Just what is wrong, for beside the field.
    pub short: String,
}

/// The outcome of checking a text.
#[derive(Debug, Clone, Default)]
pub struct Check {
    /// The scenario, if it is valid.
    pub loaded: Option<Loaded>,
    /// Every problem, in the loader's order.
    pub problems: Vec<Problem>,
}

/// Checks `text`, shown as `name`; if it was read from (or will be saved to) `path`, an overlay's
/// bases are read relative to it. `parsed` is the text's tree, if it parses.
pub fn check(name: &str, path: Option<&Path>, text: &str, parsed: Option<&Parsed>) -> Check {
    let result = match path {
        Some(path) => load::load_with(path, &|p: &Path| {
            if p == path {
                Ok(text.to_string())
            } else {
                files::read_text(p)
            }
        }),
        None => load::load_str(name, text),
    };
    let shown = path.map_or(name.to_string(), |p| p.display().to_string());
    match result {
        Ok(loaded) => Check {
            loaded: Some(loaded),
            problems: Vec::new(),
        },
        Err(e) => Check {
            loaded: None,
            problems: problems(&e, &shown, parsed),
        },
    }
}

/// The problems in `e`, anchored in `parsed` when they are in the file `shown`.
fn problems(e: &LoadError, shown: &str, parsed: Option<&Parsed>) -> Vec<Problem> {
    let at_position = |file: &str, line: usize, col: usize| {
        parsed
            .filter(|_| file == shown)
            .map(|p| p.path_at(Position { line, col }))
    };
    match e {
        LoadError::Read { reason, .. } => vec![Problem {
            field: None,
            anchor: None,
            message: e.to_string(),
            short: reason.clone(),
        }],
        LoadError::Base {
            path, line, col, ..
        } => vec![Problem {
            field: Some(FieldPath::root().field("extends")),
            anchor: at_position(path, *line, *col),
            message: e.to_string(),
            short: e.to_string(),
        }],
        LoadError::Syntax {
            path,
            line,
            col,
            message,
        } => vec![Problem {
            field: None,
            anchor: at_position(path, *line, *col),
            message: e.to_string(),
            short: format!("line {line}: {message}"),
        }],
        LoadError::Invalid { problems, .. } => problems
            .iter()
            .map(|p| {
                let anchor = parsed
                    .filter(|_| p.file == shown)
                    .map(|t| t.written_part(&p.field));
                let message = match p.position {
                    Some(at) => format!(
                        "{}:{}:{}: {}: {}",
                        p.file, at.line, at.col, p.field, p.message
                    ),
                    None => format!("{}: {}: {}", p.file, p.field, p.message),
                };
                let short = if anchor.as_ref() == Some(&p.field) {
                    p.message.clone()
                } else {
                    format!("{}: {}", p.field, p.message)
                };
                Problem {
                    field: Some(p.field.clone()),
                    anchor,
                    message,
                    short,
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_anchored_at_their_fields() {
        let text = load::BASELINE.replacen("births_per_year: ", "births_per_year: -", 1);
        let parsed = Parsed::new(&text).unwrap();
        let c = check("b.ron", None, &text, Some(&parsed));
        assert!(c.loaded.is_none());
        let p = &c.problems[0];
        let field = FieldPath::root()
            .field("districts")
            .index(0)
            .field("births_per_year");
        assert_eq!(p.field.as_ref(), Some(&field));
        assert_eq!(p.anchor.as_ref(), Some(&field));
        assert!(p.message.starts_with("b.ron:"), "{}", p.message);
        assert!(p.message.contains("districts[0].births_per_year"));
    }

    #[test]
    fn syntax_errors_are_anchored_where_they_are() {
        let text = load::BASELINE.replacen("months: 60", "months: sixty", 1);
        let parsed = Parsed::new(&text).unwrap();
        let c = check("b.ron", None, &text, Some(&parsed));
        let p = &c.problems[0];
        let months = FieldPath::root().field("calendar").field("months");
        assert_eq!(p.anchor.as_ref(), Some(&months), "{p:?}");
        // The line the edit is on, counted from the file itself.
        let line = 1 + text[..text.find("months: sixty").unwrap()]
            .matches('\n')
            .count();
        assert!(
            p.message.starts_with(&format!("b.ron:{line}:")),
            "{}",
            p.message
        );
    }

    #[test]
    fn the_baseline_is_valid() {
        let c = check("b.ron", None, load::BASELINE, None);
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert!(c.loaded.is_some());
    }
}
