//! The app's pages, drawn from a [`Forecast`] and the [`ViewState`]; anything that needs the app's
//! logic is asked for with a [`Command`](crate::app::Command).

pub mod compare;
pub mod dashboard;
pub mod districts;
pub mod explore;
pub mod levers;

use crate::forecast::Forecast;
use crate::state::ViewState;

/// The index of the month the view is for (its target month, or the last).
pub fn month_index(forecast: &Forecast, view: &ViewState) -> usize {
    view.target_month
        .as_ref()
        .and_then(|m| forecast.months.iter().position(|x| x == m))
        .unwrap_or_else(|| forecast.last_month())
}

/// The index of the district the view focuses on (the city when none, or when the forecast has
/// no such district).
pub fn focus_index(forecast: &Forecast, view: &ViewState) -> usize {
    view.focus
        .as_ref()
        .and_then(|d| forecast.districts.iter().position(|x| x == d))
        .unwrap_or_else(|| forecast.city())
}

/// A "Month" selector for the view's target month.
pub fn month_selector(ui: &mut egui::Ui, forecast: &Forecast, view: &mut ViewState) {
    let current = month_index(forecast, view);
    let mut chosen = current;
    egui::ComboBox::from_label("Forecast month")
        .selected_text(forecast.months.get(current).cloned().unwrap_or_default())
        .height(400.0)
        .show_ui(ui, |ui| {
            for (i, m) in forecast.months.iter().enumerate() {
                ui.selectable_value(&mut chosen, i, m);
            }
        });
    if chosen != current {
        view.target_month = forecast.months.get(chosen).cloned();
    }
}

/// A "District" selector for the view's focus.
pub fn district_selector(ui: &mut egui::Ui, forecast: &Forecast, view: &mut ViewState) {
    let current = focus_index(forecast, view);
    let mut chosen = current;
    egui::ComboBox::from_label("District")
        .selected_text(forecast.district_names[current].clone())
        .show_ui(ui, |ui| {
            // The city first, then districts in scenario order.
            let city = forecast.city();
            ui.selectable_value(&mut chosen, city, &forecast.district_names[city]);
            for (i, name) in forecast.district_names.iter().enumerate().take(city) {
                ui.selectable_value(&mut chosen, i, name);
            }
        });
    if chosen != current {
        view.focus = (chosen != forecast.city()).then(|| forecast.districts[chosen].clone());
    }
}

/// A "Bands" selector.
pub fn bands_selector(ui: &mut egui::Ui, view: &mut ViewState) {
    egui::ComboBox::from_label("Bands")
        .selected_text(view.bands.label())
        .show_ui(ui, |ui| {
            for b in crate::charts::Bands::ALL {
                ui.selectable_value(&mut view.bands, b, b.label());
            }
        });
}
