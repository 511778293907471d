//! REL006: a load balancer in front of a single instance.

use petgraph::Direction;

use crate::catalog::Trait;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags load balancers whose only compute target runs one instance without autoscaling.
    ///
    /// ## Why it matters
    /// The balancer suggests redundancy that is not there: when the one instance dies or deploys,
    /// every request fails.
    ///
    /// ## Example
    /// `lb -> api` where `api` has `replicas: 1`.
    ///
    /// ## How to fix
    /// Run two or more instances behind the balancer, across zones.
    pub struct BalancerSingleTarget;
    id: "REL006",
    name: "balancer-single-target",
    category: Reliability,
    severity: Warning,
}

impl Rule for BalancerSingleTarget {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for balancer in cx.graph.with_trait(Trait::LoadBalancer) {
            let targets: Vec<_> = cx
                .graph
                .neighbours(balancer, Direction::Outgoing, None)
                .into_iter()
                .filter(|c| cx.has_trait(c, Trait::Compute))
                .collect();
            let [target] = targets.as_slice() else {
                continue;
            };
            if cx.int(target, "replicas").unwrap_or(1) > 1 || cx.flag(target, "autoscaling") {
                continue;
            }
            out.push(cx.finding(
                format!(
                    "{} balances a single instance of {}",
                    balancer.name, target.name
                ),
                vec![
                    balancer.id.as_str().to_owned(),
                    target.id.as_str().to_owned(),
                ],
                "run two or more instances behind the balancer",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(replicas: i64) -> crate::model::Document {
        Fixture::new()
            .component("lb", "load-balancer", &[])
            .component("api", "service-go", &[("replicas", replicas.into())])
            .connect("lb", "api", "http")
            .build()
    }

    #[test]
    fn passes_with_replicas() {
        assert!(run(&BalancerSingleTarget, &doc(3)).is_empty());
    }

    #[test]
    fn fails_with_one() {
        insta::assert_snapshot!(render(&run(&BalancerSingleTarget, &doc(1))));
    }
}
