//! The `propex` command: parses arguments, builds a config once, runs the library, prints what it
//! returns, and maps the outcome to an exit code (0 ok, 1 an input failed, 2 usage).

mod config;
mod eval;
mod extract;
mod inputs;
mod output;
mod review;
mod rules;
mod validate;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};

use propex::emit::Format;

#[derive(Parser, Debug)]
#[command(
    name = "propex",
    version,
    about = "Turns Chinese proposal / suggestion and reply records into typed YAML, JSON or JSON Lines."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour in diagnostics: `auto` colours a terminal unless NO_COLOR is set (CLICOLOR_FORCE
    /// forces it on); `always` and `never` decide.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    color: Color,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    /// Whether to colour output that goes to a terminal or not, as https://no-color.org and
    /// https://bixense.com/clicolors say: NO_COLOR (non-empty) turns `auto` off,
    /// CLICOLOR_FORCE (non-empty, not `0`) turns it on, else a terminal decides.
    pub fn wanted(self, terminal: bool) -> bool {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => false,
            Color::Auto if set("CLICOLOR_FORCE") => true,
            Color::Auto => terminal,
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read records (pipe tables or reply letters) and write one typed record per input record.
    Extract(ExtractArgs),
    /// Check records (raw, or converted to YAML / JSON) and report problems with rule codes.
    Validate(validate::ValidateArgs),
    /// Score extracted records against gold records, field by field (accuracy report).
    Eval(eval::EvalArgs),
    /// Write one HTML page to check records by eye: each record's source text beside the
    /// record, every value's place highlighted, validate's diagnostics where they point.
    Review(review::ReviewArgs),
    /// List the rules validate checks, or explain one (`propex rules bad-date`).
    Rules(rules::RulesArgs),
    /// Print the JSON Schema (2020-12) of one output record.
    Schema,
    /// Print a shell completion script (see the README for where it goes).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), for `man -l -` or a man1 folder.
    Man,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Progress {
    /// Only when stderr is a terminal and there are more than a handful of files.
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
pub struct ExtractArgs {
    #[command(flatten)]
    inputs: inputs::InputArgs,
    /// Output format: yaml, json, jsonl, or an index in csv / tsv.
    #[arg(short, long, default_value = "yaml", value_parser = parse_format)]
    format: Format,
    /// Print no warnings on stderr, and no summary unless something failed.
    #[arg(short, long)]
    quiet: bool,
    /// Write one file per record source under DIR, mirroring the inputs' relative paths,
    /// instead of printing to stdout.
    #[arg(short, long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Stop at the first input that fails.
    #[arg(long)]
    fail_fast: bool,
    /// Write the output to FILE instead of stdout; it appears whole when the run is done.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// With csv / tsv: start the index with a UTF-8 byte-order mark, so that Excel reads the
    /// Chinese text as UTF-8.
    #[arg(long)]
    bom: bool,
    /// Add to each record a `spans` object: where each value was read in the decoded input
    /// (byte offsets, line and column), keyed by the field's path. YAML / JSON / JSON Lines only.
    #[arg(long)]
    spans: bool,
    /// Progress bar on stderr.
    #[arg(long, value_enum, default_value = "auto")]
    progress: Progress,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

/// How a run ended, for the exit code.
pub enum Outcome {
    Ok,
    SomeFailed,
}

/// A usage problem found after parsing (exit 2), as opposed to a failure while running.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Usage(pub String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => extract::run(args),
        Command::Validate(args) => validate::run(args, cli.color),
        Command::Eval(args) => eval::run(args),
        Command::Review(args) => review::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Schema => schema(),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "propex", &mut io::stdout());
            Ok(Outcome::Ok)
        }
        Command::Man => man(),
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::SomeFailed) => ExitCode::from(1),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("propex: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `propex extract … | head` closes our stdout early; that is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The manual: the command's page, then each subcommand's, in one roff document.
fn man() -> Result<Outcome> {
    use clap::CommandFactory;
    let cmd = Cli::command();
    let mut out = io::stdout().lock();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let sub = sub.clone().name(format!("propex-{}", sub.get_name()));
        clap_mangen::Man::new(sub).render(&mut out)?;
    }
    out.flush()?;
    Ok(Outcome::Ok)
}

fn schema() -> Result<Outcome> {
    io::stdout().write_all(propex::record::schema_text().as_bytes())?;
    Ok(Outcome::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
