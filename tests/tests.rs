//! Caseload's workspace integration tests: one test binary, one module per theme.

// Shared fixtures: small hand-checkable scenarios and helpers to run them.
mod common;
// Closed-form and hand-worked answers the engine must reproduce.
mod known_answers;
// Accounting identities and bounds that hold in every run.
mod invariants;
// Same seed, same results, whatever the thread count.
mod determinism;
// Every class of bad scenario gets a clear, located message.
mod validation;
// The `caseload` binary end to end: outputs, exit codes, bad flags and paths.
mod cli;
// Workforce mechanisms against closed-form answers.
mod workforce;
// Workforce mechanisms worked by hand, and the staff ledger under random settings.
mod workforce_mechanisms;
// Every class of bad workforce section gets a clear, located message.
mod validation_workforce;
// Every shipped scenario loads and validates; the Birmingham baseline matches its sources.
mod scenarios;
// Scenario overlays: merge rules, located errors.
mod overlays;
// The board report: one self-contained HTML page, the same bytes for the same run.
mod report;
// Cluster scale: shards run as separate processes merge to the unsharded run's bytes.
mod shards;
// Levers, sweeps over grids of them, and goal seeking.
mod sweep;
// Sweep shards and their merge: byte-identical to the unsharded sweep.
mod sweep_shards;
// Targets, paired comparison and precision-driven replications through the binary.
mod decision;
// The validation report's own checks: the Birmingham calibration against the seed, migration and
// contact demand against closed forms (docs/validation.md).
mod validation_report;
// External checks: Scotland's 2014-2018 training drive and England 2015-2023 (docs/validation.md).
mod external;
