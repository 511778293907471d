//! Edit operations: inverses restore the document exactly, failed operations change nothing,
//! and every state reached stays structurally valid.

use archsmith::catalog::Catalog;
use archsmith::edit::{ComponentField, ConnectionField, EditOp, GroupField, History};
use archsmith::format;
use archsmith::model::{
    AuthMode, Component, ComponentId, Connection, ConnectionId, ConnectionKindId, Document, Group,
    GroupId, GroupKind, KindId, Meta, Note, NoteId, Point, PropertyValue, Rect, Size, Waiver,
};
use archsmith::samples::sample;
use archsmith::validate::check_document;
use proptest::prelude::*;

fn ecommerce() -> Document {
    let sample = sample("ecommerce").expect("sample");
    format::from_str(sample.text, sample.name, Catalog::builtin()).expect("loads")
}

/// A random choice, turned into a concrete operation against the current document.
#[derive(Debug, Clone)]
struct Seed {
    op: u8,
    a: usize,
    b: usize,
    x: i16,
    y: i16,
    flag: bool,
}

fn seed() -> impl Strategy<Value = Seed> {
    (
        0u8..20,
        any::<usize>(),
        any::<usize>(),
        any::<i16>(),
        any::<i16>(),
        any::<bool>(),
    )
        .prop_map(|(op, a, b, x, y, flag)| Seed {
            op,
            a,
            b,
            x,
            y,
            flag,
        })
}

fn pick<T>(items: &[T], index: usize) -> Option<&T> {
    if items.is_empty() {
        None
    } else {
        items.get(index % items.len())
    }
}

fn materialize(seed: &Seed, doc: &Document, catalog: &Catalog) -> Option<EditOp> {
    let point = Point::new(f32::from(seed.x), f32::from(seed.y));
    let component = pick(doc.components(), seed.a);
    let other = pick(doc.components(), seed.b);
    let group = pick(doc.groups(), seed.b);
    Some(match seed.op {
        0 => {
            let kind = pick(catalog.kinds(), seed.a)?;
            let id = ComponentId::new(doc.fresh_id(&kind.label)).ok()?;
            let mut component = Component::new(id, kind.id.clone(), kind.label.clone(), point);
            if seed.flag {
                component.group = group.map(|g| g.id.clone());
            }
            EditOp::AddComponent(Box::new(component))
        }
        1 => EditOp::RemoveComponent(component?.id.clone()),
        2 => EditOp::MoveComponent {
            id: component?.id.clone(),
            to: point,
        },
        3 => EditOp::ResizeComponent {
            id: component?.id.clone(),
            size: Size::new(f32::from(seed.x.unsigned_abs() % 400), 64.0),
        },
        4 => {
            let component = component?;
            let kind = catalog.kind_of(component)?;
            let spec = pick(&kind.properties, seed.b)?;
            let value = if seed.flag {
                None
            } else {
                Some(spec.default.clone())
            };
            EditOp::SetComponentProperty {
                id: component.id.clone(),
                key: spec.name.clone(),
                value,
            }
        }
        5 => {
            let field = match seed.b % 4 {
                0 => ComponentField::Name(format!("renamed {}", seed.x)),
                1 => ComponentField::Description("<b>desc</b>".into()),
                2 => ComponentField::Tags(vec!["pci".into(), "tier-1".into()]),
                _ => ComponentField::Pinned(seed.flag),
            };
            EditOp::SetComponentField {
                id: component?.id.clone(),
                field,
            }
        }
        6 => {
            let (from, to) = (component?, other?);
            let kinds = catalog.allowed_connections(catalog.kind_of(from)?, catalog.kind_of(to)?);
            let kind = pick(&kinds, seed.b)?;
            let id = ConnectionId::new(doc.fresh_id(&format!("{}-{}", from.id, to.id))).ok()?;
            EditOp::Connect(Box::new(Connection::new(
                id,
                from.id.clone(),
                to.id.clone(),
                kind.id.clone(),
            )))
        }
        7 => EditOp::Disconnect(pick(doc.connections(), seed.a)?.id.clone()),
        8 => {
            let field = match seed.b % 3 {
                0 => ConnectionField::Tls(seed.flag),
                1 => ConnectionField::Label(format!("label {}", seed.y)),
                _ => ConnectionField::Auth(if seed.flag {
                    AuthMode::Mtls
                } else {
                    AuthMode::None
                }),
            };
            EditOp::SetConnectionField {
                id: pick(doc.connections(), seed.a)?.id.clone(),
                field,
            }
        }
        9 => {
            let id = GroupId::new(doc.fresh_id("zone")).ok()?;
            EditOp::AddGroup(Box::new(Group {
                id,
                kind: GroupKind::ALL[seed.a % GroupKind::ALL.len()],
                name: "Zone".into(),
                description: String::new(),
                location: None,
                parent: if seed.flag {
                    group.map(|g| g.id.clone())
                } else {
                    None
                },
                rect: Rect::new(point.x, point.y, 300.0, 200.0),
            }))
        }
        10 => EditOp::RemoveGroup(group?.id.clone()),
        11 => EditOp::Regroup {
            id: component?.id.clone(),
            group: if seed.flag {
                group.map(|g| g.id.clone())
            } else {
                None
            },
        },
        12 => EditOp::SetGroupRect {
            id: group?.id.clone(),
            rect: Rect::new(point.x, point.y, 500.0, 400.0),
        },
        13 => EditOp::SetGroupField {
            id: group?.id.clone(),
            field: GroupField::Parent(pick(doc.groups(), seed.a).map(|g| g.id.clone())),
        },
        14 => EditOp::AddNote(Note {
            id: NoteId::new(doc.fresh_id("note")).ok()?,
            text: "remember".into(),
            position: point,
            size: Size::default(),
            color: Default::default(),
        }),
        15 => EditOp::RemoveNote(pick(doc.notes(), seed.a)?.id.clone()),
        16 => EditOp::AddWaiver(Waiver {
            rule: "REL001".into(),
            target: component?.id.to_string(),
            reason: "accepted for the pilot".into(),
        }),
        17 => EditOp::SetMeta(Box::new(Meta {
            name: format!("Renamed {}", seed.x),
            ..doc.meta.clone()
        })),
        18 => EditOp::Batch(vec![
            EditOp::MoveComponent {
                id: component?.id.clone(),
                to: point,
            },
            EditOp::MoveComponent {
                id: other?.id.clone(),
                to: Point::new(point.y, point.x),
            },
        ]),
        _ => EditOp::SetComponentField {
            id: component?.id.clone(),
            field: ComponentField::Kind(KindId::new(pick(catalog.kinds(), seed.b)?.id.as_str())),
        },
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn inverses_in_reverse_order_restore_the_document(seeds in prop::collection::vec(seed(), 1..40)) {
        let catalog = Catalog::builtin();
        let original = ecommerce();
        let mut doc = original.clone();
        let mut inverses = Vec::new();
        for seed in &seeds {
            let Some(op) = materialize(seed, &doc, catalog) else { continue };
            let before = doc.clone();
            match op.apply(&mut doc, catalog) {
                Ok(inverse) => {
                    inverses.push(inverse);
                    prop_assert_eq!(check_document(catalog, &doc), vec![]);
                }
                Err(_) => prop_assert_eq!(&doc, &before, "a refused operation changed the document"),
            }
        }
        for inverse in inverses.into_iter().rev() {
            inverse.apply(&mut doc, catalog).expect("an inverse always applies");
        }
        prop_assert_eq!(doc, original);
    }
}

#[test]
fn removing_a_component_removes_its_connections_in_one_step() {
    let catalog = Catalog::builtin();
    let mut doc = ecommerce();
    let original = doc.clone();
    let touching = doc.connections_of("orders-svc").count();
    assert!(touching >= 3);
    let mut history = History::new();
    history
        .apply(
            &mut doc,
            catalog,
            EditOp::RemoveComponent(ComponentId::new("orders-svc").expect("id")),
        )
        .expect("removes");
    assert!(doc.component("orders-svc").is_none());
    assert_eq!(doc.connections_of("orders-svc").count(), 0);
    assert!(history.undo(&mut doc, catalog).expect("undo"));
    assert_eq!(doc, original);
    assert!(history.redo(&mut doc, catalog).expect("redo"));
    assert!(doc.component("orders-svc").is_none());
}

#[test]
fn illegal_edits_are_refused_with_reasons() {
    let catalog = Catalog::builtin();
    let mut doc = ecommerce();
    let bad = Connection::new(
        ConnectionId::new("cdn-to-db").expect("id"),
        ComponentId::new("cdn").expect("id"),
        ComponentId::new("orders-db").expect("id"),
        ConnectionKindId::new("db_query"),
    );
    let error = EditOp::Connect(Box::new(bad))
        .apply(&mut doc, catalog)
        .expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("CDN (`cdn`) cannot start a `db_query` connection"),
        "{error}"
    );
    let error = EditOp::SetComponentProperty {
        id: ComponentId::new("orders-db").expect("id"),
        key: "replicas".into(),
        value: Some(PropertyValue::Text("many".into())),
    }
    .apply(&mut doc, catalog)
    .expect_err("refused");
    assert!(error.to_string().contains("expected integer"), "{error}");
    let error = EditOp::SetComponentField {
        id: ComponentId::new("otel").expect("id"),
        field: ComponentField::Kind(KindId::new("grafana")),
    }
    .apply(&mut doc, catalog)
    .expect_err("Grafana cannot accept telemetry");
    assert!(error.to_string().contains("cannot accept"), "{error}");
    assert_eq!(doc, ecommerce());
}

#[test]
fn a_batch_is_all_or_nothing() {
    let catalog = Catalog::builtin();
    let mut doc = ecommerce();
    let batch = EditOp::Batch(vec![
        EditOp::MoveComponent {
            id: ComponentId::new("redis").expect("id"),
            to: Point::new(1.0, 2.0),
        },
        EditOp::RemoveComponent(ComponentId::new("does-not-exist").expect("id")),
    ]);
    assert!(batch.apply(&mut doc, catalog).is_err());
    assert_eq!(doc, ecommerce());
}

#[test]
fn removing_a_group_moves_members_to_its_parent() {
    let catalog = Catalog::builtin();
    let mut doc = ecommerce();
    let inverse = EditOp::RemoveGroup(GroupId::new("data").expect("id"))
        .apply(&mut doc, catalog)
        .expect("removes");
    assert_eq!(
        doc.component("orders-db")
            .and_then(|c| c.group.as_ref())
            .map(GroupId::as_str),
        Some("vpc")
    );
    inverse.apply(&mut doc, catalog).expect("restores");
    assert_eq!(doc, ecommerce());
}
