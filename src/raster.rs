//! Shared by the PNG export and the editor's icon textures.

use resvg::tiny_skia::Pixmap;

/// The pixmap's pixels as straight (not premultiplied) RGBA bytes, which `image` and egui take.
pub(crate) fn straight_rgba(pixmap: &Pixmap) -> Vec<u8> {
    pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect()
}
