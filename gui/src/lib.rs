//! Caseload desktop app: a dashboard and what-if levers over the `caseload` simulator.
//!
//! [`app::CaseloadApp`] holds the state and draws the UI; [`worker`] runs forecasts on a named
//! background thread; `main.rs` is a thin eframe shell. Views draw and push [`command::Command`]s;
//! the app applies them, so views never reach up into the app.

#![forbid(unsafe_code)]

pub mod app;
pub mod charts;
pub mod command;
pub mod editor;
pub mod export;
pub mod forecast;
pub mod levers;
pub mod palette;
pub mod shipped;
pub mod state;
pub mod view;
pub mod worker;
