//! The printed learning record (学时证明) read back as people and machines
//! read it: its text through `pdftotext`, its pages through `pdfinfo`, and
//! its QR code through `zbarimg` on a 150 dpi rendering of the first page.

mod readback;

use jiff::civil::date;
use readback::{font, path, run};
use ticedu_certificate_pdf::{RenderError, render_record};
use ticedu_domain::catalogue::{CourseGroup, HourId};
use ticedu_domain::cycle::{Cycle, CycleNumber, LearnerCycle};
use ticedu_domain::identity::PersonName;
use ticedu_domain::learner::LearnerCategory;
use ticedu_domain::learning_record::{LearningRecord, RecordFacts};
use ticedu_domain::requirement::LearnedHour;

/// `count` hours of the sampling course, one every half day from 2024-03-01 09:00 China time.
fn marks(count: u16) -> Vec<LearnedHour> {
    let first: jiff::Timestamp = "2024-03-01T01:00:00Z".parse().unwrap();
    (1..=count)
        .map(|n| {
            let at = first
                .checked_add(jiff::SignedDuration::from_hours(12 * i64::from(n - 1)))
                .unwrap();
            LearnedHour {
                hour: HourId::parse(&format!("sampling/{n}")).unwrap(),
                group: CourseGroup::Elective,
                learned_on: jiff::tz::offset(8).to_datetime(at).date(),
                learned_at: Some(at),
                cycle: CycleNumber::FIRST,
                studied_seconds: Some(2700),
            }
        })
        .collect()
}

fn record_of(name: &str, marks: &[LearnedHour], title: &str) -> LearningRecord {
    let name = PersonName::parse(name).unwrap();
    let cycle = LearnerCycle {
        number: CycleNumber::FIRST,
        cycle: Cycle::ending_on(date(2027, 7, 6)),
        renews: Some(date(2027, 7, 6)),
    };
    LearningRecord::compile(
        RecordFacts {
            learner: "0123456789abcdef0123456789abcdef",
            name: &name,
            category: LearnerCategory::Holder,
            cycle: &cycle,
            cycle_start: date(2023, 7, 6),
            cycle_end: date(2027, 7, 6),
            marks,
            issued_on: date(2026, 12, 2),
        },
        |_| Some(title.to_owned()),
    )
    .unwrap()
}

fn link(record: &LearningRecord) -> String {
    format!(
        "https://ce.example.cn/verify/?{}",
        record.seal().link_query(&"S".repeat(86))
    )
}

/// The PDF of `record` written to a temporary folder.
fn printed(record: &LearningRecord) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("record.pdf");
    std::fs::write(&pdf, render_record(&font(), record, &link(record)).unwrap()).unwrap();
    (dir, pdf)
}

const TITLE: &str = "GB/T 2828.1 计数抽样检验程序";

#[test]
fn a_record_states_the_learner_the_cycle_every_hour_and_the_total() {
    let record = record_of("欧阳检鉴", &marks(3), TITLE);
    let (_dir, pdf) = printed(&record);
    let text = run("pdftotext", &["-layout", path(&pdf), "-"]);
    for expected in [
        "继续教育学时证明",
        "中国出入境检验检疫协会",
        record.no.as_str(),
        "欧阳检鉴",
        "第 1 个周期 2023-07-06 — 2027-07-06",
        "3 / 40 学时",
        "2026-12-02",
        "2024-03-01 09:00",
        "2024-03-01 21:00",
        "2024-03-02 09:00",
        TITLE,
        "第 3 学时",
        "第 1 页，共 1 页",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
}

#[test]
fn hours_beyond_a_page_go_on_to_further_pages_each_listed_once() {
    let record = record_of("钟检", &marks(60), TITLE);
    let (_dir, pdf) = printed(&record);
    let info = run("pdfinfo", &[path(&pdf)]);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.ends_with(" 3")),
        "{info}"
    );
    let text = run("pdftotext", &["-layout", path(&pdf), "-"]);
    for n in 1..=60 {
        let hour = format!("第 {n} 学时");
        assert_eq!(
            text.matches(&format!("{hour}\n")).count() + text.matches(&format!("{hour} ")).count(),
            1,
            "{hour} in:\n{text}"
        );
    }
    assert!(text.contains("第 3 页，共 3 页"), "{text}");
    let last = run(
        "pdftotext",
        &["-layout", "-f", "3", "-l", "3", path(&pdf), "-"],
    );
    assert!(last.contains("全部 60 个学时"), "{last}");
}

#[test]
fn the_qr_code_scans_to_the_verification_link() {
    let record = record_of("欧阳检鉴", &marks(45), TITLE);
    let (dir, pdf) = printed(&record);
    let prefix = dir.path().join("page");
    run(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            path(&pdf),
            path(&prefix),
        ],
    );
    let scanned = run(
        "zbarimg",
        &["--quiet", "--raw", path(&dir.path().join("page.png"))],
    );
    assert_eq!(scanned.trim_end(), link(&record));
}

#[test]
fn characters_the_font_lacks_are_refused_not_printed_as_boxes() {
    // Extension G: a valid name character that Noto Sans CJK does not draw.
    let record = record_of("钟\u{30000}", &marks(1), TITLE);
    assert_eq!(
        render_record(&font(), &record, &link(&record)),
        Err(RenderError::NotPrintable("姓名".to_owned()))
    );
    let record = record_of("钟检", &marks(1), "抽样\u{E000}检验");
    assert_eq!(
        render_record(&font(), &record, &link(&record)),
        Err(RenderError::NotPrintable("课程".to_owned()))
    );
}
