//! The districts table at the view's month: sortable by any column, caseload coloured by status
//! (the scenario's one red/amber/green rule, in words too); selecting a district focuses every chart on it.

use egui::RichText;

use caseload::rag::Rag;

use crate::forecast::{Forecast, status_word};
use crate::palette;
use crate::state::{Column, ViewState};

use super::{focus_index, month_index};

/// One district's row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// District id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Median children on the caseload.
    pub children: f64,
    /// Median HV WTE in post.
    pub hv_wte: f64,
    /// Median caseload per HV WTE.
    pub caseload: f64,
    /// Median HV vacancies (NaN when the scenario has no establishment).
    pub vacancies: f64,
    /// Median new birth visit compliance (NaN without that review).
    pub new_birth: f64,
    /// The caseload's status by the scenario's rule.
    pub status: Option<Rag>,
}

impl Row {
    fn key(&self, column: Column) -> f64 {
        match column {
            Column::Name => 0.0,
            Column::Children => self.children,
            Column::HvWte => self.hv_wte,
            Column::Caseload => self.caseload,
            Column::Vacancies => self.vacancies,
            Column::NewBirth => self.new_birth,
        }
    }
}

/// The rows of `forecast` at the view's month, in the view's order (undefined values last).
pub fn rows(forecast: &Forecast, view: &ViewState) -> Vec<Row> {
    let month = month_index(forecast, view);
    let hv = super::dashboard::hv_role(forecast).unwrap_or("health_visitor");
    let vacancies = format!("vacancies:{hv}");
    let rule = &forecast.scenario.model.rag;
    let mut rows: Vec<Row> = (0..forecast.city())
        .map(|d| {
            let m = |metric: &str| forecast.median(metric, d, month);
            let caseload = m("caseload_per_hv_wte");
            Row {
                id: forecast.districts[d].clone(),
                name: forecast.district_names[d].clone(),
                children: m("children"),
                hv_wte: m("hv_wte"),
                caseload,
                vacancies: m(&vacancies),
                new_birth: m("compliance:new_birth"),
                status: rule.caseload(caseload),
            }
        })
        .collect();
    let column = view.sort;
    rows.sort_by(|a, b| {
        let order = if column == Column::Name {
            a.name.cmp(&b.name)
        } else {
            let (x, y) = (a.key(column), b.key(column));
            match (x.is_nan(), y.is_nan()) {
                (true, true) => std::cmp::Ordering::Equal,
                (true, false) => return std::cmp::Ordering::Greater,
                (false, true) => return std::cmp::Ordering::Less,
                _ => x.total_cmp(&y),
            }
        };
        if view.descending {
            order.reverse()
        } else {
            order
        }
    });
    rows
}

/// Puts `rows` in the order of `previous` (by district id; districts it lacks go last): a forecast
/// refining its numbers must not re-sort the table under the reader.
pub fn keep_order(rows: &mut [Row], previous: &[Row]) {
    let place = |id: &str| {
        previous
            .iter()
            .position(|p| p.id == id)
            .unwrap_or(usize::MAX)
    };
    rows.sort_by_key(|r| place(&r.id));
}

const COLUMNS: [(Column, &str); 6] = [
    (Column::Name, "District name"),
    (Column::Children, "Children"),
    (Column::HvWte, "HV WTE"),
    (Column::Caseload, "Caseload per HV WTE"),
    (Column::Vacancies, "HV vacancies"),
    (Column::NewBirth, "New birth visits on time"),
];

fn number(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        format!("{x:.decimals$}")
    }
}

/// Draws the table.
pub fn show(ui: &mut egui::Ui, forecast: &Forecast, view: &mut ViewState, rows: &[Row]) {
    ui.horizontal(|ui| super::month_selector(ui, forecast, view));
    ui.label(
        "Medians across replications. Click a column heading to sort by it (again to reverse); \
         select a district to focus the charts on it. While a forecast refines, the order stays \
         as it was until the view changes.",
    );
    ui.label(format!(
        "Status: {}",
        forecast.scenario.model.rag.in_words()
    ));
    let focus = focus_index(forecast, view);
    egui::Grid::new("districts_table")
        .striped(true)
        .num_columns(7)
        .show(ui, |ui| {
            for (column, title) in COLUMNS {
                let arrow = match (view.sort == column, view.descending) {
                    (true, true) => " (high first)",
                    (true, false) => " (low first)",
                    _ => "",
                };
                if ui
                    .button(RichText::new(format!("{title}{arrow}")).strong())
                    .on_hover_text(format!("Sort by {title}"))
                    .clicked()
                {
                    if view.sort == column {
                        view.descending = !view.descending;
                    } else {
                        view.sort = column;
                        view.descending = column != Column::Name;
                    }
                }
            }
            ui.strong("Status");
            ui.end_row();
            for r in rows {
                let selected = forecast.districts.get(focus) == Some(&r.id);
                if ui.selectable_label(selected, &r.name).clicked() {
                    view.focus = if selected { None } else { Some(r.id.clone()) };
                }
                ui.label(number(r.children, 0));
                ui.label(number(r.hv_wte, 1));
                ui.colored_label(palette::status(r.status), number(r.caseload, 0));
                ui.label(number(r.vacancies, 1));
                ui.label(if r.new_birth.is_nan() {
                    "-".into()
                } else {
                    format!("{:.0}%", r.new_birth * 100.0)
                });
                ui.colored_label(palette::status(r.status), status_word(r.status));
                ui.end_row();
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, caseload: f64) -> Row {
        Row {
            id: id.into(),
            name: id.into(),
            children: 0.0,
            hv_wte: 0.0,
            caseload,
            vacancies: 0.0,
            new_birth: 0.0,
            status: None,
        }
    }

    #[test]
    fn a_refined_forecast_keeps_the_order_on_screen() {
        let before = [row("a", 500.0), row("b", 400.0), row("c", 300.0)];
        // The refined numbers would put b first; the table keeps a, b, c; a new district goes last.
        let mut after = vec![
            row("b", 520.0),
            row("d", 10.0),
            row("a", 510.0),
            row("c", 300.0),
        ];
        keep_order(&mut after, &before);
        let ids: Vec<&str> = after.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
    }
}
