//! Stage 8 — batch: runs the pipeline over many inputs. One input's failure is reported and the
//! batch goes on; results are handed back in input order.

use std::io::{self, Read};
use std::path::PathBuf;

use crate::{Config, Extraction, InputError, extract};

/// One input named on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Stdin,
    Path(PathBuf),
}

impl Input {
    /// `-` is standard input, anything else a path.
    pub fn from_arg(arg: &str) -> Input {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::Path(PathBuf::from(arg))
        }
    }

    /// The name used in `source.path` and in messages.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_string(),
            Input::Path(p) => p.display().to_string(),
        }
    }

    pub fn read(&self) -> io::Result<Vec<u8>> {
        match self {
            Input::Stdin => {
                let mut buf = Vec::new();
                io::stdin().lock().read_to_end(&mut buf)?;
                Ok(buf)
            }
            Input::Path(p) => std::fs::read(p),
        }
    }
}

/// What one input gave.
#[derive(Debug)]
pub struct FileResult {
    pub name: String,
    pub result: Result<Extraction, InputError>,
}

/// Reads and extracts one input.
pub fn process(input: &Input, config: &Config) -> FileResult {
    let name = input.name();
    let result = input
        .read()
        .map_err(InputError::from)
        .and_then(|bytes| extract(&name, &bytes, config));
    FileResult { name, result }
}

/// Runs every input in order, handing each result to `each`; stops early when `each` says so.
pub fn run(inputs: &[Input], config: &Config, mut each: impl FnMut(FileResult) -> bool) {
    for input in inputs {
        if !each(process(input, config)) {
            break;
        }
    }
}
