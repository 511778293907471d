//! The design document's "Authentication and audit" section: who authenticates against
//! which identity provider and how, where callers from outside are authenticated, how the
//! services authenticate each other, which operations need credentials, who reads which
//! secrets, and what the audit trail is (the logs each service ships and how long they are
//! kept). Every line is read from the model's connections and their resolved contracts.

use petgraph::Direction;

use super::content::{Block, Line, plain, strong, text};
use super::{Context, auth_label, heading, paragraph};
use crate::catalog::{ConnectionStyle, Trait};
use crate::contracts::{Contracts, validates_tokens};
use crate::model::{AuthMode, Component, PropertyValue};

pub(super) fn access(cx: &Context<'_>, contracts: &Contracts<'_>, out: &mut Vec<Block>) {
    heading(out, 2, "Authentication and audit");
    identity(cx, out);
    entries(cx, out);
    service_to_service(cx, out);
    operations(contracts, out);
    secrets(cx, out);
    audit(cx, out);
}

fn names(components: &[&Component]) -> String {
    components
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn identity(cx: &Context<'_>, out: &mut Vec<Block>) {
    let providers: Vec<&Component> = cx.graph.with_trait(Trait::Identity).collect();
    if providers.is_empty() {
        paragraph(out, "Identity: the model has no identity provider.");
        return;
    }
    let lines: Vec<Line> = providers
        .iter()
        .map(|provider| {
            let users: Vec<String> = cx
                .graph
                .connections(*provider, Direction::Incoming, Some("auth"))
                .into_iter()
                .map(|c| {
                    let flow = cx
                        .graph
                        .connection_property(c, "flow")
                        .and_then(PropertyValue::as_text)
                        .unwrap_or("authorization_code")
                        .replace('_', " ");
                    format!("{} ({flow})", cx.name_of(c.from.as_str()))
                })
                .collect();
            let mut line = vec![strong(provider.name.clone())];
            line.push(text(if users.is_empty() {
                ": nothing authenticates against it".to_owned()
            } else {
                format!(": {}", users.join(", "))
            }));
            line
        })
        .collect();
    out.push(Block::Paragraph(plain(
        "Identity providers and who uses them:",
    )));
    out.push(Block::List(lines));
}

fn entries(cx: &Context<'_>, out: &mut Vec<Block>) {
    let entries: Vec<&Component> = cx
        .doc
        .components()
        .iter()
        .filter(|c| cx.graph.is_router(c) && cx.has(c, Trait::PublicEntry))
        .collect();
    if entries.is_empty() {
        return;
    }
    let (checked, open): (Vec<&Component>, Vec<&Component>) =
        entries.iter().partition(|c| cx.flag(c, "auth_required"));
    let mut line = vec![strong("Entry points.")];
    line.push(text(if checked.is_empty() {
        " No entry point requires callers to authenticate.".to_owned()
    } else {
        format!(" Callers authenticate at {}.", names(&checked))
    }));
    if !open.is_empty() && !checked.is_empty() {
        line.push(text(format!(
            " {} {} none.",
            names(&open),
            if open.len() == 1 {
                "requires"
            } else {
                "require"
            }
        )));
    }
    let checking: Vec<&Component> = cx
        .doc
        .components()
        .iter()
        .filter(|c| cx.has(c, Trait::Compute) && validates_tokens(&cx.graph, c))
        .collect();
    if !checking.is_empty() {
        line.push(text(format!(
            " Services that check their callers' tokens themselves: {}.",
            names(&checking)
        )));
    }
    out.push(Block::Paragraph(line));
}

fn service_to_service(cx: &Context<'_>, out: &mut Vec<Block>) {
    let internal: Vec<_> = cx
        .doc
        .connections()
        .iter()
        .filter(|c| cx.graph.style(c) == Some(ConnectionStyle::Sync))
        .filter(|c| {
            let from = cx.doc.component(c.from.as_str());
            let to = cx.doc.component(c.to.as_str());
            from.zip(to).is_some_and(|(from, to)| {
                cx.has(from, Trait::Compute) && cx.has(to, Trait::Compute)
            })
        })
        .collect();
    if internal.is_empty() {
        return;
    }
    let mut by_mode: Vec<(AuthMode, usize)> = Vec::new();
    for connection in &internal {
        match by_mode.iter_mut().find(|(m, _)| *m == connection.auth) {
            Some((_, n)) => *n += 1,
            None => by_mode.push((connection.auth, 1)),
        }
    }
    by_mode.sort();
    let counts: Vec<String> = by_mode
        .iter()
        .map(|(mode, n)| format!("{n} {}", auth_label(*mode)))
        .collect();
    let unauthenticated: Vec<String> = internal
        .iter()
        .filter(|c| c.auth.is_none())
        .map(|c| cx.name_of(c.id.as_str()))
        .collect();
    let mut line = vec![
        strong("Between services."),
        text(format!(
            " {} synchronous calls between services: {}.",
            internal.len(),
            counts.join(", ")
        )),
    ];
    if !unauthenticated.is_empty() {
        line.push(text(format!(
            " Unauthenticated: {}.",
            unauthenticated.join("; ")
        )));
    }
    out.push(Block::Paragraph(line));
}

fn operations(contracts: &Contracts<'_>, out: &mut Vec<Block>) {
    let all: Vec<_> = contracts
        .apis
        .iter()
        .flat_map(|a| a.operations().map(move |o| (a.service, o)))
        .collect();
    if all.is_empty() {
        return;
    }
    let public: Vec<String> = all
        .iter()
        .filter(|(_, o)| o.auth.is_none())
        .map(|(service, o)| format!("{} ({})", o.operation.signature(), service.name))
        .collect();
    let mut line = vec![
        strong("Operations."),
        text(format!(
            " {} of {} stated operations require credentials.",
            all.len() - public.len(),
            all.len()
        )),
    ];
    if !public.is_empty() {
        line.push(text(format!(
            " Open to anyone who reaches them: {}.",
            public.join(", ")
        )));
    }
    out.push(Block::Paragraph(line));
}

fn secrets(cx: &Context<'_>, out: &mut Vec<Block>) {
    let stores: Vec<&Component> = cx.graph.with_trait(Trait::Secrets).collect();
    if stores.is_empty() {
        return;
    }
    let lines: Vec<Line> = stores
        .iter()
        .map(|store| {
            let readers: Vec<String> = cx
                .graph
                .connections(*store, Direction::Incoming, Some("secret_access"))
                .into_iter()
                .map(|c| {
                    let secret = cx
                        .graph
                        .connection_property(c, "secret")
                        .and_then(PropertyValue::as_text)
                        .filter(|s| !s.is_empty());
                    match secret {
                        Some(secret) => format!("{} ({secret})", cx.name_of(c.from.as_str())),
                        None => cx.name_of(c.from.as_str()),
                    }
                })
                .collect();
            let mut line = vec![strong(store.name.clone())];
            line.push(text(if readers.is_empty() {
                ": nothing reads it".to_owned()
            } else {
                format!(": read by {}", readers.join(", "))
            }));
            line
        })
        .collect();
    out.push(Block::Paragraph(plain("Secrets and who reads them:")));
    out.push(Block::List(lines));
}

fn audit(cx: &Context<'_>, out: &mut Vec<Block>) {
    // Logs travel on telemetry connections that carry them (no `signal`, `logs` or `all`).
    let carries_logs = |connection: &&crate::model::Connection| {
        matches!(
            cx.graph
                .connection_property(connection, "signal")
                .and_then(PropertyValue::as_text),
            None | Some("logs" | "all")
        )
    };
    let log_hops = |component: &Component| -> Vec<&Component> {
        cx.graph
            .connections(component, Direction::Outgoing, Some("telemetry"))
            .into_iter()
            .filter(carries_logs)
            .filter_map(|c| cx.doc.component(c.to.as_str()))
            .filter(|sink| cx.has(sink, Trait::Logs))
            .collect()
    };
    // A log store keeps what it receives: a logs sink that forwards nothing on. A collector
    // that forwards keeps logs only if it sends them on to a store.
    let stores_logs = |sink: &Component| {
        cx.has(sink, Trait::Logs)
            && cx
                .graph
                .connections(sink, Direction::Outgoing, Some("telemetry"))
                .is_empty()
    };
    let keeps_logs =
        |sink: &Component| stores_logs(sink) || log_hops(sink).into_iter().any(&stores_logs);
    let sinks: Vec<&Component> = cx
        .graph
        .with_trait(Trait::Logs)
        .filter(|sink| stores_logs(sink))
        .collect();
    let services: Vec<&Component> = cx
        .doc
        .components()
        .iter()
        .filter(|c| cx.has(c, Trait::Compute))
        .collect();
    if services.is_empty() {
        return;
    }
    let logging = |service: &Component| log_hops(service).into_iter().any(&keeps_logs);
    let silent: Vec<&Component> = services.iter().copied().filter(|s| !logging(s)).collect();
    let kept: Vec<String> = sinks
        .iter()
        .map(|sink| match cx.int(sink, "retention_days") {
            Some(days) => format!("{} keeps them {days} days", sink.name),
            None => sink.name.clone(),
        })
        .collect();
    let mut line = vec![
        strong("Audit trail."),
        text(if sinks.is_empty() {
            " The model has no log store, so nothing records who did what.".to_owned()
        } else {
            format!(
                " {} of {} services ship their logs ({}).",
                services.len() - silent.len(),
                services.len(),
                kept.join("; ")
            )
        }),
    ];
    if !silent.is_empty() && !sinks.is_empty() {
        line.push(text(format!(" Not logged: {}.", names(&silent))));
    }
    out.push(Block::Paragraph(line));
}
