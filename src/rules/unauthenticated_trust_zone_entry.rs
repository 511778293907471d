//! SEC012: a connection into a trust zone from outside it with no authentication.

use crate::catalog::ConnectionStyle;
use crate::model::AuthMode;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta, group_phrase};

declare_rule! {
    /// ## What it does
    /// Flags request-carrying connections (calls, queries, publishes; not telemetry) that
    /// enter a trust zone from a component outside it with `auth: none`, whatever the caller
    /// is: a service, a gateway, a load balancer or a client.
    ///
    /// ## Why it matters
    /// A trust zone (a PCI cardholder-data environment, a restricted admin network) exists so
    /// that only identified callers reach what it holds. An unauthenticated hop makes the
    /// zone's edge a network location, not an identity check: anything that can reach the
    /// network, a compromised neighbour included, is inside.
    ///
    /// ## Example
    /// `api-gateway -> card-vault` (HTTP) with `auth: none`, `card-vault` in the trust zone
    /// `PCI`.
    ///
    /// ## How to fix
    /// Authenticate every hop into the zone: mutual TLS between workloads (the quick fix sets
    /// it), or IAM / tokens the zone verifies.
    pub struct UnauthenticatedTrustZoneEntry;
    id: "SEC012",
    name: "unauthenticated-trust-zone-entry",
    category: Security,
    severity: Error,
}

impl Rule for UnauthenticatedTrustZoneEntry {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for connection in cx
            .graph
            .connections_where(|link| link.auth() == AuthMode::None)
        {
            if cx.graph.style(connection) == Some(ConnectionStyle::Telemetry) {
                continue;
            }
            let Some((from, to)) = cx.graph.endpoints(connection) else {
                continue;
            };
            let Some(zone) = cx.graph.trust_zone_entered(from, to) else {
                continue;
            };
            let mut finding = cx.finding(
                format!(
                    "{} reaches {} in {} without authentication",
                    from.name,
                    to.name,
                    group_phrase("trust zone", &zone.name)
                ),
                vec![connection.id.as_str().to_owned()],
                "authenticate every hop into the zone: mutual TLS, IAM or tokens it verifies",
            );
            finding.quick_fix = Some(super::require_mtls(connection));
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GroupKind;
    use crate::rules::fixture::{Fixture, assert_quick_fixes_resolve, render, run};

    fn doc(auth: AuthMode) -> crate::model::Document {
        Fixture::new()
            .group("pci", GroupKind::TrustZone, None)
            .component("gateway", "api-gateway", &[])
            .component("vault", "service-rust", &[])
            .component("cards", "postgresql", &[])
            .component("metrics", "prometheus", &[])
            .in_group("vault", "pci")
            .in_group("cards", "pci")
            .connect_with("gateway", "vault", "http", move |c| c.auth = auth)
            .connect("vault", "cards", "db_query")
            .connect("vault", "metrics", "telemetry")
            .build()
    }

    #[test]
    fn passes_when_the_hop_into_the_zone_is_authenticated() {
        assert!(run(&UnauthenticatedTrustZoneEntry, &doc(AuthMode::Mtls)).is_empty());
    }

    #[test]
    fn fails_on_an_unauthenticated_hop_into_the_zone_only() {
        let findings = run(&UnauthenticatedTrustZoneEntry, &doc(AuthMode::None));
        assert_eq!(findings.len(), 1);
        insta::assert_snapshot!(render(&findings));
        assert_quick_fixes_resolve(&UnauthenticatedTrustZoneEntry, &doc(AuthMode::None));
    }
}
