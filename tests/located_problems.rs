//! How the validation tests judge a bad scenario: it fails to load with every problem listed, each
//! found by its field path and a piece of its message, and reported at the line and column where
//! the offending value is written.
//!
//! Expectations are written `"path: fragment"`: the problem's field path exactly, then a piece of
//! its message. Needles are text that occurs once in the scenario's RON; the problem is located
//! at the value after the needle's first `": "`, at a `|` in the needle if it has one (for a value
//! written with no colon before it), or else at the needle's start.

use caseload::load::{LoadError, LocatedProblem, load_str, to_ron};
use caseload::locate::Position;
use caseload::scenario::Scenario;

/// The name bad scenarios are loaded under; every message starts with it.
pub const SOURCE: &str = "bad.ron";

/// `s` as the RON text a user would write.
pub fn text_of(s: &Scenario) -> String {
    to_ron(s).expect("a scenario serialises")
}

/// Asserts `s` loads; `why` says why it should.
pub fn valid(s: Scenario, why: &str) {
    if let Err(e) = load_str(SOURCE, &text_of(&s)) {
        panic!("{why}, but: {e}");
    }
}

/// The line and column of byte offset `at` in `text`.
pub fn position_at(text: &str, at: usize) -> Position {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    Position { line, col }
}

/// Where the needle's value sits in `text` (see the module comment), at its `nth` occurrence.
pub fn value_position(text: &str, needle: &str, nth: usize) -> Position {
    let marker = needle.find('|');
    let plain = needle.replacen('|', "", 1);
    let (at, _) = text
        .match_indices(&plain)
        .nth(nth)
        .unwrap_or_else(|| panic!("{plain:?} occurs fewer than {} times in\n{text}", nth + 1));
    let offset = marker.unwrap_or_else(|| plain.find(": ").map_or(0, |i| i + 2));
    position_at(text, at + offset)
}

/// Loads `text`, which must parse but fail validation, and returns its problems.
pub fn problems(text: &str) -> Vec<LocatedProblem> {
    match load_str(SOURCE, text) {
        Err(LoadError::Invalid { path, problems }) => {
            assert_eq!(path, SOURCE);
            assert!(!problems.is_empty());
            problems
        }
        Err(e) => panic!("expected validation problems, got: {e}"),
        Ok(_) => panic!("expected validation problems, but the scenario loaded:\n{text}"),
    }
}

/// The problem `spec` (`"path: fragment"`) describes.
pub fn find<'a>(problems: &'a [LocatedProblem], spec: &str) -> &'a LocatedProblem {
    let (path, fragment) = spec.split_once(": ").expect("a spec is `path: fragment`");
    problems
        .iter()
        .find(|p| p.field.to_string() == path && p.message.contains(fragment))
        .unwrap_or_else(|| panic!("no problem {spec:?} in {problems:#?}"))
}

/// Asserts `s` has `count` problems, one as `spec` says, located at `needle`'s value; returns
/// that problem's message.
pub fn check(s: Scenario, count: usize, spec: &str, needle: &str) -> String {
    let text = text_of(&s);
    let plain = needle.replacen('|', "", 1);
    assert_eq!(text.matches(&plain).count(), 1, "{plain:?} in\n{text}");
    let found = problems(&text);
    assert_eq!(found.len(), count, "{found:#?}");
    let p = find(&found, spec);
    assert_eq!(p.position, Some(value_position(&text, needle, 0)), "{p:?}");
    p.message.clone()
}

/// [`check`] for a scenario with exactly one problem, whose report ends with the count line.
pub fn only(s: Scenario, spec: &str, needle: &str) -> String {
    let shown = load_str(SOURCE, &text_of(&s)).err().map(|e| e.to_string());
    let last = shown.as_deref().and_then(|t| t.lines().last());
    let count = "bad.ron: 1 problem found; the scenario was not run";
    assert_eq!(last, Some(count));
    check(s, 1, spec, needle)
}
