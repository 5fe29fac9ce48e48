//! The board report exported from the app: its tables at the month chosen, the lever changes in
//! its header, and the scenario as run written beside it, so its reproduce command gives its
//! numbers.

use caseload::load;
use caseload::output::RunRecord;
use caseload::replicate::{Replications, RunOptions};
use caseload::report::{Edition, board_report};
use caseload::summary::Summary;
use caseload_gui::app::Command;
use caseload_gui::export::{REPORT_HTML, REPORT_SCENARIO};
use caseload_gui::levers::Value;
use egui_kittest::kittest::Queryable;

use super::{harness_on, wait_idle};

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start:?}")) + start.len();
    let rest = &text[from..];
    &rest[..rest
        .find(end)
        .unwrap_or_else(|| panic!("no {end:?} after {start:?}"))]
}

#[test]
fn a_report_with_a_lever_moved_names_its_changes_and_reproduces_from_the_scenario_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    // An overlay (the cut extends the recruitment plan, which extends the baseline), so the file
    // written must stand alone.
    let mut harness = harness_on("birmingham_budget_cut.ron");
    wait_idle(&mut harness);
    let state = harness.state_mut();
    state.view_mut().export_dir = dir.path().to_path_buf();
    state.view_mut().target_month = Some("2019-06".into());
    state.apply(Command::SetLever(
        "contact_share".into(),
        Value::Number(0.63),
    ));
    wait_idle(&mut harness);
    harness.get_by_label("Export board report (HTML)").click();
    harness.run();
    let notice = harness.state().notice().unwrap_or("").to_string();
    assert!(notice.contains(REPORT_HTML), "{notice}");
    let html = std::fs::read_to_string(dir.path().join(REPORT_HTML)).unwrap();
    let written = std::fs::read_to_string(dir.path().join(REPORT_SCENARIO)).unwrap();

    // The header names the report as changed, lists the change, dates itself and states its
    // month.
    let header = between(&html, "<header>", "</header>");
    assert!(
        header.contains("<h1>Birmingham: 10% budget cut from April 2021, recruitment frozen on overspend (changed)</h1>"),
        "{header}"
    );
    assert_eq!(header.matches("(changed)").count(), 1, "{header}");
    assert!(
        html.contains("<li>Health-visitor contact share 63.0% (the scenario has 73.0%)</li>"),
        "{}",
        between(&html, "<header>", "</header>")
    );
    assert!(html.contains("Changed from birmingham_budget_cut.ron (shipped with the app)"));
    assert!(html.contains("<dt>Made on</dt><dd>"));
    assert!(html.contains("<dt>Status tables at</dt><dd>Jun 2019 (the month chosen)</dd>"));
    assert!(html.contains("<h2>Status in Jun 2019</h2>"));
    let command = between(
        &html,
        "<dt>Reproduce with (in this report's folder)</dt><dd><code>",
        "</code>",
    );
    assert!(
        command.starts_with(&format!(
            "caseload report {REPORT_SCENARIO} --reps 4 --seed 1 --month 2019-06 --target"
        )),
        "{command}"
    );
    // Targets at the same month as the status table.
    assert!(
        command.contains("compliance:new_birth&gt;=0.864@2019-06"),
        "{command}"
    );

    // The scenario beside it loads on its own, says it was changed, and gives the same numbers.
    let reloaded = load::load_file(&dir.path().join(REPORT_SCENARIO)).expect("it loads alone");
    assert_eq!(reloaded.text, written);
    assert_eq!(
        reloaded.scenario.name,
        "Birmingham: 10% budget cut from April 2021, recruitment frozen on overspend (changed)"
    );
    assert!(
        reloaded
            .scenario
            .description
            .contains("Health-visitor contact share 63.0%")
    );
    let options = RunOptions {
        replications: 4,
        seed: 1,
        threads: None,
    };
    let results = Replications::of(&reloaded)
        .expect("prepared")
        .run(&options, &|| {})
        .expect("runs")
        .results;
    let forecast = harness.state().forecast().expect("a forecast");
    assert_eq!(results, *forecast.results);
    // So the command's report has the same status tables.
    let summary = Summary::new(&results);
    let record = RunRecord {
        version: String::new(),
        scenario: REPORT_SCENARIO.into(),
        scenario_name: reloaded.scenario.name.clone(),
        scenario_description: String::new(),
        scenario_sha256: String::new(),
        seed: 1,
        replications: 4,
        threads: 1,
        wall_seconds: 0.0,
        months: ["2019-01".into(), "2021-06".into()],
        posterior: None,
    };
    let mut edition = Edition::as_written(results.months.len(), caseload::report::today());
    (edition.month, edition.month_chosen) = (5, true);
    let again = board_report(
        &reloaded.model,
        &reloaded.text,
        &results,
        &summary,
        &record,
        &[],
        &edition,
    );
    let status = |html: &str| between(html, "<section id=\"status\">", "<h3>Targets").to_string();
    let again_status = between(
        &again,
        "<section id=\"status\">",
        "<p class=\"note thresholds\">",
    );
    assert!(status(&html).starts_with(again_status));
}

#[test]
fn the_excel_workbook_holds_what_the_screen_shows() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let mut harness = super::harness();
    wait_idle(&mut harness);
    harness.state_mut().view_mut().export_dir = dir.path().to_path_buf();
    harness.get_by_label("Export Excel workbook").click();
    harness.run();
    let path = dir.path().join("caseload.xlsx");
    let mut book: Xlsx<_> = open_workbook(&path).expect("a workbook");
    assert_eq!(
        book.sheet_names(),
        ["About", "City by month", "Districts", "Reviews"]
    );
    let districts = book.worksheet_range("Districts").expect("a sheet");
    let app = harness.state();
    let forecast = app.forecast().expect("a forecast");
    let rows = caseload_gui::view::districts::rows(forecast, app.view());
    // Every district's status is the one on screen.
    for r in 1..=10 {
        let name = match districts.get_value((r, 0)) {
            Some(Data::String(s)) => s.clone(),
            other => panic!("{other:?}"),
        };
        let status = match districts.get_value((r, 6)) {
            Some(Data::String(s)) => s.clone(),
            other => panic!("{other:?}"),
        };
        let row = rows.iter().find(|x| x.name == name).expect("on screen");
        assert_eq!(status, row.status.expect("a caseload").as_str(), "{name}");
    }

    // With a forecast pinned, the comparison comes too.
    harness.state_mut().apply(Command::Pin);
    harness.state_mut().apply(Command::SetLever(
        "contact_share".into(),
        Value::Number(0.6),
    ));
    wait_idle(&mut harness);
    harness.get_by_label("Export Excel workbook").click();
    harness.run();
    harness.get_by_label("Replace").click();
    harness.run();
    let book: Xlsx<_> = open_workbook(&path).expect("a workbook");
    assert!(book.sheet_names().contains(&"Comparison".to_string()));
    assert!(book.sheet_names().contains(&"What differs".to_string()));
}
