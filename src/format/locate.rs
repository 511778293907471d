//! Finds where an element or one of its fields is written in a model file, so that problems
//! found after parsing still point at a line and column.

/// A place in a source text: byte offset and length, and 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub offset: usize,
    pub len: usize,
    pub line: usize,
    pub col: usize,
}

/// Line and column (1-based, column in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

/// Byte offset of a 1-based line and column.
pub fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (index, l) in text.split_inclusive('\n').enumerate() {
        if index + 1 == line {
            let within: usize = l
                .chars()
                .take(col.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            return offset + within;
        }
        offset += l.len();
    }
    text.len()
}

fn location(text: &str, offset: usize, len: usize) -> Location {
    let (line, col) = line_col(text, offset);
    Location {
        offset,
        len,
        line,
        col,
    }
}

/// Offsets where `field: "value"` is written, allowing any spacing around the colon.
fn find_field_value(text: &str, field: &str, value: &str) -> Vec<usize> {
    let quoted = format!("\"{value}\"");
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(pos) = text.get(from..).and_then(|t| t.find(&quoted)) {
        let at = from + pos;
        let before = text.get(..at).unwrap_or("").trim_end();
        if let Some(before) = before.strip_suffix(':')
            && before.trim_end().ends_with(field)
            && !before
                .trim_end()
                .strip_suffix(field)
                .is_some_and(|b| b.ends_with(|c: char| c.is_alphanumeric() || c == '_'))
        {
            let field_start = before.trim_end().len() - field.len();
            found.push(field_start);
        }
        from = at + quoted.len();
    }
    found
}

/// Where the element with `id` is defined (its `id: "…"`), optionally the n-th definition.
pub fn element(text: &str, id: &str, nth: usize) -> Option<Location> {
    let offset = *find_field_value(text, "id", id).get(nth)?;
    Some(location(text, offset, "id: ".len() + id.len() + 2))
}

/// Where `field` (a field name or a property key) is written inside the element `id`,
/// falling back to the element itself.
pub fn field(text: &str, id: &str, field: &str) -> Option<Location> {
    let start = element(text, id, 0)?;
    let rest = text.get(start.offset + start.len..)?;
    // The element's text ends where the next element's id starts.
    let end = rest.find("id:").unwrap_or(rest.len());
    let block = rest.get(..end)?;
    let candidates = [format!("\"{field}\""), format!("{field}:")];
    let hit = candidates
        .iter()
        .filter_map(|needle| {
            block.match_indices(needle.as_str()).find(|(i, _)| {
                // A field name must stand alone, not be the tail of a longer word.
                *i == 0 || !block[..*i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
            })
        })
        .map(|(i, m)| (i, m.len()))
        .min();
    match hit {
        Some((i, len)) => Some(location(text, start.offset + start.len + i, len)),
        None => Some(start),
    }
}

/// Where a waiver naming `target` is written.
pub fn waiver(text: &str, target: &str) -> Option<Location> {
    let offset = *find_field_value(text, "target", target).first()?;
    Some(location(text, offset, "target: ".len() + target.len() + 2))
}

/// Where a top-level field such as `version` is written.
pub fn top_level(text: &str, name: &str) -> Option<Location> {
    let needle = format!("{name}:");
    let offset = text.find(&needle)?;
    Some(location(text, offset, needle.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "(\n  components: [\n    (id: \"a\", kind: \"x\"),\n    (\n      id: \"b\",\n      properties: {\"replicas\": 1},\n    ),\n  ],\n)\n";

    #[test]
    fn finds_elements_and_fields() {
        let a = element(TEXT, "a", 0).expect("a");
        assert_eq!((a.line, a.col), (3, 6));
        let kind = field(TEXT, "a", "kind").expect("kind");
        assert_eq!((kind.line, kind.col), (3, 15));
        let replicas = field(TEXT, "b", "replicas").expect("replicas");
        assert_eq!((replicas.line, replicas.col), (6, 20));
        assert!(element(TEXT, "zz", 0).is_none());
    }

    #[test]
    fn offsets_and_line_cols_agree() {
        for offset in [0, 5, 30, TEXT.len()] {
            let (line, col) = line_col(TEXT, offset);
            assert_eq!(offset_of(TEXT, line, col), offset);
        }
    }
}
