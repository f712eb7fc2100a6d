//! Pages generated from data (what Zola cannot do: getzola/zola#906, #1230):
//! one page per course and per class hour, from `site/data/catalog.toml` and
//! the year's price in `settings.toml` — the very data the functions charge by.

use tera::Value;
use ticedu_domain::catalogue::{Catalogue, Course, CourseGroup};
use ticedu_domain::money::Fen;
use ticedu_domain::settings::YearSettings;

use crate::values::Fields;

/// One generated page: where it goes, its template and its variables.
pub struct DataPage {
    pub lang: String,
    pub path: String,
    pub template: &'static str,
    pub title: String,
    pub description: String,
    pub variables: Vec<(&'static str, Value)>,
}

fn pick<'a>(lang: &str, zh: &'a str, en: &'a str) -> &'a str {
    if lang == "zh" { zh } else { en }
}

fn course_path(prefix: &str, course: &Course) -> String {
    format!("{prefix}/courses/{}/", course.id)
}

fn course_value(course: &Course, lang: &str, prefix: &str, price: Fen) -> Value {
    let hours: Vec<Value> = course
        .lessons
        .iter()
        .map(|lesson| {
            Fields::new()
                .set("id", lesson.id.to_string())
                .set("number", i64::from(lesson.id.number()))
                .set("title", pick(lang, &lesson.title.zh, &lesson.title.en))
                .set("title_zh", lesson.title.zh.as_str())
                .set("title_en", lesson.title.en.as_str())
                .set(
                    "path",
                    format!("{}{}/", course_path(prefix, course), lesson.id.number()),
                )
                .build()
        })
        .collect();
    let total = price.saturating_mul(u64::from(course.hours()));
    Fields::new()
        .set("id", course.id.as_str())
        .set("group", group_id(course.group))
        .set(
            "group_title",
            pick(lang, course.group.label_zh(), course.group.label_en()),
        )
        .set("field", pick(lang, &course.field.zh, &course.field.en))
        .set("title", pick(lang, &course.title.zh, &course.title.en))
        .set("title_zh", course.title.zh.as_str())
        .set("title_en", course.title.en.as_str())
        .set(
            "summary",
            pick(lang, &course.summary.zh, &course.summary.en),
        )
        .set("hour_count", i64::from(course.hours()))
        .set("price_fen", total.get() as i64)
        .set("price", total.to_string())
        .set("path", course_path(prefix, course))
        .set("hours", hours)
        .build()
}

fn group_id(group: CourseGroup) -> &'static str {
    match group {
        CourseGroup::Mandatory => "mandatory",
        CourseGroup::Elective => "elective",
        CourseGroup::Certification => "certification",
    }
}

/// The catalogue as templates see it through `get_catalogue()`.
///
/// `downloads` is the year's batches with their download days (R17),
/// computed by the domain from `settings.toml` and `calendar.toml`: counting
/// working days is a rule, not something to redo in a template.
pub fn catalogue_value(
    catalogue: &Catalogue,
    year: &YearSettings,
    downloads: &Value,
    lang: &str,
    prefix: &str,
) -> Value {
    let price = year.price_per_hour;
    let groups: Vec<Value> = CourseGroup::ALL
        .iter()
        .map(|group| {
            let courses: Vec<Value> = catalogue
                .courses_in(*group)
                .map(|c| course_value(c, lang, prefix, price))
                .collect();
            Fields::new()
                .set("id", group_id(*group))
                .set("title", pick(lang, group.label_zh(), group.label_en()))
                .set("hours", i64::from(catalogue.total_hours(*group)))
                .set("courses", courses)
                .build()
        })
        .collect();
    let bundles: Vec<Value> = catalogue
        .bundles()
        .iter()
        .map(|bundle| {
            let hours = catalogue.bundle_hours(bundle).len() as u64;
            let courses: Vec<Value> = bundle
                .courses
                .iter()
                .filter_map(|id| catalogue.course(id))
                .map(|c| course_value(c, lang, prefix, price))
                .collect();
            Fields::new()
                .set("id", bundle.id.as_str())
                .set("audience", format!("{:?}", bundle.audience).to_lowercase())
                .set("title", pick(lang, &bundle.title.zh, &bundle.title.en))
                .set(
                    "summary",
                    pick(lang, &bundle.summary.zh, &bundle.summary.en),
                )
                .set("hour_count", hours as i64)
                .set("price", price.saturating_mul(hours).to_string())
                .set("courses", courses)
                .build()
        })
        .collect();
    Fields::new()
        .set("year", i64::from(year.year))
        .set("price_per_hour", price.to_string())
        .set("price_per_hour_fen", price.get() as i64)
        .set("downloads", downloads.clone())
        .set("groups", groups)
        .set("bundles", bundles)
        .build()
}

/// Every course page and class-hour page in `lang`.
pub fn data_pages(
    catalogue: &Catalogue,
    year: &YearSettings,
    lang: &str,
    prefix: &str,
) -> Vec<DataPage> {
    let mut pages = Vec::new();
    for course in catalogue.courses() {
        let value = course_value(course, lang, prefix, year.price_per_hour);
        let title = pick(lang, &course.title.zh, &course.title.en).to_owned();
        pages.push(DataPage {
            lang: lang.to_owned(),
            path: course_path(prefix, course),
            template: "course.html",
            title: title.clone(),
            description: pick(lang, &course.summary.zh, &course.summary.en).to_owned(),
            variables: vec![("course", value.clone())],
        });
        for (index, lesson) in course.lessons.iter().enumerate() {
            let hour_title = pick(lang, &lesson.title.zh, &lesson.title.en).to_owned();
            let summary = lesson
                .summary
                .as_ref()
                .map(|summary| pick(lang, &summary.zh, &summary.en));
            let neighbour = |i: Option<usize>| {
                i.and_then(|i| course.lessons.get(i))
                    .map_or_else(Value::none, |l| {
                        Value::from(format!("{}{}/", course_path(prefix, course), l.id.number()))
                    })
            };
            let hour = Fields::new()
                .set("id", lesson.id.to_string())
                .set("number", i64::from(lesson.id.number()))
                .set("title", hour_title.as_str())
                // Its own study length; none: the year's class hour.
                .set(
                    "minutes",
                    lesson
                        .minutes
                        .map_or_else(Value::none, |minutes| Value::from(i64::from(minutes))),
                )
                .set("previous", neighbour(index.checked_sub(1)))
                .set("next", neighbour(Some(index + 1)))
                // Public: what the hour is about. The lesson's files are
                // private; the page only knows which kinds there are.
                .set("summary", summary.map_or_else(Value::none, Value::from))
                .set("video", lesson.media.video.is_some())
                .set("courseware", lesson.media.courseware.is_some())
                .set("handout", lesson.media.handout.is_some())
                .build();
            pages.push(DataPage {
                lang: lang.to_owned(),
                path: format!("{}{}/", course_path(prefix, course), lesson.id.number()),
                template: "hour.html",
                description: match summary {
                    Some(summary) => format!("{hour_title} · {summary}"),
                    None => format!("{title} · {hour_title}"),
                },
                title: hour_title,
                variables: vec![("course", value.clone()), ("hour", hour)],
            });
        }
    }
    pages
}
