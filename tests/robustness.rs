//! Inputs that real users produce and that used to crash, hang, go quadratic or lie: one
//! test per defect, through the `archsmith` command line.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use assert_cmd::Command;

fn archsmith() -> Command {
    Command::cargo_bin("archsmith").expect("binary")
}

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("archsmith")
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(format!("{name}.ron"))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], paths: &[&Path]) -> Run {
    let mut command = archsmith();
    command.args(args);
    for path in paths {
        command.arg(path);
    }
    let output = command.output().expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
    }
}

/// A model of `components` on one line (as a minifier or generator writes it).
fn one_line_model(components: usize, extra: &str) -> String {
    let mut text = String::from("(version: 2, meta: (name: \"Flat\"), components: [");
    for i in 0..components {
        text.push_str(&format!(
            "(id: \"c{i:05}\", kind: \"service-go\", name: \"Service {i}\", position: (x: 0.0, y: 0.0)),"
        ));
    }
    text.push_str(extra);
    text.push_str("])");
    text
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

const SMALL: &str = r#"#![enable(implicit_some)]
(
    version: 2,
    meta: (name: "Small"),
    components: [
        (id: "api", kind: "service-go", name: "API", position: (x: 0.0, y: 0.0)),
        (id: "db", kind: "postgresql", name: "DB", position: (x: 200.0, y: 0.0)),
    ],
    connections: [
        (id: "api-db", from: "api", to: "db", kind: "db_query"),
    ],
)
"#;

#[test]
fn a_load_error_past_column_65535_is_located_without_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = one_line_model(
        2_000,
        "(id: \"bad\", kind: \"postgres\", name: \"x\", position: (x: 0.0, y: 0.0)),",
    );
    let path = write(dir.path(), "flat.ron", &text);
    let result = run(&["validate"], &[&path]);
    assert_eq!(result.code, 2, "{}", result.stderr);
    let col = text.find("kind: \"postgres\"").expect("bad") + 1;
    assert!(col > 65_535);
    assert!(
        result.stderr.contains(&format!("flat.ron:1:{col}:")),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.len() < 2_000,
        "the line is not echoed: {} bytes",
        result.stderr.len()
    );
}

/// A coordinate far off the canvas (a typo, a mutated file) is refused where it stands, not
/// carried into the layout, whose grid and route arithmetic it would overflow.
#[test]
fn a_coordinate_off_the_canvas_is_refused_with_its_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = SMALL.replace(
        "position: (x: 200.0, y: 0.0)",
        "position: (x: 9000000000.0, y: 0.0)",
    );
    let path = write(dir.path(), "far.ron", &text);
    let result = run(&["validate"], &[&path]);
    assert_eq!(result.code, 2, "{}", result.stderr);
    assert!(
        result.stderr.contains("far.ron:7:10") && result.stderr.contains("within ±10000000"),
        "{}",
        result.stderr
    );
    // The largest coordinate allowed still lays out and exports.
    let edge = SMALL.replace(
        "position: (x: 200.0, y: 0.0)",
        "position: (x: 10000000.0, y: 0.0)",
    );
    let path = write(dir.path(), "edge.ron", &edge);
    let out = dir.path().join("edge.svg");
    let result = run(
        &[
            "export",
            "--format",
            "svg",
            "-o",
            out.to_str().expect("utf-8"),
        ],
        &[&path],
    );
    assert_eq!(result.code, 0, "{}", result.stderr);
}

#[test]
fn findings_on_a_one_line_model_point_at_their_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = one_line_model(3, "");
    let path = write(dir.path(), "flat.ron", &text);
    let result = run(&["validate", "--format", "sarif"], &[&path]);
    let sarif: serde_json::Value = serde_json::from_str(&result.stdout).expect("sarif");
    let located: Vec<(String, u64)> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let location = &r["locations"][0];
            (
                location["logicalLocations"][0]["name"]
                    .as_str()
                    .expect("name")
                    .to_owned(),
                location["physicalLocation"]["region"]["startColumn"]
                    .as_u64()
                    .expect("column"),
            )
        })
        .collect();
    assert!(!located.is_empty());
    for (id, col) in located {
        let expected = text.find(&format!("id: \"{id}\"")).expect("id") + 1;
        assert_eq!(col as usize, expected, "{id}");
    }
}

#[test]
fn thousands_of_problems_print_a_bounded_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut connections = String::new();
    for i in 0..5_000 {
        connections.push_str(&format!(
            "(id: \"loop-{i}\", from: \"api\", to: \"api\", kind: \"http\"),\n"
        ));
    }
    let text = SMALL.replace(
        "(id: \"api-db\", from: \"api\", to: \"db\", kind: \"db_query\"),",
        &connections,
    );
    let path = write(dir.path(), "loops.ron", &text);
    let result = run(&["validate"], &[&path]);
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("4980 more problems (5000 in all)"),
        "{}",
        &result.stderr[..result.stderr.len().min(3000)]
    );
    assert!(
        result.stderr.len() < 40_000,
        "{} bytes of errors",
        result.stderr.len()
    );
    // Machine readers still get every problem.
    let json = run(&["validate", "--format", "json"], &[&path]);
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(
        parsed["error"]["problems"].as_array().map(Vec::len),
        Some(5_000)
    );
}

#[test]
fn echoed_input_is_escaped_and_capped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kind = "\\n".repeat(8_000) + "\\u{1b}]0;pwned\\u{7}";
    let text = SMALL.replace("kind: \"postgresql\"", &format!("kind: \"{kind}\""));
    let path = write(dir.path(), "kind.ron", &text);
    let result = run(&["validate"], &[&path]);
    assert_eq!(result.code, 2);
    assert!(
        !result.stderr.contains('\u{1b}'),
        "no raw escape reaches the terminal"
    );
    assert!(
        result.stderr.contains("more characters"),
        "{}",
        result.stderr
    );
    assert!(result.stderr.len() < 4_000, "{}", result.stderr.len());
}

#[test]
fn invalid_utf8_is_located() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bytes = SMALL.as_bytes().to_vec();
    let at = SMALL.find("\"DB\"").expect("DB") + 2;
    bytes[at] = 0xff;
    let path = dir.path().join("latin1.ron");
    std::fs::write(&path, bytes).expect("write");
    let result = run(&["validate"], &[&path]);
    assert_eq!(result.code, 2);
    let line = SMALL[..at].matches('\n').count() + 1;
    let col = at - SMALL[..at].rfind('\n').expect("line");
    assert!(
        result
            .stderr
            .contains(&format!("latin1.ron:{line}:{col}: the file is not UTF-8")),
        "{}",
        result.stderr
    );
}

#[test]
fn problems_with_escaped_ids_are_located() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = SMALL.replace(
        "(id: \"db\", kind: \"postgresql\"",
        "(id: \"d\\u{62}\", kind: \"postgres\"",
    );
    let path = write(dir.path(), "escaped.ron", &text);
    let result = run(&["validate"], &[&path]);
    assert_eq!(result.code, 2);
    let line = text
        .lines()
        .position(|l| l.contains("d\\u{62}"))
        .expect("line")
        + 1;
    assert!(
        result.stderr.contains(&format!("escaped.ron:{line}:")),
        "{}",
        result.stderr
    );
}

#[test]
fn problems_in_a_migrated_version_1_file_are_located() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = r#"(
    version: 1,
    name: "Old",
    nodes: [
        (id: "api", kind: "service-go", name: "API", x: 0.0, y: 0.0),
        (id: "db", kind: "postgres-typo", name: "DB", x: 200.0, y: 0.0),
    ],
    edges: [
        (from: "api", to: "nowhere", kind: "query"),
    ],
)
"#;
    let path = write(dir.path(), "v1.ron", text);
    let result = run(&["validate"], &[&path]);
    assert_eq!(result.code, 2);
    assert!(result.stderr.contains("v1.ron:6:"), "{}", result.stderr);
    // The edge has no id in version 1: it is found through its source.
    assert!(result.stderr.contains("v1.ron:5:"), "{}", result.stderr);
}

#[test]
fn group_nesting_has_a_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let depth = 10_000;
    let mut groups = String::new();
    for i in 0..depth {
        let parent = if i == 0 {
            String::new()
        } else {
            format!(", parent: \"g{}\"", i - 1)
        };
        groups.push_str(&format!(
            "(id: \"g{i}\", kind: generic, name: \"G{i}\"{parent}, rect: (x: 0.0, y: 0.0, w: 10.0, h: 10.0)),\n"
        ));
    }
    let text = SMALL.replace(
        "    components: [",
        &format!("    groups: [\n{groups}],\n    components: ["),
    );
    let path = write(dir.path(), "deep.ron", &text);
    let result = run(&["validate"], &[&path]);
    assert_eq!(result.code, 2);
    assert!(
        result
            .stderr
            .contains("is nested 33 groups deep; the limit is 32"),
        "{}",
        &result.stderr[..result.stderr.len().min(2000)]
    );
}

#[test]
fn control_characters_bidi_overrides_and_huge_names_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, expected) in [
        ("API\\u{1b}[2J", "control character \\u{1b}"),
        ("API\\nERROR forged line", "control character \\n"),
        ("invoice\\u{202e}fdp.exe", "bidirectional control \\u{202e}"),
        ("a\\u{0}b", "control character \\u{0}"),
    ] {
        let text = SMALL.replace("name: \"API\"", &format!("name: \"{name}\""));
        let path = write(dir.path(), "text.ron", &text);
        let result = run(&["validate"], &[&path]);
        assert_eq!(result.code, 2, "{name}");
        assert!(result.stderr.contains("text.ron:6:"), "{}", result.stderr);
        assert!(
            result.stderr.contains(expected),
            "{name}: {}",
            result.stderr
        );
    }
    let text = SMALL.replace("name: \"API\"", &format!("name: \"{}\"", "x".repeat(5_000)));
    let path = write(dir.path(), "long.ron", &text);
    let result = run(&["validate"], &[&path]);
    assert_eq!(result.code, 2);
    assert!(
        result
            .stderr
            .contains("is 5000 characters long; the limit is 200"),
        "{}",
        result.stderr
    );
}

#[test]
fn large_and_special_files_are_refused_before_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let result = run(&["validate", "/dev/zero"], &[]);
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("not a regular file"),
        "{}",
        result.stderr
    );
    let huge = dir.path().join("huge.ron");
    let file = std::fs::File::create(&huge).expect("create");
    file.set_len(300 * 1024 * 1024).expect("sparse file");
    let result = run(&["validate"], &[&huge]);
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("the limit is 268435456 bytes"),
        "{}",
        result.stderr
    );
}

/// Starts `archsmith ARGS`, closes its stdout before reading, and returns its exit code and
/// stderr.
fn closed_pipe(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Process::new(binary())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut stderr).expect("stderr");
    }
    let status = child.wait().expect("wait");
    (status.code(), stderr)
}

#[test]
fn a_reader_closing_the_pipe_early_is_not_an_error() {
    let ecommerce = sample("ecommerce");
    let model = ecommerce.to_str().expect("utf-8 path");
    for args in [
        vec!["catalog", "--format", "json"],
        vec!["rules", "explain", "SEC001"],
        vec!["validate", model],
        vec!["validate", model, "--format", "sarif"],
        vec!["export", model, "--format", "svg", "-o", "-"],
    ] {
        let (code, stderr) = closed_pipe(&args);
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        assert!(matches!(code, Some(0 | 1)), "{args:?}: {code:?}");
    }
}

#[test]
fn json_and_sarif_report_bad_input_on_stdout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = SMALL.replace("kind: \"postgresql\"", "kind: \"postgres\"");
    let path = write(dir.path(), "bad.ron", &text);
    let json = run(&["validate", "--format", "json"], &[&path]);
    assert_eq!(json.code, 2);
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).expect("json on stdout");
    assert_eq!(parsed["error"]["code"], "archsmith::invalid_model");
    assert_eq!(parsed["error"]["problems"][0]["line"], 7);
    assert!(!json.stderr.is_empty(), "people still read stderr");
    let sarif = run(&["validate", "--format", "sarif"], &[&path]);
    assert_eq!(sarif.code, 2);
    let parsed: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("sarif");
    let invocation = &parsed["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(
        notification["locations"][0]["physicalLocation"]["region"]["startLine"],
        7
    );
}

#[test]
fn sarif_names_an_absolute_path_by_file_uri() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "my model.ron", SMALL);
    assert!(path.is_absolute());
    let sarif = run(&["validate", "--format", "sarif"], &[&path]);
    let parsed: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("sarif");
    let uri = parsed["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"]
        .as_str()
        .expect("uri");
    assert!(uri.starts_with("file:///"), "{uri}");
    assert!(uri.ends_with("/my%20model.ron"), "{uri}");
}

#[test]
fn waivers_and_overrides_of_unknown_rules_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = SMALL.replace(
        "    connections: [",
        "    waivers: [(rule: \"REL01\", target: \"db\", reason: \"managed\")],\n    connections: [",
    );
    let path = write(dir.path(), "waiver.ron", &text);
    let result = run(&["validate"], &[&path]);
    assert_eq!(result.code, 2, "{}", result.stderr);
    assert!(result.stderr.contains("waiver.ron:9:"), "{}", result.stderr);
    assert!(
        result.stderr.contains("names rule `REL01`"),
        "{}",
        result.stderr
    );
    assert!(result.stderr.contains("did you mean"), "{}", result.stderr);
    let text = SMALL.replace(
        "    components: [",
        "    rules: (overrides: {\"NOPE123\": (enabled: false)}),\n    components: [",
    );
    let path = write(dir.path(), "override.ron", &text);
    let result = run(&["validate"], &[&path]);
    assert_eq!(result.code, 2, "{}", result.stderr);
    assert!(
        result.stderr.contains("override.ron:5:"),
        "{}",
        result.stderr
    );
}

#[test]
fn dash_writes_one_file_formats_to_stdout() {
    let model = sample("ecommerce");
    let result = run(&["export", "--format", "mermaid", "-o", "-"], &[&model]);
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(
        result.stdout.contains("\nflowchart"),
        "{}",
        &result.stdout[..80]
    );
    assert!(!Path::new("-").exists());
    let folder = run(
        &[
            "export",
            "--format",
            "terraform",
            "--provider",
            "aws",
            "-o",
            "-",
        ],
        &[&model],
    );
    assert_eq!(folder.code, 2);
    assert!(
        folder.stderr.contains("writes a folder"),
        "{}",
        folder.stderr
    );
}

#[test]
fn export_help_lists_every_format() {
    let help = run(&["export", "--help"], &[]);
    assert_eq!(help.code, 0);
    for exporter in archsmith::export::registry() {
        assert!(
            help.stdout.contains(&format!("{}:", exporter.id()))
                && help.stdout.contains(exporter.label()),
            "{} missing from:\n{}",
            exporter.id(),
            help.stdout
        );
    }
}

#[test]
fn scale_and_background_are_checked_alike_for_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = sample("ecommerce");
    let out = dir.path().join("x");
    let out = out.to_str().expect("utf-8");
    let zero = run(
        &["export", "--format", "png", "--scale", "0", "-o", out],
        &[&model],
    );
    assert_eq!(zero.code, 2);
    assert!(
        zero.stderr.contains("greater than 0 and at most 8"),
        "{}",
        zero.stderr
    );
    for format in ["svg", "png"] {
        let bad = run(
            &[
                "export",
                "--format",
                format,
                "--background",
                "nocolor",
                "-o",
                out,
            ],
            &[&model],
        );
        assert_eq!(bad.code, 2, "{format}");
        assert!(bad.stderr.contains("is not a colour"), "{}", bad.stderr);
    }
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let result = run(&["completions", shell], &[]);
        assert_eq!(result.code, 0, "{shell}");
        assert!(result.stdout.contains("archsmith"), "{shell}");
        assert!(result.stdout.contains("validate"), "{shell}");
    }
}

#[test]
fn fmt_refuses_to_drop_comments_unless_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = SMALL.replace(
        "    meta: (name: \"Small\"),",
        "    // Reviewed with the platform team.\n    meta: (name: \"Small\"),",
    );
    let path = write(dir.path(), "commented.ron", &text);
    let check = run(&["fmt", "--check"], &[&path]);
    assert_eq!(check.code, 1);
    assert!(check.stderr.contains("has comments"), "{}", check.stderr);
    let refused = run(&["fmt"], &[&path]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("commented.ron:4:5:"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        text,
        "untouched"
    );
    let dropped = run(&["fmt", "--drop-comments"], &[&path]);
    assert_eq!(dropped.code, 0, "{}", dropped.stderr);
    assert!(!std::fs::read_to_string(&path).expect("read").contains("//"));
}

#[test]
fn the_readme_file_format_example_is_canonical() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let start = readme.find("```ron\n").expect("a ron example") + "```ron\n".len();
    let end = start + readme[start..].find("```").expect("closed");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "example.ron", &readme[start..end]);
    let check = run(&["fmt", "--check"], &[&path]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

#[test]
fn folder_exports_keep_their_folder_exact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let infra = dir.path().join("infra");
    let model = sample("ecommerce");
    let export = |provider: &str, extra: &[&str]| {
        let mut args = vec!["export", "--format", "terraform", "--provider", provider];
        args.extend_from_slice(extra);
        args.push("-o");
        args.push(infra.to_str().expect("utf-8"));
        run(&args, &[&model])
    };
    assert_eq!(export("aws", &[]).code, 0);
    let aws_files = std::fs::read_dir(&infra).expect("list").count();
    let gcp = export("gcp", &[]);
    assert_eq!(gcp.code, 0, "{}", gcp.stderr);
    assert!(gcp.stderr.contains("removed"), "{}", gcp.stderr);
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(infra.join(".archsmith-export.json")).expect("manifest"),
    )
    .expect("json");
    let listed = manifest["files"].as_array().expect("files").len();
    let on_disk = walk(&infra);
    assert_eq!(
        on_disk.len(),
        listed + 1,
        "{on_disk:?}; aws had {aws_files}"
    );
    std::fs::write(infra.join("backend.tf"), "terraform {}").expect("write");
    let refused = export("gcp", &[]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("backend.tf"), "{}", refused.stderr);
    assert_eq!(export("azure", &["--force"]).code, 0);
    assert!(
        infra.join("backend.tf").exists(),
        "a foreign file is never removed"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("list").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[cfg(unix)]
#[test]
fn fmt_and_layout_write_through_symlinks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let real = write(dir.path(), "real.ron", SMALL);
    let link = dir.path().join("link.ron");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    for args in [vec!["fmt"], vec!["layout"], vec!["new", "--force"]] {
        let result = run(&args, &[&link]);
        assert_eq!(result.code, 0, "{args:?}: {}", result.stderr);
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink(),
            "{args:?} replaced the link"
        );
    }
}

#[test]
fn listed_rule_packs_stay_inside_the_model_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let models = dir.path().join("models");
    std::fs::create_dir_all(&models).expect("mkdir");
    write(dir.path(), "outside.ron", "(name: \"Outside\", rules: [])");
    for listed in ["../outside.ron", "/etc/passwd", "/dev/zero"] {
        let text = SMALL.replace(
            "    components: [",
            &format!("    rules: (packs: [\"{listed}\"]),\n    components: ["),
        );
        let path = write(&models, "model.ron", &text);
        let result = run(&["validate"], &[&path]);
        assert_eq!(result.code, 2, "{listed}: {}", result.stderr);
        assert!(
            result.stderr.contains("outside the model's folder"),
            "{listed}: {}",
            result.stderr
        );
    }
    // Given on the command line, a pack may live anywhere, but must be a regular file.
    let model = write(&models, "plain.ron", SMALL);
    let result = run(&["validate", "--rules", "/dev/zero"], &[&model]);
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("not a regular file"),
        "{}",
        result.stderr
    );
}
