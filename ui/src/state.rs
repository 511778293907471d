//! The open document and everything derived from it. Edits go through [`Editor::apply`],
//! which records them in the core's undo history; findings are recomputed whenever the
//! history's revision moves.

use std::collections::BTreeSet;

use archsmith::analysis;
use archsmith::catalog::Catalog;
use archsmith::model::Document;
use archsmith::rules::{self, Report};
use archsmith::{ArchGraph, EditError, EditOp, History};

/// The set of selected element ids (components, connections, groups, notes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    ids: BTreeSet<String>,
}

impl Selection {
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(String::as_str)
    }

    pub fn clear(&mut self) {
        self.ids.clear();
    }

    pub fn set_only(&mut self, id: impl Into<String>) {
        self.ids.clear();
        self.ids.insert(id.into());
    }

    pub fn insert(&mut self, id: impl Into<String>) {
        self.ids.insert(id.into());
    }

    pub fn toggle(&mut self, id: &str) {
        if !self.ids.remove(id) {
            self.ids.insert(id.to_owned());
        }
    }

    /// The only selected id, when exactly one element is selected.
    pub fn single(&self) -> Option<&str> {
        if self.ids.len() == 1 {
            self.ids.iter().next().map(String::as_str)
        } else {
            None
        }
    }

    /// Drops ids that no longer exist.
    pub fn retain_existing(&mut self, doc: &Document) {
        self.ids.retain(|id| doc.element(id).is_some());
    }
}

/// What the core resolves for one selected component, read at one revision.
#[derive(Debug)]
struct ResolvedSelection {
    revision: u64,
    id: String,
    lines: Vec<(&'static str, String)>,
}

/// An open model: the document, its history, where it lives and its findings.
#[derive(Debug)]
pub struct Editor {
    doc: Document,
    history: History,
    /// Where the document was loaded from or last saved to.
    pub path: Option<String>,
    /// The revision that matches the file; `None` when no revision does (a recovered copy).
    saved_revision: Option<u64>,
    report: Report,
    /// The analyses of the same revision as `report` (the rules read them too).
    analysis: Option<analysis::Report>,
    report_revision: Option<u64>,
    /// The resolved facts of the one selected component, for the revision they were read at.
    resolved: Option<ResolvedSelection>,
    pub selection: Selection,
}

impl Editor {
    pub fn new(doc: Document, path: Option<String>) -> Self {
        let mut editor = Self {
            doc,
            history: History::new(),
            path,
            saved_revision: Some(0),
            report: Report::default(),
            analysis: None,
            report_revision: None,
            resolved: None,
            selection: Selection::default(),
        };
        editor.refresh();
        editor
    }

    /// A document recovered from a recovery copy. It belongs to `path` (or was never saved)
    /// but differs from what is saved there, so it starts with unsaved changes: leaving it
    /// asks first, and saving writes back to `path`.
    pub fn recovered(doc: Document, path: Option<String>) -> Self {
        let mut editor = Self::new(doc, path);
        editor.saved_revision = None;
        editor
    }

    pub fn doc(&self) -> &Document {
        &self.doc
    }

    pub fn catalog(&self) -> &'static Catalog {
        Catalog::builtin()
    }

    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The analyses of the current revision: availability, latency, capacity, failures,
    /// recovery and cost.
    pub fn analysis(&self) -> Option<&analysis::Report> {
        self.analysis.as_ref()
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn revision(&self) -> u64 {
        self.history.revision()
    }

    /// True when there are changes since the last save or load.
    pub fn is_dirty(&self) -> bool {
        self.saved_revision != Some(self.history.revision())
    }

    pub fn mark_saved(&mut self, path: String) {
        self.path = Some(path);
        self.saved_revision = Some(self.history.revision());
    }

    /// Applies one user action as one undo step.
    pub fn apply(&mut self, op: EditOp) -> Result<(), EditError> {
        let result = self.history.apply(&mut self.doc, Catalog::builtin(), op);
        self.refresh();
        result
    }

    pub fn undo(&mut self) -> Result<bool, EditError> {
        let result = self.history.undo(&mut self.doc, Catalog::builtin());
        self.refresh();
        result
    }

    pub fn redo(&mut self) -> Result<bool, EditError> {
        let result = self.history.redo(&mut self.doc, Catalog::builtin());
        self.refresh();
        result
    }

    /// Recomputes derived state when the document changed.
    fn refresh(&mut self) {
        let revision = self.history.revision();
        if self.report_revision == Some(revision) {
            return;
        }
        let graph = ArchGraph::new(&self.doc, Catalog::builtin());
        self.report = rules::check(&graph);
        self.analysis = Some(graph.analysis().clone());
        self.report_revision = Some(revision);
        self.selection.retain_existing(&self.doc);
    }

    /// What the core resolves for the selected component (how it runs, encryption, zones,
    /// load at peak): the facts the rules and exports read. Read once per revision.
    pub fn resolved_selection(&mut self) -> &[(&'static str, String)] {
        let revision = self.history.revision();
        let Some(id) = self.selection.single().map(str::to_owned) else {
            return &[];
        };
        let fresh = self
            .resolved
            .as_ref()
            .is_some_and(|r| r.revision == revision && r.id == id);
        if !fresh {
            let mut lines = self.doc.component(&id).map_or_else(Vec::new, |component| {
                let graph = ArchGraph::new(&self.doc, Catalog::builtin());
                archsmith::facts::Facts::of_model(&graph).summary(component)
            });
            // The analyses of the same revision: availability, capacity, latency, failure,
            // recovery and cost figures of this component.
            if let Some(report) = &self.analysis {
                lines.extend(report.about(&id));
            }
            self.resolved = Some(ResolvedSelection {
                revision,
                id,
                lines,
            });
        }
        self.resolved.as_ref().map_or(&[], |r| r.lines.as_slice())
    }

    /// The display name of the document, for titles.
    pub fn title(&self) -> String {
        let name = if self.doc.meta.name.trim().is_empty() {
            "Untitled"
        } else {
            self.doc.meta.name.as_str()
        };
        let marker = if self.is_dirty() { "• " } else { "" };
        format!("{marker}{name} — Archsmith")
    }

    /// A file name to suggest in save dialogs.
    pub fn suggested_file_name(&self) -> String {
        match &self.path {
            Some(path) => std::path::Path::new(path).file_name().map_or_else(
                || "model.ron".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            ),
            None => format!("{}.ron", archsmith::model::slugify(&self.doc.meta.name)),
        }
    }
}
