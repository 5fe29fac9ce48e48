//! Scenario text to a typed [`crate::model::Model`]: everything that reads, locates, merges,
//! checks or changes what a planner wrote.
//!
//! [`locate`] finds a field path's line and column in the text, and reads lever paths, which name
//! one field by ids (`pipelines[scphn].intakes[2].size`); [`overlay`] merges a scenario that extends
//! another, keeping where each value was written; [`validate`] turns a
//! [`crate::scenario::Scenario`] into the model, with every semantic check; [`load`] is the one
//! entry point (file or text to model, errors located); [`lever`] sets a field to another value and
//! reloads; [`national`] generates the synthetic national scenario.

pub mod lever;
pub mod load;
pub mod locate;
pub mod national;
pub mod overlay;
pub mod validate;
