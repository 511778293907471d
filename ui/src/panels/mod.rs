//! The panels around the canvas. Each `*_ui` function draws one panel from the editor's state
//! and returns what the user asked for; the app applies it.

pub mod command_palette;
pub mod export;
pub mod inspector;
pub mod menu;
mod operations;
pub mod palette;
pub mod problems;
pub mod views;
