//! What a hostile or unlucky user can do to the output, one regression test per defect once
//! found: devices and links at a destination, a run that fails after simulating, interruptions,
//! what a killed run left, two runs into one folder, and comparisons with nothing in common.

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::binary::{arg, assert_exit, caseload, command, file_names, workspace, write_scenario};
use crate::common::tiny_year;
use crate::killed_write::wide;

/// The files a plain run writes.
const OUTPUTS: [&str; 3] = ["results.csv", "summary.csv", "run.json"];

/// The bytes of each of a run folder's outputs.
fn outputs(dir: &Path) -> Vec<Vec<u8>> {
    OUTPUTS
        .iter()
        .map(|f| std::fs::read(dir.join(f)).expect("an output"))
        .collect()
}

/// Waits (at most a minute) until `dir` holds a file whose name passes `test`.
fn wait_for(dir: &Path, test: impl Fn(&str) -> bool) {
    let start = Instant::now();
    let names = || -> Vec<String> {
        std::fs::read_dir(dir).map_or_else(
            |_| Vec::new(),
            |entries| {
                entries
                    .filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .collect()
            },
        )
    };
    while !names().iter().any(|n| test(n)) {
        assert!(start.elapsed() < Duration::from_secs(60), "nothing came");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Sends the named signal (`INT`, `TERM`) to a child, with the shell's own `kill` (a builtin,
/// so no procps is needed).
fn signal(child: &Child, name: &str) {
    let sent = std::process::Command::new("sh")
        .args(["-c", &format!("kill -{name} {}", child.id())])
        .status();
    assert!(sent.is_ok_and(|s| s.success()), "kill -{name}");
}

/// `wide.ron` (slow enough to catch) run into `out` with `seed`, in the background.
fn start_wide(cwd: &Path, seed: &str) -> Child {
    command(
        cwd,
        [
            "run", "wide.ron", "--reps", "12", "--seed", seed, "--out", "out", "-q",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .expect("the caseload binary starts")
}

#[cfg(unix)]
#[test]
fn a_device_is_never_replaced_and_a_link_is_written_through() {
    use std::os::unix::fs::FileTypeExt;
    let (dir, scenario) = workspace(&tiny_year());
    let s = arg(&scenario);
    let refused: [&[&str]; 4] = [
        &[
            "run",
            s,
            "--reps",
            "2",
            "--out",
            "o",
            "--report",
            "/dev/full",
        ],
        &["report", s, "--reps", "2", "--out", "/dev/null"],
        &["generate", "national", "--areas", "2", "--out", "/dev/null"],
        &[
            "run",
            s,
            "--reps",
            "2",
            "--out",
            "o",
            "--report",
            "null.html",
        ],
    ];
    std::os::unix::fs::symlink("/dev/null", dir.path().join("null.html")).expect("linked");
    for args in refused {
        let err = assert_exit(&caseload(dir.path(), args), 2);
        assert!(err.contains("not a regular file"), "{args:?}: {err}");
        assert!(
            !dir.path().join("o").exists(),
            "{args:?}: made its output folder"
        );
    }
    for device in ["/dev/full", "/dev/null"] {
        let kind = std::fs::metadata(device).expect("still there").file_type();
        assert!(kind.is_char_device(), "{device} was replaced");
    }
    // A link to a file: the file gets the report, the link stays a link.
    std::fs::write(dir.path().join("real.html"), "old").expect("written");
    let link = dir.path().join("board.html");
    std::os::unix::fs::symlink("real.html", &link).expect("linked");
    let args = [
        "run",
        s,
        "--reps",
        "2",
        "--out",
        "o",
        "-q",
        "--report",
        "board.html",
    ];
    assert_exit(&caseload(dir.path(), &args), 0);
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    let page = std::fs::read_to_string(dir.path().join("real.html")).expect("read");
    assert!(
        page.starts_with("<!DOCTYPE html>"),
        "{}",
        &page[..40.min(page.len())]
    );
}

#[test]
fn a_run_that_cannot_write_its_report_fails_before_it_runs_and_keeps_the_earlier_set() {
    let (dir, scenario) = workspace(&tiny_year());
    let s = arg(&scenario);
    assert_exit(
        &caseload(
            dir.path(),
            &["run", s, "--reps", "2", "--out", "keep", "-q"],
        ),
        0,
    );
    let before = outputs(&dir.path().join("keep"));
    std::fs::write(dir.path().join("blocker"), "a file").expect("written");
    let args = [
        "run",
        s,
        "--reps",
        "2",
        "--seed",
        "9",
        "--out",
        "keep",
        "--report",
        "blocker/r.html",
    ];
    let o = caseload(dir.path(), &args);
    let err = assert_exit(&o, 1);
    assert!(err.contains("blocker"), "{err}");
    assert!(
        o.stdout.is_empty(),
        "it ran: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(outputs(&dir.path().join("keep")), before);
    assert_eq!(
        file_names(&dir.path().join("keep")),
        OUTPUTS.map(String::from).into()
    );
}

/// SIGINT or SIGTERM while the results are being written: the command exits as the signal says,
/// removes its temporaries and its lock, and leaves the folder's set all earlier or all new
/// (a commit under way finishes first), never mixed.
#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_no_debris_and_no_mixed_set() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write_scenario(dir.path(), "wide.ron", &wide());
    let out = dir.path().join("out");
    assert!(start_wide(dir.path(), "1").wait().expect("ends").success());
    let earlier = outputs(&out);
    for (name, code) in [("INT", 130), ("TERM", 143)] {
        let child = start_wide(dir.path(), "2");
        wait_for(&out, |n| n.ends_with(".partial"));
        signal(&child, name);
        let o = child.wait_with_output().expect("ends");
        assert_eq!(o.status.code(), Some(code), "{name}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("interrupted"), "{err}");
        let left = file_names(&out);
        assert_eq!(
            left,
            OUTPUTS.map(String::from).into(),
            "{name}: debris left"
        );
        let now = outputs(&out);
        let new = now.iter().zip(&earlier).filter(|(a, b)| a != b).count();
        assert!(
            new == 0 || new == OUTPUTS.len(),
            "{name}: {new} of 3 files replaced"
        );
    }
}

#[test]
fn a_later_run_removes_what_a_killed_run_left() {
    let (dir, scenario) = workspace(&tiny_year());
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("a folder");
    // A killed run's temporary and lock; a file of the user's that only looks like one.
    let stale = [".results.csv.Xy12Ab.partial", ".caseload.lock"];
    for name in stale.iter().chain(&[".notes.txt.Xy12Ab.partial"]) {
        std::fs::write(out.join(name), "left").expect("written");
    }
    let args = ["run", arg(&scenario), "--reps", "2", "--out", "out", "-q"];
    assert_exit(&caseload(dir.path(), &args), 0);
    let left = file_names(&out);
    assert!(stale.iter().all(|n| !left.contains(*n)), "{left:?}");
    assert!(
        left.contains(".notes.txt.Xy12Ab.partial"),
        "removed a file it did not write"
    );
}

#[test]
fn a_second_run_into_a_busy_folder_is_refused_naming_the_first() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write_scenario(dir.path(), "wide.ron", &wide());
    let first = start_wide(dir.path(), "1");
    let out = dir.path().join("out");
    wait_for(&out, |n| n == ".caseload.lock");
    let o = caseload(
        dir.path(),
        &["run", "wide.ron", "--reps", "1", "--out", "out", "-q"],
    );
    let err = assert_exit(&o, 1);
    assert!(err.contains("in use by another Caseload command"), "{err}");
    assert!(err.contains(&format!("pid {}", first.id())), "{err}");
    let o = first.wait_with_output().expect("ends");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(file_names(&out), OUTPUTS.map(String::from).into());
}

#[test]
fn scenarios_with_nothing_in_common_are_not_compared() {
    let (dir, a) = workspace(&tiny_year());
    let mut elsewhere = tiny_year();
    elsewhere.districts[0].id = "elsewhere".into();
    let b = write_scenario(dir.path(), "elsewhere.ron", &elsewhere);
    let mut later = tiny_year();
    later.calendar.start = "2040-01-01".to_string();
    let c = write_scenario(dir.path(), "later.ron", &later);
    let mut longer = tiny_year();
    longer.calendar.months += 6;
    let d = write_scenario(dir.path(), "longer.ron", &longer);
    for (other, reason) in [(&b, "no district in common"), (&c, "no month in common")] {
        let args = [
            "compare",
            arg(&a),
            arg(other),
            "--reps",
            "2",
            "--out",
            "cmp",
            "-q",
        ];
        let err = assert_exit(&caseload(dir.path(), &args), 2);
        assert!(err.contains(reason), "{err}");
        assert!(!dir.path().join("cmp").exists());
    }
    let args = [
        "compare",
        arg(&a),
        arg(&d),
        "--reps",
        "2",
        "--out",
        "cmp",
        "-q",
    ];
    let o = caseload(dir.path(), &args);
    assert_exit(&o, 0);
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains(
            "Only the months both have are compared: only B has 2025-01, 2025-02, 2025-03"
        ),
        "{said}"
    );
}

#[test]
fn a_batch_job_logs_progress_through_the_writing() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write_scenario(dir.path(), "wide.ron", &wide());
    // stderr is a pipe here, as in a batch job; a line every 20 ms instead of every 10 s.
    let o = command(
        dir.path(),
        ["run", "wide.ron", "--reps", "12", "--out", "out"],
    )
    .env("CASELOAD_PROGRESS_SECONDS", "0.02")
    .output()
    .expect("runs");
    let err = assert_exit(&o, 0);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("replications")).collect();
    assert!(
        lines.iter().any(|l| l.contains("/12 replications")),
        "{err}"
    );
    assert!(lines.iter().all(|l| l.starts_with("tiny")), "{err}");
    // Quiet means quiet.
    let o = command(
        dir.path(),
        ["run", "wide.ron", "--reps", "2", "--out", "out", "-q"],
    )
    .env("CASELOAD_PROGRESS_SECONDS", "0.02")
    .output()
    .expect("runs");
    assert_eq!(assert_exit(&o, 0), "");
}
