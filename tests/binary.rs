//! The `caseload` binary, run as a process: what every CLI test needs. The tests drive the real
//! binary Cargo built for this run, in a temporary folder of their own, and judge it by its exit
//! code, what it printed and the files it left. A panic is never an acceptable way to refuse
//! input, so every exit-code check also refuses "panicked" on stderr.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use caseload::load::to_ron;
use caseload::scenario::Scenario;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// The day every report a test makes is dated: 1 January 2026, 00:00 UTC.
pub const SOURCE_DATE_EPOCH: &str = "1767225600";

/// The binary with `args`, to run in `cwd`, its stdout and stderr captured so that a spawned
/// process's output can still be read (callers may set other `Stdio`).
pub fn command<I, S>(cwd: &Path, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut c = Command::new(env!("CARGO_BIN_EXE_caseload"));
    // Board reports are dated: a fixed day (1 January 2026), so two runs across midnight agree.
    c.env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        .current_dir(cwd)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Runs the binary with `args` in `cwd` to the end.
pub fn caseload(cwd: &Path, args: &[&str]) -> Output {
    command(cwd, args)
        .output()
        .expect("the caseload binary runs")
}

/// What the process printed on stdout.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What the process printed on stderr.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the process exited with `code` without panicking, showing both streams if not;
/// returns its stderr (where refusals are explained).
pub fn assert_exit(o: &Output, code: i32) -> String {
    let err = stderr(o);
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{err}",
        stdout(o)
    );
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// Asserts the process succeeded (exit 0, no panic); returns its stdout.
pub fn ok(o: &Output) -> String {
    assert_exit(o, 0);
    stdout(o)
}

/// Runs every command line in `cwd` at once, as separate processes (as shards are meant to run),
/// waits for all, and asserts each succeeded.
pub fn all_succeed(cwd: &Path, command_lines: &[Vec<&str>]) {
    let children: Vec<_> = command_lines
        .iter()
        .map(|args| {
            command(cwd, args)
                .spawn()
                .expect("the caseload binary starts")
        })
        .collect();
    for child in children {
        assert_exit(&child.wait_with_output().expect("the process ends"), 0);
    }
}

/// `p` as a command-line argument.
pub fn arg(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// Writes `s` as RON to `name` in `dir`; returns its path.
pub fn write_scenario(dir: &Path, name: &str, s: &Scenario) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, to_ron(s).expect("serialises")).expect("written");
    path
}

/// A temporary folder holding `s` as `tiny.ron`, and that file's path: where a CLI test runs.
pub fn workspace(s: &Scenario) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = write_scenario(dir.path(), "tiny.ron", s);
    (dir, path)
}

/// The names of the files and folders directly in `dir`: what a command left there.
pub fn file_names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("a directory")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// The bytes of the file at `path`, which must be readable.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of the file at `path`, which must be readable UTF-8.
pub fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The SHA-256 of `bytes` in lower-case hex, as `run.json` records a scenario's; computed here
/// with `sha2` rather than by the library, so the record is checked independently.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
