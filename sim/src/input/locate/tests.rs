//! Tests of the locator: exact positions in a realistic scenario text, fallbacks, and no panics
//! on broken or hostile text.
use super::*;

const SAMPLE: &str = r##"#![enable(implicit_some)]
// Demonstration scenario: four districts, one review.
Scenario(
    name: "Demo (v2) [draft]",
    description: "Numbers from https://example.org/data // not a comment",
    calendar: (
        start: "2024-01-01",
        months: 24, /* two years /* nested */ still a comment */
        working_days: [Mon, Tue, Wed, Thu, Fri],
    ),
    population: (leave_at: SchoolEntry(month: 9, day: 1)),
    reviews: [
        (
            id: "new_birth",
            name: r#"New "birth" visit"#,
            opens: Days(10),
            on_time: Days(14),
            target: Some(0.9),
        ),
    ],
    districts: [
        (id: "north", births_per_year: 120.0, staff: {"health_visitor": 12.5}),
        (id: "south", births_per_year: 95.5, staff: {}), // no staff yet
        (id: "east", name: "Café ) ] \" (", births_per_year: 80, staff: {}),
        (
            id: "west",
            name: "Cwm Ystwyth",
            children_by_age: [310, 298, 305, 312, 290],
            births_per_year: -5.0,
            migration: Some((
                arrivals_per_year: 3.5,
                leave_rate: 0.02,
            )),
            staff: {
                "health_visitor": 6.0,
                "nursery\u{5f}nurse": 2.5,
            },
        ),
    ],
    allocation: RiskFirst,
)
"##;

/// Paths into `SAMPLE` and the line and column `locate` must give for each.
const CASES: [(&str, (usize, usize)); 27] = [
    ("", (3, 1)),
    ("name", (4, 11)),
    ("calendar", (6, 15)), // after a string holding `//`
    ("calendar.months", (8, 17)),
    ("population.leave_at.day", (11, 55)),
    ("reviews[0].name", (15, 19)),
    ("reviews[0].opens", (16, 20)),
    ("reviews[0].opens[0]", (16, 25)),
    ("reviews[0].target", (18, 21)),
    ("districts[0].staff[\"health_visitor\"]", (22, 73)),
    ("districts[2].births_per_year", (24, 62)), // after `) ] \" (` in a string
    ("districts[2].staff", (24, 73)),           // counted in chars, after `é`
    ("districts[3].births_per_year", (29, 30)),
    ("districts[3].children_by_age[4]", (28, 51)),
    ("districts[3].migration", (30, 24)),
    ("districts[3].migration.leave_rate", (32, 29)), // inside `Some(( .. ))`
    ("districts[3].staff[\"nursery_nurse\"]", (36, 39)),
    ("allocation", (40, 17)),
    // Not written: the deepest written ancestor.
    ("births_trend", (3, 1)),
    ("reviews[0].offered_share", (13, 9)),
    ("districts[1].births_trend", (23, 9)),
    ("districts[7].name", (21, 16)),
    ("districts[3].children_by_age[5]", (28, 30)),
    ("districts[0].staff[\"nursery_nurse\"]", (22, 54)),
    ("districts[3].migration.moves[\"north\"]", (30, 24)),
    ("calendar.months.extra", (8, 17)),
    ("reviews[0].target[3]", (18, 21)),
];

/// Parses a test path such as `a[3].b["k"]` (keys hold no `.`, `[` or `]`).
fn path(text: &str) -> FieldPath {
    let mut p = FieldPath::root();
    for part in text.split(['.', '[']).filter(|s| !s.is_empty()) {
        p = match part.strip_suffix(']') {
            None => p.field(part),
            Some(q) => match q.strip_prefix('"') {
                Some(k) => p.key(k.strip_suffix('"').unwrap_or(k)),
                None => p.index(q.parse().expect("test paths have numeric indices")),
            },
        };
    }
    p
}

fn check(src: &str, cases: &[(&str, (usize, usize))]) {
    for &(p, (line, col)) in cases {
        assert_eq!(
            locate(src, &path(p)),
            Some(Position { line, col }),
            "path {p}"
        );
    }
}

#[test]
fn finds_values_or_their_deepest_written_ancestor() {
    check(SAMPLE, &CASES);
}

#[test]
fn handles_tuples_keys_wrappers_and_literals() {
    let src = "( pair: (1, (2, 3)), m: { a: 1, 7: 2, 'c': 3, \"\\u{e9}t\\\"\": 4 }, \
                   w: Wrap([10, 20]), u: (), t: Some(Days(5)), s: r##\"x\"# )\"##, after: 9 )";
    check(
        src,
        &[
            ("pair[1][0]", (1, 14)),
            ("m[\"a\"]", (1, 30)),
            ("m[\"7\"]", (1, 36)),
            ("m[\"'c'\"]", (1, 44)),
            ("m[\"\u{e9}t\"\"]", (1, 60)),
            ("w[1]", (1, 78)),
            ("u", (1, 87)),
            ("t[0]", (1, 104)),
            ("after", (1, 133)),
        ],
    );
    let src = "/* a /* nested */ comment ( */\n// (\n(\u{e9}\u{e9}: \"\u{1f600}\", x: 1)";
    check(src, &[("x", (3, 14)), ("\u{e9}\u{e9}", (3, 6))]);
    let src = "#![enable(implicit_some)]\r\n#![enable(unwrap_newtypes)] (a: 1)";
    check(src, &[("a", (2, 33))]);
}

#[test]
fn unscannable_text_gives_none_and_broken_text_falls_back() {
    for src in [
        "",
        " // nothing\n/* here */",
        ") ]",
        ", x",
        "#![enable(x)]",
        "/* (a: 1)",
    ] {
        assert_eq!(locate(src, &path("districts[0]")), None, "source {src:?}");
    }
    let cut = "Scenario(name: \"x, districts: [ (id: \"a\", births_per_year: ";
    check(cut, &[("districts[0].births_per_year", (1, 1))]);
    let bad = "Scenario(districts: [ (id: \"a\", births_per_year: ] ) ) ) ]";
    check(
        bad,
        &[
            ("districts[0].births_per_year", (1, 33)),
            ("districts[0].id", (1, 28)),
        ],
    );
    check("(a: 1 b: 2 c 3)", &[("b", (1, 10))]);
}

#[test]
fn displays_paths() {
    assert_eq!(FieldPath::root().to_string(), "(scenario)");
    assert!(FieldPath::root().is_root());
    let parent = FieldPath::root().field("districts").index(3);
    let p = parent.field("staff").key("health_visitor");
    assert_eq!(p.to_string(), "districts[3].staff[\"health_visitor\"]");
    assert_eq!(parent.to_string(), "districts[3]");
    assert_eq!(p.segments().len(), 4);
    assert_eq!(
        FieldPath::root().index(0).key("a\"b").to_string(),
        "[0][\"a\\\"b\"]"
    );
}

#[test]
fn never_panics_on_truncated_or_mutated_text() {
    let paths: Vec<_> = CASES.iter().step_by(7).map(|c| path(c.0)).collect();
    let ok = |src: &str| {
        let lines = src.lines().count();
        for p in &paths {
            if let Some(at) = locate(src, p) {
                assert!(
                    at.col >= 1 && (1..=lines).contains(&at.line),
                    "{at:?}, path {p}"
                );
            }
        }
    };
    for (n, (i, _)) in SAMPLE.char_indices().enumerate() {
        ok(&SAMPLE[..i]);
        if n % 3 == 0 {
            ok(&SAMPLE[i..]);
        }
    }
    let alphabet = b"()[]{},:\"'\\/*#r!x0 \n\xc3\xff";
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for _ in 0..1000 {
        let mut bytes = SAMPLE.as_bytes().to_vec();
        for _ in 0..1 + next(6) {
            let (i, b) = (next(bytes.len()), alphabet[next(alphabet.len())]);
            match next(3) {
                0 => bytes[i] = b,
                1 => _ = bytes.remove(i),
                _ => bytes.insert(i, b),
            }
        }
        ok(&String::from_utf8_lossy(&bytes));
    }
    for deep in ["(", "Some(", "[", "{a:", "\"", "/*"] {
        ok(&deep.repeat(50_000));
    }
}
