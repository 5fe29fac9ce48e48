//! A synthetic national-scale scenario, generated from the Birmingham baseline: about 150 areas,
//! 3.2 million children under five and 7,000 health-visitor WTE, the size of England's service.
//!
//! It exists to measure and plan for scale (benchmarks, memory), not to forecast any real area:
//! the areas are not real local authorities. Every per-area number is drawn from a fixed seed
//! around the Birmingham baseline's rates, then scaled to the national totals:
//!
//! - sizes: a right-skewed weight `0.1 + 4 u³` (largest about 40 times the smallest, as England's
//!   upper-tier authorities range from Rutland to Kent), children apportioned to the total and
//!   split by age like Birmingham's;
//! - need: a deprivation draw places each area's need mix between Birmingham's least and most
//!   needy districts;
//! - births, arrivals and leaving: Birmingham's rates per child, births varied by ±8% and their
//!   trend drawn from -3% to -1% a year; moves to the two neighbouring areas in a ring, at rates
//!   that make the flows both ways equal;
//! - staff: health-visitor WTE shared by need-weighted children times a fill rate from 65% to 100%,
//!   apportioned to the total in tenths; other roles at Birmingham's ratios to health visitors.
//!
//! Only IEEE-exact arithmetic (no `exp` or `ln`) turns draws into numbers, so the text is the same
//! on every platform and a test can pin the shipped file to the generator.

use std::collections::BTreeMap;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use crate::load::{self, LoadError};
use crate::model::limits::MAX_DISTRICTS;
use crate::scenario::{District, Migration, Role, Scenario};

/// Areas in England's national scenario (about the number of upper-tier local authorities).
pub const AREAS: usize = 150;
/// Children under five across all areas.
pub const CHILDREN: u64 = 3_200_000;
/// Health-visitor WTE in post across all areas, in tenths (7,000.0 WTE).
pub const HV_WTE_TENTHS: u64 = 70_000;
/// The fixed seed the per-area draws come from.
const SEED: u64 = 20_190_101;
/// Mean annual probability of moving to each of the two neighbouring areas \[est\].
const NEIGHBOUR_MOVE_RATE: f64 = 0.01;

/// Why the national scenario could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum NationalError {
    /// The number of areas is outside what a scenario may hold.
    #[error("--areas: expected a whole number from 1 to {MAX_DISTRICTS}, found {0}")]
    Areas(usize),
    /// The embedded baseline it is built from did not load (a build defect).
    #[error("the embedded baseline: {0}")]
    Baseline(#[from] LoadError),
    /// The baseline has no district, or no health-visitor role, to take rates from.
    #[error("the embedded baseline has no {0} to take rates from")]
    Incomplete(&'static str),
    /// The scenario could not be written as RON.
    #[error("cannot write the scenario as RON: {0}")]
    Ron(#[from] ron::Error),
}

/// Rounds to `places` decimal places (exact IEEE operations only).
fn round_to(x: f64, places: i32) -> f64 {
    let scale = [1.0, 10.0, 100.0, 1000.0, 10000.0][places as usize];
    (x * scale).round() / scale
}

/// Splits `total` whole units in proportion to `weights` by largest remainder (ties to the first),
/// so the parts sum to `total` exactly.
fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut parts: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let short = total.saturating_sub(parts.iter().sum());
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &i in order.iter().cycle().take(short as usize) {
        parts[i] += 1;
    }
    parts
}

/// The Birmingham rates the areas are drawn around.
struct Rates {
    /// Children by year of age, city-wide.
    ages: Vec<f64>,
    /// Births per year per child under five.
    births_per_child: f64,
    /// Arrivals per year per child under five.
    arrivals_per_child: f64,
    /// Mean annual probability of leaving the city.
    leave_rate: f64,
    /// The first (least intensive) level's id, which takes what the others leave of a mix.
    first_level: String,
    /// Need mixes of the districts with the most and the fewest first-level children.
    least_need: BTreeMap<String, f64>,
    most_need: BTreeMap<String, f64>,
    /// The health-visitor role's id, and each role's WTE per health-visitor WTE.
    hv_role: String,
    per_hv: BTreeMap<String, f64>,
}

impl Rates {
    fn of(base: &Scenario) -> Result<Self, NationalError> {
        let districts = &base.districts;
        if districts.is_empty() {
            return Err(NationalError::Incomplete("district"));
        }
        let hv_role = base
            .roles
            .iter()
            .find(|r| r.health_visitor)
            .ok_or(NationalError::Incomplete("health-visitor role"))?
            .id
            .clone();
        let ages_len = districts
            .iter()
            .map(|d| d.children_by_age.len())
            .max()
            .unwrap_or(0);
        let mut ages = vec![0.0; ages_len];
        for d in districts {
            for (a, &n) in d.children_by_age.iter().enumerate() {
                ages[a] += f64::from(n);
            }
        }
        let children: f64 = ages.iter().sum();
        let sum = |f: &dyn Fn(&District) -> f64| districts.iter().map(f).sum::<f64>();
        let first_level = base
            .need_levels
            .first()
            .ok_or(NationalError::Incomplete("level of need"))?
            .id
            .clone();
        let universal = |d: &District| d.need_mix.get(&first_level).copied().unwrap_or(0.0);
        let by_universal = |pick_max: bool| {
            districts
                .iter()
                .reduce(|a, b| {
                    let better = if pick_max {
                        universal(b) > universal(a)
                    } else {
                        universal(b) < universal(a)
                    };
                    if better { b } else { a }
                })
                .map(|d| d.need_mix.clone())
                .unwrap_or_default()
        };
        let hv = sum(&|d| d.staff.get(&hv_role).copied().unwrap_or(0.0));
        if hv <= 0.0 {
            return Err(NationalError::Incomplete("health-visitor staff"));
        }
        let mut per_hv = BTreeMap::new();
        for role in &base.roles {
            let wte = sum(&|d| d.staff.get(&role.id).copied().unwrap_or(0.0));
            per_hv.insert(role.id.clone(), wte / hv);
        }
        Ok(Rates {
            ages,
            births_per_child: sum(&|d| d.births_per_year) / children.max(1.0),
            arrivals_per_child: sum(&|d| d.migration.arrivals_per_year) / children.max(1.0),
            leave_rate: sum(&|d| d.migration.leave_rate) / districts.len() as f64,
            least_need: by_universal(true),
            most_need: by_universal(false),
            first_level,
            hv_role,
            per_hv,
        })
    }

    /// The need mix at deprivation `t` in [0, 1], to three places, summing to 1: the first level
    /// takes what the others leave.
    fn need_mix(&self, t: f64) -> BTreeMap<String, f64> {
        let ids: Vec<&String> = self
            .least_need
            .keys()
            .chain(self.most_need.keys())
            .collect();
        let mut mix = BTreeMap::new();
        for id in ids {
            let lo = self.least_need.get(id).copied().unwrap_or(0.0);
            let hi = self.most_need.get(id).copied().unwrap_or(0.0);
            mix.insert(id.clone(), round_to(lo + t * (hi - lo), 3));
        }
        let first = &self.first_level;
        let others: f64 = mix
            .iter()
            .filter(|(k, _)| *k != first)
            .map(|(_, v)| v)
            .sum();
        mix.insert(first.clone(), round_to(1.0 - others, 3));
        mix
    }
}

/// One area's draws, in [0, 1).
struct Draws {
    size: f64,
    need: f64,
    fill: f64,
    births: f64,
    trend: f64,
}

/// The national scenario with `areas` areas, built from `base` (the Birmingham baseline): its
/// calendar, levels, reviews, roles and policy, and areas drawn around its rates (see the module
/// documentation). The same `areas` always gives the same scenario.
pub fn generate(base: &Scenario, areas: usize) -> Result<Scenario, NationalError> {
    if !(1..=MAX_DISTRICTS).contains(&areas) {
        return Err(NationalError::Areas(areas));
    }
    let rates = Rates::of(base)?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
    let draws: Vec<Draws> = (0..areas)
        .map(|_| Draws {
            size: rng.random(),
            need: rng.random(),
            fill: rng.random(),
            births: rng.random(),
            trend: rng.random(),
        })
        .collect();
    let sizes: Vec<f64> = draws
        .iter()
        .map(|d| 0.1 + 4.0 * d.size * d.size * d.size)
        .collect();
    let children = apportion(CHILDREN, &sizes);
    let hv_weights: Vec<f64> = draws
        .iter()
        .zip(&children)
        .map(|(d, &n)| n as f64 * (0.85 + 0.3 * d.need) * (0.65 + 0.35 * d.fill))
        .collect();
    let hv_tenths = apportion(HV_WTE_TENTHS, &hv_weights);
    let width = areas.to_string().len().max(3);
    let id = |i: usize| format!("area_{:0width$}", i + 1);
    let districts = (0..areas)
        .map(|i| {
            let (d, n) = (&draws[i], children[i]);
            let ages = apportion(n, &rates.ages);
            // Rates 2r n_j / (n_i + n_j) make the flows i -> j and j -> i equal (both
            // 2r n_i n_j / (n_i + n_j)), so a small area beside a large one does not fill up.
            let mut moves = BTreeMap::new();
            if areas > 1 {
                for j in [(i + areas - 1) % areas, (i + 1) % areas] {
                    let (ni, nj) = (n as f64, children[j] as f64);
                    let rate = 2.0 * NEIGHBOUR_MOVE_RATE * nj / (ni + nj).max(1.0);
                    *moves.entry(id(j)).or_insert(0.0) += round_to(rate, 4);
                }
            }
            let hv = hv_tenths[i] as f64 / 10.0;
            let staff = rates
                .per_hv
                .iter()
                .map(|(role, &ratio)| {
                    let wte = if *role == rates.hv_role {
                        hv
                    } else {
                        round_to(hv * ratio, 1)
                    };
                    (role.clone(), wte)
                })
                .collect();
            District {
                id: id(i),
                name: format!("Area {:0width$}", i + 1),
                children_by_age: ages.iter().map(|&a| a as u32).collect(),
                births_per_year: (n as f64 * rates.births_per_child * (0.92 + 0.16 * d.births))
                    .round(),
                births_trend: round_to(-0.03 + 0.02 * d.trend, 3),
                need_mix: rates.need_mix(d.need),
                migration: Migration {
                    arrivals_per_year: (n as f64 * rates.arrivals_per_child).round(),
                    leave_rate: round_to(rates.leave_rate, 3),
                    moves,
                },
                staff,
                establishment: BTreeMap::new(),
            }
        })
        .collect();
    Ok(Scenario {
        extends: None,
        name: format!("National scale (synthetic, {areas} areas)"),
        description: format!(
            "A generated national-scale service for benchmarks: {areas} synthetic areas, {} \
             children under five and {} health-visitor WTE in post, with the levels, reviews, roles \
             and rates of the Birmingham baseline. Not a forecast of any real area.",
            thousands(CHILDREN),
            thousands(HV_WTE_TENTHS / 10)
        ),
        districts,
        // Birmingham's volunteers, trainee cohort and budget belong to its districts and its city,
        // and its leavers and hires (capped at one a month for the whole city) to its labour market:
        // the synthetic areas keep their staff in post, as a benchmark's workload should.
        roles: base
            .roles
            .iter()
            .map(|r| Role {
                attrition: 0.0,
                retirement: Vec::new(),
                recruitment: None,
                workload_leaving: None,
                ..r.clone()
            })
            .collect(),
        volunteers: None,
        pipelines: Vec::new(),
        budget: None,
        ..base.clone()
    })
}

/// The national scenario with `areas` areas as a commented RON file: what
/// `caseload generate national` writes and `scenarios/national_generated.ron` holds.
pub fn ron(areas: usize) -> Result<String, NationalError> {
    let base = load::baseline()?.scenario;
    let scenario = generate(&base, areas)?;
    // Pretty to the depth of a district's fields: its lists and maps stay on one line each.
    let pretty = ron::ser::PrettyConfig::default()
        .struct_names(true)
        .depth_limit(3);
    let options =
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let body = options.to_string_pretty(&scenario, pretty)?;
    Ok(format!("{}{body}\n", header(areas)))
}

/// `n` with a comma between each group of three digits.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The file's opening comment: how it was made and where its numbers come from.
fn header(areas: usize) -> String {
    format!(
        "\
// National scale (synthetic): {areas} areas, {children} children under five, {hv} health-visitor WTE.
//
// GENERATED, do not edit: `caseload generate national --areas {areas} --out FILE` (sim/src/input/national.rs)
// writes this file; a test (tests/scale.rs) checks that the shipped copy is exactly what it writes.
//
// Question: how long does a national run take, and how much memory does it need? It is a benchmark
// and capacity-planning workload, not a forecast: the areas are not real local authorities, and
// every per-area number is synthetic [est], drawn from a fixed seed around the Birmingham baseline
// (birmingham_baseline.ron, whose sources it lists) and scaled to England's totals:
//   totals       [est] about 3.2 million children under five in England (ONS mid-year estimates) and
//                about 7,000 health-visitor WTE (NHS workforce statistics), as issue 6 states them.
//   sizes        [est] weights 0.1 + 4u^3 (u uniform), children apportioned to the total, split by
//                age like Birmingham's; the largest area is about 40 times the smallest.
//   need_mix     [est] between Birmingham's least and most needy districts, by a uniform draw.
//   births       [est] Birmingham's births per child under five, x 0.92 to 1.08; trend -3% to -1%
//                a year. Arrivals and leave rate: Birmingham's per child [est].
//   moves        [est] to each of the two neighbouring areas (a ring), {move} a year on average:
//                2 x {move} x n_j / (n_i + n_j) from area i to j, so the flows both ways are equal.
//   staff        [est] health-visitor WTE by need-weighted children x a fill rate of 65% to 100%,
//                apportioned to the total in tenths; other roles at Birmingham's ratio to HVs.
//   calendar, need levels, reviews, roles, allocation, delivery: as birmingham_baseline.ron; staff
//                held in post (no leavers or hires), no volunteers, trainee cohort or budget.
",
        children = thousands(CHILDREN),
        hv = thousands(HV_WTE_TENTHS / 10),
        move = NEIGHBOUR_MOVE_RATE,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_sums_exactly_and_follows_the_largest_remainders() {
        assert_eq!(apportion(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
        assert_eq!(apportion(7, &[0.5, 0.25, 0.25]), vec![3, 2, 2]);
        assert_eq!(apportion(0, &[1.0, 2.0]), vec![0, 0]);
        let parts = apportion(3_200_000, &[0.1, 4.1, 1.3, 2.2, 0.7]);
        assert_eq!(parts.iter().sum::<u64>(), 3_200_000);
    }

    #[test]
    fn thousands_are_separated_by_commas() {
        assert_eq!(thousands(3_200_000), "3,200,000");
        assert_eq!(thousands(7_000), "7,000");
        assert_eq!(thousands(150), "150");
        assert_eq!(thousands(0), "0");
    }

    #[test]
    fn rounding_keeps_the_places_asked_for() {
        assert_eq!(round_to(0.12345, 3), 0.123);
        assert_eq!(round_to(12.345, 1), 12.3);
        assert_eq!(round_to(-0.02151, 3), -0.022);
    }
}
