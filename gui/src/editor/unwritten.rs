//! A struct field the file leaves out: inherited from an overlay's base, missing (required), or
//! left to its default; with the button that writes it into the file.

use caseload::locate::FieldPath;
use caseload::overlay::Node;
use egui::{RichText, Ui};

use super::bases;
use super::form::Form;
use crate::palette;
use caseload::scenario::schema::Ty;

impl Form<'_> {
    /// One row for the field `name` of type `ty`, left out of the struct `node` at `path`.
    pub(super) fn unwritten(
        &mut self,
        ui: &mut Ui,
        node: &Node,
        name: &str,
        ty: Ty<'_>,
        required: bool,
        path: &FieldPath,
    ) {
        let field_path = path.field(name);
        let root = &self.parsed.doc.root;
        let inherited = self.bases.and_then(|b| {
            let value = b.inherited(root, &field_path)?;
            Some((b.file_of(value), bases::printed(value)))
        });
        ui.horizontal(|ui| {
            let doc = ty.doc().unwrap_or_default();
            ui.label(RichText::new(name).weak()).on_hover_text(doc);
            let value = match inherited {
                Some(((file, full), value)) => {
                    let note = RichText::new(format!("inherited from {file}")).weak();
                    ui.label(note).on_hover_text(format!("Written in {full}"));
                    let change = ui
                        .button("Override")
                        .on_hover_text(format!(
                            "Copy the value inherited from {file} into this file, to change it"
                        ))
                        .accessible_name(format!("Override {field_path}"));
                    change.clicked().then_some(value)
                }
                None => {
                    if required {
                        ui.colored_label(palette::RED, "missing");
                    } else {
                        ui.label(RichText::new("not set (default)").weak());
                    }
                    let add = ui
                        .button("Add")
                        .on_hover_text(format!("Write {name} into the file"))
                        .accessible_name(format!("Add {field_path}"));
                    add.clicked().then(|| ty.through_option().skeleton())
                }
            };
            if let Some(value) = value {
                let entry = format!("{name}: {value}");
                self.push(self.parsed.append_printed(self.text, node, &entry));
            }
        });
        self.problems_at(ui, &field_path);
    }
}
