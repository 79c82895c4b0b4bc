//! The input flags `extract` and `validate` share: what to read, how to walk it, how many
//! threads, and the limits.

use std::io::{self, BufReader};
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use propex::Config;
use propex::batch::walk::{self, Arg, WalkError, WalkOptions};
use propex::{EncodingChoice, InputFormat};

use crate::Usage;

/// What `extract`, `eval` and `review` pick up in folders: text records, saved pages and Word
/// documents (`.txt`, `.html`, `.htm`, `.docx`, and each of them `.gz` / `.zst`).
pub const RECORD_FILES: &[&str] = &["txt", "html", "htm", "docx"];

/// What `validate` picks up in folders: the record files and records converted by propex.
pub const CHECKED_FILES: &[&str] = &["txt", "html", "htm", "docx", "yaml", "yml", "json", "jsonl"];

#[derive(Args, Debug)]
pub struct InputArgs {
    /// Files, folders (walked recursively, sorted, hidden entries skipped), or `-` for standard
    /// input; with none (and no --files-from), standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// Only read files found in folders that match this glob (repeatable; `*.txt`, `2023/**`);
    /// `!PATTERN` passes files over instead. Without a glob, folders give their record files
    /// only (see --help of each command). Files named explicitly are always read.
    #[arg(long = "glob", value_name = "PATTERN", allow_hyphen_values = true)]
    pub globs: Vec<String>,
    /// Pass over files found in folders that match this glob (repeatable; `drafts/**`).
    #[arg(long = "exclude", value_name = "PATTERN")]
    pub excludes: Vec<String>,
    /// Also read the paths listed in FILE (`-` for stdin), one per line.
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<String>,
    /// With --files-from: paths are separated by NUL bytes (`find -print0`).
    #[arg(short = '0', long = "null", requires = "files_from")]
    pub null: bool,
    /// Input encoding: `auto`, or a WHATWG label such as gbk, gb18030, big5, utf-16le.
    #[arg(long, default_value = "auto", value_parser = parse_encoding)]
    pub encoding: EncodingChoice,
    /// How inputs are read: `auto` (an HTML page by its `.html`/`.htm` name or its markup, a
    /// Word document by its contents, anything else as text), or `text`, `html`, `docx` for all.
    #[arg(long, value_name = "FORMAT", default_value = "auto", value_parser = parse_input_format)]
    pub input_format: InputFormat,
    /// Worker threads [default: the number of cores].
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub jobs: Option<u32>,
    /// Skip (and report) files larger than this: bytes, or with K, M, G, KiB, MiB, GiB.
    #[arg(long, value_name = "SIZE", default_value = "64MiB", value_parser = parse_size)]
    pub max_bytes: u64,
    /// Also say which entries of walked folders were passed over, and why (FIFOs, sockets,
    /// devices: never opened in a walk).
    #[arg(short, long)]
    pub verbose: bool,
}

impl InputArgs {
    pub fn config(&self) -> Config {
        Config {
            encoding: self.encoding,
            input_format: self.input_format,
            ..Config::default()
        }
    }

    pub fn threads(&self) -> usize {
        self.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            |j| j as usize,
        )
    }

    /// How folders are walked: for files with one of `extensions` unless a glob chooses;
    /// `skip` is a folder never to enter (the output folder).
    pub fn walk_options(
        &self,
        skip: Option<PathBuf>,
        extensions: &'static [&'static str],
    ) -> Result<WalkOptions> {
        self.walk_options_with(skip, extensions, &[], &[])
    }

    /// `walk_options`, with a configuration file's globs (used when no `--glob` is given) and
    /// exclusions (added to `--exclude`).
    pub fn walk_options_with(
        &self,
        skip: Option<PathBuf>,
        extensions: &'static [&'static str],
        file_globs: &[String],
        file_excludes: &[String],
    ) -> Result<WalkOptions> {
        let patterns = if self.globs.is_empty() {
            file_globs
        } else {
            &self.globs
        };
        let (negated, positive): (Vec<&String>, Vec<&String>) =
            patterns.iter().partition(|g| g.starts_with('!'));
        let positive: Vec<String> = positive.into_iter().cloned().collect();
        let excludes: Vec<String> = negated
            .into_iter()
            .map(|g| g[1..].to_string())
            .chain(file_excludes.iter().cloned())
            .chain(self.excludes.iter().cloned())
            .collect();
        Ok(WalkOptions {
            globs: globs(&positive, "--glob")?,
            exclude: globs(&excludes, "--exclude")?,
            extensions,
            skip,
        })
    }

    /// The inputs in order: the paths on the command line, then the `--files-from` list;
    /// standard input when there are neither.
    pub fn arguments(&self) -> Result<Box<dyn Iterator<Item = Result<Arg, WalkError>> + Send>> {
        if self.files_from.as_deref() == Some("-") && self.paths.iter().any(|p| p == "-") {
            return Err(Usage(
                "standard input cannot be both a --files-from list and an input".into(),
            )
            .into());
        }
        let named: Vec<Result<Arg, WalkError>> =
            self.paths.iter().map(|p| Ok(Arg::parse(p))).collect();
        let listed: Box<dyn Iterator<Item = Result<Arg, WalkError>> + Send> =
            match self.files_from.as_deref() {
                None if named.is_empty() => return Ok(Box::new(std::iter::once(Ok(Arg::Stdin)))),
                None => Box::new(std::iter::empty()),
                Some("-") => Box::new(walk::list(
                    BufReader::new(io::stdin()),
                    self.null,
                    "<stdin>".into(),
                )),
                Some(path) => {
                    let file = std::fs::File::open(path)
                        .map_err(|e| Usage(format!("--files-from {path}: {e}")))?;
                    // A folder opens fine on Unix and fails only when read: say so once, here.
                    if file.metadata().is_ok_and(|m| m.is_dir()) {
                        return Err(Usage(format!(
                            "--files-from {path}: is a folder, not a list of files"
                        ))
                        .into());
                    }
                    Box::new(walk::list(
                        BufReader::new(file),
                        self.null,
                        path.to_string(),
                    ))
                }
            };
        Ok(Box::new(named.into_iter().chain(listed)))
    }
}

/// The `--glob` patterns as one set (a bad pattern is a usage error).
fn globs(patterns: &[String], flag: &str) -> Result<Option<globset::GlobSet>> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = globset::GlobSetBuilder::new();
    for g in patterns {
        b.add(globset::Glob::new(g).map_err(|e| Usage(format!("{flag} {g:?}: {e}")))?);
    }
    Ok(Some(b.build().map_err(|e| Usage(format!("{flag}: {e}")))?))
}

fn parse_input_format(s: &str) -> Result<InputFormat, String> {
    s.parse().map_err(|e: propex::UnknownFormat| e.to_string())
}

fn parse_encoding(s: &str) -> Result<EncodingChoice, String> {
    s.parse()
        .map_err(|e: propex::UnknownEncoding| e.to_string())
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
}
