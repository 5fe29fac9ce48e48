//! Levers: one field of a scenario, named by a path of ids, set to another value.
//!
//! A path is dot-separated field names, with list elements selected in brackets by their `id`
//! (a list whose elements have no ids is indexed by position from 0) and map entries by key,
//! either in brackets or after a dot: `roles[health_visitor].attrition`,
//! `pipelines[scphn].intakes[2].size`, `districts[ladywood].staff.health_visitor`,
//! `budget.changes[0].change`, `calendar.months`. `Some(..)` around a record is looked through.
//!
//! [`apply`] sets levers in the text of a loaded scenario (for an overlay, the merged text): the
//! text is parsed into the [`crate::overlay`] syntax tree, each lever's node is found by its path
//! and its value replaced by the lever's value (any RON value: `30`, `Percent(-10.0)`,
//! `DeadlineFirst`; for a field written as a string, bare text is taken as the string), the tree
//! is printed, and the result is loaded with [`load::load_str`], so that validation applies. The
//! last step of a path may name a field or map key the scenario leaves to its default; it is then
//! added. Any other path the scenario does not have is an error naming the nearest prefix it has.

use ron::extensions::Extensions;

use crate::load::{self, LoadError, Loaded};
use crate::overlay::{self, Document, FileId, Node, Pair, Value};
use crate::scenario::Scenario;

pub use crate::locate::{Lever, LeverPath, MAX_POINTS, PathError, Step, grid};

/// Why a lever could not be read or set.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LeverError {
    /// An uncertain value's path names a field the scenario leaves to its default.
    #[error(
        "uncertain value {path:?}: the scenario does not write a value there (it takes its \
         default); write the value in the scenario, then make it uncertain"
    )]
    NotWritten {
        /// The path.
        path: String,
    },
    /// An uncertain value's path names something that is not a number.
    #[error("uncertain value {path:?}: the scenario has {found:?} there, not a number")]
    NotANumber {
        /// The path.
        path: String,
        /// What is written there.
        found: String,
    },
    /// An uncertain value changes the length of the run, which every replication must share.
    #[error(
        "uncertain value {path:?}: it changes the number of months in the run, which every \
         replication must share; give it a single value"
    )]
    ChangesTheRun {
        /// The path.
        path: String,
    },
    /// The path or lever does not follow the syntax, or the levers make no usable grid.
    #[error(transparent)]
    Path(#[from] PathError),
    /// The path names something the scenario does not have.
    #[error("{}", not_found_message(lever, path, prefix, reason))]
    NotFound {
        /// `PATH=VALUE`.
        lever: String,
        /// The path.
        path: String,
        /// The longest prefix of the path the scenario has (`(scenario)` for none).
        prefix: String,
        /// What is missing there, with what is available.
        reason: String,
    },
    /// The value is not RON, or not of the field's type.
    #[error("lever {lever}: {reason}")]
    Value {
        /// `PATH=VALUE` (or several, joined by ", ").
        lever: String,
        /// What is wrong.
        reason: String,
    },
    /// The scenario with the lever set fails validation.
    #[error("lever {lever}: the scenario is not valid with it: {}", problems.join("; "))]
    Invalid {
        /// `PATH=VALUE` (or several, joined by ", ").
        lever: String,
        /// Each problem, as `field: message`.
        problems: Vec<String>,
    },
}

/// The message of [`LeverError::NotFound`].
fn not_found_message(lever: &str, path: &str, prefix: &str, reason: &str) -> String {
    let head = if lever == path {
        format!("lever {path} is not in the scenario")
    } else {
        format!("lever {lever}: {path} is not in the scenario")
    };
    format!("{head}; the nearest existing prefix is {prefix}: {reason}")
}

/// Where a path leads in a tree: the child taken at each step (see [`child`]), then the node
/// there or the field or key to add.
struct Resolved {
    route: Vec<usize>,
    end: End,
}

/// The end of a path.
enum End {
    /// The node reached.
    Node,
    /// A field or map key not written, to add to the record or map reached.
    Add(String),
}

/// Child `i` of a node: a field's or entry's value, or an element.
fn child(n: &Node, i: usize) -> Option<&Node> {
    match &n.value {
        Value::Struct { fields: p, .. } | Value::Map(p) => p.get(i).map(|p| &p.value),
        Value::List(items) | Value::Tuple { items, .. } => items.get(i),
        Value::Atom { .. } => None,
    }
}

/// Child `i` of a node, mutably.
fn child_mut(n: &mut Node, i: usize) -> Option<&mut Node> {
    match &mut n.value {
        Value::Struct { fields: p, .. } | Value::Map(p) => p.get_mut(i).map(|p| &mut p.value),
        Value::List(items) | Value::Tuple { items, .. } => items.get_mut(i),
        Value::Atom { .. } => None,
    }
}

/// The content of `Some(x)`, if `n` is one.
fn inside_some(n: &Node) -> Option<&Node> {
    match &n.value {
        Value::Tuple {
            name: Some(name),
            items,
        } if name == "Some" && items.len() == 1 => items.first(),
        _ => None,
    }
}

/// The keys of pairs, as text.
fn keys(pairs: &[Pair]) -> String {
    let keys: Vec<&str> = pairs.iter().filter_map(|p| p.key.identity()).collect();
    if keys.is_empty() {
        "none".into()
    } else {
        keys.join(", ")
    }
}

/// Follows `path` from `root`; on failure, the number of steps taken and what is missing.
fn resolve(root: &Node, path: &LeverPath) -> Result<Resolved, (usize, String)> {
    let (mut node, mut route) = (root, Vec::new());
    let last = path.steps().len() - 1;
    for (k, step) in path.steps().iter().enumerate() {
        if let Some(inner) = inside_some(node) {
            node = inner;
            route.push(0);
        }
        let (name, by_field) = match step {
            Step::Field(name) => (name, true),
            Step::Select(name) => (name, false),
        };
        let found = match &node.value {
            Value::Struct { fields, .. } if by_field => {
                let i = fields.iter().position(|p| p.key.identity() == Some(name));
                if i.is_none() && k == last {
                    return Ok(Resolved {
                        route,
                        end: End::Add(name.clone()),
                    });
                }
                i.ok_or_else(|| {
                    format!(
                        "it does not write the field {name} (it writes: {}); only the last step \
                         of a path may name a field left to its default",
                        keys(fields)
                    )
                })
            }
            Value::Struct { .. } => Err(format!("it is a record: name its field as .{name}")),
            Value::Map(pairs) => {
                let i = pairs.iter().position(|p| p.key.identity() == Some(name));
                if i.is_none() && k == last {
                    return Ok(Resolved {
                        route,
                        end: End::Add(name.clone()),
                    });
                }
                i.ok_or_else(|| format!("it has no key {name:?} (keys: {})", keys(pairs)))
            }
            Value::List(items) if !by_field => select(items, name),
            Value::Tuple { items, .. } if !by_field => select(items, name),
            Value::List(_) => Err(format!("it is a list: select an element as [{name}]")),
            _ => {
                let text = overlay::print(&Document {
                    attributes: vec![],
                    root: node.clone(),
                })
                .text;
                let text: String = text.trim_end().chars().take(60).collect();
                Err(format!("it is the value {text}, which has no parts"))
            }
        };
        let i = found.map_err(|reason| (k, reason))?;
        route.push(i);
        node = child(node, i).ok_or((k, "internal: lost the path".to_string()))?;
    }
    Ok(Resolved {
        route,
        end: End::Node,
    })
}

/// The element of a list selected by id, or by position when `sel` is a whole number.
fn select(items: &[Node], sel: &str) -> Result<usize, String> {
    let ids: Vec<&str> = items
        .iter()
        .filter_map(|n| n.field("id").and_then(Node::identity))
        .collect();
    if let Some(i) = items
        .iter()
        .position(|n| n.field("id").and_then(Node::identity) == Some(sel))
    {
        return Ok(i);
    }
    if let Ok(i) = sel.parse::<usize>()
        && i < items.len()
    {
        return Ok(i);
    }
    if !ids.is_empty() {
        return Err(format!(
            "no element has the id {sel:?} (ids: {})",
            ids.join(", ")
        ));
    }
    match items.len() {
        0 => Err("the list is empty".into()),
        n => Err(format!(
            "its elements have no ids and are selected by position, 0 to {}",
            n - 1
        )),
    }
}

/// The value written at `path` in `loaded`'s text, as RON (`None` if the path's last step is a
/// field or key left to its default).
pub fn current(loaded: &Loaded, path: &LeverPath) -> Result<Option<String>, LeverError> {
    let doc = tree(loaded, &path.to_string())?;
    let resolved = resolve(&doc.root, path).map_err(|(k, reason)| not_found(path, k, reason))?;
    let mut node = &doc.root;
    for &i in &resolved.route {
        node = child(node, i).ok_or_else(|| not_found(path, 0, "internal".into()))?;
    }
    Ok(match resolved.end {
        End::Add(_) => None,
        End::Node => {
            let doc = Document {
                attributes: vec![],
                root: node.clone(),
            };
            Some(overlay::print(&doc).text.trim_end().to_string())
        }
    })
}

/// The syntax tree of `loaded`'s text.
fn tree(loaded: &Loaded, lever: &str) -> Result<Document, LeverError> {
    overlay::parse(&loaded.text, 0).map_err(|e| LeverError::Value {
        lever: lever.to_string(),
        reason: format!("the scenario's text cannot be read: {}", e.message),
    })
}

/// The error for a path found only for its first `k` steps.
fn not_found(path: &LeverPath, k: usize, reason: String) -> LeverError {
    LeverError::NotFound {
        lever: path.to_string(),
        path: path.to_string(),
        prefix: path.prefix(k),
        reason,
    }
}

/// `loaded` with each (path, value) set, validated (its `sources` kept). Errors name the lever (`PATH=VALUE`) and say
/// what is wrong: a path the scenario does not have, a value that is not RON or not of the
/// field's type, or the validation problems of the scenario with the value set.
pub fn apply(loaded: &Loaded, settings: &[(&LeverPath, &str)]) -> Result<Loaded, LeverError> {
    let named: Vec<String> = settings.iter().map(|(p, v)| format!("{p}={v}")).collect();
    let all = named.join(", ");
    let mut doc = tree(loaded, &all)?;
    // Fields and keys added, with the lever that added each.
    let mut added = Vec::new();
    for (k, &(path, value)) in settings.iter().enumerate() {
        if let Some(name) = set(&mut doc, path, value, &named[k], k + 1)? {
            added.push((name, k));
        }
    }
    let printed = overlay::print(&doc);
    // Which lever wrote the text at a position of the printed text, if one did.
    let lever_at = |at: crate::locate::Position| {
        let origin = printed.map.origin(at)?;
        named.get(origin.file.checked_sub(1)?)
    };
    // The scenario's types first, so a field that does not exist is reported as a wrong path and
    // a value of the wrong type names the lever that wrote it.
    let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
    if let Err(e) = options.from_str::<Scenario>(&printed.text) {
        if let ron::Error::NoSuchStructField {
            expected,
            found,
            outer,
        } = &e.code
            && let Some(&(_, k)) = added.iter().find(|(name, _)| name == found)
        {
            let path = settings[k].0;
            let outer = outer.as_deref().unwrap_or("the record");
            return Err(LeverError::NotFound {
                lever: named[k].clone(),
                path: path.to_string(),
                prefix: path.prefix(path.steps().len() - 1),
                reason: format!(
                    "{outer} has no field {found}; its fields are: {}",
                    expected.join(", ")
                ),
            });
        }
        let lever = [e.span.start, e.span.end].into_iter().find_map(|p| {
            lever_at(crate::locate::Position {
                line: p.line,
                col: p.col,
            })
        });
        return Err(LeverError::Value {
            lever: lever.unwrap_or(&all).clone(),
            reason: e.code.to_string(),
        });
    }
    load::load_str(&loaded.source, &printed.text)
        .map_err(|e| match e {
            LoadError::Invalid { problems, .. } => {
                // The levers whose values the problems are in, if every problem is in one.
                let culprits = problems
                    .iter()
                    .map(|p| p.position.and_then(lever_at))
                    .collect::<Option<_>>()
                    .filter(|c: &Vec<&String>| !c.is_empty());
                let lever = culprits.map_or(all.clone(), |mut c| {
                    c.sort_unstable();
                    c.dedup();
                    c.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", ")
                });
                LeverError::Invalid {
                    lever,
                    problems: problems
                        .iter()
                        .map(|p| format!("{}: {}", p.field, p.message))
                        .collect(),
                }
            }
            e => LeverError::Value {
                lever: all.clone(),
                reason: e.to_string(),
            },
        })
        .map(|changed| Loaded {
            // The same files were read: a lever changes a value, not where the scenario came from.
            sources: loaded.sources.clone(),
            ..changed
        })
}

/// Sets `path` to `value` in `doc`, the value marked as written in `file`; `lever` names it in
/// errors. Returns the name of the field or key added, if the path's last step was not written.
fn set(
    doc: &mut Document,
    path: &LeverPath,
    value: &str,
    lever: &str,
    file: FileId,
) -> Result<Option<String>, LeverError> {
    let resolved = resolve(&doc.root, path).map_err(|(n, reason)| LeverError::NotFound {
        lever: lever.to_string(),
        path: path.to_string(),
        prefix: path.prefix(n),
        reason,
    })?;
    let mut node = &mut doc.root;
    for &i in &resolved.route {
        node = child_mut(node, i).ok_or_else(|| LeverError::Value {
            lever: lever.to_string(),
            reason: "internal: the path was lost".into(),
        })?;
    }
    let string_field = matches!(resolved.end, End::Node)
        && matches!(
            &node.value,
            Value::Atom {
                string: Some(_),
                ..
            }
        );
    let parsed = parse_value(value, string_field, file).map_err(|reason| LeverError::Value {
        lever: lever.to_string(),
        reason,
    })?;
    let name = match resolved.end {
        End::Node => {
            node.value = parsed.value;
            return Ok(None);
        }
        End::Add(name) => name,
    };
    let (key, pairs) = match &mut node.value {
        Value::Struct { fields, .. } => {
            let key = Value::Atom {
                text: name.clone(),
                string: None,
            };
            (key, fields)
        }
        Value::Map(pairs) => {
            let key = Value::Atom {
                text: format!("{name:?}"),
                string: Some(name.clone()),
            };
            (key, pairs)
        }
        _ => return unreachable_value(lever),
    };
    let (at, span) = (parsed.at, parsed.span.start..parsed.span.start);
    pairs.push(Pair {
        key: Node {
            value: key,
            at,
            span,
            file,
        },
        value: parsed,
    });
    Ok(Some(name))
}

/// The error for a value added where neither a record nor a map is (never happens: a path ends in
/// a field or key to add only at a record or map).
fn unreachable_value<T>(lever: &str) -> Result<T, LeverError> {
    Err(LeverError::Value {
        lever: lever.to_string(),
        reason: "internal: a field was added outside a record or map".into(),
    })
}

/// A lever's value parsed as one RON value marked as written in `file`. For a string field, text
/// that is not a string literal, `None` or `Some(..)` is taken as the string itself.
fn parse_value(value: &str, string_field: bool, file: FileId) -> Result<Node, String> {
    let value = value.trim();
    let literal = value.starts_with('"') || value.starts_with("r\"") || value.starts_with("r#");
    let keep = literal || value == "None" || value.starts_with("Some(");
    let text = if string_field && !keep {
        format!("{value:?}")
    } else {
        value.to_string()
    };
    let doc = overlay::parse(&text, file).map_err(|e| {
        format!(
            "{text:?} is not a RON value: {} (at character {})",
            e.message, e.at.col
        )
    })?;
    if !doc.attributes.is_empty() {
        return Err(format!("{text:?} is not a RON value"));
    }
    Ok(doc.root)
}
