//! Renders a [`Report`] as JSON or SARIF 2.1.0.

use serde_json::{Value, json};

use super::pack::RulePack;
use super::{Report, registry};
use crate::format::locate;
use crate::model::Severity;

/// `{"findings":[{"rule","severity","message","targets","waived"}],"summary":{...}}`.
pub fn to_json(report: &Report) -> Value {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule,
                "severity": f.severity.label(),
                "message": f.message,
                "targets": f.targets,
                "fix_hint": f.fix_hint,
                "has_quick_fix": f.quick_fix.is_some(),
                "waived": f.waived.is_some(),
                "waiver_reason": f.waived,
            })
        })
        .collect();
    json!({ "findings": findings, "summary": report.summary })
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A SARIF 2.1.0 log. `uri` names the model file and `text` is its content, used to give
/// each finding a line and column.
pub fn to_sarif(report: &Report, uri: &str, text: &str, packs: &[RulePack]) -> Value {
    let mut rules: Vec<Value> = registry()
        .iter()
        .map(|r| {
            let meta = r.meta();
            json!({
                "id": meta.id,
                "name": meta.name,
                "shortDescription": { "text": meta.name },
                "fullDescription": { "text": meta.docs.lines().find(|l| !l.trim().is_empty() && !l.starts_with('#')).unwrap_or(meta.name) },
                "help": { "text": meta.docs, "markdown": meta.docs },
                "defaultConfiguration": { "level": sarif_level(meta.severity) },
                "properties": { "category": meta.category },
            })
        })
        .collect();
    for rule in packs.iter().flat_map(|p| &p.rules) {
        rules.push(json!({
            "id": rule.id,
            "name": rule.name,
            "shortDescription": { "text": rule.message },
            "defaultConfiguration": { "level": sarif_level(rule.severity) },
            "properties": { "category": rule.category },
        }));
    }
    let rule_index = |id: &str| rules.iter().position(|r| r["id"] == id);
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut result = json!({
                "ruleId": f.rule,
                "level": sarif_level(f.severity),
                "message": { "text": format!("{} Fix: {}", f.message, f.fix_hint) },
                "locations": f.targets.iter().take(1).map(|target| {
                    let mut location = json!({
                        "physicalLocation": { "artifactLocation": { "uri": uri } },
                        "logicalLocations": [{ "name": target, "kind": "element" }],
                    });
                    if let Some(l) = locate::element(text, target, 0) {
                        location["physicalLocation"]["region"] = json!({ "startLine": l.line, "startColumn": l.col });
                    }
                    location
                }).collect::<Vec<_>>(),
            });
            if let Some(index) = rule_index(&f.rule) {
                result["ruleIndex"] = json!(index);
            }
            if let Some(reason) = &f.waived {
                result["suppressions"] = json!([{ "kind": "external", "justification": reason }]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "archsmith",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/archsmith/archsmith",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// `docs/rules.md`: every rule with its documentation, generated from the registry.
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# Architecture rules\n\nGenerated from the rule registry by `cargo test` (run with `ARCHSMITH_BLESS=1` to update).\n\n| id | name | category | default severity |\n|---|---|---|---|\n",
    );
    for rule in registry() {
        let meta = rule.meta();
        out.push_str(&format!(
            "| [{}](#{}) | {} | {} | {} |\n",
            meta.id,
            meta.id.to_lowercase(),
            meta.name,
            meta.category_label(),
            meta.severity.label()
        ));
    }
    for rule in registry() {
        let meta = rule.meta();
        out.push_str(&format!(
            "\n## {}\n\n`{}` — {}, {} by default.\n\n",
            meta.id,
            meta.name,
            meta.category_label(),
            meta.severity.label()
        ));
        // Rule docs use `##` sections; nest them under the rule's heading.
        for line in meta.docs.lines() {
            let line = line.strip_prefix(' ').unwrap_or(line);
            if let Some(heading) = line.strip_prefix("## ") {
                out.push_str(&format!("### {heading}\n"));
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}
