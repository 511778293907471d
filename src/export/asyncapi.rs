//! AsyncAPI 3.0: one document per broker (`post-events.yaml`) with the broker as its server,
//! a channel per topic (its key, partitions and dead letter), the message each carries, and
//! an operation per publish (`send`) and consume (`receive`) connection, named by the
//! connection's id, with the delivery guarantees the model states (`x-` extensions).
//!
//! User text reaches YAML only through the serialiser, Markdown descriptions through
//! [`escape_markdown`], and keys (channel ids) only as `[A-Za-z0-9._-]`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::listing::{Listed, readme};
use super::{
    ExportError, ExportOptions, Exporter, Format, Output, escape_markdown, generated_yaml,
};
use crate::catalog::Catalog;
use crate::contracts::{BrokerContract, Channel, Contracts};
use crate::graph::ArchGraph;
use crate::model::{Connection, Document, PropertyValue};
use crate::rules::counted;

#[derive(Debug)]
pub struct AsyncApiExporter;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AsyncApiDocument {
    asyncapi: &'static str,
    info: Info,
    default_content_type: &'static str,
    servers: BTreeMap<String, Server>,
    channels: BTreeMap<String, ChannelObject>,
    operations: BTreeMap<String, OperationObject>,
    components: Components,
}

#[derive(Serialize)]
struct Info {
    title: String,
    version: &'static str,
    description: String,
    #[serde(rename = "x-archsmith-component")]
    component: String,
}

#[derive(Serialize)]
struct Server {
    host: String,
    protocol: String,
    description: String,
}

#[derive(Serialize)]
struct Reference {
    #[serde(rename = "$ref")]
    path: String,
}

#[derive(Serialize)]
struct ChannelObject {
    address: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    description: String,
    messages: BTreeMap<String, Reference>,
    servers: Vec<Reference>,
    #[serde(flatten)]
    extensions: BTreeMap<String, Value>,
}

#[derive(Serialize)]
struct OperationObject {
    action: &'static str,
    channel: Reference,
    summary: String,
    messages: Vec<Reference>,
    #[serde(flatten)]
    extensions: BTreeMap<String, Value>,
}

#[derive(Serialize)]
struct Components {
    messages: BTreeMap<String, Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Message {
    name: String,
    title: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    description: String,
    content_type: &'static str,
    payload: Value,
}

impl Exporter for AsyncApiExporter {
    fn format(&self) -> &'static Format {
        &Format {
            id: "asyncapi",
            label: "AsyncAPI 3 (one per broker)",
            extension: None,
        }
    }

    fn export(
        &self,
        doc: &Document,
        catalog: &Catalog,
        _options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        let graph = ArchGraph::new(doc, catalog);
        let contracts = Contracts::new(&graph);
        let mut files = BTreeMap::new();
        let mut listed = Vec::new();
        for broker in &contracts.brokers {
            listed.push(Listed {
                file: format!("{}.yaml", broker.broker.id),
                of: broker.broker.name.clone(),
                version: String::new(),
                holds: counted(broker.channels.len(), "channel"),
            });
            let document = document(&graph, broker);
            files.insert(
                format!("{}.yaml", broker.broker.id),
                generated_yaml("asyncapi", &document)?,
            );
        }
        files.insert(
            "README.md".to_owned(),
            readme(
                "AsyncAPI contracts",
                &doc.meta.name,
                "Contract of",
                &listed,
                &[],
            ),
        );
        Ok(Output::Folder(files))
    }
}

/// A key AsyncAPI accepts for a channel (`^[A-Za-z0-9_.-]+$`): other characters become `_`.
fn key(raw: &str) -> String {
    let key: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if key.is_empty() { "_".to_owned() } else { key }
}

fn document(graph: &ArchGraph<'_>, contract: &BrokerContract<'_>) -> AsyncApiDocument {
    let doc = graph.document();
    let broker = contract.broker;
    let server_id = key(broker.id.as_str());
    let mut description = String::new();
    if !broker.description.is_empty() {
        description.push_str(&escape_markdown(&broker.description));
        description.push_str("\n\n");
    }
    description.push_str(&format!(
        "The messages on {} as the model *{}* states them.",
        escape_markdown(&broker.name),
        escape_markdown(&doc.meta.name)
    ));
    let mut servers = BTreeMap::new();
    servers.insert(
        server_id.clone(),
        Server {
            host: match contract.port {
                Some(port) => format!("{}:{port}", broker.id),
                None => broker.id.to_string(),
            },
            // Kafka over TLS is its own protocol name in AsyncAPI.
            protocol: if contract.protocol == "kafka" && all_tls(contract) {
                "kafka-secure".to_owned()
            } else {
                contract.protocol.to_owned()
            },
            description: escape_markdown(contract.technology),
        },
    );
    let mut channels = BTreeMap::new();
    let mut operations = BTreeMap::new();
    let mut messages = BTreeMap::new();
    // A connection that names no topic reaches several channels: its operations are then
    // told apart by channel.
    let mut channels_of: BTreeMap<&str, usize> = BTreeMap::new();
    for channel in &contract.channels {
        for connection in channel.publishes.iter().chain(&channel.consumes) {
            *channels_of.entry(connection.id.as_str()).or_default() += 1;
        }
    }
    let mut used_keys: Vec<String> = Vec::new();
    for channel in &contract.channels {
        let mut channel_id = key(&channel.address);
        while used_keys.contains(&channel_id) {
            channel_id.push('_');
        }
        used_keys.push(channel_id.clone());
        let message_ref = format!("#/channels/{channel_id}/messages/{}", channel.message);
        let mut channel_messages = BTreeMap::new();
        channel_messages.insert(
            channel.message.clone(),
            Reference {
                path: format!("#/components/messages/{}", channel.message),
            },
        );
        messages
            .entry(channel.message.clone())
            .or_insert_with(|| message(channel));
        let mut extensions = BTreeMap::new();
        if let Some(topic) = channel.topic {
            if let Some(partitions) = topic.partitions {
                extensions.insert("x-partitions".to_owned(), json!(partitions));
            }
            if !topic.key.is_empty() {
                extensions.insert("x-message-key".to_owned(), json!(topic.key));
            }
            if topic.latest_wins {
                extensions.insert("x-latest-wins".to_owned(), json!(true));
            }
        }
        if let Some(dead_letter) = channel.dead_letter {
            extensions.insert("x-dead-letter".to_owned(), json!(dead_letter));
        } else if graph.flag(broker, "dead_letter_queue") {
            // The broker's own dead-letter queue takes what consumers keep failing on.
            extensions.insert("x-dead-letter-queue".to_owned(), json!(true));
        }
        channels.insert(
            channel_id.clone(),
            ChannelObject {
                address: channel.address.clone(),
                description: channel
                    .topic
                    .map(|t| escape_markdown(&t.description))
                    .unwrap_or_default(),
                messages: channel_messages,
                servers: vec![Reference {
                    path: format!("#/servers/{server_id}"),
                }],
                extensions,
            },
        );
        for (action, connections) in [("send", &channel.publishes), ("receive", &channel.consumes)]
        {
            for connection in connections {
                let mut id = key(connection.id.as_str());
                if channels_of
                    .get(connection.id.as_str())
                    .copied()
                    .unwrap_or(0)
                    > 1
                {
                    id = format!("{id}.{channel_id}");
                }
                let actor = doc
                    .component(connection.from.as_str())
                    .map_or(connection.from.as_str(), |c| c.name.as_str());
                let verb = if action == "send" {
                    "publishes to"
                } else {
                    "consumes"
                };
                operations.insert(
                    id,
                    OperationObject {
                        action,
                        channel: Reference {
                            path: format!("#/channels/{channel_id}"),
                        },
                        summary: format!("{actor} {verb} {}", channel.address),
                        messages: vec![Reference {
                            path: message_ref.clone(),
                        }],
                        extensions: guarantees(connection),
                    },
                );
            }
        }
    }
    AsyncApiDocument {
        asyncapi: "3.0.0",
        info: Info {
            title: format!("{} messages", broker.name),
            version: "unversioned",
            description,
            component: broker.id.to_string(),
        },
        default_content_type: "application/json",
        servers,
        channels,
        operations,
        components: Components { messages },
    }
}

/// Whether every publish and consume of the broker uses TLS.
fn all_tls(contract: &BrokerContract<'_>) -> bool {
    contract
        .channels
        .iter()
        .flat_map(|c| c.publishes.iter().chain(&c.consumes))
        .all(|c| c.tls)
}

fn message(channel: &Channel<'_>) -> Message {
    Message {
        name: channel.message.clone(),
        title: channel.message.clone(),
        description: channel
            .topic
            .map(|t| escape_markdown(&t.description))
            .unwrap_or_default(),
        content_type: "application/json",
        payload: json!({
            "type": "object",
            "description": "Named by the model; its fields belong to the team that publishes it.",
        }),
    }
}

/// What a publish or consume promises about delivery, as the model states it.
fn guarantees(connection: &Connection) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for name in [
        "acks",
        "idempotent",
        "outbox",
        "consumer_group",
        "concurrency",
        "retries",
    ] {
        // Only what the model states: a kind's default is not a promise the model makes.
        let Some(value) = connection.properties.get(name) else {
            continue;
        };
        let value = match value {
            PropertyValue::Bool(b) => json!(b),
            PropertyValue::Int(i) => json!(i),
            PropertyValue::Text(t) if t.trim().is_empty() => continue,
            PropertyValue::Text(t) => json!(t),
            _ => continue,
        };
        out.insert(format!("x-{}", name.replace('_', "-")), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_keys_keep_only_what_asyncapi_allows() {
        assert_eq!(key("orders.created-v1_x"), "orders.created-v1_x");
        assert_eq!(key("a b/c#d"), "a_b_c_d");
        assert_eq!(key(""), "_");
    }
}
