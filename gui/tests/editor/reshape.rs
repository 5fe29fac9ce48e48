//! Reshaping in the form: map keys renamed (refused inline when empty or taken), list elements
//! moved up and down by mouse or keyboard, comments kept.

use egui_kittest::kittest::{NodeT, Queryable};

use super::*;

/// Whether the control named `label` is shown disabled.
fn disabled(h: &Harness<'static, Host>, label: &str) -> bool {
    h.get_by_label(label).accesskit_node().is_disabled()
}

/// Opens the first district's `staff` map.
fn open_staff(h: &mut Harness<'static, Host>) {
    open_first_district(h);
    h.get_by_label("staff (4)").click();
    h.run();
}

#[test]
fn map_keys_are_renamed_keeping_their_values() {
    let mut h = harness(EditorState::default());
    h.run();
    open_staff(&mut h);
    let entry = r#"districts[0].staff["staff_nurse"]"#;
    h.get_by_label(&format!("Rename {entry}")).click();
    h.run();
    let field = format!("New key for {entry}");
    assert!(
        h.get_by_label(&field).is_focused(),
        "focus goes to the new key"
    );

    // Empty or taken: refused beside the field, nothing written.
    h.get_by_label(&field).set_text_value_accesskit("  ");
    h.run();
    h.get_by_label("Problem: districts[0].staff: a key cannot be empty");
    let rename = format!("Rename {entry} to the new key");
    assert!(disabled(&h, &rename));
    h.get_by_label(&field)
        .set_text_value_accesskit("nursery_nurse");
    h.run();
    h.get_by_label(r#"Problem: districts[0].staff: "nursery_nurse" is already a key"#);
    h.get_by_label(&rename).click();
    h.run();
    assert_eq!(h.state().editor.text(), load::BASELINE);
    assert!(!h.state().editor.is_dirty());

    // A new key: written in place, the value kept; the loader checks it at once.
    h.get_by_label(&field)
        .set_text_value_accesskit("community_nurse");
    h.run();
    h.get_by_label(&rename).click();
    h.run();
    let text = h.state().editor.text().to_string();
    assert!(
        text.contains(r#""health_visitor": 15.0, "community_nurse": 2.2, "nursery_nurse""#),
        "{text}"
    );
    assert!(h.state().editor.is_dirty());
    assert!(h.state().editor.loaded().is_none());
    let problems = h.state().editor.problems().join("\n");
    assert!(problems.contains("community_nurse"), "{problems}");
    let renamed = r#"Rename districts[0].staff["community_nurse"]"#;
    assert!(
        h.get_by_label(renamed).is_focused(),
        "focus follows the key"
    );
    assert!(
        h.query_by_label(&field).is_none(),
        "the rename row is closed"
    );

    // Back again from the keyboard (Enter in the field): the text is the baseline's again.
    h.get_by_label(renamed).click();
    h.run();
    let field = r#"New key for districts[0].staff["community_nurse"]"#;
    h.get_by_label(field)
        .set_text_value_accesskit("staff_nurse");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().editor.text(), load::BASELINE);
    assert!(!h.state().editor.is_dirty());
    let loaded = h.state().editor.loaded().expect("valid again");
    assert_eq!(loaded.scenario.districts[0].staff["staff_nurse"], 2.2);

    // Cancel closes the row and writes nothing.
    h.get_by_label(&format!("Rename {entry}")).click();
    h.run();
    h.get_by_label(&format!("New key for {entry}"))
        .set_text_value_accesskit("other");
    h.run();
    h.get_by_label(&format!("Cancel renaming {entry}")).click();
    h.run();
    assert!(h.query_by_label(&format!("New key for {entry}")).is_none());
    assert_eq!(h.state().editor.text(), load::BASELINE);
    h.get_by_label("Valid scenario");
}

#[test]
fn list_elements_move_up_and_down() {
    let mut h = harness(EditorState::default());
    h.run();
    let reviews = load::baseline().expect("baseline").scenario.reviews;
    let n = reviews.len();
    h.get_by_label(&format!("reviews ({n})")).click();
    h.run();
    h.get_by_label(&format!("[1] {}", reviews[1].id)).click();
    h.run();
    h.get_by_label("Move reviews[1] up").click();
    h.run();
    let loaded = h.state().editor.loaded().expect("still valid");
    let ids: Vec<_> = loaded
        .scenario
        .reviews
        .iter()
        .map(|r| r.id.clone())
        .collect();
    assert_eq!(ids[..2], [reviews[1].id.clone(), reviews[0].id.clone()]);
    assert_eq!(
        ids[2..],
        reviews[2..]
            .iter()
            .map(|r| r.id.clone())
            .collect::<Vec<_>>()
    );
    assert!(h.state().editor.is_dirty());
    // The moved element's section stays open where it went, and keeps the keyboard focus.
    let down = h.get_by_label("Move reviews[0] down");
    assert!(down.is_focused());
    assert!(
        disabled(&h, "Move reviews[0] up"),
        "nothing above the first"
    );
    assert!(
        h.query_by_label("Move reviews[1] down").is_none(),
        "the other is closed"
    );

    // Back from the keyboard: the text is the baseline's again, comments and all.
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().editor.text(), load::BASELINE);
    assert!(!h.state().editor.is_dirty());
    assert!(h.get_by_label("Move reviews[1] down").is_focused());

    // A list of numbers on one line: the two values trade places.
    h.get_by_label("districts (10)").click();
    h.run();
    h.get_by_label("[0] edgbaston").click();
    h.run();
    h.get_by_label("children_by_age (5)").click();
    h.run();
    let last = "Move districts[0].children_by_age[4] down";
    assert!(disabled(&h, last), "nothing below the last");
    h.get_by_label("Move districts[0].children_by_age[0] down")
        .click();
    h.run();
    let text = h.state().editor.text().to_string();
    assert!(
        text.contains("children_by_age: [1376, 1276, 1421, 1396, 1376],"),
        "{text}"
    );
    let loaded = h.state().editor.loaded().expect("valid");
    assert_eq!(loaded.scenario.districts[0].children_by_age[0], 1376);
}
