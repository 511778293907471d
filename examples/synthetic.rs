//! Writes a generated model for scale tests: `cargo run --release --example synthetic --
//! COMPONENTS OUT.ron [--served]` (two connections per component, as the benchmarks use;
//! `--served` adds a client, gateways with a stated peak and targets, as the analysis
//! benchmark uses).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(count), Some(out)) = (args.next(), args.next()) else {
        eprintln!("usage: synthetic COMPONENTS OUT.ron [--served]");
        return ExitCode::from(2);
    };
    let Ok(count) = count.parse::<usize>() else {
        eprintln!("COMPONENTS must be a whole number, not `{count}`");
        return ExitCode::from(2);
    };
    let doc = if args.next().as_deref() == Some("--served") {
        archsmith::samples::synthetic_served(count, count * 2)
    } else {
        archsmith::samples::synthetic(count, count * 2)
    };
    match archsmith::format::save(&PathBuf::from(&out), &doc) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(2)
        }
    }
}
