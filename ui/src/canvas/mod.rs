//! The canvas: view state (pan, zoom, gesture in progress), input handling that turns pointer
//! and key events into [`CanvasEvent`]s, and drawing (in [`draw`]), which only reads.

pub mod draw;
pub mod geometry;
pub mod hit;
pub mod icons;
pub mod style;
pub mod view;

use std::collections::HashMap;

use archsmith::EditOp;
use archsmith::analysis::overlay::{Mark, Overlay};
use archsmith::catalog::Catalog;
use archsmith::edit::{ComponentField, GroupField};
use archsmith::export::captions::{PlacedCaption, place_captions};
use archsmith::layout::route::Effort;
use archsmith::model::{
    Component, ComponentId, Connection, ConnectionId, ConnectionKindId, Document, GroupId, KindId,
    Point, Severity,
};
use egui::{Key, PointerButton, Pos2, Rect, Sense, Ui, Vec2, pos2, vec2};

use self::draw::{ConnectPreview, MovePreview, Scene};
use self::hit::Hit;
use self::view::CanvasView;
use crate::state::Selection;

/// The minimap's tallest size and its distance from the canvas corner.
const MINIMAP_MAX_HEIGHT: f32 = 160.0;
const MINIMAP_MARGIN: f32 = 12.0;
/// Grid spacing in world units.
pub const GRID: f32 = 20.0;

/// What a palette item carries while it is dragged onto the canvas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaletteDrag(pub KindId);

/// What the canvas asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum CanvasEvent {
    /// Apply as one undo step.
    Apply(EditOp),
    Select(Vec<String>),
    AddToSelection(Vec<String>),
    ToggleSelected(String),
    ClearSelection,
    /// Place a new component of `kind` centred at `world`.
    Place {
        kind: KindId,
        world: Pos2,
    },
    /// Tell the user something (a refused connection, a hint).
    Status(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
enum Gesture {
    #[default]
    Idle,
    Moving {
        anchor: Pos2,
        origin: Pos2,
        preview: MovePreview,
    },
    RubberBand {
        origin: Pos2,
        current: Pos2,
        additive: bool,
    },
    Connecting {
        from: String,
        to_world: Pos2,
    },
    ResizingGroup {
        id: String,
        start: Rect,
        origin: Pos2,
        current: Rect,
    },
    Panning,
}

/// A connection waiting for the user to pick its kind.
#[derive(Debug, Clone, PartialEq)]
struct ConnectMenu {
    from: String,
    to: String,
    kinds: Vec<ConnectionKindId>,
    at: Pos2,
}

/// In-place editing of a name or note text.
#[derive(Debug, Clone, PartialEq)]
struct Rename {
    id: String,
    text: String,
    focused: bool,
}

/// Everything about the canvas that is not the document.
#[derive(Debug)]
pub struct CanvasState {
    pub view: CanvasView,
    pub show_grid: bool,
    pub snap: bool,
    pub show_minimap: bool,
    /// The analysis painted over the cards.
    pub overlay: Overlay,
    /// A palette kind clicked and waiting for a click on the canvas.
    pub placing: Option<KindId>,
    gesture: Gesture,
    connect_menu: Option<ConnectMenu>,
    rename: Option<Rename>,
    fit_requested: Option<Fit>,
    /// The canvas rectangle of the last frame, for commands that need it (zoom, fit).
    pub last_rect: Rect,
}

/// How much of the model a fit shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    /// All of it, however small.
    Whole,
    /// As much as shows with the cards' text still drawn.
    Readable,
}

impl Default for CanvasState {
    fn default() -> Self {
        Self {
            view: CanvasView::default(),
            show_grid: true,
            snap: true,
            show_minimap: true,
            overlay: Overlay::None,
            placing: None,
            gesture: Gesture::Idle,
            connect_menu: None,
            rename: None,
            fit_requested: Some(Fit::Whole),
            last_rect: Rect::from_min_size(Pos2::ZERO, vec2(1200.0, 800.0)),
        }
    }
}

impl CanvasState {
    /// Fits the view to the model on the next frame (the canvas size is known then).
    pub fn request_fit(&mut self) {
        self.fit_requested = Some(Fit::Whole);
    }

    /// Fits the view to the model on the next frame, but never so far out that the cards
    /// go blank: a drawing too big for that shows from its top-left corner, where it
    /// starts, and the minimap shows the rest.
    pub fn request_readable_fit(&mut self) {
        self.fit_requested = Some(Fit::Readable);
    }

    pub fn zoom_by(&mut self, factor: f32) {
        let rect = self.last_rect;
        self.view.zoom_at(rect, rect.center(), factor);
    }

    /// The world point at the centre of the view.
    pub fn view_center(&self) -> Pos2 {
        self.view
            .world_from_screen(self.last_rect, self.last_rect.center())
    }

    /// Starts renaming an element in place.
    pub fn start_rename(&mut self, doc: &Document, id: &str) {
        let text = if let Some(c) = doc.component(id) {
            c.name.clone()
        } else if let Some(g) = doc.group(id) {
            g.name.clone()
        } else if let Some(n) = doc.note(id) {
            n.text.clone()
        } else if let Some(c) = doc.connection(id) {
            c.label.clone()
        } else {
            return;
        };
        self.rename = Some(Rename {
            id: id.to_owned(),
            text,
            focused: false,
        });
    }

    pub fn is_renaming(&self) -> bool {
        self.rename.is_some()
    }

    /// Frames the given elements.
    pub fn frame_elements(&mut self, doc: &Document, ids: &[String]) {
        let rects = ids.iter().filter_map(|id| element_rect(doc, id));
        if let Some(bounds) = rects.reduce(|a, b| a.union(b)) {
            let current = self.view.zoom;
            self.view.fit(self.last_rect, bounds.expand(120.0));
            self.view.zoom = self.view.zoom.min(current.max(1.0));
            let center = bounds.center();
            self.view.offset = self.last_rect.size() / 2.0 - center.to_vec2() * self.view.zoom;
        }
    }
}

/// The world rectangle of any element.
pub fn element_rect(doc: &Document, id: &str) -> Option<Rect> {
    if let Some(c) = doc.component(id) {
        return Some(geometry::component_rect(c));
    }
    if let Some(g) = doc.group(id) {
        return Some(geometry::group_rect(g));
    }
    if let Some(n) = doc.note(id) {
        return Some(geometry::note_rect(n));
    }
    let connection = doc.connection(id)?;
    let from = geometry::component_rect(doc.component(connection.from.as_str())?);
    let to = geometry::component_rect(doc.component(connection.to.as_str())?);
    Some(from.union(to))
}

/// The highest severity and number of unwaived findings per element.
pub fn badges(report: &archsmith::rules::Report) -> HashMap<String, (Severity, usize)> {
    let mut badges: HashMap<String, (Severity, usize)> = HashMap::new();
    for finding in report.findings.iter().filter(|f| f.waived.is_none()) {
        for target in &finding.targets {
            let entry = badges
                .entry(target.clone())
                .or_insert((finding.severity, 0));
            entry.0 = entry.0.max(finding.severity);
            entry.1 += 1;
        }
    }
    badges
}

/// Why two components cannot be connected, or the kinds they can be connected with.
pub fn connection_options(
    catalog: &Catalog,
    doc: &Document,
    from: &str,
    to: &str,
) -> Result<Vec<ConnectionKindId>, String> {
    let (Some(a), Some(b)) = (doc.component(from), doc.component(to)) else {
        return Err("both ends must be components".to_owned());
    };
    if from == to {
        return Err(archsmith::catalog::IllegalConnection::SelfLoop.to_string());
    }
    let (Some(ka), Some(kb)) = (catalog.kind_of(a), catalog.kind_of(b)) else {
        return Err("unknown kind".to_owned());
    };
    catalog
        .connection_options(ka, kb)
        .map(|kinds| kinds.iter().map(|k| k.id.clone()).collect())
        .map_err(|reason| format!("{} cannot connect to {}: {reason}", a.name, b.name))
}

/// The operation that connects two components with a kind, with secure defaults.
pub fn connect_op(doc: &Document, from: &str, to: &str, kind: ConnectionKindId) -> Option<EditOp> {
    let id = ConnectionId::new(doc.fresh_id(&format!("{from}-{to}"))).ok()?;
    let mut connection = Connection::new(
        id,
        ComponentId::new(from).ok()?,
        ComponentId::new(to).ok()?,
        kind,
    );
    connection.tls = true;
    Some(EditOp::Connect(Box::new(connection)))
}

/// The operation that adds a component of `kind` centred at `world`, inside the innermost
/// boundary there.
pub fn place_op(
    doc: &Document,
    catalog: &Catalog,
    kind: &KindId,
    world: Pos2,
    snap: bool,
) -> Option<EditOp> {
    let spec = catalog.kind(kind.as_str())?;
    let id = ComponentId::new(doc.fresh_id(&spec.label)).ok()?;
    let mut component = Component::new(id, kind.clone(), spec.label.clone(), Point::new(0.0, 0.0));
    let size = vec2(component.size.w, component.size.h);
    let mut min = world - size / 2.0;
    if snap {
        min = geometry::snap_vec(min.to_vec2(), GRID).to_pos2();
    }
    component.position = Point::new(min.x, min.y);
    component.group =
        geometry::innermost_group_containing(doc, Rect::from_min_size(min, size), None)
            .map(|g| g.id.clone());
    Some(EditOp::AddComponent(Box::new(component)))
}

/// Draws the canvas and handles its input. Returns what the user asked for.
/// What the app derives from the document once per edit, for the canvas to draw.
#[derive(Debug, Clone, Copy)]
pub struct Derived<'a> {
    /// Findings per element, for the badges.
    pub badges: &'a HashMap<String, (Severity, usize)>,
    /// The analysis overlay's mark on each component it concerns.
    pub marks: &'a HashMap<String, Mark>,
    /// Each connection's route and caption spot (see [`Routing::of`]).
    pub routing: &'a Routing,
}

/// The most connections whose captions follow boxes being dragged (see [`Routing::with`]).
const MOST_LIVE_CAPTIONS: usize = 1_000;

/// Where the connections run and their captions sit, by connection position.
#[derive(Debug, Clone, Default)]
pub struct Routing {
    pub routes: Vec<Option<Vec<Pos2>>>,
    pub captions: Vec<Option<PlacedCaption>>,
}

impl Routing {
    /// The routes (`geometry::connection_routes`, routed with `effort`) and captions, placed
    /// as the exports place them (`archsmith::export::captions`), with the components where
    /// `rect_of` puts them.
    pub fn with(
        doc: &Document,
        catalog: &Catalog,
        rect_of: impl Fn(&Component) -> Rect,
        effort: Effort,
    ) -> Self {
        let routes = geometry::connection_routes(doc, catalog, rect_of, effort);
        // Placing every caption costs as much again as quick routing on a big drawing
        // (4,000 connections: 160 ms, criterion `captions/2000`): while boxes move there,
        // the captions wait until they come to rest.
        let captions = if effort == Effort::Quick && doc.connections().len() > MOST_LIVE_CAPTIONS {
            vec![None; routes.len()]
        } else {
            let lines: Vec<Option<Vec<Point>>> = routes
                .iter()
                .map(|route| {
                    route
                        .as_ref()
                        .map(|points| points.iter().map(|p| Point::new(p.x, p.y)).collect())
                })
                .collect();
            place_captions(doc, catalog, &lines)
        };
        Self { routes, captions }
    }

    /// Where the document puts its components, routed as the exports route them, for the
    /// caller to keep until the next edit.
    pub fn of(doc: &Document, catalog: &Catalog) -> Self {
        Self::with(doc, catalog, geometry::component_rect, Effort::Thorough)
    }
}

pub fn canvas_ui(
    ui: &mut Ui,
    doc: &Document,
    catalog: &Catalog,
    selection: &Selection,
    derived: Derived<'_>,
    state: &mut CanvasState,
) -> Vec<CanvasEvent> {
    let Derived {
        badges,
        marks,
        routing,
    } = derived;
    let routes = routing.routes.as_slice();
    let mut events = Vec::new();
    let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
    let canvas = response.rect;
    state.last_rect = canvas;
    if let Some(fit) = state.fit_requested.take()
        && let Some(bounds) = geometry::content_bounds(doc)
    {
        // Keep the band the minimap occupies free, so the fitted diagram sits above it.
        let reserve = MINIMAP_MAX_HEIGHT + MINIMAP_MARGIN;
        let room = if state.show_minimap && canvas.height() > 3.0 * reserve {
            Rect::from_min_max(canvas.min, pos2(canvas.max.x, canvas.max.y - reserve))
        } else {
            canvas
        };
        match fit {
            Fit::Whole => state.view.fit(room, bounds),
            Fit::Readable => state.view.fit_at_least(room, bounds, draw::TEXT_ZOOM),
        }
    }
    let view = state.view;
    let pointer = response
        .hover_pos()
        .or_else(|| ui.input(|i| i.pointer.interact_pos()));
    let pointer_world = pointer.map(|p| view.world_from_screen(canvas, p));
    let shows_handle = |id: &str| selection.contains(id) || response.hovered();
    let selected_group = |id: &str| selection.contains(id);

    handle_pan_zoom(ui, &response, state, canvas);

    // Palette drag and drop.
    if let Some(payload) = response.dnd_release_payload::<PaletteDrag>()
        && let Some(world) = pointer_world
    {
        events.push(CanvasEvent::Place {
            kind: payload.0.clone(),
            world,
        });
    }

    let hovered_hit = pointer_world
        .map(|w| hit::hit_test(doc, w, view.zoom, routes, shows_handle, selected_group))
        .unwrap_or(Hit::Empty);
    let space_held = ui.input(|i| i.key_down(Key::Space));

    if response.drag_started_by(PointerButton::Primary) && !space_held {
        let origin = ui
            .input(|i| i.pointer.press_origin())
            .unwrap_or(canvas.center());
        let origin_world = view.world_from_screen(canvas, origin);
        let shift = ui.input(|i| i.modifiers.shift);
        let hit = hit::hit_test(
            doc,
            origin_world,
            view.zoom,
            routes,
            shows_handle,
            selected_group,
        );
        state.gesture = start_gesture(doc, selection, &hit, origin_world, shift, &mut events);
    }

    if response.dragged_by(PointerButton::Primary)
        && let Some(world) = pointer_world
    {
        match &mut state.gesture {
            Gesture::Moving {
                origin,
                preview,
                anchor,
            } => {
                let mut delta = world - *origin;
                if state.snap {
                    let snapped = geometry::snap_vec((*anchor + delta).to_vec2(), GRID);
                    delta = snapped - anchor.to_vec2();
                }
                preview.delta = delta;
            }
            Gesture::RubberBand { current, .. } => *current = world,
            Gesture::Connecting { to_world, .. } => *to_world = world,
            Gesture::ResizingGroup {
                start,
                origin,
                current,
                ..
            } => {
                let delta = world - *origin;
                let mut max = start.max + delta;
                if state.snap {
                    max = geometry::snap_vec(max.to_vec2(), GRID).to_pos2();
                }
                *current = Rect::from_min_max(start.min, max.max(start.min + vec2(120.0, 60.0)));
            }
            Gesture::Idle | Gesture::Panning => {}
        }
    }

    let connect_preview = match &state.gesture {
        Gesture::Connecting { from, to_world } => {
            let target = match hit::hit_test(doc, *to_world, view.zoom, &[], |_| false, |_| false) {
                Hit::Component(id) if id != *from => Some(id),
                _ => None,
            };
            let (verdict, message) =
                match target.map(|t| connection_options(catalog, doc, from, &t)) {
                    Some(Ok(kinds)) => (
                        Some(true),
                        Some(
                            kinds
                                .iter()
                                .map(ConnectionKindId::as_str)
                                .collect::<Vec<_>>()
                                .join(" / "),
                        ),
                    ),
                    Some(Err(reason)) => (Some(false), Some(reason)),
                    None => (None, None),
                };
            Some(ConnectPreview {
                from: from.clone(),
                to_world: *to_world,
                verdict,
                message,
            })
        }
        _ => None,
    };

    if response.drag_stopped() {
        let gesture = std::mem::take(&mut state.gesture);
        finish_gesture(
            doc,
            catalog,
            gesture,
            pointer,
            canvas,
            view,
            &mut events,
            &mut state.connect_menu,
        );
    }

    if response.clicked() {
        if let Some(world) = pointer_world {
            if let Some(kind) = state.placing.take() {
                events.push(CanvasEvent::Place { kind, world });
            } else {
                let shift = ui.input(|i| i.modifiers.shift || i.modifiers.command);
                match hit::hit_test(doc, world, view.zoom, routes, |_| false, selected_group).id() {
                    Some(id) if shift => events.push(CanvasEvent::ToggleSelected(id.to_owned())),
                    Some(id) => events.push(CanvasEvent::Select(vec![id.to_owned()])),
                    None if !shift => events.push(CanvasEvent::ClearSelection),
                    None => {}
                }
            }
        }
        state.connect_menu = None;
    }
    if response.double_clicked()
        && let Some(id) = pointer_world.and_then(|w| {
            hit::hit_test(doc, w, view.zoom, routes, |_| false, |_| false)
                .id()
                .map(str::to_owned)
        })
    {
        state.start_rename(doc, &id);
    }

    if response.hovered() {
        let icon = match (&state.gesture, &hovered_hit) {
            (Gesture::Panning, _) => egui::CursorIcon::Grabbing,
            (Gesture::Connecting { .. }, _) | (_, Hit::Handle(_)) => egui::CursorIcon::Crosshair,
            (_, Hit::GroupGrip(_)) => egui::CursorIcon::ResizeNwSe,
            (_, Hit::Component(_) | Hit::Note(_) | Hit::GroupTitle(_)) => egui::CursorIcon::Grab,
            _ if state.placing.is_some() => egui::CursorIcon::Copy,
            _ => egui::CursorIcon::Default,
        };
        ui.ctx().set_cursor_icon(icon);
    }
    // A caption drawn shorter than it is says the rest on hover, as the exports' tooltips do.
    if matches!(state.gesture, Gesture::Idle)
        && let Some(world) = pointer_world.filter(|_| response.hovered())
        && let Some(caption) = routing.captions.iter().flatten().find(|caption| {
            caption.shortened()
                && !caption.text.is_empty()
                && caption.rect().contains_point(Point::new(world.x, world.y))
        })
    {
        response.clone().on_hover_text_at_pointer(&caption.whole);
    }

    let preview = match &state.gesture {
        Gesture::Moving { preview, .. } => preview.clone(),
        Gesture::ResizingGroup { id, current, .. } => {
            let mut preview = MovePreview::default();
            preview.resized.insert(id.clone(), *current);
            preview
        }
        _ => MovePreview::default(),
    };
    let rubber_band = match &state.gesture {
        Gesture::RubberBand {
            origin, current, ..
        } => Some(Rect::from_two_pos(*origin, *current)),
        _ => None,
    };
    // While boxes move, their routes follow them live (routed quickly: a thorough routing
    // of a 40-component design takes tens of milliseconds, every frame); otherwise the cached
    // ones serve, routed as the exports route them.
    let live;
    let routing = if preview.is_empty() {
        routing
    } else {
        live = Routing::with(
            doc,
            catalog,
            |c| preview.shift(c.id.as_str(), geometry::component_rect(c)),
            Effort::Quick,
        );
        &live
    };
    let scene = Scene {
        doc,
        catalog,
        selection,
        badges,
        marks,
        preview: &preview,
        routing,
        hovered: hovered_hit.id(),
        connect: connect_preview.as_ref(),
        rubber_band,
        show_grid: state.show_grid,
        grid_size: GRID,
    };
    draw::paint(&painter, canvas, view, &scene);

    if state.show_minimap && canvas.width() > 400.0 {
        minimap_ui(ui, doc, catalog, state, canvas);
    }
    connect_menu_ui(ui, doc, catalog, state, &mut events);
    rename_ui(ui, doc, state, canvas, &mut events);

    if response.has_focus() || response.hovered() || ui.memory(|m| m.focused().is_none()) {
        nudge_keys(ui, doc, selection, state, &mut events);
    }
    if ui.input(|i| i.key_pressed(Key::Escape)) {
        state.placing = None;
        state.connect_menu = None;
        state.gesture = Gesture::Idle;
    }
    events
}

fn handle_pan_zoom(ui: &Ui, response: &egui::Response, state: &mut CanvasState, canvas: Rect) {
    let space_held = ui.input(|i| i.key_down(Key::Space));
    if response.dragged_by(PointerButton::Middle)
        || (space_held && response.dragged_by(PointerButton::Primary))
    {
        state.view.offset += response.drag_delta();
        state.gesture = Gesture::Panning;
    } else if matches!(state.gesture, Gesture::Panning) && !response.dragged() {
        state.gesture = Gesture::Idle;
    }
    if !response.hovered() {
        return;
    }
    let (zoom_delta, scroll) = ui.input(|i| (i.zoom_delta(), i.smooth_scroll_delta));
    if (zoom_delta - 1.0).abs() > f32::EPSILON {
        let anchor = response.hover_pos().unwrap_or(canvas.center());
        state.view.zoom_at(canvas, anchor, zoom_delta);
    } else if scroll != Vec2::ZERO {
        state.view.offset += scroll;
    }
}

fn start_gesture(
    doc: &Document,
    selection: &Selection,
    hit: &Hit,
    origin: Pos2,
    shift: bool,
    events: &mut Vec<CanvasEvent>,
) -> Gesture {
    match hit {
        Hit::Handle(id) => Gesture::Connecting {
            from: id.clone(),
            to_world: origin,
        },
        Hit::GroupGrip(id) => match doc.group(id) {
            Some(group) => {
                let start = geometry::group_rect(group);
                Gesture::ResizingGroup {
                    id: id.clone(),
                    start,
                    origin,
                    current: start,
                }
            }
            None => Gesture::Idle,
        },
        Hit::Component(id) | Hit::Note(id) | Hit::GroupTitle(id) => {
            let mut ids: Vec<String> = selection.iter().map(str::to_owned).collect();
            if !selection.contains(id) {
                if shift {
                    events.push(CanvasEvent::AddToSelection(vec![id.clone()]));
                    ids.push(id.clone());
                } else {
                    events.push(CanvasEvent::Select(vec![id.clone()]));
                    ids = vec![id.clone()];
                }
            }
            let anchor = element_rect(doc, id).map_or(origin, |r| r.min);
            Gesture::Moving {
                anchor,
                origin,
                preview: hit::moving_set(doc, ids.into_iter()),
            }
        }
        Hit::Connection(id) => {
            events.push(CanvasEvent::Select(vec![id.clone()]));
            Gesture::Idle
        }
        Hit::Empty => Gesture::RubberBand {
            origin,
            current: origin,
            additive: shift,
        },
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "the gesture's whole context is needed to finish it"
)]
fn finish_gesture(
    doc: &Document,
    catalog: &Catalog,
    gesture: Gesture,
    pointer: Option<Pos2>,
    canvas: Rect,
    view: CanvasView,
    events: &mut Vec<CanvasEvent>,
    connect_menu: &mut Option<ConnectMenu>,
) {
    match gesture {
        Gesture::Moving { preview, .. } => {
            if preview.delta != Vec2::ZERO
                && let Some(op) = move_op(doc, &preview)
            {
                events.push(CanvasEvent::Apply(op));
            }
        }
        Gesture::RubberBand {
            origin,
            current,
            additive,
        } => {
            let band = Rect::from_two_pos(origin, current);
            let ids = hit::inside(doc, band);
            events.push(if additive {
                CanvasEvent::AddToSelection(ids)
            } else {
                CanvasEvent::Select(ids)
            });
        }
        Gesture::Connecting { from, to_world } => {
            let Hit::Component(to) =
                hit::hit_test(doc, to_world, view.zoom, &[], |_| false, |_| false)
            else {
                return;
            };
            if to == from {
                return;
            }
            match connection_options(catalog, doc, &from, &to) {
                Err(reason) => {
                    events.push(CanvasEvent::Status(format!("Connection refused: {reason}")));
                }
                Ok(kinds) if kinds.len() == 1 => {
                    if let Some(op) = kinds
                        .into_iter()
                        .next()
                        .and_then(|kind| connect_op(doc, &from, &to, kind))
                    {
                        events.push(CanvasEvent::Apply(op));
                    }
                }
                Ok(kinds) => {
                    let at = pointer.unwrap_or_else(|| view.screen_from_world(canvas, to_world));
                    *connect_menu = Some(ConnectMenu {
                        from,
                        to,
                        kinds,
                        at,
                    });
                }
            }
        }
        Gesture::ResizingGroup {
            id, current, start, ..
        } => {
            if current != start
                && let Ok(group_id) = GroupId::new(id)
            {
                events.push(CanvasEvent::Apply(EditOp::SetGroupRect {
                    id: group_id,
                    rect: geometry::from_rect(current),
                }));
            }
        }
        Gesture::Idle | Gesture::Panning => {}
    }
}

/// One batch that moves everything in `preview` and updates boundary membership.
pub fn move_op(doc: &Document, preview: &MovePreview) -> Option<EditOp> {
    let delta = preview.delta;
    let mut ops = Vec::new();
    for id in &preview.ids {
        if let Some(component) = doc.component(id) {
            let to = Point::new(
                component.position.x + delta.x,
                component.position.y + delta.y,
            );
            ops.push(EditOp::MoveComponent {
                id: component.id.clone(),
                to,
            });
            // A component dropped into a boundary joins it; dropped out, it leaves.
            let moved = geometry::component_rect(component).translate(delta);
            let moved_with_group = component
                .group
                .as_ref()
                .is_some_and(|g| preview.ids.contains(g.as_str()));
            if !moved_with_group {
                let target =
                    geometry::innermost_group_containing(doc, moved, None).map(|g| g.id.clone());
                if target != component.group {
                    ops.push(EditOp::Regroup {
                        id: component.id.clone(),
                        group: target,
                    });
                }
            }
        } else if let Some(note) = doc.note(id) {
            let mut note = note.clone();
            note.position = Point::new(note.position.x + delta.x, note.position.y + delta.y);
            ops.push(EditOp::UpdateNote(note));
        } else if let Some(group) = doc.group(id) {
            let rect = geometry::group_rect(group).translate(delta);
            ops.push(EditOp::SetGroupRect {
                id: group.id.clone(),
                rect: geometry::from_rect(rect),
            });
            let parent_moves = group
                .parent
                .as_ref()
                .is_some_and(|p| preview.ids.contains(p.as_str()));
            if !parent_moves {
                let target =
                    geometry::innermost_group_containing(doc, rect, Some(group.id.as_str()))
                        .map(|g| g.id.clone());
                if target != group.parent {
                    ops.push(EditOp::SetGroupField {
                        id: group.id.clone(),
                        field: GroupField::Parent(target),
                    });
                }
            }
        }
    }
    if ops.is_empty() {
        None
    } else {
        Some(EditOp::Batch(ops))
    }
}

fn nudge_keys(
    ui: &Ui,
    doc: &Document,
    selection: &Selection,
    state: &CanvasState,
    events: &mut Vec<CanvasEvent>,
) {
    if selection.is_empty() || state.rename.is_some() {
        return;
    }
    let (delta, _) = ui.input(|i| {
        let step = if i.modifiers.shift { GRID } else { 1.0 };
        let mut d = Vec2::ZERO;
        if i.key_pressed(Key::ArrowLeft) {
            d.x -= step;
        }
        if i.key_pressed(Key::ArrowRight) {
            d.x += step;
        }
        if i.key_pressed(Key::ArrowUp) {
            d.y -= step;
        }
        if i.key_pressed(Key::ArrowDown) {
            d.y += step;
        }
        (d, ())
    });
    if delta == Vec2::ZERO {
        return;
    }
    let mut preview = hit::moving_set(doc, selection.iter().map(str::to_owned));
    preview.delta = delta;
    if let Some(op) = move_op(doc, &preview) {
        events.push(CanvasEvent::Apply(op));
    }
}

fn minimap_ui(
    ui: &mut Ui,
    doc: &Document,
    catalog: &Catalog,
    state: &mut CanvasState,
    canvas: Rect,
) {
    let visible = state.view.visible_world(canvas);
    let Some(content) = geometry::content_bounds(doc) else {
        return;
    };
    // The minimap takes the shape of what it shows.
    let shown = content.union(visible).expand(40.0);
    let width = 200.0;
    let height = (width * shown.height() / shown.width()).clamp(60.0, MINIMAP_MAX_HEIGHT);
    let rect = Rect::from_min_size(
        canvas.max - vec2(width, height) - vec2(MINIMAP_MARGIN, MINIMAP_MARGIN),
        vec2(width, height),
    );
    let response = ui.interact(rect, ui.scope_id().with("minimap"), Sense::click_and_drag());
    let Some(bounds) = draw::paint_minimap(ui.painter(), rect, doc, catalog, visible) else {
        return;
    };
    if (response.clicked() || response.dragged())
        && let Some(pos) = response.interact_pointer_pos()
    {
        let scale = (rect.width() / bounds.width()).min(rect.height() / bounds.height());
        let world = bounds.min + (pos - rect.min) / scale;
        state.view.offset = canvas.size() / 2.0 - world.to_vec2() * state.view.zoom;
    }
}

fn connect_menu_ui(
    ui: &mut Ui,
    doc: &Document,
    catalog: &Catalog,
    state: &mut CanvasState,
    events: &mut Vec<CanvasEvent>,
) {
    let Some(menu) = state.connect_menu.clone() else {
        return;
    };
    let mut close = false;
    egui::Area::new(ui.scope_id().with("connect-menu"))
        .fixed_pos(menu.at)
        .order(egui::Order::Foreground)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.label(egui::RichText::new("Connect as").strong());
                for kind in &menu.kinds {
                    let label = catalog
                        .connection_kind(kind.as_str())
                        .map_or(kind.as_str(), |k| k.label.as_str());
                    if ui.button(label).clicked() {
                        if let Some(op) = connect_op(doc, &menu.from, &menu.to, kind.clone()) {
                            events.push(CanvasEvent::Apply(op));
                        }
                        close = true;
                    }
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
    if close {
        state.connect_menu = None;
    }
}

fn rename_ui(
    ui: &mut Ui,
    doc: &Document,
    state: &mut CanvasState,
    canvas: Rect,
    events: &mut Vec<CanvasEvent>,
) {
    let Some(rename) = state.rename.as_mut() else {
        return;
    };
    let Some(world) = element_rect(doc, &rename.id) else {
        state.rename = None;
        return;
    };
    let screen = state.view.screen_rect_from_world(canvas, world);
    let at = Rect::from_min_size(
        pos2(screen.min.x, screen.center().y - 14.0),
        vec2(screen.width().max(160.0), 28.0),
    );
    let mut finished = None;
    egui::Area::new(ui.scope_id().with("rename"))
        .fixed_pos(at.min)
        .order(egui::Order::Foreground)
        .show(ui.ctx(), |ui| {
            let edit = egui::TextEdit::singleline(&mut rename.text)
                .desired_width(at.width())
                .hint_text("Name");
            let response = ui.add(edit);
            if !rename.focused {
                response.request_focus();
                rename.focused = true;
            }
            if ui.input(|i| i.key_pressed(Key::Escape)) {
                finished = Some(false);
            } else if response.lost_focus() {
                finished = Some(true);
            }
        });
    let Some(commit) = finished else { return };
    let rename = state.rename.take();
    if let (true, Some(rename)) = (commit, rename)
        && let Some(op) = rename_op(doc, &rename.id, rename.text)
    {
        events.push(CanvasEvent::Apply(op));
    }
}

/// The operation that renames an element (a note's text, a connection's label).
pub fn rename_op(doc: &Document, id: &str, text: String) -> Option<EditOp> {
    if let Some(component) = doc.component(id) {
        return (component.name != text).then(|| EditOp::SetComponentField {
            id: component.id.clone(),
            field: ComponentField::Name(text),
        });
    }
    if let Some(group) = doc.group(id) {
        return (group.name != text).then(|| EditOp::SetGroupField {
            id: group.id.clone(),
            field: GroupField::Name(text),
        });
    }
    if let Some(note) = doc.note(id) {
        let mut note = note.clone();
        note.text = text;
        return Some(EditOp::UpdateNote(note));
    }
    let connection = doc.connection(id)?;
    (connection.label != text).then(|| EditOp::SetConnectionField {
        id: connection.id.clone(),
        field: archsmith::edit::ConnectionField::Label(text),
    })
}
