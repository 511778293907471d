//! Views: focused diagrams of one model. A view selects elements and a level of detail and
//! keeps its own box positions; the model stays the one truth about what exists, so a view
//! stores nothing but which elements it shows and where.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ComponentId, GroupId, KindId, Point, ViewId};

/// How much a view shows, after C4's levels.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ViewLevel {
    /// The system as one box among its users and the external systems it talks to.
    Context,
    /// Every selected component, grouped by the bounded contexts and trust zones it belongs
    /// to; networks, regions and subnets left out.
    #[default]
    Container,
    /// Every selected component inside its network placement: regions, networks, subnets,
    /// clusters.
    Deployment,
}

impl ViewLevel {
    pub const ALL: [ViewLevel; 3] = [Self::Context, Self::Container, Self::Deployment];

    fn is_container(&self) -> bool {
        *self == Self::Container
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Context => "Context",
            Self::Container => "Container",
            Self::Deployment => "Deployment",
        }
    }
}

/// Which components a view shows. Empty criteria select everything; otherwise a component is
/// shown when any criterion matches it, unless it is excluded.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// Components placed in these boundaries (at any depth) or members of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Catalog kinds (`postgresql`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<KindId>,
    /// Catalog traits (`datastore`, `broker`, `client`...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub traits: Vec<String>,
    /// Components by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<ComponentId>,
    /// Components left out whatever else selects them; in a dynamic view, connections too
    /// (the calls a request does not take: a router's other routes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<ComponentId>,
    /// Also show what the selected components call or are called by, one hop away.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub neighbours: bool,
}

impl Selection {
    /// True when no criterion narrows the view: it shows the whole model.
    pub fn is_everything(&self) -> bool {
        self.groups.is_empty()
            && self.tags.is_empty()
            && self.kinds.is_empty()
            && self.traits.is_empty()
            && self.components.is_empty()
            && self.exclude.is_empty()
            && !self.neighbours
    }

    fn normalize(&mut self) {
        self.groups.sort();
        self.groups.dedup();
        self.tags.sort();
        self.tags.dedup();
        self.kinds.sort();
        self.kinds.dedup();
        self.traits.sort();
        self.traits.dedup();
        self.components.sort();
        self.components.dedup();
        self.exclude.sort();
        self.exclude.dedup();
    }
}

/// One focused diagram of the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    pub id: ViewId,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "ViewLevel::is_container")]
    pub level: ViewLevel,
    #[serde(default, skip_serializing_if = "Selection::is_everything")]
    pub select: Selection,
    /// A dynamic view: the request flow from this entry point (a client or public entry),
    /// step by step, through the components the selection shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<ComponentId>,
    /// Where this view draws its boxes, by component id; boxes without a position are laid
    /// out automatically around the placed ones.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub layout: BTreeMap<String, Point>,
}

impl View {
    pub fn new(id: ViewId, name: impl Into<String>, level: ViewLevel) -> Self {
        Self {
            id,
            name: name.into(),
            description: String::new(),
            level,
            select: Selection::default(),
            flow: None,
            layout: BTreeMap::new(),
        }
    }

    pub(crate) fn normalize(&mut self) {
        self.select.normalize();
    }

    /// Every element id the view names, with the field that names it.
    pub fn references(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        self.select
            .groups
            .iter()
            .map(|g| ("groups", g.as_str()))
            .chain(
                self.select
                    .components
                    .iter()
                    .map(|c| ("components", c.as_str())),
            )
            .chain(self.select.exclude.iter().map(|c| ("exclude", c.as_str())))
            .chain(self.flow.iter().map(|c| ("flow", c.as_str())))
            .chain(self.layout.keys().map(|k| ("layout", k.as_str())))
    }

    /// The view without any reference to `id`; `None` when it names `id` nowhere.
    pub fn without(&self, id: &str) -> Option<View> {
        if !self.references().any(|(_, r)| r == id) {
            return None;
        }
        let mut view = self.clone();
        view.select.groups.retain(|g| g.as_str() != id);
        view.select.components.retain(|c| c.as_str() != id);
        view.select.exclude.retain(|c| c.as_str() != id);
        if view.flow.as_ref().is_some_and(|c| c.as_str() == id) {
            view.flow = None;
        }
        view.layout.remove(id);
        Some(view)
    }
}
