//! The budget in force.

use bevy_ecs::prelude::*;

use crate::model::Model;

/// The budget in force and what the overspend policy has done.
#[derive(Resource, Debug)]
pub struct BudgetState {
    /// Annual budget in force.
    pub annual: f64,
    /// Each district's share of shared costs and of the budget.
    pub weights: Vec<f64>,
    /// Entrants still to be taken off the next intakes.
    pub intake_cut: u32,
}

impl BudgetState {
    /// The budget at the start.
    pub fn new(model: &Model) -> Self {
        let funded: Vec<f64> = model
            .districts
            .iter()
            .map(|d| d.establishment.iter().sum::<f64>())
            .collect();
        let total: f64 = funded.iter().sum();
        let n = model.districts.len().max(1) as f64;
        BudgetState {
            annual: model.budget.as_ref().map_or(0.0, |b| b.annual),
            weights: funded
                .iter()
                .map(|f| if total > 0.0 { f / total } else { 1.0 / n })
                .collect(),
            intake_cut: 0,
        }
    }
}
