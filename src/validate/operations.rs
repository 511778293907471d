//! A connection's API operations: only on kinds that carry an API, each shaped as its style
//! needs (HTTP: a method and a path; RPC: a method name), with names the contract formats
//! can write unchanged (OpenAPI `operationId`, Protocol Buffers identifiers).

use rustc_hash::FxHashSet;

use super::{Problem, check_text};
use crate::model::{ApiStyle, Operation};
use crate::text::{MAX_NAME_CHARS, MAX_VALUE_CHARS, TextKind, echo};

/// An hour: a request slower than that is a job, not an operation's latency.
const MAX_OPERATION_P99_MS: u32 = 3_600_000;
/// Most requests per second an operation may be limited to (the connection property's bound).
pub const MAX_OPERATION_RATE_LIMIT: u64 = 10_000_000;

pub(super) fn check_operations(
    element: &str,
    kind: &str,
    style: Option<ApiStyle>,
    operations: &[Operation],
    out: &mut Vec<Problem>,
) {
    let problem = |operation: &str, reason: String| Problem::BadOperation {
        element: element.to_owned(),
        operation: operation.to_owned(),
        reason,
    };
    let Some(style) = style else {
        if let Some(first) = operations.first() {
            out.push(problem(
                &first.name,
                format!(
                    "`{}` connections carry no API operations; operations go on HTTP or gRPC calls",
                    echo(kind)
                ),
            ));
        }
        return;
    };
    let mut names = FxHashSet::default();
    let mut routes = FxHashSet::default();
    for operation in operations {
        let name = operation.name.as_str();
        check_text(
            element,
            "operations",
            name,
            TextKind::Line,
            MAX_NAME_CHARS,
            out,
        );
        check_text(
            element,
            "operations",
            &operation.summary,
            TextKind::Line,
            MAX_VALUE_CHARS,
            out,
        );
        if !is_identifier(name) {
            out.push(problem(
                name,
                "the name must be an identifier (letters, digits and `_`, not starting with a digit), as OpenAPI operation ids and gRPC methods are".to_owned(),
            ));
        } else if !names.insert(name) {
            out.push(problem(
                name,
                "the name is used twice on this connection".to_owned(),
            ));
        }
        for (field, schema) in [
            ("request", &operation.request),
            ("response", &operation.response),
        ] {
            if !schema.is_empty() && !is_identifier(schema) {
                out.push(problem(
                    name,
                    format!(
                        "`{field}` names a schema, `{}` is not an identifier (letters, digits and `_`)",
                        echo(schema)
                    ),
                ));
            }
        }
        if !operation.version.is_empty()
            && !operation
                .version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            out.push(problem(
                name,
                format!(
                    "the version `{}` may hold only letters, digits, `.`, `-` and `_` (`v2`, `2024-06-01`)",
                    echo(&operation.version)
                ),
            ));
        }
        if let Some(rps) = operation.rate_limit_rps
            && !(1..=MAX_OPERATION_RATE_LIMIT).contains(&rps)
        {
            out.push(problem(
                name,
                format!(
                    "`rate_limit_rps` must be between 1 and {MAX_OPERATION_RATE_LIMIT}, got {rps}"
                ),
            ));
        }
        if let Some(p99) = operation.p99_ms
            && !(1..=MAX_OPERATION_P99_MS).contains(&p99)
        {
            out.push(problem(
                name,
                format!("`p99_ms` must be between 1 and {MAX_OPERATION_P99_MS}, got {p99}"),
            ));
        }
        match style {
            ApiStyle::Http => {
                check_http(operation, &problem, out);
                if let Some(method) = operation.method
                    && !routes.insert((method, operation.path.as_str()))
                {
                    out.push(problem(
                        name,
                        format!(
                            "`{}` is defined twice on this connection",
                            echo(&operation.signature())
                        ),
                    ));
                }
            }
            ApiStyle::Rpc => {
                if operation.method.is_some() || !operation.path.is_empty() {
                    out.push(problem(
                        name,
                        "a gRPC operation is a method of the service: it takes no HTTP `method` or `path`".to_owned(),
                    ));
                }
                if operation.status.is_some() {
                    out.push(problem(
                        name,
                        "a gRPC operation has no HTTP `status`".to_owned(),
                    ));
                }
            }
        }
    }
}

fn check_http(
    operation: &Operation,
    problem: &impl Fn(&str, String) -> Problem,
    out: &mut Vec<Problem>,
) {
    let name = operation.name.as_str();
    if operation.method.is_none() {
        out.push(problem(
            name,
            "an HTTP operation needs a `method` (get, post, put, patch, delete, head, options)"
                .to_owned(),
        ));
    }
    if let Err(reason) = check_path(&operation.path) {
        out.push(problem(name, reason));
    }
    if let Some(status) = operation.status
        && !(200..=399).contains(&status)
    {
        out.push(problem(
            name,
            format!("`status` is the status of success, from 200 to 399; got {status}"),
        ));
    }
}

/// An HTTP path template: absolute, no query or fragment, `{name}` parameters that are
/// identifiers, each named once.
fn check_path(path: &str) -> Result<(), String> {
    let shown = echo(path);
    if !path.starts_with('/') {
        return Err(format!(
            "the path `{shown}` must start with `/` (`/v2/posts/{{post_id}}`)"
        ));
    }
    if let Some(c) = path
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '"' | '\\'))
    {
        return Err(format!(
            "the path `{shown}` holds `{}`: a path has no spaces, query or fragment",
            c.escape_default()
        ));
    }
    let mut parameters = FxHashSet::default();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(format!("the path `{shown}` closes a `}}` it never opened"));
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(format!("the path `{shown}` opens a `{{` it never closes"));
        };
        let parameter = &after[..close];
        if !is_identifier(parameter) {
            return Err(format!(
                "the path `{shown}` has a parameter `{{{}}}` that is not an identifier",
                echo(parameter)
            ));
        }
        if !parameters.insert(parameter) {
            return Err(format!(
                "the path `{shown}` names the parameter `{parameter}` twice"
            ));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// `[A-Za-z_][A-Za-z0-9_]*`: valid unchanged as an OpenAPI operation id, a JSON Schema name
/// and a Protocol Buffers identifier.
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_absolute_templates_with_named_parameters() {
        assert!(check_path("/v2/posts/{post_id}/likes").is_ok());
        assert!(check_path("/").is_ok());
        for bad in [
            "v2/posts",
            "/v2/posts?x=1",
            "/v2/{post id}",
            "/v2/{id}/{id}",
            "/v2/{id",
            "/v2/id}",
            "/v2/{}",
        ] {
            assert!(check_path(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn identifiers_are_what_every_contract_format_accepts() {
        assert!(is_identifier("createPost"));
        assert!(is_identifier("_x9"));
        assert!(!is_identifier("9x"));
        assert!(!is_identifier("create-post"));
        assert!(!is_identifier(""));
    }
}
