//! The synthetic site the benchmark builds, and the edit of its `edited` runs.

use std::path::Path;

const WORDS: [&str; 16] = [
    "inspection",
    "cargo",
    "sample",
    "weight",
    "survey",
    "draft",
    "container",
    "report",
    "quality",
    "standard",
    "laboratory",
    "检验",
    "鉴定",
    "抽样",
    "证书",
    "学时",
];

fn put(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn page(n: usize, edit: Option<usize>) -> String {
    let mut body = String::with_capacity(3000);
    for paragraph in 0..8 {
        body.push_str(&format!("## Part {paragraph}\n\n"));
        for w in 0..50 {
            body.push_str(WORDS[(n * 7 + paragraph * 13 + w) % WORDS.len()]);
            body.push(if w % 12 == 11 { '.' } else { ' ' });
        }
        body.push_str("\n\n");
    }
    if let Some(edit) = edit {
        body.push_str(&format!("Edited, run {edit}.\n"));
    }
    let front = format!(
        "+++\ntitle = \"Post {n}\"\ndescription = \"Synthetic post number {n}\"\ndate = 2023-{:02}-{:02}\n[extra]\nauthor = \"Author {}\"\nhours = {}\ntags = [\"a\", \"b\"]\nfeatured = {}\n+++\n",
        n % 12 + 1,
        n % 28 + 1,
        n % 50,
        n % 40,
        n % 2 == 0
    );
    format!("{front}{body}")
}

pub fn write(root: &Path, pages: usize) {
    put(
        &root.join("config.toml"),
        "base_url = \"https://bench.example\"\ntitle = \"Bench\"\n",
    );
    put(
        &root.join("content/_index.md"),
        "+++\ntitle = \"Home\"\n+++\n",
    );
    put(
        &root.join("content/posts/_index.md"),
        "+++\ntitle = \"Posts\"\nsort_by = \"date\"\n+++\n",
    );
    for n in 0..pages {
        put(
            &root.join(format!("content/posts/post-{n}.md")),
            &page(n, None),
        );
    }
    put(
        &root.join("templates/base.html"),
        "<!doctype html><html><head><title>{% block title %}{{ config.title }}{% endblock title %}</title></head><body>{% block content %}{% endblock content %}</body></html>",
    );
    put(
        &root.join("templates/index.html"),
        "{% extends \"base.html\" %}{% block content %}{% set posts = get_section(path=\"posts/_index.md\") %}<ul>{% for page in posts.pages %}<li><a href=\"{{ page.permalink }}\">{{ page.title }}</a> {{ page.date }} {{ page.extra.author }}</li>{% endfor %}</ul>{% endblock content %}",
    );
    put(
        &root.join("templates/section.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1>{% for page in section.pages %}<article><h2>{{ page.title }}</h2><p>{{ page.description }} · {{ page.extra.hours }}</p></article>{% endfor %}{% endblock content %}",
    );
    put(
        &root.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block title %}{{ page.title }}{% endblock title %}{% block content %}<h1>{{ page.title }}</h1><p>{{ page.date }} {{ page.extra.author }}</p>{{ page.content | safe }}{% endblock content %}",
    );
}

/// Changes the text of one page (the first), differently on each run.
pub fn edit_one_page(root: &Path, run: usize) {
    put(&root.join("content/posts/post-0.md"), &page(0, Some(run)));
}
