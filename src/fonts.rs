//! The bundled Inter fonts, and text measurement with them, so that exported diagrams size
//! their labels the same way on every machine and the PNG renders exactly what the SVG says.

/// Inter Regular and SemiBold (SIL Open Font License, `assets/fonts/LICENSE-Inter.txt`).
pub const REGULAR: &[u8] = include_bytes!("../assets/fonts/Inter-Regular.otf");
pub const SEMIBOLD: &[u8] = include_bytes!("../assets/fonts/Inter-SemiBold.otf");
/// The family name both files declare.
pub const FAMILY: &str = "Inter";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    SemiBold,
}

/// Advance width of `text` at `size` pixels. Characters the font lacks count as an average
/// glyph, which is what a fallback font will roughly take.
pub fn text_width(text: &str, size: f32, weight: Weight) -> f32 {
    let data = match weight {
        Weight::Regular => REGULAR,
        Weight::SemiBold => SEMIBOLD,
    };
    let Ok(face) = ttf_parser::Face::parse(data, 0) else {
        // The bytes are compiled in; this only guards against a corrupt asset.
        return text.chars().count() as f32 * size * 0.55;
    };
    let units = f32::from(face.units_per_em());
    let fallback = units * 0.55;
    let total: f32 = text
        .chars()
        .map(|c| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map_or(fallback, f32::from)
        })
        .sum();
    total * size / units
}

/// The longest prefix of `text` that fits in `max_width`, with an ellipsis when cut.
pub fn fit(text: &str, size: f32, weight: Weight, max_width: f32) -> String {
    if text_width(text, size, weight) <= max_width {
        return text.to_owned();
    }
    let mut cut: String = text.to_owned();
    while cut.pop().is_some() {
        let candidate = format!("{}…", cut.trim_end());
        if text_width(&candidate, size, weight) <= max_width {
            return candidate;
        }
    }
    "…".to_owned()
}

/// Splits `text` into lines no wider than `max_width`, breaking at spaces where it can.
pub fn wrap(text: &str, size: f32, weight: Weight, max_width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if text_width(&candidate, size, weight) <= max_width || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                line = word.to_owned();
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wider_text_measures_wider_and_bold_is_wider() {
        let short = text_width("api", 13.0, Weight::Regular);
        let long = text_width("api gateway", 13.0, Weight::Regular);
        assert!(short > 10.0 && long > short);
        assert!(text_width("api gateway", 13.0, Weight::SemiBold) > long);
    }

    #[test]
    fn fitting_cuts_with_an_ellipsis() {
        let cut = fit(
            "A very long component name indeed",
            13.0,
            Weight::Regular,
            80.0,
        );
        assert!(cut.ends_with('…'));
        assert!(text_width(&cut, 13.0, Weight::Regular) <= 80.0);
        assert_eq!(fit("short", 13.0, Weight::Regular, 80.0), "short");
    }

    #[test]
    fn wrapping_breaks_at_spaces() {
        let lines = wrap("one two three four five six", 12.0, Weight::Regular, 60.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), "one two three four five six");
    }
}
