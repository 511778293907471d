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
    /// What the caption says where the whole finds no room: the connection's own label
    /// alone, when it has one (see [`crate::view::detail`]), else its kind's short label
    /// ("DB query"), when the kind has one; `None`: the whole caption, cut.
    pub shorter: Option<String>,
    /// Whether the connection says something of its own beyond its kind: such a caption is
    /// never left off a drawing without a trace (see [`super::captions`]).
    pub labelled: bool,
}

/// Every connection whose ends exist, in document order.
pub(crate) fn edges(doc: &Document, catalog: &Catalog) -> Vec<Edge> {
    doc.connections()
        .iter()
        .enumerate()
        .filter_map(|(index, connection)| {
            // Drawn the way what it carries goes (a consume from the broker).
            let (from, to) = catalog.drawn_ends(connection);
            let from = index_of(doc, from.as_str())?;
            let to = index_of(doc, to.as_str())?;
            let style = catalog
                .effective_style(connection)
                .unwrap_or(ConnectionStyle::Sync);
            let kind = catalog.connection_kind(connection.kind.as_str());
            let label = crate::view::caption(
                kind.map_or(connection.kind.as_str(), |k| k.label.as_str()),
                &connection.label,
            );
            let shorter = crate::view::detail(&connection.label).or_else(|| {
                kind.filter(|k| !k.short.is_empty())
                    .map(|k| crate::view::caption(&k.short, &connection.label))
            });
            Some(Edge {
                connection: index,
                from,
                to,
                style,
                label,
                shorter,
                labelled: crate::view::detail(&connection.label).is_some(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format;

    #[test]
    fn a_caption_s_shorter_form_is_the_own_label_else_the_kind_s_short_label() {
        let catalog = Catalog::builtin();
        let text = r#"(
    version: 2,
    meta: (name: "Shorter"),
    components: [
        (id: "api", kind: "service-go", name: "API", position: (x: 0.0, y: 0.0)),
        (id: "db", kind: "postgresql", name: "DB", position: (x: 300.0, y: 0.0)),
        (id: "next", kind: "service-go", name: "Next", position: (x: 300.0, y: 200.0)),
    ],
    connections: [
        (id: "plain", from: "api", to: "db", kind: "db_query"),
        (id: "own", from: "api", to: "db", kind: "db_query", label: "search"),
        (id: "step", from: "api", to: "db", kind: "db_query", label: "3."),
        (id: "short-kind", from: "api", to: "next", kind: "grpc"),
    ],
)
"#;
        let doc = format::from_str(text, "model.ron", catalog).expect("loads");
        let shorter: Vec<(String, Option<String>)> = edges(&doc, catalog)
            .into_iter()
            .map(|e| (e.label, e.shorter))
            .collect();
        let says =
            |label: &str, shorter: Option<&str>| (label.to_owned(), shorter.map(str::to_owned));
        assert_eq!(
            shorter,
            // In the document's order: by id.
            [
                says("Database query: search", Some("search")),
                says("Database query", Some("DB query")),
                says("gRPC", None),
                says("3. Database query", Some("3. DB query")),
            ]
        );
    }
}
