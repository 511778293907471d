//! Terraform skeletons for AWS, GCP and Azure. The network policy comes from the graph: every
//! networked component gets its own firewall identity (security group, network tag or
//! application security group) and every connection into it one least-privilege ingress
//! rule on the target's port. Everything is built with hcl-rs (see [`module`]).

mod align;
mod aws;
pub(crate) use aws::cloudwatch_alarms;
pub(crate) use regions::primary_region_code;
pub(crate) use registry::{DIR as REGISTRY_DIR, IMAGES_OUTPUT as REGISTRY_IMAGES_OUTPUT};
mod azure;
mod gcp;
mod kubernetes;
mod module;
mod regions;
mod registry;

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use self::module::{Module, block, literal, raw};
use super::design::escape_markdown;
use super::{ExportError, ExportOptions, Exporter, Format, Output};
use crate::catalog::{
    AtRest, Availability, Catalog, CloudService, ConnectionStyle, Deployment, Recipe, Trait,
};
use crate::facts::Facts;
use crate::graph::ArchGraph;
use crate::model::{Cloud, Component, Document, GroupKind, PropertyValue, slugify};
use crate::topics::BrokerFlows;

#[derive(Debug)]
pub struct TerraformExporter;

impl Exporter for TerraformExporter {
    fn format(&self) -> &'static Format {
        &Format {
            id: "terraform",
            label: "Terraform skeleton",
            extension: None,
        }
    }

    fn export(
        &self,
        doc: &Document,
        catalog: &Catalog,
        options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        let cloud = options.target_cloud(doc, "terraform")?;
        let graph = ArchGraph::new(doc, catalog);
        let plan = Plan::new(&graph, cloud);
        let mut module = Module::default();
        match cloud {
            Cloud::Aws => aws::generate(&mut module, &plan),
            Cloud::Gcp => gcp::generate(&mut module, &plan),
            Cloud::Azure => azure::generate(&mut module, &plan),
        }
        for placed in &plan.components {
            if let Some(note) = &placed.service.note {
                module.todo(format!("`{}`: {note}", placed.slug));
            }
        }
        variables(&mut module, &plan, cloud, doc);
        outputs(&mut module, &plan, cloud);
        let todos = std::mem::take(&mut module.todos);
        let mut files = module.render();
        files.extend(registry::root(&plan, cloud, &project_name(doc)));
        files.insert(
            "README.md".to_owned(),
            readme(&plan, &todos, cloud, &files).into_bytes(),
        );
        Ok(Output::Folder(files))
    }
}

/// What a component is, for the resources it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Service,
    Function,
    Other,
}

/// A component that gets provisioned.
#[derive(Debug)]
pub(super) struct Placed<'a> {
    pub component: &'a Component,
    /// Terraform identifier, unique in the module.
    pub name: String,
    /// The component id, for cloud resource names (ids are slugs).
    pub slug: String,
    /// The managed service it becomes, from the catalog.
    pub service: &'a CloudService,
    /// Its own `port` (the team's code), else the managed service's.
    pub port: u16,
    /// Inside the network, with a firewall identity of its own.
    pub networked: bool,
    /// The model puts it in a public subnet (the exports put it there too, and say so).
    pub public: bool,
    /// Its region, an index into [`Plan::regions`].
    pub region: usize,
    /// Its subnet tier, an index into its region's tiers.
    pub tier: usize,
    pub role: Role,
    /// The Kubernetes namespace it runs in, when it sits inside a Kubernetes boundary.
    pub namespace: Option<String>,
    /// What a broker carries, one channel per declared topic (one for the whole broker when
    /// it declares none); empty for everything else.
    pub channels: Vec<Channel>,
}

/// A topic, queue or stream of a broker, as the cloud resources it becomes.
#[derive(Debug)]
pub(super) struct Channel {
    /// Terraform identifier, unique in the module.
    pub name: String,
    /// Appended to the broker's cloud name: `-orders-created`, or nothing for a broker that
    /// declares no topics. Made of `[a-z0-9-]` only, so it is safe inside a template.
    pub suffix: String,
    /// Partitions or shards: the topic's own, else the broker's `partitions`.
    pub partitions: i64,
    /// Each component that consumes it, once, in connection order.
    pub consumers: Vec<Consumer>,
    /// The Terraform name of the channel the model makes its dead letter, if it names one.
    pub dead_letter: Option<String>,
}

/// A consumer of a channel, which gets its own subscription or queue.
#[derive(Debug)]
pub(super) struct Consumer {
    /// Terraform identifier, unique in the module.
    pub name: String,
    /// The consumer's id as a slug, for cloud names.
    pub slug: String,
}

impl Placed<'_> {
    /// The cloud resource name `<environment>-<id><suffix>`.
    pub fn env_name(&self, suffix: &str) -> hcl::Expression {
        raw(&format!("\"${{var.environment}}-{}{suffix}\"", self.slug))
    }
}

/// A component a proxy forwards to, and the path prefix that selects it, if any.
#[derive(Debug)]
pub(super) struct Route<'p, 'a> {
    pub target: &'p Placed<'a>,
    pub path: Option<&'a str>,
}

/// A Kubernetes boundary of the model: it becomes the cloud's managed cluster.
#[derive(Debug)]
pub(super) struct ClusterBoundary {
    pub name: String,
    pub slug: String,
}

/// Where an ingress rule admits traffic from.
#[derive(Debug)]
pub(super) enum Source<'p, 'a> {
    /// Another networked component's firewall identity.
    Group(&'p Placed<'a>),
    /// Anywhere: the target is an internet-facing entry point.
    Internet,
    /// The private network: the caller is a managed service without an identity of its own.
    Network,
}

#[derive(Debug)]
pub(super) struct IngressRule<'p, 'a> {
    pub target: &'p Placed<'a>,
    pub source: Source<'p, 'a>,
    /// Identifier part naming the source, for the rule's resource name.
    pub source_name: String,
    /// Which connections the rule serves (ids only, which are slugs).
    pub description: String,
}

pub(super) struct Plan<'a> {
    pub graph: &'a ArchGraph<'a>,
    /// What the rules and the design document take to be true on this cloud; the skeleton
    /// provisions exactly that (encryption, zone spread).
    pub facts: Facts<'a>,
    pub components: Vec<Placed<'a>>,
    /// The regions it deploys to, the primary first.
    pub regions: Vec<regions::DeployRegion>,
    /// The model's VPC or VNet boundary, if it draws one.
    pub vpc_name: Option<String>,
    pub clusters: Vec<ClusterBoundary>,
    /// Kubernetes namespaces already declared, so each is declared once.
    pub namespaces: std::cell::RefCell<BTreeSet<String>>,
    /// The (component id, property) pairs the module encodes.
    used: std::cell::RefCell<BTreeSet<(String, String)>>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Plan<'a> {
    fn new(graph: &'a ArchGraph<'a>, cloud: Cloud) -> Self {
        let doc = graph.document();
        let mut names = Module::default();
        let mut components = Vec::new();
        let mut index = HashMap::new();
        let facts = Facts::new(graph, Some(cloud));
        let layout = regions::Layout::new(graph, &facts);
        let mut used = BTreeSet::new();
        for component in doc.components() {
            // Nothing is provisioned for what runs outside the account (SaaS, clients).
            let Some(service) = facts.service(component) else {
                continue;
            };
            let role = match facts.runs(component) {
                Some(Deployment::Function) => Role::Function,
                _ if graph.has_trait(component, Trait::Compute)
                    && !graph.has_trait(component, Trait::Serverless) =>
                {
                    Role::Service
                }
                _ => Role::Other,
            };
            let own_port = graph.int(component, "port");
            // Firewall rules and containers listen on it.
            used.insert((component.id.as_str().to_owned(), "port".to_owned()));
            let namespace = super::workload::namespace(graph, component);
            let name = names.name_for(component.id.as_str());
            let channels = if graph.has_trait(component, Trait::Broker) {
                channels(graph, component, &name, &mut names)
            } else {
                Vec::new()
            };
            index.insert(component.id.as_str(), components.len());
            let (region, tier) = layout.of(component);
            components.push(Placed {
                component,
                name,
                slug: component.id.as_str().replace(['_', '.'], "-"),
                port: own_port
                    .and_then(|p| u16::try_from(p).ok())
                    .unwrap_or(service.port),
                // The team's code inside a cluster runs as pods, which take the cluster's
                // network identity; managed services drawn there keep their own.
                networked: service.in_network
                    && !(namespace.is_some() && facts.runs(component) == Some(Deployment::Built)),
                public: service.in_network && layout.regions[region].tiers[tier].public,
                region,
                tier,
                service,
                role,
                namespace,
                channels,
            });
        }
        let vpc_name = doc
            .groups()
            .iter()
            .find(|g| g.kind == GroupKind::Vpc)
            .map(|g| g.name.clone());
        let clusters = doc
            .groups()
            .iter()
            .filter(|g| g.kind == GroupKind::K8sCluster)
            .map(|g| ClusterBoundary {
                name: names.name_for(&format!("k8s-{}", g.id)),
                slug: g.id.as_str().replace(['_', '.'], "-"),
            })
            .collect();
        Self {
            graph,
            facts,
            components,
            regions: layout.regions,
            vpc_name,
            clusters,
            namespaces: std::cell::RefCell::new(BTreeSet::new()),
            used: std::cell::RefCell::new(used),
            index,
        }
    }

    /// The region `placed` deploys to.
    pub fn region_of(&self, placed: &Placed<'_>) -> &regions::DeployRegion {
        &self.regions[placed.region]
    }

    /// The subnet tier `placed` sits in.
    pub fn tier_of(&self, placed: &Placed<'_>) -> &regions::Tier {
        &self.regions[placed.region].tiers[placed.tier]
    }

    /// Whether the module spans more than one region.
    pub fn multi_region(&self) -> bool {
        self.regions.len() > 1
    }

    /// Records that the module encodes `component`'s property `name`, so the README can list
    /// what the model states and the module does not.
    pub fn uses(&self, component: &Component, name: &str) {
        self.used
            .borrow_mut()
            .insert((component.id.as_str().to_owned(), name.to_owned()));
    }

    fn is_used(&self, component: &Component, name: &str) -> bool {
        self.used
            .borrow()
            .contains(&(component.id.as_str().to_owned(), name.to_owned()))
    }

    pub fn int(&self, component: &Component, name: &str, default: i64) -> i64 {
        self.uses(component, name);
        self.graph.int(component, name).unwrap_or(default)
    }

    pub fn flag(&self, component: &Component, name: &str) -> bool {
        self.uses(component, name);
        self.graph.flag(component, name)
    }

    /// A number (integer or not), or `default` when the model does not give one.
    pub fn float(&self, component: &Component, name: &str, default: f64) -> f64 {
        self.uses(component, name);
        self.graph
            .property(component, name)
            .and_then(PropertyValue::as_float)
            .unwrap_or(default)
    }

    /// A flag whose absence means `default` (`internet_facing` is on unless turned off).
    pub fn flag_or(&self, component: &Component, name: &str, default: bool) -> bool {
        self.uses(component, name);
        self.graph
            .property(component, name)
            .and_then(|v| v.as_bool())
            .unwrap_or(default)
    }

    /// Whether `component` keeps its data encrypted at rest (see [`Facts`]).
    pub fn encrypted(&self, component: &Component) -> bool {
        self.uses(component, "encryption_at_rest");
        self.facts.encrypted_at_rest(component).unwrap_or(true)
    }

    /// Whether `component` spans availability zones (see [`Facts`]).
    pub fn multi_zone(&self, component: &Component) -> bool {
        self.uses(component, "multi_az");
        self.uses(component, "replicas");
        self.facts.multi_zone(component)
    }

    /// The fewest and most instances `component` runs: its autoscaling bounds when it
    /// autoscales, else its replicas.
    pub fn instance_bounds(&self, component: &Component) -> (i64, i64) {
        let replicas = self.int(component, "replicas", 1);
        if self.flag(component, "autoscaling") {
            let min = self.int(component, "autoscaling_min", replicas).max(0);
            (
                min,
                self.int(component, "autoscaling_max", replicas)
                    .max(min)
                    .max(1),
            )
        } else {
            (replicas, replicas)
        }
    }

    /// A text property, when set and not empty.
    pub fn text(&self, component: &'a Component, name: &str) -> Option<&'a str> {
        self.uses(component, name);
        self.graph.text(component, name).filter(|s| !s.is_empty())
    }

    /// The instance size class, which the variables' size maps are keyed by.
    pub fn size(&self, component: &Component) -> &'static str {
        match self.text(component, "instance_size") {
            Some("medium") => "medium",
            Some("large") => "large",
            Some("xlarge") => "xlarge",
            _ => "small",
        }
    }

    pub fn placed(&self, component: &Component) -> Option<&Placed<'a>> {
        self.index
            .get(component.id.as_str())
            .map(|&i| &self.components[i])
    }

    /// Where a proxy forwards: each placed component it calls once, in connection order,
    /// with the path prefix of the first connection that gives one.
    pub fn routes<'p>(&'p self, proxy: &Component) -> Vec<Route<'p, 'a>> {
        let mut routes: Vec<Route<'p, 'a>> = Vec::new();
        for connection in self
            .graph
            .connections(proxy, petgraph::Direction::Outgoing, None)
        {
            if self.graph.style(connection) == Some(ConnectionStyle::Telemetry) {
                continue;
            }
            let Some(target) = self
                .graph
                .endpoints(connection)
                .and_then(|(_, to)| self.placed(to))
            else {
                continue;
            };
            let path = self
                .graph
                .connection_property(connection, "path")
                .and_then(PropertyValue::as_text)
                .map(str::trim)
                .filter(|p| p.starts_with('/'));
            match routes.iter_mut().find(|r| r.target.name == target.name) {
                Some(route) => route.path = route.path.or(path),
                None => routes.push(Route { target, path }),
            }
        }
        routes
    }

    /// The load balancers that forward to `component`.
    pub fn balancers_of<'p>(&'p self, component: &Component) -> Vec<&'p Placed<'a>> {
        let mut balancers: Vec<&'p Placed<'a>> = Vec::new();
        for connection in self
            .graph
            .connections(component, petgraph::Direction::Incoming, None)
        {
            let Some(from) = self
                .graph
                .endpoints(connection)
                .and_then(|(from, _)| self.placed(from))
            else {
                continue;
            };
            let balancer = matches!(from.service.recipe, Recipe::Alb | Recipe::Nlb);
            if balancer && !balancers.iter().any(|b| b.name == from.name) {
                balancers.push(from);
            }
        }
        balancers
    }

    /// One rule per (target, source, port), in document order of the connections.
    pub fn ingress_rules(&self) -> Vec<IngressRule<'_, 'a>> {
        let doc = self.graph.document();
        let mut seen = BTreeSet::new();
        let mut rules = Vec::new();
        for connection in doc.connections() {
            let Some((from, to)) = self.graph.endpoints(connection) else {
                continue;
            };
            let Some(target) = self.placed(to).filter(|t| t.networked) else {
                continue;
            };
            // Connections point from caller to callee, except that consumers pull from
            // brokers: the broker still receives the consumer's connection.
            let source = match self.placed(from) {
                Some(source) if source.networked => Source::Group(source),
                _ if self.graph.has_trait(to, Trait::PublicEntry)
                    || self.graph.has_trait(to, Trait::LoadBalancer)
                        && self.flag_or(to, "internet_facing", false) =>
                {
                    Source::Internet
                }
                _ => Source::Network,
            };
            let source_name = match &source {
                Source::Group(s) => s.name.clone(),
                Source::Internet => "internet".to_owned(),
                Source::Network => "vpc".to_owned(),
            };
            if !seen.insert((target.name.clone(), source_name.clone())) {
                continue;
            }
            rules.push(IngressRule {
                target,
                source,
                source_name,
                description: format!("{} to {} ({})", from.id, to.id, connection.kind.as_str()),
            });
        }
        rules
    }
}

/// The health endpoint's path, when it is safe inside the container's shell command (letters,
/// digits and `/._-~`); anything else probes `/health` and asks for a look.
pub(super) fn health_path(module: &mut Module, plan: &Plan<'_>, placed: &Placed<'_>) -> String {
    let path = plan
        .text(placed.component, "health_path")
        .unwrap_or("/health");
    if super::workload::safe_health_path(path) {
        path.to_owned()
    } else {
        module.todo(format!(
            "`{}`: its health path is not a plain URL path; the health check probes `/health` instead.",
            placed.slug
        ));
        "/health".to_owned()
    }
}

/// A broker's channels, named by `names` so they never collide with the components' names.
fn channels(
    graph: &ArchGraph<'_>,
    broker: &Component,
    broker_name: &str,
    names: &mut Module,
) -> Vec<Channel> {
    let slug = broker.id.as_str().replace(['_', '.'], "-");
    let partitions = graph.int(broker, "partitions").unwrap_or(1).max(1);
    let flows = BrokerFlows::new(graph, broker);
    let mut channels: Vec<Channel> = flows
        .topics()
        .iter()
        .map(|flows| {
            let (name, suffix) = match flows.topic {
                Some(topic) => {
                    let suffix = format!("-{}", slugify(&topic.name));
                    (names.name_for(&format!("{slug}{suffix}")), suffix)
                }
                // A broker without topics is its one channel, named as the broker is.
                None => (broker_name.to_owned(), String::new()),
            };
            let mut seen = BTreeSet::new();
            let consumers = flows
                .consumes()
                .filter_map(|connection| graph.endpoints(connection))
                .filter(|(consumer, _)| seen.insert(consumer.id.as_str()))
                .map(|(consumer, _)| {
                    let consumer_slug = consumer.id.as_str().replace(['_', '.'], "-");
                    Consumer {
                        name: names.name_for(&format!("{name}-{consumer_slug}")),
                        slug: consumer_slug,
                    }
                })
                .collect();
            Channel {
                name,
                suffix,
                partitions: flows
                    .topic
                    .and_then(|topic| topic.partitions)
                    .map_or(partitions, i64::from),
                consumers,
                dead_letter: None,
            }
        })
        .collect();
    // Topics are sorted by name and channels follow them one to one.
    let names_by_topic: HashMap<&str, String> = broker
        .topics
        .iter()
        .zip(&channels)
        .map(|(topic, channel)| (topic.name.as_str(), channel.name.clone()))
        .collect();
    for (topic, channel) in broker.topics.iter().zip(&mut channels) {
        channel.dead_letter = topic
            .dead_letter
            .as_deref()
            .and_then(|name| names_by_topic.get(name).cloned());
    }
    channels
}

/// A kind this provider has no resource mapping for: a valid, commented `locals` entry that
/// names the managed service to configure by hand, and a README TODO.
pub(super) fn placeholder(module: &mut Module, placed: &Placed<'_>, kind: &str) {
    let service = &placed.service.service;
    let slug = &placed.slug;
    module.add_commented(
        "placeholders.tf",
        &[format!(
            "TODO: {slug} ({kind}) maps to {service}; configure it by hand."
        )],
        &block("locals")
            .add_attribute((
                format!("{}_todo", placed.name).as_str(),
                literal(&format!("{kind}: {service}")),
            ))
            .build(),
    );
    module.todo(format!(
        "`{slug}` ({kind}): {service}; see placeholders.tf."
    ));
}

/// The credentials the module makes itself rather than take as variables, by the recipe
/// that needs them: no person types them, and a pipeline passes no secret to plan.
const GENERATED_SECRETS: [(Recipe, &str); 4] = [
    (Recipe::ElasticacheRedis, "cache_auth_token"),
    (Recipe::AmazonMq, "mq_password"),
    (Recipe::PostgresqlFlexible, "db_admin_password"),
    (Recipe::MysqlFlexible, "db_admin_password"),
];

/// A credential the module generates (once, however many resources use it), with a
/// sensitive output to read it from the state. Returns the expression of its value.
pub(super) fn generated_secret(module: &mut Module, name: &str, purpose: &str) -> hcl::Expression {
    debug_assert!(GENERATED_SECRETS.iter().any(|(_, n)| *n == name));
    if module.first_time(&format!("secret_{name}")) {
        module.add(
            "security.tf",
            &module::resource("random_password", name)
                .add_attribute(("length", 32))
                // Letters and digits only: brokers and caches refuse some punctuation.
                .add_attribute(("special", false))
                .build(),
        );
        module.add(
            "outputs.tf",
            &block("output")
                .add_label(name)
                .add_attribute(("description", literal(purpose)))
                .add_attribute(("value", raw(&format!("random_password.{name}.result"))))
                .add_attribute(("sensitive", true))
                .build(),
        );
    }
    raw(&format!("random_password.{name}.result"))
}

/// `terraform { required_providers { ... } }` for the cloud's provider, plus Kubernetes when
/// the model draws a cluster, and Random when the module generates credentials.
pub(super) fn versions(
    module: &mut Module,
    plan: &Plan<'_>,
    provider: &str,
    source: &str,
    version: &str,
) {
    let mut providers = block("required_providers").add_attribute((
        provider,
        module::object([("source", literal(source)), ("version", literal(version))]),
    ));
    if !plan.clusters.is_empty() {
        providers = providers.add_attribute(kubernetes::required_provider());
    }
    if plan.components.iter().any(|p| {
        GENERATED_SECRETS
            .iter()
            .any(|(recipe, _)| *recipe == p.service.recipe)
    }) {
        providers = providers.add_attribute((
            "random",
            module::object([
                ("source", literal("hashicorp/random")),
                ("version", literal("~> 3.6")),
            ]),
        ));
    }
    module.add(
        "versions.tf",
        &block("terraform")
            .add_attribute(("required_version", ">= 1.6"))
            .add_block(providers.build())
            .build(),
    );
}

fn variable(
    module: &mut Module,
    name: &str,
    ty: &str,
    description: &str,
    default: Option<hcl::Expression>,
) {
    let mut b = block("variable")
        .add_label(name)
        .add_attribute(("type", raw(ty)))
        .add_attribute(("description", description));
    if let Some(value) = default {
        b = b.add_attribute(("default", value));
    }
    if name.contains("password") {
        b = b.add_attribute(("sensitive", true));
    }
    module.add("variables.tf", &b.build());
}

/// `region_<key>`: where a region other than the primary is, defaulting to the model's.
fn region_variable(module: &mut Module, region: &regions::DeployRegion) {
    let code = region.code.as_deref().unwrap_or_default();
    variable(
        module,
        &format!("region{}", region.suffix()),
        "string",
        &format!("Another region the model uses ({code})."),
        Some(literal(code)),
    );
}

/// The zones of `region` as an HCL list, when the model names the region.
fn zones_list(region: &regions::DeployRegion) -> Option<hcl::Expression> {
    region.code.as_ref()?;
    Some(module::list(region.zones.iter().map(|z| literal(z))))
}

/// How a new image of the team's own code replaces the running one when the Terraform
/// applies a new tag in `image_tags`, on `cloud` (`in_cluster`: on the cloud's Kubernetes;
/// `serves_requests`: something calls it, rather than it consuming a queue). What the
/// generated resources configure, for the design document.
pub(crate) fn rollout(cloud: Cloud, in_cluster: bool, serves_requests: bool) -> String {
    let traffic = if serves_requests {
        ""
    } else {
        "; it takes no requests, so a new instance starts consuming as soon as it runs"
    };
    if in_cluster {
        let taking = if serves_requests {
            ", each new pod taking traffic once its readiness probe passes"
        } else {
            ""
        };
        return format!(
            "a rolling update of the Deployment (Kubernetes' defaults: up to a quarter of the pods replaced at a time){taking}{traffic}; its disruption budget limits evictions when nodes drain, not the update"
        );
    }
    let how = match cloud {
        Cloud::Aws => {
            "an ECS rolling deployment: new tasks replace the old ones once they pass their health checks (the load balancer's, where one routes to the service); the deployment circuit breaker rolls back to the last working task definition when they keep failing, and the apply then fails"
        }
        Cloud::Gcp if serves_requests => {
            "a new Cloud Run revision, which takes all traffic once it starts and passes its startup probe; the previous revision stays to roll back to"
        }
        Cloud::Gcp => {
            "a new Cloud Run revision, which replaces the previous one once it starts and passes its startup probe (a pull consumer still needs its container to listen for that probe)"
        }
        Cloud::Azure => {
            "a new Container Apps revision (single-revision mode), which replaces the old one once its readiness probe passes"
        }
    };
    format!("{how}{traffic}")
}

/// The `project` variable's default: the model name's first three words, as a slug. The
/// delivery pipeline names registries with it too.
pub(crate) fn project_name(doc: &Document) -> String {
    let project = doc
        .meta
        .name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .take(3)
        .collect::<Vec<_>>()
        .join("-");
    if project.is_empty() {
        "app".to_owned()
    } else {
        project
    }
}

fn variables(module: &mut Module, plan: &Plan<'_>, cloud: Cloud, doc: &Document) {
    // The model's own region, so nothing about where it runs is invented here; a model
    // that names none leaves the variables to fill in.
    let primary = &plan.regions[0];
    let region = primary.code.as_deref().map(literal);
    let zones = zones_list(primary);
    let project = project_name(doc);
    variable(
        module,
        "project",
        "string",
        "Short name used as a prefix of resource names.",
        Some(literal(&project)),
    );
    variable(
        module,
        "environment",
        "string",
        "Deployment environment, e.g. dev, staging or prod.",
        Some(literal("dev")),
    );
    variable(
        module,
        "region",
        "string",
        "Region to deploy into (the model's primary region boundary).",
        region,
    );
    registry::variables(module, plan, cloud);
    variable(
        module,
        "log_retention_days",
        "number",
        "Days to keep logs (a year by default, as audits expect).",
        Some(365.into()),
    );
    variable(
        module,
        "domain_name",
        "string",
        "DNS name of the public entry point, e.g. shop.example.com.",
        Some(literal("example.com")),
    );
    match cloud {
        Cloud::Aws => {
            variable(
                module,
                "vpc_cidr",
                "string",
                "Address range of the VPC.",
                Some(literal("10.0.0.0/16")),
            );
            variable(
                module,
                "availability_zones",
                "list(string)",
                "Zones to spread subnets over (the model's zones of its primary region).",
                zones,
            );
            variable(
                module,
                "certificate_arn",
                "string",
                "ACM certificate for HTTPS listeners (fill in).",
                None,
            );
            for (index, region) in plan.regions.iter().enumerate().skip(1) {
                let code = region.code.as_deref().unwrap_or_default();
                region_variable(module, region);
                variable(
                    module,
                    &format!("vpc_cidr{}", region.suffix()),
                    "string",
                    &format!(
                        "Address range of the VPC in {code}; keep it apart from the others so the networks can be peered."
                    ),
                    Some(literal(&format!("10.{index}.0.0/16"))),
                );
                variable(
                    module,
                    &format!("availability_zones{}", region.suffix()),
                    "list(string)",
                    &format!("Zones to spread subnets over in {code} (the model's zones there)."),
                    zones_list(region),
                );
                variable(
                    module,
                    &format!("certificate_arn{}", region.suffix()),
                    "string",
                    &format!(
                        "ACM certificate in {code} for its HTTPS listeners (fill in; certificates are regional)."
                    ),
                    None,
                );
            }
            variable(
                module,
                "cdn_certificate_arn",
                "string",
                "ACM certificate in us-east-1 for the CDN's domain (fill in).",
                None,
            );
            variable(
                module,
                "origin_domain_name",
                "string",
                "Origin the CDN forwards to, e.g. the load balancer's DNS name.",
                Some(literal("origin.example.com")),
            );
            variable(
                module,
                "task_cpu",
                "map(number)",
                "Fargate CPU units by instance size.",
                Some(raw(
                    "{ small = 256, medium = 512, large = 1024, xlarge = 2048 }",
                )),
            );
            variable(
                module,
                "task_memory",
                "map(number)",
                "Fargate memory (MiB) by instance size.",
                Some(raw(
                    "{ small = 512, medium = 1024, large = 2048, xlarge = 4096 }",
                )),
            );
            variable(
                module,
                "db_instance_class",
                "map(string)",
                "RDS instance class by instance size.",
                Some(raw(
                    r#"{ small = "db.t4g.medium", medium = "db.r6g.large", large = "db.r6g.xlarge", xlarge = "db.r6g.2xlarge" }"#,
                )),
            );
            variable(
                module,
                "cache_node_type",
                "map(string)",
                "ElastiCache node type by instance size.",
                Some(raw(
                    r#"{ small = "cache.t4g.small", medium = "cache.r7g.large", large = "cache.r7g.xlarge", xlarge = "cache.r7g.2xlarge" }"#,
                )),
            );
            variable(
                module,
                "docdb_instance_class",
                "map(string)",
                "DocumentDB instance class by instance size.",
                Some(raw(
                    r#"{ small = "db.t4g.medium", medium = "db.r6g.large", large = "db.r6g.xlarge", xlarge = "db.r6g.2xlarge" }"#,
                )),
            );
            variable(
                module,
                "search_instance_type",
                "map(string)",
                "OpenSearch instance type by instance size.",
                Some(raw(
                    r#"{ small = "t3.medium.search", medium = "r6g.large.search", large = "r6g.xlarge.search", xlarge = "r6g.2xlarge.search" }"#,
                )),
            );
            variable(
                module,
                "search_master_type",
                "string",
                "OpenSearch dedicated master node type, for domains of three data nodes or more.",
                Some(literal(
                    crate::analysis::prices::Prices::builtin()
                        .service(Recipe::Opensearch)
                        .and_then(|price| price.control_nodes.as_ref())
                        .map_or("m6g.large.search", |masters| masters.instance.as_str()),
                )),
            );
            variable(
                module,
                "kafka_instance_type",
                "map(string)",
                "MSK broker type by instance size.",
                Some(raw(
                    r#"{ small = "kafka.t3.small", medium = "kafka.m7g.large", large = "kafka.m7g.xlarge", xlarge = "kafka.m7g.2xlarge" }"#,
                )),
            );
            variable(
                module,
                "alarm_thresholds",
                "map(number)",
                "Alarm thresholds by metric.",
                Some(raw(
                    "{ CPUUtilization = 80, EngineCPUUtilization = 80, ApproximateAgeOfOldestMessage = 300, Errors = 5 }",
                )),
            );
        }
        Cloud::Gcp => {
            variable(
                module,
                "project_id",
                "string",
                "Google Cloud project to deploy into (fill in).",
                None,
            );
            variable(
                module,
                "subnet_cidr",
                "string",
                "Address range of the private subnet.",
                Some(literal("10.10.0.0/20")),
            );
            for (index, region) in plan.regions.iter().enumerate().skip(1) {
                let code = region.code.as_deref().unwrap_or_default();
                region_variable(module, region);
                variable(
                    module,
                    &format!("subnet_cidr{}", region.suffix()),
                    "string",
                    &format!("Address range of the private subnet in {code}."),
                    Some(literal(&format!("10.{}.0.0/20", 10 + index))),
                );
            }
            variable(
                module,
                "db_tier",
                "map(string)",
                "Cloud SQL tier by instance size.",
                Some(raw(
                    r#"{ small = "db-custom-1-3840", medium = "db-custom-2-7680", large = "db-custom-4-15360", xlarge = "db-custom-8-30720" }"#,
                )),
            );
            variable(
                module,
                "memory_size_gb",
                "map(number)",
                "Memorystore size by instance size.",
                Some(raw("{ small = 1, medium = 4, large = 16, xlarge = 32 }")),
            );
        }
        Cloud::Azure => {
            variable(
                module,
                "vnet_cidr",
                "string",
                "Address space of the virtual network.",
                Some(literal("10.20.0.0/16")),
            );
            for (index, region) in plan.regions.iter().enumerate().skip(1) {
                let code = region.code.as_deref().unwrap_or_default();
                region_variable(module, region);
                variable(
                    module,
                    &format!("vnet_cidr{}", region.suffix()),
                    "string",
                    &format!(
                        "Address space of the virtual network in {code}; keep it apart from the others so the networks can be peered."
                    ),
                    Some(literal(&format!("10.{}.0.0/16", 20 + index))),
                );
            }
            variable(
                module,
                "db_sku",
                "map(string)",
                "PostgreSQL/MySQL Flexible Server SKU by instance size.",
                Some(raw(
                    r#"{ small = "B_Standard_B1ms", medium = "GP_Standard_D2s_v3", large = "GP_Standard_D4s_v3", xlarge = "GP_Standard_D8s_v3" }"#,
                )),
            );
        }
    }
}

fn outputs(module: &mut Module, plan: &Plan<'_>, cloud: Cloud) {
    let (network, value) = match cloud {
        Cloud::Aws => ("vpc_id", "aws_vpc.main.id"),
        Cloud::Gcp => ("network_id", "google_compute_network.main.id"),
        Cloud::Azure => ("virtual_network_id", "azurerm_virtual_network.main.id"),
    };
    module.add(
        "outputs.tf",
        &block("output")
            .add_label(network)
            .add_attribute(("description", "The network everything runs in."))
            .add_attribute(("value", raw(value)))
            .build(),
    );
    if cloud == Cloud::Aws {
        for placed in plan
            .components
            .iter()
            .filter(|p| matches!(p.service.recipe, Recipe::Alb | Recipe::Nlb))
        {
            module.add(
                "outputs.tf",
                &block("output")
                    .add_label(format!("{}_dns_name", placed.name).as_str())
                    .add_attribute((
                        "description",
                        literal(&format!("DNS name of {}.", placed.slug)),
                    ))
                    .add_attribute(("value", raw(&format!("aws_lb.{}.dns_name", placed.name))))
                    .build(),
            );
        }
    }
}

/// What the model places in a public subnet, stated loudly: the module follows the model
/// (on AWS, the public tier; it gets no public address unless it is an entry point), and the
/// rules report it.
fn public_subnet_section(out: &mut String, plan: &Plan<'_>, cloud: Cloud) {
    // Balancers and gateways belong at the edge; anything else there is worth a warning.
    let public: Vec<&Placed<'_>> = plan
        .components
        .iter()
        .filter(|p| p.public && !plan.graph.has_trait(p.component, Trait::Edge))
        .collect();
    if public.is_empty() {
        return;
    }
    out.push_str("\n## In public subnets, as the model says\n\n");
    out.push_str(match cloud {
        Cloud::Aws => "**These components sit in the public subnets because the model puts them there.** Only entry points get public addresses; still, anything but a load balancer or a NAT gateway belongs in a private subnet (see the findings of `archsmith validate`):\n\n",
        Cloud::Gcp | Cloud::Azure => "**The model puts these components in a public subnet, but this network has one private tier, so they are private here: the module differs from the model.** Move them to a private subnet in the model, or add a public tier by hand:\n\n",
    });
    for placed in public {
        let _ = writeln!(
            out,
            "- {} (`{}`): {}",
            escape_markdown(&placed.component.name),
            placed.slug,
            escape_markdown(&placed.service.service)
        );
    }
}

/// Every deployable value the model states that no resource encodes, so that nothing the
/// model says is dropped silently. Values at their catalog default are the kind's own and
/// are not listed; design facts (a language, a peak load) deploy nothing.
fn not_generated_section(out: &mut String, plan: &Plan<'_>) {
    let mut rows = Vec::new();
    for placed in &plan.components {
        let component = placed.component;
        let Some(kind) = plan.graph.kind(component) else {
            continue;
        };
        for (name, value) in &component.properties {
            let Some(spec) = kind.property(name) else {
                continue;
            };
            if !spec.deploys || *value == spec.default || plan.is_used(component, name) {
                continue;
            }
            let service = &placed.service;
            let on = value.as_bool() == Some(true);
            let why = match name.as_str() {
                // What the service does by construction needs no setting.
                "encryption_at_rest" if on && service.encryption_at_rest == AtRest::Always => {
                    continue;
                }
                "multi_az" if on && service.availability == Availability::MultiZone => continue,
                "replicas" | "instance_size" | "multi_az"
                    if service.availability == Availability::MultiZone =>
                {
                    format!(
                        "{} sizes and spreads itself; there is nothing to set",
                        escape_markdown(&service.service)
                    )
                }
                "backups" | "point_in_time_recovery"
                    if matches!(service.recipe, Recipe::CloudSqlPostgresql | Recipe::CloudSqlMysql)
                        && plan.facts.replica_of(component).is_some() =>
                {
                    "Cloud SQL keeps no backups of a read replica, whose primary's backups cover it; turn them on when it is promoted".to_owned()
                }
                "backups" | "storage_gb"
                    if matches!(service.recipe, Recipe::RdsPostgresql | Recipe::RdsMysql)
                        && plan.facts.replica_of(component).is_some() =>
                {
                    "a read replica copies its source's storage, and keeps backups of its own only once promoted: set `backup_retention_period` then".to_owned()
                }
                "storage_gb" if service.recipe == Recipe::Documentdb => {
                    "DocumentDB storage grows by itself with the data; there is nothing to set".to_owned()
                }
                "auth_required" if service.recipe == Recipe::ApiGatewayV2 => {
                    "a JWT authorizer needs the identity provider's issuer and audience: add `aws_apigatewayv2_authorizer` with them".to_owned()
                }
                "internet_facing" if service.recipe == Recipe::ApiGatewayV2 && !on => {
                    "HTTP APIs are always public; a private API needs a REST API with a VPC endpoint".to_owned()
                }
                "persistence" if service.recipe == Recipe::ElasticacheRedis => {
                    "ElastiCache keeps no append-only file: daily snapshots kept 7 days are set instead, so a node loss can cost up to a day of writes".to_owned()
                }
                "storage_gb" if service.recipe == Recipe::ElasticacheRedis => {
                    "an ElastiCache node's memory is its node type's (`instance_size`)".to_owned()
                }
                "shards" if service.recipe == Recipe::Opensearch => {
                    "shards are set per index when the application creates it, not on the domain".to_owned()
                }
                "rate_limit_rps" | "auth_required"
                    if matches!(service.recipe, Recipe::Alb | Recipe::Nlb) =>
                {
                    "a load balancer neither limits rates nor checks tokens: draw a WAF (rate limit) or a gateway (authentication) in front of it, or check in the services".to_owned()
                }
                "dead_letter_queue" if service.recipe == Recipe::Msk => {
                    "Kafka topics live in the cluster: create the dead-letter topic with the Kafka provider or at deploy time, not with the AWS provider".to_owned()
                }
                "point_in_time_recovery" if service.recipe == Recipe::Opensearch => {
                    "OpenSearch Service restores from its hourly snapshots, not to any point in time".to_owned()
                }
                _ if service.recipe == Recipe::Placeholder => format!(
                    "{} is not generated (see placeholders.tf)",
                    escape_markdown(&service.service)
                ),
                _ => format!(
                    "the {} skeleton has no setting for it yet; configure it by hand",
                    escape_markdown(&service.service)
                ),
            };
            // Environment values may hold what should have been secrets: names only.
            let said = if name == "env" {
                value
                    .as_text()
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(|pair| pair.split_once('=').map(|(key, _)| key.trim()))
                    .map(|key| format!("`{}`", escape_markdown(key)))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                escape_markdown(&value.to_string())
            };
            rows.push(format!(
                "| {} (`{}`) | `{}` | {said} | {why} |",
                escape_markdown(&component.name),
                placed.slug,
                escape_markdown(name),
            ));
        }
    }
    out.push_str("\n## Not generated\n\n");
    if rows.is_empty() {
        out.push_str("Every deployable value the model states is in the module.\n");
        return;
    }
    out.push_str("What the model states that this module does not encode:\n\n| Component | Property | Model says | Why |\n| --- | --- | --- | --- |\n");
    for row in rows {
        out.push_str(&row);
        out.push('\n');
    }
}

/// Where the skeleton deploys, from the model's region boundaries, and what of the model's
/// geography it does not reproduce.
fn regions_section(out: &mut String, plan: &Plan<'_>, cloud: Cloud) {
    let doc = plan.graph.document();
    out.push_str("\n## Regions\n\n");
    let resolved = plan.facts.regions();
    let Some(primary) = resolved.first() else {
        out.push_str("The model names no region (give a region boundary a `location`, like `us-east-1`): set `region`");
        if cloud == Cloud::Aws {
            out.push_str(" and `availability_zones`");
        }
        out.push_str(" in `variables.tf`.\n");
        if cloud == Cloud::Aws {
            aws::edge_region_note(out, plan);
        }
        return;
    };
    out.push_str("| Region boundary | Model's location | Deployed to |\n| --- | --- | --- |\n");
    for region in &resolved {
        let target = if region.translated() {
            format!(
                "`{}` ({}), the nearest {} region to this {} region",
                region.region.code,
                escape_markdown(&region.region.place),
                cloud.label(),
                region.home.label()
            )
        } else {
            format!(
                "`{}` ({})",
                region.region.code,
                escape_markdown(&region.region.place)
            )
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {target} |",
            escape_markdown(&region.group.name),
            region.location
        );
    }
    let unknown: Vec<_> = doc
        .groups()
        .iter()
        .filter(|g| g.kind == GroupKind::Region && g.location.is_some())
        .filter(|g| !resolved.iter().any(|r| r.group.id == g.id))
        .collect();
    for group in unknown {
        let _ = writeln!(
            out,
            "\n`{}` names `{}`, which is not a region Archsmith knows: its components are deployed to `var.region`.",
            escape_markdown(&group.name),
            group.location.as_deref().unwrap_or_default()
        );
    }
    let _ = writeln!(
        out,
        "\n`region` defaults to `{}`, the model's primary region (its first region boundary with a location).",
        primary.region.code
    );
    if plan.multi_region() {
        let primary = plan.regions[0].code.as_deref().unwrap_or_default();
        let how = match cloud {
            Cloud::Aws => format!(
                "Each region gets its own VPC, and its components are deployed there: the default `aws` provider serves `{primary}`, and each other region has a provider alias named after it."
            ),
            Cloud::Gcp => format!(
                "Each region gets its own subnet and Cloud NAT, and its components are deployed there: the default `google` provider serves `{primary}`, and each other region has a provider alias named after it."
            ),
            Cloud::Azure => format!(
                "Each region gets its own virtual network, and its components are deployed there: one resource group (in `{primary}`) holds every region's resources, each located by its region's variable."
            ),
        };
        let _ = writeln!(
            out,
            "\n{how}\n\n| Region | Variable | Components |\n| --- | --- | --- |"
        );
        for (index, region) in plan.regions.iter().enumerate() {
            let count = plan.components.iter().filter(|p| p.region == index).count();
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {count} |",
                region.code.as_deref().unwrap_or_default(),
                region.var("region"),
            );
        }
        cross_region_section(out, plan, cloud);
    }
    if cloud == Cloud::Aws {
        aws::edge_region_note(out, plan);
    }
    subnet_tiers_section(out, plan, cloud);
}

/// The flows between regions: their firewall rules admit the caller's network range, which
/// carries traffic only once the networks are joined.
fn cross_region_section(out: &mut String, plan: &Plan<'_>, cloud: Cloud) {
    if cloud == Cloud::Gcp {
        out.push_str("\nThe regions share one global VPC network, with a subnet and Cloud NAT in each: flows between regions need no peering, and the firewall rules admit them by network tag.\n");
        return;
    }
    let mut flows = Vec::new();
    for connection in plan.graph.document().connections() {
        let Some((from, to)) = plan.graph.endpoints(connection) else {
            continue;
        };
        let (Some(from), Some(to)) = (plan.placed(from), plan.placed(to)) else {
            continue;
        };
        // Replication between managed databases travels over the provider's own network.
        let replication = plan
            .facts
            .replica_of(to.component)
            .is_some_and(|source| source.id == from.component.id);
        if from.region != to.region && from.networked && to.networked && !replication {
            flows.push(format!(
                "- `{}` → `{}` ({} → {})",
                from.slug,
                to.slug,
                plan.region_of(from).code.as_deref().unwrap_or_default(),
                plan.region_of(to).code.as_deref().unwrap_or_default()
            ));
        }
    }
    if flows.is_empty() {
        return;
    }
    out.push_str("\n**Not generated: the link between the regions' networks** (peering or a transit gateway: its routes and address plan are an organisation decision). These flows cross regions; their firewall rules admit the caller's network range, which carries nothing until the networks are joined:\n\n");
    for flow in flows {
        out.push_str(&flow);
        out.push('\n');
    }
}

/// The subnet tiers of each region: the model's subnet boundaries, and the default tiers
/// added where it draws none.
fn subnet_tiers_section(out: &mut String, plan: &Plan<'_>, cloud: Cloud) {
    if cloud != Cloud::Aws {
        return;
    }
    out.push_str("\n### Subnet tiers\n\nOne subnet per zone in each tier. The model's subnet boundaries become tiers; a region where it draws no public (or no private) subnet gets a default one.\n\n| Region | Tier | From the model | Kind | Components |\n| --- | --- | --- | --- | --- |\n");
    for (index, region) in plan.regions.iter().enumerate() {
        for (ordinal, tier) in region.tiers.iter().enumerate() {
            let count = plan
                .components
                .iter()
                .filter(|p| p.region == index && p.tier == ordinal && p.service.in_network)
                .count();
            let _ = writeln!(
                out,
                "| `{}` | `aws_subnet.{}` | {} | {} | {count} |",
                region.code.as_deref().unwrap_or("var.region"),
                tier.name,
                if tier.drawn {
                    escape_markdown(&tier.label)
                } else {
                    "(default)".to_owned()
                },
                if tier.public { "public" } else { "private" },
            );
        }
    }
}

fn readme(
    plan: &Plan<'_>,
    todos: &[String],
    cloud: Cloud,
    files: &std::collections::BTreeMap<String, Vec<u8>>,
) -> String {
    let doc = plan.graph.document();
    let provider = cloud.label();
    let mut out = format!(
        "# Terraform skeleton for {}\n\nGenerated by Archsmith for {provider} from the model, which stays the source of truth.\n",
        escape_markdown(&doc.meta.name)
    );
    out.push_str("\n## What was generated\n\n| File | Resources |\n| --- | --- |\n");
    for (file, bytes) in files {
        let text = String::from_utf8_lossy(bytes);
        let count = text.lines().filter(|l| l.starts_with("resource ")).count();
        let _ = writeln!(out, "| `{file}` | {count} |");
    }
    out.push_str("\n## What each component became\n\n| Component | Service |\n| --- | --- |\n");
    for placed in &plan.components {
        let _ = writeln!(
            out,
            "| {} (`{}`) | {} |",
            escape_markdown(&placed.component.name),
            placed.slug,
            placed.service.service
        );
    }
    regions_section(&mut out, plan, cloud);
    public_subnet_section(&mut out, plan, cloud);
    not_generated_section(&mut out, plan);
    out.push_str("\n## Network policy\n\nEach networked component has its own firewall identity, and each connection into it is one ingress rule on the target's port, from the caller's identity (or from the internet for internet-facing entry points). Access to managed services outside the network (buckets, queues, secrets) goes through IAM and is left to you.\n\n");
    out.push_str("\n## Fill in\n\n- Variables without a default in `variables.tf`: certificates, the project id. Credentials (cache tokens, broker and database passwords) are generated (`random_password`) and kept in the state, whence the sensitive outputs read them: keep the state encrypted, and readable only by who may read them.\n- Container images: apply `registry/` first (the registries every environment shares, in their own state), push each service's image there, then set `image_tags` (a tag per service). `archsmith export --format github-actions` writes a pipeline that does all three.\n- Remote state: add a `backend` block to `versions.tf`.\n- Containers run on a read-only root file system: give each service a writable volume where it writes.\n");
    if !plan.clusters.is_empty() {
        out.push_str("- The Kubernetes API server is private, and `kubernetes.tf` is applied through it: run `terraform apply` from inside the network (a runner in the VPC or VNet).\n- `kubernetes.tf` deploys the services in the cluster. `archsmith export --format kubernetes` writes the same workloads as manifests (with autoscalers, disruption budgets and network policies): use one or the other, not both.\n");
    }
    if !todos.is_empty() {
        out.push_str("\n## TODO\n\n");
        for todo in todos {
            let _ = writeln!(out, "- {todo}");
        }
    }
    out.push_str("\n## Run\n\n```sh\nterraform init\nterraform plan\n```\n");
    out
}
