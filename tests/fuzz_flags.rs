//! Hostile command-line values and results files: lever paths and `PATH=V1,V2` levers (`--vary`,
//! uncertain values), targets (`--target`), shards (`--shard K/N`), seek ranges and steps, and
//! `results.csv` files as `caseload merge` reads them, damaged in every way a file can be.

use caseload::lever::{self, Lever, LeverPath};
use caseload::load::{self, Loaded};
use caseload::output;
use caseload::overlay::{self, Node, Value};
use caseload::replicate::Shard;
use caseload::scenario::{Distribution, UncertainValue};
use caseload::seek::Grid;
use caseload::targets::Target;
use caseload::uncertainty;

use crate::fuzz::{Ctx, note};
use crate::fuzz_checks::{
    Outcome, Verdict, lever_refused, load_refused, loaded_ok, names, results_refused,
};
use crate::fuzz_gen::{EXTREME_F64, Gen};
use crate::fuzz_text::{EXTREME_NUMBERS, FIELDS, mutate, ron_value};

/// Selectors inside brackets, good and bad.
const SELECTORS: &[&str] = &[
    "d0",
    "d1",
    "r0",
    "l0",
    "v0",
    "p0",
    "0",
    "1",
    "2",
    "99",
    "18446744073709551616",
    "\"d0\"",
    "\"with \\\"quote\\\"\"",
    "\"\"",
    "",
    "\"unclosed",
    "-1",
    "health_visitor",
    "scphn",
    "edgbaston",
];

/// A lever path: mostly made of real field names and selectors, sometimes of anything.
fn path_text(g: &mut Gen) -> String {
    if g.chance(0.1) {
        return (0..g.below(30))
            .map(|_| *g.pick(&['.', '[', ']', '"', '\\', 'a', '_', '0', ' ', '=', 'é']))
            .collect();
    }
    let mut out = String::new();
    for k in 0..1 + g.below(5) {
        if k > 0 {
            out.push(*g.pick(&['.', '.', '.', '[', ' ']));
        }
        out.push_str(g.pick::<&str>(FIELDS));
        if g.chance(0.4) {
            out.push_str(&format!("[{}]", g.pick(SELECTORS)));
        }
    }
    out
}

/// A path to a value `root` writes, found by a random walk: fields by name, list elements by id
/// (or position), map entries by key.
fn real_path(g: &mut Gen, root: &Node) -> String {
    let mut out = String::new();
    let mut node = root;
    loop {
        if let Value::Tuple {
            name: Some(name),
            items,
        } = &node.value
            && name == "Some"
            && items.len() == 1
        {
            node = &items[0];
        }
        match &node.value {
            Value::Struct { fields, .. } if !fields.is_empty() => {
                let pair = &fields[g.below(fields.len())];
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(pair.key.identity().unwrap_or("x"));
                node = &pair.value;
            }
            Value::List(items) if !items.is_empty() && !out.is_empty() => {
                let i = g.below(items.len());
                let id = items[i].field("id").and_then(Node::as_str);
                out.push_str(&format!("[{}]", id.map_or(i.to_string(), str::to_string)));
                node = &items[i];
            }
            Value::Map(pairs) if !pairs.is_empty() && !out.is_empty() => {
                let pair = &pairs[g.below(pairs.len())];
                match pair.key.identity() {
                    Some(k) if g.chance(0.5) => out.push_str(&format!(".{k}")),
                    key => out.push_str(&format!("[{:?}]", key.unwrap_or(""))),
                }
                node = &pair.value;
            }
            _ => return out,
        }
        if g.chance(0.1) {
            return out;
        }
    }
}

/// A path for `loaded`: one it writes, one it writes changed a little, or anything.
fn lever_path(g: &mut Gen, loaded: &Loaded) -> String {
    let root = overlay::parse(&loaded.text, 0).map(|d| d.root);
    let Ok(root) = root else {
        return path_text(g);
    };
    let path = real_path(g, &root);
    match g.below(10) {
        0..=5 => path,
        6 => format!("{path}.{}", g.pick(FIELDS)),
        7 => format!("{path}[{}]", g.pick(SELECTORS)),
        8 => String::from_utf8_lossy(&mutate(g, path.as_bytes())).into_owned(),
        _ => path_text(g),
    }
}

/// A value for the lever at `path`: near the number written there, an extreme, or anything.
fn lever_value(g: &mut Gen, loaded: &Loaded, path: &str) -> String {
    let written = path
        .parse::<LeverPath>()
        .ok()
        .and_then(|p| lever::current(loaded, &p).ok().flatten())
        .and_then(|v| v.parse::<f64>().ok());
    match written {
        Some(x) if g.chance(0.7) => {
            let factor = *g.pick(&[0.0, 0.5, 0.9, 1.0, 1.1, 2.0, 10.0, -1.0]);
            let y = x * factor;
            if x.fract() == 0.0 && g.chance(0.7) {
                format!("{}", y.round())
            } else {
                format!("{y:?}")
            }
        }
        _ => value_text(g),
    }
}

/// A lever value: any RON value, an extreme number, or bare text.
fn value_text(g: &mut Gen) -> String {
    match g.below(4) {
        0 => ron_value(g, 2),
        1 => g.pick(EXTREME_NUMBERS).to_string(),
        2 => format!("{}", g.real(-5.0, 50.0)),
        _ => g
            .pick(&[
                "",
                " ",
                "2024-06-01",
                "Percent(-10.0)",
                "[]",
                "{}",
                "()",
                "a,b",
            ])
            .to_string(),
    }
}

/// Lever paths and levers parsed; set in a small scenario with every section or in the merged
/// recruitment plan; read back; and swept as a grid.
pub fn levers(ctx: &mut Ctx) -> Outcome {
    let g = &mut ctx.g;
    let fx = ctx.fx;
    let loaded = if g.chance(0.8) { &fx.rich } else { &fx.plan };
    let settings: Vec<(String, String)> = (0..1 + g.below(3))
        .map(|_| {
            let path = lever_path(g, loaded);
            let value = lever_value(g, loaded, &path);
            (path, value)
        })
        .collect();
    let written: Vec<String> = settings.iter().map(|(p, v)| format!("{p}={v}")).collect();
    note(&written.join("\n"));
    // `--vary PATH=V1,V2,...`
    let mut parsed_levers = Vec::new();
    for (text, (path, _)) in written.iter().zip(&settings) {
        let with_more = if g.chance(0.3) {
            format!("{text},{}", value_text(g))
        } else {
            text.clone()
        };
        match with_more.parse::<Lever>() {
            Ok(l) => parsed_levers.push(l),
            Err(e) => {
                lever_refused(&e, if path.contains('=') { "" } else { path.trim() })?;
            }
        }
    }
    if let Ok(points) = lever::grid(&parsed_levers)
        && points.iter().any(|p| p.len() != parsed_levers.len())
    {
        return Err("a grid point does not set every lever".into());
    }
    let mut paths = Vec::new();
    for (path, value) in &settings {
        match path.parse::<LeverPath>() {
            Ok(p) => paths.push((p, value.clone())),
            Err(e) => return lever_refused(&e, path),
        }
    }
    for (p, _) in &paths {
        if let Err(e) = lever::current(loaded, p) {
            lever_refused(&e, &p.to_string())?;
        }
    }
    let pairs: Vec<(&LeverPath, &str)> = paths.iter().map(|(p, v)| (p, v.as_str())).collect();
    match lever::apply(loaded, &pairs) {
        Ok(set) => loaded_ok(&set),
        Err(e) => {
            let shown = e.to_string();
            match paths.iter().find(|(p, _)| shown.contains(&p.to_string())) {
                Some((p, _)) => lever_refused(&e, &p.to_string()),
                None => Err(format!("the message names none of the levers: {shown}")),
            }
        }
    }
}

/// A distribution with parameters near or past their limits.
fn distribution(g: &mut Gen) -> Distribution {
    let x = |g: &mut Gen| {
        if g.chance(0.2) {
            *g.pick(&EXTREME_F64)
        } else {
            g.real(-1.0, 60.0)
        }
    };
    match g.below(4) {
        0 => Distribution::Uniform {
            min: x(g),
            max: x(g),
        },
        1 => Distribution::Normal {
            mean: x(g),
            sd: x(g),
        },
        2 => Distribution::Beta {
            alpha: x(g),
            beta: x(g),
        },
        _ => Distribution::Triangular {
            min: x(g),
            mode: x(g),
            max: x(g),
        },
    }
}

/// A distribution around `x`.
fn near(g: &mut Gen, x: f64) -> Distribution {
    let spread = x.abs() * g.real(0.01, 0.5) + 0.01;
    match g.below(4) {
        0 => Distribution::Uniform {
            min: x - spread,
            max: x + spread,
        },
        1 => Distribution::Normal {
            mean: x,
            sd: spread / 3.0,
        },
        2 => Distribution::Beta {
            alpha: g.real(0.5, 5.0),
            beta: g.real(0.5, 5.0),
        },
        _ => Distribution::Triangular {
            min: x - spread,
            mode: x,
            max: x + spread,
        },
    }
}

/// Uncertain values with hostile paths and distributions: checked when loaded, prepared (every
/// path must name a number, the scenario valid at both ends), then drawn.
pub fn uncertain(ctx: &mut Ctx) -> Outcome {
    let g = &mut ctx.g;
    let rich = &ctx.fx.rich;
    let mut s = rich.scenario.clone();
    s.uncertain = (0..1 + g.below(3))
        .map(|_| {
            let path = lever_path(g, rich);
            let written = lever_value(g, rich, &path).parse::<f64>().ok();
            let distribution = match written {
                Some(x) if g.chance(0.7) => near(g, x),
                _ => distribution(g),
            };
            UncertainValue { path, distribution }
        })
        .collect();
    let text = load::to_ron(&s).map_err(|e| e.to_string())?;
    note(&text);
    let loaded = match load::load_str("uncertain.ron", &text) {
        Ok(l) => l,
        Err(e) => return load_refused(&e, "uncertain.ron", Some(&text)),
    };
    let prepared = match uncertainty::prepare(&loaded) {
        Ok(Some(u)) => u,
        Ok(None) => return Err("uncertain values were not prepared".into()),
        Err(e) => {
            let shown = e.to_string();
            let named = s.uncertain.iter().any(|u| {
                let as_read = u.path.parse::<LeverPath>().map(|p| p.to_string());
                names(&shown, u.path.trim()) || as_read.is_ok_and(|p| names(&shown, &p))
            });
            return if named || shown.contains("uncertain") {
                Ok(Verdict::Refused)
            } else {
                Err(format!("the message names no uncertain value: {e}"))
            };
        }
    };
    for replication in 0..3 {
        if let Err(e) = prepared.replication(g.next_u64(), replication) {
            return Err(format!("a prepared draw was refused: {e}"));
        }
    }
    Ok(Verdict::Accepted)
}

/// Text for a number that may be anything.
fn number_text(g: &mut Gen) -> String {
    match g.below(3) {
        0 => g.pick(EXTREME_NUMBERS).to_string(),
        1 => format!("{}", g.real(-2.0, 400.0)),
        _ => g.int(-3, 40).to_string(),
    }
}

/// Targets parsed, resolved against a small run and evaluated; shards and seek ranges parsed and
/// used.
pub fn targets(ctx: &mut Ctx) -> Outcome {
    let g = &mut ctx.g;
    let results = &ctx.fx.results;
    let metric = if g.chance(0.8) {
        results.metrics[g.below(results.metrics.len())].clone()
    } else {
        g.pick(&["", " ", "children:", "nope", "compliance:new_birth ", "é"])
            .to_string()
    };
    let op = *g.pick(&[">=", "<=", ">", "<", "=", "==", "=>", "", ">>="]);
    let month = match g.below(4) {
        0 => results.months[g.below(results.months.len())].clone(),
        1 => format!("{:04}-{:02}", g.int(0, 9999), g.int(0, 13)),
        2 => g
            .pick(&["", "2024-1", "2024-001", "２０２４-01", "2024-é", "2024—01"])
            .to_string(),
        _ => "2024-01".into(),
    };
    let scope = *g.pick(&[
        "", "", "/north", "/south", "/ALL", "/*", "/", "/nowhere", "/*/*",
    ]);
    let mut text = format!("{metric}{op}{}@{month}{scope}", number_text(g));
    if g.chance(0.2) {
        text = String::from_utf8_lossy(&mutate(g, text.as_bytes())).into_owned();
    }
    let shard = format!("{}/{}", number_text(g), number_text(g));
    let range = format!("{}..{}", number_text(g), number_text(g));
    let step = g.chance(0.5).then(|| number_text(g));
    note(&format!(
        "target {text}\nshard {shard}\nrange {range} step {step:?}"
    ));

    match shard.parse::<Shard>() {
        Ok(s) => {
            let total = g.below(1000) as u32;
            let block = s.replications(total);
            if block.start > block.end || block.end > total {
                return Err(format!("shard {shard} of {total} gives {block:?}"));
            }
        }
        Err(e) if !e.to_string().contains("shard") => {
            return Err(format!("the message does not say shard: {e}"));
        }
        Err(_) => {}
    }
    match Grid::new(&range, step.as_deref()) {
        Ok(grid) => {
            let last = grid.len() - 1;
            let (first, end) = (grid.value(0), grid.value(last));
            if first.is_nan() || end.is_nan() || first > end || grid.label(end).is_empty() {
                return Err(format!("range {range} gives {first}..{end}"));
            }
        }
        Err(e) if !e.to_string().contains(range.as_str()) && step.is_none() => {
            return Err(format!("the message does not name the range: {e}"));
        }
        Err(_) => {}
    }
    let target = match text.parse::<Target>() {
        Ok(t) => t,
        Err(e) => {
            return if e.to_string().contains(&format!("{text:?}")) {
                Ok(Verdict::Refused)
            } else {
                Err(format!("the message does not quote the target: {e}"))
            };
        }
    };
    match target.chance(results) {
        Ok(c) if c.met <= c.replications && (0.0..=1.0).contains(&c.probability) => {
            Ok(Verdict::Accepted)
        }
        Ok(c) => Err(format!("chance {c:?}")),
        Err(e) if e.to_string().contains(&target.to_string()) => Ok(Verdict::Refused),
        Err(e) => Err(format!("the message does not name the target: {e}")),
    }
}

/// A cell that is not what caseload writes.
const ODD_CELLS: &[&str] = &[
    "",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e999",
    "-0",
    "0x1",
    "abc",
    "\"quoted\"",
    "\"unclosed",
    "18446744073709551615",
    "18446744073709551616",
    "-1",
    " 1",
    "1 ",
    "ALL",
    "2024-13",
];

/// One damage to a results file, by whole lines and cells.
fn damage(g: &mut Gen, text: &[u8]) -> Vec<u8> {
    let s = String::from_utf8_lossy(text).into_owned();
    let mut lines: Vec<String> = s.split('\n').map(str::to_string).collect();
    let n = lines.len();
    let i = g.below(n);
    match g.below(6) {
        0 => {
            let j = g.below(n);
            lines.swap(i, j);
        }
        1 => {
            let line = lines[i].clone();
            lines.insert(g.below(n + 1), line);
        }
        2 => {
            lines.remove(i);
        }
        3 => {
            let mut cells: Vec<String> = lines[i].split(',').map(str::to_string).collect();
            let c = g.below(cells.len());
            cells[c] = g.pick(ODD_CELLS).to_string();
            if g.chance(0.2) {
                cells.push(g.pick(ODD_CELLS).to_string());
            }
            lines[i] = cells.join(",");
        }
        4 => lines.truncate(i),
        _ => return mutate(g, text),
    }
    lines.join("\n").into_bytes()
}

/// `results.csv` as `caseload merge` reads it: damaged, cut, or anything at all.
pub fn results_files(ctx: &mut Ctx) -> Outcome {
    let g = &mut ctx.g;
    let mut bytes = ctx.fx.results_csv.clone().into_bytes();
    if g.chance(0.05) {
        bytes = (0..g.below(400)).map(|_| g.next_u64() as u8).collect();
    }
    for _ in 0..g.below(4) {
        bytes = if g.chance(0.6) {
            damage(g, &bytes)
        } else {
            mutate(g, &bytes)
        };
    }
    note(&String::from_utf8_lossy(&bytes));
    let path = ctx.dir.join("results.csv");
    std::fs::write(&path, &bytes).map_err(|e| e.to_string())?;
    match output::read_results(&path) {
        Ok(file) => {
            let r = &file.results;
            let cells = r.months.len() * r.districts.len() * r.metrics.len();
            if r.replications() == 0 || cells == 0 {
                return Err("an empty table was accepted".into());
            }
            Ok(Verdict::Accepted)
        }
        Err(e) => results_refused(&e, &path, &bytes),
    }
}
