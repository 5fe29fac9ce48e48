//! An overlay (a file with `extends`) in the form: what it leaves out shows as inherited from
//! its base, not as missing; Override copies the inherited value in.

use egui_kittest::kittest::Queryable;

use super::*;

const OVERLAY: &str = "// More births in Ladywood.
Scenario(
    extends: \"birmingham_baseline.ron\",
    name: \"Overlay\",
    calendar: (months: 60),
    districts: [
        (id: \"ladywood\", births_per_year: 2000.0),
    ],
)
";

const FROM_BASE: &str = "inherited from birmingham_baseline.ron";

#[test]
fn an_overlay_shows_what_it_inherits() {
    let dir = tempfile::tempdir().unwrap();
    file(dir.path(), "birmingham_baseline.ron", load::BASELINE);
    let path = file(dir.path(), "overlay.ron", OVERLAY);
    let mut h = harness(EditorState::default());
    h.state_mut().editor.open(&path);
    h.run();
    h.get_by_label("Valid scenario");
    // Required fields the overlay leaves out are not missing: the base gives them.
    assert!(h.query_by_label("missing").is_none());
    assert!(h.query_all_by_label(FROM_BASE).count() >= 4);
    h.get_by_label("Override population");
    // A field neither file writes keeps its default.
    h.get_by_label("Add mutual_aid");

    // Inside merged values too: a struct's fields, a list element's by its id.
    h.get_by_label("calendar").click();
    h.run();
    h.get_by_label("Override calendar.start");
    h.get_by_label("districts (1)").click();
    h.run();
    h.get_by_label("[0] ladywood").click();
    h.run();
    h.get_by_label("Override districts[0].children_by_age");
    h.get_by_label("births_per_year");

    // Override copies the inherited value into the file, laid out as its neighbours.
    let before = h.state().editor.loaded().expect("valid").scenario.clone();
    h.get_by_label("Override population").click();
    h.run();
    let text = h.state().editor.text().to_string();
    assert!(text.contains("\n    population: (\n        "), "{text}");
    assert!(text.starts_with("// More births in Ladywood."));
    assert!(h.state().editor.is_dirty());
    let loaded = h.state().editor.loaded().expect("still valid");
    assert_eq!(loaded.scenario, before, "the same value, now written");
    assert!(h.query_by_label("Override population").is_none());
}

#[test]
fn saving_an_overlay_elsewhere_keeps_it_finding_its_base() {
    let dir = tempfile::tempdir().unwrap();
    let here = dir.path().join("here");
    std::fs::create_dir(&here).unwrap();
    file(&here, "birmingham_baseline.ron", load::BASELINE);
    let path = file(&here, "overlay.ron", OVERLAY);
    let mut h = harness(EditorState::default());
    h.state_mut().editor.open(&path);
    h.run();
    // Saved into another folder: `extends` is rewritten to reach the same base from there.
    let elsewhere = dir.path().join("plans").join("2027");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let moved = elsewhere.join("overlay.ron");
    h.state_mut().editor.save_as(&moved).expect("saved");
    let text = std::fs::read_to_string(&moved).unwrap();
    assert!(
        text.contains("extends: \"../../here/birmingham_baseline.ron\""),
        "{text}"
    );
    assert!(
        text.starts_with("// More births in Ladywood."),
        "comments kept"
    );
    let loaded = load::load_file(&moved).expect("it loads from its new folder");
    assert_eq!(loaded.scenario.name, "Overlay");
    assert!(!h.state().editor.is_dirty());
    // Saved beside its base again: nothing to rewrite.
    let back = here.join("copy.ron");
    h.state_mut().editor.save_as(&back).expect("saved");
    let text = std::fs::read_to_string(&back).unwrap();
    assert!(
        text.contains("extends: \"birmingham_baseline.ron\""),
        "{text}"
    );

    // Text with no file yet (typed, or pasted) saved where its base is not: the save warns.
    let mut h = harness(EditorState::default());
    h.run();
    h.state_mut().editor.set_text(OVERLAY.to_string());
    let lonely = dir.path().join("lonely.ron");
    h.state_mut().editor.save_as(&lonely).expect("saved");
    let notice = h.state().editor.notice().unwrap_or_default().to_string();
    assert!(
        notice.contains("extends birmingham_baseline.ron, which is not in"),
        "{notice}"
    );
}
