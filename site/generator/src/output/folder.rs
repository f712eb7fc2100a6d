//! An output folder written incrementally: what a build produces is
//! compared with what the folder already holds, identical files are left
//! untouched (on a real disk, rewriting 10,000 unchanged files is most of a
//! repeated build), and files the build no longer produces are removed,
//! so that the folder ends up holding exactly the build's files.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context;

/// What a build did to its output folder.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Changes {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

pub struct Folder {
    root: PathBuf,
    /// Files already there (relative, `/`-separated).
    before: HashSet<String>,
    /// Folders known to exist, so each is created (or checked) once.
    folders: Mutex<HashSet<PathBuf>>,
    produced: Mutex<HashSet<String>>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
}

impl Folder {
    /// Takes stock of `root` (created when missing) with one directory
    /// read per folder: names only, a file's size being read with it when
    /// it is compared (a stat per file made the stock-taking of a repeated
    /// 10,000-page build a fifth of it, before anything else could start).
    pub fn open(root: &Path) -> anyhow::Result<Self> {
        let mut before = HashSet::new();
        let mut folders = HashSet::new();
        if root.exists() {
            scan(root, root, &mut before, &mut folders)
                .with_context(|| format!("reading {}", root.display()))?;
        } else {
            std::fs::create_dir_all(root)
                .with_context(|| format!("creating {}", root.display()))?;
        }
        folders.insert(root.to_path_buf());
        Ok(Self {
            root: root.to_path_buf(),
            before,
            folders: Mutex::new(folders),
            produced: Mutex::new(HashSet::new()),
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
        })
    }

    /// Puts `bytes` at `relative` (`guide/fees/index.html`) unless the file
    /// there already holds exactly them. Safe to call from many threads.
    pub fn put(&self, relative: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let target = self.root.join(relative);
        let first = self
            .produced
            .lock()
            .map_err(|_| anyhow::anyhow!("a writer panicked"))?
            .insert(relative.to_owned());
        // A file produced twice in one build (a page and an alias, say) is written each time: the last wins, as in Zola.
        if first && self.before.contains(relative) && same_bytes(&target, bytes) {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        if let Some(parent) = target.parent() {
            self.ensure_folder(parent)?;
        }
        std::fs::write(&target, bytes).with_context(|| format!("writing {}", target.display()))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn ensure_folder(&self, folder: &Path) -> anyhow::Result<()> {
        let known = || {
            self.folders
                .lock()
                .map_err(|_| anyhow::anyhow!("a writer panicked"))
        };
        if known()?.contains(folder) {
            return Ok(());
        }
        // Not under the lock: every other writer would wait on this mkdir
        // (on a first build, one per page). Two writers may both create a
        // folder, which create_dir_all allows.
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating {}", folder.display()))?;
        let mut known = known()?;
        let mut at = Some(folder);
        while let Some(path) = at.filter(|p| p.starts_with(&self.root)) {
            if !known.insert(path.to_path_buf()) {
                break;
            }
            at = path.parent();
        }
        Ok(())
    }

    /// Removes what the build did not produce, then the folders left empty.
    pub fn finish(self) -> anyhow::Result<Changes> {
        let produced = self
            .produced
            .into_inner()
            .map_err(|_| anyhow::anyhow!("a writer panicked"))?;
        let mut removed = 0;
        let mut emptied: HashSet<PathBuf> = HashSet::new();
        for relative in self.before.iter().filter(|f| !produced.contains(*f)) {
            let path = self.root.join(relative);
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
            removed += 1;
            let mut at = path.parent();
            while let Some(folder) = at.filter(|f| *f != self.root) {
                emptied.insert(folder.to_path_buf());
                at = folder.parent();
            }
        }
        let mut emptied: Vec<PathBuf> = emptied.into_iter().collect();
        // Deepest first; a folder still holding something stays.
        emptied.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
        for folder in emptied {
            let _ = std::fs::remove_dir(&folder);
        }
        Ok(Changes {
            written: self.written.into_inner(),
            unchanged: self.unchanged.into_inner(),
            removed,
        })
    }
}

fn scan(
    root: &Path,
    dir: &Path,
    files: &mut HashSet<String>,
    folders: &mut HashSet<PathBuf>,
) -> std::io::Result<()> {
    folders.insert(dir.to_path_buf());
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            scan(root, &path, files, folders)?;
        } else {
            let relative = path
                .strip_prefix(root)
                .map_err(std::io::Error::other)?
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(relative);
        }
    }
    Ok(())
}

/// Whether the file holds exactly `bytes`: read up to one byte more, to
/// tell a longer file.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut old = Vec::with_capacity(bytes.len() + 1);
    let limit = bytes.len() as u64 + 1;
    file.take(limit).read_to_end(&mut old).is_ok() && old == bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(root: &Path) -> Vec<String> {
        let mut found = HashSet::new();
        scan(root, root, &mut found, &mut HashSet::new()).unwrap();
        let mut names: Vec<String> = found.into_iter().collect();
        names.sort();
        names
    }

    #[test]
    fn identical_files_are_left_alone_changed_ones_rewritten_and_others_removed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("public");
        let first = Folder::open(&root).unwrap();
        first.put("a/index.html", b"A").unwrap();
        first.put("b/c/index.html", b"C").unwrap();
        first.put("d.xml", b"D").unwrap();
        let changes = first.finish().unwrap();
        assert_eq!(
            changes,
            Changes {
                written: 3,
                unchanged: 0,
                removed: 0
            }
        );

        let a = root.join("a/index.html");
        let stamp = std::fs::metadata(&a).unwrap().modified().unwrap();
        let second = Folder::open(&root).unwrap();
        second.put("a/index.html", b"A").unwrap();
        second.put("d.xml", b"E").unwrap();
        let changes = second.finish().unwrap();
        assert_eq!(
            changes,
            Changes {
                written: 1,
                unchanged: 1,
                removed: 1
            }
        );
        assert_eq!(std::fs::metadata(&a).unwrap().modified().unwrap(), stamp);
        assert_eq!(std::fs::read(root.join("d.xml")).unwrap(), b"E");
        assert_eq!(files(&root), ["a/index.html", "d.xml"]);
        assert!(!root.join("b").exists(), "a folder left empty goes too");
    }

    #[test]
    fn a_file_of_the_same_length_but_other_bytes_is_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::open(dir.path()).unwrap();
        folder.put("x.html", b"old").unwrap();
        folder.finish().unwrap();
        let folder = Folder::open(dir.path()).unwrap();
        folder.put("x.html", b"new").unwrap();
        assert_eq!(folder.finish().unwrap().written, 1);
        assert_eq!(std::fs::read(dir.path().join("x.html")).unwrap(), b"new");
    }

    #[test]
    fn a_file_that_starts_with_the_bytes_or_is_cut_short_is_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::open(dir.path()).unwrap();
        folder.put("longer.html", b"abcdef").unwrap();
        folder.put("shorter.html", b"abc").unwrap();
        folder.finish().unwrap();
        let folder = Folder::open(dir.path()).unwrap();
        folder.put("longer.html", b"abc").unwrap();
        folder.put("shorter.html", b"abcdef").unwrap();
        assert_eq!(folder.finish().unwrap().written, 2);
        assert_eq!(
            std::fs::read(dir.path().join("longer.html")).unwrap(),
            b"abc"
        );
        assert_eq!(
            std::fs::read(dir.path().join("shorter.html")).unwrap(),
            b"abcdef"
        );
    }
}
