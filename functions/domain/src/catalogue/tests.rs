use super::*;

/// A small valid catalogue: 10 mandatory hours, one elective, and
/// certification courses making a 30- and a 40-hour bundle.
pub(crate) const FIXTURE: &str = r#"
[[course]]
id = "inspection-law"
group = "mandatory"
field = "法律法规"
field_en = "Law"
title = "进出口商品检验法律法规"
title_en = "Inspection law"
summary = "法律"
summary_en = "Law"
hours = [
  { title = "第1讲", title_en = "Lesson 1" }, { title = "第2讲", title_en = "Lesson 2" },
  { title = "第3讲", title_en = "Lesson 3" }, { title = "第4讲", title_en = "Lesson 4" },
  { title = "第5讲", title_en = "Lesson 5" }, { title = "第6讲", title_en = "Lesson 6" },
  { title = "第7讲", title_en = "Lesson 7" }, { title = "第8讲", title_en = "Lesson 8" },
  { title = "第9讲", title_en = "Lesson 9" }, { title = "第10讲", title_en = "Lesson 10" },
]

[[course]]
id = "sampling"
group = "elective"
field = "抽样"
field_en = "Sampling"
title = "抽样技术"
title_en = "Sampling"
summary = "抽样"
summary_en = "Sampling"
hours = [{ title = "抽样方案", title_en = "Plans" }, { title = "抽样实务", title_en = "Practice" }]

[[course]]
id = "cert-a"
group = "certification"
field = "认证"
field_en = "Certification"
title = "认证A"
title_en = "Certification A"
summary = "A"
summary_en = "A"
hours = [
  { title = "1", title_en = "1" }, { title = "2", title_en = "2" }, { title = "3", title_en = "3" },
  { title = "4", title_en = "4" }, { title = "5", title_en = "5" }, { title = "6", title_en = "6" },
  { title = "7", title_en = "7" }, { title = "8", title_en = "8" }, { title = "9", title_en = "9" },
  { title = "10", title_en = "10" }, { title = "11", title_en = "11" }, { title = "12", title_en = "12" },
  { title = "13", title_en = "13" }, { title = "14", title_en = "14" }, { title = "15", title_en = "15" },
  { title = "16", title_en = "16" }, { title = "17", title_en = "17" }, { title = "18", title_en = "18" },
  { title = "19", title_en = "19" }, { title = "20", title_en = "20" }, { title = "21", title_en = "21" },
  { title = "22", title_en = "22" }, { title = "23", title_en = "23" }, { title = "24", title_en = "24" },
  { title = "25", title_en = "25" }, { title = "26", title_en = "26" }, { title = "27", title_en = "27" },
  { title = "28", title_en = "28" }, { title = "29", title_en = "29" }, { title = "30", title_en = "30" },
]

[[course]]
id = "cert-b"
group = "certification"
field = "认证"
field_en = "Certification"
title = "认证B"
title_en = "Certification B"
summary = "B"
summary_en = "B"
hours = [
  { title = "1", title_en = "1" }, { title = "2", title_en = "2" }, { title = "3", title_en = "3" },
  { title = "4", title_en = "4" }, { title = "5", title_en = "5" }, { title = "6", title_en = "6" },
  { title = "7", title_en = "7" }, { title = "8", title_en = "8" }, { title = "9", title_en = "9" },
  { title = "10", title_en = "10" },
]

[[bundle]]
id = "bundle-30"
audience = "holder"
title = "30学时包"
title_en = "30 hours"
summary = "持证人员"
summary_en = "Holders"
courses = ["cert-a"]

[[bundle]]
id = "bundle-40"
audience = "new"
title = "40学时包"
title_en = "40 hours"
summary = "新学员"
summary_en = "New learners"
courses = ["cert-a", "cert-b"]
"#;

fn problems_of(text: &str) -> Vec<(String, &'static str, String)> {
    Catalogue::from_toml(text)
        .unwrap_err()
        .errors
        .into_iter()
        .map(|error| (error.entry, error.field, error.problem))
        .collect()
}

#[test]
fn the_fixture_loads_with_numbered_hours_and_bundles() {
    let catalogue = Catalogue::from_toml(FIXTURE).unwrap();
    assert_eq!(catalogue.courses().len(), 4);
    assert_eq!(catalogue.total_hours(CourseGroup::Mandatory), 10);
    let hour = HourId::parse("sampling/2").unwrap();
    let (course, lesson) = catalogue.lesson(&hour).unwrap();
    assert_eq!(
        (course.title.zh.as_str(), lesson.title.en.as_str()),
        ("抽样技术", "Practice")
    );
    assert_eq!(catalogue.group_of(&hour), Some(CourseGroup::Elective));
    assert!(
        catalogue
            .lesson(&HourId::parse("sampling/3").unwrap())
            .is_none()
    );
    let bundle = catalogue
        .bundle(&BundleId::parse("bundle-40").unwrap())
        .unwrap();
    assert_eq!(catalogue.bundle_hours(bundle).len(), 40);
}

#[test]
fn a_duplicate_course_id_is_named() {
    let text = FIXTURE.replacen("id = \"sampling\"", "id = \"inspection-law\"", 1);
    let problems = problems_of(&text);
    assert!(
        problems.iter().any(
            |(entry, field, problem)| entry == "course #2 \"inspection-law\""
                && *field == "id"
                && problem.contains("used by another")
        ),
        "{problems:?}"
    );
}

#[test]
fn mandatory_hours_must_total_ten() {
    let text = FIXTURE.replacen("{ title = \"第10讲\", title_en = \"Lesson 10\" },", "", 1);
    let problems = problems_of(&text);
    assert_eq!(
        problems,
        [(
            "group \"mandatory\"".to_owned(),
            "hours",
            "mandatory courses must total 10 hours (R4), found 9".to_owned()
        )]
    );
}

#[test]
fn a_course_without_hours_is_refused() {
    let text = FIXTURE.replacen("hours = [{ title = \"抽样方案\", title_en = \"Plans\" }, { title = \"抽样实务\", title_en = \"Practice\" }]", "hours = []", 1);
    assert_eq!(
        problems_of(&text),
        [(
            "course #2 \"sampling\"".to_owned(),
            "hours",
            "a course has at least one class hour".to_owned()
        )]
    );
}

#[test]
fn an_empty_english_hour_title_names_the_hour() {
    let text = FIXTURE.replacen("title_en = \"Practice\"", "title_en = \" \"", 1);
    assert_eq!(
        problems_of(&text),
        [(
            "course #2 \"sampling\" hour 2".to_owned(),
            "title_en",
            "must not be empty".to_owned()
        )]
    );
}

#[test]
fn an_hour_lasts_the_years_class_hour_unless_the_catalogue_gives_its_own() {
    let text = FIXTURE.replacen(
        "{ title = \"抽样实务\", title_en = \"Practice\" }",
        "{ title = \"抽样实务\", title_en = \"Practice\", minutes = 20 }",
        1,
    );
    let catalogue = Catalogue::from_toml(&text).unwrap();
    let year = crate::settings::Settings::bundled().unwrap();
    let year = year.year(2023).unwrap();
    let length = |hour| {
        let (_, lesson) = catalogue.lesson(&HourId::parse(hour).unwrap()).unwrap();
        lesson.study_seconds(year)
    };
    assert_eq!(length("sampling/1"), 45 * 60);
    assert_eq!(length("sampling/2"), 20 * 60);
}

#[test]
fn an_hour_of_no_minutes_or_more_than_two_hours_is_refused() {
    for minutes in [0, 121] {
        let text = FIXTURE.replacen(
            "title_en = \"Practice\"",
            &format!("title_en = \"Practice\", minutes = {minutes}"),
            1,
        );
        assert_eq!(
            problems_of(&text),
            [(
                "course #2 \"sampling\" hour 2".to_owned(),
                "minutes",
                "must be 1 to 120".to_owned()
            )]
        );
    }
}

#[test]
fn an_hour_declares_its_summary_and_lesson_files() {
    let text = FIXTURE.replacen(
        "title_en = \"Practice\"",
        "title_en = \"Practice\", summary = \"现场抽样\", summary_en = \"Sampling on site\", \
         video = \"lecture.mp4\", courseware = \"courseware.md\"",
        1,
    );
    let catalogue = Catalogue::from_toml(&text).unwrap();
    let (_, lesson) = catalogue
        .lesson(&HourId::parse("sampling/2").unwrap())
        .unwrap();
    assert_eq!(lesson.summary.as_ref().unwrap().en, "Sampling on site");
    let published: Vec<String> = lesson.media.files().map(MediaName::published).collect();
    assert_eq!(published, ["lecture.mp4", "courseware.html"]);
    let (_, plain) = catalogue
        .lesson(&HourId::parse("sampling/1").unwrap())
        .unwrap();
    assert!(plain.media.is_empty() && plain.summary.is_none());
}

#[test]
fn a_lesson_file_of_the_wrong_kind_or_a_half_summary_is_refused() {
    let text = FIXTURE.replacen(
        "title_en = \"Practice\"",
        "title_en = \"Practice\", summary = \"现场抽样\", video = \"../lecture.webm\"",
        1,
    );
    let problems = problems_of(&text);
    let fields: Vec<&str> = problems.iter().map(|(_, field, _)| *field).collect();
    assert_eq!(fields, ["summary_en", "video"]);
    assert!(
        problems
            .iter()
            .all(|(entry, ..)| entry == "course #2 \"sampling\" hour 2")
    );
}

#[test]
fn a_bundle_of_the_wrong_size_is_refused() {
    let text = FIXTURE.replacen("courses = [\"cert-a\"]", "courses = [\"cert-b\"]", 1);
    let problems = problems_of(&text);
    assert_eq!(problems[0].0, "bundle #1 \"bundle-30\"");
    assert_eq!(
        problems[0].2,
        "a bundle for this audience has 30 hours (R4), these courses have 10"
    );
}

#[test]
fn a_bundle_may_hold_only_existing_certification_courses_once() {
    let text = FIXTURE.replacen(
        "courses = [\"cert-a\", \"cert-b\"]",
        "courses = [\"cert-a\", \"cert-a\", \"sampling\", \"nowhere\"]",
        1,
    );
    let problems: Vec<String> = problems_of(&text)
        .into_iter()
        .map(|(_, _, problem)| problem)
        .collect();
    assert_eq!(
        &problems[..3],
        [
            "\"cert-a\" is listed twice",
            "\"sampling\" is not a certification course",
            "\"nowhere\" is not a course in this file"
        ]
    );
}

#[test]
fn a_certification_course_in_no_bundle_is_refused() {
    let text = FIXTURE.replacen(
        "courses = [\"cert-a\", \"cert-b\"]",
        "courses = [\"cert-a\"]",
        1,
    );
    let problems = problems_of(&text);
    assert!(
        problems
            .iter()
            .any(|(entry, _, problem)| entry == "course \"cert-b\""
                && problem.contains("no bundle lists this one")),
        "{problems:?}"
    );
}

#[test]
fn an_unknown_group_or_field_is_a_parse_error_with_a_line() {
    let problems =
        problems_of(&FIXTURE.replacen("group = \"elective\"", "group = \"optional\"", 1));
    assert!(problems[0].0.starts_with("line "), "{problems:?}");
    assert!(problems[0].2.contains("optional"), "{problems:?}");
    let problems = problems_of(&FIXTURE.replacen(
        "summary_en = \"Sampling\"",
        "summary_en = \"Sampling\"\nprice = 3",
        1,
    ));
    assert!(problems[0].2.contains("price"), "{problems:?}");
}

#[test]
fn a_malformed_id_is_reported_and_the_rest_still_checked() {
    let text = FIXTURE.replacen("id = \"sampling\"", "id = \"Sampling Basics\"", 1);
    let problems = problems_of(&text);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].1, "id");
}

#[test]
fn errors_display_every_problem_with_the_file_name() {
    let text = FIXTURE
        .replacen("title_en = \"Practice\"", "title_en = \"\"", 1)
        .replacen("title = \"抽样方案\"", "title = \"\"", 1);
    let message = Catalogue::from_toml(&text).unwrap_err().to_string();
    assert!(
        message.starts_with("site/data/catalog.toml has 2 problem(s):"),
        "{message}"
    );
}
