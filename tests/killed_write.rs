//! A run killed (SIGKILL, no chance to clean up) while it writes its output leaves no partial file
//! under an output's name: each of `results.csv` and `summary.csv` in the folder is either the
//! previous run's file, untouched, or the new run's, whole, and when `run.json` is there they are
//! both the files of the run it names. Files in the folder that the run does not write are left
//! alone, and the next run into the folder succeeds.

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use caseload::output::{LOCK_FILE, read_results};
use caseload::scenario::Scenario;

use crate::binary::{command, write_scenario};
use crate::common::{district, tiny};

/// The files a run writes.
const OUTPUTS: [&str; 3] = ["results.csv", "summary.csv", "run.json"];
/// A file of the user's in the output folder.
const NOTES: &str = "notes.txt";

/// Ten districts with few children for ten years: cheap to simulate, about 2 MB of results.csv a
/// replication, so writing takes long enough to be caught in the middle.
pub fn wide() -> Scenario {
    let mut s = tiny();
    s.calendar.months = 120;
    s.districts = (0..10)
        .map(|k| district(&format!("d{k}"), 5, 12.0, &[("hv", 1.0)]))
        .collect();
    s
}

fn start(cwd: &Path, seed: &str) -> Child {
    let args = [
        "run", "wide.ron", "--reps", "12", "--seed", seed, "--out", "out", "--quiet",
    ];
    command(cwd, args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the caseload binary starts")
}

/// Runs to the end and returns the bytes of each output.
fn complete(cwd: &Path, seed: &str) -> Vec<Vec<u8>> {
    let status = start(cwd, seed).wait().expect("the run ends");
    assert!(status.success(), "{status}");
    OUTPUTS
        .iter()
        .map(|f| std::fs::read(cwd.join("out").join(f)).expect("an output"))
        .collect()
}

/// Whether any file in `dir` has a name starting with `prefix`.
fn has(dir: &Path, test: impl Fn(&str) -> bool) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| test(&e.file_name().to_string_lossy()))
        })
        .unwrap_or(false)
}

/// When to kill a run.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// This long after it starts.
    After(Duration),
    /// As soon as its first temporary file appears, then this much later.
    Writing(Duration),
    /// As soon as its results.csv has been renamed into place (between renames).
    Placing,
}

/// Starts a run and kills it at `moment`; true if it was still running when killed.
fn kill_at(cwd: &Path, seed: &str, moment: Moment) -> bool {
    let out = cwd.join("out");
    let old_results = std::fs::metadata(out.join("results.csv"))
        .and_then(|m| m.modified())
        .ok();
    let mut child = start(cwd, seed);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(120);
    let partial = |name: &str| name.ends_with(".partial");
    let mut wait_until = |done: &dyn Fn() -> bool| {
        while !done() && Instant::now() < deadline {
            if child.try_wait().expect("a status").is_some() {
                return false;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        true
    };
    let running = match moment {
        Moment::After(d) => wait_until(&|| started.elapsed() >= d),
        Moment::Writing(d) => {
            let seen = wait_until(&|| has(&out, partial));
            let at = Instant::now();
            seen && wait_until(&|| at.elapsed() >= d)
        }
        Moment::Placing => wait_until(&|| {
            std::fs::metadata(out.join("results.csv"))
                .and_then(|m| m.modified())
                .ok()
                != old_results
        }),
    };
    // Killed without warning: no destructor, no cleanup.
    let _ = child.kill();
    child.wait().expect("the killed run is reaped");
    running
}

/// Every output in the folder is one of the two runs' files, whole; when run.json is there, every
/// output is its run's; the user's file is untouched.
fn check_folder(cwd: &Path, old: &[Vec<u8>], new: &[Vec<u8>], moment: Moment) {
    let out = cwd.join("out");
    // The run run.json names, if it is there: removed before a set is replaced, placed last.
    let recorded = std::fs::read(out.join("run.json")).ok().map(|bytes| {
        // The record holds the wall time, so compare what a run always writes the same.
        let json: serde_json::Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("run.json is not whole JSON ({moment:?}): {e}"));
        assert_eq!(json["replications"], 12, "run.json ({moment:?})");
        match json["seed"].to_string().as_str() {
            "7" => old,
            "8" => new,
            other => panic!("run.json names seed {other} ({moment:?})"),
        }
    });
    for (k, name) in OUTPUTS
        .iter()
        .enumerate()
        .filter(|(_, n)| **n != "run.json")
    {
        let bytes = std::fs::read(out.join(name))
            .unwrap_or_else(|e| panic!("{name} lost ({moment:?}): {e}"));
        match recorded {
            Some(run) => assert!(
                bytes == run[k],
                "{name} is not the file of the run run.json names ({moment:?})"
            ),
            None => assert!(
                bytes == old[k] || bytes == new[k],
                "{name} is neither the old nor the new run's file ({moment:?}): {} bytes",
                bytes.len()
            ),
        }
    }
    read_results(&out.join("results.csv")).expect("results.csv reads back whole");
    let notes = std::fs::read_to_string(out.join(NOTES)).expect("the user's file is kept");
    assert_eq!(notes, "my notes\n");
    // Anything else is a hidden temporary file or the folder's lock, never a name a reader
    // would open.
    for entry in std::fs::read_dir(&out).expect("the folder") {
        let name = entry
            .expect("an entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let hidden_temp = name.starts_with('.') && name.ends_with(".partial");
        assert!(
            OUTPUTS.contains(&name.as_str()) || name == NOTES || hidden_temp || name == LOCK_FILE,
            "unexpected file {name} ({moment:?})"
        );
    }
}

#[test]
fn a_run_killed_while_writing_leaves_whole_files_only() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let cwd = dir.path();
    write_scenario(cwd, "wide.ron", &wide());
    // The previous run's output (seed 7), the new run's (seed 8) for reference, and a user file.
    let new = complete(cwd, "8");
    let old = complete(cwd, "7");
    assert!(old[0] != new[0], "the two seeds give different results");
    let took = read_results(&cwd.join("out/results.csv")).expect("reads back");
    assert_eq!(took.results.replications(), 12);
    std::fs::write(cwd.join("out").join(NOTES), "my notes\n").expect("written");

    let moments = [
        Moment::After(Duration::from_millis(5)),
        Moment::Writing(Duration::ZERO),
        Moment::Writing(Duration::from_millis(20)),
        Moment::Writing(Duration::from_millis(150)),
        Moment::Placing,
    ];
    let mut caught_writing = 0;
    for moment in moments {
        let running = kill_at(cwd, "8", moment);
        caught_writing += usize::from(running && matches!(moment, Moment::Writing(_)));
        check_folder(cwd, &old, &new, moment);
    }
    // The kill hit the run while it wrote at least once (else the test proves nothing).
    assert!(
        caught_writing >= 1,
        "no kill landed while the run was writing"
    );

    // Left-over temporary files do not stop the next run, which replaces every output whole.
    let again = complete(cwd, "8");
    assert!(
        again[..2] == new[..2],
        "the next run writes the same results"
    );
    assert_eq!(
        std::fs::read_to_string(cwd.join("out").join(NOTES)).expect("kept"),
        "my notes\n"
    );
}
