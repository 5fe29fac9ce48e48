//! The scenario editor driven headless by egui_kittest: bad files show their message, edits are
//! checked beside their field, valid scenarios go to the forecasts, unsaved edits are guarded,
//! files round-trip and recent files persist. More flows: `editor/` (map keys renamed and list
//! elements moved, Save as asking before it overwrites, overlays showing what they inherit).

use std::path::{Path, PathBuf};

use caseload::load;
use caseload_gui::editor::{CloseDecision, Editor, EditorEvent, EditorState};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod overlays;
mod overwrite;
mod reshape;
mod typing;

/// The editor in a window, with what it reported.
struct Host {
    editor: Editor,
    applied: Vec<EditorEvent>,
    closed: bool,
}

fn harness(state: EditorState) -> Harness<'static, Host> {
    let baseline = load::baseline().expect("the embedded baseline loads");
    let host = Host {
        editor: Editor::new(&baseline, state),
        applied: Vec::new(),
        closed: false,
    };
    Harness::builder()
        .with_size(egui::vec2(1200.0, 1400.0))
        .build_ui_state(
            |ui, host: &mut Host| {
                if let Some(event) = host.editor.show(ui) {
                    host.applied.push(event);
                }
                if host.editor.close_guard(ui) == CloseDecision::Close {
                    host.closed = true;
                }
            },
            host,
        )
}

/// A file in `dir` with `text`.
fn file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("a temp file");
    path
}

/// Opens the first district's section of the form (sections stay open across files).
fn open_first_district(h: &mut Harness<'static, Host>) {
    if h.query_by_label("births_per_year").is_some() {
        return;
    }
    if h.query_by_label_contains("[0] ").is_none() {
        h.get_by_label("districts (10)").click();
        h.run();
    }
    h.get_by_label_contains("[0] ").click();
    h.run();
}

/// Types `value` into the first district's births per year.
fn set_births(h: &mut Harness<'static, Host>, value: &str) {
    h.get_by_label("births_per_year")
        .set_text_value_accesskit(value);
    h.run();
}

#[test]
fn a_bad_file_shows_its_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(EditorState::default());
    h.run();

    // A syntax error: the message names the file and line, and the text is shown to fix.
    let bad = file(
        dir.path(),
        "bad.ron",
        "Scenario(\n    name: \"Bad\",\n    calendar: (start: \"2019-01-01\" months: 12),\n)\n",
    );
    h.state_mut().editor.open(&bad);
    h.run();
    let shown = format!("{}:3:", bad.display());
    assert!(
        h.query_all_by_label_contains(&shown).count() >= 1,
        "{:?}",
        h.state().editor.problems()
    );
    h.get_by_label("Scenario RON text");
    assert!(!h.state().editor.is_dirty());
    assert!(h.state().editor.loaded().is_none());

    // A value of the wrong type: shown beside its field in the form, with the line.
    let text = load::BASELINE.replacen("months: 60", "months: \"sixty\"", 1);
    let wrong = file(dir.path(), "wrong.ron", &text);
    h.state_mut().editor.open(&wrong);
    h.run();
    let problems = h.state().editor.problems();
    let line = 1 + text[..text.find("months: \"sixty\"").unwrap()]
        .matches('\n')
        .count();
    assert!(
        problems[0].starts_with(&format!("{}:{line}:", wrong.display())),
        "{problems:?}"
    );
    h.get_by_label_contains("calendar (1 problem)").click();
    h.run();
    h.get_by_label_contains(&format!("Problem: calendar.months: line {line}"));

    // A missing file: a clear message; the scenario on screen is kept.
    let missing = dir.path().join("missing.ron");
    h.state_mut().editor.open(&missing);
    h.run();
    let notice = h.state().editor.notice().unwrap_or_default().to_string();
    assert!(
        notice.contains("missing.ron: cannot open the scenario"),
        "{notice}"
    );
    h.get_by_label_contains("cannot open the scenario");
    assert_eq!(h.state().editor.path(), Some(wrong.as_path()));

    // Not UTF-8.
    let latin1 = dir.path().join("latin1.ron");
    std::fs::write(&latin1, b"Scenario(name: \"caf\xe9\")").unwrap();
    h.state_mut().editor.open(&latin1);
    h.run();
    h.get_by_label_contains("latin1.ron: cannot open the scenario: it is not UTF-8 text");
}

#[test]
fn editing_a_field_is_checked_beside_it() {
    let mut h = harness(EditorState::default());
    h.run();
    assert!(!h.state().editor.is_dirty());
    h.get_by_label("Valid scenario");
    open_first_district(&mut h);

    set_births(&mut h, "-100");
    assert!(h.state().editor.is_dirty());
    h.get_by_label("1 problem");
    h.get_by_label(
        "Problem: districts[0].births_per_year: must be a finite number >= 0, found -100",
    );
    assert!(h.state().editor.loaded().is_none());
    assert!(h.state().editor.text().contains("births_per_year: -100,"));

    // Not a number yet: kept as typed, not written, flagged.
    set_births(&mut h, "12.");
    h.get_by_label_contains("births_per_year: expected a number");

    set_births(&mut h, "1500.5");
    h.get_by_label("Valid scenario");
    assert_eq!(
        h.query_all_by_label_contains("Problem: districts[0]")
            .count(),
        0,
        "the problem is gone"
    );
    let loaded = h.state().editor.loaded().expect("valid again");
    assert_eq!(loaded.scenario.districts[0].births_per_year, 1500.5);
    // Only the value changed: comments and layout are as they were.
    let text = h.state().editor.text().to_string();
    let before = load::BASELINE.lines().count();
    assert_eq!(text.lines().count(), before);
    assert!(text.starts_with("// Birmingham Forward Steps, January 2019"));
}

#[test]
fn apply_sends_the_edited_scenario() {
    let mut h = harness(EditorState::default());
    h.run();
    open_first_district(&mut h);
    set_births(&mut h, "1234.5");
    h.get_by_label("Use for forecasts").click();
    h.run();
    let [EditorEvent::Apply(loaded)] = &h.state().applied[..] else {
        panic!("one Apply event");
    };
    assert_eq!(loaded.scenario.districts[0].births_per_year, 1234.5);
    assert_eq!(loaded.model.districts.len(), 10);

    // With a problem, the button does nothing.
    set_births(&mut h, "-1");
    h.get_by_label("Use for forecasts").click();
    h.run();
    assert_eq!(h.state().applied.len(), 1);
}

#[test]
fn form_adds_fields_and_chooses_variants() {
    // The baseline without its budget, so the form can add one.
    let dir = tempfile::tempdir().unwrap();
    let budget = "    budget: (annual: 33000000.0, other_costs: 16300000.0, overspend: Report),\n";
    assert!(load::BASELINE.contains(budget));
    let path = file(
        dir.path(),
        "unbudgeted.ron",
        &load::BASELINE.replacen(budget, "", 1),
    );
    let mut h = harness(EditorState::default());
    h.state_mut().editor.open(&path);
    h.run();
    // Pick the other allocation policy from the enum's variants.
    h.get_by_label("allocation").click();
    h.run();
    h.get_by_label("DeadlineFirst").click();
    h.run();
    assert!(
        h.state()
            .editor
            .text()
            .contains("allocation: DeadlineFirst,")
    );
    let loaded = h.state().editor.loaded().expect("valid");
    assert_eq!(
        loaded.scenario.allocation,
        caseload::scenario::AllocationPolicy::DeadlineFirst
    );
    // An optional section the file leaves out: added with its required fields.
    assert!(loaded.scenario.budget.is_none());
    h.get_by_label("Add budget").click();
    h.run();
    assert!(
        h.state()
            .editor
            .text()
            .contains("    budget: (annual: 0.0),\n)")
    );
    let loaded = h.state().editor.loaded().expect("valid with a budget");
    assert_eq!(loaded.scenario.budget.as_ref().map(|b| b.annual), Some(0.0));

    // A list element copied with a fresh id, then removed again.
    let roles = loaded.scenario.roles.len();
    h.get_by_label(&format!("roles ({roles})")).click();
    h.run();
    let before_add = h.state().editor.text().to_string();
    h.get_by_label("Add to roles").click();
    h.run();
    let loaded = h.state().editor.loaded().expect("valid with the new role");
    let last = loaded.scenario.roles.last().expect("a role");
    let copied = &loaded.scenario.roles[roles - 1];
    assert_eq!(last.id, format!("{}_2", copied.id));
    h.get_by_label_contains(&format!("[{roles}] ")).click();
    h.run();
    h.get_by_label(&format!("Remove roles[{roles}]")).click();
    h.run();
    assert_eq!(
        h.state().editor.text(),
        before_add,
        "removing undoes adding"
    );
    assert_eq!(
        h.state()
            .editor
            .loaded()
            .expect("valid")
            .scenario
            .roles
            .len(),
        roles
    );
}

#[test]
fn unsaved_edits_prompt_before_open() {
    let dir = tempfile::tempdir().unwrap();
    let first = file(dir.path(), "first.ron", load::BASELINE);
    let other = file(
        dir.path(),
        "other.ron",
        &load::BASELINE.replace("months: 60", "months: 24"),
    );
    let mut h = harness(EditorState::default());
    h.state_mut().editor.open(&first);
    h.run();
    open_first_district(&mut h);
    set_births(&mut h, "999.0");
    assert!(h.state().editor.is_dirty());

    // Cancel: nothing changes.
    h.state_mut().editor.request_open(&other);
    h.run();
    let question = format!("You have unsaved edits to {}.", first.display());
    h.get_by_label(&question);
    h.get_by_label("Cancel and keep editing").click();
    h.run();
    assert!(h.query_by_label(&question).is_none());
    assert_eq!(h.state().editor.path(), Some(first.as_path()));
    assert!(h.state().editor.is_dirty());

    // Save: the edits are written, then the other file opens.
    h.state_mut().editor.request_open(&other);
    h.run();
    h.get_by_label("Save edits").click();
    h.run();
    assert_eq!(h.state().editor.path(), Some(other.as_path()));
    assert!(!h.state().editor.is_dirty());
    let written = std::fs::read_to_string(&first).unwrap();
    assert!(written.contains("births_per_year: 999.0,"));

    // Discard: the edits are dropped, the file opens, nothing is written.
    open_first_district(&mut h);
    set_births(&mut h, "111.0");
    h.get_by_label("File path")
        .set_text_value_accesskit(&first.display().to_string());
    h.run();
    h.get_by_label("Open path").click();
    h.run();
    h.get_by_label(&format!("You have unsaved edits to {}.", other.display()));
    h.get_by_label("Discard edits").click();
    h.run();
    assert_eq!(h.state().editor.path(), Some(first.as_path()));
    assert!(!h.state().editor.is_dirty());
    let other_text = std::fs::read_to_string(&other).unwrap();
    assert!(!other_text.contains("111.0"));
}

#[test]
fn unsaved_edits_prompt_before_closing() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(EditorState::default());
    h.run();
    // Nothing to lose: closing goes ahead.
    assert!(h.state_mut().editor.request_close());

    open_first_district(&mut h);
    set_births(&mut h, "321.0");
    assert!(!h.state_mut().editor.request_close());
    h.run();
    h.get_by_label("You have unsaved edits to birmingham_baseline.ron.");
    h.get_by_label("Cancel and keep editing").click();
    h.run();
    assert!(!h.state().closed);

    // Save with no file yet: asks where; a failed save keeps the prompt open.
    assert!(!h.state_mut().editor.request_close());
    h.run();
    h.get_by_label("Save edits").click();
    h.run();
    h.get_by_label_contains("Type where to save it");
    assert!(!h.state().closed);
    let to = dir.path().join("saved.ron");
    h.get_by_label("Save to")
        .set_text_value_accesskit(&to.display().to_string());
    h.run();
    h.get_by_label("Save edits").click();
    h.run();
    assert!(h.state().closed, "closing goes ahead once saved");
    assert!(
        std::fs::read_to_string(&to)
            .unwrap()
            .contains("births_per_year: 321.0,")
    );

    // Discard also lets the window close.
    let mut h = harness(EditorState::default());
    h.run();
    open_first_district(&mut h);
    set_births(&mut h, "322.0");
    assert!(!h.state_mut().editor.request_close());
    h.run();
    h.get_by_label("Discard edits").click();
    h.run();
    assert!(h.state().closed);
    assert!(
        h.state_mut().editor.request_close(),
        "the next close request goes ahead"
    );
}

#[test]
fn save_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(EditorState::default());
    h.run();
    assert!(
        h.state_mut()
            .editor
            .save()
            .unwrap_err()
            .contains("has no file yet")
    );
    open_first_district(&mut h);
    set_births(&mut h, "4321.0");
    let before = h.state().editor.loaded().expect("valid").scenario.clone();
    let path = dir.path().join("edited.ron");
    h.state_mut().editor.save_as(&path).expect("saved");
    h.run();
    assert!(!h.state().editor.is_dirty());
    let text = h.state().editor.text().to_string();

    let mut again = harness(EditorState::default());
    again.state_mut().editor.open(&path);
    again.run();
    assert_eq!(again.state().editor.text(), text);
    assert_eq!(
        again.state().editor.loaded().expect("valid").scenario,
        before
    );
    assert!(text.contains("// SEED-SPEC"), "comments survive the form");

    // A save that cannot be written says why and leaves the edits unsaved.
    set_births(&mut h, "1.0");
    let nowhere = dir.path().join("no/such/folder/x.ron");
    let err = h.state_mut().editor.save_as(&nowhere).unwrap_err();
    assert!(err.contains("cannot save the scenario"), "{err}");
    assert!(h.state().editor.is_dirty());
    assert_eq!(h.state().editor.path(), Some(path.as_path()));
}

#[test]
fn recent_files_update_and_persist() {
    let dir = tempfile::tempdir().unwrap();
    let a = file(dir.path(), "a.ron", load::BASELINE);
    let b = file(dir.path(), "b.ron", load::BASELINE);
    let mut h = harness(EditorState::default());
    h.run();
    assert!(h.query_by_label_contains("Recent files").is_none());
    h.state_mut().editor.open(&a);
    h.state_mut().editor.open(&b);
    h.state_mut().editor.open(&a);
    let state = h.state().editor.state();
    assert_eq!(state.recent, vec![a.clone(), b.clone()]);
    assert_eq!(state.last_path.as_deref(), Some(a.as_path()));

    // Through serde, as the app persists it; a missing field takes its default.
    let saved = ron::to_string(&state).unwrap();
    let restored: EditorState = ron::from_str(&saved).unwrap();
    assert_eq!(restored, state);
    let partial: EditorState = ron::from_str("(recent: [])").unwrap();
    assert_eq!(partial, EditorState::default());

    let mut h = harness(restored);
    h.run();
    h.get_by_label("Recent files (2)").click();
    h.run();
    h.get_by_label(&b.display().to_string()).click();
    h.run();
    assert_eq!(h.state().editor.path(), Some(b.as_path()));
    assert_eq!(h.state().editor.state().recent, vec![b, a]);
}
