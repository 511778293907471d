//! The layered layout against Graphviz `dot` on the same generated graphs: 200, 1,000 and
//! 2,000 nodes with twice as many edges. Criterion times our layout; `dot` is an external
//! process, so it is timed as the best of a few runs, once per size, and the comparison
//! (time ratio, and edge crossings of both drawings counted the same way) is printed first.
//! Targets: at least 20x faster than `dot`, with no more than 1.3x its crossings.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use archsmith::catalog::Catalog;
use archsmith::format;
use archsmith::layout::{Spacing, count_crossings, draw, layout};
use archsmith::model::{Point, Size};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};

/// The allocator the `archsmith` binary runs with, so the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SIZES: [usize; 3] = [200, 1_000, 2_000];
const NODE: Size = Size::new(160.0, 64.0);
/// Points per inch in `dot -Tplain` output.
const POINTS_PER_INCH: f32 = 72.0;

/// A reproducible graph: mostly forward edges within a window, as service graphs are, with a
/// few back edges. The generator is a fixed LCG so that `dot` sees the very same graph.
fn graph(nodes: usize) -> Vec<(usize, usize)> {
    let mut state: u64 = 12_345;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    (0..nodes * 2)
        .map(|_| {
            let from = next() % nodes;
            let span = 40.min(nodes - from - 1);
            let to = if span > 0 {
                from + 1 + next() % span
            } else {
                next() % nodes
            };
            (from, to)
        })
        .collect()
}

fn to_dot(nodes: usize, edges: &[(usize, usize)]) -> String {
    let mut dot = format!(
        "digraph g {{\nrankdir=LR;\nnode [shape=box,fixedsize=true,width={},height={}];\n",
        NODE.w / POINTS_PER_INCH,
        NODE.h / POINTS_PER_INCH
    );
    for n in 0..nodes {
        dot.push_str(&format!("n{n};\n"));
    }
    for (a, b) in edges {
        dot.push_str(&format!("n{a} -> n{b};\n"));
    }
    dot.push_str("}\n");
    dot
}

/// One `dot` run: how long it took, each edge's polyline and its two nodes.
struct DotRun {
    time: Duration,
    lines: Vec<Vec<Point>>,
    ends: Vec<(usize, usize)>,
}

/// Runs `dot -Tplain`; each edge's polyline is its source's centre, its spline's control
/// points and its target's centre. `None` when Graphviz is not installed.
fn run_dot(source: &str, edges: usize) -> Option<DotRun> {
    let started = Instant::now();
    let mut child = Command::new("dot")
        .arg("-Tplain")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(source.as_bytes()).ok()?;
    let output = child.wait_with_output().ok()?;
    let elapsed = started.elapsed();
    let text = String::from_utf8(output.stdout).ok()?;
    let mut centres = std::collections::HashMap::new();
    let (mut lines, mut ends) = (Vec::with_capacity(edges), Vec::with_capacity(edges));
    let index = |name: &str| name.trim_start_matches('n').parse::<usize>().ok();
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.first() {
            Some(&"node") => {
                let (x, y) = (
                    fields[2].parse::<f32>().ok()?,
                    fields[3].parse::<f32>().ok()?,
                );
                centres.insert(
                    index(fields[1])?,
                    Point::new(x * POINTS_PER_INCH, y * POINTS_PER_INCH),
                );
            }
            Some(&"edge") => {
                let (a, b) = (index(fields[1])?, index(fields[2])?);
                let count: usize = fields[3].parse().ok()?;
                let mut points = vec![*centres.get(&a)?];
                for i in 0..count {
                    let x: f32 = fields[4 + 2 * i].parse().ok()?;
                    let y: f32 = fields[5 + 2 * i].parse().ok()?;
                    points.push(Point::new(x * POINTS_PER_INCH, y * POINTS_PER_INCH));
                }
                points.push(*centres.get(&b)?);
                lines.push(points);
                ends.push((a, b));
            }
            _ => {}
        }
    }
    Some(DotRun {
        time: elapsed,
        lines,
        ends,
    })
}

fn our_polylines(nodes: usize, edges: &[(usize, usize)]) -> Vec<Vec<Point>> {
    let drawing = draw(&vec![NODE; nodes], edges, Spacing::default());
    let centre = |n: usize| {
        let p = drawing.positions[n];
        Point::new(p.x + NODE.w / 2.0, p.y + NODE.h / 2.0)
    };
    edges
        .iter()
        .zip(&drawing.bends)
        .map(|(&(a, b), bends)| {
            let mut line = vec![centre(a)];
            line.extend(bends.iter().copied());
            line.push(centre(b));
            line
        })
        .collect()
}

fn compare_with_dot() {
    println!(
        "layout vs dot: nodes, ours (best of 5), dot (best of runs), speed-up, crossings ours / dot"
    );
    for nodes in SIZES {
        let edges = graph(nodes);
        let ours = (0..5)
            .map(|_| {
                let started = Instant::now();
                std::hint::black_box(draw(&vec![NODE; nodes], &edges, Spacing::default()));
                started.elapsed()
            })
            .min()
            .unwrap_or_default();
        let runs = if nodes >= 2_000 { 1 } else { 3 };
        let source = to_dot(nodes, &edges);
        let mut best: Option<DotRun> = None;
        for _ in 0..runs {
            let Some(run) = run_dot(&source, edges.len()) else {
                println!("  dot is not installed; skipping the comparison");
                return;
            };
            if best.as_ref().is_none_or(|b| run.time < b.time) {
                best = Some(run);
            }
        }
        let Some(DotRun {
            time: dot_time,
            lines: dot_lines,
            ends: dot_ends,
        }) = best
        else {
            return;
        };
        let ours_crossings = count_crossings(&our_polylines(nodes, &edges), &edges);
        let dot_crossings = count_crossings(&dot_lines, &dot_ends);
        println!(
            "  {nodes:>5} nodes: ours {:>8.2} ms, dot {:>8.1} ms, {:>6.1}x faster; crossings {ours_crossings} / {dot_crossings} = {:.2}x",
            ours.as_secs_f64() * 1e3,
            dot_time.as_secs_f64() * 1e3,
            dot_time.as_secs_f64() / ours.as_secs_f64(),
            ours_crossings as f64 / dot_crossings.max(1) as f64
        );
    }
}

fn layout_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("layered_layout");
    group.sample_size(20);
    for nodes in SIZES {
        let edges = graph(nodes);
        let sizes = vec![NODE; nodes];
        group.throughput(Throughput::Elements(nodes as u64));
        group.bench_with_input(BenchmarkId::from_parameter(nodes), &edges, |b, edges| {
            b.iter(|| draw(&sizes, edges, Spacing::default()));
        });
    }
    group.finish();
}

/// The automatic layout of whole models, boundaries and all, as `archsmith layout` and Tidy up
/// run it: layers, then the search over how each boundary is drawn, which routes every
/// drawing it tries (most of the time goes there).
fn automatic_layout_benches(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let mut group = c.benchmark_group("automatic_layout");
    group.sample_size(10);
    for sample in ["workshop-starter", "ecommerce", "video-streaming"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("samples/{sample}.ron"));
        let doc = match format::load(&path, catalog) {
            Ok(doc) => doc,
            Err(error) => panic!("sample {sample} does not load: {error}"),
        };
        group.bench_function(sample, |b| {
            b.iter(|| layout(&doc, catalog, Spacing::default()));
        });
    }
    group.finish();
}

criterion_group!(benches, layout_benches, automatic_layout_benches);

fn main() {
    compare_with_dot();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
