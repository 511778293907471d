//! The topics of a broker and the flows through each: which publish and consume connections
//! name it. A broker that declares no topics is read as one unnamed topic; a connection that
//! names no topic counts for every topic of its broker except the dead letters, which only
//! the broker itself feeds.

use std::collections::HashMap;

use petgraph::Direction;

use crate::graph::ArchGraph;
use crate::model::{Component, Connection, PropertyValue, Topic};

/// The publishes and consumes of one topic that name it.
#[derive(Debug, Default)]
struct Named<'a> {
    publishes: Vec<&'a Connection>,
    consumes: Vec<&'a Connection>,
}

/// A broker's flows, sorted out by topic once (linear in its connections and topics).
#[derive(Debug)]
pub struct BrokerFlows<'a> {
    pub broker: &'a Component,
    unnamed: Named<'a>,
    named: HashMap<&'a str, Named<'a>>,
    dead_letters: HashMap<&'a str, &'a Topic>,
    /// Connections that name a topic the broker does not declare (when it declares any).
    pub unknown: Vec<&'a Connection>,
}

/// One topic of a broker (or the whole broker, when it declares none) and its flows.
#[derive(Debug, Clone, Copy)]
pub struct TopicFlows<'f, 'a> {
    flows: &'f BrokerFlows<'a>,
    /// `None` when the broker declares no topics.
    pub topic: Option<&'a Topic>,
}

/// Whether a connection is a consumer reading from its broker (drawn from the consumer to
/// the broker, though the messages flow the other way).
pub fn is_consume(connection: &Connection) -> bool {
    connection.kind.as_str() == "consume"
}

/// The topic a connection names, when it names one.
pub fn named_topic<'a>(graph: &ArchGraph<'a>, connection: &'a Connection) -> Option<&'a str> {
    graph
        .connection_property(connection, "topic")
        .and_then(PropertyValue::as_text)
        .filter(|name| !name.trim().is_empty())
}

impl<'a> BrokerFlows<'a> {
    pub fn new(graph: &ArchGraph<'a>, broker: &'a Component) -> Self {
        let mut flows = Self {
            broker,
            unnamed: Named::default(),
            named: HashMap::new(),
            dead_letters: broker
                .topics
                .iter()
                .filter_map(|t| t.dead_letter.as_deref().map(|d| (d, t)))
                .collect(),
            unknown: Vec::new(),
        };
        for connection in graph.connections(broker, Direction::Incoming, None) {
            let publish = match connection.kind.as_str() {
                "publish" => true,
                _ if is_consume(connection) => false,
                _ => continue,
            };
            let bucket = match named_topic(graph, connection) {
                // A broker without declared topics is one topic: every name reaches it.
                Some(_) if broker.topics.is_empty() => &mut flows.unnamed,
                Some(name) => {
                    if broker.topic(name).is_none() {
                        flows.unknown.push(connection);
                        continue;
                    }
                    flows.named.entry(name).or_default()
                }
                None => &mut flows.unnamed,
            };
            if publish {
                bucket.publishes.push(connection);
            } else {
                bucket.consumes.push(connection);
            }
        }
        flows
    }

    /// Each topic, in name order; a single unnamed one when the broker declares none.
    pub fn topics<'f>(&'f self) -> Vec<TopicFlows<'f, 'a>> {
        if self.broker.topics.is_empty() {
            return vec![TopicFlows {
                flows: self,
                topic: None,
            }];
        }
        self.broker
            .topics
            .iter()
            .map(|topic| TopicFlows {
                flows: self,
                topic: Some(topic),
            })
            .collect()
    }
}

impl<'a> BrokerFlows<'a> {
    /// The consume connections that read what `publish` (a publish into this broker) writes:
    /// the consumers of the topics it reaches, each once, in topic order.
    pub fn consumers_of(&self, publish: &Connection) -> Vec<&'a Connection> {
        let mut out: Vec<&'a Connection> = Vec::new();
        for topic in self.topics() {
            if topic.publishes().any(|p| std::ptr::eq(p, publish)) {
                for consume in topic.consumes() {
                    if !out.iter().any(|c| std::ptr::eq(*c, consume)) {
                        out.push(consume);
                    }
                }
            }
        }
        out
    }
}

impl<'f, 'a> TopicFlows<'f, 'a> {
    /// The topic another topic of the broker dead-letters into this one, if any.
    pub fn dead_letter_of(&self) -> Option<&'a Topic> {
        let topic = self.topic?;
        self.flows.dead_letters.get(topic.name.as_str()).copied()
    }

    fn named(&self) -> Option<&'f Named<'a>> {
        self.topic
            .and_then(|topic| self.flows.named.get(topic.name.as_str()))
    }

    /// Whether connections that name no topic reach this one: every topic but dead letters.
    fn takes_unnamed(&self) -> bool {
        self.dead_letter_of().is_none()
    }

    /// The flows of one direction: those that name this topic, and the unnamed ones when it
    /// takes them.
    fn flows(
        &self,
        side: for<'n> fn(&'n Named<'a>) -> &'n [&'a Connection],
    ) -> impl Iterator<Item = &'a Connection> + 'f {
        let unnamed: &'f [&'a Connection] = if self.takes_unnamed() {
            side(&self.flows.unnamed)
        } else {
            &[]
        };
        self.named()
            .map_or(&[][..], side)
            .iter()
            .chain(unnamed)
            .copied()
    }

    pub fn publishes(&self) -> impl Iterator<Item = &'a Connection> + 'f {
        self.flows(|named| &named.publishes)
    }

    pub fn consumes(&self) -> impl Iterator<Item = &'a Connection> + 'f {
        self.flows(|named| &named.consumes)
    }

    /// How messages name it: "topic `orders.created` on Order events", or the broker's name
    /// when it declares no topics.
    pub fn label(&self) -> String {
        match self.topic {
            Some(topic) => format!("topic `{}` on {}", topic.name, self.flows.broker.name),
            None => self.flows.broker.name.clone(),
        }
    }
}
