//! The answers a decision maker reads: a scenario against the one it extends, the review tiles of
//! the district chosen, and one red/amber/green rule on every page and in the report.

use caseload::rag::Rag;
use caseload_gui::state::Tab;
use caseload_gui::view::districts;
use egui_kittest::kittest::Queryable;

use super::{harness, harness_on, wait_idle};

#[test]
fn a_scenario_is_compared_with_the_one_it_extends_in_one_step() {
    let mut harness = harness_on("birmingham_budget_cut.ron");
    wait_idle(&mut harness);
    harness.get_by_label_contains("which extends birmingham_recruitment_plan.ron");
    harness
        .get_by_label("Compare with the scenario this one extends")
        .click();
    wait_idle(&mut harness);
    assert!(!harness.state().is_comparing_with_base());
    let app = harness.state();
    assert_eq!(app.view().tab, Tab::Compare);
    let a = app.pinned().expect("the base pinned as A");
    assert_eq!(a.label, "Birmingham recruitment plan (three phases of 20)");
    assert_eq!(
        app.scenario().scenario.name,
        "Birmingham: 10% budget cut from April 2021, recruitment frozen on overspend"
    );
    // Both sides ran whole: A is the recruitment plan, B the cut, with the seed they share.
    assert_eq!(a.forecast.replications, 4);
    assert_eq!(app.forecast().expect("B").replications, 4);
    harness.get_by_label_contains("A: Birmingham recruitment plan (three phases of 20)");
    harness.get_by_label_contains("B: Birmingham: 10% budget cut");
    // What the cut changes is listed, field by field.
    harness.get_by_label_contains("What differs between A and B:");
    harness.get_by_label("budget.changes");
    // Verdicts say better or worse, never which side is higher, for judged metrics.
    for word in ["B higher", "B lower"] {
        let rows: Vec<String> = harness
            .query_all_by_label(word)
            .map(|n| format!("{n:?}"))
            .collect();
        // Only children may be higher or lower (a population fact, not a result).
        assert!(rows.len() <= 1, "{word}: {rows:?}");
    }
}

#[test]
fn the_review_tiles_follow_the_district_chosen() {
    let mut harness = harness();
    wait_idle(&mut harness);
    harness.get_by_label_contains("Reviews in 2019-12, Whole city:");
    harness.state_mut().view_mut().focus = Some("ladywood".into());
    harness.run();
    harness.get_by_label_contains("Reviews in 2019-12, Ladywood:");
    let f = harness.state().forecast().expect("a forecast");
    let ladywood = f.districts.iter().position(|d| d == "ladywood").unwrap();
    let (city, local) = (f.tiles(11, f.city()), f.tiles(11, ladywood));
    assert_ne!(city, local, "Ladywood's reviews are not the city's");
    // Each tile on screen shows Ladywood's median.
    for t in &local {
        let label = format!("Compliance {:.0}% vs target", t.median * 100.0);
        assert!(
            harness.query_all_by_label_contains(&label).count() >= 1,
            "{label}"
        );
    }
}

#[test]
fn the_districts_page_and_the_board_report_give_every_district_the_same_status() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness();
    wait_idle(&mut harness);
    harness.state_mut().view_mut().export_dir = dir.path().to_path_buf();
    harness.state_mut().view_mut().tab = Tab::Districts;
    harness.run();
    harness.get_by_label_contains("Status: Reviews are green when the median share");
    harness.get_by_label("Export board report (HTML)").click();
    harness.run();
    let html = std::fs::read_to_string(dir.path().join("board_report.html")).unwrap();
    let app = harness.state();
    let rows = districts::rows(app.forecast().expect("a forecast"), app.view());
    let mut seen = [0; 3];
    for row in &rows {
        let at = html
            .find(&format!("data-district=\"{}\"", row.id))
            .unwrap_or_else(|| panic!("{} is not in the report", row.id));
        let cells = &html[at..at + html[at..].find("</tr>").unwrap()];
        let status = row.status.expect("a caseload");
        assert!(
            cells.contains(&format!("<td class=\"rag {0}\">{0}</td>", status.as_str())),
            "{}: {status:?} on the page, the report says {cells}",
            row.id
        );
        seen[status as usize] += 1;
        // The page words it the same way.
        harness.get_by_label(&row.name);
    }
    assert_eq!(seen.iter().sum::<usize>(), 10);
    assert!(
        harness.query_all_by_label(Rag::Red.word()).count()
            + harness.query_all_by_label(Rag::Amber.word()).count()
            + harness.query_all_by_label(Rag::Green.word()).count()
            == 10
    );
}
