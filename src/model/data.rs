//! The data model: entities (tables, collections) on datastores with their fields, keys and
//! indexes, and the queries each caller makes of them on its database connection. Rules
//! judge the queries against the indexes; the SQL export writes the tables; the design
//! document lists both.

use serde::{Deserialize, Serialize};

use super::document::is_false;

/// A field's type, written in each SQL dialect by the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Uuid,
    Text,
    Int,
    Bigint,
    Decimal,
    Bool,
    Timestamp,
    Date,
    Json,
    Bytes,
}

impl FieldType {
    pub const ALL: [FieldType; 10] = [
        Self::Uuid,
        Self::Text,
        Self::Int,
        Self::Bigint,
        Self::Decimal,
        Self::Bool,
        Self::Timestamp,
        Self::Date,
        Self::Json,
        Self::Bytes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Uuid => "uuid",
            Self::Text => "text",
            Self::Int => "int",
            Self::Bigint => "bigint",
            Self::Decimal => "decimal",
            Self::Bool => "bool",
            Self::Timestamp => "timestamp",
            Self::Date => "date",
            Self::Json => "json",
            Self::Bytes => "bytes",
        }
    }
}

/// One field of an entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub name: String,
    pub ty: FieldType,
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// The field of another entity of the same store it refers to: `customers.id`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub references: String,
}

/// A secondary index: the fields it sorts by, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    pub fields: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
}

/// A table or collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub fields: Vec<Field>,
    /// The primary key's fields, in order.
    pub key: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
}

impl Entity {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Every field order the store can search by: the primary key, then each index.
    pub fn orders(&self) -> impl Iterator<Item = &[String]> {
        std::iter::once(self.key.as_slice()).chain(self.indexes.iter().map(|i| i.fields.as_slice()))
    }
}

/// A query a caller makes of an entity: the fields it matches exactly, the one it reads a
/// range of or sorts by, and whether it writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    pub entity: String,
    /// Fields matched by equality (`customer_id = ?`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by: Vec<String>,
    /// A field read by range or in order (`ORDER BY created_at`), after the `by` fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<String>,
    /// It inserts, updates or deletes rows rather than reading them.
    #[serde(default, skip_serializing_if = "is_false")]
    pub write: bool,
}

impl Query {
    /// Whether an index (or key) ordered by `order` serves this read: its leading fields
    /// are the `by` fields in any order, followed by the `range` field when there is one.
    pub fn served_by(&self, order: &[String]) -> bool {
        if self.by.is_empty() && self.range.is_none() {
            return true;
        }
        if order.len() < self.by.len() {
            return false;
        }
        let (leading, rest) = order.split_at(self.by.len());
        if !self.by.iter().all(|f| leading.contains(f)) {
            return false;
        }
        match &self.range {
            None => true,
            Some(range) => rest.first() == Some(range),
        }
    }

    /// How the query reads in prose: `orders by customer_id, ordered by created_at`.
    pub fn describe(&self) -> String {
        let mut out = self.entity.clone();
        if !self.by.is_empty() {
            out.push_str(&format!(" by {}", self.by.join(", ")));
        }
        if let Some(range) = &self.range {
            out.push_str(&format!(
                "{} range of {range}",
                if self.by.is_empty() { " by" } else { ", a" }
            ));
        }
        if self.write {
            out = format!("writes {out}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(by: &[&str], range: Option<&str>) -> Query {
        Query {
            entity: "orders".into(),
            by: by.iter().map(|s| (*s).to_owned()).collect(),
            range: range.map(str::to_owned),
            write: false,
        }
    }

    fn order(fields: &[&str]) -> Vec<String> {
        fields.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn an_index_serves_equality_fields_in_any_order_then_the_range() {
        let q = query(&["tenant_id", "customer_id"], Some("created_at"));
        assert!(q.served_by(&order(&["customer_id", "tenant_id", "created_at"])));
        assert!(!q.served_by(&order(&["customer_id", "created_at", "tenant_id"])));
        assert!(!q.served_by(&order(&["customer_id", "tenant_id"])));
        assert!(query(&["id"], None).served_by(&order(&["id"])));
        assert!(!query(&["status"], None).served_by(&order(&["id", "status"])));
        assert!(query(&[], Some("created_at")).served_by(&order(&["created_at", "id"])));
    }
}
