//! `propex validate`: checks raw and converted records and reports what is wrong and where,
//! through one of three reporters (compiler-style text, JSON Lines, GitHub workflow commands).

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use propex::batch::Job;
use propex::batch::walk::{self, WalkError};
use propex::diag::{Code, Diagnostic, LineIndex, Severity};
use propex::validate::{Duplicates, FileCheck, Rules};
use propex::{Config, batch, date};

use crate::inputs::InputArgs;
use crate::{Outcome, config, output};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `path:line:col: error[code]: message` with the source line and a caret.
    Human,
    /// One JSON object per diagnostic per line.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::message`).
    Github,
    /// One SARIF 2.1.0 log (GitHub code scanning, other SARIF viewers).
    Sarif,
}

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// `.yaml`, `.yml`, `.json` and `.jsonl` files are records converted by propex; anything
    /// else is read as a raw record.
    #[command(flatten)]
    inputs: InputArgs,
    /// How diagnostics are written.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Warnings fail the run too.
    #[arg(long)]
    deny_warnings: bool,
    /// Lower a rule: an error to a warning, a warning to a note (repeatable).
    #[arg(long, value_name = "CODE", value_parser = parse_code)]
    allow: Vec<Code>,
    /// Raise a rule to an error (repeatable).
    #[arg(long, value_name = "CODE", value_parser = parse_code)]
    deny: Vec<Code>,
    /// Write the report to FILE instead of stdout; it appears whole when the run is done.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Read settings from FILE instead of the nearest `propex.toml` at or above the working
    /// folder.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Read no `propex.toml`.
    #[arg(long)]
    no_config: bool,
}

fn parse_code(s: &str) -> Result<Code, String> {
    Code::from_name(s).ok_or_else(|| {
        let known: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        format!("unknown rule {s:?} (rules: {})", known.join(", "))
    })
}

pub fn run(args: ValidateArgs, color: crate::Color) -> Result<Outcome> {
    let settings = if args.no_config {
        config::Config::default()
    } else if let Some(path) = &args.config {
        config::Config::load(path)?
    } else {
        match config::find(&std::env::current_dir()?) {
            Some(path) => config::Config::load(&path)?,
            None => config::Config::default(),
        }
    };
    if args.inputs.verbose
        && let Some(path) = &settings.path
    {
        eprintln!("propex: settings from {}", path.display());
    }
    let deny_warnings = args.deny_warnings || settings.deny_warnings == Some(true);
    let walk_opts = args.inputs.walk_options_with(
        None,
        crate::inputs::CHECKED_FILES,
        &settings.globs,
        &settings.excludes,
    )?;
    let jobs = walk::jobs(args.inputs.arguments()?, &walk_opts);
    let config = args.inputs.config();
    let today = date::today();
    let max = args.inputs.max_bytes;
    let verbose = args.inputs.verbose;

    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let color = color.wanted(to_terminal);
    let (out, pending) = output::open(args.output.as_deref())?;
    let out = BufWriter::new(out);
    let mut reporter: Box<dyn Reporter> = match args.format {
        Format::Human => Box::new(Human {
            out,
            renderer: if color {
                Renderer::styled()
            } else {
                Renderer::plain()
            },
            color,
        }),
        Format::Json => Box::new(JsonLines { out }),
        Format::Github => Box::new(Github { out }),
        Format::Sarif => Box::new(Sarif {
            out,
            results: Vec::new(),
        }),
    };

    let mut duplicates = Duplicates::default();
    let mut summary = Summary::default();
    let mut write_error: Option<io::Error> = None;
    batch::run_ordered(
        jobs,
        args.inputs.threads(),
        |item| {
            let path = match &item {
                Ok(Job {
                    input: propex::batch::Input::Path(p),
                    ..
                }) => Some(p.as_path()),
                _ => None,
            };
            let rules = settings.rules_for(path, &args.allow, &args.deny);
            check_one(item, &config, &rules, today, max)
        },
        |mut fc| {
            if let Some(why) = &fc.skipped {
                if verbose {
                    eprintln!("propex: {}: {why}", fc.name);
                }
                return true;
            }
            duplicates.check(&mut fc);
            summary.add(&fc);
            // A reader that stopped reading (`| head`) does not change what the records hold:
            // the check goes on without printing, so the exit code still tells.
            if write_error.is_none()
                && let Err(e) = reporter.file(&fc)
            {
                write_error = Some(e);
            }
            write_error
                .as_ref()
                .is_none_or(|e| e.kind() == io::ErrorKind::BrokenPipe)
        },
    );
    match write_error {
        Some(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Some(e) => return Err(anyhow::Error::new(e).context("cannot write the report")),
        None => {
            match reporter.finish(&summary) {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
                other => other.context("cannot write the report")?,
            }
            drop(reporter);
            pending.commit()?;
        }
    }
    // Nothing checked is not a pass: an empty folder or a glob that matched nothing.
    if summary.files == 0 {
        eprintln!(
            "propex: warning: no input found to check (an empty folder, or no record file matched)"
        );
        return Ok(Outcome::SomeFailed);
    }
    let failed = summary.errors > 0 || (deny_warnings && summary.warnings > 0);
    Ok(if failed {
        Outcome::SomeFailed
    } else {
        Outcome::Ok
    })
}

fn check_one(
    item: Result<Job, WalkError>,
    config: &Config,
    rules: &Rules,
    today: date::Date,
    max: u64,
) -> FileCheck {
    match item {
        Err(e) if e.skipped => FileCheck {
            name: e.name,
            skipped: Some(e.message),
            ..FileCheck::default()
        },
        Err(e) => propex::validate::check(&e.name, Err(e.message), config, rules, today),
        Ok(job) => {
            let name = job.input.name();
            let bytes = job.input.read(max).map_err(|e| e.to_string());
            match bytes {
                Ok(b) => propex::validate::check(&name, Ok(&b), config, rules, today),
                Err(e) => propex::validate::check(&name, Err(e), config, rules, today),
            }
        }
    }
}

#[derive(Debug, Default)]
struct Summary {
    files: u64,
    records: u64,
    errors: u64,
    warnings: u64,
    notes: u64,
}

impl Summary {
    fn add(&mut self, fc: &FileCheck) {
        self.files += 1;
        self.records += fc.records as u64;
        for d in &fc.diagnostics {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Note => self.notes += 1,
            }
        }
    }

    fn line(&self) -> String {
        let n = |n: u64, what: &str| {
            if n == 1 {
                format!("1 {what}")
            } else {
                format!("{n} {what}s")
            }
        };
        format!(
            "propex: checked {}, {}: {}, {}, {}",
            n(self.files, "file"),
            n(self.records, "record"),
            n(self.errors, "error"),
            n(self.warnings, "warning"),
            n(self.notes, "note")
        )
    }
}

/// Writes one file's diagnostics; several formats behind one interface.
trait Reporter {
    fn file(&mut self, fc: &FileCheck) -> io::Result<()>;
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
}

struct Human<W: Write> {
    out: W,
    renderer: Renderer,
    color: bool,
}

impl<W: Write> Human<W> {
    fn header(&self, name: &str, d: &Diagnostic) -> String {
        let (word, paint) = match d.severity {
            Severity::Error => ("error", "\x1b[1;31m"),
            Severity::Warning => ("warning", "\x1b[1;33m"),
            Severity::Note => ("note", "\x1b[1;36m"),
        };
        if self.color {
            format!(
                "\x1b[1m{name}:{}:{}:\x1b[0m {paint}{word}[{}]\x1b[0m\x1b[1m: {}\x1b[0m",
                d.line, d.col, d.code, d.message
            )
        } else {
            format!(
                "{name}:{}:{}: {word}[{}]: {}",
                d.line, d.col, d.code, d.message
            )
        }
    }
}

impl<W: Write> Reporter for Human<W> {
    fn file(&mut self, fc: &FileCheck) -> io::Result<()> {
        let index = LineIndex::new(&fc.source);
        for d in &fc.diagnostics {
            writeln!(self.out, "{}", self.header(&fc.name, d))?;
            let line = index.line_text(d.line);
            if fc.source.is_empty() || line.trim().is_empty() {
                continue;
            }
            let level = match d.severity {
                Severity::Error => Level::ERROR,
                Severity::Warning => Level::WARNING,
                Severity::Note => Level::NOTE,
            };
            // The diagnostic's offset is where its caret goes; the column is the fallback.
            let at = d
                .offset
                .checked_sub(index.line_start(d.line))
                .filter(|&a| a <= line.len())
                .unwrap_or_else(|| {
                    line.char_indices()
                        .nth(d.col.saturating_sub(1))
                        .map_or(line.len(), |(i, _)| i)
                });
            let (shown, span) = window(line, at);
            let report = &[Group::with_level(level).element(
                Snippet::source(&shown)
                    .line_start(d.line)
                    .annotation(AnnotationKind::Primary.span(span)),
            )];
            writeln!(self.out, "{}", self.renderer.render(report))?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        writeln!(self.out, "{}", summary.line())?;
        self.out.flush()
    }
}

/// How much of a line is shown on each side of a caret: a 50 MB line is not handed to the
/// renderer whole for every diagnostic on it.
const WINDOW: usize = 240;

/// The part of `line` around byte `at` that a snippet shows (`…` where it was cut), and the
/// caret's range in it.
fn window(line: &str, at: usize) -> (String, std::ops::Range<usize>) {
    let boundary = |mut i: usize| {
        i = i.min(line.len());
        while !line.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let at = boundary(at);
    let from = boundary(at.saturating_sub(WINDOW));
    let to = boundary(at.saturating_add(WINDOW));
    let mut shown = String::with_capacity(to - from + 6);
    if from > 0 {
        shown.push('…');
    }
    let caret_at = shown.len() + (at - from);
    shown.push_str(&line[from..to]);
    let span = caret(&shown, caret_at);
    if to < line.len() {
        shown.push('…');
    }
    (shown, span)
}

/// The bytes of `line` a caret marks: from byte `start` to the end of the cell or word there,
/// at most twenty characters.
fn caret(line: &str, start: usize) -> std::ops::Range<usize> {
    let len: usize = line[start..]
        .chars()
        .take_while(|c| *c != '|' && !c.is_whitespace())
        .take(20)
        .map(char::len_utf8)
        .sum();
    let len = if len == 0 {
        line[start..].chars().next().map_or(0, char::len_utf8)
    } else {
        len
    };
    start..start + len
}

/// SARIF 2.1.0: one log, one run, every rule with its explanation, every diagnostic a result.
/// Written at the end (a SARIF log is one JSON document). Columns count Unicode code points,
/// as the run says.
struct Sarif<W: Write> {
    out: W,
    results: Vec<serde_json::Value>,
}

impl<W: Write> Reporter for Sarif<W> {
    fn file(&mut self, fc: &FileCheck) -> io::Result<()> {
        for d in &fc.diagnostics {
            self.results.push(serde_json::json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": sarif_level(d.severity),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&fc.name) },
                        "region": { "startLine": d.line.max(1), "startColumn": d.col.max(1) },
                    }
                }],
            }));
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let rules: Vec<serde_json::Value> = Code::ALL
            .iter()
            .map(|c| {
                let e = c.explain();
                serde_json::json!({
                    "id": c.as_str(),
                    "shortDescription": { "text": c.summary() },
                    "fullDescription": { "text": e.why },
                    "help": { "text": format!("{} (`propex rules {}`)", e.fix, c.as_str()) },
                    "defaultConfiguration": { "level": sarif_level(c.default_severity()) },
                })
            })
            .collect();
        let log = serde_json::json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "propex",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                } },
                "columnKind": "unicodeCodePoints",
                "results": std::mem::take(&mut self.results),
            }],
        });
        serde_json::to_writer_pretty(&mut self.out, &log)?;
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        eprintln!("{}", summary.line());
        Ok(())
    }
}

/// SARIF's name for a severity.
fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A path as a SARIF artifact URI: a relative reference with `/` separators, every byte
/// outside the unreserved set percent-encoded (Chinese file names, spaces).
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

struct JsonLines<W: Write> {
    out: W,
}

impl<W: Write> Reporter for JsonLines<W> {
    fn file(&mut self, fc: &FileCheck) -> io::Result<()> {
        for d in &fc.diagnostics {
            let v = serde_json::json!({
                "path": fc.name,
                "line": d.line,
                "column": d.col,
                "severity": d.severity,
                "code": d.code.as_str(),
                "message": d.message,
            });
            serde_json::to_writer(&mut self.out, &v)?;
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.out.flush()?;
        eprintln!("{}", summary.line());
        Ok(())
    }
}

struct Github<W: Write> {
    out: W,
}

/// Workflow-command escaping: data escapes `%`, CR and LF; properties also `:` and `,`.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl<W: Write> Reporter for Github<W> {
    fn file(&mut self, fc: &FileCheck) -> io::Result<()> {
        for d in &fc.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "notice",
            };
            writeln!(
                self.out,
                "::{command} file={},line={},col={},title={}::{}",
                escape_property(&fc.name),
                d.line,
                d.col,
                escape_property(d.code.as_str()),
                escape_data(&d.message)
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.out.flush()?;
        eprintln!("{}", summary.line());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carets_cover_the_cell() {
        let line = "答复日期: | 2023927 | |||";
        let r = caret(line, line.find('2').unwrap());
        assert_eq!(&line[r], "2023927");
        assert_eq!(caret("abc", 3), 3..3);
    }

    #[test]
    fn long_lines_are_shown_as_a_window_around_the_caret() {
        let line = format!(
            "{}答复日期: | 2023927 |{}",
            "甲|".repeat(10_000),
            "乙|".repeat(10_000)
        );
        let at = line.find('2').unwrap();
        let (shown, span) = window(&line, at);
        assert!(
            shown.starts_with('…') && shown.ends_with('…'),
            "cut on both sides"
        );
        assert!(shown.len() < 2 * WINDOW + 16, "{}", shown.len());
        assert_eq!(&shown[span], "2023927");
        // a short line is shown whole
        let (shown, span) = window("标题: | 甲", "标题: | ".len());
        assert_eq!(shown, "标题: | 甲");
        assert_eq!(&shown[span], "甲");
    }

    #[test]
    fn github_escaping() {
        assert_eq!(escape_data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
