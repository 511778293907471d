//! Technology logos and generic shapes, vendored by `scripts/vendor-icons.mjs` into
//! `assets/icons/` and embedded here, so that the SVG and PNG exports and the editor draw the
//! same icon for a kind.

mod table;

/// One vendored icon: a 24x24 SVG whose only child is a `<g>` carrying the paint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Icon {
    pub name: &'static str,
    /// The whole SVG file.
    pub svg: &'static str,
}

impl Icon {
    /// The painted group inside the root element, to reuse as a `<symbol>` body.
    pub fn body(&self) -> &'static str {
        let start = self.svg.find("<g ").unwrap_or(0);
        let end = self.svg.rfind("</svg>").unwrap_or(self.svg.len());
        &self.svg[start..end]
    }
}

/// The icon called `name`, if one is vendored.
pub fn icon(name: &str) -> Option<Icon> {
    table::ICONS
        .binary_search_by(|(n, _)| n.cmp(&name))
        .ok()
        .map(|i| Icon {
            name: table::ICONS[i].0,
            svg: table::ICONS[i].1,
        })
}

/// Every vendored icon, sorted by name.
pub fn all() -> impl Iterator<Item = Icon> {
    table::ICONS.iter().map(|&(name, svg)| Icon { name, svg })
}
