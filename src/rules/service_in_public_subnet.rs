//! SEC011: a service placed in a public subnet.

use crate::catalog::Trait;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags the team's services, workers and jobs (compute, not serverless) drawn inside a
    /// public subnet. Load balancers, gateways and other entry points belong there; the code
    /// behind them does not.
    ///
    /// ## Why it matters
    /// A task in a public subnet gets a public address or a route from the internet: one
    /// open port or a mistaken security group exposes it, and every request skips the WAF,
    /// rate limits and authentication the entry point applies.
    ///
    /// ## Example
    /// `orders-svc` inside `public-a`, behind a load balancer in the same subnet.
    ///
    /// ## How to fix
    /// Move it into a private subnet and let the load balancer or gateway reach it there.
    pub struct ServiceInPublicSubnet;
    id: "SEC011",
    name: "service-in-public-subnet",
    category: Security,
    severity: Warning,
}

impl Rule for ServiceInPublicSubnet {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for component in cx
            .graph
            .of_kinds(|k| k.has(Trait::Compute) && !k.has(Trait::Serverless))
        {
            if let Some(place) = cx.public_subnet_of(component) {
                out.push(cx.finding(
                    format!("{} runs in {place}", component.name),
                    vec![component.id.as_str().to_owned()],
                    "move it into a private subnet behind its load balancer or gateway",
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
            .component("lb", "load-balancer", &[])
            .component("orders", "service-go", &[])
            .in_group("lb", "net")
            .in_group("orders", "net")
            .build()
    }

    #[test]
    fn passes_in_a_private_subnet() {
        assert!(run(&ServiceInPublicSubnet, &doc(GroupKind::PrivateSubnet)).is_empty());
    }

    #[test]
    fn fails_in_a_public_subnet_and_leaves_the_balancer_alone() {
        insta::assert_snapshot!(render(&run(
            &ServiceInPublicSubnet,
            &doc(GroupKind::PublicSubnet)
        )));
    }
}
