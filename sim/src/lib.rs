//! # Caseload
//!
//! A Monte Carlo discrete-event simulator of 0-5 health visiting and family support services. It
//! forecasts, district by district and month by month, the children a service holds at each level
//! of need, its caseload per health visitor, and the share of mandated Healthy Child Programme
//! reviews it delivers on time, with their uncertainty across replications.
//!
//! ```text
//! scenario.ron --load::parse--> Scenario --validate--> Model (typed; dates as day numbers)
//! Model + seed --engine::simulate--> one replication: bevy_ecs World driven day by day
//!              --> monthly observations
//! replicate::Replications::run (rayon, one stream set per replication) --> Results --> Summary
//!              --> output (CSV, JSON)
//! ```
//!
//! ```
//! use caseload::{load, replicate::{Replications, RunOptions}, summary::Summary};
//!
//! let text = r#"Scenario(
//!     name: "One district",
//!     calendar: (start: "2024-01-01", months: 12),
//!     population: (leave_at: FifthBirthday),
//!     need_levels: [(id: "universal", name: "Universal", transitions: {"universal": 1.0},
//!                    contacts_per_month: 0.0, contact_hours: 0.0, contact_roles: [], priority: 1)],
//!     reviews: [(id: "new_birth", name: "New birth visit", metric: "C2", anchor: Birth,
//!                opens: Days(10), on_time: Days(14), last_chance: Days(30), hours: 1.5,
//!                uptake: 1.0, roles: ["hv"], priority: 1)],
//!     roles: [(id: "hv", name: "Health visitor", hours_per_week: 37.5, contact_share: 0.5,
//!              annual_cost: 50000.0, health_visitor: true)],
//!     districts: [(id: "north", name: "North", children_by_age: [100, 100, 100, 100, 100],
//!                  births_per_year: 100.0, need_mix: {"universal": 1.0}, staff: {"hv": 2.0})],
//! )"#;
//! let loaded = load::load_str("one.ron", text).expect("a valid scenario");
//! let options = RunOptions { replications: 4, seed: 7, threads: None };
//! let replications = Replications::of(&loaded).expect("no uncertain values to draw");
//! let results = replications.run(&options, &|| {}).expect("a thread pool").results;
//! let summary = Summary::new(&results);
//! let compliance = results.metric_index("compliance:new_birth").unwrap();
//! // Two health visitors have ample time for ~8 new birth visits a month: all on time.
//! assert_eq!(summary.get(6, results.city(), compliance).mean, 1.0);
//! ```
//!
//! ## Determinism contract
//!
//! - A scenario plus a seed gives bit-identical results whatever the thread count or machine.
//! - Replication `i` draws only from its own streams, seeded from SplitMix64 of (seed, i, process)
//!   with one portable `Xoshiro256PlusPlus` stream per random process (see [`engine::rng`]); two
//!   scenarios run with the same seed therefore share common random numbers.
//! - Same-day events run in the order they were scheduled (the (day, sequence) key of
//!   [`engine::events`]); systems run in one fixed, chained order ([`engine::schedule`]);
//!   allocation ties go to the queue listed first in the scenario.
//! - No `HashMap` is iterated into results: scenario maps are `BTreeMap`s, ids become indices.
//!
//! ## Modules
//!
//! - [`scenario`]: the file format (the scenario reference); [`load`]: text to scenario to model;
//!   [`validate`]: semantic checks; [`locate`]: field paths to line and column; [`overlay`]:
//!   scenarios that extend another, merged with a map back to where each value was written;
//!   [`model`]: the typed model; [`calendar`]: days, months, working days; [`lever`]: one field
//!   named by a path of ids (`pipelines[scphn].intakes[2].size`) set to another value.
//! - [`engine`]: one replication on bevy_ecs; [`metrics`]: what is recorded.
//! - [`replicate`]: parallel replications, the one run path; [`results`], [`summary`]: their values and statistics;
//!   [`targets`]: the chance of meeting a target; [`finance`]: spend against budget by financial
//!   year, to date and as a forecast outturn; [`compare`]: paired differences of two scenarios;
//!   [`seek`]: the smallest lever value whose chance of meeting a target reaches a confidence;
//!   [`precision`]: replications added until the key forecasts are precise enough;
//!   [`uncertainty`]: uncertain scenario values drawn afresh for each replication;
//!   [`output`]: files written whole or not at all; [`report`]: the board report, one
//!   self-contained HTML page with fan charts, a red/amber/green table and the assumptions;
//!   [`rag`]: the one red/amber/green rule the report, the printed summary and the app share.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod calendar;
pub mod calibration;
pub mod compare;
pub mod engine;
pub mod finance;
pub mod lever;
pub mod load;
pub mod locate;
pub mod metrics;
pub mod model;
pub mod national;
pub mod output;
pub mod overlay;
pub mod precision;
pub mod rag;
pub mod replicate;
pub mod report;
pub mod results;
pub mod scenario;
pub mod seek;
pub mod spill;
pub mod summary;
pub mod targets;
pub mod uncertainty;
pub mod validate;
