//! MNT002: two components with the same name.

use rustc_hash::FxHashMap;
use std::hash::{Hash, Hasher};

use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags components whose names are equal, ignoring ASCII case and surrounding space.
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
        let components = cx.doc().components();
        // Name -> position of its first holder. Only clashes are collected, so a model with
        // unique names allocates nothing per component.
        let mut first_with: FxHashMap<Caseless<'_>, usize> =
            FxHashMap::with_capacity_and_hasher(components.len(), Default::default());
        let mut clashes: Vec<(usize, usize)> = Vec::new();
        for (position, component) in components.iter().enumerate() {
            let first = *first_with
                .entry(Caseless(component.name.trim()))
                .or_insert(position);
            if first != position {
                clashes.push((first, position));
            }
        }
        // Group by first holder; positions follow ids, so groups come out in id order.
        clashes.sort_unstable();
        for group in clashes.chunk_by(|a, b| a.0 == b.0) {
            let first = group[0].0;
            let mut ids = vec![components[first].id.to_string()];
            ids.extend(group.iter().map(|&(_, p)| components[p].id.to_string()));
            out.push(cx.finding(
                format!(
                    "{} components are named \"{}\"",
                    ids.len(),
                    components[first].name
                ),
                ids,
                "give each a name that says what it does",
            ));
        }
    }
}

/// A name compared and hashed without regard to ASCII case, without allocating.
#[derive(Debug, Clone, Copy)]
struct Caseless<'a>(&'a str);

impl PartialEq for Caseless<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for Caseless<'_> {}

impl Hash for Caseless<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Hash in chunks: a byte at a time is several times slower with SipHash.
        let mut buffer = [0u8; 32];
        for chunk in self.0.as_bytes().chunks(buffer.len()) {
            let lowered = &mut buffer[..chunk.len()];
            lowered.copy_from_slice(chunk);
            lowered.make_ascii_lowercase();
            state.write(lowered);
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
