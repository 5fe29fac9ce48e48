//! What differs between two scenarios, field by field: what a comparison of their forecasts
//! changes. Lists of items with ids are matched by id, as overlays merge them, so a district
//! added or a role's attrition changed reads as that, not as every later item shifting.

use serde_json::Value;

use super::Scenario;

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// Where: field names joined by `.`, list items by `[id]` or `[index]`
    /// (`roles[health_visitor].attrition`).
    pub path: String,
    /// Its value in A, compact; `None` when A does not have it.
    pub a: Option<String>,
    /// Its value in B.
    pub b: Option<String>,
}

/// Values longer than this are cut, so a list of changes stays readable.
const LONGEST: usize = 80;

/// Every field whose value differs between `a` and `b`, fields in alphabetical order, list items
/// in the order A has them (then those only B has).
pub fn differences(a: &Scenario, b: &Scenario) -> Vec<FieldChange> {
    let mut out = Vec::new();
    // Plain data: serialising a scenario cannot fail.
    if let (Ok(x), Ok(y)) = (serde_json::to_value(a), serde_json::to_value(b)) {
        walk(String::new(), Some(&x), Some(&y), &mut out);
    }
    out
}

fn walk(path: String, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<FieldChange>) {
    let (a, b) = (a.filter(|v| !v.is_null()), b.filter(|v| !v.is_null()));
    if a == b {
        return;
    }
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let keys = x.keys().chain(y.keys().filter(|k| !x.contains_key(*k)));
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(p, x.get(k), y.get(k), out);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => match (ids(x), ids(y)) {
            (Some(ix), Some(iy)) => {
                let order = ix.iter().chain(iy.iter().filter(|i| !ix.contains(i)));
                for id in order {
                    let (u, v) = (find(x, &ix, id), find(y, &iy, id));
                    walk(format!("{path}[{id}]"), u, v, out);
                }
            }
            _ if x.len() == y.len() => {
                for (i, (u, v)) in x.iter().zip(y).enumerate() {
                    walk(format!("{path}[{i}]"), Some(u), Some(v), out);
                }
            }
            _ => out.push(change(path, a, b)),
        },
        _ => out.push(change(path, a, b)),
    }
}

/// The item of `items` (whose ids are `ids`) with `id`.
fn find<'a>(items: &'a [Value], ids: &[&str], id: &str) -> Option<&'a Value> {
    ids.iter().position(|i| *i == id).map(|n| &items[n])
}

/// The ids of a list whose every item is a record with a string `id`.
fn ids(items: &[Value]) -> Option<Vec<&str>> {
    items.iter().map(|v| v.get("id")?.as_str()).collect()
}

fn change(path: String, a: Option<&Value>, b: Option<&Value>) -> FieldChange {
    FieldChange {
        path,
        a: a.map(compact),
        b: b.map(compact),
    }
}

/// A value in one line, cut to [`LONGEST`] characters.
fn compact(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() <= LONGEST {
        text
    } else {
        let cut: String = text.chars().take(LONGEST - 1).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lever::{self, LeverPath};
    use crate::load;

    fn set(loaded: &load::Loaded, path: &str, value: &str) -> Scenario {
        let p: LeverPath = path.parse().expect("a path");
        lever::apply(loaded, &[(&p, value)])
            .expect("valid")
            .scenario
    }

    #[test]
    fn fields_that_differ_are_listed_with_both_values_and_nothing_else() {
        let base = load::baseline().expect("the baseline");
        assert!(differences(&base.scenario, &base.scenario).is_empty());
        let b = set(&base, "roles[health_visitor].contact_share", "0.5");
        let changes = differences(&base.scenario, &b);
        let share = base.scenario.roles[0].contact_share;
        assert_eq!(
            changes,
            vec![FieldChange {
                path: "roles[health_visitor].contact_share".into(),
                a: Some(share.to_string()),
                b: Some("0.5".into()),
            }]
        );
    }

    #[test]
    fn items_are_matched_by_id_and_a_missing_value_reads_as_none() {
        let base = load::baseline().expect("the baseline");
        // The last district dropped: one change, not a shift of every district after it.
        let mut b = base.scenario.clone();
        let gone = b.districts.pop().expect("districts");
        let changes = differences(&base.scenario, &b);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].path, format!("districts[{}]", gone.id));
        assert!(changes[0].a.is_some() && changes[0].b.is_none());
        assert!(changes[0].a.as_ref().unwrap().chars().count() <= LONGEST);
        // A budget removed: the field, from its value to none.
        let b = set(&base, "budget", "None");
        let changes = differences(&base.scenario, &b);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, "budget");
        assert_eq!(changes[0].b, None);
    }
}
