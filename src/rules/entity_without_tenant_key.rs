//! SEC013: in a multi-tenant model, an entity without the tenant key.

use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// When the model names its tenant key (`meta: (tenant_key: "tenant_id")`), flags every
    /// entity that has no field of that name, and every index or key of an entity that has
    /// one but does not lead with it.
    ///
    /// ## Why it matters
    /// Tenant isolation in a shared schema rests on every row carrying its tenant and every
    /// query filtering by it. A table without the key cannot be filtered, so one tenant's
    /// request can read another's rows; an index that does not start with it serves
    /// cross-tenant scans and row-level security policies poorly.
    ///
    /// ## Example
    /// `invoices` on the billing database has `id`, `customer_id` and `total`, but no
    /// `tenant_id`.
    ///
    /// ## How to fix
    /// Add the tenant key to the entity and lead its indexes with it (or, for data shared by
    /// every tenant, move it to a store of its own).
    pub struct EntityWithoutTenantKey;
    id: "SEC013",
    name: "entity-without-tenant-key",
    category: Security,
    severity: Warning,
}

impl Rule for EntityWithoutTenantKey {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let doc = cx.graph.document();
        let Some(key) = doc.meta.tenant_key.as_deref() else {
            return;
        };
        for store in doc.components().iter().filter(|c| !c.entities.is_empty()) {
            for entity in &store.entities {
                if entity.field(key).is_none() {
                    out.push(cx.finding(
                        format!(
                            "{} on {} has no {key}: its rows belong to no tenant",
                            entity.name, store.name
                        ),
                        vec![store.id.to_string()],
                        format!("add {key} to {} and filter every query by it", entity.name),
                    ));
                    continue;
                }
                let unled: Vec<String> = entity
                    .indexes
                    .iter()
                    .filter(|i| i.fields.first().map(String::as_str) != Some(key))
                    .map(|i| i.fields.join(", "))
                    .collect();
                if !unled.is_empty() {
                    out.push(cx.finding(
                        format!(
                            "{} on {} has indexes that do not start with {key}: ({})",
                            entity.name,
                            store.name,
                            unled.join("), (")
                        ),
                        vec![store.id.to_string()],
                        format!("lead each index of {} with {key}", entity.name),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FieldType, Index};
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(with_key: bool) -> crate::model::Document {
        let mut fields = vec![("id", FieldType::Uuid), ("customer_id", FieldType::Uuid)];
        if with_key {
            fields.push(("tenant_id", FieldType::Uuid));
        }
        let mut invoices = Fixture::entity("invoices", &fields);
        invoices.indexes.push(Index {
            fields: if with_key {
                vec!["tenant_id".into(), "customer_id".into()]
            } else {
                vec!["customer_id".into()]
            },
            unique: false,
        });
        let mut doc = Fixture::new()
            .component("db", "postgresql", &[])
            .entities("db", vec![invoices])
            .build();
        doc.meta.tenant_key = Some("tenant_id".into());
        doc
    }

    #[test]
    fn passes_when_every_entity_carries_and_leads_with_the_key() {
        assert!(run(&EntityWithoutTenantKey, &doc(true)).is_empty());
    }

    #[test]
    fn fails_when_an_entity_lacks_the_key() {
        insta::assert_snapshot!(render(&run(&EntityWithoutTenantKey, &doc(false))));
    }
}
