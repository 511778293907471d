//! The `archsmith` command line, driven as a user or CI would.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn archsmith() -> Command {
    Command::cargo_bin("archsmith").expect("binary")
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(format!("{name}.ron"))
}

const BASE: &str = r#"#![enable(implicit_some)]
(
    version: 2,
    meta: (
        name: "Broken shop",
    ),
    components: [
        (
            id: "api",
            kind: "service-go",
            name: "API",
            position: (x: 0.0, y: 0.0),
        ),
        (
            id: "db",
            kind: "postgresql",
            name: "DB",
            position: (x: 200.0, y: 0.0),
            properties: {"replicas": 2},
        ),
    ],
    connections: [
        (
            id: "api-db",
            from: "api",
            to: "db",
            kind: "db_query",
        ),
    ],
)
"#;

/// 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no `{needle}` in fixture"))
}

struct Run {
    code: i32,
    stderr: String,
    path: String,
}

/// Writes `text` to a temp file and validates it.
fn validate_text(text: &str) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("model.ron");
    std::fs::write(&path, text).expect("write");
    let output = archsmith()
        .arg("validate")
        .arg(&path)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    Run {
        code: output.status.code().unwrap_or(-1),
        stderr,
        path: path.display().to_string(),
    }
}

fn assert_bad_input(text: &str, needle_line: &str, message: &str) {
    let run = validate_text(text);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let line = line_of(text, needle_line);
    let place = format!("{}:{line}:", run.path);
    assert!(
        run.stderr.contains(&place),
        "expected `{place}` in:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(message),
        "expected `{message}` in:\n{}",
        run.stderr
    );
}

#[test]
fn base_fixture_is_structurally_valid() {
    // Its findings (a single-instance database, ...) make it exit 1, never 2.
    let run = validate_text(BASE);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn malformed_ron_names_line_and_column() {
    let text = BASE.replace("name: \"DB\",", "name: \"DB\"\n            oops,");
    assert_bad_input(&text, "oops", "Expected");
}

#[test]
fn unknown_kind_suggests_the_closest() {
    let text = BASE.replace("kind: \"postgresql\"", "kind: \"postgres\"");
    assert_bad_input(
        &text,
        "\"postgres\"",
        "unknown kind `postgres` (did you mean `postgresql`?)",
    );
}

#[test]
fn duplicate_id_points_at_the_second_definition() {
    let text = BASE.replace("id: \"db\",", "id: \"api\",");
    let run = validate_text(&text);
    assert_eq!(run.code, 2);
    let second = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("id: \"api\","))
        .nth(1)
        .map(|(i, _)| i + 1);
    let place = format!("{}:{}:", run.path, second.expect("two definitions"));
    assert!(run.stderr.contains(&place), "{place} in {}", run.stderr);
    assert!(run.stderr.contains("duplicate id `api`"), "{}", run.stderr);
}

#[test]
fn dangling_reference_names_the_field() {
    let text = BASE.replace("to: \"db\",", "to: \"orders-db\",");
    assert_bad_input(
        &text,
        "to: \"orders-db\"",
        "field `to` refers to `orders-db`, which does not exist",
    );
}

#[test]
fn illegal_connection_gives_the_reason() {
    let text = BASE
        .replace("from: \"api\",", "from: \"db\",")
        .replace("to: \"db\",", "to: \"api\",");
    assert_bad_input(
        &text,
        "kind: \"db_query\"",
        "PostgreSQL (`postgresql`) cannot start a `db_query` connection",
    );
}

#[test]
fn wrong_property_type_says_what_was_expected() {
    let text = BASE.replace("{\"replicas\": 2}", "{\"replicas\": \"two\"}");
    assert_bad_input(
        &text,
        "\"two\"",
        "property `replicas`: expected integer in 1..=10000, found text",
    );
}

#[test]
fn unknown_property_suggests_the_closest() {
    let text = BASE.replace("{\"replicas\": 2}", "{\"replcas\": 2}");
    assert_bad_input(
        &text,
        "replcas",
        "unknown property `replcas` for kind `postgresql` (did you mean `replicas`?)",
    );
}

#[test]
fn unknown_field_is_refused() {
    let text = BASE.replace(
        "name: \"API\",",
        "name: \"API\",\n            colour: \"red\",",
    );
    assert_bad_input(&text, "colour", "colour");
}

#[test]
fn wrong_enum_variant_is_refused() {
    let text = BASE.replace(
        "name: \"Broken shop\",",
        "name: \"Broken shop\",\n        cloud: ibm,",
    );
    assert_bad_input(&text, "cloud: ibm", "ibm");
}

#[test]
fn hostile_text_round_trips_through_fmt() {
    let hostile =
        r#"</text><script>alert(1)</script> ${file(\"~/.ssh/id_rsa\")} \" #![enable] | `x`"#;
    let text = BASE.replace("name: \"API\",", &format!("name: \"{hostile}\","));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("hostile.ron");
    std::fs::write(&path, &text).expect("write");
    archsmith().arg("fmt").arg(&path).assert().success();
    let formatted = std::fs::read_to_string(&path).expect("read");
    archsmith()
        .arg("fmt")
        .arg("--check")
        .arg(&path)
        .assert()
        .success();
    let output = archsmith()
        .args(["export", "--format", "json", "-o"])
        .arg(dir.path().join("out.json"))
        .arg(&path)
        .output()
        .expect("runs");
    assert!(output.status.success());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.json")).expect("json"))
            .expect("parses");
    let name = json["components"][0]["name"].as_str().expect("name");
    assert!(
        name.starts_with(
            "</text><script>alert(1)</script> ${file(\"~/.ssh/id_rsa\")} \" #![enable]"
        ),
        "{name:?}"
    );
    assert!(formatted.contains("alert(1)"));
}

#[test]
fn missing_file_is_exit_2() {
    let output = archsmith()
        .args(["validate", "/nonexistent/model.ron"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("/nonexistent/model.ron: cannot read")
    );
}

#[test]
fn usage_errors_are_exit_2() {
    archsmith().arg("frobnicate").assert().code(2);
    archsmith().args(["validate"]).assert().code(2);
    archsmith()
        .args(["validate", "x.ron", "--format", "xml"])
        .assert()
        .code(2);
}

#[test]
fn every_sample_validates_in_every_report_format() {
    for name in [
        "ecommerce",
        "social-api",
        "payments-cqrs",
        "video-streaming",
        "iot-telemetry",
        "workshop-starter",
    ] {
        let path = sample(name);
        let expected = if name == "workshop-starter" { 1 } else { 0 };
        archsmith()
            .arg("validate")
            .arg(&path)
            .assert()
            .code(expected);
        archsmith()
            .arg("validate")
            .arg(&path)
            .args(["--deny", "warnings"])
            .assert()
            .code(expected);
        let json = archsmith()
            .arg("validate")
            .arg(&path)
            .args(["--format", "json"])
            .output()
            .expect("runs");
        let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json report");
        assert!(value["findings"].is_array() && value["summary"].is_object());
        let sarif = archsmith()
            .arg("validate")
            .arg(&path)
            .args(["--format", "sarif"])
            .output()
            .expect("runs");
        let value: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("sarif");
        assert_eq!(value["version"], "2.1.0");
        assert_eq!(value["runs"][0]["tool"]["driver"]["name"], "archsmith");
    }
}

#[test]
fn catalog_json_lists_kinds_and_connections() {
    let output = archsmith()
        .args(["catalog", "--format", "json"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let components = value["components"].as_array().expect("components");
    assert!(components.len() >= 45);
    let postgres = components
        .iter()
        .find(|c| c["id"] == "postgresql")
        .expect("postgresql");
    assert_eq!(postgres["category"], "data");
    assert!(
        postgres["traits"]
            .as_array()
            .expect("traits")
            .iter()
            .any(|t| t == "datastore")
    );
    assert!(
        postgres["properties"]
            .as_array()
            .expect("properties")
            .iter()
            .any(|p| p["name"] == "multi_az")
    );
    let connections = value["connections"].as_array().expect("connections");
    assert!(connections.len() >= 12);
    assert!(
        connections
            .iter()
            .all(|c| c["id"].is_string() && c["style"].is_string())
    );
    let human = archsmith().arg("catalog").output().expect("runs");
    assert!(String::from_utf8_lossy(&human.stdout).contains("postgresql"));
}

#[test]
fn rules_json_has_the_documented_shape() {
    let output = archsmith()
        .args(["rules", "--format", "json"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert!(value["rules"].is_array());
    archsmith()
        .args(["rules", "explain", "NOPE999"])
        .assert()
        .code(2);
}

#[test]
fn new_creates_from_a_template_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("shop.ron");
    archsmith()
        .arg("new")
        .arg(&path)
        .args(["--template", "ecommerce"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        std::fs::read_to_string(sample("ecommerce")).expect("sample")
    );
    archsmith().arg("new").arg(&path).assert().code(2);
    archsmith()
        .arg("new")
        .arg(&path)
        .arg("--force")
        .assert()
        .success();
    archsmith().arg("validate").arg(&path).assert().success();
    archsmith()
        .arg("new")
        .arg(dir.path().join("x.ron"))
        .args(["--template", "nope"])
        .assert()
        .code(2);
}

#[test]
fn fmt_check_detects_non_canonical_files_and_fmt_fixes_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("messy.ron");
    let messy = "(version: 2, meta: (name: \"Messy\"), components: [(id: \"b\", kind: \"redis\", name: \"B\", position: (x: 1, y: 2)), (id: \"a\", kind: \"redis\", name: \"A\", position: (x: 0, y: 0))])";
    std::fs::write(&path, messy).expect("write");
    archsmith()
        .arg("fmt")
        .arg("--check")
        .arg(&path)
        .assert()
        .code(1);
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        messy,
        "--check must not write"
    );
    archsmith().arg("fmt").arg(&path).assert().success();
    archsmith()
        .arg("fmt")
        .arg("--check")
        .arg(&path)
        .assert()
        .success();
    let formatted = std::fs::read_to_string(&path).expect("read");
    assert!(
        formatted.find("id: \"a\"") < formatted.find("id: \"b\""),
        "sorted by id"
    );
}

#[test]
fn export_json_is_deterministic_and_unknown_formats_fail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    archsmith()
        .arg("export")
        .arg(sample("payments-cqrs"))
        .args(["--format", "json", "-o"])
        .arg(&a)
        .assert()
        .success();
    archsmith()
        .arg("export")
        .arg(sample("payments-cqrs"))
        .args(["--format", "json", "-o"])
        .arg(&b)
        .assert()
        .success();
    assert_eq!(std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));
    let output = archsmith()
        .arg("export")
        .arg(sample("ecommerce"))
        .args(["--format", "visio", "-o"])
        .arg(dir.path().join("x"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("invalid value 'visio'") && stderr.contains("terraform"),
        "{stderr}"
    );
}

#[test]
fn findings_set_the_exit_code_and_reports_name_the_rules() {
    let path = sample("workshop-starter");
    let output = archsmith()
        .arg("validate")
        .arg(&path)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let findings = value["findings"].as_array().expect("findings");
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "SEC003" && f["targets"][0] == "api" && f["severity"] == "error")
    );
    assert!(value["summary"]["errors"].as_u64().unwrap_or(0) > 0);
    let human = archsmith()
        .arg("validate")
        .arg(&path)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("workshop-starter.ron:"),
        "findings name the file line: {text}"
    );
    let sarif = archsmith()
        .arg("validate")
        .arg(&path)
        .args(["--format", "sarif"])
        .output()
        .expect("runs");
    let value: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("sarif");
    let results = value["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), findings.len());
    assert!(
        results
            .iter()
            .all(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"].is_u64())
    );
    assert!(
        value["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules")
            .len()
            >= 20
    );
}

#[test]
fn waived_findings_are_reported_as_waived() {
    let output = archsmith()
        .arg("validate")
        .arg(sample("ecommerce"))
        .args(["--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let waived: Vec<_> = value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["waived"] == true)
        .collect();
    let rules: Vec<&str> = waived.iter().filter_map(|f| f["rule"].as_str()).collect();
    assert_eq!(rules, ["PERF001", "PERF001", "PERF003", "REL018", "SCA006"]);
    let sca006 = waived
        .iter()
        .find(|f| f["rule"] == "SCA006")
        .expect("SCA006");
    assert!(
        sca006["waiver_reason"]
            .as_str()
            .expect("reason")
            .contains("per customer")
    );
}

#[test]
fn rules_can_be_listed_and_explained() {
    let output = archsmith()
        .args(["rules", "--format", "json"])
        .output()
        .expect("runs");
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let rules = value["rules"].as_array().expect("rules");
    assert!(rules.len() >= 20);
    assert!(rules.iter().all(|r| r["id"].is_string()
        && r["name"].is_string()
        && r["category"].is_string()
        && r["severity"].is_string()));
    let explained = archsmith()
        .args(["rules", "explain", "sec003"])
        .output()
        .expect("runs");
    assert!(explained.status.success());
    let text = String::from_utf8_lossy(&explained.stdout);
    assert!(
        text.contains("## What it does") && text.contains("## How to fix"),
        "{text}"
    );
}

#[test]
fn analyze_reports_every_analysis_as_json_and_fails_on_a_missed_target() {
    let output = archsmith()
        .args(["analyze", "--format", "json"])
        .arg(sample("ecommerce"))
        .output()
        .expect("runs");
    // The composite of the published SLAs misses the sample's 99.95% objective.
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    for key in [
        "availability",
        "latency",
        "capacity",
        "failures",
        "recovery",
        "cost",
        "scenario",
    ] {
        assert!(report.get(key).is_some(), "{key}");
    }
    // Every figure names the elements it concerns.
    let entry = &report["latency"]["entries"][0];
    assert!(entry["entry"].is_string() && entry["critical_path"][0]["component"].is_string());
    let aws = &report["cost"]["providers"][0];
    assert_eq!(aws["cloud"], "aws");
    assert!(aws["components"][0]["source"].is_string());
    let only = archsmith()
        .args(["analyze", "--format", "json", "--only", "capacity"])
        .arg(sample("ecommerce"))
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&only.stdout).expect("JSON");
    assert!(report.get("capacity").is_some() && report.get("availability").is_none());
}

#[test]
fn analyze_names_the_line_of_a_bad_scenario() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("surge.ron");
    std::fs::write(&scenario, "(name: \"Surge\",\n load_multiplier: \"ten\")\n").expect("write");
    let output = archsmith()
        .arg("analyze")
        .arg(sample("ecommerce"))
        .arg("--scenario")
        .arg(&scenario)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("surge.ron:2:"), "{stderr}");
}

#[test]
fn views_are_listed_and_drawn_by_the_diagram_exports_only() {
    let listed = archsmith()
        .args(["views"])
        .arg(sample("ecommerce"))
        .assert()
        .success();
    let listed = String::from_utf8_lossy(&listed.get_output().stdout).into_owned();
    assert!(
        listed.contains(
            "checkout-flow  Checkout request flow (dynamic, 18 steps; 18 boxes, 18 connections)"
        ),
        "{listed}"
    );
    assert!(
        listed.contains("context  System context (context;"),
        "{listed}"
    );

    let drawn = archsmith()
        .args([
            "export", "--format", "mermaid", "--view", "context", "-o", "-",
        ])
        .arg(sample("ecommerce"))
        .assert()
        .success();
    let mermaid = String::from_utf8_lossy(&drawn.get_output().stdout).into_owned();
    assert!(mermaid.contains("Software system"), "{mermaid}");
    assert!(
        !mermaid.contains("Catalog service"),
        "folded into the system"
    );

    let unknown = archsmith()
        .args(["export", "--format", "svg", "--view", "nope", "-o", "-"])
        .arg(sample("ecommerce"))
        .assert()
        .failure();
    let message = String::from_utf8_lossy(&unknown.get_output().stderr).into_owned();
    assert!(
        message.contains(
            "no view `nope`; its views are: checkout-flow, context, observability, services"
        ),
        "{message}"
    );
    let not_a_diagram = archsmith()
        .args(["export", "--format", "terraform", "--view", "context", "-o"])
        .arg(tempfile::tempdir().expect("tempdir").path().join("tf"))
        .arg(sample("ecommerce"))
        .assert()
        .failure();
    let message = String::from_utf8_lossy(&not_a_diagram.get_output().stderr).into_owned();
    assert!(
        message.contains("--view applies to diagram formats"),
        "{message}"
    );
}

#[test]
fn aspect_shapes_what_the_export_lays_out() {
    let ratio = |aspect: &str| {
        let run = archsmith()
            .args([
                "export", "--format", "svg", "--view", "services", "--aspect", aspect, "-o", "-",
            ])
            .arg(sample("ecommerce"))
            .assert()
            .success();
        let svg = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
        let number = |name: &str| -> f32 {
            let start = svg.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
            let end = start + svg[start..].find('"').expect("closing quote");
            svg[start..end].parse().expect("a number")
        };
        number("width") / number("height")
    };
    // (This view's request path wraps into two rows, 1.8 wide to high, or three, 0.9: a
    // square page gets three.)
    let (page, wide) = (ratio("1:1"), ratio("3"));
    assert!(page < 1.6 && wide > 2.2, "1:1 gave {page}, 3 gave {wide}");
    let refused = archsmith()
        .args(["export", "--format", "svg", "--aspect", "0:1", "-o", "-"])
        .arg(sample("ecommerce"))
        .assert()
        .failure();
    let message = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(message.contains("width:height"), "{message}");
}
