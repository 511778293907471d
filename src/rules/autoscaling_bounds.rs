//! SCA003: autoscaling bounds that are missing or inverted.

use crate::edit::EditOp;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags components with autoscaling on whose minimum is above their maximum, or whose bounds
    /// leave no room to scale (maximum equal to minimum).
    ///
    /// ## Why it matters
    /// Inverted bounds are rejected by the platform or silently pinned; equal bounds mean the
    /// "autoscaling" service cannot absorb a peak.
    ///
    /// ## Example
    /// `api` with `autoscaling_min: 8` and `autoscaling_max: 2`.
    ///
    /// ## How to fix
    /// Set a maximum above the minimum, sized from the peak load (the quick fix swaps inverted
    /// bounds).
    pub struct AutoscalingBounds;
    id: "SCA003",
    name: "autoscaling-bounds",
    category: Scalability,
    severity: Error,
}

impl Rule for AutoscalingBounds {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for component in cx
            .declaring("autoscaling")
            .filter(|c| cx.flag(c, "autoscaling"))
        {
            let (min, max) = (
                cx.int(component, "autoscaling_min").unwrap_or(1),
                cx.int(component, "autoscaling_max").unwrap_or(1),
            );
            if max > min {
                continue;
            }
            let mut finding = if max < min {
                cx.finding(
                    format!(
                        "{} autoscales from {min} down to {max}: the bounds are inverted",
                        component.name
                    ),
                    vec![component.id.as_str().to_owned()],
                    "swap the bounds so that the maximum is above the minimum",
                )
            } else {
                cx.finding(
                    format!(
                        "{} autoscales between {min} and {max}: there is no room to scale",
                        component.name
                    ),
                    vec![component.id.as_str().to_owned()],
                    "raise autoscaling_max to what the peak load needs",
                )
            };
            if max < min {
                finding.quick_fix = Some(vec![
                    EditOp::set_property(&component.id, "autoscaling_min", max),
                    EditOp::set_property(&component.id, "autoscaling_max", min),
                ]);
            }
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, assert_quick_fixes_resolve, render, run};

    fn doc(min: i64, max: i64) -> crate::model::Document {
        Fixture::new()
            .component(
                "api",
                "service-go",
                &[
                    ("autoscaling", true.into()),
                    ("autoscaling_min", min.into()),
                    ("autoscaling_max", max.into()),
                ],
            )
            .build()
    }

    #[test]
    fn passes_with_room() {
        assert!(run(&AutoscalingBounds, &doc(2, 10)).is_empty());
    }

    #[test]
    fn fails_when_inverted_or_flat() {
        let mut findings = run(&AutoscalingBounds, &doc(8, 2));
        findings.extend(run(&AutoscalingBounds, &doc(3, 3)));
        insta::assert_snapshot!(render(&findings));
        assert_quick_fixes_resolve(&AutoscalingBounds, &doc(8, 2));
    }
}
