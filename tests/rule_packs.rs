//! Rule packs written as RON files, run through the CLI.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn archsmith() -> Command {
    Command::cargo_bin("archsmith").expect("binary")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sample(name: &str) -> PathBuf {
    root().join("samples").join(format!("{name}.ron"))
}

fn pack() -> PathBuf {
    root().join("samples/rulepacks/platform-standards.ron")
}

fn fired(model: &Path, pack: &Path) -> (i32, Vec<String>) {
    let output = archsmith()
        .arg("validate")
        .arg(model)
        .arg("--rules")
        .arg(pack)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let value: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&output.stderr)));
    let mut ids: Vec<String> = value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["waived"] == false)
        .filter_map(|f| f["rule"].as_str().map(str::to_owned))
        .collect();
    ids.sort();
    ids.dedup();
    (output.status.code().unwrap_or(-1), ids)
}

#[test]
fn the_example_pack_accepts_the_reference_design() {
    let (code, ids) = fired(&sample("ecommerce"), &pack());
    assert_eq!(code, 0, "{ids:?}");
    assert!(ids.iter().all(|id| !id.starts_with("PLAT")), "{ids:?}");
}

#[test]
fn the_example_pack_flags_the_workshop_starter() {
    let (code, ids) = fired(&sample("workshop-starter"), &pack());
    assert_eq!(code, 1);
    for id in ["PLAT002", "PLAT003", "PLAT008"] {
        assert!(ids.iter().any(|i| i == id), "{id} did not fire: {ids:?}");
    }
}

#[test]
fn every_check_kind_can_fail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = dir.path().join("strict.ron");
    std::fs::write(
        &pack,
        r#"(
    name: "Strict",
    rules: [
        (id: "X1", name: "no-lb-to-api", message: "no load balancer calls", check: forbid_connection(from: trait(load_balancer), to: any, kinds: ["http"])),
        (id: "X2", name: "idp", message: "services authenticate", check: require_connection(from: kind("service-nodejs"), to: trait(identity))),
        (id: "X3", name: "replicas", message: "three replicas", check: require_property(on: trait(compute), property: "replicas", equals: 3)),
        (id: "X4", name: "through-cache", message: "reads pass a cache", check: path_through(from: trait(load_balancer), to: trait(relational), through: trait(cache))),
        (id: "X5", name: "depth", message: "depth", check: max_sync_depth(2)),
        (id: "X6", name: "fan-out", message: "fan-out", check: max_fan_out(on: any, limit: 1)),
        (id: "X7", name: "fan-in", message: "fan-in", check: max_fan_in(on: trait(relational), limit: 1)),
        (id: "X8", name: "zones", message: "in a zone", check: require_boundary(on: any, kind: availability_zone)),
    ],
)"#,
    )
    .expect("write");
    let (_, ids) = fired(&sample("workshop-starter"), &pack);
    for id in ["X1", "X2", "X3", "X4", "X5", "X6", "X7", "X8"] {
        assert!(ids.iter().any(|i| i == id), "{id} did not fire: {ids:?}");
    }
}

#[test]
fn packs_listed_in_the_model_run_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("rulepacks")).expect("dir");
    std::fs::copy(pack(), dir.path().join("rulepacks/platform-standards.ron")).expect("copy");
    let text = std::fs::read_to_string(sample("workshop-starter")).expect("sample");
    let model = dir.path().join("model.ron");
    let with_pack = text.trim_end().trim_end_matches(')').to_owned()
        + "    rules: (packs: [\"rulepacks/platform-standards.ron\"]),\n)\n";
    std::fs::write(&model, with_pack).expect("write");
    let output = archsmith()
        .arg("validate")
        .arg(&model)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let json = String::from_utf8_lossy(&output.stdout);
    assert!(
        json.contains("PLAT003"),
        "{json}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_malformed_pack_is_refused_with_its_location() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = dir.path().join("bad.ron");
    std::fs::write(&pack, "(\n    name: \"Bad\",\n    rules: [\n        (id: \"B1\", name: \"b\", message: \"m\", check: forbid_everything),\n    ],\n)\n").expect("write");
    let output = archsmith()
        .arg("validate")
        .arg(sample("ecommerce"))
        .arg("--rules")
        .arg(&pack)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("{}:4:", pack.display())),
        "{stderr}"
    );
    assert!(stderr.contains("forbid_everything"), "{stderr}");

    std::fs::write(&pack, "(name: \"Bad\", rules: [(id: \"B2\", name: \"b\", message: \"m\", check: require_boundary(on: kind(\"postgres\")))])\n").expect("write");
    let output = archsmith()
        .arg("validate")
        .arg(sample("ecommerce"))
        .arg("--rules")
        .arg(&pack)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown kind `postgres` (did you mean `postgresql`?)"),
        "{stderr}"
    );
    assert!(stderr.contains(":1:"), "{stderr}");

    archsmith()
        .arg("validate")
        .arg(sample("ecommerce"))
        .args(["--rules", "/nonexistent/pack.ron"])
        .assert()
        .code(2);
}

/// The design document lists the findings `validate` reports: a pack given to `export` (or
/// listed in the model) shows up in it, exactly as in the report.
#[test]
fn design_documents_show_the_findings_of_the_packs_validate_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = sample("workshop-starter");
    let doc_with = |extra: &[&str]| {
        let out = dir.path().join(format!("doc-{}", extra.len()));
        archsmith()
            .arg("export")
            .arg(&model)
            .args(["--format", "markdown", "-o"])
            .arg(&out)
            .args(extra)
            .assert()
            .success();
        std::fs::read_to_string(out.join("design.md")).expect("design.md")
    };
    let pack = pack();
    let pack = pack.to_str().expect("utf-8 path");
    let plain = doc_with(&[]);
    let with_pack = doc_with(&["--rules", pack]);
    assert!(!plain.contains("PLAT003"), "no pack, no pack findings");
    let (_, ids) = fired(&model, Path::new(pack));
    for id in ids.iter().filter(|id| id.starts_with("PLAT")) {
        assert!(
            with_pack.contains(id.as_str()),
            "{id} is in the report but not the document"
        );
    }
}
