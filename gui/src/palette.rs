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
/// Reddish purple.
pub const PURPLE: Color32 = Color32::from_rgb(0xCC, 0x79, 0xA7);
/// Grey for "no data" and references.
pub const GREY: Color32 = Color32::from_rgb(0x99, 0x99, 0x99);

/// Light grey for the whole city's line and band, apart from every district's colour.
pub const CITY: Color32 = Color32::from_rgb(0xDD, 0xDD, 0xDD);

/// Ten categorical colours for districts (Tableau 10, its grey swapped for cyan so no district
/// looks like the city's light grey): each distinct from the others. A district keeps its colour, by its place in the
/// scenario, on every chart and when it is focused; past ten they repeat.
pub const DISTRICTS: [Color32; 10] = [
    Color32::from_rgb(0x4E, 0x79, 0xA7),
    Color32::from_rgb(0xF2, 0x8E, 0x2B),
    Color32::from_rgb(0xE1, 0x57, 0x59),
    Color32::from_rgb(0x76, 0xB7, 0xB2),
    Color32::from_rgb(0x59, 0xA1, 0x4F),
    Color32::from_rgb(0xED, 0xC9, 0x48),
    Color32::from_rgb(0xB0, 0x7A, 0xA1),
    Color32::from_rgb(0xFF, 0x9D, 0xA7),
    Color32::from_rgb(0x9C, 0x75, 0x5F),
    Color32::from_rgb(0x17, 0xBE, 0xCF),
];

/// The colour of the district at `index` in the scenario.
pub fn district(index: usize) -> Color32 {
    DISTRICTS[index % DISTRICTS.len()]
}

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
