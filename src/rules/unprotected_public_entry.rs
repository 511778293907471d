//! SEC004: an internet-facing entry point with no WAF, rate limit or authentication.

use petgraph::Direction;

use crate::catalog::Trait;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags internet-facing gateways and load balancers that have none of: a WAF in front of them,
    /// a rate limit, or required authentication.
    ///
    /// ## Why it matters
    /// An unprotected entry point takes every bot, scraper and credential-stuffing run straight to
    /// the services behind it; one of the three defences turns a flood into a nuisance.
    ///
    /// ## Example
    /// `browser -> lb -> api`, where `lb` has `rate_limit_rps: 0` and `auth_required: false`.
    ///
    /// ## How to fix
    /// Put a WAF in front, set a rate limit on the entry, or require authentication there.
    pub struct UnprotectedPublicEntry;
    id: "SEC004",
    name: "unprotected-public-entry",
    category: Security,
    severity: Warning,
}

impl Rule for UnprotectedPublicEntry {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for entry in cx
            .graph
            .of_kinds(|k| k.has(Trait::Gateway) || k.has(Trait::LoadBalancer))
        {
            if !cx.flag(entry, "internet_facing") {
                continue;
            }
            let behind_waf = cx
                .graph
                .any_neighbour(entry, Direction::Incoming, None, |upstream| {
                    cx.has_trait(upstream, Trait::Waf)
                });
            let rate_limited = cx.int(entry, "rate_limit_rps").unwrap_or(0) > 0;
            if behind_waf || rate_limited || cx.flag(entry, "auth_required") {
                continue;
            }
            // A TCP balancer cannot take a WAF or authenticate requests: what protects it is a
            // limit on connections and rate, and the fix says so.
            let finding = if cx.has_trait(entry, Trait::Layer4) {
                cx.finding(
                    format!(
                        "{} faces the internet with no rate or connection limit",
                        entry.name
                    ),
                    vec![entry.id.as_str().to_owned()],
                    "set rate_limit_rps (connection and rate limits, DDoS protection at the edge); authenticate in the service behind it",
                )
            } else {
                cx.finding(
                    format!(
                        "{} faces the internet with no WAF, rate limit or authentication",
                        entry.name
                    ),
                    vec![entry.id.as_str().to_owned()],
                    "put a WAF in front, set rate_limit_rps, or set auth_required",
                )
            };
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    #[test]
    fn a_tcp_balancer_is_asked_for_limits_not_a_waf() {
        let doc = Fixture::new()
            .component("nlb", "network-load-balancer", &[])
            .build();
        let findings = run(&UnprotectedPublicEntry, &doc);
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0].message.ends_with("no rate or connection limit"),
            "{}",
            findings[0].message
        );
        assert!(
            !findings[0].fix_hint.contains("WAF"),
            "{}",
            findings[0].fix_hint
        );
    }

    #[test]
    fn passes_behind_a_waf_or_with_a_limit() {
        let doc = Fixture::new()
            .component("waf", "waf", &[])
            .component("lb", "load-balancer", &[])
            .component("gw", "api-gateway", &[("rate_limit_rps", 1000.into())])
            .connect("waf", "lb", "http")
            .build();
        assert!(run(&UnprotectedPublicEntry, &doc).is_empty());
    }

    #[test]
    fn fails_when_bare() {
        let doc = Fixture::new()
            .component("browser", "web-client", &[])
            .component("lb", "load-balancer", &[])
            .connect("browser", "lb", "http")
            .build();
        insta::assert_snapshot!(render(&run(&UnprotectedPublicEntry, &doc)));
    }
}
