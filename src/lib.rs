//! # Archsmith core
//!
//! The one source of truth for the CLI, the egui editor and the desktop shell.
//!
//! Data flow: a model file (RON) goes through [`format::load`] into a [`model::Document`].
//! [`graph::ArchGraph`] gives a petgraph view of it for [`rules`] and analyses, and
//! [`export`] turns it into other formats. Every change is an [`edit::EditOp`], whose
//! `apply` returns the inverse, which gives undo.

pub mod analysis;
mod backups;
pub mod catalog;
pub mod clipboard;
pub mod contracts;
pub mod edit;
pub mod export;
pub mod facts;
pub mod fonts;
pub mod format;
pub mod graph;
pub mod icons;
pub mod layout;
pub mod load;
pub mod model;
pub mod monitoring;
pub mod palette;
mod raster;
pub mod rules;
pub mod samples;
pub mod session;
pub mod text;
pub mod topics;
pub mod validate;
pub mod view;

pub use catalog::Catalog;
pub use edit::{EditError, EditOp, History};
pub use graph::ArchGraph;
pub use model::Document;
