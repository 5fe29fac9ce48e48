//! The desktop app driven headless by egui_kittest, in one test binary: `app` through its main
//! flows (forecasts, levers, compare, exports, decisions, the board report, persistence) and
//! `editor` on its own (bad files, checked edits, overlays, Save as, typing).

#![forbid(unsafe_code)]

mod app;
mod editor;
