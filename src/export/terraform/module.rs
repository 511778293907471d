//! A Terraform module being built: HCL blocks per file, made with hcl-rs so that every string
//! literal is escaped (`${` becomes `$${`, `%{` becomes `%%{`, quotes and line breaks are
//! escaped), plus the notes the README lists.

use std::collections::{BTreeMap, BTreeSet};

use hcl::format::Format;
use hcl::{Block, BlockBuilder, Expression, ObjectKey};

/// A block with the comment lines written above it. Comments never carry user text: an
/// id is a slug, and names only ever go into escaped string literals.
struct Chunk {
    comments: Vec<String>,
    block: Block,
}

#[derive(Default)]
pub(crate) struct Module {
    files: BTreeMap<&'static str, Vec<Chunk>>,
    /// What the engineer must fill in or decide, for the README.
    pub todos: Vec<String>,
    /// Resource names already handed out, to keep them unique.
    names: BTreeSet<String>,
}

/// A Terraform expression written by us: a reference, a function call or a template over
/// ids, never user text. A parse failure is a bug in this exporter.
pub(crate) fn raw(source: &str) -> Expression {
    source
        .parse()
        .unwrap_or_else(|e| panic!("the Terraform exporter wrote invalid HCL `{source}`: {e}"))
}

/// User text as an HCL string literal, escaped by hcl-rs.
pub(crate) fn literal(text: &str) -> Expression {
    Expression::String(text.to_owned())
}

/// A list of expressions.
pub(crate) fn list(items: impl IntoIterator<Item = Expression>) -> Expression {
    Expression::Array(items.into_iter().collect())
}

/// An object with identifier keys (tags, labels, maps).
pub(crate) fn object<'a>(entries: impl IntoIterator<Item = (&'a str, Expression)>) -> Expression {
    let mut map = hcl::Object::new();
    for (key, value) in entries {
        map.insert(ObjectKey::from(key), value);
    }
    Expression::Object(map)
}

pub(crate) fn resource(kind: &str, name: &str) -> BlockBuilder {
    Block::builder("resource").add_label(kind).add_label(name)
}

pub(crate) fn block(name: &str) -> BlockBuilder {
    Block::builder(name)
}

impl Module {
    pub fn add(&mut self, file: &'static str, block: Block) {
        self.add_commented(file, Vec::new(), block);
    }

    pub fn add_commented(&mut self, file: &'static str, comments: Vec<String>, block: Block) {
        self.files
            .entry(file)
            .or_default()
            .push(Chunk { comments, block });
    }

    pub fn todo(&mut self, text: impl Into<String>) {
        self.todos.push(text.into());
    }

    /// A Terraform identifier for `id`, unique within the module: `orders-db` becomes
    /// `orders_db`, and a clash gets a numeric suffix.
    pub fn name_for(&mut self, id: &str) -> String {
        let mut base: String = id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
            base.insert(0, 'c');
        }
        let mut name = base.clone();
        let mut n = 2;
        while !self.names.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        name
    }

    /// Each file's text, formatted by hcl-rs (two-space indent, one blank line between blocks).
    pub fn render(&self) -> BTreeMap<String, Vec<u8>> {
        self.files
            .iter()
            .map(|(file, chunks)| {
                let mut text = String::new();
                for chunk in chunks {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    for line in &chunk.comments {
                        text.push_str("# ");
                        text.push_str(line);
                        text.push('\n');
                    }
                    // A fresh formatter per block: one keeps state between blocks. Blocks are
                    // formatted where they are, not copied into a body of their own.
                    let mut formatter = hcl::format::Formatter::builder()
                        .prefer_ident_keys(true)
                        .build_vec();
                    // Formatting into memory cannot fail.
                    let formatted = chunk
                        .block
                        .format_string(&mut formatter)
                        .unwrap_or_default();
                    text.push_str(&formatted);
                    if !text.ends_with('\n') {
                        text.push('\n');
                    }
                }
                ((*file).to_owned(), text.into_bytes())
            })
            .collect()
    }
}
