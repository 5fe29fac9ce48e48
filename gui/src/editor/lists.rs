//! Lists and maps in the form: their elements and entries, with Add and Remove; list elements
//! move up and down, map keys are renamed. A new list element is a copy of the last (its `id`
//! made unique) so it starts out valid-shaped.

use caseload::locate::FieldPath;
use caseload::overlay::{Node, Pair, Value};
use egui::Ui;

use super::actions::{Action, Effect};
use super::form::{Form, Item};
use crate::palette;
use caseload::scenario::schema::Ty;

impl Form<'_> {
    pub(super) fn list(&mut self, ui: &mut Ui, item: Item<'_, '_>, elem: Ty<'_>) {
        let Value::List(items) = &item.node.value else {
            return self.raw(ui, item);
        };
        let title = format!("{} ({})", item.label, items.len());
        let section = Item {
            label: title,
            ..item
        };
        self.section(ui, &section, |form, ui| {
            for (i, node) in items.iter().enumerate() {
                let path = section.path.index(i);
                let name = node
                    .field("id")
                    .or_else(|| node.field("name"))
                    .and_then(Node::as_str);
                let label = match name {
                    Some(n) => format!("[{i}] {n}"),
                    None => format!("[{i}]"),
                };
                let remove = Action {
                    text: "Remove",
                    name: format!("Remove {path}"),
                    effect: Effect::Edit(form.parsed.remove(form.text, node, node)),
                };
                let up = form.mover(section.node, &section.path, i, Step::Up);
                let down = form.mover(section.node, &section.path, i, Step::Down);
                let actions = vec![up, down, remove];
                form.item(
                    ui,
                    Item {
                        label,
                        node,
                        ty: elem,
                        path,
                        actions,
                    },
                );
            }
            let add = ui
                .button("Add")
                .on_hover_text("Add an element: a copy of the last, or an empty one")
                .accessible_name(format!("Add to {}", section.path));
            if add.clicked() {
                let entry = match items.last() {
                    Some(last) => form.copy(last, items),
                    None => elem.skeleton(),
                };
                form.push(form.parsed.append(form.text, section.node, &entry));
            }
        });
    }

    /// The Move up or Move down button of element `i` of `list` (at `path`), named for the
    /// element; disabled at the end it cannot move past. Focus follows the element, to the
    /// same button, or to the other one at an end.
    fn mover(&self, list: &Node, path: &FieldPath, i: usize, step: Step) -> Action {
        let len = match &list.value {
            Value::List(items) => items.len(),
            _ => 0,
        };
        let name = |at: usize, step: Step| format!("Move {} {}", path.index(at), step.word());
        let to = match step {
            Step::Up => i.checked_sub(1),
            Step::Down => i.checked_add(1).filter(|&to| to < len),
        };
        let swap = to.and_then(|to| {
            let splice = self.parsed.swap(self.text, list, i.min(to))?;
            Some((to, splice))
        });
        let effect = match swap {
            Some((to, splice)) => {
                let at_end = to == 0 || to + 1 == len;
                let focus = match step {
                    Step::Up if at_end => name(to, Step::Down),
                    Step::Down if at_end => name(to, Step::Up),
                    _ => name(to, step),
                };
                Effect::Move {
                    splice,
                    from: path.index(i),
                    to: path.index(to),
                    focus,
                }
            }
            None => Effect::Unavailable,
        };
        let text = match step {
            Step::Up => "Move up",
            Step::Down => "Move down",
        };
        Action {
            text,
            name: name(i, step),
            effect,
        }
    }

    /// The text of `node` to add as a new element, its `id` made unique among `items`.
    fn copy(&self, node: &Node, items: &[Node]) -> String {
        let start = node.span.start;
        let mut copy = self.text[start..node.span.end].to_string();
        if let Some(id) = node.field("id")
            && let Some(old) = id.as_str()
        {
            let taken = |s: &str| {
                items
                    .iter()
                    .any(|n| n.field("id").and_then(Node::as_str) == Some(s))
            };
            let new = (2..)
                .map(|k| format!("{old}_{k}"))
                .find(|s| !taken(s))
                .unwrap_or_default();
            let at = id.span.start - start;
            let len = id.span.end - start - at;
            let quoted = ron::to_string(&new).unwrap_or_default();
            copy.replace_range(at..at + len, &quoted);
        }
        copy
    }

    pub(super) fn map(&mut self, ui: &mut Ui, item: Item<'_, '_>, value: Ty<'_>) {
        let Value::Map(pairs) = &item.node.value else {
            return self.raw(ui, item);
        };
        let title = format!("{} ({})", item.label, pairs.len());
        let section = Item {
            label: title,
            ..item
        };
        self.section(ui, &section, |form, ui| {
            for pair in pairs {
                let key = pair.key.identity().unwrap_or_default();
                let path = section.path.key(key);
                let remove = Action {
                    text: "Remove",
                    name: format!("Remove {path}"),
                    effect: Effect::Edit(form.parsed.remove(form.text, &pair.key, &pair.value)),
                };
                let rename = Action {
                    text: "Rename",
                    name: format!("Rename {path}"),
                    effect: Effect::Rename {
                        draft: rename_draft(&path),
                        key: key.to_string(),
                    },
                };
                let label = key.to_string();
                let actions = vec![rename, remove];
                form.item(
                    ui,
                    Item {
                        label,
                        node: &pair.value,
                        ty: value,
                        path: path.clone(),
                        actions,
                    },
                );
                form.rename(ui, &section.path, pairs, pair);
            }
            form.new_entry(ui, &section, pairs, value);
        });
    }

    /// The rename row of the map entry `pair` (of the map at `map` with `pairs`), if it is open:
    /// the new key, refused beside it if it is empty or already a key; the value is kept.
    fn rename(&mut self, ui: &mut Ui, map: &FieldPath, pairs: &[Pair], pair: &Pair) {
        let key = pair.key.identity().unwrap_or_default();
        let path = map.key(key);
        let draft = rename_draft(&path);
        let Some(mut typed) = self.keys.get(&draft).cloned() else {
            return;
        };
        let refused = refusal(pairs, key, &typed);
        let mut done = false;
        let mut write = false;
        ui.horizontal(|ui| {
            let label = ui.label(format!("New key for {key}"));
            let edit = egui::TextEdit::singleline(&mut typed)
                .id(super::form::field_id(&draft))
                .desired_width(160.0);
            let response = ui.add(edit).labelled_by(label.id).accessible_name(&draft);
            self.take_focus(&response, &draft);
            if response.changed() {
                self.keys.insert(draft.clone(), typed.clone());
            }
            let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let ok = refused.is_none();
            let button = ui
                .add_enabled(ok, egui::Button::new("Rename"))
                .on_disabled_hover_text("Type a key that is not in the map yet")
                .accessible_name(format!("Rename {path} to the new key"));
            if (button.clicked() || entered) && ok {
                write = typed.trim() != key;
                done = true;
            }
            let cancel = ui
                .button("Cancel")
                .accessible_name(format!("Cancel renaming {path}"));
            if cancel.clicked() {
                done = true;
            }
        });
        if let Some(why) = refused {
            ui.colored_label(palette::RED, format!("Problem: {map}: {why}"));
        }
        if done {
            self.keys.remove(&draft);
        }
        if write {
            let new = typed.trim();
            let quoted = ron::to_string(new).unwrap_or_default();
            self.push(self.parsed.replace(&pair.key, quoted));
            self.focus_next = Some(format!("Rename {}", map.key(new)));
        }
    }

    /// The row that adds an entry to a map: its key, then a copy of the last value.
    fn new_entry(&mut self, ui: &mut Ui, section: &Item<'_, '_>, pairs: &[Pair], value: Ty<'_>) {
        let draft = format!("{}#new key", section.path);
        let mut new_key = self.keys.get(&draft).cloned().unwrap_or_default();
        ui.horizontal(|ui| {
            let label = ui.label("New key");
            let edit = egui::TextEdit::singleline(&mut new_key)
                .id(super::form::field_id(&draft))
                .desired_width(160.0);
            if ui.add(edit).labelled_by(label.id).changed() {
                self.keys.insert(draft.clone(), new_key.clone());
            }
            let taken = pairs
                .iter()
                .any(|p| p.key.identity() == Some(new_key.trim()));
            let ok = !new_key.trim().is_empty() && !taken;
            let add = ui
                .add_enabled(ok, egui::Button::new("Add entry"))
                .on_disabled_hover_text("Type a key that is not in the map yet")
                .accessible_name(format!("Add entry to {}", section.path));
            if add.clicked() {
                let v = pairs
                    .last()
                    .map(|p| {
                        let span = p.value.span.clone();
                        self.text.get(span).unwrap_or_default().to_string()
                    })
                    .unwrap_or_else(|| value.skeleton());
                let k = ron::to_string(new_key.trim()).unwrap_or_default();
                self.keys.remove(&draft);
                let entry = format!("{k}: {v}");
                self.push(self.parsed.append(self.text, section.node, &entry));
            }
        });
    }
}

/// Which way a list element moves.
#[derive(Debug, Clone, Copy)]
enum Step {
    Up,
    Down,
}

impl Step {
    fn word(self) -> &'static str {
        match self {
            Step::Up => "up",
            Step::Down => "down",
        }
    }
}

/// The key of the rename draft of the entry at `path` (also its text field's accessible name).
fn rename_draft(path: &FieldPath) -> String {
    format!("New key for {path}")
}

/// Why `typed` cannot replace `key` among the map's `pairs`, if it cannot.
fn refusal(pairs: &[Pair], key: &str, typed: &str) -> Option<String> {
    let new = typed.trim();
    if new.is_empty() {
        return Some("a key cannot be empty".to_string());
    }
    let taken = new != key && pairs.iter().any(|p| p.key.identity() == Some(new));
    taken.then(|| format!("{new:?} is already a key"))
}
