//! Older file versions migrate to the current model on load.

use archsmith::catalog::Catalog;
use archsmith::format;
use archsmith::model::CURRENT_VERSION;

const V1: &str = include_str!("fixtures/v1-shop.ron");
const EXPECTED: &str = include_str!("fixtures/v1-shop.expected.ron");

#[test]
fn version_1_files_migrate() {
    let doc =
        format::from_str(V1, "v1-shop.ron", Catalog::builtin()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.version, CURRENT_VERSION);
    assert_eq!(doc.meta.name, "Legacy shop");
    assert_eq!(
        doc.component("db").map(|c| c.kind.as_str()),
        Some("postgresql")
    );
    assert_eq!(
        doc.component("gw").map(|c| c.kind.as_str()),
        Some("api-gateway")
    );
    let anonymous = doc.connection("gw-to-shop").expect("generated id");
    assert_eq!(anonymous.kind.as_str(), "http");
    assert_eq!(anonymous.label, "/api");
    assert_eq!(
        doc.connection("shop-db").map(|c| c.kind.as_str()),
        Some("db_query")
    );
    if std::env::var_os("ARCHSMITH_BLESS").is_some() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/v1-shop.expected.ron"
        );
        std::fs::write(path, format::to_string(&doc)).expect("bless");
        return;
    }
    assert_eq!(
        format::to_string(&doc),
        EXPECTED,
        "run with ARCHSMITH_BLESS=1 to update the expected file"
    );
}

#[test]
fn newer_versions_are_refused_with_a_location() {
    let text = "(\n    version: 99,\n    meta: (name: \"Future\"),\n)\n";
    let error = format::from_str(text, "future.ron", Catalog::builtin()).expect_err("refused");
    let message = error.to_string();
    assert!(
        message.starts_with("future.ron:2:5: version 99 is newer"),
        "{message}"
    );
}
