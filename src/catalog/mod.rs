//! The catalog of component kinds and connection kinds, read from `assets/catalog/*.ron`
//! (embedded at build time). It decides which properties a kind takes and which connections
//! are legal between two kinds.

mod deployment;
mod exporter;
mod recipe;
mod regions;
mod schema;

use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

pub use deployment::{
    AtRest, Availability, CloudService, CloudServices, Deployment, Health, LocalImage,
};
pub use exporter::{MetricsExporter, StoreAlert, UsePanel};
pub use recipe::Recipe;
pub use regions::{CloudRegion, Near, Regions};
pub use schema::{PropertySpec, PropertyType, PropertyTypeError, did_you_mean};

use crate::model::{
    ApiStyle, Cloud, Component, ComponentId, Connection, ConnectionKindId, KindId, PropertyValue,
};

/// Palette section of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Client,
    Edge,
    Compute,
    Data,
    Messaging,
    Observability,
    Security,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Self::Client,
        Self::Edge,
        Self::Compute,
        Self::Data,
        Self::Messaging,
        Self::Observability,
        Self::Security,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Client => "Clients",
            Self::Edge => "Edge",
            Self::Compute => "Compute",
            Self::Data => "Data",
            Self::Messaging => "Messaging",
            Self::Observability => "Observability",
            Self::Security => "Security",
        }
    }
}

/// What a kind is, as far as rules care. Rules key on traits, never on kind ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trait {
    Client,
    External,
    /// A whole software system drawn as one box (a context view's system, or another
    /// in-house system): it says nothing about what runs inside.
    System,
    Edge,
    Dns,
    Cdn,
    Waf,
    Gateway,
    LoadBalancer,
    /// Balances TCP/UDP connections without reading requests: no WAF or request auth can sit
    /// in front of it or inside it.
    Layer4,
    /// Routes HTTP into a Kubernetes cluster (its Ingress objects are generated from it).
    Ingress,
    PublicEntry,
    Compute,
    Serverless,
    Consumer,
    Scheduled,
    Orchestrator,
    Stateful,
    Datastore,
    Relational,
    DocumentStore,
    Cache,
    Search,
    Analytics,
    ObjectStore,
    Broker,
    Queue,
    Stream,
    /// A log split into partitions, each read by one consumer of a group (Kafka, Event Hubs).
    Partitioned,
    EventBus,
    TelemetrySink,
    Metrics,
    Logs,
    Tracing,
    Dashboard,
    Alerting,
    AdminUi,
    Identity,
    Secrets,
    KeyManagement,
    Managed,
}

impl Trait {
    /// The trait a file names (`datastore`, `load_balancer`), as the catalog spells it.
    pub fn from_name(name: &str) -> Option<Trait> {
        use serde::de::IntoDeserializer;
        let name: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
            name.into_deserializer();
        Trait::deserialize(name).ok()
    }
}

/// The SQL dialect a relational store speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SqlDialect {
    Postgresql,
    Mysql,
}

impl SqlDialect {
    pub fn label(self) -> &'static str {
        match self {
            Self::Postgresql => "PostgreSQL",
            Self::Mysql => "MySQL",
        }
    }
}

/// How an edge behaves at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStyle {
    /// The caller waits for the answer.
    Sync,
    /// Fire and forget through a broker, or replication.
    Async,
    /// Out-of-band metrics, logs and traces.
    Telemetry,
}

/// A resolved component kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentKind {
    pub id: KindId,
    pub label: String,
    /// What a card's subtitle says where the label finds no room ("Worker" for "Worker /
    /// consumer"), read whole where the label cut would say little ("Worker / con…"); empty
    /// where the label is short already.
    pub short: String,
    pub category: Category,
    pub icon: String,
    pub technology: String,
    pub doc: String,
    pub traits: Vec<Trait>,
    pub properties: Vec<PropertySpec>,
    /// Connection kinds this kind may start.
    pub starts: Vec<ConnectionKindId>,
    /// Connection kinds this kind may accept.
    pub ends: Vec<ConnectionKindId>,
    /// How it is deployed.
    pub runs: Deployment,
    /// The image that stands in for it in a local stack, if one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local: Option<LocalImage>,
    /// How its metrics are read, when it is a store or broker with a known exporter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<MetricsExporter>,
    /// The managed service it becomes on each cloud.
    pub clouds: CloudServices,
    /// What producers and consumers speak to a broker, as AsyncAPI names protocols (`kafka`,
    /// `amqp`); a cloud service may speak another (see [`CloudService::messaging_protocol`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messaging_protocol: Option<String>,
    /// The SQL a relational store speaks, for its tables' DDL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sql_dialect: Option<SqlDialect>,
    /// Positions in `properties` by name: rules look properties up constantly.
    #[serde(skip)]
    property_index: FxHashMap<String, usize>,
}

impl ComponentKind {
    /// The managed service a component of this kind becomes on `cloud`: none for what runs
    /// outside the account, or what the component's `hosting` says is bought as SaaS (see
    /// [`ComponentKind::bought_as_saas`]).
    pub fn service_on<'h>(
        &self,
        cloud: Cloud,
        hosting: impl FnOnce() -> Option<&'h str>,
    ) -> Option<&CloudService> {
        if !self.runs.in_account() || self.bought_as_saas(hosting) {
            return None;
        }
        self.clouds.get(cloud)
    }

    /// Whether a component of this kind whose `hosting` property reads as `hosting` gives is
    /// bought as SaaS. Only kinds that take the property can say so; it is not asked of the
    /// rest, since rules ask this of every component.
    pub fn bought_as_saas<'h>(&self, hosting: impl FnOnce() -> Option<&'h str>) -> bool {
        self.property_position("hosting").is_some() && hosting() == Some("saas")
    }

    pub fn has(&self, t: Trait) -> bool {
        self.traits.contains(&t)
    }

    /// What producers and consumers speak to this broker on `cloud` (or locally, `None`).
    pub fn messaging_protocol_on(&self, cloud: Option<Cloud>) -> Option<&str> {
        cloud
            .and_then(|cloud| self.clouds.get(cloud))
            .and_then(|service| service.messaging_protocol.as_deref())
            .or(self.messaging_protocol.as_deref())
    }

    pub fn property(&self, name: &str) -> Option<&PropertySpec> {
        self.property_position(name)
            .and_then(|i| self.properties.get(i))
    }

    /// Where a property sits in `properties`.
    pub fn property_position(&self, name: &str) -> Option<usize> {
        self.property_index.get(name).copied()
    }
}

/// A resolved connection kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectionKind {
    pub id: ConnectionKindId,
    pub label: String,
    /// What a diagram says where the label finds no room ("DB query" for "Database
    /// query"), read whole where the label cut would say nothing ("Database…"); empty
    /// where the label is short already.
    pub short: String,
    pub style: ConnectionStyle,
    pub protocol: String,
    pub doc: String,
    pub properties: Vec<PropertySpec>,
    /// When, while a component handles a request, it usually makes a call of this kind,
    /// earliest first: names are resolved, then the session or token checked, caches read
    /// before databases, databases before the services called, and events published last
    /// (after the write they announce). Dynamic views number steps in this order.
    pub request_phase: u8,
    /// The API style of the operations this kind carries (`Operation`s on the connection);
    /// `None`: it carries none.
    pub api: Option<ApiStyle>,
    /// Whether it carries queries of the target's entities (a database call).
    pub queries: bool,
    /// Whether what it carries flows from its target to its source (a consumer reads from
    /// its broker), so that diagrams draw it the other way (see [`Catalog::drawn_ends`]).
    pub flows_back: bool,
}

impl ConnectionKind {
    pub fn property(&self, name: &str) -> Option<&PropertySpec> {
        self.properties.iter().find(|p| p.name == name)
    }

    /// Where a property sits in `properties`.
    pub fn property_position(&self, name: &str) -> Option<usize> {
        self.properties.iter().position(|p| p.name == name)
    }
}

/// Why a connection is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IllegalConnection {
    #[error("unknown connection kind `{kind}`{}", suggestion(.did_you_mean))]
    UnknownKind {
        kind: String,
        did_you_mean: Option<String>,
    },
    #[error("a component cannot connect to itself")]
    SelfLoop,
    #[error(
        "{from_label} (`{from_kind}`) cannot start a `{kind}` connection; it can start: {allowed}"
    )]
    CannotStart {
        from_label: String,
        from_kind: String,
        kind: String,
        allowed: String,
    },
    #[error("{to_label} (`{to_kind}`) cannot accept a `{kind}` connection; it accepts: {allowed}")]
    CannotAccept {
        to_label: String,
        to_kind: String,
        kind: String,
        allowed: String,
    },
    #[error(
        "no connection kind fits: {from_label} can start {starts}; {to_label} accepts {accepts}"
    )]
    NoFittingKind {
        from_label: String,
        starts: String,
        to_label: String,
        accepts: String,
    },
}

pub(crate) fn suggestion(did_you_mean: &Option<String>) -> String {
    did_you_mean
        .as_ref()
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

fn list_or_none(ids: &[ConnectionKindId]) -> String {
    if ids.is_empty() {
        "nothing".to_owned()
    } else {
        ids.iter()
            .map(ConnectionKindId::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every kind the app knows.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    kinds: Vec<ComponentKind>,
    connection_kinds: Vec<ConnectionKind>,
    toolchains: BTreeMap<String, Toolchain>,
}

/// A problem in a catalog file. The built-in catalog is tested to have none.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("{file}: {source}")]
    Parse {
        file: &'static str,
        source: ron::error::SpannedError,
    },
    #[error("kind `{kind}`: {problem}")]
    Kind { kind: String, problem: String },
    #[error("connection kind `{kind}`: {problem}")]
    ConnectionKind { kind: String, problem: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ComponentsFile {
    property_sets: BTreeMap<String, Vec<PropertySpec>>,
    profiles: BTreeMap<String, ProfileFile>,
    #[serde(default)]
    toolchains: BTreeMap<String, Toolchain>,
    kinds: Vec<KindFile>,
}

/// How a CI pipeline builds and tests code of one language (`language` property values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Toolchain {
    /// The action that installs it; empty when the runner already has it.
    #[serde(default)]
    pub setup: String,
    /// The action's inputs; `{dir}` stands for the service's folder.
    #[serde(default)]
    pub with: BTreeMap<String, String>,
    /// Commands run in the service's folder, in order.
    pub test: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    starts: Vec<ConnectionKindId>,
    ends: Vec<ConnectionKindId>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KindFile {
    id: KindId,
    label: String,
    #[serde(default)]
    short: String,
    category: Category,
    icon: String,
    technology: String,
    traits: Vec<Trait>,
    profile: String,
    #[serde(default)]
    property_sets: Vec<String>,
    #[serde(default)]
    properties: Vec<PropertySpec>,
    #[serde(default)]
    defaults: BTreeMap<String, PropertyValue>,
    #[serde(default)]
    extra_starts: Vec<ConnectionKindId>,
    #[serde(default)]
    extra_ends: Vec<ConnectionKindId>,
    runs: Deployment,
    #[serde(default)]
    local: Option<LocalImage>,
    #[serde(default)]
    metrics: Option<MetricsExporter>,
    #[serde(default)]
    clouds: CloudServices,
    #[serde(default)]
    messaging_protocol: Option<String>,
    #[serde(default)]
    sql_dialect: Option<SqlDialect>,
    doc: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectionsFile {
    property_sets: BTreeMap<String, Vec<PropertySpec>>,
    kinds: Vec<ConnectionKindFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectionKindFile {
    id: ConnectionKindId,
    label: String,
    #[serde(default)]
    short: String,
    style: ConnectionStyle,
    protocol: String,
    doc: String,
    #[serde(default)]
    property_sets: Vec<String>,
    #[serde(default)]
    properties: Vec<PropertySpec>,
    request_phase: u8,
    #[serde(default)]
    api: Option<ApiStyle>,
    #[serde(default)]
    queries: bool,
    #[serde(default)]
    flows_back: bool,
}

const COMPONENTS_RON: &str = include_str!("../../assets/catalog/components.ron");
const CONNECTIONS_RON: &str = include_str!("../../assets/catalog/connections.ron");

static BUILTIN: LazyLock<Catalog> =
    LazyLock::new(|| match Catalog::parse(COMPONENTS_RON, CONNECTIONS_RON) {
        Ok(catalog) => catalog,
        // The embedded catalog is checked by the test suite; a broken one is a build defect,
        // not user input, so there is nothing to recover to.
        Err(error) => panic!("the built-in catalog is invalid: {error}"),
    });

pub(crate) fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

fn resolve_sets(
    sets: &BTreeMap<String, Vec<PropertySpec>>,
    names: &[String],
    own: Vec<PropertySpec>,
) -> Result<Vec<PropertySpec>, String> {
    let mut properties = Vec::new();
    for name in names {
        let set = sets
            .get(name)
            .ok_or_else(|| format!("unknown property set `{name}`"))?;
        properties.extend(set.iter().cloned());
    }
    properties.extend(own);
    let mut seen = std::collections::BTreeSet::new();
    for p in &properties {
        if !seen.insert(p.name.as_str()) {
            return Err(format!("property `{}` is defined twice", p.name));
        }
        p.check(&p.default)
            .map_err(|e| format!("default of `{}`: {e}", p.name))?;
    }
    Ok(properties)
}

impl Catalog {
    /// The catalog shipped with Archsmith.
    pub fn builtin() -> &'static Catalog {
        &BUILTIN
    }

    /// Parses and resolves catalog files, checking every cross-reference.
    pub fn parse(components_ron: &str, connections_ron: &str) -> Result<Self, CatalogError> {
        let options = ron_options();
        let connections: ConnectionsFile =
            options
                .from_str(connections_ron)
                .map_err(|source| CatalogError::Parse {
                    file: "connections.ron",
                    source,
                })?;
        let components: ComponentsFile =
            options
                .from_str(components_ron)
                .map_err(|source| CatalogError::Parse {
                    file: "components.ron",
                    source,
                })?;

        let mut connection_kinds = Vec::new();
        for kind in connections.kinds {
            let properties = resolve_sets(
                &connections.property_sets,
                &kind.property_sets,
                kind.properties,
            )
            .map_err(|problem| CatalogError::ConnectionKind {
                kind: kind.id.0.clone(),
                problem,
            })?;
            connection_kinds.push(ConnectionKind {
                id: kind.id,
                label: kind.label,
                short: kind.short,
                style: kind.style,
                protocol: kind.protocol,
                doc: kind.doc,
                properties,
                request_phase: kind.request_phase,
                api: kind.api,
                queries: kind.queries,
                flows_back: kind.flows_back,
            });
        }
        connection_kinds.sort_by(|a, b| a.id.cmp(&b.id));

        let mut kinds = Vec::new();
        let toolchains = components.toolchains;
        for kind in components.kinds {
            let fail = |problem: String| CatalogError::Kind {
                kind: kind.id.0.clone(),
                problem,
            };
            let mut properties = resolve_sets(
                &components.property_sets,
                &kind.property_sets,
                kind.properties,
            )
            .map_err(fail)?;
            for (name, value) in &kind.defaults {
                let spec = properties
                    .iter_mut()
                    .find(|p| &p.name == name)
                    .ok_or_else(|| fail(format!("default for unknown property `{name}`")))?;
                spec.check(value)
                    .map_err(|e| fail(format!("default of `{name}`: {e}")))?;
                spec.default = value.clone();
            }
            let profile = components
                .profiles
                .get(&kind.profile)
                .ok_or_else(|| fail(format!("unknown profile `{}`", kind.profile)))?;
            let mut starts: Vec<_> = profile
                .starts
                .iter()
                .chain(&kind.extra_starts)
                .cloned()
                .collect();
            let mut ends: Vec<_> = profile
                .ends
                .iter()
                .chain(&kind.extra_ends)
                .cloned()
                .collect();
            for id in starts.iter().chain(&ends) {
                if connection_kinds.binary_search_by(|k| k.id.cmp(id)).is_err() {
                    return Err(fail(format!("unknown connection kind `{id}`")));
                }
            }
            if kind.runs.is_own_code() && kind.local.is_some() {
                return Err(fail(
                    "is the team's own code, built locally, and takes no `local` image".into(),
                ));
            }
            kind.clouds.check(kind.runs).map_err(fail)?;
            if kind.traits.contains(&Trait::Relational) != kind.sql_dialect.is_some() {
                return Err(fail(
                    "needs a `sql_dialect` exactly when it is relational".into(),
                ));
            }
            if kind.traits.contains(&Trait::Broker) != kind.messaging_protocol.is_some() {
                return Err(fail(
                    "needs a `messaging_protocol` exactly when it is a broker (AsyncAPI names it)"
                        .into(),
                ));
            }
            starts.sort();
            starts.dedup();
            ends.sort();
            ends.dedup();
            let property_index = properties
                .iter()
                .enumerate()
                .map(|(i, p)| (p.name.clone(), i))
                .collect();
            kinds.push(ComponentKind {
                property_index,
                id: kind.id,
                label: kind.label,
                short: kind.short,
                category: kind.category,
                icon: kind.icon,
                technology: kind.technology,
                messaging_protocol: kind.messaging_protocol,
                sql_dialect: kind.sql_dialect,
                doc: kind.doc,
                traits: kind.traits,
                properties,
                starts,
                ends,
                runs: kind.runs,
                local: kind.local,
                metrics: kind.metrics,
                clouds: kind.clouds,
            });
        }
        kinds.sort_by(|a, b| a.id.cmp(&b.id));
        if let Some(pair) = kinds.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(CatalogError::Kind {
                kind: pair[0].id.0.clone(),
                problem: "defined twice".into(),
            });
        }
        if let Some(pair) = connection_kinds.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(CatalogError::ConnectionKind {
                kind: pair[0].id.0.clone(),
                problem: "defined twice".into(),
            });
        }
        Ok(Self {
            kinds,
            connection_kinds,
            toolchains,
        })
    }

    pub fn kinds(&self) -> &[ComponentKind] {
        &self.kinds
    }

    /// How CI builds and tests code in `language` (a `language` property value).
    pub fn toolchain(&self, language: &str) -> Option<&Toolchain> {
        self.toolchains.get(language)
    }

    pub fn connection_kinds(&self) -> &[ConnectionKind] {
        &self.connection_kinds
    }

    pub fn kind(&self, id: &str) -> Option<&ComponentKind> {
        self.kinds
            .binary_search_by(|k| k.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.kinds.get(i))
    }

    pub fn connection_kind(&self, id: &str) -> Option<&ConnectionKind> {
        self.connection_kinds
            .binary_search_by(|k| k.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.connection_kinds.get(i))
    }

    /// The kind of a component; unknown kinds never survive loading or editing.
    pub fn kind_of(&self, component: &Component) -> Option<&ComponentKind> {
        self.kind(component.kind.as_str())
    }

    /// The managed service `kind` becomes on `cloud`, or `None` when nothing is provisioned
    /// for it there (clients, external systems, SaaS outside the account, unknown kinds).
    pub fn cloud_service(&self, kind: &str, cloud: Cloud) -> Option<&CloudService> {
        self.kind(kind).and_then(|k| k.clouds.get(cloud))
    }

    /// What a component is, for a diagram: its kind's label, or the kind id itself when the
    /// catalog does not know it.
    pub fn kind_label<'a>(&'a self, component: &'a Component) -> &'a str {
        self.kind_of(component)
            .map_or(component.kind.as_str(), |k| k.label.as_str())
    }

    /// `component`'s kind as a card's subtitle says it where the label finds no room: the
    /// kind's short label, else its label.
    pub fn kind_short<'a>(&'a self, component: &'a Component) -> &'a str {
        self.kind_of(component)
            .filter(|k| !k.short.is_empty())
            .map_or_else(|| self.kind_label(component), |k| k.short.as_str())
    }

    /// The closest kind id to a misspelt one.
    pub fn suggest_kind(&self, id: &str) -> Option<String> {
        did_you_mean(id, self.kinds.iter().map(|k| k.id.as_str())).map(str::to_owned)
    }

    pub fn suggest_connection_kind(&self, id: &str) -> Option<String> {
        did_you_mean(id, self.connection_kinds.iter().map(|k| k.id.as_str())).map(str::to_owned)
    }

    /// A component's property: its own value, or the kind's default.
    pub fn property<'a>(
        &'a self,
        component: &'a Component,
        name: &str,
    ) -> Option<&'a PropertyValue> {
        component.properties.get(name).or_else(|| {
            self.kind_of(component)?
                .property(name)
                .map(|spec| &spec.default)
        })
    }

    /// Whether the component is bought as SaaS: its kind takes a `hosting` and it (or its
    /// kind's default) says `saas` (see [`ComponentKind::bought_as_saas`]).
    pub fn bought_as_saas(&self, component: &Component) -> bool {
        self.kind_of(component).is_some_and(|kind| {
            kind.bought_as_saas(|| {
                self.property(component, "hosting")
                    .and_then(PropertyValue::as_text)
            })
        })
    }

    /// A connection's property: its own value, or its kind's default.
    pub fn connection_property<'a>(
        &'a self,
        connection: &'a Connection,
        name: &str,
    ) -> Option<&'a PropertyValue> {
        connection.properties.get(name).or_else(|| {
            self.connection_kind(connection.kind.as_str())?
                .property(name)
                .map(|spec| &spec.default)
        })
    }

    /// Whether the connection blocks its caller: its own override, else its kind's style.
    pub fn is_sync(&self, connection: &Connection) -> bool {
        connection.sync.unwrap_or_else(|| {
            self.connection_kind(connection.kind.as_str())
                .is_some_and(|k| k.style == ConnectionStyle::Sync)
        })
    }

    /// The connection kind's style (what rules about the kind itself read).
    pub fn style(&self, connection: &Connection) -> Option<ConnectionStyle> {
        self.connection_kind(connection.kind.as_str())
            .map(|k| k.style)
    }

    /// The ends of a connection as every diagram draws it, where its arrow starts and where
    /// it points: the way what it carries goes. A consume is drawn from the broker to its
    /// consumer (the messages' way; the model keeps the consumer as the source, since the
    /// consumer opens the connection), so that a pipeline reads producer, broker, consumer.
    pub fn drawn_ends<'c>(&self, connection: &'c Connection) -> (&'c ComponentId, &'c ComponentId) {
        if self.drawn_backwards(connection) {
            (&connection.to, &connection.from)
        } else {
            (&connection.from, &connection.to)
        }
    }

    /// Whether a connection is drawn against its model direction (see [`Self::drawn_ends`]).
    pub fn drawn_backwards(&self, connection: &Connection) -> bool {
        self.connection_kind(connection.kind.as_str())
            .is_some_and(|kind| kind.flows_back)
    }

    /// How the connection behaves, so how every diagram draws it: its kind's style, unless
    /// it says otherwise with `sync` (a webhook over HTTP marked `sync: false` is a message
    /// its sender does not wait for). Telemetry stays telemetry.
    pub fn effective_style(&self, connection: &Connection) -> Option<ConnectionStyle> {
        let style = self.style(connection)?;
        Some(match (style, connection.sync) {
            (ConnectionStyle::Telemetry, _) => ConnectionStyle::Telemetry,
            (_, Some(true)) => ConnectionStyle::Sync,
            (_, Some(false)) => ConnectionStyle::Async,
            (style, None) => style,
        })
    }

    /// Checks that `kind` may go from a component of kind `from` to one of kind `to`.
    pub fn check_connection(
        &self,
        from: &ComponentKind,
        to: &ComponentKind,
        kind: &str,
    ) -> Result<&ConnectionKind, IllegalConnection> {
        let connection_kind =
            self.connection_kind(kind)
                .ok_or_else(|| IllegalConnection::UnknownKind {
                    kind: kind.to_owned(),
                    did_you_mean: self.suggest_connection_kind(kind),
                })?;
        if !from.starts.contains(&connection_kind.id) {
            return Err(IllegalConnection::CannotStart {
                from_label: from.label.clone(),
                from_kind: from.id.0.clone(),
                kind: kind.to_owned(),
                allowed: list_or_none(&from.starts),
            });
        }
        if !to.ends.contains(&connection_kind.id) {
            return Err(IllegalConnection::CannotAccept {
                to_label: to.label.clone(),
                to_kind: to.id.0.clone(),
                kind: kind.to_owned(),
                allowed: list_or_none(&to.ends),
            });
        }
        Ok(connection_kind)
    }

    /// The connection kinds allowed from `from` to `to`, or why there are none.
    pub fn connection_options(
        &self,
        from: &ComponentKind,
        to: &ComponentKind,
    ) -> Result<Vec<&ConnectionKind>, IllegalConnection> {
        let allowed = self.allowed_connections(from, to);
        if allowed.is_empty() {
            return Err(IllegalConnection::NoFittingKind {
                from_label: from.label.clone(),
                starts: list_or_none(&from.starts),
                to_label: to.label.clone(),
                accepts: list_or_none(&to.ends),
            });
        }
        Ok(allowed)
    }

    /// Every connection kind allowed from `from` to `to`, for the editor's connect menu.
    pub fn allowed_connections(
        &self,
        from: &ComponentKind,
        to: &ComponentKind,
    ) -> Vec<&ConnectionKind> {
        self.connection_kinds
            .iter()
            .filter(|k| from.starts.contains(&k.id) && to.ends.contains(&k.id))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_is_complete() {
        let catalog = Catalog::parse(COMPONENTS_RON, CONNECTIONS_RON).expect("catalog parses");
        assert!(
            catalog.kinds().len() >= 45,
            "{} kinds",
            catalog.kinds().len()
        );
        assert!(catalog.connection_kinds().len() >= 12);
        for category in Category::ALL {
            assert!(
                catalog.kinds().iter().any(|k| k.category == category),
                "{category:?} is empty"
            );
        }
        for kind in catalog.kinds() {
            assert!(!kind.traits.is_empty(), "{} has no traits", kind.id);
            assert!(!kind.icon.is_empty());
        }
    }

    #[test]
    fn short_labels_are_shorter_than_the_labels_they_stand_for() {
        let catalog = Catalog::builtin();
        let labels = catalog.kinds().iter().map(|k| (&k.label, &k.short)).chain(
            catalog
                .connection_kinds()
                .iter()
                .map(|k| (&k.label, &k.short)),
        );
        for (label, short) in labels {
            assert!(
                short.is_empty() || short.chars().count() < label.chars().count(),
                "{short:?} for {label:?}"
            );
        }
        let worker = catalog.kind("worker").expect("worker");
        assert_eq!(worker.short, "Worker");
    }

    #[test]
    fn illegal_pairs_are_refused_with_a_reason() {
        let catalog = Catalog::builtin();
        let cdn = catalog.kind("cdn").expect("cdn");
        let postgres = catalog.kind("postgresql").expect("postgresql");
        let service = catalog.kind("service-go").expect("go");
        let error = catalog
            .check_connection(cdn, postgres, "db_query")
            .expect_err("refused");
        assert!(
            error
                .to_string()
                .contains("CDN (`cdn`) cannot start a `db_query` connection"),
            "{error}"
        );
        let error = catalog
            .check_connection(postgres, service, "http")
            .expect_err("refused");
        assert!(
            error
                .to_string()
                .contains("cannot start a `http` connection"),
            "{error}"
        );
        assert!(
            catalog
                .check_connection(service, postgres, "db_query")
                .is_ok()
        );
        let names: Vec<_> = catalog
            .allowed_connections(service, postgres)
            .iter()
            .map(|k| k.id.as_str())
            .collect();
        assert_eq!(names, ["db_query"]);
        let error = catalog
            .check_connection(service, postgres, "db_qurey")
            .expect_err("unknown");
        assert!(
            error.to_string().contains("did you mean `db_query`"),
            "{error}"
        );
    }

    /// The built-in catalog with `kind`'s deployment fields replaced by `fields`.
    fn with_deployment(kind: &str, fields: &str) -> Result<Catalog, CatalogError> {
        let start = COMPONENTS_RON
            .find(&format!("(id: \"{kind}\""))
            .expect("kind present");
        let runs = start + COMPONENTS_RON[start..].find("runs:").expect("runs");
        let doc = runs + COMPONENTS_RON[runs..].find("doc:").expect("doc");
        let edited = format!(
            "{}{fields}\n{}",
            &COMPONENTS_RON[..runs],
            &COMPONENTS_RON[doc..]
        );
        Catalog::parse(&edited, CONNECTIONS_RON)
    }

    #[test]
    fn a_kind_in_the_account_needs_a_service_on_every_cloud_and_one_outside_needs_none() {
        let aws_only = r#"runs: managed, local: (image: "x", port: 1, health: tcp(1)),
            clouds: (aws: (service: "S", port: 1, availability: model, encryption_at_rest: always, in_network: true, recipe: msk)),"#;
        let error = with_deployment("kafka", aws_only).expect_err("gcp and azure are missing");
        assert!(error.to_string().contains("no service on Gcp"), "{error}");
        let saas_in_aws = r#"runs: saas,
            clouds: (aws: (service: "S", port: 1, availability: model, encryption_at_rest: always, in_network: true, recipe: sqs)),"#;
        let error = with_deployment("pagerduty", saas_in_aws).expect_err("outside the account");
        assert!(error.to_string().contains("outside the account"), "{error}");
        let service_with_image = r#"runs: built, local: (image: "x", port: 1, health: tcp(1)),"#;
        let error = with_deployment("service-go", service_with_image).expect_err("built locally");
        assert!(error.to_string().contains("no `local` image"), "{error}");
        let unknown = r#"runs: teleported,"#;
        assert!(with_deployment("pagerduty", unknown).is_err());
    }

    #[test]
    fn a_cloud_service_names_a_recipe_of_its_own_cloud_and_only_own_code_builds_images() {
        let service = |cloud: &str, recipe: &str| {
            format!(
                r#"{cloud}: (service: "S", port: 1, availability: model, encryption_at_rest: always, in_network: true, recipe: {recipe})"#
            )
        };
        let clouds = |aws: &str, gcp: &str, azure: &str| {
            format!(
                "clouds: ({}, {}, {}),",
                service("aws", aws),
                service("gcp", gcp),
                service("azure", azure)
            )
        };
        let local = r#"local: (image: "x", port: 1, health: tcp(1)),"#;
        let fine = format!(
            "runs: managed, {local} {}",
            clouds("msk", "pubsub", "event_hubs")
        );
        assert!(with_deployment("kafka", &fine).is_ok());
        let crossed = format!(
            "runs: managed, {local} {}",
            clouds("msk", "event_hubs", "event_hubs")
        );
        let error = with_deployment("kafka", &crossed).expect_err("an Azure recipe on GCP");
        assert!(error.to_string().contains("another cloud's"), "{error}");
        let managed_as_code = format!(
            "runs: managed, {local} {}",
            clouds("own_code", "pubsub", "event_hubs")
        );
        let error = with_deployment("kafka", &managed_as_code).expect_err("not own code");
        assert!(error.to_string().contains("own_code"), "{error}");
        let code_as_queue = format!("runs: built, {}", clouds("sqs", "own_code", "own_code"));
        let error = with_deployment("service-go", &code_as_queue).expect_err("own code");
        assert!(error.to_string().contains("own_code"), "{error}");
        let unknown = format!(
            "runs: managed, {local} {}",
            clouds("teleport", "pubsub", "event_hubs")
        );
        assert!(with_deployment("kafka", &unknown).is_err());
    }

    #[test]
    fn every_kind_says_how_it_runs_and_what_it_becomes() {
        let catalog = Catalog::builtin();
        for kind in catalog.kinds() {
            for cloud in Cloud::ALL {
                let service = kind.clouds.get(cloud);
                assert_eq!(
                    service.is_some(),
                    kind.runs.in_account(),
                    "{} on {cloud:?}",
                    kind.id
                );
                if let Some(service) = service {
                    assert!(
                        !service.service.is_empty() && service.port > 0,
                        "{}",
                        kind.id
                    );
                }
            }
            // Stateful infrastructure always has a stand-in image for a local stack.
            if kind.has(Trait::Stateful) {
                assert!(kind.local.is_some(), "{} has no local image", kind.id);
            }
        }
    }

    /// These kinds were added as catalog entries and icons only; what they are drives the
    /// rules (an in-memory fan-out keeps nothing to dead-letter or encrypt) and the exports.
    #[test]
    fn kinds_added_as_data_carry_their_semantics() {
        let catalog = Catalog::builtin();
        for id in [
            "scylladb",
            "azure-service-bus",
            "gcp-pubsub",
            "event-hubs",
            "nats-core",
            "nats",
        ] {
            let kind = catalog
                .kind(id)
                .unwrap_or_else(|| panic!("{id} is in the catalog"));
            assert!(
                crate::icons::icon(&kind.icon).is_some(),
                "{id} has its icon"
            );
        }
        let core = catalog.kind("nats-core").expect("nats-core");
        assert!(
            core.property("dead_letter_queue").is_none()
                && core.property("encryption_at_rest").is_none()
        );
        assert!(
            catalog
                .kind("event-hubs")
                .is_some_and(|k| k.has(Trait::Partitioned))
        );
        assert!(
            catalog
                .kind("nats")
                .is_some_and(|k| !k.has(Trait::Partitioned))
        );
        assert_eq!(
            catalog
                .cloud_service("event-hubs", Cloud::Azure)
                .map(|s| s.port),
            Some(9093),
            "the Kafka endpoint"
        );
    }
}
