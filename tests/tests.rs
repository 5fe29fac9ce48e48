//! Caseload's workspace integration tests: one test binary, one module per theme.

#![forbid(unsafe_code)]

// Shared fixtures: small hand-checkable scenarios and helpers to run them.
mod common;
// The `caseload` binary, run as a process: what every CLI test needs.
mod binary;
// Closed-form and hand-worked answers the engine must reproduce.
mod known_answers;
// Accounting identities and bounds that hold in every run.
mod invariants;
// Same seed, same results, whatever the thread count.
mod determinism;
// How a bad scenario's problems are expected and located, for the validation tests.
mod located_problems;
// Every class of bad scenario gets a clear, located message.
mod validation;
// The `caseload` binary end to end: outputs, exit codes, bad flags and paths.
mod cli;
// Workforce mechanisms against closed-form answers.
mod workforce;
// Workforce mechanisms worked by hand.
mod workforce_mechanisms;
// The staff ledger balances under random workforce settings.
mod workforce_ledger;
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
// --format parquet: the CSV tables' rows, typed; shards merge to the unsharded run's bytes.
mod parquet_output;
// Levers, sweeps over grids of them, and goal seeking.
mod sweep;
// Uncertain values in shards and precision-driven runs: the draws merge and stop as a fixed run's.
mod uncertain_runs;
// Sweep shards and their merge: byte-identical to the unsharded sweep.
mod sweep_shards;
// Targets, paired comparison and precision-driven replications through the binary.
mod decision;
// Hostile input: the fuzz driver (short pass here, a million inputs on demand).
mod fuzz;
// What every fuzz answer must be: a value that round-trips, or an error that says where.
mod fuzz_checks;
// The fuzzer's shared inputs: shipped scenarios, a rich generated one, a small run's results.
mod fuzz_fixtures;
// Random scenarios with every section, for the fuzzer and the property tests.
mod fuzz_gen;
// Their workforce sections: pipelines, volunteers, skill mix, mutual aid, budget, uncertain.
mod fuzz_gen_workforce;
// Fuzzed scenario text: arbitrary bytes, random RON, mutated shipped scenarios.
mod fuzz_text;
// Fuzzed generated scenarios and overlays, simulated when they load.
mod fuzz_scenarios;
// Fuzzed flags and files: levers, targets, shards, seek ranges, results.csv.
mod fuzz_flags;
// Random valid scenarios: books balance, compliance is a share, threads and shards change nothing.
mod properties;
// A run killed mid-write leaves only whole files, and the user's files alone.
mod killed_write;
// Devices, links, failed and interrupted runs, busy folders, incomparable comparisons.
mod hardening;
// The validation report's own checks: the Birmingham calibration against the seed, migration and
// contact demand against closed forms (docs/validation.md).
mod validation_report;
// Citations: every short name is defined in docs/sources.md; no path leads outside the repository.
mod sources;
// Docs name only files, modules and types that exist.
mod doc_names;
// The library's layers import only downward.
mod layers;
// How work reaches families: booked visits and caseload-holding teams, worked by hand.
mod delivery;
// Time that is not visits, and absence, worked by hand.
mod delivery_time;
// Need by age and district, the weighted caseload, reviews counted as OHID counts them.
mod need_and_metrics;
// The warm-up before the start: a backlog of its own, staff and population held still.
mod warm_up;
// Scenarios frozen before the delivery mechanisms give their frozen results bit for bit.
mod frozen;
// External checks: Scotland's 2014-2018 training drive and England 2015-2023 (docs/validation.md).
mod external;
// Inputs the fuzzer found that once panicked, with the answers they should get.
mod fuzz_regressions;
// Hostile command lines through the binary: refused with a message, never a panic.
mod fuzz_cli;
// Scale: the generated national scenario, the engine's event count, the benchmark run flags.
mod scale;
// `caseload calibrate`: observed history checked, a known input recovered, thread-count independence.
mod calibration;
// Synthetic recovery: posterior intervals cover the truths they were fitted to.
mod calibration_coverage;
// The Excel workbook of run, report and compare, read back with calamine.
mod xlsx;
