//! Ordering nodes within layers to reduce edge crossings: a depth-first initial order, then
//! alternating barycentre sweeps with adjacent transpositions, keeping the best order seen.

use super::layered::LayeredGraph;

/// Sweeps for small graphs; large ones get fewer, since each sweep costs a pass over every
/// edge and the gains flatten out early.
const SWEEPS: usize = 12;
const SWEEPS_LARGE: usize = 8;
pub(super) const LARGE: usize = 4000;
/// Transposition passes per sweep: each pass is quadratic in degree, so they are capped.
const TRANSPOSE_PASSES: usize = 4;

/// Orders every layer. `hints` (by node, possibly shorter than the graph) place nodes
/// relative to what lies outside this drawing: each layer starts sorted by them, and a node
/// with no neighbours in the next layer keeps the place they gave it.
pub(super) fn minimise_crossings(graph: &mut LayeredGraph, hints: &[Option<f32>]) {
    initial_order(graph);
    if hints.iter().any(Option::is_some) {
        follow_hints(graph, hints);
    }
    let mut position = positions(graph);
    let mut best = graph.layers.clone();
    let mut best_count = total_crossings(graph, &position);
    let sweeps = if graph.layer_of.len() > LARGE {
        SWEEPS_LARGE
    } else {
        SWEEPS
    };
    for sweep in 0..sweeps {
        if best_count == 0 {
            break;
        }
        barycentre_sweep(graph, &mut position, sweep % 2 == 0);
        transpose(graph, &mut position);
        let count = total_crossings(graph, &position);
        if count < best_count {
            best_count = count;
            best.clone_from(&graph.layers);
        }
    }
    graph.layers = best;
}

/// Sorts each layer by its nodes' hints; a node without one keeps the key of the node before
/// it in depth-first order, so that it stays beside what it was placed with.
fn follow_hints(graph: &mut LayeredGraph, hints: &[Option<f32>]) {
    for layer in &mut graph.layers {
        let mut carried = f32::NEG_INFINITY;
        let mut keyed: Vec<(f32, usize, usize)> = layer
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                if let Some(hint) = hints.get(v).copied().flatten() {
                    carried = hint;
                }
                (carried, i, v)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        *layer = keyed.into_iter().map(|(_, _, v)| v).collect();
    }
}

/// Layers filled in depth-first visiting order from the sources, so that connected nodes
/// start near each other.
fn initial_order(graph: &mut LayeredGraph) {
    let count = graph.layer_of.len();
    let mut seen = vec![false; count];
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); graph.layers.len()];
    let roots = (0..count)
        .filter(|&v| graph.up[v].is_empty())
        .chain(0..count);
    let mut stack = Vec::new();
    for root in roots {
        if seen[root] {
            continue;
        }
        seen[root] = true;
        stack.push(root);
        while let Some(v) = stack.pop() {
            layers[graph.layer_of[v]].push(v);
            for &w in graph.down[v].iter().rev() {
                if !seen[w] {
                    seen[w] = true;
                    stack.push(w);
                }
            }
        }
    }
    graph.layers = layers;
}

/// Each node's index in its layer.
pub(super) fn positions(graph: &LayeredGraph) -> Vec<usize> {
    let mut position = vec![0; graph.layer_of.len()];
    for layer in &graph.layers {
        for (i, &v) in layer.iter().enumerate() {
            position[v] = i;
        }
    }
    position
}

/// Sorts each layer by the mean position of its neighbours in the layer just fixed. A node
/// with no such neighbours keeps its place.
fn barycentre_sweep(graph: &mut LayeredGraph, position: &mut [usize], downward: bool) {
    for l in graph.sweep_layers(downward) {
        let mut keyed: Vec<(f32, usize, usize)> = graph.layers[l]
            .iter()
            .map(|&v| {
                let neighbours = graph.swept_neighbours(v, downward);
                let key = if neighbours.is_empty() {
                    position[v] as f32
                } else {
                    weighted_median(
                        neighbours
                            .iter()
                            .zip(graph.swept_anchors(v, downward))
                            .map(|(&w, at)| position[w] as f32 + at)
                            .collect(),
                    )
                };
                (key, position[v], v)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (i, &(_, _, v)) in keyed.iter().enumerate() {
            graph.layers[l][i] = v;
            position[v] = i;
        }
    }
}

/// The median neighbour position; with an even count, the two middle values weighted toward
/// the side whose neighbours are packed tighter (Gansner et al., the `dot` paper).
fn weighted_median(mut positions: Vec<f32>) -> f32 {
    positions.sort_unstable_by(f32::total_cmp);
    let count = positions.len();
    let middle = count / 2;
    if count % 2 == 1 {
        return positions[middle];
    }
    if count == 2 {
        return (positions[0] + positions[1]) / 2.0;
    }
    let left = positions[middle - 1] - positions[0];
    let right = positions[count - 1] - positions[middle];
    if left + right == 0.0 {
        return (positions[middle - 1] + positions[middle]) / 2.0;
    }
    (positions[middle - 1] * right + positions[middle] * left) / (left + right)
}

/// Crossings between the edges of `left` and `right` when `left` sits first, counted against
/// one neighbour list each.
fn pair_crossings(left: &[usize], right: &[usize], position: &[usize]) -> usize {
    left.iter()
        .map(|&a| right.iter().filter(|&&b| position[a] > position[b]).count())
        .sum()
}

/// Swaps neighbours in a layer while that removes crossings with both adjacent layers.
fn transpose(graph: &mut LayeredGraph, position: &mut [usize]) {
    for _ in 0..TRANSPOSE_PASSES {
        let mut improved = false;
        for l in 0..graph.layers.len() {
            for i in 1..graph.layers[l].len() {
                let u = graph.layers[l][i - 1];
                let v = graph.layers[l][i];
                let as_is = pair_crossings(&graph.up[u], &graph.up[v], position)
                    + pair_crossings(&graph.down[u], &graph.down[v], position);
                let swapped = pair_crossings(&graph.up[v], &graph.up[u], position)
                    + pair_crossings(&graph.down[v], &graph.down[u], position);
                if swapped < as_is {
                    graph.layers[l].swap(i - 1, i);
                    position[u] = i;
                    position[v] = i - 1;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Crossings between every pair of adjacent layers, by counting inversions with a Fenwick
/// tree (Barth, Jünger and Mutzel): O(E log V).
pub(super) fn total_crossings(graph: &LayeredGraph, position: &[usize]) -> usize {
    let mut total = 0;
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for l in 0..graph.layers.len().saturating_sub(1) {
        pairs.clear();
        for &v in &graph.layers[l] {
            for &w in &graph.down[v] {
                pairs.push((position[v], position[w]));
            }
        }
        pairs.sort_unstable();
        let width = graph.layers[l + 1].len();
        let mut tree = vec![0usize; width + 1];
        for (seen, &(_, target)) in pairs.iter().enumerate() {
            // Edges already inserted whose target lies right of this one cross it.
            let mut at_most = 0;
            let mut i = target + 1;
            while i > 0 {
                at_most += tree[i];
                i -= i & i.wrapping_neg();
            }
            total += seen - at_most;
            let mut i = target + 1;
            while i <= width {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}
