//! Builds synthetic Zola sites (2,000 and 10,000 pages by default) side by
//! side with Zola and reports, per file system and scenario, the median
//! wall time and peak memory (VmHWM) of a build in a fresh process:
//!
//! - `first`: into a folder that does not exist yet;
//! - `again`: into the folder of the previous build, nothing changed;
//! - `edited`: into that folder after one page's text changed.
//!
//! Each runs on a RAM disk (`/dev/shm`) and on the real disk (the temp dir,
//! or `TICEDU_BENCH_DISK`), the site's sources on the same file system as
//! its output. Each page has ~400 words of Markdown and front matter with a
//! title, description, date and `[extra]` fields; the index lists every page
//! through `get_section`, the section template lists `section.pages`.
//!
//! Run: `cargo bench -p ticedu-site --bench synthetic` (sizes as arguments,
//! `TICEDU_BENCH_RUNS` runs per figure, 3 by default). With
//! `ZOLA=/path/to/zola`, Zola (`zola build --force`) builds the same sites
//! in the same run and the ratios are printed. Timed by GNU time
//! (`/usr/bin/time`, Debian's `time`): wall seconds and maximum RSS.

mod site;

/// As `ticedu-site`'s own binary: the builds measured are the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::Command;

const CHILD: &str = "TICEDU_SYNTHETIC_SITE";

#[derive(Clone, Copy)]
enum Scenario {
    First,
    Again,
    Edited,
}

impl Scenario {
    const ALL: [Scenario; 3] = [Scenario::First, Scenario::Again, Scenario::Edited];

    fn name(self) -> &'static str {
        match self {
            Scenario::First => "first",
            Scenario::Again => "again",
            Scenario::Edited => "edited",
        }
    }
}

struct Figure {
    seconds: f64,
    megabytes: f64,
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
    let runs: usize = std::env::var("TICEDU_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let zola = std::env::var("ZOLA").ok();
    let disks = [
        ("ram", PathBuf::from("/dev/shm")),
        (
            "disk",
            std::env::var("TICEDU_BENCH_DISK").map_or_else(|_| std::env::temp_dir(), PathBuf::from),
        ),
    ];
    println!("synthetic Zola site: median of {runs} builds, each in a fresh process (GNU time)");
    println!(
        "{:>7} {:>5} {:>7} {:>9} {:>8} {:>9} {:>8} {:>8} {:>7}",
        "pages", "fs", "build", "ours", "ours MB", "zola", "zola MB", "speedup", "memory"
    );
    for pages in &sizes {
        for (fs, place) in &disks {
            let dir = tempfile::tempdir_in(place).expect("a folder on the file system");
            site::write(&dir.path().join("site"), *pages);
            for scenario in Scenario::ALL {
                let ours = median(runs, scenario, dir.path(), "public", || {
                    let mut command = Command::new(std::env::current_exe().unwrap());
                    command.env(CHILD, dir.path());
                    command
                });
                let theirs = zola.as_ref().map(|zola| {
                    median(runs, scenario, dir.path(), "zola-public", || {
                        let mut command = Command::new(zola);
                        command
                            .arg("--root")
                            .arg(dir.path().join("site"))
                            .args(["build", "--force", "--output-dir"])
                            .arg(dir.path().join("zola-public"));
                        command
                    })
                });
                let (their_time, their_memory, speedup, memory) = match theirs {
                    Some(t) => (
                        format!("{:.3} s", t.seconds),
                        format!("{:.0}", t.megabytes),
                        format!("{:.2}x", t.seconds / ours.seconds),
                        format!("{:.2}", ours.megabytes / t.megabytes),
                    ),
                    None => ("-".into(), "-".into(), "-".into(), "-".into()),
                };
                println!(
                    "{pages:>7} {fs:>5} {:>7} {:>7.3} s {:>8.0} {their_time:>9} {their_memory:>8} {speedup:>8} {memory:>7}",
                    scenario.name(),
                    ours.seconds,
                    ours.megabytes
                );
            }
        }
    }
}

/// Median wall seconds and median maximum RSS of `runs` builds of `scenario`
/// into `dir/output`, the folder prepared before each (not timed).
fn median(
    runs: usize,
    scenario: Scenario,
    dir: &Path,
    output: &str,
    command: impl Fn() -> Command,
) -> Figure {
    let output = dir.join(output);
    let mut times = Vec::new();
    let mut memory = Vec::new();
    for run in 0..runs {
        match scenario {
            Scenario::First => {
                if output.exists() {
                    std::fs::remove_dir_all(&output).unwrap();
                }
            }
            Scenario::Again => {}
            Scenario::Edited => site::edit_one_page(&dir.join("site"), run),
        }
        let (seconds, megabytes) = timed(command());
        times.push(seconds);
        memory.push(megabytes);
    }
    times.sort_by(f64::total_cmp);
    memory.sort_by(f64::total_cmp);
    Figure {
        seconds: times[runs / 2],
        megabytes: memory[runs / 2],
    }
}

fn timed(inner: Command) -> (f64, f64) {
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
    (numbers.next().unwrap(), numbers.next().unwrap() / 1024.0)
}
