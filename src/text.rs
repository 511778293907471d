//! User text: the limits a model's text must respect, and the one place where text from a
//! model is made safe to echo.
//!
//! Loading refuses text that no output can show faithfully: control characters (a newline in
//! a name would forge a line of the human report, a NUL breaks DOT, ESC drives the terminal)
//! and the Unicode bidirectional controls (U+202E and friends reorder what a reviewer reads,
//! "Trojan Source"). Multi-line fields (descriptions, notes, decisions) may hold newlines and
//! tabs. What is refused is reported with its place in the file, so nothing is silently
//! changed; every exporter still escapes for its own syntax.
//!
//! Messages that quote user input that failed to load (an unknown kind, an invalid id) go
//! through [`echo`], which shows control characters as escapes and caps the length, so an
//! error message is never longer than a screen or able to drive the terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The longest name (component, group, connection label, model), in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest multi-line text (descriptions, notes, decisions), in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// The longest tag or text property value, in characters.
pub const MAX_VALUE_CHARS: usize = 1_000;
/// How deep groups may nest (region > zone > subnet > cluster > namespace needs five).
pub const MAX_GROUP_DEPTH: usize = 32;
/// The largest model or rule-pack file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// How much of a user value an error message quotes, in characters.
pub const ECHO_CHARS: usize = 64;
/// How much of a parser's message is shown, in characters.
pub const MESSAGE_CHARS: usize = 300;

/// Whether a text field may span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Names, labels, tags, property values: one line.
    Line,
    /// Descriptions, notes, decisions: newlines and tabs allowed.
    Multiline,
}

/// Why a text field is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("is {len} characters long; the limit is {max}")]
    TooLong { len: usize, max: usize },
    #[error("contains the control character {} at character {at}; {}", escape_char(*.character), match .kind { TextKind::Line => "names and values are one line of printable text", TextKind::Multiline => "only newlines and tabs are allowed" })]
    ControlCharacter {
        character: char,
        at: usize,
        kind: TextKind,
    },
    #[error("contains the bidirectional control {} at character {at}, which makes text read differently from how it is stored", escape_char(*.character))]
    BidiControl { character: char, at: usize },
}

/// Unicode's explicit bidirectional formatting characters (UAX #9): embeddings, overrides,
/// isolates and the implicit marks.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Characters that must never reach an output unescaped.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Checks one text field against its limit and the characters it may hold.
pub fn check(text: &str, kind: TextKind, max_chars: usize) -> Result<(), TextError> {
    // Bytes bound characters from above: most text is checked without counting.
    if text.len() > max_chars {
        let len = text.chars().count();
        if len > max_chars {
            return Err(TextError::TooLong {
                len,
                max: max_chars,
            });
        }
    }
    for (at, character) in text.chars().enumerate() {
        if is_bidi_control(character) {
            return Err(TextError::BidiControl { character, at });
        }
        let allowed = kind == TextKind::Multiline && matches!(character, '\n' | '\t');
        if character.is_control() && !allowed {
            return Err(TextError::ControlCharacter {
                character,
                at,
                kind,
            });
        }
    }
    Ok(())
}

fn escape_char(c: char) -> String {
    match c {
        '\n' => "\\n".to_owned(),
        '\r' => "\\r".to_owned(),
        '\t' => "\\t".to_owned(),
        c => format!("\\u{{{:x}}}", u32::from(c)),
    }
}

/// `text` with every control and bidi character shown as an escape (`\n`, `\u{1b}`), for a
/// terminal or a one-line report. Borrowed when there is nothing to escape.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&escape_char(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A user value quoted in an error message: escaped as [`for_terminal`] and cut to
/// [`ECHO_CHARS`] characters, saying how much was left out.
pub fn echo(text: &str) -> String {
    echo_capped(text, ECHO_CHARS)
}

/// A whole message from a parser that may quote the input: escaped, and cut to
/// [`MESSAGE_CHARS`] characters.
pub fn echo_message(text: &str) -> String {
    echo_capped(text, MESSAGE_CHARS)
}

fn echo_capped(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (shown, c) in text.chars().enumerate() {
        if shown == max {
            let rest = text.chars().count() - shown;
            let _ = write!(out, "… ({rest} more characters)");
            return out;
        }
        if is_unsafe(c) {
            out.push_str(&escape_char(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// At most `max` characters of `text`, cut at a character boundary, for outputs with a hard
/// length limit (cloud tag values).
pub fn truncate_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// `12,000`: figures as the reader writes them.
pub fn thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn figures_read_with_thousands_separators() {
        assert_eq!(thousands(6000), "6,000");
        assert_eq!(thousands(300), "300");
        assert_eq!(thousands(-1_234_567), "-1,234,567");
    }

    use super::*;

    #[test]
    fn names_refuse_controls_and_bidi_overrides() {
        assert!(check("Orders DB", TextKind::Line, MAX_NAME_CHARS).is_ok());
        assert!(check("Заказы 注文 طلبات", TextKind::Line, MAX_NAME_CHARS).is_ok());
        assert!(matches!(
            check("a\nb", TextKind::Line, MAX_NAME_CHARS),
            Err(TextError::ControlCharacter { at: 1, .. })
        ));
        assert!(check("a\nb\tc", TextKind::Multiline, MAX_TEXT_CHARS).is_ok());
        assert!(matches!(
            check("a\u{1b}[31m", TextKind::Multiline, MAX_TEXT_CHARS),
            Err(TextError::ControlCharacter { .. })
        ));
        assert!(matches!(
            check("admin\u{202E}txt", TextKind::Line, MAX_NAME_CHARS),
            Err(TextError::BidiControl { at: 5, .. })
        ));
        assert!(matches!(
            check(&"é".repeat(201), TextKind::Line, MAX_NAME_CHARS),
            Err(TextError::TooLong { len: 201, max: 200 })
        ));
        assert!(check(&"é".repeat(200), TextKind::Line, MAX_NAME_CHARS).is_ok());
    }

    #[test]
    fn echo_escapes_and_caps() {
        assert_eq!(echo("plain"), "plain");
        assert_eq!(echo("a\u{1b}]0;x\u{7}b\n"), "a\\u{1b}]0;x\\u{7}b\\n");
        let long = echo(&"x".repeat(10_000));
        assert!(long.starts_with(&"x".repeat(ECHO_CHARS)));
        assert!(long.ends_with("(9936 more characters)"), "{long}");
        assert_eq!(for_terminal("ok"), Cow::Borrowed("ok"));
        assert_eq!(for_terminal("a\u{202E}b"), "a\\u{202e}b");
    }

    #[test]
    fn truncation_keeps_whole_characters() {
        assert_eq!(truncate_chars("ééé", 2), "éé");
        assert_eq!(truncate_chars("ab", 5), "ab");
    }
}
