//! Redirects, rendered with `internal/alias.html` (the site's, else Zola's)
//! and nothing but `url` in its context: each `aliases` entry of a page or
//! section, and a section's `redirect_to` in place of the section.

use crate::config::Config;
use crate::content::Content;

/// Where an alias is written, as a URL path: `old/post` and `/old/post/`
/// are the folder's `index.html`, `old.html` is that file.
pub fn alias_path(alias: &str) -> String {
    let alias = alias.trim_start_matches('/');
    if alias.ends_with(".html") {
        format!("/{alias}")
    } else {
        format!("/{}/", alias.trim_end_matches('/'))
    }
    .replace("//", "/")
}

/// Every alias of the site's pages and sections (drafts have none; a page
/// with `render = false` keeps its, as in Zola), with
/// the permalink it sends to.
pub fn aliases(content: &Content, config: &Config) -> Vec<(String, String)> {
    let pages = content
        .pages
        .iter()
        .filter(|p| !p.front.draft)
        .flat_map(|p| p.front.aliases.iter().map(|a| (a, &p.path)));
    let sections = content
        .sections
        .iter()
        .filter(|s| !s.front.draft)
        .flat_map(|s| s.front.aliases.iter().map(|a| (a, &s.path)));
    pages
        .chain(sections)
        .map(|(alias, path)| (alias_path(alias), config.permalink(path)))
        .collect()
}

/// A section's `redirect_to`: an external URL as it is, else a path of the
/// site, made a permalink as Zola makes one (a trailing `/` added unless
/// the path ends with one, names a feed or holds a `#`).
pub fn redirect_url(redirect_to: &str, config: &Config) -> String {
    if redirect_to.starts_with("http:") || redirect_to.starts_with("https:") {
        return redirect_to.to_owned();
    }
    let path = redirect_to.trim_start_matches('/');
    let keeps_its_end = path.is_empty()
        || path.ends_with('/')
        || path.contains('#')
        || config
            .feed_filenames
            .iter()
            .any(|f| path.ends_with(f.as_str()));
    let slash = if keeps_its_end { "" } else { "/" };
    format!("{}/{path}{slash}", config.base_url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alias_is_a_folders_index_unless_it_names_an_html_file() {
        assert_eq!(alias_path("old/post"), "/old/post/");
        assert_eq!(alias_path("/old/post/"), "/old/post/");
        assert_eq!(alias_path("old/post.html"), "/old/post.html");
        assert_eq!(alias_path("/"), "/");
    }

    #[test]
    fn redirect_to_keeps_external_urls_and_makes_permalinks_of_paths() {
        let config = Config::parse("base_url = \"https://x.org\"").unwrap();
        assert_eq!(redirect_url("https://y.org/a", &config), "https://y.org/a");
        assert_eq!(
            redirect_url("docs/start", &config),
            "https://x.org/docs/start/"
        );
        assert_eq!(redirect_url("/docs/", &config), "https://x.org/docs/");
        assert_eq!(redirect_url("docs#top", &config), "https://x.org/docs#top");
        assert_eq!(redirect_url("atom.xml", &config), "https://x.org/atom.xml");
    }
}
