//! API operations: what a call into a service asks for. They live on the connections that
//! carry them (a gateway's route to the orders service carries the orders operations), so
//! the contract exports, the design document and the inspector read one list.

use serde::{Deserialize, Serialize};

use super::AuthMode;

/// Which API style a connection kind carries operations in (catalog data, `api:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiStyle {
    /// Resources by method and path (REST over HTTP): an operation has both.
    Http,
    /// Procedures of a service (gRPC): an operation is a method name, no path.
    Rpc,
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl HttpMethod {
    pub const ALL: [HttpMethod; 7] = [
        Self::Get,
        Self::Post,
        Self::Put,
        Self::Patch,
        Self::Delete,
        Self::Head,
        Self::Options,
    ];

    /// The method as HTTP writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
            Self::Head => "HEAD",
            Self::Options => "OPTIONS",
        }
    }

    /// Whether repeating the request has the effect of making it once (RFC 9110 §9.2.2):
    /// the others need an idempotency key before a client may retry them.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Self::Post | Self::Patch)
    }
}

/// One operation of a service's API, as its callers use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// The operation's identifier: `operationId` in OpenAPI, the method name in gRPC
    /// (`createPost`, `GetUser`). Unique among a service's operations.
    pub name: String,
    /// HTTP method; gRPC operations have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<HttpMethod>,
    /// The full HTTP path the service serves, with `{parameters}` (`/v2/posts/{post_id}`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// Name of the request body's schema (an HTTP body, a gRPC request message).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub request: String,
    /// Name of the response's schema; empty for an HTTP operation that answers no content.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub response: String,
    /// HTTP status of success; `None` is 201 for a POST that returns a body, 204 for an
    /// operation without one, 200 otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// How callers authenticate for this operation; `None` takes the connection's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthMode>,
    /// Callers send an `Idempotency-Key` header, so a retried request takes effect once.
    #[serde(default, skip_serializing_if = "super::document::is_false")]
    pub idempotency_key: bool,
    /// Making the call twice has the effect of making it once (a read, a set, a delete).
    /// HTTP methods other than POST and PATCH are so by definition; a gRPC method says so
    /// here.
    #[serde(default, skip_serializing_if = "super::document::is_false")]
    pub idempotent: bool,
    /// Requests per second one caller may make; `None` takes the route's or the gateway's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit_rps: Option<u64>,
    /// The API version the operation belongs to (`v2`); empty takes the service's
    /// `api_version`. A service serving two versions gets one contract per version.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// Still served, to be removed: callers should move to its successor.
    #[serde(default, skip_serializing_if = "super::document::is_false")]
    pub deprecated: bool,
    /// Its own p99 latency objective in milliseconds, when it is held to another than the
    /// model's (a payment that waits on the card issuer): its requests leave the service's
    /// latency objective and answer to this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99_ms: Option<u32>,
}

impl Operation {
    /// An operation with nothing but its name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            method: None,
            path: String::new(),
            summary: String::new(),
            request: String::new(),
            response: String::new(),
            status: None,
            auth: None,
            idempotency_key: false,
            idempotent: false,
            rate_limit_rps: None,
            version: String::new(),
            deprecated: false,
            p99_ms: None,
        }
    }

    /// The HTTP status of success (see [`Operation::status`]).
    pub fn success_status(&self) -> u16 {
        self.status
            .unwrap_or(match (self.method, self.response.is_empty()) {
                (_, true) => 204,
                (Some(HttpMethod::Post), false) => 201,
                _ => 200,
            })
    }

    /// The names of the path's `{parameters}`, in order.
    pub fn path_parameters(&self) -> impl Iterator<Item = &str> {
        self.path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
    }

    /// Whether a client may retry it without doing it twice: it is idempotent (by its HTTP
    /// method or as stated) or takes an idempotency key.
    pub fn safe_to_retry(&self) -> bool {
        self.idempotency_key
            || self.idempotent
            || self.method.is_some_and(HttpMethod::is_idempotent)
    }

    /// How the operation is written in prose: `POST /v2/posts` or `GetUser`.
    pub fn signature(&self) -> String {
        match self.method {
            Some(method) => format!("{} {}", method.as_str(), self.path),
            None => self.name.clone(),
        }
    }
}
