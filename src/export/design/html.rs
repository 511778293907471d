//! One self-contained, printable HTML file: embedded CSS, the diagram as inline SVG, no
//! external requests.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::content::{Block, Inline, Line};
use crate::export::svg::xml_text as escape;

const STYLE: &str = r#"
:root { color-scheme: light; --ink: #0f172a; --muted: #64748b; --rule: #e2e8f0; --accent: #2563eb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 Inter, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 48px 40px 80px; }
h1 { font-size: 30px; margin: 0 0 8px; }
h2 { font-size: 21px; margin: 40px 0 12px; padding-top: 12px; border-top: 1px solid var(--rule); }
h3 { font-size: 16px; margin: 24px 0 8px; }
p, li { max-width: 80ch; }
a { color: var(--accent); text-decoration: none; }
code { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, monospace; background: #f1f5f9; padding: 1px 4px; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 13.5px; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--rule); }
th { background: #f8fafc; font-weight: 600; }
figure { margin: 16px 0; border: 1px solid var(--rule); border-radius: 8px; padding: 8px; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
nav.toc ol { columns: 2; }
@media print {
  main { padding: 0; max-width: none; }
  h2 { break-after: avoid; }
  table, figure { break-inside: avoid; }
  a { color: inherit; }
}
"#;

fn line(parts: &Line) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            Inline::Text(t) => out.push_str(&escape(t)),
            Inline::Strong(t) => {
                let _ = write!(out, "<strong>{}</strong>", escape(t));
            }
            Inline::Code(t) => {
                let _ = write!(out, "<code>{}</code>", escape(t));
            }
            Inline::Anchor { text, anchor } => {
                let _ = write!(
                    out,
                    r##"<a href="#{}">{}</a>"##,
                    escape(anchor),
                    escape(text)
                );
            }
        }
    }
    out
}

pub(crate) fn render(title: &str, blocks: &[Block], diagrams: &BTreeMap<String, String>) -> String {
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(title));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>\n<main>");
    for block in blocks {
        match block {
            Block::Heading {
                level,
                text,
                anchor,
            } => {
                // Only fixed headings get ids: user text could repeat or be empty.
                let id = anchor
                    .as_ref()
                    .map(|a| format!(r#" id="{}""#, escape(a)))
                    .unwrap_or_default();
                let _ = writeln!(out, "<h{level}{id}>{}</h{level}>", escape(text));
            }
            Block::Paragraph(parts) => {
                let _ = writeln!(out, "<p>{}</p>", line(parts));
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", line(item));
                }
                out.push_str("</ul>\n");
            }
            Block::Tree(items) => {
                // A nested list sits inside its parent's <li>, which stays open until an item
                // at the same or a shallower depth arrives. Trees step down one level at a time.
                let mut last: Option<usize> = None;
                for (depth, item) in items {
                    match last {
                        None => out.push_str("<ul>\n"),
                        Some(previous) if *depth > previous => out.push_str("\n<ul>\n"),
                        Some(previous) => {
                            out.push_str("</li>\n");
                            for _ in *depth..previous {
                                out.push_str("</ul>\n</li>\n");
                            }
                        }
                    }
                    let _ = write!(out, "<li>{}", line(item));
                    last = Some(*depth);
                }
                if let Some(previous) = last {
                    out.push_str("</li>\n");
                    for _ in 0..previous {
                        out.push_str("</ul>\n</li>\n");
                    }
                    out.push_str("</ul>\n");
                }
            }
            Block::Table { header, rows } => {
                out.push_str("<table>\n<thead><tr>");
                for h in header {
                    let _ = write!(out, "<th>{}</th>", escape(h));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for cell in row {
                        let _ = write!(out, "<td>{}</td>", line(cell));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::Diagram { alt, file } => {
                let _ = writeln!(
                    out,
                    "<figure role=\"img\" aria-label=\"{}\">\n{}</figure>",
                    escape(alt),
                    diagrams.get(file).map_or("", String::as_str)
                );
            }
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}
