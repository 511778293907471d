//! # Archsmith editor
//!
//! The egui editor over the Archsmith core: a palette, the canvas, an inspector and a problems
//! panel. It runs natively through eframe ([`NativeHost`]) and in the desktop shell's webview
//! as wasm ([`web`]). Structure: [`state`] holds the document, [`canvas`] turns input into
//! edit operations and paints, [`panels`] draw the rest, [`command`] lists every action, and
//! [`app`] routes between them.

pub mod app;
pub mod canvas;
pub mod command;
pub mod host;
pub mod panels;
pub mod state;

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use app::{EditorApp, welcome_document};
pub use command::UiCommand;
pub use host::{Host, HostEvent, HostRequest};
#[cfg(not(target_arch = "wasm32"))]
pub use native::NativeHost;
