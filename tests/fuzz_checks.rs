//! What every fuzz case's answer must be: a value that prints back to RON and loads the same, or
//! an error that says where the problem is (file:line:col, a field path, a line of a results
//! file, or the text of the flag).

use std::path::Path;

use caseload::load::{self, LoadError, Loaded};
use caseload::output::ReadError;

/// What a case did with its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The input was accepted.
    Accepted,
    /// The input was refused with a located message.
    Refused,
}

/// A case's verdict, or why its answer is wrong (an error without a location, a broken
/// round trip).
pub type Outcome = Result<Verdict, String>;

/// Lines in `text`, for bounds on reported line numbers.
fn lines(text: &str) -> usize {
    text.split('\n').count()
}

/// A load error must say where: `file:line:col` inside the text for syntax errors, a field path
/// and a position for each validation problem. `source` is the file loaded; `text` its text when
/// it was loaded alone (`None` for an overlay, whose errors may be in its bases).
pub fn load_refused(e: &LoadError, source: &str, text: Option<&str>) -> Outcome {
    let shown = e.to_string();
    let bad = |why: &str| Err(format!("{why}: {shown}"));
    if shown.trim().is_empty() {
        return bad("empty message");
    }
    match e {
        LoadError::Syntax {
            path, line, col, ..
        } => {
            if *line == 0 || *col == 0 {
                return bad("line or column 0");
            }
            if let Some(text) = text {
                if path != source {
                    return bad("the syntax error names another file");
                }
                if *line > lines(text) {
                    return bad("the line is past the end of the text");
                }
            }
        }
        LoadError::Invalid { path, problems } => {
            if path != source || problems.is_empty() {
                return bad("no problems, or another file");
            }
            for p in problems {
                if p.field.is_root() || p.message.trim().is_empty() {
                    return bad("a problem without a field path or message");
                }
                if text.is_some() && p.position.is_none() {
                    return bad("a problem in a single file without a position");
                }
                if let (Some(text), Some(at)) = (text, p.position)
                    && (at.line == 0 || at.col == 0 || at.line > lines(text))
                {
                    return bad("a position outside the text");
                }
            }
        }
        LoadError::Base { line, col, .. } => {
            if *line == 0 || *col == 0 {
                return bad("line or column 0");
            }
        }
        LoadError::Read { path, .. } => {
            if !shown.starts_with(path.as_str()) {
                return bad("a read error without its path");
            }
        }
    }
    Ok(Verdict::Refused)
}

/// What a loaded scenario must allow: it prints back to RON that loads to the same scenario (for
/// an overlay, its merged text is a standalone scenario).
pub fn loaded_ok(loaded: &Loaded) -> Outcome {
    let text = load::to_ron(&loaded.scenario).map_err(|e| format!("does not print: {e}"))?;
    match load::load_str("again.ron", &text) {
        Ok(again) if again.scenario == loaded.scenario => Ok(Verdict::Accepted),
        Ok(_) => Err("printed and loaded again, the scenario differs".into()),
        Err(e) => Err(format!("printed, it no longer loads: {e}")),
    }
}

/// Loads `text` alone under `source` and checks the answer.
pub fn load_text(source: &str, text: &str) -> Outcome {
    match load::load_str(source, text) {
        Ok(loaded) => loaded_ok(&loaded),
        Err(e) => load_refused(&e, source, Some(text)),
    }
}

/// Loads the file at `path` (perhaps an overlay) and checks the answer.
pub fn load_path(path: &Path) -> Outcome {
    match load::load_file(path) {
        Ok(loaded) => loaded_ok(&loaded),
        Err(e) => load_refused(&e, &path.display().to_string(), None),
    }
}

/// A lever or lever-path error must name the lever it is about (`needle`: its path or text as given).
pub fn lever_refused(e: &impl std::fmt::Display, needle: &str) -> Outcome {
    let shown = e.to_string();
    if names(&shown, needle) {
        Ok(Verdict::Refused)
    } else {
        Err(format!("the message does not name {needle:?}: {shown}"))
    }
}

/// Whether `message` names `text`, as written or quoted with escapes (`{text:?}`).
pub fn names(message: &str, text: &str) -> bool {
    let quoted = format!("{text:?}");
    message.contains(text) || message.contains(&quoted[1..quoted.len() - 1])
}

/// A results-file error must name the file, and a line inside it when the content is at fault.
pub fn results_refused(e: &ReadError, path: &Path, text: &[u8]) -> Outcome {
    let shown = e.to_string();
    if !shown.starts_with(&path.display().to_string()) {
        return Err(format!("the message does not name the file: {shown}"));
    }
    if let ReadError::Invalid { line, .. } = e {
        let lines = text.split(|&b| b == b'\n').count() as u64;
        if *line == 0 || *line > lines {
            return Err(format!(
                "line {line} is outside the file's {lines} lines: {shown}"
            ));
        }
    }
    Ok(Verdict::Refused)
}
