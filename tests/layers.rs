//! The library's layers (sim/src/lib.rs, ARCHITECTURE.md): each top-level module is a layer, and
//! code may import only from its own layer and the layers before it in [`LAYERS`]. Test code
//! (`#[cfg(test)]` modules and tests.rs files) may reach further, and comments are not imports.
//! Within the input and engine layers the same rule orders their modules ([`INPUT`], [`ENGINE`]),
//! so that loading, validation and levers form no circle, and engine systems take their data from
//! the engine's state rather than from one another.

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

/// Each name the crate root makes public (a layer, or a module a layer re-exports) and its layer.
fn names() -> BTreeMap<String, String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).expect("lib.rs");
    let mut names = BTreeMap::new();
    for line in lib.lines() {
        if let Some(m) = line.strip_prefix("pub mod ") {
            let m = m.trim_end_matches(';');
            names.insert(m.to_string(), m.to_string());
        } else if let Some(rest) = line.strip_prefix("pub use ") {
            let (layer, list) = rest.split_once("::").expect("pub use layer::...");
            for m in list.trim_matches(|c| "{};".contains(c)).split(',') {
                names.insert(m.trim().to_string(), layer.to_string());
            }
        }
    }
    names
}

/// The code of a source file without its comments and its test module.
fn code(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .take_while(|(_, l)| l.trim() != "#[cfg(test)]")
        .map(|(i, l)| {
            let code = l.split("//").next().unwrap_or("");
            (i + 1, code.to_string())
        })
        .collect()
}

/// The path segment after each `prefix` in `line` (not preceded by another path segment).
fn segments_after<'a>(line: &'a str, prefix: &str) -> Vec<&'a str> {
    line.match_indices(prefix)
        .filter(|(i, _)| !line[..*i].ends_with("::"))
        .map(|(i, _)| {
            let rest = &line[i + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

/// The first path segment after each `crate::` in `line`.
fn crate_paths(line: &str) -> Vec<&str> {
    segments_after(line, "crate::")
}

/// The modules of its own layer a file at `depth` folders below sim/src names: through
/// `crate::LAYER::`, and through `super::` from a module's own file (`super::super::` from a file
/// inside a module's folder).
fn sibling_paths<'a>(line: &'a str, layer: &str, depth: usize) -> Vec<&'a str> {
    let mut out = segments_after(line, &format!("crate::{layer}::"));
    let up = match depth {
        2 => "super::",
        3 => "super::super::",
        _ => return out,
    };
    out.extend(
        segments_after(line, up)
            .into_iter()
            .filter(|s| *s != "super"),
    );
    out
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

/// Where `file` sits: its layer, its module within the layer, and how many folders and files
/// below sim/src it is (`engine/need.rs` and `engine/allocation/mod.rs` are 2).
fn place(file: &Path) -> (String, String, usize) {
    let parts: Vec<String> = file
        .strip_prefix(src())
        .expect("under sim/src")
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    let module = parts.get(1).cloned().unwrap_or_default();
    // A folder's mod.rs sits where the folder's own file would.
    let depth = parts.len() - usize::from(parts.last().is_some_and(|p| p == "mod"));
    (parts[0].clone(), module, depth)
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
        let (layer, module, depth) = place(&file);
        let Some(own) = rank(&layer) else {
            continue; // lib.rs and the command line sit above every layer
        };
        let inner = order(&layer);
        let inner_rank = |m: &str| inner.iter().position(|x| *x == m);
        let text = std::fs::read_to_string(&file).expect("a source file");
        for (line, code) in code(&text) {
            let at = || format!("{}:{line}: {layer}::{module}", file.display());
            if code.contains("crate::{") {
                wrong.push(format!(
                    "{}: a grouped `use crate::{{...}}` hides its layers; import each path",
                    at()
                ));
            }
            for name in crate_paths(&code) {
                let Some(target) = names.get(name) else {
                    continue;
                };
                checked += 1;
                if rank(target).expect("a layer") > own {
                    wrong.push(format!("{} imports crate::{name} ({target})", at()));
                }
            }
            if inner.is_empty() || depth < 2 {
                continue;
            }
            let mut siblings = sibling_paths(&code, &layer, depth);
            // The input layer's modules are also reached through their re-exports at the root.
            siblings.extend(
                crate_paths(&code)
                    .into_iter()
                    .filter(|n| names.get(*n) == Some(&layer)),
            );
            for name in siblings {
                if name == module {
                    continue;
                }
                let (Some(to), Some(from)) = (inner_rank(name), inner_rank(&module)) else {
                    if inner_rank(name).is_some() {
                        wrong.push(format!("{} is not in the layer's order", at()));
                    }
                    continue;
                };
                checked += 1;
                if to > from {
                    wrong.push(format!("{} imports its later sibling {name}", at()));
                }
            }
        }
    }
    assert!(
        checked > 300,
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
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.trim_end_matches(".rs").to_string()
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
fn the_scan_sees_an_upward_import() {
    let code = code("use crate::summary::Stats; // crate::report\n#[cfg(test)]\nuse crate::x;");
    assert_eq!(code.len(), 1);
    assert_eq!(crate_paths(&code[0].1), ["summary"]);
    assert_eq!(names().get("summary").map(String::as_str), Some("run"));
    assert_eq!(
        crate_paths("a(crate::b::c, crate::d)"),
        ["b", "d"],
        "every path on a line"
    );
    assert_eq!(
        sibling_paths(
            "use super::state::Census; x(crate::engine::rng::s)",
            "engine",
            2
        ),
        ["rng", "state"]
    );
    assert_eq!(
        sibling_paths("use super::super::need; use super::queue;", "engine", 3),
        ["need"]
    );
    assert!(sibling_paths("use super::x;", "engine", 1).is_empty());
}
