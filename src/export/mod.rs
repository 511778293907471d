//! Exporters turn a document into bytes. They are pure: no UI types, no file system. The CLI,
//! the editor's export panel and the desktop shell all read [`registry`].

mod asyncapi;
mod collector;
mod compose;
mod design;
pub(crate) use design::escape_markdown;
pub mod captions;
pub mod cards;
mod dot;
mod drawio;
pub mod folder;
pub(crate) mod github_actions;
mod grafana;
mod json;
mod kubernetes;
mod listing;
mod mermaid;
mod mermaid_architecture;
pub(crate) mod openapi;
mod plantuml;
pub(crate) mod png;
pub(crate) mod prometheus;
pub(crate) mod proto;
mod scene;
mod sql;
pub use sql::MAX_IDENTIFIER as MAX_SQL_IDENTIFIER;
mod structurizr;
pub(crate) mod svg;
mod terraform;
mod tree;
mod workload;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::format::write_atomic;
use crate::graph::ArchGraph;
use crate::model::{Cloud, Document};
use crate::rules::{self, Report};

pub use folder::FolderReport;

/// What an exporter produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// One file's bytes.
    File(Vec<u8>),
    /// Several files by relative path (a Terraform module, a document with its images).
    Folder(BTreeMap<String, Vec<u8>>),
}

/// Options shared by exporters; each reads the ones it understands.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportOptions {
    pub provider: Option<Cloud>,
    /// Raster scale factor for PNG.
    pub scale: f32,
    /// Width to height that automatic layout aims for, where a drawing is laid out (a model
    /// without positions, the boxes a view has not placed).
    pub aspect: f32,
    /// Background colour (SVG, PNG), CSS syntax; `None` paints the canvas's own colour, as
    /// the editor shows it, and `transparent` leaves the drawing unpainted.
    pub background: Option<String>,
    /// Diagrams: a badge on each component with open findings.
    pub findings: bool,
    /// Diagrams: a legend of connection styles (and severities, with findings).
    pub legend: bool,
    /// The findings the caller computed, with its rule packs, overrides and waivers, so an
    /// export shows exactly what `validate` reports. `None`: the exporter checks the model
    /// with the built-in rules and the model's own settings.
    pub report: Option<Arc<Report>>,
}

/// The findings an export shows: the caller's report, or the built-in rules' verdict.
pub(crate) fn findings<'o>(options: &'o ExportOptions, graph: &ArchGraph<'_>) -> Cow<'o, Report> {
    options
        .report
        .as_deref()
        .map_or_else(|| Cow::Owned(rules::check(graph)), Cow::Borrowed)
}

impl ExportOptions {
    /// The cloud an export deploys to: `--provider`, else the model's `cloud`; an error
    /// naming `format` when neither says.
    pub fn target_cloud(&self, doc: &Document, format: &'static str) -> Result<Cloud, ExportError> {
        self.provider
            .or(doc.meta.cloud)
            .ok_or(ExportError::MissingOption {
                format,
                what: "a target cloud: --provider aws, gcp or azure, or `cloud` in the model",
            })
    }
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            provider: None,
            scale: 1.0,
            aspect: crate::layout::DEFAULT_ASPECT,
            background: None,
            findings: false,
            legend: true,
            report: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the `{format}` export needs {what}")]
    MissingOption {
        format: &'static str,
        what: &'static str,
    },
    #[error("cannot encode the `{format}` output: {message}")]
    Encode {
        format: &'static str,
        message: String,
    },
    #[error("{path}: cannot write: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("unsafe output path `{0}`")]
    UnsafePath(String),
    #[error(
        "{folder} holds files that Archsmith did not generate ({files}); export into an empty folder, or pass --force to write beside them"
    )]
    ForeignFiles { folder: String, files: String },
}

/// The largest raster scale factor.
pub const MAX_SCALE: f32 = 8.0;

/// Checks a background colour (CSS syntax) once for every format that takes one, so that SVG
/// and PNG accept and refuse the same values.
pub fn check_background(css: &str) -> Result<(), String> {
    parse_background(css).map(|_| ())
}

/// The background that paints nothing.
pub(crate) const TRANSPARENT: &str = "transparent";

/// The background a drawing is painted on: the one asked for, else the canvas's colour. A
/// transparent default made an exported title and legend vanish on a dark page (an
/// independent review pasted the e-commerce PNG into a dark-mode document); `None` where the
/// colour asked for is fully transparent.
pub(crate) fn background_of(options: &ExportOptions) -> Result<Option<svgtypes::Color>, String> {
    let colour = match &options.background {
        Some(css) => parse_background(css)?,
        None => {
            let crate::palette::Rgb(red, green, blue) = crate::palette::CANVAS;
            svgtypes::Color::new_rgb(red, green, blue)
        }
    };
    Ok((colour.alpha > 0).then_some(colour))
}

pub(crate) fn parse_background(css: &str) -> Result<svgtypes::Color, String> {
    css.parse::<svgtypes::Color>().map_err(|_| {
        format!(
            "`{}` is not a colour: use a CSS colour name (`white`), `#rrggbb`, `#rgb` or `rgb(…)`",
            crate::text::echo(css)
        )
    })
}

/// User text for a quoted label in a diagram language: ASCII letters, digits and spaces stay,
/// characters `blank` accepts become spaces, and every other character is written by `escape`.
/// Nothing the user types can then close the label or reach the language's markup.
fn escape_all_but_alphanumerics(
    raw: &str,
    blank: impl Fn(char) -> bool,
    escape: impl Fn(&mut String, char),
) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || c == ' ' {
            out.push(c);
        } else if blank(c) {
            out.push(' ');
        } else {
            escape(&mut out, c);
        }
    }
    out
}

/// A YAML file an export writes, with the header that says where it comes from. Every
/// YAML export serialises through here, so user text only ever reaches YAML as values.
pub(crate) fn generated_yaml(
    format: &'static str,
    value: &impl serde::Serialize,
) -> Result<Vec<u8>, ExportError> {
    let text = serde_yaml_ng::to_string(value).map_err(|e| ExportError::Encode {
        format,
        message: e.to_string(),
    })?;
    Ok(
        format!("# Generated by Archsmith from the model; edit the model, not this file.\n{text}")
            .into_bytes(),
    )
}

/// What names an export format.
#[derive(Debug)]
pub struct Format {
    /// The name used by `archsmith export --format`.
    pub id: &'static str,
    /// The name menus show.
    pub label: &'static str,
    /// File extension of the output, or `None` when it writes a folder.
    pub extension: Option<&'static str>,
}

/// An export's output with what the user should hear about it (a PNG drawn smaller than
/// asked, say). Notes are plain sentences; front ends print or show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub output: Output,
    pub notes: Vec<String>,
}

/// One export format.
pub trait Exporter: Sync {
    fn format(&self) -> &'static Format;

    fn id(&self) -> &'static str {
        self.format().id
    }

    fn label(&self) -> &'static str {
        self.format().label
    }

    fn extension(&self) -> Option<&'static str> {
        self.format().extension
    }

    /// The output. An exporter implements this or [`Exporter::export_noted`] (each defaults
    /// to the other), whichever it has more to say in.
    fn export(
        &self,
        doc: &Document,
        catalog: &Catalog,
        options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        Ok(self.export_noted(doc, catalog, options)?.output)
    }

    /// Whether this export is a diagram that can draw one view of the model (`--view`): it
    /// is then given the view's projection (see [`crate::view`]) instead of the model.
    fn draws_views(&self) -> bool {
        false
    }

    /// Whether this export, with these options, shows findings: callers that run the rules
    /// with packs pass their report in [`ExportOptions::report`], and others skip the work.
    fn shows_findings(&self, options: &ExportOptions) -> bool {
        let _ = options;
        false
    }

    /// The output and its notes. Exporters with something to say override this; for the
    /// rest it is their output with no notes.
    fn export_noted(
        &self,
        doc: &Document,
        catalog: &Catalog,
        options: &ExportOptions,
    ) -> Result<Exported, ExportError> {
        Ok(Exported {
            output: self.export(doc, catalog, options)?,
            notes: Vec::new(),
        })
    }
}

static REGISTRY: &[&dyn Exporter] = &[
    &svg::SvgExporter,
    &png::PngExporter,
    &mermaid::MermaidExporter,
    &mermaid_architecture::MermaidArchitectureExporter,
    &dot::DotExporter,
    &plantuml::PlantUmlExporter,
    &drawio::DrawioExporter,
    &structurizr::StructurizrExporter,
    &terraform::TerraformExporter,
    &compose::ComposeExporter,
    &kubernetes::KubernetesExporter,
    &openapi::OpenApiExporter,
    &proto::ProtoExporter,
    &asyncapi::AsyncApiExporter,
    &prometheus::PrometheusExporter,
    &grafana::GrafanaExporter,
    &sql::SqlExporter,
    &github_actions::GithubActionsExporter,
    &design::MarkdownExporter,
    &design::HtmlExporter,
    &json::JsonExporter,
];

/// Every exporter, in menu order.
pub fn registry() -> &'static [&'static dyn Exporter] {
    REGISTRY
}

pub fn find_exporter(id: &str) -> Option<&'static dyn Exporter> {
    REGISTRY.iter().copied().find(|e| e.id() == id)
}

/// Writes an export's output: a file atomically, or a folder as [`folder::write_folder`]
/// does (a manifest, stale files removed, foreign files refused unless `force`).
pub fn write_output(
    output: &Output,
    path: &Path,
    force: bool,
) -> Result<FolderReport, ExportError> {
    match output {
        Output::File(bytes) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| ExportError::Write {
                    path: parent.display().to_string(),
                    source: e,
                })?;
            }
            write_atomic(path, bytes).map_err(|source| ExportError::Write {
                path: path.display().to_string(),
                source,
            })?;
            Ok(FolderReport::default())
        }
        Output::Folder(files) => folder::write_folder(files, path, force),
    }
}
