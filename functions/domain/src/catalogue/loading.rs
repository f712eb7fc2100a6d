//! `site/data/catalog.toml` as written, and its validation as a whole into
//! a [`Catalogue`]: every problem of the file is reported at once, each
//! under the entry and field it concerns.

use std::collections::{BTreeSet, HashMap};
use std::num::NonZeroU16;

use serde::Deserialize;

use super::*;
use crate::data_file::{DataErrors, Problems, parse_toml};
use crate::settings::MAX_CLASS_HOUR_MINUTES;

pub(super) fn from_toml(text: &str) -> Result<Catalogue, DataErrors> {
    let raw: RawCatalogue = parse_toml(FILE, text)?;
    raw.validate()
}

const FILE: &str = "site/data/catalog.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    #[serde(default)]
    course: Vec<RawCourse>,
    #[serde(default)]
    bundle: Vec<RawBundle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCourse {
    id: String,
    group: CourseGroup,
    field: String,
    field_en: String,
    title: String,
    title_en: String,
    summary: String,
    summary_en: String,
    hours: Vec<RawHour>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHour {
    title: String,
    title_en: String,
    /// This hour's study length, when it is not the year's class hour.
    minutes: Option<u8>,
    summary: Option<String>,
    summary_en: Option<String>,
    /// File names in `site/lessons/{course}/{number}/`.
    video: Option<String>,
    courseware: Option<String>,
    handout: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBundle {
    id: String,
    audience: BundleAudience,
    title: String,
    title_en: String,
    summary: String,
    summary_en: String,
    courses: Vec<String>,
}

/// Checks one Chinese/English pair and reports problems under `field` / `field_en`.
fn bilingual(
    problems: &mut Problems,
    entry: &str,
    (field, field_en): (&'static str, &'static str),
    (zh, en): (&str, &str),
    (max_zh, max_en): (usize, usize),
) -> Bilingual {
    for (name, text, max) in [(field, zh, max_zh), (field_en, en, max_en)] {
        if text.trim().is_empty() {
            problems.add(entry, name, "must not be empty");
        } else if text.chars().count() > max {
            problems.add(entry, name, format!("is longer than {max} characters"));
        }
    }
    Bilingual {
        zh: zh.trim().to_owned(),
        en: en.trim().to_owned(),
    }
}

impl RawCatalogue {
    fn validate(self) -> Result<Catalogue, DataErrors> {
        let mut problems = Problems::new(FILE);
        let mut seen_ids = BTreeSet::new();
        let mut courses = Vec::with_capacity(self.course.len());

        for (position, raw) in self.course.into_iter().enumerate() {
            let entry = format!("course #{} \"{}\"", position + 1, raw.id);
            if !seen_ids.insert(raw.id.clone()) {
                problems.add(&entry, "id", "is used by another course or bundle");
            }
            let id = match CourseId::parse(&raw.id) {
                Ok(id) => id,
                Err(_) => {
                    problems.add(
                        &entry,
                        "id",
                        "must be 3–48 lower-case letters, digits and single hyphens",
                    );
                    continue;
                }
            };
            let field = bilingual(
                &mut problems,
                &entry,
                ("field", "field_en"),
                (&raw.field, &raw.field_en),
                (TITLE_MAX_ZH, TITLE_MAX_EN),
            );
            let title = bilingual(
                &mut problems,
                &entry,
                ("title", "title_en"),
                (&raw.title, &raw.title_en),
                (TITLE_MAX_ZH, TITLE_MAX_EN),
            );
            let summary = bilingual(
                &mut problems,
                &entry,
                ("summary", "summary_en"),
                (&raw.summary, &raw.summary_en),
                (SUMMARY_MAX, SUMMARY_MAX * 2),
            );
            if raw.hours.is_empty() {
                problems.add(&entry, "hours", "a course has at least one class hour");
            }
            if raw.hours.len() > usize::from(u16::MAX) {
                problems.add(&entry, "hours", "has more class hours than can be numbered");
                continue;
            }
            let lessons = raw
                .hours
                .iter()
                .zip(1u16..)
                .map(|(hour, number)| {
                    let hour_entry = format!("{entry} hour {number}");
                    let title = bilingual(
                        &mut problems,
                        &hour_entry,
                        ("title", "title_en"),
                        (&hour.title, &hour.title_en),
                        (TITLE_MAX_ZH, TITLE_MAX_EN),
                    );
                    if hour
                        .minutes
                        .is_some_and(|minutes| !(1..=MAX_CLASS_HOUR_MINUTES).contains(&minutes))
                    {
                        problems.add(
                            &hour_entry,
                            "minutes",
                            format!("must be 1 to {MAX_CLASS_HOUR_MINUTES}"),
                        );
                    }
                    let summary = match (&hour.summary, &hour.summary_en) {
                        (None, None) => None,
                        (zh, en) => Some(bilingual(
                            &mut problems,
                            &hour_entry,
                            ("summary", "summary_en"),
                            (zh.as_deref().unwrap_or(""), en.as_deref().unwrap_or("")),
                            (SUMMARY_MAX, SUMMARY_MAX * 2),
                        )),
                    };
                    let mut file = |field: &'static str, kind: MediaKind, name: &Option<String>| {
                        let name = name.as_deref()?;
                        MediaName::parse(kind, name)
                            .map_err(|problem| problems.add(&hour_entry, field, problem))
                            .ok()
                    };
                    let media = LessonMedia {
                        video: file("video", MediaKind::Video, &hour.video),
                        courseware: file("courseware", MediaKind::Courseware, &hour.courseware),
                        handout: file("handout", MediaKind::Handout, &hour.handout),
                    };
                    let number = NonZeroU16::new(number).expect("numbering starts at 1");
                    Lesson {
                        id: HourId::new(id.clone(), number),
                        title,
                        minutes: hour.minutes,
                        summary,
                        media,
                    }
                })
                .collect();
            courses.push(Course {
                id,
                group: raw.group,
                field,
                title,
                summary,
                lessons,
            });
        }

        let course_index: HashMap<CourseId, usize> = courses
            .iter()
            .enumerate()
            .map(|(index, course)| (course.id.clone(), index))
            .collect();

        let mandatory: u32 = courses
            .iter()
            .filter(|c| c.group == CourseGroup::Mandatory)
            .map(Course::hours)
            .sum();
        if mandatory != MANDATORY_HOURS {
            problems.add(
                "group \"mandatory\"",
                "hours",
                format!(
                    "mandatory courses must total {MANDATORY_HOURS} hours (R4), found {mandatory}"
                ),
            );
        }

        let mut bundles = Vec::with_capacity(self.bundle.len());
        let mut bundled_courses = BTreeSet::new();
        for (position, raw) in self.bundle.into_iter().enumerate() {
            let entry = format!("bundle #{} \"{}\"", position + 1, raw.id);
            if !seen_ids.insert(raw.id.clone()) {
                problems.add(&entry, "id", "is used by another course or bundle");
            }
            let Ok(id) = BundleId::parse(&raw.id) else {
                problems.add(
                    &entry,
                    "id",
                    "must be 3–48 lower-case letters, digits and single hyphens",
                );
                continue;
            };
            let title = bilingual(
                &mut problems,
                &entry,
                ("title", "title_en"),
                (&raw.title, &raw.title_en),
                (TITLE_MAX_ZH, TITLE_MAX_EN),
            );
            let summary = bilingual(
                &mut problems,
                &entry,
                ("summary", "summary_en"),
                (&raw.summary, &raw.summary_en),
                (SUMMARY_MAX, SUMMARY_MAX * 2),
            );
            let mut members = Vec::with_capacity(raw.courses.len());
            let mut hours = 0;
            for course_id in &raw.courses {
                let course = CourseId::parse(course_id)
                    .ok()
                    .and_then(|id| course_index.get(&id))
                    .map(|&index| &courses[index]);
                match course {
                    None => problems.add(
                        &entry,
                        "courses",
                        format!("\"{course_id}\" is not a course in this file"),
                    ),
                    Some(course) if course.group != CourseGroup::Certification => problems.add(
                        &entry,
                        "courses",
                        format!("\"{course_id}\" is not a certification course"),
                    ),
                    Some(course) if members.contains(&course.id) => problems.add(
                        &entry,
                        "courses",
                        format!("\"{course_id}\" is listed twice"),
                    ),
                    Some(course) => {
                        hours += course.hours();
                        bundled_courses.insert(course.id.clone());
                        members.push(course.id.clone());
                    }
                }
            }
            let expected = raw.audience.hours();
            if hours != expected {
                problems.add(&entry, "courses", format!("a bundle for this audience has {expected} hours (R4), these courses have {hours}"));
            }
            bundles.push(Bundle {
                id,
                audience: raw.audience,
                title,
                summary,
                courses: members,
            });
        }

        for course in courses
            .iter()
            .filter(|c| c.group == CourseGroup::Certification)
        {
            if !bundled_courses.contains(&course.id) {
                problems.add(
                    format!("course \"{}\"", course.id),
                    "group",
                    "certification courses are sold only in bundles, but no bundle lists this one",
                );
            }
        }

        problems.finish(Catalogue {
            courses,
            bundles,
            course_index,
        })
    }
}
