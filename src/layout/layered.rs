//! Layered (Sugiyama-style) drawing of one level of the diagram, left to right: break cycles,
//! assign layers, insert dummy nodes on long edges, order each layer to reduce crossings, then
//! assign coordinates and read edge bends off the dummy nodes.

use crate::model::{Point, Size};

use super::order;

/// Spacing of a layered drawing, in world units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spacing {
    /// Horizontal gap between layers.
    pub layer_gap: f32,
    /// Vertical gap between neighbours in a layer.
    pub node_gap: f32,
}

impl Default for Spacing {
    fn default() -> Self {
        Self {
            layer_gap: 110.0,
            node_gap: 36.0,
        }
    }
}

/// The drawing of a graph: top-left corners, edge bends, and the size of the whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    pub positions: Vec<Point>,
    /// Interior bend points of each input edge, from its source to its target.
    pub bends: Vec<Vec<Point>>,
    pub size: Size,
}

/// Height a dummy node reserves in its layer, so that long edges keep apart.
const DUMMY_HEIGHT: f32 = 12.0;

/// Lays out nodes of the given sizes joined by `edges` (source, target). Self-loops are kept
/// out of the layering; edges closing a cycle are drawn backwards.
pub fn draw(sizes: &[Size], edges: &[(usize, usize)], spacing: Spacing) -> Drawing {
    let n = sizes.len();
    if n == 0 {
        return Drawing {
            positions: Vec::new(),
            bends: vec![Vec::new(); edges.len()],
            size: Size::new(0.0, 0.0),
        };
    }
    let oriented = break_cycles(n, edges);
    let layer_of = assign_layers(n, &oriented);
    let mut graph = LayeredGraph::with_dummies(sizes, &oriented, &layer_of);
    order::minimise_crossings(&mut graph);
    let (xs, ys, size) = coordinates(&graph, spacing);

    let positions = (0..n)
        .map(|v| {
            Point::new(
                xs[v] - graph.widths[v] / 2.0,
                ys[v] - graph.heights[v] / 2.0,
            )
        })
        .collect();
    let bends = oriented
        .iter()
        .enumerate()
        .map(|(e, edge)| {
            let Some((_, _, reversed)) = edge else {
                return Vec::new();
            };
            let mut points: Vec<Point> = graph.chains[e]
                .iter()
                .map(|&d| Point::new(xs[d], ys[d]))
                .collect();
            if *reversed {
                points.reverse();
            }
            points
        })
        .collect();
    Drawing {
        positions,
        bends,
        size,
    }
}

/// Each edge oriented along a depth-first order: `(from, to, reversed)`, or `None` for
/// self-loops. Reversing the edges that reach back into the DFS stack leaves a DAG.
fn break_cycles(n: usize, edges: &[(usize, usize)]) -> Vec<Option<(usize, usize, bool)>> {
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (e, &(a, b)) in edges.iter().enumerate() {
        if a != b && a < n && b < n {
            out[a].push((b, e));
        }
    }
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnStack,
        Done,
    }
    let mut mark = vec![Mark::New; n];
    let mut reversed = vec![false; edges.len()];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if mark[root] != Mark::New {
            continue;
        }
        mark[root] = Mark::OnStack;
        stack.push((root, 0));
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&(w, e)) = out[v].get(*next) {
                *next += 1;
                match mark[w] {
                    Mark::New => {
                        mark[w] = Mark::OnStack;
                        stack.push((w, 0));
                    }
                    Mark::OnStack => reversed[e] = true,
                    Mark::Done => {}
                }
            } else {
                mark[v] = Mark::Done;
                stack.pop();
            }
        }
    }
    edges
        .iter()
        .enumerate()
        .map(|(e, &(a, b))| {
            (a != b && a < n && b < n).then(|| {
                if reversed[e] {
                    (b, a, true)
                } else {
                    (a, b, false)
                }
            })
        })
        .collect()
}

/// Layers that keep edges short: longest-path layering toward the sinks, improved by
/// promoting vertices while that removes dummy nodes (Nikolov and Tarassov, "Graph layering
/// by promotion of vertices", which comes close to network simplex at a fraction of its cost).
fn assign_layers(n: usize, edges: &[Option<(usize, usize, bool)>]) -> Vec<usize> {
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b, _) in edges.iter().flatten() {
        succ[a].push(b);
        pred[b].push(a);
    }
    // Height above the sinks: every edge goes from a higher to a lower height.
    let mut outdegree: Vec<usize> = succ.iter().map(Vec::len).collect();
    let mut ready: Vec<usize> = (0..n).rev().filter(|&v| outdegree[v] == 0).collect();
    let mut height = vec![0usize; n];
    let mut topo = Vec::with_capacity(n);
    while let Some(v) = ready.pop() {
        topo.push(v);
        for &u in &pred[v] {
            height[u] = height[u].max(height[v] + 1);
            outdegree[u] -= 1;
            if outdegree[u] == 0 {
                ready.push(u);
            }
        }
    }
    promote(&pred, &succ, &mut height);
    let top = height.iter().copied().max().unwrap_or(0);
    let mut layer: Vec<usize> = height.iter().map(|h| top - h).collect();
    shorten_edges(&topo, &pred, &succ, &mut layer);
    compact(&mut layer);
    layer
}

/// Raises vertices toward their predecessors while that shortens edges in total. A raise
/// pushes predecessors sitting right above along with it; raises that do not pay are undone.
/// Each round moves vertices by at most a layer, so it takes about as many rounds as layers.
fn promote(pred: &[Vec<usize>], succ: &[Vec<usize>], height: &mut [usize]) {
    fn raise(
        v: usize,
        pred: &[Vec<usize>],
        succ: &[Vec<usize>],
        height: &mut [usize],
        log: &mut Vec<usize>,
    ) -> i64 {
        let mut saved = 0i64;
        for &u in &pred[v] {
            if height[u] == height[v] + 1 {
                saved += raise(u, pred, succ, height, log);
            }
        }
        height[v] += 1;
        log.push(v);
        saved - pred[v].len() as i64 + succ[v].len() as i64
    }
    let mut log = Vec::new();
    // Only vertices near last round's moves can gain from a raise now; the rest are skipped.
    let mut dirty = vec![true; height.len()];
    let mut next_dirty = vec![false; height.len()];
    // Every accepted raise removes at least one dummy node, so the rounds end.
    loop {
        let mut improved = false;
        for v in 0..height.len() {
            if pred[v].is_empty() || !dirty[v] {
                continue;
            }
            log.clear();
            if raise(v, pred, succ, height, &mut log) < 0 {
                improved = true;
                for &u in &log {
                    next_dirty[u] = true;
                    for &w in pred[u].iter().chain(&succ[u]) {
                        next_dirty[w] = true;
                    }
                }
            } else {
                for &u in &log {
                    height[u] -= 1;
                }
            }
        }
        if !improved {
            break;
        }
        std::mem::swap(&mut dirty, &mut next_dirty);
        next_dirty.fill(false);
    }
}

/// Moves each node, within the room its neighbours leave, to the layer that minimises the
/// total length of its edges (the median of where each edge would want it). Shorter edges
/// mean fewer dummy nodes, and fewer crossings: a cheap stand-in for network simplex.
fn shorten_edges(topo: &[usize], pred: &[Vec<usize>], succ: &[Vec<usize>], layer: &mut [usize]) {
    const PASSES: usize = 60;
    let mut wanted: Vec<usize> = Vec::new();
    for pass in 0..PASSES {
        let mut moved = false;
        let order: Box<dyn Iterator<Item = &usize>> = if pass % 2 == 0 {
            Box::new(topo.iter().rev())
        } else {
            Box::new(topo.iter())
        };
        for &v in order {
            let low = pred[v].iter().map(|&p| layer[p] + 1).max().unwrap_or(0);
            let high = succ[v]
                .iter()
                .map(|&s| layer[s] - 1)
                .min()
                .unwrap_or(usize::MAX);
            wanted.clear();
            wanted.extend(pred[v].iter().map(|&p| layer[p] + 1));
            wanted.extend(succ[v].iter().map(|&s| layer[s] - 1));
            if wanted.is_empty() {
                continue;
            }
            wanted.sort_unstable();
            // Any layer between the two middle values is optimal: stay put if possible.
            let (lower, upper) = (wanted[(wanted.len() - 1) / 2], wanted[wanted.len() / 2]);
            let target = layer[v].clamp(lower, upper).clamp(low, high.max(low));
            if target != layer[v] {
                layer[v] = target;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
}

/// Renumbers layers so that none is empty.
fn compact(layer: &mut [usize]) {
    let mut used: Vec<usize> = layer.to_vec();
    used.sort_unstable();
    used.dedup();
    for l in layer.iter_mut() {
        *l = used.binary_search(l).unwrap_or(*l);
    }
}

/// The proper layered graph: real nodes first (same indices as the input), then dummies.
#[derive(Debug)]
pub(super) struct LayeredGraph {
    /// Node indices of each layer, in their current order.
    pub layers: Vec<Vec<usize>>,
    pub layer_of: Vec<usize>,
    /// Neighbours in the previous and next layer.
    pub up: Vec<Vec<usize>>,
    pub down: Vec<Vec<usize>>,
    pub widths: Vec<f32>,
    pub heights: Vec<f32>,
    /// Dummy nodes of each input edge, from lower to higher layer.
    pub chains: Vec<Vec<usize>>,
}

impl LayeredGraph {
    /// The layers a sweep visits, in order: downward from the second layer, upward from the
    /// last but one. The first layer of a sweep is the fixed side it starts from.
    pub(super) fn sweep_layers(&self, downward: bool) -> Vec<usize> {
        if downward {
            (1..self.layers.len()).collect()
        } else {
            (0..self.layers.len().saturating_sub(1)).rev().collect()
        }
    }

    /// A node's neighbours on the side a sweep comes from (the layer above when sweeping down).
    pub(super) fn swept_neighbours(&self, v: usize, downward: bool) -> &[usize] {
        if downward { &self.up[v] } else { &self.down[v] }
    }

    fn with_dummies(
        sizes: &[Size],
        edges: &[Option<(usize, usize, bool)>],
        layer_of: &[usize],
    ) -> Self {
        let mut graph = Self {
            layers: Vec::new(),
            layer_of: layer_of.to_vec(),
            up: vec![Vec::new(); sizes.len()],
            down: vec![Vec::new(); sizes.len()],
            widths: sizes.iter().map(|s| s.w).collect(),
            heights: sizes.iter().map(|s| s.h).collect(),
            chains: vec![Vec::new(); edges.len()],
        };
        for (e, edge) in edges.iter().enumerate() {
            let Some(&(a, b, _)) = edge.as_ref() else {
                continue;
            };
            let mut previous = a;
            for layer in layer_of[a] + 1..layer_of[b] {
                let dummy = graph.add_node(layer);
                graph.link(previous, dummy);
                graph.chains[e].push(dummy);
                previous = dummy;
            }
            graph.link(previous, b);
        }
        let depth = graph.layer_of.iter().max().map_or(0, |m| m + 1);
        graph.layers = vec![Vec::new(); depth];
        for (v, &layer) in graph.layer_of.iter().enumerate() {
            graph.layers[layer].push(v);
        }
        graph
    }

    fn add_node(&mut self, layer: usize) -> usize {
        self.layer_of.push(layer);
        self.up.push(Vec::new());
        self.down.push(Vec::new());
        self.widths.push(0.0);
        self.heights.push(DUMMY_HEIGHT);
        self.layer_of.len() - 1
    }

    fn link(&mut self, a: usize, b: usize) {
        self.down[a].push(b);
        self.up[b].push(a);
    }
}

/// Centre x of each node's column, centre y of each node, and the drawing's size. Columns are
/// as wide as their widest node. Vertical positions start stacked, then a few sweeps move each
/// node toward the mean of its neighbours while keeping the order and the gaps.
fn coordinates(graph: &LayeredGraph, spacing: Spacing) -> (Vec<f32>, Vec<f32>, Size) {
    let count = graph.layer_of.len();
    let mut xs = vec![0.0f32; count];
    let mut x = 0.0f32;
    for layer in &graph.layers {
        let width = layer
            .iter()
            .map(|&v| graph.widths[v])
            .fold(0.0f32, f32::max);
        for &v in layer {
            xs[v] = x + width / 2.0;
        }
        x += width + spacing.layer_gap;
    }
    let total_width = (x - spacing.layer_gap).max(0.0);

    let mut ys = vec![0.0f32; count];
    for layer in &graph.layers {
        let mut top = 0.0f32;
        for &v in layer {
            ys[v] = top + graph.heights[v] / 2.0;
            top += graph.heights[v] + spacing.node_gap;
        }
    }
    for sweep in 0..8 {
        let downward = sweep % 2 == 0;
        for l in graph.sweep_layers(downward) {
            let layer = &graph.layers[l];
            let wanted: Vec<f32> = layer
                .iter()
                .map(|&v| {
                    let neighbours = graph.swept_neighbours(v, downward);
                    if neighbours.is_empty() {
                        ys[v]
                    } else {
                        neighbours.iter().map(|&w| ys[w]).sum::<f32>() / neighbours.len() as f32
                    }
                })
                .collect();
            let heights: Vec<f32> = layer.iter().map(|&v| graph.heights[v]).collect();
            let placed = closest_ordered(&wanted, &heights, spacing.node_gap);
            for (&v, y) in layer.iter().zip(placed) {
                ys[v] = y;
            }
        }
    }
    let top = (0..count)
        .map(|v| ys[v] - graph.heights[v] / 2.0)
        .fold(f32::INFINITY, f32::min);
    let bottom = (0..count)
        .map(|v| ys[v] + graph.heights[v] / 2.0)
        .fold(f32::NEG_INFINITY, f32::max);
    for y in &mut ys {
        *y -= top;
    }
    (xs, ys, Size::new(total_width, (bottom - top).max(0.0)))
}

/// Centres as close as possible (least squares) to `wanted`, in the same order, with `gap`
/// between neighbours: isotonic regression by pooling adjacent violators.
fn closest_ordered(wanted: &[f32], heights: &[f32], gap: f32) -> Vec<f32> {
    // Shift each target by the room its predecessors need, so the constraint becomes a plain
    // non-decreasing sequence.
    let mut offsets = Vec::with_capacity(wanted.len());
    let mut offset = 0.0f32;
    for (i, h) in heights.iter().enumerate() {
        if i > 0 {
            offset += heights[i - 1] / 2.0 + gap + h / 2.0;
        }
        offsets.push(offset);
    }
    // Blocks of (mean, count).
    let mut blocks: Vec<(f32, usize)> = Vec::with_capacity(wanted.len());
    for (w, o) in wanted.iter().zip(&offsets) {
        blocks.push((w - o, 1));
        while blocks.len() > 1 {
            let (mean_b, count_b) = blocks[blocks.len() - 1];
            let (mean_a, count_a) = blocks[blocks.len() - 2];
            if mean_a <= mean_b {
                break;
            }
            let count = count_a + count_b;
            let mean = (mean_a * count_a as f32 + mean_b * count_b as f32) / count as f32;
            blocks.truncate(blocks.len() - 2);
            blocks.push((mean, count));
        }
    }
    blocks
        .iter()
        .flat_map(|&(mean, count)| std::iter::repeat_n(mean, count))
        .zip(&offsets)
        .map(|(z, o)| z + o)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxes(n: usize) -> Vec<Size> {
        vec![Size::new(100.0, 50.0); n]
    }

    #[test]
    fn a_chain_runs_left_to_right() {
        let d = draw(&boxes(3), &[(0, 1), (1, 2)], Spacing::default());
        assert!(d.positions[0].x < d.positions[1].x);
        assert!(d.positions[1].x < d.positions[2].x);
        assert_eq!(d.positions[0].y, d.positions[2].y);
    }

    #[test]
    fn a_cycle_still_gets_layers_and_the_back_edge_bends_through_its_dummy() {
        let d = draw(&boxes(3), &[(0, 1), (1, 2), (2, 0)], Spacing::default());
        assert!(d.positions[0].x < d.positions[2].x);
        assert_eq!(d.bends[2].len(), 1, "2 -> 0 spans two layers");
    }

    #[test]
    fn long_edges_bend_through_their_dummies_in_order() {
        let d = draw(
            &boxes(4),
            &[(0, 1), (1, 2), (2, 3), (0, 3)],
            Spacing::default(),
        );
        let bends = &d.bends[3];
        assert_eq!(bends.len(), 2);
        assert!(bends[0].x < bends[1].x);
    }

    #[test]
    fn neighbours_in_a_layer_never_overlap() {
        let edges: Vec<(usize, usize)> = (1..8).map(|i| (0, i)).collect();
        let d = draw(&boxes(8), &edges, Spacing::default());
        let mut ys: Vec<f32> = d.positions[1..].iter().map(|p| p.y).collect();
        ys.sort_by(f32::total_cmp);
        for pair in ys.windows(2) {
            assert!(pair[1] - pair[0] >= 50.0 + Spacing::default().node_gap - 0.01);
        }
    }

    #[test]
    fn pooling_keeps_order_and_gaps() {
        let placed = closest_ordered(&[10.0, 0.0, 5.0], &[10.0, 10.0, 10.0], 5.0);
        assert!(placed[1] - placed[0] >= 14.99);
        assert!(placed[2] - placed[1] >= 14.99);
    }
}
