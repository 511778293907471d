//! The `archsmith` command line: validate, export, format and inspect models in CI.
//!
//! Exit codes: 0 success; 1 error findings (or warnings with `--deny warnings`); 2 bad input
//! or usage, with the reason on stderr. A reader that closes the pipe early (`| head`) ends
//! the command quietly with exit 0.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use archsmith::catalog::Catalog;
use archsmith::export::{self, ExportOptions, Output};
use archsmith::format::{self, LoadError, SourceIndex};
use archsmith::model::{Cloud, Document, Meta, Severity};
use archsmith::rules::pack::RulePack;
use archsmith::rules::report::{RunError, RunProblem};
use archsmith::rules::{self, report};
use archsmith::text::for_terminal;
use archsmith::{ArchGraph, layout, samples};
use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

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
    /// Availability, capacity at peak and failure blast radius, computed from the model.
    /// Exits 1 when the model misses a target it states (its availability objective, or the
    /// capacity to carry its peak).
    Analyze {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = AnalysisFormat::Human)]
        format: AnalysisFormat,
        /// Only this analysis (repeatable).
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(archsmith::analysis::NAMES))]
        only: Vec<String>,
        /// A scenario file, e.g. `(name: "Black Friday", load_multiplier: 10.0)`.
        #[arg(long)]
        scenario: Option<PathBuf>,
    },
    /// Export a model to another format.
    Export {
        file: PathBuf,
        /// Output format.
        #[arg(long, short, value_parser = export_formats())]
        format: String,
        /// Output file, or folder for folder formats; `-` writes a one-file format to stdout.
        #[arg(long, short)]
        output: PathBuf,
        /// Cloud provider for infrastructure exports.
        #[arg(long, value_enum)]
        provider: Option<Provider>,
        /// Raster scale factor (PNG), greater than 0 and at most 8.
        #[arg(long, default_value_t = 1.0, value_parser = parse_scale)]
        scale: f32,
        /// Background colour (SVG, PNG): a CSS colour such as `white`, `#0f172a` or
        /// `rgb(255 255 255)`, or `transparent`; the canvas's own `#f8fafc` when absent.
        #[arg(long, value_parser = parse_background)]
        background: Option<String>,
        /// Folder formats: write even when the folder holds files Archsmith did not generate
        /// (they are kept, or overwritten when the export writes a file of the same name).
        #[arg(long)]
        force: bool,
        /// Diagrams: badge each component with its open findings.
        #[arg(long)]
        findings: bool,
        /// Rule pack files whose findings the documents and diagram badges show (repeatable);
        /// packs the model lists run too, as in `validate`.
        #[arg(long = "rules", value_name = "PACK")]
        packs: Vec<PathBuf>,
        /// Diagrams: leave out the legend.
        #[arg(long)]
        no_legend: bool,
        /// Diagrams: draw this view of the model (see `archsmith views`) instead of the whole
        /// model.
        #[arg(long, value_name = "ID")]
        view: Option<String>,
        /// Page shape automatic layout aims for, as width:height (`16:10`, `4:3`, `1:1`) or a
        /// ratio (`1.6`): for a model without positions and the boxes a view has not placed.
        #[arg(long, default_value = "16:10", value_parser = parse_aspect)]
        aspect: f32,
    },
    /// List the model's views: focused diagrams that `export --view` draws.
    Views { file: PathBuf },
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
        /// Write even though the file has comments, which the saved model does not keep.
        #[arg(long)]
        drop_comments: bool,
        /// Page shape to aim for, as width:height (`16:10`, `4:3`) or a ratio (`1.6`).
        #[arg(long, default_value = "16:10", value_parser = parse_aspect)]
        aspect: f32,
    },
    /// Rewrite a model file in canonical form.
    Fmt {
        file: PathBuf,
        /// Only check; exit 1 when the file is not canonical.
        #[arg(long)]
        check: bool,
        /// Rewrite even though the file has comments, which the canonical form does not keep.
        #[arg(long)]
        drop_comments: bool,
    },
    /// Print a shell completion script (`archsmith completions bash > /etc/bash_completion.d/archsmith`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `--format` for exports: every registered exporter, each with its one-line description.
fn export_formats() -> PossibleValuesParser {
    PossibleValuesParser::new(
        export::registry()
            .iter()
            .map(|e| PossibleValue::new(e.id()).help(e.label())),
    )
}

/// A page shape: `16:10`, or a ratio such as `1.6`, between 1:4 and 8:1.
fn parse_aspect(text: &str) -> Result<f32, String> {
    let number = |part: &str| {
        part.trim()
            .parse::<f32>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)
    };
    let aspect = match text.split_once(':') {
        Some((w, h)) => number(w).zip(number(h)).map(|(w, h)| w / h),
        None => number(text),
    };
    match aspect {
        Some(aspect) if (0.25..=8.0).contains(&aspect) => Ok(aspect),
        _ => Err("give the page shape as width:height (`16:10`, `4:3`) or a ratio (`1.6`) between 1:4 and 8:1".to_owned()),
    }
}

fn parse_scale(text: &str) -> Result<f32, String> {
    let scale: f32 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if scale.is_finite() && scale > 0.0 && scale <= export::MAX_SCALE {
        Ok(scale)
    } else {
        Err(format!(
            "the scale must be greater than 0 and at most {}",
            export::MAX_SCALE
        ))
    }
}

fn parse_background(text: &str) -> Result<String, String> {
    export::check_background(text).map(|()| text.to_owned())
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
enum AnalysisFormat {
    Human,
    Json,
    Markdown,
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

/// A failure that ends the command with exit code 2, or quietly when stdout was closed.
enum Failure {
    Load(Box<LoadError>),
    Message(String),
    /// Writing to stdout failed; a closed pipe is not an error.
    Output(io::Error),
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

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        Self::Output(error)
    }
}

/// The longest line miette renders with its source; a model minified onto one line is
/// reported as plain `file:line:col: message` lines instead of echoing megabytes.
const MAX_SNIPPET_LINE: usize = 400;

fn renders_as_snippets(error: &LoadError) -> bool {
    let LoadError::Invalid { text, problems, .. } = error else {
        return false;
    };
    let index = SourceIndex::new(text);
    problems.iter().take(format::SHOWN_PROBLEMS).all(|p| {
        p.location.is_none_or(|l| {
            let start = index.offset_of(l.line, 1);
            let end = index.offset_of(l.line + 1, 1);
            end - start <= MAX_SNIPPET_LINE
        })
    })
}

/// A message of several lines, each escaped for the terminal.
fn terminal_lines(message: &str) -> String {
    message
        .lines()
        .map(|line| for_terminal(line))
        .collect::<Vec<_>>()
        .join("\n")
}

fn report_failure(failure: Failure) -> ExitCode {
    match failure {
        Failure::Output(error) if error.kind() == io::ErrorKind::BrokenPipe => {
            return ExitCode::SUCCESS;
        }
        Failure::Output(error) => eprintln!("error: cannot write the output: {error}"),
        Failure::Message(message) => eprintln!("error: {}", terminal_lines(&message)),
        Failure::Load(error) if !renders_as_snippets(&error) => {
            eprintln!("error: {}", terminal_lines(&error.to_string()));
        }
        Failure::Load(error) => {
            let theme = if io::stderr().is_terminal() {
                miette::GraphicalTheme::unicode()
            } else {
                miette::GraphicalTheme::unicode_nocolor()
            };
            let mut rendered = String::new();
            let handler = miette::GraphicalReportHandler::new_themed(theme).with_context_lines(1);
            match handler.render_report(&mut rendered, error.as_ref()) {
                Ok(()) => {
                    eprintln!("{rendered}");
                    // miette draws the first problems; name the rest's count and places too.
                    let problems = error.problems();
                    if problems.len() > format::SHOWN_PROBLEMS {
                        eprintln!(
                            "… and {} more problems ({} in all)",
                            problems.len() - format::SHOWN_PROBLEMS,
                            problems.len()
                        );
                    }
                }
                Err(_) => eprintln!("error: {}", terminal_lines(&error.to_string())),
            }
        }
    }
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let catalog = Catalog::builtin();
    let stdout = io::stdout();
    let color = anstream::AutoStream::choice(&stdout) != anstream::ColorChoice::Never;
    let mut out = Out {
        inner: BufWriter::with_capacity(1 << 16, stdout.lock()),
        color,
    };
    let result = run(cli.command, catalog, &mut out).and_then(|code| {
        out.inner.flush()?;
        Ok(code)
    });
    result.unwrap_or_else(report_failure)
}

/// Buffered stdout that knows whether to colour.
struct Out<W: Write> {
    inner: W,
    color: bool,
}

impl<W: Write> Write for Out<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn run(
    command: Command,
    catalog: &Catalog,
    out: &mut Out<impl Write>,
) -> Result<ExitCode, Failure> {
    match command {
        Command::Validate {
            file,
            format,
            deny,
            packs,
        } => validate(catalog, &file, format, deny, &packs, out),
        Command::Analyze {
            file,
            format,
            only,
            scenario,
        } => analyze(catalog, &file, format, &only, scenario.as_deref(), out),
        Command::Export {
            file,
            format,
            output,
            provider,
            scale,
            background,
            force,
            findings,
            packs,
            no_legend,
            view,
            aspect,
        } => {
            let options = ExportOptions {
                provider: provider.map(Cloud::from),
                scale,
                aspect,
                background,
                findings,
                legend: !no_legend,
                report: None,
            };
            let target = ExportTarget {
                format: &format,
                output: &output,
                force,
                view: view.as_deref(),
            };
            export_model(catalog, &file, &target, &options, &packs, out)
        }
        Command::Views { file } => list_views(catalog, &file, out),
        Command::Catalog { format } => {
            print_catalog(catalog, format, out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules {
            action: None,
            format,
        } => {
            print_rules(format, out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules {
            action: Some(RulesAction::Explain { id }),
            ..
        } => explain_rule(&id, out),
        Command::New {
            file,
            template,
            force,
        } => new_model(catalog, &file, template.as_deref(), force, out),
        Command::Fmt {
            file,
            check,
            drop_comments,
        } => fmt_model(catalog, &file, check, drop_comments, out),
        Command::Layout {
            file,
            output,
            drop_comments,
            aspect,
        } => layout_model(
            catalog,
            &file,
            output.as_deref(),
            drop_comments,
            aspect,
            out,
        ),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "archsmith", out);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn read(path: &Path) -> Result<String, Failure> {
    Ok(format::read_text(path)?)
}

/// The machine-readable form of a failure that stopped `validate` before any rule ran.
fn run_error(failure: &Failure, file: &str) -> Option<RunError> {
    let (code, message, problems) = match failure {
        Failure::Load(error) => {
            let problems = error
                .problems()
                .iter()
                .map(|p| RunProblem {
                    message: p.message.clone(),
                    file: file.to_owned(),
                    line: p.location.map(|l| l.line),
                    col: p.location.map(|l| l.col),
                })
                .collect();
            (error.code_str(), error.to_string(), problems)
        }
        Failure::Message(message) => ("archsmith::invalid_input", message.clone(), Vec::new()),
        Failure::Output(_) => return None,
    };
    Some(RunError {
        code: code.to_owned(),
        message,
        problems,
    })
}

/// Loads the model and the packs, and refuses waivers and overrides that name no rule.
fn load_for_checking(
    catalog: &Catalog,
    file: &Path,
    pack_files: &[PathBuf],
) -> Result<(String, Document, Vec<RulePack>), Failure> {
    let text = read(file)?;
    let name = file.display().to_string();
    let doc = format::from_str(&text, &name, catalog)?;
    let mut packs = Vec::new();
    for path in pack_files {
        packs.push(RulePack::load(path, catalog).map_err(|e| e.to_string())?);
    }
    for listed in &doc.rules.packs {
        packs.push(RulePack::load_listed(file, listed, catalog).map_err(|e| e.to_string())?);
    }
    let unknown = rules::unknown_rule_references(&doc, &packs);
    if !unknown.is_empty() {
        let index = SourceIndex::new(&text);
        let lines: Vec<String> = unknown
            .iter()
            .map(|reference| {
                let place = match reference {
                    rules::UnknownRuleReference::Waiver { target, .. } => index.waiver(target),
                    rules::UnknownRuleReference::Override { rule } => index.quoted(rule),
                };
                let at =
                    place.map_or_else(|| name.clone(), |l| format!("{name}:{}:{}", l.line, l.col));
                format!("{at}: {}", reference.message(&packs))
            })
            .collect();
        return Err(Failure::Message(lines.join("\n")));
    }
    Ok((text, doc, packs))
}

fn validate(
    catalog: &Catalog,
    file: &Path,
    format: ReportFormat,
    deny: Option<DenyLevel>,
    pack_files: &[PathBuf],
    out: &mut Out<impl Write>,
) -> Result<ExitCode, Failure> {
    let name = file.display().to_string();
    let uri = report::sarif_uri(file);
    let (text, doc, packs) = match load_for_checking(catalog, file, pack_files) {
        Ok(loaded) => loaded,
        Err(failure) => {
            // Machine readers get the failure on stdout, people on stderr.
            if let Some(error) = run_error(&failure, &name) {
                match format {
                    ReportFormat::Human => {}
                    ReportFormat::Json => report::write_json_error(&error, out)?,
                    ReportFormat::Sarif => report::write_sarif_error(&error, &uri, out)?,
                }
            }
            out.flush()?;
            return Err(failure);
        }
    };
    let graph = ArchGraph::new(&doc, catalog);
    let report = rules::check_with(&graph, &packs);
    match format {
        ReportFormat::Human => {
            let color = out.color;
            report::write_human(&report, &name, &doc, &SourceIndex::new(&text), color, out)?;
        }
        ReportFormat::Json => report::write_json(&report, out)?,
        ReportFormat::Sarif => {
            report::write_sarif(&report, &uri, &SourceIndex::new(&text), &packs, out)?;
        }
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

fn analyze(
    catalog: &Catalog,
    file: &Path,
    format: AnalysisFormat,
    only: &[String],
    scenario: Option<&Path>,
    out: &mut Out<impl Write>,
) -> Result<ExitCode, Failure> {
    let text = read(file)?;
    let doc = format::from_str(&text, &file.display().to_string(), catalog)?;
    let scenario = match scenario {
        Some(path) => {
            let source = read(path)?;
            let scenario: archsmith::analysis::Scenario =
                ron::from_str(&source).map_err(|e| {
                    format!(
                        "{}:{}:{}: {}; expected a scenario such as (name: \"Black Friday\", load_multiplier: 10.0)",
                        path.display(),
                        e.span.start.line,
                        e.span.start.col,
                        e.code
                    )
                })?;
            if !(scenario.load_multiplier.is_finite() && scenario.load_multiplier > 0.0) {
                return Err(Failure::Message(format!(
                    "{}: load_multiplier must be a positive number, not {}",
                    path.display(),
                    scenario.load_multiplier
                )));
            }
            scenario
        }
        None => archsmith::analysis::Scenario::default(),
    };
    let graph = ArchGraph::new(&doc, catalog);
    let report = archsmith::analysis::analyze(&graph, scenario);
    match format {
        AnalysisFormat::Human => {
            out.write_all(archsmith::analysis::render::human(&report, only).as_bytes())?;
        }
        AnalysisFormat::Markdown => {
            out.write_all(archsmith::analysis::render::markdown(&report, only).as_bytes())?;
        }
        AnalysisFormat::Json => {
            let mut value = serde_json::to_value(&report).map_err(|e| e.to_string())?;
            if let Some(object) = value.as_object_mut()
                && !only.is_empty()
            {
                object.retain(|key, _| key == "scenario" || only.iter().any(|o| o == key));
            }
            let text = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
            out.write_all(text.as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(if report.misses_a_target() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Where an export goes: the format, the file or folder, and whether foreign files in a
/// folder may be overwritten.
struct ExportTarget<'a> {
    format: &'a str,
    output: &'a Path,
    force: bool,
    /// A view of the model to draw instead of the whole model.
    view: Option<&'a str>,
}

fn export_model(
    catalog: &Catalog,
    file: &Path,
    target: &ExportTarget<'_>,
    options: &ExportOptions,
    pack_files: &[PathBuf],
    out: &mut Out<impl Write>,
) -> Result<ExitCode, Failure> {
    let (format_id, output, force) = (target.format, target.output, target.force);
    // The parser accepts only registered formats.
    let exporter = export::find_exporter(format_id)
        .ok_or_else(|| format!("unknown export format `{format_id}`"))?;
    let to_stdout = output == Path::new("-");
    if to_stdout && exporter.extension().is_none() {
        return Err(format!(
            "the `{format_id}` export writes a folder; give --output a folder, not `-`"
        )
        .into());
    }
    if target.view.is_some() && !exporter.draws_views() {
        return Err(format!(
            "--view applies to diagram formats (svg, png, mermaid, mermaid-architecture, dot, plantuml, drawio); the `{format_id}` export covers the whole model"
        )
        .into());
    }
    let (_, doc, packs) = load_for_checking(catalog, file, pack_files)?;
    // Documents and badges show what `validate` reports: the same packs, overrides, waivers,
    // found on the whole model even when one view is drawn.
    let mut options = options.clone();
    if exporter.shows_findings(&options) {
        let graph = ArchGraph::new(&doc, catalog);
        options.report = Some(std::sync::Arc::new(rules::check_with(&graph, &packs)));
    }
    let projected;
    let drawn = match target.view {
        Some(id) => {
            let view = archsmith::view::find(&doc, id).map_err(|e| e.to_string())?;
            let spacing = layout::Spacing::for_aspect(options.aspect);
            projected = archsmith::view::project_with(&doc, catalog, view, spacing).doc;
            &projected
        }
        None => &doc,
    };
    let exported = exporter
        .export_noted(drawn, catalog, &options)
        .map_err(|e| e.to_string())?;
    for note in &exported.notes {
        eprintln!("note: {}", for_terminal(note));
    }
    let bytes = exported.output;
    if let (true, Output::File(bytes)) = (to_stdout, &bytes) {
        out.write_all(bytes)?;
        return Ok(ExitCode::SUCCESS);
    }
    let written = export::write_output(&bytes, output, force).map_err(|e| e.to_string())?;
    if !written.removed.is_empty() {
        eprintln!(
            "removed {} files that the previous export generated and this one does not: {}",
            written.removed.len(),
            for_terminal(&written.removed.join(", "))
        );
    }
    if !written.overwritten_foreign.is_empty() {
        eprintln!(
            "overwrote files that Archsmith had not generated (--force): {}",
            for_terminal(&written.overwritten_foreign.join(", "))
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn list_views(
    catalog: &Catalog,
    file: &Path,
    out: &mut Out<impl Write>,
) -> Result<ExitCode, Failure> {
    let (_, doc, _) = load_for_checking(catalog, file, &[])?;
    if doc.views().is_empty() {
        writeln!(
            out,
            "{} defines no views; `export` draws the whole model.",
            for_terminal(&file.display().to_string())
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    for view in doc.views() {
        let projection = archsmith::view::project(&doc, catalog, view);
        let what = if view.flow.is_some() {
            format!("dynamic, {} steps", projection.steps.len())
        } else {
            view.level.label().to_lowercase()
        };
        writeln!(
            out,
            "{}  {} ({what}; {} boxes, {} connections)",
            view.id,
            for_terminal(&view.name),
            projection.doc.components().len(),
            projection.doc.connections().len()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_catalog(catalog: &Catalog, format: ListFormat, out: &mut impl Write) -> io::Result<()> {
    match format {
        ListFormat::Json => {
            let value = serde_json::json!({
                "components": catalog.kinds(),
                "connections": catalog.connection_kinds(),
            });
            writeln!(out, "{value:#}")?;
        }
        ListFormat::Human => {
            for category in archsmith::catalog::Category::ALL {
                writeln!(out, "{}", category.label())?;
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
                    writeln!(
                        out,
                        "  {:<24} {:<30} [{}]",
                        kind.id,
                        kind.label,
                        traits.join(", ")
                    )?;
                }
            }
            writeln!(out, "Connections")?;
            for kind in catalog.connection_kinds() {
                writeln!(out, "  {:<24} {:<30} {:?}", kind.id, kind.label, kind.style)?;
            }
        }
    }
    Ok(())
}

fn print_rules(format: ListFormat, out: &mut impl Write) -> io::Result<()> {
    match format {
        ListFormat::Json => {
            let rules: Vec<_> = rules::registry().iter().map(|r| r.meta()).collect();
            writeln!(out, "{:#}", serde_json::json!({ "rules": rules }))?;
        }
        ListFormat::Human => {
            for rule in rules::registry() {
                let meta = rule.meta();
                writeln!(
                    out,
                    "{:<8} {:<10} {:<16?} {}",
                    meta.id,
                    meta.severity.label(),
                    meta.category,
                    meta.name
                )?;
            }
        }
    }
    Ok(())
}

fn explain_rule(id: &str, out: &mut impl Write) -> Result<ExitCode, Failure> {
    let rule = rules::find_rule(id).ok_or_else(|| {
        format!(
            "unknown rule `{}`; `archsmith rules` lists them",
            archsmith::text::echo(id)
        )
    })?;
    let meta = rule.meta();
    writeln!(
        out,
        "{} — {} ({:?}, {})\n\n{}",
        meta.id,
        meta.name,
        meta.category,
        meta.severity.label(),
        meta.docs
    )?;
    Ok(ExitCode::SUCCESS)
}

fn new_model(
    catalog: &Catalog,
    file: &Path,
    template: Option<&str>,
    force: bool,
    out: &mut impl Write,
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
                format!(
                    "unknown template `{}`; templates: {}",
                    archsmith::text::echo(name),
                    names.join(", ")
                )
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
    writeln!(out, "created {}", file.display())?;
    Ok(ExitCode::SUCCESS)
}

/// Refuses to rewrite a file whose comments the canonical form would drop, unless asked.
fn refuse_dropping_comments(file: &Path, text: &str, drop_comments: bool) -> Result<(), Failure> {
    if drop_comments {
        return Ok(());
    }
    let index = SourceIndex::new(text);
    let Some(at) = index.first_comment() else {
        return Ok(());
    };
    let (line, col) = index.line_col(at);
    Err(format!(
        "{}:{line}:{col}: the file has comments, which the canonical form does not keep; move \
         them into `description` fields, or pass --drop-comments",
        file.display()
    )
    .into())
}

fn layout_model(
    catalog: &Catalog,
    file: &Path,
    output: Option<&Path>,
    drop_comments: bool,
    aspect: f32,
    out: &mut impl Write,
) -> Result<ExitCode, Failure> {
    let text = read(file)?;
    let mut doc = format::from_str(&text, &file.display().to_string(), catalog)?;
    let target = output.unwrap_or(file);
    if target == file {
        refuse_dropping_comments(file, &text, drop_comments)?;
    }
    let edit = layout::layout(&doc, catalog, layout::Spacing::for_aspect(aspect)).to_edit(&doc);
    edit.apply(&mut doc, catalog).map_err(|e| e.to_string())?;
    format::save(target, &doc).map_err(|e| e.to_string())?;
    writeln!(out, "laid out {} into {}", file.display(), target.display())?;
    Ok(ExitCode::SUCCESS)
}

fn fmt_model(
    catalog: &Catalog,
    file: &Path,
    check: bool,
    drop_comments: bool,
    out: &mut impl Write,
) -> Result<ExitCode, Failure> {
    let text = read(file)?;
    let doc = format::from_str(&text, &file.display().to_string(), catalog)?;
    let canonical = format::to_string(&doc);
    if canonical == text {
        return Ok(ExitCode::SUCCESS);
    }
    if check {
        let comments = SourceIndex::new(&text)
            .first_comment()
            .map(|_| " (it has comments, which the canonical form does not keep)")
            .unwrap_or_default();
        eprintln!(
            "{} is not in canonical form{comments}; run `archsmith fmt {}`",
            file.display(),
            file.display()
        );
        return Ok(ExitCode::from(1));
    }
    refuse_dropping_comments(file, &text, drop_comments)?;
    format::save(file, &doc).map_err(|e| e.to_string())?;
    writeln!(out, "formatted {}", file.display())?;
    Ok(ExitCode::SUCCESS)
}
