//! The editor driven as a user would: pointer and key events through egui_kittest, widgets
//! found by their accessible labels.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use archsmith::Catalog;
use archsmith::EditOp;
use archsmith::format;
use archsmith::layout::route;
use archsmith::model::{
    Component, ComponentId, Connection, ConnectionId, ConnectionKindId, Document, KindId, Meta,
    Point,
};
use archsmith_ui::host::RecoveredDocument;
use archsmith_ui::{EditorApp, Host, HostEvent, HostRequest, NativeHost, welcome_document};
use egui::{Event, Key, Modifiers, Pos2, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// A file system in memory, and the requests the editor made.
#[derive(Debug, Default)]
struct FakeFs {
    files: BTreeMap<String, String>,
    requests: Vec<HostRequest>,
    /// What the next Save As dialog answers.
    save_as: Option<String>,
    /// What the next Open dialog answers.
    open: Option<String>,
    /// Recovery copies the startup reports.
    recoveries: Vec<RecoveredDocument>,
    /// Answers that arrive later (a layout the host worked out), delivered at the next poll.
    later: Vec<HostEvent>,
}

struct FakeHost {
    fs: Rc<RefCell<FakeFs>>,
    events: Vec<HostEvent>,
}

impl Host for FakeHost {
    fn request(&mut self, request: HostRequest) {
        let mut fs = self.fs.borrow_mut();
        fs.requests.push(request.clone());
        let event = match request {
            HostRequest::Save { path, text, .. } => match path.or_else(|| fs.save_as.take()) {
                Some(path) => {
                    fs.files.insert(path.clone(), text);
                    Some(HostEvent::Saved { path })
                }
                None => Some(HostEvent::Cancelled),
            },
            HostRequest::Open => match fs.open.take() {
                Some(path) => {
                    let text = fs.files.get(&path).cloned().unwrap_or_default();
                    Some(HostEvent::Opened { path, text })
                }
                None => Some(HostEvent::Cancelled),
            },
            HostRequest::Export { .. } => Some(HostEvent::Exported {
                path: "/exports/out".into(),
            }),
            HostRequest::RecentFiles => {
                Some(HostEvent::RecentFiles(fs.files.keys().cloned().collect()))
            }
            HostRequest::Startup => {
                let recoveries = std::mem::take(&mut fs.recoveries);
                self.events
                    .extend(recoveries.into_iter().map(HostEvent::RecoveryAvailable));
                None
            }
            _ => None,
        };
        self.events.extend(event);
    }

    fn poll(&mut self) -> Vec<HostEvent> {
        let mut events = std::mem::take(&mut self.events);
        events.append(&mut self.fs.borrow_mut().later);
        events
    }
}

fn harness_with(doc: Document) -> (Harness<'static, EditorApp>, Rc<RefCell<FakeFs>>) {
    harness_with_fs(doc, FakeFs::default())
}

fn harness_with_fs(
    doc: Document,
    fs: FakeFs,
) -> (Harness<'static, EditorApp>, Rc<RefCell<FakeFs>>) {
    let fs = Rc::new(RefCell::new(fs));
    let host = FakeHost {
        fs: Rc::clone(&fs),
        events: Vec::new(),
    };
    (harness_on(EditorApp::new(doc, None, Box::new(host))), fs)
}

fn harness_on(app: EditorApp) -> Harness<'static, EditorApp> {
    let mut harness = Harness::builder()
        .with_size(vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut EditorApp| app.frame_ui(ui), app);
    harness.run();
    harness
}

/// An empty document with a few components far apart.
fn small_doc() -> Document {
    let mut doc = Document::new(Meta {
        name: "Test".into(),
        ..Meta::default()
    });
    let catalog = Catalog::builtin();
    for (id, kind, x, y) in [
        ("api", "service-go", 100.0, 100.0),
        ("db", "postgresql", 500.0, 100.0),
        ("cache", "redis", 500.0, 400.0),
    ] {
        let component = Component::new(
            ComponentId::new(id).expect("id"),
            KindId::new(kind),
            id.to_uppercase(),
            Point::new(x, y),
        );
        EditOp::AddComponent(Box::new(component))
            .apply(&mut doc, catalog)
            .expect("adds");
    }
    doc
}

/// Screen position of a world point.
fn screen(harness: &Harness<'_, EditorApp>, world: Pos2) -> Pos2 {
    let canvas = &harness.state().canvas;
    canvas.view.screen_from_world(canvas.last_rect, world)
}

fn component_center(harness: &Harness<'_, EditorApp>, id: &str) -> Pos2 {
    let component = harness
        .state()
        .editor
        .doc()
        .component(id)
        .expect("component");
    let rect = component.rect();
    screen(harness, pos2(rect.x + rect.w / 2.0, rect.y + rect.h / 2.0))
}

/// The connect handle: the middle of the component's right edge.
fn handle_of(harness: &Harness<'_, EditorApp>, id: &str) -> Pos2 {
    let component = harness
        .state()
        .editor
        .doc()
        .component(id)
        .expect("component");
    let rect = component.rect();
    screen(harness, pos2(rect.x + rect.w, rect.y + rect.h / 2.0))
}

/// Presses at `from`, moves to `to` in steps, and releases.
fn drag(harness: &mut Harness<'_, EditorApp>, from: Pos2, to: Pos2) {
    harness.hover_at(from);
    harness.step();
    harness.drag_at(from);
    harness.step();
    for i in 1..=6 {
        let t = i as f32 / 6.0;
        harness.hover_at(from + (to - from) * t);
        harness.step();
    }
    harness.drop_at(to);
    harness.run();
}

fn click(harness: &mut Harness<'_, EditorApp>, at: Pos2) {
    harness.hover_at(at);
    harness.step();
    harness.drag_at(at);
    harness.step();
    harness.drop_at(at);
    harness.run();
}

#[test]
fn a_sample_loads_and_the_canvas_shows_every_component() {
    let doc = welcome_document();
    let count = doc.components().len();
    let (harness, _) = harness_with(doc);
    let app = harness.state();
    assert_eq!(app.editor.doc().components().len(), count);
    let visible = app.canvas.view.visible_world(app.canvas.last_rect);
    for component in app.editor.doc().components() {
        let r = component.rect();
        assert!(
            visible.contains_rect(egui::Rect::from_min_size(pos2(r.x, r.y), vec2(r.w, r.h))),
            "{} is off screen",
            component.id
        );
    }
    harness.get_by_label("PostgreSQL");
    harness.get_by_label("Kafka");
}

#[test]
fn dragging_postgresql_from_the_palette_drops_one_component_there() {
    let (mut harness, _) = harness_with(small_doc());
    let search = harness
        .get_all_by_label("Search")
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::TextInput)
        .expect("the palette's search field");
    search.focus();
    search.type_text("postgres");
    harness.run();
    let item = harness.get_by_label("PostgreSQL").rect().center();
    let drop_world = pos2(300.0, 500.0);
    let drop = screen(&harness, drop_world);
    drag(&mut harness, item, drop);
    let doc = harness.state().editor.doc();
    let added: Vec<_> = doc
        .components()
        .iter()
        .filter(|c| c.kind.as_str() == "postgresql" && c.id.as_str() != "db")
        .collect();
    assert_eq!(added.len(), 1, "exactly one new component");
    let center = added[0].rect();
    let center = pos2(center.x + center.w / 2.0, center.y + center.h / 2.0);
    assert!(
        (center - drop_world).length() <= 20.0,
        "dropped at {center:?}, wanted {drop_world:?}"
    );
}

#[test]
fn connecting_two_components_and_an_illegal_connection_is_refused() {
    let (mut harness, _) = harness_with(small_doc());
    let from = handle_of(&harness, "api");
    let to = component_center(&harness, "db");
    drag(&mut harness, from, to);
    let doc = harness.state().editor.doc();
    assert_eq!(doc.connections().len(), 1);
    let connection = &doc.connections()[0];
    assert_eq!(
        (
            connection.from.as_str(),
            connection.to.as_str(),
            connection.kind.as_str()
        ),
        ("api", "db", "db_query")
    );

    // A database cannot call a service.
    let from = handle_of(&harness, "db");
    let to = component_center(&harness, "api");
    drag(&mut harness, from, to);
    assert_eq!(
        harness.state().editor.doc().connections().len(),
        1,
        "the illegal connection was refused"
    );
}

#[test]
fn move_then_undo_then_redo() {
    let (mut harness, _) = harness_with(small_doc());
    let start = component_center(&harness, "api");
    let zoom = harness.state().canvas.view.zoom;
    drag(&mut harness, start, start + vec2(100.0, 60.0) * zoom);
    let moved = harness
        .state()
        .editor
        .doc()
        .component("api")
        .expect("api")
        .position;
    assert_eq!(
        (moved.x, moved.y),
        (200.0, 160.0),
        "moved by the drag, snapped to the grid"
    );
    assert!(harness.state().editor.history().can_undo());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    let back = harness
        .state()
        .editor
        .doc()
        .component("api")
        .expect("api")
        .position;
    assert_eq!((back.x, back.y), (100.0, 100.0));
    harness.key_press_modifiers(
        Modifiers {
            shift: true,
            ..Modifiers::COMMAND
        },
        Key::Z,
    );
    harness.run();
    let again = harness
        .state()
        .editor
        .doc()
        .component("api")
        .expect("api")
        .position;
    assert_eq!((again.x, again.y), (200.0, 160.0));
}

#[test]
fn deleting_a_component_takes_its_connections_along() {
    let doc = welcome_document();
    let touching = doc.connections_of("orders-svc").count();
    assert!(touching > 0);
    let before = doc.connections().len();
    let (mut harness, _) = harness_with(doc);
    let at = component_center(&harness, "orders-svc");
    click(&mut harness, at);
    assert_eq!(
        harness.state().editor.selection.single(),
        Some("orders-svc")
    );
    harness.key_press(Key::Delete);
    harness.run();
    let doc = harness.state().editor.doc();
    assert!(doc.component("orders-svc").is_none());
    assert_eq!(doc.connections().len(), before - touching);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(
        harness.state().editor.doc().connections().len(),
        before,
        "one undo restores both"
    );
}

#[test]
fn copy_and_paste_through_the_clipboard() {
    let (mut harness, _) = harness_with(small_doc());
    let at = component_center(&harness, "db");
    click(&mut harness, at);
    harness.event(Event::Copy);
    harness.step();
    let copied = harness
        .output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
        .expect("the selection was copied as text");
    assert!(copied.contains("postgresql"), "{copied}");
    harness.event(Event::Paste(copied));
    harness.run();
    let doc = harness.state().editor.doc();
    assert_eq!(doc.components().len(), 4);
    assert!(doc.component("db-2").is_some());
    assert_eq!(
        harness.state().editor.selection.single(),
        Some("db-2"),
        "the pasted copy is selected"
    );
}

#[test]
fn rubber_band_selects_what_it_encloses() {
    let (mut harness, _) = harness_with(small_doc());
    let from = screen(&harness, pos2(440.0, 80.0));
    let to = screen(&harness, pos2(690.0, 480.0));
    drag(&mut harness, from, to);
    let selected: Vec<&str> = harness.state().editor.selection.iter().collect();
    assert_eq!(selected, ["cache", "db"]);
}

#[test]
fn an_inspector_edit_changes_the_document() {
    let (mut harness, _) = harness_with(small_doc());
    let at = component_center(&harness, "db");
    click(&mut harness, at);
    let checkbox = harness
        .get_all_by_label("multi az")
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::CheckBox)
        .expect("multi az checkbox");
    checkbox.click();
    harness.run();
    let db = harness.state().editor.doc().component("db").expect("db");
    assert_eq!(
        db.properties.get("multi_az").and_then(|v| v.as_bool()),
        Some(true)
    );
}

#[test]
fn the_inspector_adds_a_topic_to_a_broker_and_a_trust_zone_membership() {
    let mut doc = small_doc();
    let catalog = Catalog::builtin();
    EditOp::AddComponent(Box::new(Component::new(
        ComponentId::new("events").expect("id"),
        KindId::new("kafka"),
        "Events",
        Point::new(100.0, 400.0),
    )))
    .apply(&mut doc, catalog)
    .expect("adds the broker");
    EditOp::AddGroup(Box::new(archsmith::model::Group {
        id: archsmith::model::GroupId::new("pci").expect("id"),
        kind: archsmith::model::GroupKind::TrustZone,
        name: "PCI zone".into(),
        description: String::new(),
        location: None,
        parent: None,
        rect: archsmith::model::Rect::new(900.0, 600.0, 200.0, 100.0),
    }))
    .apply(&mut doc, catalog)
    .expect("adds the zone");
    let (mut harness, _) = harness_with(doc);

    let at = component_center(&harness, "events");
    click(&mut harness, at);
    // Below the properties: scrolled into view first, as a user would.
    harness.get_by_label("Add topic").scroll_to_me();
    harness.run();
    harness.get_by_label("Add topic").click();
    harness.run();
    let events = harness
        .state()
        .editor
        .doc()
        .component("events")
        .expect("events");
    assert_eq!(events.topics.len(), 1, "one topic added");
    assert_eq!(events.topics[0].name, "topic-1");

    let at = component_center(&harness, "api");
    click(&mut harness, at);
    // Below the properties too.
    harness.get_by_label("Trust zone").scroll_to_me();
    harness.run();
    harness.get_by_label("Trust zone").click();
    harness.run();
    harness.get_by_label("PCI zone").click();
    harness.run();
    let api = harness.state().editor.doc().component("api").expect("api");
    assert_eq!(
        api.member_of.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
        ["pci"]
    );
    assert!(harness.state().editor.history().can_undo());
}

#[test]
fn the_inspector_shows_what_the_core_resolves_for_a_component() {
    let mut doc = small_doc();
    doc.meta.cloud = Some(archsmith::model::Cloud::Aws);
    let (mut harness, _) = harness_with(doc);
    let at = component_center(&harness, "db");
    click(&mut harness, at);
    harness.get_by_label("Resolved");
    harness.get_by_label("RDS for PostgreSQL on AWS");
    // RDS encrypts by default, so the model's unset property resolves to yes.
    harness.get_by_label("Encrypted at rest:");
    // The analyses of the same revision: what it costs and how it recovers.
    harness.get_by_label("Cost a month:");
    harness.get_by_label("Recovery (RPO / RTO):");
}

#[test]
fn save_and_open_round_trip_through_the_host() {
    let (mut harness, fs) = harness_with(small_doc());
    fs.borrow_mut().save_as = Some("/models/test.ron".into());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert_eq!(
        harness.state().editor.path.as_deref(),
        Some("/models/test.ron")
    );
    assert!(!harness.state().editor.is_dirty());
    let saved = fs
        .borrow()
        .files
        .get("/models/test.ron")
        .cloned()
        .expect("written");
    assert_eq!(saved, format::to_string(&small_doc()));

    harness.key_press(Key::Delete); // nothing selected: nothing happens
    let at = component_center(&harness, "api");
    click(&mut harness, at);
    harness.key_press(Key::Delete);
    harness.run();
    assert!(harness.state().editor.is_dirty());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    fs.borrow_mut().open = Some("/models/test.ron".into());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run();
    let reopened = harness.state().editor.doc();
    assert!(
        reopened.component("api").is_none(),
        "the second save was read back"
    );
    assert_eq!(reopened.components().len(), 2);
}

#[test]
fn findings_list_in_the_problems_panel_select_on_click_and_go_away_when_fixed() {
    let (mut harness, _) = harness_with(small_doc());
    let message = "DB is stateful and runs as a single instance";
    let link = harness.get_by_label(message);
    let row_y = link.rect().center().y;
    link.click();
    harness.run();
    assert_eq!(
        harness.state().editor.selection.single(),
        Some("db"),
        "clicking a finding selects its element"
    );
    let fix = harness
        .get_all_by_label("Fix")
        .min_by(|a, b| {
            (a.rect().center().y - row_y)
                .abs()
                .total_cmp(&(b.rect().center().y - row_y).abs())
        })
        .expect("a quick fix button");
    fix.click();
    harness.run();
    assert!(
        harness.query_by_label(message).is_none(),
        "the finding is gone after the fix"
    );
    let db = harness.state().editor.doc().component("db").expect("db");
    assert_eq!(
        db.properties.get("replicas").and_then(|v| v.as_int()),
        Some(2)
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(
        harness.query_by_label(message).is_some(),
        "undo brings the finding back"
    );
}

/// A recovery copy of `small_doc` with one component fewer, left for `/models/shop.ron`.
fn recovered_shop() -> RecoveredDocument {
    let mut doc = small_doc();
    EditOp::RemoveComponent(ComponentId::new("cache").expect("id"))
        .apply(&mut doc, Catalog::builtin())
        .expect("removes");
    RecoveredDocument {
        key: "file-0123456789abcdef".into(),
        path: Some("/models/shop.ron".into()),
        text: format::to_string(&doc),
    }
}

/// An editor on `/models/shop.ron` that has just recovered `recovered_shop()`.
fn recovered_harness() -> (Harness<'static, EditorApp>, Rc<RefCell<FakeFs>>) {
    let fs = FakeFs {
        recoveries: vec![recovered_shop()],
        ..FakeFs::default()
    };
    let (mut harness, fs) = harness_with_fs(small_doc(), fs);
    harness.get_by_label("Recover unsaved work?");
    harness.get_by_label("shop.ron");
    harness.get_by_label("Recover").click();
    harness.run();
    (harness, fs)
}

/// Every viewport command the editor sent over `frames` frames.
fn viewport_commands(
    harness: &mut Harness<'_, EditorApp>,
    frames: usize,
) -> Vec<egui::ViewportCommand> {
    let mut commands = Vec::new();
    for _ in 0..frames {
        harness.step();
        if let Some(output) = harness
            .output()
            .viewport_output
            .get(&egui::ViewportId::ROOT)
        {
            commands.extend(output.commands.iter().cloned());
        }
    }
    commands
}

fn request_close(harness: &mut Harness<'_, EditorApp>) {
    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
}

#[test]
fn a_recovered_copy_is_unsaved_work_on_the_file_it_came_from() {
    let (harness, fs) = recovered_harness();
    let app = harness.state();
    assert_eq!(app.editor.path.as_deref(), Some("/models/shop.ron"));
    assert!(app.editor.is_dirty(), "recovered changes are not saved yet");
    assert!(
        app.editor.doc().component("cache").is_none(),
        "the recovered text"
    );
    assert!(
        app.editor.title().starts_with('•'),
        "{}",
        app.editor.title()
    );
    assert!(harness.query_by_label("Recover unsaved work?").is_none());
    assert!(
        fs.borrow().requests.contains(&HostRequest::AdoptRecovery {
            key: "file-0123456789abcdef".into()
        }),
        "the host moves the copy to this instance"
    );
}

#[test]
fn new_after_recovering_asks_before_dropping_the_recovered_work() {
    let (mut harness, fs) = recovered_harness();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    harness.run();
    harness.get_by_label("Unsaved changes");
    harness.get_by_label("Save them before starting a new model?");
    assert_eq!(
        harness.state().editor.path.as_deref(),
        Some("/models/shop.ron"),
        "nothing is replaced before the answer"
    );
    let cleared = |fs: &Rc<RefCell<FakeFs>>| {
        fs.borrow()
            .requests
            .iter()
            .any(|r| matches!(r, HostRequest::ClearRecovery { .. }))
    };
    assert!(
        !cleared(&fs),
        "the recovery copy is kept while the user decides"
    );
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.query_by_label("Unsaved changes").is_none());
    assert!(harness.state().editor.is_dirty());
    assert!(!cleared(&fs));

    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    harness.run();
    harness.get_by_label("Discard").click();
    harness.run();
    assert_eq!(harness.state().editor.path, None, "a new model");
    assert!(fs.borrow().requests.contains(&HostRequest::ClearRecovery {
        path: Some("/models/shop.ron".into())
    }));
}

#[test]
fn save_in_the_question_saves_to_the_recovered_file_then_goes_on() {
    let (mut harness, fs) = recovered_harness();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    harness.run();
    harness.get_by_label("Save").click();
    harness.run();
    let saved = fs
        .borrow()
        .files
        .get("/models/shop.ron")
        .cloned()
        .expect("saved there");
    assert_eq!(saved, recovered_shop().text);
    assert_eq!(harness.state().editor.path, None, "then the new model");
    assert!(!harness.state().editor.is_dirty());
}

#[test]
fn closing_with_unsaved_changes_asks_save_discard_or_cancel() {
    let (mut harness, fs) = harness_with(small_doc());
    let at = component_center(&harness, "api");
    click(&mut harness, at);
    harness.key_press(Key::Delete);
    harness.run();
    assert!(harness.state().editor.is_dirty());

    request_close(&mut harness);
    let commands = viewport_commands(&mut harness, 3);
    assert!(
        commands.contains(&egui::ViewportCommand::CancelClose),
        "{commands:?}"
    );
    harness.get_by_label("Save them before closing?");
    assert!(
        fs.borrow()
            .requests
            .iter()
            .any(|r| matches!(r, HostRequest::Autosave { path: None, .. })),
        "the work is kept while the question is open"
    );
    harness.get_by_label("Cancel").click();
    let commands = viewport_commands(&mut harness, 3);
    assert!(
        !commands.contains(&egui::ViewportCommand::Close),
        "{commands:?}"
    );
    assert!(
        harness
            .query_by_label("Save them before closing?")
            .is_none()
    );

    request_close(&mut harness);
    viewport_commands(&mut harness, 3);
    harness.get_by_label("Discard").click();
    let commands = viewport_commands(&mut harness, 3);
    assert!(
        commands.contains(&egui::ViewportCommand::Close),
        "{commands:?}"
    );
    assert!(
        fs.borrow()
            .requests
            .contains(&HostRequest::ClearRecovery { path: None }),
        "discarded work is not offered again"
    );
    request_close(&mut harness);
    let commands = viewport_commands(&mut harness, 3);
    assert!(
        !commands.contains(&egui::ViewportCommand::CancelClose),
        "once agreed, the close goes through"
    );
}

#[test]
fn closing_after_save_in_the_question_closes_once_saved() {
    let (mut harness, fs) = harness_with(small_doc());
    harness
        .state_mut()
        .run_command(archsmith_ui::UiCommand::AddNote);
    harness.run();
    fs.borrow_mut().save_as = Some("/models/new.ron".into());
    request_close(&mut harness);
    viewport_commands(&mut harness, 3);
    harness.get_by_label("Save").click();
    let commands = viewport_commands(&mut harness, 3);
    assert!(
        commands.contains(&egui::ViewportCommand::Close),
        "{commands:?}"
    );
    assert!(fs.borrow().files.contains_key("/models/new.ron"));
}

/// A folder for one test's data, removed when the test ends.
struct ScratchDir(std::path::PathBuf);

impl ScratchDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("archsmith-ui-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Self(dir)
    }

    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The files in the store's recovery folder.
fn recovery_files(data: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(data.join("recovery"))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// An editor on `doc` at `path` whose host keeps its session in `data`.
fn native_harness(
    data: &std::path::Path,
    doc: Document,
    path: Option<String>,
) -> Harness<'static, EditorApp> {
    let store = archsmith::session::SessionStore::new(data);
    let host = NativeHost::with_store(Some(store), None);
    harness_on(EditorApp::new(doc, path, Box::new(host)))
}

/// Deletes a component and lets the autosave interval pass.
fn edit_and_autosave(harness: &mut Harness<'_, EditorApp>, id: &str) {
    let at = component_center(harness, id);
    click(harness, at);
    harness.key_press(Key::Delete);
    harness.run();
    let later = harness.state().editor.revision() as f64 * 1000.0 + 1000.0;
    harness.input_mut().time = Some(later);
    harness.step();
}

#[test]
fn two_documents_in_two_windows_keep_two_recovery_files() {
    let data = ScratchDir::new("two-documents");
    let shop = data.path().join("shop.ron").display().to_string();
    let mut titled = native_harness(data.path(), small_doc(), Some(shop.clone()));
    let mut untitled = native_harness(data.path(), small_doc(), None);
    edit_and_autosave(&mut titled, "api");
    edit_and_autosave(&mut untitled, "db");
    assert_eq!(
        recovery_files(data.path()).len(),
        2,
        "one file each, neither clobbered"
    );

    // The first window goes away with its work unsaved (as in a crash); a new window offers
    // that work, attached to its file, and not the live work of the other window.
    drop(titled);
    let mut next = native_harness(data.path(), welcome_document(), None);
    next.get_by_label("Recover unsaved work?");
    next.get_by_label("shop.ron");
    next.get_by_label("Recover").click();
    next.run();
    let app = next.state();
    assert_eq!(app.editor.path.as_deref(), Some(shop.as_str()));
    assert!(app.editor.is_dirty());
    assert!(app.editor.doc().component("api").is_none());
    assert!(
        next.query_by_label("Recover unsaved work?").is_none(),
        "the untitled window is still open: its work is not offered"
    );
    assert_eq!(recovery_files(data.path()).len(), 2);
    drop(untitled);
}

#[test]
fn the_analyze_menu_paints_an_overlay_that_follows_every_edit() {
    use archsmith::analysis::overlay::{self, Overlay, Verdict};
    // The workshop starter has single points of failure on purpose.
    let starter = archsmith::samples::sample("workshop-starter").expect("sample");
    let doc = format::from_str(starter.text, starter.name, Catalog::builtin()).expect("loads");
    let (mut harness, _) = harness_with(doc);
    harness.get_by_label("Analyze").click();
    harness.run();
    harness.get_by_label("Single points of failure").click();
    harness.run();
    assert_eq!(harness.state().canvas.overlay, Overlay::SinglePoints);
    let marks = |harness: &Harness<'_, EditorApp>| {
        let app = harness.state();
        overlay::marks(
            app.editor.analysis().expect("analysed"),
            &app.canvas.overlay,
        )
    };
    let before = marks(&harness);
    let catalog = Catalog::builtin();
    // A single point of failure that a second replica fixes.
    let (id, _) = before
        .iter()
        .filter(|(_, mark)| mark.verdict == Verdict::Critical)
        .find(|(id, _)| {
            let doc = harness.state().editor.doc();
            doc.component(id)
                .and_then(|c| catalog.kind_of(c))
                .is_some_and(|k| k.property("replicas").is_some())
        })
        .expect("a replicable single point of failure");
    let id = id.clone();
    harness
        .state_mut()
        .editor
        .apply(EditOp::set_property(
            &ComponentId::new(id.clone()).expect("id"),
            "replicas",
            2_i64,
        ))
        .expect("applies");
    harness.run();
    let after = marks(&harness);
    assert!(!after.contains_key(&id), "{id} is redundant now: {after:?}");
    assert!(after.len() < before.len());
}

/// The canvas draws and hit-tests the core's orthogonal routes, the ones every diagram
/// export draws: a click on the route's vertical jog, far from the straight line between
/// the two boxes, selects the connection, and so does a click on the jog where the route
/// runs after the target moves.
#[test]
fn the_canvas_draws_and_picks_the_routes_the_exports_draw() {
    let catalog = Catalog::builtin();
    let mut doc = small_doc();
    EditOp::Connect(Box::new(Connection::new(
        ConnectionId::new("api-cache").expect("id"),
        ComponentId::new("api").expect("id"),
        ComponentId::new("cache").expect("id"),
        ConnectionKindId::new("cache_lookup"),
    )))
    .apply(&mut doc, catalog)
    .expect("connects");
    let jog = |doc: &Document| {
        let obstacles = route::Obstacles::of(doc, Component::rect);
        let routes = route::connections(doc, Catalog::builtin(), &obstacles);
        let route = routes[0].clone().expect("routed");
        let vertical = route
            .windows(2)
            .find(|w| w[0].x == w[1].x && (w[0].y - w[1].y).abs() > 100.0)
            // A fifth of the way down the jog: far from the diagonal between the centres.
            .map(|w| pos2(w[0].x, w[0].y + (w[1].y - w[0].y) / 5.0));
        vertical.unwrap_or_else(|| panic!("a vertical jog in {route:?}"))
    };
    let at = jog(&doc);
    let (mut harness, _) = harness_with(doc);
    let point = screen(&harness, at);
    click(&mut harness, point);
    assert_eq!(harness.state().editor.selection.single(), Some("api-cache"));

    // Move the cache further right: the route is recomputed with the edit.
    let from = component_center(&harness, "cache");
    drag(&mut harness, from, from + vec2(200.0, 0.0));
    let moved = jog(harness.state().editor.doc());
    assert_ne!(moved, at);
    harness.key_press(Key::Escape);
    harness.run();
    let point = screen(&harness, moved);
    click(&mut harness, point);
    assert_eq!(harness.state().editor.selection.single(), Some("api-cache"));
}

#[test]
fn views_switch_the_canvas_keep_their_own_layout_and_present_step_by_step() {
    let (mut harness, _) = harness_with(welcome_document());
    harness.run();
    harness.get_by_label("System context").click();
    harness.run();
    assert_eq!(harness.state().active_view(), Some("context"));
    let drawn = harness.state_mut().drawn_document().clone();
    assert!(drawn.component("system").is_some(), "the system as one box");
    assert!(drawn.component("catalog-svc").is_none());

    // Moving a box in a view moves it there, not in the model.
    let model_web = harness
        .state()
        .editor
        .doc()
        .component("web")
        .expect("web")
        .position;
    let web = drawn.component("web").expect("shown").rect();
    let canvas = &harness.state().canvas;
    let from = canvas.view.screen_from_world(
        canvas.last_rect,
        pos2(web.x + web.w / 2.0, web.y + web.h / 2.0),
    );
    drag(&mut harness, from, from + vec2(0.0, 120.0));
    let state = harness.state();
    let stored = state
        .editor
        .doc()
        .view("context")
        .expect("view")
        .layout
        .clone();
    assert!(stored["web"].y > web.y + 50.0, "{stored:?}");
    assert!(
        stored.contains_key("system"),
        "the rest stays where it was drawn"
    );
    assert_eq!(
        state.editor.doc().component("web").expect("web").position,
        model_web
    );

    // A new view from the selection, then back to the whole model.
    harness.state_mut().editor.selection.set_only("orders-svc");
    harness.get_by_label("+ New view").click();
    harness.run();
    harness
        .get_by_label("Request flow from the selected component")
        .click();
    harness.run();
    assert_eq!(
        harness.state().active_view(),
        Some("request-flow-from-order-service")
    );
    harness.get_by_label("Whole model").click();
    harness.run();
    assert_eq!(harness.state().active_view(), None);

    // Presenting: F5, then the arrows walk the views and a flow's steps; Esc ends.
    harness
        .state_mut()
        .show_view(Some("checkout-flow".to_owned()));
    harness.run();
    harness.key_press(Key::F5);
    harness.run();
    assert!(harness.state().is_presenting());
    harness.get_by_label("Checkout request flow");
    harness.key_press(Key::ArrowRight);
    harness.run();
    harness.get_by_label("Step 1 of 18: Web storefront → Route 53 (DNS: shop.example.com)");
    let selected: Vec<String> = harness
        .state()
        .editor
        .selection
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        selected,
        ["dns", "web", "web-dns"],
        "the step is highlighted"
    );
    for _ in 0..18 {
        harness.key_press(Key::ArrowRight);
        harness.run();
    }
    assert_eq!(
        harness.state().active_view(),
        Some("context"),
        "the next view"
    );
    harness.key_press(Key::Escape);
    harness.run();
    assert!(!harness.state().is_presenting());
}

/// An HTTP call's operations are edited in the inspector: "Add operation" puts one on the
/// connection (method and path ready to fill in), its fields change it in one undo step
/// each, and undo takes it away again.
#[test]
fn the_inspector_adds_and_edits_an_api_operation_on_a_call() {
    let catalog = Catalog::builtin();
    let mut doc = small_doc();
    EditOp::AddComponent(Box::new(Component::new(
        ComponentId::new("orders").expect("id"),
        KindId::new("service-go"),
        "Orders",
        Point::new(100.0, 400.0),
    )))
    .apply(&mut doc, catalog)
    .expect("adds the service");
    EditOp::Connect(Box::new(Connection::new(
        ConnectionId::new("api-orders").expect("id"),
        ComponentId::new("api").expect("id"),
        ComponentId::new("orders").expect("id"),
        ConnectionKindId::new("http"),
    )))
    .apply(&mut doc, catalog)
    .expect("connects");
    let (mut harness, _) = harness_with(doc);
    harness.state_mut().editor.selection.set_only("api-orders");
    harness.run();
    harness.get_by_label("Add operation").scroll_to_me();
    harness.run();
    harness.get_by_label("Add operation").click();
    harness.run();
    let operations = |harness: &Harness<'_, EditorApp>| {
        harness
            .state()
            .editor
            .doc()
            .connection("api-orders")
            .expect("connection")
            .operations
            .clone()
    };
    let added = operations(&harness);
    assert_eq!(added.len(), 1, "one operation added");
    assert_eq!(added[0].name, "operation1");
    assert_eq!(added[0].method, Some(archsmith::model::HttpMethod::Get));
    assert_eq!(added[0].path, "/");

    // Open it and mark it deprecated: one edit of the whole list.
    harness.get_by_label("GET / (operation1)").click();
    harness.run();
    harness.get_by_label("Deprecated").scroll_to_me();
    harness.run();
    harness.get_by_label("Deprecated").click();
    harness.run();
    assert!(operations(&harness)[0].deprecated, "marked deprecated");
    // Its own latency objective, typed into the number field and committed with Enter.
    let p99 = "Own p99 latency objective (ms, 0: the model's)";
    harness.get_by_label(p99).scroll_to_me();
    harness.run();
    harness.get_by_label(p99).click();
    harness.run();
    harness.get_by_label(p99).type_text("2000");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(
        operations(&harness)[0].p99_ms,
        Some(2000),
        "own objective set"
    );
    harness
        .state_mut()
        .editor
        .undo()
        .expect("undoes the objective");

    harness.state_mut().editor.undo().expect("undoes the mark");
    harness
        .state_mut()
        .editor
        .undo()
        .expect("undoes the addition");
    harness.run();
    assert!(
        operations(&harness).is_empty(),
        "undo takes both edits back"
    );
}

/// Every text shape the last frame painted, in painting order.
fn painted_text_shapes(harness: &Harness<'_, EditorApp>) -> Vec<egui::epaint::TextShape> {
    fn collect(shape: &egui::Shape, texts: &mut Vec<egui::epaint::TextShape>) {
        match shape {
            egui::Shape::Text(text) => texts.push(text.clone()),
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| collect(s, texts)),
            _ => {}
        }
    }
    let mut texts = Vec::new();
    for clipped in &harness.output().shapes {
        collect(&clipped.shape, &mut texts);
    }
    texts
}

/// Every text the last frame painted, in painting order.
fn painted_texts(harness: &Harness<'_, EditorApp>) -> Vec<String> {
    painted_text_shapes(harness)
        .iter()
        .map(|text| text.galley.text().to_owned())
        .collect()
}

#[test]
fn a_card_shows_a_long_name_on_the_lines_the_exports_give_it() {
    let catalog = Catalog::builtin();
    let mut doc = small_doc();
    EditOp::SetComponentField {
        id: ComponentId::new("db").expect("id"),
        field: archsmith::edit::ComponentField::Name("Recommendations service".into()),
    }
    .apply(&mut doc, catalog)
    .expect("renames");
    let card = doc
        .components()
        .iter()
        .find(|c| c.id.as_str() == "db")
        .map(Component::rect)
        .expect("the card");
    // The name and kind start 50 units into the card and keep 8 from its right edge.
    let lines = archsmith::fonts::card_name("Recommendations service", card.w - 58.0, card.h);
    assert_eq!(lines, ["Recommenda-", "tions service"]);
    let svg = svg_of(&doc);
    let (harness, _) = harness_with(doc);
    let painted = painted_texts(&harness);
    for line in &lines {
        assert!(
            painted.contains(line),
            "{line:?} not painted in {painted:?}"
        );
        assert!(
            svg.contains(&format!(">{line}<")),
            "{line:?} not in the SVG"
        );
    }
}

/// The model of the editor's last request to lay out, and the layout the core gives it (what
/// every host answers).
fn asked_layout(fs: &Rc<RefCell<FakeFs>>) -> (String, archsmith::layout::Layout) {
    let model = fs
        .borrow()
        .requests
        .iter()
        .rev()
        .find_map(|request| match request {
            HostRequest::LayOut { model } => Some(model.clone()),
            _ => None,
        })
        .expect("the editor asked the host to lay out");
    let layout = archsmith::layout::layout_text(&model, "model", Catalog::builtin())
        .expect("the editor sends a model the core reads");
    (model, layout)
}

/// Answers the editor's request to lay out with `layout`, as a host does, and says where
/// the boxes are then.
fn answer_layout(
    harness: &mut Harness<'_, EditorApp>,
    fs: &Rc<RefCell<FakeFs>>,
    layout: &archsmith::layout::Layout,
) -> BTreeMap<ComponentId, Point> {
    fs.borrow_mut()
        .later
        .push(HostEvent::LaidOut(Ok(Box::new(layout.clone()))));
    harness.step();
    harness.run();
    positions(harness)
}

fn positions(harness: &Harness<'_, EditorApp>) -> BTreeMap<ComponentId, Point> {
    harness
        .state()
        .editor
        .doc()
        .components()
        .iter()
        .map(|c| (c.id.clone(), c.position))
        .collect()
}

/// `small_doc` with a call and a query, so that the layout has an order to find.
fn connected_doc() -> Document {
    let mut doc = small_doc();
    for (id, from, to, kind) in [
        ("api-db", "api", "db", "db_query"),
        ("api-cache", "api", "cache", "cache_lookup"),
    ] {
        EditOp::Connect(Box::new(Connection::new(
            ConnectionId::new(id).expect("id"),
            ComponentId::new(from).expect("id"),
            ComponentId::new(to).expect("id"),
            ConnectionKindId::new(kind),
        )))
        .apply(&mut doc, Catalog::builtin())
        .expect("connects");
    }
    doc
}

#[test]
fn tidy_up_lays_out_on_the_host_and_moves_everything_in_one_undoable_edit() {
    let doc = connected_doc();
    let before = format::to_string(&doc);
    let (mut harness, fs) = harness_with(doc);
    let drawn = positions(&harness);
    harness.get_by_label("Arrange").click();
    harness.run();
    harness.get_by_label("Tidy up").click();
    // The spinner asks for frames while the host works: step, never run to rest.
    harness.step();
    harness.step();
    let (model, layout) = asked_layout(&fs);
    assert_eq!(model, before, "the host lays out the model as it is");
    harness.get_by_label("Laying out…");
    assert_eq!(
        positions(&harness),
        drawn,
        "nothing moves before the answer"
    );

    harness
        .state_mut()
        .run_command(archsmith_ui::UiCommand::TidyUp);
    harness.step();
    let asked = fs
        .borrow()
        .requests
        .iter()
        .filter(|r| matches!(r, HostRequest::LayOut { .. }))
        .count();
    assert_eq!(asked, 1, "a second Tidy up waits for the first");

    let now = answer_layout(&mut harness, &fs, &layout);
    assert_eq!(now, layout.components);
    let at = |id: &str| now[&ComponentId::new(id).expect("id")];
    assert!(
        at("api").x < at("db").x,
        "callers sit left of what they call"
    );
    assert_eq!(at("db").x, at("cache").x, "both callees share a column");
    assert_ne!(at("db").y, at("cache").y);
    harness.get_by_label("Laid out: 3 of 3 components moved · Undo puts them back");

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(positions(&harness), drawn, "one undo puts everything back");
}

/// The workshop starter as a person or a script would write it: no positions, no boundary
/// outlines.
fn unplaced_workshop() -> String {
    let sample = archsmith::samples::sample("workshop-starter").expect("sample");
    sample
        .text
        .lines()
        .filter(|line| !line.contains("position: (") && !line.contains("rect: ("))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_model_without_positions_is_laid_out_when_opened_and_saved_with_its_drawing() {
    let (mut harness, fs) = harness_with(small_doc());
    fs.borrow_mut()
        .files
        .insert("/models/unplaced.ron".into(), unplaced_workshop());
    fs.borrow_mut().open = Some("/models/unplaced.ron".into());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    // The spinner asks for frames while the host works: step, never run to rest.
    for _ in 0..4 {
        harness.step();
    }
    let (model, layout) = asked_layout(&fs);
    assert!(!model.contains("position:"), "laid out as opened");
    let before = positions(&harness);
    assert!(before.values().all(|p| *p == Point::default()));
    let now = answer_layout(&mut harness, &fs, &layout);
    assert_eq!(now, layout.components);
    let spots: BTreeSet<(i64, i64)> = now.values().map(|p| (p.x as i64, p.y as i64)).collect();
    assert_eq!(spots.len(), now.len(), "no two boxes on one spot");
    harness.get_by_label_contains("Laid out: 15 of 15 components moved");
    assert!(
        harness.state().editor.is_dirty(),
        "the drawing is not in the file yet"
    );

    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    let saved = fs.borrow().files["/models/unplaced.ron"].clone();
    let reloaded = format::from_str(&saved, "unplaced.ron", Catalog::builtin()).expect("loads");
    assert!(!archsmith::layout::needs_layout(&reloaded));
    assert!(
        reloaded
            .groups()
            .iter()
            .all(|g| g.rect.w > 0.0 && g.rect.h > 0.0)
    );

    // Undone, the model is unplaced again, as the file was.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(positions(&harness), before);
}

#[test]
fn tidy_up_of_a_big_drawing_zooms_out_no_further_than_its_cards_read() {
    let sample = archsmith::samples::sample("video-streaming").expect("sample");
    let doc = format::from_str(sample.text, sample.name, Catalog::builtin()).expect("loads");
    let (mut harness, fs) = harness_with(doc);
    harness
        .state_mut()
        .run_command(archsmith_ui::UiCommand::TidyUp);
    harness.step();
    harness.step();
    // The sample's own drawing, moved a little, answers quicker than a layout in a debug
    // build and is as big.
    let layout = archsmith::layout::Layout {
        components: harness
            .state()
            .editor
            .doc()
            .components()
            .iter()
            .map(|c| (c.id.clone(), Point::new(c.position.x + 20.0, c.position.y)))
            .collect(),
        ..archsmith::layout::Layout::default()
    };
    fs.borrow_mut()
        .later
        .push(HostEvent::LaidOut(Ok(Box::new(layout))));
    harness.step();
    harness.run();
    harness.get_by_label_contains("Laid out:");
    let readable = harness.state().canvas.view.zoom;
    assert!(
        readable >= 0.35,
        "zoomed to {readable}, where cards go blank"
    );
    let painted = painted_on_baselines(&harness);
    let names: Vec<&str> = harness
        .state()
        .editor
        .doc()
        .components()
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert!(
        painted
            .iter()
            .any(|(text, _)| names.contains(&text.as_str())),
        "cards show their names: {painted:?}"
    );
    // Fit view, asked for, shows the whole drawing however small.
    harness
        .state_mut()
        .run_command(archsmith_ui::UiCommand::FitView);
    // The command is read in one frame, the canvas fitted in the next.
    harness.step();
    harness.step();
    let whole = harness.state().canvas.view.zoom;
    assert!(
        whole < readable,
        "the drawing is too big to read whole: {whole}"
    );
}

#[test]
fn a_layout_of_a_model_changed_meanwhile_is_left_unapplied_and_said_so() {
    let (mut harness, fs) = harness_with(connected_doc());
    harness
        .state_mut()
        .run_command(archsmith_ui::UiCommand::TidyUp);
    harness.step();
    harness.step();
    let (_, layout) = asked_layout(&fs);
    harness
        .state_mut()
        .run_command(archsmith_ui::UiCommand::AddNote);
    harness.step();
    let edited = positions(&harness);
    let notes = harness.state().editor.doc().notes().len();
    fs.borrow_mut()
        .later
        .push(HostEvent::LaidOut(Ok(Box::new(layout))));
    harness.step();
    harness.run();
    assert_eq!(positions(&harness), edited);
    assert_eq!(
        harness.state().editor.doc().notes().len(),
        notes,
        "the edit stays"
    );
    harness
        .get_by_label("Tidy up left the drawing as it is: the model changed while it was laid out");

    harness
        .state_mut()
        .run_command(archsmith_ui::UiCommand::TidyUp);
    harness.step();
    fs.borrow_mut()
        .later
        .push(HostEvent::LaidOut(Err("the shell is gone".into())));
    harness.step();
    harness.run();
    harness.get_by_label("Tidy up failed: the shell is gone");
    assert_eq!(positions(&harness), edited);
}

#[test]
fn the_native_host_lays_out_on_a_thread_of_its_own() {
    let data = ScratchDir::new("lay-out");
    let mut harness = native_harness(data.path(), connected_doc(), None);
    let model = format::to_string(harness.state().editor.doc());
    let expected =
        archsmith::layout::layout_text(&model, "model", Catalog::builtin()).expect("layout");
    harness
        .state_mut()
        .run_command(archsmith_ui::UiCommand::TidyUp);
    // The editor goes on drawing frames until the thread answers.
    for _ in 0..600 {
        harness.step();
        if positions(&harness) == expected.components {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(positions(&harness), expected.components);
}

/// The SVG export of `doc`.
fn svg_of(doc: &Document) -> String {
    match archsmith::export::find_exporter("svg")
        .expect("svg")
        .export(
            doc,
            Catalog::builtin(),
            &archsmith::export::ExportOptions::default(),
        )
        .expect("exports")
    {
        archsmith::export::Output::File(bytes) => String::from_utf8(bytes).expect("utf-8"),
        other => panic!("{other:?}"),
    }
}

/// Each caption chip of an SVG export: its text and its centre.
fn svg_captions(svg: &str) -> Vec<(String, Pos2)> {
    let mut captions = Vec::new();
    for chip in svg.split("<rect ").skip(1) {
        // Every attribute after a space, the first too.
        let chip = format!(" {chip}");
        let number = |name: &str| -> Option<f32> {
            let start = chip.find(&format!(" {name}=\""))? + name.len() + 3;
            chip[start..].split('"').next()?.parse().ok()
        };
        // A caption's chip: 14 high, corners of 3, its text right after it.
        if !chip.contains("height=\"14\" rx=\"3\"") {
            continue;
        }
        let (Some(x), Some(y), Some(w)) = (number("x"), number("y"), number("width")) else {
            continue;
        };
        let Some(text) = chip
            .split_once("<text ")
            .and_then(|(_, rest)| rest.split_once('>'))
            .and_then(|(_, rest)| rest.split_once("</text>"))
            .map(|(text, _)| text.to_owned())
        else {
            continue;
        };
        captions.push((text, pos2(x + w / 2.0, y + 7.0)));
    }
    captions
}

/// Each text the canvas painted, with the point `at` reads off its shape (in screen
/// points), in world units.
fn painted_in_world(
    harness: &Harness<'_, EditorApp>,
    at: impl Fn(&egui::epaint::TextShape) -> Option<Pos2>,
) -> Vec<(String, Pos2)> {
    let canvas = &harness.state().canvas;
    painted_text_shapes(harness)
        .iter()
        .filter_map(|text| {
            let point = at(text)?;
            let world = canvas.view.world_from_screen(canvas.last_rect, point);
            Some((text.galley.text().to_owned(), world))
        })
        .collect()
}

/// Each text the canvas painted, with its centre in world units.
fn painted_at(harness: &Harness<'_, EditorApp>) -> Vec<(String, Pos2)> {
    painted_in_world(harness, |text| Some(text.visual_bounding_rect().center()))
}

#[test]
fn captions_read_and_sit_on_the_canvas_as_in_the_exports() {
    let catalog = Catalog::builtin();
    let mut doc = small_doc();
    for (id, from, to, kind, label) in [
        ("api-db", "api", "db", "db_query", "orders"),
        ("api-cache", "api", "cache", "cache_lookup", ""),
        (
            "api-cache-warm",
            "api",
            "cache",
            "cache_lookup",
            "warms the cache with every order written, in batches of a hundred, nightly",
        ),
    ] {
        let mut connection = Connection::new(
            ConnectionId::new(id).expect("id"),
            ComponentId::new(from).expect("id"),
            ComponentId::new(to).expect("id"),
            ConnectionKindId::new(kind),
        );
        connection.label = label.to_owned();
        EditOp::Connect(Box::new(connection))
            .apply(&mut doc, catalog)
            .expect("connects");
    }
    let svg = svg_of(&doc);
    let exported = svg_captions(&svg);
    let texts: Vec<&str> = exported.iter().map(|(text, _)| text.as_str()).collect();
    assert!(texts.contains(&"Database query: orders"), "{texts:?}");
    assert!(texts.contains(&"Cache lookup"), "{texts:?}");
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("warms the cache") && t.ends_with('…')),
        "the long caption is shown shorter: {texts:?}"
    );

    let (harness, _) = harness_with(doc);
    assert!(
        harness.state().canvas.view.zoom >= 0.5,
        "captions are shown"
    );
    let painted = painted_at(&harness);
    // The SVG's drawing sits in its margin: one shift for every caption.
    let mut shift = None;
    for (text, at) in &exported {
        let Some((_, centre)) = painted.iter().find(|(painted, _)| painted == text) else {
            panic!("{text:?} is not on the canvas: {painted:?}");
        };
        let offset = *at - *centre;
        let shift = *shift.get_or_insert(offset);
        assert!(
            (offset - shift).length() < 1.0,
            "{text:?} sits elsewhere on the canvas: {offset:?} against {shift:?}"
        );
    }
}

/// Each text of an SVG export: its words, where it starts and its baseline. A boundary's
/// kind, written as a span after its name, is a text of its own.
fn svg_texts(svg: &str) -> Vec<(String, Pos2)> {
    let attribute = |element: &str, name: &str| -> Option<f32> {
        let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
        element[start..].split('"').next()?.parse().ok()
    };
    let mut texts = Vec::new();
    for element in svg.split("<text").skip(1) {
        let Some((open, rest)) = element.split_once('>') else {
            continue;
        };
        let Some((body, _)) = rest.split_once("</text>") else {
            continue;
        };
        let (Some(x), Some(y)) = (attribute(open, "x"), attribute(open, "y")) else {
            continue;
        };
        match body.split_once("<tspan") {
            Some((name, span)) => {
                let (span_open, kind) = span.split_once('>').expect("a span");
                let kind = kind.trim_end_matches("</tspan>");
                let dx = attribute(span_open, "dx").unwrap_or(0.0);
                let width = archsmith::fonts::text_width(
                    name,
                    archsmith::fonts::TITLE_SIZE,
                    archsmith::fonts::Weight::SemiBold,
                );
                texts.push((name.to_owned(), pos2(x, y)));
                texts.push((kind.to_owned(), pos2(x + width + dx, y)));
            }
            None => texts.push((body.to_owned(), pos2(x, y))),
        }
    }
    texts
}

/// Each text the canvas painted: its words, where it starts and its baseline, in world
/// units.
fn painted_on_baselines(harness: &Harness<'_, EditorApp>) -> Vec<(String, Pos2)> {
    painted_in_world(harness, |text| {
        let row = text.galley.rows.first()?;
        let glyph = row.row.glyphs.first()?;
        Some(text.pos + vec2(0.0, row.pos.y + glyph.pos.y))
    })
}

#[test]
fn cards_and_titles_read_on_the_canvas_as_in_the_exports() {
    let text = r#"(
        version: 2,
        meta: (name: "Cards"),
        groups: [
            (id: "pci", kind: trust_zone, name: "PCI DSS zone", rect: (x: 700.0, y: 40.0, w: 300.0, h: 200.0)),
            (id: "vpc", kind: vpc, name: "Production VPC", rect: (x: 40.0, y: 40.0, w: 620.0, h: 400.0)),
        ],
        components: [
            (id: "events", kind: "cassandra", name: "Event store", group: "vpc", position: (x: 80.0, y: 100.0)),
            (id: "otel", kind: "otel-collector", name: "Collector", group: "vpc", position: (x: 80.0, y: 220.0)),
            (id: "search", kind: "elasticsearch", name: "Product search index for the storefront", group: "vpc", position: (x: 360.0, y: 100.0), properties: {"replicas": 8}),
            (id: "vault", kind: "secrets-manager", name: "Card vault", group: "vpc", member_of: ["pci"], position: (x: 360.0, y: 300.0)),
        ],
    )"#;
    let catalog = Catalog::builtin();
    let doc = format::from_str(text, "cards.ron", catalog).expect("a model");
    let exported: Vec<(String, Pos2)> = svg_texts(&svg_of(&doc))
        .into_iter()
        // The page's title and count, and the legend, are the export's own.
        .filter(|(_, at)| at.y > 60.0)
        .collect();
    let words: Vec<&str> = exported.iter().map(|(text, _)| text.as_str()).collect();
    for expected in [
        "Cassandra · ×3",
        "Collector",
        "Production VPC",
        "VPC / network",
        "PCI DSS zone",
    ] {
        assert!(words.contains(&expected), "{expected:?} in {words:?}");
    }
    assert!(
        words.iter().any(|w| w.ends_with(" · ×8")),
        "the count survives a cut: {words:?}"
    );

    let (harness, _) = harness_with(doc);
    assert!(harness.state().canvas.view.zoom >= 0.5, "text is shown");
    let painted = painted_on_baselines(&harness);
    // The SVG's drawing sits in its margin: one shift for every text.
    let mut shift = None;
    let mut matched = 0;
    for (text, at) in &exported {
        // A card may say a word twice (a collector called "Collector"): the nearest.
        let Some(offset) = painted
            .iter()
            .filter(|(painted, _)| painted == text)
            .map(|(_, painted_at)| *at - *painted_at)
            .min_by(|a, b| {
                let from = shift.unwrap_or_default();
                (*a - from).length().total_cmp(&(*b - from).length())
            })
        else {
            // The legend's entries are the export's own.
            continue;
        };
        matched += 1;
        let shift = *shift.get_or_insert(offset);
        assert!(
            (offset - shift).length() < 1.5,
            "{text:?} sits elsewhere on the canvas: {offset:?} against {shift:?}"
        );
    }
    let cards_and_titles = [
        "Event store",
        "Cassandra · ×3",
        "Collector",
        "VPC / network",
    ];
    for text in cards_and_titles {
        assert!(
            painted.iter().any(|(painted, _)| painted == text),
            "{text:?} on the canvas: {painted:?}"
        );
    }
    assert!(
        matched >= 12,
        "{matched} texts matched: {exported:?} against {painted:?}"
    );
}
