//! Edge routing on every sample, reference model and view, drawn where the model puts its
//! components (or where the automatic layout does, for a model without positions): every
//! route is orthogonal, starts and ends on its boxes' borders, and crosses no other box and
//! no boundary that holds neither of its ends.

use archsmith::catalog::Catalog;
use archsmith::layout::{self, Spacing, route};
use archsmith::model::{Component, Document, Point, Rect};
use archsmith::{format, samples};

const REFERENCE_MODELS: [(&str, &str); 3] = [
    ("ridehail", include_str!("fixtures/reference/ridehail.ron")),
    ("chat", include_str!("fixtures/reference/chat.ron")),
    ("saas", include_str!("fixtures/reference/saas.ron")),
];

fn models() -> Vec<(String, Document)> {
    let catalog = Catalog::builtin();
    let mut models: Vec<(String, Document)> = samples::samples()
        .iter()
        .map(|s| (s.name, s.text))
        .chain(REFERENCE_MODELS)
        .map(|(name, text)| {
            let doc = format::from_str(text, "model.ron", catalog).expect("loads");
            (name.to_owned(), doc)
        })
        .collect();
    // Every view, drawn as the exports draw it.
    let views: Vec<(String, Document)> = models
        .iter()
        .flat_map(|(name, doc)| {
            doc.views().iter().map(move |v| {
                (
                    format!("{name} view {}", v.id),
                    archsmith::view::project(doc, catalog, v).doc,
                )
            })
        })
        .collect();
    models.extend(views);
    // Generated models, laid out automatically as the exports lay out a model without
    // positions.
    for components in [100, 500] {
        let mut doc = samples::synthetic(components, components * 2);
        let edit = layout::layout(&doc, catalog, Spacing::default()).to_edit(&doc);
        edit.apply(&mut doc, catalog)
            .expect("a layout only moves elements");
        models.push((format!("synthetic {components}"), doc));
    }
    models
}

fn meets(a: Point, b: Point, rect: Rect) -> bool {
    a.x.min(b.x) < rect.x + rect.w
        && a.x.max(b.x) > rect.x
        && a.y.min(b.y) < rect.y + rect.h
        && a.y.max(b.y) > rect.y
}

fn on_border(p: Point, rect: Rect) -> bool {
    let near = |a: f32, b: f32| (a - b).abs() < 0.01;
    let within_x = p.x >= rect.x - 0.01 && p.x <= rect.x + rect.w + 0.01;
    let within_y = p.y >= rect.y - 0.01 && p.y <= rect.y + rect.h + 0.01;
    ((near(p.x, rect.x) || near(p.x, rect.x + rect.w)) && within_y)
        || ((near(p.y, rect.y) || near(p.y, rect.y + rect.h)) && within_x)
}

#[test]
fn routes_are_orthogonal_and_cross_no_box_and_no_foreign_boundary() {
    for (name, doc) in models() {
        let obstacles = route::Obstacles::of(&doc, Component::rect);
        let routes = route::connections(&doc, Catalog::builtin(), &obstacles);
        assert_eq!(routes.len(), doc.connections().len());
        for (connection, route) in doc.connections().iter().zip(&routes) {
            let route = route.as_ref().expect("both ends exist");
            // A route runs the way its connection is drawn (a consume from its broker).
            let (from, to) = Catalog::builtin().drawn_ends(connection);
            let from = doc.component_index(from.as_str()).expect("source");
            let to = doc.component_index(to.as_str()).expect("target");
            let id = &connection.id;
            assert!(route.len() >= 2, "{name} {id}: {route:?}");
            for pair in route.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                assert!(
                    (a.x - b.x).abs() < 0.01 || (a.y - b.y).abs() < 0.01,
                    "{name} {id}: diagonal segment in {route:?}"
                );
                for (i, rect) in obstacles.boxes.iter().enumerate() {
                    if i != from && i != to {
                        assert!(
                            !meets(a, b, *rect),
                            "{name} {id} runs through {}: {route:?}",
                            doc.components()[i].id
                        );
                    }
                }
                for (group, rect) in doc.groups().iter().zip(&obstacles.boundaries) {
                    let holds = |end: usize| rect.contains_rect(&obstacles.boxes[end]);
                    if !holds(from) && !holds(to) {
                        // A foreign boundary is not entered: no segment meets its inside.
                        assert!(
                            !meets(a, b, *rect),
                            "{name} {id} enters boundary {}: {route:?}",
                            group.id
                        );
                    }
                }
            }
            assert!(on_border(route[0], obstacles.boxes[from]), "{name} {id}");
            assert!(
                on_border(route[route.len() - 1], obstacles.boxes[to]),
                "{name} {id}"
            );
        }
    }
}

/// Two exports of one model route alike, whatever else ran before.
#[test]
fn routing_is_deterministic() {
    for (name, doc) in models().into_iter().take(3) {
        let obstacles = route::Obstacles::of(&doc, Component::rect);
        assert_eq!(
            route::connections(&doc, Catalog::builtin(), &obstacles),
            route::connections(&doc, Catalog::builtin(), &obstacles),
            "{name}"
        );
    }
}

/// Telemetry into one collector arrives as one trunk per side it comes in by: the routes
/// entering by a side end at the same point of it.
#[test]
fn telemetry_into_a_collector_arrives_as_one_trunk() {
    let catalog = Catalog::builtin();
    let mut trunks = 0;
    for (name, doc) in models() {
        let obstacles = route::Obstacles::of(&doc, Component::rect);
        let routes = route::connections(&doc, catalog, &obstacles);
        let mut ends: std::collections::BTreeMap<&str, Vec<Point>> = Default::default();
        for (connection, route) in doc.connections().iter().zip(&routes) {
            if catalog.style(connection) == Some(archsmith::catalog::ConnectionStyle::Telemetry)
                && let Some(route) = route
            {
                ends.entry(connection.to.as_str())
                    .or_default()
                    .push(route[route.len() - 1]);
            }
        }
        for (collector, points) in ends.iter().filter(|(_, p)| p.len() > 1) {
            trunks += 1;
            // One port per side of the collector the routes come in by.
            let rect = doc.component(collector).expect("collector").rect();
            let side = |p: &Point| {
                if (p.x - rect.x).abs() < 0.5 {
                    0
                } else if (p.x - rect.x - rect.w).abs() < 0.5 {
                    1
                } else if (p.y - rect.y).abs() < 0.5 {
                    2
                } else {
                    3
                }
            };
            for a in points {
                for b in points {
                    assert!(
                        side(a) != side(b) || a == b,
                        "{name}: telemetry into {collector} ends at {points:?}"
                    );
                }
            }
        }
    }
    assert!(trunks >= 6, "the samples collect telemetry: {trunks}");
}

/// A model can ask for straight or curved connections instead of orthogonal ones; every
/// export with geometry follows.
#[test]
fn straight_and_curved_styles_are_drawn_as_the_model_asks() {
    let catalog = Catalog::builtin();
    let sample = samples::samples()
        .iter()
        .find(|s| s.name == "ecommerce")
        .expect("sample");
    let orthogonal = format::from_str(sample.text, "s.ron", catalog).expect("loads");
    let routes_of = |doc: &Document| {
        route::connections(doc, catalog, &route::Obstacles::of(doc, Component::rect))
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
    };
    let bends = |routes: &[Vec<Point>]| routes.iter().map(|r| r.len()).sum::<usize>();
    let mut straight = orthogonal.clone();
    straight.meta.edge_style = archsmith::model::EdgeStyle::Straight;
    let lines = routes_of(&straight);
    // The samples keep no bend points: every connection is one segment from border to border.
    assert!(lines.iter().all(|r| r.len() == 2), "{lines:?}");
    for (connection, line) in straight.connections().iter().zip(&lines) {
        let from = straight
            .component(catalog.drawn_ends(connection).0.as_str())
            .expect("from")
            .rect();
        assert!(on_border(line[0], from), "{}: {line:?}", connection.id);
    }
    let mut curved = orthogonal.clone();
    curved.meta.edge_style = archsmith::model::EdgeStyle::Curved;
    let (square, round) = (routes_of(&orthogonal), routes_of(&curved));
    assert!(bends(&round) > bends(&square), "corners become curves");
    for (a, b) in square.iter().zip(&round) {
        assert_eq!((a[0], a[a.len() - 1]), (b[0], b[b.len() - 1]), "same ends");
    }
    // The file keeps the choice; the orthogonal default is left out.
    let saved = format::to_string(&curved);
    assert!(
        saved.contains("edge_style: curved"),
        "canonical form names it"
    );
    assert!(!format::to_string(&orthogonal).contains("edge_style"));
    // The SVG draws what the router gives: more points on the curved paths.
    let path_points = |doc: &Document| {
        let exporter = archsmith::export::find_exporter("svg").expect("svg");
        let svg = match exporter
            .export(doc, catalog, &archsmith::export::ExportOptions::default())
            .expect("exports")
        {
            archsmith::export::Output::File(bytes) => String::from_utf8(bytes).expect("utf-8"),
            archsmith::export::Output::Folder(_) => panic!("one file"),
        };
        svg.split(" d=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap_or("").matches('L').count())
            .sum::<usize>()
    };
    assert!(path_points(&curved) > path_points(&orthogonal));
}

/// No caption covers an arrowhead, its own or another's: a caption on a short last segment
/// sat on the head of its own arrow, where the reader looks for what it points at. The
/// arrowhead is the square (11 px, the SVG marker's size) centred half its side back from
/// the route's end.
#[test]
fn no_caption_covers_an_arrowhead() {
    const HEAD: f32 = 11.0;
    let catalog = Catalog::builtin();
    for (name, doc) in models() {
        let obstacles = route::Obstacles::of(&doc, Component::rect);
        let routes = route::connections(&doc, catalog, &obstacles);
        let heads: Vec<Rect> = routes
            .iter()
            .flatten()
            .filter_map(|route| {
                let [.., from, tip] = route.as_slice() else {
                    return None;
                };
                // Half a head back from the tip along the last segment.
                let length = (tip.x - from.x).hypot(tip.y - from.y);
                let back = HEAD / 2.0 / length;
                let x = tip.x - (tip.x - from.x) * back;
                let y = tip.y - (tip.y - from.y) * back;
                Some(Rect::new(x - HEAD / 2.0, y - HEAD / 2.0, HEAD, HEAD))
            })
            .collect();
        let captions = archsmith::export::captions::place_captions(&doc, catalog, &routes);
        for caption in captions.iter().flatten().filter(|c| !c.text.is_empty()) {
            let chip = caption.rect();
            for head in &heads {
                let apart = chip.x + chip.w <= head.x
                    || head.x + head.w <= chip.x
                    || chip.y + chip.h <= head.y
                    || head.y + head.h <= chip.y;
                assert!(
                    apart,
                    "{name}: caption {:?} at {chip:?} covers the arrowhead at {head:?}",
                    caption.text
                );
            }
        }
    }
}
