//! The library's layers (sim/src/lib.rs, ARCHITECTURE.md): each top-level module is a layer, and
//! code may import only from its own layer and the layers before it in [`LAYERS`]. Test code
//! (`#[cfg(test)]` modules and tests.rs files) may reach further, and comments are not imports.
//! Within the input layer, the same rule orders its modules ([`INPUT`]), so that loading,
//! validation and levers do not form a circle.

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

/// The first path segment after each `crate::` in `line`.
fn crate_paths(line: &str) -> Vec<&str> {
    line.match_indices("crate::")
        .map(|(i, _)| {
            let rest = &line[i + "crate::".len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
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

/// Where `file` sits: its layer, and its module within the layer.
fn place(file: &Path) -> (String, String) {
    let parts: Vec<String> = file
        .strip_prefix(src())
        .expect("under sim/src")
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    let module = parts.get(1).cloned().unwrap_or_default();
    (parts[0].clone(), module)
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
    let input_rank = |m: &str| INPUT.iter().position(|l| *l == m);
    let mut all = Vec::new();
    files(&src(), &mut all);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in all {
        let (layer, module) = place(&file);
        let Some(own) = rank(&layer) else {
            continue; // lib.rs and the command line sit above every layer
        };
        let text = std::fs::read_to_string(&file).expect("a source file");
        for (line, code) in code(&text) {
            if code.contains("crate::{") {
                wrong.push(format!(
                    "{}:{line}: a grouped `use crate::{{...}}` hides its layers; import each path",
                    file.display()
                ));
            }
            for name in crate_paths(&code) {
                let Some(target) = names.get(name) else {
                    continue;
                };
                checked += 1;
                let target_rank = rank(target).expect("a layer");
                let upward = target_rank > own
                    || (layer == "input"
                        && target == "input"
                        && input_rank(name) > input_rank(&module));
                if upward {
                    wrong.push(format!(
                        "{}:{line}: {layer}::{module} imports crate::{name} ({target})",
                        file.display()
                    ));
                }
            }
        }
    }
    assert!(
        checked > 200,
        "only {checked} imports found: is the scan right?"
    );
    assert!(
        wrong.is_empty(),
        "imports up a layer:\n{}",
        wrong.join("\n")
    );
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
}
