//! `propex review`: reads the inputs as `validate` does, and writes one self-contained HTML page
//! (the library's `review` module) to a file, atomically, or to stdout.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use propex::batch::{self, walk};
use propex::validate::Rules;
use propex::{date, review};

use crate::{Outcome, Usage, inputs, output};

#[derive(Args, Debug)]
pub struct ReviewArgs {
    #[command(flatten)]
    inputs: inputs::InputArgs,
    /// Write the page to FILE (replaced whole, never half-written); `-` or none: stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The most records one page holds; past it, review the inputs in parts.
    #[arg(long, value_name = "N", default_value_t = 2000)]
    max_records: usize,
}

pub fn run(args: ReviewArgs) -> Result<Outcome> {
    let walk_opts = args
        .inputs
        .walk_options(None, crate::inputs::RECORD_FILES)?;
    let jobs = walk::jobs(args.inputs.arguments()?, &walk_opts);
    let rules = Rules::default();
    let today = date::today();
    let max = args.inputs.max_bytes;
    let mut pages = Vec::new();
    batch::run_ordered(
        jobs,
        args.inputs.threads(),
        |item| match item {
            Err(e) if e.skipped => None,
            Err(e) => Some(review::read(&e.name, Err(e.message), &rules, today)),
            Ok(job) => {
                let name = job.input.name();
                let bytes = job.input.read(max).map_err(|e| e.to_string());
                Some(match &bytes {
                    Ok(b) => review::read(&name, Ok(b), &rules, today),
                    Err(e) => review::read(&name, Err(e.clone()), &rules, today),
                })
            }
        },
        |input| {
            pages.extend(input);
            true
        },
    );
    if pages.is_empty() {
        eprintln!(
            "propex: warning: no input found to review (an empty folder, or no record file matched)"
        );
        return Ok(Outcome::SomeFailed);
    }
    let failed = pages.iter().any(|p| p.error.is_some());
    let html = review::page(&pages, args.max_records).map_err(|e| Usage(e.to_string()))?;
    let (mut out, pending) = output::open(args.output.as_deref())?;
    out.write_all(html.as_bytes())?;
    out.flush()?;
    drop(out);
    pending.commit()?;
    Ok(if failed {
        Outcome::SomeFailed
    } else {
        Outcome::Ok
    })
}
