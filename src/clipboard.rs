//! Copy and paste as RON text: a selection becomes a small, readable document fragment that can
//! be pasted into another model or a text editor, and pasting turns such text into one undoable
//! batch with fresh ids.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::edit::EditOp;
use crate::model::{
    Component, ComponentId, Connection, ConnectionId, Document, Note, NoteId, Point,
};

/// What the clipboard holds.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fragment {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connections: Vec<Connection>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

/// Why clipboard text could not be pasted.
#[derive(Debug, thiserror::Error)]
#[error("the clipboard does not hold Archsmith components: {0}")]
pub struct PasteError(String);

impl Fragment {
    /// The selected components and notes, plus the connections among the selected components.
    pub fn from_selection<'a>(doc: &Document, selected: impl IntoIterator<Item = &'a str>) -> Self {
        let mut fragment = Self::default();
        for id in selected {
            if let Some(component) = doc.component(id) {
                fragment.components.push(component.clone());
            } else if let Some(note) = doc.note(id) {
                fragment.notes.push(note.clone());
            }
        }
        let inside = |id: &ComponentId| fragment.components.iter().any(|c| &c.id == id);
        fragment.connections = doc
            .connections()
            .iter()
            .filter(|c| inside(&c.from) && inside(&c.to))
            .cloned()
            .collect();
        fragment
    }

    pub fn is_empty(&self) -> bool {
        self.components.is_empty() && self.notes.is_empty()
    }

    /// The fragment as RON text.
    pub fn to_text(&self) -> String {
        let config = ron::ser::PrettyConfig::new()
            .depth_limit(3)
            .indentor("    ")
            .struct_names(false);
        let body = ron::ser::to_string_pretty(self, config).unwrap_or_default();
        format!("// Archsmith clipboard\n{body}\n")
    }

    pub fn from_text(text: &str) -> Result<Self, PasteError> {
        crate::catalog::ron_options()
            .from_str(text)
            .map_err(|e| PasteError(e.to_string()))
    }

    /// One batch that adds the fragment to `doc`, shifted by `offset`, with fresh ids. Group
    /// memberships are kept only where the group exists in `doc`.
    pub fn paste_op(&self, doc: &Document, offset: Point) -> EditOp {
        let mut taken: Vec<String> = Vec::new();
        let mut fresh = |hint: &str| {
            let mut id = doc.fresh_id(hint);
            let mut n = 2;
            while taken.contains(&id) {
                id = doc.fresh_id(&format!("{hint}-{n}"));
                n += 1;
            }
            taken.push(id.clone());
            id
        };
        let mut renamed: BTreeMap<&str, ComponentId> = BTreeMap::new();
        let mut ops = Vec::new();
        for component in &self.components {
            let Ok(id) = ComponentId::new(fresh(component.id.as_str())) else {
                continue;
            };
            renamed.insert(component.id.as_str(), id.clone());
            let mut copy = component.clone();
            copy.id = id;
            copy.position = Point::new(copy.position.x + offset.x, copy.position.y + offset.y);
            copy.group = copy.group.filter(|g| doc.group(g.as_str()).is_some());
            ops.push(EditOp::AddComponent(Box::new(copy)));
        }
        for connection in &self.connections {
            let (Some(from), Some(to)) = (
                renamed.get(connection.from.as_str()),
                renamed.get(connection.to.as_str()),
            ) else {
                continue;
            };
            let Ok(id) = ConnectionId::new(fresh(&format!("{from}-{to}"))) else {
                continue;
            };
            let mut copy = connection.clone();
            copy.id = id;
            copy.from = from.clone();
            copy.to = to.clone();
            copy.waypoints = copy
                .waypoints
                .iter()
                .map(|p| Point::new(p.x + offset.x, p.y + offset.y))
                .collect();
            ops.push(EditOp::Connect(Box::new(copy)));
        }
        for note in &self.notes {
            let Ok(id) = NoteId::new(fresh(note.id.as_str())) else {
                continue;
            };
            let mut copy = note.clone();
            copy.id = id;
            copy.position = Point::new(copy.position.x + offset.x, copy.position.y + offset.y);
            ops.push(EditOp::AddNote(copy));
        }
        EditOp::Batch(ops)
    }

    /// Ids the paste operation will create, in order, for selecting what was pasted.
    pub fn pasted_ids(op: &EditOp) -> Vec<String> {
        let EditOp::Batch(ops) = op else {
            return Vec::new();
        };
        ops.iter()
            .filter_map(|op| match op {
                EditOp::AddComponent(c) => Some(c.id.to_string()),
                EditOp::AddNote(n) => Some(n.id.to_string()),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::format;

    #[test]
    fn copy_paste_round_trips_through_text() {
        let catalog = Catalog::builtin();
        let sample = crate::samples::sample("ecommerce").expect("sample");
        let mut doc = format::from_str(sample.text, "ecommerce", catalog).expect("loads");
        let fragment = Fragment::from_selection(&doc, ["orders-svc", "orders-db", "bf-note"]);
        assert_eq!(fragment.components.len(), 2);
        assert_eq!(
            fragment.connections.len(),
            1,
            "only the connection between the two"
        );
        let text = fragment.to_text();
        let parsed = Fragment::from_text(&text).expect("parses");
        assert_eq!(parsed, fragment);
        let before = doc.components().len();
        let op = parsed.paste_op(&doc, Point::new(40.0, 40.0));
        let ids = Fragment::pasted_ids(&op);
        assert_eq!(ids, ["orders-svc-2", "orders-db-2", "bf-note-2"]);
        op.apply(&mut doc, catalog).expect("pastes");
        assert_eq!(doc.components().len(), before + 2);
        assert!(doc.connection("orders-svc-2-orders-db-2").is_some());
        assert!(Fragment::from_text("not ron at all").is_err());
    }
}
