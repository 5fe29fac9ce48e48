//! Hostile command lines through the `caseload` binary itself: every subcommand with flags and
//! paths that are missing, malformed, out of range or pointing at the wrong kind of file. The
//! binary must never panic: each run succeeds, or exits 2 (bad input) or 1 (could not write) with
//! a message. Fewer cases than the in-process fuzzer, as each is a process;
//! `CASELOAD_FUZZ_CLI_CASES` sets how many.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::binary::{command, stderr, write_scenario};
use crate::common::tiny_year;
use crate::fuzz_gen::Gen;

/// Command lines in the default test run.
const CASES: u64 = 80;

/// Values that break flag parsers.
const HOSTILE: &[&str] = &[
    "",
    " ",
    "-1",
    "0",
    "1.5",
    "1e999",
    "NaN",
    "inf",
    "18446744073709551616",
    "4294967296",
    "abc",
    "ａ",
    "--",
    "-q",
    "=",
    "..",
    "auto",
    "/",
    "100000",
];

/// Files and folders to name where a scenario, a shard folder or an output goes.
const PATHS: &[&str] = &[
    "tiny.ron",
    "tiny.ron",
    "overlay.ron",
    "missing.ron",
    ".",
    "empty.ron",
    "bytes.ron",
    "cycle.ron",
    "/dev/null",
    "/dev/zero",
    "fifo.ron",
    "twice.ron",
    "shard_bad",
    "shard_empty",
    "out_file",
];

/// Where output goes: a folder, or things that must never be written over or through.
const OUTPUTS: &[&str] = &[
    "out",
    "out",
    "out",
    "out_file",
    "/dev/null",
    "link_null",
    ".",
];

/// Where a single file goes (a report): a file, or things that must never be replaced.
const FILES: &[&str] = &[
    "out/r.html",
    "out/r.html",
    "/dev/full",
    "link_null",
    ".",
    "out_file/r.html",
];

/// A flag's value: usually a sane one, sometimes a hostile one.
fn value(g: &mut Gen, sane: &'static str) -> &'static str {
    if g.chance(0.3) {
        g.pick::<&str>(HOSTILE)
    } else {
        sane
    }
}

/// A random command line, cheap to run when it is valid.
fn command_line(g: &mut Gen) -> Vec<String> {
    let mut a: Vec<&str> = Vec::new();
    let sub = *g.pick(&[
        "run", "compare", "report", "merge", "sweep", "seek", "validate", "nope",
    ]);
    a.push(sub);
    match sub {
        "run" | "report" => {
            if g.chance(0.9) {
                a.push(*g.pick(PATHS));
            }
            if g.chance(0.2) {
                a.extend(["--reps", "auto", "--max-reps", value(g, "4"), "--precision"]);
                a.push(value(g, "0.5"));
            } else {
                a.extend(["--reps", value(g, "2")]);
            }
            a.extend(["--seed", value(g, "3"), "--threads", value(g, "1")]);
            a.extend(["--out", *g.pick(if sub == "run" { OUTPUTS } else { FILES })]);
            if sub == "run" && g.chance(0.3) {
                a.extend(["--report", *g.pick(FILES)]);
            }
            if g.chance(0.5) {
                a.extend(["--target", value(g, "children>=0@2024-06")]);
            }
            if sub == "run" && g.chance(0.3) {
                a.extend(["--shard", value(g, "1/2")]);
            }
        }
        "compare" => {
            a.extend([*g.pick(PATHS), *g.pick(PATHS), "--reps", value(g, "2")]);
            a.extend(["--seed", value(g, "1"), "--out", *g.pick(OUTPUTS)]);
        }
        "merge" => {
            for _ in 0..1 + g.below(2) {
                a.push(*g.pick(&["shard_bad", "shard_empty", "missing", ".", "tiny.ron"]));
            }
            a.extend(["--out", value(g, "merged")]);
        }
        "sweep" => {
            a.extend([
                *g.pick(PATHS),
                "--vary",
                value(g, "districts[north].staff.hv=1,2"),
            ]);
            a.extend(["--reps", value(g, "2"), "--out", "out"]);
            if g.chance(0.3) {
                a.extend(["--shard", value(g, "2/2")]);
            }
        }
        "seek" => {
            a.extend([
                *g.pick(PATHS),
                "--lever",
                value(g, "districts[north].staff.hv"),
            ]);
            a.extend(["--range", value(g, "1..3"), "--reps", value(g, "2")]);
            a.extend(["--target", value(g, "compliance:new_birth>=0.5@2024-12")]);
            a.extend(["--confidence", value(g, "0.5"), "--out", "out"]);
            if g.chance(0.3) {
                a.extend(["--step", value(g, "1")]);
            }
        }
        _ => {
            for _ in 0..1 + g.below(3) {
                a.push(*g.pick(PATHS));
            }
        }
    }
    if g.chance(0.1) {
        a.push(*g.pick(HOSTILE));
    }
    a.push("--quiet");
    if sub == "validate" || sub == "merge" || sub == "nope" {
        a.pop();
    }
    a.into_iter().map(str::to_string).collect()
}

/// A folder with a small scenario, an overlay of it, broken files and broken shard folders.
fn workspace(dir: &Path) {
    write_scenario(dir, "tiny.ron", &tiny_year());
    let w = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).expect("written");
    w(
        "overlay.ron",
        b"Scenario(extends: \"tiny.ron\", name: \"Overlay\")",
    );
    w("empty.ron", b"");
    w("bytes.ron", &[0xff, 0xfe, 0x00, 0x41]);
    w(
        "cycle.ron",
        b"Scenario(extends: \"cycle.ron\", name: \"Cycle\")",
    );
    w("out_file", b"a file where a folder is expected");
    // Keys written twice; a pipe nobody writes to; a link to a device.
    let tiny = std::fs::read_to_string(dir.join("tiny.ron")).expect("read");
    let twice = tiny.replacen("staff: {", "staff: {\"hv\": 100.0, ", 1);
    w("twice.ron", twice.as_bytes());
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("fifo.ron"))
        .status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    #[cfg(unix)]
    std::os::unix::fs::symlink("/dev/null", dir.join("link_null")).expect("linked");
    std::fs::create_dir_all(dir.join("shard_empty")).expect("a folder");
    std::fs::create_dir_all(dir.join("shard_bad")).expect("a folder");
    std::fs::write(
        dir.join("shard_bad/results.csv"),
        "replication,month\n1,2\n",
    )
    .expect("written");
    std::fs::write(dir.join("shard_bad/shard.json"), "{\"shard\": ").expect("written");
}

#[test]
fn hostile_command_lines_never_panic() {
    let cases = std::env::var("CASELOAD_FUZZ_CLI_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CASES);
    let dir = tempfile::tempdir().expect("a temporary folder");
    workspace(dir.path());
    let mut codes = [0u32; 3];
    for case in 0..cases {
        let args = command_line(&mut Gen::new(case ^ 0x5eed));
        let mut child = command(dir.path(), &args)
            .stdout(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let started = Instant::now();
        while child.try_wait().expect("a status").is_none() {
            if started.elapsed() > Duration::from_secs(120) {
                let _ = child.kill();
                panic!("case {case} ran for two minutes: caseload {args:?}");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let out = child.wait_with_output().expect("its output");
        let err = stderr(&out);
        let code = out.status.code();
        assert!(
            !err.contains("panicked") && matches!(code, Some(0..=2)),
            "case {case}: caseload {args:?} exited {code:?}:\n{err}"
        );
        if code != Some(0) {
            assert!(
                !err.trim().is_empty(),
                "case {case}: caseload {args:?} failed silently"
            );
        }
        codes[code.unwrap_or(1) as usize] += 1;
    }
    // Both paths were taken: some command lines ran, most were refused.
    assert!(codes[0] > 0 && codes[2] > 0, "exit codes 0/1/2: {codes:?}");
    // Nothing that is not a file was written over, and nothing was left half done.
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        for device in ["/dev/null", "/dev/full", "/dev/zero"] {
            let kind = std::fs::metadata(device).expect("still there").file_type();
            assert!(kind.is_char_device(), "{device} was replaced");
        }
        let link = std::fs::symlink_metadata(dir.path().join("link_null")).expect("the link");
        assert!(link.file_type().is_symlink(), "the link was replaced");
    }
    let debris = walk(dir.path())
        .into_iter()
        .filter(|p| p.ends_with(".partial") || p.ends_with(".caseload.lock"))
        .collect::<Vec<_>>();
    assert!(debris.is_empty(), "left behind: {debris:?}");
}

/// Every file name under `dir`, recursively.
fn walk(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            names.extend(walk(&path));
        } else {
            names.push(path.display().to_string());
        }
    }
    names
}
