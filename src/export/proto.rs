//! Protocol Buffers skeletons for gRPC services: one `.proto` per service and API version,
//! in the package its callers name (`service: "chirp.users.v2.UserDirectory"`), with an
//! `rpc` per operation and a message per request and response name. The messages have no
//! fields: the model names them, the owning team writes them.
//!
//! User text reaches the file only in `//` comments, one line each, with control characters
//! made spaces, so it cannot end a comment and become syntax; names are identifiers (the
//! loader checks them) or are replaced by identifiers made from them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::listing::{Listed, readme};
use super::{ExportError, ExportOptions, Exported, Exporter, Format, Output};
use crate::catalog::Catalog;
use crate::contracts::{ApiVersion, Contracts, ServiceApi};
use crate::graph::ArchGraph;
use crate::model::{ApiStyle, Document, slugify};
use crate::rules::counted;
use crate::validate::is_identifier;

#[derive(Debug)]
pub struct ProtoExporter;

const EMPTY: &str = "google.protobuf.Empty";

impl Exporter for ProtoExporter {
    fn format(&self) -> &'static Format {
        &Format {
            id: "proto",
            label: "Protocol Buffers (one per gRPC service)",
            extension: None,
        }
    }

    fn export_noted(
        &self,
        doc: &Document,
        catalog: &Catalog,
        _options: &ExportOptions,
    ) -> Result<Exported, ExportError> {
        let graph = ArchGraph::new(doc, catalog);
        let contracts = Contracts::new(&graph);
        let mut files = BTreeMap::new();
        let mut notes = Vec::new();
        let mut listed = Vec::new();
        for api in contracts.apis.iter().filter(|a| a.style == ApiStyle::Rpc) {
            let stated = api.rpc_service.and_then(split_qualified);
            if api.rpc_service.is_some() && stated.is_none() {
                notes.push(format!(
                    "{}: the gRPC service name `{}` is not a dotted list of identifiers; the package is made from the model's and the service's names",
                    api.service.name,
                    api.rpc_service.unwrap_or_default()
                ));
            }
            for version in &api.versions {
                let (package, service) = names(doc, api, version, stated.as_ref());
                let file = file_path(&package, &service);
                listed.push(Listed {
                    file: file.clone(),
                    of: api.service.name.clone(),
                    version: version.version.to_owned(),
                    holds: counted(version.operations.len(), "rpc"),
                });
                files.insert(
                    file,
                    proto_file(doc, api, version, &package, &service).into_bytes(),
                );
            }
        }
        files.insert(
            "README.md".to_owned(),
            readme(
                "Protocol Buffers contracts",
                &doc.meta.name,
                "Contract of",
                &listed,
                &notes,
            ),
        );
        Ok(Exported {
            output: Output::Folder(files),
            notes,
        })
    }
}

fn file_path(package: &str, service: &str) -> String {
    format!(
        "{}/{}.proto",
        package.replace('.', "/"),
        service.to_snake_case()
    )
}

/// Where the export writes one version of a gRPC API: `chirp/users/v2/user_directory.proto`.
pub(crate) fn proto_file_path(
    doc: &Document,
    api: &ServiceApi<'_>,
    version: &ApiVersion<'_>,
) -> String {
    let stated = api.rpc_service.and_then(split_qualified);
    let (package, service) = names(doc, api, version, stated.as_ref());
    file_path(&package, &service)
}

/// `chirp.users.v2.UserDirectory` → (`chirp.users.v2`, `UserDirectory`), when every part
/// is an identifier.
fn split_qualified(name: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = name.split('.').collect();
    if !parts.iter().all(|p| is_identifier(p)) {
        return None;
    }
    let (service, package) = parts.split_last()?;
    Some((package.join("."), (*service).to_owned()))
}

/// The package and service name of one version's file.
fn names(
    doc: &Document,
    api: &ServiceApi<'_>,
    version: &ApiVersion<'_>,
    stated: Option<&(String, String)>,
) -> (String, String) {
    let version_part = version.version.to_snake_case();
    let (mut package, service) = match stated {
        Some((package, service)) => (package.clone(), service.clone()),
        None => {
            let package = [slugify(&doc.meta.name), api.service.id.to_string()]
                .iter()
                .map(|part| identifier(&part.to_snake_case(), "x"))
                .collect::<Vec<_>>()
                .join(".");
            (
                package,
                identifier(&api.service.name.to_upper_camel_case(), "Service"),
            )
        }
    };
    let ends_with_version = package
        .rsplit('.')
        .next()
        .is_some_and(|last| last == version_part);
    if !version_part.is_empty()
        && !ends_with_version
        && (stated.is_none() || api.versions.len() > 1)
    {
        package = format!("{package}.{}", identifier(&version_part, "v"));
    }
    if package.is_empty() {
        package = "archsmith".to_owned();
    }
    (package, service)
}

/// `raw` if it is an identifier, else its letters, digits and `_` behind `prefix`.
fn identifier(raw: &str, prefix: &str) -> String {
    if is_identifier(raw) {
        return raw.to_owned();
    }
    let kept: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if is_identifier(&kept) {
        kept
    } else {
        format!("{prefix}{kept}")
    }
}

/// A `//` comment line: control characters (line ends included) become spaces.
fn comment(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        let clean: String = line
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let _ = writeln!(out, "{indent}// {}", clean.trim_end());
    }
}

fn proto_file(
    doc: &Document,
    api: &ServiceApi<'_>,
    version: &ApiVersion<'_>,
    package: &str,
    service: &str,
) -> String {
    let mut out = String::new();
    comment(
        &mut out,
        "",
        &format!(
            "Generated by Archsmith from the model \"{}\"; edit the model, not this file.",
            doc.meta.name
        ),
    );
    let mut callers: Vec<&str> = Vec::new();
    for operation in &version.operations {
        for route in &operation.routes {
            let caller = doc
                .component(route.from.as_str())
                .map_or(route.from.as_str(), |c| c.name.as_str());
            if !callers.contains(&caller) {
                callers.push(caller);
            }
        }
    }
    comment(
        &mut out,
        "",
        &format!("{}, called by {}.", api.service.name, callers.join(", ")),
    );
    out.push_str("syntax = \"proto3\";\n\n");
    let _ = writeln!(out, "package {package};\n");
    let needs_empty = version
        .operations
        .iter()
        .any(|o| o.operation.request.is_empty() || o.operation.response.is_empty());
    if needs_empty {
        out.push_str("import \"google/protobuf/empty.proto\";\n\n");
    }
    if !api.service.description.is_empty() {
        comment(&mut out, "", &api.service.description);
    }
    let _ = writeln!(out, "service {service} {{");
    let mut messages: Vec<(String, String)> = Vec::new();
    for operation in &version.operations {
        let operation = operation.operation;
        if !operation.summary.is_empty() {
            comment(&mut out, "  ", &operation.summary);
        }
        if operation.idempotency_key {
            // gRPC has no header of its own for it: the key travels as call metadata.
            comment(
                &mut out,
                "  ",
                "Callers send an `idempotency-key` metadata entry: a retry with the same key takes effect once.",
            );
        }
        let mut message = |name: &str, role: &str| -> String {
            if name.is_empty() {
                return EMPTY.to_owned();
            }
            let name = identifier(name, "M");
            if !messages.iter().any(|(n, _)| *n == name) {
                messages.push((name.clone(), format!("{role} of {}", operation.name)));
            }
            name
        };
        let request = message(&operation.request, "Request");
        let response = message(&operation.response, "Response");
        let rpc = identifier(&operation.name, "Rpc");
        let mut options = Vec::new();
        if operation.deprecated {
            options.push("option deprecated = true;");
        }
        if operation.idempotent {
            options.push("option idempotency_level = IDEMPOTENT;");
        }
        if options.is_empty() {
            let _ = writeln!(out, "  rpc {rpc}({request}) returns ({response});");
        } else {
            let _ = writeln!(out, "  rpc {rpc}({request}) returns ({response}) {{");
            for option in options {
                let _ = writeln!(out, "    {option}");
            }
            out.push_str("  }\n");
        }
    }
    out.push_str("}\n");
    for (name, role) in messages {
        out.push('\n');
        comment(
            &mut out,
            "",
            &format!(
                "{role}. The model names it; its fields belong to the team that owns {}.",
                api.service.name
            ),
        );
        let _ = writeln!(out, "message {name} {{}}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_stay_comments() {
        let mut out = String::new();
        comment(&mut out, "", "one\nservice Evil {}\r\u{0b}x");
        assert_eq!(out, "// one\n// service Evil {}  x\n");
    }

    #[test]
    fn qualified_names_split_into_package_and_service() {
        assert_eq!(
            split_qualified("chirp.users.v2.UserDirectory"),
            Some(("chirp.users.v2".to_owned(), "UserDirectory".to_owned()))
        );
        assert_eq!(split_qualified("chirp users.Dir"), None);
        assert_eq!(identifier("2fa", "M"), "M2fa");
    }
}
