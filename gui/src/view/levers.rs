//! The levers panel: the scenario to run and a control per lever. Changes are sent as commands;
//! the app debounces them and re-runs the forecast.

use crate::command::Command;
use crate::levers::{Control, Lever, Levers, Value};
use crate::shipped::SHIPPED;
use crate::state::Source;

/// Draws the panel for `levers`, with `source` the scenario chosen, `name` its title and `origin`
/// where it came from and what it extends (`extends`: whether it extends another).
pub fn show(
    ui: &mut egui::Ui,
    (source, name, origin, extends): (&Source, &str, &str, bool),
    levers: &Levers,
    commands: &mut Vec<Command>,
) {
    ui.heading("Scenario");
    let selected = match source {
        Source::Shipped(_) => name.to_string(),
        Source::File(path) => format!("File: {}", path.display()),
    };
    let label = ui.label("Scenario to forecast");
    egui::ComboBox::from_id_salt("scenario_to_forecast")
        .selected_text(selected)
        .width(ui.available_width() - 8.0)
        .show_ui(ui, |ui| {
            for s in SHIPPED {
                let title = crate::shipped::title(s);
                let on = *source == Source::Shipped(s.file.to_string());
                if ui.selectable_label(on, title).clicked() && !on {
                    commands.push(Command::UseShipped(s.file));
                }
            }
        })
        .response
        .labelled_by(label.id);
    ui.label(egui::RichText::new(origin).small());
    if extends
        && ui
            .button("Compare with the scenario this one extends")
            .on_hover_text("Pin the scenario this one extends as A, and this one as B")
            .clicked()
    {
        commands.push(Command::CompareWithBase);
    }
    ui.separator();
    ui.heading("Levers");
    if levers.levers.is_empty() {
        ui.label("This scenario offers no levers.");
    }
    for lever in &levers.levers {
        let value = levers.value(&lever.key).unwrap_or(&lever.baseline);
        control(ui, lever, value, commands);
        ui.add_space(4.0);
    }
    ui.separator();
    if ui
        .add_enabled(levers.changed(), egui::Button::new("Reset levers"))
        .on_hover_text("Every lever back to the scenario's own value")
        .clicked()
    {
        commands.push(Command::ResetLevers);
    }
}

fn control(ui: &mut egui::Ui, lever: &Lever, value: &Value, commands: &mut Vec<Command>) {
    let set = |v: Value| Command::SetLever(lever.key.clone(), v);
    match (&lever.control, value) {
        (Control::Number { range, step, unit }, Value::Number(v)) => {
            let mut x = *v;
            let label = ui.label(&lever.label).on_hover_text(&lever.help);
            ui.horizontal(|ui| {
                let slider = ui
                    .add(
                        egui::Slider::new(&mut x, range.clone())
                            .step_by(*step)
                            .show_value(false),
                    )
                    .labelled_by(label.id)
                    .on_hover_text(&lever.help);
                if slider.changed() && x != *v {
                    commands.push(set(Value::Number(x)));
                }
                if named_button(ui, "-", &format!("Decrease {}", lever.label)) {
                    commands.push(set(Value::Number(v - step)));
                }
                ui.label(unit.show(*v));
                if named_button(ui, "+", &format!("Increase {}", lever.label)) {
                    commands.push(set(Value::Number(v + step)));
                }
            });
            if *value != lever.baseline {
                ui.weak(format!("Scenario: {}", lever.show(&lever.baseline)));
            }
        }
        (Control::Choice(options), Value::Choice(i)) => {
            let mut chosen = *i;
            egui::ComboBox::from_label(&lever.label)
                .selected_text(options.get(*i).map_or("", |o| o.1.as_str()))
                .show_ui(ui, |ui| {
                    for (k, (_, label)) in options.iter().enumerate() {
                        ui.selectable_value(&mut chosen, k, label);
                    }
                })
                .response
                .on_hover_text(&lever.help);
            if chosen != *i {
                commands.push(set(Value::Choice(chosen)));
            }
        }
        _ => {}
    }
}

/// A small button showing `text` whose accessible name (and tooltip) is `name`.
fn named_button(ui: &mut egui::Ui, text: &str, name: &str) -> bool {
    let response = ui.small_button(text);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, name));
    response.on_hover_text(name).clicked()
}

/// The calibrated posterior: a typed path to a posterior.csv (written by `caseload calibrate`) whose
/// particles the forecast draws its uncertain inputs from, or the scenario's own distributions.
pub fn posterior(
    ui: &mut egui::Ui,
    in_use: Option<&std::path::Path>,
    text: &mut String,
    commands: &mut Vec<Command>,
) {
    ui.separator();
    ui.heading("Calibrated inputs");
    match in_use {
        Some(path) => {
            ui.label(format!(
                "Uncertain inputs drawn from the posterior {}",
                path.display()
            ));
            if ui
                .button("Use the scenario's own distributions")
                .on_hover_text("Stop drawing from the posterior")
                .clicked()
            {
                commands.push(Command::DropPosterior);
            }
        }
        None => {
            let label = ui.label("Posterior (posterior.csv from caseload calibrate)");
            ui.add(egui::TextEdit::singleline(text).desired_width(ui.available_width() - 8.0))
                .labelled_by(label.id);
            if ui
                .add_enabled(
                    !text.trim().is_empty(),
                    egui::Button::new("Draw from the posterior"),
                )
                .clicked()
            {
                commands.push(Command::UsePosterior(text.trim().into()));
            }
        }
    }
}
