//! Auto-layout through the core API and the CLI: members stay inside their boundaries,
//! nothing overlaps, pinned components stay put, and the result is deterministic.

use archsmith::catalog::Catalog;
use archsmith::layout::{self, Spacing};
use archsmith::model::{Document, Point, Rect};
use archsmith::{format, samples};

fn overlaps(a: Rect, b: Rect) -> bool {
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

/// The sample with every position wiped, as a model written by hand or by a script has.
fn unplaced(name: &str) -> Document {
    let catalog = Catalog::builtin();
    let text = samples::sample(name).expect("bundled").text;
    let mut doc = format::from_str(text, name, catalog).expect("loads");
    let wipe: Vec<_> = doc
        .components()
        .iter()
        .map(|c| archsmith::edit::EditOp::MoveComponent {
            id: c.id.clone(),
            to: Point::default(),
        })
        .collect();
    archsmith::edit::EditOp::Batch(wipe)
        .apply(&mut doc, catalog)
        .expect("moves");
    assert!(layout::needs_layout(&doc));
    doc
}

fn laid_out(mut doc: Document) -> Document {
    let catalog = Catalog::builtin();
    let edit = layout::layout(&doc, Spacing::default()).to_edit(&doc);
    edit.apply(&mut doc, catalog).expect("layout edits apply");
    doc
}

#[test]
fn every_sample_lays_out_without_overlaps_and_inside_its_boundaries() {
    for sample in samples::samples() {
        let doc = laid_out(unplaced(sample.name));
        assert!(!layout::needs_layout(&doc), "{}", sample.name);
        let components = doc.components();
        for (i, a) in components.iter().enumerate() {
            for b in &components[i + 1..] {
                assert!(
                    !overlaps(a.rect(), b.rect()),
                    "{}: {} overlaps {}",
                    sample.name,
                    a.id,
                    b.id
                );
            }
            for group in doc.group_chain(a.group.as_ref()) {
                assert!(
                    group.rect.contains_rect(&a.rect()),
                    "{}: {} sticks out of {}",
                    sample.name,
                    a.id,
                    group.id
                );
            }
            for group in doc.groups() {
                let member = doc
                    .group_chain(a.group.as_ref())
                    .iter()
                    .any(|g| g.id == group.id);
                assert!(
                    member || !overlaps(group.rect, a.rect()),
                    "{}: {} lies on boundary {} it is not in",
                    sample.name,
                    a.id,
                    group.id
                );
            }
        }
        for (i, a) in doc.groups().iter().enumerate() {
            for b in &doc.groups()[i + 1..] {
                let nested = doc.group_chain(Some(&a.id)).iter().any(|g| g.id == b.id)
                    || doc.group_chain(Some(&b.id)).iter().any(|g| g.id == a.id);
                if nested {
                    continue;
                }
                assert!(
                    !overlaps(a.rect, b.rect),
                    "{}: boundaries {} and {} overlap",
                    sample.name,
                    a.id,
                    b.id
                );
            }
        }
    }
}

#[test]
fn layout_is_deterministic_and_flows_left_to_right() {
    let first = layout::layout(&unplaced("ecommerce"), Spacing::default());
    let second = layout::layout(&unplaced("ecommerce"), Spacing::default());
    assert_eq!(first, second);
    let doc = laid_out(unplaced("ecommerce"));
    let x = |id: &str| doc.component(id).expect("exists").position.x;
    assert!(
        x("cdn") < x("waf") && x("waf") < x("alb"),
        "the request path runs left to right"
    );
}

#[test]
fn pinned_components_keep_their_positions() {
    let catalog = Catalog::builtin();
    let mut doc = unplaced("social-api");
    let pinned_id = doc.components()[0].id.clone();
    let spot = Point::new(5000.0, 40.0);
    archsmith::edit::EditOp::Batch(vec![
        archsmith::edit::EditOp::MoveComponent {
            id: pinned_id.clone(),
            to: spot,
        },
        archsmith::edit::EditOp::SetComponentField {
            id: pinned_id.clone(),
            field: archsmith::edit::ComponentField::Pinned(true),
        },
    ])
    .apply(&mut doc, catalog)
    .expect("pins");
    let doc = laid_out(doc);
    let pinned = doc.component(pinned_id.as_str()).expect("exists");
    assert_eq!(pinned.position, spot);
    for other in doc.components().iter().filter(|c| c.id != pinned_id) {
        assert!(
            !overlaps(other.rect(), pinned.rect()),
            "{} covers the pinned one",
            other.id
        );
    }
}

#[test]
fn the_layout_command_writes_a_laid_out_model_that_loads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in.ron");
    let output = dir.path().join("out.ron");
    std::fs::write(&input, format::to_string(&unplaced("iot-telemetry"))).expect("write");
    assert_cmd::Command::cargo_bin("archsmith")
        .expect("binary")
        .args(["layout"])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .assert()
        .success();
    let doc = format::load(&output, Catalog::builtin()).expect("loads");
    assert!(!layout::needs_layout(&doc));
    // Exports lay out a model that has no positions by themselves, exactly as the command does.
    let svg = |doc: &Document| {
        archsmith::export::find_exporter("svg")
            .expect("svg")
            .export(doc, Catalog::builtin(), &Default::default())
            .expect("exports")
    };
    assert_eq!(svg(&unplaced("iot-telemetry")), svg(&doc));
}
