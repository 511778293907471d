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
    let distinct: BTreeSet<&str> = report.findings.iter().map(|f| f.rule.as_ref()).collect();
    assert!(
        distinct.len() >= 12,
        "only {} rules fire: {distinct:?}",
        distinct.len()
    );
    assert!(report.summary.errors > 0);
}

fn workshop() -> archsmith::Document {
    let sample = samples::sample("workshop-starter").expect("sample");
    format::from_str(sample.text, sample.name, Catalog::builtin()).expect("loads")
}

fn fired(doc: &archsmith::Document, rule: &str) -> Vec<rules::Finding> {
    rules::check(&ArchGraph::new(doc, Catalog::builtin()))
        .findings
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect()
}

#[test]
fn settings_disable_rules_override_severity_and_set_parameters() {
    use archsmith::EditOp;
    use archsmith::model::{PropertyValue, RuleOverride, Severity};
    let catalog = Catalog::builtin();
    let mut doc = workshop();
    assert!(!fired(&doc, "MNT001").is_empty());
    let disable = RuleOverride {
        enabled: Some(false),
        ..RuleOverride::default()
    };
    EditOp::SetRuleOverride {
        rule: "MNT001".into(),
        value: Some(disable),
    }
    .apply(&mut doc, catalog)
    .expect("applies");
    assert!(
        fired(&doc, "MNT001").is_empty(),
        "a disabled rule reports nothing"
    );

    assert!(
        fired(&doc, "SEC006")
            .iter()
            .all(|f| f.severity == Severity::Warning)
    );
    let stricter = RuleOverride {
        severity: Some(Severity::Error),
        ..RuleOverride::default()
    };
    EditOp::SetRuleOverride {
        rule: "SEC006".into(),
        value: Some(stricter),
    }
    .apply(&mut doc, catalog)
    .expect("applies");
    assert!(
        fired(&doc, "SEC006")
            .iter()
            .all(|f| f.severity == Severity::Error)
    );

    // The workshop's longest sync chain is lb -> api -> api-2 -> orders-db behind the browser.
    assert!(fired(&doc, "REL010").is_empty());
    let mut shallow = RuleOverride::default();
    shallow
        .params
        .insert("max_depth".into(), PropertyValue::Int(2));
    EditOp::SetRuleOverride {
        rule: "REL010".into(),
        value: Some(shallow),
    }
    .apply(&mut doc, catalog)
    .expect("applies");
    assert!(
        !fired(&doc, "REL010").is_empty(),
        "a lower max_depth makes the chain too deep"
    );
}

#[test]
fn waivers_keep_findings_visible_but_waived() {
    use archsmith::EditOp;
    use archsmith::model::Waiver;
    let catalog = Catalog::builtin();
    let mut doc = workshop();
    let waiver = Waiver {
        rule: "MNT001".into(),
        target: "legacy-reports".into(),
        reason: "decommissioned next quarter".into(),
    };
    EditOp::AddWaiver(waiver)
        .apply(&mut doc, catalog)
        .expect("applies");
    let report = rules::check(&ArchGraph::new(&doc, catalog));
    let finding = report
        .findings
        .iter()
        .find(|f| f.rule == "MNT001")
        .expect("still reported");
    assert_eq!(
        finding.waived.as_deref(),
        Some("decommissioned next quarter")
    );
    assert_eq!(report.summary.waived, 1);
}
