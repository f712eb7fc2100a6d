//! Builds synthetic Zola sites of 2,000 and 10,000 pages and reports the
//! median wall time and the peak memory (VmHWM) of a build in a fresh
//! process. Each page has ~400 words of Markdown and front matter with a
//! title, description, date and `[extra]` fields; the index lists every page
//! through `get_section`, the section template lists `section.pages`.
//!
//! Run: `cargo bench -p ticedu-site --bench synthetic` (add sizes as
//! arguments to change them). With `ZOLA=/path/to/zola` set, Zola builds the
//! same sites in the same run and the ratios are printed. Both are timed by
//! GNU time (`/usr/bin/time`, Debian's `time`): wall seconds and maximum RSS.

use std::path::Path;
use std::process::Command;

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

fn main() {
    if let Ok(root) = std::env::var(CHILD) {
        let root = Path::new(&root);
        ticedu_site::build(
            &ticedu_site::SiteDirs::new(root.join("site")),
            &root.join("public"),
            None,
        )
        .expect("the synthetic site builds");
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
    let zola = std::env::var("ZOLA").ok();
    println!("synthetic Zola site: median of {RUNS} builds, each in a fresh process (GNU time)");
    println!(
        "{:>8} {:>10} {:>12} {:>12} {:>12} {:>8} {:>8}",
        "pages", "ours", "ours memory", "zola", "zola memory", "speedup", "memory"
    );
    for pages in sizes {
        let dir = tempfile::tempdir().unwrap();
        synthetic_site(&dir.path().join("site"), pages);
        let ours = median_run(|| {
            let mut command = Command::new(std::env::current_exe().unwrap());
            command.env(CHILD, dir.path());
            command
        });
        let theirs = zola.as_ref().map(|zola| {
            median_run(|| {
                let mut command = Command::new(zola);
                command
                    .arg("--root")
                    .arg(dir.path().join("site"))
                    .args(["build", "--force", "--output-dir"])
                    .arg(dir.path().join("zola-public"));
                command
            })
        });
        let (their_time, their_memory) = theirs
            .map_or(("-".to_owned(), "-".to_owned()), |(t, m)| {
                (format!("{t:.3} s"), format!("{m:.0} MB"))
            });
        let ratios = theirs.map_or(("-".to_owned(), "-".to_owned()), |(t, m)| {
            (format!("{:.2}x", t / ours.0), format!("{:.2}", ours.1 / m))
        });
        println!(
            "{pages:>8} {:>8.3} s {:>9.0} MB {their_time:>12} {their_memory:>12} {:>8} {:>8}",
            ours.0, ours.1, ratios.0, ratios.1
        );
    }
}

/// Median wall seconds and median maximum RSS (MB) of `RUNS` runs under GNU time.
fn median_run(command: impl Fn() -> Command) -> (f64, f64) {
    let mut times = Vec::new();
    let mut memory = Vec::new();
    for _ in 0..RUNS {
        let inner = command();
        let mut timed = Command::new("/usr/bin/time");
        timed
            .args(["-f", "TIMED %e %M"])
            .arg(inner.get_program())
            .args(inner.get_args());
        for (key, value) in inner.get_envs() {
            if let Some(value) = value {
                timed.env(key, value);
            }
        }
        let output = timed
            .output()
            .expect("GNU time runs (Debian package `time`)");
        assert!(
            output.status.success(),
            "build failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        let line = stderr
            .lines()
            .find_map(|l| l.strip_prefix("TIMED "))
            .expect("GNU time's line");
        let mut numbers = line.split_whitespace().map(|n| n.parse::<f64>().unwrap());
        times.push(numbers.next().unwrap());
        memory.push(numbers.next().unwrap() / 1024.0);
    }
    times.sort_by(f64::total_cmp);
    memory.sort_by(f64::total_cmp);
    (times[RUNS / 2], memory[RUNS / 2])
}
