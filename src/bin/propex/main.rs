//! The `propex` command: parses arguments, builds a config once, runs the library, prints what it
//! returns, and maps the outcome to an exit code (0 ok, 1 an input failed, 2 usage).

mod extract;
mod validate;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};

use propex::decode::EncodingChoice;
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
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read records (pipe tables or reply letters) and write one typed record per input record.
    Extract(ExtractArgs),
    /// Check records (raw, or converted to YAML / JSON) and report problems with rule codes.
    Validate(validate::ValidateArgs),
    /// Print the JSON Schema (2020-12) of one output record.
    Schema,
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
    /// Files, folders (walked recursively, sorted, hidden entries skipped), or `-` for standard
    /// input; nothing reads standard input.
    #[arg(value_name = "PATH")]
    paths: Vec<String>,
    /// Output format: yaml, json, jsonl, or an index in csv / tsv.
    #[arg(short, long, default_value = "yaml", value_parser = parse_format)]
    format: Format,
    /// Input encoding: `auto`, or a WHATWG label such as gbk, gb18030, big5, utf-16le.
    #[arg(long, default_value = "auto", value_parser = parse_encoding)]
    encoding: EncodingChoice,
    /// Print no warnings on stderr (errors are still printed).
    #[arg(short, long)]
    quiet: bool,
    /// Worker threads [default: the number of cores].
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    jobs: Option<u32>,
    /// Write one file per record source under DIR, mirroring the inputs' relative paths,
    /// instead of printing to stdout.
    #[arg(short, long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Only read files found in folders that match this glob (repeatable; `*.txt`, `2023/**`).
    /// Files named explicitly are always read.
    #[arg(long = "glob", value_name = "PATTERN")]
    globs: Vec<String>,
    /// Read the paths to convert from FILE (`-` for stdin), one per line.
    #[arg(long, value_name = "FILE")]
    files_from: Option<String>,
    /// With --files-from: paths are separated by NUL bytes (`find -print0`).
    #[arg(short = '0', long = "null", requires = "files_from")]
    null: bool,
    /// Stop at the first input that fails.
    #[arg(long)]
    fail_fast: bool,
    /// Progress bar on stderr.
    #[arg(long, value_enum, default_value = "auto")]
    progress: Progress,
    /// Skip (and report) files larger than this: bytes, or with K, M, G, KiB, MiB, GiB.
    #[arg(long, value_name = "SIZE", default_value = "64MiB", value_parser = parse_size)]
    max_bytes: u64,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

pub fn parse_encoding(s: &str) -> Result<EncodingChoice, String> {
    s.parse()
        .map_err(|e: propex::decode::UnknownEncoding| e.to_string())
}

/// `65536`, `64K`, `64KiB`, `64MiB`, `1G`: sizes in bytes with binary multiples.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let n: u64 = num.parse().map_err(|_| format!("not a size: {s:?}"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "not a size: {s:?} (use e.g. 65536, 64K, 64MiB, 1G)"
            ));
        }
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("size too large: {s:?}"))
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
        Command::Validate(args) => validate::run(args),
        Command::Schema => schema(),
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

fn schema() -> Result<Outcome> {
    io::stdout().write_all(propex::record::schema_text().as_bytes())?;
    Ok(Outcome::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("65536"), Ok(65536));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999999G").is_err());
    }

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
