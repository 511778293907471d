//! All rules on generated models of 1k, 10k and 100k components with two connections per
//! component. Targets: 1k under 1 ms, 10k under 10 ms, and no worse than linear scaling.
//!
//! Two groups. `all_rules` checks the same graph back to back, so whatever fits in the CPU
//! caches stays there: all of a 10k model's indexes do, a 100k model's do not. `all_rules_cold`
//! empties the caches before each check (untimed), as a check meets a model in practice: after
//! loading it, or after the editor drew a frame. It measures the work itself, which is what
//! scales with the model.

use archsmith::catalog::Catalog;
use archsmith::samples::synthetic;
use archsmith::{ArchGraph, rules};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

mod support;
use support::sizes;

/// The allocator the `archsmith` binary runs with, so the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Bigger than any cache this runs on: the machine measured here stops getting slower for
/// random reads at 32 MiB.
const EVICTION_BYTES: usize = 256 << 20;

fn rule_benches(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let models: Vec<_> = sizes()
        .iter()
        .map(|&size| synthetic(size, size * 2))
        .collect();
    let graphs: Vec<_> = models
        .iter()
        .map(|doc| ArchGraph::new(doc, catalog))
        .collect();

    let mut hot = c.benchmark_group("all_rules");
    hot.sample_size(10);
    for (size, graph) in sizes().iter().zip(&graphs) {
        hot.throughput(Throughput::Elements(*size as u64));
        hot.bench_with_input(BenchmarkId::from_parameter(size), graph, |b, graph| {
            b.iter(|| rules::check(graph));
        });
    }
    hot.finish();

    let mut eviction = vec![0u8; EVICTION_BYTES];
    let mut cold = c.benchmark_group("all_rules_cold");
    cold.sample_size(10);
    for (size, graph) in sizes().iter().zip(&graphs) {
        cold.throughput(Throughput::Elements(*size as u64));
        cold.bench_with_input(BenchmarkId::from_parameter(size), graph, |b, graph| {
            b.iter_batched(
                || evict_caches(&mut eviction),
                |()| rules::check(graph),
                BatchSize::PerIteration,
            );
        });
    }
    cold.finish();
}

/// Writes a line of every 64 bytes of a buffer bigger than the caches, which pushes
/// everything else out of them.
fn evict_caches(buffer: &mut [u8]) {
    for line in buffer.chunks_mut(64) {
        if let Some(byte) = line.first_mut() {
            *byte = byte.wrapping_add(1);
        }
    }
    std::hint::black_box(buffer);
}

criterion_group!(benches, rule_benches);
criterion_main!(benches);
