//! SEC006: a datastore without encryption at rest.

use crate::catalog::Trait;
use crate::edit::EditOp;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags stateful datastores, brokers and caches whose data is not encrypted at rest, as
    /// deployed: `encryption_at_rest` when the model sets it, else what the managed service on
    /// the target cloud does (RDS, ElastiCache and DocumentDB are encrypted by the skeleton,
    /// S3, Cloud SQL or MSK always are), else off.
    ///
    /// ## Why it matters
    /// Disks, snapshots and backups get copied, shared and lost. Encryption at rest makes a leaked
    /// snapshot useless, and most compliance regimes require it.
    ///
    /// ## Example
    /// `orders-db` (PostgreSQL) with the default `encryption_at_rest: false`.
    ///
    /// ## How to fix
    /// Turn on encryption at rest (the quick fix does), with a KMS key you control.
    pub struct UnencryptedDatastore;
    id: "SEC006",
    name: "datastore-not-encrypted",
    category: Security,
    severity: Warning,
}

impl Rule for UnencryptedDatastore {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for component in cx
            .graph
            .of_kinds(|k| k.has(Trait::Stateful) && k.property("encryption_at_rest").is_some())
        {
            if cx.facts().encrypted_at_rest(component) != Some(false) {
                continue;
            }
            let mut finding = cx.finding(
                format!("{} does not encrypt data at rest", component.name),
                vec![component.id.as_str().to_owned()],
                "set encryption_at_rest, with a KMS key you control",
            );
            finding.quick_fix = Some(vec![EditOp::set_property(
                &component.id,
                "encryption_at_rest",
                true,
            )]);
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, assert_quick_fixes_resolve, render, run};

    #[test]
    fn passes_when_encrypted() {
        let doc = Fixture::new()
            .component("db", "postgresql", &[("encryption_at_rest", true.into())])
            .component("cache", "memcached", &[])
            .build();
        assert!(run(&UnencryptedDatastore, &doc).is_empty());
    }

    #[test]
    fn fails_when_not() {
        let doc = Fixture::new()
            .component("db", "postgresql", &[])
            .component("events", "kafka", &[])
            .build();
        insta::assert_snapshot!(render(&run(&UnencryptedDatastore, &doc)));
        assert_quick_fixes_resolve(&UnencryptedDatastore, &doc);
    }
}
