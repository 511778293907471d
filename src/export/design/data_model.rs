//! The design document's "Data model" section: each store's entities with their fields,
//! keys and indexes, and the queries each caller makes with the key or index that serves
//! each (the same test PERF004 applies), so a reader sees the access patterns the schema
//! was built for.

use petgraph::Direction;

use super::content::{Block, Line, code, plain, strong, text};
use super::{Context, heading, paragraph, sub_heading};
use crate::model::{Component, Entity, Field};
use crate::rules::counted;

pub(super) fn data_model(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Data model");
    let stores: Vec<&Component> = cx
        .doc
        .components()
        .iter()
        .filter(|c| !c.entities.is_empty())
        .collect();
    if stores.is_empty() {
        paragraph(
            out,
            "The model states no entities yet: list a store's tables or collections under entities, and the queries each caller makes under queries on its database connection.",
        );
        return;
    }
    let entities: usize = stores.iter().map(|s| s.entities.len()).sum();
    let relational = stores
        .iter()
        .filter(|s| cx.graph.kind(s).and_then(|k| k.sql_dialect).is_some())
        .count();
    out.push(Block::Paragraph(vec![
        text(format!(
            "{entities} {} on {}; ",
            if entities == 1 { "entity" } else { "entities" },
            counted(stores.len(), "store")
        )),
        code("archsmith export --format sql"),
        text(format!(
            " writes the tables of the {} relational one{}.",
            relational,
            if relational == 1 { "" } else { "s" }
        )),
    ]));
    if let Some(key) = &cx.doc.meta.tenant_key {
        let carrying = stores
            .iter()
            .flat_map(|s| &s.entities)
            .filter(|e| e.field(key).is_some())
            .count();
        paragraph(
            out,
            format!("Multi-tenant: every entity is to carry {key}; {carrying} of {entities} do."),
        );
    }
    for store in stores {
        store_section(cx, store, out);
    }
}

fn store_section(cx: &Context<'_>, store: &Component, out: &mut Vec<Block>) {
    sub_heading(
        out,
        format!("{} ({})", cx.heading_name(store), cx.kind_label(store)),
    );
    out.push(Block::Table {
        header: vec!["Entity", "Fields", "Key", "Indexes"],
        rows: store.entities.iter().map(entity_row).collect(),
    });
    let mut rows: Vec<Vec<Line>> = Vec::new();
    for connection in cx.graph.connections(store, Direction::Incoming, None) {
        let caller = cx.name_of(connection.from.as_str());
        for query in &connection.queries {
            let served = if query.write {
                plain("(a write)")
            } else {
                match store.entities.iter().find(|e| e.name == query.entity) {
                    Some(entity) => served_by(entity, query),
                    None => plain("-"),
                }
            };
            rows.push(vec![plain(caller.clone()), plain(query.describe()), served]);
        }
    }
    if rows.is_empty() {
        paragraph(out, "No caller states its queries of this store.");
    } else {
        out.push(Block::Table {
            header: vec!["Caller", "Query", "Served by"],
            rows,
        });
    }
}

fn entity_row(entity: &Entity) -> Vec<Line> {
    let fields: Vec<String> = entity.fields.iter().map(field).collect();
    let indexes: Vec<String> = entity
        .indexes
        .iter()
        .map(|i| {
            format!(
                "{}({})",
                if i.unique { "unique " } else { "" },
                i.fields.join(", ")
            )
        })
        .collect();
    let mut name = vec![strong(entity.name.clone())];
    if !entity.description.is_empty() {
        name.push(text(format!(": {}", entity.description)));
    }
    vec![
        name,
        plain(fields.join("; ")),
        plain(entity.key.join(", ")),
        plain(if indexes.is_empty() {
            "-".to_owned()
        } else {
            indexes.join("; ")
        }),
    ]
}

fn field(field: &Field) -> String {
    let mut out = format!("{} {}", field.name, field.ty.as_str());
    if field.nullable {
        out.push_str(" (optional)");
    }
    if field.unique {
        out.push_str(" unique");
    }
    if !field.references.is_empty() {
        out.push_str(&format!(" → {}", field.references));
    }
    out
}

fn served_by(entity: &Entity, query: &crate::model::Query) -> Line {
    if query.served_by(&entity.key) {
        return plain(format!("primary key ({})", entity.key.join(", ")));
    }
    match entity.indexes.iter().find(|i| query.served_by(&i.fields)) {
        Some(index) => plain(format!("index ({})", index.fields.join(", "))),
        None => vec![strong("nothing: a full scan (PERF004)")],
    }
}
