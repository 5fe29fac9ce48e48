//! The Excel workbook of `run`, `report` and `compare --xlsx`, opened with a reader (calamine) as
//! a planner's spreadsheet would: its sheets, frozen headers, number formats' values, and the
//! same numbers and statuses as the run's other outputs.

use std::path::Path;

use calamine::{Data, Range, Reader, Xlsx, open_workbook};

use crate::binary::{arg, assert_exit, caseload, ok, read_text, workspace};
use crate::common::{district, tiny_year};

/// The sheet `name` of the workbook at `path`.
fn sheet(path: &Path, name: &str) -> Range<Data> {
    let mut book: Xlsx<_> = open_workbook(path).expect("an xlsx workbook");
    book.worksheet_range(name)
        .unwrap_or_else(|e| panic!("no sheet {name}: {e}"))
}

fn names(path: &Path) -> Vec<String> {
    let book: Xlsx<_> = open_workbook(path).expect("an xlsx workbook");
    book.sheet_names()
}

fn text(range: &Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("({row}, {col}) is not text: {other:?}"),
    }
}

fn float(range: &Range<Data>, row: u32, col: u32) -> f64 {
    match range.get_value((row, col)) {
        Some(Data::Float(x)) => *x,
        Some(Data::Int(x)) => *x as f64,
        other => panic!("({row}, {col}) is not a number: {other:?}"),
    }
}

#[test]
fn a_run_s_workbook_holds_its_summary_districts_and_reviews() {
    let mut s = tiny_year();
    s.districts
        .push(district("south", 100, 100.0, &[("hv", 3.0)]));
    s.reviews[0].target = Some(0.9);
    let (dir, path) = workspace(&s);
    let book = dir.path().join("books").join("run.xlsx");
    let o = caseload(
        dir.path(),
        &[
            "run",
            arg(&path),
            "--reps",
            "3",
            "-q",
            "--out",
            "out",
            "--xlsx",
            arg(&book),
            "--target",
            "caseload_per_hv_wte<=350@2024-06/*",
        ],
    );
    let printed = ok(&o);
    assert!(printed.contains("books/run.xlsx"), "{printed}");
    assert_eq!(
        names(&book),
        ["About", "City by month", "Districts", "Reviews", "Targets"]
    );

    // The city month by month: the medians are summary.csv's.
    let city = sheet(&book, "City by month");
    assert_eq!(text(&city, 0, 0), "Month");
    assert_eq!(text(&city, 0, 1), "Children on the caseload: median");
    assert_eq!(text(&city, 12, 0), "2024-12");
    let summary = read_text(&dir.path().join("out/summary.csv"));
    let header: Vec<&str> = summary.lines().next().unwrap().split(',').collect();
    let p50 = header
        .iter()
        .position(|h| *h == "p50")
        .expect("a p50 column");
    let caseload_dec: f64 = summary
        .lines()
        .find(|l| l.starts_with("2024-12,ALL,caseload_per_hv_wte,"))
        .expect("a row")
        .split(',')
        .nth(p50)
        .unwrap()
        .parse()
        .unwrap();
    let col = (0..city.width() as u32)
        .find(|&c| text(&city, 0, c) == "Caseload per HV WTE: median")
        .expect("a caseload column");
    assert_eq!(float(&city, 12, col), caseload_dec);

    // The districts at the last month, with the same status words as the printed summary.
    let districts = sheet(&book, "Districts");
    assert_eq!(text(&districts, 1, 0), "North");
    assert_eq!(text(&districts, 3, 0), "Whole city");
    assert_eq!(text(&districts, 1, 6), "red");
    assert_eq!(text(&districts, 2, 6), "green");
    let north = printed.lines().find(|l| l.starts_with("north ")).unwrap();
    assert!(north.trim_end().ends_with("red"), "{north}");
    // Shares are stored as fractions (shown as percentages by their format).
    let on_time = float(&districts, 1, 7);
    assert!((0.0..=1.0).contains(&on_time), "{on_time}");

    // The review: target, median and a status.
    let reviews = sheet(&book, "Reviews");
    assert_eq!(text(&reviews, 1, 0), "New birth visit");
    assert_eq!(float(&reviews, 1, 2), 0.9);
    assert!(["green", "amber", "red"].contains(&text(&reviews, 1, 7).as_str()));

    // The target asked, with the replications meeting it.
    let targets = sheet(&book, "Targets");
    assert_eq!(text(&targets, 1, 0), "caseload_per_hv_wte<=350@2024-06/*");
    assert_eq!(float(&targets, 1, 2), 3.0);
}

#[test]
fn compare_and_report_write_their_workbooks_as_one_set_with_their_files() {
    let a = tiny_year();
    let mut b = a.clone();
    b.districts[0].staff.insert("hv".into(), 4.0);
    let (dir, pa) = workspace(&a);
    let pb = crate::binary::write_scenario(dir.path(), "b.ron", &b);
    let book = dir.path().join("cmp.xlsx");
    ok(&caseload(
        dir.path(),
        &[
            "compare",
            arg(&pa),
            arg(&pb),
            "--reps",
            "4",
            "-q",
            "--out",
            "cmp",
            "--xlsx",
            arg(&book),
        ],
    ));
    assert!(dir.path().join("cmp/compare.csv").is_file());
    let sheets = names(&book);
    assert!(sheets.contains(&"Comparison".to_string()), "{sheets:?}");
    let comparison = sheet(&book, "Comparison");
    let caseload_row = (1..comparison.height() as u32)
        .find(|&r| {
            text(&comparison, r, 0) == "caseload_per_hv_wte" && text(&comparison, r, 1) == "2024-12"
        })
        .expect("a caseload row");
    // Twice the staff: the caseload halves, which is better.
    assert!(float(&comparison, caseload_row, 4) < 0.0);
    assert_eq!(text(&comparison, caseload_row, 7), "B better");
    let changed = sheet(&book, "What differs");
    assert_eq!(text(&changed, 1, 0), "districts[north].staff.hv");

    // report --xlsx: the page and the workbook, at the month asked.
    let o = caseload(
        dir.path(),
        &[
            "report",
            arg(&pa),
            "--reps",
            "2",
            "-q",
            "--out",
            "r/r.html",
            "--xlsx",
            "r/r.xlsx",
            "--month",
            "2024-06",
        ],
    );
    assert!(ok(&o).contains("r/r.html and r/r.xlsx"));
    let about = sheet(&dir.path().join("r/r.xlsx"), "About");
    let at = (1..about.height() as u32)
        .find(|&r| text(&about, r, 0) == "Districts and Reviews sheets at")
        .expect("the month row");
    assert_eq!(text(&about, at, 1), "2024-06");

    // A folder where the workbook should go: refused before anything runs or is written.
    std::fs::create_dir(dir.path().join("taken.xlsx")).unwrap();
    let o = caseload(
        dir.path(),
        &[
            "run",
            arg(&pa),
            "--reps",
            "1",
            "--out",
            "fresh",
            "--xlsx",
            "taken.xlsx",
        ],
    );
    assert!(assert_exit(&o, 2).contains("is a folder"));
    assert!(!dir.path().join("fresh").exists());
}
