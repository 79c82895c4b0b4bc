//! Writing outputs under `--out-dir`: one file per record source, mirroring the input's relative
//! path. A worker *stages* an input's outputs (each written to a temporary file in its own
//! folder); the run then *commits* them in input order, all or none, by renaming them into
//! place. So an interrupted run never leaves a half-written output, a failed input leaves none of
//! its outputs, and when two inputs map to one output the first in input order wins whatever the
//! threads did. Nothing is written outside the folder: no `..`, no absolute paths, no symlink
//! followed out of it, and never onto an input file.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use super::show;

/// Why an output could not be written. Paths are as [`show`] writes them.
#[derive(Debug, thiserror::Error)]
pub enum OutError {
    #[error("refusing to write {0}: the output path leaves the output folder")]
    Escapes(String),
    #[error("refusing to write {0}: {1} is a symbolic link")]
    Symlink(String, String),
    #[error("refusing to write {0}: it is the input file itself")]
    OntoInput(String),
    #[error("refusing to write {0}: an earlier input of this run writes it")]
    Collision(String),
    #[error("refusing to replace {0}: it is read-only")]
    ReadOnly(String),
    #[error("cannot write {0}: {1}")]
    Io(String, io::Error),
}

/// The temporary files a run makes, `.propex-XXXXXX.tmp` (six random characters).
const TEMP_PREFIX: &str = ".propex-";
const TEMP_SUFFIX: &str = ".tmp";
const TEMP_RANDOM: usize = 6;

/// A temporary file in `dir`, to be renamed over its target once written whole: named
/// `.propex-XXXXXX.tmp` (so a run that died leaves names the next one recognises), created
/// 0666 less the umask as any new file is (tempfile's own default is 0600).
pub fn temp_file_in(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(TEMP_RANDOM);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

/// An output written to a temporary file beside its target, not yet in place. Dropped without
/// being committed, it is removed.
#[derive(Debug)]
pub struct Staged {
    /// Closed (a run may hold many staged outputs at once) but still removed when dropped.
    tmp: tempfile::TempPath,
    target: PathBuf,
}

/// The output folder of a run.
#[derive(Debug)]
pub struct OutDir {
    root: PathBuf,
    /// The outputs committed in this run, to catch two inputs mapping to one output.
    written: Mutex<HashSet<PathBuf>>,
}

impl OutDir {
    /// Creates the folder if needed, and removes the temporary files that killed runs left in
    /// it (only `.propex-XXXXXX.tmp` files older than this run).
    pub fn new(path: &Path) -> io::Result<OutDir> {
        let started = SystemTime::now();
        std::fs::create_dir_all(path)?;
        let root = path.canonicalize()?;
        remove_stale_temps(&root, started);
        Ok(OutDir {
            root,
            written: Mutex::new(HashSet::new()),
        })
    }

    /// The folder, canonical (so that walking can skip it).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The relative output paths for an input's records: `a/b/x.txt` → `a/b/x.yaml`, or
    /// `x.1.yaml`, `x.2.yaml` … when the input holds several records. The name's bytes are kept
    /// exactly, whatever they are.
    pub fn names(rel: &Path, records: usize, extension: &str) -> Vec<PathBuf> {
        let stem = rel.file_stem().unwrap_or(rel.as_os_str());
        let parent = rel.parent().unwrap_or(Path::new(""));
        let name = |middle: &str| {
            let mut n = OsString::from(stem);
            n.push(middle);
            n.push(extension);
            parent.join(n)
        };
        if records == 1 {
            return vec![name(".")];
        }
        (1..=records).map(|i| name(&format!(".{i}."))).collect()
    }

    /// Writes `bytes` for `rel` under the folder into a temporary file beside it. `input` is
    /// the file being converted, which is never overwritten.
    pub fn stage(
        &self,
        rel: &Path,
        bytes: &[u8],
        input: Option<&Path>,
    ) -> Result<Staged, OutError> {
        let shown = || show(&self.root.join(rel));
        if rel.as_os_str().is_empty()
            || !rel.components().all(|c| matches!(c, Component::Normal(_)))
        {
            return Err(OutError::Escapes(show(rel)));
        }

        // Create the folders one by one, refusing any component that is a symlink: following
        // one could lead out of the output folder.
        let mut dir = self.root.clone();
        let parts: Vec<_> = rel.components().collect();
        for part in &parts[..parts.len() - 1] {
            dir.push(part);
            match std::fs::symlink_metadata(&dir) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(OutError::Symlink(shown(), show(&dir)));
                }
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(OutError::Io(
                        shown(),
                        io::Error::new(
                            io::ErrorKind::AlreadyExists,
                            format!("{} is a file", show(&dir)),
                        ),
                    ));
                }
                Err(_) => {
                    if let Err(e) = std::fs::create_dir(&dir)
                        && e.kind() != io::ErrorKind::AlreadyExists
                    {
                        return Err(OutError::Io(shown(), e));
                    }
                }
            }
        }
        let target = dir.join(parts[parts.len() - 1]);
        match std::fs::symlink_metadata(&target) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(OutError::Symlink(shown(), show(&target)));
            }
            Ok(m) => {
                let same = input
                    .and_then(|i| i.canonicalize().ok())
                    .zip(target.canonicalize().ok())
                    .is_some_and(|(a, b)| a == b);
                if same {
                    return Err(OutError::OntoInput(show(&target)));
                }
                // Someone protected it: a rename would replace it all the same, so ask first.
                if m.permissions().readonly() {
                    return Err(OutError::ReadOnly(show(&target)));
                }
            }
            Err(_) => {}
        }

        let mut tmp = temp_file_in(&dir).map_err(|e| OutError::Io(show(&target), e))?;
        tmp.write_all(bytes)
            .map_err(|e| OutError::Io(show(&target), e))?;
        Ok(Staged {
            tmp: tmp.into_temp_path(),
            target,
        })
    }

    /// Puts one input's staged outputs in place, all or none. Called in input order, so the
    /// first input to claim an output keeps it.
    pub fn commit(&self, staged: Vec<Staged>) -> Result<Vec<PathBuf>, OutError> {
        {
            let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(s) = staged.iter().find(|s| written.contains(&s.target)) {
                return Err(OutError::Collision(show(&s.target)));
            }
            written.extend(staged.iter().map(|s| s.target.clone()));
        }
        let mut done: Vec<PathBuf> = Vec::with_capacity(staged.len());
        for s in staged {
            if let Err(e) = s.tmp.persist(&s.target) {
                // All or none: take back what this input already put in place.
                for p in &done {
                    let _ = std::fs::remove_file(p);
                }
                return Err(OutError::Io(show(&s.target), e.error));
            }
            done.push(s.target);
        }
        Ok(done)
    }

    /// Stages and commits one output at once (for callers without an order to keep).
    pub fn write(
        &self,
        rel: &Path,
        bytes: &[u8],
        input: Option<&Path>,
    ) -> Result<PathBuf, OutError> {
        let staged = self.stage(rel, bytes, input)?;
        Ok(self.commit(vec![staged])?.remove(0))
    }
}

/// Whether a file name is one of the temporary files `OutDir` makes.
fn is_temp_name(name: &std::ffi::OsStr) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    name.strip_prefix(TEMP_PREFIX)
        .and_then(|n| n.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|r| r.len() == TEMP_RANDOM && r.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Removes `.propex-XXXXXX.tmp` files under `root` last changed before `started`: what killed
/// runs left. Links are not followed; what cannot be removed is left for the next run.
fn remove_stale_temps(root: &Path, started: SystemTime) {
    for entry in walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() || !is_temp_name(entry.file_name()) {
            continue;
        }
        let old = entry
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .is_some_and(|t| t < started);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_mirror_and_number_several_records() {
        assert_eq!(
            OutDir::names(Path::new("a/b/x.txt"), 1, "yaml"),
            vec![PathBuf::from("a/b/x.yaml")]
        );
        assert_eq!(
            OutDir::names(Path::new("x.txt"), 2, "json"),
            vec![PathBuf::from("x.1.json"), PathBuf::from("x.2.json")]
        );
    }

    #[test]
    fn refuses_escapes_symlinks_inputs_and_collisions() {
        let tmp = tempfile::tempdir().unwrap();
        let out = OutDir::new(&tmp.path().join("out")).unwrap();
        assert!(matches!(
            out.write(Path::new("../x.yaml"), b"x", None),
            Err(OutError::Escapes(_))
        ));
        assert!(matches!(
            out.write(Path::new("/etc/x.yaml"), b"x", None),
            Err(OutError::Escapes(_))
        ));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path(), out.root().join("link")).unwrap();
            assert!(matches!(
                out.write(Path::new("link/x.yaml"), b"x", None),
                Err(OutError::Symlink(..))
            ));
            assert!(!tmp.path().join("x.yaml").exists());
        }
        let written = out.write(Path::new("a/b/x.yaml"), b"one", None).unwrap();
        assert_eq!(std::fs::read(&written).unwrap(), b"one");
        assert!(matches!(
            out.write(Path::new("a/b/x.yaml"), b"two", None),
            Err(OutError::Collision(_))
        ));
        assert!(
            out.write(Path::new("a/b/y.yaml"), b"x", Some(&written))
                .is_ok()
        );
        let out2 = OutDir::new(out.root()).unwrap();
        assert!(matches!(
            out2.write(Path::new("a/b/x.yaml"), b"x", Some(&written)),
            Err(OutError::OntoInput(_))
        ));
        assert_eq!(std::fs::read(&written).unwrap(), b"one");
        // no temporary files left behind
        let leftovers: Vec<_> = std::fs::read_dir(out.root().join("a/b"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".propex-")
            })
            .collect();
        assert!(leftovers.is_empty());
    }
}
