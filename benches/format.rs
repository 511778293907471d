//! Load + save and graph build of a generated 10,000-component, 20,000-connection model.
//! Target: load + save under 100 ms.

use archsmith::catalog::Catalog;
use archsmith::samples::synthetic;
use archsmith::{ArchGraph, format};
use criterion::{Criterion, criterion_group, criterion_main};

/// The allocator the `archsmith` binary runs with, so the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn format_benches(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let doc = synthetic(10_000, 20_000);
    let text = format::to_string(&doc);
    let mut group = c.benchmark_group("10k_components_20k_connections");
    group.sample_size(20);
    group.bench_function("load", |b| {
        b.iter(|| format::from_str(&text, "bench.ron", catalog).expect("loads"));
    });
    group.bench_function("save", |b| b.iter(|| format::to_string(&doc)));
    group.bench_function("load_and_save", |b| {
        b.iter(|| {
            format::to_string(&format::from_str(&text, "bench.ron", catalog).expect("loads"))
        });
    });
    group.bench_function("graph_build", |b| b.iter(|| ArchGraph::new(&doc, catalog)));
    group.finish();
}

criterion_group!(benches, format_benches);
criterion_main!(benches);
