//! What each catalog kind becomes on each cloud: the managed service the infrastructure
//! skeletons provision, named the way the provider names it. The design document's
//! deployment section reads the same table, so the two never disagree.

use crate::model::Cloud;

/// The managed service a kind maps to on `cloud`, or `None` when nothing is provisioned for
/// it (clients, external systems, SaaS tools outside the cloud account).
pub fn managed_service(kind: &str, cloud: Cloud) -> Option<&'static str> {
    use Cloud::{Aws, Azure, Gcp};
    let service = match (kind, cloud) {
        ("web-client" | "mobile-client" | "external-system" | "pagerduty", _) => return None,
        ("dns", Aws) => "Route 53",
        ("dns", Gcp) => "Cloud DNS",
        ("dns", Azure) => "Azure DNS",
        ("cdn", Aws) => "CloudFront",
        ("cdn", Gcp) => "Cloud CDN",
        ("cdn", Azure) => "Azure Front Door",
        ("waf", Aws) => "AWS WAF (wafv2)",
        ("waf", Gcp) => "Cloud Armor",
        ("waf", Azure) => "Front Door WAF policy",
        ("api-gateway", Aws) => "API Gateway v2",
        ("api-gateway", Gcp) => "API Gateway",
        ("api-gateway", Azure) => "API Management",
        ("load-balancer", Aws) => "Application Load Balancer",
        ("network-load-balancer", Aws) => "Network Load Balancer",
        ("load-balancer" | "network-load-balancer", Gcp) => "Cloud Load Balancing",
        ("load-balancer", Azure) => "Azure Load Balancer (add Application Gateway for L7)",
        ("network-load-balancer", Azure) => "Azure Load Balancer",
        ("ingress-controller", _) => "Kubernetes ingress (in the cluster)",
        (
            "service" | "service-nodejs" | "service-typescript" | "service-python" | "service-go"
            | "service-rust" | "service-java" | "worker" | "scheduled-job",
            Aws,
        ) => "ECS Fargate service + ECR repository",
        (
            "service" | "service-nodejs" | "service-typescript" | "service-python" | "service-go"
            | "service-rust" | "service-java" | "worker" | "scheduled-job",
            Gcp,
        ) => "Cloud Run service + Artifact Registry",
        (
            "service" | "service-nodejs" | "service-typescript" | "service-python" | "service-go"
            | "service-rust" | "service-java" | "worker" | "scheduled-job",
            Azure,
        ) => "Container App + Container Registry",
        ("function", Aws) => "Lambda",
        ("function", Gcp) => "Cloud Functions",
        ("function", Azure) => "Azure Functions",
        ("kubernetes-cluster", Aws) => "EKS",
        ("kubernetes-cluster", Gcp) => "GKE",
        ("kubernetes-cluster", Azure) => "AKS",
        ("postgresql", Aws) => "RDS for PostgreSQL",
        ("mysql", Aws) => "RDS for MySQL",
        ("postgresql", Gcp) => "Cloud SQL for PostgreSQL",
        ("mysql", Gcp) => "Cloud SQL for MySQL",
        ("postgresql", Azure) => "PostgreSQL Flexible Server",
        ("mysql", Azure) => "MySQL Flexible Server",
        ("mongodb", Aws) => "DocumentDB",
        ("mongodb", Gcp) => "Firestore (MongoDB compatibility)",
        ("mongodb", Azure) => "Cosmos DB for MongoDB",
        ("cassandra", Aws) => "Keyspaces",
        ("cassandra", Gcp) => "Bigtable",
        ("cassandra", Azure) => "Cosmos DB (Cassandra API)",
        ("dynamodb", Aws) => "DynamoDB",
        ("dynamodb", Gcp) => "Firestore",
        ("dynamodb", Azure) => "Cosmos DB",
        ("redis" | "memcached" | "redis-pubsub", Aws) => "ElastiCache",
        ("redis" | "memcached" | "redis-pubsub", Gcp) => "Memorystore",
        ("redis" | "memcached" | "redis-pubsub", Azure) => "Azure Cache for Redis",
        ("elasticsearch" | "elk", Aws) => "OpenSearch Service",
        ("elasticsearch" | "elk", Gcp) => "Elastic Cloud on Google Cloud (placeholder)",
        ("elasticsearch" | "elk", Azure) => "Elastic on Azure (placeholder)",
        ("clickhouse", _) => "self-managed ClickHouse (placeholder)",
        ("object-storage", Aws) => "S3 bucket",
        ("object-storage", Gcp) => "Cloud Storage bucket",
        ("object-storage", Azure) => "Storage account + container",
        ("data-warehouse", Aws) => "Redshift Serverless",
        ("data-warehouse", Gcp) => "BigQuery",
        ("data-warehouse", Azure) => "Synapse Analytics",
        ("kafka", Aws) => "MSK",
        ("kafka" | "nats", Gcp) => "Pub/Sub topic + subscription",
        ("kafka", Azure) => "Event Hubs (Kafka endpoint)",
        ("rabbitmq", Aws) => "Amazon MQ for RabbitMQ",
        ("rabbitmq" | "sqs", Gcp) => "Pub/Sub topic + subscription",
        ("rabbitmq" | "sqs" | "nats", Azure) => "Service Bus queue",
        ("sqs", Aws) => "SQS queue + dead-letter queue",
        ("event-bus", Aws) => "SNS topic",
        ("event-bus", Gcp) => "Pub/Sub topic",
        ("event-bus", Azure) => "Event Grid topic",
        ("nats", Aws) => "self-managed NATS (placeholder)",
        ("prometheus", Aws) => "Amazon Managed Service for Prometheus",
        ("prometheus", Gcp) => "Managed Service for Prometheus",
        ("prometheus", Azure) => "Azure Monitor workspace",
        ("grafana", Aws) => "Amazon Managed Grafana",
        ("grafana", Gcp) => "Grafana (placeholder)",
        ("grafana", Azure) => "Azure Managed Grafana",
        ("alertmanager", Aws) => "CloudWatch alarms + SNS",
        ("alertmanager", Gcp) => "Cloud Monitoring alert policies",
        ("alertmanager", Azure) => "Azure Monitor action group",
        ("loki", Aws) => "CloudWatch Logs",
        ("loki", Gcp) => "Cloud Logging",
        ("loki", Azure) => "Log Analytics workspace",
        ("jaeger" | "otel-collector", Aws) => "X-Ray",
        ("jaeger" | "otel-collector", Gcp) => "Cloud Trace",
        ("jaeger" | "otel-collector", Azure) => "Application Insights",
        ("datadog-agent", _) => return None,
        ("identity-provider", Aws) => "Cognito user pool",
        ("identity-provider", Gcp) => "Identity Platform",
        ("identity-provider", Azure) => "Entra ID (external)",
        ("secrets-manager", Aws) => "Secrets Manager",
        ("secrets-manager", Gcp) => "Secret Manager",
        ("secrets-manager", Azure) => "Key Vault",
        ("kms", Aws) => "KMS key",
        ("kms", Gcp) => "Cloud KMS key",
        ("kms", Azure) => "Key Vault key",
        _ => return None,
    };
    Some(service)
}

/// The port a component of `kind` listens on: its own `port` property for services, else the
/// engine's standard TLS port (the skeletons assume TLS everywhere inside).
pub fn port(kind: &str, own: Option<i64>) -> u16 {
    if let Some(port) = own.and_then(|p| u16::try_from(p).ok()) {
        return port;
    }
    match kind {
        "postgresql" => 5432,
        "mysql" => 3306,
        "mongodb" => 27017,
        "cassandra" => 9142,
        "redis" | "redis-pubsub" => 6379,
        "memcached" => 11211,
        "clickhouse" => 8443,
        "kafka" => 9094,
        "rabbitmq" => 5671,
        "nats" => 4222,
        "prometheus" => 9090,
        "grafana" => 3000,
        "alertmanager" => 9093,
        "loki" => 3100,
        "jaeger" | "otel-collector" => 4317,
        "service" | "service-nodejs" | "service-typescript" | "service-python" | "service-go"
        | "service-rust" | "service-java" | "worker" | "scheduled-job" | "function" => 8080,
        _ => 443,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, Trait};

    #[test]
    fn every_kind_that_runs_in_the_cloud_has_a_service_on_every_provider() {
        for kind in Catalog::builtin().kinds() {
            let outside = kind.has(Trait::Client)
                || kind.has(Trait::External)
                || matches!(kind.id.as_str(), "pagerduty" | "datadog-agent");
            for cloud in [Cloud::Aws, Cloud::Gcp, Cloud::Azure] {
                assert_eq!(
                    managed_service(kind.id.as_str(), cloud).is_some(),
                    !outside,
                    "{} on {cloud:?}",
                    kind.id
                );
            }
        }
    }
}
