//! MNT001: a component with no connections.

use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags components that no connection starts or ends at.
    ///
    /// ## Why it matters
    /// An unconnected box is either forgotten (something calls it and the diagram does not say) or
    /// dead (nothing does, and it costs money). Both mislead the reader.
    ///
    /// ## Example
    /// `legacy-reports` standing alone.
    ///
    /// ## How to fix
    /// Draw the connections it has, or delete it.
    pub struct OrphanComponent;
    id: "MNT001",
    name: "orphan-component",
    category: Maintainability,
    severity: Warning,
}

impl Rule for OrphanComponent {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for component in cx
            .doc()
            .components()
            .iter()
            .filter(|c| !cx.graph.is_connected(*c))
        {
            out.push(cx.finding(
                format!("{} is not connected to anything", component.name),
                vec![component.id.as_str().to_owned()],
                "draw its connections, or delete it",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    #[test]
    fn passes_when_connected() {
        let doc = Fixture::new()
            .component("api", "service-go", &[])
            .component("db", "postgresql", &[])
            .connect("api", "db", "db_query")
            .build();
        assert!(run(&OrphanComponent, &doc).is_empty());
    }

    #[test]
    fn fails_when_alone() {
        let doc = Fixture::new().component("api", "service-go", &[]).build();
        insta::assert_snapshot!(render(&run(&OrphanComponent, &doc)));
    }
}
