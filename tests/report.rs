//! The board report, written by the real binary: `caseload run --report FILE.html` and
//! `caseload report`. One self-contained HTML page with a fan chart per district, review,
//! workforce and spend, a red/amber/green table, and the scenario it came from.

use std::collections::BTreeSet;

use caseload::report::escape;
use caseload::scenario::{
    Budget, Distribution, Offset, OverspendPolicy, RagThresholds, Scenario, UncertainValue,
};

use crate::binary::{
    arg, assert_exit, caseload, file_names, ok, read, read_text, workspace, write_scenario,
};
use crate::common::{district, invalid_uptake, tiny_year};

/// The Okabe-Ito blue of the fan and its median.
const FAN: &str = "#0072B2";

/// `tiny()` for 12 months with a second district (green: few children per HV) and a second
/// review, both reviews with targets, and a description that needs escaping.
fn scenario() -> Scenario {
    let mut s = tiny_year();
    s.description = "Tom & Jerry's <b>\"plan\"</b>".into();
    s.districts
        .push(district("south", 100, 100.0, &[("hv", 3.0)]));
    s.reviews[0].target = Some(0.9);
    let mut six_week = s.reviews[0].clone();
    (six_week.id, six_week.name, six_week.metric) =
        ("six_week".into(), "6-8 week review".into(), "C8i".into());
    (six_week.opens, six_week.on_time, six_week.last_chance) =
        (Offset::Weeks(6), Offset::Weeks(8), Offset::Weeks(12));
    six_week.target = Some(0.5);
    s.reviews.push(six_week);
    s
}

/// Each chart's figure, as (`data-chart` value, the figure's HTML).
fn figures(html: &str) -> Vec<(String, String)> {
    html.split("<figure class=\"chart ")
        .skip(1)
        .map(|f| {
            let f = &f[..f.find("</figure>").expect("a closed figure")];
            let key = f
                .split("data-chart=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .expect("a data-chart attribute");
            (key.to_string(), f.to_string())
        })
        .collect()
}

/// The `points` of each SVG element line starting `element` with `attribute` in it.
fn points<'a>(svg: &'a str, element: &str, attribute: &str) -> Vec<&'a str> {
    svg.lines()
        .filter(|l| l.starts_with(element) && l.contains(attribute))
        .filter_map(|l| l.split("points=\"").nth(1)?.split('"').next())
        .collect()
}

/// Whether some polyline with `stroke` is a horizontal line.
fn has_level_line(svg: &str, stroke: &str) -> bool {
    points(svg, "<polyline", &format!("stroke=\"{stroke}\""))
        .iter()
        .any(|p| {
            let ys: Vec<&str> = p
                .split_whitespace()
                .filter_map(|xy| xy.split(',').nth(1))
                .collect();
            ys.len() >= 2 && ys.iter().all(|y| *y == ys[0])
        })
}

/// The table row of the status table with `attribute` (`data-review="id"`).
fn row<'a>(html: &'a str, attribute: &str) -> &'a str {
    let start = html
        .find(attribute)
        .unwrap_or_else(|| panic!("no row {attribute}"));
    let rest = &html[start..];
    &rest[..rest.find("</tr>").expect("a closed row")]
}

/// Asserts the row's status cell carries its word and the matching colour class.
fn assert_rag_word(row: &str) {
    assert!(
        ["green", "amber", "red"]
            .iter()
            .any(|w| row.contains(&format!("<td class=\"rag {w}\">{w}</td>"))),
        "no status word in {row}"
    );
}

#[test]
fn run_report_writes_one_self_contained_page() {
    let (dir, path) = workspace(&scenario());
    let text = read_text(&path);
    let report = dir.path().join("board").join("board.html");
    let out = dir.path().join("out");
    let o = caseload(
        dir.path(),
        &[
            "run",
            arg(&path),
            "--reps",
            "3",
            "--seed",
            "5",
            "--quiet",
            "--out",
            arg(&out),
            "--report",
            arg(&report),
        ],
    );
    assert!(ok(&o).contains("board.html"));
    assert!(out.join("results.csv").is_file() && out.join("run.json").is_file());
    let html = read_text(&report);

    // Printed (a board pack is a PDF): A4 pages, each section on a new page, nothing split.
    assert!(html.contains("@page{size:A4;"));
    assert!(html.contains("section{break-before:page}section#status{break-before:avoid}"));
    assert!(html.contains("figure,dl.facts,.changes,.note,tr{break-inside:avoid}"));
    assert!(html.contains("table{break-inside:avoid}thead{display:table-header-group}"));
    // A whole HTML document that fetches nothing and runs nothing.
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
    assert!(html.ends_with("</html>\n"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    for banned in [
        "<script", " src=", " href=", "http://", "https://", "url(", "@import",
    ] {
        assert!(!html.contains(banned), "the page contains {banned:?}");
    }

    // The header: the day it was made, the month of its tables, and what reproduces the run.
    let sha = caseload::output::sha256_hex(&text);
    for fact in [
        "<h1>tiny</h1>",
        "<dt>Made on</dt><dd>1 January 2026</dd>",
        "<dt>Status tables at</dt><dd>Dec 2024 (the forecast&#39;s last month)</dd>",
        "<h2>Status in Dec 2024</h2>",
        "<dt>Seed</dt><dd>5</dd>",
        "<dt>Replications</dt><dd>3</dd>",
        "<dt>Months covered</dt><dd>Jan 2024 to Dec 2024 (12 months)</dd>",
        &format!("<dd><code>{sha}</code></dd>"),
        &format!("<dd>{}</dd>", env!("CARGO_PKG_VERSION")),
    ] {
        assert!(html.contains(fact), "no {fact:?} in the header");
    }

    // One chart per district and the city, per review, for the workforce and for spend.
    assert_eq!(html.matches("<svg ").count(), 7);
    assert_eq!(html.matches("</svg>").count(), 7);
    let figures = figures(&html);
    let keys: Vec<&str> = figures.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "caseload:north",
            "caseload:south",
            "caseload:ALL",
            "compliance:new_birth",
            "compliance:six_week",
            "workforce:hv_wte",
            "spend:spend"
        ]
    );
    for (key, figure) in &figures {
        // P5-P95 and P10-P90 bands, and the median line, in the fan's colour.
        let fill = format!("fill=\"{FAN}\"");
        assert!(
            points(figure, "<polygon", &fill).len() >= 2,
            "{key}: no bands"
        );
        let median = format!("stroke=\"{FAN}\" stroke-width=\"2\"");
        assert!(
            !points(figure, "<polyline", &median).is_empty(),
            "{key}: no median"
        );
        assert!(figure.contains("Jan 2024"), "{key}: no dated x axis");
        if key.starts_with("caseload:") {
            // Horizontal reference lines at 250 (bluish green) and 350 (orange), labelled.
            assert!(has_level_line(figure, "#009E73"), "{key}: no 250 line");
            assert!(has_level_line(figure, "#E69F00"), "{key}: no 350 line");
            assert!(has_level_line(figure, "#D55E00"), "{key}: no 450 line");
            assert!(figure.contains("iHV guidance 250"), "{key}");
            assert!(figure.contains("amber above 350"), "{key}");
            assert!(figure.contains("red above 450"), "{key}");
        }
    }
    let figure = |key: &str| &figures.iter().find(|(k, _)| k == key).expect("a figure").1;
    assert!(figure("compliance:new_birth").contains("target 90%"));
    assert!(has_level_line(figure("compliance:new_birth"), "#009E73"));
    assert!(figure("compliance:six_week").contains("target 50%"));
    assert!(figure("workforce:hv_wte").contains("establishment"));
    assert!(figure("spend:spend").contains("no budget set"));

    // The status table: a row per review and per district (and the city), each with its word.
    for attribute in [
        "data-review=\"new_birth\"",
        "data-review=\"six_week\"",
        "data-district=\"north\"",
        "data-district=\"south\"",
        "data-district=\"ALL\"",
    ] {
        assert_rag_word(row(&html, attribute));
    }
    // North has 5000 children for 2 HV WTE; South about 500 for 3.
    assert!(row(&html, "data-district=\"north\"").contains(">red</td>"));
    assert!(row(&html, "data-district=\"south\"").contains(">green</td>"));
    assert!(html.contains("green</span> at 350 or fewer children"));

    // The assumptions, and the scenario text, escaped, in a collapsible block.
    assert!(html.contains("<h2>Assumptions</h2>"));
    assert!(html.contains("<th scope=\"row\">North</th><td>5,000</td><td>1,000</td><td>2.0</td>"));
    assert!(html.contains("<details>"));
    assert!(html.contains(&format!("<pre class=\"scenario\">{}</pre>", escape(&text))));
    assert!(html.contains("Tom &amp; Jerry&#39;s &lt;b&gt;&quot;plan&quot;&lt;/b&gt;"));
    assert!(!html.contains("<b>\"plan\"</b>") && !html.contains("<b>\\\"plan"));
}

#[test]
fn report_subcommand_writes_only_the_report_the_same_every_time() {
    let (dir, path) = workspace(&scenario());
    let report_at = |name: &str, threads: &str| {
        let file = dir.path().join(name).join("report.html");
        let o = caseload(
            dir.path(),
            &[
                "report",
                arg(&path),
                "--reps",
                "3",
                "--seed",
                "5",
                "--threads",
                threads,
                "-q",
                "--out",
                arg(&file),
            ],
        );
        assert_exit(&o, 0);
        file
    };
    let a = report_at("a", "1");
    let b = report_at("b", "2");
    // Only the report is written.
    assert_eq!(
        file_names(&dir.path().join("a")),
        BTreeSet::from(["report.html".into()])
    );
    // The same run gives the same bytes, whatever the thread count.
    assert_eq!(read(&a), read(&b));
    // And the same page as `run --report`.
    let c = dir.path().join("c.html");
    let o = caseload(
        dir.path(),
        &[
            "run",
            arg(&path),
            "--reps",
            "3",
            "--seed",
            "5",
            "-q",
            "--out",
            arg(&dir.path().join("out")),
            "--report",
            arg(&c),
        ],
    );
    assert_exit(&o, 0);
    assert_eq!(read(&a), read(&c));
}

#[test]
fn report_shows_budget_and_targets() {
    let mut s = scenario();
    s.budget = Some(Budget {
        annual: 120_000.0,
        other_costs: 10_000.0,
        changes: vec![],
        overspend: OverspendPolicy::Report,
    });
    let html = report_of(
        &s,
        &[
            "--target",
            "caseload_per_hv_wte<=350@2024-06/*",
            "--target",
            "compliance:new_birth>=0.9@2024-12",
        ],
    );
    let spend = figures(&html)
        .into_iter()
        .find(|(k, _)| k == "spend:spend")
        .expect("a spend chart")
        .1;
    assert!(spend.contains("against budget") && spend.contains(">\nbudget\n</text>"));
    assert!(!points(&spend, "<polyline", "stroke=\"#CC79A7\"").is_empty());
    assert!(html.contains("<td>£120,000</td>"));
    assert!(html.contains("<h3>Targets asked of this run</h3>"));
    // Every district above 350 is never true here: North has 2,500 children per HV WTE.
    assert!(html.contains(
        "<code>caseload_per_hv_wte&lt;=350@2024-06/*</code></th><td>0 of 3</td><td>0%</td>"
    ));
    assert!(html.contains("<code>compliance:new_birth&gt;=0.9@2024-12</code>"));
    // The command that reproduces the run quotes the targets for a shell.
    assert!(html.contains("--target &#39;caseload_per_hv_wte&lt;=350@2024-06/*&#39;"));
}

#[test]
fn every_status_table_is_at_the_month_chosen_and_the_command_names_it() {
    let html = report_of(
        &scenario(),
        &[
            "--month",
            "2024-03",
            "--target",
            "compliance:new_birth>=0.9@2024-03",
        ],
    );
    assert!(html.contains("<dt>Status tables at</dt><dd>Mar 2024 (the month chosen)</dd>"));
    assert!(html.contains("<h2>Status in Mar 2024</h2>"));
    assert!(html.contains("median share on time in Mar 2024"));
    assert!(html.contains("--seed 1 --month 2024-03 --target"));
    // The review row's chance is the target's chance: the same month, the same replications.
    let target = between(
        &html,
        "<code>compliance:new_birth&gt;=0.9@2024-03</code></th><td>",
        " of",
    );
    let review = row(&html, "data-review=\"new_birth\"");
    assert!(
        review.contains(&format!("({target} of 3)")),
        "{review} against {target}"
    );

    // A month outside the forecast is refused before running, for `report` and `run --report`.
    let (dir, path) = workspace(&scenario());
    for args in [
        vec![
            "report",
            arg(&path),
            "--month",
            "2025-01",
            "--out",
            "r.html",
        ],
        vec![
            "run",
            arg(&path),
            "--out",
            "out",
            "--report",
            "r.html",
            "--report-month",
            "2023-12",
        ],
    ] {
        let o = caseload(dir.path(), &args);
        let err = assert_exit(&o, 2);
        assert!(
            err.contains("is not in the forecast: give a month YYYY-MM from 2024-01 to 2024-12"),
            "{err}"
        );
        assert!(!dir.path().join("r.html").exists() && !dir.path().join("out").exists());
    }
    // --report-month needs a report.
    let o = caseload(
        dir.path(),
        &["run", arg(&path), "--report-month", "2024-03"],
    );
    assert!(assert_exit(&o, 2).contains("--report"));
}

#[test]
fn the_scenario_s_thresholds_set_every_status_in_the_report_and_the_summary() {
    // North: 2,500 children per HV WTE, South about 170. Green to 100 and amber to 200 turn
    // South amber; amber reviews are those at most 3 points short.
    let mut s = scenario();
    s.rag = RagThresholds {
        caseload_green: 100.0,
        caseload_amber: 200.0,
        compliance_amber_points: 3.0,
    };
    let html = report_of(&s, &[]);
    assert!(row(&html, "data-district=\"south\"").contains(">amber</td>"));
    assert!(row(&html, "data-district=\"north\"").contains(">red</td>"));
    assert!(html.contains("green</span> at 100 or fewer children"));
    assert!(html.contains("up to 3 percentage points below"));
    // The printed summary states the same rule and gives the same statuses.
    let (dir, path) = workspace(&s);
    let o = caseload(
        dir.path(),
        &["run", arg(&path), "--reps", "3", "-q", "--summary-only"],
    );
    let printed = ok(&o);
    assert!(
        printed.contains("green at 100 or fewer, amber at 200 or fewer"),
        "{printed}"
    );
    let line = |id: &str| {
        printed
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("no {id} line in {printed}"))
            .to_string()
    };
    assert!(
        line("south ").trim_end().ends_with("amber"),
        "{}",
        line("south ")
    );
    assert!(
        line("north ").trim_end().ends_with("red"),
        "{}",
        line("north ")
    );

    // Thresholds out of order or out of range are refused, each at its field.
    s.rag = RagThresholds {
        caseload_green: 400.0,
        caseload_amber: 300.0,
        compliance_amber_points: 120.0,
    };
    let (dir, path) = workspace(&s);
    let o = caseload(dir.path(), &["run", arg(&path), "--reps", "1", "-q"]);
    let err = assert_exit(&o, 2);
    assert!(
        err.contains("rag.caseload_amber") && err.contains("must be at least caseload_green (400)"),
        "{err}"
    );
    assert!(
        err.contains("rag.compliance_amber_points") && err.contains("from 0 to 100, found 120"),
        "{err}"
    );
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start:?}")) + start.len();
    let rest = &text[from..];
    &rest[..rest
        .find(end)
        .unwrap_or_else(|| panic!("no {end:?} after {start:?}"))]
}

/// The board report `caseload report` writes for `s` (3 replications, with `extra` arguments).
fn report_of(s: &Scenario, extra: &[&str]) -> String {
    let (dir, path) = workspace(s);
    let file = dir.path().join("r.html");
    let mut args = vec![
        "report",
        arg(&path),
        "--reps",
        "3",
        "-q",
        "--out",
        arg(&file),
    ];
    args.extend_from_slice(extra);
    let o = caseload(dir.path(), &args);
    assert_exit(&o, 0);
    read_text(&file)
}

#[test]
fn report_names_the_uncertain_inputs_behind_its_ranges() {
    let mut s = scenario();
    s.uncertain = vec![
        UncertainValue {
            path: "roles[hv].contact_share".into(),
            distribution: Distribution::Triangular {
                min: 0.3,
                mode: 0.5,
                max: 0.7,
            },
        },
        UncertainValue {
            path: "reviews[new_birth].uptake".into(),
            distribution: Distribution::Beta {
                alpha: 18.0,
                beta: 2.0,
            },
        },
    ];
    let html = report_of(&s, &[]);
    assert!(html.contains(
        "The ranges also hold the uncertainty of 2 inputs, drawn afresh for each replication"
    ));
    assert!(html.contains("<h3 id=\"uncertain\">Uncertain inputs</h3>"));
    assert!(html.contains(
        "<th scope=\"row\"><code>roles[hv].contact_share</code></th><td>triangular from 0.3 to \
         0.7, most likely 0.5</td>"
    ));
    assert!(html.contains(
        "<th scope=\"row\"><code>reviews[new_birth].uptake</code></th><td>beta, alpha 18, beta \
         2</td>"
    ));

    // Without uncertain values, neither the note nor the table.
    let html = report_of(&scenario(), &[]);
    assert!(!html.contains("Uncertain inputs") && !html.contains("uncertainty of"));
}

#[test]
fn a_bad_scenario_or_report_path_writes_nothing() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let bad = write_scenario(dir.path(), "bad.ron", &invalid_uptake());
    let out = dir.path().join("out");
    let o = caseload(
        dir.path(),
        &["report", arg(&bad), "--out", arg(&out.join("r.html"))],
    );
    assert!(assert_exit(&o, 2).contains("uptake"));
    assert!(!out.exists());

    // A folder where the report should go: refused before running.
    let (dir, path) = workspace(&scenario());
    let folder = dir.path().join("taken");
    std::fs::create_dir(&folder).expect("a folder");
    let run_out = dir.path().join("out");
    let o = caseload(
        dir.path(),
        &[
            "run",
            arg(&path),
            "--reps",
            "1",
            "--out",
            arg(&run_out),
            "--report",
            arg(&folder),
        ],
    );
    assert!(assert_exit(&o, 2).contains("is a folder"));
    assert!(!run_out.exists());
    assert_eq!(std::fs::read_dir(&folder).expect("readable").count(), 0);
}
