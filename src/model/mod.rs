//! The architecture model: a [`Document`] of components, typed connections, nested
//! boundaries, notes, rule settings, waivers and decisions.
//!
//! Collections are kept sorted by id, so that lookups are binary searches and saved files are
//! canonical. Only [`crate::edit`] mutates them; everything else reads.

mod api;
mod data;
mod document;
mod geometry;
mod ids;
mod property;
mod view;

pub use api::{ApiStyle, HttpMethod, Operation};
pub use data::{Entity, Field, FieldType, Index, Query};
pub use document::*;
pub use geometry::{Point, Rect, Size};
pub use ids::{
    ComponentId, ConnectionId, ConnectionKindId, DecisionId, GroupId, IdError, KindId, MAX_ID_LEN,
    NoteId, ViewId, check_slug, slugify,
};
pub use property::{Properties, PropertyValue};
pub use view::{Selection, View, ViewLevel};
