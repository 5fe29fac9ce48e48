//! Okabe-Ito colours: distinguishable with every common colour-vision deficiency. Status is never
//! shown by colour alone; words go with it.

use egui::Color32;

/// Bluish green.
pub const GREEN: Color32 = Color32::from_rgb(0x00, 0x9E, 0x73);
/// Orange.
pub const AMBER: Color32 = Color32::from_rgb(0xE6, 0x9F, 0x00);
/// Vermillion.
pub const RED: Color32 = Color32::from_rgb(0xD5, 0x5E, 0x00);
/// Blue.
pub const BLUE: Color32 = Color32::from_rgb(0x00, 0x72, 0xB2);
/// Sky blue.
pub const SKY: Color32 = Color32::from_rgb(0x56, 0xB4, 0xE9);
/// Reddish purple.
pub const PURPLE: Color32 = Color32::from_rgb(0xCC, 0x79, 0xA7);
/// Yellow.
pub const YELLOW: Color32 = Color32::from_rgb(0xF0, 0xE4, 0x42);
/// Grey for "no data" and references.
pub const GREY: Color32 = Color32::from_rgb(0x99, 0x99, 0x99);

/// Colours for many series (districts), in a fixed order.
pub const SERIES: [Color32; 7] = [BLUE, AMBER, GREEN, PURPLE, SKY, RED, YELLOW];

/// The colour of a status; grey when there is none.
pub fn status(status: Option<caseload::rag::Rag>) -> Color32 {
    use caseload::rag::Rag;
    match status {
        Some(Rag::Green) => GREEN,
        Some(Rag::Amber) => AMBER,
        Some(Rag::Red) => RED,
        None => GREY,
    }
}
