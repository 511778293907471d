//! Layout and the exports a user runs on a whole model, on generated models of 1k, 10k and
//! 100k components with two connections each: the document layout, SVG, PNG (fitted to the
//! raster limit), Terraform, docker-compose and the Markdown design document; and, on the
//! same models with two API operations on every HTTP call, the contract and operations
//! exports (OpenAPI, Prometheus, GitHub Actions), which must stay linear in the model.
//! Targets: layout of 10k under 1 s, Terraform of 10k under 1 s, PNG of 1k under 1 s, and
//! no worse than 12x from 10k to 100k. Models are unplaced, so every drawing export pays for
//! the layout as the CLI does on a generated model.

use archsmith::catalog::Catalog;
use archsmith::export::{ExportOptions, find_exporter};
use archsmith::layout::{self, Spacing};
use archsmith::model::{Cloud, Document, Point};
use archsmith::samples::synthetic;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

mod support;
use support::sizes;

/// The allocator the `archsmith` binary runs with, so the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A generated model with every component at the origin, as an import script writes it.
fn unplaced(size: usize) -> Document {
    let mut doc = synthetic(size, size * 2);
    let wipe = archsmith::edit::EditOp::Batch(
        doc.components()
            .iter()
            .map(|c| archsmith::edit::EditOp::MoveComponent {
                id: c.id.clone(),
                to: Point::default(),
            })
            .collect(),
    );
    // Moves of existing components are always accepted.
    let _ = wipe.apply(&mut doc, Catalog::builtin());
    doc
}

fn export_benches(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let mut group = c.benchmark_group("export");
    group.sample_size(10);
    let options = ExportOptions {
        provider: Some(Cloud::Aws),
        ..ExportOptions::default()
    };
    for &size in sizes() {
        let doc = unplaced(size);
        group.throughput(Throughput::Elements(size as u64));
        group.bench_function(BenchmarkId::new("layout", size), |b| {
            b.iter(|| layout::layout(&doc, catalog, Spacing::default()));
        });
        for format in ["svg", "png", "terraform", "compose", "markdown"] {
            let Some(exporter) = find_exporter(format) else {
                continue;
            };
            group.bench_function(BenchmarkId::new(format, size), |b| {
                b.iter(|| exporter.export(&doc, catalog, &options));
            });
        }
    }
    group.finish();
}

/// The generated model with two operations on every HTTP call, as a model with its API
/// contracts stated has them.
fn with_operations(size: usize) -> Document {
    use archsmith::edit::{ConnectionField, EditOp};
    use archsmith::model::{HttpMethod, Operation};
    let mut doc = synthetic(size, size * 2);
    let operations = |id: &str| {
        let mut read = Operation::new(format!("get{id}").replace('-', "_"));
        read.method = Some(HttpMethod::Get);
        read.path = "/v1/items/{id}".to_owned();
        read.response = "Item".to_owned();
        let mut write = Operation::new(format!("put{id}").replace('-', "_"));
        write.method = Some(HttpMethod::Put);
        write.path = "/v1/items/{id}".to_owned();
        write.request = "Item".to_owned();
        vec![read, write]
    };
    let edits = EditOp::Batch(
        doc.connections()
            .iter()
            .filter(|c| c.kind.as_str() == "http")
            .map(|c| EditOp::SetConnectionField {
                id: c.id.clone(),
                field: ConnectionField::Operations(operations(c.id.as_str())),
            })
            .collect(),
    );
    // Well-formed operations on HTTP calls are always accepted.
    let _ = edits.apply(&mut doc, Catalog::builtin());
    doc
}

fn contract_benches(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let mut group = c.benchmark_group("contracts");
    group.sample_size(10);
    let options = ExportOptions {
        provider: Some(Cloud::Aws),
        ..ExportOptions::default()
    };
    for &size in sizes() {
        let doc = with_operations(size);
        group.throughput(Throughput::Elements(size as u64));
        for format in ["openapi", "prometheus", "grafana", "github-actions"] {
            let Some(exporter) = find_exporter(format) else {
                continue;
            };
            group.bench_function(BenchmarkId::new(format, size), |b| {
                b.iter(|| exporter.export(&doc, catalog, &options));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, export_benches, contract_benches);
criterion_main!(benches);
