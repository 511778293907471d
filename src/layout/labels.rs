//! Where connection captions go: on their route, clear of every box, every other caption and
//! every other route. A caption tries the middle of its route's longest segments first and
//! then slides along them; when no spot is free it tries its shorter forms (the caller's
//! abbreviations), and only then settles for the spot that overlaps least.
//!
//! Placed captions and route segments live in uniform-grid indexes, so placing n captions
//! costs about n times the few candidates each tries: nothing here is quadratic in the
//! number of captions or routes.

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
    let mut obstacles = Grid::default();
    for rect in boxes {
        obstacles.insert(*rect, Item::Box);
    }
    for (route, points) in routes.iter().map(AsRef::as_ref).enumerate() {
        for pair in points.windows(2) {
            obstacles.insert(Rect::spanning(pair[0], pair[1]), Item::Segment(route));
        }
    }
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
            obstacles.insert(rect, Item::Caption);
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

    /// How many items `rect` overlaps, not counting the segments of route `own`.
    fn overlaps(&self, rect: Rect, own: usize) -> usize {
        let ((x0, y0), (x1, y1)) = cells(rect);
        let mut seen: Vec<u32> = Vec::new();
        for x in x0..=x1 {
            for y in y0..=y1 {
                for &id in self.cells.get(&(x, y)).map(Vec::as_slice).unwrap_or(&[]) {
                    let (other, item) = self.items[id as usize];
                    if item != Item::Segment(own) && meets(rect, other) && !seen.contains(&id) {
                        seen.push(id);
                    }
                }
            }
        }
        seen.len()
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
}
