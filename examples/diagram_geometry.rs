//! Prints the drawn geometry of a model as JSON, for `scripts/diagram-benchmark.py`: each
//! component's box and each connection's routed path, laid out automatically (`--auto`,
//! every component re-placed) or where the model puts them, with its boundaries (parent,
//! components, rectangle), how many captions the drawing shows shortened (cut, as a key's
//! marker, or left off) and the time the layout and the routing took.
//!
//! `cargo run --release --example diagram_geometry -- MODEL.ron [--auto]`

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use archsmith::catalog::{Catalog, ConnectionStyle};
use archsmith::layout::{self, Spacing, route};
use archsmith::model::Component;
use serde_json::json;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: diagram_geometry MODEL.ron [--auto]");
        return ExitCode::from(2);
    };
    let auto = args.next().as_deref() == Some("--auto");
    let catalog = Catalog::builtin();
    let mut doc = match archsmith::format::load(&PathBuf::from(&path), catalog) {
        Ok(doc) => doc,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    // (No sample pins a component, so the automatic layout places every one.)
    if auto || layout::needs_layout(&doc) {
        let edit = layout::layout(&doc, catalog, Spacing::default()).to_edit(&doc);
        if let Err(error) = edit.apply(&mut doc, catalog) {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    }
    let laid_out = started.elapsed();
    let started = Instant::now();
    let obstacles = route::Obstacles::of(&doc, Component::rect);
    let routes = route::connections(&doc, catalog, &obstacles);
    let routed = started.elapsed();
    let nodes: Vec<_> = obstacles
        .boxes
        .iter()
        .map(|r| json!([r.x, r.y, r.w, r.h]))
        .collect();
    let edges: Vec<_> = doc
        .connections()
        .iter()
        .zip(&routes)
        .filter_map(|(c, route)| {
            let route = route.as_ref()?;
            // The ends as drawn (a consume from its broker), as the route runs, so that the
            // other tools lay out the same directed graph.
            let (from, to) = catalog.drawn_ends(c);
            Some(json!({
                "id": c.id.as_str(),
                "label": format!("{}->{}", from.as_str(), to.as_str()),
                "from": doc.component_index(from.as_str())?,
                "to": doc.component_index(to.as_str())?,
                "points": route.iter().map(|p| json!([p.x, p.y])).collect::<Vec<_>>(),
                "telemetry": catalog.style(c) == Some(ConnectionStyle::Telemetry),
            }))
        })
        .collect();
    // Boundaries: each with its parent and its components, for tools that draw clusters.
    let group_index = |id: &str| doc.groups().iter().position(|g| g.id.as_str() == id);
    let groups: Vec<_> = doc
        .groups()
        .iter()
        .map(|g| {
            json!({
                "parent": g.parent.as_ref().and_then(|p| group_index(p.as_str())),
                "members": doc
                    .components()
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.group.as_ref() == Some(&g.id))
                    .map(|(i, _)| i)
                    .collect::<Vec<_>>(),
                "rect": [g.rect.x, g.rect.y, g.rect.w, g.rect.h],
            })
        })
        .collect();
    let drawn: Vec<_> = routes.iter().flatten().cloned().collect();
    let captions_shortened = archsmith::export::captions::place_captions(&doc, catalog, &routes)
        .iter()
        .flatten()
        .filter(|caption| caption.shortened())
        .count();
    println!(
        "{}",
        json!({
            "titles_struck": route::titles_struck(&obstacles, &drawn),
            "crossings": layout::count_crossings(&drawn, &[]),
            "along_borders": route::hugging(&obstacles, &drawn),
            "shared_tracks": route::shared_tracks_of(&doc, catalog, &routes),
            "captions_shortened": captions_shortened,
            "groups": groups,
            "nodes": nodes,
            "edges": edges,
            "layout_ms": laid_out.as_secs_f64() * 1000.0,
            "route_ms": routed.as_secs_f64() * 1000.0,
        })
    );
    ExitCode::SUCCESS
}
