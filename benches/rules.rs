//! All rules on generated models of 1k, 10k and 100k components with two connections per
//! component. Targets: 1k under 1 ms, 10k under 10 ms, and no worse than linear scaling.

use archsmith::catalog::Catalog;
use archsmith::samples::synthetic;
use archsmith::{ArchGraph, rules};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// The allocator the `archsmith` binary runs with, so the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn rule_benches(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let mut group = c.benchmark_group("all_rules");
    group.sample_size(10);
    for size in [1_000, 10_000, 100_000] {
        let doc = synthetic(size, size * 2);
        let graph = ArchGraph::new(&doc, catalog);
        group.throughput(Throughput::Elements(size as u64));
        group.bench_with_input(BenchmarkId::from_parameter(size), &graph, |b, graph| {
            b.iter(|| rules::check(graph));
        });
    }
    group.finish();
}

criterion_group!(benches, rule_benches);
criterion_main!(benches);
