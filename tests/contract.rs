//! One model, one truth: for every sample on every cloud (with the model's target cloud set to
//! it, so the rules judge what the skeleton deploys), and for a variant of each with every
//! datastore left unencrypted and on one instance, what the design document states about
//! each data store (encrypted at rest, multi-AZ, a single instance) equals what the rules
//! report and, on AWS, what the Terraform skeleton encodes.

use std::collections::{BTreeMap, BTreeSet};

use archsmith::catalog::{Catalog, Trait};
use archsmith::export::{ExportOptions, Output, find_exporter};
use archsmith::model::{Cloud, Document};
use archsmith::rules::{self, Report};
use archsmith::{ArchGraph, format, samples};

/// The sample with `meta.cloud` set to `cloud`, and, when `weakened`, every explicit
/// `encryption_at_rest`, `multi_az` and `replicas` of a datastore taken back to the
/// unsafe value.
fn variant(text: &str, cloud: &str, weakened: bool) -> String {
    let mut text = text.to_owned();
    let start = text.find("meta: (").expect("meta") + "meta: (".len();
    let end = start + text[start..].find("\n    ),").expect("meta ends");
    let meta: String = text[start..end]
        .lines()
        .filter(|line| !line.trim_start().starts_with("cloud:"))
        .collect::<Vec<_>>()
        .join("\n");
    text.replace_range(start..end, &format!("{meta}\n        cloud: {cloud},"));
    if weakened {
        text = text
            .replace(
                "\"encryption_at_rest\": true",
                "\"encryption_at_rest\": false",
            )
            .replace("\"multi_az\": true", "\"multi_az\": false");
        for n in 2..=12 {
            text = text.replace(&format!("\"replicas\": {n}"), "\"replicas\": 1");
        }
    }
    text
}

fn export(doc: &Document, format_id: &str, cloud: Cloud) -> Output {
    find_exporter(format_id)
        .expect("registered")
        .export(
            doc,
            Catalog::builtin(),
            &ExportOptions {
                provider: Some(cloud),
                ..ExportOptions::default()
            },
        )
        .expect("exports")
}

/// The design document's data-store table: name -> (replication, encrypted at rest).
fn data_store_rows(design: &str) -> BTreeMap<String, (String, String)> {
    let mut rows = BTreeMap::new();
    let mut lines = design
        .lines()
        .skip_while(|l| !l.starts_with("| Store |"))
        .skip(2);
    for line in lines.by_ref().take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        rows.insert(
            cells[0].trim_matches('*').to_owned(),
            (cells[2].to_owned(), cells[4].to_owned()),
        );
    }
    rows
}

/// Terraform resources by name: every attribute, with nested blocks' attributes as
/// `block.attribute`, rendered as HCL text.
fn terraform_resources(
    files: &BTreeMap<String, Vec<u8>>,
) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut resources = BTreeMap::new();
    for (name, bytes) in files {
        if !name.ends_with(".tf") {
            continue;
        }
        let body: hcl::Body = hcl::from_slice(bytes).expect("HCL parses");
        for block in body.blocks().filter(|b| b.identifier() == "resource") {
            let Some(label) = block.labels().get(1) else {
                continue;
            };
            let mut attributes = BTreeMap::new();
            for attribute in block.body().attributes() {
                attributes.insert(attribute.key().to_owned(), attribute.expr().to_string());
            }
            for nested in block.body().blocks() {
                for attribute in nested.body().attributes() {
                    attributes.insert(
                        format!("{}.{}", nested.identifier(), attribute.key()),
                        attribute.expr().to_string(),
                    );
                }
            }
            // One component has several resources (its security group, its instance...).
            resources
                .entry(label.as_str().to_owned())
                .or_insert_with(BTreeMap::new)
                .extend(attributes);
        }
    }
    resources
}

fn flagged(report: &Report, rule: &str) -> BTreeSet<String> {
    report
        .findings
        .iter()
        .filter(|f| f.rule == rule && f.waived.is_none())
        .flat_map(|f| f.targets.iter().cloned())
        .collect()
}

#[test]
fn rules_documents_and_terraform_state_the_same_facts() {
    let catalog = Catalog::builtin();
    let mut checked = 0;
    for sample in samples::samples() {
        for (cloud, name) in [
            (Cloud::Aws, "aws"),
            (Cloud::Gcp, "gcp"),
            (Cloud::Azure, "azure"),
        ] {
            for weakened in [false, true] {
                let text = variant(sample.text, name, weakened);
                let doc = format::from_str(&text, "model.ron", catalog).expect("variant loads");
                let context = format!(
                    "{} on {name}{}",
                    sample.name,
                    if weakened { ", weakened" } else { "" }
                );
                let report = rules::check(&ArchGraph::new(&doc, catalog));
                let unencrypted = flagged(&report, "SEC006");
                let single = flagged(&report, "REL001");
                let Output::Folder(design) = export(&doc, "markdown", cloud) else {
                    panic!("a folder");
                };
                let design = String::from_utf8(design["design.md"].clone()).expect("utf-8");
                let rows = data_store_rows(&design);
                let Output::Folder(terraform) = export(&doc, "terraform", cloud) else {
                    panic!("a folder");
                };
                let resources = terraform_resources(&terraform);
                for component in doc.components() {
                    let kind = catalog.kind_of(component).expect("known kind");
                    let Some((replication, encrypted)) = rows.get(&component.name) else {
                        continue;
                    };
                    let id = component.id.as_str();
                    if kind.property("encryption_at_rest").is_some() {
                        assert_eq!(
                            encrypted == "yes",
                            !unencrypted.contains(id),
                            "{context}: {id}: the document says encrypted {encrypted}, SEC006 {}",
                            unencrypted.contains(id)
                        );
                    }
                    if kind.has(Trait::Stateful) && kind.property("replicas").is_some() {
                        let one = replication.starts_with("1 instance")
                            && !replication.contains("multi-AZ");
                        assert_eq!(one, single.contains(id), "{context}: {id}: {replication}");
                    }
                    if cloud == Cloud::Aws {
                        let Some(resource) = resources.get(&id.replace(['-', '.'], "_")) else {
                            continue;
                        };
                        for switch in [
                            "storage_encrypted",
                            "at_rest_encryption_enabled",
                            "encrypt_at_rest.enabled",
                        ] {
                            if let Some(value) = resource.get(switch) {
                                assert_eq!(
                                    value == "true",
                                    encrypted == "yes",
                                    "{context}: {id}.{switch}"
                                );
                                checked += 1;
                            }
                        }
                        for switch in ["multi_az", "multi_az_enabled"] {
                            if let Some(value) = resource.get(switch) {
                                assert_eq!(
                                    value == "true",
                                    replication.contains("multi-AZ"),
                                    "{context}: {id}.{switch} vs {replication}"
                                );
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} Terraform switches compared");
}
