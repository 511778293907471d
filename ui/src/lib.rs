//! The egui editor.
