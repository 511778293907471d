//! Mutation fuzzing of the loader and every exporter: each case takes a bundled sample, applies
//! a few random edits to its text (cuts, copies, hostile tokens, stray bytes), and then
//! - loading returns a model or an error, never a panic, and every error names a place;
//! - a model that loads saves canonically (save, load, save gives the same bytes);
//! - every exporter, for every cloud, returns output or an error, never a panic.
//!
//! Cases default to a quick run; `.ci/run` runs more with `PROPTEST_CASES` in release.
//! Failures are shrunk by proptest and kept in `tests/fuzz.proptest-regressions`.

use archsmith::catalog::Catalog;
use archsmith::export::{self, ExportOptions};
use archsmith::format;
use archsmith::model::Cloud;
use archsmith::samples::samples;
use proptest::prelude::*;

/// Tokens that reach the parser's and exporters' corners: delimiters, string and comment
/// openers, escapes, numbers out of range, markup and template syntax, controls and bidi.
const TOKENS: &[&str] = &[
    "\"",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\n",
    "//",
    "/*",
    "*/",
    "r#\"",
    "\"#",
    "\\",
    "\\u{202E}",
    "\\u{0}",
    "\\n",
    "Some(",
    "None",
    "true",
    "-1e39",
    "1e400",
    "NaN",
    "inf",
    "-0.0",
    "18446744073709551616",
    "${jndi}",
    "<script>alert(1)</script>",
    "]]>",
    "\u{1b}]0;pwn\u{7}",
    "\u{202e}",
    "\u{feff}",
    "kind: \"no-such-kind\"",
    "group: Some(\"nowhere\")",
    "from: \"ghost\"",
    "id: \"api\"",
    "version: 1",
    "version: 99",
    "💥",
];

#[derive(Debug, Clone)]
enum Mutation {
    /// Remove `len` bytes at a fraction of the text.
    Cut { at: u16, len: u16 },
    /// Copy `len` bytes from one place to another (duplicated ids, repeated fields).
    Copy { from: u16, len: u16, to: u16 },
    /// Insert a hostile token.
    Token { at: u16, token: usize },
    /// Insert arbitrary text.
    Text { at: u16, text: String },
    /// Replace the contents of the `nth` string literal (a name, an id, a kind, a property)
    /// with arbitrary text, escaped for RON: the model usually still loads, so the exporters
    /// see hostile names, not just the loader broken syntax.
    Retext { nth: u16, text: String },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<u16>(), 0u16..64).prop_map(|(at, len)| Mutation::Cut { at, len }),
        (any::<u16>(), 0u16..256, any::<u16>()).prop_map(|(from, len, to)| Mutation::Copy {
            from,
            len,
            to
        }),
        (any::<u16>(), 0..TOKENS.len()).prop_map(|(at, token)| Mutation::Token { at, token }),
        (any::<u16>(), ".{0,12}").prop_map(|(at, text)| Mutation::Text { at, text }),
        (any::<u16>(), ".{0,40}").prop_map(|(nth, text)| Mutation::Retext { nth, text }),
        (any::<u16>(), "[<>&'\"${}\\`|#*_\\[\\]() a-z]{0,24}")
            .prop_map(|(nth, text)| Mutation::Retext { nth, text }),
    ]
}

/// A byte offset at fraction `at / 65536` of `text`, moved back to a character boundary.
fn place(text: &str, at: u16) -> usize {
    let mut i = text.len() * usize::from(at) / 65_536;
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &mut String, mutation: &Mutation) {
    match mutation {
        Mutation::Cut { at, len } => {
            let start = place(text, *at);
            let mut end = (start + usize::from(*len)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(start..end, "");
        }
        Mutation::Copy { from, len, to } => {
            let start = place(text, *from);
            let mut end = (start + usize::from(*len)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            let piece = text[start..end].to_owned();
            let to = place(text, *to);
            text.insert_str(to, &piece);
        }
        Mutation::Token { at, token } => {
            let at = place(text, *at);
            text.insert_str(at, TOKENS[*token]);
        }
        Mutation::Text { at, text: inserted } => {
            let at = place(text, *at);
            text.insert_str(at, inserted);
        }
        Mutation::Retext {
            nth,
            text: inserted,
        } => {
            let literals = string_literals(text);
            if literals.is_empty() {
                return;
            }
            let (start, end) = literals[usize::from(*nth) % literals.len()];
            let escaped = inserted.replace('\\', "\\\\").replace('"', "\\\"");
            text.replace_range(start..end, &escaped);
        }
    }
}

/// Byte ranges of the contents of plain `"..."` string literals (not raw strings).
fn string_literals(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match (open, c) {
            (Some(_), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(start), '"') if !escaped => {
                out.push((start, i));
                open = None;
            }
            (None, '"') => open = Some(i + 1),
            _ => {}
        }
        escaped = false;
    }
    out
}

/// Every exporter on `doc`, for every cloud (the Terraform and compose outputs differ by
/// provider), at a small raster scale so a case stays quick.
fn export_everything(doc: &archsmith::model::Document, catalog: &Catalog) {
    for provider in Cloud::ALL {
        let options = ExportOptions {
            provider: Some(provider),
            scale: 0.25,
            findings: true,
            ..ExportOptions::default()
        };
        for exporter in export::registry() {
            // The cloud only matters to the infrastructure exports; the rest run once.
            let per_cloud = matches!(exporter.id(), "terraform" | "compose");
            if !per_cloud && provider != Cloud::Aws {
                continue;
            }
            let _ = exporter.export(doc, catalog, &options);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        // `PROPTEST_CASES` overrides this, as `.ci/run` does.
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48),
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_models_load_or_fail_with_a_place_and_export_without_panics(
        sample in 0..samples().len(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let catalog = Catalog::builtin();
        let mut text = samples()[sample].text.to_owned();
        for m in &mutations {
            apply(&mut text, m);
        }
        match format::from_str(&text, "fuzz.ron", catalog) {
            Ok(doc) => {
                let saved = format::to_string(&doc);
                let again = format::from_str(&saved, "saved.ron", catalog)
                    .map_err(|e| TestCaseError::fail(format!("a saved model does not load: {e}")))?;
                prop_assert_eq!(&saved, &format::to_string(&again), "save is not canonical");
                export_everything(&doc, catalog);
            }
            Err(error) => {
                let shown = error.to_string();
                prop_assert!(!shown.is_empty());
                prop_assert!(
                    shown.contains("fuzz.ron"),
                    "the error does not name the file: {}", shown
                );
            }
        }
    }
}

#[test]
fn retexting_keeps_most_models_loadable_so_the_exporters_are_reached() {
    let catalog = Catalog::builtin();
    let mut loaded = 0;
    let total = 60;
    for nth in 0..total {
        let mut text = samples()[0].text.to_owned();
        apply(
            &mut text,
            &Mutation::Retext {
                nth: nth * 7,
                text: "Pay <b>\"now\"</b> ${x} \\ ok".to_owned(),
            },
        );
        if let Ok(doc) = format::from_str(&text, "fuzz.ron", catalog) {
            loaded += 1;
            export_everything(&doc, catalog);
        }
    }
    // Ids, kinds, references and locations refuse such text; names, descriptions and labels
    // take it (about one string in eight of the e-commerce sample).
    assert!(loaded >= total / 10, "only {loaded} of {total} loaded");
}
