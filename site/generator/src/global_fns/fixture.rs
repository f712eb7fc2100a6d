//! A small site for the functions' tests: two languages, a blog section
//! with one page in each, a static file, data files in each format, and a
//! file just outside the site's folder.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use tera::{Context, Function, FunctionResult, Kwargs, Map, State, TeraResult, Value};

use crate::config::Config;
use crate::lookup::Lookup;
use crate::values::Fields;

const CONFIG: &str = r#"
base_url = "https://example.org"
default_language = "en"
[languages.fr]
[translations]
hello = "Hello"
only_english = "Only in English"
[languages.fr.translations]
hello = "Bonjour"
"#;

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("creating a folder");
    std::fs::write(path, text).expect("writing a fixture file");
}

fn titled(title: &str) -> Value {
    Fields::new().set("title", title).build()
}

/// The site's folder lives inside the returned temp dir, beside `secret.txt`.
pub fn site() -> (tempfile::TempDir, Arc<Lookup>) {
    site_with(|_| {})
}

/// The fixture site, changed by `change` before the functions see it.
pub fn site_with(change: impl FnOnce(&mut Lookup)) -> (tempfile::TempDir, Arc<Lookup>) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let root = dir.path().join("site");
    write(dir.path(), "secret.txt", "outside the site");
    write(&root, "static/site.css", "body{}\n");
    write(&root, "data/people.toml", "[[person]]\nname = \"Ada\"\n");
    write(
        &root,
        "data/people.json",
        r#"{"person": [{"name": "Grace"}]}"#,
    );
    write(&root, "data/notes.txt", "plain *text*");
    write(&root, "data/broken.toml", "name = ");
    write(&root, "data/table.csv", "a,b\n1,\"2, with a comma\"\n3,4\n");
    write(&root, "data/ragged.csv", "a,b\n1,2,3\n");

    let first = titled("First");
    let premier = titled("Premier");
    let blog = Fields::new()
        .set("title", "Blog")
        .set("pages", vec![first.clone()])
        .build();
    let mut lookup = Lookup {
        config: Config::parse(CONFIG).expect("the fixture config parses"),
        static_dir: root.join("static"),
        content_dir: root.join("content"),
        root,
        pages: HashMap::from([
            ("blog/first.md".to_owned(), first),
            ("blog/first.fr.md".to_owned(), premier),
            ("blog/second.md".to_owned(), titled("Second")),
        ]),
        sections: HashMap::from([("blog/_index.md".to_owned(), blog)]),
        permalinks: HashMap::from([
            (
                "blog/first.md".to_owned(),
                "https://example.org/blog/first/".to_owned(),
            ),
            (
                "blog/first.fr.md".to_owned(),
                "https://example.org/fr/blog/first/".to_owned(),
            ),
        ]),
        catalogue: HashMap::from([("en".to_owned(), titled("Courses"))]),
        taxonomies: HashMap::new(),
    };
    change(&mut lookup);
    (dir, Arc::new(lookup))
}

/// A render context as the build gives it: `lang` is the page's language.
pub fn context(lang: Option<&str>) -> Context {
    let mut context = Context::new();
    if let Some(lang) = lang {
        context.insert("lang", lang);
    }
    context
}

/// Calls `function` as a template rendering a page in `lang` would.
pub fn call<F, R>(function: &F, kwargs: Kwargs, lang: Option<&str>) -> TeraResult<Value>
where
    F: Function<R>,
    R: FunctionResult,
{
    let context = context(lang);
    function.call(kwargs, &State::new(&context)).into_result()
}

/// The text at `path` (`person.0.name`) in a value.
pub fn text<'v>(value: &'v Value, path: &'v str) -> Option<&'v str> {
    value.get_from_path(path).and_then(Value::as_str)
}

/// `path` and one more argument.
pub fn with(path: &str, name: &'static str, value: Value) -> Kwargs {
    Kwargs::from([("path", path.into()), (name, value)])
}

pub fn no_args() -> Kwargs {
    Kwargs::new(Arc::new(Map::new()))
}

/// The text of a call's error, for asserting on what a template author reads.
pub fn error<F, R>(function: &F, kwargs: Kwargs) -> String
where
    F: Function<R>,
    R: FunctionResult,
{
    match call(function, kwargs, None) {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(error) => error.to_string(),
    }
}

/// Asserts that each call is refused with an error containing its text.
pub fn assert_errors<F, R, const N: usize>(function: &F, cases: [(Kwargs, &str); N])
where
    F: Function<R>,
    R: FunctionResult,
{
    for (kwargs, expected) in cases {
        let error = error(function, kwargs);
        assert!(error.contains(expected), "«{expected}» not in «{error}»");
    }
}

/// Asserts that `argument` is required and must be text.
pub fn assert_requires_text<F, R>(function: &F, argument: &'static str)
where
    F: Function<R>,
    R: FunctionResult,
{
    let missing = format!("Missing keyword argument `{argument}`");
    assert_errors(
        function,
        [
            (no_args(), missing.as_str()),
            (Kwargs::from([(argument, true.into())]), "expected `&str`"),
        ],
    );
}
