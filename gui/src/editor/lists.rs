//! Lists and maps in the form: their elements and entries, with Add and Remove. A new list
//! element is a copy of the last (its `id` made unique) so it starts out valid-shaped.

use caseload::overlay::{Node, Value};
use egui::Ui;

use super::docs::Ty;
use super::form::{Action, Form, Item};

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
                    splice: form.parsed.remove(form.text, node, node),
                };
                let actions = vec![remove];
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

    /// The text of `node` to add as a new element, its `id` made unique among `items`.
    fn copy(&self, node: &Node, items: &[Node]) -> String {
        let start = self.parsed.start(self.text, node);
        let mut copy = self.text[start..self.parsed.end(self.text, node)].to_string();
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
            let at = self.parsed.start(self.text, id) - start;
            let len = self.parsed.end(self.text, id) - start - at;
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
                    splice: form.parsed.remove(form.text, &pair.key, &pair.value),
                };
                let label = key.to_string();
                let actions = vec![remove];
                form.item(
                    ui,
                    Item {
                        label,
                        node: &pair.value,
                        ty: value,
                        path,
                        actions,
                    },
                );
            }
            let draft = format!("{}#new key", section.path);
            let mut new_key = form.drafts.get(&draft).cloned().unwrap_or_default();
            ui.horizontal(|ui| {
                let label = ui.label("New key");
                let edit = egui::TextEdit::singleline(&mut new_key).desired_width(160.0);
                if ui.add(edit).labelled_by(label.id).changed() {
                    form.drafts.insert(draft.clone(), new_key.clone());
                }
                let taken = pairs
                    .iter()
                    .any(|p| p.key.identity() == Some(new_key.as_str()));
                let ok = !new_key.trim().is_empty() && !taken;
                let add = ui
                    .add_enabled(ok, egui::Button::new("Add entry"))
                    .on_disabled_hover_text("Type a key that is not in the map yet")
                    .accessible_name(format!("Add entry to {}", section.path));
                if add.clicked() {
                    let v = pairs
                        .last()
                        .map(|p| {
                            form.text[form.parsed.start(form.text, &p.value)
                                ..form.parsed.end(form.text, &p.value)]
                                .to_string()
                        })
                        .unwrap_or_else(|| value.skeleton());
                    let k = ron::to_string(new_key.trim()).unwrap_or_default();
                    form.drafts.remove(&draft);
                    form.push(
                        form.parsed
                            .append(form.text, section.node, &format!("{k}: {v}")),
                    );
                }
            });
        });
    }
}
