//! Levels of need: monthly transitions between levels, and the extra contacts each level needs.

use bevy_ecs::prelude::*;

use super::allocation::Work;
use rand::RngExt;

use super::population::{Child, poisson};
use super::recorder::Recorder;
use super::rng::Streams;
use super::{Clock, Params};
use crate::model::{LevelIx, Model, UnitIx};

/// Completed years of age after `days` days, at 365.25 days a year (in integers: 4 days in 1,461).
fn completed_years(days: i32) -> usize {
    (days.max(0) as usize * 4) / 1461
}

/// Born children by team and level at the start of the month, after transitions and arrivals:
/// the basis of the month's contact demand.
#[derive(Resource, Debug)]
pub struct Census {
    levels: usize,
    /// First team of each district, and one past the last.
    team_start: Vec<UnitIx>,
    counts: Vec<u32>,
    /// With contacts that vary with age: children by team, level and completed year of age,
    /// `[(unit * levels + level) * AGES + age]` (empty otherwise).
    ages: Vec<u32>,
}

/// Years of age the census counts apart (older children count with the last).
const AGES: usize = crate::model::limits::MAX_AGE_YEARS;

impl Census {
    /// An empty census for `model`'s teams and levels.
    pub fn new(model: &Model) -> Self {
        let cells = model.delivery.units() * model.levels.len();
        Census {
            levels: model.levels.len(),
            team_start: model.delivery.team_start.clone(),
            counts: vec![0; cells],
            ages: if model.contacts_by_age {
                vec![0; cells * AGES]
            } else {
                Vec::new()
            },
        }
    }

    /// Counts one more child on team `unit` at level `l`, aged `years` completed years.
    pub fn add(&mut self, unit: UnitIx, l: usize, years: usize) {
        let cell = unit * self.levels + l;
        self.counts[cell] += 1;
        if !self.ages.is_empty() {
            self.ages[cell * AGES + years.min(AGES - 1)] += 1;
        }
    }

    /// Children on team `unit` at level `l` by completed year of age (with contacts that vary
    /// with age; otherwise empty).
    pub fn team_ages(&self, unit: UnitIx, l: usize) -> &[u32] {
        let cell = unit * self.levels + l;
        self.ages.get(cell * AGES..(cell + 1) * AGES).unwrap_or(&[])
    }

    /// Children in district `d` at level `l`.
    pub fn get(&self, d: usize, l: usize) -> u32 {
        (self.team_start[d]..self.team_start[d + 1])
            .map(|u| self.team_get(u, l))
            .sum()
    }

    /// Children on team `unit` at level `l`.
    pub fn team_get(&self, unit: UnitIx, l: usize) -> u32 {
        self.counts[unit * self.levels + l]
    }

    /// Children on team `unit` at any level.
    pub fn team_children(&self, unit: UnitIx) -> u32 {
        self.counts[unit * self.levels..(unit + 1) * self.levels]
            .iter()
            .sum()
    }

    /// Children in district `d` at any level.
    pub fn children(&self, d: usize) -> u32 {
        (self.team_start[d]..self.team_start[d + 1])
            .map(|u| self.team_children(u))
            .sum()
    }

    fn clear(&mut self) {
        self.counts.fill(0);
        self.ages.fill(0);
    }
}

/// On the first day of each month after the first: every born child moves to next month's level by
/// its level's row of the transition matrix (in the first month, and through a warm-up, children
/// hold the scenario's `need_mix`). The census is retaken every month.
pub fn transition(
    clock: Res<Clock>,
    params: Res<Params>,
    mut children: Query<&mut Child>,
    mut streams: ResMut<Streams>,
    mut census: ResMut<Census>,
) {
    // Plain references, taken once: a resource's `DerefMut` marks it changed at every use.
    let (census, rng) = (&mut *census, &mut streams.need);
    census.clear();
    let model = &params.model;
    let moving = !clock.warming && clock.month > 0;
    // Each district's rows of the matrix, looked up once: [district * levels + level].
    let levels = model.levels.len();
    let rows: Vec<&[f64]> = (0..model.districts.len())
        .flat_map(|d| (0..levels).map(move |l| model.transition_cdf(d, l)))
        .collect();
    for mut child in &mut children {
        if !child.born {
            continue;
        }
        if moving {
            let l = child.level as usize;
            let cdf = rows[child.district as usize * levels + l];
            let u: f64 = rng.random();
            // Most children stay at their level: test that interval first (without branches,
            // as u is random).
            let stays = (u < cdf[l]) & (l == 0 || u >= cdf[l - 1]);
            if !stays {
                child.level = cdf.iter().position(|&c| u < c).unwrap_or(cdf.len() - 1) as LevelIx;
            }
        }
        let unit = super::teams::unit(model, child.district as usize, child.team);
        let years = if model.contacts_by_age {
            completed_years(clock.today - child.birth)
        } else {
            0
        };
        census.add(unit, child.level as usize, years);
    }
}

/// On the first day of each month: each district's extra contacts for the month, a Poisson draw
/// with mean children x contacts per child per month at each level, and its universal support
/// hours, children x hours per child per month.
pub fn contact_demand(
    clock: Res<Clock>,
    params: Res<Params>,
    census: Res<Census>,
    mut streams: ResMut<Streams>,
    mut work: ResMut<Work>,
    mut recorder: ResMut<Recorder>,
) {
    let (model, metrics) = (&params.model, &params.metrics);
    let streams = &mut *streams;
    let rng = if clock.warming {
        &mut streams.warm_up
    } else {
        &mut streams.need
    };
    for d in 0..model.districts.len() {
        for u in model.delivery.teams(d) {
            for (l, level) in model.levels.iter().enumerate() {
                let mean = if level.contacts_by_age.is_empty() {
                    f64::from(census.team_get(u, l)) * level.contacts_per_month
                } else {
                    let by_age = census.team_ages(u, l).iter().enumerate();
                    by_age
                        .map(|(a, &n)| f64::from(n) * level.age_factor(a))
                        .sum::<f64>()
                        * level.contacts_per_month
                };
                let needed = poisson(mean, rng).min(u64::from(u32::MAX)) as u32;
                work.set_contact_demand(u, l, needed);
                recorder.add(
                    clock.month,
                    d,
                    metrics.contacts_needed + l,
                    f64::from(needed),
                );
            }
            if let Some(support) = &model.universal_support {
                let hours = f64::from(census.team_children(u)) * support.hours_per_child_per_month;
                work.set_support_demand(u, hours);
                recorder.add(clock.month, d, metrics.universal_support_needed, hours);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::completed_years;

    #[test]
    fn completed_years_count_365_and_a_quarter_days_a_year() {
        for (days, years) in [(0, 0), (365, 0), (366, 1), (730, 1), (731, 2), (1460, 3)] {
            assert_eq!(completed_years(days), years, "{days} days");
        }
        assert_eq!(completed_years(1461), 4);
        // As the float formula it replaces, for every day of six years.
        for days in 0..2200 {
            assert_eq!(completed_years(days), (f64::from(days) / 365.25) as usize);
        }
    }
}
