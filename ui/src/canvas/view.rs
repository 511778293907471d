//! Pan and zoom: the mapping between world coordinates (the model's) and screen points.

use egui::{Pos2, Rect, Vec2, pos2, vec2};

pub const MIN_ZOOM: f32 = 0.1;
pub const MAX_ZOOM: f32 = 4.0;
/// The room a fit leaves around the content, in screen points.
const FIT_MARGIN: f32 = 40.0;

/// Where the world sits on screen: `screen = canvas.min + offset + world * zoom`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CanvasView {
    pub offset: Vec2,
    pub zoom: f32,
}

impl Default for CanvasView {
    fn default() -> Self {
        Self {
            offset: vec2(40.0, 40.0),
            zoom: 1.0,
        }
    }
}

impl CanvasView {
    pub fn screen_from_world(&self, canvas: Rect, world: Pos2) -> Pos2 {
        canvas.min + self.offset + world.to_vec2() * self.zoom
    }

    pub fn world_from_screen(&self, canvas: Rect, screen: Pos2) -> Pos2 {
        ((screen - canvas.min - self.offset) / self.zoom).to_pos2()
    }

    pub fn screen_rect_from_world(&self, canvas: Rect, world: Rect) -> Rect {
        Rect::from_min_max(
            self.screen_from_world(canvas, world.min),
            self.screen_from_world(canvas, world.max),
        )
    }

    /// The part of the world the canvas shows.
    pub fn visible_world(&self, canvas: Rect) -> Rect {
        Rect::from_min_max(
            self.world_from_screen(canvas, canvas.min),
            self.world_from_screen(canvas, canvas.max),
        )
    }

    /// Zooms by `factor`, keeping the world point under `anchor` (a screen point) in place.
    pub fn zoom_at(&mut self, canvas: Rect, anchor: Pos2, factor: f32) {
        let world = self.world_from_screen(canvas, anchor);
        self.zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        self.offset = anchor - canvas.min - world.to_vec2() * self.zoom;
    }

    /// Shows all of `content` (a world rectangle) with a margin.
    pub fn fit(&mut self, canvas: Rect, content: Rect) {
        if !content.is_positive() || !canvas.is_positive() {
            *self = Self::default();
            return;
        }
        let margin = FIT_MARGIN;
        let zoom_x = (canvas.width() - 2.0 * margin) / content.width();
        let zoom_y = (canvas.height() - 2.0 * margin) / content.height();
        self.zoom = zoom_x.min(zoom_y).clamp(MIN_ZOOM, 1.5);
        let content_size = content.size() * self.zoom;
        let top_left = pos2(
            (canvas.width() - content_size.x) / 2.0,
            (canvas.height() - content_size.y) / 2.0,
        );
        self.offset = top_left.to_vec2() - content.min.to_vec2() * self.zoom;
    }

    /// [`CanvasView::fit`], zoomed out no further than `least`: content too big to show
    /// whole at that zoom shows from its top-left corner, with the fit's margin.
    pub fn fit_at_least(&mut self, canvas: Rect, content: Rect, least: f32) {
        self.fit(canvas, content);
        if self.zoom >= least || !content.is_positive() || !canvas.is_positive() {
            return;
        }
        self.zoom = least;
        let content_size = content.size() * self.zoom;
        let margin = vec2(FIT_MARGIN, FIT_MARGIN);
        // Centred along an axis where it fits, from its start where it does not.
        let free = canvas.size() - content_size;
        let top_left = vec2(
            if free.x > 2.0 * FIT_MARGIN {
                free.x / 2.0
            } else {
                margin.x
            },
            if free.y > 2.0 * FIT_MARGIN {
                free.y / 2.0
            } else {
                margin.y
            },
        );
        self.offset = top_left - content.min.to_vec2() * self.zoom;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_and_screen_round_trip() {
        let canvas = Rect::from_min_size(pos2(100.0, 50.0), vec2(800.0, 600.0));
        let mut view = CanvasView::default();
        view.zoom_at(canvas, pos2(300.0, 300.0), 2.0);
        let world = pos2(123.0, -45.0);
        let back = view.world_from_screen(canvas, view.screen_from_world(canvas, world));
        assert!((back - world).length() < 1e-3);
        let anchor_world = view.world_from_screen(canvas, pos2(300.0, 300.0));
        view.zoom_at(canvas, pos2(300.0, 300.0), 0.5);
        assert!(
            (view.world_from_screen(canvas, pos2(300.0, 300.0)) - anchor_world).length() < 1e-3
        );
    }

    #[test]
    fn fit_shows_the_whole_content() {
        let canvas = Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0));
        let content = Rect::from_min_size(pos2(-500.0, 200.0), vec2(2000.0, 900.0));
        let mut view = CanvasView::default();
        view.fit(canvas, content);
        assert!(canvas.contains_rect(view.screen_rect_from_world(canvas, content)));
    }

    #[test]
    fn a_readable_fit_stops_zooming_out_and_shows_the_start() {
        let canvas = Rect::from_min_size(pos2(100.0, 50.0), vec2(800.0, 600.0));
        let small = Rect::from_min_size(pos2(-500.0, 200.0), vec2(1000.0, 500.0));
        let mut whole = CanvasView::default();
        whole.fit(canvas, small);
        let mut readable = CanvasView::default();
        readable.fit_at_least(canvas, small, 0.35);
        assert_eq!(readable, whole, "what fits readably fits as usual");

        let huge = Rect::from_min_size(pos2(-500.0, 200.0), vec2(8000.0, 1000.0));
        readable.fit_at_least(canvas, huge, 0.35);
        assert_eq!(readable.zoom, 0.35);
        let shown = readable.screen_rect_from_world(canvas, huge);
        assert_eq!(shown.min.x, canvas.min.x + FIT_MARGIN, "from its start");
        assert!(
            (shown.center().y - canvas.center().y).abs() < 1e-3,
            "centred where it fits: {shown:?}"
        );
    }
}
