//! CPU cost of one editor frame (building the UI, painting and tessellating) with 2,000
//! components and 4,000 connections. Target: under 8 ms. And the frame in which Tidy up is
//! asked for on the e-commerce sample: the layout runs on the host, so the frame costs what
//! any frame costs (it held the editor for the whole layout, over a second, when it ran
//! in the frame).

use archsmith::format;
use archsmith::samples::synthetic;
use archsmith_ui::host::NullHost;
use archsmith_ui::{EditorApp, UiCommand};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use egui::{Pos2, RawInput, Rect, vec2};

fn input() -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1600.0, 1000.0))),
        ..RawInput::default()
    }
}

fn frame(ctx: &egui::Context, app: &mut EditorApp) -> usize {
    let mut output = ctx.run_ui(input(), |ui| app.frame_ui(ui));
    // No GPU here to upload font textures to.
    output.textures_delta.clear();
    ctx.tessellate(output.shapes, output.pixels_per_point).len()
}

fn frame_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("editor_frame_2k_components_4k_connections");
    group.sample_size(20);
    for (name, zoom_steps) in [("whole_model_in_view", 0), ("zoomed_in_to_100_percent", 1)] {
        let ctx = egui::Context::default();
        let mut app = EditorApp::new(synthetic(2_000, 4_000), None, Box::new(NullHost));
        // Settle: fonts, fit to view, then optionally back to actual size.
        for _ in 0..3 {
            frame(&ctx, &mut app);
        }
        if zoom_steps > 0 {
            app.run_command(UiCommand::ResetZoom);
            frame(&ctx, &mut app);
        }
        group.bench_function(name, |b| b.iter(|| frame(&ctx, &mut app)));
    }
    group.finish();
}

fn tidy_up_benches(c: &mut Criterion) {
    let sample = archsmith::samples::sample("ecommerce").expect("bundled");
    let doc = format::from_str(sample.text, sample.name, archsmith::Catalog::builtin())
        .expect("the sample loads");
    let mut group = c.benchmark_group("editor_frame_tidy_up_ecommerce");
    group.sample_size(20);
    group.bench_function("frame_asking_for_tidy_up", |b| {
        b.iter_batched(
            || {
                let ctx = egui::Context::default();
                let mut app = EditorApp::new(doc.clone(), None, Box::new(NullHost));
                for _ in 0..3 {
                    frame(&ctx, &mut app);
                }
                (ctx, app)
            },
            |(ctx, mut app)| {
                app.run_command(UiCommand::TidyUp);
                frame(&ctx, &mut app)
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

criterion_group!(benches, frame_benches, tidy_up_benches);
criterion_main!(benches);
