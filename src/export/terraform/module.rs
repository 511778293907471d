//! A Terraform module being built: HCL blocks per file, made with hcl-rs so that every string
//! literal is escaped (`${` becomes `$${`, `%{` becomes `%%{`, quotes and line breaks are
//! escaped), plus the notes the README lists.

use std::collections::{BTreeMap, BTreeSet};

use hcl::format::Format;
use hcl::{Block, BlockBuilder, Expression, ObjectKey};

#[derive(Default)]
pub(crate) struct Module {
    /// Each file's HCL so far. Blocks are formatted as they are added, so a big model never
    /// holds its whole module as syntax trees (they take ten times the text's memory).
    files: BTreeMap<&'static str, Vec<u8>>,
    /// What the engineer must fill in or decide, for the README.
    pub todos: Vec<String>,
    /// Resource names already handed out, to keep them unique.
    names: BTreeSet<String>,
    /// The provider alias of the region whose resources are being added (`aws.us_west_2`),
    /// set while a secondary region's network or components are generated: every resource
    /// and data source added meanwhile gets it as its `provider`.
    provider: Option<String>,
    /// `""`, or `_<region key>` while a secondary region is entered: the suffix of the
    /// region's shared resources and variables (see [`Module::regional`]).
    suffix: String,
    /// The code of the region being added to, as template text: `${var.region}`,
    /// `${var.region_us_west_2}`, or a fixed code such as `us-east-1` (see
    /// [`Module::enter_fixed_region`]).
    region_code: String,
}

/// A Terraform expression written by us: a reference, a function call or a template over
/// ids, never user text. A parse failure is a bug in this exporter.
pub(crate) fn raw(source: &str) -> Expression {
    if let Some(expression) = plain_traversal(source).or_else(|| quoted_template(source)) {
        debug_assert_eq!(source.parse::<Expression>().ok(), Some(expression.clone()));
        return expression;
    }
    source
        .parse()
        .unwrap_or_else(|e| panic!("the Terraform exporter wrote invalid HCL `{source}`: {e}"))
}

/// `"${var.project}-orders"`: a one-line template of ours, kept as written (hcl-rs formats a
/// template verbatim, so there is nothing to parse it for).
fn quoted_template(source: &str) -> Option<Expression> {
    let inner = source.strip_prefix('"')?.strip_suffix('"')?;
    let plain = !inner.contains(['"', '\\', '\n', '\r']) && !inner.contains("%{");
    (plain && inner.contains("${"))
        .then(|| Expression::from(hcl::TemplateExpr::QuotedString(inner.to_owned())))
}

/// `a.b.c` (identifiers joined by dots), built directly: most references are this shape, and
/// the expression parser is most of a big module's export time.
fn plain_traversal(source: &str) -> Option<Expression> {
    let is_identifier = |part: &str| {
        part.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let mut parts = source.split('.');
    let root = parts.next().filter(|root| is_identifier(root))?;
    let mut operators = Vec::new();
    for part in parts {
        if !is_identifier(part) {
            return None;
        }
        operators.push(hcl::TraversalOperator::GetAttr(hcl::Identifier::unchecked(
            part,
        )));
    }
    if operators.is_empty() {
        return None;
    }
    Some(Expression::from(hcl::Traversal::new(
        hcl::Variable::unchecked(root),
        operators,
    )))
}

/// `block` with `provider = <alias>` as its first argument.
fn with_provider(block: &Block, provider: &str) -> Block {
    let mut body = vec![hcl::Structure::Attribute(hcl::Attribute::new(
        "provider",
        raw(provider),
    ))];
    body.extend(block.body.iter().cloned());
    Block {
        identifier: block.identifier.clone(),
        labels: block.labels.clone(),
        body: hcl::Body::from(body),
    }
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
    /// Adds what follows to `region`: its resources get the region's alias of `provider`
    /// (none for the primary region, or for a provider whose resources name their location
    /// themselves), and [`Module::regional`] names its shared resources.
    pub fn enter_region(&mut self, region: &super::regions::DeployRegion, provider: Option<&str>) {
        self.provider = provider.and_then(|provider| region.provider(provider));
        self.suffix = region.suffix();
        self.region_code = format!("${{{}}}", region.var("region"));
    }

    /// Adds what follows to a region the model does not deploy to but a cloud's global
    /// service keeps its regional parts in (CloudFront's web ACLs in us-east-1): its
    /// resources get `provider`, and its shared resources the suffix `_<key>`.
    pub fn enter_fixed_region(&mut self, key: &str, code: &str, provider: String) {
        self.provider = Some(provider);
        self.suffix = format!("_{key}");
        self.region_code = code.to_owned();
    }

    /// The current region's code as template text, to interpolate in a quoted string.
    pub fn region_code(&self) -> &str {
        if self.region_code.is_empty() {
            "${var.region}"
        } else {
            &self.region_code
        }
    }

    /// Whether the module is adding to the primary region.
    pub fn in_primary_region(&self) -> bool {
        self.suffix.is_empty()
    }

    /// The name of the current region's copy of a shared resource or variable: `base` in
    /// the primary region, `base_<key>` in another.
    pub fn regional(&self, base: &str) -> String {
        format!("{base}{}", self.suffix)
    }

    pub fn add(&mut self, file: &'static str, block: &Block) {
        self.add_commented(file, &[], block);
    }

    /// Formats `block` with its comment lines (ids and fixed text, never user text: names
    /// only ever go into escaped string literals) at the end of `file`.
    pub fn add_commented(&mut self, file: &'static str, comments: &[String], block: &Block) {
        let in_region;
        let block = match &self.provider {
            Some(provider) if matches!(block.identifier(), "resource" | "data") => {
                in_region = with_provider(block, provider);
                &in_region
            }
            _ => block,
        };
        let text = self.files.entry(file).or_default();
        if !text.is_empty() {
            text.push(b'\n');
        }
        for line in comments {
            text.extend_from_slice(b"# ");
            text.extend_from_slice(line.as_bytes());
            text.push(b'\n');
        }
        // A fresh formatter per block (one keeps state between blocks). Formatting into
        // memory cannot fail, and hcl-rs writes UTF-8.
        let mut formatted = Vec::new();
        let mut formatter = hcl::format::Formatter::builder()
            .prefer_ident_keys(true)
            .build(&mut formatted);
        let _ = block.format(&mut formatter);
        text.extend_from_slice(
            super::align::align(&String::from_utf8_lossy(&formatted)).as_bytes(),
        );
        if !text.ends_with(b"\n") {
            text.push(b'\n');
        }
    }

    /// True the first time it is asked about `key`: for what a module declares once however
    /// many components need it (a shared variable).
    pub fn first_time(&mut self, key: &str) -> bool {
        self.names.insert(format!("once:{key}"))
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
    pub fn render(self) -> BTreeMap<String, Vec<u8>> {
        self.files
            .into_iter()
            .map(|(file, text)| (file.to_owned(), text))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_references_are_built_as_the_parser_would() {
        for source in [
            "aws_vpc.main.id",
            "var.region",
            "data.aws_caller_identity.this.account_id",
            "local.tags_v-2",
        ] {
            assert_eq!(
                plain_traversal(source),
                source.parse::<Expression>().ok(),
                "{source}"
            );
        }
        for other in [
            "var",
            "aws_subnet.x[0].id",
            "var.db[\"a\"]",
            "1.5",
            "a..b",
            "upper(var.x)",
            "a.0",
        ] {
            assert_eq!(plain_traversal(other), None, "{other}");
        }
    }
}
