//! REL013: writes sent to a read replica or standby.

use crate::analysis::recovery::replica_writes;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags `db_query` connections that write (`access` `write` or `read_write`, the
    /// default) to a store that is the target of a `replication` connection: a read replica
    /// or a standby.
    ///
    /// ## Why it matters
    /// Replicas are read-only: writes fail outright, or, on engines that accept them, diverge
    /// from the primary and are lost at the next resync or failover.
    ///
    /// ## Example
    /// `reports -> orders-replica` (db_query, `access: read_write`) with
    /// `orders-db -> orders-replica` (replication).
    ///
    /// ## How to fix
    /// Send the writes to the primary, and mark the replica's connection `access: read`.
    pub struct WriterOnReplica;
    id: "REL013",
    name: "writer-on-read-replica",
    category: Reliability,
    severity: Error,
}

impl Rule for WriterOnReplica {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for write in replica_writes(cx.graph, &cx.facts()) {
            out.push(cx.finding(
                format!(
                    "{} writes to {}, a replica of {}",
                    write.writer.name, write.replica.name, write.primary.name
                ),
                vec![write.connection.id.as_str().to_owned()],
                "send writes to the primary and mark this connection access: read",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(access: &'static str) -> crate::model::Document {
        Fixture::new()
            .component("db", "postgresql", &[])
            .component("replica", "postgresql", &[])
            .component("reports", "service-go", &[])
            .connect("db", "replica", "replication")
            .connect_with("reports", "replica", "db_query", move |c| {
                c.properties.insert("access".into(), access.into());
            })
            .build()
    }

    #[test]
    fn passes_when_it_only_reads() {
        assert!(run(&WriterOnReplica, &doc("read")).is_empty());
    }

    #[test]
    fn fails_when_it_writes() {
        insta::assert_snapshot!(render(&run(&WriterOnReplica, &doc("read_write"))));
    }
}
