//! A design document as structured blocks, so that Markdown and HTML render the same content
//! and each does its own escaping of user text.

/// Text within a block. Only `Text` and `Strong` may hold user text; `Code` holds ids and
/// catalog names, which are slugs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Inline {
    Text(String),
    Strong(String),
    Code(String),
    /// A link to a section of this document.
    Anchor {
        text: String,
        anchor: String,
    },
}

pub(crate) type Line = Vec<Inline>;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    /// Headings of fixed text carry their anchor, which the table of contents links to.
    Heading {
        level: u8,
        text: String,
        anchor: Option<String>,
    },
    Paragraph(Line),
    List(Vec<Line>),
    /// A nested list: each item with its depth, parents before their children.
    Tree(Vec<(usize, Line)>),
    Table {
        header: Vec<&'static str>,
        rows: Vec<Vec<Line>>,
    },
    /// A diagram: an image link to `file` in Markdown, that file's SVG inline in HTML.
    Diagram {
        alt: String,
        file: String,
    },
}

pub(crate) fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

pub(crate) fn code(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}

pub(crate) fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

/// A one-piece line of plain text.
pub(crate) fn plain(s: impl Into<String>) -> Line {
    vec![text(s)]
}

/// The anchor GitHub (and markdownlint's MD051) derive from a heading of fixed text:
/// lower case, spaces to hyphens, other punctuation dropped.
pub(crate) fn slug(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_follow_github() {
        assert_eq!(
            slug("Reliability and disaster recovery"),
            "reliability-and-disaster-recovery"
        );
        assert_eq!(slug("API surface per service"), "api-surface-per-service");
    }
}
