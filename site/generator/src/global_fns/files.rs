//! Reading the site's files for `get_url(cachebust)`, `get_hash` and
//! `load_data`, and the digests they print.

use std::path::{Component, Path, PathBuf};

use sha2::Digest;
use tera::{Error, TeraResult};

use crate::lookup::Lookup;

/// A file of `static/`, where Zola looks first for a path a template names.
/// A file of `static/`, else of the theme's `static/`, as the build copies them.
pub(super) fn read_static(lookup: &Lookup, path: &str) -> std::io::Result<Vec<u8>> {
    let path = path.trim_start_matches('/');
    let own = std::fs::read(lookup.static_dir.join(path));
    match (&own, &lookup.config.theme) {
        (Err(error), Some(theme)) if error.kind() == std::io::ErrorKind::NotFound => {
            let dirs = crate::SiteDirs::new(&lookup.root);
            std::fs::read(dirs.theme(theme).join("static").join(path))
        }
        _ => own,
    }
}

/// `path` under the site's folder. Paths that could leave it (absolute,
/// or climbing with `..`) are refused before the file system is asked, so
/// a template cannot publish a file from elsewhere on the machine.
pub(super) fn inside_site(function: &str, lookup: &Lookup, path: &str) -> TeraResult<PathBuf> {
    let leaves = Path::new(path)
        .components()
        .any(|part| !matches!(part, Component::Normal(_) | Component::CurDir));
    if leaves {
        return Err(Error::message(format!(
            "{function}: {path} is not inside the site's folder"
        )));
    }
    Ok(lookup.root.join(path))
}

pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha2::Sha256::digest(bytes))
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_fns::fixture::site;

    #[test]
    fn paths_inside_the_site_resolve_under_its_folder() {
        let (_dir, lookup) = site();
        let path = inside_site("f", &lookup, "data/./people.toml").unwrap();
        assert_eq!(path, lookup.root.join("data/./people.toml"));
    }

    #[test]
    fn absolute_and_climbing_paths_are_refused() {
        let (_dir, lookup) = site();
        for path in ["/etc/hostname", "../secret.txt", "data/../../secret.txt"] {
            let error = inside_site("f", &lookup, path).unwrap_err().to_string();
            assert_eq!(error, format!("f: {path} is not inside the site's folder"));
        }
    }

    #[test]
    fn hex_is_two_lowercase_digits_a_byte() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
