//! SCA001: a horizontally scaled service keeping sessions in local memory.

use crate::edit::EditOp;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags services with `sessions: local` that run more than one instance or autoscale.
    ///
    /// ## Why it matters
    /// With several instances, a user's next request lands on another instance that has never seen
    /// their session: they are logged out, or sticky sessions pin load to hot instances and lose
    /// every session when one is replaced.
    ///
    /// ## Example
    /// `api` with `replicas: 3` and `sessions: local`.
    ///
    /// ## How to fix
    /// Keep sessions in a shared store such as Redis, or make them stateless tokens (the quick fix
    /// marks them shared; connect the store).
    pub struct LocalSessions;
    id: "SCA001",
    name: "local-sessions-when-scaled",
    category: Scalability,
    severity: Error,
}

impl Rule for LocalSessions {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for component in cx.declaring("sessions") {
            if cx.text(component, "sessions") != Some("local") {
                continue;
            }
            if cx.int(component, "replicas").unwrap_or(1) <= 1 && !cx.flag(component, "autoscaling")
            {
                continue;
            }
            let mut finding = cx.finding(
                format!(
                    "{} runs several instances but keeps sessions in local memory",
                    component.name
                ),
                vec![component.id.as_str().to_owned()],
                "keep sessions in a shared store (Redis) or use stateless tokens",
            );
            finding.quick_fix = Some(vec![EditOp::set_property(
                &component.id,
                "sessions",
                "shared",
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
    fn passes_when_single_or_shared() {
        let doc = Fixture::new()
            .component("one", "service-go", &[("sessions", "local".into())])
            .component(
                "many",
                "service-go",
                &[("sessions", "shared".into()), ("replicas", 4.into())],
            )
            .build();
        assert!(run(&LocalSessions, &doc).is_empty());
    }

    #[test]
    fn fails_when_scaled_with_local_sessions() {
        let doc = Fixture::new()
            .component(
                "api",
                "service-nodejs",
                &[("sessions", "local".into()), ("replicas", 3.into())],
            )
            .build();
        insta::assert_snapshot!(render(&run(&LocalSessions, &doc)));
        assert_quick_fixes_resolve(&LocalSessions, &doc);
    }
}
