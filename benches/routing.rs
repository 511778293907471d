//! Orthogonal edge routing on laid-out generated models of 100, 500 and 2,000 components
//! with twice as many connections, as the editor runs it after every edit and the diagram
//! exports before drawing. Target: 2,000 components / 4,000 connections under 30 ms.
//!
//! The automatic layout of each sample, boundaries included, which routes the drawing once
//! for every shape of its boundaries it tries (see `layout::layout`), and the routing of
//! each laid-out sample alone: one such try.
//!
//! Then caption placement on the routed models of 2,000 and 20,000 components, a caption on
//! every connection, as the SVG and PNG exports place them: it must grow linearly with the
//! model, however many routes share a track (the generated models' telemetry trunks carry
//! thousands). And the same with each caption's forms fitted to the type first, as the
//! exports and the editor's canvas place them (the canvas on every frame of a drag).

use archsmith::catalog::Catalog;
use archsmith::export::captions::place_captions;
use archsmith::layout::labels::{self, Caption};
use archsmith::layout::{self, Spacing, route};
use archsmith::model::{Component, Document, Rect};
use archsmith::samples;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// The allocator the `archsmith` binary runs with, so the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn laid_out(components: usize) -> Document {
    let catalog = Catalog::builtin();
    let mut doc = samples::synthetic(components, components * 2);
    let edit = layout::layout(&doc, catalog, Spacing::default()).to_edit(&doc);
    edit.apply(&mut doc, catalog)
        .expect("a layout only moves elements");
    doc
}

fn routing(c: &mut Criterion) {
    let mut group = c.benchmark_group("route");
    for components in [100, 500, 2_000] {
        let doc = laid_out(components);
        let obstacles = route::Obstacles::of(&doc, Component::rect);
        let routes = route::connections(&doc, Catalog::builtin(), &obstacles);
        let drawn: Vec<_> = routes.iter().flatten().collect();
        let bends: usize = drawn.iter().map(|r| r.len().saturating_sub(2)).sum();
        println!(
            "{components} components, {} connections: {bends} bends",
            drawn.len()
        );
        group.throughput(Throughput::Elements(doc.connections().len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(components), &doc, |b, doc| {
            b.iter(|| {
                let obstacles = route::Obstacles::of(doc, Component::rect);
                route::connections(doc, Catalog::builtin(), &obstacles)
            });
        });
    }
    group.finish();
}

fn sample_layouts(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let mut layouts = c.benchmark_group("sample_layout");
    layouts.sample_size(10);
    let mut routes = Vec::new();
    for sample in samples::samples() {
        let doc = archsmith::format::from_str(sample.text, sample.name, catalog)
            .expect("the samples load");
        layouts.bench_function(sample.name, |b| {
            b.iter(|| layout::layout(&doc, catalog, Spacing::default()));
        });
        let mut laid_out = doc.clone();
        let edit = layout::layout(&doc, catalog, Spacing::default()).to_edit(&doc);
        edit.apply(&mut laid_out, catalog)
            .expect("a layout only moves elements");
        routes.push((sample.name, laid_out));
    }
    layouts.finish();
    let mut group = c.benchmark_group("sample_route");
    for (name, doc) in &routes {
        group.bench_function(*name, |b| {
            b.iter(|| {
                let obstacles = route::Obstacles::of(doc, Component::rect);
                route::connections(doc, catalog, &obstacles)
            });
        });
    }
    group.finish();
}

fn captions(c: &mut Criterion) {
    let mut group = c.benchmark_group("labels");
    group.sample_size(10);
    for components in [2_000, 20_000] {
        let doc = laid_out(components);
        let obstacles = route::Obstacles::of(&doc, Component::rect);
        let routes: Vec<Vec<_>> = route::connections(&doc, Catalog::builtin(), &obstacles)
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect();
        let boxes: Vec<Rect> = doc.components().iter().map(Component::rect).collect();
        // A caption's full form, two shorter ones, and none at all, as the SVG export offers;
        // a handful of distinct texts, as protocols repeat in a real design.
        let captions: Vec<Caption> = (0..routes.len())
            .map(|route| Caption {
                route,
                sizes: vec![(120.0, 14.0), (80.0, 14.0), (50.0, 14.0), (0.0, 0.0)],
                kin: route % 5,
                pointer: None,
            })
            .collect();
        group.throughput(Throughput::Elements(captions.len() as u64));
        group.bench_function(BenchmarkId::from_parameter(components), |b| {
            b.iter(|| labels::place(&boxes, &routes, &captions));
        });
    }
    group.finish();
}

/// Every connection's caption as the exports and the editor's canvas place them: its forms
/// fitted to the type, then placed (`export::captions::place_captions`). The canvas runs it
/// on every frame of a drag.
fn placed_captions(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let mut group = c.benchmark_group("captions");
    group.sample_size(10);
    for components in [2_000, 20_000] {
        let doc = laid_out(components);
        let obstacles = route::Obstacles::of(&doc, Component::rect);
        let routes = route::connections(&doc, catalog, &obstacles);
        group.throughput(Throughput::Elements(doc.connections().len() as u64));
        group.bench_function(BenchmarkId::from_parameter(components), |b| {
            b.iter(|| place_captions(&doc, catalog, &routes));
        });
    }
    group.finish();
}

criterion_group!(benches, routing, sample_layouts, captions, placed_captions);
criterion_main!(benches);
