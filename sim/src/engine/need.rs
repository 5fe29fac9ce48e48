//! Levels of need: monthly transitions between levels, and the extra contacts each level needs.

use bevy_ecs::prelude::*;

use super::state::{Census, Child, ChildCount, Clock, Params, Posts, Recorder, Work};
use rand::RngExt;

use super::rng::Streams;
use super::rng::poisson;
use crate::model::LevelIx;

/// Completed years of age after `days` days, at 365.25 days a year (in integers: 4 days in 1,461).
fn completed_years(days: i32) -> usize {
    (days.max(0) as usize * 4) / 1461
}

/// On the first day of each month after the first: every born child moves to next month's level by
/// its level's row of the transition matrix (in the first month, and through a warm-up, children
/// hold the scenario's `need_mix`). The census is retaken every month.
pub fn transition(
    clock: Res<Clock>,
    params: Res<Params>,
    mut children: Query<&mut Child>,
    mut streams: ResMut<Streams>,
    (mut census, mut count): (ResMut<Census>, ResMut<ChildCount>),
) {
    // Plain references, taken once: a resource's `DerefMut` marks it changed at every use.
    let (census, count, rng) = (&mut *census, &mut *count, &mut streams.need);
    census.clear();
    let model = &params.model;
    let moving = !clock.warming && clock.month > 0;
    // Each district's rows of the matrix, looked up once: [district * levels + level].
    let levels = model.levels.len();
    let rows: Vec<&[f64]> = (0..model.districts.len())
        .flat_map(|d| (0..levels).map(move |l| model.transition_cdf(d, l)))
        .collect();
    // The interval of each row in which a child stays at its level, [lo, hi).
    let stay: Vec<(f64, f64)> = rows
        .iter()
        .enumerate()
        .map(|(i, cdf)| {
            let l = i % levels;
            let lo = if l == 0 {
                f64::NEG_INFINITY
            } else {
                cdf[l - 1]
            };
            (lo, cdf[l])
        })
        .collect();
    for mut child in &mut children {
        if !child.born {
            continue;
        }
        if moving {
            let row = child.district as usize * levels + child.level as usize;
            let u: f64 = rng.random();
            // Most children stay at their level: test that interval first (without branches,
            // as u is random).
            let (lo, hi) = stay[row];
            if !((u < hi) & (u >= lo)) {
                let cdf = rows[row];
                let to = cdf.iter().position(|&c| u < c).unwrap_or(cdf.len() - 1);
                count.remove(child.district as usize, child.level as usize);
                count.add(child.district as usize, to);
                child.level = to as LevelIx;
            }
        }
        let unit = super::state::unit(model, child.district as usize, child.team);
        let years = if model.contacts_by_age {
            completed_years(clock.today - child.birth.day())
        } else {
            0
        };
        census.add(unit, child.level as usize, years);
    }
}

/// On the first day of each month: each team's extra contacts for the month, a Poisson draw with
/// mean children x contacts per child per month at each level (less, for the levels cut under
/// pressure, on a team with many children per health-visitor WTE), and its universal support
/// hours, children x hours per child per month.
pub fn contact_demand(
    clock: Res<Clock>,
    params: Res<Params>,
    census: Res<Census>,
    posts: Res<Posts>,
    mut streams: ResMut<Streams>,
    mut work: ResMut<Work>,
    mut recorder: ResMut<Recorder>,
) {
    let (model, metrics) = (&params.model, &params.metrics);
    let streams = &mut *streams;
    let rng = if clock.warming {
        &mut streams.warm_up
    } else if model.delivery.section {
        &mut streams.contacts
    } else {
        &mut streams.need
    };
    for d in 0..model.districts.len() {
        for u in model.delivery.teams(d) {
            let kept = model.delivery.fewer_contacts.as_ref().map(|f| {
                let caseload = posts.team_caseload(model, u, census.team_children(u));
                (&f.levels, f.curve.share(caseload))
            });
            for (l, level) in model.levels.iter().enumerate() {
                let full = if level.contacts_by_age.is_empty() {
                    f64::from(census.team_get(u, l)) * level.contacts_per_month
                } else {
                    let by_age = census.team_ages(u, l).iter().enumerate();
                    by_age
                        .map(|(a, &n)| f64::from(n) * level.age_factor(a))
                        .sum::<f64>()
                        * level.contacts_per_month
                };
                let mean = match kept {
                    Some((levels, share)) if levels[l] => full * share,
                    _ => full,
                };
                if let Some(cut) = metrics.contacts_cut {
                    recorder.add(clock.month, d, cut + l, full - mean);
                }
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
