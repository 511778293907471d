//! The editor driven as a user would: pointer and key events through egui_kittest, widgets
//! found by their accessible labels.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use archsmith::Catalog;
use archsmith::EditOp;
use archsmith::format;
use archsmith::model::{Component, ComponentId, Document, KindId, Meta, Point};
use archsmith_ui::{EditorApp, Host, HostEvent, HostRequest, welcome_document};
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
            _ => None,
        };
        self.events.extend(event);
    }

    fn poll(&mut self) -> Vec<HostEvent> {
        std::mem::take(&mut self.events)
    }
}

fn harness_with(doc: Document) -> (Harness<'static, EditorApp>, Rc<RefCell<FakeFs>>) {
    let fs = Rc::new(RefCell::new(FakeFs::default()));
    let host = FakeHost {
        fs: Rc::clone(&fs),
        events: Vec::new(),
    };
    let app = EditorApp::new(doc, None, Box::new(host));
    let mut harness = Harness::builder()
        .with_size(vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut EditorApp| app.frame_ui(ui), app);
    harness.run();
    (harness, fs)
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

#[test]
fn tidy_up_lays_the_model_out_in_one_undoable_step() {
    let mut doc = small_doc();
    let catalog = Catalog::builtin();
    for (id, to, kind) in [
        ("api-db", "db", "db_query"),
        ("api-cache", "cache", "cache_lookup"),
    ] {
        EditOp::Connect(Box::new(archsmith::model::Connection::new(
            archsmith::model::ConnectionId::new(id).expect("id"),
            ComponentId::new("api").expect("id"),
            ComponentId::new(to).expect("id"),
            archsmith::model::ConnectionKindId::new(kind),
        )))
        .apply(&mut doc, catalog)
        .expect("connects");
    }
    let (mut harness, _) = harness_with(doc);
    harness.get_by_label("Arrange").click();
    harness.run();
    harness.get_by_label("Tidy up").click();
    harness.run();
    let position = |harness: &Harness<'_, EditorApp>, id: &str| {
        harness
            .state()
            .editor
            .doc()
            .component(id)
            .expect("exists")
            .position
    };
    let (api, db, cache) = (
        position(&harness, "api"),
        position(&harness, "db"),
        position(&harness, "cache"),
    );
    assert!(api.x < db.x, "callers sit left of what they call");
    assert_eq!(db.x, cache.x, "both callees share a column");
    assert_ne!(db.y, cache.y);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(
        position(&harness, "api"),
        Point::new(100.0, 100.0),
        "one undo restores it"
    );
    assert_eq!(position(&harness, "cache"), Point::new(500.0, 400.0));
}
