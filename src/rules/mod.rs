//! Architecture rules. Each rule lives in its own file with its documentation and implements
//! [`Rule`]; [`registry`] lists them. [`check`] runs every enabled rule over a graph, applies
//! the document's overrides and waivers, and returns a [`Report`].

pub mod report;

use serde::Serialize;

use crate::edit::EditOp;
use crate::graph::ArchGraph;
use crate::model::{Document, PropertyValue, Severity};

/// What a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleCategory {
    Security,
    Reliability,
    Scalability,
    Performance,
    Observability,
    Maintainability,
    Cost,
    Correctness,
}

/// A rule's identity and documentation.
#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    /// Stable id such as `SEC001`; waivers and settings refer to it.
    pub id: &'static str,
    pub name: &'static str,
    pub category: RuleCategory,
    pub severity: Severity,
    /// Markdown with the sections What it does / Why it matters / Example / How to fix.
    pub docs: &'static str,
}

/// One architecture rule.
pub trait Rule: Send + Sync {
    fn meta(&self) -> &RuleMeta;
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>);
}

/// What a rule sees: the graph (and through it the document and catalog) and its parameters.
#[derive(Debug)]
pub struct RuleContext<'a> {
    pub graph: &'a ArchGraph<'a>,
    pub rule_id: &'static str,
}

impl<'a> RuleContext<'a> {
    pub fn doc(&self) -> &'a Document {
        self.graph.document()
    }

    /// A parameter set in the document's overrides for this rule.
    pub fn param(&self, name: &str) -> Option<&'a PropertyValue> {
        self.doc()
            .rules
            .overrides
            .get(self.rule_id)?
            .params
            .get(name)
    }
}

/// One problem a rule found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// Ids of the components, connections and groups concerned.
    pub targets: Vec<String>,
    pub fix_hint: String,
    /// Edits that resolve the finding, when the rule knows them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quick_fix: Option<Vec<EditOp>>,
    /// The reason given in a waiver, when one covers the finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waived: Option<String>,
}

/// Every rule shipped with Archsmith, sorted by id.
pub fn registry() -> &'static [&'static dyn Rule] {
    &[]
}

/// A rule by id.
pub fn find_rule(id: &str) -> Option<&'static dyn Rule> {
    registry()
        .iter()
        .copied()
        .find(|r| r.meta().id.eq_ignore_ascii_case(id))
}

/// Findings and their totals.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub waived: usize,
}

impl Report {
    fn from_findings(mut findings: Vec<Finding>) -> Self {
        findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.targets.cmp(&b.targets))
        });
        let mut summary = Summary::default();
        for finding in &findings {
            if finding.waived.is_some() {
                summary.waived += 1;
                continue;
            }
            match finding.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        Self { findings, summary }
    }

    /// True when an unwaived finding is at least as severe as `threshold`.
    pub fn fails_at(&self, threshold: Severity) -> bool {
        self.findings
            .iter()
            .any(|f| f.waived.is_none() && f.severity >= threshold)
    }
}

/// Runs every enabled rule over the graph.
pub fn check(graph: &ArchGraph<'_>) -> Report {
    let doc = graph.document();
    let mut findings = Vec::new();
    for rule in registry() {
        let meta = rule.meta();
        let settings = doc.rules.overrides.get(meta.id);
        if settings.and_then(|s| s.enabled) == Some(false) {
            continue;
        }
        let cx = RuleContext {
            graph,
            rule_id: meta.id,
        };
        let start = findings.len();
        rule.check(&cx, &mut findings);
        let severity = settings.and_then(|s| s.severity).unwrap_or(meta.severity);
        for finding in &mut findings[start..] {
            finding.severity = severity;
            finding.waived = doc
                .waivers()
                .iter()
                .find(|w| w.rule == meta.id && finding.targets.contains(&w.target))
                .map(|w| w.reason.clone());
        }
    }
    Report::from_findings(findings)
}
