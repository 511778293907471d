//! The commands the webview may invoke. Each is thin: it checks access, asks the OS for a
//! dialog or a file, and hands model work to the core.

// Tauri deserialises each argument into an owned value; borrowing is not an option.
#![allow(clippy::needless_pass_by_value)]

pub mod export;
pub mod files;
pub mod layout;
pub mod session;
pub mod window;
