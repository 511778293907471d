//! The validate command's report formats on generated models of 1k, 10k and 100k components
//! with two connections each, from the checked report to bytes. Target: human and SARIF
//! within 1.5x of JSON at every size (they also locate every finding in the model's text,
//! through one [`SourceIndex`] built here as the CLI builds it), and no worse than 12x from
//! 10k to 100k.

use archsmith::ArchGraph;
use archsmith::catalog::Catalog;
use archsmith::format::{self, SourceIndex};
use archsmith::rules::{self, report};
use archsmith::samples::synthetic;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

mod support;
use support::sizes;

/// The allocator the `archsmith` binary runs with, so the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn report_benches(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    for &size in sizes() {
        let doc = synthetic(size, size * 2);
        let text = format::to_string(&doc);
        let report = rules::check(&ArchGraph::new(&doc, catalog));
        let mut out = Vec::with_capacity(text.len() * 2);
        group.throughput(Throughput::Elements(size as u64));
        group.bench_function(BenchmarkId::new("source_index", size), |b| {
            b.iter(|| SourceIndex::new(&text));
        });
        group.bench_function(BenchmarkId::new("json", size), |b| {
            b.iter(|| {
                out.clear();
                report::write_json(&report, &mut out)
            });
        });
        group.bench_function(BenchmarkId::new("sarif", size), |b| {
            b.iter(|| {
                out.clear();
                let index = SourceIndex::new(&text);
                report::write_sarif(&report, "model.ron", &index, &[], &mut out)
            });
        });
        group.bench_function(BenchmarkId::new("human", size), |b| {
            b.iter(|| {
                out.clear();
                let index = SourceIndex::new(&text);
                report::write_human(&report, "model.ron", &doc, &index, false, &mut out)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, report_benches);
criterion_main!(benches);
