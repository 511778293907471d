//! Diagram exports: every sample exports, output is deterministic, and hostile names stay text.
//! `.ci/run` also feeds every sample and `tests/fixtures/hostile.ron` to the real validators
//! (mermaid's parser, Graphviz `dot`).

use archsmith::catalog::Catalog;
use archsmith::export::{ExportOptions, Output, find_exporter};
use archsmith::format;

const HOSTILE: &str = include_str!("fixtures/hostile.ron");

fn export(format_id: &str, text: &str) -> String {
    let catalog = Catalog::builtin();
    let doc = format::from_str(text, "model.ron", catalog).expect("loads");
    let exporter = find_exporter(format_id).expect("registered");
    match exporter
        .export(&doc, catalog, &ExportOptions::default())
        .expect("exports")
    {
        Output::File(bytes) => String::from_utf8(bytes).expect("utf-8"),
        Output::Folder(_) => panic!("a single file"),
    }
}

#[test]
fn mermaid_keeps_hostile_names_inert() {
    let out = export("mermaid", HOSTILE);
    let body: String = out.lines().skip(3).collect::<Vec<_>>().join("\n");
    let without_our_markup = body
        .replace("<br/>", "")
        .replace("<small>", "")
        .replace("</small>", "");
    assert!(
        !without_our_markup.contains('<'),
        "raw markup leaked:\n{body}"
    );
    assert!(!body.contains("%%"), "a comment marker leaked");
    for line in body.lines() {
        assert!(
            matches!(line.matches('"').count(), 0 | 2),
            "a label was closed early: {line}"
        );
    }
    assert!(
        body.contains("#60;#47;text#62;#60;script#62;"),
        "the name is kept, encoded"
    );
    let opened = body
        .lines()
        .filter(|l| l.trim_start().starts_with("subgraph "))
        .count();
    assert_eq!(opened, 1, "only the real boundary opens a subgraph");
}

#[test]
fn dot_keeps_hostile_names_inert() {
    let out = export("dot", HOSTILE);
    assert!(out.contains(r#"\"]; x --> y"#), "quotes are escaped: {out}");
    assert!(
        !out.contains(r#"</script> "]"#),
        "an unescaped quote would end the label"
    );
    assert!(
        out.contains(r"`# | \\N"),
        "backslashes are doubled so `\\N` stays text"
    );
    let edges = out
        .lines()
        .filter(|l| l.trim_start().starts_with('n') && l.contains(" -> "))
        .count();
    assert_eq!(edges, 2, "only the real connections are edges");
}

#[test]
fn diagrams_keep_boundaries_and_connection_styles() {
    let sample = include_str!("../samples/ecommerce.ron");
    let mermaid = export("mermaid", sample);
    assert_eq!(mermaid.matches("subgraph ").count(), 6);
    assert!(mermaid.contains("-.->"), "async connections are dashed");
    assert!(mermaid.contains("linkStyle"), "telemetry is styled");
    let dot = export("dot", sample);
    assert_eq!(dot.matches("subgraph cluster_").count(), 6);
    assert!(
        dot.contains("style=dashed") && dot.contains("style=dotted") && dot.contains("style=solid")
    );
    assert_eq!(export("dot", sample), dot, "deterministic");
}
