//! `propex rules`: every rule validate knows, or one explained. The README's rule table is
//! `propex rules --markdown` (a test keeps the two the same).

use std::io::{self, Write};

use anyhow::Result;
use clap::Args;

use propex::diag::Code;

use crate::{Outcome, Usage};

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// A rule to explain: what it finds, why it matters, an example that fires it, the fix.
    #[arg(value_name = "CODE")]
    code: Option<String>,
    /// The list as the README's Markdown table.
    #[arg(long, conflicts_with = "code")]
    markdown: bool,
}

/// The README's table: one row per rule, in the rules' order.
pub fn markdown() -> String {
    let mut out = String::from("| code | default | what it finds |\n|---|---|---|\n");
    for c in Code::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            c.as_str(),
            c.default_severity(),
            c.summary()
        ));
    }
    out
}

pub fn run(args: RulesArgs) -> Result<Outcome> {
    let mut out = io::stdout().lock();
    if args.markdown {
        out.write_all(markdown().as_bytes())?;
        return Ok(Outcome::Ok);
    }
    let Some(name) = args.code else {
        let width = Code::ALL
            .iter()
            .map(|c| c.as_str().len())
            .max()
            .unwrap_or(0);
        for c in Code::ALL {
            writeln!(
                out,
                "{:width$}  {:7}  {}",
                c.as_str(),
                c.default_severity().to_string(),
                c.summary()
            )?;
        }
        writeln!(out, "\n`propex rules CODE` explains one.")?;
        return Ok(Outcome::Ok);
    };
    let Some(code) = Code::from_name(&name) else {
        return Err(Usage(format!("unknown rule {name:?}: `propex rules` lists them")).into());
    };
    let e = code.explain();
    writeln!(
        out,
        "{} ({} by default)\n",
        code.as_str(),
        code.default_severity()
    )?;
    writeln!(out, "What it finds: {}.\n", code.summary())?;
    writeln!(out, "Why it matters: {}\n", e.why)?;
    if e.example.is_empty() {
        writeln!(out, "Example ({}): an empty file.\n", e.file)?;
    } else {
        writeln!(out, "Example ({}):\n", e.file)?;
        for line in e.example.lines() {
            writeln!(out, "    {line}")?;
        }
        writeln!(out)?;
    }
    writeln!(out, "Fix: {}", e.fix)?;
    Ok(Outcome::Ok)
}
