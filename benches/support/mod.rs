//! What the benchmarks share.

/// Model sizes the scale benchmarks measure: 1k, 10k and 100k components.
const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// The sizes to run: all of them under `cargo bench` (which passes `--bench`); only the
/// smallest when `cargo test --all-targets` runs each benchmark once as a test, in a debug
/// build, where the big sizes would cost minutes and prove nothing more.
pub fn sizes() -> &'static [usize] {
    if std::env::args().any(|a| a == "--bench") {
        &SIZES
    } else {
        &SIZES[..1]
    }
}
