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

/// Turns premultiplied RGBA bytes into straight RGBA in place, for an encoder that takes
/// straight alpha: a big canvas is not copied a second time.
pub(crate) fn demultiply_in_place(rgba: &mut [u8]) {
    for pixel in rgba.chunks_exact_mut(4) {
        let alpha = u16::from(pixel[3]);
        if alpha == 0 || alpha == 255 {
            continue;
        }
        for channel in &mut pixel[..3] {
            // Rounded, and never above 255 for valid premultiplied input.
            *channel = ((u16::from(*channel) * 255 + alpha / 2) / alpha).min(255) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demultiplying_in_place_matches_the_copying_conversion() {
        let mut pixmap = Pixmap::new(4, 1).expect("pixmap");
        let colours = [
            (255, 0, 0, 255),
            (10, 200, 30, 128),
            (0, 0, 0, 0),
            (7, 7, 7, 9),
        ];
        for (i, (r, g, b, a)) in colours.into_iter().enumerate() {
            let colour = resvg::tiny_skia::ColorU8::from_rgba(r, g, b, a).premultiply();
            pixmap.pixels_mut()[i] = colour;
        }
        let copied = straight_rgba(&pixmap);
        demultiply_in_place(pixmap.data_mut());
        for (a, b) in copied.iter().zip(pixmap.data()) {
            assert!(a.abs_diff(*b) <= 1, "{copied:?} vs {:?}", pixmap.data());
        }
    }
}
