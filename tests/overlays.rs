//! Scenario overlays: a file that `extends` another gives only what differs. The merged scenario
//! is the base with exactly those changes; every error is reported in the file, line and column
//! where the offending value was written, overlay or base.

use std::path::{Path, PathBuf};

use caseload::load::{self, LoadError, load_file, load_str};
use caseload::locate::Position;
use caseload::scenario::{District, Offset, Scenario};
use tempfile::TempDir;

use crate::binary::{assert_exit, caseload, ok, sha256_hex};
use crate::common::scenarios_dir;
use crate::located_problems::value_position;

/// The shipped baseline's file name, as overlays name it.
const BASELINE: &str = "birmingham_baseline.ron";

/// A temporary directory holding a copy of the shipped baseline; and its path there.
fn with_baseline() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let shipped = scenarios_dir().join(BASELINE);
    let base = dir.path().join(BASELINE);
    std::fs::copy(shipped, &base).expect("the baseline is copied");
    (dir, base)
}

/// Writes `text` to `name` under `dir` (creating folders) and returns its path.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("a folder");
    }
    std::fs::write(&path, text).expect("written");
    path
}

/// The scenario the plain file at `path` holds.
fn scenario(path: &Path) -> Scenario {
    load_file(path).unwrap_or_else(|e| panic!("{e}")).scenario
}

/// Loads `path`, which must load, and returns its scenario.
fn loads(path: &Path) -> load::Loaded {
    load_file(path).unwrap_or_else(|e| panic!("expected {} to load, but:\n{e}", path.display()))
}

/// Loads `path`, which must fail, and returns the error.
fn fails(path: &Path) -> LoadError {
    match load_file(path) {
        Err(e) => e,
        Ok(_) => panic!("expected {} to fail", path.display()),
    }
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

/// The district with `id`.
fn district<'a>(s: &'a mut Scenario, id: &str) -> &'a mut District {
    s.districts
        .iter_mut()
        .find(|d| d.id == id)
        .expect("the district exists")
}

/// A whole new district, as an overlay writes it.
const NEWTOWN: &str = "(
            id: \"newtown\",
            name: \"Newtown\",
            children_by_age: [500, 500, 500, 500, 500],
            births_per_year: 480.0,
            need_mix: {\"universal\": 0.8, \"universal_plus\": 0.2},
            staff: {\"health_visitor\": 4.0, \"nursery_nurse\": 1.0},
        )";

#[test]
fn an_overlay_changes_exactly_what_it_writes() {
    let (dir, base) = with_baseline();
    let text = format!(
        "// Ladywood fully staffed, better new-birth uptake, a new district, six years.
Scenario(
    extends: \"{BASELINE}\",
    calendar: (months: 72),
    reviews: [(id: \"new_birth\", uptake: 0.95)],
    districts: [
        (id: \"ladywood\", staff: {{\"health_visitor\": 32.0}}),
        {NEWTOWN},
    ],
)
"
    );
    let overlay = write(dir.path(), "ladywood.ron", &text);
    let loaded = loads(&overlay);

    let mut expected = scenario(&base);
    expected.calendar.months = 72;
    let review = expected.reviews.iter_mut().find(|r| r.id == "new_birth");
    review.expect("the base has a new birth visit").uptake = 0.95;
    let staff = &mut district(&mut expected, "ladywood").staff;
    staff.insert("health_visitor".into(), 32.0);
    let newtown: District = ron::from_str(NEWTOWN).expect("a district");
    expected.districts.push(newtown);
    assert_eq!(loaded.scenario, expected);

    assert_eq!(loaded.source, shown(&overlay));
    assert_eq!(loaded.sources, [shown(&overlay), shown(&base)]);
    // The text is what was run: the merged scenario, complete and without `extends`.
    let reparsed = load::parse("merged", &loaded.text).expect("the merged text parses");
    assert_eq!(reparsed, expected);
    assert!(!loaded.text.contains("extends"), "{}", loaded.text);
    assert_eq!(loaded.model.districts.len(), 11);
    // A plain file is read as before: its one source and its own text.
    let plain = loads(&base);
    assert_eq!(plain.sources, [shown(&base)]);
    assert_eq!(
        plain.text,
        std::fs::read_to_string(&base).expect("readable")
    );
}

#[test]
fn variants_replace_the_base_value_whole() {
    let (dir, base) = with_baseline();
    let text = format!(
        "(extends: \"{BASELINE}\", reviews: [(id: \"antenatal\", opens: Weeks(-10)), \
         (id: \"new_birth\", target: None)], population: (leave_at: FifthBirthday))"
    );
    let loaded = loads(&write(dir.path(), "variants.ron", &text));
    let mut expected = scenario(&base);
    expected.reviews[0].opens = Offset::Weeks(-10);
    expected.reviews[1].target = None;
    expected.population.leave_at = caseload::scenario::LeaveAt::FifthBirthday;
    assert_eq!(loaded.scenario, expected);

    // A struct-like variant is replaced, not merged: `day` is not taken from the base's.
    let text = format!(
        "(\n    extends: \"{BASELINE}\",\n    population: (leave_at: SchoolEntry(month: 8)),\n)"
    );
    let overlay = write(dir.path(), "school.ron", &text);
    let LoadError::Syntax {
        path,
        line,
        col,
        message,
    } = fails(&overlay)
    else {
        panic!("expected a syntax error");
    };
    assert_eq!(path, shown(&overlay));
    assert_eq!(
        Position { line, col },
        value_position(&text, "leave_at: SchoolEntry", 0)
    );
    assert!(message.contains("field named `day`"), "{message}");
    assert!(
        message.contains("replaces an enum variant whole"),
        "{message}"
    );
}

#[test]
fn lists_with_ids_merge_by_id_keeping_order_and_appending() {
    let (dir, base) = with_baseline();
    let text = format!(
        "(extends: \"{BASELINE}\", districts: [(id: \"yardley\", births_per_year: 1800.0), \
         {NEWTOWN}, (id: \"edgbaston\", name: \"Edgbaston (central)\")], \
         roles: [(id: \"staff_nurse\", contact_share: 0.6)], \
         calendar: (working_days: [Mon, Tue, Wed, Thu]))"
    );
    let loaded = loads(&write(dir.path(), "order.ron", &text));
    let base = scenario(&base);
    let ids = |s: &Scenario| s.districts.iter().map(|d| d.id.clone()).collect::<Vec<_>>();
    let mut expected_ids = ids(&base);
    expected_ids.push("newtown".into());
    let got = &loaded.scenario;
    assert_eq!(ids(got), expected_ids);
    assert_eq!(got.districts[0].name, "Edgbaston (central)");
    assert_eq!(
        got.districts[0].births_per_year,
        base.districts[0].births_per_year
    );
    assert_eq!(got.districts[9].births_per_year, 1800.0);
    assert_eq!(got.districts[9].staff, base.districts[9].staff);
    assert_eq!(got.roles.len(), base.roles.len());
    assert_eq!(got.roles[1].contact_share, 0.6);
    assert_eq!(got.roles[1].annual_cost, base.roles[1].annual_cost);
    // A list without ids is replaced whole.
    use caseload::scenario::Weekday::*;
    assert_eq!(got.calendar.working_days, [Mon, Tue, Wed, Thu]);
    assert_eq!(got.calendar.bank_holidays, base.calendar.bank_holidays);
}

#[test]
fn a_chain_of_overlays_applies_each_in_turn() {
    let (dir, base) = with_baseline();
    let mid = format!(
        "(extends: \"../{BASELINE}\", name: \"Middle\", calendar: (months: 66), \
         reviews: [(id: \"new_birth\", uptake: 0.9)])"
    );
    let mid = write(dir.path(), "sub/mid.ron", &mid);
    let top = "(extends: \"sub/mid.ron\", calendar: (months: 72))";
    let top = write(dir.path(), "top.ron", top);
    let loaded = loads(&top);
    let mut expected = scenario(&base);
    expected.name = "Middle".into();
    expected.calendar.months = 72;
    expected.reviews[1].uptake = 0.9;
    assert_eq!(loaded.scenario, expected);
    let via = dir.path().join("sub").join("..").join(BASELINE);
    assert_eq!(loaded.sources, [shown(&top), shown(&mid), shown(&via)]);
}

#[test]
fn cycles_long_chains_and_missing_bases_are_clear_errors() {
    let (dir, base) = with_baseline();
    let a = write(dir.path(), "a.ron", "(extends: \"b.ron\", name: \"A\")");
    let b = write(dir.path(), "b.ron", "(\n    extends: \"a.ron\",\n)");
    let e = fails(&a);
    let message = e.to_string();
    let LoadError::Base {
        path,
        line,
        col,
        base: written,
        reason,
    } = e
    else {
        panic!("expected a base error, got {message}");
    };
    assert_eq!(
        (path, line, col, written.as_str()),
        (shown(&b), 2, 14, "a.ron")
    );
    let chain = format!("{} -> {} -> {}", shown(&a), shown(&b), shown(&a));
    assert!(
        reason.contains("extend each other") && reason.contains(&chain),
        "{reason}"
    );
    assert!(
        message.starts_with(&format!("{}:2:14: extends: ", shown(&b))),
        "{message}"
    );
    let own = write(dir.path(), "self.ron", "(extends: \"self.ron\")");
    assert!(fails(&own).to_string().contains("extend each other"));

    let missing = write(
        dir.path(),
        "missing.ron",
        "(extends: \"nowhere.ron\", name: \"M\")",
    );
    let message = fails(&missing).to_string();
    let expected = format!(
        "{}:1:11: extends: cannot use the base scenario \"nowhere.ron\": {}: ",
        shown(&missing),
        shown(&dir.path().join("nowhere.ron"))
    );
    assert!(message.starts_with(&expected), "{message}");
    let folder = write(dir.path(), "folder.ron", "(extends: \".\")");
    assert!(fails(&folder).to_string().contains("is a directory"));

    // Eight steps of `extends` are followed; a ninth is refused.
    assert_eq!(load::MAX_EXTENDS, 8);
    let mut top = base;
    for k in 1..=8 {
        let text = format!(
            "(extends: {:?}, calendar: (months: {}))",
            file_name(&top),
            60 + k
        );
        top = write(dir.path(), &format!("level{k}.ron"), &text);
    }
    assert_eq!(loads(&top).scenario.calendar.months, 68);
    assert_eq!(loads(&top).sources.len(), 9);
    let text = format!("(extends: {:?})", file_name(&top));
    let deeper = write(dir.path(), "level9.ron", &text);
    let message = fails(&deeper).to_string();
    assert!(
        message.contains("more than 8 levels of `extends`"),
        "{message}"
    );
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .and_then(|n| n.to_str())
        .expect("a file name")
        .to_string()
}

#[test]
fn a_problem_in_a_value_the_overlay_wrote_is_located_in_the_overlay() {
    let (dir, _) = with_baseline();
    let text = format!(
        "Scenario(\n    extends: \"{BASELINE}\",\n    reviews: [\n        (id: \"new_birth\", \
         uptake: 1.2),\n    ],\n)\n"
    );
    let overlay = write(dir.path(), "bad.ron", &text);
    let e = fails(&overlay);
    let shown_error = e.to_string();
    let LoadError::Invalid { path, problems } = e else {
        panic!("expected validation problems, got {shown_error}");
    };
    assert_eq!(path, shown(&overlay));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let p = &problems[0];
    assert_eq!(p.field.to_string(), "reviews[1].uptake");
    assert_eq!(p.file, shown(&overlay));
    let Position { line, col } = value_position(&text, "uptake: 1.2", 0);
    assert_eq!(p.position, Some(Position { line, col }));
    let first = format!(
        "{}:{line}:{col}: reviews[1].uptake: must be a probability in [0, 1], found 1.2",
        shown(&overlay)
    );
    let last = format!(
        "{}: 1 problem found; the scenario was not run",
        shown(&overlay)
    );
    assert_eq!(shown_error.lines().collect::<Vec<_>>(), [first, last]);
}

#[test]
fn a_problem_in_a_value_the_base_wrote_is_located_in_the_base() {
    let (dir, base) = with_baseline();
    let good = std::fs::read_to_string(&base).expect("readable");
    let bad = good.replacen("uptake: 0.99,", "uptake: 1.5,", 1);
    let base = write(dir.path(), "bad_base.ron", &bad);
    let text =
        "(\n    extends: \"bad_base.ron\",\n    reviews: [(id: \"antenatal\", uptake: 2.0)],\n)";
    let overlay = write(dir.path(), "over.ron", text);
    let LoadError::Invalid { path, problems } = fails(&overlay) else {
        panic!("expected validation problems");
    };
    assert_eq!(path, shown(&overlay));
    let found: Vec<_> = problems
        .iter()
        .map(|p| (p.field.to_string(), p.file.clone(), p.position))
        .collect();
    // The overlay's problem first, then the base's, each where it was written.
    let expected = [
        (
            "reviews[0].uptake".to_string(),
            shown(&overlay),
            Some(value_position(text, "uptake: 2.0", 0)),
        ),
        (
            "reviews[1].uptake".to_string(),
            shown(&base),
            Some(value_position(&bad, "uptake: 1.5", 0)),
        ),
    ];
    assert_eq!(found, expected);
    let message = fails(&overlay).to_string();
    let Position { line, col } = value_position(&bad, "uptake: 1.5", 0);
    let located = format!("{}:{line}:{col}: reviews[1].uptake: ", shown(&base));
    assert!(message.contains(&located), "{message}");
    let count = format!(
        "{}: 2 problems found; the scenario was not run",
        shown(&overlay)
    );
    assert_eq!(message.lines().last(), Some(count.as_str()));
}

/// Loads `path`, which must fail to parse, and returns the file, position and message.
fn syntax(path: &Path) -> (String, Position, String) {
    match fails(path) {
        LoadError::Syntax {
            path,
            line,
            col,
            message,
        } => (path, Position { line, col }, message),
        e => panic!("expected a syntax error, got {e}"),
    }
}

#[test]
fn type_errors_point_at_the_file_that_wrote_the_value() {
    let (dir, base) = with_baseline();
    let text = format!("(\n    extends: \"{BASELINE}\",\n    calendar: (months: \"ten\"),\n)");
    let overlay = write(dir.path(), "ten.ron", &text);
    let (file, position, message) = syntax(&overlay);
    assert_eq!(file, shown(&overlay));
    assert_eq!(position, value_position(&text, "months: \"ten\"", 0));
    assert!(message.contains("integer"), "{message}");

    let text = format!("(extends: \"{BASELINE}\", calendar: (monthz: 24))");
    let overlay = write(dir.path(), "typo.ron", &text);
    let (file, position, message) = syntax(&overlay);
    assert_eq!(
        (file, position),
        (shown(&overlay), value_position(&text, "monthz", 0))
    );
    assert!(
        message.contains("Unexpected field named `monthz`"),
        "{message}"
    );

    // A bad value the overlay inherits is reported in the base, naming the overlay.
    let good = std::fs::read_to_string(&base).expect("readable");
    let bad = good.replacen("months: 60,", "months: \"sixty\",", 1);
    let bad_base = write(dir.path(), "sixty.ron", &bad);
    let overlay = write(
        dir.path(),
        "inherits.ron",
        "(extends: \"sixty.ron\", name: \"I\")",
    );
    let (file, position, message) = syntax(&overlay);
    assert_eq!(
        (file, position),
        (
            shown(&bad_base),
            value_position(&bad, "months: \"sixty\"", 0)
        )
    );
    assert!(message.contains("inherits.ron inherits)"), "{message}");

    // A field no file in the chain sets: at the overlay, saying so.
    let text = "(extends: \"partial.ron\", calendar: (months: 12))";
    write(
        dir.path(),
        "partial.ron",
        "Scenario(calendar: (start: \"2024-01-01\"))",
    );
    let overlay = write(dir.path(), "incomplete.ron", text);
    let (file, position, message) = syntax(&overlay);
    assert_eq!(
        (file, position),
        (shown(&overlay), Position { line: 1, col: 1 })
    );
    assert!(message.contains("missing field named `name`"), "{message}");
    assert!(message.contains("not set in"), "{message}");
}

#[test]
fn syntax_errors_are_reported_in_the_file_that_has_them() {
    let (dir, base) = with_baseline();
    let text =
        format!("(\n    extends: \"{BASELINE}\",\n    calendar: (months: 24)\n    name: \"x\",\n)");
    let overlay = write(dir.path(), "comma.ron", &text);
    let (file, position, message) = syntax(&overlay);
    assert_eq!(
        (file, position),
        (shown(&overlay), Position { line: 4, col: 5 })
    );
    assert!(message.contains("comma"), "{message}");

    let good = std::fs::read_to_string(&base).expect("readable");
    let broken = write(
        dir.path(),
        "broken.ron",
        &good.replacen("months: 60,", "months: 60", 1),
    );
    let overlay = write(
        dir.path(),
        "over.ron",
        "(extends: \"broken.ron\", name: \"x\")",
    );
    let plain = syntax(&broken);
    assert_eq!(syntax(&overlay), plain);
    assert_eq!(plain.0, shown(&broken));
}

#[test]
fn text_without_a_file_cannot_be_an_overlay() {
    let text = "Scenario(\n    extends: \"birmingham_baseline.ron\",\n    name: \"x\",\n)";
    let e = load_str("given.ron", text).expect_err("refused");
    let message = e.to_string();
    let LoadError::Invalid { path, problems } = e else {
        panic!("expected a located problem, got {message}");
    };
    assert_eq!(path, "given.ron");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field.to_string(), "extends");
    assert_eq!(problems[0].position, Some(Position { line: 2, col: 14 }));
    assert!(message.starts_with("given.ron:2:14: extends: an overlay must be loaded from a file"));
}

#[test]
fn the_command_line_validates_and_runs_overlays() {
    let (dir, _) = with_baseline();
    let text = format!(
        "(extends: \"{BASELINE}\", calendar: (months: 12, bank_holidays: [\"2019-12-25\"]), \
         districts: [(id: \"ladywood\", staff: {{\"health_visitor\": 32.0}})])"
    );
    let overlay = write(dir.path(), "year.ron", &text);
    let arg = shown(&overlay);
    let out = ok(&caseload(dir.path(), &["validate", &arg]));
    assert!(out.contains(&format!("{arg}: ok (")), "{out}");
    assert!(out.contains("10 districts, 12 months"), "{out}");

    let out_dir = dir.path().join("out");
    let args = [
        "run",
        &arg,
        "--reps",
        "1",
        "--quiet",
        "--out",
        &shown(&out_dir),
    ];
    ok(&caseload(dir.path(), &args));
    let json = std::fs::read_to_string(out_dir.join("run.json")).expect("run.json");
    let record: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(record["scenario"], arg.as_str());
    let merged = loads(&overlay).text;
    assert_eq!(record["scenario_sha256"], sha256_hex(merged.as_bytes()));

    let bad = format!("(extends: \"{BASELINE}\",\n  calendar: (months: 0))");
    let bad = write(dir.path(), "zero.ron", &bad);
    let err = assert_exit(&caseload(dir.path(), &["validate", &shown(&bad)]), 2);
    let located = format!(
        "{}:2:22: calendar.months: must be 1 to 360 months",
        shown(&bad)
    );
    assert!(err.contains(&located), "{err}");
}
