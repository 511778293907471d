//! Project tasks, run as `cargo xtask <task>`:
//!
//! - `run [FILE]`: build the desktop app and open FILE (default: the e-commerce sample).
//! - `test`: install what the tests need, then run every test.
//! - `desktop [--release]`: build the wasm editor and the Tauri shell.
//! - `editor [FILE]`: run the native (eframe) editor.
//! - `icons`: render the app icons from `assets/icons/app.svg`.
//! - `smoke`: start the built desktop app under Xvfb and check its first frame and exit.
//!
//! Each task first installs what is missing (apt packages, the wasm rustup target), so the
//! README's two commands work on a fresh Debian or Ubuntu machine. The wasm bindings are made
//! by `wasm-bindgen-cli-support` linked into xtask, so no tool is `cargo install`ed.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod smoke;

type Result<T = ()> = std::result::Result<T, String>;

/// Debian packages the build and the tests need: WebKitGTK for the Tauri shell (it brings GTK
/// for the native dialogs), Xvfb and friends for headless UI runs, and the validators' tools.
const APT_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "libxkbcommon-dev",
    "xvfb",
    "xauth",
    "imagemagick",
    "xdotool",
];

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const SAMPLE: &str = "samples/ecommerce.ron";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(args.get(1).map(String::as_str)),
        Some("test") => test(),
        Some("desktop") => desktop(args.iter().any(|a| a == "--release")).map(|_| ()),
        Some("editor") => editor(args.get(1).map(String::as_str)),
        Some("icons") => icons(),
        Some("smoke") => smoke(),
        Some("smoke-inner") => match (args.get(1), args.get(2)) {
            (Some(binary), Some(out)) => smoke::run(Path::new(binary), &root().join(SAMPLE), Path::new(out)),
            _ => Err("usage: cargo xtask smoke-inner BINARY SCREENSHOT".to_owned()),
        },
        _ => Err("usage: cargo xtask <run [FILE] | test | desktop [--release] | editor [FILE] | icons | smoke>".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root. `cargo run` tells the running task where its manifest is; the path
/// compiled in is only a fallback, because a build cache shared between clones (as CI keeps
/// one) can hand this binary to a clone in another directory without rebuilding it.
fn root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command.current_dir(root());
    command
}

fn status(mut command: Command) -> Result {
    let shown = format!("{command:?}");
    eprintln!("xtask: {shown}");
    let status = command
        .status()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed: {status}"))
    }
}

fn output(command: &mut Command) -> Option<String> {
    let out = command.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0")
}

/// Installs the apt packages that are not installed yet.
fn ensure_apt_packages() -> Result {
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .copied()
        .filter(|package| {
            output(Command::new("dpkg-query").args(["-W", "-f=${Status}", package]))
                .is_none_or(|s| !s.contains("install ok installed"))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if output(Command::new("apt-get").arg("--version")).is_none() {
        return Err(format!(
            "missing system packages {missing:?} and no apt-get to install them"
        ));
    }
    let sudo: &[&str] = if is_root() { &[] } else { &["sudo"] };
    let apt = |args: &[&str]| {
        let mut command = Command::new(sudo.first().copied().unwrap_or("apt-get"));
        if !sudo.is_empty() {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    status(apt(&["update", "-qq"]))?;
    let mut install = apt(&["install", "-y", "-qq", "--no-install-recommends"]);
    install.args(&missing);
    status(install)
}

fn ensure_wasm_target() -> Result {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    let mut command = Command::new("rustup");
    command.args(["target", "add", WASM_TARGET]);
    status(command)
}

/// The version Cargo.lock resolved for `package`.
fn locked_version(lock: &str, package: &str) -> Option<String> {
    let name_line = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == name_line {
            return lines
                .next()
                .and_then(|l| l.strip_prefix("version = \""))
                .map(|v| v.trim_end_matches('"').to_owned());
        }
    }
    None
}

/// The editor's `wasm-bindgen` and xtask's `wasm-bindgen-cli-support` must be the same
/// version, or the bindings do not match the module's schema.
fn check_wasm_bindgen_versions() -> Result {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let runtime = locked_version(&lock, "wasm-bindgen");
    let binder = locked_version(&lock, "wasm-bindgen-cli-support");
    match (runtime, binder) {
        (Some(runtime), Some(binder)) if runtime == binder => Ok(()),
        (runtime, binder) => Err(format!(
            "Cargo.lock has wasm-bindgen {runtime:?} but wasm-bindgen-cli-support {binder:?}: \
             pin both to the same version in ui/Cargo.toml and xtask/Cargo.toml"
        )),
    }
}

/// Builds the editor for wasm32 and binds it into `src-tauri/dist/pkg`.
fn build_wasm_editor(release: bool) -> Result {
    ensure_wasm_target()?;
    check_wasm_bindgen_versions()?;
    let mut build = cargo();
    build.args([
        "build",
        "--locked",
        "-p",
        "archsmith-ui",
        "--lib",
        "--target",
        WASM_TARGET,
    ]);
    if release {
        build.arg("--release");
    }
    status(build)?;
    let profile = if release { "release" } else { "debug" };
    let wasm = target_dir()
        .join(WASM_TARGET)
        .join(profile)
        .join("archsmith_ui.wasm");
    let out_dir = root().join("src-tauri/dist/pkg");
    eprintln!(
        "xtask: binding {} into {}",
        wasm.display(),
        out_dir.display()
    );
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .web(true)
        .map_err(|e| format!("wasm-bindgen: {e}"))?
        // The library defaults to omitting it (the CLI does not): without it the page's
        // `init()` has no module to load and fails in `WebAssembly.instantiate`.
        .omit_default_module_path(false)
        .typescript(false)
        .generate(&out_dir)
        .map_err(|e| format!("wasm-bindgen {}: {e}", wasm.display()))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// Builds the desktop app; returns the path of its binary.
fn desktop(release: bool) -> Result<PathBuf> {
    ensure_apt_packages()?;
    // The editor is always bound in release: a debug wasm build is several times larger and
    // too slow to draw large diagrams.
    build_wasm_editor(true)?;
    let mut build = cargo();
    build.args(["build", "-p", "archsmith-desktop"]);
    if release {
        build.args(["--release", "--features", "custom-protocol"]);
    }
    status(build)?;
    Ok(target_dir()
        .join(if release { "release" } else { "debug" })
        .join("archsmith-desktop"))
}

fn has_display() -> bool {
    std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
}

/// Runs `program` with `args`, under `xvfb-run` when there is no display.
fn launch(program: &Path, args: &[&str]) -> Result {
    let mut command = if has_display() {
        Command::new(program)
    } else {
        eprintln!("xtask: no display; running under xvfb-run");
        let mut command = Command::new("xvfb-run");
        command
            .args(["-a", "-s", "-screen 0 1600x1000x24"])
            .arg(program);
        command
    };
    command.args(args).current_dir(root());
    status(command)
}

fn run(file: Option<&str>) -> Result {
    let binary = desktop(false)?;
    launch(&binary, &[file.unwrap_or(SAMPLE)])
}

fn editor(file: Option<&str>) -> Result {
    ensure_apt_packages()?;
    let mut build = cargo();
    build.args(["build", "-p", "archsmith-ui", "--bin", "archsmith-editor"]);
    status(build)?;
    launch(
        &target_dir().join("debug/archsmith-editor"),
        &[file.unwrap_or(SAMPLE)],
    )
}

fn test() -> Result {
    ensure_apt_packages()?;
    // The shell embeds the editor's wasm when it compiles, so bind it before the tests build
    // the shell; this also proves the editor still compiles for the webview.
    build_wasm_editor(true)?;
    let mut tests = cargo();
    tests.args(["test", "--locked", "--workspace", "--all-targets"]);
    status(tests)?;
    let mut doc_tests = cargo();
    doc_tests.args(["test", "--locked", "--workspace", "--doc"]);
    status(doc_tests)?;
    // The test build left the desktop binary in place; rebuilding it without the tests'
    // features would cost minutes for nothing.
    run_smoke(&target_dir().join("debug/archsmith-desktop"))
}

fn render_svg(svg: &[u8], size: u32) -> Result<image::RgbaImage> {
    let tree = resvg::usvg::Tree::from_data(svg, &resvg::usvg::Options::default())
        .map_err(|e| e.to_string())?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size, size).ok_or("empty icon size")?;
    let scale = size as f32 / tree.size().width().max(tree.size().height());
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    // tiny-skia stores premultiplied alpha; PNG wants straight alpha.
    let pixels: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    image::RgbaImage::from_raw(size, size, pixels).ok_or_else(|| "icon buffer size".to_owned())
}

fn icons() -> Result {
    let svg = std::fs::read(root().join("assets/icons/app.svg"))
        .map_err(|e| format!("assets/icons/app.svg: {e}"))?;
    let out = root().join("src-tauri/icons");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    for (name, size) in [
        ("32x32.png", 32),
        ("128x128.png", 128),
        ("128x128@2x.png", 256),
        ("icon.png", 512),
    ] {
        render_svg(&svg, size)?
            .save(out.join(name))
            .map_err(|e| format!("{name}: {e}"))?;
    }
    // Windows wants an .ico with several sizes; macOS an .icns.
    let ico_sizes = [16, 24, 32, 48, 64, 256];
    let frames: Vec<image::codecs::ico::IcoFrame> = ico_sizes
        .iter()
        .map(|&size| {
            let img = render_svg(&svg, size)?;
            image::codecs::ico::IcoFrame::as_png(
                img.as_raw(),
                size,
                size,
                image::ExtendedColorType::Rgba8,
            )
            .map_err(|e| e.to_string())
        })
        .collect::<Result<_>>()?;
    let ico = std::fs::File::create(out.join("icon.ico")).map_err(|e| e.to_string())?;
    image::codecs::ico::IcoEncoder::new(ico)
        .encode_images(&frames)
        .map_err(|e| e.to_string())?;
    let mut family = icns::IconFamily::new();
    for size in [32, 128, 256, 512] {
        let img = render_svg(&svg, size)?;
        let icon = icns::Image::from_data(icns::PixelFormat::RGBA, size, size, img.into_raw())
            .map_err(|e| e.to_string())?;
        family.add_icon(&icon).map_err(|e| e.to_string())?;
    }
    let file = std::fs::File::create(out.join("icon.icns")).map_err(|e| e.to_string())?;
    family
        .write(std::io::BufWriter::new(file))
        .map_err(|e| e.to_string())?;
    eprintln!("xtask: icons written to {}", out.display());
    Ok(())
}

/// Builds the desktop app and runs the end-to-end smoke test under Xvfb.
fn smoke() -> Result {
    let binary = desktop(false)?;
    run_smoke(&binary)
}

fn run_smoke(binary: &Path) -> Result {
    let screenshot = target_dir().join("smoke/desktop.png");
    let xtask = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = Command::new("xvfb-run");
    command
        .args(["-a", "-s", "-screen 0 1600x1000x24"])
        .arg(xtask)
        .arg("smoke-inner")
        .arg(binary)
        .arg(&screenshot)
        .current_dir(root());
    status(command)?;
    eprintln!(
        "xtask: smoke test passed; screenshot at {}",
        screenshot.display()
    );
    Ok(())
}
