//! Typing lands whole: a field that turns invalid and valid again as it is typed keeps its focus
//! and every keystroke, in the form and in the RON text.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::{Host, harness, open_first_district};

/// Types `text` one character a frame into the focused widget.
fn type_slowly(h: &mut Harness<'static, Host>, label: &str, text: &str) {
    for c in text.chars() {
        let node = h.get_by_label(label);
        assert!(node.is_focused(), "{label} lost focus before {c:?}");
        if c == '\u{8}' {
            h.key_press(Key::Backspace);
        } else {
            node.type_text(&c.to_string());
        }
        h.run();
    }
    assert!(h.get_by_label(label).is_focused(), "{label} lost focus");
}

#[test]
fn a_field_keeps_every_keystroke_across_invalid_and_valid() {
    let mut h = harness(Default::default());
    h.run();
    open_first_district(&mut h);
    h.get_by_label("births_per_year").focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    // "3" is valid, "3x" is not a number (a problem line appears under the field), Backspace makes
    // it valid again (the line goes), then three more digits: 3000.
    type_slowly(&mut h, "births_per_year", "3x\u{8}000");
    let loaded = h.state().editor.loaded().expect("a valid scenario");
    assert_eq!(loaded.scenario.districts[0].births_per_year, 3000.0);
    // A negative value is a number the validator refuses: its problem comes and goes too.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    type_slowly(&mut h, "births_per_year", "-1\u{8}\u{8}2500");
    let loaded = h.state().editor.loaded().expect("a valid scenario");
    assert_eq!(loaded.scenario.districts[0].births_per_year, 2500.0);
}

#[test]
fn the_ron_text_keeps_every_keystroke_when_it_stops_parsing() {
    let mut h = harness(Default::default());
    h.run();
    h.get_by_label("RON text").click();
    h.run();
    h.get_by_label("Scenario RON text").focus();
    h.run();
    let before = h.state().editor.text().to_string();
    type_slowly(&mut h, "Scenario RON text", " oops");
    let after = h.state().editor.text();
    assert_eq!(after.len(), before.len() + " oops".len());
    assert!(after.contains(" oops"), "the typing did not land whole");
    assert!(
        h.state().editor.loaded().is_none(),
        "the text no longer parses"
    );
}
