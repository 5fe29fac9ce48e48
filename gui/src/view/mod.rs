//! The app's pages, drawn from a [`Forecast`] and the [`ViewState`]; anything that needs the app's
//! logic is asked for with a [`Command`](crate::command::Command).

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

/// The month the view is for: a slider over the forecast's months (it opens where the month is),
/// a month either way, and the last month.
pub fn month_selector(ui: &mut egui::Ui, forecast: &Forecast, view: &mut ViewState) {
    let current = month_index(forecast, view);
    let last = forecast.last_month();
    let mut chosen = current;
    let label = ui.label("Forecast month");
    if ui
        .add_enabled(chosen > 0, egui::Button::new("<"))
        .on_hover_text("A month earlier")
        .clicked()
    {
        chosen -= 1;
    }
    let months = &forecast.months;
    ui.add(
        egui::Slider::new(&mut chosen, 0..=last)
            .show_value(true)
            .custom_formatter(|v, _| months.get(v as usize).cloned().unwrap_or_default())
            .custom_parser(|text| {
                months
                    .iter()
                    .position(|m| m == text.trim())
                    .map(|i| i as f64)
            }),
    )
    .labelled_by(label.id);
    if ui
        .add_enabled(chosen < last, egui::Button::new(">"))
        .on_hover_text("A month later")
        .clicked()
    {
        chosen += 1;
    }
    if ui
        .add_enabled(view.target_month.is_some(), egui::Button::new("Last month"))
        .on_hover_text("The forecast's last month, where the month is when nobody chooses one")
        .clicked()
    {
        view.target_month = None;
        return;
    }
    if chosen != current {
        view.target_month = months.get(chosen).cloned();
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
