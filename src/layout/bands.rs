//! Keeping a layered drawing linear in size and readable in shape.
//!
//! Two decisions are taken before the layers are ordered:
//! - **Which edges get dummy nodes.** An edge spanning `k` layers costs `k - 1` dummies, and on
//!   big generated models a few thousand long edges would cost millions. Dummies go to the
//!   shortest edges first, within a budget proportional to the graph and a cap per layer (so
//!   dummies cannot make a column taller than its nodes do); every other edge is routed
//!   through the channel under its band, with at most four bends. A graph small enough that
//!   all its dummies still get the full ordering sweeps gives every long edge its dummies.
//! - **How many layers a band holds.** A deep graph (a long chain of calls) drawn left to right
//!   is a strip hundreds of thousands of units wide. Its layers are wrapped into bands, stacked
//!   top to bottom like lines of text, so that the drawing comes out about twice as wide as it
//!   is tall. Edges between bands run through the channels between them.
//!
//! Ordinary architectures (a few hundred components) stay within the budget and are never
//! wrapped, so their drawing does not change.

use crate::model::Size;

use super::Spacing;

/// Dummy nodes allowed per node and edge of the graph, and at least this many in all, which
/// covers any hand-drawn model.
const DUMMIES_PER_ELEMENT: usize = 3;
const MIN_DUMMY_BUDGET: usize = 20_000;
/// Dummies one layer may hold: its node capacity, and at least this many.
const MIN_DUMMIES_PER_LAYER: usize = 64;
/// Wrap only drawings of at least this many layers that come out more than `WRAP_SLACK`
/// times wider than the target aspect; a band holds at least `MIN_BAND_LAYERS` layers.
const MIN_WRAP_LAYERS: usize = 6;
const WRAP_SLACK: f32 = 1.5;
const MIN_BAND_LAYERS: usize = 3;
/// The most band counts judged when wrapping (see [`band_layers`]).
const MAX_BAND_COUNTS_TRIED: usize = 24;

/// Height a dummy node reserves in its layer, so that long edges keep apart.
pub(super) const DUMMY_HEIGHT: f32 = 12.0;
/// Gap kept between two dummies of one layer: long edges run a track apart, like parallel
/// routes.
pub(super) const DUMMY_GAP: f32 = 8.0;

/// The decisions for one connected graph.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Plan {
    /// Consecutive layers per band; the number of layers when the drawing is not wrapped.
    pub band_layers: usize,
    /// Whether each (oriented) edge runs through dummy nodes; `false` for self-loops and for
    /// edges routed through channels.
    pub through_dummies: Vec<bool>,
}

impl Plan {
    pub fn band_of(&self, layer: usize) -> usize {
        layer / self.band_layers.max(1)
    }

    /// How many bands `layers` layers wrap into.
    pub fn bands(&self, layers: usize) -> usize {
        layers
            .checked_sub(1)
            .map_or(0, |last| self.band_of(last) + 1)
    }

    pub fn new(
        sizes: &[Size],
        edges: &[Option<(usize, usize, bool)>],
        layer_of: &[usize],
        capacity: usize,
        spacing: Spacing,
    ) -> Self {
        let layers = layer_of.iter().max().map_or(0, |m| m + 1);
        let per_layer = capacity.max(MIN_DUMMIES_PER_LAYER);
        let through_dummies = dummy_budget(sizes.len(), edges, layer_of, per_layer);
        let band_layers = band_layers(sizes, edges, layer_of, &through_dummies, layers, spacing);
        let mut plan = Self {
            band_layers,
            through_dummies,
        };
        for (e, edge) in edges.iter().enumerate() {
            if let Some(&(a, b, _)) = edge.as_ref()
                && plan.band_of(layer_of[a]) != plan.band_of(layer_of[b])
            {
                plan.through_dummies[e] = false;
            }
        }
        plan
    }
}

/// Gives dummies to the shortest edges first until the budget is spent, skipping edges that
/// would cross a layer already holding `per_layer` dummies.
fn dummy_budget(
    nodes: usize,
    edges: &[Option<(usize, usize, bool)>],
    layer_of: &[usize],
    per_layer: usize,
) -> Vec<bool> {
    let layers = layer_of.iter().max().map_or(0, |m| m + 1);
    let mut load = RangeMax::new(layers);
    let per_layer = i64::try_from(per_layer).unwrap_or(i64::MAX);
    let span = |e: usize| {
        edges[e]
            .as_ref()
            .map(|&(a, b, _)| layer_of[b].saturating_sub(layer_of[a]))
    };
    let mut by_span: Vec<(usize, usize)> = (0..edges.len())
        .filter_map(|e| span(e).map(|s| (s, e)))
        .collect();
    by_span.sort_unstable();
    // A graph whose every long edge fits in dummies while staying small enough for the full
    // ordering sweeps gets them all: routing long edges through channels instead costs far
    // more crossings (generated 100 components: 1,114 against 6xx) than taller columns.
    let needed: usize = by_span.iter().map(|&(s, _)| s.saturating_sub(1)).sum();
    let per_layer = if nodes + needed <= super::order::LARGE {
        i64::MAX
    } else {
        per_layer
    };
    let mut budget = ((nodes + edges.len()) * DUMMIES_PER_ELEMENT).max(MIN_DUMMY_BUDGET);
    let mut through = vec![false; edges.len()];
    for (span, e) in by_span {
        let cost = span.saturating_sub(1);
        if cost > budget {
            break;
        }
        if let Some(&(a, _, _)) = edges[e].as_ref()
            && cost > 0
        {
            // Dummies sit in the layers strictly between the two ends.
            let interior = layer_of[a] + 1..layer_of[a] + span;
            if load.max(interior.clone()) >= per_layer {
                continue;
            }
            load.add(interior, 1);
        }
        budget -= cost;
        through[e] = true;
    }
    through
}

/// Range add and range maximum over layers, in O(log layers) each (a lazy segment tree).
struct RangeMax {
    size: usize,
    max: Vec<i64>,
    pending: Vec<i64>,
}

impl RangeMax {
    fn new(len: usize) -> Self {
        let size = len.max(1).next_power_of_two();
        Self {
            size,
            max: vec![0; 2 * size],
            pending: vec![0; 2 * size],
        }
    }

    fn add(&mut self, range: std::ops::Range<usize>, value: i64) {
        self.update(1, 0, self.size, &range, value);
    }

    fn max(&self, range: std::ops::Range<usize>) -> i64 {
        self.query(1, 0, self.size, &range)
    }

    fn update(
        &mut self,
        node: usize,
        lo: usize,
        hi: usize,
        range: &std::ops::Range<usize>,
        value: i64,
    ) {
        if range.end <= lo || hi <= range.start {
            return;
        }
        if range.start <= lo && hi <= range.end {
            self.max[node] += value;
            self.pending[node] += value;
            return;
        }
        let mid = (lo + hi) / 2;
        self.update(2 * node, lo, mid, range, value);
        self.update(2 * node + 1, mid, hi, range, value);
        self.max[node] = self.pending[node] + self.max[2 * node].max(self.max[2 * node + 1]);
    }

    fn query(&self, node: usize, lo: usize, hi: usize, range: &std::ops::Range<usize>) -> i64 {
        if range.end <= lo || hi <= range.start {
            return i64::MIN;
        }
        if range.start <= lo && hi <= range.end {
            return self.max[node];
        }
        let mid = (lo + hi) / 2;
        let below =
            self.query(2 * node, lo, mid, range)
                .max(self.query(2 * node + 1, mid, hi, range));
        below.saturating_add(self.pending[node])
    }
}

/// Layers per band: all of them unless the drawing is far wider than tall.
fn band_layers(
    sizes: &[Size],
    edges: &[Option<(usize, usize, bool)>],
    layer_of: &[usize],
    through_dummies: &[bool],
    layers: usize,
    spacing: Spacing,
) -> usize {
    if layers < MIN_WRAP_LAYERS {
        return layers;
    }
    let mut column_width = vec![0.0f32; layers];
    let mut column_height = vec![0.0f32; layers];
    for (v, size) in sizes.iter().enumerate() {
        column_width[layer_of[v]] = column_width[layer_of[v]].max(size.w);
        column_height[layer_of[v]] += size.h + spacing.node_gap;
    }
    // Dummies per layer, by a difference array over each edge's interior layers.
    let mut dummies = vec![0i64; layers + 1];
    for (edge, &through) in edges.iter().zip(through_dummies) {
        if let (Some(&(a, b, _)), true) = (edge.as_ref(), through)
            && layer_of[b] > layer_of[a] + 1
        {
            dummies[layer_of[a] + 1] += 1;
            dummies[layer_of[b]] -= 1;
        }
    }
    let mut running = 0i64;
    for (height, delta) in column_height.iter_mut().zip(&dummies) {
        running += delta;
        *height += running as f32 * (DUMMY_HEIGHT + DUMMY_GAP);
    }
    let width: f32 = column_width.iter().map(|w| w + spacing.layer_gap).sum();
    let height = column_height.iter().copied().fold(0.0f32, f32::max);
    if width <= WRAP_SLACK * spacing.aspect * height.max(1.0) {
        return layers;
    }
    // With `b` layers a band, the drawing is about `width * b / layers` wide and
    // `(layers / b) * (height + gap)` tall; solve for the target aspect, then spread the
    // layers evenly over that many bands so that the last one is not a stub.
    let band_height = height + spacing.layer_gap;
    let ideal = layers as f32 * (spacing.aspect * band_height / width).sqrt();
    let per_band = (ideal.ceil() as usize).clamp(MIN_BAND_LAYERS, layers);
    // That guess takes every band as tall as the tallest column, so one tall column (a
    // fan-out, or many long edges) wraps too little. Judge the band counts around it by
    // the drawing each makes, every band as tall as its own tallest column, and keep the
    // one nearest the target shape.
    let guess = layers.div_ceil(per_band);
    let (fewest, most) = (guess.div_ceil(2).max(1), (2 * guess + 1).min(layers));
    let step = (most - fewest).div_ceil(MAX_BAND_COUNTS_TRIED).max(1);
    let off_shape = |bands: usize| {
        let per_band = layers.div_ceil(bands).max(MIN_BAND_LAYERS);
        let (mut widest, mut tall) = (0.0f32, 0.0f32);
        for band in 0..layers.div_ceil(per_band) {
            let columns = band * per_band..((band + 1) * per_band).min(layers);
            let band_width: f32 = column_width[columns.clone()]
                .iter()
                .map(|w| w + spacing.layer_gap)
                .sum();
            let band_tallest = column_height[columns]
                .iter()
                .copied()
                .fold(0.0f32, f32::max);
            widest = widest.max(band_width);
            tall += band_tallest + spacing.layer_gap;
        }
        (widest / tall.max(1.0) / spacing.aspect).ln().abs()
    };
    let bands = (fewest..=most)
        .step_by(step)
        .chain([guess])
        .map(|bands| (off_shape(bands), bands))
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
        .map_or(guess, |(_, bands)| bands);
    layers.div_ceil(bands).max(MIN_BAND_LAYERS)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Graph = (Vec<Size>, Vec<Option<(usize, usize, bool)>>, Vec<usize>);

    fn chain(n: usize) -> Graph {
        let sizes = vec![Size::new(160.0, 64.0); n];
        let edges = (1..n).map(|v| Some((v - 1, v, false))).collect();
        (sizes, edges, (0..n).collect())
    }

    #[test]
    fn short_graphs_are_not_wrapped() {
        let (sizes, edges, layers) = chain(5);
        let plan = Plan::new(&sizes, &edges, &layers, 24, Spacing::default());
        assert_eq!(plan.band_layers, 5);
        assert!(plan.through_dummies.iter().all(|&t| t));
    }

    #[test]
    fn a_chain_of_ten_wraps_into_even_bands_for_a_slide() {
        let (sizes, edges, layers) = chain(10);
        let plan = Plan::new(&sizes, &edges, &layers, 24, Spacing::default());
        assert_eq!(
            plan.band_layers, 4,
            "bands of 4, 4 and 2 rather than 9 and 1"
        );
        let wide = Spacing {
            aspect: 100.0,
            ..Spacing::default()
        };
        let plan = Plan::new(&sizes, &edges, &layers, 24, wide);
        assert_eq!(plan.band_layers, 10, "a wide target leaves it one row");
    }

    #[test]
    fn a_long_chain_wraps_into_bands_about_as_wide_as_the_target() {
        let (sizes, edges, layers) = chain(400);
        let plan = Plan::new(&sizes, &edges, &layers, 24, Spacing::default());
        let bands = 400usize.div_ceil(plan.band_layers);
        let width = plan.band_layers as f32 * (160.0 + 110.0);
        let height = bands as f32 * (64.0 + 36.0 + 110.0);
        assert!(bands > 1);
        assert!((1.0..4.0).contains(&(width / height)), "{width} x {height}");
        // Exactly the edges between consecutive bands leave their band.
        let crossing = plan.through_dummies.iter().filter(|&&t| !t).count();
        assert_eq!(crossing, bands - 1);
    }

    #[test]
    fn the_longest_edges_lose_their_dummies_first() {
        let n = 1_000;
        let layers: Vec<usize> = (0..n).collect();
        // Forty edges over every layer, then one short edge: the budget (20,000 dummies)
        // pays for the short one and twenty of the long ones, in index order.
        let mut edges = vec![Some((0, n - 1, false)); 40];
        edges.push(Some((0, 1, false)));
        let through = dummy_budget(n, &edges, &layers, usize::MAX);
        assert!(through[40]);
        assert_eq!(through[..40].iter().filter(|&&t| t).count(), 20);
        assert!(through[..20].iter().all(|&t| t));
    }

    #[test]
    fn a_layer_full_of_dummies_turns_further_edges_away() {
        // A graph too big for every long edge to get dummies: 4,000 nodes in ten layers.
        let n = crate::layout::order::LARGE;
        let layers: Vec<usize> = (0..n).map(|v| v % 10).collect();
        let edges = vec![Some((0, 9, false)); 5];
        let through = dummy_budget(n, &edges, &layers, 3);
        assert_eq!(through, vec![true, true, true, false, false]);
    }

    #[test]
    fn a_small_graph_gives_every_long_edge_its_dummies() {
        let layers: Vec<usize> = (0..10).collect();
        let edges = vec![Some((0, 9, false)); 5];
        let through = dummy_budget(10, &edges, &layers, 3);
        assert_eq!(through, vec![true; 5]);
    }

    #[test]
    fn range_max_adds_and_reads_ranges() {
        let mut tree = RangeMax::new(10);
        tree.add(2..5, 1);
        tree.add(4..8, 2);
        assert_eq!(tree.max(0..2), 0);
        assert_eq!(tree.max(0..10), 3);
        assert_eq!(tree.max(5..8), 2);
        assert_eq!(tree.max(2..4), 1);
    }
}
