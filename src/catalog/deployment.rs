//! What a kind becomes when it is deployed: how it runs (the team's own code, a managed
//! service, a SaaS outside the account...), the container that stands in for it on a laptop,
//! and the managed service it maps to on each cloud with that service's facts. The
//! infrastructure exports, the design document and the rules all read these, so they cannot
//! disagree about what a kind is.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Recipe;
use crate::model::Cloud;

/// How a kind is deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deployment {
    /// Used by people, outside any infrastructure (browsers, mobile apps).
    Client,
    /// Someone else's system, reached over the internet.
    External,
    /// A hosted product the team subscribes to, outside the cloud account.
    Saas,
    /// The team's own code, built into a container image.
    Built,
    /// The team's own code, run by the cloud's function service.
    Function,
    /// A container orchestrator that other components run inside.
    Cluster,
    /// Off-the-shelf software the team runs as a container (an ingress controller).
    Container,
    /// Infrastructure the cloud runs as a service (or, locally, its open-source image).
    Managed,
}

impl Deployment {
    /// Whether anything is provisioned for the kind in the team's cloud account.
    pub fn in_account(self) -> bool {
        !matches!(self, Self::Client | Self::External | Self::Saas)
    }

    /// Whether the kind is the team's own code, which a local stack builds from source.
    pub fn is_own_code(self) -> bool {
        matches!(self, Self::Built | Self::Function)
    }
}

/// How a local stack checks that a container is up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// A shell command that exits 0 when healthy.
    Shell(String),
    /// A URL that answers 2xx when healthy.
    Http(String),
    /// A local TCP port that accepts connections when healthy.
    Tcp(u16),
    /// A command run without a shell (for images that have none).
    Exec(Vec<String>),
}

/// The open-source image that stands in for a kind in a local stack (docker-compose).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalImage {
    pub image: String,
    /// The port the image listens on for clients: what callers' address variables name.
    pub port: u16,
    /// Where the image keeps its data, kept in a named volume.
    #[serde(default)]
    pub data: Option<String>,
    pub health: Health,
    /// Environment; `{id}` stands for the component's id (its host name in the stack).
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub command: Vec<String>,
    /// A port worth opening on the host (a user interface or the stack's front door).
    #[serde(default)]
    pub publish: Option<u16>,
    /// Configuration another Archsmith export writes, mounted read-only: the path beside
    /// the compose file (`prometheus/prometheus.yml`, from `--format prometheus -o
    /// prometheus`; `{id}` is the component's id) and where the image reads it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mounts: BTreeMap<String, String>,
}

/// Whether a managed service spans availability zones on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// Spread over zones by construction (S3, SQS, MSK with a broker per zone...).
    MultiZone,
    /// As many instances and zones as the model gives it (`replicas`, `multi_az`).
    Model,
}

/// Whether a managed service encrypts its data at rest, as the generated infrastructure
/// configures it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AtRest {
    /// Always: the platform encrypts and offers no way to turn it off (S3, Cloud SQL, MSK).
    Always,
    /// Unless the model turns it off: the skeleton sets the service's switch from the
    /// model's `encryption_at_rest`, and turns it on when the model leaves it at its default.
    ByDefault,
    /// Only if the model says it is (a self-managed placeholder, an in-memory cache).
    Off,
}

/// The managed service a kind becomes on one cloud, and its facts as the generated
/// infrastructure configures it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudService {
    /// The service, named the way the provider names it.
    pub service: String,
    /// The port clients reach it on (TLS where the service offers it).
    pub port: u16,
    pub availability: Availability,
    pub encryption_at_rest: AtRest,
    /// Whether it lives inside the private network, with a firewall identity of its own.
    pub in_network: bool,
    /// The Terraform that provisions it.
    pub recipe: Recipe,
    /// What a user must know about the mapping (a changed client protocol), for the README.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What clients speak to it when it is a broker, where that differs from the kind's
    /// (`sqs` is Pub/Sub on GCP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messaging_protocol: Option<String>,
    /// The product a diagram names, where it is another than the kind's label says (Kafka is
    /// Pub/Sub on GCP, Jaeger is Application Insights on Azure): a card that said "Kafka"
    /// over what the Terraform deploys as Pub/Sub told two stories of one model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
}

/// A kind's managed service on each cloud.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudServices {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws: Option<CloudService>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gcp: Option<CloudService>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azure: Option<CloudService>,
}

impl CloudServices {
    pub fn get(&self, cloud: Cloud) -> Option<&CloudService> {
        match cloud {
            Cloud::Aws => self.aws.as_ref(),
            Cloud::Gcp => self.gcp.as_ref(),
            Cloud::Azure => self.azure.as_ref(),
        }
    }

    /// What is wrong with a kind deployed as `runs` having these services, if anything: a
    /// kind in the account needs a service on every cloud, one outside it has none.
    pub(super) fn check(&self, runs: Deployment) -> Result<(), String> {
        for cloud in Cloud::ALL {
            match (runs.in_account(), self.get(cloud).is_some()) {
                (true, false) => {
                    return Err(format!(
                        "runs `{runs:?}` in the account but has no service on {cloud:?}"
                    ));
                }
                (false, true) => {
                    return Err(format!(
                        "runs `{runs:?}` outside the account but names a service on {cloud:?}"
                    ));
                }
                _ => {}
            }
            let Some(service) = self.get(cloud) else {
                continue;
            };
            if !service.recipe.generates_on(cloud) {
                return Err(format!(
                    "names recipe `{:?}` on {cloud:?}, which is another cloud's",
                    service.recipe
                ));
            }
            if runs.is_own_code() != (service.recipe == Recipe::OwnCode) {
                return Err(format!(
                    "runs `{runs:?}` but has recipe `{:?}` on {cloud:?}: the team's own code, and only it, uses `own_code`",
                    service.recipe
                ));
            }
        }
        Ok(())
    }
}
