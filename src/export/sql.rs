//! SQL DDL for every relational store with entities: `orders-db.sql` in the store's
//! dialect (PostgreSQL or MySQL, from the catalog), with each table, its primary key and
//! unique fields, its indexes, and the foreign keys its references state (added after every
//! table exists, so order and cycles do not matter).
//!
//! Table and column names are identifiers (the loader checks them) and are always quoted,
//! so a reserved word (`order`, `user`) is still a name. Descriptions are string literals
//! with their quotes (and, for MySQL, backslashes) doubled.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::listing::{Listed, readme};
use super::{ExportError, ExportOptions, Exported, Exporter, Format, Output};
use crate::catalog::{Catalog, SqlDialect};
use crate::graph::ArchGraph;
use crate::model::{Component, Document, Entity, FieldType};
use crate::rules::counted;

#[derive(Debug)]
pub struct SqlExporter;

/// The longest identifier both dialects keep whole (PostgreSQL truncates at 63 bytes).
pub const MAX_IDENTIFIER: usize = 63;

impl Exporter for SqlExporter {
    fn format(&self) -> &'static Format {
        &Format {
            id: "sql",
            label: "SQL DDL (one per relational store)",
            extension: None,
        }
    }

    fn export_noted(
        &self,
        doc: &Document,
        catalog: &Catalog,
        _options: &ExportOptions,
    ) -> Result<Exported, ExportError> {
        let graph = ArchGraph::new(doc, catalog);
        let mut files = BTreeMap::new();
        let mut listed = Vec::new();
        let mut notes = Vec::new();
        for store in doc.components() {
            let Some(kind) = graph.kind(store) else {
                continue;
            };
            if store.entities.is_empty() {
                continue;
            }
            let Some(dialect) = kind.sql_dialect else {
                notes.push(format!(
                    "{}: {} is not a SQL store; its entities are in the design document",
                    store.name, kind.label,
                ));
                continue;
            };
            let file = format!("{}.sql", store.id);
            listed.push(Listed {
                file: file.clone(),
                of: store.name.clone(),
                version: String::new(),
                holds: format!(
                    "{} ({})",
                    counted(store.entities.len(), "table"),
                    dialect.label()
                ),
            });
            files.insert(file, ddl(store, dialect).into_bytes());
        }
        files.insert(
            "README.md".to_owned(),
            readme("SQL schemas", &doc.meta.name, "Tables of", &listed, &notes),
        );
        Ok(Exported {
            output: Output::Folder(files),
            notes,
        })
    }
}

fn quote(dialect: SqlDialect, name: &str) -> String {
    match dialect {
        SqlDialect::Postgresql => format!("\"{name}\""),
        SqlDialect::Mysql => format!("`{name}`"),
    }
}

/// A string literal: quotes doubled, and for MySQL, whose strings treat `\` as an escape,
/// backslashes too.
fn literal(dialect: SqlDialect, text: &str) -> String {
    let mut escaped = text.replace('\'', "''");
    if dialect == SqlDialect::Mysql {
        escaped = escaped.replace('\\', "\\\\");
    }
    format!("'{escaped}'")
}

fn column_type(dialect: SqlDialect, ty: FieldType) -> &'static str {
    match (dialect, ty) {
        (SqlDialect::Postgresql, FieldType::Uuid) => "uuid",
        (SqlDialect::Postgresql, FieldType::Text) => "text",
        (SqlDialect::Postgresql, FieldType::Int) => "integer",
        (SqlDialect::Postgresql, FieldType::Bigint) => "bigint",
        (SqlDialect::Postgresql, FieldType::Decimal) => "numeric(19, 4)",
        (SqlDialect::Postgresql, FieldType::Bool) => "boolean",
        (SqlDialect::Postgresql, FieldType::Timestamp) => "timestamptz",
        (SqlDialect::Postgresql, FieldType::Date) => "date",
        (SqlDialect::Postgresql, FieldType::Json) => "jsonb",
        (SqlDialect::Postgresql, FieldType::Bytes) => "bytea",
        (SqlDialect::Mysql, FieldType::Uuid) => "CHAR(36)",
        // TEXT cannot be keyed or indexed without a prefix length in MySQL.
        (SqlDialect::Mysql, FieldType::Text) => "VARCHAR(255)",
        (SqlDialect::Mysql, FieldType::Int) => "INT",
        (SqlDialect::Mysql, FieldType::Bigint) => "BIGINT",
        (SqlDialect::Mysql, FieldType::Decimal) => "DECIMAL(19, 4)",
        (SqlDialect::Mysql, FieldType::Bool) => "BOOLEAN",
        (SqlDialect::Mysql, FieldType::Timestamp) => "DATETIME(6)",
        (SqlDialect::Mysql, FieldType::Date) => "DATE",
        (SqlDialect::Mysql, FieldType::Json) => "JSON",
        (SqlDialect::Mysql, FieldType::Bytes) => "LONGBLOB",
    }
}

/// A constraint or index name from its parts, kept within [`MAX_IDENTIFIER`]: a long one
/// is cut and ends in a hash of the whole, so two long names stay distinct.
pub(crate) fn constraint_name(parts: &[&str], suffix: &str) -> String {
    let whole = format!("{}_{suffix}", parts.join("_"));
    if whole.len() <= MAX_IDENTIFIER {
        return whole;
    }
    // FNV-1a: stable across runs and platforms, so exports stay deterministic.
    let hash = whole.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let keep = MAX_IDENTIFIER - suffix.len() - 10;
    format!("{}_{:08x}_{suffix}", &whole[..keep], hash as u32)
}

fn list(dialect: SqlDialect, names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote(dialect, n))
        .collect::<Vec<_>>()
        .join(", ")
}

fn ddl(store: &Component, dialect: SqlDialect) -> String {
    let q = |name: &str| quote(dialect, name);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "-- Generated by Archsmith from the model; edit the model, not this file.\n-- The tables of {} ({}).\n",
        one_line(&store.name),
        dialect.label()
    );
    let mut foreign_keys = Vec::new();
    for entity in &store.entities {
        let table = q(&entity.name);
        let _ = writeln!(out, "CREATE TABLE {table} (");
        let mut lines: Vec<String> = entity
            .fields
            .iter()
            .map(|f| {
                format!(
                    "    {} {}{}",
                    q(&f.name),
                    column_type(dialect, f.ty),
                    if f.nullable { "" } else { " NOT NULL" }
                )
            })
            .collect();
        lines.push(format!(
            "    CONSTRAINT {} PRIMARY KEY ({})",
            q(&constraint_name(&[&entity.name], "pkey")),
            list(dialect, &entity.key)
        ));
        for field in entity.fields.iter().filter(|f| f.unique) {
            lines.push(format!(
                "    CONSTRAINT {} UNIQUE ({})",
                q(&constraint_name(&[&entity.name, &field.name], "key")),
                q(&field.name)
            ));
        }
        out.push_str(&lines.join(",\n"));
        match dialect {
            SqlDialect::Postgresql => out.push_str("\n);\n"),
            SqlDialect::Mysql => {
                out.push_str("\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
                if !entity.description.is_empty() {
                    let _ = write!(out, " COMMENT={}", literal(dialect, &entity.description));
                }
                out.push_str(";\n");
            }
        }
        if dialect == SqlDialect::Postgresql && !entity.description.is_empty() {
            let _ = writeln!(
                out,
                "COMMENT ON TABLE {table} IS {};",
                literal(dialect, &entity.description)
            );
        }
        for index in &entity.indexes {
            let mut parts: Vec<&str> = vec![&entity.name];
            parts.extend(index.fields.iter().map(String::as_str));
            let _ = writeln!(
                out,
                "CREATE {}INDEX {} ON {table} ({});",
                if index.unique { "UNIQUE " } else { "" },
                q(&constraint_name(&parts, "idx")),
                list(dialect, &index.fields)
            );
        }
        out.push('\n');
        foreign_keys.extend(references(entity));
    }
    for (entity, field, target_entity, target_field) in foreign_keys {
        let _ = writeln!(
            out,
            "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({});",
            q(entity),
            q(&constraint_name(&[entity, field], "fkey")),
            q(field),
            q(target_entity),
            q(target_field)
        );
    }
    out
}

/// Each reference of an entity's fields: (entity, field, target entity, target field).
fn references(entity: &Entity) -> Vec<(&str, &str, &str, &str)> {
    entity
        .fields
        .iter()
        .filter_map(|f| {
            let (target, target_field) = f.references.split_once('.')?;
            Some((entity.name.as_str(), f.name.as_str(), target, target_field))
        })
        .collect()
}

/// User text for a `--` comment: one line, control characters as spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_to_what_both_dialects_keep_and_stay_distinct() {
        let long = "a".repeat(60);
        let one = constraint_name(&[&long, "customer_id"], "idx");
        let two = constraint_name(&[&long, "created_at"], "idx");
        assert!(one.len() <= MAX_IDENTIFIER && two.len() <= MAX_IDENTIFIER);
        assert_ne!(one, two);
        assert_eq!(constraint_name(&["orders", "id"], "idx"), "orders_id_idx");
    }

    #[test]
    fn literals_cannot_end_early() {
        assert_eq!(literal(SqlDialect::Postgresql, "it's \\"), "'it''s \\'");
        assert_eq!(literal(SqlDialect::Mysql, "it's \\"), "'it''s \\\\'");
    }
}
