//! `content/`: Markdown files with `+++` TOML front matter. `_index.md` files
//! are sections, other `.md` files pages (`name/index.md` too); `name.en.md`
//! is the English version of `name.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::config::{Config, slugify_path};
use crate::headings::{InsertAnchor, toc_value};
use crate::reading::reading_analytics;

/// Front matter of a page, with the fields Zola documents.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PageFront {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<toml::Value>,
    pub updated: Option<toml::Value>,
    pub weight: Option<i64>,
    pub draft: bool,
    /// `render = false` writes no file for the page and, as in Zola 0.23,
    /// leaves it out of every list ([`Page::is_listed`]); `get_page` finds it.
    pub render: Option<bool>,
    pub slug: Option<String>,
    pub path: Option<String>,
    pub aliases: Vec<String>,
    pub authors: Vec<String>,
    pub in_search_index: Option<bool>,
    pub template: Option<String>,
    pub taxonomies: BTreeMap<String, Vec<String>>,
    pub extra: toml::Table,
}

/// Front matter of a section (`_index.md`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SectionFront {
    pub title: Option<String>,
    pub description: Option<String>,
    pub sort_by: Option<String>,
    pub weight: Option<i64>,
    pub draft: bool,
    pub template: Option<String>,
    pub page_template: Option<String>,
    pub paginate_by: Option<usize>,
    pub paginate_path: Option<String>,
    pub paginate_reversed: bool,
    pub insert_anchor_links: Option<InsertAnchor>,
    pub in_search_index: Option<bool>,
    pub render: Option<bool>,
    pub redirect_to: Option<String>,
    pub transparent: bool,
    pub aliases: Vec<String>,
    pub generate_feeds: bool,
    pub extra: toml::Table,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// Relative to `content/`, with `/` separators: `guide/fees.md`.
    pub relative_path: String,
    pub lang: String,
    pub front: PageFront,
    pub markdown: String,
    /// The Markdown after Tera ran over it, when it holds Tera
    /// (`{{`/`{%`): what is rendered to HTML. Word counts stay the source's.
    pub templated: Option<String>,
    /// `word_count` and `reading_time`, counted in the source as Zola counts them.
    pub reading: (usize, usize),
    pub slug: String,
    /// `/guide/fees/`.
    pub path: String,
    /// The section it belongs to: `guide/_index.md`.
    pub section: String,
    /// The highest section it is listed in: its own, or above it while the
    /// sections are transparent (empty for an orphan). Zola gives the page
    /// that section's ancestors.
    pub listed_in: String,
    /// The rendered HTML, as the `content` every value of the page shares.
    pub html: tera::Value,
    pub summary: Option<String>,
    /// `toc`, made as the Markdown is rendered: its headings are freed
    /// there rather than held to the end of the build beside the value.
    pub toc: tera::Value,
    /// A page bundle's (`dir/index.md`) other files, everywhere under its
    /// folder, relative to `content/`: copied beside its HTML, as Zola does.
    pub assets: Vec<String>,
}

impl Page {
    /// Whether the page is in its section's pages, its taxonomies' terms,
    /// the feeds, the sitemap and the other versions' translations:
    /// neither a draft nor `render = false`, as in Zola 0.23.
    pub fn is_listed(&self) -> bool {
        !self.front.draft && self.front.render != Some(false)
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    /// `guide/_index.md`; the root is `_index.md`.
    pub relative_path: String,
    pub lang: String,
    pub front: SectionFront,
    pub markdown: String,
    /// As a page's.
    pub templated: Option<String>,
    pub reading: (usize, usize),
    pub path: String,
    pub html: String,
    /// As a page's.
    pub toc: tera::Value,
    /// Indexes into the content's pages, sorted as `sort_by` says.
    pub pages: Vec<usize>,
    /// Pages its `sort_by` cannot place (no date, no weight, no title): as
    /// in Zola, they are left out of `pages` and are not rendered.
    pub ignored: Vec<usize>,
    /// Relative paths of direct subsections.
    pub subsections: Vec<String>,
    /// A language's home that has no `_index` file, made up as Zola makes it.
    pub implicit: bool,
    /// The other files of its folder (not its subfolders), relative to `content/`.
    pub assets: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Content {
    /// Boxed: a page is large, and the pages parsed on every core were
    /// copied into this list one by one, on one core (10 MB for 10,000).
    pub pages: Vec<Box<Page>>,
    pub sections: Vec<Section>,
}

/// Splits `+++\n<toml>\n+++\n<markdown>` as Zola's pattern does: blank
/// space may come before the opening `+++` and after either `+++` on its
/// line; the front matter ends at the first `+++` that only blank space
/// follows to the end of its line, and the body starts after the last line
/// break of the blank space after it (a byte-order mark is skipped first).
pub fn split_front_matter(text: &str) -> anyhow::Result<(&str, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text.trim_start_matches(is_blank).strip_prefix("+++") else {
        bail!("no +++ front matter at the start of the file")
    };
    let opening_line = blank_run(rest);
    let Some(line_end) = opening_line.find('\n') else {
        bail!("the opening +++ of the front matter must be alone on its line")
    };
    let front_start = line_end + 1;
    let mut search = front_start;
    while let Some(found) = rest[search..].find("+++") {
        let at = search + found;
        let after = &rest[at + 3..];
        let blank = blank_run(after);
        if blank.len() == after.len() {
            return Ok((&rest[front_start..at], ""));
        }
        if let Some(last_break) = blank.rfind('\n') {
            return Ok((&rest[front_start..at], &after[last_break + 1..]));
        }
        search = at + 1;
    }
    bail!("front matter is not closed with +++")
}

/// ASCII blank space, as `[[:space:]]` in Zola's pattern.
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// The blank space `text` starts with.
fn blank_run(text: &str) -> &str {
    &text[..text.len() - text.trim_start_matches(is_blank).len()]
}

/// `name.en.md` → (`name`, `en`); `name.md` → (`name`, default language).
fn language_of<'a>(stem: &'a str, config: &Config) -> (&'a str, String) {
    if let Some((base, lang)) = stem.rsplit_once('.') {
        if config.is_language(lang) && lang != config.default_language {
            return (base, lang.to_owned());
        }
    }
    (stem, config.default_language.clone())
}

/// A file name that starts with a date (`2024-01-02-post`,
/// `2024-01-02T10:00:00Z_post`, `2024-01-02`): the date, and the rest after
/// `-` or `_` (a space may come first), which Zola makes the slug.
fn dated_name(name: &str) -> (Option<&str>, Option<&str>) {
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let in_range = |text: &str, low: u32, high: u32| {
        digits(text) && text.parse::<u32>().is_ok_and(|n| (low..=high).contains(&n))
    };
    let date_only = name.get(..10).filter(|date| {
        let b = date.as_bytes();
        digits(&date[..4])
            && b[4] == b'-'
            && in_range(&date[5..7], 1, 12)
            && b[7] == b'-'
            && in_range(&date[8..10], 1, 31)
    });
    let Some(date_only) = date_only else {
        return (None, None);
    };
    let date = match time_of_day(&name[10..]) {
        Some(length) => &name[..10 + length],
        None => date_only,
    };
    let rest = &name[date.len()..];
    let rest = rest.strip_prefix(char::is_whitespace).unwrap_or(rest);
    let slug = rest
        .strip_prefix(['-', '_'])
        .filter(|slug| !slug.is_empty());
    (Some(date), slug)
}

/// The length of `Thh:mm:ss[.frac](Z|±hh:mm)` at the start of `text`, if it is there whole.
fn time_of_day(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let two = |at: usize, high: u32| {
        text.get(at..at + 2)
            .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|t| t.parse::<u32>().ok())
            .is_some_and(|n| n <= high)
    };
    let clock = b.first() == Some(&b'T')
        && two(1, 23)
        && b.get(3) == Some(&b':')
        && two(4, 59)
        && b.get(6) == Some(&b':')
        && two(7, 60);
    if !clock {
        return None;
    }
    let mut at = 9;
    if b.get(at) == Some(&b'.') {
        let fraction = b[at + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if fraction == 0 {
            return None;
        }
        at += 1 + fraction;
    }
    match b.get(at) {
        Some(b'Z') => Some(at + 1),
        Some(b'+' | b'-') if two(at + 1, 23) && b.get(at + 3) == Some(&b':') && two(at + 4, 59) => {
            Some(at + 6)
        }
        _ => None,
    }
}

/// Reads every Markdown file under `root`.
pub fn load(root: &Path, config: &Config) -> anyhow::Result<Content> {
    let (mut files, mut others) = (Vec::new(), BTreeMap::new());
    let globs = &config.ignored_content_globs;
    // Without globs, no file's full path is made only to be matched against none.
    let ignored = |relative: &Path| {
        !globs.is_empty() && (globs.is_match(relative) || globs.is_match(root.join(relative)))
    };
    collect(root, Path::new(""), &mut files, &mut others)?;
    files.retain(|relative| !ignored(relative));
    files.sort();
    let parsed = crate::parallel::map(&files, |relative| {
        let full = root.join(relative);
        let text = std::fs::read_to_string(&full)
            .with_context(|| format!("reading {}", full.display()))?;
        let relative = relative.to_string_lossy().replace('\\', "/");
        parse(config, &relative, &text).with_context(|| format!("in content/{relative}"))
    })?;
    // Room for every page at once (growing the list a page at a time copied it over again).
    let pages = parsed
        .iter()
        .filter(|file| matches!(file, File::Page(_)))
        .count();
    let mut content = Content {
        pages: Vec::with_capacity(pages),
        sections: Vec::new(),
    };
    for file in parsed {
        match file {
            File::Page(page) => content.pages.push(page),
            File::Section(section) => content.sections.push(*section),
        }
    }
    // A draft section takes its whole folder out of the build, every
    // language's files and subfolders with it, as Zola skips the folder.
    let drafted: Vec<String> = content
        .sections
        .iter()
        .filter(|s| s.front.draft)
        .map(|s| {
            s.relative_path
                .rsplit_once('/')
                .map_or(String::new(), |(dir, _)| format!("{dir}/"))
        })
        .collect();
    let kept = |relative: &str| !drafted.iter().any(|dir| relative.starts_with(dir.as_str()));
    content.pages.retain(|page| kept(&page.relative_path));
    content
        .sections
        .retain(|section| kept(&section.relative_path));
    for page in &mut content.pages {
        let (dir, file) = page.relative_path.rsplit_once('/').unwrap_or(("", ""));
        // `index.md` at the root is the home's page, not a bundle.
        if file.starts_with("index.") && !dir.is_empty() {
            page.assets = assets(&others, dir, true, &ignored);
        }
    }
    for section in &mut content.sections {
        let dir = section
            .relative_path
            .rsplit_once('/')
            .map_or("", |(dir, _)| dir);
        section.assets = assets(&others, dir, false, &ignored);
    }
    add_implicit_roots(&mut content, config);
    link_sections(&mut content, config)?;
    Ok(content)
}

/// The files of `dir` (and its subfolders when `deep`) that are not
/// Markdown, an editor's temporary file or ignored, as Zola finds a page's
/// or section's assets: relative to `root`, in Zola's order (the path
/// ignoring case). `others` are the folders' files as [`collect`] found
/// them: a section's folder may hold thousands of pages, not read again.
fn assets(others: &Others, dir: &str, deep: bool, ignored: &dyn Fn(&Path) -> bool) -> Vec<String> {
    let own = others.get(dir).into_iter();
    let under = format!("{dir}/");
    // A folder's subfolders sort together right after `dir/` (not after
    // `dir`: `dir-2` comes between).
    let below = others
        .range::<str, _>((
            std::ops::Bound::Included(under.as_str()),
            std::ops::Bound::Unbounded,
        ))
        .take_while(|(folder, _)| folder.starts_with(&under) || dir.is_empty())
        .map(|(_, files)| files)
        .filter(|_| deep);
    let mut found: Vec<String> = own
        .chain(below)
        .flatten()
        .filter(|relative| !ignored(relative))
        .map(|relative| relative.to_string_lossy().replace('\\', "/"))
        .collect();
    found.sort_by_cached_key(|path| path.to_lowercase());
    found
}

/// Not Markdown, and not what an editor leaves beside a file while it is
/// open (Zola skips both, and files without an extension).
fn is_asset(path: &Path) -> bool {
    let Some(extension) = path.extension().map(|e| e.to_string_lossy()) else {
        return false;
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    let temporary = matches!(
        extension.as_ref(),
        "swp" | "swx" | "tmp" | ".DS_STORE" | ".DS_Store" | "kate-swp"
    ) || ["jb_old___", "jb_tmp___", "jb_bak___", "~", "bck"]
        .iter()
        .any(|end| extension.ends_with(end))
        || stem.starts_with('#')
        || stem.starts_with(".#");
    extension != "md" && !temporary
}

/// Like Zola, every language has a home section even without an `_index.<lang>.md`.
fn add_implicit_roots(content: &mut Content, config: &Config) {
    let languages =
        std::iter::once(config.default_language.clone()).chain(config.languages.keys().cloned());
    for lang in languages {
        let file = if lang == config.default_language {
            "_index.md".to_owned()
        } else {
            format!("_index.{lang}.md")
        };
        if content.sections.iter().any(|s| s.relative_path == file) {
            continue;
        }
        let path = format!("{}/", config.language_prefix(&lang));
        content.sections.push(Section {
            relative_path: file,
            lang,
            front: SectionFront::default(),
            markdown: String::new(),
            templated: None,
            reading: (0, 0),
            path,
            html: String::new(),
            toc: toc_value(&[]),
            pages: Vec::new(),
            ignored: Vec::new(),
            subsections: Vec::new(),
            implicit: true,
            assets: Vec::new(),
        });
    }
}

/// Per folder under `content/` (`guide/features`, `` for `content/`
/// itself), its files that may be assets (see [`is_asset`]), relative to
/// `content/`.
type Others = BTreeMap<String, Vec<PathBuf>>;

/// The Markdown files under `dir` into `files`, and the others into
/// `others`, in one reading of each folder.
fn collect(
    root: &Path,
    under: &Path,
    files: &mut Vec<PathBuf>,
    others: &mut Others,
) -> anyhow::Result<()> {
    let dir = root.join(under);
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        // Made from the folder's own relative path: a full path made and
        // taken apart again per file was most of the reading of a folder
        // of 10,000 pages.
        let relative = under.join(entry.file_name());
        if is_dir(&entry)? {
            collect(root, &relative, files, others)?;
        } else if relative.extension().is_some_and(|e| e == "md") {
            // Zola skips hidden files.
            if !relative
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                files.push(relative);
            }
        } else if is_asset(&relative) {
            let folder = under.to_string_lossy().replace('\\', "/");
            others.entry(folder).or_default().push(relative);
        }
    }
    Ok(())
}

/// Whether a directory entry is a folder (or a link to one), from the
/// listing's own file type: no `stat` per file in a folder of 10,000 pages.
fn is_dir(entry: &std::fs::DirEntry) -> std::io::Result<bool> {
    let kind = entry.file_type()?;
    Ok(kind.is_dir() || (kind.is_symlink() && entry.path().is_dir()))
}

/// A content file, parsed, boxed: the parsed files are moved twice on one
/// core (gathered from every core, then sorted into pages and sections),
/// and a page is large; boxed, it is not moved at all.
enum File {
    Page(Box<Page>),
    Section(Box<Section>),
}

/// Parses one file into the content. `relative` uses `/` separators.
pub fn read_one(
    content: &mut Content,
    config: &Config,
    relative: &str,
    text: &str,
) -> anyhow::Result<()> {
    match parse(config, relative, text)? {
        File::Page(page) => content.pages.push(page),
        File::Section(section) => content.sections.push(*section),
    }
    Ok(())
}

fn parse(config: &Config, relative: &str, text: &str) -> anyhow::Result<File> {
    let (front, body) = split_front_matter(text)?;
    let (dir, file) = relative.rsplit_once('/').unwrap_or(("", relative));
    let stem = file.strip_suffix(".md").unwrap_or(file);
    let (base, lang) = language_of(stem, config);
    let reading = reading_analytics(body, &lang);
    let prefix = config.language_prefix(&lang);
    if base == "_index" {
        let front: SectionFront = toml::from_str(front).context("section front matter")?;
        let path = if dir.is_empty() {
            format!("{prefix}/")
        } else {
            format!("{prefix}/{dir}/")
        };
        return Ok(File::Section(Box::new(Section {
            relative_path: relative.to_owned(),
            lang,
            front,
            markdown: body.to_owned(),
            templated: None,
            reading,
            path,
            html: String::new(),
            toc: toc_value(&[]),
            pages: Vec::new(),
            ignored: Vec::new(),
            subsections: Vec::new(),
            implicit: false,
            assets: Vec::new(),
        })));
    }
    let mut front: PageFront = match crate::front_matter::plain_page_front(front) {
        Some(front) => front,
        None => toml::from_str(front).context("page front matter")?,
    };
    // `dir/index.md` is the page `dir` (a page bundle).
    let (parent, own) = if base == "index" {
        dir.rsplit_once('/').unwrap_or(("", dir))
    } else {
        (dir, base)
    };
    // A date written as text reads as TOML's own when it is one
    // (`"2024-01-20 09:00"` is `2024-01-20T09:00:00`), as Zola reads it;
    // Zola's TOML writes the seconds even where the file has none.
    for date in [&mut front.date, &mut front.updated].into_iter().flatten() {
        let parsed = match date {
            toml::Value::String(text) => text.parse::<toml::value::Datetime>().ok(),
            toml::Value::Datetime(datetime) => Some(*datetime),
            _ => None,
        };
        if let Some(mut datetime) = parsed {
            if let Some(time) = &mut datetime.time {
                time.second.get_or_insert(0);
            }
            *date = toml::Value::Datetime(datetime);
        }
    }
    let (date_in_name, slug_in_name) = dated_name(own);
    if front.date.is_none() {
        front.date = date_in_name.map(|date| toml::Value::String(date.to_owned()));
    }
    let strategy = config.slugify.paths;
    let slug = match (&front.slug, slug_in_name) {
        (Some(slug), _) => slugify_path(slug, strategy),
        (None, Some(slug)) if !config.slugify.paths_keep_dates => slugify_path(slug, strategy),
        _ => slugify_path(own, strategy),
    };
    // A front-matter `path` is the whole path, without the language's prefix.
    let path = match &front.path {
        Some(path) => format!("/{}/", path.trim().trim_matches('/')).replace("//", "/"),
        None if parent.is_empty() => format!("{prefix}/{slug}/"),
        None => format!("{prefix}/{parent}/{slug}/"),
    };
    let language_suffix = if lang == config.default_language {
        String::new()
    } else {
        format!(".{lang}")
    };
    let section = if parent.is_empty() {
        format!("_index{language_suffix}.md")
    } else {
        format!("{parent}/_index{language_suffix}.md")
    };
    Ok(File::Page(Box::new(Page {
        relative_path: relative.to_owned(),
        lang,
        front,
        markdown: body.to_owned(),
        templated: None,
        reading,
        slug,
        path,
        listed_in: section.clone(),
        section,
        html: tera::Value::safe_string(""),
        summary: None,
        toc: toc_value(&[]),
        assets: Vec::new(),
    })))
}

/// Attaches pages and subsections to their sections, sorted as Zola does.
pub fn link_sections(content: &mut Content, config: &Config) -> anyhow::Result<()> {
    let index: BTreeMap<String, usize> = content
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.relative_path.clone(), i))
        .collect();
    for section in &mut content.sections {
        section.pages.clear();
        section.ignored.clear();
        section.subsections.clear();
    }
    for (position, page) in content.pages.iter_mut().enumerate() {
        if !page.is_listed() {
            // Zola gives a page it does not render no ancestors either.
            if page.front.render == Some(false) {
                page.listed_in.clear();
            }
            continue;
        }
        // A page whose folder has no section (in its language) is an
        // orphan, written but listed nowhere and without ancestors, as Zola does.
        match index.get(&page.section) {
            Some(&section) => {
                content.sections[section].pages.push(position);
                page.listed_in.clone_from(&page.section);
            }
            None => page.listed_in.clear(),
        }
    }
    let relations: Vec<(usize, String)> = content
        .sections
        .iter()
        .filter(|s| s.relative_path.contains('/'))
        .filter_map(|s| {
            let dir = s.relative_path.rsplit_once('/')?.0;
            let suffix = if s.lang == config.default_language {
                String::new()
            } else {
                format!(".{}", s.lang)
            };
            let parent = match dir.rsplit_once('/') {
                Some((up, _)) => format!("{up}/_index{suffix}.md"),
                None => format!("_index{suffix}.md"),
            };
            Some((*index.get(&parent)?, s.relative_path.clone()))
        })
        .collect();
    let mut parent_of: BTreeMap<usize, usize> = BTreeMap::new();
    for (parent, child) in relations {
        parent_of.insert(index[&child], parent);
        content.sections[parent].subsections.push(child);
    }
    // By weight, as Zola orders them (the paths break ties, where Zola's
    // order is a hash map's).
    let weights: BTreeMap<String, i64> = content
        .sections
        .iter()
        .map(|s| (s.relative_path.clone(), s.front.weight.unwrap_or(0)))
        .collect();
    for section in &mut content.sections {
        section.subsections.sort_by_key(|child| weights[child]);
    }
    // A transparent section's pages are also its parent's (and further up
    // while the parent is transparent too), sorted among them.
    for section in 0..content.sections.len() {
        let mut at = section;
        while content.sections[at].front.transparent {
            let Some(&parent) = parent_of.get(&at) else {
                break;
            };
            let pages = content.sections[section].pages.clone();
            content.sections[parent].pages.extend(pages);
            at = parent;
        }
        if at != section {
            let listed_in = content.sections[at].relative_path.clone();
            for &page in &content.sections[section].pages {
                content.pages[page].listed_in = listed_in.clone();
            }
        }
    }
    let pages = &content.pages;
    for section in &mut content.sections {
        let sort_by = section.front.sort_by.as_deref().unwrap_or("none");
        if sort_by == "none" {
            continue;
        }
        let sortable = |page: &Page| match sort_by {
            "date" => page.front.date.is_some(),
            "update_date" => page.front.date.is_some() || page.front.updated.is_some(),
            "weight" => page.front.weight.is_some(),
            "title" | "title_bytes" => page.front.title.is_some(),
            _ => true,
        };
        let (sorted, ignored): (Vec<usize>, Vec<usize>) =
            section.pages.iter().partition(|&&p| sortable(&pages[p]));
        let order = |a: &Page, b: &Page| match sort_by {
            "weight" => a.front.weight.cmp(&b.front.weight),
            "title" => lexical_sort::natural_lexical_cmp(
                a.front.title.as_deref().unwrap_or_default(),
                b.front.title.as_deref().unwrap_or_default(),
            ),
            "title_bytes" => a.front.title.cmp(&b.front.title),
            "slug" => lexical_sort::natural_lexical_cmp(&a.slug, &b.slug),
            _ => a.path.cmp(&b.path),
        };
        // Dates are compared as text, made once per page rather than twice
        // per comparison, and sorted along with the pages (latest first).
        let date_of = |page: &Page| match sort_by {
            "date" => Some(date_key(page)),
            "update_date" => Some(latest_key(page)),
            _ => None,
        };
        const KNOWN: [&str; 7] = [
            "date",
            "update_date",
            "weight",
            "title",
            "title_bytes",
            "slug",
            "permalink",
        ];
        if !KNOWN.contains(&sort_by) {
            let other = sort_by;
            bail!(
                "content/{}: unknown sort_by \"{other}\" (date, update_date, weight, title, title_bytes, slug, permalink or none)",
                section.relative_path
            );
        }
        // Zola breaks ties by permalink, so equal keys do not follow file
        // order. The path is in the key, so a date sort (with many pages to
        // a date) does not reach into two pages per comparison; the index
        // last makes every key distinct, so an unstable sort (no scratch
        // copy) orders as a stable one.
        // Dates written as text on every core.
        let mut keyed: Vec<(Option<String>, &str, usize)> = crate::parallel::map(&sorted, |&p| {
            Ok((date_of(&pages[p]), pages[p].path.as_str(), p))
        })?;
        keyed.sort_unstable_by(|(date_a, path_a, a), (date_b, path_b, b)| {
            let by = match (date_a, date_b) {
                (Some(date_a), Some(date_b)) => date_b.cmp(date_a),
                _ => order(&pages[*a], &pages[*b]),
            };
            by.then_with(|| path_a.cmp(path_b)).then(a.cmp(b))
        });
        section.pages = keyed.into_iter().map(|(_, _, p)| p).collect();
        section.ignored = ignored;
    }
    Ok(())
}

fn latest_key(page: &Page) -> String {
    let updated = page
        .front
        .updated
        .as_ref()
        .map(date_text)
        .unwrap_or_default();
    date_key(page).max(updated)
}

fn date_key(page: &Page) -> String {
    page.front.date.as_ref().map(date_text).unwrap_or_default()
}

/// A front-matter date as text: `2023-07-06` or an RFC 3339 date-time.
pub fn date_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(text) => text.clone(),
        toml::Value::Datetime(datetime) => datetime.to_string(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split_from_the_body() {
        let (front, body) = split_front_matter("+++\ntitle = \"a\"\n+++\nHello\n").unwrap();
        assert_eq!((front, body), ("title = \"a\"\n", "Hello\n"));
        assert!(split_front_matter("no front matter").is_err());
        assert_eq!(
            split_front_matter("+++\n+++\nBody\n+++ not a fence\n").unwrap(),
            ("", "Body\n+++ not a fence\n"),
            "an empty front matter ends at its own closing line"
        );
        assert!(split_front_matter("+++\ntitle = \"a\"\n").is_err());
    }

    #[test]
    fn front_matter_is_found_as_zolas_pattern_finds_it() {
        for (file, front, body) in [
            // Blank lines before the opening +++, blank space after both fences
            // (a theme page of Zola's own documentation has both).
            (
                "\n  +++  \r\ntitle = \"a\"\n+++        \n\n# Heading\n",
                "title = \"a\"\n",
                "# Heading\n",
            ),
            // A +++ with more text after it on its line does not close the front matter.
            (
                "+++\ntitle = \"C+++\"\n+++\nBody",
                "title = \"C+++\"\n",
                "Body",
            ),
            ("+++\ntitle = \"a\"\n+++", "title = \"a\"\n", ""),
            (
                "+++\r\ntitle = \"a\"\r\n+++\r\n  indented\r\n",
                "title = \"a\"\r\n",
                "  indented\r\n",
            ),
        ] {
            assert_eq!(split_front_matter(file).unwrap(), (front, body), "{file:?}");
        }
        assert!(split_front_matter("+++ title = \"a\"\n+++\n").is_err());
        assert!(split_front_matter("x\n+++\n+++\n").is_err());
    }

    #[test]
    fn a_bundles_assets_are_its_folders_and_subfolders_files_only() {
        let mut others = Others::new();
        for (folder, file) in [
            ("blog", "blog/Cover.png"),
            ("blog-old", "blog-old/x.png"),
            ("blog/post", "blog/post/b.png"),
            ("blog/post/sub", "blog/post/sub/a.txt"),
            ("blog/postscript", "blog/postscript/c.png"),
        ] {
            others
                .entry(folder.to_owned())
                .or_default()
                .push(PathBuf::from(file));
        }
        let none = |_: &Path| false;
        assert_eq!(
            assets(&others, "blog/post", true, &none),
            ["blog/post/b.png", "blog/post/sub/a.txt"]
        );
        assert_eq!(assets(&others, "blog", false, &none), ["blog/Cover.png"]);
        assert_eq!(
            assets(&others, "blog", true, &|p: &Path| p.ends_with("c.png")),
            ["blog/Cover.png", "blog/post/b.png", "blog/post/sub/a.txt"]
        );
    }

    #[test]
    fn unknown_front_matter_fields_are_refused() {
        let config = Config::parse("base_url = \"https://x\"\ndefault_language = \"zh\"").unwrap();
        let mut content = Content::default();
        let error =
            read_one(&mut content, &config, "a.md", "+++\ntitel = \"x\"\n+++\n").unwrap_err();
        assert!(format!("{error:#}").contains("titel"), "{error:#}");
    }
}
