//! The data model's shape: entities only on datastores, with identifier names the SQL
//! export writes unchanged, a primary key and indexes over fields they have, references to
//! fields of the same store; queries only on connections that carry them, naming entities
//! and fields the target keeps.

use rustc_hash::FxHashSet;

use super::operations::is_identifier;
use super::{Problem, check_description};
use crate::export::MAX_SQL_IDENTIFIER as MAX_IDENTIFIER;
use crate::model::{Component, Connection, Entity, FieldType};
use crate::text::echo;

/// Most entities a store, or fields an entity, may declare: beyond this a model is a
/// schema dump, not a design.
pub const MAX_ENTITIES: usize = 1_000;

pub(super) fn check_entities(component: &Component, is_datastore: bool, out: &mut Vec<Problem>) {
    let id = component.id.as_str();
    let problem = |entity: &str, reason: String| Problem::BadEntity {
        element: id.to_owned(),
        entity: entity.to_owned(),
        reason,
    };
    if !is_datastore {
        if let Some(entity) = component.entities.first() {
            out.push(problem(
                &entity.name,
                format!(
                    "only datastores keep entities, and `{}` is not one",
                    echo(component.kind.as_str())
                ),
            ));
        }
        return;
    }
    if component.entities.len() > MAX_ENTITIES {
        out.push(problem("", format!("more than {MAX_ENTITIES} entities")));
        return;
    }
    let mut names = FxHashSet::default();
    for entity in &component.entities {
        let name = entity.name.as_str();
        if !is_identifier(name) || name.len() > MAX_IDENTIFIER {
            out.push(problem(
                name,
                format!("the name must be an identifier (letters, digits and `_`) of at most {MAX_IDENTIFIER} characters, as SQL tables are"),
            ));
            continue;
        }
        if !names.insert(name) {
            out.push(problem(
                name,
                "the name is used twice in this store".to_owned(),
            ));
        }
        check_description(id, "entities", &entity.description, out);
        if let Err(reason) = check_entity(component, entity) {
            out.push(problem(name, reason));
        }
    }
}

fn check_entity(store: &Component, entity: &Entity) -> Result<(), String> {
    if entity.fields.is_empty() || entity.fields.len() > MAX_ENTITIES {
        return Err(format!("needs between 1 and {MAX_ENTITIES} fields"));
    }
    let mut fields = FxHashSet::default();
    for field in &entity.fields {
        if !is_identifier(&field.name) || field.name.len() > MAX_IDENTIFIER {
            return Err(format!(
                "the field `{}` is not an identifier (letters, digits and `_`) of at most {MAX_IDENTIFIER} characters",
                echo(&field.name)
            ));
        }
        if !fields.insert(field.name.as_str()) {
            return Err(format!("the field `{}` is declared twice", field.name));
        }
        if !field.references.is_empty() {
            let target = field.references.split_once('.').and_then(|(entity, name)| {
                let entity = store.entities.iter().find(|e| e.name == entity)?;
                Some((entity, entity.field(name)?))
            });
            let Some((target_entity, target)) = target else {
                return Err(format!(
                    "the field `{}` refers to `{}`, which is not `entity.field` of this store",
                    field.name,
                    echo(&field.references)
                ));
            };
            let identifies = target.unique || target_entity.key == [target.name.clone()];
            if !identifies || target.ty != field.ty {
                return Err(format!(
                    "the field `{}` refers to `{}`, which must be a unique field or the whole primary key, of the same type",
                    field.name,
                    echo(&field.references)
                ));
            }
        }
    }
    if entity.key.is_empty() {
        return Err("needs a primary key (`key: [\"id\"]`)".to_owned());
    }
    let known = |name: &String| entity.field(name).is_some();
    if let Some(missing) = entity.key.iter().find(|f| !known(f)) {
        return Err(format!(
            "the key names `{}`, which is not one of its fields",
            echo(missing)
        ));
    }
    for index in &entity.indexes {
        if index.fields.is_empty() {
            return Err("an index needs at least one field".to_owned());
        }
        if let Some(missing) = index.fields.iter().find(|f| !known(f)) {
            return Err(format!(
                "an index names `{}`, which is not one of its fields",
                echo(missing)
            ));
        }
    }
    // Documents and blobs are not ordered: no store keys or indexes them directly.
    let unordered = entity
        .orders()
        .flatten()
        .chain(entity.fields.iter().filter(|f| f.unique).map(|f| &f.name))
        .filter_map(|name| entity.field(name))
        .find(|f| matches!(f.ty, FieldType::Json | FieldType::Bytes));
    if let Some(field) = unordered {
        return Err(format!(
            "the field `{}` is {}, which cannot be a key, unique or indexed",
            field.name,
            field.ty.as_str()
        ));
    }
    Ok(())
}

/// A connection's queries: only on kinds that carry them, each naming an entity of the
/// target (when the target is known) and fields of that entity.
pub(crate) fn check_queries(
    connection: &Connection,
    target: Option<&Component>,
    carries_queries: bool,
    out: &mut Vec<Problem>,
) {
    let id = connection.id.as_str();
    let problem = |query: &str, reason: String| Problem::BadQuery {
        element: id.to_owned(),
        query: query.to_owned(),
        reason,
    };
    let Some(first) = connection.queries.first() else {
        return;
    };
    if !carries_queries {
        out.push(problem(
            &first.entity,
            format!(
                "`{}` connections carry no queries; queries go on database calls",
                echo(connection.kind.as_str())
            ),
        ));
        return;
    }
    let Some(target) = target else {
        return;
    };
    for query in &connection.queries {
        let Some(entity) = target.entities.iter().find(|e| e.name == query.entity) else {
            out.push(problem(
                &query.entity,
                format!("`{}` keeps no entity of that name", echo(&target.name)),
            ));
            continue;
        };
        if let Some(missing) = query
            .by
            .iter()
            .chain(&query.range)
            .find(|f| entity.field(f).is_none())
        {
            out.push(problem(
                &query.entity,
                format!("`{}` is not a field of `{}`", echo(missing), entity.name),
            ));
        }
    }
}
