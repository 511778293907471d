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

/// Renders `icon` into a `side`×`side` RGBA buffer (straight alpha), for the editor's
/// textures. `None` if the vendored SVG does not parse, which a test rules out.
pub fn rasterise(icon: Icon, side: u32) -> Option<Vec<u8>> {
    use resvg::{tiny_skia, usvg};
    let tree = usvg::Tree::from_str(icon.svg, &usvg::Options::default()).ok()?;
    let mut pixmap = tiny_skia::Pixmap::new(side, side)?;
    let scale = side as f32 / tree.size().width().max(tree.size().height());
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    Some(crate::raster::straight_rgba(&pixmap))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn every_catalog_kind_has_an_icon_that_renders() {
        for kind in Catalog::builtin().kinds() {
            let icon = icon(&kind.icon).unwrap_or_else(|| panic!("{} has no icon", kind.id));
            let pixels = rasterise(icon, 32).expect("renders");
            let painted = pixels.chunks(4).filter(|p| p[3] > 0).count();
            assert!(painted > 20, "{} draws something", icon.name);
        }
    }

    #[test]
    fn the_table_is_sorted_for_binary_search() {
        let names: Vec<&str> = all().map(|i| i.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }
}
