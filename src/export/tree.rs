//! The nesting of boundaries and components, shared by the diagram exporters, with short
//! stable node names (`n3`, `g1`) derived from positions so that user ids never reach syntax.

use crate::catalog::{Catalog, ConnectionStyle};
use crate::model::{Component, Document, Group};

/// Node name of the component at `index` in the document.
pub(crate) fn node(index: usize) -> String {
    format!("n{index}")
}

/// Node name of the group at `index` in the document.
pub(crate) fn group_node(index: usize) -> String {
    format!("g{index}")
}

/// Groups whose parent is `parent` (top level when `None`), with their positions.
pub(crate) fn child_groups<'a>(doc: &'a Document, parent: Option<&str>) -> Vec<(usize, &'a Group)> {
    doc.groups()
        .iter()
        .enumerate()
        .filter(|(_, g)| g.parent.as_ref().map(|p| p.as_str()) == parent)
        .collect()
}

/// Components drawn directly in `group` (outside every group when `None`; see
/// [`Document::drawn_in`]), with their positions.
pub(crate) fn members<'a>(doc: &'a Document, group: Option<&str>) -> Vec<(usize, &'a Component)> {
    doc.components()
        .iter()
        .enumerate()
        .filter(|(_, c)| doc.drawn_in(c).map(|g| g.as_str()) == group)
        .collect()
}

/// Position of a component by id.
pub(crate) fn index_of(doc: &Document, id: &str) -> Option<usize> {
    doc.component_index(id)
}

/// A connection as diagrams draw it: endpoint positions, how it behaves, and its caption.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Edge {
    /// Position of the connection in the document.
    pub connection: usize,
    pub from: usize,
    pub to: usize,
    /// Sync when the caller waits (the connection's override, else its kind).
    pub style: ConnectionStyle,
    /// The kind's label, then the connection's own label.
    pub label: String,
    /// The connection's own label alone, when it has one (see [`crate::view::detail`]).
    pub detail: Option<String>,
}

/// Every connection whose ends exist, in document order.
pub(crate) fn edges(doc: &Document, catalog: &Catalog) -> Vec<Edge> {
    doc.connections()
        .iter()
        .enumerate()
        .filter_map(|(index, connection)| {
            let from = index_of(doc, connection.from.as_str())?;
            let to = index_of(doc, connection.to.as_str())?;
            let style = if catalog.is_sync(connection) {
                ConnectionStyle::Sync
            } else {
                catalog.style(connection).unwrap_or(ConnectionStyle::Sync)
            };
            let kind = catalog
                .connection_kind(connection.kind.as_str())
                .map_or(connection.kind.as_str(), |k| k.label.as_str());
            let label = crate::view::caption(kind, &connection.label);
            Some(Edge {
                connection: index,
                from,
                to,
                style,
                label,
                detail: crate::view::detail(&connection.label),
            })
        })
        .collect()
}

/// One step of a depth-first walk over the nesting of boundaries and components. `parent` is
/// the position of the enclosing boundary; `depth` counts the boundaries around the step.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step<'a> {
    Component {
        index: usize,
        component: &'a Component,
        parent: Option<usize>,
    },
    Enter {
        index: usize,
        group: &'a Group,
        parent: Option<usize>,
    },
    Leave,
}

/// Visits each boundary level: its components, then each child boundary between an `Enter`
/// and a `Leave`. Every nested text format is this walk with its own syntax.
pub(crate) fn walk<'a>(doc: &'a Document, visit: &mut dyn FnMut(Step<'a>, usize)) {
    fn level<'a>(
        doc: &'a Document,
        parent: Option<(usize, &'a str)>,
        depth: usize,
        visit: &mut dyn FnMut(Step<'a>, usize),
    ) {
        let (parent_index, parent_id) = (parent.map(|p| p.0), parent.map(|p| p.1));
        for (index, component) in members(doc, parent_id) {
            visit(
                Step::Component {
                    index,
                    component,
                    parent: parent_index,
                },
                depth,
            );
        }
        for (index, group) in child_groups(doc, parent_id) {
            visit(
                Step::Enter {
                    index,
                    group,
                    parent: parent_index,
                },
                depth,
            );
            level(doc, Some((index, group.id.as_str())), depth + 1, visit);
            visit(Step::Leave, depth);
        }
    }
    level(doc, None, 0, visit);
}
