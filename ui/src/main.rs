//! The native editor: `archsmith-editor [FILE]`.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> eframe::Result {
    use archsmith_ui::{EditorApp, NativeHost, welcome_document};

    let file = std::env::args_os().nth(1).map(std::path::PathBuf::from);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1440.0, 900.0])
            .with_title("Archsmith"),
        ..Default::default()
    };
    eframe::run_native(
        "Archsmith",
        options,
        Box::new(move |_cc| {
            let host = Box::new(NativeHost::new(file));
            Ok(Box::new(EditorApp::new(welcome_document(), None, host)))
        }),
    )
}

#[cfg(target_arch = "wasm32")]
fn main() {}
