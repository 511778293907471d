//! The commands the webview may invoke. Each is thin: it checks access, asks the OS for a
//! dialog or a file, and hands model work to the core.

pub mod export;
pub mod files;
pub mod session;
pub mod window;
