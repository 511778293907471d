//! Where connection captions go: on their route, clear of every box, every other caption and
//! every other route, and where a reader can tell whose caption it is: nearer its own route
//! than any route whose caption reads differently, by [`ATTRIBUTION`]. A caption tries the
//! middle of its route's longest segments first, then slides along them and to either side;
//! when no spot is free it tries its shorter forms (the caller's abbreviations), then a step
//! further out beside its route; a caller that offers an empty form gets it when nothing is
//! free, else the caption settles for the spot that overlaps least.
//!
//! Boxes, placed captions and slanted route segments live in a uniform grid; horizontal and
//! vertical route segments live on the lines they run along ([`Lines`]), because many routes
//! share a line (a telemetry trunk carries every route into its collector) and a grid cell
//! on a trunk would hold every route's copy of it. So placing n captions costs about n times
//! the few candidates each tries, times a logarithm: nothing here is quadratic in the number
//! of captions or routes, however many of them share a track.

use std::hash::BuildHasher;

use rustc_hash::FxHashMap;

use crate::model::{Component, Document, Point, Rect};

/// Side of the indexes' cells.
const CELL: f32 = 120.0;
/// Room kept between a caption and what it must not touch.
const GAP: f32 = 2.0;
/// How much further from every other route than from its own a caption keeps, so that a
/// reader can tell whose it is.
const ATTRIBUTION: f32 = 6.0;
/// Which side of a segment a caption is tried on (0: on it) and how many caption heights
/// further out: first on or just beside the route, where it reads as the route's ...
const NEAR: [(f32, f32); 3] = [(0.0, 0.0), (1.0, 0.0), (-1.0, 0.0)];
/// ... and only when no form of the caption fits there, further out beside a horizontal
/// segment that runs between boxes too close for it.
const FAR: [(f32, f32); 2] = [(1.0, 1.5), (-1.0, 1.5)];
/// How close two captions that read the same may come: any closer, they read as one
/// stuttering caption, and the later one is left out where its caller allows.
const KIN_APART: f32 = 12.0;
/// How many spots a caption with no free one weighs by what it would cover.
const FALLBACK_SPOTS: usize = 16;
/// Where along a segment a caption is tried, middle first ...
const ALONG: [f32; 7] = [0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9];
/// ... on the route's longest segments. (Finer steps along them, every 12 px, found room for
/// one more of the 414 captions of the samples and reference designs, at 1.6 times the cost.)
const SEGMENTS: usize = 4;

/// A caption to place: the route it belongs to (an index into the routes) and the size of
/// each form it may take, full first, then shorter ones.
#[derive(Debug, Clone)]
pub struct Caption {
    pub route: usize,
    pub sizes: Vec<(f32, f32)>,
    /// Captions that read the same share a kin (any number, equal for equal texts): a reader
    /// need not tell them apart, so a caption may sit as near a kin's route as its own
    /// (beside a bundle of routes that all say "HTTP/REST").
    pub kin: usize,
    /// A form that sends the reader elsewhere for the words (the marker of an entry in a
    /// key that names the route's two ends): where no form finds a free spot, it is placed
    /// where it covers nothing even if another route runs beside it, rather than left off.
    pub pointer: Option<usize>,
}

/// The kin of a caption that reads `text`: equal texts, equal kins (and different ones almost
/// surely differ: a 64-bit hash).
pub fn kin_of(text: &str) -> usize {
    rustc_hash::FxBuildHasher.hash_one(text) as usize
}

/// Where a caption went: its centre and which of its forms fits there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub centre: Point,
    pub form: usize,
    /// False when no spot was free and it overlaps something (the least it could).
    pub clear: bool,
}

/// What captions keep off in a drawing of `doc`, for [`place`]: its boxes, and the band each
/// boundary's title is written in, across the boundary's whole width. A caption beside a
/// title, in its band, reads as part of it: an independent review read video-streaming's
/// "Cache lookup" as "Data subnet · Private subnet · Cache lookup".
pub fn keep_clear(doc: &Document) -> Vec<Rect> {
    let title_bands = doc.groups().iter().map(|group| {
        let title = crate::fonts::boundary_title_rect(group.rect, &group.name, group.kind.label());
        Rect::new(group.rect.x, title.y, group.rect.w, title.h)
    });
    doc.components()
        .iter()
        .map(Component::rect)
        .chain(title_bands)
        .collect()
}

/// Each boundary's outline in a drawing of `doc`, for [`place_avoiding`]: a caption on a
/// boundary's border reads as part of it, or as the boundary's own label (a review of the
/// editor and the exports rejected e-commerce's "Secret access" and "Alert", sitting on the
/// VPC's border where their routes leave it). Kept clear where the route has room elsewhere;
/// where it has none (a short route across the gap between two subnets), the caption still
/// goes on its route: left out, it would say nothing at all.
pub fn outlines(doc: &Document) -> Vec<Rect> {
    doc.groups()
        .iter()
        .flat_map(|group| {
            let Rect { x, y, w, h } = group.rect;
            [
                Rect::new(x, y, w, 0.0),
                Rect::new(x, y + h, w, 0.0),
                Rect::new(x, y, 0.0, h),
                Rect::new(x + w, y, 0.0, h),
            ]
        })
        .collect()
}

/// Places every caption (in order: earlier captions get the better spots).
pub fn place<R: AsRef<[Point]>>(boxes: &[Rect], routes: &[R], captions: &[Caption]) -> Vec<Placed> {
    place_avoiding(boxes, &[], routes, captions)
}

/// [`place`], keeping captions off `lines` too (boundaries' outlines, see [`outlines`]) where
/// a free spot elsewhere on the route allows.
pub fn place_avoiding<R: AsRef<[Point]>>(
    boxes: &[Rect],
    lines: &[Rect],
    routes: &[R],
    captions: &[Caption],
) -> Vec<Placed> {
    let mut grid = Grid::default();
    for rect in boxes {
        grid.insert(*rect, Item::Box);
    }
    for line in lines {
        grid.insert(*line, Item::Outline);
    }
    // A route without a caption is its own kin.
    let mut kin_of: Vec<usize> = (0..routes.len()).map(|route| usize::MAX - route).collect();
    for caption in captions {
        if let Some(kin) = kin_of.get_mut(caption.route) {
            *kin = caption.kin;
        }
    }
    let mut straight = Vec::new();
    for (route, points) in routes.iter().map(AsRef::as_ref).enumerate() {
        for pair in points.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if a.y == b.y {
                straight.push((Axis::Horizontal, a.y, a.x.min(b.x), a.x.max(b.x), route));
            } else if a.x == b.x {
                straight.push((Axis::Vertical, a.x, a.y.min(b.y), a.y.max(b.y), route));
            } else {
                grid.insert(Rect::spanning(a, b), Item::Segment(route));
            }
        }
    }
    let by_kin = straight
        .iter()
        .map(|&(axis, across, from, to, route)| (axis, across, from, to, kin_of[route]))
        .collect();
    let mut obstacles = Obstacles {
        grid,
        lines: Lines::new(straight),
        kin_lines: Lines::new(by_kin),
        kin_of,
    };
    let mut placed = Vec::with_capacity(captions.len());
    for caption in captions {
        let points = routes.get(caption.route).map_or(&[][..], AsRef::as_ref);
        let free = |spot: &Spot, w: f32, h: f32, outlines: bool| {
            let rect = spot.rect(w, h);
            !obstacles.overlaps_any(rect.inflated(GAP), caption.route, outlines)
                && !obstacles.meets_unlike(
                    rect.inflated(spot.off + ATTRIBUTION),
                    caption.kin,
                    spot.rivals,
                )
        };
        let shown: Vec<(usize, (f32, f32))> = caption
            .sizes
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, (w, h))| w > 0.0 && h > 0.0)
            .collect();
        // Every form near the route, then every form further out, first off outlines, then
        // on them; the first free spot wins.
        let found = [true, false].into_iter().find_map(|outlines| {
            [&NEAR[..], &FAR[..]].into_iter().find_map(|levels| {
                // The k-th spot of a smaller form lies inside the k-th of a larger one (same
                // centre, or the same edge against the route), so where the smallest form is
                // not free no form is: a caption with no room anywhere costs one pass, not
                // one a form.
                let &(_, (least_w, least_h)) = shown.last()?;
                let open: Vec<bool> = candidates(points, least_w, least_h, levels)
                    .iter()
                    .map(|spot| free(spot, least_w, least_h, outlines))
                    .collect();
                shown.iter().find_map(|&(form, (w, h))| {
                    let contains_least = least_w <= w && least_h <= h;
                    candidates(points, w, h, levels)
                        .into_iter()
                        .zip(&open)
                        .find(|&(spot, &open)| {
                            (open || !contains_least) && free(&spot, w, h, outlines)
                        })
                        .map(|(spot, _)| (form, spot.centre, spot.rect(w, h)))
                })
            })
        });
        // An empty form (the caller leaves the caption out) takes no room.
        let empty = caption
            .sizes
            .iter()
            .position(|&(w, h)| w <= 0.0 || h <= 0.0);
        // Beside a caption that reads the same, a caption says nothing new: the reader
        // takes the one for both routes (e-commerce's storefront showed "gRPC gRPC").
        let said_beside = found.is_some_and(|(_, _, rect)| {
            empty.is_some()
                && obstacles.grid.any_met(rect.inflated(KIN_APART), |item| {
                    item == Item::Caption(caption.kin)
                })
        });
        let found = found.filter(|_| !said_beside);
        let mut best: Option<(usize, Placed, Rect)> = found.map(|(form, centre, rect)| {
            let spot = Placed {
                centre,
                form,
                clear: true,
            };
            (0, spot, rect)
        });
        // No free spot: the pointer on its route where it covers no box, caption or
        // outline and the fewest other routes (chat left ten labelled captions off its
        // drawing, every spot on their routes beside or across another's): the key's entry
        // it points at names the route's two ends.
        if best.is_none()
            && !said_beside
            && let Some(form) = caption.pointer
            && let Some(&(w, h)) = caption.sizes.get(form)
            && w > 0.0
            && h > 0.0
        {
            let mut fewest: Option<(usize, Spot)> = None;
            for spot in candidates(points, w, h, &NEAR) {
                let rect = spot.rect(w, h).inflated(GAP);
                let blocked = obstacles.grid.any_met(rect, |item| {
                    matches!(item, Item::Box | Item::Outline | Item::Caption(_))
                });
                if blocked {
                    continue;
                }
                let crossed = obstacles.lines.met(rect, caption.route).count();
                if fewest.is_none_or(|(least, _)| crossed < least) {
                    fewest = Some((crossed, spot));
                }
                if crossed == 0 {
                    break;
                }
            }
            best = fewest.map(|(_, spot)| {
                let placed = Placed {
                    centre: spot.centre,
                    form,
                    clear: true,
                };
                (0, placed, spot.rect(w, h))
            });
        }
        if let (None, Some(form)) = (&best, empty) {
            let centre = points.first().copied().unwrap_or_default();
            let spot = Placed {
                centre,
                form,
                clear: true,
            };
            best = Some((0, spot, Rect::default()));
        }
        // No free spot and no empty form: the first few spots of the shortest form, by how
        // much each would cover (counting is dearer than finding one free spot).
        if let (None, Some(&(form, (w, h)))) = (&best, shown.last()) {
            for spot in candidates(points, w, h, &NEAR)
                .into_iter()
                .take(FALLBACK_SPOTS)
            {
                let rect = spot.rect(w, h);
                let hits = obstacles.overlaps(rect.inflated(GAP), caption.route);
                if best.as_ref().is_none_or(|(fewest, ..)| hits < *fewest) {
                    let spot = Placed {
                        centre: spot.centre,
                        form,
                        clear: false,
                    };
                    best = Some((hits, spot, rect));
                }
            }
        }
        let (_, spot, rect) = best.unwrap_or((
            0,
            Placed {
                centre: points.first().copied().unwrap_or_default(),
                form: 0,
                clear: true,
            },
            Rect::default(),
        ));
        if rect.w > 0.0 && rect.h > 0.0 {
            obstacles.grid.insert(rect, Item::Caption(caption.kin));
        }
        placed.push(spot);
    }
    placed
}

/// A spot for a caption: its centre, how far the caption's edge is from its route, and
/// which way the lines run that a reader could take for its owner: on a horizontal segment
/// only horizontal ones (a vertical line crossing near its end is plainly not its route),
/// beside a segment any.
#[derive(Debug, Clone, Copy)]
struct Spot {
    centre: Point,
    off: f32,
    rivals: &'static [Axis],
}

const EITHER: &[Axis] = &[Axis::Horizontal, Axis::Vertical];

impl Spot {
    fn rect(&self, w: f32, h: f32) -> Rect {
        Rect::new(self.centre.x - w / 2.0, self.centre.y - h / 2.0, w, h)
    }
}

/// Spots for a `w` by `h` caption on the route's longest segments at the fractions of
/// [`ALONG`], at each of `levels` (on the segment, or above or below a horizontal one, left or
/// right of a vertical one, so many caption heights out).
fn candidates(points: &[Point], w: f32, h: f32, levels: &[(f32, f32)]) -> Vec<Spot> {
    let mut segments: Vec<(f32, Point, Point)> = points
        .windows(2)
        .map(|s| {
            (
                (s[0].x - s[1].x).abs() + (s[0].y - s[1].y).abs(),
                s[0],
                s[1],
            )
        })
        .collect();
    segments.sort_by(|a, b| b.0.total_cmp(&a.0));
    segments.truncate(SEGMENTS);
    let mut spots = Vec::with_capacity(levels.len() * ALONG.len() * segments.len());
    for &(beside, far) in levels {
        let off = if beside == 0.0 {
            0.0
        } else {
            GAP + 1.0 + far * h
        };
        for (t, &(_, a, b)) in ALONG
            .iter()
            .flat_map(|&t| segments.iter().map(move |s| (t, s)))
        {
            let at = Point::new(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
            let horizontal = a.y == b.y;
            let rivals: &'static [Axis] = if beside != 0.0 {
                EITHER
            } else if horizontal {
                &[Axis::Horizontal]
            } else if a.x == b.x {
                &[Axis::Vertical]
            } else {
                EITHER
            };
            let centre = if horizontal {
                Point::new(at.x, at.y - beside * (h / 2.0 + off))
            } else if far == 0.0 {
                Point::new(at.x + beside * (w / 2.0 + off), at.y)
            } else {
                continue;
            };
            spots.push(Spot {
                centre,
                off,
                rivals,
            });
        }
    }
    spots
}

fn meets(a: Rect, b: Rect) -> bool {
    a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Item {
    Box,
    /// A stretch of a boundary's outline (see [`outlines`]).
    Outline,
    /// A placed caption, of this kin.
    Caption(usize),
    /// A segment of the route with this index.
    Segment(usize),
}

/// Rectangles by the grid cells they overlap.
#[derive(Default)]
struct Grid {
    items: Vec<(Rect, Item)>,
    cells: FxHashMap<(i32, i32), Vec<u32>>,
}

impl Grid {
    fn insert(&mut self, rect: Rect, item: Item) {
        let id = u32::try_from(self.items.len()).unwrap_or(u32::MAX);
        self.items.push((rect, item));
        let ((x0, y0), (x1, y1)) = cells(rect);
        for x in x0..=x1 {
            for y in y0..=y1 {
                self.cells.entry((x, y)).or_default().push(id);
            }
        }
    }

    /// Whether `rect` overlaps any item but the segments of route `own` (and outlines,
    /// unless `outlines`).
    fn overlaps_any(&self, rect: Rect, own: usize, outlines: bool) -> bool {
        self.any_met(rect, |item| {
            item != Item::Segment(own) && (outlines || item != Item::Outline)
        })
    }

    /// Whether `rect` meets an item that `counts`.
    fn any_met(&self, rect: Rect, counts: impl Fn(Item) -> bool) -> bool {
        let ((x0, y0), (x1, y1)) = cells(rect);
        (x0..=x1).any(|x| {
            (y0..=y1).any(|y| {
                self.cells
                    .get(&(x, y))
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                    .iter()
                    .any(|&id| {
                        let (other, item) = self.items[id as usize];
                        counts(item) && meets(rect, other)
                    })
            })
        })
    }

    /// How many items `rect` overlaps, not counting the segments of route `own`. An item
    /// spanning several of the cells `rect` covers is counted in the first of them only.
    fn overlaps(&self, rect: Rect, own: usize) -> usize {
        let ((x0, y0), (x1, y1)) = cells(rect);
        let mut count = 0;
        for x in x0..=x1 {
            for y in y0..=y1 {
                for &id in self.cells.get(&(x, y)).map(Vec::as_slice).unwrap_or(&[]) {
                    let (other, item) = self.items[id as usize];
                    let ((ox, oy), _) = cells(other);
                    if item != Item::Segment(own)
                        && meets(rect, other)
                        && (x, y) == (x0.max(ox), y0.max(oy))
                    {
                        count += 1;
                    }
                }
            }
        }
        count
    }
}

/// What a caption must keep clear of.
struct Obstacles {
    grid: Grid,
    lines: Lines,
    /// The same segments as `lines`, each known by its route's kin rather than its route.
    kin_lines: Lines,
    kin_of: Vec<usize>,
}

impl Obstacles {
    /// Whether `rect` overlaps anything but the segments of route `own` (and outlines, unless
    /// `outlines`).
    fn overlaps_any(&self, rect: Rect, own: usize, outlines: bool) -> bool {
        self.grid.overlaps_any(rect, own, outlines) || self.lines.met(rect, own).next().is_some()
    }

    /// Whether `rect` meets a segment of a route whose caption reads unlike those of `kin`,
    /// counting the horizontal and vertical segments that run along `axes` only.
    fn meets_unlike(&self, rect: Rect, kin: usize, axes: &[Axis]) -> bool {
        self.grid.any_met(
            rect,
            |item| matches!(item, Item::Segment(route) if self.kin_of[route] != kin),
        ) || self.kin_lines.met_along(axes, rect, kin).next().is_some()
    }

    /// How many things `rect` overlaps, not counting the segments of route `own`: boxes,
    /// captions and slanted segments one by one, and a line of segments once however many
    /// routes run along it (it is drawn as one line).
    fn overlaps(&self, rect: Rect, own: usize) -> usize {
        self.grid.overlaps(rect, own) + self.lines.met(rect, own).count()
    }
}

/// Which way a line runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Axis {
    Horizontal,
    Vertical,
}

/// Horizontal and vertical route segments by the line they run along. Each line keeps its
/// segments sorted by where they start and, for each, the furthest any segment up to it
/// reaches, and the furthest any segment of another route reaches; so whether anything but
/// route `r` covers a stretch of the line is one binary search, however many routes share it.
struct Lines {
    /// Each line: which way it runs, where it lies across, and its first span's index in
    /// `spans` (the line's spans end where the next line's begin).
    lines: Vec<(Axis, f32, usize)>,
    spans: Vec<Span>,
}

/// A segment on a line: where it starts, and how far the segments up to it reach.
#[derive(Debug, Clone, Copy)]
struct Span {
    from: f32,
    reach: Reach,
}

/// The furthest end of a line's first segments, the route that reaches it, and the furthest
/// end of the others' segments.
#[derive(Debug, Clone, Copy)]
struct Reach {
    furthest: f32,
    route: usize,
    others: f32,
}

impl Reach {
    const NONE: Self = Self {
        furthest: f32::NEG_INFINITY,
        route: usize::MAX,
        others: f32::NEG_INFINITY,
    };

    fn with(self, to: f32, route: usize) -> Self {
        if route == self.route {
            Self {
                furthest: self.furthest.max(to),
                ..self
            }
        } else if to > self.furthest {
            Self {
                furthest: to,
                route,
                others: self.furthest,
            }
        } else {
            Self {
                others: self.others.max(to),
                ..self
            }
        }
    }

    /// How far the segments of routes other than `own` reach.
    fn of_others_than(self, own: usize) -> f32 {
        if self.route == own {
            self.others
        } else {
            self.furthest
        }
    }
}

impl Lines {
    /// Indexes segments given as (axis, position across, from, to, route), `from <= to`.
    fn new(mut segments: Vec<(Axis, f32, f32, f32, usize)>) -> Self {
        segments.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.total_cmp(&b.1))
                .then(a.2.total_cmp(&b.2))
        });
        let mut lines: Vec<(Axis, f32, usize)> = Vec::new();
        let mut spans = Vec::with_capacity(segments.len());
        let mut reach = Reach::NONE;
        for (axis, across, from, to, route) in segments {
            if lines
                .last()
                .is_none_or(|&(a, at, _)| a != axis || at.total_cmp(&across).is_ne())
            {
                lines.push((axis, across, spans.len()));
                reach = Reach::NONE;
            }
            reach = reach.with(to, route);
            spans.push(Span { from, reach });
        }
        Self { lines, spans }
    }

    /// The lines with a segment of a route other than `own` that meets `rect`, each once.
    fn met(&self, rect: Rect, own: usize) -> impl Iterator<Item = usize> + '_ {
        self.met_along(&[Axis::Horizontal, Axis::Vertical], rect, own)
    }

    /// [`Lines::met`], of the lines that run along `axes` only.
    fn met_along<'a>(
        &'a self,
        axes: &'a [Axis],
        rect: Rect,
        own: usize,
    ) -> impl Iterator<Item = usize> + 'a {
        axes.iter().copied().flat_map(move |axis| {
            let ((lo, hi), (from, to)) = match axis {
                Axis::Horizontal => ((rect.y, rect.y + rect.h), (rect.x, rect.x + rect.w)),
                Axis::Vertical => ((rect.x, rect.x + rect.w), (rect.y, rect.y + rect.h)),
            };
            let first = self
                .lines
                .partition_point(|&(a, at, _)| a < axis || (a == axis && at < lo));
            (first..self.lines.len())
                .take_while(move |&line| {
                    let (a, at, _) = self.lines[line];
                    a == axis && at <= hi
                })
                .filter(move |&line| {
                    let start = self.lines[line].2;
                    let end = self.lines.get(line + 1).map_or(self.spans.len(), |l| l.2);
                    let spans = &self.spans[start..end];
                    // The segments starting no later than the stretch ends meet it when
                    // one of another route reaches its start.
                    let starting = spans.partition_point(|span| span.from <= to);
                    starting > 0 && spans[starting - 1].reach.of_others_than(own) >= from
                })
        })
    }
}

fn cells(rect: Rect) -> ((i32, i32), (i32, i32)) {
    let cell = |v: f32| (v / CELL).floor() as i32;
    (
        (cell(rect.x), cell(rect.y)),
        (cell(rect.x + rect.w), cell(rect.y + rect.h)),
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn caption(route: usize, sizes: Vec<(f32, f32)>, kin: usize) -> Caption {
        Caption {
            route,
            sizes,
            kin,
            pointer: None,
        }
    }

    #[test]
    fn captions_of_parallel_routes_do_not_overlap() {
        // Two horizontal routes 10 px apart: their captions cannot both sit in the middle.
        let routes = vec![
            vec![Point::new(0.0, 0.0), Point::new(400.0, 0.0)],
            vec![Point::new(0.0, 10.0), Point::new(400.0, 10.0)],
        ];
        let captions = [
            caption(0, vec![(80.0, 14.0)], 0),
            caption(1, vec![(80.0, 14.0)], 1),
        ];
        let placed = place(&[], &routes, &captions);
        let rect = |p: &Placed| Rect::new(p.centre.x - 40.0, p.centre.y - 7.0, 80.0, 14.0);
        assert!(!meets(rect(&placed[0]), rect(&placed[1])), "{placed:?}");
    }

    /// A caption keeps off a boundary's outline where its route has room elsewhere, and sits
    /// on it rather than nowhere where it has none.
    #[test]
    fn a_caption_keeps_off_an_outline_while_its_route_has_room() {
        // Across the middle of the route, where a caption goes first.
        let border = [Rect::new(200.0, -200.0, 0.0, 400.0)];
        let long = vec![vec![Point::new(0.0, 0.0), Point::new(400.0, 0.0)]];
        let [anywhere] = place(&[], &long, &[caption(0, vec![(60.0, 14.0)], 0)])[..] else {
            panic!("one caption");
        };
        assert_eq!(anywhere.centre.x, 200.0, "{anywhere:?}");
        let [placed] =
            place_avoiding(&[], &border, &long, &[caption(0, vec![(60.0, 14.0)], 0)])[..]
        else {
            panic!("one caption");
        };
        let rect = Rect::new(placed.centre.x - 30.0, placed.centre.y - 7.0, 60.0, 14.0);
        assert!(
            placed.clear && !meets(rect.inflated(GAP), border[0]),
            "{placed:?}"
        );
        // The whole route lies across the outline: on it, not left out.
        let short = vec![vec![Point::new(180.0, 0.0), Point::new(220.0, 0.0)]];
        let [placed] = place_avoiding(
            &[],
            &border,
            &short,
            &[caption(0, vec![(30.0, 14.0), (0.0, 0.0)], 0)],
        )[..] else {
            panic!("one caption");
        };
        assert_eq!(placed.form, 0, "shown: {placed:?}");
    }

    /// Two short routes side by side saying the same: one caption serves both where the
    /// second may be left out; captions that read differently are both shown.
    #[test]
    fn a_caption_beside_one_that_reads_the_same_is_left_out() {
        let routes = vec![
            vec![Point::new(0.0, 0.0), Point::new(0.0, 60.0)],
            vec![Point::new(40.0, 0.0), Point::new(40.0, 60.0)],
        ];
        let optional = vec![(30.0, 14.0), (0.0, 0.0)];
        let same = place(
            &[],
            &routes,
            &[
                caption(0, optional.clone(), 7),
                caption(1, optional.clone(), 7),
            ],
        );
        assert_eq!((same[0].form, same[1].form), (0, 1), "{same:?}");
        let required = place(
            &[],
            &routes,
            &[
                caption(0, vec![(30.0, 14.0)], 7),
                caption(1, vec![(30.0, 14.0)], 7),
            ],
        );
        assert_eq!((required[0].form, required[1].form), (0, 0));
        let different = place(
            &[],
            &routes,
            &[caption(0, optional.clone(), 7), caption(1, optional, 8)],
        );
        assert_eq!(
            (different[0].form, different[1].form),
            (0, 0),
            "{different:?}"
        );
    }

    #[test]
    fn a_caption_moves_off_a_box_and_shortens_only_when_it_must() {
        let boxes = [Rect::new(150.0, -20.0, 100.0, 40.0)];
        let routes = vec![vec![Point::new(0.0, 0.0), Point::new(400.0, 0.0)]];
        let placed = place(
            &boxes,
            &routes,
            &[caption(0, vec![(60.0, 14.0), (30.0, 14.0)], 0)],
        );
        assert!(placed[0].clear);
        assert_eq!(placed[0].form, 0);
        assert!(
            placed[0].centre.x < 120.0 || placed[0].centre.x > 280.0,
            "{placed:?}"
        );
    }

    #[test]
    fn a_caption_on_a_shared_trunk_sits_where_its_route_runs_alone() {
        // A thousand routes share the trunk from x = 0 to 300; route 0 alone goes on to 600.
        let mut routes = vec![vec![Point::new(0.0, 0.0), Point::new(600.0, 0.0)]];
        routes.extend((0..1_000).map(|_| vec![Point::new(0.0, 0.0), Point::new(300.0, 0.0)]));
        let placed = place(&[], &routes, &[caption(0, vec![(60.0, 14.0)], 0)]);
        // It sits on its own route where the others do not run, not beside the trunk.
        assert!(placed[0].clear, "{placed:?}");
        assert_eq!(placed[0].centre.y, 0.0, "{placed:?}");
        assert!(placed[0].centre.x - 30.0 > 300.0 + GAP, "{placed:?}");
    }

    #[test]
    fn a_caption_sits_where_no_route_that_reads_differently_runs_beside_it() {
        // Route 1 runs 10 px below route 0 from x = 0 to 200; route 0 goes on to 400.
        let routes = vec![
            vec![Point::new(0.0, 0.0), Point::new(400.0, 0.0)],
            vec![Point::new(0.0, 10.0), Point::new(200.0, 10.0)],
        ];
        let captions = |kin| {
            [
                caption(0, vec![(60.0, 14.0)], 0),
                // Route 1's caption is left out; what matters is how it reads.
                caption(1, vec![(0.0, 0.0)], kin),
            ]
        };
        // The middle would read as either route's: the caption moves on, past route 1's end,
        // on its own route.
        let unlike = place(&[], &routes, &captions(1));
        assert!(unlike[0].clear, "{unlike:?}");
        assert_eq!(unlike[0].centre.y, 0.0, "{unlike:?}");
        assert!(
            unlike[0].centre.x - 30.0 - ATTRIBUTION > 200.0,
            "{unlike:?}"
        );
        // When route 1's caption reads the same, either route will do: the middle.
        let kin = place(&[], &routes, &captions(0));
        assert_eq!(kin[0].centre, Point::new(200.0, 0.0), "{kin:?}");
    }

    #[test]
    fn a_route_crossing_a_caption_s_line_does_not_make_it_ambiguous() {
        // A vertical route crosses route 0 at x = 236: the caption sits on route 0 between
        // it and the middle, 4 px clear of it, not pushed off its line.
        let routes = vec![
            vec![Point::new(0.0, 0.0), Point::new(400.0, 0.0)],
            vec![Point::new(236.0, -100.0), Point::new(236.0, 100.0)],
        ];
        let placed = place(&[], &routes, &[caption(0, vec![(60.0, 14.0)], 0)]);
        assert_eq!(placed[0].centre, Point::new(200.0, 0.0), "{placed:?}");
    }

    #[test]
    fn an_item_over_several_cells_is_counted_once() {
        let mut grid = Grid::default();
        grid.insert(Rect::new(0.0, 0.0, 3.0 * CELL, 3.0 * CELL), Item::Box);
        grid.insert(Rect::new(CELL, CELL, 0.0, 2.0 * CELL), Item::Segment(1));
        let everywhere = Rect::new(-10.0, -10.0, 4.0 * CELL, 4.0 * CELL);
        assert_eq!(grid.overlaps(everywhere, 0), 2);
        assert_eq!(grid.overlaps(everywhere, 1), 1);
    }

    /// Segments on a few lines and their rectangles, for checking [`Lines`] against every
    /// segment tried one by one.
    fn segments() -> impl Strategy<Value = Vec<(Axis, f32, f32, f32, usize)>> {
        let segment = (any::<bool>(), 0..4u8, 0..40u8, 0..20u8, 0..3usize).prop_map(
            |(horizontal, across, from, length, route)| {
                let axis = if horizontal {
                    Axis::Horizontal
                } else {
                    Axis::Vertical
                };
                let from = f32::from(from) * 5.0;
                (
                    axis,
                    f32::from(across) * 10.0,
                    from,
                    from + f32::from(length) * 5.0,
                    route,
                )
            },
        );
        proptest::collection::vec(segment, 0..24)
    }

    fn span_rect(&(axis, across, from, to, _): &(Axis, f32, f32, f32, usize)) -> Rect {
        match axis {
            Axis::Horizontal => Rect::new(from, across, to - from, 0.0),
            Axis::Vertical => Rect::new(across, from, 0.0, to - from),
        }
    }

    proptest! {
        #[test]
        fn lines_find_what_every_segment_tried_in_turn_finds(
            segments in segments(),
            x in 0..50u8, y in 0..50u8, w in 0..60u8, h in 0..30u8, own in 0..3usize,
        ) {
            let rect = Rect::new(f32::from(x) * 4.0 - 20.0, f32::from(y) * 4.0 - 20.0,
                f32::from(w) * 2.0, f32::from(h));
            let lines = Lines::new(segments.clone());
            let mut met: Vec<(Axis, u32)> = segments
                .iter()
                .filter(|s| s.4 != own && meets(rect, span_rect(s)))
                .map(|s| (s.0, s.1.to_bits()))
                .collect();
            met.sort_unstable();
            met.dedup();
            prop_assert_eq!(lines.met(rect, own).count(), met.len());
            prop_assert_eq!(lines.met(rect, own).next().is_some(), !met.is_empty());
        }
    }
}
