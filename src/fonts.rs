//! The bundled Inter fonts, and text measurement with them, so that exported diagrams size
//! their labels the same way on every machine and the PNG renders exactly what the SVG says.

use crate::model::Rect;

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

/// Measures characters of one weight at one size, with the face parsed once per process
/// (the editor measures every card's name every frame).
struct Advances {
    face: Option<&'static ttf_parser::Face<'static>>,
    scale: f32,
    fallback: f32,
}

impl Advances {
    fn new(size: f32, weight: Weight) -> Self {
        match parsed(weight) {
            Some(face) => {
                let units = f32::from(face.units_per_em());
                Self {
                    scale: size / units,
                    fallback: units * 0.55,
                    face: Some(face),
                }
            }
            // The bytes are compiled in; this only guards against a corrupt asset.
            None => Self {
                face: None,
                scale: size,
                fallback: 0.55,
            },
        }
    }

    fn of(&self, c: char) -> f32 {
        let units = self
            .face
            .as_ref()
            .and_then(|face| face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)))
            .map_or(self.fallback, f32::from);
        units * self.scale
    }

    fn width(&self, text: &str) -> f32 {
        text.chars().map(|c| self.of(c)).sum()
    }
}

/// Where a label's x stands relative to its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
}

/// The parsed face of one weight (`None` only if the compiled-in asset were corrupt).
pub(crate) fn face(weight: Weight) -> Option<ttf_parser::Face<'static>> {
    parsed(weight).cloned()
}

/// Each weight's face, parsed the first time it is asked for.
fn parsed(weight: Weight) -> Option<&'static ttf_parser::Face<'static>> {
    use std::sync::OnceLock;
    type Parsed = OnceLock<Option<ttf_parser::Face<'static>>>;
    static FACES: [Parsed; 2] = [OnceLock::new(), OnceLock::new()];
    let (slot, data) = match weight {
        Weight::Regular => (&FACES[0], REGULAR),
        Weight::SemiBold => (&FACES[1], SEMIBOLD),
    };
    slot.get_or_init(|| ttf_parser::Face::parse(data, 0).ok())
        .as_ref()
}

/// Type size of a component's name on its card.
pub const NAME_SIZE: f32 = 13.0;
/// Between the baselines of a name's two lines.
pub const NAME_LINE: f32 = 14.0;
/// The least card height that holds a two-line name above its subtitle.
pub const TWO_LINE_CARD: f32 = 56.0;

/// A component's name as its card shows it, `room` wide: on two lines ([`name_lines`]) when
/// the card is `card_height` tall enough for them, else on one, cut. The exports and the
/// editor both draw these lines, so a name reads the same everywhere.
pub fn card_name(name: &str, room: f32, card_height: f32) -> Vec<String> {
    if card_height >= TWO_LINE_CARD {
        name_lines(name, NAME_SIZE, Weight::SemiBold, room)
    } else {
        vec![fit(name, NAME_SIZE, Weight::SemiBold, room)]
    }
}

/// Type sizes of a boundary's title: its name, then its kind in smaller type.
pub const TITLE_SIZE: f32 = 12.0;
pub const KIND_SIZE: f32 = 11.0;
/// What a boundary's title takes besides its text: margins, and the gap before the kind.
pub const TITLE_MARGINS: f32 = 40.0;

/// The width a boundary needs to show its title (name and kind) uncut: [`fit`] keeps room
/// for an ellipsis even when none is needed.
pub fn title_width(name: &str, kind: &str) -> f32 {
    text_width(name, TITLE_SIZE, Weight::SemiBold)
        + text_width("…", TITLE_SIZE, Weight::SemiBold)
        + text_width(kind, KIND_SIZE, Weight::Regular)
        + TITLE_MARGINS
        + 1.0
}

/// A boundary's title as it shows on a boundary `width` wide: its name and its `kind` when
/// both fit; else the name alone, cut only if it does not fit by itself. The name says which
/// boundary it is, the kind only what its colour and border say already: cut to leave the
/// kind room, narrow subnets read "Public subnets (…" and "App subnets (3…" (an independent
/// review counted 23 such titles in the reference designs).
pub fn boundary_title<'k>(name: &str, kind: &'k str, width: f32) -> (String, Option<&'k str>) {
    if title_width(name, kind) <= width {
        return (name.to_owned(), Some(kind));
    }
    (
        fit(name, TITLE_SIZE, Weight::SemiBold, width - TITLE_MARGINS),
        None,
    )
}

/// Where the title of a boundary drawn at `rect` is written (as [`boundary_title`] writes
/// it): routes keep off it, captions off its band. A title that drops its kind keeps the
/// room the name cut short and the kind took, so that routes run as they did: given the
/// freed room, the router ran five more segments of the staywise design along borders.
pub fn boundary_title_rect(rect: Rect, name: &str, kind: &str) -> Rect {
    let (shown, _) = boundary_title(name, kind, rect.w);
    let kind_width = text_width(kind, KIND_SIZE, Weight::Regular);
    let cut_for_kind = fit(
        name,
        TITLE_SIZE,
        Weight::SemiBold,
        rect.w - kind_width - TITLE_MARGINS,
    );
    let width = text_width(&shown, TITLE_SIZE, Weight::SemiBold)
        .max(text_width(&cut_for_kind, TITLE_SIZE, Weight::SemiBold) + 8.0 + kind_width);
    Rect::new(rect.x + 8.0, rect.y + 8.0, width + 8.0, 20.0)
}

/// Advance width of `text` at `size` pixels. Characters the font lacks count as an average
/// glyph, which is what a fallback font will roughly take.
pub fn text_width(text: &str, size: f32, weight: Weight) -> f32 {
    Advances::new(size, weight).width(text)
}

/// The longest prefix of `text` that fits in `max_width`, with an ellipsis when cut.
///
/// One pass over the characters: advances are never negative, so the running width of the
/// prefix only grows and the first prefix that no longer fits ends the search.
pub fn fit(text: &str, size: f32, weight: Weight, max_width: f32) -> String {
    const ELLIPSIS: &str = "…";
    let advances = Advances::new(size, weight);
    let budget = max_width - advances.width(ELLIPSIS);
    let mut width = 0.0;
    // Byte end of the longest fitting prefix that ends in a visible character (a cut never
    // leaves trailing spaces before the ellipsis).
    let mut cut_at = 0;
    let mut cut_found = false;
    for (index, c) in text.char_indices() {
        width += advances.of(c);
        if !cut_found {
            if width > budget {
                cut_found = true;
            } else if !c.is_whitespace() {
                cut_at = index + c.len_utf8();
            }
        }
        if width > max_width {
            return format!("{}{ELLIPSIS}", &text[..cut_at]);
        }
    }
    text.to_owned()
}

/// A name on at most two lines no wider than `max_width`, as cards show it: whole when it
/// fits; else broken at the space that balances the two lines when some space lets both
/// fit, or inside the word that overflows when that lets the rest fit on the second line
/// (see [`word_breaks`]), or at the last space that lets the first line fit; and cut only
/// when the second line cannot hold the rest. A cut keeps the name's distinguishing end
/// after the ellipsis: a closing parenthesised qualifier ("Payment… (standby)"), else its
/// last word, so twins that differ only at the end stay told apart. Linear in the name's
/// length.
pub fn name_lines(text: &str, size: f32, weight: Weight, max_width: f32) -> Vec<String> {
    let advances = Advances::new(size, weight);
    let text = text.trim();
    let total = advances.width(text);
    if total <= max_width {
        return vec![text.to_owned()];
    }
    // The first line's candidates: up to a space before the width runs out, and a break
    // inside the word the width runs out in.
    let mut width = 0.0;
    let mut last_space = None;
    let mut overflow_at = text.len();
    // Each character boundary before the overflow, with the width up to it.
    let mut prefix_widths = vec![(0, 0.0)];
    // Of the spaces whose break lets both lines fit, the one that balances them (the wider
    // line narrowest): "Viewers / (web, TV)", not "Viewers (web, / TV)".
    let mut balanced: Option<(usize, f32)> = None;
    for (index, c) in text.char_indices() {
        let before = width;
        width += advances.of(c);
        // A space ends the first line without being drawn, so a break there needs only
        // what comes before it to fit ("Payment events / (Event Hubs)", which was cut to
        // "Payment / events (Event…" when the space itself ran past the width).
        if c == ' ' {
            last_space = Some(index);
            let wider = before.max(total - width);
            if index > 0 && total - width <= max_width && balanced.is_none_or(|(_, w)| wider < w) {
                balanced = Some((index, wider));
            }
        }
        if width > max_width {
            overflow_at = index;
            break;
        }
        prefix_widths.push((index + c.len_utf8(), width));
    }
    let split_at_space = |at: usize| {
        (
            text[..at].trim_end().to_owned(),
            text[at + 1..].trim_start(),
        )
    };
    let balanced = balanced.map(|(at, _)| split_at_space(at));
    let at_space = last_space.filter(|&at| at > 0).map(split_at_space);
    // (Past the overflow when the width ran out at a space: no word is cut then.)
    let word_start = last_space.map_or(0, |at| at + 1).min(overflow_at);
    let word_end = text[overflow_at..]
        .find(' ')
        .map_or(text.len(), |at| overflow_at + at);
    let hyphen = advances.width("-");
    let fits = |rest: &str| advances.width(rest) <= max_width;
    let width_to = |at: usize| {
        let found = prefix_widths
            .binary_search_by_key(&at, |&(end, _)| end)
            .ok()?;
        Some(prefix_widths[found].1)
    };
    // Breaks past the overflow cannot leave the first line fitting; the dictionary needs
    // the whole run of letters the overflow falls in.
    let breaks_end = text[overflow_at..word_end]
        .find(|c: char| !c.is_alphabetic())
        .map_or(word_end, |at| overflow_at + at);
    // Of the word's breaks that leave the first line fitting: one that lets the rest fit
    // too, at a boundary the word has rather than at a syllable, the latest.
    let in_word = word_breaks(&text[word_start..breaks_end])
        .into_iter()
        .map(|(at, hyphenated)| (word_start + at, hyphenated))
        .filter(|&(at, hyphenated)| {
            width_to(at).is_some_and(|w| w + if hyphenated { hyphen } else { 0.0 } <= max_width)
        })
        .max_by_key(|&(at, hyphenated)| {
            let rest_fits = fits(&text[at..]);
            (rest_fits, rest_fits && !hyphenated, at)
        })
        .or_else(|| {
            // A first word too long for a line breaks where the line is full, with a
            // hyphen between letters (not inside a number or an identifier's digits).
            (word_start == 0).then(|| {
                prefix_widths
                    .iter()
                    .rev()
                    .filter(|&&(end, _)| end > 0)
                    .find_map(|&(end, width)| {
                        let letters = text[..end].ends_with(char::is_alphabetic)
                            && text[end..].starts_with(char::is_alphabetic);
                        let width = if letters { width + hyphen } else { width };
                        (width <= max_width).then_some((end, letters))
                    })
                    .unwrap_or((text.chars().next().map_or(0, char::len_utf8), false))
            })
        })
        .map(|(at, hyphenated)| {
            let first = &text[..at];
            let first = if hyphenated {
                format!("{first}-")
            } else {
                first.to_owned()
            };
            (first, &text[at..])
        });
    let (first, rest) = match (balanced, at_space, in_word) {
        (Some(space), ..) => space,
        (None, _, Some(word)) if fits(word.1) => word,
        (None, Some(space), _) => space,
        (None, None, Some(word)) => word,
        (None, None, None) => (String::new(), text),
    };
    if fits(rest) {
        return vec![first, rest.to_owned()];
    }
    // The distinguishing end: a trailing "(...)", else the last word, when it leaves room.
    let tail = if rest.ends_with(')') {
        rest.rfind('(').map(|open| &rest[open..])
    } else {
        rest.rfind(' ').map(|space| &rest[space + 1..])
    }
    // (With the ellipsis before it: on a narrow card a short last word still leaves too
    // little room.)
    .filter(|tail| {
        let width = advances.width(tail);
        width <= max_width * 2.0 / 3.0 && width + advances.width("… ") <= max_width
    });
    // A qualifier too wide to share its line gets the second line to itself, the rest of
    // the name cut on the first ("Merchant read… / (Cosmos DB)", where "Merchant read /
    // model (Cosmo…" lost what tells the store apart).
    if tail.is_none()
        && text.ends_with(')')
        && let Some(open) = text.rfind('(').filter(|&open| open > 0)
        && fits(&text[open..])
    {
        let head = text[..open].trim_end();
        return vec![fit(head, size, weight, max_width), text[open..].to_owned()];
    }
    let second = match tail {
        Some(tail) => {
            let head = rest[..rest.len() - tail.len()].trim_end();
            let room = max_width - advances.width(tail) - advances.width(" ");
            // The head fits whole when only runs of spaces made the rest too wide.
            format!("{} {tail}", fit(head, size, weight, room))
        }
        None => fit(rest, size, weight, max_width),
    };
    vec![first, second]
}

/// Longest word the hyphenation dictionary is asked about: past it a word is an identifier
/// or a hash, not language, and breaks where its line is full.
const LONGEST_HYPHENATED: usize = 40;
/// The fewest letters a hyphen leaves on either side of it.
const MIN_SYLLABLE: usize = 3;

/// Where `word` may break across lines, in order, as (byte index, whether a hyphen is
/// added there): after a hyphen, slash, underscore, dot or colon it carries ("orders-|db"),
/// before a capital that follows a small letter ("Payment|Gateway"), and between the
/// syllables TeX's American English patterns find in each run of letters
/// ("Recom-|men-|da-|tions").
fn word_breaks(word: &str) -> Vec<(usize, bool)> {
    use hyphenation::Hyphenator;
    let mut breaks = Vec::new();
    let mut previous: Option<char> = None;
    for (index, c) in word.char_indices() {
        if previous.is_some_and(|p| matches!(p, '-' | '/' | '_' | '.' | ':'))
            || previous.is_some_and(char::is_lowercase) && c.is_uppercase()
        {
            breaks.push((index, false));
        }
        previous = Some(c);
    }
    if let Some(dictionary) = dictionary() {
        let mut run_start = None;
        for (index, c) in word
            .char_indices()
            .chain(std::iter::once((word.len(), ' ')))
        {
            match (c.is_alphabetic(), run_start) {
                (true, None) => run_start = Some(index),
                (false, Some(start)) => {
                    let run = &word[start..index];
                    if run.len() <= LONGEST_HYPHENATED {
                        // At least three letters either side: "In- / sights" reads as a
                        // word of its own.
                        let letters = run.chars().count();
                        breaks.extend(
                            dictionary
                                .hyphenate(run)
                                .breaks
                                .iter()
                                .filter(|&&at| {
                                    let before = run[..at].chars().count();
                                    before >= MIN_SYLLABLE && letters - before >= MIN_SYLLABLE
                                })
                                .map(|&at| (start + at, true)),
                        );
                    }
                    run_start = None;
                }
                _ => {}
            }
        }
    }
    breaks.sort_unstable();
    breaks.dedup_by_key(|(at, _)| *at);
    breaks
}

/// TeX's American English hyphenation patterns, loaded once (`None` only if the
/// compiled-in dictionary were corrupt: names then break where their line is full).
fn dictionary() -> Option<&'static hyphenation::Standard> {
    use hyphenation::Load;
    static DICTIONARY: std::sync::OnceLock<Option<hyphenation::Standard>> =
        std::sync::OnceLock::new();
    DICTIONARY
        .get_or_init(|| hyphenation::Standard::from_embedded(hyphenation::Language::EnglishUS).ok())
        .as_ref()
}

/// Splits `text` into lines no wider than `max_width`, breaking at spaces where it can.
pub fn wrap(text: &str, size: f32, weight: Weight, max_width: f32) -> Vec<String> {
    let advances = Advances::new(size, weight);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if advances.width(&candidate) <= max_width || line.is_empty() {
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
    fn names_wrap_onto_two_lines_before_they_are_cut_and_keep_their_end() {
        let lines = |name: &str| name_lines(name, 13.0, Weight::SemiBold, 100.0);
        assert_eq!(lines("Orders DB"), ["Orders DB"]);
        assert_eq!(lines("Checkout service"), ["Checkout", "service"]);
        assert_eq!(lines("Orders (standby)"), ["Orders", "(standby)"]);
        assert_eq!(
            lines("Payment service (standby)"),
            ["Payment ser-", "vice (standby)"]
        );
        let cut = lines("Payment authorisation service (standby)");
        assert_eq!(cut[0], "Payment");
        assert!(cut[1].ends_with("… (standby)"), "{cut:?}");
        // A break at a space needs only the text before it to fit, not the space too.
        let at = |first: &str| text_width(first, 13.0, Weight::SemiBold) + 0.5;
        assert_eq!(
            name_lines(
                "Payment events (Event Hubs)",
                13.0,
                Weight::SemiBold,
                at("Payment events")
            ),
            ["Payment events", "(Event Hubs)"]
        );
        assert_eq!(
            name_lines("Orders DB", 13.0, Weight::SemiBold, at("Orders")),
            ["Orders", "DB"]
        );
        // A qualifier too wide to leave room for much of the rest is still kept.
        let cut = lines("Merchant read model (Cosmos DB)");
        assert!(
            cut[0].starts_with("Merchant re") && cut[0].ends_with('…'),
            "{cut:?}"
        );
        assert_eq!(cut[1], "(Cosmos DB)");
        let cut = lines("Order events outbox relay and archiver");
        assert!(cut[1].ends_with("… archiver"), "{cut:?}");
        for line in cut {
            assert!(text_width(&line, 13.0, Weight::SemiBold) <= 100.0, "{line}");
        }
        // A word longer than a line breaks inside it, between syllables, with a hyphen.
        let long = lines("Supercalifragilisticexpialidocious");
        assert_eq!(long[0], "Supercalifrag-");
        assert!(
            long.iter()
                .all(|l| text_width(l, 13.0, Weight::SemiBold) <= 100.0)
        );
    }

    #[test]
    fn a_word_too_long_for_a_line_breaks_where_a_typesetter_would() {
        let lines = |name: &str, width: f32| name_lines(name, 13.0, Weight::SemiBold, width);
        // Between syllables, hyphenated; never "Recommendati / ons".
        assert_eq!(lines("Recommendations", 80.0), ["Recommen-", "dations"]);
        assert_eq!(lines("Recommendations", 100.0), ["Recommenda-", "tions"]);
        assert_eq!(
            lines("Recommendations service", 100.0),
            ["Recommenda-", "tions service"]
        );
        // At a boundary the name has, rather than at a syllable, when the rest then fits.
        assert_eq!(lines("PaymentGateway", 100.0), ["Payment", "Gateway"]);
        assert_eq!(
            lines("orders-db-primary-replica", 100.0),
            ["orders-db-", "primary-replica"]
        );
        // An identifier's digits get no hyphen that could be read as part of it.
        let id = lines("a1b2c3d4e5f6g7h8i9j0k1l2", 100.0);
        assert_eq!(id.concat(), "a1b2c3d4e5f6g7h8i9j0k1l2", "{id:?}");
        // A later word that overflows breaks at its syllables when the rest then fits.
        assert_eq!(
            lines("Big Recommendations", 100.0),
            ["Big Recommen-", "dations"]
        );
    }

    proptest::proptest! {
        #[test]
        fn name_lines_fit_and_lose_nothing_unless_cut(
            name in "[a-zA-Z0-9 ()./_:é字😀-]{0,60}",
            width in 40.0f32..200.0,
        ) {
            let lines = name_lines(&name, 13.0, Weight::SemiBold, width);
            proptest::prop_assert!(lines.len() <= 2, "{lines:?}");
            for line in &lines {
                // A line is never wider than the card, but for a lone character.
                proptest::prop_assert!(
                    text_width(line, 13.0, Weight::SemiBold) <= width || line.chars().count() <= 2,
                    "{lines:?}"
                );
            }
            // Uncut (a cut leaves an ellipsis on either line), the two lines are the name.
            if let [first, second] = lines.as_slice()
                && !first.contains('…')
                && !second.contains('…')
            {
                let text = name.trim();
                let joined = [
                    format!("{first} {second}"),
                    format!("{first}{second}"),
                    format!("{}{second}", first.strip_suffix('-').unwrap_or(first)),
                ];
                // Spaces around the break may collapse into one.
                let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                proptest::prop_assert!(
                    joined.iter().any(|j| collapse(j) == collapse(text)),
                    "{name:?} -> {lines:?}"
                );
            }
        }
    }

    #[test]
    fn a_huge_word_is_cut_in_linear_time() {
        let name = "x".repeat(200_000);
        let lines = name_lines(&name, 13.0, Weight::SemiBold, 100.0);
        assert_eq!(lines.len(), 2);
        let name = "ab-".repeat(70_000);
        assert_eq!(name_lines(&name, 13.0, Weight::SemiBold, 100.0).len(), 2);
    }

    #[test]
    fn a_huge_name_is_cut_in_linear_time() {
        let name = "word ".repeat(200_000);
        let lines = name_lines(&name, 13.0, Weight::SemiBold, 100.0);
        assert_eq!(lines.len(), 2);
    }

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
        assert_eq!(fit("WWWWWWWW", 13.0, Weight::Regular, 1.0), "…");
        assert_eq!(
            fit("ab         cdefghijklmnop", 13.0, Weight::Regular, 40.0),
            "ab…"
        );
    }

    #[test]
    fn fitting_keeps_the_longest_prefix_that_fits() {
        let text = "Payments ledger service (primary, eu-west-1)";
        for max_width in [20.0, 55.0, 90.0, 140.0, 200.0] {
            let cut = fit(text, 13.0, Weight::SemiBold, max_width);
            let kept = cut.trim_end_matches('…');
            assert!(text.starts_with(kept));
            assert!(text_width(&cut, 13.0, Weight::SemiBold) <= max_width || cut == "…");
            if cut.ends_with('…') && kept.len() < text.len() {
                // One more visible character would no longer fit.
                let longer = &text[..text[kept.len()..]
                    .char_indices()
                    .find(|(_, c)| !c.is_whitespace())
                    .map_or(text.len(), |(i, c)| kept.len() + i + c.len_utf8())];
                let longer = format!("{longer}…");
                assert!(text_width(&longer, 13.0, Weight::SemiBold) > max_width);
            }
        }
    }

    #[test]
    fn wrapping_breaks_at_spaces() {
        let lines = wrap("one two three four five six", 12.0, Weight::Regular, 60.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), "one two three four five six");
    }
}
