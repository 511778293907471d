//! MNT002: two components with the same name.

use std::collections::BTreeMap;

use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags components whose names are equal, ignoring case and surrounding space.
    ///
    /// ## Why it matters
    /// Names are what people read in diagrams, documents and alerts. Two boxes called "API" make
    /// every conversation about them ambiguous.
    ///
    /// ## Example
    /// `api` and `api-2`, both named "API".
    ///
    /// ## How to fix
    /// Give each a name that says what it does.
    pub struct DuplicateNames;
    id: "MNT002",
    name: "duplicate-names",
    category: Maintainability,
    severity: Warning,
}

impl Rule for DuplicateNames {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let mut by_name: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for component in cx.doc().components() {
            by_name
                .entry(component.name.trim().to_lowercase())
                .or_default()
                .push(component.id.as_str());
        }
        for ids in by_name.into_values().filter(|ids| ids.len() > 1) {
            let name = cx.doc().component(ids[0]).map_or("", |c| c.name.as_str());
            out.push(cx.finding(
                format!("{} components are named \"{name}\"", ids.len()),
                ids.iter().map(|id| (*id).to_owned()).collect(),
                "give each a name that says what it does",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    #[test]
    fn passes_with_distinct_names() {
        let doc = Fixture::new()
            .component("api", "service-go", &[])
            .component("db", "postgresql", &[])
            .build();
        assert!(run(&DuplicateNames, &doc).is_empty());
    }

    #[test]
    fn fails_with_the_same_name() {
        let mut doc = Fixture::new()
            .component("api", "service-go", &[])
            .component("api-2", "service-go", &[])
            .build();
        crate::edit::EditOp::SetComponentField {
            id: crate::model::ComponentId::new("api-2").expect("id"),
            field: crate::edit::ComponentField::Name("API ".into()),
        }
        .apply(&mut doc, crate::catalog::Catalog::builtin())
        .expect("rename");
        insta::assert_snapshot!(render(&run(&DuplicateNames, &doc)));
    }
}
