//! Levers, sweeps and goal seeking: lever paths set by id, position and key, errors that name the
//! nearest existing prefix, sweep grids complete and run with common random numbers, and a goal
//! seek with an answer worked out by hand.

use caseload::lever::{self, Lever, LeverError, LeverPath, PathError, Step};
use caseload::load::{self, Loaded, to_ron};
use caseload::scenario::{
    AllocationPolicy, Budget, BudgetChange, Change, Offset, OverspendPolicy, Scenario,
};
use caseload::seek::{self, Finding, Grid};
use caseload::targets::Target;

use crate::binary::{assert_exit, caseload, ok, read_text, workspace};
use crate::common::{run_scenario, scenarios_dir, tiny_year};

/// `tiny()` cut to 12 months, with a budget whose one change can be levered by position.
fn small() -> Scenario {
    let mut s = tiny_year();
    s.budget = Some(Budget {
        annual: 200_000.0,
        other_costs: 0.0,
        changes: vec![BudgetChange {
            from: "2024-04-01".into(),
            change: Change::Percent(-10.0),
        }],
        overspend: OverspendPolicy::Report,
    });
    s
}

fn loaded(s: &Scenario) -> Loaded {
    load::load_str("small.ron", &to_ron(s).expect("serialises")).unwrap_or_else(|e| panic!("{e}"))
}

fn path(text: &str) -> LeverPath {
    text.parse().unwrap_or_else(|e| panic!("{e}"))
}

/// `base` with `path` set to `value`, which must succeed.
fn set(base: &Loaded, p: &str, value: &str) -> Scenario {
    lever::apply(base, &[(&path(p), value)])
        .unwrap_or_else(|e| panic!("{e}"))
        .scenario
}

/// The error setting `path` to `value` in `base`, as text.
fn refused(base: &Loaded, p: &str, value: &str) -> String {
    match lever::apply(base, &[(&path(p), value)]) {
        Ok(_) => panic!("{p}={value} was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn lever_paths_parse_and_print() {
    let p = path("pipelines[scphn].intakes[2].size");
    let steps = [
        Step::Field("pipelines".into()),
        Step::Select("scphn".into()),
        Step::Field("intakes".into()),
        Step::Select("2".into()),
        Step::Field("size".into()),
    ];
    assert_eq!(p.steps(), steps);
    assert_eq!(p.to_string(), "pipelines[scphn].intakes[2].size");
    // A quoted key, as validation messages write it, reads as the bare one.
    let q = path("districts[ladywood].staff[\"health_visitor\"]");
    assert_eq!(q.to_string(), "districts[ladywood].staff[health_visitor]");
    assert_eq!(path("calendar.months").steps().len(), 2);

    for bad in [
        "", ".a", "a.", "a..b", "[x]", "a[", "a[]", "a[x", "a b", "a-b", "a[\"x]",
    ] {
        let e = bad.parse::<LeverPath>().unwrap_err();
        assert!(matches!(e, PathError::Path { .. }), "{bad:?}: {e}");
    }

    let l: Lever = "budget.changes[0].change=Percent(-10.0), Absolute(1e6),Percent(5)"
        .parse()
        .unwrap();
    assert_eq!(l.values, ["Percent(-10.0)", "Absolute(1e6)", "Percent(5)"]);
    let l: Lever = "x=(min: 1, max: 2),\"a,b\"".parse().unwrap();
    assert_eq!(l.values, ["(min: 1, max: 2)", "\"a,b\""]);
    for bad in ["x", "x=", "x=1,,2", "x=(1", "x=1)", "x=\"a", "=1"] {
        let e = bad.parse::<Lever>().unwrap_err().to_string();
        assert!(e.contains("lever"), "{bad:?}: {e}");
    }
}

#[test]
fn levers_set_values_by_id_position_key_and_variant() {
    let base = loaded(&small());
    // By id, then a map entry by key (after a dot or in brackets).
    let s = set(&base, "districts[north].staff.hv", "3.5");
    assert_eq!(s.districts[0].staff["hv"], 3.5);
    let s = set(&base, "districts[north].staff[hv]", "4");
    assert_eq!(s.districts[0].staff["hv"], 4.0);
    let s = set(&base, "reviews[new_birth].hours", "2");
    assert_eq!(s.reviews[0].hours, 2.0);
    // By position in a list without ids; an enum value.
    let s = set(&base, "budget.changes[0].change", "Absolute(150000.0)");
    assert_eq!(
        s.budget.as_ref().unwrap().changes[0].change,
        Change::Absolute(150_000.0)
    );
    let s = set(&base, "allocation", "DeadlineFirst");
    assert_eq!(s.allocation, AllocationPolicy::DeadlineFirst);
    let s = set(&base, "reviews[new_birth].opens", "Days(7)");
    assert_eq!(s.reviews[0].opens, Offset::Days(7));
    let s = set(&base, "calendar.months", "6");
    assert_eq!(s.calendar.months, 6);
    // A string field takes bare text as the string.
    let s = set(&base, "calendar.start", "2024-02-01");
    assert_eq!(s.calendar.start, "2024-02-01");
    // A field left to its default is added.
    let s = set(&base, "roles[hv].attrition", "0.1");
    assert_eq!(s.roles[0].attrition, 0.1);
    // Everything else is unchanged, and the model is validated.
    let out = lever::apply(&base, &[(&path("districts[north].staff.hv"), "2.0")]).unwrap();
    assert_eq!(out.scenario, small());
    // Several levers at once.
    let (a, b) = (
        path("districts[north].births_per_year"),
        path("roles[hv].contact_share"),
    );
    let out = lever::apply(&base, &[(&a, "500"), (&b, "0.4")]).unwrap();
    assert_eq!(out.scenario.districts[0].births_per_year, 500.0);
    assert_eq!(out.scenario.roles[0].contact_share, 0.4);
    assert_eq!(
        lever::current(&base, &path("districts[north].staff.hv")).unwrap(),
        Some("2.0".into())
    );
    assert_eq!(
        lever::current(&base, &path("roles[hv].attrition")).unwrap(),
        None
    );
}

#[test]
fn levers_reach_into_an_overlay_as_merged() {
    let file = scenarios_dir().join("birmingham_recruitment_plan.ron");
    let base = load::load_file(&file).unwrap_or_else(|e| panic!("{e}"));
    let s = set(&base, "pipelines[scphn].intakes[2].size", "35");
    let scphn = s.pipelines.iter().find(|p| p.id == "scphn").unwrap();
    assert_eq!(scphn.intakes[2].size, 35);
    assert_eq!(scphn.intakes[2].every_months, Some(12));
    // A value the baseline wrote, reached through the merged text.
    let s = set(&base, "districts[ladywood].staff.health_visitor", "30");
    let ladywood = s.districts.iter().find(|d| d.id == "ladywood").unwrap();
    assert_eq!(ladywood.staff["health_visitor"], 30.0);
    assert!(
        !ladywood.establishment.is_empty(),
        "the overlay's fields are kept"
    );
}

#[test]
fn a_missing_path_names_the_nearest_existing_prefix() {
    let base = loaded(&small());
    let e = refused(&base, "districts[south].staff.hv", "3");
    assert!(e.starts_with("lever districts[south].staff.hv=3: "), "{e}");
    assert!(e.contains("nearest existing prefix is districts:"), "{e}");
    assert!(e.contains("\"south\" (ids: north)"), "{e}");
    let e = refused(&base, "roles[hv].recruitment.success", "0.5");
    assert!(e.contains("nearest existing prefix is roles[hv]:"), "{e}");
    assert!(e.contains("recruitment"), "{e}");
    let e = refused(&base, "budget.changes[3].change", "Percent(1.0)");
    assert!(e.contains("prefix is budget.changes:"), "{e}");
    assert!(e.contains("by position, 0 to 0"), "{e}");
    let e = refused(&base, "roles[hv].atrition", "0.1");
    assert!(e.contains("prefix is roles[hv]:"), "{e}");
    assert!(
        e.contains("no field atrition") && e.contains("attrition"),
        "{e}"
    );
    let e = refused(&base, "calendar.months.x", "1");
    assert!(e.contains("prefix is calendar.months:"), "{e}");
    let e = refused(&base, "nothing", "1");
    assert!(e.contains("prefix is (scenario):"), "{e}");
}

#[test]
fn a_value_failing_validation_or_its_type_names_the_lever() {
    let base = loaded(&small());
    let e = refused(&base, "districts[north].staff.hv", "-1");
    assert!(e.starts_with("lever districts[north].staff.hv=-1: "), "{e}");
    assert!(
        e.contains("districts[0].staff[\"hv\"]: must be a finite number >= 0, found -1"),
        "{e}"
    );
    let e = refused(&base, "reviews[new_birth].opens", "Days(50)");
    assert!(
        e.contains("reviews[0].on_time: must not come before `opens`"),
        "{e}"
    );
    let e = refused(&base, "calendar.months", "twelve");
    assert!(e.starts_with("lever calendar.months=twelve: "), "{e}");
    let e = refused(&base, "allocation", "Fastest");
    assert!(e.contains("RiskFirst"), "{e}");
    let e = refused(&base, "roles[hv].attrition", "(");
    assert!(e.contains("not a RON value"), "{e}");
}

#[test]
fn a_grid_lists_every_combination_once_the_last_lever_fastest() {
    let levers: Vec<Lever> = ["a=1,2", "b=x,y,z"]
        .iter()
        .map(|l| l.parse().unwrap())
        .collect();
    let grid = lever::grid(&levers).unwrap();
    let expected = [
        ["1", "x"],
        ["1", "y"],
        ["1", "z"],
        ["2", "x"],
        ["2", "y"],
        ["2", "z"],
    ];
    assert_eq!(grid, expected.map(|p| p.map(String::from).to_vec()));
    let twice: Vec<Lever> = ["a=1", "a=2"].iter().map(|l| l.parse().unwrap()).collect();
    assert!(
        lever::grid(&twice)
            .unwrap_err()
            .to_string()
            .contains("twice")
    );
    let huge: Vec<Lever> = (0..5)
        .map(|i| format!("a{i}=1,2,3,4,5,6,7,8,9,10").parse().unwrap())
        .collect();
    assert!(lever::grid(&huge).is_err());
}

#[test]
fn a_sweep_runs_every_grid_point_once_with_common_random_numbers() {
    let s = small();
    let (dir, _) = workspace(&s);
    let target = "compliance:new_birth>=0.9@2024-12";
    let args = [
        "sweep",
        "tiny.ron",
        "--vary",
        "districts[north].staff.hv=2,1",
        "--vary",
        "reviews[new_birth].hours=1.5,3,4.5",
        "--reps",
        "3",
        "--seed",
        "5",
        "--out",
        "sw",
        "--target",
        target,
    ];
    let printed = ok(&caseload(dir.path(), &args));
    assert!(printed.contains("sweep of 6 points"), "{printed}");
    assert!(printed.contains("caseload per HV WTE"), "{printed}");

    let metrics = run_scenario(&s, 1, 1, None).metrics.len();
    let text = read_text(&dir.path().join("sw/sweep.csv"));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "districts[north].staff.hv,reviews[new_birth].hours,month,district,metric,mean,\
             ci95_low,ci95_high,p5,p10,p50,p90,p95"
        )
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let per_point = 12 * 2 * metrics;
    assert_eq!(rows.len(), 6 * per_point);
    let order = [
        ["2", "1.5"],
        ["2", "3"],
        ["2", "4.5"],
        ["1", "1.5"],
        ["1", "3"],
        ["1", "4.5"],
    ];
    for (k, point) in order.iter().enumerate() {
        let block = &rows[k * per_point..(k + 1) * per_point];
        assert!(block.iter().all(|r| r[..2] == point[..]), "{point:?}");
    }

    // The point that is the scenario itself gives exactly what `caseload run` gives: every point
    // draws from the same streams.
    ok(&caseload(
        dir.path(),
        &[
            "run", "tiny.ron", "--reps", "3", "--seed", "5", "--out", "run", "-q",
        ],
    ));
    let summary = read_text(&dir.path().join("run/summary.csv"));
    let from_sweep: Vec<String> = rows[..per_point].iter().map(|r| r[2..].join(",")).collect();
    let from_run: Vec<&str> = summary.lines().skip(1).collect();
    assert_eq!(from_sweep, from_run);

    let targets = read_text(&dir.path().join("sw/sweep_targets.csv"));
    let lines: Vec<&str> = targets.lines().collect();
    assert_eq!(
        lines[0],
        "districts[north].staff.hv,reviews[new_birth].hours,target,met,replications,probability,\
         ci95_low,ci95_high"
    );
    assert_eq!(lines.len(), 7);
    assert!(
        lines[1].starts_with(&format!("2,1.5,{target},")),
        "{}",
        lines[1]
    );
}

#[test]
fn a_sweep_refuses_bad_levers_before_running_anything() {
    let (dir, _) = workspace(&small());
    for (vary, message) in [
        (
            "districts[south].staff.hv=1,2",
            "nearest existing prefix is districts",
        ),
        (
            "districts[north].staff.hv=2,-1",
            "must be a finite number >= 0, found -1",
        ),
        ("districts[north].staff.hv", "no '=' after the path"),
        ("districts[north].staff.hv=", "a value is empty"),
        ("districts..staff=1", "a field name is missing"),
    ] {
        let o = caseload(
            dir.path(),
            &[
                "sweep", "tiny.ron", "--vary", vary, "--reps", "2", "--out", "bad",
            ],
        );
        let err = assert_exit(&o, 2);
        assert!(err.contains(message), "{vary}: {err}");
        assert!(!dir.path().join("bad").exists(), "{vary}: output written");
    }
    let o = caseload(
        dir.path(),
        &[
            "sweep",
            "tiny.ron",
            "--vary",
            "calendar.months=12",
            "--target",
            "hv_wte>1@2030-01",
        ],
    );
    assert!(assert_exit(&o, 2).contains("outside the run"));
}

/// `small()` with its new birth visit taking 2.5 hours, on time within 30 days of birth and
/// possible until day 40. One WTE gives 37.5 x 0.5 / 5 = 3.75 contact hours a working day, so
/// 1.5 visits; 1,000 births a year are 1000 / 365 x 7 / 5 = 3.84 a working day. With 2 WTE only
/// 3.0 / 3.84 = 78% of the visits can be done at all, so a month at 90% on time needs far fewer
/// births than usual; with 3 WTE there is 4.5 visits' time a day, 17% more than the births
/// need, and the 20 days between the window opening and its deadline absorb the weeks with more
/// births. The smallest whole WTE with a good chance of 90% on time is therefore 3.
fn capacity_limited() -> Scenario {
    let mut s = small();
    s.budget = None;
    let review = &mut s.reviews[0];
    (review.hours, review.on_time, review.last_chance) = (2.5, Offset::Days(30), Offset::Days(40));
    s
}

const COMPLIANCE: &str = "compliance:new_birth>=0.9@2024-12";

#[test]
fn goal_seek_finds_the_whole_wte_that_fits_the_visits() {
    let base = loaded(&capacity_limited());
    let lever = path("districts[north].staff.hv");
    let targets = [COMPLIANCE.parse::<Target>().unwrap()];
    let grid = Grid::new("1..6", None).unwrap();
    let search = seek::seek(&grid, 0.8, |value| {
        let s = lever::apply(&base, &[(&lever, &grid.label(value))])?.scenario;
        let results = run_scenario(&s, 20, 1, None);
        Ok::<_, LeverError>(seek::joint_chance(&targets, &results).unwrap())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let Finding::Found { answer, below } = search.finding else {
        panic!("{:?}", search.finding);
    };
    assert_eq!((answer.value, below.value), (3.0, 2.0));
    assert!(answer.chance.probability >= 0.8 && below.chance.probability < 0.5);
    assert_eq!(search.lowest.chance.met, 0, "1 WTE never reaches 90%");
    assert_eq!(search.highest.chance.met, 20, "6 WTE always does");
    let values: Vec<f64> = search.points.iter().map(|p| p.value).collect();
    assert_eq!(values, [1.0, 2.0, 3.0, 6.0]);

    // The same through the binary, with seek.csv.
    let (dir, _) = workspace(&capacity_limited());
    let seek = |range: &str, out: &str| {
        let args = [
            "seek",
            "tiny.ron",
            "--lever",
            "districts[north].staff.hv",
            "--range",
            range,
            "--target",
            COMPLIANCE,
            "--confidence",
            "0.8",
            "--reps",
            "20",
            "--out",
            out,
        ];
        ok(&caseload(dir.path(), &args))
    };
    let printed = seek("1..6", "found");
    assert!(
        printed.contains("Answer: districts[north].staff.hv = 3"),
        "{printed}"
    );
    assert!(printed.contains("At 2 it is"), "{printed}");
    let csv = read_text(&dir.path().join("found/seek.csv"));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "districts[north].staff.hv,met,replications,probability,ci95_low,ci95_high"
    );
    let values: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(values, ["1", "2", "3", "6"]);
    assert!(lines[3].starts_with("3,20,20,1,"), "{}", lines[3]);

    // A range whose lowest value already meets the target, and one whose highest falls short.
    let printed = seek("3..6", "low");
    assert!(
        printed.contains("The lowest value, 3, already meets it"),
        "{printed}"
    );
    let printed = seek("1..2", "high");
    assert!(
        printed.contains("Even the highest value, 2, falls short"),
        "{printed}"
    );
}

#[test]
fn goal_seek_refuses_bad_input_with_exit_code_2() {
    let (dir, _) = workspace(&capacity_limited());
    let lever = "districts[north].staff.hv";
    for (range, extra, message) in [
        ("6..1", "", "A must not be more than B"),
        ("a..6", "", "A (\"a\") is not a number written plainly"),
        (
            "1..1e12",
            "",
            "B (\"1e12\") is not a number written plainly",
        ),
        ("1-6", "", "expected A..B"),
        ("0.5..2", "", "give a --step"),
        ("1..6", "--step=0", "must be a number above 0"),
        ("1..6", "--confidence=1.5", "not a confidence"),
        ("1..6", "--confidence=0", "not a confidence"),
        ("-5..6", "", "must be a finite number >= 0, found -5"),
    ] {
        let mut args = vec!["seek", "tiny.ron", "--lever", lever, "--range", range];
        args.extend(["--target", COMPLIANCE, "--reps", "2", "--out", "bad"]);
        if !extra.is_empty() {
            args.push(extra);
        }
        let err = assert_exit(&caseload(dir.path(), &args), 2);
        assert!(err.contains(message), "{range} {extra}: {err}");
        assert!(!dir.path().join("bad").exists(), "{range}: output written");
    }
    let args = [
        "seek",
        "tiny.ron",
        "--lever",
        "districts[south].staff.hv",
        "--range",
        "1..2",
    ];
    let o = caseload(dir.path(), &[&args[..], &["--target", COMPLIANCE]].concat());
    assert!(assert_exit(&o, 2).contains("ids: north"));
    // Without a target there is nothing to seek.
    assert_exit(&caseload(dir.path(), &args), 2);
}
