//! `ticedu-site build | serve | check | media`: build the site, serve it
//! with rebuilds on change, build it and fail on broken internal links or
//! missing lesson files, or publish the lesson media (for the private bucket).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, bail};
use ticedu_site::{SiteDirs, build, lessons, links};

/// mimalloc: a 10,000-page build is ~10% faster than with glibc's malloc
/// (whose per-thread arenas grow a page at a time, an mprotect each) at
/// about the same peak memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: ticedu-site [--root DIR] build|serve|check|media [--output DIR] [--base-url URL] [--port 1111] [--force]
  --root (-r): the site's folder; by default the nearest folder up from here with a zola.toml or
               config.toml, else site/ (this repository's own site)
  --output (-o, --output-dir): where to build; by default public/ in the site's folder (media: public-media/)
  --force (-f): accepted as Zola takes it; a build always replaces what the output folder held";

fn main() -> anyhow::Result<()> {
    let (mut command, mut root, mut output, mut base_url, mut port) =
        (None, None, None, None, 1111u16);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .with_context(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "-r" | "--root" => root = Some(PathBuf::from(value()?)),
            "-o" | "--output" | "--output-dir" => output = Some(PathBuf::from(value()?)),
            "-u" | "--base-url" => base_url = Some(value()?),
            "-p" | "--port" => port = value()?.parse().context("--port")?,
            "-f" | "--force" => {}
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            flag if flag.starts_with('-') => bail!("unknown option {flag}\n{USAGE}"),
            _ if command.is_none() => command = Some(arg.clone()),
            other => bail!("unexpected {other}\n{USAGE}"),
        }
    }
    let command = command.unwrap_or_default();
    let root = match root {
        Some(root) => root,
        None => site_folder()?,
    };
    let dirs = SiteDirs::new(&root);
    let default_output = if command == "media" {
        "public-media"
    } else {
        "public"
    };
    let output = output.unwrap_or_else(|| root.join(default_output));
    match command.as_str() {
        "build" => {
            let started = Instant::now();
            let report = build(&dirs, &output, base_url.as_deref())?;
            println!(
                "built {} pages, {} sections, {} catalogue pages into {} in {:.0?} ({} files written, {} unchanged, {} removed)",
                report.pages,
                report.sections,
                report.data_pages,
                output.display(),
                started.elapsed(),
                report.changes.written,
                report.changes.unchanged,
                report.changes.removed
            );
        }
        "check" => {
            let scratch =
                std::env::temp_dir().join(format!("ticedu-site-check-{}", std::process::id()));
            build(&dirs, &scratch, Some("")).context("building for the check")?;
            let broken = links::broken_links(&scratch, "")?;
            std::fs::remove_dir_all(&scratch).ok();
            let missing = lessons::missing_in(&dirs)?;
            for file in &missing {
                eprintln!(
                    "declared in data/catalog.toml but missing: {}",
                    file.display()
                );
            }
            if !broken.is_empty() || !missing.is_empty() {
                for link in &broken {
                    eprintln!("broken link in {}: {}", link.page, link.target);
                }
                bail!(
                    "{} broken internal link(s), {} missing lesson file(s)",
                    broken.len(),
                    missing.len()
                );
            }
            println!("site/ builds, has no broken internal links and every declared lesson file");
        }
        "serve" => serve(&dirs, &output, port)?,
        "media" => {
            let report = lessons::publish(&dirs, &output)?;
            println!(
                "published {} files of {} lessons ({} bytes) into {}",
                report.files,
                report.lessons,
                report.bytes,
                output.display()
            );
        }
        _ => bail!("{USAGE}"),
    }
    Ok(())
}

/// The nearest folder up from the working one with a `zola.toml` or
/// `config.toml` (as Zola finds a site), else this repository's `site/`.
fn site_folder() -> anyhow::Result<PathBuf> {
    let here = std::env::current_dir().context("the working folder")?;
    let found = here
        .ancestors()
        .find(|folder| folder.join("zola.toml").is_file() || folder.join("config.toml").is_file());
    Ok(found.map_or_else(|| PathBuf::from("site"), Path::to_path_buf))
}

/// Builds, serves `output` on localhost, and rebuilds when a source file changes.
fn serve(dirs: &SiteDirs, output: &Path, port: u16) -> anyhow::Result<()> {
    let base_url = format!("http://127.0.0.1:{port}");
    build(dirs, output, Some(&base_url))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let served = output.to_path_buf();
    runtime.spawn(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("the port is free");
        let app = axum::Router::new().fallback_service(tower_http::services::ServeDir::new(served));
        axum::serve(listener, app).await.expect("serving");
    });
    println!(
        "serving {base_url}/ — editing files under {} rebuilds",
        dirs.root.display()
    );
    let mut seen = newest_change(&dirs.root, output);
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let now = newest_change(&dirs.root, output);
        if now > seen {
            seen = now;
            let started = Instant::now();
            match ticedu_site::rebuild(dirs, output, Some(&base_url)) {
                Ok(written) => println!(
                    "rebuilt in {:.0?} ({written} file(s) changed)",
                    started.elapsed()
                ),
                Err(error) => eprintln!("build failed: {error:#}"),
            }
        }
    }
}

fn newest_change(root: &Path, output: &Path) -> SystemTime {
    fn walk(dir: &Path, output: &Path, newest: &mut SystemTime) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.starts_with(output) {
                continue;
            }
            if path.is_dir() {
                walk(&path, output, newest);
            } else if let Ok(modified) = entry.metadata().and_then(|m| m.modified()) {
                *newest = (*newest).max(modified);
            }
        }
    }
    let mut newest = SystemTime::UNIX_EPOCH;
    walk(root, output, &mut newest);
    newest
}
