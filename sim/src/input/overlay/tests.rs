//! Tests of the overlay tree: parse and print round trips, positions and the source map, each
//! merge rule, byte spans, and no panics on broken or hostile text.

use super::*;
use crate::load::{BASELINE, parse as parse_scenario};

/// `src` parsed as file `file`, which must succeed.
fn doc(src: &str, file: FileId) -> Document {
    parse(src, file).unwrap_or_else(|e| panic!("{e:?} in {src:?}"))
}

/// `src` as the printer writes it.
fn norm(src: &str) -> String {
    print(&doc(src, 0)).text
}

/// The rules the scenario format uses.
fn rules() -> Rules {
    Rules::new(["SchoolEntry"])
}

/// `overlay` (file 1) merged into `base` (file 0) and printed.
fn merged(base: &str, overlay: &str) -> String {
    print(&doc(overlay, 1).over(doc(base, 0), &rules())).text
}

/// Asserts that merging `overlay` into `base` gives `expected` (as the printer writes it).
fn check(base: &str, overlay: &str, expected: &str) {
    assert_eq!(
        merged(base, overlay),
        norm(expected),
        "{overlay} over {base}"
    );
}

fn pos(line: usize, col: usize) -> Position {
    Position { line, col }
}

#[test]
fn the_baseline_prints_back_to_the_same_scenario() {
    let printed = print(&doc(BASELINE, 0));
    let expected = parse_scenario("baseline", BASELINE).expect("the baseline parses");
    let again = parse_scenario("printed", &printed.text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, expected);
    // Printing is stable: the printed text prints back to itself.
    assert_eq!(norm(&printed.text), printed.text);
    assert!(!printed.text.contains("//"), "comments are dropped");
}

#[test]
fn nodes_keep_their_text_position_and_file() {
    let src = "#![enable(implicit_some)]\n// a comment\nScenario(\n    name: \"Caf\\u{e9}\",\n    \
               n: -1.5e3, c: 'x', r: r#\"raw \"q\"\"#,\n    days: Days(14), unit: (), m: {\"k\": \
               [1, 2]},\n)";
    let d = doc(src, 7);
    assert_eq!(d.attributes, ["#![enable(implicit_some)]"]);
    assert_eq!((d.root.at, d.root.file), (pos(3, 1), 7));
    let name = d.root.field("name").expect("name");
    assert_eq!(
        (name.at, name.file, name.as_str()),
        (pos(4, 11), 7, Some("Café"))
    );
    let atom = |field: &str| match &d.root.field(field).expect("written").value {
        Value::Atom { text, .. } => text.clone(),
        v => panic!("{field}: {v:?}"),
    };
    assert_eq!(atom("n"), "-1.5e3");
    assert_eq!(atom("c"), "'x'");
    assert_eq!(atom("r"), "r#\"raw \"q\"\"#");
    assert_eq!(atom("name"), "\"Caf\\u{e9}\"");
    let days = d.root.field("days").expect("days");
    assert_eq!(days.at, pos(6, 11));
    assert!(
        matches!(&days.value, Value::Tuple { name: Some(n), items } if n == "Days" && items.len() == 1)
    );
    assert!(
        matches!(&d.root.field("unit").expect("unit").value, Value::Tuple { name: None, items } if items.is_empty())
    );
    let Some(Value::Map(pairs)) = d.root.field("m").map(|n| &n.value) else {
        panic!("m is a map");
    };
    assert_eq!(pairs[0].key.identity(), Some("k"));
    assert_eq!(pairs[0].value.at, pos(6, 40));
}

#[test]
fn syntax_errors_are_located() {
    let cases = [
        ("(a: 1 b: 2)", pos(1, 7), "expected `,` or `)`, found `b`"),
        ("(a: [1, 2)", pos(1, 10), "expected `,` or `]`, found `)`"),
        ("(a: \"open)", pos(1, 5), "not closed"),
        ("(a: 1, \"b\": 2)", pos(1, 8), "expected a field name"),
        ("{\"a\" 1}", pos(1, 6), "expected `:`"),
        ("(a: )", pos(1, 5), "expected a value, found `)`"),
        ("(a: 1", pos(1, 6), "found the end of the text"),
        ("(a: 1)\n(b: 2)", pos(2, 1), "expected the end of the text"),
        ("", pos(1, 1), "expected a value"),
        ("#![enable(x)", pos(1, 13), "`]` closing the attribute"),
    ];
    for (src, at, fragment) in cases {
        let e = parse(src, 0).expect_err(src);
        assert_eq!(e.at, at, "{src}: {e:?}");
        assert!(e.message.contains(fragment), "{src}: {e:?}");
    }
    let deep = "[".repeat(MAX_DEPTH + 2);
    let e = parse(&deep, 0).expect_err("too deep");
    assert!(e.message.contains("nested"), "{e:?}");
}

#[test]
fn the_source_map_leads_back_to_each_written_value() {
    let base = doc(BASELINE, 0);
    let overlay_text = "(extends: \"b.ron\", calendar: (months: 24), districts: [(id: \
                        \"ladywood\", staff: {\"health_visitor\": 25.0})])";
    let mut over = doc(overlay_text, 1);
    over.remove_extends();
    let printed = print(&over.over(base, &rules()));
    // Every atom of the printed text maps to the same text in the file it came from.
    let reread = doc(&printed.text, 9);
    let mut atoms = Vec::new();
    walk(&reread.root, &mut |n| {
        if let Value::Atom { text, .. } = &n.value {
            atoms.push((text.clone(), n.at));
        }
    });
    assert!(atoms.len() > 500, "{}", atoms.len());
    let mut from_overlay = Vec::new();
    for (text, at) in atoms {
        let o = printed.map.origin(at).expect("every atom is mapped");
        let src = [BASELINE, overlay_text][o.file];
        let line = src.lines().nth(o.at.line - 1).expect("the line exists");
        let rest: String = line.chars().skip(o.at.col - 1).collect();
        assert!(rest.starts_with(&text), "{text} at {o:?}: {rest}");
        if o.file == 1 {
            from_overlay.push(text);
        }
    }
    // The overlay wrote the fields it merged, and their keys.
    let written = [
        "calendar",
        "months",
        "24",
        "districts",
        "id",
        "\"ladywood\"",
        "staff",
        "\"health_visitor\"",
        "25.0",
    ];
    assert_eq!(from_overlay, written);
    // Inside an atom, chars map one to one; between values, to the enclosing value.
    let at = printed.text.find("25.0").expect("printed");
    let at = position_of(&printed.text, at + 2);
    let o = printed.map.origin(at).expect("mapped");
    let col = overlay_text.find("25.0").expect("written") + 1;
    assert_eq!((o.file, o.at), (1, pos(1, col + 2)));
    assert_eq!(printed.map.origin(pos(1000, 1)), None);
}

/// Calls `f` on `n` and everything inside it.
fn walk(n: &Node, f: &mut impl FnMut(&Node)) {
    f(n);
    match &n.value {
        Value::Atom { .. } => {}
        Value::Tuple { items, .. } | Value::List(items) => items.iter().for_each(|i| walk(i, f)),
        Value::Struct { fields: pairs, .. } | Value::Map(pairs) => {
            for p in pairs {
                walk(&p.key, f);
                walk(&p.value, f);
            }
        }
    }
}

/// The line and column of byte `at` of `text`.
fn position_of(text: &str, at: usize) -> Position {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    pos(line, col)
}

#[test]
fn structs_merge_field_by_field() {
    check(
        "Scenario(a: 1, b: (c: 2, d: 3), e: [1, 2])",
        "(b: (d: 4, f: 5), g: 6)",
        "Scenario(a: 1, b: (c: 2, d: 4, f: 5), e: [1, 2], g: 6)",
    );
    // Names: the overlay's if written; differing names replace.
    check("(a: C(x: 1, y: 2))", "(a: (y: 3))", "(a: C(x: 1, y: 3))");
    check("(a: (x: 1, y: 2))", "(a: C(y: 3))", "(a: C(x: 1, y: 3))");
    check("(a: C(x: 1, y: 2))", "(a: D(y: 3))", "(a: D(y: 3))");
}

#[test]
fn variants_tuples_and_other_values_replace_whole() {
    let base = "(leave: SchoolEntry(month: 9, day: 1), opens: Days(10), t: Some((a: 1, b: 2)), \
                p: (1, 2), s: \"x\", days: [Mon, Tue], u: ())";
    check(
        base,
        "(leave: SchoolEntry(month: 8))",
        &base.replace("month: 9, day: 1", "month: 8"),
    );
    check(
        base,
        "(leave: FifthBirthday)",
        &base.replace("SchoolEntry(month: 9, day: 1)", "FifthBirthday"),
    );
    check(
        base,
        "(opens: Weeks(-10))",
        &base.replace("Days(10)", "Weeks(-10)"),
    );
    check(
        base,
        "(t: Some((b: 3)))",
        &base.replace("(a: 1, b: 2)", "(b: 3)"),
    );
    check(base, "(p: (3,))", &base.replace("(1, 2)", "(3)"));
    check(base, "(s: r\"y\")", &base.replace("\"x\"", "r\"y\""));
    check(base, "(days: [Sat])", &base.replace("[Mon, Tue]", "[Sat]"));
    // A value of another kind replaces.
    check(base, "(u: (z: 1))", &base.replace("u: ()", "u: (z: 1)"));
    check(base, "(opens: (z: 1))", &base.replace("Days(10)", "(z: 1)"));
    // A struct written over a struct-like variant replaces it, and the other way round.
    check(
        base,
        "(leave: (month: 8))",
        &base.replace("SchoolEntry(month: 9, day: 1)", "(month: 8)"),
    );
    check(
        "(a: (month: 1))",
        "(a: SchoolEntry(day: 2))",
        "(a: SchoolEntry(day: 2))",
    );
}

#[test]
fn lists_of_structs_with_ids_merge_by_id() {
    let base = "[(id: \"a\", v: 1, w: 1), (id: \"b\", v: 2), (id: \"c\", v: 3)]";
    check(
        base,
        "[(id: \"d\", v: 4), (id: \"b\", v: 20), (id: r\"a\", w: 10)]",
        "[(id: r\"a\", v: 1, w: 10), (id: \"b\", v: 20), (id: \"c\", v: 3), (id: \"d\", v: 4)]",
    );
    // Not every element has an id (in either list): replaced. An empty list clears.
    check(
        base,
        "[(id: \"b\", v: 9), (v: 5)]",
        "[(id: \"b\", v: 9), (v: 5)]",
    );
    check(
        "[(v: 1), (v: 2)]",
        "[(id: \"a\", v: 5)]",
        "[(id: \"a\", v: 5)]",
    );
    check(base, "[]", "[]");
    check("[]", "[(id: \"a\")]", "[(id: \"a\")]");
    check("[1, 2, 3]", "[4]", "[4]");
    // Elements merge by the same rules, all the way down.
    check(
        "[(id: \"a\", m: {\"x\": 1, \"y\": 2}, l: [(id: \"i\", n: 1)])]",
        "[(id: \"a\", m: {\"y\": 3}, l: [(id: \"j\", n: 2)])]",
        "[(id: \"a\", m: {\"x\": 1, \"y\": 3}, l: [(id: \"i\", n: 1), (id: \"j\", n: 2)])]",
    );
}

#[test]
fn maps_merge_by_key() {
    check(
        "{\"hv\": 15.0, \"sn\": 2.2, \"nn\": 5.1}",
        "{\"sn\": 3.0, \"ey\": 1.0, \"nn\": 0.0}",
        "{\"hv\": 15.0, \"sn\": 3.0, \"nn\": 0.0, \"ey\": 1.0}",
    );
    check(
        "{\"a\": (x: 1, y: 2)}",
        "{\"a\": (y: 3)}",
        "{\"a\": (x: 1, y: 3)}",
    );
    check("{\"a\": 1}", "[1]", "[1]");
}

#[test]
fn duplicates_in_the_overlay_are_kept_for_the_parser_to_refuse() {
    check("(a: 1, b: 2)", "(a: 3, a: 4)", "(a: 3, b: 2, a: 4)");
    check("{\"a\": 1}", "{\"a\": 2, \"a\": 3}", "{\"a\": 2, \"a\": 3}");
    check(
        "[(id: \"a\", v: 1)]",
        "[(id: \"b\"), (id: \"b\"), (id: \"a\", v: 2), (id: \"a\", v: 3)]",
        "[(id: \"a\", v: 2), (id: \"b\"), (id: \"b\"), (id: \"a\", v: 3)]",
    );
}

#[test]
fn merged_values_take_the_overlays_position_and_the_rest_keep_theirs() {
    let base = doc("(a: (x: 1, y: 2), b: {\"k\": 1}, c: 3)", 0);
    let over = doc("(\n  a: (y: 5),\n  d: 6,\n)", 1);
    let m = over.over(base, &rules()).root;
    let at = |n: Option<&Node>| n.map(|n| (n.file, n.at));
    assert_eq!(at(Some(&m)), Some((1, pos(1, 1))));
    let a = m.field("a");
    assert_eq!(at(a), Some((1, pos(2, 6))));
    assert_eq!(at(a.and_then(|a| a.field("x"))), Some((0, pos(1, 9))));
    assert_eq!(at(a.and_then(|a| a.field("y"))), Some((1, pos(2, 10))));
    assert_eq!(at(m.field("b")), Some((0, pos(1, 22))));
    assert_eq!(at(m.field("d")), Some((1, pos(3, 6))));
}

#[test]
fn extends_is_found_and_removed_and_attributes_are_kept() {
    let mut over = doc(
        "#![enable(unwrap_newtypes)]\n(extends: \"base.ron\", a: 2)",
        1,
    );
    assert_eq!(over.extends(), Some(("base.ron", pos(2, 11))));
    over.remove_extends();
    assert_eq!(over.extends(), None);
    let base = doc(
        "#![enable(implicit_some)] #![enable(unwrap_newtypes)] (a: 1, b: 2)",
        0,
    );
    let m = over.over(base, &rules());
    assert_eq!(
        m.attributes,
        ["#![enable(implicit_some)]", "#![enable(unwrap_newtypes)]"]
    );
    let text = print(&m).text;
    assert_eq!(
        text,
        "#![enable(implicit_some)]\n#![enable(unwrap_newtypes)]\n(a: 2, b: 2)\n"
    );
    assert_eq!(
        doc("(extends: Some(\"x\"))", 0).extends(),
        Some(("x", pos(1, 11)))
    );
    assert_eq!(doc("(extends: None)", 0).extends(), None);
    assert_eq!(doc("[1]", 0).extends(), None);
}

/// A type with enums inside enums, a struct variant reachable only through another variant, and
/// recursion.
#[test]
fn never_panics_on_truncated_or_mutated_text() {
    let base = doc(BASELINE, 0);
    let rules = Rules::for_type::<crate::scenario::Scenario>();
    let ok = |src: &str| {
        let Ok(d) = parse(src, 1) else {
            return;
        };
        // What parses prints and parses back the same, and merges either way round.
        let printed = print(&d);
        let again = parse(&printed.text, 2).expect("printed text parses");
        assert_eq!(print(&again).text, printed.text);
        let m = print(&d.clone().over(base.clone(), &rules));
        let lines = m.text.lines().count();
        for line in (1..=lines + 1).step_by(37) {
            for col in [1, 5, 17, 200] {
                if let Some(o) = m.map.origin(pos(line, col)) {
                    assert!(o.file <= 1 && o.at.line >= 1 && o.at.col >= 1, "{o:?}");
                }
            }
        }
        let _ = base.clone().over(d, &rules);
    };
    let sample = &BASELINE[BASELINE.find("    reviews:").unwrap_or(0)..];
    for (n, (i, _)) in sample.char_indices().enumerate().step_by(3) {
        ok(&sample[..i]);
        if n % 7 == 0 {
            ok(&sample[i..]);
        }
    }
    let alphabet = b"()[]{},:\"'\\/*#r!x0 \n\xc3\xff";
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let small = "Scenario(name: \"x\", calendar: (start: \"2024-01-01\", months: 12), reviews: \
                 [(id: \"a\", opens: Days(1), m: {\"k\": [1, 2.5, 'c']})], t: Some((x: r#\"y\"#)))";
    for _ in 0..2000 {
        let mut bytes = small.as_bytes().to_vec();
        for _ in 0..1 + next(6) {
            let (i, b) = (next(bytes.len().max(1)), alphabet[next(alphabet.len())]);
            match next(3) {
                0 if i < bytes.len() => bytes[i] = b,
                1 if i < bytes.len() => _ = bytes.remove(i),
                _ => bytes.insert(i.min(bytes.len()), b),
            }
        }
        ok(&String::from_utf8_lossy(&bytes));
    }
    for deep in ["(", "Some(", "[", "{a:", "\"", "/*", "(a:", "#![", "b'"] {
        ok(&deep.repeat(50_000));
    }
}

#[test]
fn every_node_spans_its_own_text_and_no_comment_around_it() {
    let src = "// head\nS( /* a */ name: \"x, y\" /* b */, list: [1, /* c */ Days(2) ,], m: {\"k\": ()},\n)\n";
    let d = doc(src, 0);
    let text = |n: &Node| &src[n.span.clone()];
    assert_eq!(
        text(&d.root),
        src.trim_start_matches("// head\n").trim_end()
    );
    let Value::Struct { fields, .. } = &d.root.value else {
        panic!("a struct")
    };
    let spans: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| (text(&f.key), text(&f.value)))
        .collect();
    assert_eq!(
        spans,
        [
            ("name", "\"x, y\""),
            ("list", "[1, /* c */ Days(2) ,]"),
            ("m", "{\"k\": ()}")
        ]
    );
    let Value::List(items) = &fields[1].value.value else {
        panic!("a list")
    };
    assert_eq!(text(&items[1]), "Days(2)");
    // A merged node keeps the overlay's span, in the overlay's file.
    let overlay = "S(name: \"z\")";
    let merged = doc(overlay, 1).over(doc(src, 0), &rules());
    let name = merged.root.field("name").expect("name");
    assert_eq!((name.file, &overlay[name.span.clone()]), (1, "\"z\""));
}
