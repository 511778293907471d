//! The data model: entities on datastores and the queries callers make of them, checked
//! when loaded, judged by the rules, written as SQL DDL, and listed by the design document.

use archsmith::catalog::Catalog;
use archsmith::export::{ExportOptions, Output, find_exporter};
use archsmith::model::Document;
use archsmith::rules::{self};
use archsmith::{ArchGraph, format, samples};

fn load(text: &str) -> Result<Document, String> {
    format::from_str(text, "model.ron", Catalog::builtin()).map_err(|e| e.to_string())
}

fn model(entities: &str, queries: &str) -> String {
    format!(
        r#"(version: 2, meta: (name: "Shop", tenant_key: "tenant_id"),
    components: [
        (id: "api", kind: "service-go", name: "Orders", position: (x: 0.0, y: 0.0)),
        (id: "db", kind: "postgresql", name: "Orders DB", position: (x: 300.0, y: 0.0),
            entities: [{entities}]),
    ],
    connections: [
        (id: "api-db", from: "api", to: "db", kind: "db_query",
            queries: [{queries}]),
    ])"#
    )
}

const ORDERS: &str = r#"(name: "orders", fields: [(name: "id", ty: uuid), (name: "tenant_id", ty: uuid), (name: "customer_id", ty: uuid), (name: "placed_at", ty: timestamp)], key: ["id"], indexes: [(fields: ["tenant_id", "customer_id", "placed_at"])])"#;

fn files(doc: &Document, format_id: &str) -> std::collections::BTreeMap<String, String> {
    match find_exporter(format_id)
        .expect("exporter")
        .export(doc, Catalog::builtin(), &ExportOptions::default())
        .expect("exports")
    {
        Output::Folder(files) => files
            .into_iter()
            .map(|(k, v)| (k, String::from_utf8(v).expect("utf-8")))
            .collect(),
        Output::File(_) => panic!("a folder"),
    }
}

fn findings(doc: &Document, rule: &str) -> Vec<String> {
    let graph = ArchGraph::new(doc, Catalog::builtin());
    rules::check(&graph)
        .findings
        .into_iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.message)
        .collect()
}

#[test]
fn queries_are_judged_against_the_indexes_and_the_tenant_key() {
    let served = r#"(entity: "orders", by: ["customer_id", "tenant_id"], range: "placed_at")"#;
    let doc = load(&model(ORDERS, served)).expect("loads");
    assert!(findings(&doc, "PERF004").is_empty());
    assert!(findings(&doc, "SEC013").is_empty());

    let scan = r#"(entity: "orders", by: ["placed_at"])"#;
    let doc = load(&model(ORDERS, scan)).expect("loads");
    assert_eq!(
        findings(&doc, "PERF004"),
        ["Orders reads orders by placed_at on Orders DB, and no key or index of orders serves it"]
    );

    let untenanted = r#"(name: "orders", fields: [(name: "id", ty: uuid)], key: ["id"])"#;
    let doc = load(&model(untenanted, r#"(entity: "orders", by: ["id"])"#)).expect("loads");
    assert_eq!(
        findings(&doc, "SEC013"),
        ["orders on Orders DB has no tenant_id: its rows belong to no tenant"]
    );
}

#[test]
fn malformed_entities_and_queries_are_refused_with_their_place() {
    let cases = [
        (
            r#"(name: "orders", fields: [(name: "id", ty: uuid)], key: ["nope"])"#.to_owned(),
            String::new(),
            "the key names `nope`",
        ),
        (
            r#"(name: "orders", fields: [(name: "id", ty: json)], key: ["id"])"#.to_owned(),
            String::new(),
            "cannot be a key",
        ),
        (
            r#"(name: "orders", fields: [(name: "id", ty: uuid), (name: "parent", ty: text, references: "orders.id")], key: ["id"])"#.to_owned(),
            String::new(),
            "of the same type",
        ),
        (
            ORDERS.to_owned(),
            r#"(entity: "invoices")"#.to_owned(),
            "keeps no entity of that name",
        ),
        (
            ORDERS.to_owned(),
            r#"(entity: "orders", by: ["email"])"#.to_owned(),
            "`email` is not a field of `orders`",
        ),
    ];
    for (entities, queries, expected) in cases {
        let error = load(&model(&entities, &queries)).expect_err("refused");
        assert!(error.contains(expected), "{expected} in {error}");
        assert!(error.contains("model.ron:"), "{error}");
    }
    // A cache keeps no entities.
    let text = r#"(version: 2, meta: (name: "S"), components: [(id: "c", kind: "redis", name: "C", position: (x: 0.0, y: 0.0), entities: [(name: "t", fields: [(name: "id", ty: uuid)], key: ["id"])])])"#;
    assert!(
        load(text)
            .expect_err("refused")
            .contains("only datastores keep entities")
    );
}

#[test]
fn relational_stores_become_ddl_in_their_dialect() {
    let doc = load(
        samples::samples()
            .iter()
            .find(|s| s.name == "ecommerce")
            .expect("sample")
            .text,
    )
    .expect("loads");
    let sql = files(&doc, "sql");
    let orders = &sql["orders-db.sql"];
    assert!(orders.contains("-- The tables of Orders DB (PostgreSQL)."));
    assert!(orders.contains(r#"CONSTRAINT "order_items_pkey" PRIMARY KEY ("order_id", "line")"#));
    assert!(orders.contains(
        r#"CREATE INDEX "orders_customer_id_placed_at_idx" ON "orders" ("customer_id", "placed_at");"#
    ));
    assert!(orders.contains(r#"ALTER TABLE "order_items" ADD CONSTRAINT "order_items_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders" ("id");"#));
    assert!(sql["README.md"].contains("| `catalog-db.sql` | Catalog DB | 2 tables (PostgreSQL) |"));

    let mysql = load(
        r#"(version: 2, meta: (name: "S"), components: [(id: "m", kind: "mysql", name: "M", position: (x: 0.0, y: 0.0), entities: [(name: "order", description: "it's \\ here", fields: [(name: "id", ty: uuid), (name: "note", ty: text, nullable: true)], key: ["id"])])])"#,
    )
    .expect("loads");
    let sql = files(&mysql, "sql");
    let text = &sql["m.sql"];
    assert!(text.contains("CREATE TABLE `order` ("), "{text}");
    assert!(text.contains("`id` CHAR(36) NOT NULL"));
    assert!(text.contains("`note` VARCHAR(255),"));
    assert!(text.contains(r"COMMENT='it''s \\ here';"), "{text}");
}

#[test]
fn the_design_document_lists_the_entities_and_what_serves_each_query() {
    let doc = load(&model(ORDERS, r#"(entity: "orders", by: ["placed_at"])"#)).expect("loads");
    let design = files(&doc, "markdown");
    let text = &design["design.md"];
    assert!(text.contains("## Data model"));
    assert!(text.contains("1 entity on 1 store"));
    assert!(text.contains("Multi-tenant: every entity is to carry tenant\\_id; 1 of 1 do."));
    assert!(
        text.contains("| Orders | orders by placed\\_at | **nothing: a full scan (PERF004)** |"),
        "{text}"
    );
}
