//! The `archsmith` command line: validate, export, format and inspect models in CI.
//!
//! Exit codes: 0 success; 1 error findings (or warnings with `--deny warnings`); 2 bad input
//! or usage, with the reason on stderr.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use archsmith::catalog::Catalog;
use archsmith::export::{self, ExportOptions};
use archsmith::format::{self, LoadError};
use archsmith::model::{Cloud, Document, Meta, Severity};
use archsmith::rules::pack::RulePack;
use archsmith::rules::{self, Report, report};
use archsmith::{ArchGraph, layout, samples};
use clap::{Parser, Subcommand, ValueEnum};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "archsmith", version, about = "Architecture models: validate, export, format", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a model's structure and run the architecture rules.
    Validate {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
        format: ReportFormat,
        /// Fail (exit 1) on warnings as well as errors.
        #[arg(long, value_enum)]
        deny: Option<DenyLevel>,
        /// Rule pack files to run as well (repeatable); packs the model lists run too.
        #[arg(long = "rules", value_name = "PACK")]
        packs: Vec<PathBuf>,
    },
    /// Export a model to another format.
    Export {
        file: PathBuf,
        /// Output format (see `archsmith export --help` for the list).
        #[arg(long, short)]
        format: String,
        /// Output file, or folder for folder formats.
        #[arg(long, short)]
        output: PathBuf,
        /// Cloud provider for infrastructure exports.
        #[arg(long, value_enum)]
        provider: Option<Provider>,
        /// Raster scale factor (PNG).
        #[arg(long, default_value_t = 1.0)]
        scale: f32,
        /// Background colour (SVG, PNG), e.g. `white` or `#f8fafc`.
        #[arg(long)]
        background: Option<String>,
        /// Diagrams: badge each component with its open findings.
        #[arg(long)]
        findings: bool,
        /// Diagrams: leave out the legend.
        #[arg(long)]
        no_legend: bool,
    },
    /// List the component and connection kinds.
    Catalog {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// List the architecture rules, or explain one.
    Rules {
        #[command(subcommand)]
        action: Option<RulesAction>,
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Create a model file, empty or from a bundled sample.
    New {
        file: PathBuf,
        /// A bundled sample to start from.
        #[arg(long)]
        template: Option<String>,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Lay the diagram out automatically (pinned components stay put).
    Layout {
        file: PathBuf,
        /// Where to write the laid-out model; the input file when absent.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Rewrite a model file in canonical form.
    Fmt {
        file: PathBuf,
        /// Only check; exit 1 when the file is not canonical.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Subcommand)]
enum RulesAction {
    /// Show a rule's documentation.
    Explain { id: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Human,
    Json,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum DenyLevel {
    Warnings,
}

#[derive(Clone, Copy, ValueEnum)]
enum Provider {
    Aws,
    Gcp,
    Azure,
}

impl From<Provider> for Cloud {
    fn from(provider: Provider) -> Self {
        match provider {
            Provider::Aws => Cloud::Aws,
            Provider::Gcp => Cloud::Gcp,
            Provider::Azure => Cloud::Azure,
        }
    }
}

/// A failure that ends the command with exit code 2.
enum Failure {
    Load(Box<LoadError>),
    Message(String),
}

impl From<LoadError> for Failure {
    fn from(error: LoadError) -> Self {
        Self::Load(Box::new(error))
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Self::Message(message)
    }
}

fn report_failure(failure: Failure) {
    match failure {
        Failure::Message(message) => eprintln!("error: {message}"),
        Failure::Load(error) => {
            let theme = if std::io::stderr().is_terminal() {
                miette::GraphicalTheme::unicode()
            } else {
                miette::GraphicalTheme::unicode_nocolor()
            };
            let mut rendered = String::new();
            let handler = miette::GraphicalReportHandler::new_themed(theme).with_context_lines(1);
            match handler.render_report(&mut rendered, error.as_ref()) {
                Ok(()) => eprintln!("{rendered}"),
                Err(_) => eprintln!("error: {error}"),
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let catalog = Catalog::builtin();
    let result = match cli.command {
        Command::Validate {
            file,
            format,
            deny,
            packs,
        } => validate(catalog, &file, format, deny, &packs),
        Command::Export {
            file,
            format,
            output,
            provider,
            scale,
            background,
            findings,
            no_legend,
        } => {
            let options = ExportOptions {
                provider: provider.map(Cloud::from),
                scale,
                background,
                findings,
                legend: !no_legend,
            };
            export_model(catalog, &file, &format, &output, &options)
        }
        Command::Catalog { format } => {
            print_catalog(catalog, format);
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules {
            action: None,
            format,
        } => {
            print_rules(format);
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules {
            action: Some(RulesAction::Explain { id }),
            ..
        } => explain_rule(&id),
        Command::New {
            file,
            template,
            force,
        } => new_model(catalog, &file, template.as_deref(), force),
        Command::Fmt { file, check } => fmt_model(catalog, &file, check),
        Command::Layout { file, output } => layout_model(catalog, &file, output.as_deref()),
    };
    result.unwrap_or_else(|failure| {
        report_failure(failure);
        ExitCode::from(2)
    })
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::Message(format!("{}: cannot read: {e}", path.display())))
}

fn validate(
    catalog: &Catalog,
    file: &Path,
    format: ReportFormat,
    deny: Option<DenyLevel>,
    pack_files: &[PathBuf],
) -> Result<ExitCode, Failure> {
    let text = read(file)?;
    let name = file.display().to_string();
    let doc = format::from_str(&text, &name, catalog)?;
    // Packs named in the model are relative to the model's folder.
    let model_dir = file.parent().unwrap_or_else(|| Path::new("."));
    let listed = doc.rules.packs.iter().map(|p| model_dir.join(p));
    let mut packs = Vec::new();
    for path in pack_files.iter().cloned().chain(listed) {
        packs.push(RulePack::load(&path, catalog).map_err(|e| e.to_string())?);
    }
    let graph = ArchGraph::new(&doc, catalog);
    let report = rules::check_with(&graph, &packs);
    match format {
        ReportFormat::Human => print_human_report(&name, &text, &doc, &report),
        ReportFormat::Json => println!("{:#}", report::to_json(&report)),
        ReportFormat::Sarif => println!("{:#}", report::to_sarif(&report, &name, &text, &packs)),
    }
    let threshold = match deny {
        Some(DenyLevel::Warnings) => Severity::Warning,
        None => Severity::Error,
    };
    Ok(if report.fails_at(threshold) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn severity_style(severity: Severity) -> Style {
    let color = match severity {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Info => AnsiColor::Blue,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

fn print_human_report(name: &str, text: &str, doc: &Document, report: &Report) {
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let findings: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if findings.is_empty() {
            continue;
        }
        let style = severity_style(severity);
        anstream::println!(
            "{style}{} ({}){style:#}",
            severity.label().to_uppercase(),
            findings.len()
        );
        for finding in findings {
            let place = finding
                .targets
                .first()
                .and_then(|t| format::locate::element(text, t, 0))
                .map(|l| format!("{name}:{}:{}", l.line, l.col))
                .unwrap_or_else(|| name.to_owned());
            let waived = finding
                .waived
                .as_ref()
                .map(|r| format!(" [waived: {r}]"))
                .unwrap_or_default();
            anstream::println!(
                "  {style}{}{style:#} {place}: {}{waived}",
                finding.rule,
                finding.message
            );
            anstream::println!("      fix: {}", finding.fix_hint);
        }
    }
    let s = &report.summary;
    anstream::println!(
        "{name}: {} components, {} connections, {} groups; {} errors, {} warnings, {} infos, {} waived",
        doc.components().len(),
        doc.connections().len(),
        doc.groups().len(),
        s.errors,
        s.warnings,
        s.infos,
        s.waived
    );
}

fn export_model(
    catalog: &Catalog,
    file: &Path,
    format_id: &str,
    output: &Path,
    options: &ExportOptions,
) -> Result<ExitCode, Failure> {
    let Some(exporter) = export::find_exporter(format_id) else {
        let known: Vec<_> = export::registry().iter().map(|e| e.id()).collect();
        return Err(Failure::Message(format!(
            "unknown export format `{format_id}`; known formats: {}",
            known.join(", ")
        )));
    };
    let doc = format::load(file, catalog)?;
    let bytes = exporter
        .export(&doc, catalog, options)
        .map_err(|e| e.to_string())?;
    export::write_output(&bytes, output).map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

fn print_catalog(catalog: &Catalog, format: ListFormat) {
    match format {
        ListFormat::Json => {
            let value = serde_json::json!({
                "components": catalog.kinds(),
                "connections": catalog.connection_kinds(),
            });
            println!("{value:#}");
        }
        ListFormat::Human => {
            for category in archsmith::catalog::Category::ALL {
                anstream::println!("{}", category.label());
                for kind in catalog.kinds().iter().filter(|k| k.category == category) {
                    let traits: Vec<_> = kind
                        .traits
                        .iter()
                        .map(|t| {
                            serde_json::to_value(t)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_owned))
                                .unwrap_or_default()
                        })
                        .collect();
                    anstream::println!(
                        "  {:<24} {:<30} [{}]",
                        kind.id,
                        kind.label,
                        traits.join(", ")
                    );
                }
            }
            anstream::println!("Connections");
            for kind in catalog.connection_kinds() {
                anstream::println!("  {:<24} {:<30} {:?}", kind.id, kind.label, kind.style);
            }
        }
    }
}

fn print_rules(format: ListFormat) {
    match format {
        ListFormat::Json => {
            let rules: Vec<_> = rules::registry().iter().map(|r| r.meta()).collect();
            println!("{:#}", serde_json::json!({ "rules": rules }));
        }
        ListFormat::Human => {
            if rules::registry().is_empty() {
                println!("no rules registered");
            }
            for rule in rules::registry() {
                let meta = rule.meta();
                println!(
                    "{:<8} {:<10} {:<16?} {}",
                    meta.id,
                    meta.severity.label(),
                    meta.category,
                    meta.name
                );
            }
        }
    }
}

fn explain_rule(id: &str) -> Result<ExitCode, Failure> {
    let rule = rules::find_rule(id)
        .ok_or_else(|| format!("unknown rule `{id}`; `archsmith rules` lists them"))?;
    let meta = rule.meta();
    println!(
        "{} — {} ({:?}, {})\n\n{}",
        meta.id,
        meta.name,
        meta.category,
        meta.severity.label(),
        meta.docs
    );
    Ok(ExitCode::SUCCESS)
}

fn new_model(
    catalog: &Catalog,
    file: &Path,
    template: Option<&str>,
    force: bool,
) -> Result<ExitCode, Failure> {
    if file.exists() && !force {
        return Err(format!(
            "{} already exists; pass --force to overwrite it",
            file.display()
        )
        .into());
    }
    let doc = match template {
        Some(name) => {
            let sample = samples::sample(name).ok_or_else(|| {
                let names: Vec<_> = samples::samples().iter().map(|s| s.name).collect();
                format!("unknown template `{name}`; templates: {}", names.join(", "))
            })?;
            format::from_str(sample.text, sample.name, catalog)?
        }
        None => {
            let name = file.file_stem().map_or_else(
                || "Untitled".to_owned(),
                |s| s.to_string_lossy().into_owned(),
            );
            Document::new(Meta {
                name,
                ..Meta::default()
            })
        }
    };
    format::save(file, &doc).map_err(|e| e.to_string())?;
    println!("created {}", file.display());
    Ok(ExitCode::SUCCESS)
}

fn layout_model(
    catalog: &Catalog,
    file: &Path,
    output: Option<&Path>,
) -> Result<ExitCode, Failure> {
    let mut doc = format::load(file, catalog)?;
    let edit = layout::layout(&doc, layout::Spacing::default()).to_edit(&doc);
    edit.apply(&mut doc, catalog).map_err(|e| e.to_string())?;
    let target = output.unwrap_or(file);
    format::save(target, &doc).map_err(|e| e.to_string())?;
    println!("laid out {} into {}", file.display(), target.display());
    Ok(ExitCode::SUCCESS)
}

fn fmt_model(catalog: &Catalog, file: &Path, check: bool) -> Result<ExitCode, Failure> {
    let text = read(file)?;
    let doc = format::from_str(&text, &file.display().to_string(), catalog)?;
    let canonical = format::to_string(&doc);
    if canonical == text {
        return Ok(ExitCode::SUCCESS);
    }
    if check {
        eprintln!(
            "{} is not in canonical form; run `archsmith fmt {}`",
            file.display(),
            file.display()
        );
        return Ok(ExitCode::from(1));
    }
    format::save(file, &doc).map_err(|e| e.to_string())?;
    println!("formatted {}", file.display());
    Ok(ExitCode::SUCCESS)
}
