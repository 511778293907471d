//! Orthogonal edge routing: every connection leaves its source and enters its target
//! through a port on the side that faces the other end, ports spread along each side, and
//! runs in horizontal and vertical segments that never cross a component or a boundary that
//! holds neither end. The editor and every diagram export with geometry draw these routes.
//!
//! Most connections of a drawing join boxes with a free gap between them: a straight line or
//! one jog (three segments) through the gap does, and is found by probing a few jog
//! positions against a spatial index of the obstacles. The rest are routed by a shortest
//! path with bend penalties over the local orthogonal grid the nearby obstacles span, in a
//! window that grows until a route exists. Jogs of different connections keep apart, so
//! parallel segments stay distinguishable.

use std::cell::Cell;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

mod channels;

use crate::catalog::{Catalog, ConnectionStyle};
use crate::fonts;
use crate::model::{Component, Connection, Document, EdgeStyle, Group, Point, Rect};

/// Distance kept from every obstacle.
const CLEARANCE: f32 = 10.0;
/// Distance kept from a boundary a route does not enter, so that it is not read as part of
/// the boundary's outline.
const BOUNDARY_CLEARANCE: f32 = 8.0;
/// A route running this close along a boundary's border reads as part of its outline.
const HUG: f32 = 18.0;
/// What running along a border costs the grid search, per pixel, on top of the length: a
/// little, so that it takes another channel of about the same length (a lot sends routes
/// on long detours that cross more than they save).
const HUG_COST: f32 = 0.25;
/// What running in the gap between two borders (a boundary's and its parent's, or two
/// siblings'), closer than [`HUG`] to both, costs on top: such a route frames the boundaries
/// it runs between, and leaving them for open space is nearly always worth its bends.
const SQUEEZE_COST: f32 = 3.0;
/// What running on another route's track costs the grid search, per pixel, on top of the
/// length: so much that a route takes a detour of several bends rather than run where two
/// connections would read as one line (it still may, where nothing else leads through).
const SHARED_TRACK_COST: f32 = 12.0;
/// What crossing another route costs the grid search, in pixels of length.
const CROSSING_COST: f32 = 80.0;
/// What a step through a boundary's title costs the grid search: as much as a crossing,
/// since the title reads struck out (reviewers asked first for routes off titles).
const TITLE_COST: f32 = CROSSING_COST;
/// The most routes sharing a track that one routing goes back to, and the grid states all
/// their thorough searches may visit ([`REROUTE_BUDGET`], and as much again for the routes
/// that cross others): re-routing is for the few routes the first pass left on another's
/// track or across others, and must not make routing a big drawing slow. (Half the budget
/// for the crossing routes gave as many crossings fewer over the samples and reference
/// models, 1,060, but 40 pairs on one track instead of 30; a third, 1,100 crossings.)
const MAX_REROUTES: usize = 200;
/// Drawings with more connections than this are not re-routed at all, nor their trunks
/// gathered: a generated model of thousands spends any budget on its first few pairs, and
/// must stay fast to route (gathered, the 2,000-component model took 670 ms to route where
/// it takes 68).
const MOST_REROUTED_REQUESTS: usize = 1000;
/// Crossings a re-routed route may add for each segment it takes off another's track.
const CROSSINGS_PER_FREED_TRACK: usize = 1;
const REROUTE_BUDGET: usize = 100_000;
/// The most lines a grid search adds beside other routes' segments, per axis.
const MAX_BESIDE_LINES: usize = 256;
/// Marks of a grid step near a border: one lies before (above or left of) its line, one
/// after, or both.
const BORDER_BEFORE: u8 = 1;
const BORDER_AFTER: u8 = 2;
const BORDER_BEFORE_AND_AFTER: u8 = BORDER_BEFORE | BORDER_AFTER;
/// How far a route runs straight out of a port before it may turn.
const STUB: f32 = 14.0;
/// Distance between two jogs sharing a channel.
const TRACK: f32 = 8.0;
/// What a bend costs, in pixels of length: routes prefer a little detour to an extra bend.
const BEND_COST: f32 = 40.0;
/// Length of the stretches of a line that taken tracks are kept by: long, since a segment
/// is looked up in every stretch it spans, and few segments share a line.
const TRACK_CELL: f32 = 1000.0;
/// The radius of a curved route's corners.
const CORNER_RADIUS: f32 = 14.0;
/// The most obstacles a grid search takes on.
const MAX_SEARCH_OBSTACLES: usize = 160;
/// How far out of its target a trunk starts, longest first: bundled routes meet there and
/// run in as one.
const TRUNK_LENGTHS: [f32; 4] = [64.0, 48.0, 32.0, STUB];
/// Connections of one kind into one box from at least this many run in as one trunk, as
/// telemetry into its collector does. Each on a port of its own, twenty queries into one
/// database fill the side facing them and spill round the box's corners onto the others,
/// one route on another's track (the generated 100-component model, whose every tenth box
/// takes twenty calls: 42 pairs of routes on one track and 689 crossings; as trunks, 3 and
/// 597). Apart from telemetry, no reference model has more than six of a kind into one box.
const FAN_IN_TRUNK: usize = 8;
/// Passes over the routes of trunks still off their spines (see [`Router::gather_trunks`]).
const GATHERING_ROUNDS: usize = 4;

/// The side of a box a route leaves or enters by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Left,
    Right,
    Top,
    Bottom,
}

impl Side {
    fn outward(self) -> (f32, f32) {
        match self {
            Side::Left => (-1.0, 0.0),
            Side::Right => (1.0, 0.0),
            Side::Top => (0.0, -1.0),
            Side::Bottom => (0.0, 1.0),
        }
    }

    fn horizontal(self) -> bool {
        matches!(self, Side::Left | Side::Right)
    }
}

/// What a route must not cross: a box (component) or a boundary, with the boundaries that
/// enclose each box so that a route may cross those of its own ends.
#[derive(Debug, Clone, Default)]
pub struct Obstacles {
    pub boxes: Vec<Rect>,
    pub boundaries: Vec<Rect>,
    /// Where each boundary's title is written, by boundary (none past the end): a route
    /// through one strikes the title out, so routes keep off them where they can.
    pub titles: Vec<Rect>,
}

impl Obstacles {
    /// The boxes of `doc`'s components (where `rect_of` puts them: the editor shifts the
    /// ones being dragged), its boundaries and their titles, in document order.
    pub fn of(doc: &Document, rect_of: impl Fn(&Component) -> Rect) -> Self {
        Self::placed(doc, rect_of, |g| g.rect)
    }

    /// As [`Obstacles::of`], with the boundaries where `boundary_of` puts them (a layout
    /// being weighed has not moved them yet).
    pub fn placed(
        doc: &Document,
        rect_of: impl Fn(&Component) -> Rect,
        boundary_of: impl Fn(&Group) -> Rect,
    ) -> Self {
        let boundaries: Vec<Rect> = doc.groups().iter().map(boundary_of).collect();
        let titles = doc
            .groups()
            .iter()
            .zip(&boundaries)
            .map(|(g, &rect)| fonts::boundary_title_rect(rect, &g.name, g.kind.label()))
            .collect();
        Self {
            boxes: doc.components().iter().map(rect_of).collect(),
            boundaries,
            titles,
        }
    }
}

/// The route of every connection of `doc` whose ends exist, by connection position (`None`
/// for one with a missing end), over `obstacles` (see [`Obstacles::of`]). Telemetry into
/// the same collector, and many calls of one kind into one box, are bundled into a trunk.
pub fn connections(
    doc: &Document,
    catalog: &Catalog,
    obstacles: &Obstacles,
) -> Vec<Option<Vec<Point>>> {
    connections_with(doc, catalog, obstacles, Effort::Thorough)
}

/// How hard routing works at a drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// Every pass: the routes every export and the resting editor draw.
    Thorough,
    /// Every pass but the last, which gathers the routes of each trunk onto one spine (see
    /// [`Router::gather_trunks`]): for the layout's shape search, which scores hundreds of
    /// drawings against each other. The gathering only moves a route where that leaves it
    /// no worse, so a drawing is drawn at least as well as it was scored. Scored with it,
    /// the searches of the samples settled elsewhere for a gain of a crossing or two: the
    /// e-commerce sample on a drawing with 52 crossings where it has 36, payments with 24
    /// where it has 15.
    Scoring,
    /// The quick first pass alone: for a drawing that changes every frame (boxes being
    /// dragged), whose routes are seen for a frame; the drawing at rest is routed thoroughly.
    Quick,
}

/// [`connections`], with the effort `effort`.
pub fn connections_with(
    doc: &Document,
    catalog: &Catalog,
    obstacles: &Obstacles,
    effort: Effort,
) -> Vec<Option<Vec<Point>>> {
    let drawn = Drawn::of(doc, catalog, |c| &c.waypoints);
    let requests = drawn.requests();
    let routed = match doc.meta.edge_style {
        EdgeStyle::Straight => requests
            .iter()
            .map(|r| straight(obstacles.boxes[r.from], obstacles.boxes[r.to], r.via))
            .collect(),
        EdgeStyle::Orthogonal => route_with(obstacles, &requests, effort),
        EdgeStyle::Curved => route_with(obstacles, &requests, effort)
            .iter()
            .map(|points| rounded(points, CORNER_RADIUS))
            .collect(),
    };
    let mut routes = routed.into_iter();
    drawn
        .ends
        .iter()
        .map(|ends| ends.and_then(|_| routes.next()))
        .collect()
}

/// Every connection of a document as it is drawn: its ends the way its arrow points (see
/// [`Catalog::drawn_ends`]: a consume runs from the broker to its consumer), its bends in
/// that order, the trunk it runs in along, and whether it is telemetry.
#[derive(Debug, Clone)]
pub struct Drawn {
    /// The boxes each connection runs from and to, by connection position; `None` for one
    /// with a missing end.
    pub ends: Vec<Option<(usize, usize)>>,
    via: Vec<Vec<Point>>,
    /// See [`Request::trunk`].
    trunks: Vec<Option<usize>>,
    telemetry: Vec<bool>,
}

impl Drawn {
    /// The connections of `doc`, with the bends `bends` gives each (in the model's order,
    /// from its source to its target, as waypoints are kept).
    pub fn of<'d>(
        doc: &'d Document,
        catalog: &Catalog,
        bends: impl Fn(&'d Connection) -> &'d [Point],
    ) -> Self {
        let connections = doc.connections();
        let mut ends = Vec::with_capacity(connections.len());
        let mut via = Vec::with_capacity(connections.len());
        let mut telemetry = Vec::with_capacity(connections.len());
        for c in connections {
            let (from, to) = catalog.drawn_ends(c);
            ends.push(
                doc.component_index(from.as_str())
                    .zip(doc.component_index(to.as_str())),
            );
            let mut points = bends(c).to_vec();
            if catalog.drawn_backwards(c) {
                points.reverse();
            }
            via.push(points);
            telemetry.push(is_telemetry(catalog, c));
        }
        // Telemetry runs into its collector as one trunk whatever its kind; other
        // connections share one when enough of their kind run into the same box.
        let trunk_key = |c: &'d Connection, to: usize, telemetry: bool| {
            (to, (!telemetry).then_some(c.kind.as_str()))
        };
        let mut fan_in: HashMap<(usize, Option<&str>), usize> = HashMap::default();
        for ((c, ends), &telemetry) in connections.iter().zip(&ends).zip(&telemetry) {
            if let Some((_, to)) = *ends {
                *fan_in.entry(trunk_key(c, to, telemetry)).or_default() += 1;
            }
        }
        let mut ids: HashMap<(usize, Option<&str>), usize> = HashMap::default();
        let trunks = connections
            .iter()
            .zip(&ends)
            .zip(&telemetry)
            .map(|((c, ends), &telemetry)| {
                let (_, to) = (*ends)?;
                let key = trunk_key(c, to, telemetry);
                (telemetry || fan_in.get(&key).copied().unwrap_or(0) >= FAN_IN_TRUNK).then(|| {
                    let next = ids.len();
                    *ids.entry(key).or_insert(next)
                })
            })
            .collect();
        Self {
            ends,
            via,
            trunks,
            telemetry,
        }
    }

    /// The routing requests of the connections whose ends exist, in document order.
    pub fn requests(&self) -> Vec<Request<'_>> {
        self.ends
            .iter()
            .zip(&self.via)
            .zip(self.trunks.iter().zip(&self.telemetry))
            .filter_map(|((ends, via), (&trunk, &telemetry))| {
                ends.map(|(from, to)| Request {
                    from,
                    to,
                    via,
                    trunk,
                    telemetry,
                })
            })
            .collect()
    }
}

/// Whether a connection is telemetry: its route runs into its collector as one trunk with
/// the others there, and may leave its source by any side.
pub fn is_telemetry(catalog: &Catalog, connection: &Connection) -> bool {
    catalog.style(connection) == Some(ConnectionStyle::Telemetry)
}

/// A straight line from box to box through `via`: from where the line toward the first
/// point leaves `from` to where the line from the last point enters `to`.
fn straight(from: Rect, to: Rect, via: &[Point]) -> Vec<Point> {
    let first = via.first().copied().unwrap_or(to.center());
    let last = via.last().copied().unwrap_or(from.center());
    let mut points = vec![border_toward(from, first)];
    points.extend_from_slice(via);
    points.push(border_toward(to, last));
    points
}

/// Where the ray from `rect`'s centre toward `toward` leaves it.
fn border_toward(rect: Rect, toward: Point) -> Point {
    let centre = rect.center();
    let (dx, dy) = (toward.x - centre.x, toward.y - centre.y);
    if dx == 0.0 && dy == 0.0 {
        return centre;
    }
    let sx = if dx == 0.0 {
        f32::INFINITY
    } else {
        (rect.w / 2.0) / dx.abs()
    };
    let sy = if dy == 0.0 {
        f32::INFINITY
    } else {
        (rect.h / 2.0) / dy.abs()
    };
    let s = sx.min(sy).min(1.0);
    Point::new(centre.x + dx * s, centre.y + dy * s)
}

/// `points` with every corner rounded: the corner is replaced by a quadratic curve of at
/// most `radius` (less where a segment is short), as a few points, so that every drawing
/// and hit test reads it as a polyline. The ends stay where they were.
pub fn rounded(points: &[Point], radius: f32) -> Vec<Point> {
    const STEPS: usize = 4;
    let Some((&first, rest)) = points.split_first() else {
        return Vec::new();
    };
    let mut out = vec![first];
    for (i, &corner) in rest.iter().enumerate() {
        let (Some(&before), Some(&after)) = (points.get(i), points.get(i + 2)) else {
            out.push(corner);
            continue;
        };
        let length = |a: Point, b: Point| (b.x - a.x).hypot(b.y - a.y);
        let r = radius
            .min(length(before, corner) / 2.0)
            .min(length(corner, after) / 2.0);
        if r <= 0.5 {
            out.push(corner);
            continue;
        }
        let toward = |from: Point, to: Point, by: f32| {
            let d = length(from, to);
            Point::new(
                from.x + (to.x - from.x) * by / d,
                from.y + (to.y - from.y) * by / d,
            )
        };
        let (entry, exit) = (toward(corner, before, r), toward(corner, after, r));
        for k in 0..=STEPS {
            let t = k as f32 / STEPS as f32;
            let u = 1.0 - t;
            out.push(Point::new(
                u * u * entry.x + 2.0 * u * t * corner.x + t * t * exit.x,
                u * u * entry.y + 2.0 * u * t * corner.y + t * t * exit.y,
            ));
        }
    }
    out
}

/// One connection to route: the boxes it joins (indices into [`Obstacles::boxes`]) and the
/// points the model makes it pass through, in order.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub from: usize,
    pub to: usize,
    pub via: &'a [Point],
    /// The trunk the route runs into its target along, if any: routes with the same one
    /// (telemetry into its collector, and many calls of one kind into one box: see
    /// [`FAN_IN_TRUNK`]) enter through one port on each side and meet a little outside it,
    /// so that they arrive as one trunk, and may share tracks.
    pub trunk: Option<usize>,
    /// Telemetry, which may leave its source by any side.
    pub telemetry: bool,
}

/// The routes of `requests`, in order: each a polyline from the source's border to the
/// target's border, every segment horizontal or vertical. A quick first pass takes each
/// route's few direct shapes where they are free; then the routes it left on another's
/// track, and those that cross others, are searched for again, thoroughly, and each new
/// route is kept only where it reads better.
pub fn route(obstacles: &Obstacles, requests: &[Request<'_>]) -> Vec<Vec<Point>> {
    route_with(obstacles, requests, Effort::Thorough)
}

/// [`route`], with the effort `effort`.
pub fn route_with(
    obstacles: &Obstacles,
    requests: &[Request<'_>],
    effort: Effort,
) -> Vec<Vec<Point>> {
    let index = SpatialIndex::new(obstacles);
    let router = Router {
        obstacles,
        index: &index,
        ports: Ports::assign(obstacles, &index, requests),
        requests,
    };
    let mut tracks = Tracks::default();
    let mut routes: Vec<Vec<Point>> = (0..requests.len())
        .map(|i| router.route_one(i, &mut tracks, None, true))
        .collect();
    channels::order_jogs(obstacles, &index, requests, &mut routes);
    if effort != Effort::Quick && requests.len() <= MOST_REROUTED_REQUESTS {
        router.reroute_shared(&mut routes);
        router.reroute_crossing(&mut routes);
    }
    if effort != Effort::Scoring && requests.len() <= MOST_REROUTED_REQUESTS {
        router.gather_trunks(&mut routes);
    }
    routes
}

/// `route`, which ends at `port` entering by `side` along a trunk whose outer end is `end`,
/// with the segment by which it reaches the trunk's line moved onto the spine: the line
/// across the trunk through `end`. `None` when it has no such segment to move: it comes in
/// along the trunk's line, reaches it straight from its source, already runs down the
/// spine, or comes to it from the box's side of the spine.
fn onto_spine(route: &[Point], end: Point, (port, side): (Point, Side)) -> Option<Vec<Point>> {
    // Worked out as though the trunk ran left or right: one running up or down is
    // transposed, and transposed back.
    let transpose = |p: Point| {
        if side.horizontal() {
            p
        } else {
            Point::new(p.y, p.x)
        }
    };
    let points: Vec<Point> = route.iter().map(|&p| transpose(p)).collect();
    let (end, port) = (transpose(end), transpose(port));
    // From the port out to the trunk's outer end.
    let outward = (end.x - port.x).signum();
    if outward == 0.0 {
        return None;
    }
    // The route's last points on the trunk's line, from `joint`; before it, the tooth that
    // reaches the line, and before that the branch that leads to the tooth.
    let on_line = points
        .iter()
        .rev()
        .take_while(|p| (p.y - end.y).abs() < 0.01)
        .count();
    let joint = points.len().checked_sub(on_line)?;
    let (branch, tooth) = (*points.get(joint.checked_sub(2)?)?, points[joint - 1]);
    let level = |a: f32, b: f32| (a - b).abs() < 0.01;
    let beyond_spine = |x: f32| (x - end.x) * outward;
    if !level(tooth.x, points[joint].x)
        || !level(branch.y, tooth.y)
        || level(tooth.x, end.x)
        || beyond_spine(branch.x) <= 0.0
        || (tooth.x - branch.x) * outward >= 0.0
    {
        return None;
    }
    let mut gathered = points[..joint - 1].to_vec();
    gathered.extend([Point::new(end.x, tooth.y), end]);
    gathered.extend(points[joint..].iter().filter(|p| beyond_spine(p.x) < 0.0));
    Some(simplify(gathered).into_iter().map(transpose).collect())
}

/// What routing one request needs: the obstacles, the ports every route was given, and the
/// requests.
struct Router<'a> {
    obstacles: &'a Obstacles,
    index: &'a SpatialIndex,
    ports: Ports,
    requests: &'a [Request<'a>],
}

impl Router<'_> {
    fn owner(&self, i: usize) -> Owner {
        let request = &self.requests[i];
        Owner {
            route: i,
            trunk: request.trunk,
        }
    }

    /// The route of request `i`, taking its tracks in `tracks`. Without `budget` a leg
    /// takes a free track when its few direct shapes have one and otherwise shares; with
    /// it, a leg that would share a track or run along a border is searched for, keeping
    /// off other routes' tracks and crossing as few of them as it can (a thorough search,
    /// whose grid states are counted off `budget`).
    fn route_one(
        &self,
        i: usize,
        tracks: &mut Tracks,
        budget: Option<&Cell<usize>>,
        through_bends: bool,
    ) -> Vec<Point> {
        self.route_from(i, self.ports.start[i], tracks, budget, through_bends)
    }

    /// [`Router::route_one`] from the port `(start, start_side)` instead of its own.
    fn route_from(
        &self,
        i: usize,
        (start, start_side): (Point, Side),
        tracks: &mut Tracks,
        budget: Option<&Cell<usize>>,
        through_bends: bool,
    ) -> Vec<Point> {
        let request = &self.requests[i];
        let via = if through_bends { request.via } else { &[] };
        let (port, end_side) = self.ports.end[i];
        let blocked = Blocked::new(self.obstacles, self.index, request.from, request.to);
        let owner = self.owner(i);
        // A bundled route runs to the trunk's outer end, then in along the trunk.
        let end = self.trunk_end(i).unwrap_or(port);
        let mut points = vec![start];
        let mut from = (start, start_side);
        let mut leg = |from, to, points: &mut Vec<Point>| {
            let care = Care {
                tracks: &*tracks,
                owner,
                budget,
            };
            let route = leg(&blocked, &care, from, to);
            tracks.take_as(&route, owner);
            points.extend(route.into_iter().skip(1));
        };
        for (k, &bend) in via.iter().enumerate() {
            // A bend point the model keeps is passed through: reached along the axis that
            // reaches it most directly, and left toward the next point (any turn is fine at
            // a bend).
            // A bend within a pixel of the line from the previous point is moved onto it,
            // so the line stays straight.
            let bend = Point::new(
                if (bend.x - from.0.x).abs() < 1.0 {
                    from.0.x
                } else {
                    bend.x
                },
                if (bend.y - from.0.y).abs() < 1.0 {
                    from.0.y
                } else {
                    bend.y
                },
            );
            let side = facing(from.0, bend);
            leg(from, (bend, side), &mut points);
            let next = via.get(k + 1).copied().unwrap_or(end);
            from = (bend, opposite(facing(bend, next)));
        }
        leg(from, (end, end_side), &mut points);
        if end != port {
            points.push(port);
        }
        unhook(&blocked, simplify(points))
    }

    /// See [`Ports::trunk_end`].
    fn trunk_end(&self, i: usize) -> Option<Point> {
        self.ports.trunk_end[i]
    }

    /// Gathers the routes of each trunk onto one spine: a route that reaches the trunk's
    /// line by a segment of its own has that segment moved onto the line across the trunk
    /// through its outer end, where the others of the trunk run too, when it then crosses
    /// no more routes, runs on no more of other routes' tracks, along no more borders and
    /// through no more titles, and stays clear of what it must avoid. Each route found on
    /// its own reaches the trunk where it happens to, and ten telemetry routes into one
    /// collector drew a comb of ten parallel lines beside it; gathered, they read as
    /// branches of one line.
    fn gather_trunks(&self, routes: &mut [Vec<Point>]) {
        let mut tracks = self.tracks_of(routes);
        let mut left: Vec<(usize, Point)> = (0..routes.len())
            .filter_map(|i| Some((i, self.trunk_end(i)?)))
            .collect();
        // A route may be held off the spine by another's tooth still in its way: the rest
        // of a trunk are tried again while one of them moves.
        let mut moved: HashSet<Option<usize>> =
            left.iter().map(|&(i, _)| self.owner(i).trunk).collect();
        for _ in 0..GATHERING_ROUNDS {
            let tried = std::mem::take(&mut moved);
            left.retain(|&(i, end)| {
                let trunk = self.owner(i).trunk;
                if !tried.contains(&trunk) {
                    return true;
                }
                match self.gather(i, end, routes, &mut tracks) {
                    Some(true) => {
                        moved.insert(trunk);
                        false
                    }
                    Some(false) => true,
                    None => false,
                }
            });
        }
    }

    /// Moves route `i` onto the spine of its trunk, whose outer end is `end`, where that
    /// leaves it no worse (see [`Router::gather_trunks`]); whether it moved, or `None` when
    /// it has nothing to move.
    fn gather(
        &self,
        i: usize,
        end: Point,
        routes: &mut [Vec<Point>],
        tracks: &mut Tracks,
    ) -> Option<bool> {
        let gathered = onto_spine(&routes[i], end, self.ports.end[i])?;
        let owner = self.owner(i);
        // Crossing the other routes of its trunk counts too: a branch moved across
        // another's tooth crosses it as plainly as any other route.
        let alone = Owner {
            trunk: None,
            ..owner
        };
        let kept = tracks.retire(i);
        let request = &self.requests[i];
        let blocked = Blocked::new(self.obstacles, self.index, request.from, request.to);
        // Only the ends past the points the two share differ: compared alone, a long route
        // is not read again whole.
        let shared = routes[i]
            .iter()
            .zip(&gathered)
            .take_while(|(a, b)| a == b)
            .count()
            .saturating_sub(1);
        let (was, now) = (&routes[i][shared..], &gathered[shared..]);
        if well_formed(now)
            && clear_from(&blocked, &gathered, shared)
            && tracks.crossings(now, alone) <= tracks.crossings(was, alone)
            && tracks.crowding(now, owner) <= tracks.crowding(was, owner)
            && self.along_borders(now) <= self.along_borders(was)
            && self.titles_struck(now) <= self.titles_struck(was)
        {
            tracks.take_as(&gathered, owner);
            routes[i] = gathered;
            Some(true)
        } else {
            tracks.restore(i, kept);
            Some(false)
        }
    }

    fn along_borders(&self, route: &[Point]) -> usize {
        segments_along_borders(self.obstacles, self.index, route).count()
    }

    fn titles_struck(&self, route: &[Point]) -> usize {
        titles_struck_by(self.obstacles, self.index, route)
    }

    /// The tracks every route takes, each as its own.
    fn tracks_of(&self, routes: &[Vec<Point>]) -> Tracks {
        let mut tracks = Tracks::default();
        for (i, route) in routes.iter().enumerate() {
            tracks.take_as(route, self.owner(i));
        }
        tracks
    }

    /// Routes again, thoroughly, each route that shares a track with another (the later of
    /// the two, then the earlier if that did not help), against every other route as it now
    /// runs; a new route is kept when fewer of its segments share a track and it runs along
    /// no more borders and through no more titles. The work is bounded by [`REROUTE_BUDGET`].
    fn reroute_shared(&self, routes: &mut [Vec<Point>]) {
        let trunks: Vec<Option<usize>> = (0..routes.len()).map(|i| self.owner(i).trunk).collect();
        let pairs = shared_pairs(&trunks, routes, MAX_REROUTES);
        if pairs.is_empty() {
            return;
        }
        let mut tracks = self.tracks_of(routes);
        let budget = Cell::new(REROUTE_BUDGET);
        // Through the layout's bend points first; where those hold a route on the shared
        // track, from port to port.
        // A route that could not be moved off a track is not tried again the same way.
        let mut tried: HashSet<(usize, bool)> = HashSet::default();
        for (a, b) in pairs {
            for (i, through_bends) in [(b, true), (a, true), (b, false), (a, false)] {
                if budget.get() == 0 {
                    return;
                }
                let before = tracks.crowding(&routes[i], self.owner(i));
                if before == 0 {
                    break;
                }
                let kept = tracks.retire(i);
                if (!through_bends && self.requests[i].via.is_empty())
                    || !tried.insert((i, through_bends))
                {
                    continue;
                }
                let rerouted = self.route_one(i, &mut tracks, Some(&budget), through_bends);
                let owner = self.owner(i);
                let freed = before.saturating_sub(tracks.crowding(&rerouted, owner));
                let request = &self.requests[i];
                let blocked = Blocked::new(self.obstacles, self.index, request.from, request.to);
                // (A search stopped by the budget leaves a leg to the fallback, which may run
                // through a box.)
                if freed > 0
                    && clear(&blocked, &rerouted)
                    && self.along_borders(&rerouted) <= self.along_borders(&routes[i])
                    && self.titles_struck(&rerouted) <= self.titles_struck(&routes[i])
                    && tracks.crossings(&rerouted, owner)
                        <= tracks.crossings(&routes[i], owner) + freed * CROSSINGS_PER_FREED_TRACK
                {
                    routes[i] = rerouted;
                    break;
                }
                tracks.restore(i, kept);
            }
        }
    }

    /// Routes again, thoroughly, each route that crosses others, most crossings first,
    /// against every other route as it now runs: through the layout's bend points, then
    /// from port to port, and a bundled route (telemetry, which may leave its source by any
    /// side) also out of each side of its source that no other route uses. A new route is
    /// kept when it crosses fewer routes and is no worse otherwise: it passes through
    /// nothing, runs along no more borders, through no more titles and on no more of other
    /// routes' tracks.
    fn reroute_crossing(&self, routes: &mut [Vec<Point>]) {
        let mut tracks = self.tracks_of(routes);
        let mut crossing: Vec<(usize, usize)> = (0..routes.len())
            .map(|i| (tracks.crossings(&routes[i], self.owner(i)), i))
            .filter(|&(count, _)| count > 0)
            .collect();
        crossing.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let budget = Cell::new(REROUTE_BUDGET);
        for (_, i) in crossing {
            if budget.get() == 0 {
                return;
            }
            let owner = self.owner(i);
            let kept = tracks.retire(i);
            let request = &self.requests[i];
            let blocked = Blocked::new(self.obstacles, self.index, request.from, request.to);
            let mut best = (
                tracks.crossings(&routes[i], owner),
                tracks.crowding(&routes[i], owner),
                self.along_borders(&routes[i]),
                self.titles_struck(&routes[i]),
            );
            let mut starts = vec![(self.ports.start[i], true)];
            if !request.via.is_empty() {
                starts.push((self.ports.start[i], false));
            }
            if request.telemetry {
                let free = self.ports.free.get(&request.from).into_iter().flatten();
                starts.extend(free.map(|&port| (port, false)));
            }
            let mut found = None;
            for (start, through_bends) in starts {
                let rerouted = self.route_from(i, start, &mut tracks, Some(&budget), through_bends);
                tracks.retire(i);
                let faults = (
                    tracks.crossings(&rerouted, owner),
                    tracks.crowding(&rerouted, owner),
                    self.along_borders(&rerouted),
                    self.titles_struck(&rerouted),
                );
                if faults.0 < best.0
                    && faults.1 <= best.1
                    && faults.2 <= best.2
                    && faults.3 <= best.3
                    && clear(&blocked, &rerouted)
                {
                    best = faults;
                    found = Some(rerouted);
                }
            }
            match found {
                Some(route) => {
                    tracks.take_as(&route, owner);
                    routes[i] = route;
                }
                None => tracks.restore(i, kept),
            }
        }
    }
}

/// The side of a bend point facing `toward`: across (left or right) whenever there is room
/// for a jog, since bend points sit in the columns of a left-to-right layout, where running
/// up or down would cross the column's boxes.
fn facing(from: Point, toward: Point) -> Side {
    let (dx, dy) = (toward.x - from.x, toward.y - from.y);
    if dx.abs() >= 2.0 * STUB + TRACK || dx.abs() >= dy.abs() {
        if dx >= 0.0 { Side::Left } else { Side::Right }
    } else if dy >= 0.0 {
        Side::Top
    } else {
        Side::Bottom
    }
}

fn opposite(side: Side) -> Side {
    match side {
        Side::Left => Side::Right,
        Side::Right => Side::Left,
        Side::Top => Side::Bottom,
        Side::Bottom => Side::Top,
    }
}

/// A route using a side of a box: the point it heads for (its far end, or its first or last
/// bend), the request, and whether the route starts there.
type PortUse = (Point, usize, bool);

/// The least distance between neighbouring ports on a side: arrowheads are about 10 px
/// wide, so closer ones touch and read as a knot (a review counted six heads into one
/// broker's side).
const PORT_GAP: f32 = 12.0;

/// Where `toward` lies along `side`: its height beside a left or right side, else its x.
fn along(side: Side, toward: Point) -> f32 {
    if side.horizontal() {
        toward.y
    } else {
        toward.x
    }
}

/// How many ports a side of `rect` holds [`PORT_GAP`] apart.
fn port_capacity(rect: Rect, side: Side) -> usize {
    let length = if side.horizontal() { rect.h } else { rect.w };
    ((length / PORT_GAP) as usize).saturating_sub(1).max(1)
}

/// The sides beside `side`: before it (above a left or right side, left of a top or
/// bottom one) and after it.
fn beside(side: Side) -> (Side, Side) {
    if side.horizontal() {
        (Side::Top, Side::Bottom)
    } else {
        (Side::Left, Side::Right)
    }
}

/// Where each route starts and ends: the side of each box facing the other end, with the
/// routes on one side spread evenly along it in the order of their far ends, so that they
/// leave without crossing each other.
struct Ports {
    start: Vec<(Point, Side)>,
    end: Vec<(Point, Side)>,
    /// Where each route that ends in a trunk shared with other bundled routes starts to run
    /// in along it (`None` for a route not in one): out of its port as far as leaves room
    /// for the trunk and for the routes to reach it. The same for every route of the trunk,
    /// since only the target is looked past; found once, for every pass that routes again.
    trunk_end: Vec<Option<Point>>,
    /// The middle of each side of a bundled route's source that no route uses and that has
    /// room to leave by: telemetry may leave its source by any side.
    free: HashMap<usize, Vec<(Point, Side)>>,
}

impl Ports {
    fn assign(obstacles: &Obstacles, index: &SpatialIndex, requests: &[Request<'_>]) -> Self {
        let boxes = &obstacles.boxes;
        // Whether a box's side has room for a route to leave it: no other box within a
        // stub and the clearance of it. Asked once per side.
        let mut room: HashMap<(usize, Side), bool> = HashMap::default();
        let mut open = |b: usize, side: Side| {
            *room.entry((b, side)).or_insert_with(|| {
                let rect = boxes[b];
                let reach = STUB + CLEARANCE;
                let strip = match side {
                    Side::Left => Rect::new(rect.x - reach, rect.y, reach, rect.h),
                    Side::Right => Rect::new(rect.x + rect.w, rect.y, reach, rect.h),
                    Side::Top => Rect::new(rect.x, rect.y - reach, rect.w, reach),
                    Side::Bottom => Rect::new(rect.x, rect.y + rect.h, rect.w, reach),
                };
                !index.near(strip, |id| {
                    let id = id as usize;
                    id < boxes.len() && id != b && segment_meets(strip, boxes[id])
                })
            })
        };
        // The side facing the other end if it has room, else the next best that has.
        // Toward a bend point: the side facing it; toward the other end's box: the side
        // facing that box (its centre alone would send a route out of the left of a box
        // whose peer sits below it, reaching further left, and round both boxes).
        let mut side_of = |b: usize, toward: Point, other: Option<Rect>| {
            let preferred = match other {
                Some(other) => side_facing(boxes[b], other),
                None => side_toward(boxes[b], toward),
            };
            let centre = boxes[b].center();
            let across = if preferred.horizontal() {
                if toward.y >= centre.y {
                    Side::Bottom
                } else {
                    Side::Top
                }
            } else if toward.x >= centre.x {
                Side::Right
            } else {
                Side::Left
            };
            [preferred, across, opposite(across), opposite(preferred)]
                .into_iter()
                .find(|&side| open(b, side))
                .unwrap_or(preferred)
        };
        let mut sides: HashMap<(usize, Side), Vec<PortUse>> = HashMap::default();
        for (i, request) in requests.iter().enumerate() {
            let (from, to) = (boxes[request.from], boxes[request.to]);
            let toward_first = request.via.first().copied().unwrap_or(to.center());
            let toward_last = request.via.last().copied().unwrap_or(from.center());
            let direct = request.via.is_empty();
            let out = side_of(request.from, toward_first, direct.then_some(to));
            let into = side_of(request.to, toward_last, direct.then_some(from));
            sides
                .entry((request.from, out))
                .or_default()
                .push((toward_first, i, true));
            sides
                .entry((request.to, into))
                .or_default()
                .push((toward_last, i, false));
        }
        let trunk_of =
            |&(_, request, is_start): &PortUse| requests[request].trunk.filter(|_| !is_start);
        let bundled = |port_use: &PortUse| trunk_of(port_use).is_some();
        // A side with more ports than it holds apart passes its outermost routes to the
        // sides beside it, each to the side its far end lies nearer, while they have room.
        let mut keyed: Vec<(usize, Side)> = sides.keys().copied().collect();
        keyed.sort_by_key(|&(b, side)| (b, side as u8));
        for (b, side) in keyed {
            let rect = boxes[b];
            // Each trunk takes one slot.
            let slots = |uses: &[PortUse]| {
                let bundled = uses.iter().filter(|u| bundled(u)).count();
                let trunks: HashSet<usize> = uses.iter().filter_map(trunk_of).collect();
                uses.len() - bundled + trunks.len()
            };
            let (before, after) = beside(side);
            let (low, high) = if side.horizontal() {
                (rect.y, rect.y + rect.h)
            } else {
                (rect.x, rect.x + rect.w)
            };
            // In order along the side: the outermost routes are the first and the last,
            // and taking them out keeps the rest in order.
            if let Some(uses) = sides.get_mut(&(b, side)) {
                uses.sort_by(|x, y| {
                    along(side, x.0)
                        .total_cmp(&along(side, y.0))
                        .then(x.1.cmp(&y.1))
                });
            }
            while let Some(uses) = sides.get_mut(&(b, side)) {
                if slots(uses) <= port_capacity(rect, side) {
                    break;
                }
                let first = uses.iter().position(|u| !bundled(u));
                let last = uses.iter().rposition(|u| !bundled(u));
                let mut room = |s: Side, sides: &HashMap<(usize, Side), Vec<PortUse>>| {
                    open(b, s)
                        && sides.get(&(b, s)).map_or(0, |u| slots(u)) < port_capacity(rect, s)
                };
                let candidates = [
                    first.map(|k| (k, before, low - along(side, uses[k].0))),
                    last.map(|k| (k, after, along(side, uses[k].0) - high)),
                ];
                let Some((k, to, _)) = candidates
                    .into_iter()
                    .flatten()
                    .filter(|&(_, to, _)| room(to, &sides))
                    .max_by(|x, y| x.2.total_cmp(&y.2))
                else {
                    break;
                };
                let Some(moved) = sides.get_mut(&(b, side)).map(|uses| uses.remove(k)) else {
                    break;
                };
                sides.entry((b, to)).or_default().push(moved);
            }
        }
        let mut free: HashMap<usize, Vec<(Point, Side)>> = HashMap::default();
        for request in requests.iter().filter(|r| r.telemetry) {
            free.entry(request.from).or_insert_with(|| {
                let rect = boxes[request.from];
                [Side::Left, Side::Right, Side::Top, Side::Bottom]
                    .into_iter()
                    .filter(|&side| !sides.contains_key(&(request.from, side)))
                    .filter(|&side| open(request.from, side))
                    .map(|side| (point_on_side(rect, side, 0.5), side))
                    .collect()
            });
        }
        let origin = (Point::default(), Side::Right);
        let mut start = vec![origin; requests.len()];
        let mut end = vec![origin; requests.len()];
        let mut trunk = vec![false; requests.len()];
        let mut keyed: Vec<_> = sides.into_iter().collect();
        // Deterministic whatever the map's order.
        keyed.sort_by_key(|((b, side), _)| (*b, *side as u8));
        for ((b, side), mut routes) in keyed {
            routes.sort_by(|x, y| {
                along(side, x.0)
                    .total_cmp(&along(side, y.0))
                    .then(x.1.cmp(&y.1))
            });
            // The routes of one trunk ending here share one port, where the first of them
            // would be.
            let mut sharing: HashMap<usize, usize> = HashMap::default();
            for id in routes.iter().filter_map(trunk_of) {
                *sharing.entry(id).or_default() += 1;
            }
            let mut slots: Vec<Vec<(usize, bool)>> = Vec::new();
            let mut shared_slots: HashMap<usize, usize> = HashMap::default();
            for route in &routes {
                let (_, request, is_start) = *route;
                match trunk_of(route).filter(|id| sharing.get(id).is_some_and(|&n| n > 1)) {
                    Some(id) => {
                        trunk[request] = true;
                        let slot = *shared_slots.entry(id).or_insert_with(|| {
                            slots.push(Vec::new());
                            slots.len() - 1
                        });
                        slots[slot].push((request, is_start));
                    }
                    None => slots.push(vec![(request, is_start)]),
                }
            }
            let rect = boxes[b];
            let n = slots.len() as f32;
            for (k, slot) in slots.iter().enumerate() {
                let point = point_on_side(rect, side, (k as f32 + 1.0) / (n + 1.0));
                for &(request, is_start) in slot {
                    if is_start {
                        start[request] = (point, side);
                    } else {
                        end[request] = (point, side);
                    }
                }
            }
        }
        let trunk_end = (trunk.iter().zip(&end).zip(requests))
            .map(|((&in_trunk, &(port, side)), request)| {
                in_trunk.then(|| {
                    let into_target = Blocked::new(obstacles, index, request.to, request.to);
                    TRUNK_LENGTHS
                        .iter()
                        .find(|&&length| {
                            let reach = length + STUB + CLEARANCE;
                            !into_target.crosses(port, step(port, side, reach))
                        })
                        .map_or(port, |&length| step(port, side, length))
                })
            })
            .collect();
        Self {
            start,
            end,
            trunk_end,
            free,
        }
    }
}

/// The point a fraction `t` along `side` of `rect` (from its top or left end).
fn point_on_side(rect: Rect, side: Side, t: f32) -> Point {
    match side {
        Side::Left => Point::new(rect.x, rect.y + rect.h * t),
        Side::Right => Point::new(rect.x + rect.w, rect.y + rect.h * t),
        Side::Top => Point::new(rect.x + rect.w * t, rect.y),
        Side::Bottom => Point::new(rect.x + rect.w * t, rect.y + rect.h),
    }
}

/// The side of `rect` that faces the box `other`: left or right when `other` lies beyond it
/// with room for a jog, else above or below when it lies there, else left or right when it
/// lies beyond at all; boxes that overlap fall back to [`side_toward`] its centre.
fn side_facing(rect: Rect, other: Rect) -> Side {
    let room = 2.0 * STUB + TRACK;
    let right_gap = other.x - (rect.x + rect.w);
    let left_gap = rect.x - (other.x + other.w);
    if right_gap >= room {
        Side::Right
    } else if left_gap >= room {
        Side::Left
    } else if other.y >= rect.y + rect.h {
        Side::Bottom
    } else if other.y + other.h <= rect.y {
        Side::Top
    } else if right_gap >= 0.0 {
        Side::Right
    } else if left_gap >= 0.0 {
        Side::Left
    } else {
        side_toward(rect, other.center())
    }
}

/// The side of `rect` that faces `toward`: left or right whenever `toward` lies beyond the
/// box's width with room for a jog (boxes are read left to right, and sides across keep
/// routes out of the stacks of boxes above and below), else the side the ray from the
/// centre leaves by.
pub fn side_toward(rect: Rect, toward: Point) -> Side {
    let centre = rect.center();
    let (dx, dy) = (toward.x - centre.x, toward.y - centre.y);
    let room = dx.abs() - rect.w / 2.0 >= 2.0 * STUB + TRACK;
    if room || dx.abs() / rect.w.max(1.0) >= dy.abs() / rect.h.max(1.0) {
        if dx >= 0.0 { Side::Right } else { Side::Left }
    } else if dy >= 0.0 {
        Side::Bottom
    } else {
        Side::Top
    }
}

/// Obstacles in an R-tree (boxes inflated by the clearance, boundaries whole), so that
/// finding what a segment meets costs a logarithm and the hits, however long the segment or
/// large the drawing.
struct SpatialIndex {
    tree: RTree<GeomWithData<Rectangle<[f32; 2]>, u32>>,
}

impl SpatialIndex {
    fn new(obstacles: &Obstacles) -> Self {
        let boxes = obstacles.boxes.iter().map(|rect| rect.inflated(CLEARANCE));
        let items = boxes
            .chain(
                obstacles
                    .boundaries
                    .iter()
                    .map(|rect| rect.inflated(BOUNDARY_CLEARANCE)),
            )
            .enumerate()
            .map(|(id, rect)| {
                GeomWithData::new(
                    Rectangle::from_corners([rect.x, rect.y], [rect.x + rect.w, rect.y + rect.h]),
                    u32::try_from(id).unwrap_or(u32::MAX),
                )
            })
            .collect();
        Self {
            tree: RTree::bulk_load(items),
        }
    }

    /// Visits the obstacles whose indexed rectangle meets `area` until `visit` says stop;
    /// returns whether it did.
    fn near(&self, area: Rect, mut visit: impl FnMut(u32) -> bool) -> bool {
        let envelope = AABB::from_corners([area.x, area.y], [area.x + area.w, area.y + area.h]);
        self.tree
            .locate_in_envelope_intersecting(envelope)
            .any(|item| visit(item.data))
    }
}

/// What one route must avoid: every box but its two ends, and every boundary that holds
/// neither end (a route leaves and enters the boundaries of its own ends).
struct Blocked<'o> {
    obstacles: &'o Obstacles,
    index: &'o SpatialIndex,
    from: usize,
    to: usize,
}

impl<'o> Blocked<'o> {
    fn new(obstacles: &'o Obstacles, index: &'o SpatialIndex, from: usize, to: usize) -> Self {
        Self {
            obstacles,
            index,
            from,
            to,
        }
    }

    fn rect(&self, id: u32) -> Option<Rect> {
        let id = id as usize;
        let boxes = &self.obstacles.boxes;
        if id < boxes.len() {
            return (id != self.from && id != self.to).then(|| boxes[id].inflated(CLEARANCE));
        }
        let boundary = self.obstacles.boundaries[id - boxes.len()];
        let holds = |b: usize| boundary.contains_rect(&boxes[b]);
        (!holds(self.from) && !holds(self.to)).then(|| boundary.inflated(BOUNDARY_CLEARANCE))
    }

    /// Whether the horizontal or vertical segment `a`-`b` crosses an obstacle: a box's
    /// inflated area, or a foreign boundary's outline (a route may not enter one).
    fn crosses(&self, a: Point, b: Point) -> bool {
        let span = Rect::spanning(a, b);
        self.index.near(span, |id| {
            self.rect(id).is_some_and(|rect| segment_meets(span, rect))
        })
    }

    /// Whether any segment of `route` runs along a boundary's border: see
    /// [`segments_along_borders`].
    fn hugging(&self, route: &[Point]) -> bool {
        segments_along_borders(self.obstacles, self.index, route)
            .next()
            .is_some()
    }

    /// Whether any segment of `route` passes through a boundary's title.
    fn strikes_a_title(&self, route: &[Point]) -> bool {
        titles_struck_by(self.obstacles, self.index, route) > 0
    }

    /// Whether the segment `a`-`b` runs through the route's own end boxes.
    fn crosses_ends(&self, a: Point, b: Point) -> bool {
        let span = Rect::spanning(a, b);
        [self.from, self.to]
            .iter()
            .any(|&end| segment_meets(span, self.obstacles.boxes[end].inflated(CLEARANCE / 2.0)))
    }

    /// Whether the segment `a`-`b` may stand in the route: it crosses no obstacle, and,
    /// unless it touches a port (`at_end`), none of the route's own end boxes.
    fn segment_clear(&self, a: Point, b: Point, at_end: bool) -> bool {
        !self.crosses(a, b) && (at_end || !self.crosses_ends(a, b))
    }

    /// The obstacles near `area`, inflated, for the grid search; `None` when there are more
    /// than `most` (it stops looking there, so a window over a huge drawing costs little).
    fn within(&self, area: Rect, most: usize) -> Option<Vec<Rect>> {
        let mut found: Vec<Rect> = Vec::new();
        let crowded = self.index.near(area, |id| {
            if let Some(rect) = self.rect(id) {
                found.push(rect);
            }
            found.len() > most
        });
        (!crowded).then_some(found)
    }
}

/// Whether the horizontal or vertical segment `a`-`b` runs along a boundary's border (its
/// own or another's, inside or out) closer than [`HUG`], for longer than that: such a line
/// reads as part of the boundary's outline.
fn hugs(obstacles: &Obstacles, index: &SpatialIndex, a: Point, b: Point) -> bool {
    let (vertical, at, lo, hi) = Tracks::line(a, b);
    let boxes = obstacles.boxes.len();
    let area = Rect::spanning(a, b).inflated(HUG + BOUNDARY_CLEARANCE);
    index.near(area, |id| {
        let Some(border) = (id as usize)
            .checked_sub(boxes)
            .and_then(|k| obstacles.boundaries.get(k))
        else {
            return false;
        };
        let (lines, start, end) = if vertical {
            (
                [border.x, border.x + border.w],
                border.y,
                border.y + border.h,
            )
        } else {
            (
                [border.y, border.y + border.h],
                border.x,
                border.x + border.w,
            )
        };
        hi.min(end) - lo.max(start) > HUG && lines.iter().any(|line| (line - at).abs() <= HUG)
    })
}

/// The segments of `route` but the first and the last (out of and into the ports, which
/// may have to start beside a border) that run along a boundary's border (see [`hugs`]).
fn segments_along_borders<'r>(
    obstacles: &'r Obstacles,
    index: &'r SpatialIndex,
    route: &'r [Point],
) -> impl Iterator<Item = (Point, Point)> + 'r {
    let segments = route.len().saturating_sub(1);
    route
        .windows(2)
        .enumerate()
        .filter(move |&(i, w)| i > 0 && i + 1 < segments && hugs(obstacles, index, w[0], w[1]))
        .map(|(_, w)| (w[0], w[1]))
}

/// How many segments of `routes` run along a boundary's border: see
/// [`segments_along_borders`].
pub fn hugging(obstacles: &Obstacles, routes: &[Vec<Point>]) -> usize {
    let index = SpatialIndex::new(obstacles);
    routes
        .iter()
        .map(|route| segments_along_borders(obstacles, &index, route).count())
        .sum()
}

/// Whether the horizontal or vertical segment `a`-`b` passes through `title` (not along an
/// edge of it).
fn strikes(title: Rect, a: Point, b: Point) -> bool {
    a.x.max(b.x) > title.x
        && a.x.min(b.x) < title.x + title.w
        && a.y.max(b.y) > title.y
        && a.y.min(b.y) < title.y + title.h
}

/// How many of `route`'s segments pass through a boundary's title (a segment through two
/// counts twice): the titles are found through the boundaries they lie in.
fn titles_struck_by(obstacles: &Obstacles, index: &SpatialIndex, route: &[Point]) -> usize {
    let boxes = obstacles.boxes.len();
    route
        .windows(2)
        .map(|w| {
            let mut struck = 0;
            index.near(Rect::spanning(w[0], w[1]), |id| {
                let title = (id as usize)
                    .checked_sub(boxes)
                    .and_then(|k| obstacles.titles.get(k));
                struck += usize::from(title.is_some_and(|&title| strikes(title, w[0], w[1])));
                false
            });
            struck
        })
        .sum()
}

/// How many segments of `routes` pass through a boundary's title: a route striking a title
/// out (see [`Obstacles::titles`]).
pub fn titles_struck(obstacles: &Obstacles, routes: &[Vec<Point>]) -> usize {
    let index = SpatialIndex::new(obstacles);
    routes
        .iter()
        .map(|route| titles_struck_by(obstacles, &index, route))
        .sum()
}

/// Two segments this close across their line run on one track.
const SAME_TRACK: f32 = 3.0;

/// How many pairs of segments of different routes run on one track (closer than
/// [`SAME_TRACK`] across, overlapping along it): drawn so, two connections read as one, or
/// one as a branch of the other. Bundled routes into one box (telemetry into its collector's
/// trunk) are meant to share and do not count. Counting stops at `most`: the count is a
/// score, and a star of thousands of routes into one box would otherwise take their square.
pub fn shared_tracks(requests: &[Request<'_>], routes: &[Vec<Point>], most: usize) -> usize {
    let trunks: Vec<Option<usize>> = requests.iter().map(|r| r.trunk).collect();
    shared_pairs(&trunks, routes, most).len()
}

/// [`shared_tracks`] over the routes of `doc`'s connections (by connection position, as
/// [`connections`] gives them), counting every pair.
pub fn shared_tracks_of(doc: &Document, catalog: &Catalog, routes: &[Option<Vec<Point>>]) -> usize {
    let drawn = Drawn::of(doc, catalog, |_| &[]);
    let (trunks, routes): (Vec<Option<usize>>, Vec<Vec<Point>>) = drawn
        .trunks
        .iter()
        .zip(routes)
        .filter_map(|(&trunk, route)| Some((trunk, route.clone()?)))
        .unzip();
    shared_pairs(&trunks, &routes, usize::MAX).len()
}

/// The routes (earlier, later) of each pair of segments on one track, as [`shared_tracks`]
/// counts them, at most `most`; each route's trunk as [`Request::trunk`] gives it.
fn shared_pairs(
    trunks: &[Option<usize>],
    routes: &[Vec<Point>],
    most: usize,
) -> Vec<(usize, usize)> {
    // (vertical, position, start, end, route)
    let mut segments: Vec<(bool, f32, f32, f32, usize)> = Vec::new();
    for (route, points) in routes.iter().enumerate() {
        for w in points.windows(2) {
            let (vertical, at, lo, hi) = Tracks::line(w[0], w[1]);
            if hi - lo > 0.5 {
                segments.push((vertical, at, lo, hi, route));
            }
        }
    }
    segments.sort_by(|a, b| {
        (a.0, a.1)
            .partial_cmp(&(b.0, b.1))
            .unwrap_or(Ordering::Equal)
    });
    let owner = |route: usize| Owner {
        route,
        trunk: trunks.get(route).copied().flatten(),
    };
    let mut pairs = Vec::new();
    for (i, s) in segments.iter().enumerate() {
        for t in &segments[i + 1..] {
            if t.0 != s.0 || t.1 - s.1 >= SAME_TRACK {
                break;
            }
            if s.4 != t.4 && s.3.min(t.3) > s.2.max(t.2) && !owner(s.4).shares_with(owner(t.4)) {
                pairs.push((s.4.min(t.4), s.4.max(t.4)));
                if pairs.len() >= most {
                    return pairs;
                }
            }
        }
    }
    pairs
}

/// Whether a degenerate (zero-width or zero-height) rectangle `span` meets the interior of
/// `rect`.
fn segment_meets(span: Rect, rect: Rect) -> bool {
    span.overlaps(&rect)
}

/// Whose a taken segment is: a route, and the trunk it runs in along (see
/// [`Request::trunk`]). A route may run on its own segments' tracks and on those of routes
/// of the same trunk; [`Owner::ANYONE`]'s segments are in everyone's way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Owner {
    route: usize,
    trunk: Option<usize>,
}

impl Owner {
    const ANYONE: Owner = Owner {
        route: usize::MAX,
        trunk: None,
    };

    /// Whether this owner's segments may share a track with `other`'s.
    fn shares_with(self, other: Owner) -> bool {
        (self.route != usize::MAX && self.route == other.route)
            || (self.trunk.is_some() && self.trunk == other.trunk)
    }
}

/// A taken segment on its line: where the line lies across, its span along it, and whose.
#[derive(Debug, Clone, Copy)]
struct Span {
    at: f32,
    lo: f32,
    hi: f32,
    owner: Owner,
    /// Which of its owner's routes it belongs to: see [`Tracks::retire`].
    version: u32,
}

/// Channels already taken by segments: vertical ones by x, horizontal ones by y (rounded to
/// half the track width), and by the stretches of [`TRACK_CELL`] they span along their own
/// axis, so that a look-up reads only the spans nearby however many routes share a line.
#[derive(Default)]
struct Tracks {
    vertical: HashMap<(i32, i32), Vec<Span>>,
    horizontal: HashMap<(i32, i32), Vec<Span>>,
    /// The current version of each route retired at least once; the spans of its other
    /// versions are gone. Versions are never given twice.
    versions: HashMap<usize, u32>,
    last_version: u32,
}

impl Tracks {
    fn key(v: f32) -> i32 {
        (v / (TRACK / 2.0)).round() as i32
    }

    fn version(&self, route: usize) -> u32 {
        self.versions.get(&route).copied().unwrap_or(0)
    }

    fn current(&self, span: &Span) -> bool {
        span.version == self.version(span.owner.route)
    }

    /// Frees the tracks of `route`'s segments taken so far, for the route to be taken
    /// again; gives the version they belong to, for [`Tracks::restore`].
    fn retire(&mut self, route: usize) -> u32 {
        self.last_version += 1;
        self.versions.insert(route, self.last_version).unwrap_or(0)
    }

    /// Gives `route`'s tracks back to its segments of `version`, freeing those it took since.
    fn restore(&mut self, route: usize, version: u32) {
        self.versions.insert(route, version);
    }

    fn cells(lo: f32, hi: f32) -> std::ops::RangeInclusive<i32> {
        (lo / TRACK_CELL).floor() as i32..=(hi / TRACK_CELL).floor() as i32
    }

    /// The line a segment runs on, and its span along it.
    fn line(a: Point, b: Point) -> (bool, f32, f32, f32) {
        if (a.x - b.x).abs() < 0.5 {
            (true, a.x, a.y.min(b.y), a.y.max(b.y))
        } else {
            (false, a.y, a.x.min(b.x), a.x.max(b.x))
        }
    }

    /// Whether a segment taken by anyone runs on (or within a few pixels of) the line of
    /// `a`-`b`, overlapping it.
    fn taken(&self, a: Point, b: Point) -> bool {
        self.taken_by_others(a, b, Owner::ANYONE)
    }

    /// [`Tracks::taken`], leaving out the segments `by` may share a track with.
    fn taken_by_others(&self, a: Point, b: Point, by: Owner) -> bool {
        let (vertical, at, lo, hi) = Self::line(a, b);
        let mut found = false;
        self.spans_near(vertical, at, 1, lo, hi, |span| {
            found |= !by.shares_with(span.owner);
        });
        found
    }

    /// Calls `visit` with each taken segment of one orientation within `keys` half tracks
    /// of the line at `at` whose span overlaps `lo..hi` (a segment spanning several
    /// stretches may come more than once).
    fn spans_near(
        &self,
        vertical: bool,
        at: f32,
        keys: i32,
        lo: f32,
        hi: f32,
        mut visit: impl FnMut(&Span),
    ) {
        let map = if vertical {
            &self.vertical
        } else {
            &self.horizontal
        };
        let key = Self::key(at);
        for k in key.saturating_sub(keys)..=key.saturating_add(keys) {
            for cell in Self::cells(lo, hi) {
                for span in map.get(&(k, cell)).into_iter().flatten() {
                    if span.lo < hi && lo < span.hi && self.current(span) {
                        visit(span);
                    }
                }
            }
        }
    }

    /// Calls `visit` with each taken segment of one orientation that meets `area` (a
    /// segment spanning several stretches may come more than once).
    fn spans_within(&self, vertical: bool, area: Rect, mut visit: impl FnMut(&Span)) {
        let (across, along) = if vertical {
            ((area.x, area.x + area.w), (area.y, area.y + area.h))
        } else {
            ((area.y, area.y + area.h), (area.x, area.x + area.w))
        };
        let map = if vertical {
            &self.vertical
        } else {
            &self.horizontal
        };
        for k in Self::key(across.0)..=Self::key(across.1) {
            for cell in Self::cells(along.0, along.1) {
                for span in map.get(&(k, cell)).into_iter().flatten() {
                    if span.lo < along.1 && along.0 < span.hi && self.current(span) {
                        visit(span);
                    }
                }
            }
        }
    }

    /// How many segments of `route` run on a track another route than `by`'s (or those it
    /// may share with) took.
    fn crowding(&self, route: &[Point], by: Owner) -> usize {
        route
            .windows(2)
            .filter(|w| self.taken_by_others(w[0], w[1], by))
            .count()
    }

    /// How many segments of routes other than `by`'s (and those it may share with) the
    /// segments of `route` cross.
    fn crossings(&self, route: &[Point], by: Owner) -> usize {
        let mut count = 0;
        for pair in route.windows(2) {
            let (vertical, at, lo, hi) = Self::line(pair[0], pair[1]);
            let area = if vertical {
                Rect::new(at, lo, 0.0, hi - lo)
            } else {
                Rect::new(lo, at, hi - lo, 0.0)
            };
            // Segments at right angles whose line the segment passes strictly, and which
            // pass its line strictly.
            self.spans_within(!vertical, area, |span| {
                if !by.shares_with(span.owner)
                    && lo < span.at
                    && span.at < hi
                    && span.lo < at
                    && at < span.hi
                {
                    count += 1;
                }
            });
        }
        count
    }

    fn take(&mut self, points: &[Point]) {
        self.take_as(points, Owner::ANYONE);
    }

    fn take_as(&mut self, points: &[Point], owner: Owner) {
        let version = self.version(owner.route);
        for pair in points.windows(2) {
            let (vertical, at, lo, hi) = Self::line(pair[0], pair[1]);
            let map = if vertical {
                &mut self.vertical
            } else {
                &mut self.horizontal
            };
            let span = Span {
                at,
                lo,
                hi,
                owner,
                version,
            };
            for cell in Self::cells(lo, hi) {
                map.entry((Self::key(at), cell)).or_default().push(span);
            }
        }
    }
}

/// What a leg keeps off: the tracks other routes took and, in a thorough search (one with
/// a `budget` of grid states), crossing them.
struct Care<'t> {
    tracks: &'t Tracks,
    owner: Owner,
    budget: Option<&'t Cell<usize>>,
}

/// A route from `from` to `to`: out of `from` along its side's direction, into `to` against
/// its side's.
fn leg(
    blocked: &Blocked<'_>,
    care: &Care<'_>,
    from: (Point, Side),
    to: (Point, Side),
) -> Vec<Point> {
    // What a route has wrong, worst first: in a thorough search, a stretch on another
    // route's track (the two read as one line); then a segment through a boundary's title
    // (which reads struck out); then a stretch along a boundary's border.
    let faults = |route: &[Point]| {
        (
            care.budget.is_some() && tracks_crowded(care.tracks, care.owner, route),
            blocked.strikes_a_title(route),
            blocked.hugging(route),
        )
    };
    match direct(blocked, care.tracks, care.owner, from, to) {
        Some(route) => {
            let direct_faults = faults(&route);
            if direct_faults == (false, false, false) {
                return route;
            }
            searched(blocked, care, from, to)
                .filter(|found| faults(found) < direct_faults)
                .unwrap_or(route)
        }
        None => searched(blocked, care, from, to).unwrap_or_else(|| fallback(from, to)),
    }
}

fn step(p: Point, side: Side, by: f32) -> Point {
    let (dx, dy) = side.outward();
    Point::new(p.x + dx * by, p.y + dy * by)
}

/// Whether no segment crosses an obstacle, and no segment but the first and the last (which
/// touch the ports) crosses the route's own end boxes.
fn clear(blocked: &Blocked<'_>, route: &[Point]) -> bool {
    clear_from(blocked, route, 0)
}

/// [`clear`] for the segments of `route` from its `from`-th on.
fn clear_from(blocked: &Blocked<'_>, route: &[Point], from: usize) -> bool {
    let last = route.len().saturating_sub(2);
    route
        .windows(2)
        .enumerate()
        .skip(from)
        .all(|(i, w)| blocked.segment_clear(w[0], w[1], i == 0 || i == last))
}

/// A route of at most three bends, when one is free: straight when the ports line up; one
/// jog through the gap between ends that face each other, tried at the middle of the gap
/// and then a track further out each time (a jog another route took is skipped); else out
/// of each port by a stub and one or two bends between the stubs.
fn direct(
    blocked: &Blocked<'_>,
    tracks: &Tracks,
    owner: Owner,
    (a, out): (Point, Side),
    (b, into): (Point, Side),
) -> Option<Vec<Point>> {
    let horizontal = out.horizontal();
    let facing_each_other = out.horizontal() == into.horizontal() && out != into;
    let s = step(a, out, STUB);
    let e = step(b, into, STUB);
    let ahead = |p: Point, q: Point, side: Side| toward(p, q, side);
    if facing_each_other && ahead(s, e, out) {
        let (a_across, b_across) = if horizontal { (a.y, b.y) } else { (a.x, b.x) };
        if (a_across - b_across).abs() < 0.01 {
            let route = vec![a, b];
            return clear(blocked, &route).then_some(route);
        }
        let make = |at: f32| {
            if horizontal {
                vec![a, Point::new(at, a.y), Point::new(at, b.y), b]
            } else {
                vec![a, Point::new(a.x, at), Point::new(b.x, at), b]
            }
        };
        let (lo, hi) = if horizontal { (s.x, e.x) } else { (s.y, e.y) };
        let (min, max) = (lo.min(hi), lo.max(hi));
        let middle = (min + max) / 2.0;
        let reach = ((max - min) / 2.0 / TRACK).floor() as i32;
        for k in 0..=reach.clamp(0, 24) {
            for sign in [1.0, -1.0] {
                if k == 0 && sign < 0.0 {
                    continue;
                }
                let route = make(middle + sign * k as f32 * TRACK);
                if !tracks.taken_by_others(route[1], route[2], owner) && clear(blocked, &route) {
                    return Some(route);
                }
            }
        }
    }
    // Out by a stub, then one bend between the stubs (either corner), or two around a
    // middle line when the stubs point the same way or away from each other.
    let mut candidates = vec![
        vec![a, s, Point::new(s.x, e.y), e, b],
        vec![a, s, Point::new(e.x, s.y), e, b],
    ];
    for k in 0..4 {
        let reach = STUB + (k as f32 + 1.0) * 3.0 * TRACK;
        // Beyond both stubs on `out`'s side, then across, then back in.
        let (dx, dy) = out.outward();
        if horizontal {
            let x = if dx > 0.0 { s.x.max(e.x) } else { s.x.min(e.x) } + dx * reach;
            candidates.push(vec![a, s, Point::new(x, s.y), Point::new(x, e.y), e, b]);
        } else {
            let y = if dy > 0.0 { s.y.max(e.y) } else { s.y.min(e.y) } + dy * reach;
            candidates.push(vec![a, s, Point::new(s.x, y), Point::new(e.x, y), e, b]);
        }
    }
    let candidates: Vec<Vec<Point>> = candidates
        .into_iter()
        .map(simplify)
        .filter(|route| well_formed(route) && clear(blocked, route))
        .collect();
    // A free track if there is one; sharing one still beats a long search.
    candidates
        .iter()
        .find(|route| !tracks_crowded(tracks, owner, route))
        .or(candidates.first())
        .cloned()
}

/// `route` without hooks: a segment, a short step aside, and a segment back over it the
/// other way (legs joined at a bend point can come out so). The step moves to where the
/// two segments overlap, and the doubled stretch goes; where the moved step would meet an
/// obstacle the hook stays.
fn unhook(blocked: &Blocked<'_>, mut route: Vec<Point>) -> Vec<Point> {
    const SHORT: f32 = 2.0 * TRACK;
    let mut i = 0;
    while i + 3 < route.len() {
        let (p, q, r, s) = (route[i], route[i + 1], route[i + 2], route[i + 3]);
        let horizontal = (p.y - q.y).abs() < 0.01 && (r.y - s.y).abs() < 0.01;
        let vertical = (p.x - q.x).abs() < 0.01 && (r.x - s.x).abs() < 0.01;
        let along = |v: Point| if horizontal { v.x } else { v.y };
        let across = |v: Point| if horizontal { v.y } else { v.x };
        let point = |a: f32, c: f32| {
            if horizontal {
                Point::new(a, c)
            } else {
                Point::new(c, a)
            }
        };
        let back = (along(q) - along(p)) * (along(s) - along(r)) < 0.0;
        let step = (across(r) - across(q)).abs();
        let within = |v: f32, a: Point, b: Point| {
            v >= along(a).min(along(b)) - 0.01 && v <= along(a).max(along(b)) + 0.01
        };
        // Step at the start of the first segment, or at the end of the last.
        let replacement = if !((horizontal || vertical) && back && step < SHORT) {
            None
        } else if within(along(p), r, s) {
            Some(point(along(p), across(r)))
        } else if within(along(s), p, q) {
            Some(point(along(s), across(p)))
        } else {
            None
        };
        // The last segment's index once the hook's two points are one.
        let last = route.len() - 3;
        let clear = |a: Point, b: Point, segment: usize| {
            blocked.segment_clear(a, b, segment == 0 || segment >= last)
        };
        match replacement {
            Some(corner) if clear(p, corner, i) && clear(corner, s, i + 1) => {
                route.splice(i + 1..i + 3, [corner]);
                route = simplify(route);
                i = i.saturating_sub(2);
            }
            _ => i += 1,
        }
    }
    route
}

/// Whether every segment is horizontal or vertical and none doubles back on the one before.
fn well_formed(route: &[Point]) -> bool {
    route
        .windows(2)
        .all(|w| (w[0].x - w[1].x).abs() < 0.01 || (w[0].y - w[1].y).abs() < 0.01)
        && route.windows(3).all(|w| {
            let (ux, uy) = (w[1].x - w[0].x, w[1].y - w[0].y);
            let (vx, vy) = (w[2].x - w[1].x, w[2].y - w[1].y);
            ux * vx + uy * vy >= 0.0
        })
}

/// Whether `b` lies ahead of `a` in `side`'s direction (or level with it).
fn toward(a: Point, b: Point, side: Side) -> bool {
    let (dx, dy) = side.outward();
    (b.x - a.x) * dx + (b.y - a.y) * dy >= -0.5
}

/// Whether a segment of `route` runs on a track another route took.
fn tracks_crowded(tracks: &Tracks, owner: Owner, route: &[Point]) -> bool {
    route
        .windows(2)
        .any(|w| tracks.taken_by_others(w[0], w[1], owner))
}

/// The shortest route with the fewest bends over the orthogonal grid that the obstacles
/// near the two ends span, in a window around them that doubles until a route exists (at
/// most four times).
fn searched(
    blocked: &Blocked<'_>,
    care: &Care<'_>,
    (a, out): (Point, Side),
    (b, into): (Point, Side),
) -> Option<Vec<Point>> {
    let start = step(a, out, STUB);
    let goal = step(b, into, STUB);
    let mut margin = 120.0_f32;
    for _ in 0..4 {
        let window = Rect::new(
            start.x.min(goal.x) - margin,
            start.y.min(goal.y) - margin,
            (start.x - goal.x).abs() + 2.0 * margin,
            (start.y - goal.y).abs() + 2.0 * margin,
        );
        // A window this crowded would take longer to search than the whole drawing is
        // worth: the caller falls back to a plain route.
        let mut near = blocked.within(window, MAX_SEARCH_OBSTACLES)?;
        near.extend(
            [blocked.from, blocked.to]
                .map(|end| blocked.obstacles.boxes[end].inflated(CLEARANCE / 2.0)),
        );
        if let Some(mut middle) =
            grid_path(blocked, care, &near, window, (start, out), (goal, into))
        {
            let mut route = vec![a];
            route.append(&mut middle);
            route.push(b);
            return Some(route);
        }
        margin *= 2.0;
    }
    None
}

/// A* over the grid of the window's lines: the ends' coordinates and each obstacle's
/// sides. A state is a grid point and the direction it was reached in; a turn costs
/// [`BEND_COST`].
fn grid_path(
    blocked: &Blocked<'_>,
    care: &Care<'_>,
    near: &[Rect],
    window: Rect,
    (start, out): (Point, Side),
    (goal, into): (Point, Side),
) -> Option<Vec<Point>> {
    let mut xs = vec![start.x, goal.x, window.x, window.x + window.w];
    let mut ys = vec![start.y, goal.y, window.y, window.y + window.h];
    for rect in near {
        xs.extend([rect.x - 0.5, rect.x + rect.w + 0.5]);
        ys.extend([rect.y - 0.5, rect.y + rect.h + 0.5]);
    }
    // The titles of the boundaries near, with lines just past their ends, so that a route
    // can enter a boundary beside its title rather than through it.
    let boxes = blocked.obstacles.boxes.len();
    let mut titles: Vec<Rect> = Vec::new();
    blocked.index.near(window, |id| {
        if let Some(&title) = (id as usize)
            .checked_sub(boxes)
            .and_then(|k| blocked.obstacles.titles.get(k))
        {
            titles.push(title);
        }
        false
    });
    for title in &titles {
        xs.push(title.x + title.w + TRACK);
        ys.push(title.y + title.h + TRACK);
    }
    let inside_x = |v: &f32| *v >= window.x && *v <= window.x + window.w;
    let inside_y = |v: &f32| *v >= window.y && *v <= window.y + window.h;
    xs.retain(inside_x);
    ys.retain(inside_y);
    for axis in [&mut xs, &mut ys] {
        axis.sort_by(f32::total_cmp);
        axis.dedup_by(|a, b| (*a - *b).abs() < 0.001);
        // The middle of every corridor wide enough to run along without hugging either
        // side: on the lines of the obstacles' sides alone, a route between two boundaries
        // runs beside one of them and reads as part of its outline.
        let middles: Vec<f32> = axis
            .windows(2)
            .filter(|w| w[1] - w[0] > 2.0 * HUG)
            .map(|w| (w[0] + w[1]) / 2.0)
            .collect();
        axis.extend(middles);
        axis.sort_by(f32::total_cmp);
    }
    // In a thorough search, lines a track either side of the segments other routes run on
    // (or near) the grid's lines, so that a route can run beside them rather than on them.
    let (tracks, owner) = (care.tracks, care.owner);
    let thorough = care.budget.is_some();
    let spans = [
        (window.y, window.y + window.h),
        (window.x, window.x + window.w),
    ];
    for (vertical, axis) in [(true, &mut xs), (false, &mut ys)] {
        if !thorough {
            break;
        }
        let (lo, hi) = spans[usize::from(!vertical)];
        let (first, last) = (axis[0], axis[axis.len() - 1]);
        let mut beside: Vec<f32> = Vec::new();
        for &line in axis.iter() {
            tracks.spans_near(vertical, line, 2, lo, hi, |span| {
                if (span.at - line).abs() < TRACK && !owner.shares_with(span.owner) {
                    beside.extend([span.at - TRACK, span.at + TRACK]);
                }
            });
            if beside.len() >= MAX_BESIDE_LINES {
                break;
            }
        }
        axis.extend(beside.into_iter().filter(|v| (first..=last).contains(v)));
        axis.sort_by(f32::total_cmp);
        axis.dedup_by(|a, b| (*a - *b).abs() < 0.001);
    }
    let find = |axis: &[f32], v: f32| {
        axis.iter()
            .position(|&c| (c - v).abs() < 0.001)
            .unwrap_or_default()
    };
    let (w, h) = (xs.len(), ys.len());
    let at = |i: usize, j: usize| Point::new(xs[i], ys[j]);
    let start_cell = (find(&xs, start.x), find(&ys, start.y));
    let goal_cell = (find(&xs, goal.x), find(&ys, goal.y));
    // Directions: 0 right, 1 left, 2 down, 3 up.
    let direction_of = |side: Side| match side {
        Side::Right => 0u8,
        Side::Left => 1,
        Side::Bottom => 2,
        Side::Top => 3,
    };
    let arrive = direction_of(opposite(into));
    // What each step between neighbouring grid points meets (see [`GridStep`]), worked
    // out once per obstacle and per other route's segment over the grid lines it spans
    // rather than once per step the search takes: `steps[2 * (j * w + i)]` is the step
    // from (i, j) to (i + 1, j), `steps[2 * (j * w + i) + 1]` the step from (i, j) to
    // (i, j + 1). The two steps out of a point lie side by side, as the search reads them.
    let mut steps = vec![GridStep::default(); 2 * w * h];
    let across = |cell: usize| 2 * cell;
    let down = |cell: usize| 2 * cell + 1;
    let first_above = |axis: &[f32], v: f32| axis.partition_point(|&c| c <= v);
    let first_from = |axis: &[f32], v: f32| axis.partition_point(|&c| c < v);
    // Steps along a boundary's border (within [`HUG`] of it) cost a little more, so that a
    // route takes another channel when one is about as short, and steps squeezed between
    // two borders a lot more: see [`HUG_COST`] and [`SQUEEZE_COST`].
    blocked.index.near(window, |id| {
        let Some(border) = (id as usize)
            .checked_sub(boxes)
            .and_then(|k| blocked.obstacles.boundaries.get(k))
        else {
            return false;
        };
        let (right, bottom) = (border.x + border.w, border.y + border.h);
        for line in [border.y, bottom] {
            let columns = first_above(&xs, border.x).saturating_sub(1)..first_from(&xs, right);
            for j in first_from(&ys, line - HUG)..first_above(&ys, line + HUG) {
                let bit = if ys[j] >= line {
                    BORDER_BEFORE
                } else {
                    BORDER_AFTER
                };
                for i in columns.clone() {
                    if i + 1 < w {
                        steps[across(j * w + i)].along |= bit;
                    }
                }
            }
        }
        for line in [border.x, right] {
            let rows = first_above(&ys, border.y).saturating_sub(1)..first_from(&ys, bottom);
            for j in rows {
                if j + 1 >= h {
                    continue;
                }
                for i in first_from(&xs, line - HUG)..first_above(&xs, line + HUG) {
                    steps[down(j * w + i)].along |= if xs[i] >= line {
                        BORDER_BEFORE
                    } else {
                        BORDER_AFTER
                    };
                }
            }
        }
        false
    });
    // Steps on another route's track: see [`SHARED_TRACK_COST`].
    for (vertical, lines, points) in [(true, &xs, &ys), (false, &ys, &xs)] {
        if !thorough {
            break;
        }
        let (lo, hi) = spans[usize::from(!vertical)];
        for (k, &line) in lines.iter().enumerate() {
            tracks.spans_near(vertical, line, 1, lo, hi, |span| {
                if owner.shares_with(span.owner) || (span.at - line).abs() >= SAME_TRACK {
                    return;
                }
                // Steps from grid line `m` to `m + 1` along this line that overlap the span.
                let from = points.partition_point(|&c| c <= span.lo).saturating_sub(1);
                let to = points.partition_point(|&c| c < span.hi);
                for m in from..to.min(points.len() - 1) {
                    if points[m] < span.hi && points[m + 1] > span.lo {
                        let step = if vertical {
                            down(m * w + k)
                        } else {
                            across(k * w + m)
                        };
                        steps[step].crowd = true;
                    }
                }
            });
        }
    }
    // How many other routes' segments each step crosses: see [`CROSSING_COST`]. A step
    // crosses a segment at right angles to it that runs past the step's line, where the
    // segment's line lies from the step's start up to (not including) its end.
    for (vertical, lines, points) in [(true, &ys, &xs), (false, &xs, &ys)] {
        if !thorough {
            break;
        }
        tracks.spans_within(vertical, window, |span| {
            if owner.shares_with(span.owner) {
                return;
            }
            let m = points.partition_point(|&c| c <= span.at);
            if m == 0 || m >= points.len() {
                return;
            }
            let first = lines.partition_point(|&c| c <= span.lo);
            let last = lines.partition_point(|&c| c < span.hi);
            for k in first..last {
                let step = if vertical {
                    across(k * w + m - 1)
                } else {
                    down((m - 1) * w + k)
                };
                steps[step].crossed = steps[step].crossed.saturating_add(1);
            }
        });
    }
    for rect in near {
        steps_through(&xs, &ys, rect, |step| steps[step].blocked = true);
    }
    for title in &titles {
        steps_through(&xs, &ys, title, |step| steps[step].title = true);
    }
    let state = |i: usize, j: usize, d: u8| (j * w + i) * 4 + d as usize;
    let mut best = vec![f32::INFINITY; w * h * 4];
    let mut came: Vec<u32> = vec![u32::MAX; w * h * 4];
    let mut open = BinaryHeap::new();
    let first = state(start_cell.0, start_cell.1, direction_of(out));
    best[first] = 0.0;
    open.push(Open::new(0.0, first));
    let goal_point = at(goal_cell.0, goal_cell.1);
    let distance = |a: Point, b: Point| (a.x - b.x).abs() + (a.y - b.y).abs();
    let mut reached = None;
    while let Some(current) = open.pop().map(Open::state) {
        if let Some(budget) = care.budget {
            if budget.get() == 0 {
                return None;
            }
            budget.set(budget.get() - 1);
        }
        let d = (current % 4) as u8;
        let cell = current / 4;
        let (i, j) = (cell % w, cell / w);
        if (i, j) == goal_cell {
            // Arriving against the target's side; any other way costs a last bend.
            if d == arrive {
                reached = Some(current);
                break;
            }
        }
        let cost = best[current];
        for next_d in 0..4u8 {
            // No reversing.
            if next_d ^ 1 == d && next_d / 2 == d / 2 {
                continue;
            }
            let (ni, nj) = match next_d {
                0 if i + 1 < w => (i + 1, j),
                1 if i > 0 => (i - 1, j),
                2 if j + 1 < h => (i, j + 1),
                3 if j > 0 => (i, j - 1),
                _ => continue,
            };
            let GridStep {
                blocked: step_blocked,
                along: step_along,
                crowd: step_crowd,
                crossed: step_crossings,
                title: step_title,
            } = steps[match next_d {
                0 => across(cell),
                1 => across(cell - 1),
                2 => down(cell),
                _ => down(cell - w),
            }];
            if step_blocked {
                continue;
            }
            let (p, q) = (at(i, j), at(ni, nj));
            let turn = if next_d == d { 0.0 } else { BEND_COST };
            let next = state(ni, nj, next_d);
            let length = distance(p, q);
            let along = match step_along {
                0 => 0.0,
                BORDER_BEFORE_AND_AFTER => (HUG_COST + SQUEEZE_COST) * length,
                _ => HUG_COST * length,
            };
            let crowded = if step_crowd {
                SHARED_TRACK_COST * length
            } else {
                0.0
            };
            let struck = if step_title { TITLE_COST } else { 0.0 };
            let total = cost
                + length
                + turn
                + along
                + crowded
                + struck
                + CROSSING_COST * f32::from(step_crossings);
            if total + 0.01 < best[next] {
                best[next] = total;
                came[next] = u32::try_from(current).unwrap_or(u32::MAX);
                open.push(Open::new(
                    total
                        + distance(q, goal_point)
                        + BEND_COST * f32::from(fewest_bends(q, next_d, goal_point, arrive)),
                    next,
                ));
            }
        }
    }
    let mut current = reached?;
    let mut cells = vec![current / 4];
    while current != first {
        let previous = came[current];
        if previous == u32::MAX {
            return None;
        }
        current = previous as usize;
        if cells.last() != Some(&(current / 4)) {
            cells.push(current / 4);
        }
    }
    cells.reverse();
    let route: Vec<Point> = cells.iter().map(|&c| at(c % w, c / w)).collect();
    // The grid holds only the window's obstacles; a route is kept only when it is clear.
    clear(blocked, &route).then_some(route)
}

/// Visits the steps of the grid on lines `xs` by `ys` that overlap `rect`, as indices into
/// [`grid_path`]'s steps (`2 * cell` across, `2 * cell + 1` down): along grid lines strictly
/// inside it, those whose span overlaps it (a step from line k to k + 1 overlaps when line k
/// lies before the far side and line k + 1 beyond the near side).
fn steps_through(xs: &[f32], ys: &[f32], rect: &Rect, mut visit: impl FnMut(usize)) {
    let (w, h) = (xs.len(), ys.len());
    let first_above = |axis: &[f32], v: f32| axis.partition_point(|&c| c <= v);
    let first_from = |axis: &[f32], v: f32| axis.partition_point(|&c| c < v);
    let (right, bottom) = (rect.x + rect.w, rect.y + rect.h);
    let (rows, cols) = (
        first_above(ys, rect.y)..first_from(ys, bottom),
        first_above(xs, rect.x)..first_from(xs, right),
    );
    let steps_x = first_above(xs, rect.x).saturating_sub(1)..first_from(xs, right);
    let steps_y = first_above(ys, rect.y).saturating_sub(1)..first_from(ys, bottom);
    for j in rows {
        for i in steps_x.clone().filter(|&i| i + 1 < w) {
            visit(2 * (j * w + i));
        }
    }
    for j in steps_y.filter(|&j| j + 1 < h) {
        for i in cols.clone() {
            visit(2 * (j * w + i) + 1);
        }
    }
}

/// The fewest bends a route at `p` heading in direction `d` (as the grid search numbers
/// them: right, left, down, up) needs to arrive at `goal` heading in direction `arrive`: a
/// lower bound, which keeps the search's estimate from undercounting while it steers the
/// search away from states that must still turn.
fn fewest_bends(p: Point, d: u8, goal: Point, arrive: u8) -> u8 {
    if d == arrive {
        // Straight on only if the goal lies ahead on this line.
        let (across, ahead) = match d {
            0 => (goal.y - p.y, goal.x - p.x),
            1 => (goal.y - p.y, p.x - goal.x),
            2 => (goal.x - p.x, goal.y - p.y),
            _ => (goal.x - p.x, p.y - goal.y),
        };
        if across.abs() < 0.01 && ahead >= -0.01 {
            0
        } else {
            2
        }
    } else if d / 2 == arrive / 2 {
        2
    } else {
        1
    }
}

/// What a step between neighbouring points of the search's grid meets.
#[derive(Debug, Clone, Copy, Default)]
struct GridStep {
    /// An obstacle.
    blocked: bool,
    /// Boundary borders within [`HUG`] of it: [`BORDER_BEFORE`], [`BORDER_AFTER`] or both.
    along: u8,
    /// Another route's track.
    crowd: bool,
    /// Other routes' segments it crosses.
    crossed: u8,
    /// A boundary's title: see [`TITLE_COST`].
    title: bool,
}

/// A state on the search's open list: its estimate and its number packed into one integer
/// that orders as the estimate (by [`f32::total_cmp`]) and then the state, smallest first,
/// so that the heap compares one word. (With the two as fields, the heap's comparisons
/// took a third of the search.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Open(Reverse<u64>);

impl Open {
    fn new(estimate: f32, state: usize) -> Self {
        // The bits of an f32 flipped so that they order as `total_cmp` orders the floats.
        let bits = estimate.to_bits();
        let ordered = if bits & 0x8000_0000 == 0 {
            bits | 0x8000_0000
        } else {
            !bits
        };
        let state = u32::try_from(state).unwrap_or(u32::MAX);
        Self(Reverse(u64::from(ordered) << 32 | u64::from(state)))
    }

    fn state(self) -> usize {
        (self.0.0 & u64::from(u32::MAX)) as usize
    }
}

/// When nothing is free (the ends overlap, or the drawing leaves no gap): out of the
/// source, across, and into the target in two bends, crossing what it must.
fn fallback((a, out): (Point, Side), (b, into): (Point, Side)) -> Vec<Point> {
    let s = step(a, out, STUB);
    let e = step(b, into, STUB);
    let corner = if out.horizontal() {
        Point::new(s.x, e.y)
    } else {
        Point::new(e.x, s.y)
    };
    vec![a, s, corner, e, b]
}

/// Drops repeated points and the middle of three collinear ones.
fn simplify(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if out
            .last()
            .is_some_and(|q| (q.x - p.x).abs() < 0.01 && (q.y - p.y).abs() < 0.01)
        {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            let vertical = (a.x - b.x).abs() < 0.01 && (b.x - p.x).abs() < 0.01;
            let horizontal = (a.y - b.y).abs() < 0.01 && (b.y - p.y).abs() < 0.01;
            if vertical || horizontal {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::count_crossings;

    /// How many segments of the routes cross the interior of a box other than their ends.
    fn crossings_through_boxes(
        obstacles: &Obstacles,
        requests: &[Request<'_>],
        routes: &[Vec<Point>],
    ) -> usize {
        let mut count = 0;
        for (request, route) in requests.iter().zip(routes) {
            for pair in route.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let span = Rect::spanning(a, b);
                count += obstacles
                    .boxes
                    .iter()
                    .enumerate()
                    .filter(|&(i, rect)| {
                        i != request.from && i != request.to && segment_meets(span, *rect)
                    })
                    .count();
            }
        }
        count
    }

    #[test]
    fn routes_through_one_gap_turn_in_the_order_that_keeps_them_apart() {
        // Two boxes on the left, two further down on the right: routed one by one, the upper
        // route takes the middle of the gap first and the lower one crosses it twice on its
        // way to the next track; ordered, the lower one turns first and nothing crosses.
        let boxes = vec![
            Rect::new(0.0, 0.0, 120.0, 50.0),
            Rect::new(0.0, 100.0, 120.0, 50.0),
            Rect::new(300.0, 200.0, 120.0, 50.0),
            Rect::new(300.0, 300.0, 120.0, 50.0),
        ];
        let obstacles = Obstacles {
            boxes,
            boundaries: Vec::new(),
            ..Default::default()
        };
        let routes = route(&obstacles, &[request(0, 2), request(1, 3)]);
        assert!(routes.iter().all(|r| orthogonal(r)));
        assert_eq!(count_crossings(&routes, &[(0, 2), (1, 3)]), 0, "{routes:?}");
        assert_eq!(overlaps(&routes), 0);
    }

    #[test]
    fn a_route_that_doubles_back_beside_itself_loses_the_hook() {
        // Over to x 300, down, back left to 200, a step of 4 px, and right again into the
        // target: the stretch from 200 to 300 is drawn twice, 4 px apart.
        let obstacles = Obstacles {
            boxes: vec![
                Rect::new(0.0, 0.0, 100.0, 50.0),
                Rect::new(400.0, 40.0, 100.0, 50.0),
            ],
            boundaries: Vec::new(),
            ..Default::default()
        };
        let index = SpatialIndex::new(&obstacles);
        let blocked = Blocked::new(&obstacles, &index, 0, 1);
        let hooked = vec![
            Point::new(100.0, 25.0),
            Point::new(300.0, 25.0),
            Point::new(300.0, 60.0),
            Point::new(200.0, 60.0),
            Point::new(200.0, 64.0),
            Point::new(400.0, 64.0),
        ];
        assert_eq!(
            unhook(&blocked, hooked),
            vec![
                Point::new(100.0, 25.0),
                Point::new(300.0, 25.0),
                Point::new(300.0, 64.0),
                Point::new(400.0, 64.0),
            ]
        );
    }

    #[test]
    fn a_box_below_and_a_little_left_is_reached_from_the_bottom_not_round_the_left() {
        // The target's centre lies more than a box's half width plus a jog to the left, but
        // the boxes overlap across: out of the left side the route would reach further left
        // and come round into the target's right side.
        let obstacles = Obstacles {
            boxes: vec![
                Rect::new(200.0, 0.0, 160.0, 60.0),
                Rect::new(60.0, 200.0, 160.0, 60.0),
            ],
            boundaries: Vec::new(),
            ..Default::default()
        };
        let routes = route(&obstacles, &[request(0, 1)]);
        let route = &routes[0];
        let (first, last) = (route[0], route[route.len() - 1]);
        assert_eq!(first.y, 60.0, "leaves by the bottom: {route:?}");
        assert_eq!(last.y, 200.0, "enters by the top: {route:?}");
    }

    /// A connection without bend points.
    fn request(from: usize, to: usize) -> Request<'static> {
        Request {
            from,
            to,
            via: &[],
            trunk: None,
            telemetry: false,
        }
    }

    fn orthogonal(route: &[Point]) -> bool {
        route
            .windows(2)
            .all(|w| (w[0].x - w[1].x).abs() < 0.01 || (w[0].y - w[1].y).abs() < 0.01)
    }

    /// Pairs of segments of different routes that run over each other.
    fn overlaps(routes: &[Vec<Point>]) -> usize {
        let segments: Vec<(usize, Point, Point)> = routes
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.windows(2).map(move |w| (i, w[0], w[1])))
            .collect();
        let mut count = 0;
        for (k, &(i, a, b)) in segments.iter().enumerate() {
            for &(j, c, d) in &segments[k + 1..] {
                let vertical = a.x == b.x && c.x == d.x && a.x == c.x;
                let horizontal = a.y == b.y && c.y == d.y && a.y == c.y;
                let (lo1, hi1, lo2, hi2) = if vertical {
                    (a.y.min(b.y), a.y.max(b.y), c.y.min(d.y), c.y.max(d.y))
                } else {
                    (a.x.min(b.x), a.x.max(b.x), c.x.min(d.x), c.x.max(d.x))
                };
                if i != j && (vertical || horizontal) && lo1 < hi2 && lo2 < hi1 {
                    count += 1;
                }
            }
        }
        count
    }

    #[test]
    fn boxes_in_a_row_join_by_a_straight_line_between_facing_sides() {
        let obstacles = Obstacles {
            boxes: vec![
                Rect::new(0.0, 0.0, 100.0, 50.0),
                Rect::new(300.0, 0.0, 100.0, 50.0),
            ],
            boundaries: vec![],
            ..Default::default()
        };
        let routes = route(&obstacles, &[request(0, 1)]);
        assert_eq!(
            routes[0],
            vec![Point::new(100.0, 25.0), Point::new(300.0, 25.0)]
        );
    }

    #[test]
    fn a_box_in_the_way_is_gone_around() {
        let obstacles = Obstacles {
            boxes: vec![
                Rect::new(0.0, 0.0, 100.0, 50.0),
                Rect::new(200.0, -20.0, 100.0, 90.0),
                Rect::new(400.0, 0.0, 100.0, 50.0),
            ],
            boundaries: vec![],
            ..Default::default()
        };
        let requests = [request(0, 2)];
        let routes = route(&obstacles, &requests);
        assert!(orthogonal(&routes[0]), "{:?}", routes[0]);
        assert_eq!(
            crossings_through_boxes(&obstacles, &requests, &routes),
            0,
            "{:?}",
            routes[0]
        );
        assert_eq!(routes[0].first(), Some(&Point::new(100.0, 25.0)));
        assert_eq!(routes[0].last(), Some(&Point::new(400.0, 25.0)));
    }

    #[test]
    fn jogs_that_would_overlap_take_separate_tracks() {
        // Two sources one above the other, two targets further down and swapped: both jogs
        // cover the same rows of the one gap.
        let obstacles = Obstacles {
            boxes: vec![
                Rect::new(0.0, 0.0, 100.0, 50.0),
                Rect::new(0.0, 100.0, 100.0, 50.0),
                Rect::new(300.0, 300.0, 100.0, 50.0),
                Rect::new(300.0, 400.0, 100.0, 50.0),
            ],
            boundaries: vec![],
            ..Default::default()
        };
        let requests = [request(0, 2), request(1, 3)];
        let routes = route(&obstacles, &requests);
        for r in &routes {
            assert!(orthogonal(r), "{r:?}");
        }
        assert_eq!(overlaps(&routes), 0, "{routes:?}");
    }

    #[test]
    fn a_boundary_holding_neither_end_is_not_entered() {
        let obstacles = Obstacles {
            boxes: vec![
                Rect::new(0.0, 0.0, 100.0, 50.0),
                Rect::new(230.0, 0.0, 40.0, 40.0),
                Rect::new(500.0, 0.0, 100.0, 50.0),
            ],
            boundaries: vec![Rect::new(180.0, -40.0, 140.0, 130.0)],
            ..Default::default()
        };
        let requests = [request(0, 2)];
        let routes = route(&obstacles, &requests);
        let boundary = obstacles.boundaries[0];
        for pair in routes[0].windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let span = Rect::spanning(a, b);
            assert!(!segment_meets(span, boundary), "{:?}", routes[0]);
        }
        // A route into the boundary's own member may enter it.
        let requests = [request(0, 1)];
        let routes = route(&obstacles, &requests);
        assert_eq!(routes[0].last().map(|p| p.x), Some(230.0));
    }

    #[test]
    fn bundled_routes_into_one_box_meet_outside_it_and_enter_as_one_trunk() {
        // Three sources in a column on the left, one collector on the right.
        let obstacles = Obstacles {
            boxes: vec![
                Rect::new(0.0, 0.0, 160.0, 64.0),
                Rect::new(0.0, 200.0, 160.0, 64.0),
                Rect::new(0.0, 400.0, 160.0, 64.0),
                Rect::new(600.0, 200.0, 160.0, 64.0),
            ],
            boundaries: Vec::new(),
            ..Default::default()
        };
        let bundled = |from| Request {
            trunk: Some(0),
            telemetry: true,
            ..request(from, 3)
        };
        let requests = [bundled(0), bundled(1), bundled(2)];
        let routes = route(&obstacles, &requests);
        let ends: Vec<Point> = routes.iter().map(|r| *r.last().expect("ends")).collect();
        assert!(ends.iter().all(|&e| e == ends[0]), "one port: {ends:?}");
        // The last segments lie on one line into the port and share the trunk: at least
        // the longest trunk length, well over a stub.
        for r in &routes {
            let (a, b) = (r[r.len() - 2], r[r.len() - 1]);
            assert_eq!(a.y, b.y, "{routes:?}");
            assert!(b.x - a.x >= TRUNK_LENGTHS[0], "{routes:?}");
        }
        assert_eq!(crossings_through_boxes(&obstacles, &requests, &routes), 0);
        // Unbundled, the three take three ports.
        let spread = route(&obstacles, &[request(0, 3), request(1, 3), request(2, 3)]);
        let mut ports: Vec<i32> = spread.iter().map(|r| r[r.len() - 1].y as i32).collect();
        ports.dedup();
        assert_eq!(ports.len(), 3);
    }

    #[test]
    fn the_routes_of_a_trunk_reach_it_down_one_spine() {
        // Five sources in a staggered column on the left, one collector on the right: each
        // route found on its own reaches the trunk's line where its jog happens to sit.
        let mut boxes: Vec<Rect> = (0..5)
            .map(|k| Rect::new(40.0 * k as f32, 120.0 * k as f32, 160.0, 64.0))
            .collect();
        boxes.push(Rect::new(900.0, 250.0, 160.0, 64.0));
        let obstacles = Obstacles {
            boxes,
            boundaries: Vec::new(),
            ..Default::default()
        };
        let requests: Vec<Request<'_>> = (0..5)
            .map(|from| Request {
                trunk: Some(0),
                telemetry: true,
                ..request(from, 5)
            })
            .collect();
        let routes = route(&obstacles, &requests);
        let port = *routes[0].last().expect("ends");
        let spine = port.x - TRUNK_LENGTHS[0];
        // Every segment that meets the trunk's line from above or below runs down the
        // spine; the comb of the first pass is gone.
        for r in &routes {
            for w in r.windows(2) {
                let vertical = (w[0].x - w[1].x).abs() < 0.01;
                let meets_trunk = w.iter().any(|p| (p.y - port.y).abs() < 0.01);
                if vertical && meets_trunk {
                    assert_eq!(w[0].x, spine, "{routes:?}");
                }
            }
        }
        let ends: Vec<(usize, usize)> = requests.iter().map(|r| (r.from, r.to)).collect();
        assert_eq!(count_crossings(&routes, &ends), 0, "{routes:?}");
        assert_eq!(crossings_through_boxes(&obstacles, &requests, &routes), 0);
        // Scored for the layout's search, the routes are left where they were found.
        let scored = route_with(&obstacles, &requests, Effort::Scoring);
        assert_ne!(scored, routes, "the first pass already ran down one spine");
    }

    #[test]
    fn a_tooth_moves_onto_the_spine_only_from_beyond_it() {
        let port = (Point::new(500.0, 100.0), Side::Left);
        let end = Point::new(436.0, 100.0);
        let comb = [
            Point::new(0.0, 0.0),
            Point::new(300.0, 0.0),
            Point::new(300.0, 100.0),
            Point::new(500.0, 100.0),
        ];
        assert_eq!(
            onto_spine(&comb, end, port),
            Some(vec![
                Point::new(0.0, 0.0),
                Point::new(436.0, 0.0),
                end,
                Point::new(500.0, 100.0),
            ])
        );
        // The same, turned to enter the top of a box below.
        let turn = |p: Point| Point::new(p.y, p.x);
        let turned: Vec<Point> = comb.iter().map(|&p| turn(p)).collect();
        assert_eq!(
            onto_spine(&turned, turn(end), (turn(port.0), Side::Top)),
            onto_spine(&comb, end, port).map(|r| r.into_iter().map(turn).collect())
        );
        // Already on the spine; coming in along the trunk's line; leaving its source
        // straight for the line; a branch from the box's side of the spine.
        let on_spine = [comb[0], Point::new(436.0, 0.0), end, comb[3]];
        let along = [Point::new(0.0, 100.0), comb[3]];
        let straight_down = [Point::new(300.0, 0.0), comb[2], comb[3]];
        let from_inside = [
            Point::new(460.0, 0.0),
            Point::new(470.0, 0.0),
            Point::new(470.0, 100.0),
            comb[3],
        ];
        for route in [&on_spine[..], &along, &straight_down, &from_inside] {
            assert_eq!(onto_spine(route, end, port), None, "{route:?}");
        }
    }

    #[test]
    fn many_calls_of_one_kind_into_one_box_run_in_as_one_trunk() {
        // Every tenth box of the generated model takes about twenty calls of one kind.
        let catalog = Catalog::builtin();
        let doc = crate::samples::synthetic(100, 200);
        let obstacles = Obstacles::of(&doc, Component::rect);
        let routes = connections(&doc, catalog, &obstacles);
        let mut ends: HashMap<(&str, &str), Vec<(u32, u32)>> = HashMap::default();
        for (c, route) in doc.connections().iter().zip(&routes) {
            let end = route.as_ref().and_then(|r| r.last()).expect("routed");
            ends.entry((c.to.as_str(), c.kind.as_str()))
                .or_default()
                .push((end.x.to_bits(), end.y.to_bits()));
        }
        let (mut trunks, mut apart) = (0, 0);
        for points in ends.values() {
            let ports: HashSet<&(u32, u32)> = points.iter().collect();
            if points.len() >= FAN_IN_TRUNK {
                // One port on each side the calls come in by.
                assert!(ports.len() <= 4, "{ports:?}");
                trunks += 1;
            } else {
                assert_eq!(ports.len(), points.len(), "{ports:?}");
                apart += 1;
            }
        }
        assert!(trunks >= 5 && apart > 0, "{trunks} trunks, {apart} apart");
    }

    #[test]
    fn a_route_left_on_another_routes_track_is_routed_again_beside_it() {
        let boxes = vec![
            Rect::new(0.0, 0.0, 100.0, 40.0),
            Rect::new(600.0, 200.0, 100.0, 40.0),
            Rect::new(0.0, 100.0, 100.0, 40.0),
            Rect::new(600.0, 300.0, 100.0, 40.0),
            // Two boxes either side of the track, so close that no second track fits.
            Rect::new(150.0, -151.0, 400.0, 40.0),
            Rect::new(150.0, -89.0, 400.0, 40.0),
        ];
        let obstacles = Obstacles {
            boxes,
            boundaries: Vec::new(),
            ..Default::default()
        };
        // Both connections' bend points lie on y = -100, over a shared stretch between two
        // boxes: routed through them, the two run on one track from x = 300 to 400, and no
        // sliding moves either off it.
        let over = [Point::new(300.0, -100.0), Point::new(400.0, -100.0)];
        let wider = [Point::new(250.0, -100.0), Point::new(450.0, -100.0)];
        let requests = [
            Request {
                from: 0,
                to: 1,
                via: &over,
                trunk: None,
                telemetry: false,
            },
            Request {
                from: 2,
                to: 3,
                via: &wider,
                trunk: None,
                telemetry: false,
            },
        ];
        let routes = route(&obstacles, &requests);
        assert_eq!(
            shared_tracks(&requests, &routes, usize::MAX),
            0,
            "{routes:?}"
        );
        // The first still runs through its bend points; the second, which could not keep
        // its own and leave the track, runs from port to port, under the boxes.
        let through_bends = routes[0].windows(2).any(|w| {
            w[0].y == -100.0
                && w[1].y == -100.0
                && w[0].x.min(w[1].x) <= 300.0
                && w[0].x.max(w[1].x) >= 400.0
        });
        assert!(through_bends, "{:?}", routes[0]);
        assert!(routes[1].iter().all(|p| p.y > 0.0), "{:?}", routes[1]);
        assert!(routes.iter().all(|route| well_formed(route)), "{routes:?}");
    }

    #[test]
    fn telemetry_leaves_its_source_by_a_free_side_rather_than_cross_the_calls() {
        // A service on the left calls three stores in a column on the right; the collector
        // sits above the service. The bottom store's telemetry, leaving by the side facing
        // the collector (left), would climb across the calls into the stores above it: it
        // leaves by the free right side instead and climbs beside the column.
        let obstacles = Obstacles {
            boxes: vec![
                Rect::new(0.0, 200.0, 160.0, 64.0),
                Rect::new(400.0, 100.0, 160.0, 64.0),
                Rect::new(400.0, 200.0, 160.0, 64.0),
                Rect::new(400.0, 300.0, 160.0, 64.0),
                Rect::new(40.0, -100.0, 160.0, 64.0),
            ],
            boundaries: Vec::new(),
            ..Default::default()
        };
        let telemetry = Request {
            trunk: Some(0),
            telemetry: true,
            ..request(3, 4)
        };
        let requests = [request(0, 1), request(0, 2), request(0, 3), telemetry];
        let routes = route(&obstacles, &requests);
        let ends: Vec<(usize, usize)> = requests.iter().map(|r| (r.from, r.to)).collect();
        assert_eq!(count_crossings(&routes, &ends), 0, "{routes:?}");
        assert_eq!(
            routes[3][0].x, 560.0,
            "out of the right side: {:?}",
            routes[3]
        );
        assert_eq!(crossings_through_boxes(&obstacles, &requests, &routes), 0);
        // The quick first pass alone (boxes being dragged) leaves by the facing side.
        let quick = route_with(&obstacles, &requests, Effort::Quick);
        assert!(count_crossings(&quick, &ends) > 0, "{quick:?}");
    }

    #[test]
    fn the_search_counts_the_bends_a_route_still_needs() {
        let goal = Point::new(100.0, 0.0);
        // Heading right, into a goal entered heading right: none on its line, two off it
        // or behind it.
        assert_eq!(fewest_bends(Point::new(0.0, 0.0), 0, goal, 0), 0);
        assert_eq!(fewest_bends(Point::new(0.0, 50.0), 0, goal, 0), 2);
        assert_eq!(fewest_bends(Point::new(200.0, 0.0), 0, goal, 0), 2);
        // Heading down: one turn at least; heading left: two.
        assert_eq!(fewest_bends(Point::new(100.0, -50.0), 2, goal, 0), 1);
        assert_eq!(fewest_bends(Point::new(0.0, 0.0), 1, goal, 0), 2);
    }

    #[test]
    fn routes_on_one_track_are_counted_unless_bundled_into_one_trunk() {
        let request = |to, trunk| Request {
            from: 0,
            to,
            via: &[],
            trunk,
            telemetry: false,
        };
        let line = |x: f32| vec![Point::new(x, 0.0), Point::new(x, 100.0)];
        // Two routes 2 px apart on one vertical run, one 10 px off it.
        let routes = [line(10.0), line(12.0), line(22.0)];
        let calls = [request(1, None), request(2, None), request(3, None)];
        assert_eq!(shared_tracks(&calls, &routes, usize::MAX), 1);
        // Telemetry into one collector runs in as one trunk: meant to share.
        let trunk = [request(1, Some(0)), request(1, Some(0)), request(3, None)];
        assert_eq!(shared_tracks(&trunk, &routes, usize::MAX), 0);
        let two_collectors = [request(1, Some(0)), request(2, Some(1)), request(3, None)];
        assert_eq!(shared_tracks(&two_collectors, &routes, usize::MAX), 1);
        assert_eq!(
            shared_tracks(&calls, &[line(0.0), line(0.0), line(0.0)], 2),
            2,
            "counting stops at the most asked"
        );
    }

    #[test]
    fn routes_sharing_a_side_leave_by_separate_ports_in_the_order_of_their_targets() {
        let obstacles = Obstacles {
            boxes: vec![
                Rect::new(0.0, 100.0, 100.0, 60.0),
                Rect::new(300.0, 0.0, 100.0, 50.0),
                Rect::new(300.0, 200.0, 100.0, 50.0),
            ],
            boundaries: vec![],
            ..Default::default()
        };
        let requests = [request(0, 2), request(0, 1)];
        let routes = route(&obstacles, &requests);
        // The upper target's route leaves higher, so the two never cross.
        assert!(routes[1][0].y < routes[0][0].y, "{routes:?}");
        assert_eq!(routes[0][0].x, 100.0);
        for r in &routes {
            assert!(orthogonal(r), "{r:?}");
        }
        assert_eq!(overlaps(&routes), 0, "{routes:?}");
    }

    #[test]
    fn a_side_holding_more_arrowheads_than_fit_apart_passes_the_outer_ones_to_its_neighbours() {
        // Seven producers in a column left of one broker: its 64 px left side holds four
        // ports 12 px apart, so the highest and lowest routes come in from above and below.
        let mut boxes: Vec<Rect> = (0..7)
            .map(|k| Rect::new(0.0, -330.0 + 110.0 * k as f32, 160.0, 64.0))
            .collect();
        boxes.push(Rect::new(500.0, 0.0, 160.0, 64.0));
        let obstacles = Obstacles {
            boxes,
            boundaries: vec![],
            ..Default::default()
        };
        let requests: Vec<_> = (0..7).map(|k| request(k, 7)).collect();
        let routes = route(&obstacles, &requests);
        let broker = obstacles.boxes[7];
        let mut by_side: HashMap<Side, Vec<f32>> = HashMap::default();
        for r in &routes {
            assert!(orthogonal(r), "{r:?}");
            let end = r[r.len() - 1];
            let side = if (end.x - broker.x).abs() < 0.5 {
                Side::Left
            } else if (end.x - broker.x - broker.w).abs() < 0.5 {
                Side::Right
            } else if (end.y - broker.y).abs() < 0.5 {
                Side::Top
            } else {
                Side::Bottom
            };
            by_side.entry(side).or_default().push(along(side, end));
        }
        assert!(by_side.len() >= 2, "{by_side:?}");
        assert!(!by_side.contains_key(&Side::Right), "{by_side:?}");
        for ends in by_side.values_mut() {
            ends.sort_by(f32::total_cmp);
            assert!(
                ends.windows(2).all(|w| w[1] - w[0] >= PORT_GAP),
                "{by_side:?}"
            );
        }
        // The upper routes come in from above, the lower from below.
        let top = by_side.get(&Side::Top).map_or(0, Vec::len);
        let bottom = by_side.get(&Side::Bottom).map_or(0, Vec::len);
        assert_eq!((top, bottom), (1, 2), "{by_side:?}");
    }

    #[test]
    fn a_route_into_a_boundary_keeps_off_its_title_where_a_jog_beside_it_is_free() {
        // The middle of the gap between the two boxes lies on the boundary's title: a jog
        // there would strike it out.
        let boundary = Rect::new(0.0, 100.0, 500.0, 200.0);
        let title = Rect::new(8.0, 108.0, 212.0, 20.0);
        let boxes = vec![
            Rect::new(20.0, 0.0, 100.0, 40.0),
            Rect::new(300.0, 200.0, 100.0, 40.0),
        ];
        let with_title = Obstacles {
            boxes: boxes.clone(),
            boundaries: vec![boundary],
            titles: vec![title],
        };
        let without = Obstacles {
            boxes,
            boundaries: vec![boundary],
            titles: Vec::new(),
        };
        let kept_off = route(&with_title, &[request(0, 1)]);
        let heedless = route(&without, &[request(0, 1)]);
        assert_eq!(titles_struck(&with_title, &heedless), 1, "{heedless:?}");
        assert_eq!(titles_struck(&with_title, &kept_off), 0, "{kept_off:?}");
    }

    #[test]
    fn a_route_through_a_title_strikes_it_one_along_or_beside_it_does_not() {
        let obstacles = Obstacles {
            boundaries: vec![
                Rect::new(-8.0, -8.0, 300.0, 150.0),
                Rect::new(-8.0, 192.0, 300.0, 150.0),
            ],
            titles: vec![
                Rect::new(0.0, 0.0, 100.0, 20.0),
                Rect::new(0.0, 200.0, 100.0, 20.0),
            ],
            ..Default::default()
        };
        let through_both = vec![Point::new(50.0, -10.0), Point::new(50.0, 300.0)];
        let along_the_top = vec![Point::new(-10.0, 0.0), Point::new(110.0, 0.0)];
        let beside = vec![Point::new(120.0, -10.0), Point::new(120.0, 300.0)];
        let bent_through_one = vec![
            Point::new(-20.0, 10.0),
            Point::new(10.0, 10.0),
            Point::new(10.0, 100.0),
        ];
        assert_eq!(titles_struck(&obstacles, &[through_both]), 2);
        assert_eq!(titles_struck(&obstacles, &[along_the_top, beside]), 0);
        assert_eq!(
            titles_struck(&obstacles, &[bent_through_one]),
            2,
            "both its segments"
        );
    }
}
