//! Where a command's output goes: standard output, or `--output FILE`, which appears whole or
//! not at all (written to a temporary file beside it, renamed over it when the run is done), as
//! `--out-dir` files do.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A file still to be put in place when the run is done (nothing for standard output).
pub struct Pending(Option<(tempfile::NamedTempFile, PathBuf)>);

/// Standard output for `None` or `-`, else a temporary file beside `path`; the writer, and what
/// is left to do when it is done.
pub fn open(path: Option<&Path>) -> Result<(Box<dyn Write>, Pending)> {
    let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
        return Ok((Box::new(io::stdout().lock()), Pending(None)));
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let tmp = propex::batch::outdir::temp_file_in(dir)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let file: File = tmp.as_file().try_clone()?;
    Ok((Box::new(file), Pending(Some((tmp, path.to_path_buf())))))
}

impl Pending {
    /// Puts the file in place, whole. Call it after the writer is flushed.
    pub fn commit(self) -> Result<()> {
        if let Some((tmp, path)) = self.0 {
            tmp.persist(&path)
                .map_err(|e| e.error)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }
}
