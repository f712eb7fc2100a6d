//! Building a fixture site into a temp dir and reading what it wrote,
//! shared by the fixture tests.

use std::path::{Path, PathBuf};

use ticedu_site::{SiteDirs, build};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The fixture built into a fresh folder, kept alive by the returned temp dir.
pub fn built(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("public");
    build(&SiteDirs::new(fixture(name)), &output, None).unwrap();
    (dir, output)
}

/// A copy of the fixture, changed by `change`, built; the build's error as text if it fails.
pub fn built_changed(
    name: &str,
    change: impl FnOnce(&Path),
) -> (tempfile::TempDir, Result<PathBuf, String>) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy(&fixture(name), &site);
    change(&site);
    let output = dir.path().join("public");
    let result = build(&SiteDirs::new(&site), &output, None)
        .map(|_| output)
        .map_err(|e| format!("{e:#}"));
    (dir, result)
}

pub fn read(output: &Path, path: &str) -> String {
    std::fs::read_to_string(output.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `from`, every file and folder of it, into `to`.
pub fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}
