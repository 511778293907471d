//! The resolved facts about each component: what the model says, completed by what the
//! catalog says its managed service does on the target cloud. Rules, the design document and
//! the Terraform skeletons all read these, so that "encrypted at rest", "multi-zone" and
//! "single instance" mean the same thing in the findings, in the prose and in the HCL.
//!
//! An explicit property in the model always wins. A property left at its default takes the
//! managed service's behaviour (RDS encrypts at rest because the skeleton turns it on; MSK
//! puts a broker in every zone whatever `replicas` says), and without a target cloud the
//! catalog's default stands: the model is then read as self-hosted.

use crate::catalog::{AtRest, Availability, CloudService, ComponentKind, Deployment, Trait};
use crate::graph::ArchGraph;
use crate::model::{Cloud, Component};

/// Facts about the components of one graph, for one target cloud (or none).
#[derive(Debug, Clone, Copy)]
pub struct Facts<'g> {
    graph: &'g ArchGraph<'g>,
    cloud: Option<Cloud>,
}

impl<'g> Facts<'g> {
    /// Facts as deployed on `cloud`; `None` reads the model as self-hosted.
    pub fn new(graph: &'g ArchGraph<'g>, cloud: Option<Cloud>) -> Self {
        Self { graph, cloud }
    }

    /// Facts on the model's own target cloud (`meta.cloud`): what `validate` judges.
    pub fn of_model(graph: &'g ArchGraph<'g>) -> Self {
        Self::new(graph, graph.document().meta.cloud)
    }

    pub fn cloud(&self) -> Option<Cloud> {
        self.cloud
    }

    /// How `component` is deployed: its kind's way, unless the model buys it as SaaS
    /// (`hosting: "saas"`). `None` for an unknown kind.
    pub fn runs(&self, component: &Component) -> Option<Deployment> {
        let kind = self.graph.kind(component)?;
        Some(if self.bought_as_saas(component, kind) {
            Deployment::Saas
        } else {
            kind.runs
        })
    }

    /// The managed service `component` becomes on the target cloud; `None` without a cloud
    /// and for what runs outside the account.
    pub fn service(&self, component: &Component) -> Option<&'g CloudService> {
        let cloud = self.cloud?;
        let kind = self.graph.kind(component)?;
        if !kind.runs.in_account() || self.bought_as_saas(component, kind) {
            return None;
        }
        kind.clouds.get(cloud)
    }

    /// Whether the model says the component is bought as SaaS. Only kinds that take the
    /// `hosting` property can say so; the lookup is skipped for the rest, since rules ask
    /// this of every component.
    fn bought_as_saas(&self, component: &Component, kind: &ComponentKind) -> bool {
        kind.property_position("hosting").is_some()
            && self.graph.text(component, "hosting") == Some("saas")
    }

    /// Whether its data is encrypted at rest; `None` for kinds that keep no data to encrypt.
    pub fn encrypted_at_rest(&self, component: &Component) -> Option<bool> {
        let kind = self.graph.kind(component)?;
        let default = kind.property("encryption_at_rest")?.default.as_bool();
        let explicit = component
            .properties
            .get("encryption_at_rest")
            .and_then(|value| value.as_bool());
        Some(
            match self.service(component).map(|s| s.encryption_at_rest) {
                Some(AtRest::Always) => true,
                Some(AtRest::ByDefault) => explicit.unwrap_or(true),
                Some(AtRest::Off) | None => explicit.or(default).unwrap_or(false),
            },
        )
    }

    /// Whether it spans availability zones: a managed service spread over zones by
    /// construction, a standby in another zone (`multi_az`), or, on a cloud, several
    /// instances (the skeletons put replicas in different zones: RDS and Cloud SQL high
    /// availability, ElastiCache and Amazon MQ multi-AZ, zone-redundant Cosmos DB).
    pub fn multi_zone(&self, component: &Component) -> bool {
        self.multi_zone_on(component, self.service(component))
    }

    /// How many instances the model runs (`replicas`, or 1).
    pub fn instances(&self, component: &Component) -> i64 {
        self.graph.int(component, "replicas").unwrap_or(1).max(1)
    }

    /// Whether losing one instance leaves it running: several instances, a standby, an
    /// autoscaling floor above one, or a managed service that is redundant by construction.
    pub fn redundant(&self, component: &Component) -> bool {
        if self.instances(component) > 1 || self.multi_zone(component) {
            return true;
        }
        self.graph.flag(component, "autoscaling")
            && self.graph.int(component, "autoscaling_min").unwrap_or(1) > 1
    }

    fn multi_zone_on(&self, component: &Component, service: Option<&CloudService>) -> bool {
        match service {
            Some(service) if service.availability == Availability::MultiZone => true,
            Some(_) => self.graph.flag(component, "multi_az") || self.instances(component) > 1,
            None => self.graph.flag(component, "multi_az"),
        }
    }

    /// The store `component` replicates from, when it is a read replica or a standby: the
    /// source of a `replication` connection into it. Its primary's backups and redundancy
    /// cover it.
    pub fn replica_of(&self, component: &Component) -> Option<&'g Component> {
        self.graph
            .neighbours(
                component,
                petgraph::Direction::Incoming,
                Some("replication"),
            )
            .into_iter()
            .find(|source| self.graph.has_trait(source, Trait::Stateful))
    }
}
