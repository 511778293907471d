//! The rule set as a whole: the generated documentation is current, the workshop starter is
//! flagged heavily, and the reference samples carry only findings a reviewer would accept.

use std::collections::BTreeSet;

use archsmith::catalog::Catalog;
use archsmith::rules::{self, report};
use archsmith::{ArchGraph, format, samples};

#[test]
fn docs_rules_md_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
    let generated = report::rules_markdown();
    if std::env::var_os("ARCHSMITH_BLESS").is_some() {
        std::fs::write(path, &generated).expect("bless");
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is stale: run `ARCHSMITH_BLESS=1 cargo test --test rules`"
    );
}

#[test]
fn the_workshop_starter_fires_many_distinct_rules() {
    let sample = samples::sample("workshop-starter").expect("sample");
    let doc = format::from_str(sample.text, sample.name, Catalog::builtin()).expect("loads");
    let report = rules::check(&ArchGraph::new(&doc, Catalog::builtin()));
    let distinct: BTreeSet<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(
        distinct.len() >= 12,
        "only {} rules fire: {distinct:?}",
        distinct.len()
    );
    assert!(report.summary.errors > 0);
}
