//! The library's layers (sim/src/lib.rs, ARCHITECTURE.md): each top-level module is a layer, and
//! code may import only from its own layer and the layers before it in [`LAYERS`]. Within the
//! input and engine layers the same rule orders their modules ([`INPUT`], [`ENGINE`]), so that
//! loading, validation and levers form no circle, and engine systems take their data from the
//! engine's state rather than from one another. Every path is resolved (`crate::`, `super::`
//! chains, `self::`, and `{...}` groups, across lines); comments, string literals, `pub(in ...)`
//! and the test module (`#[cfg(test)] mod ...`, and tests.rs files) are not imports.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layers in the order data flows: scenario text to model, replications, questions, files.
const LAYERS: &[&str] = &[
    "scenario",
    "model",
    "input",
    "engine",
    "run",
    "analysis",
    "output",
    "calibration",
];

/// The input layer's modules in order: the path finders first, then what merges and checks
/// scenarios, then the loader, then what changes and generates them.
const INPUT: &[&str] = &["locate", "overlay", "validate", "load", "lever", "national"];

/// The engine's modules in order: the leaves (random streams, the event queue), the shared state,
/// then the systems, each after the helpers it borrows.
const ENGINE: &[&str] = &[
    "rng",
    "events",
    "state",
    "absence",
    "budget",
    "need",
    "recorder",
    "reviews",
    "teams",
    "volunteers",
    "workforce",
    "capacity",
    "pipeline",
    "population",
    "allocation",
    "staffing",
];

/// The modules of a layer in the order they may import one another (empty: no order inside).
fn order(layer: &str) -> &'static [&'static str] {
    match layer {
        "input" => INPUT,
        "engine" => ENGINE,
        _ => &[],
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .join("sim/src")
}

/// The names a module file makes public with `pub use FROM::{a, b}` (or `pub use FROM::a`), each
/// with the module `FROM` it comes from (its first segment).
fn reexports(text: &str) -> BTreeMap<String, String> {
    let code = code(text);
    let mut out = BTreeMap::new();
    for statement in code.split(';') {
        let Some(rest) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let rest = rest.trim_start_matches("crate::");
        let Some((from, list)) = rest.split_once("::") else {
            continue;
        };
        for name in list.trim_matches(|c: char| "{} \n".contains(c)).split(',') {
            let name = name.trim();
            if !name.is_empty() {
                out.insert(name.to_string(), from.to_string());
            }
        }
    }
    out
}

/// Each name the crate root makes public (a layer, or a module a layer re-exports) and its layer.
fn names() -> BTreeMap<String, String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).expect("lib.rs");
    let mut names = reexports(&lib);
    for line in code(&lib).lines() {
        if let Some(m) = line.trim().strip_prefix("pub mod ") {
            let m = m.trim_end_matches(';');
            names.insert(m.to_string(), m.to_string());
        }
    }
    names
}

/// A source text with comments, string and character literals, `pub(in ...)` and the test module
/// blanked out (newlines kept, so byte offsets keep their lines).
fn code(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |s: &str, out: &mut String| {
        out.extend(s.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
    };
    while i < bytes.len() {
        let rest = &text[i..];
        let end = if rest.starts_with("//") {
            rest.find('\n').unwrap_or(rest.len())
        } else if rest.starts_with("/*") {
            rest.find("*/").map_or(rest.len(), |e| e + 2)
        } else if rest.starts_with("r#\"") || rest.starts_with("r\"") {
            let hashes = rest[1..].chars().take_while(|c| *c == '#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let open = 2 + hashes;
            rest[open..]
                .find(&close)
                .map_or(rest.len(), |e| open + e + close.len())
        } else if rest.starts_with('"') {
            let mut j = 1;
            let b = rest.as_bytes();
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            (j + 1).min(rest.len())
        } else if let Some(len) = char_literal(rest) {
            len
        } else if rest.starts_with("pub(in ") {
            rest.find(')').map_or(rest.len(), |e| e + 1)
        } else if rest.starts_with("#[cfg(test)]") && test_module_follows(&rest[12..]) {
            rest.len()
        } else {
            let c = rest.chars().next().expect("not empty");
            out.push(c);
            i += c.len_utf8();
            continue;
        };
        blank(&rest[..end], &mut out);
        i += end;
    }
    out
}

/// The length of the character literal `text` starts with (`'"'`, `'\\''`), if it starts with one
/// rather than a lifetime.
fn char_literal(text: &str) -> Option<usize> {
    let inner = text.strip_prefix('\'')?;
    if let Some(escaped) = inner.strip_prefix('\\') {
        return escaped[1..].find('\'').map(|e| e + 4);
    }
    let c = inner.chars().next()?;
    inner[c.len_utf8()..]
        .starts_with('\'')
        .then(|| 2 + c.len_utf8())
}

/// Whether the item after a `#[cfg(test)]` is a module (the test module, which ends the file).
fn test_module_follows(after: &str) -> bool {
    let next = after.trim_start();
    next.starts_with("mod ") || next.starts_with("pub mod ")
}

/// The module path of a file under sim/src: `engine/need.rs` is `[engine, need]`, and
/// `engine/allocation/mod.rs` is `[engine, allocation]`.
fn module_of(file: &Path) -> Vec<String> {
    let mut parts: Vec<String> = file
        .strip_prefix(src())
        .expect("under sim/src")
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Every path that `code` names from the crate, resolved to where it leads from module `here`
/// (`crate::`, `super::` chains and `self::`, with `{...}` groups expanded), with its byte offset.
fn resolved_paths(code: &str, here: &[String]) -> Vec<(usize, Vec<String>)> {
    let b = code.as_bytes();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut out = Vec::new();
    for start in ["crate::", "super::", "self::"] {
        for (at, _) in code.match_indices(start) {
            if at > 0 && (is_ident(b[at - 1]) || code[..at].ends_with("::")) {
                continue;
            }
            let mut base: Vec<String> = Vec::new();
            let mut rest = &code[at..];
            if let Some(r) = rest.strip_prefix("crate::") {
                rest = r;
            } else if rest.starts_with("self::") {
                base = here.to_vec();
                rest = &rest["self::".len()..];
            } else {
                base = here.to_vec();
                while let Some(r) = rest.strip_prefix("super::") {
                    base.pop();
                    rest = r;
                }
            }
            expand(rest, base, at, &mut out);
        }
    }
    out
}

/// Appends the path(s) `rest` spells after `base`: segments joined by `::`, perhaps ending in a
/// `{...}` group of further paths.
fn expand(rest: &str, mut base: Vec<String>, at: usize, out: &mut Vec<(usize, Vec<String>)>) {
    let mut rest = rest.trim_start();
    // The layer and the module inside it are all the checks need.
    while base.len() < 2 {
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' | ',' if depth == 1 => {
                        expand(&group[item..i], base.clone(), at, out);
                        item = i + 1;
                        if c == '}' {
                            return;
                        }
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            return;
        }
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len == 0 || &rest[..len] == "self" {
            break;
        }
        base.push(rest[..len].to_string());
        match rest[len..].trim_start().strip_prefix("::") {
            Some(r) => rest = r.trim_start(),
            None => break,
        }
    }
    if !base.is_empty() {
        out.push((at, base));
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") && !path.ends_with("tests.rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_top_level_module_is_a_layer_in_order() {
    let names = names();
    let layers: Vec<&String> = names
        .iter()
        .filter(|(name, layer)| name == layer)
        .map(|(name, _)| name)
        .collect();
    let mut expected: Vec<&str> = LAYERS.to_vec();
    expected.sort_unstable();
    assert_eq!(
        layers, expected,
        "sim/src/lib.rs's `pub mod`s are the layers"
    );
    for m in INPUT {
        assert_eq!(names.get(*m).map(String::as_str), Some("input"), "{m}");
    }
    assert_eq!(names.get("summary").map(String::as_str), Some("run"));
}

#[test]
fn no_import_runs_back_up_a_layer() {
    let names = names();
    let rank = |layer: &str| LAYERS.iter().position(|l| *l == layer);
    let mut all = Vec::new();
    files(&src(), &mut all);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in all {
        let here = module_of(&file);
        let layer = here[0].clone();
        let Some(own) = rank(&layer) else {
            continue; // lib.rs and the command line sit above every layer
        };
        let module = here.get(1).cloned().unwrap_or_default();
        let inner = order(&layer);
        let inner_rank = |m: &str| inner.iter().position(|x| *x == m);
        let layer_exports = std::fs::read_to_string(src().join(&layer).join("mod.rs"))
            .map(|t| reexports(&t))
            .unwrap_or_default();
        let text = std::fs::read_to_string(&file).expect("a source file");
        let code = code(&text);
        let line = |at: usize| code[..at].matches('\n').count() + 1;
        // A file-level glob (not one inside an inline module, which reaches its own file).
        for (i, l) in code.lines().enumerate() {
            if l.starts_with("use super::*") || l.starts_with("use crate::*") {
                wrong.push(format!(
                    "{}:{}: a glob import hides which modules it uses",
                    file.display(),
                    i + 1
                ));
            }
        }
        for (at, path) in resolved_paths(&code, &here) {
            let place = || format!("{}:{}: {}", file.display(), line(at), here.join("::"));
            let Some(target) = names.get(&path[0]) else {
                continue; // an item of the crate root, or of another crate
            };
            checked += 1;
            if rank(target).expect("a layer") > own {
                wrong.push(format!(
                    "{} imports {} ({target})",
                    place(),
                    path.join("::")
                ));
                continue;
            }
            if target != &layer || inner.is_empty() {
                continue;
            }
            // A module of the same ordered layer: by the layer's name, or by a root re-export.
            let sibling = if path[0] == layer {
                match path.get(1) {
                    Some(s) => layer_exports.get(s).unwrap_or(s).clone(),
                    None => continue,
                }
            } else {
                path[0].clone()
            };
            if sibling == module {
                continue;
            }
            match (inner_rank(&sibling), inner_rank(&module)) {
                (Some(to), Some(from)) if to > from => {
                    wrong.push(format!("{} imports its later sibling {sibling}", place()));
                }
                (None, _) => {
                    wrong.push(format!(
                        "{} names {sibling}, not in the layer's order",
                        place()
                    ));
                }
                _ => {}
            }
        }
    }
    assert!(
        checked > 250,
        "only {checked} imports found: is the scan right?"
    );
    assert!(
        wrong.is_empty(),
        "imports up a layer:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_module_of_an_ordered_layer_is_in_its_order() {
    for layer in ["input", "engine"] {
        let mut modules: Vec<String> = std::fs::read_dir(src().join(layer))
            .expect("the layer's folder")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir() || p.extension().is_some_and(|x| x == "rs"))
            .map(|p| {
                p.file_stem()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|m| m != "mod")
            .collect();
        modules.sort();
        let mut listed: Vec<String> = order(layer).iter().map(|m| m.to_string()).collect();
        listed.sort();
        assert_eq!(
            modules, listed,
            "{layer}'s modules and its order in this test"
        );
    }
}

#[test]
fn the_scan_resolves_paths_as_rust_does() {
    let here = |s: &str| s.split('/').map(String::from).collect::<Vec<_>>();
    let paths = |text: &str, at: &str| -> Vec<String> {
        resolved_paths(&code(text), &here(at))
            .into_iter()
            .map(|(_, p)| p.join("::"))
            .collect()
    };
    assert_eq!(
        paths("use crate::summary::Stats;", "model/rag"),
        ["summary::Stats"]
    );
    assert_eq!(
        paths(
            "use super::{state::Census,\n  rng::{self, poisson}};",
            "engine/need"
        ),
        ["engine::state", "engine::rng"]
    );
    assert_eq!(
        paths("use super::super::staffing;", "engine/allocation/serve"),
        ["engine::staffing"]
    );
    assert_eq!(paths("use super::output::x;", "run"), ["output::x"]);
    assert_eq!(
        paths("use crate::{load, summary::Summary};", "model"),
        ["load", "summary::Summary"]
    );
    assert!(
        paths(
            "let s = \"crate::report\"; // crate::x\n/* crate::y */",
            "model"
        )
        .is_empty()
    );
    assert!(paths("pub(in crate::engine) fn f() {}", "engine/state/work").is_empty());
    assert_eq!(
        paths("if c == '\"' { crate::report::f() }", "model"),
        ["report::f"]
    );
    assert!(paths("#[cfg(test)]\nmod tests { use crate::report; }", "model").is_empty());
    assert_eq!(
        paths("#[cfg(test)]\nfn f() {}\nuse crate::report;", "model"),
        ["report"]
    );
    assert_eq!(names().get("summary").map(String::as_str), Some("run"));
}
