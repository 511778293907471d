//! Writes a generated model for scale tests: `cargo run --release --example synthetic --
//! COMPONENTS OUT.ron` (two connections per component, as the benchmarks use).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(count), Some(out)) = (args.next(), args.next()) else {
        eprintln!("usage: synthetic COMPONENTS OUT.ron");
        return ExitCode::from(2);
    };
    let Ok(count) = count.parse::<usize>() else {
        eprintln!("COMPONENTS must be a whole number, not `{count}`");
        return ExitCode::from(2);
    };
    let doc = archsmith::samples::synthetic(count, count * 2);
    match archsmith::format::save(&PathBuf::from(&out), &doc) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(2)
        }
    }
}
