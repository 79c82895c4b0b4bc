//! Writing outputs under `--out-dir`: one file per record source, mirroring the input's relative
//! path. Each file is written to a temporary file in its own folder and renamed into place, so an
//! interrupted run never leaves a half-written output. Nothing is written outside the folder:
//! no `..`, no absolute paths, no symlink followed out of it, and never onto an input file.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug, thiserror::Error)]
pub enum OutError {
    #[error("refusing to write {0}: the output path leaves the output folder")]
    Escapes(PathBuf),
    #[error("refusing to write {0}: {1} is a symbolic link")]
    Symlink(PathBuf, PathBuf),
    #[error("refusing to write {0}: it is the input file itself")]
    OntoInput(PathBuf),
    #[error("refusing to write {0}: another input of this run already wrote it")]
    Collision(PathBuf),
    #[error("cannot write {0}: {1}")]
    Io(PathBuf, io::Error),
}

/// The output folder of a run.
#[derive(Debug)]
pub struct OutDir {
    root: PathBuf,
    /// Hashes of the paths written in this run, to catch two inputs mapping to one output.
    written: Mutex<HashSet<u64>>,
    hasher: RandomState,
}

impl OutDir {
    /// Creates the folder if needed.
    pub fn new(path: &Path) -> io::Result<OutDir> {
        std::fs::create_dir_all(path)?;
        Ok(OutDir {
            root: path.canonicalize()?,
            written: Mutex::new(HashSet::new()),
            hasher: RandomState::new(),
        })
    }

    /// The folder, canonical (so that walking can skip it).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The relative output paths for an input's records: `a/b/x.txt` → `a/b/x.yaml`, or
    /// `x.1.yaml`, `x.2.yaml` … when the input holds several records.
    pub fn names(rel: &Path, records: usize, extension: &str) -> Vec<PathBuf> {
        let stem = rel.file_stem().unwrap_or(rel.as_os_str()).to_string_lossy();
        let parent = rel.parent().unwrap_or(Path::new(""));
        if records == 1 {
            return vec![parent.join(format!("{stem}.{extension}"))];
        }
        (1..=records)
            .map(|i| parent.join(format!("{stem}.{i}.{extension}")))
            .collect()
    }

    /// Writes `bytes` to `rel` under the folder, atomically. `input` is the file being
    /// converted, which is never overwritten.
    pub fn write(
        &self,
        rel: &Path,
        bytes: &[u8],
        input: Option<&Path>,
    ) -> Result<PathBuf, OutError> {
        let shown = self.root.join(rel);
        if rel.as_os_str().is_empty()
            || !rel.components().all(|c| matches!(c, Component::Normal(_)))
        {
            return Err(OutError::Escapes(rel.to_path_buf()));
        }

        // Create the folders one by one, refusing any component that is a symlink: following
        // one could lead out of the output folder.
        let mut dir = self.root.clone();
        let parts: Vec<_> = rel.components().collect();
        for part in &parts[..parts.len() - 1] {
            dir.push(part);
            match std::fs::symlink_metadata(&dir) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(OutError::Symlink(shown, dir));
                }
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(OutError::Io(
                        shown,
                        io::Error::new(
                            io::ErrorKind::AlreadyExists,
                            format!("{} is a file", dir.display()),
                        ),
                    ));
                }
                Err(_) => {
                    if let Err(e) = std::fs::create_dir(&dir)
                        && e.kind() != io::ErrorKind::AlreadyExists
                    {
                        return Err(OutError::Io(shown, e));
                    }
                }
            }
        }
        let target = dir.join(parts[parts.len() - 1]);
        match std::fs::symlink_metadata(&target) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(OutError::Symlink(shown, target));
            }
            Ok(_) => {
                let same = input
                    .and_then(|i| i.canonicalize().ok())
                    .zip(target.canonicalize().ok())
                    .is_some_and(|(a, b)| a == b);
                if same {
                    return Err(OutError::OntoInput(target));
                }
            }
            Err(_) => {}
        }
        let key = self.hasher.hash_one(&target);
        if !self
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key)
        {
            return Err(OutError::Collision(target));
        }

        let mut tmp = tempfile::Builder::new()
            .prefix(".propex-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| OutError::Io(target.clone(), e))?;
        tmp.write_all(bytes)
            .map_err(|e| OutError::Io(target.clone(), e))?;
        tmp.persist(&target)
            .map_err(|e| OutError::Io(target.clone(), e.error))?;
        Ok(target)
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
