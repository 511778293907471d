//! Rule packs: a team's own architecture rules, written as RON files and run next to the
//! built-in ones (`archsmith validate --rules PACK.ron`, or `rules: (packs: [...])` in a model).
//!
//! ```ron
//! (
//!     name: "Platform standards",
//!     rules: [
//!         (
//!             id: "PLAT001",
//!             name: "no-gateway-to-datastore",
//!             severity: error,
//!             message: "gateways must not talk to datastores directly",
//!             check: forbid_connection(from: trait(gateway), to: trait(datastore)),
//!         ),
//!     ],
//! )
//! ```

use std::collections::{BTreeSet, VecDeque};

use petgraph::Direction;
use serde::Deserialize;

use super::{Finding, RuleCategory};
use crate::catalog::{Catalog, Trait};
use crate::format::{Location, SourceIndex};
use crate::graph::ArchGraph;
use crate::model::{Component, GroupKind, PropertyValue, Severity};

/// Which components a check applies to.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Selector {
    /// Every component.
    Any,
    /// Components whose kind has this trait.
    Trait(Trait),
    /// Components of this kind id.
    Kind(String),
    /// Components carrying this tag.
    Tag(String),
}

impl Selector {
    fn matches(&self, graph: &ArchGraph<'_>, component: &Component) -> bool {
        match self {
            Self::Any => true,
            Self::Trait(t) => graph.has_trait(component, *t),
            Self::Kind(kind) => component.kind.as_str() == kind,
            Self::Tag(tag) => component.tags.iter().any(|t| t == tag),
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Any => "any component".to_owned(),
            Self::Trait(t) => format!(
                "trait {}",
                serde_json::to_value(t)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ),
            Self::Kind(kind) => format!("kind {kind}"),
            Self::Tag(tag) => format!("tag {tag}"),
        }
    }
}

/// What a pack rule checks.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// No connection (of `kinds`, or any) may go from `from` to `to`.
    ForbidConnection {
        from: Selector,
        to: Selector,
        #[serde(default)]
        kinds: Vec<String>,
    },
    /// Every `from` component needs a connection (of `kinds`, or any) to some `to` component.
    RequireConnection {
        from: Selector,
        to: Selector,
        #[serde(default)]
        kinds: Vec<String>,
    },
    /// Components matching `on` must have `property` set (not empty, not `false`), equal to
    /// `equals`, or one of `one_of`.
    RequireProperty {
        on: Selector,
        property: String,
        #[serde(default)]
        equals: Option<PropertyValue>,
        #[serde(default)]
        one_of: Vec<PropertyValue>,
    },
    /// Every path (along request connections) from `from` to `to` passes a `through` component.
    PathThrough {
        from: Selector,
        to: Selector,
        through: Selector,
    },
    /// No chain of synchronous calls from an entry point may have more than `limit` components.
    MaxSyncDepth(usize),
    /// Components matching `on` may make at most `limit` synchronous calls.
    MaxFanOut { on: Selector, limit: usize },
    /// Components matching `on` may receive at most `limit` synchronous calls.
    MaxFanIn { on: Selector, limit: usize },
    /// Components matching `on` must sit inside a boundary (of `kind`, when given).
    RequireBoundary {
        on: Selector,
        #[serde(default)]
        kind: Option<GroupKind>,
    },
}

/// One rule of a pack.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackRule {
    pub id: String,
    pub name: String,
    #[serde(default = "default_category")]
    pub category: RuleCategory,
    #[serde(default = "default_severity")]
    pub severity: Severity,
    /// What a finding says; the elements concerned are named after it.
    pub message: String,
    #[serde(default)]
    pub fix_hint: String,
    pub check: Check,
}

fn default_category() -> RuleCategory {
    RuleCategory::Correctness
}

fn default_severity() -> Severity {
    Severity::Warning
}

/// A rule pack file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulePack {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub rules: Vec<PackRule>,
}

/// Why a pack could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("cannot read the rule pack: {0}")]
    Read(#[from] crate::format::LoadError),
    #[error(
        "{model}: rule pack `{}` is outside the model's folder {}; packs a model lists must be files inside its folder (pass others with --rules)",
        crate::text::echo(.listed), .folder.display()
    )]
    OutsideModelFolder {
        model: String,
        listed: String,
        folder: std::path::PathBuf,
    },
    #[error("{path}:{}:{}: {message}", .location.line, .location.col)]
    Invalid {
        path: String,
        location: Location,
        message: String,
    },
}

impl RulePack {
    /// Parses a pack and checks that its ids are unique and its kinds exist.
    pub fn parse(text: &str, path: &str, catalog: &Catalog) -> Result<Self, PackError> {
        let invalid = |location: Location, message: String| PackError::Invalid {
            path: path.to_owned(),
            location,
            message,
        };
        let index = SourceIndex::new(text);
        let pack: RulePack = crate::catalog::ron_options().from_str(text).map_err(|e| {
            invalid(
                index.span(e.span.start, e.span.start),
                crate::text::echo_message(&e.code.to_string()),
            )
        })?;
        let at_rule = |id: &str| {
            index.element(id, 0).unwrap_or(Location {
                offset: 0,
                len: 1,
                line: 1,
                col: 1,
            })
        };
        let mut seen = BTreeSet::new();
        for rule in &pack.rules {
            if !seen.insert(rule.id.as_str()) || super::find_rule(&rule.id).is_some() {
                return Err(invalid(
                    at_rule(&rule.id),
                    format!("rule id `{}` is already used", rule.id),
                ));
            }
            let selectors: Vec<&Selector> = match &rule.check {
                Check::ForbidConnection { from, to, .. }
                | Check::RequireConnection { from, to, .. } => vec![from, to],
                Check::RequireProperty { on, .. }
                | Check::MaxFanOut { on, .. }
                | Check::MaxFanIn { on, .. }
                | Check::RequireBoundary { on, .. } => vec![on],
                Check::PathThrough { from, to, through } => vec![from, to, through],
                Check::MaxSyncDepth(_) => vec![],
            };
            for selector in selectors {
                if let Selector::Kind(kind) = selector
                    && catalog.kind(kind).is_none()
                {
                    let hint = catalog
                        .suggest_kind(kind)
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    return Err(invalid(
                        at_rule(&rule.id),
                        format!("rule `{}` selects unknown kind `{kind}`{hint}", rule.id),
                    ));
                }
            }
        }
        Ok(pack)
    }

    /// Reads a pack file (a regular file of at most [`crate::text::MAX_FILE_BYTES`]).
    pub fn load(path: &std::path::Path, catalog: &Catalog) -> Result<Self, PackError> {
        let text = crate::format::read_text(path)?;
        Self::parse(&text, &path.display().to_string(), catalog)
    }

    /// Reads a pack that the model at `model` lists as `listed`. The pack must resolve, after
    /// following links, to a file inside the model's folder: a model from an untrusted pull
    /// request must not make CI read `/etc/shadow` or block on a FIFO.
    pub fn load_listed(
        model: &std::path::Path,
        listed: &str,
        catalog: &Catalog,
    ) -> Result<Self, PackError> {
        let folder = match model.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => std::path::Path::new("."),
        };
        let outside = || PackError::OutsideModelFolder {
            model: model.display().to_string(),
            listed: listed.to_owned(),
            folder: folder.to_path_buf(),
        };
        let candidate = folder.join(listed);
        let read_error = |source| {
            PackError::Read(crate::format::LoadError::Io {
                path: candidate.display().to_string(),
                source,
            })
        };
        let root = folder.canonicalize().map_err(read_error)?;
        let resolved = candidate.canonicalize().map_err(read_error)?;
        if !resolved.starts_with(&root) || resolved == root {
            return Err(outside());
        }
        Self::load(&candidate, catalog)
    }
}

impl PackRule {
    fn finding(&self, detail: &str, targets: Vec<String>) -> Finding {
        let hint = if self.fix_hint.is_empty() {
            self.message.clone()
        } else {
            self.fix_hint.clone()
        };
        Finding {
            rule: self.id.clone().into(),
            category: self.category,
            severity: self.severity,
            message: format!("{}: {detail}", self.message),
            targets,
            fix_hint: hint.into(),
            quick_fix: None,
            waived: None,
        }
    }

    /// Runs the rule over a graph.
    pub fn check(&self, graph: &ArchGraph<'_>, out: &mut Vec<Finding>) {
        let doc = graph.document();
        let kind_ok =
            |kinds: &[String], kind: &str| kinds.is_empty() || kinds.iter().any(|k| k == kind);
        match &self.check {
            Check::ForbidConnection { from, to, kinds } => {
                for connection in doc.connections() {
                    let Some((a, b)) = graph.endpoints(connection) else {
                        continue;
                    };
                    if kind_ok(kinds, connection.kind.as_str())
                        && from.matches(graph, a)
                        && to.matches(graph, b)
                    {
                        out.push(self.finding(
                            &format!("{} → {} ({})", a.name, b.name, connection.kind),
                            vec![connection.id.as_str().to_owned()],
                        ));
                    }
                }
            }
            Check::RequireConnection { from, to, kinds } => {
                for component in doc.components().iter().filter(|c| from.matches(graph, c)) {
                    let linked = graph.any_connection(component, Direction::Outgoing, |c| {
                        kind_ok(kinds, c.kind.as_str())
                            && graph
                                .endpoints(c)
                                .is_some_and(|(_, target)| to.matches(graph, target))
                    });
                    if !linked {
                        out.push(self.finding(
                            &format!("{} has no connection to {}", component.name, to.describe()),
                            vec![component.id.as_str().to_owned()],
                        ));
                    }
                }
            }
            Check::RequireProperty {
                on,
                property,
                equals,
                one_of,
            } => {
                for component in doc.components().iter().filter(|c| on.matches(graph, c)) {
                    let value = graph.property(component, property);
                    let ok = match (equals, value) {
                        (Some(expected), Some(actual)) => actual == expected,
                        (None, Some(actual)) if !one_of.is_empty() => one_of.contains(actual),
                        (None, Some(PropertyValue::Bool(b))) => *b,
                        (None, Some(PropertyValue::Text(t))) => !t.is_empty(),
                        (None, Some(_)) => true,
                        (_, None) => false,
                    };
                    if !ok {
                        let shown = value.map_or_else(|| "unset".to_owned(), ToString::to_string);
                        out.push(self.finding(
                            &format!("{} has {property} = {shown}", component.name),
                            vec![component.id.as_str().to_owned()],
                        ));
                    }
                }
            }
            Check::PathThrough { from, to, through } => {
                for start in doc.components().iter().filter(|c| from.matches(graph, c)) {
                    let mut queue = VecDeque::from([start]);
                    let mut seen = BTreeSet::from([start.id.as_str()]);
                    while let Some(current) = queue.pop_front() {
                        for connection in graph.connections(current, Direction::Outgoing, None) {
                            if graph.style(connection)
                                == Some(crate::catalog::ConnectionStyle::Telemetry)
                            {
                                continue;
                            }
                            let Some((_, next)) = graph.endpoints(connection) else {
                                continue;
                            };
                            if through.matches(graph, next) || !seen.insert(next.id.as_str()) {
                                continue;
                            }
                            if to.matches(graph, next) {
                                out.push(self.finding(
                                    &format!(
                                        "{} reaches {} without passing {}",
                                        start.name,
                                        next.name,
                                        through.describe()
                                    ),
                                    vec![start.id.as_str().to_owned(), next.id.as_str().to_owned()],
                                ));
                            }
                            queue.push_back(next);
                        }
                    }
                }
            }
            Check::MaxSyncDepth(limit) => {
                for entry in graph.entry_points() {
                    if graph.sync_chain_length(entry.id.as_str()) > *limit {
                        let chain = graph.longest_sync_chain(entry.id.as_str());
                        out.push(self.finding(
                            &format!(
                                "{} components deep from {} (limit {limit})",
                                chain.len(),
                                entry.name
                            ),
                            chain.iter().map(|id| (*id).to_owned()).collect(),
                        ));
                    }
                }
            }
            Check::MaxFanOut { on, limit } | Check::MaxFanIn { on, limit } => {
                let direction = if matches!(self.check, Check::MaxFanOut { .. }) {
                    Direction::Outgoing
                } else {
                    Direction::Incoming
                };
                for component in doc.components().iter().filter(|c| on.matches(graph, c)) {
                    let count = graph
                        .connections(component, direction, None)
                        .iter()
                        .filter(|c| graph.is_sync(c))
                        .count();
                    if count > *limit {
                        let what = if direction == Direction::Outgoing {
                            "makes"
                        } else {
                            "receives"
                        };
                        out.push(self.finding(
                            &format!(
                                "{} {what} {count} synchronous calls (limit {limit})",
                                component.name
                            ),
                            vec![component.id.as_str().to_owned()],
                        ));
                    }
                }
            }
            Check::RequireBoundary { on, kind } => {
                for component in doc.components().iter().filter(|c| on.matches(graph, c)) {
                    let mut groups = graph.belongs_to(component);
                    let inside = match kind {
                        Some(kind) => groups.any(|g| g.kind == *kind),
                        None => groups.next().is_some(),
                    };
                    if !inside {
                        let wanted = kind.map_or("a boundary", |k| k.label());
                        out.push(self.finding(
                            &format!("{} is not inside {wanted}", component.name),
                            vec![component.id.as_str().to_owned()],
                        ));
                    }
                }
            }
        }
    }
}
