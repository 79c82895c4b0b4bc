//! `propex extract`: builds the batch options from the flags, runs the library's ordered batch,
//! and prints what comes back: records on stdout, warnings and failures on stderr, a progress
//! bar while it runs and a summary line at the end.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use propex::batch::outdir::OutDir;
use propex::batch::walk::{self, Arg, WalkOptions};
use propex::batch::{self, FileError, FileReport, Options};
use propex::emit;

use crate::{ExtractArgs, Outcome, Progress, Usage, output};

/// More files than this make `--progress auto` show a bar (on a terminal).
const HANDFUL: u64 = 8;

pub fn run(args: ExtractArgs) -> Result<Outcome> {
    if args.out_dir.is_some() && args.format.is_index() {
        return Err(Usage(
            "--format csv/tsv writes one index to stdout and cannot be combined with --out-dir"
                .into(),
        )
        .into());
    }
    if args.bom && !args.format.is_index() {
        return Err(Usage(
            "--bom is for the csv/tsv index (for Excel); YAML and JSON readers do not want one"
                .into(),
        )
        .into());
    }
    if args.output.is_some() && args.out_dir.is_some() {
        return Err(Usage("--output and --out-dir cannot be combined".into()).into());
    }
    if args.spans && args.format.is_index() {
        return Err(Usage(
            "--spans adds a field to YAML / JSON / JSON Lines records; the csv/tsv index has no column for it"
                .into(),
        )
        .into());
    }
    let out_dir = match &args.out_dir {
        Some(dir) => Some(
            OutDir::new(dir)
                .with_context(|| format!("cannot create the output folder {}", dir.display()))?,
        ),
        None => None,
    };
    let walk_opts = args.inputs.walk_options(
        out_dir.as_ref().map(|d| d.root().to_path_buf()),
        crate::inputs::RECORD_FILES,
    )?;
    let jobs = walk::jobs(args.inputs.arguments()?, &walk_opts);
    let opts = Options {
        // Records are written, not validated: where each part sits in the input is not needed.
        config: propex::Config {
            origin: false,
            record_spans: args.spans,
            // `-q` prints no warning: none is built.
            diagnostics: !args.quiet,
            ..args.inputs.config()
        },
        format: args.format,
        max_bytes: args.inputs.max_bytes,
        out_dir,
    };

    let (out, pending) = output::open(args.output.as_deref())?;
    let bar = progress_bar(&args, &walk_opts);
    let mut printer = Printer {
        quiet: args.quiet,
        verbose: args.inputs.verbose,
        fail_fast: args.fail_fast,
        // Small: a file's output (tens of kilobytes) is larger and goes straight through,
        // uncopied; only small outputs (CSV rows) are gathered.
        out: BufWriter::with_capacity(8 << 10, out),
        bar,
        files: 0,
        records: 0,
        failed: 0,
        write_error: None,
    };
    if args.bom {
        printer.write("\u{feff}".as_bytes());
    }
    printer.write(&emit::header(args.format));
    batch::run_ordered(
        jobs,
        args.inputs.threads(),
        |item| batch::convert(item, &opts),
        |report| printer.report(batch::commit(report, &opts)),
    );
    let outcome = printer.finish()?;
    pending.commit()?;
    Ok(outcome)
}

/// The bar, when asked for: `auto` shows it on a terminal for more than a handful of files. The
/// total comes from a walk that only counts; a `--files-from` list is not read twice, so its
/// bar shows progress without a total.
fn progress_bar(args: &ExtractArgs, walk_opts: &WalkOptions) -> Option<ProgressBar> {
    if args.progress == Progress::Never
        || (args.progress == Progress::Auto && !io::stderr().is_terminal())
    {
        return None;
    }
    let total = if args.inputs.files_from.is_none() {
        let named = args.inputs.paths.iter().map(|p| Ok(Arg::parse(p)));
        let skipped = |j: &Result<_, walk::WalkError>| matches!(j, Err(e) if e.skipped);
        Some(walk::jobs(named, walk_opts).filter(|j| !skipped(j)).count() as u64)
    } else {
        None
    };
    if args.progress == Progress::Auto && total.is_some_and(|t| t <= HANDFUL) {
        return None;
    }
    // `always` off a terminal (a CI log, a file): a plain line a second, no cursor movement.
    let terminal = io::stderr().is_terminal();
    let target = || {
        if terminal {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::term_like_with_hz(Box::new(LogLines), 1)
        }
    };
    let bar = match total {
        Some(t) => ProgressBar::with_draw_target(Some(t), target()).with_style(
            ProgressStyle::with_template(
                "{bar:30} {pos}/{len} files, {msg} records, {rate}, ETA {eta}",
            )
            .map(with_rate)
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::with_draw_target(None, target()).with_style(
            ProgressStyle::with_template("{spinner} {pos} files, {msg} records, {rate}")
                .map(with_rate)
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    bar.set_message("0");
    bar.enable_steady_tick(Duration::from_millis(if terminal { 200 } else { 1000 }));
    Some(bar)
}

/// `{rate}`: files a second, with its unit.
fn with_rate(style: ProgressStyle) -> ProgressStyle {
    style.with_key(
        "rate",
        |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0} files/s", state.per_sec());
        },
    )
}

/// Progress on a stderr that is not a terminal: each drawing is one plain line (a log keeps
/// them), and the cursor never moves.
#[derive(Debug)]
struct LogLines;

impl indicatif::TermLike for LogLines {
    fn width(&self) -> u16 {
        100
    }
    fn move_cursor_up(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn write_line(&self, s: &str) -> io::Result<()> {
        writeln!(io::stderr(), "{s}")
    }
    fn write_str(&self, s: &str) -> io::Result<()> {
        if s.trim().is_empty() {
            return Ok(());
        }
        writeln!(io::stderr(), "{s}")
    }
    fn clear_line(&self) -> io::Result<()> {
        Ok(())
    }
    fn flush(&self) -> io::Result<()> {
        io::stderr().flush()
    }
}

/// Prints each file's result as it comes, in input order.
struct Printer<W: Write> {
    quiet: bool,
    verbose: bool,
    fail_fast: bool,
    out: W,
    bar: Option<ProgressBar>,
    files: u64,
    records: u64,
    failed: u64,
    write_error: Option<io::Error>,
}

impl<W: Write> Printer<W> {
    /// Lines on stderr go around the bar, never through it.
    fn eprint(&self, line: String) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    fn write(&mut self, bytes: &[u8]) -> bool {
        if self.write_error.is_none()
            && let Err(e) = self.out.write_all(bytes)
        {
            self.write_error = Some(e);
        }
        self.write_error.is_none()
    }

    fn report(&mut self, report: FileReport) -> bool {
        if let Err(FileError::Skipped(why)) = &report.result {
            if self.verbose {
                self.eprint(format!("propex: {}: {why}", report.name));
            }
            return true;
        }
        self.files += 1;
        let keep_going = match report.result {
            Ok(converted) => {
                if !self.quiet {
                    for d in &converted.diagnostics {
                        if d.severity >= propex::Severity::Warning {
                            self.eprint(format!(
                                "propex: warning: {}:{}:{}: {}",
                                report.name, d.line, d.col, d.message
                            ));
                        }
                    }
                }
                self.records += converted.records as u64;
                self.write(&converted.output)
            }
            Err(e) => {
                self.failed += 1;
                self.eprint(format!("propex: {}: {e}", report.name));
                !self.fail_fast
            }
        };
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(self.records.to_string());
        }
        keep_going
    }

    fn finish(mut self) -> Result<Outcome> {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if let Some(e) = self.write_error.take() {
            return Err(anyhow::Error::new(e).context("cannot write the output"));
        }
        self.out.flush().context("cannot write the output")?;
        if self.files == 0 {
            self.eprint(
                "propex: warning: no input found (an empty folder, or no record file matched)"
                    .into(),
            );
            return Ok(Outcome::SomeFailed);
        }
        if self.failed > 0 || (self.files > 1 && !self.quiet) {
            self.eprint(format!(
                "propex: {} read, {} written, {} failed",
                count(self.files, "file"),
                count(self.records, "record"),
                count(self.failed, "file")
            ));
        }
        Ok(if self.failed > 0 {
            Outcome::SomeFailed
        } else {
            Outcome::Ok
        })
    }
}

fn count(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
