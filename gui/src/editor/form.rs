//! The form: every field of the scenario as a widget, drawn from the text's syntax tree and the
//! schema. Sections and lists are collapsible; each field's doc comment is its tooltip; each
//! problem is shown beside the field it names. Drawing returns at most one [`Splice`] a frame.

use std::collections::BTreeMap;

use caseload::locate::FieldPath;
use caseload::overlay::{Node, Value};
use egui::{RichText, Ui};

use super::actions::{Action, Effect};
use super::bases::Bases;
use super::check::Problem;
use super::source::{Parsed, Splice};
use crate::palette;
use caseload::scenario::schema::{Content, Shape, Ty, Variant, variant_skeleton};

/// What the form draws from and writes to.
pub struct Form<'a> {
    /// The text.
    pub text: &'a str,
    /// Its tree.
    pub parsed: &'a Parsed,
    /// Its problems.
    pub problems: &'a [Problem],
    /// Field texts typed but not yet valid enough to write (`12.`), by field path.
    pub drafts: &'a mut BTreeMap<String, String>,
    /// Map keys typed but not written yet (a new entry's, a rename's), by field path. Unlike
    /// `drafts` they are not problems: nothing is wrong until the user asks to write one.
    pub keys: &'a mut BTreeMap<String, String>,
    /// The bases of an overlay, if the text is one whose bases can be read.
    pub bases: Option<&'a Bases>,
    /// The accessible name of the control to focus this frame.
    pub focus: Option<String>,
    /// The control to focus next frame, once the edit is made.
    pub focus_next: Option<String>,
    /// The edit asked for this frame.
    pub edit: Option<Splice>,
    /// The ids of the section headers drawn, by field path.
    pub headers: BTreeMap<String, egui::Id>,
    /// A list element moved this frame: from, to (its section's open state goes with it).
    pub moved: Option<(FieldPath, FieldPath)>,
}

/// One value to draw.
pub(super) struct Item<'n, 'a> {
    pub(super) label: String,
    pub(super) node: &'n Node,
    pub(super) ty: Ty<'a>,
    pub(super) path: FieldPath,
    pub(super) actions: Vec<Action>,
}

impl Form<'_> {
    /// Draws the whole scenario: the root struct's fields.
    pub fn show(&mut self, ui: &mut Ui, root: Ty<'_>) {
        let parsed = self.parsed;
        let node = &parsed.doc.root;
        match root.shape() {
            Shape::Struct { fields, required } => {
                self.fields(ui, node, &fields, &required, &FieldPath::root());
            }
            _ => {
                ui.label("The scenario's schema is unavailable: use the RON text view.");
            }
        }
        if let Some((from, to)) = self.moved.take() {
            self.swap_open(ui, &from, &to);
        }
    }

    pub(super) fn push(&mut self, splice: Splice) {
        self.edit.get_or_insert(splice);
    }

    /// Problems shown beside `path`.
    fn here(&self, path: &FieldPath) -> Vec<&Problem> {
        let problems = self.problems.iter();
        problems
            .filter(|p| p.anchor.as_ref() == Some(path))
            .collect()
    }

    /// How many problems are at or under `path`.
    fn under(&self, path: &FieldPath) -> usize {
        let n = path.segments().len();
        let inside = |a: &FieldPath| a.segments().get(..n) == Some(path.segments());
        self.problems
            .iter()
            .filter(|p| p.anchor.as_ref().is_some_and(inside))
            .count()
    }

    pub(super) fn problems_at(&self, ui: &mut Ui, path: &FieldPath) {
        for p in self.here(path) {
            ui.colored_label(palette::RED, format!("Problem: {path}: {}", p.short))
                .on_hover_text(&p.message);
        }
    }

    /// A struct's fields: those written, in the file's order, then those left out.
    fn fields(
        &mut self,
        ui: &mut Ui,
        node: &Node,
        schema: &[(&str, Ty<'_>)],
        required: &[&str],
        path: &FieldPath,
    ) {
        let written = match &node.value {
            Value::Struct { fields, .. } => fields.as_slice(),
            _ => &[],
        };
        for pair in written {
            let name = pair.key.identity().unwrap_or_default();
            let field_path = path.field(name);
            let Some((_, ty)) = schema.iter().find(|f| f.0 == name) else {
                ui.colored_label(
                    palette::RED,
                    format!(
                        "Problem: {field_path}: not a field here; remove it in the RON text view"
                    ),
                );
                continue;
            };
            let mut actions = Vec::new();
            if !required.contains(&name) {
                actions.push(Action {
                    text: "Remove",
                    name: format!("Remove {field_path}"),
                    effect: Effect::Edit(self.parsed.remove(self.text, &pair.key, &pair.value)),
                });
            }
            self.item(
                ui,
                Item {
                    label: name.to_string(),
                    node: &pair.value,
                    ty: *ty,
                    path: field_path,
                    actions,
                },
            );
        }
        let missing = schema
            .iter()
            .filter(|(name, _)| !written.iter().any(|p| p.key.identity() == Some(name)));
        for (name, ty) in missing {
            self.unwritten(ui, node, name, *ty, required.contains(name), path);
        }
    }

    /// Draws one value by its schema's shape.
    pub(super) fn item(&mut self, ui: &mut Ui, item: Item<'_, '_>) {
        match item.ty.shape() {
            Shape::Option(inner) => self.option(ui, item, inner),
            Shape::Struct { fields, required } => {
                let is_struct = matches!(
                    &item.node.value,
                    Value::Struct { .. }
                        | Value::Tuple {
                            items: _,
                            name: None
                        }
                );
                if !is_struct {
                    return self.raw(ui, item);
                }
                self.section(ui, &item, |form, ui| {
                    form.fields(ui, item.node, &fields, &required, &item.path);
                });
            }
            Shape::List(elem) => self.list(ui, item, elem),
            Shape::Map(value) => self.map(ui, item, value),
            Shape::Enum(variants) => self.choice(ui, item, &variants),
            Shape::Integer | Shape::Number | Shape::Text | Shape::Bool => self.leaf(ui, item),
            Shape::Unknown => self.raw(ui, item),
        }
    }

    /// A collapsible section titled with the label and its problem count.
    pub(super) fn section(
        &mut self,
        ui: &mut Ui,
        item: &Item<'_, '_>,
        body: impl FnOnce(&mut Self, &mut Ui),
    ) {
        let n = self.under(&item.path);
        let title = match n {
            0 => RichText::new(&item.label),
            1 => RichText::new(format!("{} (1 problem)", item.label)).color(palette::RED),
            n => RichText::new(format!("{} ({n} problems)", item.label)).color(palette::RED),
        };
        let header = egui::CollapsingHeader::new(title)
            .id_salt(item.path.to_string())
            .show(ui, |ui| {
                self.buttons(ui, &item.actions);
                self.problems_at(ui, &item.path);
                body(self, ui);
            });
        // The header's id is its open state's (kept with a moved element).
        let id = header.header_response.id;
        self.headers.insert(item.path.to_string(), id);
        if let Some(doc) = item.ty.doc() {
            header.header_response.on_hover_text(doc);
        }
    }

    fn option<'a>(&mut self, ui: &mut Ui, mut item: Item<'_, 'a>, inner: Ty<'a>) {
        let clear = |form: &Self, node| Action {
            text: "Clear",
            name: format!("Clear {}", item.path),
            effect: Effect::Edit(form.parsed.replace(node, "None".into())),
        };
        match &item.node.value {
            Value::Atom { text, .. } if text == "None" => {
                ui.horizontal(|ui| {
                    let doc = item.ty.doc().unwrap_or_default();
                    ui.label(&item.label).on_hover_text(doc);
                    ui.label(RichText::new("None").weak());
                    let set = ui
                        .button("Set")
                        .accessible_name(format!("Set {}", item.path));
                    if set.clicked() {
                        let splice = self.parsed.replace(item.node, inner.skeleton());
                        self.push(splice);
                    }
                    self.inline_buttons(ui, &item.actions);
                });
                self.problems_at(ui, &item.path);
            }
            Value::Tuple {
                name: Some(name),
                items,
            } if name == "Some" && items.len() == 1 => {
                item.actions.insert(0, clear(self, item.node));
                item.node = &items[0];
                item.ty = inner.with_doc_of(item.ty);
                self.item(ui, item);
            }
            _ => {
                item.actions.insert(0, clear(self, item.node));
                item.ty = inner.with_doc_of(item.ty);
                self.item(ui, item);
            }
        }
    }

    /// A number, string or boolean on one row.
    fn leaf(&mut self, ui: &mut Ui, item: Item<'_, '_>) {
        let Value::Atom { text, string } = &item.node.value else {
            return self.raw(ui, item);
        };
        let shape = item.ty.shape();
        let key = item.path.to_string();
        let doc = item.ty.doc().unwrap_or_default();
        ui.horizontal(|ui| {
            if let Shape::Bool = shape {
                let mut on = text == "true";
                let check = ui.checkbox(&mut on, &item.label).on_hover_text(doc);
                if check.changed() {
                    let splice = self.parsed.replace(item.node, on.to_string());
                    self.push(splice);
                }
            } else {
                let label = ui.label(&item.label).on_hover_text(doc);
                let written = match &shape {
                    Shape::Text => string.clone().unwrap_or_else(|| text.clone()),
                    _ => text.clone(),
                };
                let mut buf = self.drafts.get(&key).cloned().unwrap_or(written);
                let width = if let Shape::Text = shape { 320.0 } else { 90.0 };
                let edit = egui::TextEdit::singleline(&mut buf)
                    .id(field_id(&key))
                    .desired_width(width);
                let response = ui.add(edit).labelled_by(label.id).on_hover_text(doc);
                if response.changed() {
                    match written_as(&shape, &buf) {
                        Some(ron) => {
                            self.drafts.remove(&key);
                            self.push(self.parsed.replace(item.node, ron));
                        }
                        None => {
                            self.drafts.insert(key.clone(), buf);
                        }
                    }
                }
            }
            self.inline_buttons(ui, &item.actions);
        });
        if self.drafts.contains_key(&key) {
            let what = match shape {
                Shape::Integer => "a whole number",
                _ => "a number",
            };
            ui.colored_label(
                palette::RED,
                format!("Problem: {}: expected {what}; not written yet", item.path),
            );
        }
        self.problems_at(ui, &item.path);
    }

    /// A value the form cannot draw by its type: its RON text, editable if it is one line.
    pub(super) fn raw(&mut self, ui: &mut Ui, item: Item<'_, '_>) {
        let (start, end) = (item.node.span.start, item.node.span.end);
        let written = self.text.get(start..end).unwrap_or("").to_string();
        ui.horizontal(|ui| {
            let doc = item.ty.doc().unwrap_or_default();
            let label = ui.label(&item.label).on_hover_text(doc);
            if written.contains('\n') {
                ui.label(RichText::new("(edit in the RON text view)").weak());
            } else {
                let mut buf = written.clone();
                let edit = egui::TextEdit::singleline(&mut buf)
                    .id(field_id(&item.path.to_string()))
                    .code_editor();
                if ui.add(edit).labelled_by(label.id).changed() && !buf.trim().is_empty() {
                    self.push(Splice {
                        range: start..end,
                        with: buf,
                    });
                }
            }
            self.inline_buttons(ui, &item.actions);
        });
        self.problems_at(ui, &item.path);
    }

    /// An enum: a choice of variant, then the variant's content.
    fn choice(&mut self, ui: &mut Ui, item: Item<'_, '_>, variants: &[Variant<'_>]) {
        let (current, content) = match &item.node.value {
            Value::Atom { text, .. } => (text.as_str(), None),
            Value::Tuple {
                name: Some(n),
                items,
            } if items.len() == 1 => (n.as_str(), Some(&items[0])),
            Value::Struct { name: Some(n), .. } => (n.as_str(), Some(item.node)),
            _ => return self.raw(ui, item),
        };
        let Some(variant) = variants.iter().find(|v| v.name == current) else {
            return self.raw(ui, item);
        };
        let doc = item.ty.doc().unwrap_or_default();
        let mut chosen = None;
        let mut nested = None;
        ui.horizontal(|ui| {
            let label = ui.label(&item.label).on_hover_text(doc);
            let combo = egui::ComboBox::from_id_salt(("variant", item.path.to_string()))
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for v in variants {
                        let option = ui.selectable_label(v.name == current, v.name);
                        let option = option.on_hover_text(v.doc.unwrap_or_default());
                        if option.clicked() && v.name != current {
                            chosen = Some(v);
                        }
                    }
                });
            let combo = combo.response.labelled_by(label.id);
            combo.on_hover_text(variant.doc.unwrap_or(doc));
            match (&variant.content, content) {
                (Content::Newtype(t), Some(inner)) if is_leaf(t) => {
                    self.inline_leaf(ui, &item, inner, *t);
                }
                (Content::Newtype(t), Some(inner)) => nested = Some((*t, inner)),
                (Content::Struct(t), Some(inner)) => nested = Some((*t, inner)),
                _ => {}
            }
            self.inline_buttons(ui, &item.actions);
        });
        if let Some(v) = chosen {
            let splice = match (&variant.content, &v.content, content) {
                // Same kind of content (`Days(14)` to `Weeks(14)`): keep it, rename only.
                (Content::Newtype(a), Content::Newtype(b), Some(_)) if same_leaf(a, b) => {
                    let start = item.node.span.start;
                    Splice {
                        range: start..start + current.len(),
                        with: v.name.to_string(),
                    }
                }
                _ => self.parsed.replace(item.node, variant_skeleton(v, 0)),
            };
            self.push(splice);
        }
        if let Some((ty, inner)) = nested {
            ui.indent(("content", item.path.to_string()), |ui| {
                let label = format!("{} ({current})", item.label);
                let path = item.path.clone();
                match ty.shape() {
                    Shape::Struct { fields, required } => {
                        self.fields(ui, inner, &fields, &required, &path);
                    }
                    _ => {
                        let actions = Vec::new();
                        let inner_item = Item {
                            label,
                            node: inner,
                            ty,
                            path,
                            actions,
                        };
                        self.item(ui, inner_item);
                    }
                }
            });
        }
        self.problems_at(ui, &item.path);
    }

    /// The one value of a variant like `Days(14)`, on the variant's row.
    fn inline_leaf(&mut self, ui: &mut Ui, item: &Item<'_, '_>, inner: &Node, ty: Ty<'_>) {
        let Value::Atom { text, string } = &inner.value else {
            return;
        };
        let shape = ty.shape();
        let key = format!("{}#value", item.path);
        let written = match shape {
            Shape::Text => string.clone().unwrap_or_else(|| text.clone()),
            _ => text.clone(),
        };
        let mut buf = self.drafts.get(&key).cloned().unwrap_or(written);
        let edit = egui::TextEdit::singleline(&mut buf)
            .id(field_id(&key))
            .desired_width(90.0);
        let response = ui
            .add(edit)
            .accessible_name(format!("{} value", item.label));
        if response.changed() {
            match written_as(&shape, &buf) {
                Some(ron) => {
                    self.drafts.remove(&key);
                    self.push(self.parsed.replace(inner, ron));
                }
                None => {
                    self.drafts.insert(key.clone(), buf);
                }
            }
        }
        if self.drafts.contains_key(&key) {
            ui.colored_label(palette::RED, "Problem: expected a number");
        }
    }
}

/// The id of the text field of the value at `key` (a field path, or one with a `#` suffix): from
/// the path alone, not the layout, so a problem line appearing above or below the field as it is
/// typed neither moves its focus nor drops a keystroke.
pub(super) fn field_id(key: &str) -> egui::Id {
    egui::Id::unique(("caseload-form-field", key))
}

/// Whether a type is drawn as one text field.
fn is_leaf(ty: &Ty<'_>) -> bool {
    matches!(
        ty.shape(),
        Shape::Integer | Shape::Number | Shape::Text | Shape::Bool
    )
}

/// Whether two variant contents are the same kind of leaf, so a value can move between them.
fn same_leaf(a: &Ty<'_>, b: &Ty<'_>) -> bool {
    let kind = |t: &Ty<'_>| match t.shape() {
        Shape::Integer => 1,
        Shape::Number => 2,
        Shape::Text => 3,
        Shape::Bool => 4,
        _ => 0,
    };
    kind(a) != 0 && kind(a) == kind(b)
}

/// `typed` as RON for a leaf of `shape`, if it is a value of that shape.
fn written_as(shape: &Shape<'_>, typed: &str) -> Option<String> {
    let t = typed.trim();
    match shape {
        Shape::Text => ron::to_string(typed).ok(),
        Shape::Integer => t.parse::<i64>().ok().map(|_| t.to_string()),
        Shape::Number => {
            let plain = t.parse::<f64>().is_ok_and(f64::is_finite)
                && !t.ends_with('.')
                && !t.starts_with('.')
                && !t.contains(['e', 'E', 'i', 'n', 'N']);
            plain.then(|| t.to_string())
        }
        Shape::Bool => matches!(t, "true" | "false").then(|| t.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_are_written_only_when_they_are_values() {
        assert_eq!(written_as(&Shape::Number, " 0.5 ").as_deref(), Some("0.5"));
        assert_eq!(written_as(&Shape::Number, "-3").as_deref(), Some("-3"));
        for bad in ["", "12.", ".5", "1e3", "abc", "NaN", "inf"] {
            assert_eq!(written_as(&Shape::Number, bad), None, "{bad}");
        }
        assert_eq!(written_as(&Shape::Integer, "7").as_deref(), Some("7"));
        assert_eq!(written_as(&Shape::Integer, "7.5"), None);
        assert_eq!(
            written_as(&Shape::Text, "a \"b\"").as_deref(),
            Some(r#""a \"b\"""#)
        );
    }
}
