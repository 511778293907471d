//! MNT002: two components with the same name.

use rustc_hash::FxBuildHasher;
use std::hash::{BuildHasher, Hash, Hasher};

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
        let name = |position: usize| components.get(position).map_or("", |c| c.name.trim());
        // (first holder, later holder) for every name held more than once.
        let mut clashes: Vec<(usize, usize)> = Vec::new();
        for mut bucket in hash_buckets(components.iter().map(|c| c.name.trim())) {
            bucket.sort_unstable();
            for run in bucket
                .chunk_by(|a, b| a.0 == b.0)
                .filter(|run| run.len() > 1)
            {
                // Equal hashes almost always mean equal names; the few names in a run are
                // compared to tell a collision from a clash. Positions ascend within a run, so
                // the first holder of each name is met first.
                let mut holders: Vec<usize> = Vec::new();
                for &(_, position) in run {
                    let position = position as usize;
                    match holders
                        .iter()
                        .find(|&&first| Caseless(name(first)) == Caseless(name(position)))
                    {
                        Some(&first) => clashes.push((first, position)),
                        None => holders.push(position),
                    }
                }
            }
        }
        // Group by first holder; positions follow ids, so groups come out in id order.
        clashes.sort_unstable();
        for group in clashes.chunk_by(|a, b| a.0 == b.0) {
            let first = group[0].0;
            let mut ids = vec![components[first].id.as_str().to_owned()];
            ids.extend(
                group
                    .iter()
                    .map(|&(_, p)| components[p].id.as_str().to_owned()),
            );
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

/// Names hashed (ignoring ASCII case) with their positions, split by the hash's top bits into
/// buckets of a few hundred: each bucket is sorted while it sits in the CPU cache, where one
/// hash table over every name of a big model would cost a cache miss per name.
fn hash_buckets<'n>(names: impl ExactSizeIterator<Item = &'n str>) -> Vec<Vec<(u64, u32)>> {
    const PER_BUCKET: usize = 512;
    let bits = (names.len() / PER_BUCKET)
        .max(1)
        .next_power_of_two()
        .trailing_zeros();
    let mut buckets: Vec<Vec<(u64, u32)>> = vec![Vec::with_capacity(PER_BUCKET * 2); 1 << bits];
    for (position, name) in names.enumerate() {
        let hash = FxBuildHasher.hash_one(Caseless(name));
        let bucket = hash.checked_shr(64 - bits).unwrap_or(0) as usize;
        if let (Some(bucket), Ok(position)) = (buckets.get_mut(bucket), u32::try_from(position)) {
            bucket.push((hash, position));
        }
    }
    buckets
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

    #[test]
    fn finds_every_clash_across_hash_buckets() {
        let mut doc = crate::samples::synthetic(3000, 0);
        for (i, component) in doc.components.iter_mut().enumerate() {
            component.name = if i % 2 == 0 {
                format!("Name {}", i % 1000)
            } else {
                format!(" NAME {} ", i % 1000)
            };
        }
        let findings = run(&DuplicateNames, &doc);
        assert_eq!(findings.len(), 1000);
        for (n, finding) in findings.iter().enumerate() {
            let expected: Vec<String> = [n, n + 1000, n + 2000]
                .iter()
                .map(|i| format!("c{i:06}"))
                .collect();
            assert_eq!(finding.targets, expected);
        }
    }
}
