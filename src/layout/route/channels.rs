//! Ordering the jogs that share a channel. Each route is found on its own, so where its jog
//! (the segment between two parallel segments running the same way: across the gap between
//! two columns of a left-to-right drawing) sits in the gap depends on which routes came
//! before it, not on where the others go: two routes entering the gap at heights 1 and 2 and
//! leaving it at 3 and 4 cross twice when the upper one jogs first and not at all the other
//! way round. This pass gathers the jogs that can move across the same free room, orders
//! each group of overlapping ones so that the fewest of them cross (the channel-routing
//! ordering of Sander's orthogonal edge routing, as ELK's layered router does), and spreads
//! them evenly across the room.

use rustc_hash::FxHashSet as HashSet;

use crate::model::{Point, Rect};

use super::{Blocked, CLEARANCE, HUG, Obstacles, Request, STUB, SpatialIndex, TRACK, Tracks};

/// How far a jog may move from where its route put it.
const REACH: f32 = 240.0;
/// The most jogs whose order is chosen together: each pair is compared, so the work grows
/// with the square of this; larger groups keep the order their routes gave them.
const MAX_GROUP: usize = 96;
/// The least distance between jogs spread across a room: a fan of routes into one side of
/// a box needs a track each, and reads as a fan even this close.
const MIN_GAP: f32 = 4.0;
/// Jogs on one line must leave this much between them along it, or they read as one line.
const LINE_GAP: f32 = 3.0 * TRACK;
/// Jogs closer than this across their axis share a channel.
const CHANNEL_GAP: f32 = 3.0 * TRACK;
/// Rounds of moving each jog to its best place in the order.
const SIFTING_ROUNDS: usize = 3;
/// The widest gap between jogs spread across a room: wider reads as unrelated lines.
const MAX_SPREAD: f32 = 3.0 * TRACK;

/// A segment that can slide across its axis, between its two neighbours (at right angles
/// to it): a jog, whose neighbours run on to either side, so that moving it lengthens one
/// and shortens the other; or a bump, whose neighbours both come from one side (a route
/// running round something, or between two grid cells), so that moving it lengthens or
/// shortens both.
#[derive(Debug, Clone)]
struct Jog {
    route: usize,
    /// The jog runs from point `at` to point `at + 1` of its route.
    at: usize,
    vertical: bool,
    /// Where it sits across its axis (x for a vertical jog).
    pos: f32,
    /// Its span along its axis.
    lo: f32,
    hi: f32,
    /// Where its two neighbours join it along its axis, and whether each runs off to the
    /// higher side (right of a vertical jog) rather than the lower one.
    neighbours: [(f32, bool); 2],
    /// The room it may move in across its axis.
    room: (f32, f32),
}

impl Jog {
    fn overlaps(&self, other: &Jog) -> bool {
        self.lo < other.hi + LINE_GAP && other.lo < self.hi + LINE_GAP
    }

    fn spans(&self, at: f32) -> bool {
        self.lo + 0.5 < at && at < self.hi - 0.5
    }

    /// Crossings between this jog and `other` when this one sits on the lower side: the
    /// other's neighbours that run off to the lower side cross this jog where it spans
    /// them, and this one's that run off to the higher side cross the other.
    fn crossings_before(&self, other: &Jog) -> usize {
        let crossing = |jog: &Jog, toward_higher: bool, across: &Jog| {
            jog.neighbours
                .iter()
                .filter(|&&(at, higher)| higher == toward_higher && across.spans(at))
                .count()
        };
        crossing(other, false, self) + crossing(self, true, other)
    }
}

/// Reorders and spreads the jogs of `routes` (by request) that share a channel, where that
/// removes crossings and every moved segment stays clear of what its route must avoid and
/// of the other routes' segments.
pub(super) fn order_jogs(
    obstacles: &Obstacles,
    index: &SpatialIndex,
    requests: &[Request<'_>],
    routes: &mut [Vec<Point>],
) {
    let blocked: Vec<Blocked<'_>> = requests
        .iter()
        .map(|r| Blocked::new(obstacles, index, r.from, r.to))
        .collect();
    // Vertical jogs first (the gaps between a left-to-right drawing's columns), then
    // horizontal ones on the routes as they now run: a segment and its neighbour never move
    // in the same pass, so every move is checked against the geometry it lands in.
    for vertical in [true, false] {
        order_jogs_of(obstacles, index, &blocked, routes, vertical);
    }
}

/// [`order_jogs`] for the jogs of one orientation.
fn order_jogs_of(
    obstacles: &Obstacles,
    index: &SpatialIndex,
    blocked: &[Blocked<'_>],
    routes: &mut [Vec<Point>],
    vertical: bool,
) {
    let mut jogs: Vec<Jog> = Vec::new();
    for (route, points) in routes.iter().enumerate() {
        find_jogs(route, points, vertical, &mut jogs);
    }
    let mut tracks = Tracks::default();
    let is_jog: HashSet<(usize, usize)> = jogs.iter().map(|j| (j.route, j.at)).collect();
    for (route, points) in routes.iter().enumerate() {
        for (at, pair) in points.windows(2).enumerate() {
            if !is_jog.contains(&(route, at)) {
                tracks.take(pair);
            }
        }
    }
    let mut moves: Vec<(usize, usize, bool, f32)> = Vec::new();
    for mut group in groups(jogs) {
        // Only jogs that could move together need the room around them: a jog already
        // meeting an obstacle stays where it is.
        if (2..=MAX_GROUP).contains(&group.len()) {
            group.retain_mut(
                |jog| match room(obstacles, index, &blocked[jog.route], jog) {
                    Some(room) => {
                        jog.room = room;
                        true
                    }
                    None => {
                        tracks.take(&routes[jog.route][jog.at..jog.at + 2]);
                        false
                    }
                },
            );
            // Two jogs of one route keep to either side of the middle between them (see
            // `find_jogs`), so no room holds both: the route's later ones stay where they
            // are, for the others to spread round.
            let mut seen = HashSet::default();
            group.retain(|jog| {
                let first = seen.insert(jog.route);
                if !first {
                    tracks.take(&routes[jog.route][jog.at..jog.at + 2]);
                }
                first
            });
            let common = group
                .iter()
                .fold((f32::NEG_INFINITY, f32::INFINITY), |r, j| {
                    (r.0.max(j.room.0), r.1.min(j.room.1))
                });
            for jog in &mut group {
                jog.room = common;
            }
        }
        let placed = place(&group);
        // A jog whose new place meets an obstacle or another route's segment stays where
        // its route put it.
        let positions: Vec<f32> = group
            .iter()
            .enumerate()
            .map(|(i, jog)| {
                let points = &routes[jog.route];
                placed
                    .as_ref()
                    .map(|placed| placed[i])
                    .filter(|&pos| {
                        let moved = moved_segments(points, jog, pos);
                        let last = points.len() - 2;
                        !tracks.taken(
                            extended(moved[1], moved[2], LINE_GAP),
                            extended(moved[2], moved[1], LINE_GAP),
                        ) && moved.windows(2).enumerate().all(|(k, w)| {
                            let segment = jog.at - 1 + k;
                            blocked[jog.route].segment_clear(
                                w[0],
                                w[1],
                                segment == 0 || segment == last,
                            )
                        })
                    })
                    .unwrap_or(jog.pos)
            })
            .collect();
        for (jog, &pos) in group.iter().zip(&positions) {
            let moved = moved_segments(&routes[jog.route], jog, pos);
            tracks.take(&moved[1..3]);
            if pos != jog.pos {
                moves.push((jog.route, jog.at, jog.vertical, pos));
            }
        }
    }
    for (route, at, vertical, pos) in moves {
        for point in &mut routes[route][at..at + 2] {
            if vertical {
                point.x = pos;
            } else {
                point.y = pos;
            }
        }
    }
}

/// The vertical (or, with `vertical` false, horizontal) jogs of one route: every segment of
/// that orientation that can slide. Two jogs joined by a segment each keep to their side of
/// the middle between them, so that segment cannot turn around.
fn find_jogs(route: usize, points: &[Point], vertical: bool, jogs: &mut Vec<Jog>) {
    let last = points.len().saturating_sub(1);
    // Room kept from the point a neighbour starts at: a port's stub, or a track from a bend.
    let margin = |i: usize| if i == 0 || i == last { STUB } else { TRACK };
    let mut found: Vec<Jog> = Vec::new();
    for at in 1..last.saturating_sub(1) {
        let (p, a, b, q) = (points[at - 1], points[at], points[at + 1], points[at + 2]);
        let oriented = if vertical {
            (a.x - b.x).abs() < 0.01 && (a.y - b.y).abs() >= 0.01
        } else {
            (a.y - b.y).abs() < 0.01 && (a.x - b.x).abs() >= 0.01
        };
        let across = |p: Point| if vertical { p.x } else { p.y };
        let along = |p: Point| if vertical { p.y } else { p.x };
        let level = |u: Point, v: Point| (along(u) - along(v)).abs() < 0.01;
        let into = across(a) - across(p);
        let out = across(q) - across(b);
        if !(oriented && level(p, a) && level(b, q) && into.abs() >= 0.01 && out.abs() >= 0.01) {
            continue;
        }
        // Each neighbour runs off toward its far end; the segment keeps a margin from it.
        let (from_p, from_q) = (into < 0.0, out > 0.0);
        let mut room = (f32::NEG_INFINITY, f32::INFINITY);
        for (far, higher, margin) in [
            (across(p), from_p, margin(at - 1)),
            (across(q), from_q, margin(at + 2)),
        ] {
            if higher {
                room.1 = room.1.min(far - margin);
            } else {
                room.0 = room.0.max(far + margin);
            }
        }
        if room.0 <= across(a) && across(a) <= room.1 {
            found.push(Jog {
                route,
                at,
                vertical,
                pos: across(a),
                lo: along(a).min(along(b)),
                hi: along(a).max(along(b)),
                neighbours: [(along(a), from_p), (along(b), from_q)],
                room,
            });
        }
    }
    for i in 1..found.len() {
        let (done, rest) = found.split_at_mut(i);
        let (first, second) = (&mut done[i - 1], &mut rest[0]);
        if second.at == first.at + 2 {
            let middle = (first.pos + second.pos) / 2.0;
            if first.pos < second.pos {
                first.room.1 = first.room.1.min(middle - TRACK / 2.0);
                second.room.0 = second.room.0.max(middle + TRACK / 2.0);
            } else {
                first.room.0 = first.room.0.max(middle + TRACK / 2.0);
                second.room.1 = second.room.1.min(middle - TRACK / 2.0);
            }
        }
    }
    jogs.extend(
        found
            .into_iter()
            .filter(|j| j.room.0 <= j.pos && j.pos <= j.room.1),
    );
}

/// The room a jog can move in without meeting an obstacle of its route or running along a
/// boundary's border, or `None` when it already meets one.
fn room(
    obstacles: &Obstacles,
    index: &SpatialIndex,
    blocked: &Blocked<'_>,
    jog: &Jog,
) -> Option<(f32, f32)> {
    let mut low = jog.room.0.max(jog.pos - REACH);
    let mut high = jog.room.1.min(jog.pos + REACH);
    // Rectangles in the jog's frame: across its axis first, then along it.
    let frame = |r: Rect| {
        if jog.vertical {
            (r.x, r.x + r.w, r.y, r.y + r.h)
        } else {
            (r.y, r.y + r.h, r.x, r.x + r.w)
        }
    };
    let reach = if jog.vertical {
        Rect::new(low - HUG, jog.lo, high - low + 2.0 * HUG, jog.hi - jog.lo)
    } else {
        Rect::new(jog.lo, low - HUG, jog.hi - jog.lo, high - low + 2.0 * HUG)
    };
    let boxes = obstacles.boxes.len();
    let mut inside = false;
    index.near(reach, |id| {
        let id = id as usize;
        let obstacle = if id < boxes {
            let own = id == blocked.from || id == blocked.to;
            Some(obstacles.boxes[id].inflated(if own { CLEARANCE / 2.0 } else { CLEARANCE }))
        } else {
            blocked.rect(id as u32)
        };
        if let Some(rect) = obstacle {
            let (start, end, lo, hi) = frame(rect);
            if lo < jog.hi && jog.lo < hi {
                if end <= jog.pos {
                    low = low.max(end);
                } else if start >= jog.pos {
                    high = high.min(start);
                } else {
                    inside = true;
                }
            }
        }
        if let Some(border) = id
            .checked_sub(boxes)
            .and_then(|k| obstacles.boundaries.get(k))
        {
            let (start, end, lo, hi) = frame(*border);
            if hi.min(jog.hi) - lo.max(jog.lo) > HUG {
                for line in [start, end] {
                    if (line - jog.pos).abs() <= HUG {
                        continue;
                    }
                    if line < jog.pos {
                        low = low.max(line + HUG);
                    } else {
                        high = high.min(line - HUG);
                    }
                }
            }
        }
        inside
    });
    (!inside && low <= jog.pos && jog.pos <= high).then_some((low, high))
}

/// Groups of jogs placed together: jogs of one orientation whose rooms share a stretch wide
/// enough for two tracks, split into runs that overlap along their axis (jogs that do not
/// overlap never cross, whatever their order).
fn groups(mut jogs: Vec<Jog>) -> Vec<Vec<Jog>> {
    jogs.sort_by(|a, b| {
        (a.vertical, a.pos, a.route, a.at)
            .partial_cmp(&(b.vertical, b.pos, b.route, b.at))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    // Channels: jogs the routes put near each other, chained.
    let mut channels: Vec<Vec<Jog>> = Vec::new();
    for jog in jogs {
        match channels.last_mut() {
            Some(channel)
                if channel[0].vertical == jog.vertical
                    && channel
                        .last()
                        .is_some_and(|last| jog.pos - last.pos <= CHANNEL_GAP) =>
            {
                channel.push(jog);
            }
            _ => channels.push(vec![jog]),
        }
    }
    let mut out = Vec::new();
    for mut channel in channels {
        channel.sort_by(|a, b| {
            (a.lo, a.hi, a.route, a.at)
                .partial_cmp(&(b.lo, b.hi, b.route, b.at))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let mut run: Vec<Jog> = Vec::new();
        let mut end = f32::NEG_INFINITY;
        for jog in channel {
            if !run.is_empty() && jog.lo >= end + LINE_GAP {
                out.push(std::mem::take(&mut run));
            }
            end = end.max(jog.hi);
            run.push(jog);
        }
        if !run.is_empty() {
            out.push(run);
        }
    }
    out
}

/// New positions for a group (in its order), or `None` when its order is already as good or
/// its room too narrow for its tracks.
fn place(group: &[Jog]) -> Option<Vec<f32>> {
    let n = group.len();
    if !(2..=MAX_GROUP).contains(&n) {
        return None;
    }
    // Start from where the routes put them, then move each to its best place in the order.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| group[a].pos.total_cmp(&group[b].pos).then(a.cmp(&b)));
    let cost = |a: usize, b: usize| group[a].crossings_before(&group[b]) as i64;
    let total = |order: &[usize]| -> i64 {
        let mut sum = 0;
        for (i, &a) in order.iter().enumerate() {
            for &b in &order[i + 1..] {
                sum += cost(a, b);
            }
        }
        sum
    };
    let before = current_crossings(group);
    for _ in 0..SIFTING_ROUNDS {
        let mut improved = false;
        for v in 0..n {
            let from = order.iter().position(|&u| u == v).unwrap_or(0);
            order.remove(from);
            // The change in crossings from putting `v` at each place, first to last.
            let mut change: i64 = order.iter().map(|&u| cost(v, u)).sum();
            let (mut best, mut best_change) = (0, change);
            for (i, &u) in order.iter().enumerate() {
                change += cost(u, v) - cost(v, u);
                if change < best_change {
                    best = i + 1;
                    best_change = change;
                }
            }
            let kept: i64 = order[..from].iter().map(|&u| cost(u, v)).sum::<i64>()
                + order[from..].iter().map(|&u| cost(v, u)).sum::<i64>();
            let at = if best_change < kept { best } else { from };
            improved |= at != from;
            order.insert(at, v);
        }
        if !improved {
            break;
        }
    }
    let after = total(&order);
    // Worth moving when fewer cross, or as few cross and some now share a track.
    let shared = group.iter().enumerate().any(|(i, a)| {
        group[i + 1..]
            .iter()
            .any(|b| a.overlaps(b) && (a.pos - b.pos).abs() < TRACK / 2.0)
    });
    if after > before || (after == before && !shared) {
        return None;
    }
    // Tracks: each jog one further out than every earlier jog it overlaps.
    let mut slot = vec![0usize; n];
    for (i, &v) in order.iter().enumerate() {
        slot[v] = order[..i]
            .iter()
            .filter(|&&u| group[u].overlaps(&group[v]))
            .map(|&u| slot[u] + 1)
            .max()
            .unwrap_or(0);
    }
    let slots = slot.iter().max().map_or(1, |s| s + 1);
    let (low, high) = group[0].room;
    // Spread with room to spare on either side, or (when that leaves less than a track
    // between them) from one side of the room to the other.
    let mut gap = ((high - low) / (slots as f32 + 1.0)).min(MAX_SPREAD);
    if gap < TRACK && slots > 1 {
        gap = (high - low) / (slots as f32 - 1.0);
    }
    if gap < MIN_GAP {
        return None;
    }
    // Centred where the routes put them, as far as the room allows: a wide room (a
    // corridor beside a whole boundary) would otherwise carry them far off their way.
    let half = gap * (slots as f32 - 1.0) / 2.0;
    let mean = group.iter().map(|j| j.pos).sum::<f32>() / n as f32;
    let middle = mean.clamp(low + half, (high - half).max(low + half));
    let first = middle - half;
    Some(slot.iter().map(|&s| first + gap * s as f32).collect())
}

/// Crossings among a group's jogs where their routes put them.
fn current_crossings(group: &[Jog]) -> i64 {
    let mut sum = 0;
    for (i, a) in group.iter().enumerate() {
        for b in &group[i + 1..] {
            if !a.overlaps(b) {
                continue;
            }
            sum += if a.pos <= b.pos {
                a.crossings_before(b)
            } else {
                b.crossings_before(a)
            } as i64;
        }
    }
    sum
}

/// `a` moved `by` further from `b`, along the line through both.
fn extended(a: Point, b: Point, by: f32) -> Point {
    let length = (a.x - b.x).hypot(a.y - b.y);
    if length < 0.01 {
        return a;
    }
    Point::new(
        a.x + (a.x - b.x) / length * by,
        a.y + (a.y - b.y) / length * by,
    )
}

/// The jog's two neighbours and itself, with the jog moved to `pos`: four points.
fn moved_segments(points: &[Point], jog: &Jog, pos: f32) -> [Point; 4] {
    let set = |p: Point| {
        if jog.vertical {
            Point::new(pos, p.y)
        } else {
            Point::new(p.x, pos)
        }
    };
    [
        points[jog.at - 1],
        set(points[jog.at]),
        set(points[jog.at + 1]),
        points[jog.at + 2],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vertical jog at `pos`, entered from the left at `before` and left to the right at
    /// `after`.
    fn jog(pos: f32, before: f32, after: f32) -> Jog {
        Jog {
            route: 0,
            at: 1,
            vertical: true,
            pos,
            lo: before.min(after),
            hi: before.max(after),
            neighbours: [(before, false), (after, true)],
            room: (0.0, 100.0),
        }
    }

    #[test]
    fn of_two_nested_bumps_on_one_track_the_inner_one_runs_inside() {
        // Both come in from the left and go back left: the one spanning 20 to 30 inside the
        // one spanning 10 to 40, or the outer one's ends cross it.
        let bump = |pos: f32, lo: f32, hi: f32| Jog {
            neighbours: [(lo, false), (hi, false)],
            ..jog(pos, lo, hi)
        };
        let group = [bump(50.0, 10.0, 40.0), bump(50.0, 20.0, 30.0)];
        let placed = place(&group).expect("spread off the shared track");
        assert!(placed[1] < placed[0], "{placed:?}");
        let moved = [bump(placed[0], 10.0, 40.0), bump(placed[1], 20.0, 30.0)];
        assert_eq!(current_crossings(&moved), 0);
    }

    #[test]
    fn of_two_jogs_going_down_the_lower_one_turns_first() {
        // Entering at 10 and 20, leaving at 30 and 40: the upper one jogging first crosses
        // twice.
        let group = [jog(40.0, 10.0, 30.0), jog(60.0, 20.0, 40.0)];
        assert_eq!(current_crossings(&group), 2);
        let placed = place(&group).expect("a better order");
        assert!(placed[1] < placed[0], "{placed:?}");
    }

    #[test]
    fn jogs_already_in_the_best_order_stay_where_they_are() {
        let group = [jog(60.0, 10.0, 30.0), jog(40.0, 20.0, 40.0)];
        assert_eq!(current_crossings(&group), 0);
        assert_eq!(place(&group), None);
    }
}
