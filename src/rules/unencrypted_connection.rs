//! SEC002: plaintext traffic that crosses a trust boundary or comes from outside.

use crate::catalog::{ConnectionStyle, Trait};
use crate::edit::{ConnectionField, EditOp};
use crate::graph::ArchGraph;
use crate::model::{Component, GroupKind};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags connections without TLS that start at a client or external system, or that cross from
    /// one trust zone, bounded context or network to another (public subnet to private, zone to
    /// zone).
    ///
    /// ## Why it matters
    /// Traffic that leaves its zone travels over networks you do not control alone: credentials and
    /// personal data can be read or altered on the way.
    ///
    /// ## Example
    /// `browser -> lb` over plain HTTP, or `payments-api` (PCI zone) calling `reporting` over gRPC
    /// without TLS.
    ///
    /// ## How to fix
    /// Enable TLS on the connection (the quick fix does), or mutual TLS between services.
    pub struct UnencryptedConnection;
    id: "SEC002",
    name: "unencrypted-boundary-crossing",
    category: Security,
    severity: Error,
}

/// The zones a component belongs to: trust zones, contexts and subnets around it.
fn zones<'a, 's>(
    graph: &'s ArchGraph<'a>,
    component: &'s Component,
) -> impl Iterator<Item = &'a str> + 's {
    graph
        .belongs_to(component)
        .filter(|g| {
            matches!(
                g.kind,
                GroupKind::TrustZone
                    | GroupKind::BoundedContext
                    | GroupKind::PublicSubnet
                    | GroupKind::PrivateSubnet
            )
        })
        .map(|g| g.id.as_str())
}

impl Rule for UnencryptedConnection {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        // Telemetry is judged by its own rules, and plain DNS has no TLS to turn on.
        for connection in cx.graph.connections_where(|link| {
            !link.tls()
                && link.style() != Some(ConnectionStyle::Telemetry)
                && !cx.graph.link_is(link, "dns")
        }) {
            let Some((from, to)) = cx.graph.endpoints(connection) else {
                continue;
            };
            let outside = cx.has_trait(from, Trait::Client)
                || cx.has_trait(from, Trait::External)
                || cx.has_trait(to, Trait::External);
            let crosses =
                !cx.graph.share_groups(from, to) && !zones(cx.graph, from).eq(zones(cx.graph, to));
            if !(outside || crosses) {
                continue;
            }
            let why = if outside {
                "comes from or goes outside the system"
            } else {
                "crosses a trust boundary"
            };
            let mut finding = cx.finding(
                format!("{} → {} is not encrypted and {why}", from.name, to.name),
                vec![connection.id.as_str().to_owned()],
                "enable TLS on the connection",
            );
            finding.quick_fix = Some(vec![EditOp::SetConnectionField {
                id: connection.id.clone(),
                field: ConnectionField::Tls(true),
            }]);
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, assert_quick_fixes_resolve, render, run};

    fn doc(tls: bool) -> crate::model::Document {
        Fixture::new()
            .group("pci", GroupKind::TrustZone, None)
            .component("browser", "web-client", &[])
            .component("api", "service-go", &[])
            .component("reports", "service-python", &[])
            .in_group("api", "pci")
            .connect_with("browser", "api", "http", |c| c.tls = tls)
            .connect_with("api", "reports", "grpc", |c| c.tls = tls)
            .build()
    }

    #[test]
    fn passes_with_tls() {
        assert!(run(&UnencryptedConnection, &doc(true)).is_empty());
    }

    #[test]
    fn fails_without_tls() {
        insta::assert_snapshot!(render(&run(&UnencryptedConnection, &doc(false))));
    }

    #[test]
    fn quick_fix_enables_tls() {
        assert_quick_fixes_resolve(&UnencryptedConnection, &doc(false));
    }
}
