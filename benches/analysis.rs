//! Every analysis together (availability, latency, capacity, failures, recovery, cost) on
//! generated models of 1k, 10k and 100k components with two connections per component and
//! an API gateway with a stated peak in front of every fiftieth service, so that every
//! analysis has entry points, journeys and load to work through. Target: 10k under 50 ms.

use archsmith::ArchGraph;
use archsmith::analysis::{self, Scenario};
use archsmith::catalog::Catalog;
use archsmith::samples::synthetic_served;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

mod support;
use support::sizes;

/// The allocator the `archsmith` binary runs with, so the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn analysis_benches(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let models: Vec<_> = sizes()
        .iter()
        .map(|&size| synthetic_served(size, size * 2))
        .collect();
    let graphs: Vec<_> = models
        .iter()
        .map(|doc| ArchGraph::new(doc, catalog))
        .collect();
    let mut group = c.benchmark_group("all_analyses");
    group.sample_size(10);
    for (size, graph) in sizes().iter().zip(&graphs) {
        group.throughput(Throughput::Elements(*size as u64));
        group.bench_with_input(BenchmarkId::from_parameter(size), graph, |b, graph| {
            b.iter(|| analysis::analyze(graph, Scenario::default()));
        });
    }
    group.finish();
}

criterion_group!(benches, analysis_benches);
criterion_main!(benches);
