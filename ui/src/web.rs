//! The editor in the desktop shell's webview: the wasm entry point and the [`TauriHost`], which
//! reaches the shell's commands through `window.__TAURI__.core.invoke`.

use std::cell::RefCell;
use std::rc::Rc;

use serde::Deserialize;
use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use archsmith::layout::Layout;

use crate::host::{ExportPayload, Host, HostEvent, HostRequest, RecoveredDocument};
use crate::{EditorApp, welcome_document};

/// Calls a shell command; resolves to its JSON result or rejects with `{code, message}`.
async fn invoke(command: &str, args: Value) -> Result<Value, String> {
    let window = web_sys::window().ok_or("no window")?;
    let tauri = js_sys::Reflect::get(&window, &"__TAURI__".into())
        .map_err(|_| "the desktop shell is not available")?;
    let core = js_sys::Reflect::get(&tauri, &"core".into()).map_err(|_| "no __TAURI__.core")?;
    let invoke = js_sys::Reflect::get(&core, &"invoke".into()).map_err(|_| "no invoke")?;
    let invoke: js_sys::Function = invoke.dyn_into().map_err(|_| "invoke is not a function")?;
    let args = js_sys::JSON::parse(&args.to_string()).map_err(|_| "bad arguments")?;
    let promise = invoke
        .call2(&core, &command.into(), &args)
        .map_err(|e| format!("{e:?}"))?;
    let promise: js_sys::Promise = promise
        .dyn_into()
        .map_err(|_| "invoke did not return a promise")?;
    match wasm_bindgen_futures::JsFuture::from(promise).await {
        Ok(value) => {
            let text = js_sys::JSON::stringify(&value)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_else(|| "null".to_owned());
            serde_json::from_str(&text).map_err(|e| e.to_string())
        }
        Err(error) => {
            let text = js_sys::JSON::stringify(&error)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default();
            let message = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or(text);
            Err(message)
        }
    }
}

#[derive(Deserialize)]
struct OpenedFile {
    path: String,
    text: String,
}

#[derive(Deserialize)]
struct Recovery {
    key: String,
    path: Option<String>,
    text: String,
}

#[derive(Deserialize)]
struct Startup {
    file: Option<OpenedFile>,
    recoveries: Vec<Recovery>,
}

/// The host inside the Tauri webview. Answers arrive asynchronously and are queued.
pub struct TauriHost {
    events: Rc<RefCell<Vec<HostEvent>>>,
    ctx: egui::Context,
}

impl std::fmt::Debug for TauriHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TauriHost")
    }
}

impl TauriHost {
    pub fn new(ctx: egui::Context) -> Self {
        Self {
            events: Rc::default(),
            ctx,
        }
    }

    fn spawn(&self, future: impl Future<Output = Vec<HostEvent>> + 'static) {
        let events = Rc::clone(&self.events);
        let ctx = self.ctx.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let new = future.await;
            events.borrow_mut().extend(new);
            ctx.request_repaint();
        });
    }
}

impl TauriHost {
    /// Invokes a command whose only answer that matters is a failure.
    fn fire(&self, command: &'static str, args: Value) {
        self.spawn(async move {
            invoke(command, args)
                .await
                .err()
                .map(failed)
                .unwrap_or_default()
        });
    }
}

fn failed(message: String) -> Vec<HostEvent> {
    vec![HostEvent::Failed { message }]
}

fn opened(value: Value) -> Vec<HostEvent> {
    match serde_json::from_value::<Option<OpenedFile>>(value) {
        Ok(Some(file)) => vec![HostEvent::Opened {
            path: file.path,
            text: file.text,
        }],
        Ok(None) => vec![HostEvent::Cancelled],
        Err(error) => failed(error.to_string()),
    }
}

fn written(value: Value, event: fn(String) -> HostEvent) -> Vec<HostEvent> {
    match value.as_str() {
        Some(path) => vec![event(path.to_owned())],
        None => vec![HostEvent::Cancelled],
    }
}

impl Host for TauriHost {
    fn request(&mut self, request: HostRequest) {
        match request {
            HostRequest::Startup => self.spawn(async {
                match invoke("startup", json!({}))
                    .await
                    .and_then(|v| serde_json::from_value::<Startup>(v).map_err(|e| e.to_string()))
                {
                    Ok(startup) => {
                        let mut events = Vec::new();
                        for recovery in startup.recoveries {
                            events.push(HostEvent::RecoveryAvailable(RecoveredDocument {
                                key: recovery.key,
                                path: recovery.path,
                                text: recovery.text,
                            }));
                        }
                        if let Some(file) = startup.file {
                            events.push(HostEvent::Opened {
                                path: file.path,
                                text: file.text,
                            });
                        }
                        events
                    }
                    Err(message) => failed(message),
                }
            }),
            HostRequest::Open => self.spawn(async {
                invoke("open_model", json!({}))
                    .await
                    .map_or_else(failed, opened)
            }),
            HostRequest::OpenRecent { path } => {
                self.spawn(async move {
                    invoke("open_recent", json!({ "path": path }))
                        .await
                        .map_or_else(failed, opened)
                });
            }
            HostRequest::Save {
                path,
                suggested_name,
                text,
            } => self.spawn(async move {
                let args = json!({ "path": path, "suggested_name": suggested_name, "text": text });
                invoke("save_model", args)
                    .await
                    .map_or_else(failed, |v| written(v, |path| HostEvent::Saved { path }))
            }),
            HostRequest::Export {
                suggested_name,
                output,
            } => self.spawn(async move {
                let result = match output {
                    ExportPayload::File(bytes) => {
                        invoke(
                            "export_file",
                            json!({ "suggested_name": suggested_name, "bytes": bytes }),
                        )
                        .await
                    }
                    // The shell runs the exporter itself: it never writes files the page names.
                    ExportPayload::Folder { source, .. } => {
                        invoke(
                            "export_folder",
                            json!({
                                "model": source.model,
                                "format": source.format,
                                "provider": source.provider,
                            }),
                        )
                        .await
                    }
                };
                result.map_or_else(failed, |v| written(v, |path| HostEvent::Exported { path }))
            }),
            HostRequest::Autosave { path, text } => {
                self.fire("autosave", json!({ "path": path, "text": text }));
            }
            HostRequest::ClearRecovery { path } => {
                self.fire("clear_recovery", json!({ "path": path }));
            }
            HostRequest::AdoptRecovery { key } => {
                self.fire("adopt_recovery", json!({ "key": key }));
            }
            HostRequest::DiscardRecovery { key } => {
                self.fire("discard_recovery", json!({ "key": key }));
            }
            // The shell lays out on its own threads: here the editor's one thread would be
            // held for seconds.
            HostRequest::LayOut { model } => self.spawn(async move {
                let laid_out = invoke("lay_out", json!({ "model": model }))
                    .await
                    .and_then(|v| serde_json::from_value::<Layout>(v).map_err(|e| e.to_string()));
                vec![HostEvent::LaidOut(laid_out.map(Box::new))]
            }),
            HostRequest::RecentFiles => self.spawn(async {
                match invoke("recent_files", json!({})).await.and_then(|v| {
                    serde_json::from_value::<Vec<String>>(v).map_err(|e| e.to_string())
                }) {
                    Ok(files) => vec![HostEvent::RecentFiles(files)],
                    Err(message) => failed(message),
                }
            }),
        }
    }

    fn poll(&mut self) -> Vec<HostEvent> {
        std::mem::take(&mut *self.events.borrow_mut())
    }

    fn set_title(&mut self, title: &str, unsaved: bool) {
        let title = title.to_owned();
        self.spawn(async move {
            invoke("set_title", json!({ "title": title, "dirty": unsaved }))
                .await
                .err()
                .map(failed)
                .unwrap_or_default()
        });
    }
}

/// Starts the editor on the `<canvas>` with id `canvas_id`.
#[wasm_bindgen]
pub async fn start(canvas_id: String) -> Result<(), JsValue> {
    std::panic::set_hook(Box::new(|info| {
        // The page forwards console errors to the shell's log, so panics reach stdout.
        web_sys::console::error_1(&format!("archsmith panicked: {info}").into());
    }));
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let canvas = document
        .get_element_by_id(&canvas_id)
        .ok_or_else(|| JsValue::from_str("no canvas"))?
        .dyn_into::<web_sys::HtmlCanvasElement>()?;
    eframe::WebRunner::new()
        .start(
            canvas,
            eframe::WebOptions::default(),
            Box::new(|cc| {
                let host = Box::new(TauriHost::new(cc.egui_ctx.clone()));
                Ok(Box::new(EditorApp::new(welcome_document(), None, host)))
            }),
        )
        .await
}
