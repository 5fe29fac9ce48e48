//! Replications of a model and their values: the one run path every command and the app share.
//!
//! [`replicate`] runs replications in parallel (one stream set each, so any thread count gives
//! the same bits); [`uncertainty`] draws a replication's uncertain inputs, from their priors or
//! from a calibrated [`posterior`]; [`results`] holds the monthly values, [`spill`] keeps them on
//! disk for large runs, and [`summary`] gives their statistics; [`precision`] adds replications
//! until the key forecasts are precise enough.

pub mod posterior;
pub mod precision;
pub mod replicate;
pub mod results;
pub mod spill;
pub mod summary;
pub mod uncertainty;
