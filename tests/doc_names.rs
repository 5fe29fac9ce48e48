//! Docs name only what exists: every file path, Rust path (`engine::rng::Process`) and type name in
//! backticks in README.md and docs/*.md must be in the repository, so a rename or a deletion that
//! leaves a doc pointing at nothing fails here rather than misleading the next reader.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Names from outside the project that the docs cite in backticks: crates and their types, Slurm
/// and Kubernetes terms, and process and file terms.
const EXTERNAL: &[&str] = &[
    "App",
    "BTreeMap",
    "BinaryHeap",
    "Commands",
    "Copy",
    "DependencyNeverSatisfied",
    "Dockerfile",
    "HashMap",
    "NaN",
    "PartitionConfig",
    "ReadWriteMany",
    "Schedule",
    "SystemCommand",
    "VmHWM",
    "World",
    "Xoshiro256PlusPlus",
];

/// The first segment of a Rust path that belongs to another crate or to std.
const CRATES: &[&str] = &[
    "anyhow",
    "bevy_ecs",
    "calamine",
    "clap",
    "criterion",
    "eframe",
    "egui",
    "egui_kittest",
    "egui_plot",
    "f64",
    "i32",
    "indicatif",
    "jiff",
    "parquet",
    "plotters",
    "proptest",
    "rand",
    "rand_distr",
    "rayon",
    "ron",
    "rust_xlsxwriter",
    "schemars",
    "serde",
    "serde_json",
    "sha2",
    "signal_hook",
    "statrs",
    "std",
    "tempfile",
    "thiserror",
    "u32",
    "u64",
    "usize",
];

/// Where a relative path in a doc may start from.
const PATH_ROOTS: &[&str] = &["", "docs", "scenarios", "sim", "sim/src", "gui", "gui/src"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// Every name the project's Rust code defines: items after their keyword, enum variants (an
/// identifier opening a line and followed by `(`, `{`, `,` or `=`), and module names from files
/// and folders.
fn defined_names() -> BTreeSet<String> {
    let root = root();
    let mut files = Vec::new();
    for dir in ["sim/src", "sim/benches", "gui/src", "gui/tests", "tests"] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut names = BTreeSet::new();
    let keywords = [
        "struct", "enum", "trait", "fn", "mod", "const", "type", "static",
    ];
    for file in &files {
        for part in [file.file_stem(), file.parent().and_then(Path::file_name)]
            .into_iter()
            .flatten()
        {
            names.insert(part.to_string_lossy().into_owned());
        }
        let text = std::fs::read_to_string(file).expect("a source file");
        for line in text.lines() {
            let words: Vec<&str> = line
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .collect();
            for pair in words.windows(2) {
                if keywords.contains(&pair[0]) {
                    names.insert(pair[1].to_string());
                }
            }
            let trimmed = line.trim_start();
            let ident: String = trimmed
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let rest = trimmed[ident.len()..].trim_start();
            if !ident.is_empty() && rest.starts_with(['(', '{', ',', '=']) {
                names.insert(ident);
            }
        }
    }
    names
}

/// The backticked spans of `text` outside fenced code blocks, with their line numbers.
fn spans(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut parts = line.split('`');
        parts.next();
        while let (Some(inside), Some(_)) = (parts.next(), parts.next()) {
            out.push((i + 1, inside.to_string()));
        }
    }
    out
}

const EXTENSIONS: &[&str] = &[
    ".rs", ".md", ".ron", ".sh", ".py", ".csv", ".toml", ".svg", ".png", ".json", ".html",
];

/// A span that names a repository file or folder: no spaces or wildcards, a slash, and a known
/// extension or a trailing slash. Output folders of example commands are not in the repository.
fn as_path(span: &str) -> Option<&str> {
    let span = span.strip_prefix("./").unwrap_or(span);
    let plain = !span.contains([' ', '*', '<', '>', '$', '{', '=', ':']);
    let output = [
        "out/",
        "shards/",
        "merged/",
        "whole/",
        "logs/",
        "sweep_shards/",
        "calibration/",
        "calibration_shards/",
    ]
    .iter()
    .any(|o| span.starts_with(o));
    let named = EXTENSIONS.iter().any(|e| span.ends_with(e)) || span.ends_with('/');
    (plain && !output && span.contains('/') && named).then_some(span)
}

/// A span that is a Rust path (`a::b`, optionally called: `a::b()`) or a lone type-like name.
fn as_rust(span: &str) -> Option<Vec<&str>> {
    let name = span.strip_suffix("()").unwrap_or(span);
    let ident = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    let segments: Vec<&str> = name.split("::").collect();
    if !segments.iter().all(|s| ident(s)) {
        return None;
    }
    let type_like = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().any(|c| c.is_lowercase())
    };
    (segments.len() > 1 || type_like(name)).then_some(segments)
}

#[test]
fn docs_name_only_files_modules_and_types_that_exist() {
    let root = root();
    let names = defined_names();
    let mut docs = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .flatten()
    {
        if entry.path().extension().is_some_and(|x| x == "md") {
            docs.push(entry.path());
        }
    }
    docs.sort();
    let mut missing = Vec::new();
    for doc in &docs {
        let text = std::fs::read_to_string(doc).expect("a doc");
        let file = doc.strip_prefix(&root).unwrap_or(doc).display().to_string();
        for (line, span) in spans(&text) {
            if let Some(path) = as_path(&span) {
                if !PATH_ROOTS.iter().any(|r| root.join(r).join(path).exists()) {
                    missing.push(format!("{file}:{line}: no file or folder `{path}`"));
                }
            } else if let Some(segments) = as_rust(&span) {
                if CRATES.contains(&segments[0]) || EXTERNAL.contains(&segments[0]) {
                    continue;
                }
                let unknown: Vec<&&str> = segments
                    .iter()
                    .filter(|s| {
                        !names.contains(**s)
                            && !["caseload", "caseload_gui", "crate", "self", "super", "Self"]
                                .contains(*s)
                    })
                    .collect();
                if !unknown.is_empty() {
                    missing.push(format!(
                        "{file}:{line}: `{span}` names {unknown:?}, defined nowhere in the code"
                    ));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs name what does not exist:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_check_finds_a_missing_file_a_missing_type_and_nothing_in_code_blocks() {
    let names = defined_names();
    assert!(names.contains("Replications") && names.contains("Parameters"));
    assert_eq!(
        as_path("sim/src/engine/gone.rs"),
        Some("sim/src/engine/gone.rs")
    );
    assert_eq!(as_path("out/results.csv"), None);
    assert_eq!(as_path("a sentence with /slashes.md"), None);
    assert_eq!(
        as_rust("engine::rng::Process"),
        Some(vec!["engine", "rng", "Process"])
    );
    assert_eq!(as_rust("NoSuchType"), Some(vec!["NoSuchType"]));
    assert!(!names.contains("NoSuchType"));
    assert_eq!(as_rust("hv_wte"), None);
    let text = "see `a/b.rs`\n```\n`c/d.rs`\n```\nand `E::f()`";
    assert_eq!(
        spans(text),
        vec![(1, "a/b.rs".to_string()), (5, "E::f()".to_string())]
    );
}
