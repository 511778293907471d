//! Disconnected parts of a graph are drawn one by one and packed in rows, tallest first, so
//! that a model of many small islands (isolated components, boundaries with no connections
//! between them) fills a screen-shaped area instead of one column as tall as all of them.

use crate::model::{Point, Rect, Size};

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

/// Where small parts fit inside a larger part's drawing, so that an island does not add a
/// row under a part whose columns leave room: the part's layers are columns (each as wide
/// as its widest box), and the room under a column's lowest box (or bend) down to the
/// part's bottom takes islands no wider than the column, centred in it, the roomiest column
/// first. `boxes` and `layers` are the part's boxes and their layers, `bends` its edges'
/// bend points, `height` its height; `islands` the sizes of the parts to tuck in, in the
/// order to try them. Returns each island's top-left corner in the part, or `None` where it
/// fits nowhere. Linear in the boxes and bends, and in the islands times the columns.
pub(super) fn tuck_under_columns(
    boxes: &[Rect],
    layers: &[usize],
    bends: &[Point],
    height: f32,
    islands: &[Size],
    gap: f32,
) -> Vec<Option<Point>> {
    /// A column: its left and right, and the lowest thing in it so far.
    #[derive(Clone, Copy)]
    struct Column {
        left: f32,
        right: f32,
        bottom: f32,
    }
    let count = layers.iter().max().map_or(0, |&last| last + 1);
    let mut columns = vec![
        Column {
            left: f32::INFINITY,
            right: f32::NEG_INFINITY,
            bottom: f32::NEG_INFINITY,
        };
        count
    ];
    for (rect, &layer) in boxes.iter().zip(layers) {
        let column = &mut columns[layer];
        column.left = column.left.min(rect.x);
        column.right = column.right.max(rect.x + rect.w);
        column.bottom = column.bottom.max(rect.y + rect.h);
    }
    columns.retain(|c| c.left <= c.right);
    columns.sort_by(|a, b| a.left.total_cmp(&b.left));
    // An edge passing a column bends inside it (layers hold the bends of long edges).
    for bend in bends {
        let at = columns.partition_point(|c| c.left <= bend.x);
        if let Some(column) = at.checked_sub(1).and_then(|k| columns.get_mut(k))
            && bend.x <= column.right
        {
            column.bottom = column.bottom.max(bend.y);
        }
    }
    islands
        .iter()
        .map(|island| {
            let room = |c: &Column| height - (c.bottom + gap);
            let (_, column) = columns
                .iter_mut()
                .enumerate()
                .filter(|(_, c)| island.w <= c.right - c.left && island.h <= room(c))
                // The roomiest; of columns as roomy, the rightmost (the last layers of a
                // drawing hold its leaves, which leave room under them).
                .max_by(|(i, a), (j, b)| room(a).total_cmp(&room(b)).then(i.cmp(j)))?;
            let corner = Point::new(
                column.left + (column.right - column.left - island.w) / 2.0,
                column.bottom + gap,
            );
            column.bottom = corner.y + island.h;
            Some(corner)
        })
        .collect()
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

    #[test]
    fn an_island_goes_under_the_roomiest_column_that_holds_it() {
        // A tall box in the first layer, two short ones in the second.
        let boxes = [
            Rect::new(0.0, 0.0, 400.0, 600.0),
            Rect::new(480.0, 0.0, 160.0, 64.0),
            Rect::new(480.0, 120.0, 160.0, 64.0),
        ];
        let islands = [
            Size::new(160.0, 64.0),
            Size::new(100.0, 64.0),
            Size::new(500.0, 64.0),
            Size::new(160.0, 500.0),
        ];
        let corners = tuck_under_columns(&boxes, &[0, 1, 1], &[], 600.0, &islands, 40.0);
        assert_eq!(corners[0], Some(Point::new(480.0, 224.0)));
        assert_eq!(
            corners[1],
            Some(Point::new(510.0, 328.0)),
            "under the first"
        );
        assert_eq!(corners[2], None, "wider than every column with room");
        assert_eq!(corners[3], None, "taller than the room left");
    }

    #[test]
    fn a_bend_in_a_column_keeps_islands_below_it() {
        let boxes = [
            Rect::new(0.0, 0.0, 160.0, 400.0),
            Rect::new(240.0, 0.0, 160.0, 64.0),
        ];
        let corners = tuck_under_columns(
            &boxes,
            &[0, 1],
            &[Point::new(320.0, 200.0)],
            400.0,
            &[Size::new(160.0, 64.0)],
            40.0,
        );
        assert_eq!(corners[0], Some(Point::new(240.0, 240.0)));
    }
}
