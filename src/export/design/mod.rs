//! The design document: every section derived from the model (meta and targets, the graph,
//! properties, boundaries, rule findings, waivers and decisions), rendered as Markdown with
//! the diagram beside it, or as one self-contained HTML file.

mod access;
mod analyses;
mod api;
mod content;
mod data_model;
mod delivery;
mod html;
mod markdown;
mod recovery;
mod slos;

pub(crate) use markdown::escape as escape_markdown;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use petgraph::Direction;

use self::content::{Block, Inline, Line, code, plain, slug, strong, text};
use super::{ExportError, ExportOptions, Exporter, Format, Output, svg};
use crate::catalog::{Catalog, Regions, Trait};
use crate::facts::Facts;
use crate::graph::ArchGraph;
use crate::model::{
    AuthMode, Cloud, Component, ComponentId, Connection, Document, GroupKind, PropertyValue,
    ViewLevel,
};
use crate::rules::{Finding, Report, RuleCategory};
use crate::topics::BrokerFlows;
use crate::view;

#[derive(Debug)]
pub struct MarkdownExporter;

#[derive(Debug)]
pub struct HtmlExporter;

const DIAGRAM_FILE: &str = "diagram.svg";

impl Exporter for MarkdownExporter {
    fn format(&self) -> &'static Format {
        &Format {
            id: "markdown",
            label: "Design document (Markdown)",
            extension: None,
        }
    }

    /// The document's findings sections list every open finding.
    fn shows_findings(&self, _options: &ExportOptions) -> bool {
        true
    }

    fn export(
        &self,
        doc: &Document,
        catalog: &Catalog,
        options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        let options = with_report(doc, catalog, options);
        let projections = projections(doc, catalog, &options);
        let blocks = sections(doc, catalog, &options, &projections);
        let mut files: BTreeMap<String, Vec<u8>> = diagrams(doc, catalog, &options, &projections)
            .into_iter()
            .map(|(file, svg)| (file, svg.into_bytes()))
            .collect();
        files.insert(
            "design.md".to_owned(),
            markdown::render(&blocks).into_bytes(),
        );
        Ok(Output::Folder(files))
    }
}

impl Exporter for HtmlExporter {
    fn format(&self) -> &'static Format {
        &Format {
            id: "html",
            label: "Design document (HTML)",
            extension: Some("html"),
        }
    }

    /// The document's findings sections list every open finding.
    fn shows_findings(&self, _options: &ExportOptions) -> bool {
        true
    }

    fn export(
        &self,
        doc: &Document,
        catalog: &Catalog,
        options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        let options = with_report(doc, catalog, options);
        let projections = projections(doc, catalog, &options);
        let blocks = sections(doc, catalog, &options, &projections);
        let title = format!("{} design", doc.meta.name);
        let diagrams = diagrams(doc, catalog, &options, &projections);
        Ok(Output::File(
            html::render(&title, &blocks, &diagrams).into_bytes(),
        ))
    }
}

/// The options with the model's findings: the views' diagrams are projections, and their
/// badges must show what the whole model's rules found.
fn with_report(doc: &Document, catalog: &Catalog, options: &ExportOptions) -> ExportOptions {
    let mut options = options.clone();
    if options.report.is_none() {
        let graph = ArchGraph::new(doc, catalog);
        options.report = Some(std::sync::Arc::new(
            super::findings(&options, &graph).into_owned(),
        ));
    }
    options
}

/// Where a view's diagram goes in the document's folder.
fn view_file(view: &crate::model::View) -> String {
    format!("views/{}.svg", view.id)
}

/// What each of the model's views draws, in the model's order, projected once for both the
/// Views section and the views' diagrams.
fn projections(
    doc: &Document,
    catalog: &Catalog,
    options: &ExportOptions,
) -> Vec<view::Projection> {
    let spacing = crate::layout::Spacing::for_aspect(options.aspect);
    doc.views()
        .iter()
        .map(|v| view::project_with(doc, catalog, v, spacing))
        .collect()
}

/// The document's diagrams by file: the whole model's, then each view's.
fn diagrams(
    doc: &Document,
    catalog: &Catalog,
    options: &ExportOptions,
    projections: &[view::Projection],
) -> BTreeMap<String, String> {
    let options = diagram_options(options);
    let mut out = BTreeMap::from([(DIAGRAM_FILE.to_owned(), svg::render(doc, catalog, &options))]);
    for (view, projection) in doc.views().iter().zip(projections) {
        out.insert(
            view_file(view),
            svg::render(&projection.doc, catalog, &options),
        );
    }
    out
}

/// The document's diagram shows findings: it sits next to the findings sections.
fn diagram_options(options: &ExportOptions) -> ExportOptions {
    ExportOptions {
        findings: true,
        legend: true,
        background: Some("white".to_owned()),
        ..options.clone()
    }
}

/// Section titles, in order; the table of contents links to each.
const SECTIONS: [&str; 22] = [
    "Overview",
    "Architecture diagram",
    "Views",
    "Component inventory",
    "Data flows",
    "API contracts",
    "API surface per service",
    "Data stores",
    "Data model",
    "Messaging",
    "Security",
    "Authentication and audit",
    "Reliability and disaster recovery",
    "Scalability and performance",
    "Analyses",
    "Observability",
    "SLOs and alerts",
    "Deployment",
    "Delivery and rollout",
    "Open findings",
    "Decisions",
    "Glossary",
];

struct Context<'a> {
    doc: &'a Document,
    catalog: &'a Catalog,
    graph: ArchGraph<'a>,
    /// The cloud the facts are resolved on: the export's provider, else the model's.
    cloud: Option<Cloud>,
    report: Report,
    /// How many components carry each name (trimmed, lower case), counted once for headings.
    name_counts: BTreeMap<String, usize>,
    /// What each view draws, in the model's order of views.
    projections: &'a [view::Projection],
}

impl<'a> Context<'a> {
    fn kind_label(&self, component: &Component) -> String {
        self.graph
            .kind(component)
            .map_or_else(|| component.kind.to_string(), |k| k.label.clone())
    }

    fn has(&self, component: &Component, t: Trait) -> bool {
        self.graph.has_trait(component, t)
    }

    /// The stores the "Data stores" table lists; every count of stores in the document is
    /// over the same set, so a sentence never disagrees with the table next to it.
    fn stores(&self) -> Vec<&'a Component> {
        self.doc
            .components()
            .iter()
            .filter(|c| self.has(c, Trait::Datastore) || self.has(c, Trait::Cache))
            .collect()
    }

    /// A component's name for a heading: with its id when another component has the same name,
    /// so headings stay distinct.
    fn heading_name(&self, component: &Component) -> String {
        let same = self
            .name_counts
            .get(&component.name.trim().to_ascii_lowercase())
            .copied()
            .unwrap_or(0);
        if same > 1 {
            format!("{} ({})", component.name, component.id)
        } else {
            component.name.clone()
        }
    }

    /// Components sorted by name, as a reader scans a table.
    fn by_name(&self) -> Vec<&'a Component> {
        let mut components: Vec<&Component> = self.doc.components().iter().collect();
        components.sort_by_cached_key(|c| (c.name.to_lowercase(), c.id.as_str()));
        components
    }

    fn name_of(&self, id: &str) -> String {
        if let Some(connection) = self.doc.connection(id) {
            return format!(
                "{} → {}",
                self.name_of(connection.from.as_str()),
                self.name_of(connection.to.as_str())
            );
        }
        self.doc
            .component(id)
            .map(|c| c.name.clone())
            .or_else(|| self.doc.group(id).map(|g| g.name.clone()))
            .unwrap_or_else(|| id.to_owned())
    }

    /// What the rules and the infrastructure exports take to be true of each component.
    fn facts(&self) -> Facts<'_> {
        Facts::new(&self.graph, self.cloud)
    }

    fn int(&self, component: &Component, name: &str) -> Option<i64> {
        self.graph.int(component, name)
    }

    fn flag(&self, component: &Component, name: &str) -> bool {
        self.graph.flag(component, name)
    }

    fn text_property(&self, component: &'a Component, name: &str) -> Option<&'a str> {
        self.graph.text(component, name).filter(|s| !s.is_empty())
    }

    fn boundary(&self, component: &Component) -> String {
        let mut chain: Vec<&str> = self
            .graph
            .groups_around(component)
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        chain.reverse();
        let mut placed = chain.join(" › ");
        let memberships = self.doc.membership_names(component);
        if !memberships.is_empty() {
            if !placed.is_empty() {
                placed.push_str("; ");
            }
            placed.push_str("in ");
            placed.push_str(&memberships.join(", "));
        }
        placed
    }

    /// Open and waived findings of one rule category.
    fn findings_in(&self, category: RuleCategory) -> Vec<&Finding> {
        self.report
            .findings
            .iter()
            .filter(|f| f.category == category)
            .collect()
    }

    fn finding_lines(&self, findings: &[&Finding]) -> Vec<Line> {
        findings
            .iter()
            .map(|f| {
                let mut line = vec![code(f.rule.to_string()), text(format!(" {}", f.message))];
                if let Some(reason) = &f.waived {
                    line.push(text(format!(" (waived: {reason})")));
                }
                line
            })
            .collect()
    }
}

fn heading(out: &mut Vec<Block>, level: u8, title: &str) {
    out.push(Block::Heading {
        level,
        text: title.to_owned(),
        anchor: (level == 2).then(|| slug(title)),
    });
}

fn sub_heading(out: &mut Vec<Block>, title: impl Into<String>) {
    out.push(Block::Heading {
        level: 3,
        text: title.into(),
        anchor: None,
    });
}

fn paragraph(out: &mut Vec<Block>, s: impl Into<String>) {
    out.push(Block::Paragraph(plain(s)));
}

fn list_or(out: &mut Vec<Block>, items: Vec<Line>, empty: &str) {
    if items.is_empty() {
        paragraph(out, empty);
    } else {
        out.push(Block::List(items));
    }
}

fn yes_no(value: bool) -> Line {
    plain(if value { "yes" } else { "no" })
}

pub(crate) fn sections<'a>(
    doc: &'a Document,
    catalog: &'a Catalog,
    options: &ExportOptions,
    projections: &'a [view::Projection],
) -> Vec<Block> {
    let graph = ArchGraph::new(doc, catalog);
    let report = super::findings(options, &graph).into_owned();
    let mut name_counts = BTreeMap::new();
    for component in doc.components() {
        *name_counts
            .entry(component.name.trim().to_ascii_lowercase())
            .or_insert(0) += 1;
    }
    let cx = Context {
        doc,
        catalog,
        graph,
        cloud: options.provider.or(doc.meta.cloud),
        report,
        name_counts,
        projections,
    };
    let mut out = Vec::new();
    out.push(Block::Heading {
        level: 1,
        text: format!("{} design", doc.meta.name),
        anchor: None,
    });
    out.push(Block::Paragraph(vec![text(
        "Generated by Archsmith from the model, so it always matches the diagram. Edit the model, not this file.",
    )]));
    heading(&mut out, 2, "Contents");
    out.push(Block::List(
        SECTIONS
            .iter()
            .map(|s| {
                vec![Inline::Anchor {
                    text: (*s).to_owned(),
                    anchor: slug(s),
                }]
            })
            .collect(),
    ));
    overview(&cx, &mut out);
    heading(&mut out, 2, "Architecture diagram");
    out.push(Block::Diagram {
        alt: format!("Architecture diagram of {}", doc.meta.name),
        file: DIAGRAM_FILE.to_owned(),
    });
    views(&cx, &mut out);
    inventory(&cx, &mut out);
    data_flows(&cx, &mut out);
    // Resolved once: the API contracts section and the authentication section read it.
    let contracts = crate::contracts::Contracts::new(&cx.graph);
    api::api_contracts(&cx, &contracts, &mut out);
    api_surface(&cx, &mut out);
    data_stores(&cx, &mut out);
    data_model::data_model(&cx, &mut out);
    messaging(&cx, &mut out);
    security(&cx, &mut out);
    access::access(&cx, &contracts, &mut out);
    reliability(&cx, &mut out);
    scalability(&cx, &mut out);
    analyses::analyses(&cx, &mut out);
    observability(&cx, &mut out);
    slos::slos_and_alerts(&cx, &mut out);
    deployment(&cx, &mut out);
    delivery::delivery(&cx, &mut out);
    open_findings(&cx, &mut out);
    decisions(&cx, &mut out);
    glossary(&cx, &mut out);
    out
}

/// Each view of the model: what it is for, what it shows, its diagram, and a dynamic view's
/// steps in order.
fn views(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Views");
    if cx.doc.views().is_empty() {
        paragraph(
            out,
            "The model defines no views: the architecture diagram above is its only drawing.",
        );
        return;
    }
    // From the widest to the closest look: context, containers, deployment, then flows.
    let mut ordered: Vec<(&crate::model::View, &view::Projection)> =
        cx.doc.views().iter().zip(cx.projections).collect();
    ordered.sort_by_key(|(v, _)| (v.flow.is_some(), v.level != ViewLevel::Context, v.level));
    for (view, projection) in ordered {
        sub_heading(out, view.name.clone());
        if !view.description.trim().is_empty() {
            paragraph(out, view.description.clone());
        }
        let what = match &view.flow {
            Some(entry) => format!(
                "Dynamic view: the request flow from {}, {} steps",
                cx.name_of(entry.as_str()),
                projection.steps.len()
            ),
            None => format!("{} view", view.level.label()),
        };
        out.push(Block::Paragraph(vec![
            text(format!(
                "{what}; {} boxes, {} connections. Export it with ",
                projection.doc.components().len(),
                projection.doc.connections().len()
            )),
            code(format!("--view {}", view.id)),
            text("."),
        ]));
        out.push(Block::Diagram {
            alt: format!("{} ({})", view.name, cx.doc.meta.name),
            file: view_file(view),
        });
        if projection.steps.is_empty() {
            continue;
        }
        let rows = projection
            .steps
            .iter()
            .enumerate()
            .filter_map(|(n, id)| {
                let connection = projection.doc.connection(id.as_str())?;
                Some(vec![
                    plain((n + 1).to_string()),
                    plain(cx.name_of(connection.from.as_str())),
                    plain(cx.name_of(connection.to.as_str())),
                    plain(view::step_text(cx.catalog, connection)),
                ])
            })
            .collect();
        out.push(Block::Table {
            header: vec!["Step", "From", "To", "What"],
            rows,
        });
    }
}

fn overview(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Overview");
    if !cx.doc.meta.description.is_empty() {
        paragraph(out, cx.doc.meta.description.clone());
    }
    let targets = &cx.doc.meta.targets;
    let or_unset = |v: Option<String>| v.unwrap_or_else(|| "not set".to_owned());
    out.push(Block::Table {
        header: vec!["Target", "Value"],
        rows: vec![
            vec![
                plain("Peak load"),
                plain(or_unset(
                    targets.peak_rps.map(|r| format!("{r} requests/s")),
                )),
            ],
            vec![
                plain("Availability SLO"),
                plain(or_unset(targets.availability_slo.map(|a| format!("{a}%")))),
            ],
            vec![
                plain("p99 latency budget"),
                plain(or_unset(targets.p99_latency_ms.map(|l| format!("{l} ms")))),
            ],
            vec![
                plain("Recovery point objective"),
                plain(or_unset(targets.rpo_minutes.map(|m| format!("{m} min")))),
            ],
            vec![
                plain("Recovery time objective"),
                plain(or_unset(targets.rto_minutes.map(|m| format!("{m} min")))),
            ],
            vec![
                plain("Target cloud"),
                plain(or_unset(
                    cx.doc.meta.cloud.map(Cloud::label).map(str::to_owned),
                )),
            ],
        ],
    });
    let summary = &cx.report.summary;
    paragraph(
        out,
        format!(
            "The model has {} components, {} connections and {} boundaries. Validation reports {} errors, {} warnings and {} notes; {} waived with reasons.",
            cx.doc.components().len(),
            cx.doc.connections().len(),
            cx.doc.groups().len(),
            summary.errors,
            summary.warnings,
            summary.infos,
            match summary.waived {
                1 => "one finding is".to_owned(),
                n => format!("{n} findings are"),
            }
        ),
    );
}

fn inventory(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Component inventory");
    let rows = cx
        .by_name()
        .into_iter()
        .map(|c| {
            let mut technology = cx
                .graph
                .kind(c)
                .map_or(String::new(), |k| k.technology.clone());
            if let Some(version) = cx.text_property(c, "engine_version") {
                technology = format!("{technology} {version}");
            }
            if let Some(framework) = cx.text_property(c, "framework").filter(|f| *f != "none") {
                technology = format!("{technology}, {}", framework.replace('_', " "));
            }
            vec![
                vec![strong(c.name.clone())],
                vec![code(c.kind.to_string())],
                plain(technology),
                plain(
                    cx.int(c, "replicas")
                        .map_or(String::new(), |r| r.to_string()),
                ),
                plain(cx.boundary(c)),
                plain(c.description.clone()),
            ]
        })
        .collect();
    out.push(Block::Table {
        header: vec![
            "Name",
            "Kind",
            "Technology",
            "Replicas",
            "Boundary",
            "Description",
        ],
        rows,
    });
}

/// The chains a section shows: the longest first.
const SHOWN_CHAINS: usize = 12;
/// Chains are collected up to this many: the count of maximal paths can grow exponentially
/// with the graph, and past this the document says "at least".
const COLLECTED_CHAINS: usize = 1_000;

/// Sync call chains from `start`: every maximal path (up to a depth), at most
/// [`COLLECTED_CHAINS`] of them in depth-first order; the second value says whether more
/// were left uncollected.
fn sync_chains<'a>(cx: &Context<'a>, start: &'a Component) -> (Vec<Vec<&'a Component>>, bool) {
    const MAX_DEPTH: usize = 10;
    let mut chains = Vec::new();
    let mut stack = vec![vec![start]];
    while let Some(path) = stack.pop() {
        if chains.len() >= COLLECTED_CHAINS {
            return (chains, true);
        }
        let Some(&last) = path.last() else {
            continue;
        };
        let next: Vec<&Component> = cx
            .graph
            .connections(last, Direction::Outgoing, None)
            .into_iter()
            .filter(|c| cx.graph.is_sync(c) && c.kind.as_str() != "dns")
            .filter(|c| {
                cx.graph
                    .style(c)
                    .is_none_or(|s| s != crate::catalog::ConnectionStyle::Telemetry)
            })
            .filter_map(|c| cx.graph.endpoints(c).map(|(_, to)| to))
            .filter(|to| !path.iter().any(|p| p.id == to.id))
            .collect();
        if next.is_empty() || path.len() >= MAX_DEPTH {
            if path.len() > 1 {
                chains.push(path);
            }
            continue;
        }
        for to in next.into_iter().rev() {
            let mut longer = path.clone();
            longer.push(to);
            stack.push(longer);
        }
    }
    (chains, false)
}

/// The chains as a tree that states each shared prefix once. A run of single steps stays on
/// one line (`A → B → C`); a branch point starts a nested list of its continuations.
fn call_tree(chains: &[Vec<&Component>]) -> Vec<(usize, Line)> {
    fn walk(chains: &[&[&Component]], depth: usize, out: &mut Vec<(usize, Line)>) {
        // Group the chains by their first step, keeping first-seen order.
        let mut groups: Vec<(&str, Vec<&[&Component]>)> = Vec::new();
        for chain in chains.iter().filter(|c| !c.is_empty()) {
            let id = chain[0].id.as_str();
            match groups.iter_mut().find(|(first, _)| *first == id) {
                Some((_, members)) => members.push(chain),
                None => groups.push((id, vec![chain])),
            }
        }
        for (_, members) in groups {
            // Extend the run while every chain in the group takes the same next step.
            let mut run = 1;
            while members.iter().all(|c| c.len() > run)
                && members.iter().all(|c| c[run].id == members[0][run].id)
            {
                run += 1;
            }
            let prefix = if depth == 0 { "" } else { "→ " };
            out.push((
                depth,
                plain(format!("{prefix}{}", names(&members[0][..run]))),
            ));
            let rests: Vec<&[&Component]> = members.iter().map(|c| &c[run..]).collect();
            walk(&rests, depth + 1, out);
        }
    }
    let slices: Vec<&[&Component]> = chains.iter().map(Vec::as_slice).collect();
    let mut out = Vec::new();
    walk(&slices, 0, &mut out);
    out
}

fn names(components: &[&Component]) -> String {
    components
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(" → ")
}

fn data_flows(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Data flows");
    let mut entries: Vec<&Component> = cx
        .doc
        .components()
        .iter()
        .filter(|c| cx.has(c, Trait::Client))
        .collect();
    if entries.is_empty() {
        entries = cx.graph.entry_points();
    }
    if entries.is_empty() {
        paragraph(
            out,
            "The model has no clients or public entry points, so no request flows start anywhere.",
        );
        return;
    }
    paragraph(
        out,
        "Each entry point's synchronous call chains (the caller waits), then the asynchronous flows the components on those chains start.",
    );
    for entry in entries {
        sub_heading(out, format!("From {}", cx.heading_name(entry)));
        let (chains, uncounted) = sync_chains(cx, entry);
        if chains.is_empty() {
            paragraph(out, "No synchronous calls leave this entry point.");
        } else {
            // The longest chains are the ones a reader must see; they are shown in the order
            // the calls are drawn.
            let mut longest: Vec<usize> = (0..chains.len()).collect();
            longest.sort_by_key(|&i| std::cmp::Reverse(chains[i].len()));
            longest.truncate(SHOWN_CHAINS);
            longest.sort_unstable();
            let shown: Vec<Vec<&Component>> = longest.iter().map(|&i| chains[i].clone()).collect();
            out.push(Block::Tree(call_tree(&shown)));
            let more = chains.len() - shown.len();
            if more > 0 || uncounted {
                paragraph(
                    out,
                    format!(
                        "And {}{more} more chains from {}: the {} longest are shown.",
                        if uncounted { "at least " } else { "" },
                        entry.name,
                        shown.len()
                    ),
                );
            }
        }
        let on_path: BTreeSet<&str> = chains.iter().flatten().map(|c| c.id.as_str()).collect();
        let mut async_lines = Vec::new();
        for component in cx
            .doc
            .components()
            .iter()
            .filter(|c| on_path.contains(c.id.as_str()))
        {
            for publish in cx
                .graph
                .connections(component, Direction::Outgoing, Some("publish"))
            {
                let Some((_, broker)) = cx.graph.endpoints(publish) else {
                    continue;
                };
                // Consumers of what this publish writes: its topic's, not every topic's of
                // the broker.
                let flows = BrokerFlows::new(&cx.graph, broker);
                let mut consumers: Vec<&str> = flows
                    .consumers_of(publish)
                    .into_iter()
                    .filter_map(|c| cx.doc.component(c.from.as_str()))
                    .map(|c| c.name.as_str())
                    .collect();
                consumers.dedup();
                let what = match crate::topics::named_topic(&cx.graph, publish) {
                    Some(topic) => format!("topic {topic} on {}", broker.name),
                    None => broker.name.clone(),
                };
                async_lines.push(plain(if consumers.is_empty() {
                    format!(
                        "{} publishes to {what}, which nothing consumes yet",
                        component.name
                    )
                } else {
                    format!(
                        "{} publishes to {what}, consumed by {}",
                        component.name,
                        consumers.join(", ")
                    )
                }));
            }
        }
        if !async_lines.is_empty() {
            out.push(Block::Paragraph(plain(
                "Asynchronous flows started on these paths:",
            )));
            out.push(Block::List(async_lines));
        }
    }
}

/// What a call asks for: its label and its route (`path`), whichever the model states.
fn operation(cx: &Context<'_>, connection: &Connection) -> String {
    let path = cx
        .graph
        .connection_property(connection, "path")
        .and_then(PropertyValue::as_text)
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let label = connection.label.trim();
    match (label.is_empty(), path) {
        (true, Some(path)) => path.to_owned(),
        (false, Some(path)) => format!("{label} ({path})"),
        _ => label.to_owned(),
    }
}

/// How a call is authenticated: its own mode, or, for a hop from an entry point that
/// authenticates its callers (`auth_required`), that the caller was checked there.
fn hop_auth(cx: &Context<'_>, connection: &Connection) -> String {
    if connection.auth != AuthMode::None {
        return auth_label(connection.auth).to_owned();
    }
    match cx.doc.component(connection.from.as_str()) {
        Some(caller) if cx.flag(caller, "auth_required") => {
            format!("callers authenticated at {}", caller.name)
        }
        _ => auth_label(connection.auth).to_owned(),
    }
}

fn auth_label(auth: AuthMode) -> &'static str {
    match auth {
        AuthMode::None => "none",
        AuthMode::ApiKey => "API key",
        AuthMode::Basic => "basic",
        AuthMode::Jwt => "JWT",
        AuthMode::Oauth2 => "OAuth 2",
        AuthMode::Mtls => "mTLS",
        AuthMode::Iam => "IAM",
    }
}

fn protocol(cx: &Context<'_>, connection: &Connection) -> String {
    cx.catalog
        .connection_kind(connection.kind.as_str())
        .map_or_else(|| connection.kind.to_string(), |k| k.label.clone())
}

fn api_surface(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "API surface per service");
    let services: Vec<&Component> = cx
        .doc
        .components()
        .iter()
        .filter(|c| cx.has(c, Trait::Compute) || cx.has(c, Trait::Gateway))
        .collect();
    let mut any = false;
    for service in services {
        let inbound: Vec<&Connection> = cx
            .graph
            .connections(service, Direction::Incoming, None)
            .into_iter()
            .filter(|c| cx.graph.is_sync(c))
            .collect();
        if inbound.is_empty() {
            continue;
        }
        any = true;
        let version = cx.text_property(service, "api_version");
        sub_heading(
            out,
            match version {
                Some(v) => format!("{} (API {v})", cx.heading_name(service)),
                None => cx.heading_name(service),
            },
        );
        let rows = inbound
            .iter()
            .map(|c| {
                vec![
                    plain(cx.name_of(c.from.as_str())),
                    plain(protocol(cx, c)),
                    plain(operation(cx, c)),
                    plain(hop_auth(cx, c)),
                    yes_no(c.tls),
                ]
            })
            .collect();
        out.push(Block::Table {
            header: vec!["Caller", "Protocol", "Operation", "Auth", "TLS"],
            rows,
        });
    }
    if !any {
        paragraph(out, "No service receives synchronous calls.");
    }
}

fn data_stores(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Data stores");
    let rows: Vec<Vec<Line>> = cx
        .stores()
        .into_iter()
        .map(|c| {
            let facts = cx.facts();
            let replicas = facts.instances(c);
            let read_replicas = cx.int(c, "read_replicas").unwrap_or(0);
            let replication = format!(
                "{replicas} instance{}{}{}",
                if replicas == 1 { "" } else { "s" },
                if read_replicas > 0 {
                    format!(", {read_replicas} read replicas")
                } else {
                    String::new()
                },
                if facts.multi_zone(c) {
                    ", multi-AZ"
                } else {
                    ""
                }
            );
            let backups = if cx.flag(c, "backups") {
                if cx.flag(c, "point_in_time_recovery") {
                    "yes, with point-in-time recovery"
                } else {
                    "yes"
                }
            } else {
                "no"
            };
            let writers = cx
                .graph
                .neighbours(c, Direction::Incoming, None)
                .iter()
                .map(|w| w.name.clone())
                .collect::<Vec<_>>()
                .join(", ");
            vec![
                vec![strong(c.name.clone())],
                plain(cx.kind_label(c)),
                plain(replication),
                plain(backups),
                yes_no(facts.encrypted_at_rest(c).unwrap_or(false)),
                plain(writers),
            ]
        })
        .collect();
    if rows.is_empty() {
        paragraph(out, "The model has no data stores.");
    } else {
        out.push(Block::Table {
            header: vec![
                "Store",
                "Engine",
                "Replication",
                "Backups",
                "Encrypted at rest",
                "Used by",
            ],
            rows,
        });
    }
}

fn messaging(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Messaging");
    let list = |connections: Vec<&Connection>, end: fn(&Connection) -> &ComponentId| {
        let mut names: Vec<&str> = connections
            .into_iter()
            .filter_map(|c| cx.doc.component(end(c).as_str()))
            .map(|c| c.name.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names.join(", ")
    };
    let mut rows: Vec<Vec<Line>> = Vec::new();
    for broker in cx
        .doc
        .components()
        .iter()
        .filter(|c| cx.has(c, Trait::Broker))
    {
        let flows = BrokerFlows::new(&cx.graph, broker);
        for topic in flows.topics() {
            let (name, dead_letter) = match topic.topic {
                Some(declared) => {
                    let mut name = declared.name.clone();
                    let mut details = Vec::new();
                    if let Some(partitions) = declared.partitions {
                        details.push(crate::rules::counted(partitions, "partition"));
                    }
                    if !declared.key.is_empty() {
                        details.push(format!("keyed by {}", declared.key));
                    }
                    if !details.is_empty() {
                        name = format!("{name} ({})", details.join(", "));
                    }
                    let dead_letter = if let Some(target) = &declared.dead_letter {
                        target.clone()
                    } else if let Some(source) = topic.dead_letter_of() {
                        format!("dead letters of {}", source.name)
                    } else if declared.latest_wins {
                        "none: latest wins".to_owned()
                    } else if cx.flag(broker, "dead_letter_queue") {
                        "yes".to_owned()
                    } else {
                        "no".to_owned()
                    };
                    (name, dead_letter)
                }
                None => {
                    let named: BTreeSet<&str> = topic
                        .publishes()
                        .chain(topic.consumes())
                        .filter_map(|c| crate::topics::named_topic(&cx.graph, c))
                        .collect();
                    let dead_letter = if cx.flag(broker, "dead_letter_queue") {
                        "yes"
                    } else {
                        "no"
                    };
                    (
                        named.into_iter().collect::<Vec<_>>().join(", "),
                        dead_letter.to_owned(),
                    )
                }
            };
            let message = crate::contracts::message_of(broker, topic.topic);
            rows.push(vec![
                vec![strong(broker.name.clone())],
                plain(cx.kind_label(broker)),
                plain(name),
                plain(message),
                plain(list(topic.publishes().collect(), |c| &c.from)),
                plain(list(topic.consumes().collect(), |c| &c.from)),
                plain(dead_letter),
            ]);
        }
    }
    if rows.is_empty() {
        paragraph(out, "The model has no brokers, queues or event buses.");
    } else {
        out.push(Block::Table {
            header: vec![
                "Broker",
                "Kind",
                "Topics",
                "Message",
                "Producers",
                "Consumers",
                "Dead-letter queue",
            ],
            rows,
        });
    }
}

fn findings_block(cx: &Context<'_>, out: &mut Vec<Block>, category: RuleCategory, what: &str) {
    let findings = cx.findings_in(category);
    out.push(Block::Paragraph(plain(format!("{what} findings:"))));
    list_or(out, cx.finding_lines(&findings), "None.");
}

fn security(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Security");
    // Members by placement or by `member_of` (a trust zone drawn across subnets), counted
    // in one pass.
    let mut members: HashMap<&str, usize> = HashMap::new();
    for component in cx.doc.components() {
        for group in cx.graph.groups_of(component) {
            *members.entry(group.id.as_str()).or_default() += 1;
        }
    }
    let boundaries: Vec<Line> = cx
        .doc
        .groups()
        .iter()
        .filter(|g| {
            matches!(
                g.kind,
                GroupKind::TrustZone
                    | GroupKind::PublicSubnet
                    | GroupKind::PrivateSubnet
                    | GroupKind::Vpc
            )
        })
        .map(|g| {
            vec![
                strong(g.name.clone()),
                text(format!(
                    " ({}): {}",
                    g.kind.label(),
                    crate::rules::counted(
                        members.get(g.id.as_str()).copied().unwrap_or(0),
                        "component"
                    )
                )),
            ]
        })
        .collect();
    out.push(Block::Paragraph(plain("Trust boundaries:")));
    list_or(out, boundaries, "The model draws no trust boundaries.");
    let exposed: Vec<Line> = cx
        .doc
        .components()
        .iter()
        .filter(|c| cx.has(c, Trait::PublicEntry))
        .map(|c| {
            vec![
                strong(c.name.clone()),
                text(format!(
                    " ({}), internet facing: {}",
                    cx.kind_label(c),
                    if cx.flag(c, "internet_facing") {
                        "yes"
                    } else {
                        "no"
                    }
                )),
            ]
        })
        .collect();
    out.push(Block::Paragraph(plain("Exposed entry points:")));
    list_or(out, exposed, "Nothing is exposed.");
    let connections = cx.doc.connections();
    let tls = connections.iter().filter(|c| c.tls).count();
    let authed = connections
        .iter()
        .filter(|c| c.auth != AuthMode::None)
        .count();
    let encrypted_stores = cx
        .stores()
        .into_iter()
        .filter(|c| cx.facts().encrypted_at_rest(c) == Some(true))
        .count();
    let stores = cx.stores().len();
    paragraph(
        out,
        format!(
            "Encryption and authentication: {tls} of {} connections use TLS, {authed} authenticate their caller, and {encrypted_stores} of {stores} data stores encrypt at rest.",
            connections.len()
        ),
    );
    findings_block(cx, out, RuleCategory::Security, "Security");
}

fn reliability(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Reliability and disaster recovery");
    // The same verdicts as REL008 (one instance every path depends on) and REL001 (stateful
    // and single instance), so the prose and the findings never disagree.
    let mut listed = BTreeSet::new();
    let spofs: Vec<Line> = cx
        .report
        .findings
        .iter()
        .filter_map(|f| match f.rule.as_ref() {
            "REL008" => Some((f, "runs one instance and every path through it depends on it")),
            "REL001" => Some((f, "keeps state on a single instance: losing it loses the service and its data until restored")),
            _ => None,
        })
        .filter_map(|(f, why)| {
            let component = f.targets.first().and_then(|id| cx.doc.component(id))?;
            listed.insert(component.id.as_str()).then_some((component, why))
        })
        .map(|(c, why)| {
            vec![
                strong(c.name.clone()),
                text(format!(" ({}) {why}", cx.kind_label(c))),
            ]
        })
        .collect();
    // A place whose loss takes entry points down is a single point of failure too: one
    // region holds every copy of what the requests need (the failures analysis says which).
    let mut spofs = spofs;
    let failures = &cx.graph.analysis().failures;
    for place in failures
        .regions
        .iter()
        .map(|o| ("region", o))
        .chain(failures.zones.iter().map(|o| ("zone", o)))
        .filter(|(_, o)| !o.entries_down.is_empty())
    {
        let (what, outage) = place;
        spofs.push(vec![
            strong(format!(
                "{what} {}",
                analyses::group_name(cx, &outage.fails)
            )),
            text(format!(
                ": losing it takes {} down (see Failure blast radius)",
                analyses::names(cx, &outage.entries_down)
            )),
        ]);
    }
    out.push(Block::Paragraph(plain("Single points of failure:")));
    list_or(
        out,
        spofs,
        "None: every component on a request path is replicated or bypassable, and no single zone or region holds all of a request path.",
    );
    let stateful = cx.stores();
    let backed_up = stateful.iter().filter(|c| cx.flag(c, "backups")).count();
    let multi_az = stateful.iter().filter(|c| cx.facts().multi_zone(c)).count();
    paragraph(
        out,
        format!(
            "Backups cover {backed_up} of {} data stores; {multi_az} run across availability zones.",
            stateful.len()
        ),
    );
    if let Some(slo) = cx.doc.meta.targets.availability_slo {
        let minutes = (100.0 - slo) / 100.0 * 30.0 * 24.0 * 60.0;
        paragraph(
            out,
            format!(
                "The {slo}% availability objective allows about {minutes:.0} minutes of downtime in a 30-day month."
            ),
        );
    }
    recovery::disaster_recovery(cx, out);
    findings_block(cx, out, RuleCategory::Reliability, "Reliability");
}

fn scalability(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Scalability and performance");
    let targets = &cx.doc.meta.targets;
    if targets.peak_rps.is_some() || targets.p99_latency_ms.is_some() {
        paragraph(
            out,
            format!(
                "Targets: {} at peak, p99 latency within {}.",
                targets
                    .peak_rps
                    .map_or("no stated load".to_owned(), |r| format!("{r} requests/s")),
                targets
                    .p99_latency_ms
                    .map_or("no stated budget".to_owned(), |l| format!("{l} ms"))
            ),
        );
    }
    let caches: Vec<Line> = cx
        .doc
        .components()
        .iter()
        .filter(|c| cx.has(c, Trait::Cache))
        .map(|cache| {
            let users = cx
                .graph
                .neighbours(cache, Direction::Incoming, Some("cache_lookup"));
            vec![
                strong(cache.name.clone()),
                text(format!(
                    " caches for {}",
                    if users.is_empty() {
                        "nobody yet".to_owned()
                    } else {
                        users
                            .iter()
                            .map(|u| u.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                )),
            ]
        })
        .collect();
    out.push(Block::Paragraph(plain("Caching:")));
    list_or(out, caches, "The model has no cache.");
    let rows: Vec<Vec<Line>> = cx
        .doc
        .components()
        .iter()
        .filter(|c| cx.has(c, Trait::Compute))
        .map(|c| {
            let autoscaling = if cx.flag(c, "autoscaling") {
                format!(
                    "{} to {}",
                    cx.int(c, "autoscaling_min").unwrap_or(1),
                    cx.int(c, "autoscaling_max").unwrap_or(1)
                )
            } else {
                "off".to_owned()
            };
            vec![
                vec![strong(c.name.clone())],
                plain(
                    cx.int(c, "replicas")
                        .map_or(String::new(), |r| r.to_string()),
                ),
                plain(cx.text_property(c, "instance_size").unwrap_or_default()),
                plain(autoscaling),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out.push(Block::Table {
            header: vec!["Service", "Replicas", "Instance size", "Autoscaling"],
            rows,
        });
    }
    load_at_peak(cx, out);
    let lengths = cx.graph.sync_chain_lengths();
    let start = cx.doc.components().iter().max_by_key(|c| {
        (
            lengths.get(c.id.as_str()).copied().unwrap_or(0),
            std::cmp::Reverse(c.id.as_str()),
        )
    });
    let longest = start.map_or_else(Vec::new, |c| cx.graph.longest_sync_chain(c.id.as_str()));
    if longest.len() > 1 {
        let chain: Vec<&Component> = longest
            .iter()
            .filter_map(|id| cx.doc.component(id))
            .collect();
        paragraph(
            out,
            format!(
                "The longest synchronous chain has {} hops: {}.",
                chain.len() - 1,
                names(&chain)
            ),
        );
    }
    let mut findings = cx.findings_in(RuleCategory::Scalability);
    findings.extend(cx.findings_in(RuleCategory::Performance));
    out.push(Block::Paragraph(plain(
        "Scalability and performance findings:",
    )));
    list_or(out, cx.finding_lines(&findings), "None.");
}

/// Every component's load at peak that the model states or that propagates to it from the
/// entry points (the same figures the rules judge), busiest first.
fn load_at_peak(cx: &Context<'_>, out: &mut Vec<Block>) {
    let loads = cx.graph.loads();
    let mut known: Vec<(&Component, crate::load::Figure)> = cx
        .doc
        .components()
        .iter()
        .filter_map(|c| loads.component(&cx.graph, c).map(|load| (c, load)))
        .collect();
    if known.is_empty() {
        paragraph(
            out,
            "Load at peak: the model states no entry point's peak_rps and no flow's load, so no component's load is known.",
        );
        return;
    }
    known.sort_by(|(a, la), (b, lb)| lb.rps.total_cmp(&la.rps).then_with(|| a.id.cmp(&b.id)));
    out.push(Block::Paragraph(plain(
        "Load at peak (requests or messages per second; propagated figures follow the connections from the entry points, with shares, router splits and cache hit ratios where the model states them):",
    )));
    let rows = known
        .into_iter()
        .map(|(c, load)| {
            vec![
                vec![strong(c.name.clone())],
                plain(load.rounded().to_string()),
                plain(match load.basis {
                    crate::load::Basis::Stated => "stated",
                    crate::load::Basis::Derived => "propagated",
                }),
            ]
        })
        .collect();
    out.push(Block::Table {
        header: vec!["Component", "Load at peak", "Basis"],
        rows,
    });
}

fn observability(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Observability");
    let runtime: Vec<&Component> = cx
        .doc
        .components()
        .iter()
        .filter(|c| cx.has(c, Trait::Compute))
        .collect();
    let sends = |c: &Component, t: Trait| {
        cx.graph
            .neighbours(c, Direction::Outgoing, Some("telemetry"))
            .iter()
            .any(|sink| cx.has(sink, t))
    };
    let with_telemetry = runtime
        .iter()
        .filter(|c| {
            !cx.graph
                .neighbours(**c, Direction::Outgoing, Some("telemetry"))
                .is_empty()
        })
        .count();
    let traced = runtime.iter().filter(|c| sends(c, Trait::Tracing)).count();
    let alerting: Vec<&Component> = cx
        .doc
        .components()
        .iter()
        .filter(|c| cx.has(c, Trait::Alerting))
        .collect();
    paragraph(
        out,
        format!(
            "{with_telemetry} of {} services send telemetry, {traced} to a sink that traces. Alerting: {}.",
            runtime.len(),
            if alerting.is_empty() {
                "none".to_owned()
            } else {
                alerting
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ),
    );
    let gaps: Vec<Line> = runtime
        .iter()
        .filter(|c| {
            cx.graph
                .neighbours(**c, Direction::Outgoing, Some("telemetry"))
                .is_empty()
        })
        .map(|c| {
            vec![
                strong(c.name.clone()),
                text(" sends no metrics, logs or traces"),
            ]
        })
        .collect();
    out.push(Block::Paragraph(plain("Gaps:")));
    list_or(out, gaps, "None: every service reports telemetry.");
    findings_block(cx, out, RuleCategory::Observability, "Observability");
}

fn deployment(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Deployment");
    out.push(Block::Paragraph(vec![
        text("What "),
        code("archsmith export --format terraform --provider aws|gcp|azure"),
        text(" provisions for each component. Components marked outside are not provisioned."),
    ]));
    regions(cx, out);
    let clouds = Cloud::ALL.map(|cloud| (cloud, Facts::new(&cx.graph, Some(cloud))));
    // The team's code inside a Kubernetes boundary runs as a Deployment on the cloud's
    // cluster, as the Terraform's kubernetes.tf declares it.
    let cluster = cx.catalog.kind("kubernetes-cluster");
    let rows = cx
        .by_name()
        .into_iter()
        .map(|c| {
            let in_cluster = crate::export::workload::namespace(&cx.graph, c).is_some()
                && cx.graph.kind(c).is_some_and(|k| k.runs.is_own_code());
            let on = |(cloud, facts): &(Cloud, Facts<'_>)| {
                let service = facts.service(c).map_or("outside", |s| s.service.as_str());
                plain(match cluster.and_then(|k| k.clouds.get(*cloud)) {
                    Some(platform) if in_cluster => {
                        format!("Deployment on {}", platform.service)
                    }
                    _ => service.to_owned(),
                })
            };
            let mut row = vec![vec![strong(c.name.clone())]];
            row.extend(clouds.iter().map(on));
            row
        })
        .collect();
    out.push(Block::Table {
        header: vec!["Component", "AWS", "Google Cloud", "Azure"],
        rows,
    });
}

/// Where each region boundary deploys on every cloud: the model's own code on its cloud, the
/// nearest region elsewhere (the Terraform skeleton's `region` default reads the same table).
fn regions(cx: &Context<'_>, out: &mut Vec<Block>) {
    let boundaries: Vec<_> = cx
        .doc
        .groups()
        .iter()
        .filter(|g| g.kind == GroupKind::Region)
        .collect();
    if boundaries.is_empty() {
        return;
    }
    let rows = boundaries
        .into_iter()
        .map(|group| {
            let on = |cloud: Cloud| {
                let region = group
                    .location
                    .as_deref()
                    .and_then(|code| Regions::builtin().resolve(code, cloud));
                plain(
                    region.map_or_else(|| "-".to_owned(), |r| format!("{} ({})", r.code, r.place)),
                )
            };
            vec![
                vec![strong(group.name.clone())],
                group
                    .location
                    .as_deref()
                    .map_or_else(|| plain("not given"), |location| vec![code(location)]),
                on(Cloud::Aws),
                on(Cloud::Gcp),
                on(Cloud::Azure),
            ]
        })
        .collect();
    out.push(Block::Table {
        header: vec!["Region", "Location", "AWS", "Google Cloud", "Azure"],
        rows,
    });
}

fn open_findings(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Open findings");
    if cx.report.findings.is_empty() {
        paragraph(out, "Validation reports no findings.");
        return;
    }
    let rows = cx
        .report
        .findings
        .iter()
        .map(|f| {
            vec![
                vec![code(f.rule.to_string())],
                plain(format!("{:?}", f.severity).to_lowercase()),
                plain(f.message.clone()),
                plain(
                    f.targets
                        .iter()
                        .map(|t| cx.name_of(t))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                plain(
                    f.waived
                        .clone()
                        .map_or_else(|| "open".to_owned(), |r| format!("waived: {r}")),
                ),
            ]
        })
        .collect();
    out.push(Block::Table {
        header: vec!["Rule", "Severity", "Finding", "Concerns", "Status"],
        rows,
    });
}

fn decisions(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Decisions");
    if cx.doc.decisions().is_empty() {
        paragraph(out, "The model records no decisions yet.");
        return;
    }
    for decision in cx.doc.decisions() {
        sub_heading(out, format!("{}: {}", decision.id, decision.title));
        let mut items = vec![vec![
            strong("Status:"),
            text(format!(" {:?}", decision.status).to_lowercase()),
        ]];
        for (label, body) in [
            ("Context:", &decision.context),
            ("Decision:", &decision.decision),
            ("Consequences:", &decision.consequences),
        ] {
            if !body.is_empty() {
                items.push(vec![strong(label), text(format!(" {body}"))]);
            }
        }
        out.push(Block::List(items));
    }
}

fn glossary(cx: &Context<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Glossary");
    let used: BTreeSet<&str> = cx
        .doc
        .components()
        .iter()
        .map(|c| c.kind.as_str())
        .collect();
    let items = used
        .into_iter()
        .filter_map(|id| cx.catalog.kind(id))
        .map(|k| vec![strong(k.label.clone()), text(format!(": {}", k.doc))])
        .collect();
    out.push(Block::List(items));
}
