//! The colours of a diagram, shared by the editor's canvas and the SVG, PNG and draw.io
//! exports, so that a diagram looks the same wherever it is drawn.

use crate::catalog::{Category, ConnectionStyle};
use crate::model::{GroupKind, NoteColor, Point, Severity};

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

/// The dash and the gap of a connection style's line, in drawing units: sync calls solid
/// (`None`), async messages dashed, telemetry dotted.
pub fn dashes(style: ConnectionStyle) -> Option<(f32, f32)> {
    match style {
        ConnectionStyle::Sync => None,
        ConnectionStyle::Async => Some((7.0, 5.0)),
        ConnectionStyle::Telemetry => Some((2.0, 4.0)),
    }
}

/// How far into its dash pattern `(dash, gap)` the axis-aligned segment from `a` to `b`
/// starts (as SVG's `stroke-dashoffset` counts it), so that its dashes fall at the same
/// places of the drawing whatever route the segment belongs to: routes sharing a track (a
/// telemetry trunk into its collector) then draw one dotted line, where patterns begun at
/// each route's own start merged into a solid one that read as a sync call. `None` for a
/// slanted segment.
pub fn dash_phase(a: Point, b: Point, (dash, gap): (f32, f32)) -> Option<f32> {
    let period = dash + gap;
    // Along the axis the segment runs on, and which way.
    let (start, forwards) = if a.y == b.y {
        (a.x, b.x >= a.x)
    } else if a.x == b.x {
        (a.y, b.y >= a.y)
    } else {
        return None;
    };
    // Forwards, the pattern's start sits on multiples of the period; backwards, a dash ends
    // on them, so both directions dash the same stretches.
    Some(if forwards {
        start.rem_euclid(period)
    } else {
        (dash - start).rem_euclid(period)
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Which of the points `0.5, 1.5, …` along the axis a segment dashes, in drawing units.
    fn dashed_at(a: Point, b: Point, pattern: (f32, f32)) -> Vec<i32> {
        let (dash, gap) = pattern;
        let phase = dash_phase(a, b, pattern).expect("axis-aligned");
        let length = (b.x - a.x).abs() + (b.y - a.y).abs();
        let towards = if b.x < a.x || b.y < a.y { -1.0 } else { 1.0 };
        let start = if a.y == b.y { a.x } else { a.y };
        (0..length as i32)
            .filter(|&d| (d as f32 + 0.5 + phase).rem_euclid(dash + gap) < dash)
            .map(|d| (start + towards * (d as f32 + 0.5)).floor() as i32)
            .collect()
    }

    #[test]
    fn segments_on_one_track_dash_the_same_stretches() {
        let dotted = (2.0, 4.0);
        let mut long = dashed_at(Point::new(3.0, 10.0), Point::new(63.0, 10.0), dotted);
        let short = dashed_at(Point::new(17.0, 10.0), Point::new(41.0, 10.0), dotted);
        let mut back = dashed_at(Point::new(41.0, 10.0), Point::new(17.0, 10.0), dotted);
        long.retain(|x| (17..41).contains(x));
        back.sort_unstable();
        assert_eq!(
            short, long,
            "a route joining the track later dashes in step"
        );
        assert_eq!(back, short, "as does one running the other way");
        let down = dashed_at(Point::new(5.0, 17.0), Point::new(5.0, 41.0), dotted);
        assert_eq!(down, short, "and a vertical track alike");
        assert_eq!(
            dash_phase(Point::new(0.0, 0.0), Point::new(3.0, 4.0), dotted),
            None
        );
    }
}
