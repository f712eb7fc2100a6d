//! The site as `ticedu-site build` makes it, for the tests that serve or
//! read it.

use std::path::{Path, PathBuf};

/// Builds `site/` into `folder/public` with root-relative links; returns that folder.
pub fn build_into(folder: &Path) -> PathBuf {
    let site = folder.join("public");
    ticedu_site::build(
        &ticedu_site::SiteDirs::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../site")),
        &site,
        Some(""),
    )
    .expect("the site builds");
    site
}

/// Publishes `site/lessons` into `folder/media` as `ticedu-site media` does; returns that folder.
pub fn publish_media_into(folder: &Path) -> PathBuf {
    let media = folder.join("media");
    ticedu_site::lessons::publish(
        &ticedu_site::SiteDirs::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../site")),
        &media,
    )
    .expect("the lesson media publishes");
    media
}
