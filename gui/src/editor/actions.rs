//! Buttons shown with a value (Remove, Clear, Move up, Rename) and what they do; keyboard focus
//! follows a control whose element moves or whose key is renamed, and a moved element's section
//! keeps its open state.

use caseload::locate::FieldPath;
use egui::{Response, Ui};

use super::form::Form;
use super::source::Splice;

/// A button shown with a value (Remove, Clear, Move up).
pub struct Action {
    /// The button's text.
    pub text: &'static str,
    /// The accessible name, naming the field.
    pub name: String,
    /// What it does.
    pub effect: Effect,
}

/// What an [`Action`] does.
pub enum Effect {
    /// Edits the text.
    Edit(Splice),
    /// Moves a list element from one path to another; focus goes to the control named `focus`.
    Move {
        splice: Splice,
        from: FieldPath,
        to: FieldPath,
        focus: String,
    },
    /// Opens the rename row of a map entry: its draft (by `draft`) starts as `key`.
    Rename { draft: String, key: String },
    /// Nothing here (Move up on the first element): shown disabled.
    Unavailable,
}

impl Form<'_> {
    /// Swaps the open states of the sections at `a` and `b` (a moved element keeps its own).
    pub(super) fn swap_open(&self, ui: &Ui, a: &FieldPath, b: &FieldPath) {
        use egui::collapsing_header::CollapsingState;
        let (Some(a), Some(b)) = (
            self.headers.get(&a.to_string()),
            self.headers.get(&b.to_string()),
        ) else {
            return;
        };
        let mut a = CollapsingState::load_with_default_open(ui.ctx(), *a, false);
        let mut b = CollapsingState::load_with_default_open(ui.ctx(), *b, false);
        let (was_a, was_b) = (a.is_open(), b.is_open());
        a.set_open(was_b);
        b.set_open(was_a);
        a.store(ui.ctx());
        b.store(ui.ctx());
    }

    /// Focuses `response` if it is the control named `name` that is to have focus.
    pub(super) fn take_focus(&mut self, response: &Response, name: &str) {
        if self.focus.as_deref() == Some(name) {
            response.request_focus();
            self.focus = None;
        }
    }

    /// The actions on their own row (in a section).
    pub(super) fn buttons(&mut self, ui: &mut Ui, actions: &[Action]) {
        if actions.is_empty() {
            return;
        }
        ui.horizontal(|ui| {
            for a in actions {
                self.action(ui, a, false);
            }
        });
    }

    /// Draws an action's button, small on a value's row.
    fn action(&mut self, ui: &mut Ui, a: &Action, small: bool) {
        let enabled = !matches!(a.effect, Effect::Unavailable);
        let button = egui::Button::new(a.text);
        let button = if small { button.small() } else { button };
        let response = ui.add_enabled(enabled, button).accessible_name(&a.name);
        self.take_focus(&response, &a.name);
        if response.clicked() {
            self.act(&a.effect);
        }
    }

    /// Does what a clicked button asks.
    fn act(&mut self, effect: &Effect) {
        match effect {
            Effect::Edit(splice) => self.push(splice.clone()),
            Effect::Move {
                splice,
                from,
                to,
                focus,
            } => {
                if self.edit.is_none() {
                    self.moved = Some((from.clone(), to.clone()));
                    self.focus_next = Some(focus.clone());
                }
                self.push(splice.clone());
            }
            Effect::Rename { draft, key } => {
                self.keys.insert(draft.clone(), key.clone());
                self.focus_next = Some(draft.clone());
            }
            Effect::Unavailable => {}
        }
    }

    /// The actions on a value's row.
    pub(super) fn inline_buttons(&mut self, ui: &mut Ui, actions: &[Action]) {
        for a in actions {
            self.action(ui, a, true);
        }
    }
}
