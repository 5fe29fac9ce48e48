//! Caseload-holding teams: which team a child joins (the children each team holds are
//! [`super::state::TeamLoad`]).
//!
//! A district's teams are units `team_start[d]..team_start[d + 1]` of the model's delivery. A child's
//! `team` is its index inside its district. Without a `delivery.teams` section every district is
//! one team and nothing here draws a random number, so such scenarios run as they always did.

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

use super::state::{Posts, TeamLoad};
use crate::model::{Model, UnitIx};
use crate::scenario::Joining;

/// The team a child joining district `d`'s caseload joins, by the scenario's rule; counts it on
/// that team. A district with one team draws nothing.
pub fn join(
    model: &Model,
    load: &mut TeamLoad,
    posts: &Posts,
    d: usize,
    rng: &mut Xoshiro256PlusPlus,
) -> u8 {
    let teams = model.delivery.teams(d);
    let n = teams.len();
    let team = if n <= 1 {
        0
    } else {
        match model.delivery.joining {
            // Equal shares of the establishment: a uniform draw.
            Joining::Establishment => rng.random_range(0..n),
            Joining::Lightest => {
                let per_hv = |u: UnitIx| posts.team_caseload(model, u, load.children[u]);
                teams
                    .clone()
                    .map(per_hv)
                    .enumerate()
                    .fold(
                        (0, f64::INFINITY),
                        |(best, bp), (t, p)| {
                            if p < bp { (t, p) } else { (best, bp) }
                        },
                    )
                    .0
            }
        }
    };
    load.children[teams.start + team] += 1;
    team as u8
}
