//! PNG export against reference images, with a per-pixel tolerance so that a different CPU's
//! float rounding in the rasteriser does not fail the build while a changed drawing does.
//! Regenerate the references with `ARCHSMITH_BLESS=1 cargo test --test png`.

use archsmith::catalog::Catalog;
use archsmith::export::{ExportError, ExportOptions, Output, find_exporter};
use archsmith::{format, samples};

fn png(sample: &str, options: &ExportOptions) -> Result<Vec<u8>, ExportError> {
    let catalog = Catalog::builtin();
    let text = samples::sample(sample).expect("bundled").text;
    let doc = format::from_str(text, sample, catalog).expect("loads");
    let exporter = find_exporter("png").expect("registered");
    match exporter.export(&doc, catalog, options)? {
        Output::File(bytes) => Ok(bytes),
        Output::Folder(_) => panic!("a single file"),
    }
}

fn options(scale: f32, background: Option<&str>) -> ExportOptions {
    ExportOptions {
        scale,
        background: background.map(str::to_owned),
        findings: true,
        ..ExportOptions::default()
    }
}

/// Channel difference above which a pixel counts as changed, and the share of changed pixels
/// a rendering may have.
const CHANNEL_TOLERANCE: u8 = 24;
const CHANGED_SHARE: f64 = 0.005;

#[test]
fn png_matches_the_reference_images() {
    for sample in ["ecommerce", "payments-cqrs"] {
        let bytes = png(sample, &options(0.75, Some("white"))).expect("renders");
        let reference_path = format!(
            "{}/tests/fixtures/png/{sample}.png",
            env!("CARGO_MANIFEST_DIR")
        );
        if std::env::var_os("ARCHSMITH_BLESS").is_some() {
            std::fs::write(&reference_path, &bytes).expect("write reference");
            continue;
        }
        let actual = image::load_from_memory(&bytes).expect("decodes").to_rgba8();
        let expected = image::open(&reference_path)
            .unwrap_or_else(|e| panic!("{reference_path}: {e}; run with ARCHSMITH_BLESS=1"))
            .to_rgba8();
        assert_eq!(actual.dimensions(), expected.dimensions(), "{sample}: size");
        let changed = actual
            .pixels()
            .zip(expected.pixels())
            .filter(|(a, b)| {
                a.0.iter()
                    .zip(b.0.iter())
                    .any(|(x, y)| x.abs_diff(*y) > CHANNEL_TOLERANCE)
            })
            .count();
        let share = changed as f64 / f64::from(actual.width() * actual.height());
        assert!(
            share <= CHANGED_SHARE,
            "{sample}: {changed} pixels ({:.2}%) differ from {reference_path}",
            share * 100.0
        );
    }
}

#[test]
fn scale_and_background_apply() {
    let one = image::load_from_memory(&png("social-api", &options(1.0, None)).expect("renders"))
        .expect("decodes")
        .to_rgba8();
    let two = image::load_from_memory(
        &png("social-api", &options(2.0, Some("#ff0000"))).expect("renders"),
    )
    .expect("decodes")
    .to_rgba8();
    assert!(two.width().abs_diff(one.width() * 2) <= 1);
    assert!(two.height().abs_diff(one.height() * 2) <= 1);
    assert_eq!(
        one.get_pixel(1, 1).0,
        [248, 250, 252, 255],
        "the canvas's colour by default: a transparent title vanished on a dark page"
    );
    let clear = image::load_from_memory(
        &png("social-api", &options(1.0, Some("transparent"))).expect("renders"),
    )
    .expect("decodes")
    .to_rgba8();
    assert_eq!(clear.get_pixel(1, 1).0[3], 0, "transparent when asked");
    assert_eq!(
        two.get_pixel(1, 1).0,
        [255, 0, 0, 255],
        "the background colour"
    );
}

#[test]
fn bad_scale_or_background_is_an_error_not_a_crash() {
    let error = png("social-api", &options(1.0, Some("not-a-colour"))).expect_err("refused");
    assert!(error.to_string().contains("not-a-colour"), "{error}");
    assert!(png("social-api", &options(0.0, None)).is_err());
    assert!(png("social-api", &options(500.0, None)).is_err());
}
