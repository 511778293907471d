//! Small documents for rule tests, built through edit operations so they are always valid.

use crate::catalog::Catalog;
use crate::edit::EditOp;
use crate::graph::ArchGraph;
use crate::model::{
    Component, ComponentId, Connection, ConnectionId, ConnectionKindId, Document, Group, GroupId,
    GroupKind, KindId, Meta, Point, PropertyValue, Rect,
};
use crate::rules::{Finding, Rule, RuleContext};

pub(crate) struct Fixture {
    doc: Document,
}

fn apply(doc: &mut Document, op: EditOp) {
    if let Err(error) = op.apply(doc, Catalog::builtin()) {
        panic!("invalid fixture: {error}");
    }
}

fn id<T>(make: fn(String) -> Result<T, crate::model::IdError>, text: &str) -> T {
    make(text.to_owned()).unwrap_or_else(|e| panic!("fixture id {text}: {e}"))
}

impl Fixture {
    pub fn new() -> Self {
        Self {
            doc: Document::new(Meta {
                name: "Fixture".into(),
                ..Meta::default()
            }),
        }
    }

    pub fn group(mut self, group: &str, kind: GroupKind, parent: Option<&str>) -> Self {
        let n = self.doc.groups().len() as f32;
        apply(
            &mut self.doc,
            EditOp::AddGroup(Box::new(Group {
                id: id(GroupId::new, group),
                kind,
                name: group.to_owned(),
                description: String::new(),
                location: None,
                parent: parent.map(|p| id(GroupId::new, p)),
                rect: Rect::new(n * 10.0, n * 10.0, 4000.0 - n * 20.0, 4000.0 - n * 20.0),
            })),
        );
        self
    }

    pub fn component(
        mut self,
        name: &str,
        kind: &str,
        properties: &[(&str, PropertyValue)],
    ) -> Self {
        let n = self.doc.components().len() as f32;
        let mut component = Component::new(
            id(ComponentId::new, name),
            KindId::new(kind),
            name,
            Point::new(100.0 + n * 200.0, 100.0),
        );
        component.properties = properties
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        apply(&mut self.doc, EditOp::AddComponent(Box::new(component)));
        self
    }

    /// Gives a region or zone boundary the cloud's code for its place.
    pub fn location(mut self, group: &str, code: &str) -> Self {
        apply(
            &mut self.doc,
            EditOp::SetGroupField {
                id: id(GroupId::new, group),
                field: crate::edit::GroupField::Location(Some(code.to_owned())),
            },
        );
        self
    }

    pub fn in_group(mut self, component: &str, group: &str) -> Self {
        apply(
            &mut self.doc,
            EditOp::Regroup {
                id: id(ComponentId::new, component),
                group: Some(id(GroupId::new, group)),
            },
        );
        self
    }

    /// Makes a component a member of groups (`member_of`): trust zones, bounded contexts.
    pub fn member_of(mut self, component: &str, groups: &[&str]) -> Self {
        apply(
            &mut self.doc,
            EditOp::SetComponentField {
                id: id(ComponentId::new, component),
                field: crate::edit::ComponentField::MemberOf(
                    groups.iter().map(|g| id(GroupId::new, g)).collect(),
                ),
            },
        );
        self
    }

    /// Gives a datastore its entities.
    pub fn entities(mut self, component: &str, entities: Vec<crate::model::Entity>) -> Self {
        apply(
            &mut self.doc,
            EditOp::SetComponentField {
                id: id(ComponentId::new, component),
                field: crate::edit::ComponentField::Entities(entities),
            },
        );
        self
    }

    /// An entity keyed by its first field; each field is `(name, type)`.
    pub fn entity(name: &str, fields: &[(&str, crate::model::FieldType)]) -> crate::model::Entity {
        crate::model::Entity {
            name: name.into(),
            description: String::new(),
            fields: fields
                .iter()
                .map(|(field, ty)| crate::model::Field {
                    name: (*field).into(),
                    ty: *ty,
                    nullable: false,
                    unique: false,
                    references: String::new(),
                })
                .collect(),
            key: fields
                .first()
                .map(|(f, _)| vec![(*f).to_owned()])
                .unwrap_or_default(),
            indexes: Vec::new(),
        }
    }

    pub fn connect(self, from: &str, to: &str, kind: &str) -> Self {
        self.connect_with(from, to, kind, |_| {})
    }

    pub fn connect_with(
        mut self,
        from: &str,
        to: &str,
        kind: &str,
        edit: impl FnOnce(&mut Connection),
    ) -> Self {
        let mut connection = Connection::new(
            id(ConnectionId::new, &format!("{from}-{to}-{kind}")),
            id(ComponentId::new, from),
            id(ComponentId::new, to),
            ConnectionKindId::new(kind),
        );
        edit(&mut connection);
        apply(&mut self.doc, EditOp::Connect(Box::new(connection)));
        self
    }

    pub fn build(self) -> Document {
        self.doc
    }
}

/// The findings of one rule on `doc`.
pub(crate) fn run(rule: &dyn Rule, doc: &Document) -> Vec<Finding> {
    let graph = ArchGraph::new(doc, Catalog::builtin());
    let cx = RuleContext {
        graph: &graph,
        rule_id: rule.meta().id,
        category: rule.meta().category,
    };
    let mut findings = Vec::new();
    rule.check(&cx, &mut findings);
    findings
}

/// A stable text form of findings, for snapshots.
pub(crate) fn render(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            let fix = if f.quick_fix.is_some() {
                " [quick fix]"
            } else {
                ""
            };
            format!(
                "{} {:?}: {}\n  fix: {}{fix}",
                f.rule, f.targets, f.message, f.fix_hint
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Applies every quick fix and checks that the finding it fixes is gone.
pub(crate) fn assert_quick_fixes_resolve(rule: &dyn Rule, doc: &Document) {
    let findings = run(rule, doc);
    assert!(
        findings.iter().any(|f| f.quick_fix.is_some()),
        "{} offers no quick fix",
        rule.meta().id
    );
    for finding in findings {
        let Some(fix) = finding.quick_fix.clone() else {
            continue;
        };
        let mut fixed = doc.clone();
        apply(&mut fixed, EditOp::Batch(fix));
        let again = run(rule, &fixed);
        assert!(
            !again.iter().any(|f| f.targets == finding.targets),
            "{}: the quick fix did not resolve {:?}",
            rule.meta().id,
            finding.targets
        );
    }
}
