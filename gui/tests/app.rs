//! The app driven headless by egui_kittest: the first forecast appears, and a lever change
//! produces a new forecast.

use std::time::Duration;

use caseload::lever::{self, LeverPath};
use caseload::load::{self, Loaded};
use caseload_gui::app::{CaseloadApp, Settings};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// The Birmingham baseline shortened to 12 months (its bank holidays cleared, as they must fall
/// inside the run), so the tests stay quick.
fn short_baseline() -> Loaded {
    let baseline = load::baseline().expect("the embedded baseline loads");
    let months: LeverPath = "calendar.months".parse().unwrap();
    let holidays: LeverPath = "calendar.bank_holidays".parse().unwrap();
    lever::apply(&baseline, &[(&months, "12"), (&holidays, "[]")])
        .expect("a 12-month baseline is valid")
}

fn harness() -> Harness<'static, CaseloadApp> {
    let settings = Settings {
        passes: vec![4],
        seed: 1,
        debounce: Duration::from_millis(50),
    };
    Harness::builder()
        .with_size(egui::vec2(1200.0, 900.0))
        .build_eframe(move |cc| {
            CaseloadApp::new(&cc.egui_ctx, short_baseline(), settings).expect("worker starts")
        })
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
    assert!(!forecast.tiles.is_empty());
    // The tiles and the caseload are on screen.
    harness.get_by_label_contains("New birth visit (C2)");
    harness.get_by_label_contains("Antenatal contact (C1)");
    assert!(
        harness
            .query_all_by_label_contains("Chance of meeting target")
            .count()
            >= 5
    );
    let heading = format!(
        "City caseload per HV WTE: {:.0} in 2019-12",
        forecast.last_caseload()
    );
    harness.get_by_label_contains(&heading);
}

#[test]
fn lever_change_produces_a_new_forecast() {
    let mut harness = harness();
    wait_idle(&mut harness);
    let before = harness.state().forecast().expect("a forecast").clone();
    for _ in 0..10 {
        harness.get_by_label("Decrease contact share").click();
        harness.step();
    }
    assert!((harness.state().contact_share() - 0.37).abs() < 1e-9);
    wait_idle(&mut harness);
    assert_eq!(harness.state().error(), None);
    let after = harness.state().forecast().expect("a forecast");
    assert_ne!(
        after.tiles, before.tiles,
        "the compliance forecast did not change"
    );
    // The new numbers are on screen.
    let changed = after
        .tiles
        .iter()
        .zip(&before.tiles)
        .find(|(a, b)| a.median != b.median)
        .map(|(a, _)| a)
        .expect("a tile whose median changed");
    let label = format!("Compliance {:.0}% vs target", changed.median * 100.0);
    assert!(harness.query_all_by_label_contains(&label).count() >= 1);
}
