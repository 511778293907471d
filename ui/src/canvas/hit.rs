//! Hit-testing: which element is under a world point, topmost first.

use archsmith::model::Document;
use egui::{Pos2, Rect};

use super::draw::MovePreview;
use super::geometry::{self, HANDLE_RADIUS};

/// What the pointer is over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hit {
    Note(String),
    /// The connect handle of a component.
    Handle(String),
    Component(String),
    Connection(String),
    /// The resize grip of a (selected) boundary.
    GroupGrip(String),
    /// The title strip of a boundary.
    GroupTitle(String),
    Empty,
}

impl Hit {
    /// The id of the element hit, if any.
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::Note(id)
            | Self::Handle(id)
            | Self::Component(id)
            | Self::Connection(id)
            | Self::GroupGrip(id)
            | Self::GroupTitle(id) => Some(id),
            Self::Empty => None,
        }
    }
}

/// The topmost element at `world`. `zoom` scales the pick tolerances so that they stay the same
/// size on screen; `handles_of` says which components show their connect handle.
pub fn hit_test(
    doc: &Document,
    world: Pos2,
    zoom: f32,
    routes: &[Option<Vec<Pos2>>],
    handles_of: impl Fn(&str) -> bool,
    selected_group: impl Fn(&str) -> bool,
) -> Hit {
    let tolerance = 6.0 / zoom.max(0.05);
    if let Some(note) = doc
        .notes()
        .iter()
        .rev()
        .find(|n| geometry::note_rect(n).contains(world))
    {
        return Hit::Note(note.id.to_string());
    }
    for component in doc.components().iter().rev() {
        let rect = geometry::component_rect(component);
        if handles_of(component.id.as_str())
            && (geometry::handle_center(rect) - world).length()
                <= (HANDLE_RADIUS + 3.0) / zoom.max(0.05)
        {
            return Hit::Handle(component.id.to_string());
        }
    }
    if let Some(component) = doc
        .components()
        .iter()
        .rev()
        .find(|c| geometry::component_rect(c).contains(world))
    {
        return Hit::Component(component.id.to_string());
    }
    let mut best: Option<(f32, &str)> = None;
    for (connection, path) in doc.connections().iter().zip(routes) {
        let Some(path) = path else {
            continue;
        };
        let distance = geometry::distance_to_path(world, path);
        if distance <= tolerance && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, connection.id.as_str()));
        }
    }
    if let Some((_, id)) = best {
        return Hit::Connection(id.to_owned());
    }
    // Innermost boundaries first: a nested boundary's title sits inside its parent.
    let mut groups: Vec<_> = doc.groups().iter().collect();
    groups.sort_by(|a, b| {
        geometry::group_rect(a)
            .area()
            .total_cmp(&geometry::group_rect(b).area())
    });
    for group in groups {
        if selected_group(group.id.as_str())
            && geometry::group_grip_rect(group)
                .expand(tolerance / 2.0)
                .contains(world)
        {
            return Hit::GroupGrip(group.id.to_string());
        }
        if geometry::group_title_rect(group).contains(world) {
            return Hit::GroupTitle(group.id.to_string());
        }
    }
    Hit::Empty
}

/// Components, notes and boundaries inside a world rectangle (rubber-band selection).
pub fn inside(doc: &Document, band: Rect) -> Vec<String> {
    let components = doc
        .components()
        .iter()
        .filter(|c| band.contains_rect(geometry::component_rect(c)))
        .map(|c| c.id.to_string());
    let notes = doc
        .notes()
        .iter()
        .filter(|n| band.contains_rect(geometry::note_rect(n)))
        .map(|n| n.id.to_string());
    let groups = doc
        .groups()
        .iter()
        .filter(|g| band.contains_rect(geometry::group_rect(g)))
        .map(|g| g.id.to_string());
    components.chain(notes).chain(groups).collect()
}

/// Everything that moves with a selection: selected components and notes, and for each
/// selected boundary the boundary itself, its nested boundaries and all their members.
pub fn moving_set(doc: &Document, selected: impl Iterator<Item = String>) -> MovePreview {
    let mut preview = MovePreview::default();
    for id in selected {
        if doc.group(&id).is_some() {
            for group in doc.groups() {
                if geometry::is_descendant_or_self(doc, group, &id) {
                    preview.ids.insert(group.id.to_string());
                    for member in doc.members_of(group.id.as_str()) {
                        preview.ids.insert(member.id.to_string());
                    }
                }
            }
        } else if doc.component(&id).is_some() || doc.note(&id).is_some() {
            preview.ids.insert(id);
        }
    }
    preview
}
