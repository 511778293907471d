//! The desktop smoke test: launch the built app on a sample inside an X server, wait until the
//! editor has drawn a frame and titled the window after the document, check the window is not
//! blank, then ask it to close as a window manager would and check that it exits cleanly.

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    AtomEnum, ClientMessageEvent, ConnectionExt, EventMask, ImageFormat, Window,
};
use x11rb::rust_connection::RustConnection;

use crate::Result;

/// The title the editor gives the window for the e-commerce sample.
const EXPECTED_TITLE: &str = "ShopFast e-commerce platform — Archsmith";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(120);
const EXIT_TIMEOUT: Duration = Duration::from_secs(30);
/// A drawn diagram has far more colours than an empty or half-loaded page.
const MIN_DISTINCT_COLOURS: usize = 200;

struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

fn atom(conn: &RustConnection, name: &str) -> Result<u32> {
    Ok(conn
        .intern_atom(false, name.as_bytes())
        .map_err(|e| e.to_string())?
        .reply()
        .map_err(|e| e.to_string())?
        .atom)
}

fn title_of(conn: &RustConnection, window: Window, net_wm_name: u32, utf8: u32) -> Option<String> {
    for (property, kind) in [
        (net_wm_name, utf8),
        (AtomEnum::WM_NAME.into(), AtomEnum::STRING.into()),
    ] {
        let reply = conn
            .get_property(false, window, property, kind, 0, 1024)
            .ok()?
            .reply()
            .ok()?;
        if !reply.value.is_empty() {
            return Some(String::from_utf8_lossy(&reply.value).into_owned());
        }
    }
    None
}

/// Every window below `root`, depth first.
fn windows(conn: &RustConnection, root: Window) -> Vec<Window> {
    let mut found = Vec::new();
    let mut stack = vec![root];
    while let Some(window) = stack.pop() {
        if let Ok(Ok(tree)) = conn.query_tree(window).map(|c| c.reply()) {
            found.extend(&tree.children);
            stack.extend(tree.children);
        }
    }
    found
}

fn find_window(conn: &RustConnection, root: Window, title: &str) -> Result<Option<Window>> {
    let net_wm_name = atom(conn, "_NET_WM_NAME")?;
    let utf8 = atom(conn, "UTF8_STRING")?;
    Ok(windows(conn, root)
        .into_iter()
        .find(|w| title_of(conn, *w, net_wm_name, utf8).is_some_and(|t| t == title)))
}

/// Grabs the window's pixels as RGBA.
fn screenshot(conn: &RustConnection, window: Window) -> Result<image::RgbaImage> {
    let geometry = conn
        .get_geometry(window)
        .map_err(|e| e.to_string())?
        .reply()
        .map_err(|e| e.to_string())?;
    let (width, height) = (geometry.width, geometry.height);
    let reply = conn
        .get_image(ImageFormat::Z_PIXMAP, window, 0, 0, width, height, u32::MAX)
        .map_err(|e| e.to_string())?
        .reply()
        .map_err(|e| e.to_string())?;
    // 24-bit visuals come as BGRX, four bytes a pixel.
    let pixels: Vec<u8> = reply
        .data
        .chunks_exact(4)
        .flat_map(|p| [p[2], p[1], p[0], 255])
        .collect();
    image::RgbaImage::from_raw(u32::from(width), u32::from(height), pixels)
        .ok_or_else(|| "unexpected image size".to_owned())
}

fn distinct_colours(image: &image::RgbaImage) -> usize {
    // The central area is the canvas; panels alone have few colours.
    let (w, h) = image.dimensions();
    let mut colours = std::collections::HashSet::new();
    for y in h / 5..h * 4 / 5 {
        for x in w / 5..w * 4 / 5 {
            colours.insert(image.get_pixel(x, y).0);
        }
    }
    colours.len()
}

fn request_close(conn: &RustConnection, window: Window) -> Result {
    let protocols = atom(conn, "WM_PROTOCOLS")?;
    let delete = atom(conn, "WM_DELETE_WINDOW")?;
    let event = ClientMessageEvent::new(32, window, protocols, [delete, 0, 0, 0, 0]);
    conn.send_event(false, window, EventMask::NO_EVENT, event)
        .map_err(|e| e.to_string())?;
    conn.flush().map_err(|e| e.to_string())
}

pub fn run(binary: &Path, sample: &Path, screenshot_path: &Path) -> Result {
    let data_dir = std::env::temp_dir().join(format!("archsmith-smoke-{}", std::process::id()));
    let child = Command::new(binary)
        .arg(sample)
        .env("ARCHSMITH_DATA_DIR", &data_dir)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let mut app = Guard(child);
    let (conn, screen) = x11rb::connect(None).map_err(|e| format!("no X display: {e}"))?;
    let root = conn.setup().roots.get(screen).ok_or("no screen")?.root;

    let started = Instant::now();
    let window = loop {
        if let Some(window) = find_window(&conn, root, EXPECTED_TITLE)? {
            break window;
        }
        if let Some(status) = app.0.try_wait().map_err(|e| e.to_string())? {
            return Err(format!(
                "the app exited before showing its window: {status}"
            ));
        }
        if started.elapsed() > STARTUP_TIMEOUT {
            return Err(format!(
                "no window titled {EXPECTED_TITLE:?} after {STARTUP_TIMEOUT:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    eprintln!(
        "smoke: window titled {EXPECTED_TITLE:?} after {:.1}s",
        started.elapsed().as_secs_f32()
    );
    // The title is set during the first frame; give the canvas a moment to fit and redraw.
    std::thread::sleep(Duration::from_secs(2));
    let image = screenshot(&conn, window)?;
    if let Some(parent) = screenshot_path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    image.save(screenshot_path).map_err(|e| e.to_string())?;
    let colours = distinct_colours(&image);
    eprintln!("smoke: {colours} distinct colours in the canvas area");
    if colours < MIN_DISTINCT_COLOURS {
        return Err(format!(
            "the window looks blank: {colours} distinct colours (want {MIN_DISTINCT_COLOURS}+)"
        ));
    }

    request_close(&conn, window)?;
    let closing = Instant::now();
    let status = loop {
        if let Some(status) = app.0.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if closing.elapsed() > EXIT_TIMEOUT {
            return Err("the app did not exit after its window was asked to close".to_owned());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = std::fs::remove_dir_all(&data_dir);
    if !status.success() {
        return Err(format!("the app exited with {status}"));
    }
    eprintln!("smoke: exited cleanly");
    Ok(())
}
