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
