use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{
    ComponentId, ConnectionId, ConnectionKindId, DecisionId, Entity, GroupId, KindId, NoteId,
    Operation, Point, Properties, Query, Rect, Size, View,
};

/// The file format version this build writes. Older versions are migrated on load.
pub const CURRENT_VERSION: u32 = 2;

pub(super) fn is_false(b: &bool) -> bool {
    !*b
}

fn is_default_size(size: &Size) -> bool {
    *size == Size::default()
}

/// A whole architecture model: what a file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub version: u32,
    pub meta: Meta,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) groups: Vec<Group>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) components: Vec<Component>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) connections: Vec<Connection>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) notes: Vec<Note>,
    #[serde(default, skip_serializing_if = "RuleSettings::is_empty")]
    pub rules: RuleSettings,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) waivers: Vec<Waiver>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) decisions: Vec<Decision>,
    /// Focused diagrams of the model, sorted by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) views: Vec<View>,
}

/// Name, description, target cloud and non-functional targets.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<Cloud>,
    #[serde(default, skip_serializing_if = "Targets::is_empty")]
    pub targets: Targets,
    /// How diagrams draw connections.
    #[serde(default, skip_serializing_if = "EdgeStyle::is_orthogonal")]
    pub edge_style: EdgeStyle,
    /// The field that names the tenant in a multi-tenant model (`tenant_id`): every entity
    /// must carry it, so no query can read across tenants by accident.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_key: Option<String>,
}

/// How diagrams draw connections: the editor and every export with geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeStyle {
    /// Horizontal and vertical segments around boxes and foreign boundaries.
    #[default]
    Orthogonal,
    /// The same routes with rounded corners.
    Curved,
    /// Straight lines from box to box (through the connection's bend points), whatever lies
    /// between.
    Straight,
}

impl EdgeStyle {
    pub const ALL: [EdgeStyle; 3] = [Self::Orthogonal, Self::Curved, Self::Straight];

    fn is_orthogonal(&self) -> bool {
        *self == Self::Orthogonal
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Orthogonal => "Orthogonal",
            Self::Curved => "Curved",
            Self::Straight => "Straight",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cloud {
    Aws,
    Gcp,
    Azure,
}

impl Cloud {
    pub const ALL: [Cloud; 3] = [Self::Aws, Self::Gcp, Self::Azure];

    /// The cloud as the model file and `--provider` spell it: `aws`, `gcp`, `azure`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Aws => "aws",
            Self::Gcp => "gcp",
            Self::Azure => "azure",
        }
    }

    /// The cloud's name as its vendor writes it: "AWS", "Google Cloud", "Azure".
    pub fn label(self) -> &'static str {
        match self {
            Self::Aws => "AWS",
            Self::Gcp => "Google Cloud",
            Self::Azure => "Azure",
        }
    }
}

/// Non-functional targets the design must meet.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Peak load, in requests per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_rps: Option<u64>,
    /// Availability objective in percent, e.g. `99.95`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_slo: Option<f64>,
    /// End-to-end p99 latency budget in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99_latency_ms: Option<u32>,
    /// Recovery point objective in minutes: the most data, in time, a loss may cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpo_minutes: Option<u32>,
    /// Recovery time objective in minutes: how long restoring service may take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rto_minutes: Option<u32>,
}

impl Targets {
    pub fn is_empty(&self) -> bool {
        self.peak_rps.is_none()
            && self.availability_slo.is_none()
            && self.p99_latency_ms.is_none()
            && self.rpo_minutes.is_none()
            && self.rto_minutes.is_none()
    }
}

/// A box on the canvas: one deployable or external thing of a catalog kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub id: ComponentId,
    pub kind: KindId,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Where it runs: its one network placement (a subnet, a zone, a cluster...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupId>,
    /// Trust zones and bounded contexts it also belongs to, whatever its placement: a payment
    /// service sits in the app subnet and in the PCI trust zone and the Payments context.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_of: Vec<GroupId>,
    /// Where the box's top-left corner is drawn. A model may leave every position out (a
    /// file written by hand or generated): its components all sit at the origin, and the
    /// drawing is laid out automatically (see `layout::needs_layout`).
    #[serde(default, skip_serializing_if = "Point::is_origin")]
    pub position: Point,
    #[serde(default, skip_serializing_if = "is_default_size")]
    pub size: Size,
    #[serde(default, skip_serializing_if = "Properties::is_empty")]
    pub properties: Properties,
    /// The topics, queues or streams a broker carries, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Topic>,
    /// The tables or collections a datastore keeps, in the order the model lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<Entity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub pinned: bool,
}

impl Component {
    pub fn new(id: ComponentId, kind: KindId, name: impl Into<String>, position: Point) -> Self {
        Self {
            id,
            kind,
            name: name.into(),
            description: String::new(),
            group: None,
            member_of: Vec::new(),
            position,
            size: Size::default(),
            properties: Properties::new(),
            topics: Vec::new(),
            entities: Vec::new(),
            tags: Vec::new(),
            pinned: false,
        }
    }

    pub fn rect(&self) -> Rect {
        Rect::from_pos_size(self.position, self.size)
    }
}

/// A topic, queue or stream on a broker. Publish and consume connections name it in their
/// `topic` property; rules judge dead-lettering, partitions and consumers per topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Partitions of a partitioned log; `None` takes the broker's `partitions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitions: Option<u32>,
    /// What messages are keyed by: the order they keep and how they spread over partitions.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// The topic on the same broker that messages go to when their handling keeps failing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_letter: Option<String>,
    /// Each message supersedes the previous one for its key (a position, a price): one that
    /// fails is dropped and replaced by the next, never replayed, so it needs no dead letter.
    #[serde(default, skip_serializing_if = "is_false")]
    pub latest_wins: bool,
    /// Name of the message schema the topic carries (`PostCreated`); empty: the topic's name
    /// in upper camel case.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl Topic {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            description: String::new(),
            partitions: None,
            key: String::new(),
            dead_letter: None,
            latest_wins: false,
            message: String::new(),
        }
    }
}

impl Component {
    /// A topic of this broker by name.
    pub fn topic(&self, name: &str) -> Option<&Topic> {
        self.topics
            .binary_search_by(|t| t.name.as_str().cmp(name))
            .ok()
            .and_then(|i| self.topics.get(i))
    }
}

/// How a connection authenticates its caller.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    #[default]
    None,
    ApiKey,
    Basic,
    Jwt,
    Oauth2,
    Mtls,
    Iam,
}

impl AuthMode {
    pub const ALL: [AuthMode; 7] = [
        Self::None,
        Self::ApiKey,
        Self::Basic,
        Self::Jwt,
        Self::Oauth2,
        Self::Mtls,
        Self::Iam,
    ];

    /// Whether callers present a token an identity provider issued (so naming the issuer
    /// means something); keys, passwords, certificates and cloud IAM have none.
    pub fn uses_issued_tokens(self) -> bool {
        matches!(self, Self::Jwt | Self::Oauth2)
    }

    pub fn is_none(&self) -> bool {
        *self == Self::None
    }
}

/// A typed, directed edge: `from` calls, publishes to, reads from... `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Connection {
    pub id: ConnectionId,
    pub from: ComponentId,
    pub to: ComponentId,
    pub kind: ConnectionKindId,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Overrides the kind's default interaction style (a sync publish, an async HTTP call).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync: Option<bool>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub tls: bool,
    #[serde(default, skip_serializing_if = "AuthMode::is_none")]
    pub auth: AuthMode,
    #[serde(default, skip_serializing_if = "Properties::is_empty")]
    pub properties: Properties,
    /// The API operations callers make over this connection, in the order the API lists them
    /// (only on connection kinds with an `api` style).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<Operation>,
    /// The queries the caller makes of the target's entities (only on connection kinds that
    /// carry `queries`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queries: Vec<Query>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waypoints: Vec<Point>,
}

impl Connection {
    pub fn new(
        id: ConnectionId,
        from: ComponentId,
        to: ComponentId,
        kind: ConnectionKindId,
    ) -> Self {
        Self {
            id,
            from,
            to,
            kind,
            label: String::new(),
            description: String::new(),
            sync: None,
            tls: false,
            auth: AuthMode::None,
            properties: Properties::new(),
            operations: Vec::new(),
            queries: Vec::new(),
            waypoints: Vec::new(),
        }
    }
}

/// What a boundary stands for. Rules and the Terraform export read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    Region,
    Vpc,
    PublicSubnet,
    PrivateSubnet,
    AvailabilityZone,
    K8sCluster,
    K8sNamespace,
    TrustZone,
    BoundedContext,
    Generic,
}

impl GroupKind {
    pub const ALL: [GroupKind; 10] = [
        Self::Region,
        Self::Vpc,
        Self::PublicSubnet,
        Self::PrivateSubnet,
        Self::AvailabilityZone,
        Self::K8sCluster,
        Self::K8sNamespace,
        Self::TrustZone,
        Self::BoundedContext,
        Self::Generic,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Region => "Region",
            Self::Vpc => "VPC / network",
            Self::PublicSubnet => "Public subnet",
            Self::PrivateSubnet => "Private subnet",
            Self::AvailabilityZone => "Availability zone",
            Self::K8sCluster => "Kubernetes cluster",
            Self::K8sNamespace => "Kubernetes namespace",
            Self::TrustZone => "Trust zone",
            Self::BoundedContext => "Bounded context",
            Self::Generic => "Group",
        }
    }

    /// Whether a boundary of this kind stands for a place on a cloud and may name it with a
    /// `location`.
    pub fn has_location(self) -> bool {
        matches!(self, Self::Region | Self::AvailabilityZone)
    }

    pub fn is_network(self) -> bool {
        matches!(
            self,
            Self::Region
                | Self::Vpc
                | Self::PublicSubnet
                | Self::PrivateSubnet
                | Self::AvailabilityZone
        )
    }

    /// Whether a boundary of this kind is a place components run in (a network, a zone, a
    /// cluster or a namespace), rather than a grouping they are members of (a trust zone, a
    /// bounded context): a component runs where it is placed, whichever zones it belongs to.
    pub fn is_deployment(self) -> bool {
        self.is_network() || matches!(self, Self::K8sCluster | Self::K8sNamespace)
    }
}

/// A boundary: a titled rectangle that holds components and other groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: GroupId,
    pub kind: GroupKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The cloud's code for the place a region or availability-zone boundary stands for
    /// (`us-east-1`, `us-east-1a`): Terraform deploys what it holds there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<GroupId>,
    /// The boundary's outline; left out, with the components' positions, of a model to be
    /// laid out automatically.
    #[serde(default, skip_serializing_if = "Rect::is_unset")]
    pub rect: Rect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteColor {
    #[default]
    Yellow,
    Pink,
    Blue,
    Green,
}

fn is_default_color(color: &NoteColor) -> bool {
    *color == NoteColor::default()
}

/// A workshop sticky note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub id: NoteId,
    pub text: String,
    /// Left out, like the components', of a model to be laid out automatically.
    #[serde(default, skip_serializing_if = "Point::is_origin")]
    pub position: Point,
    #[serde(default, skip_serializing_if = "is_default_size")]
    pub size: Size,
    #[serde(default, skip_serializing_if = "is_default_color")]
    pub color: NoteColor,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// Per-document rule configuration: rule packs to load and per-rule overrides.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSettings {
    /// Rule pack files, relative to the model file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packs: Vec<String>,
    /// Overrides by rule id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub overrides: BTreeMap<String, RuleOverride>,
}

impl RuleSettings {
    pub fn is_empty(&self) -> bool {
        self.packs.is_empty() && self.overrides.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOverride {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Properties::is_empty")]
    pub params: Properties,
}

/// An accepted finding: the rule still reports it, marked as waived, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    pub rule: String,
    /// Id of the component, connection or group the waiver covers.
    pub target: String,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionStatus {
    #[default]
    Proposed,
    Accepted,
    Rejected,
    Deprecated,
    Superseded,
}

/// An architecture decision record stored with the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub id: DecisionId,
    pub title: String,
    pub status: DecisionStatus,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub context: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub decision: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub consequences: String,
}

/// What kind of element an id names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ElementRef<'a> {
    Component(&'a Component),
    Connection(&'a Connection),
    Group(&'a Group),
    Note(&'a Note),
}

/// Something with an id that orders a sorted collection.
pub(crate) trait Keyed {
    fn key(&self) -> &str;
}

macro_rules! keyed {
    ($($ty:ty),*) => {$(
        impl Keyed for $ty {
            fn key(&self) -> &str {
                self.id.as_str()
            }
        }
    )*};
}
keyed!(Component, Connection, Group, Note, Decision, View);

pub(crate) fn find<'a, T: Keyed>(items: &'a [T], id: &str) -> Option<&'a T> {
    items
        .binary_search_by(|item| item.key().cmp(id))
        .ok()
        .and_then(|i| items.get(i))
}

pub(crate) fn find_mut<'a, T: Keyed>(items: &'a mut [T], id: &str) -> Option<&'a mut T> {
    let index = items.binary_search_by(|item| item.key().cmp(id)).ok()?;
    items.get_mut(index)
}

/// Inserts keeping the order; returns the item back when its id is taken.
pub(crate) fn insert_sorted<T: Keyed>(items: &mut Vec<T>, item: T) -> Result<(), T> {
    match items.binary_search_by(|probe| probe.key().cmp(item.key())) {
        Ok(_) => Err(item),
        Err(index) => {
            items.insert(index, item);
            Ok(())
        }
    }
}

pub(crate) fn remove_sorted<T: Keyed>(items: &mut Vec<T>, id: &str) -> Option<T> {
    let index = items.binary_search_by(|item| item.key().cmp(id)).ok()?;
    Some(items.remove(index))
}

impl Document {
    /// An empty model.
    pub fn new(meta: Meta) -> Self {
        Self {
            version: CURRENT_VERSION,
            meta,
            groups: Vec::new(),
            components: Vec::new(),
            connections: Vec::new(),
            notes: Vec::new(),
            rules: RuleSettings::default(),
            waivers: Vec::new(),
            decisions: Vec::new(),
            views: Vec::new(),
        }
    }

    pub fn components(&self) -> &[Component] {
        &self.components
    }

    pub fn connections(&self) -> &[Connection] {
        &self.connections
    }

    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    pub fn waivers(&self) -> &[Waiver] {
        &self.waivers
    }

    pub fn decisions(&self) -> &[Decision] {
        &self.decisions
    }

    pub fn views(&self) -> &[View] {
        &self.views
    }

    pub fn view(&self, id: &str) -> Option<&View> {
        find(&self.views, id)
    }

    pub fn component(&self, id: &str) -> Option<&Component> {
        find(&self.components, id)
    }

    /// The position of component `id` among [`Document::components`].
    pub fn component_index(&self, id: &str) -> Option<usize> {
        self.components
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .ok()
    }

    pub fn connection_index(&self, id: &str) -> Option<usize> {
        self.connections
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .ok()
    }

    pub fn connection(&self, id: &str) -> Option<&Connection> {
        find(&self.connections, id)
    }

    pub fn group(&self, id: &str) -> Option<&Group> {
        find(&self.groups, id)
    }

    pub fn note(&self, id: &str) -> Option<&Note> {
        find(&self.notes, id)
    }

    pub fn decision(&self, id: &str) -> Option<&Decision> {
        find(&self.decisions, id)
    }

    /// Looks an id up among every kind of element. Ids are unique across kinds.
    pub fn element(&self, id: &str) -> Option<ElementRef<'_>> {
        if let Some(c) = self.component(id) {
            return Some(ElementRef::Component(c));
        }
        if let Some(c) = self.connection(id) {
            return Some(ElementRef::Connection(c));
        }
        if let Some(g) = self.group(id) {
            return Some(ElementRef::Group(g));
        }
        self.note(id).map(ElementRef::Note)
    }

    /// True when any element already uses `id`.
    pub fn id_in_use(&self, id: &str) -> bool {
        self.element(id).is_some() || self.decision(id).is_some() || self.view(id).is_some()
    }

    /// A free id derived from `hint`: `orders-db`, then `orders-db-2`, ...
    pub fn fresh_id(&self, hint: &str) -> String {
        let base = super::slugify(hint);
        if !self.id_in_use(&base) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|candidate| !self.id_in_use(candidate))
            .unwrap_or(base)
    }

    /// Connections that start or end at `id`.
    pub fn connections_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Connection> + 'a {
        self.connections
            .iter()
            .filter(move |c| c.from.as_str() == id || c.to.as_str() == id)
    }

    /// Components whose group is `id`.
    pub fn members_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Component> + 'a {
        self.components
            .iter()
            .filter(move |c| c.group.as_ref().is_some_and(|g| g.as_str() == id))
    }

    /// Groups whose parent is `id`.
    pub fn children_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Group> + 'a {
        self.groups
            .iter()
            .filter(move |g| g.parent.as_ref().is_some_and(|p| p.as_str() == id))
    }

    /// The trust zones and bounded contexts a component belongs to besides its placement.
    pub fn memberships(&self, component: &Component) -> Vec<&Group> {
        component
            .member_of
            .iter()
            .filter_map(|id| self.group(id.as_str()))
            .collect()
    }

    /// Their names, for captions and documents.
    pub fn membership_names(&self, component: &Component) -> Vec<&str> {
        self.memberships(component)
            .into_iter()
            .map(|g| g.name.as_str())
            .collect()
    }

    /// The group a component is drawn in: the innermost trust zone or bounded context it
    /// belongs to (`member_of`) that lies in its placement with no other place between (a
    /// PCI zone within the booking context holds the payment service placed in that
    /// context), else its placement. A zone elsewhere (across subnets) cannot hold a box
    /// placed in one of them, nor a zone drawn in a narrower place than the box runs in: a
    /// PHI zone in the data subnet would draw a function placed in the region as running in
    /// that subnet (see [`GroupKind::is_deployment`]).
    pub fn drawn_in<'s>(&'s self, component: &'s Component) -> Option<&'s GroupId> {
        let placement = component.group.as_ref();
        component
            .member_of
            .iter()
            .filter_map(|id| {
                let chain = self.group_chain(Some(id));
                let (zone, around) = chain.split_first()?;
                // The groups between the zone and the placement.
                let between = match placement {
                    Some(placement) if zone.id == *placement => &[][..],
                    Some(placement) => {
                        let at = around.iter().position(|g| g.id == *placement)?;
                        &around[..at]
                    }
                    None => around,
                };
                let holds = between.iter().all(|g| !g.kind.is_deployment());
                holds.then_some((chain.len(), id))
            })
            // The innermost; of zones as deep, the first listed.
            .fold(
                None,
                |best: Option<(usize, &GroupId)>, (depth, id)| match best {
                    Some((deepest, _)) if deepest >= depth => best,
                    _ => Some((depth, id)),
                },
            )
            .map(|(_, id)| id)
            .or(placement)
    }

    /// The chain of groups from the component's own group up to the outermost one.
    pub fn group_chain(&self, start: Option<&GroupId>) -> Vec<&Group> {
        let mut chain = Vec::new();
        let mut next = start;
        while let Some(id) = next {
            let Some(group) = self.group(id.as_str()) else {
                break;
            };
            if chain.iter().any(|g: &&Group| g.id == group.id) {
                break; // a cycle; validation reports it
            }
            chain.push(group);
            next = group.parent.as_ref();
        }
        chain
    }

    /// Puts every collection in canonical order. Load and edits keep this invariant; call it
    /// after building a document by other means.
    pub fn normalize(&mut self) {
        self.groups.sort_by(|a, b| a.id.cmp(&b.id));
        self.components.sort_by(|a, b| a.id.cmp(&b.id));
        self.connections.sort_by(|a, b| a.id.cmp(&b.id));
        self.notes.sort_by(|a, b| a.id.cmp(&b.id));
        self.decisions.sort_by(|a, b| a.id.cmp(&b.id));
        self.views.sort_by(|a, b| a.id.cmp(&b.id));
        for view in &mut self.views {
            view.normalize();
        }
        self.waivers.sort();
        self.waivers.dedup();
        for component in &mut self.components {
            component.tags.sort();
            component.tags.dedup();
            component.member_of.sort();
            component.member_of.dedup();
            component.topics.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_ids_skip_used_ones() {
        let mut doc = Document::new(Meta::default());
        let id = ComponentId::new(doc.fresh_id("Orders DB")).expect("slug");
        assert_eq!(id.as_str(), "orders-db");
        insert_sorted(
            &mut doc.components,
            Component::new(id, KindId::new("postgresql"), "Orders DB", Point::default()),
        )
        .expect("free id");
        assert_eq!(doc.fresh_id("Orders DB"), "orders-db-2");
    }
}
