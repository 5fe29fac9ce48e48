//! Generated scenarios: structurally valid `Scenario` values with every section (some values
//! swapped for extremes), written with `load::to_ron` and loaded; those that load have their
//! uncertain values prepared and drawn, and one replication simulated. Generated overlays: a
//! generated base and an overlay made of parts of another generated scenario, with `extends`
//! chains that are missing, circular, too long or not text.

use std::sync::Arc;

use caseload::engine;
use caseload::load::{self, Loaded};
use caseload::metrics::{Kind, Metrics};
use caseload::overlay::{self, Value};
use caseload::replicate::Replications;
use caseload::results::Results;

use crate::fuzz::{Ctx, note};
use crate::fuzz_checks::{Outcome, Verdict, lever_refused, load_path, load_refused, loaded_ok};
use crate::fuzz_gen::{self, Gen, Mode, Size};

/// One replication of `loaded`, or two with their own draws if it has uncertain values, checking
/// that every value recorded is a number or, for ratios, undefined or infinite.
fn simulate(g: &mut Gen, loaded: &Loaded) -> Outcome {
    let model = &loaded.model;
    let metrics = Arc::new(Metrics::new(model));
    let results = if loaded.scenario.uncertain.is_empty() {
        let (values, _) = engine::simulate(&Arc::new(model.clone()), &metrics, g.next_u64(), 0);
        Results::new(model, &metrics, vec![values])
    } else {
        let uncertain = match Replications::of(loaded) {
            Ok(u @ Replications::Uncertain(_)) => u,
            Ok(Replications::Certain(_)) => {
                return Err("uncertain values were not prepared".into());
            }
            Err(e) => return lever_refused(&e, ""),
        };
        match uncertain.run_indices(&[0, 1], g.next_u64(), None, &|| {}) {
            Ok(run) => run.results,
            Err(e) => return Err(format!("a prepared run failed: {e}")),
        }
    };
    for k in 0..results.metrics.len() {
        // A ratio over a tiny staff (5e-324 WTE is valid) may be infinite; counts, hours and
        // money may not.
        if matches!(metrics.kind(k), Kind::Ratio { .. }) {
            continue;
        }
        for m in 0..results.months.len() {
            for d in 0..results.districts.len() {
                if results.value(0, m, d, k).is_infinite() {
                    let (metric, month) = (&results.metrics[k], &results.months[m]);
                    let district = &results.districts[d];
                    return Err(format!("{metric} is infinite in {month} in {district}"));
                }
            }
        }
    }
    Ok(Verdict::Accepted)
}

/// A generated scenario, loaded, and if it loads, simulated.
pub fn generated(ctx: &mut Ctx) -> Outcome {
    let g = &mut ctx.g;
    let mode = if g.chance(0.5) {
        Mode::Valid
    } else {
        Mode::Edgy
    };
    let s = fuzz_gen::scenario(g, mode, Size::SMALL);
    let text = load::to_ron(&s).map_err(|e| format!("a scenario does not print: {e}"))?;
    note(&text);
    // Whatever `to_ron` writes, `parse` reads back to the same scenario (compared as text, as
    // NaN is not equal to itself).
    match load::parse("generated.ron", &text) {
        Ok(parsed) if load::to_ron(&parsed).ok().as_ref() == Some(&text) => {}
        Ok(_) => return Err("the scenario parsed differs from the one written".into()),
        Err(e) => return Err(format!("to_ron wrote text parse refuses: {e}")),
    }
    let loaded = match load::load_str("generated.ron", &text) {
        Ok(loaded) => loaded,
        Err(e) => return load_refused(&e, "generated.ron", Some(&text)),
    };
    loaded_ok(&loaded)?;
    simulate(g, &loaded)
}

/// Keeps a random part of `node`'s records, of its lists of items with ids and of its maps, so an
/// overlay states only some values. Enum variants are kept whole (an overlay replaces them), as
/// are lists without ids, and a record keeps at least one field (`()` would replace it).
fn thin(g: &mut Gen, node: &mut overlay::Node, depth: usize) {
    match &mut node.value {
        Value::Struct { name, fields } if name.as_deref().is_none_or(|n| n == "Scenario") => {
            let first = fields.first().cloned();
            fields.retain(|p| {
                let key = p.key.identity().unwrap_or("");
                key == "id" || g.chance(if depth == 0 { 0.4 } else { 0.6 })
            });
            if fields.is_empty()
                && let Some(first) = first
            {
                fields.push(first);
            }
            for p in fields {
                thin(g, &mut p.value, depth + 1);
            }
        }
        Value::Struct { .. } => {}
        Value::List(items) if items.iter().all(|i| i.field("id").is_some()) => {
            items.retain(|_| g.chance(0.7));
            for i in items {
                thin(g, i, depth + 1);
            }
        }
        Value::List(_) => {}
        Value::Tuple { items, .. } => {
            for i in items {
                thin(g, i, depth + 1);
            }
        }
        Value::Map(pairs) => pairs.retain(|_| g.chance(0.7)),
        Value::Atom { .. } => {}
    }
}

/// How an overlay names its base.
fn extends(g: &mut Gen) -> &'static str {
    match g.below(24) {
        0 => "\"missing.ron\"",
        1 => "\"overlay.ron\"",
        2 => "\".\"",
        3 => "\"chain0.ron\"",
        4 => "\"bytes.ron\"",
        5 => "\"\"",
        6 => "5",
        7 => "None",
        _ => "\"base.ron\"",
    }
}

/// An overlay of a generated base, loaded from files.
pub fn overlays(ctx: &mut Ctx) -> Outcome {
    let g = &mut ctx.g;
    let dir = ctx.dir;
    let base = fuzz_gen::scenario(g, Mode::Valid, Size::SMALL);
    let base_text = load::to_ron(&base).map_err(|e| e.to_string())?;
    let mode = if g.chance(0.5) {
        Mode::Valid
    } else {
        Mode::Edgy
    };
    let other = fuzz_gen::scenario(g, mode, Size::SMALL);
    let other_text = load::to_ron(&other).map_err(|e| e.to_string())?;
    let mut doc = overlay::parse(&other_text, 0).map_err(|e| e.message)?;
    thin(g, &mut doc.root, 0);
    let printed = overlay::print(&doc).text;
    let target = extends(g);
    let text = match printed.strip_prefix("Scenario(") {
        Some(rest) => format!("Scenario(\n    extends: {target},{rest}"),
        None => format!("Scenario(extends: {target})"),
    };
    note(&format!("{text}\n\n// base.ron:\n{base_text}"));
    let write = |name: &str, contents: &[u8]| {
        std::fs::write(dir.join(name), contents).map_err(|e| e.to_string())
    };
    write("base.ron", base_text.as_bytes())?;
    write("overlay.ron", text.as_bytes())?;
    match target {
        "\"chain0.ron\"" => {
            // A chain of overlays, longer than allowed half of the time.
            let links = 2 + g.below(10);
            for k in 0..links {
                let next = if k + 1 == links {
                    "base.ron".to_string()
                } else {
                    format!("chain{}.ron", k + 1)
                };
                write(
                    &format!("chain{k}.ron"),
                    format!("Scenario(extends: \"{next}\", name: \"link {k}\")").as_bytes(),
                )?;
            }
        }
        "\"bytes.ron\"" => {
            let bytes: Vec<u8> = (0..g.below(200)).map(|_| g.next_u64() as u8).collect();
            write("bytes.ron", &bytes)?;
        }
        _ => {}
    }
    let outcome = load_path(&dir.join("overlay.ron"))?;
    if target == "\"base.ron\"" && g.chance(0.2) && load::load_str("base.ron", &base_text).is_ok() {
        // Over a valid base, stating nothing but a name changes nothing but the name.
        write(
            "same.ron",
            b"Scenario(extends: \"base.ron\", name: \"Same\")",
        )?;
        let same = load::load_file(&dir.join("same.ron")).map_err(|e| e.to_string())?;
        let mut expected = base.clone();
        expected.name = "Same".into();
        if same.scenario != expected {
            return Err("an overlay stating only a name changed more than the name".into());
        }
    }
    Ok(outcome)
}
