//! Auto-layout through the core API and the CLI: members stay inside their boundaries,
//! nothing overlaps, pinned components stay put, and the result is deterministic.

use archsmith::catalog::Catalog;
use archsmith::layout::{self, Spacing};
use archsmith::model::{Document, Point, Rect};
use archsmith::{format, samples};

fn overlaps(a: Rect, b: Rect) -> bool {
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

/// The sample with every position wiped, as a model written by hand or by a script has.
fn unplaced(name: &str) -> Document {
    unplaced_text(samples::sample(name).expect("bundled").text, name)
}

/// The text of a reference model of `tests/fixtures/reference`.
fn reference(name: &str) -> &'static str {
    match name {
        "chat" => include_str!("fixtures/reference/chat.ron"),
        "ridehail" => include_str!("fixtures/reference/ridehail.ron"),
        "saas" => include_str!("fixtures/reference/saas.ron"),
        "staywise" => include_str!("fixtures/reference/staywise.ron"),
        other => panic!("no reference model {other}"),
    }
}

/// The model of `text` with every component moved to the origin.
fn unplaced_text(text: &str, name: &str) -> Document {
    let catalog = Catalog::builtin();
    let mut doc = format::from_str(text, name, catalog).expect("loads");
    let wipe: Vec<_> = doc
        .components()
        .iter()
        .map(|c| archsmith::edit::EditOp::MoveComponent {
            id: c.id.clone(),
            to: Point::default(),
        })
        .collect();
    archsmith::edit::EditOp::Batch(wipe)
        .apply(&mut doc, catalog)
        .expect("moves");
    assert!(layout::needs_layout(&doc));
    doc
}

fn laid_out(mut doc: Document) -> Document {
    let catalog = Catalog::builtin();
    let edit = layout::layout(&doc, catalog, Spacing::default()).to_edit(&doc);
    edit.apply(&mut doc, catalog).expect("layout edits apply");
    doc
}

/// Of two sibling subnets calling each other, the one a connection from outside enters
/// leads: the workshop starter's browser reaches its public subnet's load balancer, whose
/// API calls into the private subnet (whose worker writes back to the orders database), so
/// the public subnet is drawn first, left of the private one, though listed after it.
#[test]
fn a_boundary_entered_from_outside_comes_before_the_sibling_it_calls() {
    let doc = laid_out(unplaced("workshop-starter"));
    let rect = |id: &str| {
        doc.groups()
            .iter()
            .find(|g| g.id.as_str() == id)
            .expect("the sample's subnets")
            .rect
    };
    let (public, private) = (rect("public"), rect("private"));
    assert!(
        public.x + public.w <= private.x,
        "public {public:?}, private {private:?}"
    );
}

#[test]
fn every_sample_lays_out_without_overlaps_and_inside_its_boundaries() {
    for sample in samples::samples() {
        let doc = laid_out(unplaced(sample.name));
        assert!(!layout::needs_layout(&doc), "{}", sample.name);
        let components = doc.components();
        for (i, a) in components.iter().enumerate() {
            for b in &components[i + 1..] {
                assert!(
                    !overlaps(a.rect(), b.rect()),
                    "{}: {} overlaps {}",
                    sample.name,
                    a.id,
                    b.id
                );
            }
            for group in doc.group_chain(a.group.as_ref()) {
                assert!(
                    group.rect.contains_rect(&a.rect()),
                    "{}: {} sticks out of {}",
                    sample.name,
                    a.id,
                    group.id
                );
            }
            for group in doc.groups() {
                let member = doc
                    .group_chain(a.group.as_ref())
                    .iter()
                    .any(|g| g.id == group.id);
                assert!(
                    member || !overlaps(group.rect, a.rect()),
                    "{}: {} lies on boundary {} it is not in",
                    sample.name,
                    a.id,
                    group.id
                );
            }
        }
        for (i, a) in doc.groups().iter().enumerate() {
            for b in &doc.groups()[i + 1..] {
                let nested = doc.group_chain(Some(&a.id)).iter().any(|g| g.id == b.id)
                    || doc.group_chain(Some(&b.id)).iter().any(|g| g.id == a.id);
                if nested {
                    continue;
                }
                assert!(
                    !overlaps(a.rect, b.rect),
                    "{}: boundaries {} and {} overlap",
                    sample.name,
                    a.id,
                    b.id
                );
            }
        }
    }
}

#[test]
fn layout_is_deterministic_and_flows_left_to_right() {
    let first = layout::layout(
        &unplaced("ecommerce"),
        Catalog::builtin(),
        Spacing::default(),
    );
    let second = layout::layout(
        &unplaced("ecommerce"),
        Catalog::builtin(),
        Spacing::default(),
    );
    assert_eq!(first, second);
    let doc = laid_out(unplaced("ecommerce"));
    // Long chains wrap into bands like lines of text: a later step is to the right, or on a
    // band below.
    let reads_before = |a: &str, b: &str| {
        let (a, b) = (
            doc.component(a).expect("exists").rect(),
            doc.component(b).expect("exists").rect(),
        );
        b.x > a.x + a.w || b.y > a.y + a.h
    };
    assert!(
        reads_before("cdn", "waf") && reads_before("waf", "alb"),
        "the request path reads left to right, band by band"
    );
}

#[test]
fn pinned_components_keep_their_positions() {
    let catalog = Catalog::builtin();
    let mut doc = unplaced("social-api");
    let pinned_id = doc.components()[0].id.clone();
    let spot = Point::new(5000.0, 40.0);
    archsmith::edit::EditOp::Batch(vec![
        archsmith::edit::EditOp::MoveComponent {
            id: pinned_id.clone(),
            to: spot,
        },
        archsmith::edit::EditOp::SetComponentField {
            id: pinned_id.clone(),
            field: archsmith::edit::ComponentField::Pinned(true),
        },
    ])
    .apply(&mut doc, catalog)
    .expect("pins");
    let doc = laid_out(doc);
    let pinned = doc.component(pinned_id.as_str()).expect("exists");
    assert_eq!(pinned.position, spot);
    for other in doc.components().iter().filter(|c| c.id != pinned_id) {
        assert!(
            !overlaps(other.rect(), pinned.rect()),
            "{} covers the pinned one",
            other.id
        );
    }
}

#[test]
fn the_layout_command_writes_a_laid_out_model_that_loads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in.ron");
    let output = dir.path().join("out.ron");
    std::fs::write(&input, format::to_string(&unplaced("iot-telemetry"))).expect("write");
    assert_cmd::Command::cargo_bin("archsmith")
        .expect("binary")
        .args(["layout"])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .assert()
        .success();
    let doc = format::load(&output, Catalog::builtin()).expect("loads");
    assert!(!layout::needs_layout(&doc));
    // Exports lay out a model that has no positions by themselves, exactly as the command does.
    let svg = |doc: &Document| {
        archsmith::export::find_exporter("svg")
            .expect("svg")
            .export(doc, Catalog::builtin(), &Default::default())
            .expect("exports")
    };
    assert_eq!(svg(&unplaced("iot-telemetry")), svg(&doc));
}

/// A model written with no drawing at all (no positions, no boundary outlines: by hand, or
/// by a script) loads, saves as it was written, and is drawn and laid out like any other.
#[test]
fn a_model_may_leave_out_every_position_and_outline() {
    let sample = samples::sample("payments-cqrs").expect("bundled");
    let written: String = sample
        .text
        .lines()
        .filter(|line| !line.contains("position: (") && !line.contains("rect: ("))
        .map(|line| format!("{line}\n"))
        .collect();
    let catalog = Catalog::builtin();
    let doc = format::from_str(&written, "written.ron", catalog).expect("loads");
    assert!(layout::needs_layout(&doc));
    assert_eq!(format::to_string(&doc), written, "saved as written");
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("written.ron");
    std::fs::write(&input, &written).expect("write");
    assert_cmd::Command::cargo_bin("archsmith")
        .expect("binary")
        .args(["layout"])
        .arg(&input)
        .assert()
        .success();
    let placed = format::load(&input, catalog).expect("loads");
    assert!(!layout::needs_layout(&placed));
    assert_no_overlaps(&placed);
    assert!(
        placed
            .groups()
            .iter()
            .all(|g| g.rect.w > 0.0 && g.rect.h > 0.0)
    );
    let text = std::fs::read_to_string(&input).expect("read");
    assert_eq!(
        text.matches("position: (").count(),
        placed.components().len()
    );
}

/// Automatic layout widens a card whose name its standard width would cut or break inside a
/// word, just enough to show it whole; a box someone sized keeps its size.
#[test]
fn laying_out_widens_a_card_to_show_its_name_whole() {
    let model = r#"(version: 2, meta: (name: "Cards"), components: [
        (id: "db", kind: "postgresql", name: "Clinical DB (PostgreSQL Flexible Server)"),
        (id: "short", kind: "service-go", name: "API"),
        (id: "sized", kind: "postgresql", name: "Access DB (PostgreSQL Flexible Server)", size: (w: 170.0, h: 64.0)),
    ], connections: [
        (id: "q", from: "short", to: "db", kind: "db_query"),
    ])"#;
    let catalog = Catalog::builtin();
    let doc = laid_out(format::from_str(model, "cards.ron", catalog).expect("loads"));
    let component = |id: &str| doc.component(id).expect("in the model");
    let db = component("db");
    assert!(db.size.w > 160.0 && db.size.w <= 280.0, "{:?}", db.size);
    assert!(archsmith::export::cards::name_fits(catalog, db, db.size));
    let narrower = archsmith::model::Size::new(db.size.w - 20.0, db.size.h);
    assert!(
        !archsmith::export::cards::name_fits(catalog, db, narrower),
        "no wider than needed"
    );
    assert_eq!(component("short").size, archsmith::model::Size::default());
    assert_eq!(component("sized").size.w, 170.0);
    assert_no_overlaps(&doc);
}

/// Sorted sweep over x: components overlap only with those starting before they end.
fn assert_no_overlaps(doc: &Document) {
    let mut rects: Vec<Rect> = doc.components().iter().map(|c| c.rect()).collect();
    rects.sort_by(|a, b| a.x.total_cmp(&b.x));
    let mut open: Vec<Rect> = Vec::new();
    for rect in rects {
        open.retain(|o| o.x + o.w > rect.x);
        for o in &open {
            assert!(!overlaps(*o, rect), "{o:?} overlaps {rect:?}");
        }
        open.push(rect);
    }
}

#[test]
fn a_ten_thousand_component_model_lays_out_compact_with_few_bends() {
    let nodes = 10_000;
    let doc = samples::synthetic(nodes, nodes * 2);
    let laid_out = laid_out(doc.clone());
    assert_no_overlaps(&laid_out);
    let (mut right, mut bottom) = (0.0f32, 0.0f32);
    for c in laid_out.components() {
        right = right.max(c.position.x + c.size.w);
        bottom = bottom.max(c.position.y + c.size.h);
    }
    // Before bounded layers and bands, the drawing was 319,880 x 63,978: one strip of 600
    // layers, one of them thousands of nodes tall.
    assert!(right < 60_000.0 && bottom < 60_000.0, "{right} x {bottom}");
    assert!(
        right / bottom < 4.0 && bottom / right < 4.0,
        "{right} x {bottom}"
    );

    // No edge bends more than twice per layer it spans.
    let index: std::collections::HashMap<&str, usize> = doc
        .components()
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let edges: Vec<(usize, usize)> = doc
        .connections()
        .iter()
        .map(|c| (index[c.from.as_str()], index[c.to.as_str()]))
        .collect();
    let sizes: Vec<_> = doc.components().iter().map(|c| c.size).collect();
    let drawing = layout::draw(&sizes, &edges, Spacing::default());
    // Edges through the channel over the first band too: the drawing starts at 0 still.
    let top = (drawing.positions.iter())
        .chain(drawing.bends.iter().flatten())
        .map(|p| p.y)
        .fold(f32::INFINITY, f32::min);
    assert_eq!(
        top, 0.0,
        "the drawing starts at its top, and nothing is above it"
    );
    let mut total = 0;
    for (&(a, b), bends) in edges.iter().zip(&drawing.bends) {
        let span = drawing.layers[a].abs_diff(drawing.layers[b]).max(1);
        assert!(
            bends.len() <= 2 * span,
            "{a} -> {b}: {} bends over {span} layers",
            bends.len()
        );
        total += bends.len();
    }
    // Before: 571k bend points.
    assert!(total < 10 * nodes, "{total} bends");
}

#[test]
fn islands_are_packed_into_rows_not_stacked_in_one_column() {
    // 200 components and no connections: every one is an island.
    let doc = samples::synthetic(200, 0);
    let laid_out = laid_out(doc);
    assert_no_overlaps(&laid_out);
    let (mut right, mut bottom) = (0.0f32, 0.0f32);
    for c in laid_out.components() {
        right = right.max(c.position.x + c.size.w);
        bottom = bottom.max(c.position.y + c.size.h);
    }
    assert!(
        right / bottom > 1.0 && right / bottom < 4.0,
        "{right} x {bottom}"
    );
}

/// The crossings, the routes along boundary borders, the pairs of segments on one track,
/// the segments through a boundary's title and the shape (width to height) of every sample's automatic layout as the exports route it,
/// against a ceiling per sample: the
/// figures this layout reached. Before boundaries were tried upside down and stacked, and
/// telemetry found its own way to its collector, the crossings were 144, 91, 34, 95, 195 and
/// 15 and the shapes (boxes, boundaries and routes; the picture adds its title) 2.45, 3.63,
/// 4.84, 4.96, 5.47 and 2.89. Routes along borders (which an independent review found in
/// every automatic layout) then cost payments and the workshop starter a few crossings.
/// Boundaries drawn top to bottom, columns read layer by layer, the search run twice, and
/// pairs of segments on one track counted as faults took the crossings from 77, 34, 26, 58,
/// 107 and 7 to 81, 41, 21, 57, 63 and 5, and the pairs of segments on one track (two
/// connections that read as one, the fault reviewers count most; telemetry bundled into one
/// collector aside) from 6, 0, 2, 3, 22 and 2 to 3, 1, 0, 2, 4 and 0 (16, 3, 2, 13, 11 and 0
/// in between, before the search counted them). Re-routing the routes left on another's
/// track (searching around other routes' tracks and crossings), with the search weighing a
/// pair on one track as three crossings and a segment along a border as two, took the pairs
/// on one track to 1, 0, 0, 2, 0 and 0 (the reference models' from 26, 8, 18 and 14 to 9,
/// 8, 6 and 4: 76 to 30 over all ten, and segments along borders 104 to 91) for crossings
/// 70, 34, 24, 57, 88 and 4 (1,053 to 1,117 over all ten; video-streaming's EKS cluster is
/// drawn otherwise, with 25 more). Never placing a boundary drawn top to bottom (or a column
/// in call order) upside down, since its requests then climb the page, cost 70, 34, 26, 57,
/// 89 and 5 (1,160 over all ten; staywise 172 to 207). Routing every crossing route again
/// (telemetry also out of its source's free sides) took them to 57, 32, 22, 41, 63 and 4
/// (1,061 over all ten; pairs on one track 36 to 30, segments along borders 98 to 106:
/// ridehail's search settled on a drawing with 13 more). Routes kept off boundaries' titles
/// (a step through one costing the router a crossing), with calls drawn climbing counted
/// as faults (a VPC turned upside down put its load balancer under its services), took the
/// segments through a title over all ten from 106 to 58 (staywise's 34 to 11, video
/// streaming's 19 to 11), and the crossings to 57, 32, 29, 51, 59 and 4 (1,046 over all ten: the samples
/// 219 to 232, the reference models 842 to 814). Starting the search again from its best
/// drawing, with what connects to a boundary placed level with the member it connects to,
/// kept when it scores ten crossings' worth better, took payments to 17 crossings (from 29;
/// its segments through a title 1 to 0): 1,034 over all ten. (Kept for any gain, it also
/// took social-api to 47 and chat to 161, drawings an independent review judged worse.)
/// Starting it again once more with the other connections of each cycle running backwards
/// (the fewest, telemetry weighing a quarter of a call) took iot-telemetry from 32 to 21
/// crossings, its subnets now in call order, ingest to processing to storage, at 2.03 wide
/// to high where it was 1.85: 1,023 over all ten. Members of a column moved to another
/// place in it, where the routed drawing scores better (a callee never above its caller,
/// a pipeline's topics and consumers in their order, no more segments through a title),
/// took iot-telemetry to 16 (its alert notifier level with the bus it reads, at one more
/// segment along a border), social-api to 46 and video-streaming to 58: 1,012 over all ten.
/// The four reference models (35 to 40 components, 12 to 17 boundaries, never tuned on) are
/// held to theirs too. A change that draws any of them worse on any of the four fails here
/// and has to say why. Cards widened to show their names whole (30 names cut over the ten
/// models before, none after; see `layout::fitted_sizes`) took payments to 16 crossings
/// (2.88 Mpx² where it had 3.33) at two more segments along borders and one through a
/// title, chat to 163 (one more through a title), ridehail to 243, saas to 213 with four pairs on one track, and the
/// staywise search to another drawing with 243 (from 197): 1,059 over all ten, segments
/// through a title 57 to 50. Consumes drawn from the broker to the consumer (the layout
/// placing consumers after their broker: see `Catalog::drawn_ends`), and a side holding
/// more ports than fit 12 px apart passing its outer routes to the sides beside it (55
/// arrowhead knots over the ten and telehealth before, none after), took the crossings to
/// 68, 31, 12, 41, 77 and 2 and the reference models' to 171, 236, 220 and 196: 1,054
/// over all ten, segments through a title 50 to 63 (social-api 5, staywise 16). An
/// independent review of six models judged four drawings better, one equal and one
/// (social-api) slightly worse: the old direction made every consumer read as a
/// publisher. A depth-first search giving way to the fewest connections running backwards
/// where it runs three times their weight backwards (see `Cycles::DepthFirst`) took
/// iot-telemetry from 31 to 18, its subnets in the order ingest, processing, storage, where
/// storage had come before processing: 1,041 over all ten. Sibling boundaries led by the
/// one a connection from outside enters (see `Builder::entered`) took the workshop starter
/// to 1 (its public subnet now before the private one it calls, 2.09 wide to high where it
/// was 1.76) and chat to 178 (its data subnet after the cluster calling it, where it came
/// first, every query running right to left; 2.28 wide to high where it was 1.79; its
/// pairs of routes on one track 4 to 0): 1,047 over all ten. The last figure is each
/// drawing's area in Mpx², held since the search weighs it (see `CROSSINGS_PER_AREA` in
/// `layout`) and each boundary's layers may be kept within the height of its tallest
/// (`Levelling`): e-commerce to 50 crossings (its data subnet a column beside the services,
/// 3.35 Mpx² where it had 4.03), payments to 18 (1.89 Mpx² where it had 4.28, drawn in
/// rows), social-api to 43 (1.80 where 2.07; 1.96 wide to high), the workshop starter to
/// 0 (1.11 where 1.36), ridehail to 213, saas to 246 (5.76 where 8.35, 2.38 wide to high)
/// and staywise to 201 (one more segment through a title): 1,044 over all ten, 13% smaller.
/// Gaps between layers widened to hold the captions of the connections joining them (see
/// `captions::rooms`) leave fewer captions shortened (97 to 84 over these ten and
/// telehealth) and changed every search's path: e-commerce to 36 crossings (ELK with
/// clusters draws 37), payments to 15 but 2.88 Mpx² where it had 1.89 (drawn in columns
/// again), iot-telemetry 1.75 Mpx² where 2.17, chat 4.76 where 6.72, and more crossings on
/// the reference models (chat 188, ridehail 257, saas 249, staywise 223): 1,110 over all
/// ten, pairs on one track 11 to 27. An independent blind review of all eleven
/// drawings preferred the wider gaps on five (chat and video-streaming clearly), the
/// usual ones on two (e-commerce clearly, payments slightly), four equal, counting 60
/// defects against 64 and 38 captions in the keys against 41.
#[test]
fn automatic_layouts_keep_their_crossings_borders_and_shape_under_a_ceiling() {
    let catalog = Catalog::builtin();
    let ceilings = [
        ("ecommerce", 36, 4, 1, 2.2, 0, 3.3),
        ("iot-telemetry", 19, 4, 1, 1.5, 1, 1.8),
        ("payments-cqrs", 15, 4, 0, 1.7, 1, 2.9),
        ("social-api", 44, 1, 2, 2.0, 5, 1.85),
        ("video-streaming", 79, 6, 0, 1.7, 2, 4.55),
        ("workshop-starter", 0, 0, 0, 1.9, 0, 1.15),
    ]
    .map(|(name, c, a, s, w, t, m)| {
        (
            name,
            samples::sample(name).expect("bundled").text,
            (c, a, s, w, t, m),
        )
    });
    let references = [
        ("chat", 188, 33, 6, 1.85, 12, 4.8),
        ("ridehail", 257, 26, 8, 1.65, 16, 7.1),
        ("saas", 249, 12, 5, 2.3, 0, 6.45),
        ("staywise", 223, 21, 4, 2.1, 13, 10.75),
    ]
    .map(|(name, c, a, s, w, t, m)| (name, reference(name), (c, a, s, w, t, m)));
    let mut measured = Vec::new();
    for (name, text, ceiling) in ceilings.into_iter().chain(references) {
        let doc = laid_out(unplaced_text(text, name));
        let obstacles = layout::route::Obstacles::of(&doc, archsmith::model::Component::rect);
        let by_connection = layout::route::connections(&doc, catalog, &obstacles);
        let shared = layout::route::shared_tracks_of(&doc, catalog, &by_connection);
        let routes: Vec<_> = by_connection.into_iter().flatten().collect();
        let bounds = obstacles
            .boxes
            .iter()
            .chain(&obstacles.boundaries)
            .copied()
            .chain(
                routes
                    .iter()
                    .flatten()
                    .map(|p| Rect::new(p.x, p.y, 0.0, 0.0)),
            )
            .reduce(Rect::union)
            .expect("a drawing");
        let crossings = layout::count_crossings(&routes, &[]);
        let along = layout::route::hugging(&obstacles, &routes);
        let struck = layout::route::titles_struck(&obstacles, &routes);
        measured.push((
            name,
            (
                crossings,
                along,
                shared,
                bounds.w / bounds.h,
                struck,
                bounds.w * bounds.h / 1e6,
            ),
            ceiling,
        ));
    }
    for &(
        name,
        (crossings, along, shared, shape, struck, area),
        (most_crossings, most_along, most_shared, widest, most_struck, largest),
    ) in &measured
    {
        assert!(
            crossings <= most_crossings
                && along <= most_along
                && shared <= most_shared
                && shape <= widest
                && struck <= most_struck
                && area <= largest,
            "{name}: {crossings} crossings (ceiling {most_crossings}), {along} segments along \
             borders (ceiling {most_along}), {shared} pairs on one track (ceiling \
             {most_shared}), {shape:.2} wide to high (ceiling {widest}), {struck} segments \
             through a title (ceiling {most_struck}), {area:.2} Mpx² (ceiling {largest}); \
             all: {measured:?}"
        );
    }
    assert_eq!(
        samples::samples().len() + references.len(),
        measured.len(),
        "every sample has a ceiling"
    );
}

/// A boundary the layout sizes shows its title uncut: stacked in one column, a bounded
/// context is as narrow as its boxes, and "Payments (command side)" came out "Payments
/// (com…".
#[test]
fn laid_out_boundaries_are_wide_enough_for_their_titles() {
    for sample in samples::samples() {
        let doc = laid_out(unplaced(sample.name));
        for group in doc.groups() {
            let needed = archsmith::fonts::title_width(&group.name, group.kind.label());
            assert!(
                group.rect.w + 1.0 >= needed.min(480.0),
                "{}: {} is {} wide, its title needs {needed}",
                sample.name,
                group.id,
                group.rect.w
            );
        }
    }
}

/// A boundary drawn top to bottom is never placed upside down: the request path reads down
/// the page (or across it), never up. Before, the search placed video-streaming's VPC so:
/// its load balancer at the bottom, its data at the top, every request climbing.
#[test]
fn a_request_path_drawn_top_to_bottom_never_climbs() {
    let doc = laid_out(unplaced("video-streaming"));
    let centre = |id: &str| {
        let c = doc.component(id).expect("the sample has it");
        (c.position.x + c.size.w / 2.0, c.position.y + c.size.h / 2.0)
    };
    let path = ["alb", "catalog-svc", "catalog-db"];
    for step in path.windows(2) {
        let ((fx, fy), (tx, ty)) = (centre(step[0]), centre(step[1]));
        let (climb, across) = (fy - ty, tx - fx);
        assert!(
            climb <= across.max(0.0),
            "{} to {} climbs {climb} px and goes {across} px across",
            step[0],
            step[1]
        );
    }
}
