//! Lesson media (issue 17): what each class hour of `site/data/catalog.toml`
//! declares in `site/lessons/{course}/{n}/`, published to a folder of its
//! own — never into the public site — for the private media bucket, where
//! only signed links of a learner who bought the hour open it.
//!
//! Videos, handouts and figures are copied as they are; courseware Markdown
//! becomes an HTML fragment the hour page places under its player.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use ticedu_domain::catalogue::{Catalogue, MediaKind, lesson_folder};

use crate::SiteDirs;
use crate::headings::SlugStrategy;
use crate::lookup::catalogue_data;
use crate::markdown::{self, Headings};

/// Files besides the declared ones that a lesson folder may hold: the
/// courseware's figures.
const FIGURE_EXTENSIONS: [&str; 5] = ["svg", "png", "jpg", "jpeg", "webp"];

/// What [`publish`] wrote.
#[derive(Debug, Default)]
pub struct MediaReport {
    /// Class hours with at least one file.
    pub lessons: usize,
    pub files: usize,
    pub bytes: u64,
}

/// Every lesson file the site's catalogue declares and its `lessons/` lacks
/// (none for a site without a catalogue).
pub fn missing_in(dirs: &SiteDirs) -> anyhow::Result<Vec<PathBuf>> {
    Ok(catalogue_data(dirs)?
        .map(|(catalogue, _)| missing_files(dirs, &catalogue))
        .unwrap_or_default())
}

/// Every declared lesson file that is not in `site/lessons/`.
pub fn missing_files(dirs: &SiteDirs, catalogue: &Catalogue) -> Vec<PathBuf> {
    catalogue
        .courses()
        .iter()
        .flat_map(|course| &course.lessons)
        .flat_map(|lesson| {
            // `lessons/{course}/{n}`, under the site's root as under the media root.
            let folder = dirs.root.join(lesson_folder(&lesson.id));
            lesson
                .media
                .files()
                .map(move |file| folder.join(file.source()))
        })
        .filter(|path| !path.is_file())
        .collect()
}

/// Publishes the lesson media of `dirs` into `output` (emptied first) as
/// `lessons/{course}/{n}/…`, the layout signed links address.
pub fn publish(dirs: &SiteDirs, output: &Path) -> anyhow::Result<MediaReport> {
    let Some((catalogue, _)) = catalogue_data(dirs)? else {
        bail!("{} has no data/catalog.toml", dirs.root.display());
    };
    let missing = missing_files(dirs, &catalogue);
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|p| p.display().to_string()).collect();
        bail!(
            "the catalogue declares lesson files that do not exist: {}",
            list.join(", ")
        );
    }
    if output.exists() {
        std::fs::remove_dir_all(output)
            .with_context(|| format!("emptying {}", output.display()))?;
    }
    let mut report = MediaReport::default();
    for lesson in catalogue
        .courses()
        .iter()
        .flat_map(|course| &course.lessons)
    {
        if lesson.media.is_empty() {
            continue;
        }
        let folder = lesson_folder(&lesson.id);
        let (from, to) = (dirs.root.join(&folder), output.join(&folder));
        std::fs::create_dir_all(&to).with_context(|| format!("creating {}", to.display()))?;
        for file in lesson.media.files() {
            let source = from.join(file.source());
            let target = to.join(file.published());
            match file.kind() {
                MediaKind::Courseware => {
                    let text = std::fs::read_to_string(&source)
                        .with_context(|| format!("reading {}", source.display()))?;
                    let html = courseware_html(&text)
                        .with_context(|| format!("rendering {}", source.display()))?;
                    std::fs::write(&target, html)?;
                }
                MediaKind::Video | MediaKind::Handout => {
                    std::fs::copy(&source, &target)
                        .with_context(|| format!("copying {}", source.display()))?;
                }
            }
            report.files += 1;
            report.bytes += std::fs::metadata(&target)?.len();
        }
        for figure in figures(&from)? {
            let name = figure.file_name().expect("a file");
            report.bytes += std::fs::copy(&figure, to.join(name))?;
            report.files += 1;
        }
        report.lessons += 1;
    }
    Ok(report)
}

/// Courseware Markdown as an HTML fragment. Links between site pages
/// (`@/…`) have no place in a lesson's private files and are refused.
fn courseware_html(markdown: &str) -> anyhow::Result<String> {
    refuse_active_content(markdown)?;
    let rendered = markdown::render(
        markdown,
        &HashMap::new(),
        &Headings::ids_only(SlugStrategy::On),
    )?;
    Ok(below_the_lesson_heading(rendered.html))
}

/// The fragment goes into the learner's logged-in page, so courseware is
/// Markdown only: raw HTML (a script, an `onerror`) and `javascript:` links
/// are refused at publishing, whoever wrote the lesson.
fn refuse_active_content(markdown: &str) -> anyhow::Result<()> {
    use pulldown_cmark::{Event, Parser, Tag};
    for event in Parser::new(markdown) {
        match event {
            Event::Html(html) | Event::InlineHtml(html) => {
                bail!(
                    "courseware is Markdown only; remove the HTML {:?}",
                    html.trim()
                )
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if dest_url
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("javascript:") =>
            {
                bail!("courseware links may not run script: {dest_url}")
            }
            _ => {}
        }
    }
    Ok(())
}

/// The hour page has its `h1` (the hour's title) and the lesson's `h2`: the
/// courseware's headings go two levels down (`#` → `h3`, at most `h6`), so
/// that screen readers find one outline.
fn below_the_lesson_heading(mut html: String) -> String {
    for level in (1..=5).rev() {
        let to = (level + 2).min(6);
        html = html
            .replace(&format!("<h{level}"), &format!("<h{to}"))
            .replace(&format!("</h{level}>"), &format!("</h{to}>"));
    }
    html
}

/// The figures in a lesson folder, by name.
fn figures(folder: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut figures = Vec::new();
    for entry in
        std::fs::read_dir(folder).with_context(|| format!("reading {}", folder.display()))?
    {
        let path = entry?.path();
        let is_figure = path
            .extension()
            .and_then(|extension| extension.to_str())
            .is_some_and(|extension| FIGURE_EXTENSIONS.contains(&extension));
        if path.is_file() && is_figure {
            figures.push(path);
        }
    }
    figures.sort();
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOG: &str = r#"
[[course]]
id = "laws"
group = "mandatory"
field = "法规"
field_en = "Law"
title = "法规"
title_en = "Law"
summary = "法规"
summary_en = "Law"
hours = [
  { title = "一", title_en = "One", video = "lecture.mp4", courseware = "courseware.md" },
  { title = "二", title_en = "Two" },
  { title = "三", title_en = "Three" }, { title = "四", title_en = "Four" },
  { title = "五", title_en = "Five" }, { title = "六", title_en = "Six" },
  { title = "七", title_en = "Seven" }, { title = "八", title_en = "Eight" },
  { title = "九", title_en = "Nine" }, { title = "十", title_en = "Ten" },
]
"#;

    fn site(declared_only: bool) -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("catalog.toml"), CATALOG).unwrap();
        std::fs::copy(
            concat!(env!("CARGO_MANIFEST_DIR"), "/../data/settings.toml"),
            data.join("settings.toml"),
        )
        .unwrap();
        let lesson = root.path().join("lessons/laws/1");
        std::fs::create_dir_all(&lesson).unwrap();
        std::fs::write(lesson.join("lecture.mp4"), b"not really a video").unwrap();
        if !declared_only {
            std::fs::write(
                lesson.join("courseware.md"),
                "# 法定检验\n\n## 要点\n\n![体系](figure-1.svg)\n\n- 法定检验\n\n##### 注\n",
            )
            .unwrap();
            std::fs::write(lesson.join("figure-1.svg"), "<svg/>").unwrap();
            std::fs::write(lesson.join("notes.txt"), "drafts stay behind").unwrap();
        }
        root
    }

    #[test]
    fn declared_files_and_figures_are_published_and_courseware_rendered() {
        let root = site(false);
        let output = root.path().join("media");
        let report = publish(&SiteDirs::new(root.path()), &output).unwrap();
        assert_eq!((report.lessons, report.files), (1, 3));
        let folder = output.join("lessons/laws/1");
        let html = std::fs::read_to_string(folder.join("courseware.html")).unwrap();
        // Under the page's h1 and the lesson's h2.
        assert!(
            html.contains("<h3 id=") && html.contains("法定检验</h3>"),
            "{html}"
        );
        assert!(
            html.contains("<h4 id=") && html.contains("要点</h4>"),
            "{html}"
        );
        assert!(html.contains("注</h6>") && !html.contains("<h1") && !html.contains("<h2"));
        assert!(
            html.contains("<img src=\"figure-1.svg\" alt=\"体系\""),
            "{html}"
        );
        assert!(folder.join("lecture.mp4").is_file() && folder.join("figure-1.svg").is_file());
        assert!(!folder.join("notes.txt").exists() && !folder.join("courseware.md").exists());
    }

    #[test]
    fn courseware_with_html_or_script_links_is_refused() {
        for markdown in [
            "## 要点\n\n<script>alert(1)</script>\n",
            "图示 <img src=x onerror=alert(1)> 如下\n",
            "[点我](javascript:alert(1))\n",
            "![图](JavaScript:alert(1))\n",
        ] {
            assert!(courseware_html(markdown).is_err(), "{markdown}");
        }
        assert!(courseware_html("## 要点\n\n[下一节](../2/)\n").is_ok());
    }

    #[test]
    fn a_declared_file_that_is_missing_stops_publishing() {
        let root = site(true);
        let error = publish(&SiteDirs::new(root.path()), &root.path().join("media")).unwrap_err();
        assert!(
            error.to_string().contains("lessons/laws/1/courseware.md"),
            "{error}"
        );
    }
}
