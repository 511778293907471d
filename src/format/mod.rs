//! The model file format: RON, canonical, versioned.
//!
//! - [`to_string`] writes the canonical form: `version` first, collections sorted by id,
//!   defaults left out, no timestamps. `to_string(from_str(bytes)) == bytes` for any
//!   canonical file.
//! - [`from_str`] reads any supported version, migrates it, and checks it structurally.
//!   Every problem carries a line and column.
//! - [`save`] writes atomically.

mod atomic;
pub mod locate;
mod v1;

use std::fmt;
use std::path::Path;

use serde::Deserialize;

pub use atomic::write_atomic;
pub use locate::Location;

use crate::catalog::{Catalog, ron_options};
use crate::model::{CURRENT_VERSION, Document};
use crate::validate::{Problem, check_document};

/// The extension of model files.
pub const EXTENSION: &str = "ron";

/// One problem in a model file, with where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct FileProblem {
    pub message: String,
    pub location: Option<Location>,
    /// The structural problem, when the file parsed.
    pub problem: Option<Problem>,
}

/// Why a model could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{}", render_problems(.path, .problems))]
    Invalid {
        path: String,
        text: String,
        problems: Vec<FileProblem>,
    },
}

fn render_problems(path: &str, problems: &[FileProblem]) -> String {
    problems
        .iter()
        .map(|p| match p.location {
            Some(l) => format!("{path}:{}:{}: {}", l.line, l.col, p.message),
            None => format!("{path}: {}", p.message),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl LoadError {
    /// The problems, when the file was read but is invalid.
    pub fn problems(&self) -> &[FileProblem] {
        match self {
            Self::Io { .. } => &[],
            Self::Invalid { problems, .. } => problems,
        }
    }
}

impl miette::Diagnostic for LoadError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(match self {
            Self::Io { .. } => "archsmith::io",
            Self::Invalid { .. } => "archsmith::invalid_model",
        }))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        match self {
            Self::Io { .. } => None,
            Self::Invalid { text, .. } => Some(text),
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let Self::Invalid { problems, .. } = self else {
            return None;
        };
        Some(Box::new(problems.iter().filter_map(|p| {
            let location = p.location?;
            Some(miette::LabeledSpan::new(
                Some(p.message.clone()),
                location.offset,
                location.len.max(1),
            ))
        })))
    }
}

/// Why a model could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{path}: cannot write: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

#[derive(Deserialize)]
struct VersionProbe {
    version: u32,
}

fn syntax_problem(text: &str, error: &ron::error::SpannedError) -> FileProblem {
    let start = error.span.start;
    let offset = locate::offset_of(text, start.line, start.col);
    let end = locate::offset_of(text, error.span.end.line, error.span.end.col);
    FileProblem {
        message: error.code.to_string(),
        location: Some(Location {
            offset,
            len: end.saturating_sub(offset).max(1),
            line: start.line,
            col: start.col,
        }),
        problem: None,
    }
}

fn locate_problem(text: &str, problem: &Problem) -> Option<Location> {
    match problem {
        Problem::DanglingWaiver { element, .. } | Problem::WaiverWithoutReason { element, .. } => {
            locate::waiver(text, element)
        }
        // The second definition is the one that clashes.
        Problem::DuplicateId { element } => locate::element(text, element, 1),
        Problem::UnsupportedVersion { .. } => locate::top_level(text, "version"),
        _ => match problem.anchor() {
            (Some(element), Some(field)) => locate::field(text, element, field),
            (Some(element), None) => locate::element(text, element, 0),
            _ => None,
        },
    }
}

/// Parses, migrates and checks a model. `path` only names the source in errors.
pub fn from_str(text: &str, path: &str, catalog: &Catalog) -> Result<Document, LoadError> {
    let invalid = |problems| LoadError::Invalid {
        path: path.to_owned(),
        text: text.to_owned(),
        problems,
    };
    let options = ron_options();
    let unsupported = |found| {
        let problem = Problem::UnsupportedVersion { found };
        invalid(vec![FileProblem {
            message: problem.to_string(),
            location: locate_problem(text, &problem),
            problem: Some(problem),
        }])
    };
    // Parse as the current version first: that is one pass for every up-to-date file. Only
    // when that fails does the version decide between migrating and reporting the error.
    let mut doc = match options.from_str::<Document>(text) {
        Ok(doc) if doc.version > CURRENT_VERSION => return Err(unsupported(doc.version)),
        Ok(doc) => doc,
        Err(error) => match options.from_str::<VersionProbe>(text).map(|p| p.version) {
            Ok(1) => {
                let file: v1::FileV1 = options
                    .from_str(text)
                    .map_err(|e| invalid(vec![syntax_problem(text, &e)]))?;
                v1::migrate(file).map_err(|e| {
                    invalid(vec![FileProblem {
                        message: e.to_string(),
                        location: None,
                        problem: None,
                    }])
                })?
            }
            Ok(version) if version > CURRENT_VERSION => return Err(unsupported(version)),
            _ => return Err(invalid(vec![syntax_problem(text, &error)])),
        },
    };
    doc.version = CURRENT_VERSION;
    doc.normalize();
    let problems = check_document(catalog, &doc);
    if problems.is_empty() {
        return Ok(doc);
    }
    Err(invalid(
        problems
            .into_iter()
            .map(|problem| FileProblem {
                message: problem.to_string(),
                location: locate_problem(text, &problem),
                problem: Some(problem),
            })
            .collect(),
    ))
}

/// Reads a model file.
pub fn load(path: &Path, catalog: &Catalog) -> Result<Document, LoadError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: name.clone(),
        source,
    })?;
    from_str(&text, &name, catalog)
}

/// The canonical text of a document.
pub fn to_string(doc: &Document) -> String {
    let config = ron::ser::PrettyConfig::new()
        .depth_limit(3)
        .indentor("    ")
        .separate_tuple_members(false)
        .struct_names(false)
        .extensions(ron::extensions::Extensions::IMPLICIT_SOME);
    let mut text = match ron::ser::to_string_pretty(doc, config) {
        Ok(text) => text,
        // Every model type serialises: no maps with non-string keys, no foreign types.
        Err(error) => unreachable!("a Document always serialises: {error}"),
    };
    text.push('\n');
    text
}

/// Writes a document atomically in canonical form.
pub fn save(path: &Path, doc: &Document) -> Result<(), SaveError> {
    write_atomic(path, to_string(doc).as_bytes()).map_err(|source| SaveError::Io {
        path: path.display().to_string(),
        source,
    })
}
