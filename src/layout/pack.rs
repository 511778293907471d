//! Disconnected parts of a graph are drawn one by one and packed in rows, tallest first, so
//! that a model of many small islands (isolated components, boundaries with no connections
//! between them) fills a screen-shaped area instead of one column as tall as all of them.

use crate::model::{Point, Size};

/// The weakly connected parts of a graph: each part's nodes in ascending order, parts in
/// the order of their first node. Edges naming a node out of range are ignored.
pub(super) fn parts(nodes: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..nodes).collect();
    fn root(parent: &mut [usize], mut v: usize) -> usize {
        while parent[v] != v {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        v
    }
    for &(a, b) in edges {
        if a < nodes && b < nodes {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            // The smaller index becomes the root, which keeps the result deterministic.
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    let mut slot_of_root = vec![usize::MAX; nodes];
    let mut out: Vec<Vec<usize>> = Vec::new();
    for v in 0..nodes {
        let r = root(&mut parent, v);
        if slot_of_root[r] == usize::MAX {
            slot_of_root[r] = out.len();
            out.push(Vec::new());
        }
        out[slot_of_root[r]].push(v);
    }
    out
}

/// Top-left corners for boxes of the given sizes, packed in rows (shelves) of about the
/// width that makes the whole `aspect` times wider than tall, and never narrower than
/// the widest box. Returns the corners and the size of the whole.
pub(super) fn shelves(sizes: &[Size], gap: f32, aspect: f32) -> (Vec<Point>, Size) {
    let area: f32 = sizes.iter().map(|s| (s.w + gap) * (s.h + gap)).sum();
    let widest = sizes.iter().map(|s| s.w).fold(0.0f32, f32::max);
    let row_limit = widest.max((area * aspect).sqrt());
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| sizes[b].h.total_cmp(&sizes[a].h).then(a.cmp(&b)));
    let mut corners = vec![Point::default(); sizes.len()];
    let (mut x, mut y, mut row_height, mut width) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
    for i in order {
        let size = sizes[i];
        if x > 0.0 && x + size.w > row_limit {
            y += row_height + gap;
            x = 0.0;
            row_height = 0.0;
        }
        corners[i] = Point::new(x, y);
        width = width.max(x + size.w);
        row_height = row_height.max(size.h);
        x += size.w + gap;
    }
    (corners, Size::new(width, y + row_height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_follow_edges_in_either_direction() {
        let parts = parts(6, &[(1, 0), (3, 4), (4, 3), (9, 2)]);
        assert_eq!(parts, vec![vec![0, 1], vec![2], vec![3, 4], vec![5]]);
    }

    #[test]
    fn many_islands_fill_rows_instead_of_one_column() {
        let sizes = vec![Size::new(160.0, 64.0); 400];
        let (corners, size) = shelves(&sizes, 40.0, 2.0);
        assert!(size.w / size.h > 1.0 && size.w / size.h < 4.0, "{size:?}");
        for (i, a) in corners.iter().enumerate() {
            for b in &corners[i + 1..] {
                assert!((a.x - b.x).abs() >= 200.0 || (a.y - b.y).abs() >= 104.0);
            }
        }
    }

    #[test]
    fn one_wide_part_sets_the_row_and_small_ones_go_under_it() {
        let sizes = [
            Size::new(3000.0, 400.0),
            Size::new(160.0, 64.0),
            Size::new(160.0, 64.0),
        ];
        let (corners, size) = shelves(&sizes, 40.0, 2.0);
        assert_eq!(corners[0], Point::new(0.0, 0.0));
        assert_eq!(corners[1], Point::new(0.0, 440.0));
        assert_eq!(corners[2], Point::new(200.0, 440.0));
        assert_eq!(size, Size::new(3000.0, 504.0));
    }
}
