//! The one layout rule `terraform fmt` adds to hcl-rs's output: the `=` of consecutive
//! one-line attributes line up. A run of attributes ends at any line that is not one: a
//! blank line, a block's opening or closing brace, a comment, or an attribute whose value
//! opens a multi-line object or list (`tags = {`), which `terraform fmt` leaves unaligned.
//! Keys are padded to the widest key of their run, counted in characters as Terraform counts
//! them.

/// Aligns the attribute runs of `text` (HCL as hcl-rs formats it).
pub(crate) fn align(text: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let splits: Vec<Option<usize>> = lines.iter().map(|line| assignment(line)).collect();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut start = 0;
    while start < lines.len() {
        if splits[start].is_none() {
            push_closing_empty_blocks(&mut out, lines[start]);
            start += 1;
            continue;
        }
        let end = (start..lines.len())
            .find(|&i| splits[i].is_none())
            .unwrap_or(lines.len());
        let width = (start..end)
            .filter_map(|i| splits[i].map(|at| key_width(&lines[i][..at])))
            .max()
            .unwrap_or(0);
        for i in start..end {
            let (line, at) = (lines[i], splits[i].unwrap_or(0));
            let key = lines[i][..at].trim_end();
            out.push_str(key);
            for _ in key_width(key)..width {
                out.push(' ');
            }
            out.push(' ');
            out.push_str(&line[at..]);
        }
        start = end;
    }
    out
}

/// `allow {    }` as `terraform fmt` writes an empty block: `allow {}`.
fn push_closing_empty_blocks(out: &mut String, line: &str) {
    let body = line.trim_end();
    let empty_block = body.ends_with('}')
        && !body.contains('"')
        && body
            .rfind('{')
            .is_some_and(|open| body[open + 1..body.len() - 1].bytes().all(|b| b == b' '));
    if empty_block {
        let open = body.rfind('{').unwrap_or(0);
        out.push_str(&body[..=open]);
        out.push('}');
        out.push_str(&line[body.len()..]);
    } else {
        out.push_str(line);
    }
}

/// Width of a key with its indentation, in characters.
fn key_width(key: &str) -> usize {
    key.trim_end().chars().count()
}

/// Where the `=` of a one-line attribute is: the first top-level `=` that follows a key and
/// whose value closes every bracket it opens. `None` for any other line.
fn assignment(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    if trimmed.is_empty() || trimmed.starts_with(['#', '/', '}', ']', ')']) {
        return None;
    }
    let mut scanner = Scanner::default();
    let mut equals = None;
    let mut depth: i64 = 0;
    let bytes = line.as_bytes();
    for (i, &byte) in bytes.iter().enumerate() {
        if !scanner.code(byte) {
            continue;
        }
        match byte {
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => depth -= 1,
            b'=' if equals.is_none() && depth == 0 => {
                let next = bytes.get(i + 1).copied();
                let previous = i.checked_sub(1).map(|p| bytes[p]);
                let operator = matches!(next, Some(b'=' | b'>'))
                    || matches!(previous, Some(b'=' | b'!' | b'<' | b'>'));
                if operator || line[..i].trim().is_empty() {
                    return None;
                }
                equals = Some(i);
                // The value's brackets count from here.
                depth = 0;
            }
            _ => {}
        }
    }
    equals.filter(|_| depth == 0 && !scanner.in_string())
}

/// Tracks whether a byte is code or inside a string literal (with its `${ }` and `%{ }`
/// templates, which are code again and may nest strings).
#[derive(Default)]
struct Scanner {
    /// One entry per open string; each counts the braces open inside its current template
    /// (0 when in the string's text).
    strings: Vec<usize>,
    escaped: bool,
    template_start: bool,
}

impl Scanner {
    fn in_string(&self) -> bool {
        self.strings.last().is_some_and(|&braces| braces == 0)
    }

    /// Feeds one byte; returns whether it is code (outside any string's text).
    fn code(&mut self, byte: u8) -> bool {
        if self.in_string() {
            if self.escaped {
                self.escaped = false;
            } else if self.template_start && byte == b'{' {
                if let Some(braces) = self.strings.last_mut() {
                    *braces = 1;
                }
            } else {
                match byte {
                    b'\\' => self.escaped = true,
                    b'"' => {
                        self.strings.pop();
                    }
                    _ => {}
                }
            }
            self.template_start = matches!(byte, b'$' | b'%') && !self.template_start;
            return false;
        }
        match (byte, self.strings.last_mut()) {
            (b'"', _) => {
                self.strings.push(0);
                return false;
            }
            (b'{', Some(braces)) => *braces += 1,
            // At zero the template closed: back in the string's text.
            (b'}', Some(braces)) => *braces -= 1,
            _ => {}
        }
        // Brackets inside a template belong to it, not to the attribute's value.
        self.strings.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_one_line_attributes_align_and_multi_line_values_break_them() {
        let text = "resource \"a\" \"b\" {\n  name = \"x\"\n  instance_class = var.c[\"large\"]\n  tags = {\n    Name = \"n\"\n    archsmith_id = \"i\"\n  }\n\n  block {\n    enabled = true\n  }\n  z = 1\n}\n";
        let expected = "resource \"a\" \"b\" {\n  name           = \"x\"\n  instance_class = var.c[\"large\"]\n  tags = {\n    Name         = \"n\"\n    archsmith_id = \"i\"\n  }\n\n  block {\n    enabled = true\n  }\n  z = 1\n}\n";
        assert_eq!(align(text), expected);
    }

    #[test]
    fn equals_signs_inside_strings_templates_and_one_line_values_are_not_keys() {
        for (line, at) in [
            ("  a = \"x = y\"\n", Some(4)),
            ("  policy = jsonencode({ a = \"b\" })\n", Some(9)),
            ("  name = \"${var.environment}-{x}\"\n", Some(7)),
            ("  s = \"he said \\\"a = b\\\"\"\n", Some(4)),
            ("  t = \"${jsonencode({ k = \"v\" })} = z\"\n", Some(4)),
            ("  list = [\n", None),
            ("  \"aws:SourceArn\" = x\n", Some(18)),
            ("  }\n", None),
            ("resource \"a\" \"b\" {\n", None),
            ("  ok = a == b\n", Some(5)),
        ] {
            assert_eq!(assignment(line), at, "{line}");
        }
    }

    /// Files the exporter wrote, as `terraform fmt` formatted them: with their alignment
    /// collapsed to one space, the aligner must restore them byte for byte.
    #[test]
    fn restores_what_terraform_fmt_wrote() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terraform-fmt");
        let collapse =
            regex::Regex::new(r"(?m)^(\s*(?:[A-Za-z_][\w-]*|\x22[^\x22]*\x22)) +=").expect("regex");
        let (mut files, mut realigned) = (0, 0);
        for dir in std::fs::read_dir(root).expect("fixtures") {
            let dir = dir.expect("entry").path();
            if !dir.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&dir).expect("dir") {
                let path = file.expect("file").path();
                let formatted = std::fs::read_to_string(&path).expect("fixture");
                let collapsed = collapse.replace_all(&formatted, "$1 =");
                realigned += usize::from(collapsed != formatted);
                assert_eq!(align(&collapsed), formatted, "{}", path.display());
                files += 1;
            }
        }
        assert!(
            files >= 9 && realigned >= 9,
            "{realigned} of {files} fixture files"
        );
    }

    #[test]
    fn empty_blocks_close_on_their_line() {
        assert_eq!(
            align("  a {\n    allow {    }\n  }\n"),
            "  a {\n    allow {}\n  }\n"
        );
        assert_eq!(align("  x {}\n"), "  x {}\n");
    }

    #[test]
    fn widths_count_characters_not_bytes() {
        let text = "  \"é\" = 1\n  ab = 2\n";
        assert_eq!(align(text), "  \"é\" = 1\n  ab  = 2\n");
    }
}
