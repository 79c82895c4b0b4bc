//! `propex.toml`, the configuration of `validate`, the way ruff and typos have one: found by
//! walking up from the working folder (or named with `--config`, ignored with `--no-config`).
//! Flags win over the file. An unknown key or rule code is a usage error naming the file, its
//! line and column, and the key.

use std::path::{Path, PathBuf};

use anyhow::Result;
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use toml::Spanned;

use propex::diag::Code;
use propex::validate::Rules;

use crate::Usage;

/// The file's name, looked for in the working folder and each folder above it.
pub const FILE_NAME: &str = "propex.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    #[serde(default)]
    deny: Vec<Spanned<String>>,
    deny_warnings: Option<bool>,
    #[serde(default)]
    glob: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    overrides: Vec<OverrideFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideFile {
    glob: Spanned<String>,
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    #[serde(default)]
    deny: Vec<Spanned<String>>,
}

/// What a `propex.toml` says, checked.
#[derive(Debug, Default)]
pub struct Config {
    /// Where it was read from (for messages), if anywhere.
    pub path: Option<PathBuf>,
    pub allow: Vec<Code>,
    pub deny: Vec<Code>,
    pub deny_warnings: Option<bool>,
    pub globs: Vec<String>,
    pub excludes: Vec<String>,
    /// Per-path rules: a glob (relative to the file's folder) and its allow / deny lists.
    overrides: Vec<Override>,
    /// The folder override globs are relative to.
    root: PathBuf,
}

#[derive(Debug)]
struct Override {
    glob: GlobMatcher,
    allow: Vec<Code>,
    deny: Vec<Code>,
}

/// The nearest `propex.toml` at or above `start`.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

impl Config {
    /// Reads and checks one file.
    pub fn load(path: &Path) -> Result<Config> {
        let text =
            std::fs::read_to_string(path).map_err(|e| Usage(format!("{}: {e}", path.display())))?;
        let at = |span: std::ops::Range<usize>| -> String {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            format!("{}:{line}:{col}", path.display())
        };
        let file: File = toml::from_str(&text).map_err(|e| {
            let place = e.span().map_or_else(|| path.display().to_string(), &at);
            Usage(format!("{place}: {}", e.message().trim_end()))
        })?;
        let codes = |key: &str, list: &[Spanned<String>]| -> Result<Vec<Code>> {
            list.iter()
                .map(|s| {
                    Code::from_name(s.get_ref()).ok_or_else(|| {
                        Usage(format!(
                            "{}: {key}: unknown rule {:?} (`propex rules` lists them)",
                            at(s.span()),
                            s.get_ref()
                        ))
                        .into()
                    })
                })
                .collect()
        };
        let glob = |key: &str, s: &Spanned<String>| -> Result<Glob> {
            Glob::new(s.get_ref())
                .map_err(|e| Usage(format!("{}: {key}: {e}", at(s.span()))).into())
        };
        let strings = |key: &str, list: &[Spanned<String>]| -> Result<Vec<String>> {
            list.iter()
                .map(|s| glob(key, s).map(|_| s.get_ref().clone()))
                .collect()
        };
        let overrides = file
            .overrides
            .iter()
            .map(|o| {
                Ok(Override {
                    glob: glob("overrides.glob", &o.glob)?.compile_matcher(),
                    allow: codes("overrides.allow", &o.allow)?,
                    deny: codes("overrides.deny", &o.deny)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Config {
            path: Some(path.to_path_buf()),
            allow: codes("allow", &file.allow)?,
            deny: codes("deny", &file.deny)?,
            deny_warnings: file.deny_warnings,
            globs: strings("glob", &file.glob)?,
            excludes: strings("exclude", &file.exclude)?,
            overrides,
            root: path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(".")),
        })
    }

    /// The rules for one input: the file's, then its overrides that match the input's path,
    /// then the flags (which win).
    pub fn rules_for(
        &self,
        input: Option<&Path>,
        flags_allow: &[Code],
        flags_deny: &[Code],
    ) -> Rules {
        let mut rules = Rules::default();
        let apply = |rules: &mut Rules, allow: &[Code], deny: &[Code]| {
            for c in allow {
                rules.allow(*c);
            }
            for c in deny {
                rules.deny(*c);
            }
        };
        apply(&mut rules, &self.allow, &self.deny);
        if let Some(path) = input {
            let rel = relative(path, &self.root);
            for o in self.overrides.iter().filter(|o| o.glob.is_match(&rel)) {
                apply(&mut rules, &o.allow, &o.deny);
            }
        }
        apply(&mut rules, flags_allow, flags_deny);
        rules
    }
}

/// `path` relative to `root` when it lies under it (both made absolute), else as given.
fn relative(path: &Path, root: &Path) -> PathBuf {
    let abs = |p: &Path| {
        std::path::absolute(p)
            .map(|a| {
                // `a/./b` and `a/../b` as a reader means them, without touching the disk.
                let mut out = PathBuf::new();
                for c in a.components() {
                    match c {
                        std::path::Component::CurDir => {}
                        std::path::Component::ParentDir => {
                            out.pop();
                        }
                        other => out.push(other),
                    }
                }
                out
            })
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let (p, r) = (abs(path), abs(root));
    p.strip_prefix(&r).map(Path::to_path_buf).unwrap_or(p)
}
