//! The editor app: lays out the panels, routes their events to the core's edit operations,
//! runs commands, and talks to the host. It holds no architecture logic of its own.

use std::collections::HashMap;

use archsmith::analysis::overlay::{Mark, Overlay};
use archsmith::clipboard::Fragment;
use archsmith::format;
use archsmith::layout::{self, Layout};
use archsmith::model::{Document, GroupId, Meta, Note, NoteId, Point, Severity};
use archsmith::view::{self, Projection};
use archsmith::{EditOp, samples};
use egui::{Key, RichText, Ui};

use crate::canvas::{self, CanvasEvent, CanvasState, geometry};
use crate::command::{CommandQueue, UiCommand};
use crate::host::{ExportPayload, ExportSource, Host, HostEvent, HostRequest, RecoveredDocument};
use crate::panels::command_palette::{CommandPaletteState, command_palette_ui};
use crate::panels::export::{ExportState, export_ui};
use crate::panels::inspector::inspector_ui;
use crate::panels::menu::{ViewToggles, menu_bar_ui, status_bar_ui};
use crate::panels::palette::{PaletteState, palette_ui};
use crate::panels::problems::{ProblemsAction, ProblemsState, problems_ui};
use crate::panels::views::{ViewsAction, views_ui};
use crate::state::Editor;

/// Seconds between recovery copies of unsaved work.
const AUTOSAVE_SECONDS: f64 = 30.0;

/// What to do once the user has dealt with unsaved changes.
#[derive(Debug, Clone, PartialEq)]
enum Pending {
    New,
    Open,
    OpenRecent(String),
    /// Replace the document with a recovered copy.
    Recover(RecoveredDocument),
    /// Close the window.
    Close,
}

impl Pending {
    /// The question the unsaved-changes dialog asks before doing this.
    fn question(&self) -> &'static str {
        match self {
            Self::New => "Save them before starting a new model?",
            Self::Open | Self::OpenRecent(_) => "Save them before opening another model?",
            Self::Recover(_) => "Save them before recovering the other model?",
            Self::Close => "Save them before closing?",
        }
    }
}

/// Where a presentation is: which slide (the whole model, then each view) and, within a
/// dynamic view, which step (0: the whole flow, before its first step).
#[derive(Debug, Clone, PartialEq)]
struct Presentation {
    slide: usize,
    step: usize,
    /// The canvas toggles to put back afterwards.
    grid: bool,
    minimap: bool,
    /// The canvas size the slide was fitted to: going full screen resizes it a frame or two
    /// later, and the slide is fitted again.
    fitted_to: egui::Vec2,
}

/// The whole editor.
pub struct EditorApp {
    pub editor: Editor,
    pub canvas: CanvasState,
    palette: PaletteState,
    problems: ProblemsState,
    export: ExportState,
    command_palette: CommandPaletteState,
    commands: CommandQueue,
    host: Box<dyn Host>,
    status: Option<String>,
    /// The revision a Tidy up of the whole model was asked for, while the host lays it out.
    laying_out: Option<u64>,
    recent: Vec<String>,
    /// An action waiting on the unsaved-changes question.
    confirm_discard: Option<Pending>,
    /// An action waiting for the save the user chose in that question.
    after_save: Option<Pending>,
    /// The user agreed to close: the next close request goes through.
    close_approved: bool,
    /// Recovery copies left by sessions that did not end cleanly, asked about one at a time.
    recoveries: Vec<RecoveredDocument>,
    about_open: bool,
    last_autosave: Option<f64>,
    autosaved_revision: Option<u64>,
    badges: (u64, HashMap<String, (Severity, usize)>),
    /// The overlay's marks, for the revision and overlay they were read for: recomputed on
    /// an edit or another overlay, not every frame.
    marks: (u64, Overlay, HashMap<String, Mark>),
    /// Each connection's route, for the revision and view it was computed for: routed once
    /// per edit, not every frame.
    routing: (u64, Option<String>, canvas::Routing),
    /// The view the canvas shows (`None`: the whole model).
    active_view: Option<String>,
    /// What the active view draws, for the revision and view it was projected for.
    projection: Option<(u64, String, Projection)>,
    /// Workshop mode: full screen, no panels, one view (and flow step) at a time.
    presentation: Option<Presentation>,
    title: String,
    styled: bool,
}

impl std::fmt::Debug for EditorApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EditorApp")
            .field("editor", &self.editor)
            .finish_non_exhaustive()
    }
}

/// The bundled sample shown on first start.
pub fn welcome_document() -> Document {
    samples::sample("ecommerce")
        .and_then(|s| format::from_str(s.text, s.name, archsmith::Catalog::builtin()).ok())
        .unwrap_or_else(|| {
            Document::new(Meta {
                name: "Untitled".into(),
                ..Meta::default()
            })
        })
}

/// Installs the bundled fonts and the light theme.
pub fn setup_style(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "inter".into(),
        std::sync::Arc::new(egui::FontData::from_static(include_bytes!(
            "../../assets/fonts/Inter-Regular.otf"
        ))),
    );
    fonts.font_data.insert(
        "inter-semibold".into(),
        std::sync::Arc::new(egui::FontData::from_static(include_bytes!(
            "../../assets/fonts/Inter-SemiBold.otf"
        ))),
    );
    if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional) {
        family.insert(0, "inter".into());
    }
    let mut bold = vec!["inter-semibold".to_owned()];
    bold.extend(
        fonts
            .families
            .get(&egui::FontFamily::Proportional)
            .cloned()
            .unwrap_or_default(),
    );
    fonts
        .families
        .insert(egui::FontFamily::Name("bold".into()), bold);
    ctx.set_fonts(fonts);
    ctx.set_theme(egui::Theme::Light);
    ctx.global_style_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 4.0);
    });
}

impl EditorApp {
    /// An editor on `doc`, which lives at `path` when it came from a file.
    pub fn new(doc: Document, path: Option<String>, mut host: Box<dyn Host>) -> Self {
        host.request(HostRequest::Startup);
        host.request(HostRequest::RecentFiles);
        let mut app = Self {
            editor: Editor::new(doc, path),
            canvas: CanvasState::default(),
            palette: PaletteState::default(),
            problems: ProblemsState::default(),
            export: ExportState::default(),
            command_palette: CommandPaletteState::default(),
            commands: CommandQueue::default(),
            host,
            status: None,
            laying_out: None,
            recent: Vec::new(),
            confirm_discard: None,
            after_save: None,
            close_approved: false,
            recoveries: Vec::new(),
            about_open: false,
            last_autosave: None,
            autosaved_revision: None,
            badges: (u64::MAX, HashMap::new()),
            marks: (u64::MAX, Overlay::None, HashMap::new()),
            routing: (u64::MAX, None, canvas::Routing::default()),
            active_view: None,
            projection: None,
            presentation: None,
            title: String::new(),
            styled: false,
        };
        app.lay_out_if_unplaced();
        app
    }

    /// Lays a model out when it has no drawing yet (a file written by hand or generated,
    /// every position left out): its boxes would all sit on one spot. The layout comes as
    /// one undoable edit, which the next save writes into the file.
    fn lay_out_if_unplaced(&mut self) {
        if layout::needs_layout(self.editor.doc()) {
            self.tidy_up();
        }
    }

    /// Queues a command as if the user had chosen it.
    pub fn run_command(&mut self, command: UiCommand) {
        self.commands.push(command);
    }

    fn apply(&mut self, op: EditOp) {
        if let Err(error) = self.editor.apply(op) {
            self.status = Some(format!("Not applied: {error}"));
        }
    }

    /// Draws one frame and handles what happened in it.
    pub fn frame_ui(&mut self, ui: &mut Ui) {
        if !self.styled {
            setup_style(ui.ctx());
            self.styled = true;
        }
        self.handle_host_events(ui.ctx());
        if self.laying_out.is_some() {
            // Hosts that lay out on a thread are only looked at when a frame is drawn.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(50));
        }
        self.handle_close_request(ui.ctx());
        if self.presentation.is_some() {
            self.presentation_ui(ui);
            return;
        }
        self.handle_shortcuts(ui);
        self.update_title(ui.ctx());

        let toggles = ViewToggles {
            grid: self.canvas.show_grid,
            snap: self.canvas.snap,
            minimap: self.canvas.show_minimap,
        };
        egui::Panel::top("menu").show(ui, |ui| {
            if let Some(path) = menu_bar_ui(
                ui,
                &self.editor,
                &self.recent,
                toggles,
                &mut self.canvas.overlay,
                &mut self.commands,
            ) {
                self.guard_unsaved(ui.ctx(), Pending::OpenRecent(path));
            }
        });
        let views_action = egui::Panel::top("views")
            .show(ui, |ui| {
                let selected: Vec<&str> = self.editor.selection.iter().collect();
                views_ui(
                    ui,
                    self.editor.doc(),
                    self.active_view.as_deref(),
                    &selected,
                )
            })
            .inner;
        if let Some(action) = views_action {
            self.handle_views_action(ui.ctx(), action);
        }
        egui::Panel::bottom("status").show(ui, |ui| {
            status_bar_ui(
                ui,
                &self.editor,
                self.canvas.view.zoom,
                self.status.as_deref(),
                self.laying_out.is_some(),
            );
        });
        egui::Panel::left("palette")
            .default_size(220.0)
            .resizable(true)
            .show(ui, |ui| {
                palette_ui(
                    ui,
                    self.editor.catalog(),
                    &mut self.palette,
                    &mut self.canvas,
                );
            });
        egui::Panel::right("inspector")
            .default_size(320.0)
            .resizable(true)
            .show(ui, |ui| {
                let resolved = self.editor.resolved_selection().to_vec();
                let selected: Vec<&str> = self.editor.selection.iter().collect();
                if let Some(op) = inspector_ui(
                    ui,
                    self.editor.doc(),
                    self.editor.catalog(),
                    &selected,
                    &resolved,
                ) {
                    self.apply(op);
                }
            });
        egui::Panel::bottom("problems")
            .default_size(170.0)
            .resizable(true)
            .show(ui, |ui| {
                match problems_ui(ui, self.editor.report(), &mut self.problems) {
                    Some(ProblemsAction::Reveal(ids)) => {
                        self.canvas.frame_elements(self.editor.doc(), &ids);
                        self.editor.selection.clear();
                        for id in ids {
                            self.editor.selection.insert(id);
                        }
                    }
                    Some(ProblemsAction::Apply(op)) => self.apply(op),
                    None => {}
                }
            });
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| self.canvas_panel(ui, true));

        self.dialogs_ui(ui.ctx());
        for command in self.commands.take() {
            self.execute(ui.ctx(), command);
        }
        self.autosave(ui.ctx());
    }

    /// The canvas: the whole model, or the active view's projection. Read-only while
    /// presenting.
    fn canvas_panel(&mut self, ui: &mut Ui, editable: bool) {
        self.refresh_projection();
        let revision = self.editor.revision();
        if self.badges.0 != revision {
            self.badges = (revision, canvas::badges(self.editor.report()));
        }
        if self.marks.0 != revision || self.marks.1 != self.canvas.overlay {
            let marks = self.editor.analysis().map_or_else(HashMap::new, |report| {
                archsmith::analysis::overlay::marks(report, &self.canvas.overlay)
            });
            self.marks = (revision, self.canvas.overlay.clone(), marks);
        }
        let drawn = self
            .projection
            .as_ref()
            .map_or(self.editor.doc(), |(_, _, p)| &p.doc);
        if self.routing.0 != revision || self.routing.1 != self.active_view {
            self.routing = (
                revision,
                self.active_view.clone(),
                canvas::Routing::of(drawn, self.editor.catalog()),
            );
        }
        let events = canvas::canvas_ui(
            ui,
            drawn,
            self.editor.catalog(),
            &self.editor.selection,
            canvas::Derived {
                badges: &self.badges.1,
                marks: &self.marks.2,
                routing: &self.routing.2,
            },
            &mut self.canvas,
        );
        if editable {
            for event in events {
                self.handle_canvas_event(event);
            }
        }
    }

    /// Projects the active view again after an edit; forgets it when it is gone (deleted,
    /// or undone away).
    fn refresh_projection(&mut self) {
        let revision = self.editor.revision();
        let Some(id) = self.active_view.clone() else {
            self.projection = None;
            return;
        };
        if self
            .projection
            .as_ref()
            .is_some_and(|(r, shown, _)| *r == revision && *shown == id)
        {
            return;
        }
        let doc = self.editor.doc();
        match doc.view(&id) {
            Some(shown) => {
                let projection = view::project(doc, self.editor.catalog(), shown);
                self.projection = Some((revision, id, projection));
            }
            None => {
                self.active_view = None;
                self.projection = None;
            }
        }
    }

    /// The document the canvas draws now (the active view's, or the model).
    pub fn drawn_document(&mut self) -> &Document {
        self.refresh_projection();
        self.projection
            .as_ref()
            .map_or(self.editor.doc(), |(_, _, p)| &p.doc)
    }

    /// The view the canvas shows, by id; `None` is the whole model.
    pub fn active_view(&self) -> Option<&str> {
        self.active_view.as_deref()
    }

    /// Shows a view (or the whole model) and fits it to the canvas.
    pub fn show_view(&mut self, id: Option<String>) {
        self.active_view = id;
        self.refresh_projection();
        self.canvas.request_fit();
    }

    /// `add` (of component `id`), and with it, when a view is shown, the view showing the
    /// new component where it was dropped, in one undo step. A dynamic view shows its flow
    /// only.
    fn with_active_view_showing(
        &self,
        add: EditOp,
        id: &archsmith::model::ComponentId,
        at: Point,
    ) -> EditOp {
        let Some((_, view_id, projection)) = self.projection.as_ref() else {
            return add;
        };
        let Some(mut shown) = self.editor.doc().view(view_id).cloned() else {
            return add;
        };
        if shown.flow.is_some() {
            return add;
        }
        if !shown.select.is_everything() {
            shown.select.components.push(id.clone());
        }
        let placed = EditOp::MoveComponent {
            id: id.clone(),
            to: at,
        };
        match view::edit_in_view(&shown, projection, placed) {
            Some(put) => EditOp::Batch(vec![add, put]),
            None => add,
        }
    }

    /// The slides of a presentation: the whole model, then each view.
    fn slides(&self) -> Vec<Option<String>> {
        std::iter::once(None)
            .chain(
                self.editor
                    .doc()
                    .views()
                    .iter()
                    .map(|v| Some(v.id.to_string())),
            )
            .collect()
    }

    /// Starts presenting from the view shown now.
    pub fn start_presenting(&mut self, ctx: &egui::Context) {
        let slide = self
            .slides()
            .iter()
            .position(|s| *s == self.active_view)
            .unwrap_or(0);
        self.presentation = Some(Presentation {
            slide,
            step: 0,
            grid: self.canvas.show_grid,
            minimap: self.canvas.show_minimap,
            fitted_to: egui::Vec2::ZERO,
        });
        self.canvas.show_grid = false;
        self.canvas.show_minimap = false;
        self.editor.selection.clear();
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(true));
        self.canvas.request_fit();
    }

    fn stop_presenting(&mut self, ctx: &egui::Context) {
        if let Some(presentation) = self.presentation.take() {
            self.canvas.show_grid = presentation.grid;
            self.canvas.show_minimap = presentation.minimap;
        }
        self.editor.selection.clear();
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(false));
        self.canvas.request_fit();
    }

    /// Whether the editor is presenting.
    pub fn is_presenting(&self) -> bool {
        self.presentation.is_some()
    }

    /// Moves a presentation one step forward (`true`) or back: through a dynamic view's
    /// steps, then on to the next view.
    fn step_presentation(&mut self, forward: bool) {
        let slides = self.slides();
        let Some(mut at) = self.presentation.clone() else {
            return;
        };
        let steps = self
            .projection
            .as_ref()
            .map_or(0, |(_, _, p)| p.steps.len());
        if forward {
            if at.step < steps {
                at.step += 1;
            } else if at.slide + 1 < slides.len() {
                at.slide += 1;
                at.step = 0;
            }
        } else if at.step > 0 {
            at.step -= 1;
        } else if at.slide > 0 {
            at.slide -= 1;
            at.step = usize::MAX;
        }
        let slide_changed = self
            .presentation
            .as_ref()
            .is_some_and(|p| p.slide != at.slide);
        self.presentation = Some(at);
        if slide_changed {
            self.show_view(
                slides
                    .get(self.presentation.as_ref().map_or(0, |p| p.slide))
                    .cloned()
                    .flatten(),
            );
        }
        // Going back into a dynamic view starts at its last step.
        let steps = self
            .projection
            .as_ref()
            .map_or(0, |(_, _, p)| p.steps.len());
        if let Some(p) = self.presentation.as_mut() {
            p.step = p.step.min(steps);
        }
        self.highlight_step();
    }

    /// Selects the current step's connection and its two ends, which the canvas highlights.
    fn highlight_step(&mut self) {
        self.editor.selection.clear();
        let (Some(at), Some((_, _, projection))) = (&self.presentation, &self.projection) else {
            return;
        };
        let Some(id) = at.step.checked_sub(1).and_then(|i| projection.steps.get(i)) else {
            return;
        };
        if let Some(connection) = projection.doc.connection(id.as_str()) {
            let ids = [
                connection.id.to_string(),
                connection.from.to_string(),
                connection.to.to_string(),
            ];
            for id in ids {
                self.editor.selection.insert(id);
            }
        }
    }

    /// The presentation: a title band in large type over the read-only canvas.
    fn presentation_ui(&mut self, ui: &mut Ui) {
        let (next, back, stop) = ui.input_mut(|input| {
            let mut pressed = |keys: &[Key]| {
                keys.iter()
                    .any(|&k| input.consume_key(egui::Modifiers::NONE, k))
            };
            (
                pressed(&[Key::ArrowRight, Key::Space, Key::PageDown, Key::ArrowDown]),
                pressed(&[Key::ArrowLeft, Key::PageUp, Key::ArrowUp]),
                pressed(&[Key::Escape, Key::F5]),
            )
        });
        if stop {
            self.stop_presenting(ui.ctx());
            return;
        }
        if next || back {
            self.step_presentation(next);
        }
        self.refresh_projection();
        let doc = self.editor.doc();
        let shown = self.active_view.as_deref().and_then(|id| doc.view(id));
        let title = shown.map_or_else(|| doc.meta.name.clone(), |v| v.name.clone());
        let description =
            shown.map_or_else(|| doc.meta.description.clone(), |v| v.description.clone());
        let step_line = self.presentation.as_ref().and_then(|at| {
            let (_, _, projection) = self.projection.as_ref()?;
            let id = projection.steps.get(at.step.checked_sub(1)?)?;
            let connection = projection.doc.connection(id.as_str())?;
            let name = |id: &str| {
                projection
                    .doc
                    .component(id)
                    .map_or(id.to_owned(), |c| c.name.clone())
            };
            Some(format!(
                "Step {} of {}: {} → {} ({})",
                at.step,
                projection.steps.len(),
                name(connection.from.as_str()),
                name(connection.to.as_str()),
                view::step_text(self.editor.catalog(), connection)
            ))
        });
        let slides = self.slides().len();
        let slide = self.presentation.as_ref().map_or(0, |p| p.slide);
        egui::Panel::top("presentation").show(ui, |ui| {
            ui.add_space(12.0);
            ui.horizontal(|ui| {
                ui.add_space(16.0);
                ui.vertical(|ui| {
                    ui.label(RichText::new(title).size(34.0).strong());
                    if !description.is_empty() {
                        ui.label(RichText::new(description).size(20.0));
                    }
                    if let Some(line) = step_line {
                        ui.label(
                            RichText::new(line)
                                .size(24.0)
                                .color(egui::Color32::from_rgb(37, 99, 235)),
                        );
                    }
                });
                ui.with_layout(egui::Layout::right_to_left(egui::Align::TOP), |ui| {
                    ui.add_space(16.0);
                    ui.label(
                        RichText::new(format!(
                            "{} / {slides}   ← → to step, Esc to end",
                            slide + 1
                        ))
                        .size(16.0)
                        .weak(),
                    );
                });
            });
            ui.add_space(8.0);
        });
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                let size = ui.available_size();
                if let Some(at) = self.presentation.as_mut()
                    && at.fitted_to != size
                {
                    at.fitted_to = size;
                    self.canvas.request_fit();
                }
                self.canvas_panel(ui, false);
            });
    }

    fn handle_views_action(&mut self, ctx: &egui::Context, action: ViewsAction) {
        match action {
            ViewsAction::Show(id) => self.show_view(id),
            ViewsAction::Apply(op) => self.apply(op),
            ViewsAction::Create(made) => {
                let id = made.id.to_string();
                self.apply(EditOp::PutView(made));
                if self.editor.doc().view(&id).is_some() {
                    self.show_view(Some(id));
                }
            }
            ViewsAction::Present => self.start_presenting(ctx),
        }
    }

    /// Applies an edit made on the canvas: in a view, moves stay in the view (see
    /// [`view::edit_in_view`]) and everything else changes the model.
    fn apply_from_canvas(&mut self, op: EditOp) {
        let shown = self
            .projection
            .as_ref()
            .and_then(|(_, id, projection)| Some((self.editor.doc().view(id)?, projection)));
        let op = match shown {
            Some((shown, projection)) => view::edit_in_view(shown, projection, op),
            None => Some(op),
        };
        if let Some(op) = op {
            self.apply(op);
        }
    }

    fn handle_canvas_event(&mut self, event: CanvasEvent) {
        match event {
            CanvasEvent::Apply(op) => self.apply_from_canvas(op),
            CanvasEvent::Select(ids) => {
                self.editor.selection.clear();
                for id in ids {
                    self.editor.selection.insert(id);
                }
            }
            CanvasEvent::AddToSelection(ids) => {
                for id in ids {
                    self.editor.selection.insert(id);
                }
            }
            CanvasEvent::ToggleSelected(id) => self.editor.selection.toggle(&id),
            CanvasEvent::ClearSelection => self.editor.selection.clear(),
            CanvasEvent::Place { kind, world } => {
                // Dropped where the canvas shows it: into the boundary drawn there.
                let drawn = self
                    .projection
                    .as_ref()
                    .map_or(self.editor.doc(), |(_, _, p)| &p.doc);
                let op =
                    canvas::place_op(drawn, self.editor.catalog(), &kind, world, self.canvas.snap);
                if let Some(op) = op {
                    let placed = match &op {
                        EditOp::AddComponent(c) => Some((c.id.clone(), c.position)),
                        _ => None,
                    };
                    let op = match &placed {
                        Some((id, at)) => self.with_active_view_showing(op, id, *at),
                        None => op,
                    };
                    self.apply(op);
                    if let Some((id, _)) = placed {
                        self.editor.selection.set_only(id.to_string());
                    }
                }
            }
            CanvasEvent::Status(message) => self.status = Some(message),
        }
    }

    fn handle_shortcuts(&mut self, ui: &Ui) {
        let text_focused = ui.ctx().text_edit_focused() || self.canvas.is_renaming();
        let mut pressed = Vec::new();
        // Shortcuts with more modifiers first: egui matches Ctrl+Z logically, so it would
        // also take Ctrl+Shift+Z.
        let mut ordered = UiCommand::ALL;
        ordered.sort_by_key(|c| {
            std::cmp::Reverse(
                c.shortcut()
                    .map_or(0, |s| s.modifiers.shift as u8 + s.modifiers.alt as u8),
            )
        });
        ui.input_mut(|input| {
            for command in ordered {
                if text_focused
                    && (command.is_canvas_key()
                        || matches!(command, UiCommand::Undo | UiCommand::Redo))
                {
                    continue;
                }
                let shortcuts = command
                    .shortcut()
                    .into_iter()
                    .chain(command.alternate_shortcuts().iter().copied());
                if shortcuts.into_iter().any(|s| input.consume_shortcut(&s)) {
                    pressed.push(command);
                }
            }
        });
        // Clipboard events come from the platform (Ctrl+C/X/V, menu, or the webview).
        if !text_focused {
            let events = ui.input(|i| i.events.clone());
            for event in events {
                match event {
                    egui::Event::Copy => pressed.push(UiCommand::Copy),
                    egui::Event::Cut => pressed.push(UiCommand::Cut),
                    egui::Event::Paste(text) => self.paste_text(&text),
                    _ => {}
                }
            }
        }
        for command in pressed {
            self.commands.push(command);
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = self.editor.title();
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.host.set_title(&title, self.editor.is_dirty());
            self.title = title;
        }
    }

    fn paste_text(&mut self, text: &str) {
        match Fragment::from_text(text) {
            Ok(fragment) if !fragment.is_empty() => {
                let center = self.canvas.view_center();
                let bounds = fragment
                    .components
                    .iter()
                    .map(geometry::component_rect)
                    .reduce(|a, b| a.union(b));
                let offset = bounds.map_or(Point::new(40.0, 40.0), |b| {
                    Point::new(center.x - b.center().x, center.y - b.center().y)
                });
                let op = fragment.paste_op(self.editor.doc(), offset);
                let ids = Fragment::pasted_ids(&op);
                self.apply(op);
                self.editor.selection.clear();
                for id in ids {
                    self.editor.selection.insert(id);
                }
            }
            Ok(_) => {}
            Err(error) => self.status = Some(error.to_string()),
        }
    }

    fn copy_selection(&mut self, ctx: &egui::Context) -> bool {
        let fragment = Fragment::from_selection(self.editor.doc(), self.editor.selection.iter());
        if fragment.is_empty() {
            return false;
        }
        ctx.copy_text(fragment.to_text());
        true
    }

    fn delete_selection(&mut self) {
        let doc = self.editor.doc();
        let mut ops = Vec::new();
        // Connections first, so that deleting a component that also goes does not fail.
        for id in self.editor.selection.iter() {
            if let Some(c) = doc.connection(id) {
                ops.push(EditOp::Disconnect(c.id.clone()));
            }
        }
        for id in self.editor.selection.iter() {
            if let Some(c) = doc.component(id) {
                // RemoveComponent takes the component's remaining connections with it.
                ops.push(EditOp::RemoveComponent(c.id.clone()));
            } else if let Some(n) = doc.note(id) {
                ops.push(EditOp::RemoveNote(n.id.clone()));
            }
        }
        for id in self.editor.selection.iter() {
            if let Some(g) = doc.group(id) {
                ops.push(EditOp::RemoveGroup(g.id.clone()));
            }
        }
        if !ops.is_empty() {
            self.apply(EditOp::Batch(ops));
            self.editor.selection.clear();
        }
    }

    fn execute(&mut self, ctx: &egui::Context, command: UiCommand) {
        match command {
            UiCommand::New => self.guard_unsaved(ctx, Pending::New),
            UiCommand::Open => self.guard_unsaved(ctx, Pending::Open),
            UiCommand::Save => self.save(false),
            UiCommand::SaveAs => self.save(true),
            UiCommand::Export => self.export.open = true,
            UiCommand::Undo => {
                if let Err(error) = self.editor.undo() {
                    self.status = Some(format!("Undo failed: {error}"));
                }
            }
            UiCommand::Redo => {
                if let Err(error) = self.editor.redo() {
                    self.status = Some(format!("Redo failed: {error}"));
                }
            }
            UiCommand::Copy => {
                if self.copy_selection(ctx) {
                    self.status = Some(format!("Copied {} elements", self.editor.selection.len()));
                }
            }
            UiCommand::Cut => {
                if self.copy_selection(ctx) {
                    self.delete_selection();
                }
            }
            UiCommand::Paste => {
                self.status = Some("Press Ctrl+V to paste from the clipboard".to_owned());
            }
            UiCommand::Duplicate => {
                let fragment =
                    Fragment::from_selection(self.editor.doc(), self.editor.selection.iter());
                if !fragment.is_empty() {
                    let op = fragment.paste_op(self.editor.doc(), Point::new(40.0, 40.0));
                    let ids = Fragment::pasted_ids(&op);
                    self.apply(op);
                    self.editor.selection.clear();
                    for id in ids {
                        self.editor.selection.insert(id);
                    }
                }
            }
            UiCommand::Delete => self.delete_selection(),
            UiCommand::SelectAll => {
                let ids: Vec<String> = self
                    .editor
                    .doc()
                    .components()
                    .iter()
                    .map(|c| c.id.to_string())
                    .collect();
                self.editor.selection.clear();
                for id in ids {
                    self.editor.selection.insert(id);
                }
            }
            UiCommand::Rename => {
                if let Some(id) = self.editor.selection.single().map(str::to_owned) {
                    self.canvas.start_rename(self.editor.doc(), &id);
                }
            }
            UiCommand::AddNote => {
                let center = self.canvas.view_center();
                if let Ok(id) = NoteId::new(self.editor.doc().fresh_id("note")) {
                    let note = Note {
                        id: id.clone(),
                        text: "New note".to_owned(),
                        position: Point::new(center.x - 110.0, center.y - 55.0),
                        size: archsmith::model::Size::new(220.0, 110.0),
                        color: Default::default(),
                    };
                    self.apply(EditOp::AddNote(note));
                    self.editor.selection.set_only(id.to_string());
                }
            }
            UiCommand::AddBoundary => self.add_boundary(),
            UiCommand::FitView => self.canvas.request_fit(),
            UiCommand::ZoomIn => self.canvas.zoom_by(1.25),
            UiCommand::ZoomOut => self.canvas.zoom_by(0.8),
            UiCommand::ResetZoom => {
                let rect = self.canvas.last_rect;
                self.canvas
                    .view
                    .zoom_at(rect, rect.center(), 1.0 / self.canvas.view.zoom);
            }
            UiCommand::ToggleGrid => self.canvas.show_grid = !self.canvas.show_grid,
            UiCommand::ToggleSnap => self.canvas.snap = !self.canvas.snap,
            UiCommand::ToggleMinimap => self.canvas.show_minimap = !self.canvas.show_minimap,
            UiCommand::TidyUp if self.active_view.is_some() => {
                // A view is laid out automatically once it forgets where boxes were moved.
                let shown = self
                    .active_view
                    .as_deref()
                    .and_then(|id| self.editor.doc().view(id))
                    .cloned();
                if let Some(mut shown) = shown {
                    shown.layout.clear();
                    self.apply(EditOp::PutView(Box::new(shown)));
                    self.canvas.request_fit();
                }
            }
            UiCommand::TidyUp => self.tidy_up(),
            UiCommand::Present => self.start_presenting(ctx),
            UiCommand::CommandPalette => self.command_palette.show(),
            UiCommand::About => self.about_open = true,
        }
    }

    /// Asks the host to lay the whole model out (see [`HostRequest::LayOut`]); the answer
    /// moves everything in one undoable edit, unless the model changed meanwhile.
    fn tidy_up(&mut self) {
        if self.laying_out.is_some() {
            self.status = Some("Still laying out: the drawing changes when it is done".to_owned());
            return;
        }
        self.laying_out = Some(self.editor.revision());
        self.status = Some("Laying out…".to_owned());
        self.host.request(HostRequest::LayOut {
            model: format::to_string(self.editor.doc()),
        });
    }

    /// Applies the layout a Tidy up asked for, when the model is still the one laid out:
    /// one that changed meanwhile keeps its drawing (a component added since would be left
    /// where it was, an edit undone).
    fn laid_out(&mut self, laid_out: Result<Box<Layout>, String>) {
        let Some(asked) = self.laying_out.take() else {
            // Asked for a document since closed.
            return;
        };
        match laid_out {
            Ok(layout) if asked == self.editor.revision() => {
                let doc = self.editor.doc();
                let moved = doc
                    .components()
                    .iter()
                    .filter(|c| {
                        layout
                            .components
                            .get(&c.id)
                            .is_some_and(|&at| at != c.position)
                    })
                    .count();
                let edit = layout.to_edit(doc);
                self.apply(edit);
                self.canvas.request_readable_fit();
                self.status = Some(format!(
                    "Laid out: {moved} of {} components moved · Undo puts them back",
                    self.editor.doc().components().len()
                ));
            }
            Ok(_) => {
                self.status = Some(
                    "Tidy up left the drawing as it is: the model changed while it was laid out"
                        .to_owned(),
                );
            }
            Err(message) => self.status = Some(format!("Tidy up failed: {message}")),
        }
    }

    fn add_boundary(&mut self) {
        let doc = self.editor.doc();
        let selected: Vec<egui::Rect> = self
            .editor
            .selection
            .iter()
            .filter_map(|id| canvas::element_rect(doc, id))
            .collect();
        let rect = selected.into_iter().reduce(|a, b| a.union(b)).map_or_else(
            || egui::Rect::from_center_size(self.canvas.view_center(), egui::vec2(400.0, 260.0)),
            |r| {
                r.expand2(egui::vec2(20.0, 20.0))
                    .with_min_y(r.min.y - geometry::GROUP_TITLE_HEIGHT - 10.0)
            },
        );
        let Ok(id) = GroupId::new(doc.fresh_id("boundary")) else {
            return;
        };
        let parent = geometry::innermost_group_containing(doc, rect, None).map(|g| g.id.clone());
        let mut ops = vec![EditOp::AddGroup(Box::new(archsmith::model::Group {
            id: id.clone(),
            kind: archsmith::model::GroupKind::Generic,
            name: "Boundary".to_owned(),
            description: String::new(),
            location: None,
            parent,
            rect: geometry::from_rect(rect),
        }))];
        for selected in self.editor.selection.iter() {
            if let Some(c) = doc.component(selected) {
                ops.push(EditOp::Regroup {
                    id: c.id.clone(),
                    group: Some(id.clone()),
                });
            }
        }
        self.apply(EditOp::Batch(ops));
        self.editor.selection.set_only(id.to_string());
    }

    fn save(&mut self, save_as: bool) {
        let path = if save_as {
            None
        } else {
            self.editor.path.clone()
        };
        let text = format::to_string(self.editor.doc());
        self.host.request(HostRequest::Save {
            path,
            suggested_name: self.editor.suggested_file_name(),
            text,
        });
    }

    /// Runs `pending` now, or first asks what to do with unsaved changes.
    fn guard_unsaved(&mut self, ctx: &egui::Context, pending: Pending) {
        if self.editor.is_dirty() {
            self.confirm_discard = Some(pending);
        } else {
            self.proceed(ctx, pending);
        }
    }

    /// Runs `pending`; any unsaved changes were saved or the user chose to discard them.
    fn proceed(&mut self, ctx: &egui::Context, pending: Pending) {
        match pending {
            Pending::New => {
                self.replace_editor(Editor::new(
                    Document::new(Meta {
                        name: "Untitled".into(),
                        ..Meta::default()
                    }),
                    None,
                ));
            }
            // The document is replaced when the file arrives; a cancelled dialog keeps it.
            Pending::Open => self.host.request(HostRequest::Open),
            Pending::OpenRecent(path) => self.host.request(HostRequest::OpenRecent { path }),
            Pending::Recover(recovered) => self.recover(recovered),
            Pending::Close => {
                if self.editor.is_dirty() {
                    self.host.request(HostRequest::ClearRecovery {
                        path: self.editor.path.clone(),
                    });
                }
                self.close_approved = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// Makes `editor` the open document. Unsaved changes of the one it replaces were
    /// discarded by the user (every replacement goes through [`Self::guard_unsaved`]), so
    /// their recovery copy goes too, unless the new document takes over the same record.
    fn replace_editor(&mut self, editor: Editor) {
        if self.editor.is_dirty() && self.editor.path != editor.path {
            self.host.request(HostRequest::ClearRecovery {
                path: self.editor.path.clone(),
            });
        }
        self.editor = editor;
        self.autosaved_revision = None;
        // A layout asked for the document replaced is not applied to this one.
        self.laying_out = None;
        self.canvas.request_fit();
        self.lay_out_if_unplaced();
    }

    /// Parses a model for `name`, or says in the status bar why it cannot be read.
    fn parse(&mut self, name: &str, text: &str) -> Option<Document> {
        match format::from_str(text, name, self.editor.catalog()) {
            Ok(doc) => Some(doc),
            Err(error) => {
                self.status = Some(
                    error
                        .to_string()
                        .lines()
                        .next()
                        .unwrap_or("cannot open the file")
                        .to_owned(),
                );
                None
            }
        }
    }

    /// Replaces the open document with a file's contents, or reports why it cannot be read.
    pub fn open_text(&mut self, path: Option<String>, text: &str) {
        let name = path.clone().unwrap_or_else(|| "untitled model".to_owned());
        if let Some(doc) = self.parse(&name, text) {
            self.replace_editor(Editor::new(doc, path));
            self.status = Some(format!("Opened {name}"));
        }
    }

    /// Opens a recovered copy as unsaved changes to the file it belongs to, and tells the
    /// host that this instance now keeps its recovery record.
    fn recover(&mut self, recovered: RecoveredDocument) {
        let name = recovered
            .path
            .clone()
            .unwrap_or_else(|| "untitled model".to_owned());
        let Some(doc) = self.parse(&name, &recovered.text) else {
            return;
        };
        self.replace_editor(Editor::recovered(doc, recovered.path));
        self.host
            .request(HostRequest::AdoptRecovery { key: recovered.key });
        // The host holds exactly this text now: no autosave until the next edit.
        self.autosaved_revision = Some(self.editor.revision());
        self.status = Some(format!("Recovered unsaved changes to {name}"));
    }

    fn handle_host_events(&mut self, ctx: &egui::Context) {
        for event in self.host.poll() {
            match event {
                HostEvent::Opened { path, text } => {
                    self.open_text(Some(path), &text);
                    self.host.request(HostRequest::RecentFiles);
                }
                HostEvent::Saved { path } => {
                    self.status = Some(format!("Saved {path}"));
                    let previous = self.editor.path.clone();
                    // Save As moves the document: the copy kept under its old name goes too.
                    if previous.as_deref() != Some(path.as_str()) {
                        self.host
                            .request(HostRequest::ClearRecovery { path: previous });
                    }
                    self.host.request(HostRequest::ClearRecovery {
                        path: Some(path.clone()),
                    });
                    self.editor.mark_saved(path);
                    self.host.request(HostRequest::RecentFiles);
                    if let Some(pending) = self.after_save.take() {
                        self.proceed(ctx, pending);
                    }
                }
                HostEvent::Exported { path } => self.status = Some(format!("Exported to {path}")),
                HostEvent::RecentFiles(files) => self.recent = files,
                HostEvent::LaidOut(laid_out) => self.laid_out(laid_out),
                HostEvent::RecoveryAvailable(recovered) => self.recoveries.push(recovered),
                // The save that was to come first did not happen: the changes stay, and so
                // does the document.
                HostEvent::Cancelled => self.after_save = None,
                HostEvent::Failed { message } => {
                    self.after_save = None;
                    self.status = Some(message);
                }
            }
        }
    }

    /// The window's close button. With unsaved changes the close waits for the user's answer
    /// to Save / Discard / Cancel.
    fn handle_close_request(&mut self, ctx: &egui::Context) {
        if !ctx.input(|i| i.viewport().close_requested()) || self.close_approved {
            return;
        }
        if self.editor.is_dirty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            if self.confirm_discard.is_none() && self.after_save.is_none() {
                self.confirm_discard = Some(Pending::Close);
            }
            // Whatever the answer, the work so far survives a crash while the user decides.
            if self.autosaved_revision != Some(self.editor.revision()) {
                self.autosaved_revision = Some(self.editor.revision());
                self.host.request(HostRequest::Autosave {
                    path: self.editor.path.clone(),
                    text: format::to_string(self.editor.doc()),
                });
            }
        }
    }

    fn autosave(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        let last = *self.last_autosave.get_or_insert(now);
        if now - last < AUTOSAVE_SECONDS {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(
                AUTOSAVE_SECONDS - (now - last),
            ));
            return;
        }
        self.last_autosave = Some(now);
        if self.editor.is_dirty() && self.autosaved_revision != Some(self.editor.revision()) {
            self.autosaved_revision = Some(self.editor.revision());
            self.host.request(HostRequest::Autosave {
                path: self.editor.path.clone(),
                text: format::to_string(self.editor.doc()),
            });
        }
    }

    fn dialogs_ui(&mut self, ctx: &egui::Context) {
        if let Some(command) = command_palette_ui(ctx, &mut self.command_palette) {
            self.commands.push(command);
        }
        let base_name = self
            .editor
            .suggested_file_name()
            .trim_end_matches(".ron")
            .to_owned();
        if let Some(request) = export_ui(ctx, &self.editor, &base_name, &mut self.export) {
            let output = match request.output {
                archsmith::export::Output::File(bytes) => ExportPayload::File(bytes),
                archsmith::export::Output::Folder(files) => ExportPayload::Folder {
                    files,
                    source: ExportSource {
                        model: format::to_string(self.editor.doc()),
                        format: request.format.to_owned(),
                        provider: Some(request.provider),
                    },
                },
            };
            self.host.request(HostRequest::Export {
                suggested_name: request.suggested_name,
                output,
            });
        }
        if let Some(pending) = self.confirm_discard.clone() {
            self.unsaved_changes_ui(ctx, &pending);
        } else if let Some(recovered) = self.recoveries.first().cloned() {
            self.recovery_ui(ctx, &recovered);
        }
        if self.about_open {
            egui::Window::new("About Archsmith")
                .open(&mut self.about_open)
                .collapsible(false)
                .show(ctx, |ui| {
                    ui.label(
                        RichText::new(format!("Archsmith {}", env!("CARGO_PKG_VERSION"))).strong(),
                    );
                    ui.label("Offline-first architecture modelling.");
                    ui.label("Inter font © The Inter Project Authors, SIL Open Font License 1.1.");
                });
        }
        if ctx.input(|i| i.key_pressed(Key::Escape)) {
            self.export.open = false;
        }
    }

    /// Save / Discard / Cancel before `pending` would drop unsaved changes.
    fn unsaved_changes_ui(&mut self, ctx: &egui::Context, pending: &Pending) {
        let name = self.editor.doc().meta.name.clone();
        let modal = egui::Modal::new(egui::Id::unique("unsaved-changes")).show(ctx, |ui| {
            ui.set_max_width(420.0);
            ui.heading("Unsaved changes");
            ui.label(format!("“{name}” has changes that are not saved."));
            ui.label(pending.question());
            ui.add_space(4.0);
            ui.horizontal(|ui| {
                if ui.button(RichText::new("Save").strong()).clicked() {
                    self.confirm_discard = None;
                    self.after_save = Some(pending.clone());
                    self.save(false);
                }
                if ui.button("Discard").clicked() {
                    self.confirm_discard = None;
                    self.proceed(ctx, pending.clone());
                }
                if ui.button("Cancel").clicked() {
                    self.confirm_discard = None;
                }
            });
        });
        if modal.should_close() {
            self.confirm_discard = None;
        }
    }

    /// Recover / Discard for the oldest recovery copy not yet answered.
    fn recovery_ui(&mut self, ctx: &egui::Context, recovered: &RecoveredDocument) {
        egui::Modal::new(egui::Id::unique("recovery")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.heading("Recover unsaved work?");
            ui.label("Archsmith found changes from a session that did not end cleanly:");
            let shown = recovered.path.as_deref().map_or_else(
                || "an untitled model, never saved".to_owned(),
                |path| {
                    std::path::Path::new(path)
                        .file_name()
                        .map_or(path.to_owned(), |n| n.to_string_lossy().into_owned())
                },
            );
            ui.label(RichText::new(shown).strong())
                .on_hover_text(recovered.path.as_deref().unwrap_or("untitled"));
            ui.add_space(4.0);
            ui.horizontal(|ui| {
                if ui.button(RichText::new("Recover").strong()).clicked() {
                    self.recoveries.retain(|r| r.key != recovered.key);
                    self.guard_unsaved(ctx, Pending::Recover(recovered.clone()));
                }
                if ui.button("Discard").clicked() {
                    self.recoveries.retain(|r| r.key != recovered.key);
                    self.host.request(HostRequest::DiscardRecovery {
                        key: recovered.key.clone(),
                    });
                }
            });
        });
    }

    /// Whether closing now would lose work.
    pub fn has_unsaved_changes(&self) -> bool {
        self.editor.is_dirty()
    }
}

impl eframe::App for EditorApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }

    #[cfg(target_arch = "wasm32")]
    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        Some(&mut *self)
    }
}
