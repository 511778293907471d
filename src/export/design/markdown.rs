//! Markdown rendering of the design document, written to pass markdownlint: one H1, blank
//! lines around blocks, dash lists, leading and trailing table pipes, no inline HTML.

use std::fmt::Write;

use super::content::{Block, Inline, Line};

/// User text as inert Markdown: every character that can start markup is backslash-escaped
/// (CommonMark allows that for all ASCII punctuation), `<` and `&` cannot start HTML or an
/// entity, and line breaks become spaces so text stays in its block or table cell.
pub(crate) fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    for (i, c) in raw.chars().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!'
            | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            // These only start a list, a heading or a rule at the start of a block.
            '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    // "1. text" at the start of a block would become a list item.
    if let Some(dot) = out.find(['.', ')'])
        && dot > 0
        && out[..dot].chars().all(|c| c.is_ascii_digit())
        && out[dot + 1..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace)
    {
        out.insert(dot, '\\');
    }
    out
}

fn line(parts: &Line) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            Inline::Text(t) => out.push_str(&escape(t)),
            Inline::Strong(t) => {
                let t = escape(t.trim());
                if !t.is_empty() {
                    let _ = write!(out, "**{t}**");
                }
            }
            Inline::Code(t) => {
                let _ = write!(out, "`{}`", t.replace('`', "'"));
            }
            Inline::Anchor { text, anchor } => {
                let _ = write!(out, "[{}](#{anchor})", escape(text));
            }
        }
    }
    out
}

fn cell(parts: &Line) -> String {
    let rendered = line(parts).trim().to_owned();
    if rendered.is_empty() {
        "-".to_owned()
    } else {
        rendered
    }
}

pub(crate) fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        if !out.is_empty() {
            out.push('\n');
        }
        match block {
            Block::Heading { level, text, .. } => {
                let _ = writeln!(
                    out,
                    "{} {}",
                    "#".repeat(usize::from(*level)),
                    escape(text).trim()
                );
            }
            Block::Paragraph(parts) => {
                let _ = writeln!(out, "{}", line(parts).trim());
            }
            Block::List(items) => {
                for item in items {
                    let _ = writeln!(out, "- {}", line(item).trim());
                }
            }
            Block::Tree(items) => {
                for (depth, item) in items {
                    let _ = writeln!(out, "{}- {}", "  ".repeat(*depth), line(item).trim());
                }
            }
            Block::Table { header, rows } => {
                let _ = writeln!(out, "| {} |", header.join(" | "));
                let _ = writeln!(
                    out,
                    "| {} |",
                    header.iter().map(|_| "---").collect::<Vec<_>>().join(" | ")
                );
                for row in rows {
                    let cells: Vec<String> = row.iter().map(cell).collect();
                    let _ = writeln!(out, "| {} |", cells.join(" | "));
                }
            }
            Block::Diagram { alt, file } => {
                let _ = writeln!(out, "![{}]({file})", escape(alt));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(escape("<script>"), "\\<script\\>");
        assert_eq!(escape("a | b"), "a \\| b");
        assert_eq!(escape("# title"), "\\# title");
        assert_eq!(escape("- item"), "\\- item");
        assert_eq!(escape("1. first"), "1\\. first");
        assert_eq!(escape("`code`"), "\\`code\\`");
        assert_eq!(escape("line\nbreak"), "line break");
    }
}
