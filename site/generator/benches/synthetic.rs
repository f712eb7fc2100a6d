//! Builds synthetic Zola sites of 2,000 and 10,000 pages and reports the
//! median wall time and the peak memory (VmHWM) of a build in a fresh
//! process. Each page has ~400 words of Markdown and front matter with a
//! title, description, date and `[extra]` fields; the index lists every page
//! through `get_section`, the section template lists `section.pages`.
//!
//! Run: `cargo bench -p ticedu-site --bench synthetic` (add sizes as
//! arguments to change them). The reference for Zola 0.23 on a
//! 2-core machine: 0.45 s / 208 MB (2,000 pages), 2.04 s / 922 MB (10,000).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 5;
const CHILD: &str = "TICEDU_SYNTHETIC_SITE";

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

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn synthetic_site(root: &Path, pages: usize) {
    write(
        &root.join("config.toml"),
        "base_url = \"https://bench.example\"\ntitle = \"Bench\"\n",
    );
    write(
        &root.join("content/_index.md"),
        "+++\ntitle = \"Home\"\n+++\n",
    );
    write(
        &root.join("content/posts/_index.md"),
        "+++\ntitle = \"Posts\"\nsort_by = \"date\"\n+++\n",
    );
    for n in 0..pages {
        let mut body = String::with_capacity(3000);
        for paragraph in 0..8 {
            body.push_str(&format!("## Part {paragraph}\n\n"));
            for w in 0..50 {
                body.push_str(WORDS[(n * 7 + paragraph * 13 + w) % WORDS.len()]);
                body.push(if w % 12 == 11 { '.' } else { ' ' });
            }
            body.push_str("\n\n");
        }
        let front = format!(
            "+++\ntitle = \"Post {n}\"\ndescription = \"Synthetic post number {n}\"\ndate = 2023-{:02}-{:02}\n[extra]\nauthor = \"Author {}\"\nhours = {}\ntags = [\"a\", \"b\"]\nfeatured = {}\n+++\n",
            n % 12 + 1,
            n % 28 + 1,
            n % 50,
            n % 40,
            n % 2 == 0
        );
        write(
            &root.join(format!("content/posts/post-{n}.md")),
            &format!("{front}{body}"),
        );
    }
    write(
        &root.join("templates/base.html"),
        "<!doctype html><html><head><title>{% block title %}{{ config.title }}{% endblock title %}</title></head><body>{% block content %}{% endblock content %}</body></html>",
    );
    write(
        &root.join("templates/index.html"),
        "{% extends \"base.html\" %}{% block content %}{% set posts = get_section(path=\"posts/_index.md\") %}<ul>{% for page in posts.pages %}<li><a href=\"{{ page.permalink }}\">{{ page.title }}</a> {{ page.date }} {{ page.extra.author }}</li>{% endfor %}</ul>{% endblock content %}",
    );
    write(
        &root.join("templates/section.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1>{% for page in section.pages %}<article><h2>{{ page.title }}</h2><p>{{ page.description }} · {{ page.extra.hours }}</p></article>{% endfor %}{% endblock content %}",
    );
    write(
        &root.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block title %}{{ page.title }}{% endblock title %}{% block content %}<h1>{{ page.title }}</h1><p>{{ page.date }} {{ page.extra.author }}</p>{{ page.content | safe }}{% endblock content %}",
    );
}

fn peak_memory_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    if let Ok(root) = std::env::var(CHILD) {
        let root = Path::new(&root);
        let started = Instant::now();
        ticedu_site::build(
            &ticedu_site::SiteDirs::new(root.join("site")),
            &root.join("public"),
            None,
        )
        .expect("the synthetic site builds");
        println!("{} {}", started.elapsed().as_nanos(), peak_memory_kib());
        return;
    }
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![2_000, 10_000]
    } else {
        sizes
    };
    println!("synthetic Zola site: median of {RUNS} builds, each in a fresh process");
    println!("{:>8} {:>10} {:>12}", "pages", "wall", "peak memory");
    for pages in sizes {
        let dir = tempfile::tempdir().unwrap();
        synthetic_site(&dir.path().join("site"), pages);
        let mut times = Vec::new();
        let mut memory = Vec::new();
        for _ in 0..RUNS {
            let output = Command::new(std::env::current_exe().unwrap())
                .env(CHILD, dir.path())
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&output.stdout);
            let mut numbers = text.split_whitespace().map(|n| n.parse::<u64>().unwrap());
            times.push(Duration::from_nanos(numbers.next().unwrap()));
            memory.push(numbers.next().unwrap());
        }
        times.sort();
        memory.sort();
        println!(
            "{pages:>8} {:>8.3} s {:>9.0} MB",
            times[RUNS / 2].as_secs_f64(),
            memory[RUNS / 2] as f64 / 1024.0
        );
    }
}
