//! The inspector's editor for a connection's API operations: one collapsible row per
//! operation, the whole new list returned when any field changes (one edit, one undo step).
//! The core checks what is entered; a refused edit shows its reason like any other.

use archsmith::model::{ApiStyle, AuthMode, HttpMethod, Operation};
use egui::{RichText, Ui};

use super::inspector::{committed_number, committed_text};

pub(super) fn operations_ui(
    ui: &mut Ui,
    style: ApiStyle,
    operations: &[Operation],
) -> Option<Vec<Operation>> {
    ui.label(RichText::new("Operations").strong());
    let mut next = None;
    for (index, operation) in operations.iter().enumerate() {
        ui.push_id(("operation", index), |ui| {
            let mut edited = operation.clone();
            let mut changed = false;
            let mut removed = false;
            let title = match style {
                ApiStyle::Http => format!("{} ({})", operation.signature(), operation.name),
                ApiStyle::Rpc => operation.name.clone(),
            };
            egui::CollapsingHeader::new(title)
                .default_open(false)
                .show(ui, |ui| {
                    changed |= operation_fields(ui, style, operation, &mut edited);
                    removed = ui.button("Remove operation").clicked();
                });
            if removed {
                let mut list = operations.to_vec();
                list.remove(index);
                next = Some(list);
            } else if changed {
                let mut list = operations.to_vec();
                list[index] = edited;
                next = Some(list);
            }
        });
    }
    if ui.button("Add operation").clicked() {
        let mut list = operations.to_vec();
        let name = (1..)
            .map(|n| format!("operation{n}"))
            .find(|name| operations.iter().all(|o| &o.name != name))
            .unwrap_or_else(|| "operation".to_owned());
        let mut operation = Operation::new(name);
        if style == ApiStyle::Http {
            operation.method = Some(HttpMethod::Get);
            operation.path = "/".to_owned();
        }
        list.push(operation);
        next = Some(list);
    }
    next
}

/// The fields of one operation; whether any changed.
fn operation_fields(
    ui: &mut Ui,
    style: ApiStyle,
    operation: &Operation,
    edited: &mut Operation,
) -> bool {
    let mut changed = text(ui, "Name", &operation.name, &mut edited.name);
    if style == ApiStyle::Http {
        ui.horizontal(|ui| {
            let label = ui.label("Method");
            let mut method = operation.method;
            egui::ComboBox::from_id_salt("method")
                .selected_text(method.map_or("none", HttpMethod::as_str))
                .show_ui(ui, |ui| {
                    for m in HttpMethod::ALL {
                        ui.selectable_value(&mut method, Some(m), m.as_str());
                    }
                })
                .response
                .labelled_by(label.id);
            if method != operation.method {
                edited.method = method;
                changed = true;
            }
        });
        changed |= text(ui, "Path", &operation.path, &mut edited.path);
    }
    changed |= text(ui, "Summary", &operation.summary, &mut edited.summary);
    changed |= text(ui, "Request", &operation.request, &mut edited.request);
    changed |= text(ui, "Response", &operation.response, &mut edited.response);
    changed |= text(ui, "Version", &operation.version, &mut edited.version);
    ui.horizontal(|ui| {
        let label = ui.label("Authentication");
        let mut auth = operation.auth;
        let shown = |auth: Option<AuthMode>| {
            auth.map_or("the connection's".to_owned(), |a| format!("{a:?}"))
        };
        egui::ComboBox::from_id_salt("operation-auth")
            .selected_text(shown(auth))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut auth, None, shown(None));
                for mode in AuthMode::ALL {
                    ui.selectable_value(&mut auth, Some(mode), shown(Some(mode)));
                }
            })
            .response
            .labelled_by(label.id);
        if auth != operation.auth {
            edited.auth = auth;
            changed = true;
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("Rate limit (requests/s per caller, 0: none)");
        if let Some(value) = committed_number(
            ui,
            ui.scope_id().with("rate-limit"),
            label.id,
            operation.rate_limit_rps.map_or(0.0, |r| r as f64),
            0.0..=10_000_000.0,
            true,
        ) {
            edited.rate_limit_rps = (value >= 1.0).then_some(value.round() as u64);
            changed = true;
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("Own p99 latency objective (ms, 0: the model's)");
        if let Some(value) = committed_number(
            ui,
            ui.scope_id().with("p99"),
            label.id,
            operation.p99_ms.map_or(0.0, f64::from),
            0.0..=3_600_000.0,
            true,
        ) {
            edited.p99_ms = (value >= 1.0).then_some(value.round() as u32);
            changed = true;
        }
    });
    if style == ApiStyle::Http {
        ui.horizontal(|ui| {
            let label = ui.label("Success status (0: from the method)");
            if let Some(value) = committed_number(
                ui,
                ui.scope_id().with("status"),
                label.id,
                operation.status.map_or(0.0, f64::from),
                0.0..=399.0,
                true,
            ) {
                edited.status = (value >= 1.0).then_some(value.round() as u16);
                changed = true;
            }
        });
    }
    changed |= ui
        .checkbox(
            &mut edited.idempotency_key,
            "Idempotency key (a retried request takes effect once)",
        )
        .changed();
    changed |= ui
        .checkbox(
            &mut edited.idempotent,
            "Idempotent (making it twice changes nothing more)",
        )
        .changed();
    changed |= ui.checkbox(&mut edited.deprecated, "Deprecated").changed();
    changed
}

/// A one-line text field of an operation, trimmed; whether it changed.
fn text(ui: &mut Ui, label: &str, current: &str, slot: &mut String) -> bool {
    match committed_text(ui, label, current, false) {
        Some(value) => {
            *slot = value.trim().to_owned();
            true
        }
        None => false,
    }
}
