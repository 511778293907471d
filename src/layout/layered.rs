//! Layered (Sugiyama-style) drawing of one level of the diagram, left to right. Each connected
//! part is drawn on its own (the parts are then packed, see `pack`): break cycles, assign
//! layers, plan bands and dummy nodes (see `bands`), insert the dummies, order each layer to
//! reduce crossings, then assign coordinates and read edge bends off the dummies or route the
//! edges without dummies through the channels between bands.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::model::{Point, Rect, Size};

use super::bands::{DUMMY_GAP, DUMMY_HEIGHT, Plan};
use super::{order, pack, width};

/// Spacing of a layered drawing, in world units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spacing {
    /// Horizontal gap between layers.
    pub layer_gap: f32,
    /// Vertical gap between neighbours in a layer.
    pub node_gap: f32,
    /// Width to height the drawing aims for wherever the layout has a choice of shape
    /// (wrapping long chains of layers into bands, layer capacity, packing of parts).
    pub aspect: f32,
}

impl Spacing {
    /// The default gaps, aiming at `aspect` (width to height).
    pub fn for_aspect(aspect: f32) -> Self {
        Self {
            aspect,
            ..Self::default()
        }
    }
}

/// A slide's or a laptop screen's shape.
pub const DEFAULT_ASPECT: f32 = 1.6;

impl Default for Spacing {
    fn default() -> Self {
        Self {
            layer_gap: 110.0,
            node_gap: 36.0,
            aspect: DEFAULT_ASPECT,
        }
    }
}

/// The drawing of a graph: top-left corners, edge bends, and the size of the whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    pub positions: Vec<Point>,
    /// Interior bend points of each input edge, from its source to its target.
    pub bends: Vec<Vec<Point>>,
    /// The layer each node was given, counted within its connected part: an edge between
    /// nodes `k` layers apart spans `k` layers.
    pub layers: Vec<usize>,
    pub size: Size,
}

impl Drawing {
    /// The drawing mirrored across its diagonal: x and y (and width and height) swap, so that
    /// a drawing made on its side (layers left to right of boxes turned a quarter) reads top
    /// to bottom.
    pub fn transposed(self) -> Self {
        let swap = |p: Point| Point::new(p.y, p.x);
        Self {
            positions: self.positions.into_iter().map(swap).collect(),
            bends: self
                .bends
                .into_iter()
                .map(|bends| bends.into_iter().map(swap).collect())
                .collect(),
            layers: self.layers,
            size: Size::new(self.size.h, self.size.w),
        }
    }
}

/// Lays out nodes of the given sizes joined by `edges` (source, target). Self-loops are kept
/// out of the layering; edges closing a cycle are drawn backwards. Disconnected parts are
/// drawn apart and packed in rows.
pub fn draw(sizes: &[Size], edges: &[(usize, usize)], spacing: Spacing) -> Drawing {
    draw_hinted(sizes, edges, &Hints::default(), spacing, Choices::default())
}

/// What a drawing is told beyond its boxes and edges, by node and by edge (missing: none).
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints<'a> {
    /// Where a node's neighbours outside this drawing lie, across the layers: each layer's
    /// order starts from them.
    pub nodes: &'a [Option<f32>],
    /// Where each edge meets its ends (see [`Anchors`]).
    pub anchors: &'a [Anchors],
    /// The edges that say little of which way the drawing runs (telemetry: a collector sits
    /// wherever there is room), which [`Cycles::FewestAgainst`] weighs less.
    pub light: &'a [bool],
    /// The nodes a connection from outside this drawing enters: a depth-first search for
    /// cycles starts from them (see [`Cycles::DepthFirst`]).
    pub entered: &'a [bool],
    /// How long a straight stretch each edge's caption needs to sit on whole (0: it says
    /// nothing): the gap between two layers grows to hold the captions of the edges
    /// joining them (see [`MAX_CAPTION_GAP`]).
    pub rooms: &'a [f32],
}

/// The widest a gap between layers grows to hold a caption: twice the usual. Wider, the
/// drawing spreads more than a cut caption costs (its key holds the words).
const MAX_CAPTION_GAP: f32 = 2.0;

/// The choices a drawing is made with, beyond its spacing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Choices {
    pub islands: Islands,
    pub cycles: Cycles,
    pub levelling: Levelling,
}

/// How far the layers of a drawing may stand above or below each other, each placed level
/// with its neighbours in the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Levelling {
    /// As far as their links pull them: the straightest links.
    #[default]
    Free,
    /// Within the height of the tallest layer of their band, which sets the drawing's
    /// height: the payments sample's reporting context had risen half its height above the
    /// PCI zone beside it, level with the one topic they share, and the region around them
    /// grew by as much.
    WithinTallest,
}

/// Which edges of a cycle are drawn running backwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Cycles {
    /// Those a depth-first search from the first node (in the given order) meets closing a
    /// cycle: the first nodes lead, as their author listed them. Unless that runs far more
    /// weight backwards than [`Cycles::FewestAgainst`] (see [`DEPTH_FIRST_EXCESS`]): then
    /// as that does.
    #[default]
    DepthFirst,
    /// As few as the greedy heuristic of Eades, Lin and Smyth ("A fast and effective
    /// heuristic for the feedback arc set problem") finds, [`Hints::light`] edges counting a
    /// quarter: of two boundaries calling each other three times one way and three the
    /// other, a depth-first search reversed whichever it met last, and drew the IoT sample
    /// with 32 crossings where this draws it with 21. Neither wins everywhere, so the shape
    /// search tries both.
    FewestAgainst,
}

/// Where an edge meets its two ends (source, target), across the layers (down the side of
/// a drawing left to right), from the end's centre: `None` where the edge's port is spread
/// along the side with the others'. A box drawn for a whole boundary is met where the
/// member the connection leads to lies inside it, so that what calls a member at the top of
/// a tall boundary is placed level with it rather than with the boundary's middle.
pub type Anchors = (Option<f32>, Option<f32>);

/// Where the parts of a graph with no edges to the largest part go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Islands {
    /// In rows under (or beside) the largest, tallest first.
    #[default]
    InRows,
    /// Into the room under the largest part's columns where they fit (see
    /// `pack::tuck_under_columns`), the rest in rows: a smaller drawing, whose routes to the
    /// tucked parts may cross the largest part's.
    TuckedIn,
}

/// [`draw`], told where things lie outside the drawing (see [`Hints`]) and made with
/// `choices`.
pub fn draw_hinted(
    sizes: &[Size],
    edges: &[(usize, usize)],
    hints: &Hints<'_>,
    spacing: Spacing,
    choices: Choices,
) -> Drawing {
    let n = sizes.len();
    let parts = pack::parts(n, edges);
    if parts.len() <= 1 {
        return draw_connected(sizes, edges, hints, spacing, choices);
    }
    let mut part_of = vec![0usize; n];
    let mut local = vec![0usize; n];
    for (p, part) in parts.iter().enumerate() {
        for (i, &v) in part.iter().enumerate() {
            part_of[v] = p;
            local[v] = i;
        }
    }
    let mut part_edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); parts.len()];
    let mut part_anchors: Vec<Vec<Anchors>> = vec![Vec::new(); parts.len()];
    let mut part_light: Vec<Vec<bool>> = vec![Vec::new(); parts.len()];
    let mut part_rooms: Vec<Vec<f32>> = vec![Vec::new(); parts.len()];
    // Where each input edge went: its part and its index among that part's edges.
    let slots: Vec<Option<(usize, usize)>> = edges
        .iter()
        .enumerate()
        .map(|(e, &(a, b))| {
            (a < n && b < n).then(|| {
                let p = part_of[a];
                part_edges[p].push((local[a], local[b]));
                part_anchors[p].push(hints.anchors.get(e).copied().unwrap_or_default());
                part_light[p].push(hints.light.get(e).copied().unwrap_or_default());
                part_rooms[p].push(hints.rooms.get(e).copied().unwrap_or_default());
                (p, part_edges[p].len() - 1)
            })
        })
        .collect();
    let part_sizes = sizes_of_parts(&parts, sizes);
    let drawings: Vec<Drawing> = parts
        .iter()
        .zip(&part_edges)
        .zip(&part_anchors)
        .zip(&part_light)
        .zip(&part_rooms)
        .zip(&part_sizes)
        .map(|(((((part, edges), anchors), light), rooms), part_sizes)| {
            let nodes: Vec<Option<f32>> = part
                .iter()
                .map(|&v| hints.nodes.get(v).copied().flatten())
                .collect();
            let entered: Vec<bool> = part
                .iter()
                .map(|&v| hints.entered.get(v).copied().unwrap_or_default())
                .collect();
            let hints = Hints {
                nodes: &nodes,
                anchors,
                light,
                entered: &entered,
                rooms,
            };
            draw_connected(part_sizes, edges, &hints, spacing, choices)
        })
        .collect();
    let corners_in_host = match choices.islands {
        Islands::TuckedIn => tuck_into_largest(&drawings, &part_sizes, spacing),
        Islands::InRows => vec![None; parts.len()],
    };
    // The parts not tucked into the largest, packed in rows; then the tucked ones moved with
    // it.
    let shelved: Vec<usize> = (0..parts.len())
        .filter(|&p| corners_in_host[p].is_none())
        .collect();
    let boxes: Vec<Size> = shelved.iter().map(|&p| drawings[p].size).collect();
    let (shelf_corners, size) = pack::shelves(&boxes, spacing.layer_gap, spacing.aspect);
    let mut corners = vec![Point::default(); parts.len()];
    for (&p, &corner) in shelved.iter().zip(&shelf_corners) {
        corners[p] = corner;
    }
    for (p, tucked) in corners_in_host.iter().enumerate() {
        if let Some((host, at)) = *tucked {
            corners[p] = Point::new(corners[host].x + at.x, corners[host].y + at.y);
        }
    }
    let shift = |p: &Point, by: Point| Point::new(p.x + by.x, p.y + by.y);
    let mut positions = vec![Point::default(); n];
    let mut layers = vec![0usize; n];
    for ((part, drawing), &corner) in parts.iter().zip(&drawings).zip(&corners) {
        for (i, &v) in part.iter().enumerate() {
            positions[v] = shift(&drawing.positions[i], corner);
            layers[v] = drawing.layers[i];
        }
    }
    let bends = slots
        .iter()
        .map(|slot| {
            slot.map_or_else(Vec::new, |(p, i)| {
                drawings[p].bends[i]
                    .iter()
                    .map(|b| shift(b, corners[p]))
                    .collect()
            })
        })
        .collect();
    Drawing {
        positions,
        bends,
        layers,
        size,
    }
}

/// The node sizes of each part.
fn sizes_of_parts(parts: &[Vec<usize>], sizes: &[Size]) -> Vec<Vec<Size>> {
    parts
        .iter()
        .map(|part| part.iter().map(|&v| sizes[v]).collect())
        .collect()
}

/// The parts that fit inside the largest part's drawing (see [`pack::tuck_under_columns`]),
/// largest first: for each part, `Some((largest, corner in it))`, else `None`.
fn tuck_into_largest(
    drawings: &[Drawing],
    sizes: &[Vec<Size>],
    spacing: Spacing,
) -> Vec<Option<(usize, Point)>> {
    let area = |p: usize| drawings[p].size.w * drawings[p].size.h;
    let mut by_area: Vec<usize> = (0..drawings.len()).collect();
    by_area.sort_by(|&a, &b| area(b).total_cmp(&area(a)).then(a.cmp(&b)));
    let mut tucked = vec![None; drawings.len()];
    let Some((&host, islands)) = by_area.split_first() else {
        return tucked;
    };
    let drawn = &drawings[host];
    let boxes: Vec<Rect> = drawn
        .positions
        .iter()
        .zip(&sizes[host])
        .map(|(p, s)| Rect::new(p.x, p.y, s.w, s.h))
        .collect();
    let bends: Vec<Point> = drawn.bends.iter().flatten().copied().collect();
    let island_sizes: Vec<Size> = islands.iter().map(|&p| drawings[p].size).collect();
    let corners = pack::tuck_under_columns(
        &boxes,
        &drawn.layers,
        &bends,
        drawn.size.h,
        &island_sizes,
        spacing.node_gap,
    );
    for (&p, corner) in islands.iter().zip(corners) {
        tucked[p] = corner.map(|at| (host, at));
    }
    tucked
}

/// The layered drawing of one connected graph.
fn draw_connected(
    sizes: &[Size],
    edges: &[(usize, usize)],
    hints: &Hints<'_>,
    spacing: Spacing,
    choices: Choices,
) -> Drawing {
    let n = sizes.len();
    if n == 0 {
        return Drawing {
            positions: Vec::new(),
            bends: vec![Vec::new(); edges.len()],
            layers: Vec::new(),
            size: Size::new(0.0, 0.0),
        };
    }
    let oriented = match choices.cycles {
        Cycles::DepthFirst => {
            let first = depth_first_cycles(n, edges, hints.entered);
            let by_first = weight_against(&first, hints.light);
            // Most drawings run little or nothing backwards: no other order can be that
            // much better, and the other search is not worth running.
            if by_first < DEPTH_FIRST_EXCESS_EDGES * EDGE_WEIGHT {
                first
            } else {
                let fewest = fewest_against(n, edges, hints.light);
                let by_fewest = weight_against(&fewest, hints.light);
                if by_first >= by_fewest * DEPTH_FIRST_EXCESS
                    && by_first >= by_fewest + DEPTH_FIRST_EXCESS_EDGES * EDGE_WEIGHT
                {
                    fewest
                } else {
                    first
                }
            }
        }
        Cycles::FewestAgainst => fewest_against(n, edges, hints.light),
    };
    let mut layer_of = assign_layers(n, &oriented);
    let depth = layer_of.iter().max().map_or(0, |m| m + 1);
    let capacity = width::capacity(sizes, depth, spacing);
    width::bound_layers(&oriented, &mut layer_of, capacity);
    let plan = Plan::new(sizes, &oriented, &layer_of, capacity, spacing);
    let mut graph = LayeredGraph::with_dummies(
        sizes,
        &oriented,
        hints.anchors,
        &layer_of,
        &plan.through_dummies,
    );
    order::minimise_crossings(&mut graph, hints.nodes);
    let gaps = gaps_after(&oriented, &layer_of, &plan, hints.rooms, spacing);
    let placed = coordinates(&graph, &plan, &gaps, spacing, choices.levelling);

    let mut positions: Vec<Point> = (0..n)
        .map(|v| {
            Point::new(
                placed.xs[v] - graph.widths[v] / 2.0,
                placed.ys[v] - graph.heights[v] / 2.0,
            )
        })
        .collect();
    let mut bends: Vec<Vec<Point>> = oriented
        .iter()
        .enumerate()
        .map(|(e, edge)| {
            let Some(&(a, b, reversed)) = edge.as_ref() else {
                return Vec::new();
            };
            let mut points: Vec<Point> = if plan.through_dummies[e] {
                graph.chains[e]
                    .iter()
                    .map(|&d| Point::new(placed.xs[d], placed.ys[d]))
                    .collect()
            } else {
                placed.channel_route(a, b, &graph.layer_of, &plan, &gaps, spacing)
            };
            if reversed {
                points.reverse();
            }
            points
        })
        .collect();
    // Channel routes may run over the first band, under the last and right of the widest
    // one: the drawing is moved down to start at the highest.
    let (width, height, top) = bends
        .iter()
        .flatten()
        .fold((placed.size.w, placed.size.h, 0.0f32), |(w, h, top), p| {
            (w.max(p.x), h.max(p.y), top.min(p.y))
        });
    let down = |p: &mut Point| p.y -= top;
    positions.iter_mut().for_each(down);
    bends.iter_mut().flatten().for_each(down);
    Drawing {
        positions,
        bends,
        layers: layer_of,
        size: Size::new(width, height - top),
    }
}

/// Each edge oriented along a depth-first order, from the `entered` nodes first, then the
/// rest in order: `(from, to, reversed)`, or `None` for self-loops. Reversing the edges that
/// reach back into the DFS stack leaves a DAG.
fn depth_first_cycles(
    n: usize,
    edges: &[(usize, usize)],
    entered: &[bool],
) -> Vec<Option<(usize, usize, bool)>> {
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
    let is_entered = |v: usize| entered.get(v).copied().unwrap_or_default();
    let roots = (0..n).filter(|&v| is_entered(v)).chain(0..n);
    for root in roots {
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

/// What an edge weighs in [`fewest_against`]: a light one a quarter of another.
const LIGHT_WEIGHT: usize = 1;
const EDGE_WEIGHT: usize = 4;

/// How much more weight a depth-first search may run backwards than [`fewest_against`]
/// does, as a factor and in edges, before [`Cycles::DepthFirst`] gives way to it. The IoT
/// sample's ingest subnet calls its storage subnet's dashboard API first, so a depth-first
/// search put storage before processing and ran processing's four connections into storage
/// backwards, where the other order runs one (the dashboard's call to the device registry):
/// 31 crossings so, 18 the other way. Any factor under three also turned the staywise and
/// chat reference models (196 to 236 crossings, 171 to 178), where the author's order
/// costs a little more weight backwards and reads better.
const DEPTH_FIRST_EXCESS: usize = 3;
const DEPTH_FIRST_EXCESS_EDGES: usize = 2;

/// The weight of the edges `oriented` runs backwards.
fn weight_against(oriented: &[Option<(usize, usize, bool)>], light: &[bool]) -> usize {
    oriented
        .iter()
        .enumerate()
        .filter(|(_, edge)| matches!(edge, Some((_, _, true))))
        .map(|(e, _)| {
            if light.get(e).copied().unwrap_or_default() {
                LIGHT_WEIGHT
            } else {
                EDGE_WEIGHT
            }
        })
        .sum()
}

/// Each edge oriented as [`Cycles::FewestAgainst`] orders the nodes: sinks go to the end,
/// sources to the front, and otherwise the node whose edges out outweigh its edges in the
/// most (the first of equals) goes next; the edges running back against that order are
/// reversed. `(from, to, reversed)`, or `None` for self-loops. Linear in the edges, but for a
/// heap of the nodes by weight.
fn fewest_against(
    n: usize,
    edges: &[(usize, usize)],
    light: &[bool],
) -> Vec<Option<(usize, usize, bool)>> {
    let kept = |&(a, b): &(usize, usize)| a != b && a < n && b < n;
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    let mut into: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    let mut out_weight = vec![0usize; n];
    let mut in_weight = vec![0usize; n];
    for (e, &(a, b)) in edges.iter().enumerate().filter(|(_, e)| kept(e)) {
        let weight = if light.get(e).copied().unwrap_or_default() {
            LIGHT_WEIGHT
        } else {
            EDGE_WEIGHT
        };
        out[a].push((b, weight));
        into[b].push((a, weight));
        out_weight[a] += weight;
        in_weight[b] += weight;
    }
    // Each unplaced node's weight out less its weight in, over the edges to unplaced nodes.
    let mut balance: Vec<i64> = (0..n)
        .map(|v| out_weight[v] as i64 - in_weight[v] as i64)
        .collect();
    let mut placed = vec![false; n];
    let (mut front, mut back) = (Vec::with_capacity(n), Vec::new());
    // Candidates, checked when taken: a node is pushed again whenever its weights change.
    let mut sinks: Vec<usize> = (0..n).rev().filter(|&v| out_weight[v] == 0).collect();
    let mut sources: Vec<usize> = (0..n).rev().filter(|&v| in_weight[v] == 0).collect();
    let mut by_balance: BinaryHeap<(i64, Reverse<usize>)> =
        (0..n).map(|v| (balance[v], Reverse(v))).collect();
    loop {
        let next = if let Some(v) = sinks.pop() {
            if placed[v] {
                continue;
            }
            back.push(v);
            v
        } else if let Some(v) = sources.pop() {
            if placed[v] {
                continue;
            }
            front.push(v);
            v
        } else if let Some((weight, Reverse(v))) = by_balance.pop() {
            if placed[v] || weight != balance[v] {
                continue;
            }
            front.push(v);
            v
        } else {
            break;
        };
        placed[next] = true;
        // Its successors lose weight in (and may become sources), its predecessors weight
        // out (and may become sinks).
        let sides = [
            (&out[next], &mut in_weight, &mut sources, 1),
            (&into[next], &mut out_weight, &mut sinks, -1),
        ];
        for (ends, weights, emptied, sign) in sides {
            for &(w, weight) in ends {
                weights[w] -= weight;
                balance[w] += sign * weight as i64;
                if !placed[w] {
                    if weights[w] == 0 {
                        emptied.push(w);
                    }
                    by_balance.push((balance[w], Reverse(w)));
                }
            }
        }
    }
    let mut position = vec![0; n];
    for (at, &v) in front.iter().chain(back.iter().rev()).enumerate() {
        position[v] = at;
    }
    edges
        .iter()
        .map(|edge| {
            let &(a, b) = edge;
            kept(edge).then(|| {
                if position[a] > position[b] {
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
/// Each round moves vertices by at most a layer.
fn promote(pred: &[Vec<usize>], succ: &[Vec<usize>], height: &mut [usize]) {
    // A raise that would drag more vertices than this along is not tried: on a tightly
    // layered graph one raise can reach most of the graph, which made promotion quadratic,
    // and such raises almost never pay.
    const MAX_MOVED: usize = 256;
    // Rounds are capped too: each is a pass over the graph, and on deep graphs the gains of
    // late rounds are a few dummies.
    const MAX_ROUNDS: usize = 100;
    let n = height.len();
    // The vertices one raise moves: `v` and, transitively, every predecessor right above a
    // moved vertex. Collected with an explicit stack: a chain can be as deep as the graph.
    let mut moved: Vec<usize> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut stamp = vec![0u32; n];
    let mut epoch = 0u32;
    // Only vertices near last round's moves can gain from a raise now; the rest are skipped.
    let mut dirty = vec![true; n];
    let mut next_dirty = vec![false; n];
    // Every accepted raise removes at least one dummy node, so the rounds end.
    for _ in 0..MAX_ROUNDS {
        let mut improved = false;
        for v in 0..n {
            if pred[v].is_empty() || !dirty[v] {
                continue;
            }
            epoch += 1;
            moved.clear();
            stack.push(v);
            stamp[v] = epoch;
            let mut complete = true;
            while let Some(u) = stack.pop() {
                if moved.len() == MAX_MOVED {
                    complete = false;
                    break;
                }
                moved.push(u);
                for &p in &pred[u] {
                    if stamp[p] != epoch && height[p] == height[u] + 1 {
                        stamp[p] = epoch;
                        stack.push(p);
                    }
                }
            }
            // Raising a vertex lengthens its outgoing edges and shortens its incoming ones;
            // edges between two moved vertices cancel out.
            let change: i64 = moved
                .iter()
                .map(|&u| succ[u].len() as i64 - pred[u].len() as i64)
                .sum();
            stack.clear();
            if complete && change < 0 {
                improved = true;
                for &u in &moved {
                    height[u] += 1;
                    next_dirty[u] = true;
                    for &w in pred[u].iter().chain(&succ[u]) {
                        next_dirty[w] = true;
                    }
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
pub(super) fn compact(layer: &mut [usize]) {
    let mut used: Vec<usize> = layer.to_vec();
    used.sort_unstable();
    used.dedup();
    for l in layer.iter_mut() {
        *l = used.binary_search(l).unwrap_or(*l);
    }
}

/// How far from a node's index in its layer the places its links meet it may order the
/// nodes linked to it: less than half, so that they never pass its neighbours'.
const ANCHOR_SPREAD: f32 = 0.45;

/// The proper layered graph: real nodes first (same indices as the input), then dummies.
#[derive(Debug)]
pub(super) struct LayeredGraph {
    /// Node indices of each layer, in their current order.
    pub layers: Vec<Vec<usize>>,
    pub layer_of: Vec<usize>,
    /// Neighbours in the previous and next layer.
    pub up: Vec<Vec<usize>>,
    pub down: Vec<Vec<usize>>,
    /// Where each link in `up` and `down` meets this node and where it meets the
    /// neighbour, when the edge fixes them (see [`Anchors`]).
    pub anchored_up: Vec<Vec<(Option<f32>, Option<f32>)>>,
    pub anchored_down: Vec<Vec<(Option<f32>, Option<f32>)>>,
    pub widths: Vec<f32>,
    pub heights: Vec<f32>,
    /// Dummy nodes of each input edge, from lower to higher layer.
    pub chains: Vec<Vec<usize>>,
    /// How many nodes are real: dummies are numbered from here.
    pub real: usize,
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

    /// Where the links of [`LayeredGraph::swept_neighbours`] meet those neighbours, as a
    /// fraction of each one's height from its centre (`0.0` where the edge does not fix it):
    /// nodes linked to one tall box are ordered as the places they meet it.
    pub(super) fn swept_anchors(&self, v: usize, downward: bool) -> impl Iterator<Item = f32> {
        let (neighbours, anchored) = if downward {
            (&self.up[v], &self.anchored_up[v])
        } else {
            (&self.down[v], &self.anchored_down[v])
        };
        neighbours.iter().zip(anchored).map(|(&w, &(_, at))| {
            at.map_or(0.0, |at| {
                (at / self.heights[w].max(1.0)).clamp(-ANCHOR_SPREAD, ANCHOR_SPREAD)
            })
        })
    }

    fn with_dummies(
        sizes: &[Size],
        edges: &[Option<(usize, usize, bool)>],
        anchors: &[Anchors],
        layer_of: &[usize],
        through_dummies: &[bool],
    ) -> Self {
        let mut graph = Self {
            layers: Vec::new(),
            layer_of: layer_of.to_vec(),
            up: vec![Vec::new(); sizes.len()],
            down: vec![Vec::new(); sizes.len()],
            anchored_up: vec![Vec::new(); sizes.len()],
            anchored_down: vec![Vec::new(); sizes.len()],
            widths: sizes.iter().map(|s| s.w).collect(),
            heights: sizes.iter().map(|s| s.h).collect(),
            chains: vec![Vec::new(); edges.len()],
            real: sizes.len(),
        };
        for (e, edge) in edges.iter().enumerate() {
            let Some(&(a, b, reversed)) = edge.as_ref() else {
                continue;
            };
            if !through_dummies[e] {
                continue;
            }
            let (at_source, at_target) = anchors.get(e).copied().unwrap_or_default();
            let (at_a, at_b) = if reversed {
                (at_target, at_source)
            } else {
                (at_source, at_target)
            };
            let (mut previous, mut at_previous) = (a, at_a);
            for layer in layer_of[a] + 1..layer_of[b] {
                let dummy = graph.add_node(layer);
                graph.link(previous, dummy, at_previous, None);
                graph.chains[e].push(dummy);
                (previous, at_previous) = (dummy, None);
            }
            graph.link(previous, b, at_previous, at_b);
        }
        let depth = graph.layer_of.iter().max().map_or(0, |m| m + 1);
        graph.layers = vec![Vec::new(); depth];
        for (v, &layer) in graph.layer_of.iter().enumerate() {
            graph.layers[layer].push(v);
        }
        graph
    }

    /// The gap kept between neighbours `a` and `b` of a layer: the node gap between boxes,
    /// less beside a long edge's dummy and a track between two long edges, which run
    /// alongside each other like any parallel routes.
    pub(super) fn gap(&self, a: usize, b: usize, spacing: Spacing) -> f32 {
        match (a >= self.real, b >= self.real) {
            (true, true) => DUMMY_GAP,
            (false, false) => spacing.node_gap,
            _ => spacing.node_gap / 2.0,
        }
    }

    fn add_node(&mut self, layer: usize) -> usize {
        self.layer_of.push(layer);
        self.up.push(Vec::new());
        self.down.push(Vec::new());
        self.anchored_up.push(Vec::new());
        self.anchored_down.push(Vec::new());
        self.widths.push(0.0);
        self.heights.push(DUMMY_HEIGHT);
        self.layer_of.len() - 1
    }

    /// Links `a` to `b` in the next layer, meeting them at `at_a` and `at_b` where those are
    /// fixed.
    fn link(&mut self, a: usize, b: usize, at_a: Option<f32>, at_b: Option<f32>) {
        self.down[a].push(b);
        self.anchored_down[a].push((at_a, at_b));
        self.up[b].push(a);
        self.anchored_up[b].push((at_b, at_a));
    }
}

/// Where the nodes of a layered graph went.
struct Placed {
    /// Centres of every node, dummies included.
    xs: Vec<f32>,
    ys: Vec<f32>,
    /// Width of each layer's column.
    column_width: Vec<f32>,
    /// Top and bottom edge of each band.
    band_top: Vec<f32>,
    band_bottom: Vec<f32>,
    size: Size,
}

impl Placed {
    /// Bends of an edge without dummies, from `a` to `b` a layer or more to its right: out
    /// of the gap right of `a`'s column, along the channel under `a`'s band (and, between bands
    /// further apart, up the trunk right of the drawing to the channel over `b`'s band), into
    /// the gap left of `b`'s column. Edges between adjacent layers skip the first and last
    /// bend, so no edge bends more than twice per layer it spans. An edge within one band
    /// whose ends sit in its upper half (on average) runs along the channel over the band
    /// instead: its legs up and down the gaps cross every edge between the columns they pass,
    /// and run half as far. (The generated 500-component model routes a third of its edges
    /// through channels: all along the bottom, they took part in four crossings of five.)
    fn channel_route(
        &self,
        a: usize,
        b: usize,
        layer_of: &[usize],
        plan: &Plan,
        gaps: &[f32],
        spacing: Spacing,
    ) -> Vec<Point> {
        let half_gap = spacing.layer_gap / 2.0;
        let (la, lb) = (layer_of[a], layer_of[b]);
        let gap_before = |l: usize| l.checked_sub(1).map_or(spacing.layer_gap, |k| gaps[k]);
        let exit_x = self.xs[a] + self.column_width[la] / 2.0 + gaps[la] / 2.0;
        let entry_x = self.xs[b] - self.column_width[lb] / 2.0 - gap_before(lb) / 2.0;
        let (band_a, band_b) = (plan.band_of(la), plan.band_of(lb));
        let over_band = band_a == band_b
            && self.ys[a] + self.ys[b] < self.band_top[band_a] + self.band_bottom[band_a];
        let channel_out = if over_band {
            self.band_top[band_a] - half_gap
        } else {
            self.band_bottom[band_a] + half_gap
        };
        let channel_in = if band_b > band_a {
            self.band_bottom[band_b - 1] + half_gap
        } else {
            channel_out
        };
        let adjacent = lb <= la + 1;
        let mut points = Vec::with_capacity(6);
        if !adjacent {
            points.push(Point::new(exit_x, self.ys[a]));
        }
        points.push(Point::new(exit_x, channel_out));
        if band_b > band_a + 1 {
            let trunk = self.size.w + half_gap;
            points.push(Point::new(trunk, channel_out));
            points.push(Point::new(trunk, channel_in));
        }
        points.push(Point::new(entry_x, channel_in));
        if !adjacent {
            points.push(Point::new(entry_x, self.ys[b]));
        }
        points
    }
}

/// The gap right of each layer: [`Spacing::layer_gap`], or wider where an edge to the next
/// layer of its band has a caption that needs more room (see [`Hints::rooms`]), up to
/// [`MAX_CAPTION_GAP`] times as wide. Edges spanning more layers run through several gaps
/// and along channels, where a caption finds a longer stretch.
fn gaps_after(
    oriented: &[Option<(usize, usize, bool)>],
    layer_of: &[usize],
    plan: &Plan,
    rooms: &[f32],
    spacing: Spacing,
) -> Vec<f32> {
    let layers = layer_of.iter().max().map_or(0, |&last| last + 1);
    let mut gaps = vec![spacing.layer_gap; layers];
    let widest = MAX_CAPTION_GAP * spacing.layer_gap;
    for (edge, &room) in oriented.iter().zip(rooms) {
        if let Some(&(a, b, _)) = edge.as_ref() {
            let (la, lb) = (layer_of[a], layer_of[b]);
            if lb == la + 1 && plan.band_of(la) == plan.band_of(lb) {
                gaps[la] = gaps[la].max(room.min(widest));
            }
        }
    }
    gaps
}

/// Centre x of each node's column, centre y of each node, and the drawing's size. Columns are
/// as wide as their widest node; each band starts again at the left, under the one before.
/// Vertical positions start stacked, then a few sweeps move each node toward the mean of its
/// neighbours while keeping the order and the gaps.
fn coordinates(
    graph: &LayeredGraph,
    plan: &Plan,
    gaps: &[f32],
    spacing: Spacing,
    levelling: Levelling,
) -> Placed {
    let count = graph.layer_of.len();
    let mut xs = vec![0.0f32; count];
    let mut column_width = vec![0.0f32; graph.layers.len()];
    let (mut x, mut width) = (0.0f32, 0.0f32);
    for (l, layer) in graph.layers.iter().enumerate() {
        if l > 0 && plan.band_of(l) != plan.band_of(l - 1) {
            x = 0.0;
        }
        let column = layer
            .iter()
            .map(|&v| graph.widths[v])
            .fold(0.0f32, f32::max);
        column_width[l] = column;
        for &v in layer {
            xs[v] = x + column / 2.0;
        }
        width = width.max(x + column);
        x += column + gaps[l];
    }

    let mut ys = vec![0.0f32; count];
    for layer in &graph.layers {
        let mut top = 0.0f32;
        for &v in layer {
            ys[v] = top + graph.heights[v] / 2.0;
            top += graph.heights[v] + spacing.node_gap;
        }
    }
    let ports = Ports::of(graph);
    let unbounded = vec![None; graph.layers.len()];
    for sweep in 0..LEVELLING_SWEEPS / 2 {
        level_layers(graph, &ports, &mut ys, &unbounded, sweep % 2 == 0, spacing);
    }
    // Then, if asked, every layer into the height of its band's tallest where it stuck out
    // above or below.
    let bounds: Vec<Option<(f32, f32)>> = match levelling {
        Levelling::Free => unbounded,
        Levelling::WithinTallest => {
            let windows = band_windows(graph, plan, &ys);
            (0..graph.layers.len())
                .map(|l| windows[plan.band_of(l)])
                .collect()
        }
    };
    for sweep in LEVELLING_SWEEPS / 2..LEVELLING_SWEEPS {
        level_layers(graph, &ports, &mut ys, &bounds, sweep % 2 == 0, spacing);
    }

    // Each band from its own top, stacked with a channel between bands.
    let bands = plan.bands(graph.layers.len());
    let mut top = vec![f32::INFINITY; bands];
    let mut bottom = vec![f32::NEG_INFINITY; bands];
    for ((&y, &layer), &height) in ys.iter().zip(&graph.layer_of).zip(&graph.heights) {
        let band = plan.band_of(layer);
        top[band] = top[band].min(y - height / 2.0);
        bottom[band] = bottom[band].max(y + height / 2.0);
    }
    let mut shift = vec![0.0f32; bands];
    let mut band_top = vec![0.0f32; bands];
    let mut band_bottom = vec![0.0f32; bands];
    let mut y = 0.0f32;
    for band in 0..bands {
        let height = if top[band].is_finite() {
            (bottom[band] - top[band]).max(0.0)
        } else {
            0.0
        };
        shift[band] = if top[band].is_finite() {
            y - top[band]
        } else {
            y
        };
        band_top[band] = y;
        band_bottom[band] = y + height;
        y += height + spacing.layer_gap;
    }
    for v in 0..count {
        ys[v] += shift[plan.band_of(graph.layer_of[v])];
    }
    let height = band_bottom.last().copied().unwrap_or(0.0);
    Placed {
        xs,
        ys,
        column_width,
        band_top,
        band_bottom,
        size: Size::new(width, height),
    }
}

/// Sweeps over the layers placing each node level with its neighbours in the layer swept
/// from (least squares, see [`closest_ordered`]): this many, alternately down and up.
const LEVELLING_SWEEPS: usize = 8;

/// One sweep of [`coordinates`]: each layer, in turn, placed as close to level with its
/// neighbours in the layer before as its order and gaps allow, within its bounds (top,
/// bottom) if it has them.
fn level_layers(
    graph: &LayeredGraph,
    ports: &Ports,
    ys: &mut [f32],
    bounds: &[Option<(f32, f32)>],
    downward: bool,
    spacing: Spacing,
) {
    for l in graph.sweep_layers(downward) {
        let layer = &graph.layers[l];
        let wanted: Vec<f32> = layer
            .iter()
            .map(|&v| {
                let neighbours = graph.swept_neighbours(v, downward);
                if neighbours.is_empty() {
                    return ys[v];
                }
                // Where each link would run straight: the neighbour's port level with
                // this node's.
                let (far, near) = if downward {
                    (&ports.down, &ports.up)
                } else {
                    (&ports.up, &ports.down)
                };
                neighbours
                    .iter()
                    .enumerate()
                    .map(|(i, &w)| ys[w] + far.offset(graph, w, v) - near.at[v][i])
                    .sum::<f32>()
                    / neighbours.len() as f32
            })
            .collect();
        let heights: Vec<f32> = layer.iter().map(|&v| graph.heights[v]).collect();
        let gaps: Vec<f32> = std::iter::once(0.0)
            .chain(layer.windows(2).map(|w| graph.gap(w[0], w[1], spacing)))
            .collect();
        let placed = closest_ordered(&wanted, &heights, &gaps, bounds[l]);
        for (&v, y) in layer.iter().zip(placed) {
            ys[v] = y;
        }
    }
}

/// By band, the extent (top, bottom) of its tallest layer as placed: `None` for a band with
/// no nodes.
fn band_windows(graph: &LayeredGraph, plan: &Plan, ys: &[f32]) -> Vec<Option<(f32, f32)>> {
    let bands = plan.bands(graph.layers.len());
    let mut windows: Vec<Option<(f32, f32)>> = vec![None; bands];
    for (l, layer) in graph.layers.iter().enumerate() {
        let (Some(&first), Some(&last)) = (layer.first(), layer.last()) else {
            continue;
        };
        let top = ys[first] - graph.heights[first] / 2.0;
        let bottom = ys[last] + graph.heights[last] / 2.0;
        let window = &mut windows[plan.band_of(l)];
        if window.is_none_or(|(t, b)| bottom - top > b - t) {
            *window = Some((top, bottom));
        }
    }
    windows
}

/// Where each node's links leave it, relative to its centre, on one side: where the edge
/// fixes it (see [`Anchors`]), else spread evenly down the side in the order of the nodes at
/// their far ends, as the router spreads ports.
struct SidePorts {
    /// By node, in the order of its neighbour list on this side.
    at: Vec<Vec<f32>>,
}

impl SidePorts {
    fn new(graph: &LayeredGraph, position: &[usize], downward: bool) -> Self {
        let at = (0..graph.layer_of.len())
            .map(|v| {
                let (neighbours, anchored) = if downward {
                    (&graph.down[v], &graph.anchored_down[v])
                } else {
                    (&graph.up[v], &graph.anchored_up[v])
                };
                let mut by_position: Vec<usize> = (0..neighbours.len()).collect();
                by_position.sort_by_key(|&i| (position[neighbours[i]], i));
                let count = neighbours.len() as f32;
                let height = graph.heights[v];
                let mut offsets = vec![0.0; neighbours.len()];
                for (k, &i) in by_position.iter().enumerate() {
                    offsets[i] = anchored[i]
                        .0
                        .unwrap_or(height * ((k as f32 + 1.0) / (count + 1.0) - 0.5));
                }
                offsets
            })
            .collect();
        Self { at }
    }

    /// The offset of `w`'s port toward `v` (the first such link, if there are several).
    fn offset(&self, graph: &LayeredGraph, w: usize, v: usize) -> f32 {
        let neighbours = if graph.down[w].contains(&v) {
            &graph.down[w]
        } else {
            &graph.up[w]
        };
        neighbours
            .iter()
            .position(|&u| u == v)
            .and_then(|i| self.at[w].get(i).copied())
            .unwrap_or(0.0)
    }
}

/// The ports of every node on both sides: toward the next layer and toward the previous.
struct Ports {
    down: SidePorts,
    up: SidePorts,
}

impl Ports {
    fn of(graph: &LayeredGraph) -> Self {
        let position = order::positions(graph);
        Self {
            down: SidePorts::new(graph, &position, true),
            up: SidePorts::new(graph, &position, false),
        }
    }
}

/// Centres as close as possible (least squares) to `wanted`, in the same order, with `gap`
/// between neighbours, and within `bounds` (top, bottom) where they fit: isotonic regression
/// by pooling adjacent violators, whose result clamped to the bounds is the closest within
/// them.
fn closest_ordered(
    wanted: &[f32],
    heights: &[f32],
    gaps: &[f32],
    bounds: Option<(f32, f32)>,
) -> Vec<f32> {
    // Shift each target by the room its predecessors need, so the constraint becomes a plain
    // non-decreasing sequence.
    let mut offsets = Vec::with_capacity(wanted.len());
    let mut offset = 0.0f32;
    for (i, h) in heights.iter().enumerate() {
        if i > 0 {
            offset += heights[i - 1] / 2.0 + gaps[i] + h / 2.0;
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
    // In the shifted sequence the first centre lies half its height under the top, the last
    // its offset and half its height over the bottom.
    let range = bounds.and_then(|(top, bottom)| {
        let low = top + heights.first()? / 2.0;
        let high = bottom - heights.last()? / 2.0 - offsets.last()?;
        (low <= high).then_some((low, high))
    });
    blocks
        .iter()
        .flat_map(|&(mean, count)| std::iter::repeat_n(mean, count))
        .map(|z| range.map_or(z, |(low, high)| z.clamp(low, high)))
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
    fn a_transposed_drawing_runs_top_to_bottom_with_its_bends() {
        let d = draw(
            &boxes(4),
            &[(0, 1), (1, 2), (0, 2), (2, 3), (0, 3)],
            Spacing::default(),
        );
        let t = d.clone().transposed();
        assert_eq!(t.size, Size::new(d.size.h, d.size.w));
        for (p, q) in d.positions.iter().zip(&t.positions) {
            assert_eq!((p.x, p.y), (q.y, q.x));
        }
        assert!(t.positions[0].y < t.positions[1].y && t.positions[1].y < t.positions[2].y);
        assert!(t.bends.iter().any(|b| !b.is_empty()), "the long edges bend");
        for (b, c) in d.bends.iter().flatten().zip(t.bends.iter().flatten()) {
            assert_eq!((b.x, b.y), (c.y, c.x));
        }
    }

    /// The gap between two layers holds the longest caption of the edges joining them, up
    /// to twice the usual gap; an edge that skips a layer, or says nothing, widens nothing.
    #[test]
    fn a_long_caption_widens_the_gap_between_the_layers_it_joins() {
        let sizes = [Size::new(100.0, 50.0); 3];
        let spacing = Spacing::default();
        let gap_after = |rooms: &[f32], edges: &[(usize, usize)]| {
            let d = draw_hinted(
                &sizes,
                edges,
                &Hints {
                    rooms,
                    ..Hints::default()
                },
                spacing,
                Choices::default(),
            );
            let mut xs: Vec<f32> = d.positions.iter().map(|p| p.x).collect();
            xs.sort_by(f32::total_cmp);
            xs.dedup();
            xs.windows(2)
                .map(|w| w[1] - w[0] - 100.0)
                .collect::<Vec<f32>>()
        };
        let chain = [(0, 1), (1, 2)];
        assert_eq!(gap_after(&[], &chain), [spacing.layer_gap; 2]);
        assert_eq!(gap_after(&[0.0, 160.0], &chain), [spacing.layer_gap, 160.0]);
        assert_eq!(
            gap_after(&[900.0, 0.0], &chain),
            [MAX_CAPTION_GAP * spacing.layer_gap, spacing.layer_gap]
        );
        // 0 to 2 skips a layer: its caption finds room on its longer route.
        assert_eq!(
            gap_after(&[0.0, 0.0, 300.0], &[(0, 1), (1, 2), (0, 2)]),
            [spacing.layer_gap; 2]
        );
    }

    /// Two boxes calling into a tall one (a boundary's block) where its members sit, near its
    /// top and its bottom: each is drawn level with where it meets the block, where spread
    /// ports would have put them a third of the block apart.
    #[test]
    fn anchored_edges_place_their_far_ends_level_with_where_they_meet_a_tall_box() {
        let sizes = [
            Size::new(200.0, 600.0),
            Size::new(100.0, 50.0),
            Size::new(100.0, 50.0),
        ];
        let (low, high) = (250.0, -250.0);
        let d = draw_hinted(
            &sizes,
            &[(1, 0), (2, 0)],
            &Hints {
                anchors: &[(None, Some(high)), (None, Some(low))],
                ..Hints::default()
            },
            Spacing::default(),
            Choices::default(),
        );
        let centre = |v: usize| d.positions[v].y + sizes[v].h / 2.0;
        assert!((centre(1) - (centre(0) + high)).abs() < 1.0, "{d:?}");
        assert!((centre(2) - (centre(0) + low)).abs() < 1.0, "{d:?}");
    }

    #[test]
    fn the_fewest_against_reverses_the_lone_edge_of_a_two_way_pair_and_weighs_light_edges_less() {
        let reversed = |cycles: &[Option<(usize, usize, bool)>]| -> Vec<bool> {
            cycles.iter().map(|e| e.is_some_and(|e| e.2)).collect()
        };
        // Node 1 calls node 0 twice, node 0 calls node 1 once.
        let pair = [(1, 0), (1, 0), (0, 1)];
        assert_eq!(
            reversed(&depth_first_cycles(2, &pair, &[])),
            [true, true, false],
            "a depth-first search from node 0 reverses the two"
        );
        assert_eq!(
            reversed(&fewest_against(2, &pair, &[])),
            [false, false, true]
        );
        // Node 0 calls node 1 once; node 1 sends node 0 three light edges (telemetry).
        let telemetry = [(1, 0), (1, 0), (1, 0), (0, 1)];
        assert_eq!(
            reversed(&fewest_against(2, &telemetry, &[true, true, true, false])),
            [true, true, true, false],
            "the call runs forward"
        );
        assert_eq!(
            reversed(&fewest_against(2, &telemetry, &[])),
            [false, false, false, true]
        );
        // Self-loops and edges to nodes outside the drawing are left out; equals go in order.
        let cycle = [(0, 1), (1, 2), (2, 0), (2, 2), (0, 9)];
        let oriented = fewest_against(3, &cycle, &[]);
        assert_eq!(oriented[3..], [None, None]);
        assert_eq!(reversed(&oriented), [false, false, true, false, false]);
    }

    #[test]
    fn a_depth_first_search_starts_from_the_entered_nodes() {
        // Node 0 calls node 1, which calls it back: from node 0 the call back runs
        // backwards; with node 1 entered from outside, node 0's call does.
        let pair = [(0, 1), (1, 0)];
        let reversed = |entered: &[bool]| -> Vec<bool> {
            depth_first_cycles(2, &pair, entered)
                .iter()
                .map(|e| e.is_some_and(|e| e.2))
                .collect()
        };
        assert_eq!(reversed(&[]), [false, true]);
        assert_eq!(reversed(&[false, true]), [true, false]);
    }

    #[test]
    fn a_depth_first_search_gives_way_where_it_runs_three_times_the_fewest_backwards() {
        let x = |edges: &[(usize, usize)]| -> Vec<f32> {
            draw(&boxes(3), edges, Spacing::default())
                .positions
                .iter()
                .map(|p| p.x)
                .collect()
        };
        // Ingest (0) calls storage (1) first, then processing (2); storage calls processing
        // once, processing writes to storage four times. Depth first from ingest would run
        // those four backwards.
        let heavy = [(0, 1), (0, 2), (1, 2), (2, 1), (2, 1), (2, 1), (2, 1)];
        let xs = x(&heavy);
        assert!(
            xs[0] < xs[2] && xs[2] < xs[1],
            "ingest, processing, storage: {xs:?}"
        );
        // Two writes back against one call are not enough: the author's order stays.
        let light = [(0, 1), (0, 2), (1, 2), (2, 1), (2, 1)];
        let xs = x(&light);
        assert!(
            xs[0] < xs[1] && xs[1] < xs[2],
            "ingest, storage, processing: {xs:?}"
        );
    }

    #[test]
    fn either_way_of_breaking_cycles_draws_every_edge_and_keeps_nodes_apart() {
        let edges = [(0, 1), (1, 2), (2, 0), (2, 1), (1, 0), (3, 0)];
        for cycles in [Cycles::DepthFirst, Cycles::FewestAgainst] {
            let choices = Choices {
                cycles,
                ..Choices::default()
            };
            let d = draw_hinted(
                &boxes(4),
                &edges,
                &Hints::default(),
                Spacing::default(),
                choices,
            );
            assert_eq!(d.bends.len(), edges.len());
            for (i, a) in d.positions.iter().enumerate() {
                for b in &d.positions[i + 1..] {
                    let apart = (a.x - b.x).abs() >= 100.0 || (a.y - b.y).abs() >= 50.0;
                    assert!(apart, "{cycles:?}: {d:?}");
                }
            }
        }
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
    fn an_edge_without_dummies_runs_along_the_channel_nearer_its_ends() {
        // One band 1,000 high, four layers 300 apart; edges from layer 0 to layer 3.
        let placed = Placed {
            xs: vec![50.0, 950.0, 50.0, 950.0],
            ys: vec![100.0, 300.0, 900.0, 600.0],
            column_width: vec![100.0; 4],
            band_top: vec![0.0],
            band_bottom: vec![1000.0],
            size: Size::new(1000.0, 1000.0),
        };
        let plan = Plan {
            band_layers: 4,
            through_dummies: vec![false; 2],
        };
        let layer_of = [0, 3, 0, 3];
        let spacing = Spacing::default();
        let gaps = [200.0; 4];
        let channel = |a, b| placed.channel_route(a, b, &layer_of, &plan, &gaps, spacing)[1].y;
        let half_gap = spacing.layer_gap / 2.0;
        // Ends in the upper half on average: over the band; in the lower: under it.
        assert_eq!(channel(0, 1), -half_gap);
        assert_eq!(channel(2, 3), 1000.0 + half_gap);
        assert_eq!(channel(0, 3), -half_gap, "100 and 600: 350 on average");
        assert_eq!(
            channel(2, 1),
            1000.0 + half_gap,
            "900 and 300: 600 on average"
        );
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
    fn kept_within_the_tallest_layer_a_layer_no_longer_stands_out_above_it() {
        // A card called from the very top of a tall box stands half its height above it
        // when drawn level; kept within the tallest layer, its top is the box's.
        let sizes = [Size::new(200.0, 600.0), Size::new(100.0, 50.0)];
        let top_of_tall_box = -300.0;
        let drawn = |levelling| {
            draw_hinted(
                &sizes,
                &[(1, 0)],
                &Hints {
                    anchors: &[(None, Some(top_of_tall_box))],
                    ..Hints::default()
                },
                Spacing::default(),
                Choices {
                    levelling,
                    ..Choices::default()
                },
            )
        };
        let free = drawn(Levelling::Free);
        let standing_out = free.positions[0].y - free.positions[1].y;
        assert!((standing_out - 25.0).abs() < 1.0, "{free:?}");
        assert!((free.size.h - 625.0).abs() < 1.0, "{free:?}");
        let within = drawn(Levelling::WithinTallest);
        assert!(
            (within.positions[1].y - within.positions[0].y).abs() < 1.0,
            "{within:?}"
        );
        assert!((within.size.h - 600.0).abs() < 1.0, "{within:?}");
    }

    #[test]
    fn pooling_within_bounds_piles_up_against_the_bound_in_order() {
        // Both want to sit below the bottom: the last is held against it, the first a gap
        // above; with room, nothing moves.
        let placed = closest_ordered(
            &[100.0, 200.0],
            &[10.0, 10.0],
            &[0.0, 5.0],
            Some((0.0, 50.0)),
        );
        assert!((placed[1] - 45.0).abs() < 0.01, "{placed:?}");
        assert!((placed[0] - 30.0).abs() < 0.01, "{placed:?}");
        let roomy = closest_ordered(&[10.0, 30.0], &[10.0, 10.0], &[0.0, 5.0], Some((0.0, 50.0)));
        assert_eq!(roomy, vec![10.0, 30.0]);
    }

    #[test]
    fn pooling_keeps_order_and_gaps() {
        let placed = closest_ordered(
            &[10.0, 0.0, 5.0],
            &[10.0, 10.0, 10.0],
            &[0.0, 5.0, 5.0],
            None,
        );
        assert!(placed[1] - placed[0] >= 14.99);
        assert!(placed[2] - placed[1] >= 14.99);
    }
}
