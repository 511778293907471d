//! The shell's commands through Tauri's mock runtime: what the webview can and cannot do.

use std::path::{Path, PathBuf};

use archsmith_desktop::{AppState, with_commands};
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, mock_builder, mock_context, noop_assets};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

fn app(
    data_dir: &Path,
    startup_file: Option<PathBuf>,
) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = with_commands(mock_builder())
        .manage(AppState::new(data_dir.to_path_buf(), startup_file))
        .build(mock_context(noop_assets()))
        .expect("mock app");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window");
    (app, window)
}

fn invoke(window: &WebviewWindow<MockRuntime>, command: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: command.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        // http://tauri.localhost counts as remote on Linux and would be refused.
        url: "tauri://localhost".parse().expect("url"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    tauri::test::get_ipc_response(window, request)
        .map(|body| body.deserialize::<Value>().expect("json"))
}

#[test]
fn a_path_never_given_is_refused() {
    let data = tempfile::tempdir().expect("tempdir");
    let (_app, window) = app(data.path(), None);
    let error =
        invoke(&window, "open_recent", json!({ "path": "/etc/passwd" })).expect_err("refused");
    assert_eq!(error["code"], "not_allowed", "{error}");
    assert!(
        error["message"]
            .as_str()
            .expect("message")
            .contains("/etc/passwd")
    );
    let secret = data.path().join("secret.ron");
    std::fs::write(&secret, "x").expect("write");
    let error = invoke(
        &window,
        "save_model",
        json!({ "path": secret, "suggested_name": "x.ron", "text": "overwritten" }),
    )
    .expect_err("refused");
    assert_eq!(error["code"], "not_allowed");
    assert_eq!(
        std::fs::read_to_string(&secret).expect("read"),
        "x",
        "nothing was written"
    );
}

#[test]
fn the_command_line_file_opens_and_can_be_saved() {
    let data = tempfile::tempdir().expect("tempdir");
    let models = tempfile::tempdir().expect("tempdir");
    let model = models.path().join("shop.ron");
    std::fs::write(&model, "(version: 2, meta: (name: \"Shop\"))\n").expect("write");
    let (_app, window) = app(data.path(), Some(model.clone()));
    let startup = invoke(&window, "startup", json!({})).expect("startup");
    assert_eq!(
        startup["file"]["text"],
        "(version: 2, meta: (name: \"Shop\"))\n"
    );
    assert!(startup["recovery"].is_null());
    let saved = invoke(
        &window,
        "save_model",
        json!({ "path": model, "suggested_name": "shop.ron", "text": "saved" }),
    )
    .expect("save");
    assert!(saved.as_str().expect("path").ends_with("shop.ron"));
    assert_eq!(std::fs::read_to_string(&model).expect("read"), "saved");
    let recent = invoke(&window, "recent_files", json!({})).expect("recent");
    assert_eq!(recent.as_array().map(Vec::len), Some(1));
}

#[test]
fn autosave_is_offered_for_recovery_until_cleared() {
    let data = tempfile::tempdir().expect("tempdir");
    let (_app, window) = app(data.path(), None);
    invoke(&window, "autosave", json!({ "text": "(version: 2)" })).expect("autosave");
    let startup = invoke(&window, "startup", json!({})).expect("startup");
    assert_eq!(startup["recovery"], "(version: 2)");
    invoke(&window, "clear_recovery", json!({})).expect("clear");
    let startup = invoke(&window, "startup", json!({})).expect("startup");
    assert!(startup["recovery"].is_null());
}

#[test]
fn recent_files_from_earlier_sessions_stay_openable() {
    let data = tempfile::tempdir().expect("tempdir");
    let models = tempfile::tempdir().expect("tempdir");
    let model = models.path().join("old.ron");
    std::fs::write(&model, "old").expect("write");
    archsmith::session::SessionStore::new(data.path())
        .push_recent(&model.display().to_string())
        .expect("push");
    let (_app, window) = app(data.path(), None);
    let opened = invoke(&window, "open_recent", json!({ "path": model }))
        .expect("granted by an earlier dialog");
    assert_eq!(opened["text"], "old");
}
