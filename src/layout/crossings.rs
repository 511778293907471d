//! Counting where drawn edges cross, to compare layouts (ours against Graphviz `dot`) on the
//! drawings themselves rather than on each engine's internal model.

use crate::model::Point;

/// Proper crossings between the polylines of edges that share no endpoint. `ends` names each
/// polyline's two nodes; edges meeting at a node do not count as crossing there.
pub fn count_crossings(polylines: &[Vec<Point>], ends: &[(usize, usize)]) -> usize {
    struct Segment {
        edge: usize,
        a: Point,
        b: Point,
        min_x: f32,
        max_x: f32,
    }
    let mut segments: Vec<Segment> = polylines
        .iter()
        .enumerate()
        .flat_map(|(edge, line)| {
            line.windows(2).map(move |w| Segment {
                edge,
                a: w[0],
                b: w[1],
                min_x: w[0].x.min(w[1].x),
                max_x: w[0].x.max(w[1].x),
            })
        })
        .collect();
    segments.sort_by(|s, t| s.min_x.total_cmp(&t.min_x));
    let shares_end = |e: usize, f: usize| {
        let (a, b) = ends.get(e).copied().unwrap_or((usize::MAX, usize::MAX));
        let (c, d) = ends
            .get(f)
            .copied()
            .unwrap_or((usize::MAX - 1, usize::MAX - 1));
        a == c || a == d || b == c || b == d
    };
    let mut count = 0;
    for (i, s) in segments.iter().enumerate() {
        for t in &segments[i + 1..] {
            if t.min_x > s.max_x {
                break;
            }
            if s.edge != t.edge && !shares_end(s.edge, t.edge) && cross(s.a, s.b, t.a, t.b) {
                count += 1;
            }
        }
    }
    count
}

/// True when the open segments ab and cd intersect at one interior point.
fn cross(a: Point, b: Point, c: Point, d: Point) -> bool {
    let orient = |p: Point, q: Point, r: Point| {
        let v = (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x);
        if v > 1e-6 {
            1
        } else if v < -1e-6 {
            -1
        } else {
            0
        }
    };
    let (o1, o2) = (orient(a, b, c), orient(a, b, d));
    let (o3, o4) = (orient(c, d, a), orient(c, d, b));
    o1 * o2 < 0 && o3 * o4 < 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(points: &[(f32, f32)]) -> Vec<Point> {
        points.iter().map(|&(x, y)| Point::new(x, y)).collect()
    }

    #[test]
    fn an_x_crosses_once_and_parallel_lines_never() {
        let x = [
            line(&[(0.0, 0.0), (10.0, 10.0)]),
            line(&[(0.0, 10.0), (10.0, 0.0)]),
        ];
        assert_eq!(count_crossings(&x, &[(0, 1), (2, 3)]), 1);
        let parallel = [
            line(&[(0.0, 0.0), (10.0, 0.0)]),
            line(&[(0.0, 5.0), (10.0, 5.0)]),
        ];
        assert_eq!(count_crossings(&parallel, &[(0, 1), (2, 3)]), 0);
    }

    #[test]
    fn edges_sharing_a_node_do_not_count() {
        let x = [
            line(&[(0.0, 0.0), (10.0, 10.0)]),
            line(&[(0.0, 10.0), (10.0, 0.0)]),
        ];
        assert_eq!(count_crossings(&x, &[(0, 1), (0, 3)]), 0);
    }
}
