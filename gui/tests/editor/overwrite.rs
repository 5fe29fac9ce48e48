//! Save as onto another file that exists asks Overwrite or Cancel first, however the path came.

use egui_kittest::kittest::Queryable;

use super::*;

const QUESTION: &str = "Overwrite it with this scenario?";

#[test]
fn save_as_asks_before_replacing_another_file() {
    let dir = tempfile::tempdir().unwrap();
    let taken = file(dir.path(), "taken.ron", "// someone else's\n");
    let mut h = harness(EditorState::default());
    h.run();
    open_first_district(&mut h);
    set_births(&mut h, "777.0");

    // Typed path: asks; Cancel leaves the file and the edits as they were.
    h.get_by_label("File path")
        .set_text_value_accesskit(&taken.display().to_string());
    h.run();
    h.get_by_label("Save to path").click();
    h.run();
    h.get_by_label(&format!("{} already exists.", taken.display()));
    h.get_by_label(QUESTION);
    h.get_by_label("Cancel and keep the file").click();
    h.run();
    assert!(h.query_by_label(QUESTION).is_none());
    assert_eq!(
        std::fs::read_to_string(&taken).unwrap(),
        "// someone else's\n"
    );
    assert!(h.state().editor.is_dirty());
    assert_eq!(h.state().editor.path(), None);
    h.get_by_label_contains("Not saved");

    // Overwrite: written whole, and the file is the one edited from now on.
    h.get_by_label("Save to path").click();
    h.run();
    h.get_by_label("Overwrite the file").click();
    h.run();
    assert!(
        std::fs::read_to_string(&taken)
            .unwrap()
            .contains("births_per_year: 777.0,")
    );
    assert!(!h.state().editor.is_dirty());
    assert_eq!(h.state().editor.path(), Some(taken.as_path()));

    // Saving to the file being edited, or to a new file, does not ask.
    set_births(&mut h, "778.0");
    h.get_by_label("Save to path").click();
    h.run();
    assert!(h.query_by_label(QUESTION).is_none());
    assert!(
        std::fs::read_to_string(&taken)
            .unwrap()
            .contains("births_per_year: 778.0,")
    );
    let fresh = dir.path().join("fresh.ron");
    h.state_mut().editor.request_save_as(&fresh);
    h.run();
    assert!(h.query_by_label(QUESTION).is_none());
    assert_eq!(h.state().editor.path(), Some(fresh.as_path()));

    // As a dialog's answer would: asks too.
    h.state_mut().editor.request_save_as(&taken);
    h.run();
    h.get_by_label(QUESTION);
    h.get_by_label("Cancel and keep the file").click();
    h.run();
    assert_eq!(h.state().editor.path(), Some(fresh.as_path()));
}

#[test]
fn saving_before_closing_asks_before_replacing_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let taken = file(dir.path(), "taken.ron", "// keep me\n");
    let mut h = harness(EditorState::default());
    h.run();
    open_first_district(&mut h);
    set_births(&mut h, "555.0");
    assert!(!h.state_mut().editor.request_close());
    h.run();
    h.get_by_label("Save to")
        .set_text_value_accesskit(&taken.display().to_string());
    h.run();
    h.get_by_label("Save edits").click();
    h.run();
    h.get_by_label(QUESTION);

    // Cancel goes back to the unsaved-edits question, so another path can be typed.
    h.get_by_label("Cancel and keep the file").click();
    h.run();
    h.get_by_label("You have unsaved edits to birmingham_baseline.ron.");
    assert!(!h.state().closed);
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "// keep me\n");

    h.get_by_label("Save edits").click();
    h.run();
    h.get_by_label("Overwrite the file").click();
    h.run();
    assert!(h.state().closed, "closing goes ahead once saved");
    assert!(
        std::fs::read_to_string(&taken)
            .unwrap()
            .contains("births_per_year: 555.0,")
    );
}
