//! Finds where an element or one of its fields is written in a model file, so that problems
//! found after parsing still point at a line and column.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

/// A place in a source text: byte offset and length, and 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub offset: usize,
    pub len: usize,
    pub line: usize,
    pub col: usize,
}

/// Bytes between the character-count checkpoints of a [`SourceIndex`]: a column costs at
/// most this many byte reads, however long its line is (a model minified onto one line).
const CHECKPOINT_BYTES: usize = 1024;

/// Lines up to this long are counted directly; longer ones use the checkpoints, which are
/// only built when a column on such a line is asked for.
const SHORT_LINE_BYTES: usize = 4 * CHECKPOINT_BYTES;

/// Where every element of a model file is defined, found in one pass over the text, so that
/// any number of findings or problems are located in constant time each.
#[derive(Debug)]
pub struct SourceIndex<'t> {
    text: &'t str,
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
    /// Characters before each `CHECKPOINT_BYTES` boundary, built on first use.
    chars_before_checkpoint: std::sync::OnceLock<Vec<usize>>,
    /// `id: "…"` definitions by their (unescaped) value: where the first one's field name
    /// starts. Borrowed from the text unless the value has escapes.
    ids: FxHashMap<Cow<'t, str>, usize>,
    /// The second and later definitions of an id (duplicates, which loading refuses).
    repeated_ids: FxHashMap<Cow<'t, str>, Vec<usize>>,
    /// `target: "…"` fields (waivers) by value: the first one.
    targets: FxHashMap<Cow<'t, str>, usize>,
    /// Where the first comment starts, if the text has one.
    first_comment: Option<usize>,
}

fn is_char_start(byte: u8) -> bool {
    // UTF-8 continuation bytes are 0b10xx_xxxx.
    (byte & 0xC0) != 0x80
}

fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| is_char_start(**b)).count()
}

/// Which field a string literal is the value of, looking back from its opening quote past
/// white space and a `:` to an identifier. `None` for any other string (a map key, a list
/// element, a name that merely contains `id: "x"`).
fn field_before(bytes: &[u8], quote: usize) -> Option<&[u8]> {
    let before = bytes.get(..quote)?;
    let mut end = before.len();
    while end > 0 && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    if end == 0 || bytes[end - 1] != b':' {
        return None;
    }
    end -= 1;
    while end > 0 && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
        start -= 1;
    }
    (start < end).then(|| &bytes[start..end])
}

impl<'t> SourceIndex<'t> {
    /// Indexes `text` in one pass.
    pub fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(bytes.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        // A canonical model spends about 130 bytes of text per element; sizing the table up
        // front saves rehashing it a dozen times on a big model.
        let expected_ids = bytes.len() / 128;
        let mut index = Self {
            text,
            line_starts,
            chars_before_checkpoint: std::sync::OnceLock::new(),
            ids: FxHashMap::with_capacity_and_hasher(expected_ids, Default::default()),
            repeated_ids: FxHashMap::default(),
            targets: FxHashMap::default(),
            first_comment: None,
        };
        index.scan_fields();
        index
    }

    /// Records every `id: "…"` and `target: "…"`, skipping comments and the contents of other
    /// strings. It jumps from quote to quote (and slash to slash outside strings), so its
    /// cost is in the number of strings, not a branch per byte.
    fn scan_fields(&mut self) {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(found) = memchr::memchr2(b'"', b'/', bytes.get(i..).unwrap_or_default()) {
            let at = i + found;
            if bytes[at] == b'/' {
                match bytes.get(at + 1) {
                    Some(b'/') => {
                        self.first_comment.get_or_insert(at);
                        i = memchr_from(bytes, b'\n', at).unwrap_or(bytes.len());
                    }
                    Some(b'*') => {
                        self.first_comment.get_or_insert(at);
                        i = skip_block_comment(bytes, at);
                    }
                    _ => i = at + 1,
                }
                continue;
            }
            if let Some(end) = raw_string_end(bytes, at) {
                i = end;
                continue;
            }
            let end = skip_string(bytes, at);
            if let Some(field) = field_before(bytes, at) {
                let literal = text.get(at..end).unwrap_or("");
                let field_start = field.as_ptr() as usize - bytes.as_ptr() as usize;
                match field {
                    b"id" => {
                        if let Some(value) = string_value(literal) {
                            match self.ids.entry(value) {
                                std::collections::hash_map::Entry::Vacant(slot) => {
                                    slot.insert(field_start);
                                }
                                std::collections::hash_map::Entry::Occupied(slot) => {
                                    self.repeated_ids
                                        .entry(slot.key().clone())
                                        .or_default()
                                        .push(field_start);
                                }
                            }
                        }
                    }
                    b"target" => {
                        if let Some(value) = string_value(literal) {
                            self.targets.entry(value).or_insert(field_start);
                        }
                    }
                    _ => {}
                }
            }
            i = end;
        }
    }

    /// The text this index describes.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// Line and column (1-based, column in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self
            .line_starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(0);
        let bytes = self.text.as_bytes();
        let col = if offset - line_start <= SHORT_LINE_BYTES {
            count_chars(bytes.get(line_start..offset).unwrap_or_default())
        } else {
            self.chars_before(offset) - self.chars_before(line_start)
        };
        (line.max(1), col + 1)
    }

    /// Characters before byte `offset`.
    fn chars_before(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let checkpoints = self.chars_before_checkpoint.get_or_init(|| {
            let mut counts = Vec::with_capacity(bytes.len() / CHECKPOINT_BYTES + 2);
            let mut chars = 0;
            for block in bytes.chunks(CHECKPOINT_BYTES) {
                counts.push(chars);
                chars += count_chars(block);
            }
            counts.push(chars);
            counts
        });
        let block = offset / CHECKPOINT_BYTES;
        let block_start = block * CHECKPOINT_BYTES;
        let counted = checkpoints.get(block).copied().unwrap_or(0);
        counted + count_chars(bytes.get(block_start..offset).unwrap_or_default())
    }

    /// The byte offset of the first comment (`//` or `/* */`), if any.
    pub fn first_comment(&self) -> Option<usize> {
        self.first_comment
    }

    /// Where `"value"` is first written, as a quoted string.
    pub fn quoted(&self, value: &str) -> Option<Location> {
        let needle = format!("\"{value}\"");
        let offset = self.text.find(&needle)?;
        Some(self.location(offset, needle.len()))
    }

    /// Byte offset of a 1-based line and column.
    pub fn offset_of(&self, line: usize, col: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let within: usize = self
            .text
            .get(start..end)
            .unwrap_or("")
            .chars()
            .take(col.saturating_sub(1))
            .map(char::len_utf8)
            .sum();
        start + within
    }

    fn location(&self, offset: usize, len: usize) -> Location {
        let (line, col) = self.line_col(offset);
        Location {
            offset,
            len,
            line,
            col,
        }
    }

    /// Where the element with `id` is defined (its `id: "…"`), optionally the n-th definition.
    pub fn element(&self, id: &str, nth: usize) -> Option<Location> {
        let offset = match nth {
            0 => *self.ids.get(id)?,
            n => *self.repeated_ids.get(id)?.get(n - 1)?,
        };
        Some(self.location(offset, self.field_len(offset)))
    }

    /// The length of `name: "…"` starting at `offset`.
    fn field_len(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let quote = memchr_from(bytes, b'"', offset).unwrap_or(offset);
        skip_string(bytes, quote).saturating_sub(offset).max(1)
    }

    /// Where `field` (a field name or a property key) is written inside the element `id`,
    /// falling back to the element itself.
    pub fn field(&self, id: &str, field: &str) -> Option<Location> {
        let start = self.element(id, 0)?;
        let rest = self.text.get(start.offset + start.len..)?;
        // The element's text ends where the next element's id starts.
        let end = rest.find("id:").unwrap_or(rest.len());
        let block = rest.get(..end)?;
        let candidates = [format!("\"{field}\""), format!("{field}:")];
        let hit = candidates
            .iter()
            .filter_map(|needle| {
                block.match_indices(needle.as_str()).find(|(i, _)| {
                    // A field name must stand alone, not be the tail of a longer word.
                    *i == 0
                        || !block
                            .get(..*i)
                            .is_some_and(|b| b.ends_with(|c: char| c.is_alphanumeric() || c == '_'))
                })
            })
            .map(|(i, m)| (i, m.len()))
            .min();
        match hit {
            Some((i, len)) => Some(self.location(start.offset + start.len + i, len)),
            None => Some(start),
        }
    }

    /// Where a waiver naming `target` is written.
    pub fn waiver(&self, target: &str) -> Option<Location> {
        let offset = *self.targets.get(target)?;
        Some(self.location(offset, self.field_len(offset)))
    }

    /// Where a top-level field such as `version` is written.
    pub fn top_level(&self, name: &str) -> Option<Location> {
        let needle = format!("{name}:");
        let offset = self.text.find(&needle)?;
        Some(self.location(offset, needle.len()))
    }

    /// The location of a span that the RON parser reported (1-based lines and columns).
    pub fn span(&self, start: ron::error::Position, end: ron::error::Position) -> Location {
        let offset = self.offset_of(start.line, start.col);
        let end = self.offset_of(end.line, end.col);
        Location {
            offset,
            len: end.saturating_sub(offset).max(1),
            line: start.line,
            col: start.col,
        }
    }
}

fn memchr_from(bytes: &[u8], needle: u8, from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|b| *b == needle)
        .map(|i| from + i)
}

/// The offset just past the string literal that starts at the quote at `start`.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(found) = memchr::memchr2(b'"', b'\\', bytes.get(i..).unwrap_or_default()) {
        let at = i + found;
        if bytes[at] == b'"' {
            return at + 1;
        }
        i = at + 2;
    }
    bytes.len()
}

/// When the quote at `quote` opens a raw string (`r"…"`, `r#"…"#`), the offset just past it.
fn raw_string_end(bytes: &[u8], quote: usize) -> Option<usize> {
    let before = bytes.get(..quote)?;
    let hashes = before.iter().rev().take_while(|b| **b == b'#').count();
    let r = quote.checked_sub(hashes + 1)?;
    if bytes.get(r) != Some(&b'r') {
        return None;
    }
    // `r` must start a token, not end an identifier such as `ender"`.
    if r > 0 && (bytes[r - 1].is_ascii_alphanumeric() || bytes[r - 1] == b'_') {
        return None;
    }
    let closing: Vec<u8> = std::iter::once(b'"')
        .chain(std::iter::repeat_n(b'#', hashes))
        .collect();
    let body = quote + 1;
    Some(
        memchr::memmem::find(bytes.get(body..).unwrap_or_default(), &closing)
            .map_or(bytes.len(), |i| body + i + closing.len()),
    )
}

/// The offset just past the (possibly nested) block comment that starts at `start`.
fn skip_block_comment(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while let Some(&byte) = bytes.get(i) {
        match (byte, bytes.get(i + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The value of a quoted string literal; escapes are decoded by RON itself, so an id written
/// as `"orders\u{2d}db"` is found as `orders-db`.
fn string_value(literal: &str) -> Option<Cow<'_, str>> {
    let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        ron::from_str::<String>(literal).ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(inner))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "(\n  components: [\n    (id: \"a\", kind: \"x\"),\n    (\n      id: \"b\",\n      properties: {\"replicas\": 1},\n    ),\n  ],\n)\n";

    #[test]
    fn finds_elements_and_fields() {
        let index = SourceIndex::new(TEXT);
        let a = index.element("a", 0).expect("a");
        assert_eq!((a.line, a.col), (3, 6));
        let kind = index.field("a", "kind").expect("kind");
        assert_eq!((kind.line, kind.col), (3, 15));
        let replicas = index.field("b", "replicas").expect("replicas");
        assert_eq!((replicas.line, replicas.col), (6, 20));
        assert!(index.element("zz", 0).is_none());
    }

    #[test]
    fn offsets_and_line_cols_agree() {
        let index = SourceIndex::new(TEXT);
        for offset in [0, 5, 30, TEXT.len()] {
            let (line, col) = index.line_col(offset);
            assert_eq!(index.offset_of(line, col), offset);
        }
    }

    #[test]
    fn ids_in_names_comments_and_escapes() {
        let text = "(\n  // id: \"a\"\n  name: \"id: \\\"a\\\"\",\n  /* id: \"a\" */ id: \"a\\u{2d}b\",\n  id: \"a\",\n)";
        let index = SourceIndex::new(text);
        let escaped = index.element("a-b", 0).expect("escaped id");
        assert_eq!(escaped.line, 4);
        let plain = index.element("a", 0).expect("a");
        assert_eq!((plain.line, plain.col), (5, 3));
        assert!(
            index.element("a", 1).is_none(),
            "comments and names define nothing"
        );
    }

    #[test]
    fn columns_on_one_long_line() {
        let mut text = String::from("(");
        for i in 0..20_000 {
            text.push_str(&format!("(id: \"c{i}\", name: \"é\"),"));
        }
        let index = SourceIndex::new(&text);
        let last = index.element("c19999", 0).expect("last");
        let before = text.find("id: \"c19999\"").expect("in text");
        let expected_col = text[..before].chars().count() + 1;
        assert_eq!((last.line, last.col), (1, expected_col));
        assert_eq!(index.offset_of(1, expected_col), before);
    }
}
