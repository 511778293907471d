//! Every bundled sample loads, passes the structural checks, round-trips byte for byte and
//! exports deterministically.

use archsmith::catalog::Catalog;
use archsmith::export::{self, ExportOptions, Output};
use archsmith::format;
use archsmith::samples::samples;

#[test]
fn there_are_six_samples_with_meta_and_targets() {
    assert!(samples().len() >= 6);
    let catalog = Catalog::builtin();
    for sample in samples() {
        let doc =
            format::from_str(sample.text, sample.name, catalog).unwrap_or_else(|e| panic!("{e}"));
        assert!(!doc.meta.name.is_empty(), "{}", sample.name);
        assert!(!doc.meta.description.is_empty(), "{}", sample.name);
        assert!(doc.components().len() >= 12, "{} is too small", sample.name);
        if sample.name != "workshop-starter" {
            assert!(
                doc.meta.targets.peak_rps.is_some(),
                "{} has no peak target",
                sample.name
            );
            assert!(doc.meta.targets.availability_slo.is_some());
            assert!(doc.meta.targets.p99_latency_ms.is_some());
            assert!(
                !doc.groups().is_empty(),
                "{} has no boundaries",
                sample.name
            );
        }
    }
}

#[test]
fn samples_round_trip_byte_identically() {
    let catalog = Catalog::builtin();
    for sample in samples() {
        let doc =
            format::from_str(sample.text, sample.name, catalog).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            format::to_string(&doc),
            sample.text,
            "{} is not canonical",
            sample.name
        );
        let again =
            format::from_str(&format::to_string(&doc), sample.name, catalog).expect("reloads");
        assert_eq!(again, doc);
    }
}

#[test]
fn sample_files_on_disk_match_the_embedded_ones() {
    for sample in samples() {
        let path = format!("{}/samples/{}.ron", env!("CARGO_MANIFEST_DIR"), sample.name);
        let on_disk = std::fs::read_to_string(&path).expect("sample file");
        assert_eq!(on_disk, sample.text);
    }
}

#[test]
fn components_sit_inside_their_boundaries() {
    let catalog = Catalog::builtin();
    for sample in samples() {
        let doc = format::from_str(sample.text, sample.name, catalog).expect("loads");
        for component in doc.components() {
            if let Some(group) = component.group.as_ref().and_then(|g| doc.group(g.as_str())) {
                assert!(
                    group.rect.contains_rect(&component.rect()),
                    "{}: {} is outside {}",
                    sample.name,
                    component.id,
                    group.id
                );
            }
        }
        for group in doc.groups() {
            if let Some(parent) = group.parent.as_ref().and_then(|p| doc.group(p.as_str())) {
                assert!(
                    parent.rect.contains_rect(&group.rect),
                    "{}: {} is outside {}",
                    sample.name,
                    group.id,
                    parent.id
                );
            }
        }
    }
}

#[test]
fn every_exporter_is_deterministic_on_every_sample() {
    let catalog = Catalog::builtin();
    // Infrastructure exports need a provider; the others ignore it.
    let options = ExportOptions {
        provider: Some(archsmith::model::Cloud::Aws),
        ..ExportOptions::default()
    };
    for sample in samples() {
        let doc = format::from_str(sample.text, sample.name, catalog).expect("loads");
        for exporter in export::registry() {
            let first = exporter.export(&doc, catalog, &options).expect("exports");
            let second = exporter.export(&doc, catalog, &options).expect("exports");
            assert_eq!(first, second, "{} / {}", sample.name, exporter.id());
            if let Output::File(bytes) = first {
                assert!(!bytes.is_empty());
            }
        }
    }
}

#[test]
fn synthetic_models_are_valid_and_canonical() {
    let catalog = Catalog::builtin();
    let doc = archsmith::samples::synthetic(500, 1000);
    assert_eq!(doc.components().len(), 500);
    assert!(
        doc.connections().len() >= 990,
        "{}",
        doc.connections().len()
    );
    assert_eq!(archsmith::validate::check_document(catalog, &doc), vec![]);
    let text = format::to_string(&doc);
    assert_eq!(
        format::from_str(&text, "synthetic", catalog).expect("loads"),
        doc
    );
}
