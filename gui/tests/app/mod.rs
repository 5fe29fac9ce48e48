//! The app driven headless by egui_kittest through its main flows: the first forecast appears, a
//! lever change produces a new forecast, compare shows a difference, a bad file shows its
//! message, the districts table sorts and focuses, exports are written, and the state persists.

use std::time::Duration;

use caseload::lever::{self, LeverPath};
use caseload::load::Loaded;
use caseload::replicate::{Replications, RunOptions};
use caseload_gui::app::{CaseloadApp, Settings};
use caseload_gui::forecast::Tile;
use caseload_gui::levers::Value;
use caseload_gui::shipped;
use caseload_gui::state::{Saved, Source, Tab};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod decisions;
mod report;

/// A shipped scenario shortened to 12 months, or 30 for those whose dated intakes or budget
/// change fall later (to April 2021), with bank holidays cleared (they must fall inside the run),
/// so the tests stay quick.
fn short(file: &str) -> Loaded {
    let loaded = shipped::load(file).expect("a shipped scenario loads");
    let months: LeverPath = "calendar.months".parse().unwrap();
    let holidays: LeverPath = "calendar.bank_holidays".parse().unwrap();
    lever::apply(&loaded, &[(&months, "12"), (&holidays, "[]")])
        .or_else(|_| lever::apply(&loaded, &[(&months, "30"), (&holidays, "[]")]))
        .expect("a shorter run is valid")
}

fn settings() -> Settings {
    Settings {
        passes: vec![4],
        seed: 1,
        debounce: Duration::from_millis(50),
    }
}

fn harness_on(file: &'static str) -> Harness<'static, CaseloadApp> {
    harness_with(short(file), file)
}

/// The app on `loaded`, a scenario made from the shipped `file`.
fn harness_with(loaded: Loaded, file: &'static str) -> Harness<'static, CaseloadApp> {
    harness_with_settings(loaded, file, settings())
}

/// The app on `loaded` (from the shipped `file`), forecasting with `settings`.
fn harness_with_settings(
    loaded: Loaded,
    file: &'static str,
    settings: Settings,
) -> Harness<'static, CaseloadApp> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 1300.0))
        .build_eframe(move |cc| {
            CaseloadApp::on(&cc.egui_ctx, loaded, Source::Shipped(file.into()), settings)
                .expect("worker starts")
        })
}

/// The forecast's review tiles for the whole city at `month`.
fn city_tiles(harness: &Harness<'static, CaseloadApp>, month: usize) -> Vec<Tile> {
    let f = harness.state().forecast().expect("a forecast");
    f.tiles(month, f.city())
}

fn harness() -> Harness<'static, CaseloadApp> {
    harness_on("birmingham_baseline.ron")
}

/// Steps the app (with short sleeps, bounded) until it is idle; then one settling run, which
/// also checks accessibility.
fn wait_idle(harness: &mut Harness<'static, CaseloadApp>) {
    for _ in 0..3000 {
        harness.step();
        if !harness.state().is_busy() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!harness.state().is_busy(), "the forecast did not finish");
    harness.run();
}

#[test]
fn first_forecast_appears() {
    let mut harness = harness();
    wait_idle(&mut harness);
    let forecast = harness.state().forecast().expect("a forecast");
    assert_eq!(forecast.replications, 4);
    assert!(
        forecast.last_caseload() > 100.0,
        "{}",
        forecast.last_caseload()
    );
    assert!(harness.state().first_forecast().is_some());
    // The tiles, the district chart and the headline caseload are on screen.
    harness.get_by_label_contains("New birth visit (C2)");
    harness.get_by_label_contains("Antenatal contact (C1)");
    assert!(
        harness
            .query_all_by_label_contains("Chance of target")
            .count()
            >= 5
    );
    let heading = format!(
        "Caseload per HV WTE (children per health-visitor WTE): city {:.0} in 2019-12",
        forecast.last_caseload()
    );
    harness.get_by_label_contains(&heading);
    // The districts, worst first, each with its status.
    harness.get_by_label_contains("Districts, highest caseload first (2019-12)");
    harness.get_by_label_contains("Health-visitor WTE in post against establishment");
    // The baseline carries its budget: spend against it by financial year, to date and in all.
    harness.get_by_label_contains("Spend against budget: whole city, by financial year");
    assert!(
        harness
            .query_by_label("This scenario sets no budget: spend only.")
            .is_none()
    );
    harness.get_by_label("2019/20 (9 mo.)");
    harness.get_by_label_contains("2019/20 to date (2019-04 to 2019-12): spend £");
}

#[test]
fn a_scenario_without_a_budget_says_so_under_its_spend() {
    let budget: LeverPath = "budget".parse().unwrap();
    let loaded = short("birmingham_baseline.ron");
    let unbudgeted = lever::apply(&loaded, &[(&budget, "None")]).expect("no budget is valid");
    let mut harness = harness_with(unbudgeted, "birmingham_baseline.ron");
    wait_idle(&mut harness);
    harness.get_by_label("This scenario sets no budget: spend only.");
}

#[test]
fn lever_change_produces_a_new_forecast() {
    let mut harness = harness();
    wait_idle(&mut harness);
    let before = city_tiles(&harness, 11);
    for _ in 0..10 {
        harness
            .get_by_label("Decrease Health-visitor contact share")
            .click();
        harness.step();
    }
    assert_eq!(
        harness.state().levers().value("contact_share"),
        Some(&Value::Number(0.63))
    );
    wait_idle(&mut harness);
    assert_eq!(harness.state().error(), None);
    let after = city_tiles(&harness, 11);
    assert_ne!(after, before, "the compliance forecast did not change");
    let changed = after
        .iter()
        .zip(&before)
        .find(|(a, b)| a.median != b.median)
        .map(|(a, _)| a)
        .expect("a tile whose median changed");
    let label = format!("{:.0}% on time, target", changed.median * 100.0);
    assert!(harness.query_all_by_label_contains(&label).count() >= 1);
    // The header names the lever off its baseline.
    harness.get_by_label_contains("Health-visitor contact share 63.0%");
}

#[test]
fn compare_shows_a_difference() {
    let mut harness = harness();
    wait_idle(&mut harness);
    harness.get_by_label("Compare").click();
    harness.run();
    harness.get_by_label("Pin current forecast as A").click();
    harness.run();
    assert!(harness.state().pinned().is_some());
    for _ in 0..15 {
        harness
            .get_by_label("Decrease Health-visitor contact share")
            .click();
        harness.step();
    }
    wait_idle(&mut harness);
    // Fewer contact hours: caseload is unchanged (same children, same staff) but compliance
    // falls; the paired interval sees it.
    harness.get_by_label_contains("Difference B - A with its paired 95% interval (4 pairs)");
    harness.get_by_label_contains("A: Birmingham baseline");
    // Less time for contacts: compliance clearly worse under B, read by its direction.
    assert!(
        harness.query_all_by_label("B worse").count() >= 1,
        "no metric is clearly worse under B"
    );
    assert!(harness.query_all_by_label("no clear difference").count() >= 1);
    assert_eq!(harness.query_all_by_label("B lower").count(), 0);
    // The one field that differs is listed with both values.
    harness.get_by_label("What differs between A and B: 1 field");
    harness.get_by_label("roles[health_visitor].contact_share");
}

#[test]
fn a_bad_file_shows_its_message_and_the_app_runs_on_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.ron");
    std::fs::write(
        &path,
        "Scenario(\n    name: \"Broken\",\n    calendar: (start: 12),\n)\n",
    )
    .unwrap();
    let saved = Saved {
        source: Source::File(path.clone()),
        ..Saved::default()
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 1300.0))
        .build_eframe(move |cc| {
            CaseloadApp::new(&cc.egui_ctx, saved, settings()).expect("worker starts")
        });
    harness.step();
    let error = harness.state().error().expect("an error").to_string();
    assert!(error.contains("broken.ron:3:"), "{error}");
    harness.get_by_label_contains("Could not reopen the scenario");
    assert_eq!(harness.state().saved().source, Source::default());
}

#[test]
fn districts_table_sorts_and_focuses_the_charts() {
    let mut harness = harness();
    wait_idle(&mut harness);
    harness.get_by_label("Districts").click();
    harness.run();
    assert_eq!(harness.state().view().tab, Tab::Districts);
    // Sorted by caseload, highest first; sorting by name puts Edgbaston first.
    harness.get_by_label("District name").click();
    harness.run();
    let rows = caseload_gui::view::districts::rows(
        harness.state().forecast().unwrap(),
        harness.state().view(),
    );
    assert_eq!(rows[0].name, "Edgbaston");
    assert!(rows.windows(2).all(|w| w[0].name <= w[1].name));
    harness.get_by_label("Ladywood").click();
    harness.run();
    assert_eq!(harness.state().view().focus.as_deref(), Some("ladywood"));
    harness.get_by_label("Dashboard").click();
    harness.run();
    harness.get_by_label_contains("Health-visitor WTE in post against establishment: Ladywood");
}

#[test]
fn keyboard_switches_pages_and_reaches_the_levers() {
    let mut harness = harness();
    wait_idle(&mut harness);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num2);
    harness.run();
    assert_eq!(harness.state().view().tab, Tab::Explore);
    // Tab moves the focus from control to control until the first lever's slider has it.
    let mut reached = false;
    for _ in 0..40 {
        harness.key_press(egui::Key::Tab);
        harness.run();
        if harness
            .get_by_label("Health-visitor contact share")
            .is_focused()
        {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab never reached the contact-share slider");
    // Arrow keys move the focused slider.
    harness.key_press(egui::Key::ArrowLeft);
    harness.run();
    assert_ne!(
        harness.state().levers().value("contact_share"),
        Some(&Value::Number(0.73))
    );
}

#[test]
fn exports_are_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness();
    wait_idle(&mut harness);
    harness.state_mut().view_mut().export_dir = dir.path().to_path_buf();
    harness.get_by_label("Explore").click();
    harness.run();
    harness.get_by_label("Export chart data as CSV").click();
    harness.run();
    let csv = std::fs::read_to_string(dir.path().join("caseload_per_hv_wte_ALL.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 13, "a header and 12 months");
    assert_eq!(
        lines[0],
        "month,district,metric,p5,p10,p50,p90,p95,mean,replications"
    );
    assert!(lines[12].starts_with("2019-12,ALL,caseload_per_hv_wte,"));
    // Values rounded to what a reader can use: caseloads to one decimal.
    let median = lines[12].split(',').nth(5).expect("p50");
    assert!(
        median.split('.').nth(1).is_none_or(|d| d.len() <= 1),
        "{median}"
    );
    harness.get_by_label("Export board report (HTML)").click();
    harness.run();
    let html = std::fs::read_to_string(dir.path().join("board_report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg"));
    // The message names the files by absolute path.
    let report = dir.path().join("board_report.html");
    let notice = harness.state().notice().unwrap_or("").to_string();
    assert!(
        notice.starts_with(&format!("Wrote {}", report.display())),
        "{notice}"
    );

    // Again: it asks before replacing; Cancel leaves the files alone, Replace writes them.
    std::fs::write(&report, "kept").unwrap();
    harness.get_by_label("Export board report (HTML)").click();
    harness.run();
    harness.get_by_label("Replace the files?");
    harness.get_by_label(&report.display().to_string());
    harness.get_by_label("Cancel").click();
    harness.run();
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "kept");
    assert!(harness.state().replacing().is_none());
    harness.get_by_label("Export board report (HTML)").click();
    harness.run();
    harness.get_by_label("Replace").click();
    harness.run();
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
    assert!(harness.state().replacing().is_none());
}

#[test]
fn a_workforce_scenario_brings_its_levers_and_the_state_persists() {
    let mut harness = harness_on("birmingham_budget_cut.ron");
    wait_idle(&mut harness);
    let keys: Vec<String> = harness
        .state()
        .levers()
        .levers
        .iter()
        .map(|l| l.key.clone())
        .collect();
    for key in [
        "attrition",
        "recruitment_success",
        "recruitment_cap",
        "intake_size:scphn",
        "intake_every:scphn",
        "volunteers",
        "budget_change",
        "budget_from",
        "skill_mix",
        "allocation",
    ] {
        assert!(keys.iter().any(|k| k == key), "no lever {key} in {keys:?}");
    }
    assert_eq!(
        harness.state().levers().value("budget_change"),
        Some(&Value::Number(-10.0))
    );
    harness.get_by_label("Increase Budget change").click();
    harness.step();
    wait_idle(&mut harness);
    assert_eq!(harness.state().error(), None);
    // The spend chart is drawn for a scenario with a budget.
    harness.get_by_label_contains("Spend against budget");
    // What is saved restores the levers and the view through RON, as eframe stores it.
    harness.state_mut().view_mut().tab = Tab::Explore;
    let saved = harness.state().saved();
    let text = ron::to_string(&saved).unwrap();
    let back: Saved = ron::from_str(&text).unwrap();
    assert_eq!(back, saved);
    assert_eq!(back.levers.get("budget_change"), Some(&Value::Number(-9.0)));
    let restored = Harness::builder().build_eframe(move |cc| {
        CaseloadApp::new(&cc.egui_ctx, back, settings()).expect("worker starts")
    });
    assert_eq!(restored.state().view().tab, Tab::Explore);
    assert_eq!(
        restored.state().levers().value("budget_change"),
        Some(&Value::Number(-9.0))
    );
    assert_eq!(
        restored.state().saved().source,
        Source::Shipped("birmingham_budget_cut.ron".into())
    );
}

#[test]
fn unsaved_edits_prompt_before_closing() {
    let mut harness = harness();
    wait_idle(&mut harness);
    // An edit in the scenario editor, not saved.
    let text = harness.state().editor().text().replace(
        "name: \"Birmingham baseline (January 2019)\"",
        "name: \"Birmingham, edited\"",
    );
    harness.state_mut().editor_mut().set_text(text);
    assert!(harness.state().editor().is_dirty());
    // The window is asked to close: the app stays, shows the scenario page and asks.
    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    harness.run();
    assert_eq!(harness.state().view().tab, Tab::Scenario);
    harness.get_by_label_contains("You have unsaved edits");
    // Cancel keeps the edits and the app.
    harness.get_by_label("Cancel and keep editing").click();
    harness.run();
    assert!(harness.state().editor().is_dirty());
    assert_eq!(
        harness
            .query_all_by_label_contains("You have unsaved edits")
            .count(),
        0
    );
}

#[test]
fn the_edited_scenario_is_applied_to_the_forecasts() {
    let mut harness = harness();
    wait_idle(&mut harness);
    harness.get_by_label("Scenario editor").click();
    harness.run();
    let text = harness.state().editor().text().replace(
        "name: \"Birmingham baseline (January 2019)\"",
        "name: \"Birmingham, edited\"",
    );
    harness.state_mut().editor_mut().set_text(text);
    harness.run();
    harness.get_by_label("Use for forecasts").click();
    harness.run();
    wait_idle(&mut harness);
    assert_eq!(
        harness.state().scenario().scenario.name,
        "Birmingham, edited"
    );
    assert_eq!(
        harness
            .state()
            .forecast()
            .expect("a forecast")
            .scenario
            .scenario
            .name,
        "Birmingham, edited"
    );
}

#[test]
fn uncertain_inputs_are_drawn_for_each_replication_as_the_cli_does() {
    let section: LeverPath = "uncertain".parse().unwrap();
    let value =
        r#"[(path: "reviews[new_birth].uptake", distribution: Uniform(min: 0.5, max: 1.0))]"#;
    let loaded = lever::apply(&short("birmingham_baseline.ron"), &[(&section, value)])
        .expect("a valid scenario");
    let expected = {
        let options = RunOptions {
            replications: 4,
            seed: 1,
            threads: None,
        };
        let replications = Replications::of(&loaded).expect("prepared");
        assert!(matches!(replications, Replications::Uncertain(_)));
        replications.run(&options, &|| {}).expect("runs").results
    };
    let mut harness = harness_with(loaded, "birmingham_baseline.ron");
    wait_idle(&mut harness);
    let forecast = harness.state().forecast().expect("a forecast");
    // The same replications, draws and values as `caseload run --reps 4 --seed 1`.
    assert_eq!(*forecast.results, expected);
    harness.get_by_label_contains(
        "uncertain inputs, drawn afresh for each replication: reviews[new_birth].uptake",
    );
}

/// England, one of the external checks shipped with the app (Scotland's intakes run to 2018, so it
/// cannot be cut short; it loads in the shipped scenarios' own test).
#[test]
fn an_external_check_opens_in_the_app() {
    let mut harness = harness_on("england_2015_2023.ron");
    wait_idle(&mut harness);
    let forecast = harness.state().forecast().expect("a forecast");
    assert_eq!(forecast.replications, 4);
    assert_eq!(
        forecast.district_names[0],
        "Areas 1/8: 34% of average staffing (1/20 scale)"
    );
    assert!(forecast.last_caseload() > 100.0);
    harness.get_by_label_contains("New birth visit (C2)");
    harness.get_by_label_contains("Health-visitor WTE in post against establishment");
}

#[test]
fn a_scenario_without_targets_says_so_on_the_dashboard() {
    let base = short("birmingham_baseline.ron");
    let paths: Vec<LeverPath> = base
        .scenario
        .reviews
        .iter()
        .map(|r| format!("reviews[{}].target", r.id).parse().unwrap())
        .collect();
    let no_targets: Vec<(&LeverPath, &str)> = paths.iter().map(|p| (p, "None")).collect();
    let loaded = lever::apply(&base, &no_targets).expect("targets are optional");
    let mut harness = harness_with(loaded, "birmingham_baseline.ron");
    wait_idle(&mut harness);
    assert!(city_tiles(&harness, 11).is_empty());
    harness.get_by_label(
        "This scenario sets no review targets: Explore shows each review's compliance.",
    );
    assert_eq!(
        harness
            .query_all_by_label_contains("Chance of target")
            .count(),
        0
    );
}

/// The posterior fitted in docs/ (docs/calibration.md, section 2).
fn birmingham_posterior() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../docs/assets/calibration/birmingham/posterior.csv")
}

#[test]
fn a_calibrated_posterior_draws_the_forecast_s_inputs_as_the_cli_does() {
    let loaded = short("birmingham_recruitment_plan.ron");
    let path = birmingham_posterior();
    let text = std::fs::read_to_string(&path).expect("the shipped posterior");
    let posterior =
        caseload::calibration::Posterior::parse("posterior.csv", &text).expect("a posterior");
    let expected = {
        let options = RunOptions {
            replications: 4,
            seed: 1,
            threads: None,
        };
        Replications::of_with(&loaded, Some(&posterior))
            .expect("it applies")
            .run(&options, &|| {})
            .expect("runs")
            .results
    };
    let mut harness = harness_with(loaded, "birmingham_recruitment_plan.ron");
    wait_idle(&mut harness);
    let before = harness
        .state()
        .forecast()
        .expect("a forecast")
        .results
        .clone();
    harness
        .get_by_label("Posterior (posterior.csv from caseload calibrate)")
        .set_text_value_accesskit(path.to_str().expect("a UTF-8 path"));
    harness.run();
    harness.get_by_label("Draw from the posterior").click();
    harness.run();
    wait_idle(&mut harness);
    let forecast = harness.state().forecast().expect("a forecast");
    // The same replications, draws and values as `caseload run --reps 4 --posterior`.
    assert_eq!(*forecast.results, expected);
    assert_ne!(*forecast.results, *before);
    harness.get_by_label_contains("Uncertain inputs drawn from the posterior");
    // Back to the scenario's own values.
    harness
        .get_by_label("Use the scenario's own distributions")
        .click();
    harness.run();
    wait_idle(&mut harness);
    assert_eq!(
        *harness.state().forecast().expect("a forecast").results,
        *before
    );
}

#[test]
fn a_posterior_that_does_not_fit_the_scenario_is_refused_with_its_reason() {
    // The Birmingham posterior sets the delivery section's deadline share, which a scenario
    // without that section does not write.
    let delivery: LeverPath = "delivery".parse().unwrap();
    let loaded =
        lever::apply(&short("birmingham_baseline.ron"), &[(&delivery, "None")]).expect("valid");
    let mut harness = harness_with(loaded, "birmingham_baseline.ron");
    wait_idle(&mut harness);
    let path = birmingham_posterior();
    harness
        .get_by_label("Posterior (posterior.csv from caseload calibrate)")
        .set_text_value_accesskit(path.to_str().expect("a UTF-8 path"));
    harness.run();
    harness.get_by_label("Draw from the posterior").click();
    harness.run();
    let error = harness.state().error().expect("refused").to_string();
    assert!(error.contains("does not fit this scenario"), "{error}");
    assert!(error.contains("delivery.deadline_share"), "{error}");
    assert!(harness.state().posterior().is_none());
}
