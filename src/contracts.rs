//! API contracts, resolved once from the model: the operations each service offers (by API
//! style and version, with the callers that use each, how they authenticate and what limits
//! their rate), the public entry points that reach it, and the messages each broker carries
//! with their producers and consumers. The OpenAPI, AsyncAPI and Protocol Buffers exports and
//! the design document's API section all read this, so they state the same contract.

use std::collections::{BTreeMap, VecDeque};

use heck::ToUpperCamelCase;
use petgraph::Direction;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::catalog::Trait;
use crate::facts::Facts;
use crate::graph::ArchGraph;
use crate::model::{ApiStyle, AuthMode, Component, Connection, Operation, PropertyValue, Topic};
use crate::topics::BrokerFlows;

/// Port a service listens on when the model states none (the workload exports' default).
pub const DEFAULT_SERVICE_PORT: i64 = 8080;

/// Every contract of a model.
#[derive(Debug)]
pub struct Contracts<'a> {
    /// One per service and API style with operations, in service id order.
    pub apis: Vec<ServiceApi<'a>>,
    /// Services (compute) that callers reach over HTTP or gRPC without any operation
    /// stated: their contract cannot be written, and the exports say so.
    pub unstated: Vec<&'a Component>,
    /// One per broker, in id order.
    pub brokers: Vec<BrokerContract<'a>>,
}

/// The API one service offers in one style.
#[derive(Debug)]
pub struct ServiceApi<'a> {
    pub service: &'a Component,
    pub style: ApiStyle,
    /// The fully qualified gRPC service name its callers state (`service`), if any.
    pub rpc_service: Option<&'a str>,
    /// By version, oldest name first; an unversioned API has one with an empty name.
    pub versions: Vec<ApiVersion<'a>>,
    /// Where callers reach it: the public entries in front of it, then the network inside.
    pub servers: Vec<ApiServer<'a>>,
    /// Operations another connection defines again with another shape (method, path,
    /// request or response): the first definition, by connection id, is the contract.
    pub conflicts: Vec<(&'a Connection, &'a Operation)>,
}

/// The operations of one version of an API.
#[derive(Debug)]
pub struct ApiVersion<'a> {
    /// `v2`; empty when neither the operations nor the service state a version.
    pub version: &'a str,
    pub operations: Vec<ApiOperation<'a>>,
}

/// One operation with what the model says about its use.
#[derive(Debug)]
pub struct ApiOperation<'a> {
    pub operation: &'a Operation,
    /// The connections that carry it, in id order.
    pub routes: Vec<&'a Connection>,
    /// How its callers authenticate.
    pub auth: AuthMode,
    /// The entry point that checks callers' credentials, when the call into the service
    /// carries none of its own (a gateway with `auth_required`).
    pub checked_at: Option<&'a Component>,
    /// The identity provider that issues the tokens, when the checking component (or the
    /// service) talks to one.
    pub issuer: Option<&'a Component>,
    pub rate_limit: Option<RateLimit<'a>>,
}

/// A rate limit on an operation and where the model sets it.
#[derive(Debug, Clone, Copy)]
pub struct RateLimit<'a> {
    pub rps: u64,
    pub set_on: LimitSource<'a>,
}

#[derive(Debug, Clone, Copy)]
pub enum LimitSource<'a> {
    Operation,
    Route(&'a Connection),
    Entry(&'a Component),
}

/// Where callers reach an API.
#[derive(Debug)]
pub struct ApiServer<'a> {
    /// The outermost entry in front of the service, or the service itself for callers
    /// inside the network.
    pub entry: &'a Component,
    /// Scheme and host: `https://api.chirp.example`; `None` for a public entry whose
    /// `domain` the model does not state.
    pub url: Option<String>,
    pub public: bool,
    /// The components between the entry and the service, entry first.
    pub via: Vec<&'a Component>,
    /// For the network inside: who calls the service directly.
    pub callers: Vec<&'a Component>,
}

/// The messages one broker carries.
#[derive(Debug)]
pub struct BrokerContract<'a> {
    pub broker: &'a Component,
    /// As AsyncAPI names it (`kafka`, `amqp`), on the model's cloud.
    pub protocol: &'a str,
    /// What it is: the cloud's service (`Pub/Sub topic`) or the technology (`Apache Kafka`).
    pub technology: &'a str,
    /// The port clients reach it on: the cloud service's, or the local image's.
    pub port: Option<u16>,
    pub channels: Vec<Channel<'a>>,
}

/// One topic (or the whole broker, when it declares none) and its flows.
#[derive(Debug)]
pub struct Channel<'a> {
    pub topic: Option<&'a Topic>,
    /// The topic's name, or the broker's id.
    pub address: String,
    /// Name of the message schema: the topic's `message`, or its name in upper camel case.
    pub message: String,
    pub publishes: Vec<&'a Connection>,
    pub consumes: Vec<&'a Connection>,
    /// The topic this one dead-letters into, if any.
    pub dead_letter: Option<&'a str>,
}

impl<'a> ServiceApi<'a> {
    /// Every operation of every version.
    pub fn operations(&self) -> impl Iterator<Item = &ApiOperation<'a>> {
        self.versions.iter().flat_map(|v| &v.operations)
    }
}

impl<'a> Contracts<'a> {
    pub fn new(graph: &'a ArchGraph<'a>) -> Self {
        let doc = graph.document();
        let mut apis = Vec::new();
        let mut unstated = Vec::new();
        for service in doc.components() {
            let inbound: Vec<(&'a Connection, ApiStyle)> = graph
                .connections(service, Direction::Incoming, None)
                .into_iter()
                .filter_map(|c| Some((c, api_style(graph, c)?)))
                .collect();
            if inbound.is_empty() || graph.is_router(service) {
                continue;
            }
            let mut stated_any = false;
            for style in [ApiStyle::Http, ApiStyle::Rpc] {
                let routes: Vec<&'a Connection> = inbound
                    .iter()
                    .filter(|(_, s)| *s == style)
                    .map(|(c, _)| *c)
                    .collect();
                if routes.iter().all(|c| c.operations.is_empty()) {
                    continue;
                }
                stated_any = true;
                apis.push(service_api(graph, service, style, &routes));
            }
            if !stated_any && graph.has_trait(service, Trait::Compute) {
                unstated.push(service);
            }
        }
        let brokers = graph
            .with_trait(Trait::Broker)
            .filter_map(|broker| broker_contract(graph, broker))
            .collect();
        Self {
            apis,
            unstated,
            brokers,
        }
    }
}

/// The API style a connection carries operations in, if its kind carries any.
fn api_style(graph: &ArchGraph<'_>, connection: &Connection) -> Option<ApiStyle> {
    graph
        .catalog()
        .connection_kind(connection.kind.as_str())
        .and_then(|kind| kind.api)
}

fn service_api<'a>(
    graph: &ArchGraph<'a>,
    service: &'a Component,
    style: ApiStyle,
    routes: &[&'a Connection],
) -> ServiceApi<'a> {
    let service_version = graph.text(service, "api_version").unwrap_or("").trim();
    let mut versions: BTreeMap<&'a str, Vec<ApiOperation<'a>>> = BTreeMap::new();
    let mut conflicts = Vec::new();
    let upstream = Upstream::of(graph, routes);
    for route in routes {
        for operation in &route.operations {
            let version = match operation.version.as_str() {
                "" => service_version,
                v => v,
            };
            let same_name = versions
                .values_mut()
                .flatten()
                .find(|o| o.operation.name == operation.name);
            if let Some(known) = same_name {
                if same_shape(known.operation, operation) {
                    known.routes.push(route);
                } else {
                    conflicts.push((*route, operation));
                }
                continue;
            }
            let (auth, checked_at) = match operation.auth {
                Some(auth) => (auth, None),
                None if !route.auth.is_none() => (route.auth, None),
                None => match upstream.checked_auth(graph, route) {
                    // No hop in front checks callers: the service may check their
                    // tokens itself against its identity provider.
                    (AuthMode::None, _) if validates_tokens(graph, service) => {
                        (AuthMode::Jwt, Some(service))
                    }
                    checked => checked,
                },
            };
            // Only a token names who issued it: a key, a password or a signature does not.
            let issuer = match checked_at {
                _ if !auth.uses_issued_tokens() => None,
                Some(entry) => issuer(graph, entry),
                None => issuer(graph, service)
                    .or_else(|| upstream.walk_up(route).find_map(|r| issuer(graph, r))),
            };
            versions.entry(version).or_default().push(ApiOperation {
                operation,
                routes: vec![*route],
                auth,
                checked_at,
                issuer,
                rate_limit: rate_limit(graph, operation, route, &upstream),
            });
        }
    }
    let rpc_service = (style == ApiStyle::Rpc)
        .then(|| {
            routes.iter().find_map(|c| {
                graph
                    .connection_property(c, "service")
                    .and_then(PropertyValue::as_text)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            })
        })
        .flatten();
    ServiceApi {
        service,
        style,
        rpc_service,
        versions: versions
            .into_iter()
            .map(|(version, operations)| ApiVersion {
                version,
                operations,
            })
            .collect(),
        servers: upstream.servers(graph, service, routes),
        conflicts,
    }
}

fn same_shape(a: &Operation, b: &Operation) -> bool {
    a.method == b.method && a.path == b.path && a.request == b.request && a.response == b.response
}

/// The routers in front of a service (CDN, WAF, load balancers, gateways), found once by
/// walking its inbound calls backwards through routers.
struct Upstream<'a> {
    routers: Vec<&'a Component>,
    /// Position in `routers` by id.
    index: FxHashMap<&'a str, usize>,
    /// The routers that call each router.
    callers: Vec<Vec<usize>>,
    /// The router each one was first reached from, towards the service.
    towards: Vec<Option<usize>>,
}

impl<'a> Upstream<'a> {
    fn of(graph: &ArchGraph<'a>, routes: &[&'a Connection]) -> Self {
        let doc = graph.document();
        let mut upstream = Self {
            routers: Vec::new(),
            index: FxHashMap::default(),
            callers: Vec::new(),
            towards: Vec::new(),
        };
        let mut queue = VecDeque::new();
        for route in routes {
            if let Some(caller) = doc.component(route.from.as_str())
                && graph.is_router(caller)
                && let Some(added) = upstream.add(caller, None)
            {
                queue.push_back(added);
            }
        }
        while let Some(current) = queue.pop_front() {
            let router = upstream.routers[current];
            for caller in graph.neighbours(router, Direction::Incoming, None) {
                if !graph.is_router(caller) {
                    continue;
                }
                let index = match upstream.index.get(caller.id.as_str()) {
                    Some(&known) => known,
                    None => match upstream.add(caller, Some(current)) {
                        Some(added) => {
                            queue.push_back(added);
                            added
                        }
                        None => continue,
                    },
                };
                upstream.callers[current].push(index);
            }
        }
        upstream
    }

    fn add(&mut self, router: &'a Component, towards: Option<usize>) -> Option<usize> {
        if self.index.contains_key(router.id.as_str()) {
            return None;
        }
        let index = self.routers.len();
        self.index.insert(router.id.as_str(), index);
        self.routers.push(router);
        self.callers.push(Vec::new());
        self.towards.push(towards);
        Some(index)
    }

    /// The chain from the router at `index` towards the service, entry first.
    fn chain(&self, mut index: usize) -> Vec<&'a Component> {
        let mut chain = vec![self.routers[index]];
        while let Some(next) = self.towards[index] {
            chain.push(self.routers[next]);
            index = next;
        }
        chain
    }

    /// How callers of `route` authenticate when the call itself carries no credential: at
    /// the router nearest the service on their way in that requires authentication, with a
    /// token its identity provider issued (or, without one, a key).
    fn checked_auth(
        &self,
        graph: &ArchGraph<'a>,
        route: &Connection,
    ) -> (AuthMode, Option<&'a Component>) {
        let Some(entry) = self.walk_up(route).find(|c| graph.flag(c, "auth_required")) else {
            return (AuthMode::None, None);
        };
        let mode = if issuer(graph, entry).is_some() {
            AuthMode::Jwt
        } else {
            AuthMode::ApiKey
        };
        (mode, Some(entry))
    }

    /// The routers a request on `route` passes on its way in, nearest the service first
    /// (breadth first over every path in).
    fn walk_up(&self, route: &Connection) -> impl Iterator<Item = &'a Component> + '_ {
        let mut order: Vec<usize> = Vec::new();
        let mut seen: FxHashSet<usize> = FxHashSet::default();
        if let Some(&start) = self.index.get(route.from.as_str()) {
            order.push(start);
            seen.insert(start);
            let mut next = 0;
            while let Some(&current) = order.get(next) {
                for &caller in &self.callers[current] {
                    if seen.insert(caller) {
                        order.push(caller);
                    }
                }
                next += 1;
            }
        }
        order.into_iter().map(|i| self.routers[i])
    }

    /// Where callers reach the service: each outermost router, then, when components call
    /// it directly, the network inside.
    fn servers(
        &self,
        graph: &ArchGraph<'a>,
        service: &'a Component,
        routes: &[&'a Connection],
    ) -> Vec<ApiServer<'a>> {
        let mut servers = Vec::new();
        for (index, router) in self.routers.iter().copied().enumerate() {
            if !self.callers[index].is_empty() {
                continue;
            }
            let chain = self.chain(index);
            let domain = graph
                .text(router, "domain")
                .map(str::trim)
                .filter(|d| !d.is_empty());
            servers.push(ApiServer {
                entry: router,
                url: domain.map(|d| format!("https://{d}")),
                public: true,
                via: chain.into_iter().skip(1).collect(),
                callers: Vec::new(),
            });
        }
        let doc = graph.document();
        let mut direct: Vec<&'a Component> = routes
            .iter()
            .filter_map(|c| doc.component(c.from.as_str()))
            .filter(|c| !graph.is_router(c))
            .collect();
        graph.sort_and_dedup(&mut direct);
        if !direct.is_empty() {
            let tls = routes.iter().all(|c| c.tls);
            let port = graph.int(service, "port").unwrap_or(DEFAULT_SERVICE_PORT);
            servers.push(ApiServer {
                entry: service,
                url: Some(format!(
                    "{}://{}:{port}",
                    if tls { "https" } else { "http" },
                    service.id
                )),
                public: false,
                via: Vec::new(),
                callers: direct,
            });
        }
        servers
    }
}

/// Whether `component` checks its callers' tokens: it has an `auth` connection to an
/// identity provider for a user sign-in flow or for validating tokens (not for its own
/// client credentials).
pub fn validates_tokens(graph: &ArchGraph<'_>, component: &Component) -> bool {
    graph
        .connections(component, Direction::Outgoing, Some("auth"))
        .into_iter()
        .any(|c| {
            graph
                .connection_property(c, "flow")
                .and_then(PropertyValue::as_text)
                != Some("client_credentials")
                && graph
                    .document()
                    .component(c.to.as_str())
                    .is_some_and(|idp| graph.has_trait(idp, Trait::Identity))
        })
}

/// The identity provider `component` validates tokens with, or authenticates against.
fn issuer<'a>(graph: &ArchGraph<'a>, component: &Component) -> Option<&'a Component> {
    graph
        .neighbours(component, Direction::Outgoing, Some("auth"))
        .into_iter()
        .find(|c| graph.has_trait(c, Trait::Identity))
}

fn rate_limit<'a>(
    graph: &ArchGraph<'a>,
    operation: &Operation,
    route: &'a Connection,
    upstream: &Upstream<'a>,
) -> Option<RateLimit<'a>> {
    if let Some(rps) = operation.rate_limit_rps {
        return Some(RateLimit {
            rps,
            set_on: LimitSource::Operation,
        });
    }
    let positive = |value: Option<&PropertyValue>| {
        value
            .and_then(PropertyValue::as_int)
            .and_then(|v| u64::try_from(v).ok())
            .filter(|v| *v > 0)
    };
    if let Some(rps) = positive(graph.connection_property(route, "rate_limit_rps")) {
        return Some(RateLimit {
            rps,
            set_on: LimitSource::Route(route),
        });
    }
    upstream.walk_up(route).find_map(|router| {
        positive(graph.property(router, "rate_limit_rps")).map(|rps| RateLimit {
            rps,
            set_on: LimitSource::Entry(router),
        })
    })
}

fn broker_contract<'a>(
    graph: &'a ArchGraph<'a>,
    broker: &'a Component,
) -> Option<BrokerContract<'a>> {
    let kind = graph.kind(broker)?;
    let protocol = kind.messaging_protocol_on(graph.document().meta.cloud)?;
    let facts = Facts::of_model(graph);
    let service = facts.service(broker);
    let technology = service.map_or(kind.technology.as_str(), |s| s.service.as_str());
    let port = service
        .map(|s| s.port)
        .or_else(|| kind.local.as_ref().map(|l| l.port));
    let flows = BrokerFlows::new(graph, broker);
    let channels = flows
        .topics()
        .into_iter()
        .map(|topic_flows| {
            let topic = topic_flows.topic;
            let address = topic.map_or_else(|| broker.id.to_string(), |t| t.name.clone());
            let message = message_of(broker, topic);
            Channel {
                topic,
                message,
                address,
                publishes: topic_flows.publishes().collect(),
                consumes: topic_flows.consumes().collect(),
                dead_letter: topic.and_then(|t| t.dead_letter.as_deref()),
            }
        })
        .collect();
    Some(BrokerContract {
        broker,
        protocol,
        technology,
        port,
        channels,
    })
}

/// The message schema a topic carries (the broker's only one when it declares no topics):
/// its stated `message`, else, for a dead letter, the message of the topic it takes the
/// failures of, else one named after it.
pub fn message_of(broker: &Component, topic: Option<&Topic>) -> String {
    let own = |t: &Topic| {
        if t.message.is_empty() {
            message_name(&t.name)
        } else {
            t.message.clone()
        }
    };
    match topic {
        Some(t) if !t.message.is_empty() => t.message.clone(),
        Some(t) => broker
            .topics
            .iter()
            .find(|source| source.dead_letter.as_deref() == Some(t.name.as_str()))
            .map_or_else(|| own(t), own),
        None => message_name(broker.id.as_str()),
    }
}

/// A message schema's name from a topic's: `orders.created` → `OrdersCreated`; a name
/// that starts with a digit gets a `Message` prefix, so it stays an identifier.
pub fn message_name(topic: &str) -> String {
    let name: String = topic
        .to_upper_camel_case()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => name,
        _ => format!("Message{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_are_identifiers() {
        assert_eq!(message_name("orders.created"), "OrdersCreated");
        assert_eq!(message_name("post-created"), "PostCreated");
        assert_eq!(message_name("2fa codes"), "Message2faCodes");
    }
}
