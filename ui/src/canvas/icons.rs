//! Textures of the catalog icons, rasterised once per context from the same vendored SVGs the
//! exports embed.

use std::collections::HashMap;
use std::sync::Arc;

use egui::mutex::Mutex;
use egui::{ColorImage, Context, Id, TextureHandle, TextureId, TextureOptions};

/// Pixels per side: sharp on a card at 200% zoom on a HiDPI screen.
const SIDE: u32 = 96;

/// Texture ids by icon name, and the handles that keep the textures alive. Shared through
/// an `Arc` in the context's memory so that a frame's lookups copy a pointer, not the map.
#[derive(Default)]
struct IconTextures {
    ids: HashMap<String, Option<TextureId>>,
    handles: Vec<TextureHandle>,
}

type SharedTextures = Arc<Mutex<IconTextures>>;

/// The texture of the icon called `name`, loading it on first use.
pub fn texture(ctx: &Context, name: &str) -> Option<TextureId> {
    let key = Id::unique("archsmith-icon-textures");
    let shared = ctx.data_mut(|d| d.get_temp_mut_or_default::<SharedTextures>(key).clone());
    let mut textures = shared.lock();
    if let Some(cached) = textures.ids.get(name) {
        return *cached;
    }
    // The context's own lock is free here: loading a texture takes it.
    let handle = archsmith::icons::icon(name).and_then(|icon| {
        let pixels = archsmith::icons::rasterise(icon, SIDE)?;
        let image = ColorImage::from_rgba_unmultiplied([SIDE as usize, SIDE as usize], &pixels);
        Some(ctx.load_texture(format!("icon-{name}"), image, TextureOptions::LINEAR))
    });
    let id = handle.as_ref().map(TextureHandle::id);
    textures.ids.insert(name.to_owned(), id);
    textures.handles.extend(handle);
    id
}

/// A kind's icon centred at `center`, `side` wide; a lettered disc when it has none.
pub fn paint_kind_mark(
    painter: &egui::Painter,
    center: egui::Pos2,
    side: f32,
    kind: Option<&archsmith::catalog::ComponentKind>,
    accent: egui::Color32,
) {
    if let Some(texture) = kind.and_then(|k| texture(painter.ctx(), &k.icon)) {
        painter.image(
            texture,
            egui::Rect::from_center_size(center, egui::vec2(side, side)),
            egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
            egui::Color32::WHITE,
        );
        return;
    }
    painter.circle_filled(center, side * 0.58, accent.gamma_multiply(0.14));
    let badge = kind.map_or_else(|| "?".to_owned(), |k| super::style::kind_badge(&k.label));
    painter.text(
        center,
        egui::Align2::CENTER_CENTER,
        badge,
        egui::FontId::proportional(side * 0.42),
        accent,
    );
}
