//! SEC010: a secrets manager that never rotates.

use crate::edit::EditOp;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags secrets managers with `rotation_days: 0`.
    ///
    /// ## Why it matters
    /// A credential that never changes stays valid for whoever copied it, forever. Rotation
    /// bounds the damage of a leak you have not noticed.
    ///
    /// ## Example
    /// `vault` with rotation off.
    ///
    /// ## How to fix
    /// Rotate automatically (the quick fix sets 90 days).
    pub struct SecretsWithoutRotation;
    id: "SEC010",
    name: "secrets-without-rotation",
    category: Security,
    severity: Info,
}

impl Rule for SecretsWithoutRotation {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for component in cx.declaring("rotation_days") {
            if cx.int(component, "rotation_days").unwrap_or(0) > 0 {
                continue;
            }
            let mut finding = cx.finding(
                format!("{} never rotates its secrets", component.name),
                vec![component.id.as_str().to_owned()],
                "rotate secrets automatically",
            );
            finding.quick_fix = Some(vec![EditOp::set_property(
                &component.id,
                "rotation_days",
                90,
            )]);
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, assert_quick_fixes_resolve, render, run};

    fn doc(days: i64) -> crate::model::Document {
        Fixture::new()
            .component(
                "vault",
                "secrets-manager",
                &[("rotation_days", days.into())],
            )
            .build()
    }

    #[test]
    fn passes_when_rotating() {
        assert!(run(&SecretsWithoutRotation, &doc(30)).is_empty());
    }

    #[test]
    fn fails_when_not() {
        insta::assert_snapshot!(render(&run(&SecretsWithoutRotation, &doc(0))));
        assert_quick_fixes_resolve(&SecretsWithoutRotation, &doc(0));
    }
}
