//! Questions asked of a run's results: [`targets`] (the chance of meeting a target), [`compare`]
//! (paired differences of two scenarios on common random numbers), [`seek`] (the smallest lever
//! value that meets a target with a given confidence) and [`finance`] (spend against budget by
//! financial year).

pub mod compare;
pub mod finance;
pub mod seek;
pub mod targets;
