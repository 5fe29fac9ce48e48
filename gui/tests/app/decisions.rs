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
    let judged = ["B better", "B worse", "no clear difference", "B costs less"]
        .iter()
        .map(|w| harness.query_all_by_label(w).count())
        .sum::<usize>();
    assert!(judged >= 5, "{judged} verdicts");
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
        let label = format!("{:.0}% on time, target", t.median * 100.0);
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

#[test]
fn a_cancelled_forecast_says_so_and_resumes_from_what_it_finished() {
    let loaded = super::short("birmingham_baseline.ron");
    let expected = {
        let options = caseload::replicate::RunOptions {
            replications: 16,
            seed: 1,
            threads: None,
        };
        caseload::replicate::Replications::of(&loaded)
            .expect("prepared")
            .run(&options, &|| {})
            .expect("runs")
            .results
    };
    let settings = caseload_gui::app::Settings {
        passes: vec![4, 16],
        ..super::settings()
    };
    let mut harness = super::harness_with_settings(loaded, "birmingham_baseline.ron", settings);
    // Cancel as soon as the quick pass is on screen.
    for _ in 0..3000 {
        harness.step();
        if harness.state().forecast().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(
        harness.state().is_busy(),
        "the refined pass had already finished"
    );
    harness
        .state_mut()
        .apply(caseload_gui::app::Command::Cancel);
    harness.run();
    let (done, total) = harness.state().cancelled().expect("cancelled");
    assert_eq!(total, 16);
    assert!(done < 16);
    harness.get_by_label_contains(&format!(
        "Forecast cancelled after {done} of 16 replications"
    ));
    assert_eq!(
        harness
            .state()
            .forecast()
            .expect("the quick pass")
            .replications,
        4
    );
    harness.get_by_label("Resume").click();
    wait_idle(&mut harness);
    assert_eq!(harness.state().cancelled(), None);
    // The replications kept and the ones run after are the run the CLI would make.
    assert_eq!(
        *harness.state().forecast().expect("refined").results,
        expected
    );
}

#[test]
fn while_a_new_forecast_runs_the_old_one_is_marked_as_previous() {
    let mut harness = harness();
    wait_idle(&mut harness);
    assert!(!harness.state().is_stale());
    harness
        .state_mut()
        .apply(caseload_gui::app::Command::SetLever(
            "contact_share".into(),
            caseload_gui::levers::Value::Number(0.6),
        ));
    harness.step();
    assert!(harness.state().is_stale());
    harness.get_by_label("Showing the previous forecast (dimmed) while the new one runs.");
    wait_idle(&mut harness);
    assert!(!harness.state().is_stale());
    assert!(
        harness
            .query_by_label("Showing the previous forecast (dimmed) while the new one runs.")
            .is_none()
    );
}

#[test]
fn money_reads_per_day_in_explore_and_its_export_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness();
    wait_idle(&mut harness);
    let view = harness.state_mut().view_mut();
    view.export_dir = dir.path().to_path_buf();
    view.metric = "spend".into();
    view.tab = Tab::Explore;
    harness.run();
    harness.get_by_label_contains("Spend per day - Whole city");
    // Every chart can be put back after a zoom.
    harness.get_by_label("Reset view");
    harness.get_by_label("Export chart data as CSV").click();
    harness.run();
    let csv = std::fs::read_to_string(dir.path().join("spend_per_day_ALL.csv")).unwrap();
    let f = harness.state().forecast().expect("a forecast");
    let k = f.results.metric_index("spend").unwrap();
    // January has 31 days: its row is the month's median spend over 31, in whole pounds.
    let january = csv.lines().nth(1).expect("a first month");
    assert!(
        january.starts_with("2019-01,ALL,spend_per_day,"),
        "{january}"
    );
    let p50: f64 = january.split(',').nth(5).unwrap().parse().unwrap();
    let monthly = f.summary.get(0, f.city(), k).median();
    assert_eq!(p50, (monthly / 31.0).round());
}
