//! SEC008: a call between bounded contexts with no authentication.

use crate::graph::ArchGraph;
use crate::model::{AuthMode, Component, GroupKind};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags synchronous service-to-service calls that cross from one bounded context into
    /// another with `auth: none`. Hops into a trust zone are SEC012's, whatever the caller.
    ///
    /// ## Why it matters
    /// Inside a context a team trusts its own services; across contexts, "it came from inside
    /// the network" is not an identity. Without mTLS or tokens any compromised service can call
    /// any other.
    ///
    /// ## Example
    /// `checkout` (Orders context) calling `ledger` (Finance context) over gRPC with no auth.
    ///
    /// ## How to fix
    /// Authenticate the caller with mutual TLS (the quick fix sets it) or service tokens.
    pub struct CrossContextWithoutAuth;
    id: "SEC008",
    name: "cross-context-call-without-auth",
    category: Security,
    severity: Warning,
}

fn context<'a>(graph: &ArchGraph<'a>, component: &Component) -> Option<&'a str> {
    graph
        .zone(component, GroupKind::BoundedContext)
        .map(|g| g.id.as_str())
}

impl Rule for CrossContextWithoutAuth {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for connection in cx
            .graph
            .connections_where(|link| link.auth() == AuthMode::None && link.is_sync())
        {
            let Some((from, to)) = cx.graph.endpoints(connection) else {
                continue;
            };
            let both_services = [from, to]
                .iter()
                .all(|c| cx.has_trait(c, crate::catalog::Trait::Compute));
            // A hop into a trust zone is SEC012's: one defect, one finding.
            if !both_services
                || cx.graph.share_groups(from, to)
                || cx.graph.trust_zone_entered(from, to).is_some()
            {
                continue;
            }
            let (from_context, to_context) = (context(cx.graph, from), context(cx.graph, to));
            if from_context == to_context || from_context.is_none() && to_context.is_none() {
                continue;
            }
            let mut finding = cx.finding(
                format!(
                    "{} calls {} in another bounded context without authentication",
                    from.name, to.name
                ),
                vec![connection.id.as_str().to_owned()],
                "authenticate the caller with mutual TLS or service tokens",
            );
            finding.quick_fix = Some(super::require_mtls(connection));
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, assert_quick_fixes_resolve, render, run};

    fn doc(auth: AuthMode) -> crate::model::Document {
        Fixture::new()
            .group("orders", GroupKind::BoundedContext, None)
            .group("finance", GroupKind::BoundedContext, None)
            .component("checkout", "service-java", &[])
            .component("ledger", "service-rust", &[])
            .in_group("checkout", "orders")
            .in_group("ledger", "finance")
            .connect_with("checkout", "ledger", "grpc", |c| c.auth = auth)
            .build()
    }

    #[test]
    fn passes_with_mtls() {
        assert!(run(&CrossContextWithoutAuth, &doc(AuthMode::Mtls)).is_empty());
    }

    #[test]
    fn leaves_a_hop_into_a_trust_zone_to_sec012() {
        let doc = Fixture::new()
            .group("orders", GroupKind::BoundedContext, None)
            .group("finance", GroupKind::BoundedContext, None)
            .group("pci", GroupKind::TrustZone, None)
            .component("checkout", "service-java", &[])
            .component("ledger", "service-rust", &[])
            .in_group("checkout", "orders")
            .in_group("ledger", "finance")
            .member_of("ledger", &["pci"])
            .connect_with("checkout", "ledger", "grpc", |c| c.auth = AuthMode::None)
            .build();
        assert!(run(&CrossContextWithoutAuth, &doc).is_empty());
        let zone_entry = run(
            &crate::rules::unauthenticated_trust_zone_entry::UnauthenticatedTrustZoneEntry,
            &doc,
        );
        assert_eq!(zone_entry.len(), 1);
    }

    #[test]
    fn fails_without_auth() {
        insta::assert_snapshot!(render(&run(&CrossContextWithoutAuth, &doc(AuthMode::None))));
        assert_quick_fixes_resolve(&CrossContextWithoutAuth, &doc(AuthMode::None));
    }
}
