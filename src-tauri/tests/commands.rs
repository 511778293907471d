//! The shell's commands through Tauri's mock runtime: what the webview can and cannot do.
//! The app is built with its real context (`tauri.conf.json`, the capabilities and the app
//! manifest from `build.rs`), so every call goes through the same access checks as in the app.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use archsmith_desktop::{AppState, with_commands};
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};

/// The label of the editor's window in `tauri.conf.json`.
const EDITOR_WINDOW: &str = "main";

fn app(
    data_dir: &Path,
    startup_file: Option<PathBuf>,
) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = with_commands(mock_builder())
        .manage(AppState::new(data_dir.to_path_buf(), startup_file))
        .build(tauri::generate_context!())
        .expect("mock app");
    let window = window(&app, EDITOR_WINDOW);
    (app, window)
}

/// The window labelled `label`: the one the configuration created, or a new one.
fn window(app: &App<MockRuntime>, label: &str) -> WebviewWindow<MockRuntime> {
    app.get_webview_window(label).unwrap_or_else(|| {
        WebviewWindowBuilder::new(app, label, Default::default())
            .build()
            .expect("window")
    })
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
    assert_eq!(startup["recoveries"], json!([]));
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
fn work_left_by_a_gone_session_is_offered_per_document_and_live_work_is_not() {
    let data = tempfile::tempdir().expect("tempdir");
    let shop = data.path().join("shop.ron").display().to_string();
    // A session that did not end cleanly: its copies stay, its lock is gone.
    let store = archsmith::session::SessionStore::new(data.path());
    let gone = store.start_instance().expect("instance");
    store
        .save_recovery(&gone, None, "(version: 2)")
        .expect("save");
    store
        .save_recovery(&gone, Some(&shop), "(version: 2, meta: ())")
        .expect("save");
    drop(gone);

    let (_app, window) = app(data.path(), None);
    invoke(&window, "autosave", json!({ "path": null, "text": "live" })).expect("autosave");
    let recovery_files = || {
        std::fs::read_dir(data.path().join("recovery"))
            .expect("dir")
            .count()
    };
    assert_eq!(recovery_files(), 3, "one file per document, none clobbered");
    let startup = invoke(&window, "startup", json!({})).expect("startup");
    let offered = startup["recoveries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut found: Vec<(&Value, &Value)> =
        offered.iter().map(|r| (&r["path"], &r["text"])).collect();
    found.sort_by_key(|(path, _)| path.is_string());
    assert_eq!(
        found,
        [
            (&Value::Null, &json!("(version: 2)")),
            (&json!(shop), &json!("(version: 2, meta: ())"))
        ],
        "the gone session's copies, with their files; not this app's live one"
    );
    for record in &offered {
        invoke(&window, "discard_recovery", json!({ "key": record["key"] })).expect("discard");
    }
    let startup = invoke(&window, "startup", json!({})).expect("startup");
    assert_eq!(startup["recoveries"], json!([]));
    assert_eq!(recovery_files(), 1, "the live copy stays");
    invoke(&window, "clear_recovery", json!({ "path": null })).expect("clear");
    assert_eq!(recovery_files(), 0);
    let error =
        invoke(&window, "discard_recovery", json!({ "key": "../recent" })).expect_err("not a key");
    assert_eq!(error["code"], "bad_recovery_key");
}

/// The commands the editor's page invokes: the string literals passed to `invoke(` and
/// `fire(` in `ui/src/web.rs`, and to `__TAURI__.core.invoke(` in the page's scripts.
fn commands_the_page_invokes() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = vec![(root.join("../ui/src/web.rs"), &["invoke(", "fire("][..])];
    for entry in std::fs::read_dir(root.join("dist")).expect("dist") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|x| x == "js") {
            sources.push((path, &["__TAURI__.core.invoke("][..]));
        }
    }
    let mut commands = BTreeSet::new();
    for (source, calls) in sources {
        let text = std::fs::read_to_string(&source).expect("source");
        for call in calls {
            for (start, _) in text.match_indices(call) {
                let Some(rest) = text[start + call.len()..].trim_start().strip_prefix('"') else {
                    continue;
                };
                if let Some(end) = rest.find('"') {
                    commands.insert(rest[..end].to_owned());
                }
            }
        }
    }
    commands
}

#[test]
fn the_editor_window_is_granted_exactly_the_commands_its_page_invokes() {
    let capability: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities/default.json"),
        )
        .expect("capability"),
    )
    .expect("json");
    assert_eq!(capability["windows"], json!([EDITOR_WINDOW]));
    let granted: BTreeSet<String> = capability["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter_map(Value::as_str)
        .map(|p| p.strip_prefix("allow-").unwrap_or(p).replace('-', "_"))
        .collect();
    let invoked = commands_the_page_invokes();
    assert!(
        invoked.contains("startup") && invoked.contains("log"),
        "{invoked:?}"
    );
    assert_eq!(granted, invoked);
}

#[test]
fn only_the_editor_window_may_call_the_apps_commands() {
    let data = tempfile::tempdir().expect("tempdir");
    let (app, editor) = app(data.path(), None);
    invoke(&editor, "recent_files", json!({})).expect("the editor may list recent files");

    // Any other webview (a help page, a preview someone adds later) gets nothing by default.
    let other = window(&app, "preview");
    for (command, args) in [
        ("recent_files", json!({})),
        ("startup", json!({})),
        ("autosave", json!({ "path": null, "text": "x" })),
    ] {
        let refused = invoke(&other, command, args).expect_err("refused");
        assert!(
            refused.to_string().contains("not allowed"),
            "{command}: {refused}"
        );
    }
    let recovery = data.path().join("recovery");
    assert!(
        !recovery.exists() || std::fs::read_dir(&recovery).expect("dir").next().is_none(),
        "the refused autosave wrote nothing"
    );
    // The page opens no dialog itself: the dialog plugin's commands are not granted.
    let refused = invoke(&editor, "plugin:dialog|open", json!({})).expect_err("refused");
    assert!(refused.to_string().contains("not allowed"), "{refused}");
}

#[test]
fn a_folder_export_takes_a_model_and_a_format_never_files() {
    let data = tempfile::tempdir().expect("tempdir");
    let (_app, editor) = app(data.path(), None);
    // The old shape, with file names and bytes chosen by the page, is not accepted.
    let refused = invoke(
        &editor,
        "export_folder",
        json!({ "suggested_name": "x", "files": { "../../.bashrc": [104, 105] } }),
    )
    .expect_err("refused");
    assert!(refused.to_string().contains("model"), "{refused}");
    // Formats are checked against the core's registry before any dialog opens.
    let model = "(version: 2, meta: (name: \"Shop\"))";
    for (format, code) in [
        ("svg", "not_a_folder_export"),
        ("../../bin", "unknown_format"),
    ] {
        let error = invoke(
            &editor,
            "export_folder",
            json!({ "model": model, "format": format, "provider": "aws" }),
        )
        .expect_err("refused");
        assert_eq!(error["code"], code, "{error}");
    }
    let error = invoke(
        &editor,
        "export_folder",
        json!({ "model": "not ron", "format": "terraform", "provider": null }),
    )
    .expect_err("refused");
    assert_eq!(error["code"], "invalid_model", "{error}");
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

#[test]
fn the_shell_lays_a_model_out_as_the_core_does() {
    let data = tempfile::tempdir().expect("tempdir");
    let (_app, window) = app(data.path(), None);
    let model = archsmith::samples::sample("workshop-starter")
        .expect("bundled")
        .text;
    let laid_out = invoke(&window, "lay_out", json!({ "model": model })).expect("laid out");
    let expected = archsmith::layout::layout_text(model, "model", archsmith::Catalog::builtin())
        .expect("layout");
    let answered: archsmith::layout::Layout = serde_json::from_value(laid_out).expect("a layout");
    assert_eq!(answered, expected, "the very layout, through JSON");
    assert!(!answered.components.is_empty());

    let error = invoke(&window, "lay_out", json!({ "model": "(version: 2" })).expect_err("bad");
    assert_eq!(error["code"], "invalid_model", "{error}");
}
