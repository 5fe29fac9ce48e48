//! Citations: every short name the project uses is defined in docs/sources.md, and nothing points
//! at a file outside the repository, which a user of the project does not have.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// All-capital words that are neither sources nor domain abbreviations: computing and file terms,
/// units, placeholders in command synopses, and file and constant names.
const COMMON: &[&str] = &[
    // Computing and file formats.
    "API",
    "ASCII",
    "CI",
    "CLI",
    "CPU",
    "CSS",
    "CSV",
    "DOCTYPE",
    "HTML",
    "IEEE",
    "ISO",
    "JSON",
    "NFS",
    "PNG",
    "POSIX",
    "RNG",
    "RON",
    "SHA-256",
    "SIGINT",
    "SIGKILL",
    "SIGTERM",
    "SVG",
    "UI",
    "UTF-8",
    "XDG",
    "GB",
    "MB",
    "KB",
    "GIB",
    "MIB",
    // Placeholders in command synopses and file names.
    "ALL",
    "CITY",
    "DIR",
    "DISTRICT",
    "FILE",
    "METRIC",
    "NAME",
    "OP",
    "OUT",
    "PATH",
    "REPS",
    "SCENARIO",
    "SHARDS",
    "VARY",
    "SEED",
    "VALUE",
    "TARGET",
    "XXXXXX",
    "YYYY-MM",
    "YYYY-MM-DD",
    "KR",
    // Dockerfile and Slurm words.
    "AS",
    "COPY",
    "ENTRYPOINT",
    "FROM",
    "RUN",
    "WORKDIR",
    "PWD",
    "SBATCH",
    // Files and constants named in comments.
    "ARCHITECTURE",
    "README",
    "BASELINE",
    "PERCENTILES",
    "MAX",
    "MIN",
    "NOT",
    "ROUND",
    "SAMPLE",
    "TRIES",
    "GENERATED",
    "COMMON",
];

/// The repository's root.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The short names and abbreviations docs/sources.md defines: the first, backticked column of
/// the tables under its `## Sources` and `## Abbreviations` headings.
fn defined() -> (BTreeSet<String>, BTreeSet<String>) {
    let text = read(&root().join("docs/sources.md"));
    let (mut sources, mut abbreviations) = (BTreeSet::new(), BTreeSet::new());
    let mut into = None;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            into = match heading.trim() {
                "Sources" => Some(&mut sources),
                "Abbreviations" => Some(&mut abbreviations),
                _ => None,
            };
            continue;
        }
        let Some(set) = into.as_deref_mut() else {
            continue;
        };
        if let Some(name) = line
            .strip_prefix("| `")
            .and_then(|rest| rest.split_once('`'))
            .map(|(name, _)| name)
        {
            assert!(set.insert(name.to_string()), "{name} is defined twice");
        }
    }
    (sources, abbreviations)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `dir` (recursively) whose name ends with one of `extensions`, skipping build
/// output and hidden folders.
fn files(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                found.extend(files(&path, extensions));
            }
        } else if extensions.iter().any(|e| name.ends_with(e)) {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// The project's text files: docs, scenarios, assets, code, tests, scripts and CI.
fn project_files() -> Vec<PathBuf> {
    let root = root();
    let mut all = vec![root.join("README.md"), root.join(".ci/run")];
    let text = [".md", ".ron", ".rs", ".sh", ".csv", ".toml"];
    for dir in [
        "docs",
        "scenarios",
        "assets",
        "sim",
        "gui",
        "tests",
        "scripts",
    ] {
        all.extend(files(&root.join(dir), &text));
    }
    all.push(root.join("Cargo.toml"));
    all
}

/// The prose of a file where citations are written: comments of code and scenarios, and
/// markdown outside code blocks and code spans.
fn prose(path: &Path, text: &str) -> String {
    let name = path.to_string_lossy();
    if name.ends_with(".md") {
        let mut out = String::new();
        let mut fenced = false;
        for line in text.lines() {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
                continue;
            }
            if !fenced {
                // Code spans: every other backtick-delimited piece.
                out.extend(line.split('`').step_by(2).flat_map(|s| [s, " "]));
                out.push('\n');
            }
        }
        out
    } else {
        text.lines()
            .filter_map(|l| l.split_once("//").map(|(_, comment)| comment))
            .flat_map(|c| c.split('`').step_by(2).flat_map(|s| [s, " "]).chain(["\n"]))
            .collect()
    }
}

/// All-capital words of `text` with at least two capital letters (`SEED-PR`, `WTE`, `P10-P90`
/// but not `C2`, `C8i` or `RAYON_NUM_THREADS`), with their line.
fn capital_words(text: &str) -> Vec<(usize, String)> {
    let mut words = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let separator = |c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_');
        // Identifiers such as RAYON_NUM_THREADS are names in code, not citations.
        for word in line.split(separator).filter(|w| !w.contains('_')) {
            let word = word.trim_matches('-');
            let capitals = word.chars().filter(char::is_ascii_uppercase).count();
            let all_capital = word
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
            let starts = word.starts_with(|c: char| c.is_ascii_uppercase());
            if capitals >= 2 && all_capital && starts {
                words.push((i + 1, word.to_string()));
            }
        }
    }
    words
}

#[test]
fn no_path_leads_outside_the_repository() {
    // Built from pieces so this file does not match itself.
    let outside = [
        format!("..{}shared", '/'),
        format!("{}work{}", '/', '/'),
        format!("shared{}seeds", '/'),
        format!("shared{}DESIGN", '/'),
        format!("{}{}.md", "TOOL", "CHAIN"),
    ];
    let mut found = Vec::new();
    for path in project_files() {
        let text = read(&path);
        for (i, line) in text.lines().enumerate() {
            for o in &outside {
                if line.contains(o.as_str()) {
                    found.push(format!("{}:{}: {line}", path.display(), i + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "paths outside the repository:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_short_name_used_is_defined_in_sources_md() {
    let (sources, abbreviations) = defined();
    assert!(
        sources.contains("SEED-PR") && sources.contains("OHID-Q1"),
        "{sources:?}"
    );
    assert!(abbreviations.contains("WTE"), "{abbreviations:?}");
    let clash: Vec<_> = sources.intersection(&abbreviations).collect();
    assert!(
        clash.is_empty(),
        "both a source and an abbreviation: {clash:?}"
    );
    let known = |w: &str| sources.contains(w) || abbreviations.contains(w) || COMMON.contains(&w);
    let mut unknown = Vec::new();
    for path in project_files() {
        let text = read(&path);
        for (line, word) in capital_words(&prose(&path, &text)) {
            // A hyphenated word stands if it is defined whole or each of its parts is.
            let parts_known = word
                .split('-')
                .filter(|p| p.chars().filter(char::is_ascii_uppercase).count() >= 2)
                .all(known);
            if !known(&word) && !parts_known {
                unknown.push(format!("{}:{line}: {word}", path.display()));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "short names used but not defined in docs/sources.md (add the source or abbreviation \
         there):\n{}",
        unknown.join("\n")
    );
}
