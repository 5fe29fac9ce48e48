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
//! ## Layers
//!
//! The modules sit in layers in the order data flows, and a module imports only from its own
//! layer and the layers above it in this list (`tests/layers.rs` holds the rule):
//!
//! 1. [`scenario`]: the file format, plain serde types that double as the scenario reference.
//! 2. [`model`]: the typed model the engine runs, with its [`calendar`], [`metrics`] and the
//!    red/amber/green [`rag`] rule.
//! 3. [`input`]: text to model ([`load`], [`locate`], [`overlay`], [`validate`], [`lever`],
//!    [`national`]).
//! 4. [`engine`]: one replication on bevy_ecs.
//! 5. [`run`]: replications and their values ([`replicate`], [`uncertainty`], [`results`],
//!    [`spill`], [`summary`], [`precision`], [`run::posterior`]).
//! 6. [`analysis`]: questions asked of results ([`targets`], [`compare`], [`seek`], [`finance`]).
//! 7. [`output`]: files written whole or not at all, and the board [`report`].
//! 8. [`calibration`]: fitting the uncertain inputs to a service's history, which drives all
//!    of the above.
//!
//! Each layer's modules are re-exported at the crate root, so callers write
//! `caseload::summary::Summary` rather than `caseload::run::summary::Summary`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod analysis;
pub mod calibration;
pub mod engine;
pub mod input;
pub mod model;
pub mod output;
pub mod run;
pub mod scenario;

pub use analysis::{compare, finance, seek, targets};
pub use input::{lever, load, locate, national, overlay, validate};
pub use model::{calendar, metrics, rag};
pub use output::report;
pub use run::{precision, replicate, results, spill, summary, uncertainty};
