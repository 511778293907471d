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

pub use atomic::{write_atomic, write_atomic_many};
pub use locate::{Location, SourceIndex};

use std::io::Read as _;

use crate::catalog::{Catalog, ron_options};
use crate::model::{CURRENT_VERSION, Document};
use crate::text::{self, MAX_FILE_BYTES};
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
    #[error("{path}: not a regular file")]
    NotAFile { path: String },
    #[error("{path}: the file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes (256 MiB)")]
    TooLarge { path: String, size: u64 },
    #[error("{path}:{line}:{col}: the file is not UTF-8 text (byte 0x{byte:02x})")]
    NotUtf8 {
        path: String,
        line: usize,
        col: usize,
        byte: u8,
    },
    #[error("{}", render_problems(.path, .problems))]
    Invalid {
        path: String,
        text: String,
        problems: Vec<FileProblem>,
    },
}

/// How many problems an error message lists; the rest are counted. A file with thousands
/// of problems still gets a message that fits a screen.
pub const SHOWN_PROBLEMS: usize = 20;

fn render_problems(path: &str, problems: &[FileProblem]) -> String {
    let mut lines: Vec<String> = problems
        .iter()
        .take(SHOWN_PROBLEMS)
        .map(|p| match p.location {
            Some(l) => format!("{path}:{}:{}: {}", l.line, l.col, p.message),
            None => format!("{path}: {}", p.message),
        })
        .collect();
    if problems.len() > SHOWN_PROBLEMS {
        lines.push(format!(
            "{path}: … and {} more problems ({} in all)",
            problems.len() - SHOWN_PROBLEMS,
            problems.len()
        ));
    }
    lines.join("\n")
}

impl LoadError {
    /// The problems, when the file was read but is invalid.
    pub fn problems(&self) -> &[FileProblem] {
        match self {
            Self::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }

    /// The path the error is about.
    pub fn path(&self) -> &str {
        match self {
            Self::Io { path, .. }
            | Self::NotAFile { path }
            | Self::TooLarge { path, .. }
            | Self::NotUtf8 { path, .. }
            | Self::Invalid { path, .. } => path,
        }
    }
}

impl miette::Diagnostic for LoadError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code_str()))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        match self {
            Self::Invalid { text, .. } => Some(text),
            _ => None,
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let Self::Invalid { problems, .. } = self else {
            return None;
        };
        Some(Box::new(problems.iter().take(SHOWN_PROBLEMS).filter_map(
            |p| {
                let location = p.location?;
                Some(miette::LabeledSpan::new(
                    Some(p.message.clone()),
                    location.offset,
                    location.len.max(1),
                ))
            },
        )))
    }
}

impl LoadError {
    /// A stable code for machine-readable reports.
    pub fn code_str(&self) -> &'static str {
        match self {
            Self::Io { .. } => "archsmith::io",
            Self::NotAFile { .. } => "archsmith::not_a_file",
            Self::TooLarge { .. } => "archsmith::too_large",
            Self::NotUtf8 { .. } => "archsmith::not_utf8",
            Self::Invalid { .. } => "archsmith::invalid_model",
        }
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

fn syntax_problem(index: &SourceIndex<'_>, error: &ron::error::SpannedError) -> FileProblem {
    FileProblem {
        message: text::echo_message(&error.code.to_string()),
        location: Some(index.span(error.span.start, error.span.end)),
        problem: None,
    }
}

fn locate_problem(
    index: &SourceIndex<'_>,
    doc: Option<&Document>,
    problem: &Problem,
) -> Option<Location> {
    let found = match problem {
        Problem::DanglingWaiver { element, .. } | Problem::WaiverWithoutReason { element, .. } => {
            index.waiver(element)
        }
        // The second definition is the one that clashes.
        Problem::DuplicateId { element } => index.element(element, 1),
        Problem::UnsupportedVersion { .. } => index.top_level("version"),
        Problem::BadText { element, .. } if element == "meta" => index.top_level("meta"),
        _ => match problem.anchor() {
            (Some(element), Some(field)) => index.field(element, field),
            (Some(element), None) => index.element(element, 0),
            _ => None,
        },
    };
    // A version 1 file may leave connection ids out: the migrated id is written nowhere, so
    // point at the connection's source component instead.
    found.or_else(|| {
        let (Some(element), _) = problem.anchor() else {
            return None;
        };
        let connection = doc?.connection(element)?;
        index.element(connection.from.as_str(), 0)
    })
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
        let index = SourceIndex::new(text);
        invalid(vec![FileProblem {
            message: problem.to_string(),
            location: locate_problem(&index, None, &problem),
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
                    .map_err(|e| invalid(vec![syntax_problem(&SourceIndex::new(text), &e)]))?;
                v1::migrate(file).map_err(|e| {
                    let index = SourceIndex::new(text);
                    invalid(vec![FileProblem {
                        message: e.to_string(),
                        location: index.top_level("edges").or(index.top_level("version")),
                        problem: None,
                    }])
                })?
            }
            Ok(version) if version > CURRENT_VERSION => return Err(unsupported(version)),
            _ => {
                return Err(invalid(vec![syntax_problem(
                    &SourceIndex::new(text),
                    &error,
                )]));
            }
        },
    };
    doc.version = CURRENT_VERSION;
    doc.normalize();
    let problems = check_document(catalog, &doc);
    if problems.is_empty() {
        return Ok(doc);
    }
    // One index for all the problems: locating each by scanning the text would make a file
    // with thousands of problems quadratic.
    let index = SourceIndex::new(text);
    Err(invalid(
        problems
            .into_iter()
            .map(|problem| FileProblem {
                message: problem.to_string(),
                location: locate_problem(&index, Some(&doc), &problem),
                problem: Some(problem),
            })
            .collect(),
    ))
}

/// Reads a text file of at most [`MAX_FILE_BYTES`]: regular files only (not a FIFO or a
/// device that never ends), UTF-8 checked with the place of the first invalid byte.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let name = path.display().to_string();
    let io = |source| LoadError::Io {
        path: name.clone(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(io)?;
    if !metadata.is_file() {
        return Err(LoadError::NotAFile { path: name });
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            path: name,
            size: metadata.len(),
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    // The file may grow between the check and the read.
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            path: name,
            size: bytes.len() as u64,
        });
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let bytes = error.into_bytes();
        // The prefix before the first invalid byte is valid UTF-8 by definition.
        let prefix = std::str::from_utf8(bytes.get(..valid).unwrap_or_default()).unwrap_or("");
        let (line, col) = SourceIndex::new(prefix).line_col(valid);
        LoadError::NotUtf8 {
            path: name,
            line,
            col,
            byte: bytes.get(valid).copied().unwrap_or(0),
        }
    })
}

/// Reads a model file.
pub fn load(path: &Path, catalog: &Catalog) -> Result<Document, LoadError> {
    let text = read_text(path)?;
    from_str(&text, &path.display().to_string(), catalog)
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
