//! Every class of bad scenario is refused with a clear message naming the field, located at the
//! line and column where the offending value sits; several problems are all reported at once.
//! How a problem is expected and located: `located_problems.rs`.

use caseload::load::{self, LoadError, load_str};
use caseload::locate::Position;
use caseload::scenario::{Anchor, LeaveAt, Offset, Scenario, UniversalSupport};

use crate::common::{map, tiny};
use crate::located_problems::{
    SOURCE, check, find, only, position_at, problems, text_of, valid, value_position,
};

/// `tiny()` changed by `change`.
fn tiny_with(change: impl FnOnce(&mut Scenario)) -> Scenario {
    let mut s = tiny();
    change(&mut s);
    s
}

/// Loads `text`, which must fail to parse, and returns where and why.
fn syntax_error(text: &str) -> (Position, String) {
    let e = match load_str(SOURCE, text) {
        Err(e) => e,
        Ok(_) => panic!("expected a syntax error, but the scenario loaded:\n{text}"),
    };
    let shown = e.to_string();
    let LoadError::Syntax {
        line, col, message, ..
    } = e
    else {
        panic!("expected a syntax error, got: {shown}");
    };
    assert_eq!(shown, format!("{SOURCE}:{line}:{col}: {message}"));
    (Position { line, col }, message)
}

/// `text` with the value of the first `field` (written `field: value,`) replaced by `value`.
fn with_value(text: &str, field: &str, value: &str) -> String {
    let key = format!(" {field}: ");
    let at = text.find(&key).expect("the field is written") + key.len();
    let end = at + text[at..].find(",\n").expect("a comma ends the value");
    format!("{}{value}{}", &text[..at], &text[end..])
}

/// `tiny()` with a second district, `south`, a copy of `north`.
fn two_districts() -> Scenario {
    tiny_with(|s| {
        let mut south = s.districts[0].clone();
        south.id = "south".into();
        south.name = "South".into();
        s.districts.push(south);
    })
}

#[test]
fn the_tiny_fixture_is_valid_and_round_trips() {
    let loaded = load_str(SOURCE, &text_of(&tiny())).expect("tiny() is valid");
    assert_eq!(loaded.scenario, tiny());
}

#[test]
fn syntax_errors_are_located() {
    let good = text_of(&tiny());
    // A missing comma is reported at the token that follows it.
    let text = good.replacen("name: \"tiny\",", "name: \"tiny\"", 1);
    let (at, message) = syntax_error(&text);
    assert_eq!(at, value_position(&text, "description:", 0));
    assert_eq!((at.line, at.col), (3, 5));
    assert!(message.contains("comma"), "{message}");
    // Columns count chars, not bytes.
    let text = good.replacen("name: \"tiny\",", "name: \"Café\" description: \"\",", 1);
    let (at, message) = syntax_error(&text);
    assert_eq!(at, Position { line: 2, col: 18 });
    assert!(message.contains("comma"), "{message}");
    // An unclosed paren: the next field is read as part of the unclosed struct.
    let text = good.replacen("FifthBirthday,\n    ),", "FifthBirthday,\n", 1);
    let (at, message) = syntax_error(&text);
    assert_eq!(at, value_position(&text, "need_levels:", 0));
    let expected = "Unexpected field named `need_levels` in `Population`";
    assert!(message.contains(expected), "{message}");
    // The closing paren of the whole scenario left out: the end of the text.
    let text = good.trim_end().strip_suffix(')').expect("ends with )");
    let (at, message) = syntax_error(text);
    assert_eq!(at.line, text.lines().count(), "{message}");
    assert!(message.contains("end of RON"), "{message}");
    // Nothing at all.
    let (at, _) = syntax_error("");
    assert_eq!(at, Position { line: 1, col: 1 });
}

#[test]
fn unknown_and_duplicate_fields_are_refused() {
    let good = text_of(&tiny());
    let colour = "births_per_year: 1000.0,\n            colour: \"red\",";
    let text = good.replacen("births_per_year: 1000.0,", colour, 1);
    let (at, message) = syntax_error(&text);
    assert_eq!(at, value_position(&text, "colour", 0));
    let expected = "Unexpected field named `colour` in `District`, expected one of `id`";
    assert!(message.contains(expected), "{message}");
    let text = good.replacen("uptake: 1.0,", "uptake: 1.0,\n            uptake: 0.5,", 1);
    let (at, message) = syntax_error(&text);
    let second = text.find("uptake: 0.5").expect("inserted");
    assert_eq!(at, position_at(&text, second));
    let expected = "duplicate field named `uptake` in `Review`";
    assert!(message.contains(expected), "{message}");
}

#[test]
fn wrong_types_are_refused_on_their_line() {
    let good = text_of(&tiny());
    let cases = [
        ("births_per_year", "\"many\"", "float"),
        ("months", "\"sixty\"", "integer"),
        ("months", "-3", "expected a whole number >= 0"),
        ("months", "24.5", "without a decimal point"),
        ("months", "1e12", "no decimals, exponents or signs"),
        ("anchor", "Brith", "`Birth` or `ExpectedBirth`"),
        ("opens", "Days(\"ten\")", "integer"),
    ];
    for (field, value, fragment) in cases {
        let text = with_value(&good, field, value);
        let (at, message) = syntax_error(&text);
        let to = format!("{field}: {value}");
        let written = value_position(&text, &to, 0);
        assert_eq!(at.line, written.line, "{to}: {message}");
        // At the value, or just after the colon before it, or at its decimal point.
        let near = written.col - 1..=written.col + 5;
        assert!(near.contains(&at.col), "{to}: {at:?}");
        assert!(message.contains(fragment), "{to}: {message}");
    }
}

#[test]
fn wrong_type_errors_point_at_the_value() {
    let below = "\n                \"many\"";
    let text = with_value(&text_of(&tiny()), "births_per_year", below);
    let (at, _) = syntax_error(&text);
    assert_eq!(at, value_position(&text, "\"many\"", 0));
}

#[test]
fn probabilities_out_of_range_are_refused() {
    let s = tiny_with(|s| s.reviews[0].uptake = 1.2);
    let spec = "reviews[0].uptake: must be a probability in [0, 1], found 1.2";
    only(s, spec, "uptake: 1.2");
    let s = tiny_with(|s| s.roles[0].contact_share = -0.1);
    let spec = "roles[0].contact_share: must be a probability in [0, 1], found -0.1";
    only(s, spec, "contact_share: -0.1");
    let s = tiny_with(|s| s.reviews[0].target = Some(1.5));
    only(s, "reviews[0].target: found 1.5", "target: 1.5");
}

#[test]
fn distributions_must_sum_to_one() {
    let s = tiny_with(|s| s.need_levels[0].transitions = map(&[("universal", 0.9)]));
    let spec = "need_levels[0].transitions: probabilities must sum to 1, they sum to 0.9";
    only(s, spec, "transitions: {");
    let s = tiny_with(|s| s.districts[0].need_mix = map(&[("universal", 0.7)]));
    let spec = "districts[0].need_mix: probabilities must sum to 1, they sum to 0.7";
    only(s, spec, "need_mix: {");
}

#[test]
fn review_windows_must_be_in_order() {
    let s = tiny_with(|s| s.reviews[0].on_time = Offset::Days(5));
    let spec = "reviews[0].on_time: must not come before `opens` (Days(5) is before Days(10))";
    only(s, spec, "on_time: Days(5)");
    let s = tiny_with(|s| s.reviews[0].last_chance = Offset::Days(12));
    let spec =
        "reviews[0].last_chance: must not come before `on_time` (Days(12) is before Days(14))";
    only(s, spec, "last_chance: Days(12)");
    // Units are compared in days: thirteen days is before two weeks, fourteen is not.
    let weeks = |on_time| {
        tiny_with(|s| (s.reviews[0].opens, s.reviews[0].on_time) = (Offset::Weeks(2), on_time))
    };
    let spec = "reviews[0].on_time: (Days(13) is before Weeks(2))";
    only(weeks(Offset::Days(13)), spec, "on_time: Days(13)");
    valid(weeks(Offset::Days(14)), "two weeks is fourteen days");
    // Windows lie within ten years of their anchor.
    let s = tiny_with(|s| s.reviews[0].last_chance = Offset::Days(4000));
    let spec = "reviews[0].last_chance: lie within 3653 days";
    only(s, spec, "last_chance: Days(4000)");
}

#[test]
fn birth_anchored_windows_cannot_open_before_birth() {
    let s = tiny_with(|s| s.reviews[0].opens = Offset::Days(-3));
    let spec = "reviews[0].opens: a window anchored on `Birth` cannot open before birth";
    only(s.clone(), spec, "opens: Days(-3)");
    let mut antenatal = s;
    antenatal.reviews[0].anchor = Anchor::ExpectedBirth;
    valid(antenatal, "an antenatal window may open before birth");
}

#[test]
fn unknown_role_ids_are_named_with_the_known_ones() {
    let s = tiny_with(|s| s.reviews[0].roles.push("nurse".into()));
    let spec = "reviews[0].roles[1]: unknown role \"nurse\"; expected one of: hv";
    only(s, spec, "\"nurse\"");
    let s = tiny_with(|s| s.need_levels[0].contact_roles = vec!["doula".into()]);
    let spec = "need_levels[0].contact_roles[0]: unknown role \"doula\"; expected one of: hv";
    only(s, spec, "\"doula\"");
    let s = tiny_with(|s| _ = s.districts[0].staff.insert("nurse".into(), 3.0));
    let spec = "districts[0].staff[\"nurse\"]: unknown role \"nurse\"; expected one of: hv";
    only(s, spec, "\"nurse\": 3.0");
}

#[test]
fn unknown_level_ids_are_refused() {
    let s = tiny_with(|s| _ = s.need_levels[0].transitions.insert("ghost".into(), 0.0));
    let spec = "need_levels[0].transitions[\"ghost\"]: unknown need level \"ghost\"; expected one \
                of: universal";
    only(s, spec, "\"ghost\": 0.0");
    let s = tiny_with(|s| _ = s.districts[0].need_mix.insert("phantom".into(), 0.0));
    let spec = "districts[0].need_mix[\"phantom\"]: unknown need level \"phantom\"";
    only(s, spec, "\"phantom\": 0.0");
}

#[test]
fn moves_must_name_another_known_district() {
    let s = tiny_with(|s| s.districts[0].migration.moves = map(&[("nowhere", 0.1)]));
    let spec = "districts[0].migration.moves[\"nowhere\"]: unknown district \"nowhere\"; expected \
                one of: north";
    only(s, spec, "\"nowhere\": 0.1");
    let s = tiny_with(|s| s.districts[0].migration.moves = map(&[("north", 0.1)]));
    let spec = "districts[0].migration.moves[\"north\"]: cannot move children to itself";
    only(s, spec, "\"north\": 0.1");
}

#[test]
fn leaving_and_moving_cannot_exceed_one() {
    let mut s = two_districts();
    s.districts[0].migration.leave_rate = 0.6;
    s.districts[0].migration.moves = map(&[("south", 0.6)]);
    let text = text_of(&s);
    let found = problems(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    let spec = "districts[0].migration: leave_rate and moves together must be at most 1 a year, \
                they sum to 1.2";
    let p = find(&found, spec);
    assert_eq!(p.position, Some(value_position(&text, "migration: M", 0)));
    s.districts[0].migration.leave_rate = 0.4;
    valid(s, "leave_rate + moves = 1 is allowed");
}

#[test]
fn ids_must_be_unique() {
    let s = tiny_with(|s| s.roles.push(s.roles[0].clone()));
    let text = text_of(&s);
    let found = problems(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    let p = find(&found, "roles[1].id: duplicate id \"hv\"");
    // At the second definition.
    assert_eq!(text.matches("id: \"hv\"").count(), 2);
    assert_eq!(p.position, Some(value_position(&text, "id: \"hv\"", 1)));
}

#[test]
fn ids_must_be_well_formed() {
    let long = "a".repeat(65);
    let cases = [
        ("districts[0].id", "North"),
        ("reviews[0].id", ""),
        ("reviews[0].id", "2nd_visit"),
        ("reviews[0].id", "new-birth"),
        ("reviews[0].id", &long),
    ];
    for (path, id) in cases {
        let s = tiny_with(|s| match path {
            "districts[0].id" => s.districts[0].id = id.into(),
            _ => s.reviews[0].id = id.into(),
        });
        let spec = format!("{path}: must be an identifier");
        let message = only(s, &spec, &format!("id: {id:?}"));
        assert!(message.contains("digits and '_'"), "{message}");
        assert!(message.ends_with(&format!("found {id:?}")), "{message}");
    }
    let longest = tiny_with(|s| s.reviews[0].id = "a".repeat(64));
    valid(longest, "a 64-char id is allowed");
}

#[test]
fn dates_must_be_iso_first_of_month_and_inside_the_run() {
    let start = |date: &str| tiny_with(|s| s.calendar.start = date.into());
    let spec = "calendar.start: must be an ISO date like \"2019-01-01\", found \"2024/01/01\"";
    only(start("2024/01/01"), spec, "start: \"2024/01/01\"");
    let spec = "calendar.start: must be the first day of a month, found 2024-01-15";
    only(start("2024-01-15"), spec, "start: \"2024-01-15\"");
    let holidays = |dates: &[&str]| {
        tiny_with(|s| s.calendar.bank_holidays = dates.iter().map(|d| d.to_string()).collect())
    };
    // Sixty months from January 2024 end on 31 December 2028.
    let s = holidays(&["2024-01-01", "2028-12-31", "2029-01-01"]);
    let spec = "calendar.bank_holidays[2]: 2029-01-01 is outside the simulated period (2024-01-01 \
                to 2028-12-31)";
    only(s, spec, "\"2029-01-01\"");
    let spec = "calendar.bank_holidays[0]: outside the simulated period";
    only(holidays(&["2023-12-25"]), spec, "\"2023-12-25\"");
    let spec = "calendar.bank_holidays[1]: must be an ISO date like \"2019-12-25\", found \
                \"25/12/2025\"";
    let s = holidays(&["2024-12-25", "25/12/2025"]);
    only(s, spec, "\"25/12/2025\"");
    let spec = "calendar.bank_holidays[0]: must be an ISO date";
    only(holidays(&["2025-02-30"]), spec, "\"2025-02-30\"");
}

#[test]
fn start_dates_far_from_now_are_refused_not_a_panic() {
    // 9999-06-01 plus a year runs past the last date the calendar library can represent.
    for date in ["9999-06-01", "2201-01-01", "1899-12-01"] {
        let s = tiny_with(|s| (s.calendar.start, s.calendar.months) = (date.into(), 12));
        let spec = "calendar.start: must be a date in the years 1900 to 2200";
        let message = only(s, spec, &format!("start: \"{date}\""));
        assert!(message.ends_with(&format!("found {date}")), "{message}");
    }
    let s = tiny_with(|s| (s.calendar.start, s.calendar.months) = ("2200-12-01".into(), 360));
    valid(s, "a start in 2200 is allowed");
}

#[test]
fn months_must_be_1_to_360() {
    for months in [0, 361, u32::MAX] {
        let s = tiny_with(|s| s.calendar.months = months);
        let spec = format!("calendar.months: must be 1 to 360 months, found {months}");
        only(s, &spec, &format!("months: {months},"));
    }
    valid(tiny_with(|s| s.calendar.months = 360), "360 is allowed");
}

#[test]
fn numbers_must_be_finite_and_in_range() {
    // RON's `NaN` and `inf` literals parse; validation refuses them.
    let births = |b| tiny_with(|s| s.districts[0].births_per_year = b);
    let spec = "districts[0].births_per_year: must be a finite number >= 0, found -5";
    only(births(-5.0), spec, "births_per_year: -5.0");
    let spec = "districts[0].births_per_year: found NaN";
    only(births(f64::NAN), spec, "births_per_year: NaN");
    let hours = |h| tiny_with(|s| s.reviews[0].hours = h);
    let spec = "reviews[0].hours: must be a finite number > 0, found inf";
    only(hours(f64::INFINITY), spec, "hours: inf");
    only(hours(0.0), "reviews[0].hours: found 0", " hours: 0.0");
    let cost = |c| tiny_with(|s| s.roles[0].annual_cost = c);
    let spec = "roles[0].annual_cost: must be a finite number >= 0, found NaN";
    only(cost(f64::NAN), spec, "annual_cost: NaN");
    let spec = "roles[0].annual_cost: found -inf";
    only(cost(-f64::INFINITY), spec, "annual_cost: -inf");
    let week = |h| tiny_with(|s| s.roles[0].hours_per_week = h);
    for h in [168.5, 0.0, f64::NAN] {
        let spec =
            format!("roles[0].hours_per_week: must be more than 0 and at most 168, found {h}");
        only(week(h), &spec, "hours_per_week: ");
    }
    valid(week(168.0), "168 hours a week is allowed");
}

#[test]
fn absurd_sizes_are_refused_before_anything_is_allocated() {
    let s = tiny_with(|s| s.districts[0].children_by_age = vec![u32::MAX; 6]);
    let spec = format!(
        "districts: at most 10000000 children in all districts, found {}",
        6 * u64::from(u32::MAX)
    );
    only(s, &spec, "districts: [");
    // The limit is on all districts together.
    let mut s = two_districts();
    for d in &mut s.districts {
        d.children_by_age = vec![1_000_001; 5];
    }
    only(s, "districts: found 10000010", "districts: [");
    let s = tiny_with(|s| s.districts[0].staff = map(&[("hv", 1e9)]));
    let spec = "districts: at most 500000 staff WTE in all districts, found 1000000000";
    only(s, spec, "districts: [");
    let s = tiny_with(|s| s.districts[0].births_per_year = 1e12);
    let spec = "districts: at most 2000000 births a year in all districts, found 1000000000000";
    only(s, spec, "districts: [");
    let s = tiny_with(|s| s.districts[0].migration.arrivals_per_year = 3e6);
    let spec = "districts: at most 2000000 arrivals a year";
    only(s, spec, "districts: [");
}

#[test]
fn births_grown_by_their_trend_stay_within_the_limit() {
    let s = tiny_with(|s| {
        s.calendar.months = 360;
        s.districts[0].births_per_year = 1_000_000.0;
        s.districts[0].births_trend = 1.0;
    });
    let found = problems(&text_of(&s));
    let births = found.iter().any(|p| p.message.contains("births"));
    assert!(births, "{found:#?}");
}

#[test]
fn priorities_are_at_most_65535() {
    let s = tiny_with(|s| s.reviews[0].priority = 65_536);
    only(
        s,
        "reviews[0].priority: must be at most 65535, found 65536",
        "priority: 65536",
    );
    let s = tiny_with(|s| s.need_levels[0].priority = u32::MAX);
    let spec = format!(
        "need_levels[0].priority: must be at most 65535, found {}",
        u32::MAX
    );
    only(s, &spec, "priority: 4294967295");
    let s = tiny_with(|s| {
        s.universal_support = Some(UniversalSupport {
            hours_per_child_per_month: 0.1,
            roles: vec!["hv".into()],
            priority: 70_000,
        })
    });
    let spec = "universal_support.priority: must be at most 65535, found 70000";
    only(s, spec, "priority: 70000");
    valid(
        tiny_with(|s| s.reviews[0].priority = 65_535),
        "65535 is the largest priority",
    );
}

#[test]
fn children_by_age_has_at_most_six_ages() {
    let s = tiny_with(|s| s.districts[0].children_by_age = vec![10; 7]);
    let spec = "districts[0].children_by_age: at most 6 ages (0 to 5) allowed, found 7";
    only(s, spec, "children_by_age: [");
}

#[test]
fn a_scenario_needs_roles_levels_districts_and_a_health_visitor() {
    // The review's and the district's references to `hv` are reported too.
    let s = tiny_with(|s| s.roles.clear());
    let spec = "roles: must define at least one role";
    check(s, 3, spec, "\n    roles: [],");
    let s = tiny_with(|s| s.need_levels.clear());
    let spec = "need_levels: must define at least one level of need";
    check(s, 2, spec, "need_levels: [],");
    let s = tiny_with(|s| s.districts.clear());
    let spec = "districts: must define at least one district";
    only(s, spec, "districts: [],");
    let s = tiny_with(|s| s.roles[0].health_visitor = false);
    let spec = "roles: at least one role must have `health_visitor: true`";
    only(s, spec, "\n    roles: [");
}

#[test]
fn school_entry_must_be_a_real_date() {
    let entry =
        |month, day| tiny_with(|s| s.population.leave_at = LeaveAt::SchoolEntry { month, day });
    let spec = "population.leave_at.month: must be a month 1-12, found 13";
    only(entry(13, 1), spec, "month: 13");
    let spec = "population.leave_at.day: must be a day 1-28, found 29";
    only(entry(9, 29), spec, "day: 29");
}

#[test]
fn every_problem_is_reported_at_once() {
    let s = tiny_with(|s| {
        s.reviews[0].uptake = 1.2;
        s.roles[0].contact_share = -0.1;
        s.calendar.months = 0;
        s.districts[0].births_per_year = f64::NAN;
        s.districts[0].staff.insert("nurse".into(), 1.0);
    });
    let text = text_of(&s);
    let expected = [
        ("calendar.months: must be 1 to 360 months", "months: 0"),
        ("reviews[0].uptake: found 1.2", "uptake: 1.2"),
        ("roles[0].contact_share: found -0.1", "contact_share: -0.1"),
        ("districts[0].births_per_year: NaN", "births_per_year: NaN"),
        ("districts[0].staff[\"nurse\"]: unknown", "\"nurse\": 1.0"),
    ];
    let found = problems(&text);
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    let shown = load_str(SOURCE, &text).expect_err("invalid").to_string();
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), expected.len() + 1, "{shown}");
    for (spec, needle) in expected {
        let p = find(&found, spec);
        let at = value_position(&text, needle, 0);
        assert_eq!(p.position, Some(at), "{spec}");
        let (field, message) = (&p.field, &p.message);
        let line = format!("{SOURCE}:{}:{}: {field}: {message}", at.line, at.col);
        assert!(lines.contains(&line.as_str()), "{line:?} not in\n{shown}");
    }
    let count = "bad.ron: 5 problems found; the scenario was not run";
    assert_eq!(lines.last(), Some(&count));
}

#[test]
fn truncated_baseline_never_panics() {
    let text = load::BASELINE;
    let last_paren = text.rfind(')').expect("the baseline ends with )");
    for cut in (0..text.len()).step_by(97) {
        let cut = text.floor_char_boundary(cut);
        let result = load_str("cut.ron", &text[..cut]);
        // Cut before its closing paren, the scenario is incomplete.
        assert!(cut > last_paren || result.is_err(), "a cut at {cut} loaded");
    }
    load_str("whole.ron", text).expect("the whole baseline loads");
}

#[test]
fn syntax_errors_speak_a_planners_words() {
    let good = text_of(&tiny());
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("tiny.ron"), &good).expect("written");
    // Nested past any scenario's need (in an overlay, read before its types are known), and a
    // field name that is a number.
    let deep = format!(
        "Scenario(extends: \"tiny.ron\", name: {}{})",
        "[".repeat(300),
        "]".repeat(300)
    );
    let numbered = good.replacen("name: \"tiny\",", "name: \"tiny\",\n    0: 1,", 1);
    for (text, fragment) in [
        (deep, "nested too deeply"),
        (numbered, "\"0\" is not a field name"),
    ] {
        let path = dir.path().join("bad.ron");
        std::fs::write(&path, text).expect("written");
        let message = caseload::load::load_file(&path)
            .expect_err("refused")
            .to_string();
        assert!(message.contains(fragment), "{message}");
        assert!(
            !message.contains("ron::") && !message.contains("r#"),
            "{message}"
        );
    }
    // A byte-order mark at the start of a file is not part of the scenario.
    let path = dir.path().join("bom.ron");
    std::fs::write(&path, format!("\u{feff}{good}")).expect("written");
    caseload::load::load_file(&path).expect("a byte-order mark is accepted");
}
