//! The colours of a diagram, shared by the editor's canvas and the SVG, PNG and draw.io
//! exports, so that a diagram looks the same wherever it is drawn.

use crate::catalog::{Category, ConnectionStyle};
use crate::model::{GroupKind, NoteColor, Severity};

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`, as SVG and draw.io styles want it.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

pub const INK: Rgb = Rgb(15, 23, 42);
pub const SUBTEXT: Rgb = Rgb(100, 116, 139);
pub const CARD: Rgb = Rgb(255, 255, 255);
pub const CANVAS: Rgb = Rgb(248, 250, 252);

pub fn category(category: Category) -> Rgb {
    match category {
        Category::Client => Rgb(100, 116, 139),
        Category::Edge => Rgb(14, 165, 233),
        Category::Compute => Rgb(37, 99, 235),
        Category::Data => Rgb(5, 150, 105),
        Category::Messaging => Rgb(217, 119, 6),
        Category::Observability => Rgb(124, 58, 237),
        Category::Security => Rgb(225, 29, 72),
    }
}

pub fn connection(style: Option<ConnectionStyle>) -> Rgb {
    match style {
        Some(ConnectionStyle::Sync) | None => Rgb(71, 85, 105),
        Some(ConnectionStyle::Async) => Rgb(217, 119, 6),
        Some(ConnectionStyle::Telemetry) => Rgb(148, 163, 184),
    }
}

pub fn severity(severity: Severity) -> Rgb {
    match severity {
        Severity::Error => Rgb(220, 38, 38),
        Severity::Warning => Rgb(234, 179, 8),
        Severity::Info => Rgb(59, 130, 246),
    }
}

/// Subnets, zones and namespaces are drawn dashed; hard boundaries solid.
pub fn dashed_boundary(kind: GroupKind) -> bool {
    matches!(
        kind,
        GroupKind::PublicSubnet
            | GroupKind::PrivateSubnet
            | GroupKind::AvailabilityZone
            | GroupKind::TrustZone
            | GroupKind::K8sNamespace
    )
}

/// The dashes of a dashed boundary's border, and the gaps between them.
pub const BOUNDARY_DASH: f32 = 6.0;
pub const BOUNDARY_GAP: f32 = 4.0;

/// Border colour of a boundary; its fill is the same colour, faint.
pub fn group(kind: GroupKind) -> Rgb {
    match kind {
        GroupKind::Region => Rgb(71, 85, 105),
        GroupKind::Vpc => Rgb(5, 150, 105),
        GroupKind::PublicSubnet => Rgb(14, 165, 233),
        GroupKind::PrivateSubnet => Rgb(37, 99, 235),
        GroupKind::AvailabilityZone | GroupKind::Generic => Rgb(100, 116, 139),
        GroupKind::K8sCluster | GroupKind::K8sNamespace => Rgb(50, 108, 229),
        GroupKind::TrustZone => Rgb(225, 29, 72),
        GroupKind::BoundedContext => Rgb(124, 58, 237),
    }
}

/// Opacity of a boundary's fill, out of 255.
pub const GROUP_FILL_ALPHA: u8 = 10;

pub fn note(color: NoteColor) -> Rgb {
    match color {
        NoteColor::Yellow => Rgb(254, 240, 138),
        NoteColor::Pink => Rgb(251, 207, 232),
        NoteColor::Blue => Rgb(191, 219, 254),
        NoteColor::Green => Rgb(187, 247, 208),
    }
}
