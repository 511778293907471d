//! Bounding how many nodes a layer holds. Layering keeps edges short and ignores how full a
//! layer gets: on a big generated model thousands of sinks (the databases and brokers every
//! service calls) share one layer, a column hundreds of thousands of units tall. When a layer
//! is over capacity, the graph is layered again by list scheduling (Coffman and Graham's idea):
//! nodes in topological order, earliest original layer first, each in the first layer after
//! its predecessors that has room. The capacity makes the drawing about `Spacing::aspect` times
//! wider than tall; a graph too deep for that (it will be wrapped into bands) gets a capacity
//! of about twice its mean layer, so that every band is about as full as the fullest. It is
//! never less than `MIN_CAPACITY`, so no hand-drawn model is affected.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::model::Size;

use super::Spacing;

const MIN_CAPACITY: usize = 24;
/// A deep graph's capacity, in mean layers.
const DEEP_SLACK: f32 = 2.0;

/// Nodes a layer may hold, for a graph whose layering has `layers` layers: with `c` a layer,
/// `n / c` layers of `c` nodes come out `spacing.aspect` times wider than tall.
pub(super) fn capacity(sizes: &[Size], layers: usize, spacing: Spacing) -> usize {
    let n = sizes.len().max(1) as f32;
    let cell_w = sizes.iter().map(|s| s.w).sum::<f32>() / n + spacing.layer_gap;
    let cell_h = sizes.iter().map(|s| s.h).sum::<f32>() / n + spacing.node_gap;
    let ideal = (n * cell_w / (cell_h * spacing.aspect)).sqrt();
    let deep = DEEP_SLACK * n / layers.max(1) as f32;
    (ideal.min(deep).ceil() as usize).max(MIN_CAPACITY)
}

/// Re-layers `layer_of` when a layer holds more than `capacity` nodes; otherwise leaves it.
/// Edges still run from lower to higher layers, and no layer is left empty.
pub(super) fn bound_layers(
    edges: &[Option<(usize, usize, bool)>],
    layer_of: &mut [usize],
    capacity: usize,
) {
    let n = layer_of.len();
    let layers = layer_of.iter().max().map_or(0, |m| m + 1);
    let mut count = vec![0usize; layers];
    for &l in layer_of.iter() {
        count[l] += 1;
    }
    if count.iter().all(|&c| c <= capacity) {
        return;
    }
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut waiting = vec![0usize; n];
    for &(a, b, _) in edges.iter().flatten() {
        succ[a].push(b);
        waiting[b] += 1;
    }
    // Ready nodes by (original layer, index), so the new layers follow the old ones.
    let mut ready: BinaryHeap<Reverse<(usize, usize)>> = (0..n)
        .filter(|&v| waiting[v] == 0)
        .map(|v| Reverse((layer_of[v], v)))
        .collect();
    // `earliest[v]`: the first layer after every placed predecessor of `v`.
    let mut earliest = vec![0usize; n];
    // Full layers point past themselves (union-find with path halving): finding the first
    // layer with room from any start is near constant.
    let mut next_open: Vec<usize> = (0..=n).collect();
    let mut filled = vec![0usize; n + 1];
    let mut placed = vec![0usize; n];
    while let Some(Reverse((_, v))) = ready.pop() {
        let mut l = earliest[v];
        while next_open[l] != l {
            next_open[l] = next_open[next_open[l]];
            l = next_open[l];
        }
        placed[v] = l;
        filled[l] += 1;
        if filled[l] == capacity && l < n {
            next_open[l] = l + 1;
        }
        for &w in &succ[v] {
            earliest[w] = earliest[w].max(l + 1);
            waiting[w] -= 1;
            if waiting[w] == 0 {
                ready.push(Reverse((layer_of[w], w)));
            }
        }
    }
    layer_of.copy_from_slice(&placed);
    super::layered::compact(layer_of);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_over_full_layer_is_spread_over_several_keeping_edges_forward() {
        // One source calling 100 sinks: the sinks share a layer.
        let edges: Vec<_> = (1..=100).map(|v| Some((0, v, false))).collect();
        let mut layers = vec![1; 101];
        layers[0] = 0;
        bound_layers(&edges, &mut layers, 30);
        let mut count = std::collections::BTreeMap::new();
        for &l in &layers[1..] {
            *count.entry(l).or_insert(0) += 1;
        }
        assert_eq!(
            count.values().copied().collect::<Vec<_>>(),
            vec![30, 30, 30, 10]
        );
        assert!(layers[1..].iter().all(|&l| l > layers[0]));
    }

    #[test]
    fn layers_within_capacity_are_left_alone() {
        let edges = vec![Some((0, 1, false)), Some((0, 2, false))];
        let mut layers = vec![0, 1, 1];
        bound_layers(&edges, &mut layers, 24);
        assert_eq!(layers, vec![0, 1, 1]);
    }

    #[test]
    fn capacity_grows_with_the_graph_but_never_below_the_floor() {
        let small = vec![Size::new(160.0, 64.0); 40];
        assert_eq!(capacity(&small, 6, Spacing::default()), MIN_CAPACITY);
        let big = vec![Size::new(160.0, 64.0); 10_000];
        let c = capacity(&big, 20, Spacing::default());
        assert!((110..150).contains(&c), "{c}");
        // Six hundred layers deep: about twice the mean layer of 17 nodes, then the floor.
        assert_eq!(capacity(&big, 600, Spacing::default()), 34);
        assert_eq!(capacity(&big, 2_000, Spacing::default()), MIN_CAPACITY);
    }
}
