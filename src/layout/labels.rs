//! Where connection captions go: on their route, clear of every box, every other caption and
//! every other route. A caption tries the middle of its route's longest segments first and
//! then slides along them; when no spot is free it tries its shorter forms (the caller's
//! abbreviations), and only then settles for the spot that overlaps least.
//!
//! Boxes, placed captions and slanted route segments live in a uniform grid; horizontal and
//! vertical route segments live on the lines they run along ([`Lines`]), because many routes
//! share a line (a telemetry trunk carries every route into its collector) and a grid cell
//! on a trunk would hold every route's copy of it. So placing n captions costs about n times
//! the few candidates each tries, times a logarithm: nothing here is quadratic in the number
//! of captions or routes, however many of them share a track.

use std::collections::HashMap;

use crate::model::{Point, Rect};

/// Side of the indexes' cells.
const CELL: f32 = 120.0;
/// Room kept between a caption and what it must not touch.
const GAP: f32 = 2.0;
/// Which side of a segment a caption is tried on (0: on it), and how many caption heights
/// further out.
const BESIDE: [(f32, f32); 7] = [
    (0.0, 0.0),
    (1.0, 0.0),
    (-1.0, 0.0),
    (1.0, 1.5),
    (-1.0, 1.5),
    (1.0, 2.5),
    (-1.0, 2.5),
];
/// How many spots a caption with no free one weighs by what it would cover.
const FALLBACK_SPOTS: usize = 16;
/// Where along a segment a caption is tried, middle first.
const ALONG: [f32; 7] = [0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9];

/// A caption to place: the route it belongs to (an index into the routes) and the size of
/// each form it may take, full first, then shorter ones.
#[derive(Debug, Clone)]
pub struct Caption {
    pub route: usize,
    pub sizes: Vec<(f32, f32)>,
}

/// Where a caption went: its centre and which of its forms fits there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub centre: Point,
    pub form: usize,
    /// False when no spot was free and it overlaps something (the least it could).
    pub clear: bool,
}

/// Places every caption (in order: earlier captions get the better spots).
pub fn place<R: AsRef<[Point]>>(boxes: &[Rect], routes: &[R], captions: &[Caption]) -> Vec<Placed> {
    let mut grid = Grid::default();
    for rect in boxes {
        grid.insert(*rect, Item::Box);
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
    let mut obstacles = Obstacles {
        grid,
        lines: Lines::new(straight),
    };
    let mut placed = Vec::with_capacity(captions.len());
    for caption in captions {
        let points = routes.get(caption.route).map_or(&[][..], AsRef::as_ref);
        let mut best: Option<(usize, Placed, Rect)> = None;
        'forms: for (form, &(w, h)) in caption.sizes.iter().enumerate() {
            // An empty form (the caller leaves the caption out) takes no room.
            if w <= 0.0 || h <= 0.0 {
                let centre = points.first().copied().unwrap_or_default();
                best = Some((
                    0,
                    Placed {
                        centre,
                        form,
                        clear: true,
                    },
                    Rect::default(),
                ));
                break 'forms;
            }
            let spots = candidates(points, w, h);
            for &centre in &spots {
                let rect = Rect::new(centre.x - w / 2.0, centre.y - h / 2.0, w, h);
                if !obstacles.overlaps_any(rect.inflated(GAP), caption.route) {
                    let spot = Placed {
                        centre,
                        form,
                        clear: true,
                    };
                    best = Some((0, spot, rect));
                    break 'forms;
                }
            }
            // No free spot for any form: the first few spots of the shortest, by how much
            // each would cover (counting is dearer than finding one free spot).
            if form + 1 == caption.sizes.len() {
                for &centre in spots.iter().take(FALLBACK_SPOTS) {
                    let rect = Rect::new(centre.x - w / 2.0, centre.y - h / 2.0, w, h);
                    let hits = obstacles.overlaps(rect.inflated(GAP), caption.route);
                    if best.as_ref().is_none_or(|(fewest, ..)| hits < *fewest) {
                        let spot = Placed {
                            centre,
                            form,
                            clear: false,
                        };
                        best = Some((hits, spot, rect));
                    }
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
            obstacles.grid.insert(rect, Item::Caption);
        }
        placed.push(spot);
    }
    placed
}

/// Spots for a `w` by `h` caption: on the route's longest segments first, each at the
/// fractions of [`ALONG`], then beside them (above or below a horizontal segment, left or
/// right of a vertical one), where it still reads as the segment's.
fn candidates(points: &[Point], w: f32, h: f32) -> Vec<Point> {
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
    segments.truncate(4);
    let mut spots = Vec::with_capacity(segments.len() * ALONG.len() * BESIDE.len());
    for (beside, far) in BESIDE {
        for t in ALONG {
            for &(_, a, b) in &segments {
                let at = Point::new(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
                let horizontal = (a.y - b.y).abs() < 0.01;
                // Beside a horizontal segment, further out by whole caption heights when
                // the segment runs between boxes too close for the caption.
                spots.push(if horizontal {
                    Point::new(at.x, at.y - beside * (h / 2.0 + GAP + 1.0 + far * h))
                } else if far == 0.0 {
                    Point::new(at.x + beside * (w / 2.0 + GAP + 1.0), at.y)
                } else {
                    continue;
                });
            }
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
    Caption,
    /// A segment of the route with this index.
    Segment(usize),
}

/// Rectangles by the grid cells they overlap.
#[derive(Default)]
struct Grid {
    items: Vec<(Rect, Item)>,
    cells: HashMap<(i32, i32), Vec<u32>>,
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

    /// Whether `rect` overlaps any item but the segments of route `own`.
    fn overlaps_any(&self, rect: Rect, own: usize) -> bool {
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
                        item != Item::Segment(own) && meets(rect, other)
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
}

impl Obstacles {
    /// Whether `rect` overlaps anything but the segments of route `own`.
    fn overlaps_any(&self, rect: Rect, own: usize) -> bool {
        self.grid.overlaps_any(rect, own) || self.lines.met(rect, own).next().is_some()
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
        [Axis::Horizontal, Axis::Vertical]
            .into_iter()
            .flat_map(move |axis| {
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

    #[test]
    fn captions_of_parallel_routes_do_not_overlap() {
        // Two horizontal routes 10 px apart: their captions cannot both sit in the middle.
        let routes = vec![
            vec![Point::new(0.0, 0.0), Point::new(400.0, 0.0)],
            vec![Point::new(0.0, 10.0), Point::new(400.0, 10.0)],
        ];
        let captions = [
            Caption {
                route: 0,
                sizes: vec![(80.0, 14.0)],
            },
            Caption {
                route: 1,
                sizes: vec![(80.0, 14.0)],
            },
        ];
        let placed = place(&[], &routes, &captions);
        let rect = |p: &Placed| Rect::new(p.centre.x - 40.0, p.centre.y - 7.0, 80.0, 14.0);
        assert!(!meets(rect(&placed[0]), rect(&placed[1])), "{placed:?}");
    }

    #[test]
    fn a_caption_moves_off_a_box_and_shortens_only_when_it_must() {
        let boxes = [Rect::new(150.0, -20.0, 100.0, 40.0)];
        let routes = vec![vec![Point::new(0.0, 0.0), Point::new(400.0, 0.0)]];
        let placed = place(
            &boxes,
            &routes,
            &[Caption {
                route: 0,
                sizes: vec![(60.0, 14.0), (30.0, 14.0)],
            }],
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
        let placed = place(
            &[],
            &routes,
            &[Caption {
                route: 0,
                sizes: vec![(60.0, 14.0)],
            }],
        );
        // It sits on its own route where the others do not run, not beside the trunk.
        assert!(placed[0].clear, "{placed:?}");
        assert_eq!(placed[0].centre.y, 0.0, "{placed:?}");
        assert!(placed[0].centre.x - 30.0 > 300.0 + GAP, "{placed:?}");
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
