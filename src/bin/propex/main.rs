//! The `propex` command: parses arguments, builds a config once, runs the library, prints what it
//! returns, and maps the outcome to an exit code (0 ok, 1 an input failed, 2 usage).

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use propex::Config;
use propex::batch::{self, Input};
use propex::decode::EncodingChoice;
use propex::emit::{self, Format};

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
    /// Read pipe-delimited records and write one typed record per input record.
    Extract(ExtractArgs),
    /// Print the JSON Schema (2020-12) of one output record.
    Schema,
}

#[derive(Args, Debug)]
struct ExtractArgs {
    /// Input files; `-` (or nothing) reads standard input.
    #[arg(value_name = "PATH")]
    paths: Vec<String>,
    /// Output format.
    #[arg(short, long, default_value = "yaml", value_parser = parse_format)]
    format: Format,
    /// Input encoding: `auto`, or a WHATWG label such as gbk, gb18030, big5, utf-16le.
    #[arg(long, default_value = "auto", value_parser = parse_encoding)]
    encoding: EncodingChoice,
    /// Print no warnings on stderr (errors are still printed).
    #[arg(short, long)]
    quiet: bool,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

fn parse_encoding(s: &str) -> Result<EncodingChoice, String> {
    s.parse()
        .map_err(|e: propex::decode::UnknownEncoding| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => extract(args),
        Command::Schema => schema(),
    };
    match result {
        Ok(code) => code,
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

fn schema() -> Result<ExitCode> {
    io::stdout().write_all(propex::record::schema_text().as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn extract(args: ExtractArgs) -> Result<ExitCode> {
    let config = Config {
        encoding: args.encoding,
    };
    let inputs: Vec<Input> = if args.paths.is_empty() {
        vec![Input::Stdin]
    } else {
        args.paths.iter().map(|p| Input::from_arg(p)).collect()
    };

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut emitter = emit::emitter(args.format);
    let mut failed = 0usize;
    let mut write_error: Option<io::Error> = None;

    batch::run(&inputs, &config, |file| {
        match file.result {
            Ok(extraction) => {
                if !args.quiet {
                    for d in &extraction.diagnostics {
                        if d.severity >= propex::Severity::Warning {
                            eprintln!(
                                "propex: warning: {}:{}:{}: {}",
                                file.name, d.line, d.col, d.message
                            );
                        }
                    }
                }
                for record in &extraction.records {
                    if let Err(e) = emitter.record(&mut out, record) {
                        write_error = Some(e);
                        return false;
                    }
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("propex: {}: {e}", file.name);
            }
        }
        true
    });

    if let Some(e) = write_error {
        return Err(e.into());
    }
    out.flush()?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
