//! Inputs to jobs: files named on the command line or in a list, folders walked recursively in
//! sorted order (hidden entries skipped, symlink loops reported), `-` for standard input.
//! Everything is lazy, so a list of a million paths is never held in memory.

use std::io::BufRead;
use std::path::{Component, Path, PathBuf};

use globset::GlobSet;

use super::{Input, Job};

/// A command-line argument or a line of `--files-from`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Stdin,
    Path(PathBuf),
}

impl Arg {
    pub fn parse(s: &str) -> Arg {
        if s == "-" {
            Arg::Stdin
        } else {
            Arg::Path(PathBuf::from(s))
        }
    }
}

/// What the walk could not turn into a job: an unreadable folder, a symlink loop; or an entry
/// it passed over on purpose (`skipped`), which is not a failure.
#[derive(Debug)]
pub struct WalkError {
    pub name: String,
    pub message: String,
    /// A FIFO, socket or device found in a folder: never opened (opening a FIFO blocks until
    /// someone writes to it), reported only to a caller who asks.
    pub skipped: bool,
}

/// How folders are walked.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Files found in folders must match one of these (explicitly named files always count);
    /// without any, they must have one of `extensions`.
    pub globs: Option<GlobSet>,
    /// Files found in folders matching one of these are passed over (`--exclude`, `!`-globs).
    pub exclude: Option<GlobSet>,
    /// The extensions of record files (`txt`; `yaml`, `json` … for validate), also under a
    /// `.gz`: what a folder walk picks up when no `--glob` says otherwise. Empty: every file.
    pub extensions: &'static [&'static str],
    /// A folder never to enter: the output folder, so outputs are not read back as inputs.
    pub skip: Option<PathBuf>,
}

/// The jobs for a sequence of arguments, in order: each folder's files sorted by name.
pub fn jobs<'a>(
    args: impl Iterator<Item = Result<Arg, WalkError>> + 'a,
    opts: &'a WalkOptions,
) -> impl Iterator<Item = Result<Job, WalkError>> + 'a {
    args.flat_map(
        move |arg| -> Box<dyn Iterator<Item = Result<Job, WalkError>> + Send + 'a> {
            match arg {
                Err(e) => Box::new(std::iter::once(Err(e))),
                Ok(Arg::Stdin) => Box::new(std::iter::once(Ok(Job {
                    input: Input::Stdin,
                    rel: PathBuf::from("stdin"),
                }))),
                // A folder in the output folder is never walked (a file named there is read:
                // `-o . x.txt` is an ordinary request).
                Ok(Arg::Path(p)) if p.is_dir() && inside(&p, opts.skip.as_deref()) => {
                    Box::new(std::iter::once(Err(WalkError {
                        name: super::show(&p),
                        message: "is in the output folder, which is never read as input".into(),
                        skipped: false,
                    })))
                }
                Ok(Arg::Path(p)) if p.is_dir() => Box::new(walk_folder(p, opts)),
                Ok(Arg::Path(p)) => {
                    let rel = mirror(&p);
                    Box::new(std::iter::once(Ok(Job {
                        input: Input::Path(p),
                        rel,
                    })))
                }
            }
        },
    )
}

/// Whether a file's name says it holds records: one of `extensions`, compressed or not
/// (`a.txt`, `a.txt.gz`, `a.txt.zst`); any name when `extensions` is empty.
pub fn is_record_file(path: &Path, extensions: &[&str]) -> bool {
    if extensions.is_empty() {
        return true;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase());
    let Some(name) = name else { return false };
    let name = crate::decode::Compression::strip(&name);
    name.rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && extensions.contains(&ext))
}

fn walk_folder(
    root: PathBuf,
    opts: &WalkOptions,
) -> impl Iterator<Item = Result<Job, WalkError>> + Send + '_ {
    let skip = opts.skip.clone();
    let walker = walkdir::WalkDir::new(&root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(move |e| {
            let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
            // The root itself is what the user asked for, even when outputs go there too.
            let is_skip = skip.as_ref().is_some_and(|s| {
                e.depth() > 0
                    && e.file_type().is_dir()
                    && e.path().canonicalize().is_ok_and(|c| &c == s)
            });
            !hidden && !is_skip
        });
    walker.filter_map(move |entry| match entry {
        Ok(e) if e.file_type().is_dir() => None,
        Ok(e) if !e.file_type().is_file() => Some(Err(WalkError {
            name: super::show(e.path()),
            message: format!("skipped: {}", kind_of(e.file_type())),
            skipped: true,
        })),
        Ok(e) => {
            let rel = e
                .path()
                .strip_prefix(&root)
                .unwrap_or(e.path())
                .to_path_buf();
            let wanted = match &opts.globs {
                Some(g) => g.is_match(&rel),
                None => is_record_file(&rel, opts.extensions),
            } && opts.exclude.as_ref().is_none_or(|x| !x.is_match(&rel));
            wanted.then(|| {
                Ok(Job {
                    input: Input::Path(e.into_path()),
                    rel,
                })
            })
        }
        Err(e) => {
            let name = super::show(e.path().unwrap_or(&root));
            let message = match e.loop_ancestor() {
                Some(a) => format!("symlink loop back to {}, not followed", super::show(a)),
                None => format!(
                    "cannot read: {}",
                    e.io_error()
                        .map_or_else(|| e.to_string(), |io| io.to_string())
                ),
            };
            Some(Err(WalkError {
                name,
                message,
                skipped: false,
            }))
        }
    })
}

/// Whether `p` is the folder `skip` or inside it.
fn inside(p: &Path, skip: Option<&Path>) -> bool {
    skip.is_some_and(|s| p.canonicalize().is_ok_and(|c| c.starts_with(s)))
}

/// What a non-regular file is, for the message that says it was skipped.
fn kind_of(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe), not a regular file";
        }
        if t.is_socket() {
            return "a socket, not a regular file";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device, not a regular file";
        }
    }
    let _ = t;
    "not a regular file"
}

/// Where an explicitly named file's output goes under `--out-dir`: its path as given when that
/// is relative and plain (`crawl/a/x.txt`), else its file name alone.
pub fn mirror(p: &Path) -> PathBuf {
    let plain = p
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    let rel: PathBuf = p
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .collect();
    if plain && !rel.as_os_str().is_empty() {
        rel
    } else {
        PathBuf::from(p.file_name().unwrap_or(p.as_os_str()))
    }
}

/// The paths listed in a `--files-from` stream (`name` in messages), one per line or
/// NUL-separated, read lazily. Blank entries are skipped; a trailing CR is dropped in line mode.
/// A read error ends the list: `BufRead::split` would return the same error forever.
pub fn list(
    reader: impl BufRead,
    nul: bool,
    name: String,
) -> impl Iterator<Item = Result<Arg, WalkError>> {
    let mut failed = false;
    reader
        .split(if nul { 0 } else { b'\n' })
        .take_while(move |item| {
            let go_on = !failed;
            failed |= item.is_err();
            go_on
        })
        .filter_map(move |item| match item {
            Err(e) => Some(Err(WalkError {
                name: name.clone(),
                message: format!("cannot read the list of files: {e}"),
                skipped: false,
            })),
            Ok(mut bytes) => {
                if !nul && bytes.last() == Some(&b'\r') {
                    bytes.pop();
                }
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    return None;
                }
                Some(Ok(Arg::Path(path_from_bytes(bytes))))
            }
        })
}

#[cfg(unix)]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirrors_plain_relative_paths_only() {
        assert_eq!(
            mirror(Path::new("crawl/a/x.txt")),
            PathBuf::from("crawl/a/x.txt")
        );
        assert_eq!(mirror(Path::new("./a/x.txt")), PathBuf::from("a/x.txt"));
        assert_eq!(mirror(Path::new("../a/x.txt")), PathBuf::from("x.txt"));
        assert_eq!(mirror(Path::new("/etc/x.txt")), PathBuf::from("x.txt"));
    }

    /// A reader that fails on every call, as a folder opened for reading does.
    struct Broken;

    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("Is a directory"))
        }
    }

    #[test]
    fn a_read_error_ends_the_list() {
        let got: Vec<_> = list(std::io::BufReader::new(Broken), false, "-".into())
            .take(10)
            .collect();
        assert_eq!(got.len(), 1, "one error, then the end");
        assert!(got[0].is_err());
    }

    #[test]
    fn lists_by_line_and_by_nul() {
        let got: Vec<_> = list(&b"a.txt\r\n\nb c.txt\n"[..], false, "-".into())
            .map(|a| a.unwrap())
            .collect();
        assert_eq!(
            got,
            vec![Arg::Path("a.txt".into()), Arg::Path("b c.txt".into())]
        );
        let got: Vec<_> = list(&b"a\nb.txt\0c.txt\0"[..], true, "-".into())
            .map(|a| a.unwrap())
            .collect();
        assert_eq!(
            got,
            vec![Arg::Path("a\nb.txt".into()), Arg::Path("c.txt".into())]
        );
    }
}
