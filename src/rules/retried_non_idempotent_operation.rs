//! REL020: a call that retries an operation whose repetition has an effect of its own.

use crate::model::PropertyValue;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags calls that retry (`retries` above 0) and carry operations a retry can apply
    /// twice: HTTP `POST` and `PATCH` operations, and gRPC operations, that are not stated
    /// `idempotent` and take no idempotency key (`idempotency_key: true`).
    ///
    /// ## Why it matters
    /// A retry follows a timeout, and a timeout does not mean the request failed: the first
    /// attempt may have placed the order or charged the card. Retrying a non-idempotent
    /// operation without a key the server deduplicates on does it twice.
    ///
    /// ## Example
    /// The checkout service calls `Authorize` on the payment service with 2 retries, and
    /// `Authorize` takes no idempotency key.
    ///
    /// ## How to fix
    /// Give the operation an idempotency key the server stores with its result, state that
    /// it is `idempotent` when repeating it changes nothing, or stop retrying it.
    pub struct RetriedNonIdempotentOperation;
    id: "REL020",
    name: "retried-non-idempotent-operation",
    category: Reliability,
    severity: Warning,
}

impl Rule for RetriedNonIdempotentOperation {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let doc = cx.graph.document();
        for connection in doc
            .connections()
            .iter()
            .filter(|c| !c.operations.is_empty())
        {
            let retries = cx
                .graph
                .connection_property(connection, "retries")
                .and_then(PropertyValue::as_int)
                .unwrap_or(0);
            if retries == 0 {
                continue;
            }
            let unsafe_to_retry: Vec<String> = connection
                .operations
                .iter()
                .filter(|o| !o.safe_to_retry())
                .map(|o| o.signature())
                .collect();
            if unsafe_to_retry.is_empty() {
                continue;
            }
            let (Some(caller), Some(callee)) = (
                doc.component(connection.from.as_str()),
                doc.component(connection.to.as_str()),
            ) else {
                continue;
            };
            out.push(cx.finding(
                format!(
                    "{} retries {} on {} up to {}, and {} neither idempotent nor protected by an idempotency key",
                    caller.name,
                    unsafe_to_retry.join(", "),
                    callee.name,
                    if retries == 1 { "once".to_owned() } else { format!("{retries} times") },
                    if unsafe_to_retry.len() == 1 { "it is" } else { "they are" },
                ),
                vec![connection.id.to_string()],
                "give the operation an idempotency key, mark it idempotent if repeating it changes nothing, or stop retrying",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{HttpMethod, Operation};
    use crate::rules::fixture::{Fixture, render, run};

    fn doc(key: bool) -> crate::model::Document {
        Fixture::new()
            .component("checkout", "service-go", &[])
            .component("payments", "service-go", &[])
            .connect_with("checkout", "payments", "http", |c| {
                c.properties.insert("retries".into(), PropertyValue::Int(2));
                let mut authorize = Operation::new("authorize");
                authorize.method = Some(HttpMethod::Post);
                authorize.path = "/v1/authorizations".into();
                authorize.idempotency_key = key;
                let mut read = Operation::new("getAuthorization");
                read.method = Some(HttpMethod::Get);
                read.path = "/v1/authorizations/{id}".into();
                c.operations = vec![authorize, read];
            })
            .build()
    }

    #[test]
    fn passes_with_an_idempotency_key() {
        assert!(run(&RetriedNonIdempotentOperation, &doc(true)).is_empty());
    }

    #[test]
    fn fails_when_a_post_is_retried_without_one() {
        insta::assert_snapshot!(render(&run(&RetriedNonIdempotentOperation, &doc(false))));
    }
}
