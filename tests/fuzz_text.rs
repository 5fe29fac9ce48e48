//! Hostile scenario text: arbitrary bytes, random RON values shaped like a scenario, and the
//! shipped scenarios (and generated ones) mutated: bytes flipped, text cut, lines swapped and
//! repeated, numbers replaced by extremes, strings and names replaced. Plain files go through
//! `load::load_str`, overlays and raw bytes through `load::load_file`; the overlay syntax tree and
//! the field locator see the same text.

use caseload::load;
use caseload::locate::{FieldPath, locate};
use caseload::overlay::{self, Node, Value};

use crate::fuzz::{Ctx, note};
use crate::fuzz_checks::{Outcome, load_path, load_text};
use crate::fuzz_gen::{self, Gen, Mode, Size};

/// Characters that matter to RON, and some that do not.
const RON_CHARS: &[u8] = b"()[]{},:\"'\\/*#!r-+.eE0123456789_ \n\tSomeNonetrux";

/// Numbers as RON text that break assumptions: not finite, past every integer type, subnormal.
pub const EXTREME_NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-1",
    "1",
    "0.0",
    "-0.0",
    "1e308",
    "-1e308",
    "1e309",
    "1.7976931348623157e308",
    "5e-324",
    "1e-400",
    "NaN",
    "inf",
    "-inf",
    "127",
    "255",
    "256",
    "-129",
    "65536",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999999999999999",
    "0x10",
    "0b101",
    "1_000",
    "+5",
    ".5",
    "5.",
    "1e",
    "--1",
];

/// Strings (with their quotes) that break assumptions.
const EXTREME_STRINGS: &[&str] = &[
    "\"\"",
    "\" \"",
    "\"nobody\"",
    "\"ALL\"",
    "\"Upper\"",
    "\"2024-02-30\"",
    "\"9999-12-31\"",
    "\"0001-01-01\"",
    "\"-2024-01-01\"",
    "\"\\u{1F476}\"",
    "\"\\q\"",
    "\"\\\"",
    "r#\"raw\"#",
    "'c'",
    "\"a\nb\"",
    "\"birmingham_baseline.ron\"",
];

/// Names that appear in scenarios, and some that do not.
pub const NAMES: &[&str] = &[
    "Scenario",
    "Some",
    "None",
    "true",
    "false",
    "Days",
    "Weeks",
    "Months",
    "Birth",
    "ExpectedBirth",
    "FifthBirthday",
    "SchoolEntry",
    "RiskFirst",
    "DeadlineFirst",
    "Pressure",
    "Split",
    "Trainee",
    "Apprentice",
    "Fixed",
    "Uniform",
    "Exponential",
    "Gamma",
    "Normal",
    "Beta",
    "Triangular",
    "Percent",
    "Absolute",
    "Report",
    "FreezeRecruitment",
    "ShrinkNextIntake",
    "CutEstablishment",
    "Review",
    "Contacts",
    "UniversalSupport",
    "Mon",
    "Sun",
    "Nope",
    "r#Days",
];

/// Field names of the scenario format (and a few that do not exist).
pub const FIELDS: &[&str] = &[
    "extends",
    "name",
    "description",
    "calendar",
    "start",
    "months",
    "working_days",
    "bank_holidays",
    "population",
    "leave_at",
    "need_levels",
    "id",
    "transitions",
    "contacts_per_month",
    "contact_hours",
    "contact_roles",
    "priority",
    "reviews",
    "metric",
    "anchor",
    "opens",
    "on_time",
    "last_chance",
    "hours",
    "uptake",
    "offered_share",
    "roles",
    "target",
    "hours_per_week",
    "contact_share",
    "annual_cost",
    "health_visitor",
    "attrition",
    "retirement",
    "age_mix",
    "recruitment",
    "districts",
    "children_by_age",
    "births_per_year",
    "births_trend",
    "need_mix",
    "migration",
    "arrivals_per_year",
    "leave_rate",
    "moves",
    "staff",
    "establishment",
    "allocation",
    "universal_support",
    "pipelines",
    "intakes",
    "size",
    "every_months",
    "until",
    "volunteers",
    "skill_mix_changes",
    "mutual_aid",
    "secondments",
    "budget",
    "changes",
    "change",
    "uncertain",
    "path",
    "distribution",
    "unknown_field",
];

/// Random text: raw bytes, RON characters, or any Unicode.
fn random_text(g: &mut Gen) -> Vec<u8> {
    let len = if g.chance(0.05) {
        g.below(20_000)
    } else {
        g.below(300)
    };
    match g.below(4) {
        0 => (0..len).map(|_| g.next_u64() as u8).collect(),
        1 => (0..len).map(|_| *g.pick(RON_CHARS)).collect(),
        2 => (0..len)
            .map(|_| (32 + g.below(95)) as u8)
            .collect::<Vec<u8>>(),
        _ => (0..len)
            .filter_map(|_| char::from_u32(g.below(0x11_0000) as u32))
            .collect::<String>()
            .into_bytes(),
    }
}

/// Checks the surfaces that take any text: the locator and the overlay reader never panic, and
/// what the overlay reader accepts prints back to text it reads the same.
fn side_surfaces(g: &mut Gen, text: &str) -> Result<(), String> {
    let mut path = FieldPath::root();
    for _ in 0..g.below(4) {
        path = match g.below(3) {
            0 => path.field(g.pick::<&str>(FIELDS)),
            1 => path.index(g.below(5)),
            _ => path.key(&format!("d{}", g.below(3))),
        };
    }
    if let Some(at) = locate(text, &path)
        && (at.line == 0 || at.col == 0)
    {
        return Err(format!("locate gave {at:?}"));
    }
    if let Ok(doc) = overlay::parse(text, 0) {
        let printed = overlay::print(&doc);
        let again = overlay::parse(&printed.text, 0)
            .map_err(|e| format!("printed overlay text does not parse: {}", e.message))?;
        if overlay::print(&again).text != printed.text {
            return Err("overlay text does not print the same twice".into());
        }
    }
    Ok(())
}

/// Arbitrary text and bytes, as scenario text and as a file.
pub fn arbitrary(ctx: &mut Ctx) -> Outcome {
    let bytes = random_text(&mut ctx.g);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    note(&text);
    side_surfaces(&mut ctx.g, &text)?;
    if ctx.g.chance(0.2) {
        let path = ctx.dir.join("arbitrary.ron");
        std::fs::write(&path, &bytes).map_err(|e| e.to_string())?;
        return load_path(&path);
    }
    let _ = load::parse("arbitrary.ron", &text);
    load_text("arbitrary.ron", &text)
}

/// A random RON value, `depth` levels deep at most.
pub fn ron_value(g: &mut Gen, depth: usize) -> String {
    let leaf = depth == 0 || g.chance(0.35);
    if leaf {
        return match g.below(4) {
            0 => g.pick(EXTREME_NUMBERS).to_string(),
            1 => format!("{}", g.real(-10.0, 100.0)),
            2 => g.pick(EXTREME_STRINGS).to_string(),
            _ => g.pick(NAMES).to_string(),
        };
    }
    let n = g.below(4);
    let items = |g: &mut Gen| -> Vec<String> { (0..n).map(|_| ron_value(g, depth - 1)).collect() };
    match g.below(6) {
        0 => format!("[{}]", items(g).join(", ")),
        1 => {
            let pairs: Vec<String> = (0..n)
                .map(|_| {
                    let key = if g.chance(0.7) {
                        format!("\"{}\"", g.pick(&["d0", "r0", "l0", "hv", "north", ""]))
                    } else {
                        ron_value(g, 0)
                    };
                    format!("{key}: {}", ron_value(g, depth - 1))
                })
                .collect();
            format!("{{{}}}", pairs.join(", "))
        }
        2 | 3 => {
            let fields: Vec<String> = (0..n)
                .map(|_| format!("{}: {}", g.pick(FIELDS), ron_value(g, depth - 1)))
                .collect();
            let name = if g.chance(0.5) { g.pick(NAMES) } else { "" };
            format!("{name}({})", fields.join(", "))
        }
        _ => format!("{}({})", g.pick(NAMES), items(g).join(", ")),
    }
}

/// A node of `node`'s tree reached by a random walk down from it.
fn random_node<'a>(g: &mut Gen, node: &'a mut Node) -> &'a mut Node {
    let children = match &node.value {
        Value::Struct { fields, .. } | Value::Map(fields) => fields.len(),
        Value::List(items) | Value::Tuple { items, .. } => items.len(),
        Value::Atom { .. } => 0,
    };
    if children == 0 || g.chance(0.2) {
        return node;
    }
    let i = g.below(children);
    match &mut node.value {
        Value::Struct { fields, .. } | Value::Map(fields) => random_node(g, &mut fields[i].value),
        Value::List(items) | Value::Tuple { items, .. } => random_node(g, &mut items[i]),
        Value::Atom { .. } => unreachable!("atoms have no children"),
    }
}

/// `text` with one value deep inside replaced by a random one, or one field or element removed
/// or repeated; `None` if `text` is not RON.
fn tree_mutation(g: &mut Gen, text: &str) -> Option<String> {
    let mut doc = overlay::parse(text, 0).ok()?;
    let node = random_node(g, &mut doc.root);
    match (&mut node.value, g.below(4)) {
        (Value::Struct { fields, .. } | Value::Map(fields), 0) if !fields.is_empty() => {
            let i = g.below(fields.len());
            if g.chance(0.5) {
                fields.remove(i);
            } else {
                fields.push(fields[i].clone());
            }
        }
        (Value::List(items), 0) if !items.is_empty() => {
            let i = g.below(items.len());
            if g.chance(0.5) {
                items.remove(i);
            } else {
                items.push(items[i].clone());
            }
        }
        _ => {
            let value = ron_value(g, 3);
            if let Ok(new) = overlay::parse(&value, 0) {
                node.value = new.root.value;
            }
        }
    }
    Some(overlay::print(&doc).text)
}

/// Random RON values: the real top-level fields with random values, or a valid scenario with one
/// value deep inside replaced by a random one.
pub fn ron_values(ctx: &mut Ctx) -> Outcome {
    let g = &mut ctx.g;
    let text = if g.chance(0.7) {
        let base = if g.chance(0.5) {
            ctx.fx.rich_text.clone()
        } else {
            let s = fuzz_gen::scenario(g, Mode::Valid, Size::SMALL);
            load::to_ron(&s).map_err(|e| e.to_string())?
        };
        let mut text = base;
        for _ in 0..1 + g.below(3) {
            text = tree_mutation(g, &text).unwrap_or(text);
        }
        text
    } else {
        let mut fields = vec![format!("    name: \"{}\",", g.below(100))];
        for &f in &FIELDS[2..12] {
            if g.chance(0.8) {
                fields.push(format!("    {f}: {},", ron_value(g, 4)));
            }
        }
        for _ in 0..g.below(4) {
            fields.push(format!("    {}: {},", g.pick(FIELDS), ron_value(g, 4)));
        }
        format!("Scenario(\n{}\n)", fields.join("\n"))
    };
    note(&text);
    side_surfaces(g, &text)?;
    load_text("values.ron", &text)
}

/// Spans of numbers, strings and names in `text`, by byte range.
fn spans(text: &str, want: fn(u8) -> bool, continues: fn(u8) -> bool) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if want(b[i]) && (i == 0 || !continues(b[i - 1])) {
            let start = i;
            while i < b.len() && continues(b[i]) {
                i += 1;
            }
            out.push((start, i.max(start + 1)));
        } else {
            i += 1;
        }
    }
    out
}

fn number_spans(text: &str) -> Vec<(usize, usize)> {
    spans(
        text,
        |c| c.is_ascii_digit() || c == b'-',
        |c| c.is_ascii_digit() || matches!(c, b'-' | b'.' | b'e' | b'E' | b'+'),
    )
}

fn name_spans(text: &str) -> Vec<(usize, usize)> {
    spans(
        text,
        |c| c.is_ascii_uppercase(),
        |c| c.is_ascii_alphanumeric() || c == b'_',
    )
}

/// Byte ranges of string literals (naively: between pairs of quotes).
fn string_spans(text: &str) -> Vec<(usize, usize)> {
    let quotes: Vec<usize> = text.match_indices('"').map(|(i, _)| i).collect();
    quotes
        .chunks(2)
        .filter(|c| c.len() == 2)
        .map(|c| (c[0], c[1] + 1))
        .collect()
}

/// `text` with `range` replaced by `with`.
fn splice(text: &[u8], (a, b): (usize, usize), with: &[u8]) -> Vec<u8> {
    let (a, b) = (a.min(text.len()), b.min(text.len()));
    [&text[..a], with, &text[b..]].concat()
}

/// One random mutation of `text`.
pub fn mutate(g: &mut Gen, text: &[u8]) -> Vec<u8> {
    let s = String::from_utf8_lossy(text).into_owned();
    let at = g.below(text.len() + 1);
    let len = 1 + g.below(40);
    let pick_span = |g: &mut Gen, spans: Vec<(usize, usize)>| {
        (!spans.is_empty()).then(|| spans[g.below(spans.len())])
    };
    match g.below(11) {
        0 => {
            let mut t = text.to_vec();
            if let Some(b) = t.get_mut(at) {
                *b = if g.chance(0.5) {
                    *g.pick(RON_CHARS)
                } else {
                    g.next_u64() as u8
                };
            }
            t
        }
        1 => text[..at].to_vec(),
        2 => splice(text, (at, at + len), b""),
        3 => {
            let piece = text[at..(at + len).min(text.len())].to_vec();
            let to = g.below(text.len() + 1);
            splice(text, (to, to), &piece)
        }
        4 => {
            let mut lines: Vec<&str> = s.split('\n').collect();
            let (i, j) = (g.below(lines.len()), g.below(lines.len()));
            lines.swap(i, j);
            lines.join("\n").into_bytes()
        }
        5 => {
            let mut lines: Vec<&str> = s.split('\n').collect();
            let i = g.below(lines.len());
            if g.chance(0.5) {
                lines.insert(i, lines[i]);
            } else {
                lines.remove(i);
            }
            lines.join("\n").into_bytes()
        }
        6 | 7 => match pick_span(g, number_spans(&s)) {
            Some(span) => splice(text, span, g.pick(EXTREME_NUMBERS).as_bytes()),
            None => text.to_vec(),
        },
        8 => match pick_span(g, string_spans(&s)) {
            Some(span) => splice(text, span, g.pick(EXTREME_STRINGS).as_bytes()),
            None => text.to_vec(),
        },
        9 => match pick_span(g, name_spans(&s)) {
            Some(span) => splice(text, span, g.pick(NAMES).as_bytes()),
            None => text.to_vec(),
        },
        _ => {
            let value = ron_value(g, 2);
            splice(text, (at, at), value.as_bytes())
        }
    }
}

/// A shipped or generated scenario with one to four mutations; overlays are loaded from files
/// beside their (perhaps also mutated) bases.
pub fn mutated(ctx: &mut Ctx) -> Outcome {
    let g = &mut ctx.g;
    let (name, original) = match g.below(5) {
        0 => ("generated.ron".to_string(), {
            let s = fuzz_gen::scenario(g, Mode::Valid, Size::SMALL);
            load::to_ron(&s).map_err(|e| e.to_string())?
        }),
        1 => ("rich.ron".to_string(), ctx.fx.rich_text.clone()),
        _ => ctx.fx.shipped[g.below(ctx.fx.shipped.len())].clone(),
    };
    let mut bytes = original.clone().into_bytes();
    for _ in 0..1 + g.below(4) {
        bytes = mutate(g, &bytes);
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    note(&text);
    let is_overlay = original.contains("extends:");
    if !is_overlay && g.chance(0.9) {
        return load_text(&name, &text);
    }
    // As a file: an overlay beside the shipped files or beside a mutated copy of its base.
    let mut overlay = bytes;
    if is_overlay && g.chance(0.3) {
        let base = ctx
            .fx
            .shipped
            .iter()
            .find(|(n, _)| original.contains(&format!("extends: \"{n}\"")))
            .map(|(_, t)| t.clone())
            .unwrap_or_default();
        let mut base = base.into_bytes();
        for _ in 0..1 + g.below(3) {
            base = mutate(g, &base);
        }
        std::fs::write(ctx.dir.join("mutated_base.ron"), &base).map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&overlay).into_owned();
        let renamed = match text.find("extends: \"") {
            Some(i) => {
                let end = text[i + 10..].find('"').map_or(text.len(), |j| i + 10 + j);
                format!("{}extends: \"mutated_base.ron{}", &text[..i], &text[end..])
            }
            None => text,
        };
        note(&format!(
            "{renamed}\n\n// mutated_base.ron:\n{}",
            String::from_utf8_lossy(&base)
        ));
        overlay = renamed.into_bytes();
    }
    let path = ctx.dir.join("mutated.ron");
    std::fs::write(&path, &overlay).map_err(|e| e.to_string())?;
    load_path(&path)
}
