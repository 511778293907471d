//! SEC001: a datastore placed in a public subnet.

use crate::catalog::Trait;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags datastores (databases, caches with state, search clusters, warehouses) whose boundary,
    /// or any boundary around it, is a public subnet.
    ///
    /// ## Why it matters
    /// A public subnet routes to the internet. A datastore there is one security-group mistake away
    /// from being reachable by anyone; data should sit in private subnets behind the service tier.
    ///
    /// ## Example
    /// `orders-db` (PostgreSQL) inside `public-a` (public subnet).
    ///
    /// ## How to fix
    /// Move the datastore into a private subnet and let only the services that use it connect.
    pub struct DatastoreInPublicSubnet;
    id: "SEC001",
    name: "datastore-in-public-subnet",
    category: Security,
    severity: Error,
}

impl Rule for DatastoreInPublicSubnet {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for component in cx
            .graph
            .of_kinds(|k| k.has(Trait::Datastore) || k.has(Trait::Cache))
        {
            if let Some(place) = cx.public_subnet_of(component) {
                out.push(cx.finding(
                    format!("{} sits in {place}", component.name),
                    vec![component.id.as_str().to_owned()],
                    "move it into a private subnet; only the service tier should reach it",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GroupKind;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(subnet: GroupKind) -> crate::model::Document {
        Fixture::new()
            .group("vpc", GroupKind::Vpc, None)
            .group("net", subnet, Some("vpc"))
            .component("db", "postgresql", &[])
            .in_group("db", "net")
            .build()
    }

    #[test]
    fn passes_in_a_private_subnet() {
        assert!(run(&DatastoreInPublicSubnet, &doc(GroupKind::PrivateSubnet)).is_empty());
    }

    #[test]
    fn a_subnet_named_for_what_it_is_is_not_named_twice() {
        let doc = Fixture::new()
            .group("edge", GroupKind::PublicSubnet, None)
            .component("db", "postgresql", &[])
            .in_group("db", "edge")
            .build();
        let findings = run(&DatastoreInPublicSubnet, &doc);
        assert!(
            findings[0]
                .message
                .ends_with("sits in the public subnet edge"),
            "{}",
            findings[0].message
        );
        let mut named = doc.clone();
        if let Some(group) = named.groups.first_mut() {
            group.name = "Public subnets".into();
        }
        let findings = run(&DatastoreInPublicSubnet, &named);
        assert!(
            findings[0].message.ends_with("sits in Public subnets"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn fails_in_a_public_subnet() {
        insta::assert_snapshot!(render(&run(
            &DatastoreInPublicSubnet,
            &doc(GroupKind::PublicSubnet)
        )));
    }
}
