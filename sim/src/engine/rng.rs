//! Random-number streams, and the two draws several systems share ([`draw_cdf`], [`poisson`]).
//!
//! Replication `i` of a run with master seed `s` owns one independent stream per random process
//! (demography, need, migration, reviews, workforce, warm-up contact demand, no-access visits,
//! absence, team joining, contact demand). Each stream is a `Xoshiro256PlusPlus` (portable: the same
//! numbers on every platform) seeded from SplitMix64 of (s, i, process). Separate streams per process
//! keep common random numbers aligned when two scenarios differ in one process only: a change to
//! staffing does not shift the births drawn.

use bevy_ecs::resource::Resource;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Poisson};

/// The engine's random processes, each with its own stream.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Process {
    /// Pregnancies, births, arrivals and their ages and levels.
    Demography = 1,
    /// Monthly need-level transitions, and contact demand in a scenario without `delivery`.
    Need = 2,
    /// Moves between districts and out of the city.
    Migration = 3,
    /// Review offers and uptake.
    Reviews = 4,
    /// Staff ages, attrition, recruitment, programme drop-outs and volunteers.
    Workforce = 5,
    /// Draws of the scenario's uncertain values (one set per replication).
    Parameters = 6,
    /// Contact demand during a warm-up, kept apart so that a warm-up leaves the need stream, and so
    /// every need level after the start, as it would be without one.
    WarmUp = 7,
    /// Booked visits that find no one in.
    Delivery = 8,
    /// Spells of sickness and maternity leave.
    Absence = 9,
    /// Calibration's proposals (`caseload calibrate`), one stream per proposal.
    Calibration = 10,
    /// The team a child joins, apart from [`Process::Delivery`] so that how many visits find no
    /// one in (which moves with staffing) never changes which team a child joins.
    Joining = 11,
    /// Contact demand in a scenario with a `delivery` section, apart from [`Process::Need`] so that
    /// the contacts a pressed team drops never change a child's later need levels. A scenario
    /// without `delivery` keeps drawing them from the need stream, so its results stay as they were.
    Contacts = 12,
}

/// The streams of one replication.
#[derive(Resource, Debug)]
pub struct Streams {
    /// See [`Process::Demography`].
    pub demography: Xoshiro256PlusPlus,
    /// See [`Process::Need`].
    pub need: Xoshiro256PlusPlus,
    /// See [`Process::Migration`].
    pub migration: Xoshiro256PlusPlus,
    /// See [`Process::Reviews`].
    pub reviews: Xoshiro256PlusPlus,
    /// See [`Process::Workforce`].
    pub workforce: Xoshiro256PlusPlus,
    /// See [`Process::WarmUp`].
    pub warm_up: Xoshiro256PlusPlus,
    /// See [`Process::Delivery`].
    pub delivery: Xoshiro256PlusPlus,
    /// See [`Process::Absence`].
    pub absence: Xoshiro256PlusPlus,
    /// See [`Process::Joining`].
    pub joining: Xoshiro256PlusPlus,
    /// See [`Process::Contacts`].
    pub contacts: Xoshiro256PlusPlus,
}

impl Streams {
    /// The streams of replication `replication` under master seed `seed`.
    pub fn new(seed: u64, replication: u64) -> Self {
        Streams {
            demography: stream(seed, replication, Process::Demography),
            need: stream(seed, replication, Process::Need),
            migration: stream(seed, replication, Process::Migration),
            reviews: stream(seed, replication, Process::Reviews),
            workforce: stream(seed, replication, Process::Workforce),
            warm_up: stream(seed, replication, Process::WarmUp),
            delivery: stream(seed, replication, Process::Delivery),
            absence: stream(seed, replication, Process::Absence),
            joining: stream(seed, replication, Process::Joining),
            contacts: stream(seed, replication, Process::Contacts),
        }
    }
}

/// One process's stream for one replication.
pub fn stream(seed: u64, replication: u64, process: Process) -> Xoshiro256PlusPlus {
    let key = splitmix64(splitmix64(splitmix64(seed) ^ replication) ^ process as u64);
    Xoshiro256PlusPlus::seed_from_u64(key)
}

/// SplitMix64's output function: a bijective mix of 64 bits.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Draws an index from a cumulative distribution.
pub fn draw_cdf(cdf: &[f64], rng: &mut Xoshiro256PlusPlus) -> usize {
    let u: f64 = rng.random();
    cdf.iter().position(|&c| u < c).unwrap_or(cdf.len() - 1)
}

/// A Poisson draw; zero for a mean of zero.
pub fn poisson(mean: f64, rng: &mut Xoshiro256PlusPlus) -> u64 {
    match Poisson::new(mean) {
        Ok(p) => p.sample(rng) as u64,
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use rand::RngExt;

    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(stream(7, 3, Process::Need), |r, _| Some(r.random()))
            .collect();
        let b: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(stream(7, 3, Process::Need), |r, _| Some(r.random()))
            .collect();
        let c: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(stream(7, 4, Process::Need), |r, _| Some(r.random()))
            .collect();
        let d: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(stream(7, 3, Process::Reviews), |r, _| Some(r.random()))
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }

    #[test]
    fn stream_is_pinned_across_platforms_and_versions() {
        // A change here changes every published result: only ever on purpose.
        let mut r = stream(42, 0, Process::Demography);
        let first: u64 = r.random();
        let mut again = stream(42, 0, Process::Demography);
        assert_eq!(first, again.random::<u64>());
        assert_ne!(first, 0);
    }
}
