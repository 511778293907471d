//! SEC003: credentials pasted into the model.

use crate::model::PropertyValue;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Looks through every text property and description for values that look like credentials:
    /// `password=…`, `secret=…`, private keys, AWS access keys, Stripe or Slack tokens, JWTs.
    ///
    /// ## Why it matters
    /// Models are committed, exported to Terraform and pasted into design documents. A secret in a
    /// model leaks wherever the model goes.
    ///
    /// ## Example
    /// `env: "DB_PASSWORD=hunter2"` on a service.
    ///
    /// ## How to fix
    /// Store the secret in a secrets manager, connect the service to it with `secret_access`, and
    /// reference the secret by name.
    pub struct SecretsInProperties;
    id: "SEC003",
    name: "secret-in-model",
    category: Security,
    severity: Error,
}

/// Why `text` looks like a credential, if it does.
pub(crate) fn looks_like_secret(text: &str) -> Option<&'static str> {
    // Every pattern below needs at least this much text; most descriptions are empty.
    if text.len() < 8 {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    for key in [
        "password",
        "passwd",
        "secret",
        "api_key",
        "apikey",
        "token",
        "private_key",
    ] {
        if let Some(position) = lower.find(key) {
            let rest = lower[position + key.len()..]
                .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
            let rest = rest.trim_start();
            let value_of = |rest: &str| -> String {
                rest.trim_start()
                    .trim_start_matches(['"', '\''])
                    .chars()
                    .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ';' | '"' | '\''))
                    .collect()
            };
            // `KEY=value` is how secrets get pasted from env files; `key: value` is prose
            // unless the value looks generated (letters and digits, eight or more).
            if let Some(value) = rest.strip_prefix('=').map(value_of)
                && value.len() >= 4
            {
                return Some("a credential assignment");
            }
            if let Some(value) = rest.strip_prefix(':').map(value_of)
                && value.len() >= 8
                && value.chars().any(|c| c.is_ascii_digit())
                && value.chars().any(|c| c.is_ascii_alphabetic())
            {
                return Some("a credential assignment");
            }
        }
    }
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    if has_url_password(text) {
        return Some("a password in a URL");
    }
    let words =
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'));
    for word in words {
        if (word.starts_with("AKIA") || word.starts_with("ASIA"))
            && word.len() == 20
            && word[4..]
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            return Some("an AWS access key");
        }
        if ["sk_live_", "rk_live_", "xoxb-", "xoxp-", "ghp_", "glpat-"]
            .iter()
            .any(|p| word.starts_with(p))
            && word.len() >= 16
        {
            return Some("an API token");
        }
        if word.starts_with("eyJ") && word.matches('.').count() == 2 && word.len() > 30 {
            return Some("a JSON web token");
        }
    }
    None
}

/// `scheme://user:password@host`: a URL that carries its own password (not a `${...}`
/// placeholder).
fn has_url_password(text: &str) -> bool {
    text.match_indices("://").any(|(at, _)| {
        let authority = text[at + 3..]
            .split(['/', ' ', ',', ';', '"', '\''])
            .next()
            .unwrap_or_default();
        authority.rsplit_once('@').is_some_and(|(userinfo, _)| {
            userinfo
                .split_once(':')
                .is_some_and(|(_, password)| !password.is_empty() && !password.starts_with("${"))
        })
    })
}

impl Rule for SecretsInProperties {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for component in cx.doc().components() {
            let texts = component
                .properties
                .iter()
                .filter_map(|(key, value)| match value {
                    PropertyValue::Text(text) => Some((key.as_str(), text.as_str())),
                    _ => None,
                })
                .chain([("description", component.description.as_str())]);
            for (field, text) in texts {
                if let Some(what) = looks_like_secret(text) {
                    out.push(cx.finding(
                        format!(
                            "{}: `{field}` contains what looks like {what}",
                            component.name
                        ),
                        vec![component.id.as_str().to_owned()],
                        "move the value into a secrets manager and reference it by name",
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::{Fixture, render, run};

    #[test]
    fn recognises_common_credentials() {
        assert!(looks_like_secret("DB_PASSWORD=hunter2").is_some());
        assert!(looks_like_secret("key sk_live_51HxQ2eKx9vTq8LmN3pR7sYwZ").is_some());
        assert!(looks_like_secret("AKIAIOSFODNN7EXAMPLE").is_some());
        assert_eq!(
            looks_like_secret("NATS_URL=nats://push:Qx7pL2vR9sTe@nats:4222"),
            Some("a password in a URL")
        );
        assert!(looks_like_secret("DB_URL=postgres://app@db:5432/orders").is_none());
        assert!(looks_like_secret("DB_URL=postgres://app:${DB_PASSWORD}@db/orders").is_none());
        assert!(looks_like_secret("password rotation every 30 days").is_none());
        assert!(looks_like_secret("LOG_LEVEL=info,PORT=8080").is_none());
        assert!(
            looks_like_secret("secret: psp-api-key").is_none(),
            "a name is not a secret"
        );
        assert!(looks_like_secret("token: 8f3a9c2e71b4").is_some());
    }

    #[test]
    fn passes_with_references() {
        let doc = Fixture::new()
            .component(
                "api",
                "service-go",
                &[("env", "DB_HOST=orders-db,LOG_LEVEL=info".into())],
            )
            .build();
        assert!(run(&SecretsInProperties, &doc).is_empty());
    }

    #[test]
    fn fails_with_a_pasted_password() {
        let doc = Fixture::new()
            .component(
                "api",
                "service-go",
                &[("env", "DB_PASSWORD=hunter2".into())],
            )
            .build();
        insta::assert_snapshot!(render(&run(&SecretsInProperties, &doc)));
    }
}
