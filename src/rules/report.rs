//! Renders a [`Report`] as JSON or SARIF 2.1.0, streamed: one finding is turned into JSON
//! at a time, so a report of a million findings costs no more than the findings themselves.

use std::cell::RefCell;
use std::io::{self, Write};
use std::path::Path;

use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::{Value, json};

use super::pack::RulePack;
use super::{Finding, Report, registry};
use crate::format::SourceIndex;
use crate::model::{Document, Severity};
use crate::text::for_terminal;

/// A JSON array written from an iterator, one element at a time.
struct Streamed<I>(RefCell<Option<I>>);

impl<I> Streamed<I> {
    fn new(items: I) -> Self {
        Self(RefCell::new(Some(items)))
    }
}

impl<I> Serialize for Streamed<I>
where
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let items = self.0.borrow_mut().take();
        serializer.collect_seq(items.into_iter().flatten())
    }
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    targets: &'a [String],
    fix_hint: &'a str,
    has_quick_fix: bool,
    waived: bool,
    waiver_reason: Option<&'a str>,
}

fn json_finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        rule: &f.rule,
        severity: f.severity.label(),
        message: &f.message,
        targets: &f.targets,
        fix_hint: &f.fix_hint,
        has_quick_fix: f.quick_fix.is_some(),
        waived: f.waived.is_some(),
        waiver_reason: f.waived.as_deref(),
    }
}

/// A SARIF result, serialised straight from the finding.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: SarifMessage<'a>,
    locations: Vec<SarifLocation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[SarifSuppression<'a>; 1]>,
}

/// `{"text": "<message> Fix: <hint>"}`, written without building the string first.
struct SarifMessage<'a> {
    message: &'a str,
    fix_hint: &'a str,
}

impl Serialize for SarifMessage<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Text<'b>(&'b SarifMessage<'b>);
        impl Serialize for Text<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(&format_args!("{} Fix: {}", self.0.message, self.0.fix_hint))
            }
        }
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("text", &Text(self))?;
        map.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    physical_location: SarifPhysical<'a>,
    logical_locations: [SarifLogical<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysical<'a> {
    artifact_location: SarifArtifact<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<SarifRegion>,
}

#[derive(Serialize)]
struct SarifArtifact<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: usize,
}

#[derive(Serialize)]
struct SarifLogical<'a> {
    name: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
struct SarifSuppression<'a> {
    kind: &'static str,
    justification: &'a str,
}

/// Writes `{"findings":[{"rule","severity","message","targets","waived"}],"summary":{...}}`.
pub fn write_json(report: &Report, out: &mut impl Write) -> io::Result<()> {
    #[derive(Serialize)]
    struct JsonReport<'a, I> {
        findings: I,
        summary: &'a super::Summary,
    }
    let body = JsonReport {
        findings: Streamed::new(report.findings.iter().map(json_finding)),
        summary: &report.summary,
    };
    serde_json::to_writer_pretty(&mut *out, &body)?;
    writeln!(out)
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The SARIF `artifactLocation.uri` of a model file: a `file://` URI for an absolute path, a
/// relative reference (forward slashes, percent-encoded) otherwise. SARIF requires URIs, so
/// an absolute path written as is fails validation.
pub fn sarif_uri(path: &Path) -> String {
    // `Url::from_file_path` exists only where paths have an OS meaning (not on wasm32, where
    // the editor runs this core); there every path is written as a relative reference.
    #[cfg(any(unix, windows))]
    if path.is_absolute()
        && let Ok(url) = url::Url::from_file_path(path)
    {
        return url.to_string();
    }
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    path.components()
        .map(|c| {
            let segment = c.as_os_str().to_string_lossy();
            percent_encoding::utf8_percent_encode(&segment, SEGMENT).to_string()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The SARIF rule descriptors: the built-in rules, then the packs' rules.
fn sarif_rules(packs: &[RulePack]) -> Vec<Value> {
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
    rules
}

/// The SARIF log without its results, which [`write_with_results`] streams into it.
fn sarif_envelope(rules: &[Value], invocation: &Value) -> Value {
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
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
        }],
    })
}

/// Writes a SARIF 2.1.0 log. `uri` names the model file (see [`sarif_uri`]) and `index` is
/// its text, used to give each finding a line and column.
pub fn write_sarif(
    report: &Report,
    uri: &str,
    index: &SourceIndex<'_>,
    packs: &[RulePack],
    out: &mut impl Write,
) -> io::Result<()> {
    let rules = sarif_rules(packs);
    let rule_index: FxHashMap<String, usize> = rules
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((r["id"].as_str()?.to_owned(), i)))
        .collect();
    let results = report.findings.iter().map(|f| SarifResult {
        rule_id: &f.rule,
        rule_index: rule_index.get(f.rule.as_ref()).copied(),
        level: sarif_level(f.severity),
        message: SarifMessage {
            message: &f.message,
            fix_hint: &f.fix_hint,
        },
        locations: f
            .targets
            .iter()
            .take(1)
            .map(|target| SarifLocation {
                physical_location: SarifPhysical {
                    artifact_location: SarifArtifact { uri },
                    region: index.element(target, 0).map(|l| SarifRegion {
                        start_line: l.line,
                        start_column: l.col,
                    }),
                },
                logical_locations: [SarifLogical {
                    name: target,
                    kind: "element",
                }],
            })
            .collect(),
        suppressions: f.waived.as_deref().map(|justification| {
            [SarifSuppression {
                kind: "external",
                justification,
            }]
        }),
    });
    // The envelope is small; the results stream into it.
    let log = sarif_envelope(&rules, &json!({ "executionSuccessful": true }));
    write_with_results(&log, Streamed::new(results), out)
}

/// Writes `log` with its `runs[0].results` replaced by `results`, streamed.
fn write_with_results(
    log: &Value,
    results: impl Serialize,
    out: &mut impl Write,
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Run<'a, R> {
        tool: &'a Value,
        invocations: &'a Value,
        #[serde(rename = "columnKind")]
        column_kind: &'a Value,
        results: R,
    }
    #[derive(Serialize)]
    struct Log<'a, R> {
        #[serde(rename = "$schema")]
        schema: &'a Value,
        version: &'a Value,
        runs: [Run<'a, R>; 1],
    }
    let run = &log["runs"][0];
    let body = Log {
        schema: &log["$schema"],
        version: &log["version"],
        runs: [Run {
            tool: &run["tool"],
            invocations: &run["invocations"],
            column_kind: &run["columnKind"],
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &body)?;
    writeln!(out)
}

fn severity_style(severity: Severity, color: bool) -> anstyle::Style {
    if !color {
        return anstyle::Style::new();
    }
    let ansi = match severity {
        Severity::Error => anstyle::AnsiColor::Red,
        Severity::Warning => anstyle::AnsiColor::Yellow,
        Severity::Info => anstyle::AnsiColor::Blue,
    };
    anstyle::Style::new().fg_color(Some(ansi.into())).bold()
}

/// Writes the report for people: findings grouped by severity, each with `file:line:col`
/// and its fix, then a summary line. Everything quoted from the model is escaped, so a name
/// can neither forge a line nor reach the terminal; `color` adds ANSI styles.
pub fn write_human(
    report: &Report,
    name: &str,
    doc: &Document,
    index: &SourceIndex<'_>,
    color: bool,
    out: &mut impl Write,
) -> io::Result<()> {
    let shown_name = for_terminal(name);
    for (severity, indices) in report.sections() {
        let style = severity_style(severity, color);
        writeln!(
            out,
            "{style}{} ({}){style:#}",
            severity.label().to_uppercase(),
            indices.len()
        )?;
        for finding in indices.iter().filter_map(|&i| report.findings.get(i)) {
            write!(
                out,
                "  {style}{}{style:#} {shown_name}",
                for_terminal(&finding.rule)
            )?;
            if let Some(l) = finding.targets.first().and_then(|t| index.element(t, 0)) {
                write!(out, ":{}:{}", l.line, l.col)?;
            }
            write!(out, ": {}", for_terminal(&finding.message))?;
            if let Some(reason) = &finding.waived {
                write!(out, " [waived: {}]", for_terminal(reason))?;
            }
            writeln!(out, "\n      fix: {}", for_terminal(&finding.fix_hint))?;
        }
    }
    let s = &report.summary;
    writeln!(
        out,
        "{shown_name}: {} components, {} connections, {} groups; {} errors, {} warnings, {} infos, {} waived",
        doc.components().len(),
        doc.connections().len(),
        doc.groups().len(),
        s.errors,
        s.warnings,
        s.infos,
        s.waived
    )
}

/// A problem that stopped the run before any rule ran, for machine-readable reports.
#[derive(Debug, Clone, Serialize)]
pub struct RunError {
    /// A stable code (`archsmith::invalid_model`).
    pub code: String,
    pub message: String,
    /// `(file, line, col)` of each problem, when known.
    pub problems: Vec<RunProblem>,
}

/// One located problem of a [`RunError`].
#[derive(Debug, Clone, Serialize)]
pub struct RunProblem {
    pub message: String,
    pub file: String,
    pub line: Option<usize>,
    pub col: Option<usize>,
}

/// `{"error": {...}}`: what `--format json` prints when the model cannot be checked.
pub fn write_json_error(error: &RunError, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &json!({ "error": error }))?;
    writeln!(out)
}

/// A SARIF log of a run that failed: no results, and a notification per problem, located.
pub fn write_sarif_error(error: &RunError, uri: &str, out: &mut impl Write) -> io::Result<()> {
    let notifications: Vec<Value> = if error.problems.is_empty() {
        vec![json!({ "level": "error", "message": { "text": error.message } })]
    } else {
        error
            .problems
            .iter()
            .map(|p| {
                let mut notification = json!({
                    "level": "error",
                    "message": { "text": p.message },
                    "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri } } }],
                });
                if let (Some(line), Some(col)) = (p.line, p.col) {
                    notification["locations"][0]["physicalLocation"]["region"] =
                        json!({ "startLine": line, "startColumn": col });
                }
                notification
            })
            .collect()
    };
    let invocation = json!({
        "executionSuccessful": false,
        "toolExecutionNotifications": notifications,
    });
    let log = sarif_envelope(&sarif_rules(&[]), &invocation);
    write_with_results(&log, Vec::<Value>::new(), out)
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
