//! The course catalogue (R4, R5): course groups, courses made of class hours,
//! and certification bundles. Loaded from `site/data/catalog.toml`, the same
//! file the site generator renders, and validated as a whole.

mod ids;
mod loading;
mod media;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use ids::{BundleId, CatalogueIdError, CourseId, HourId};
pub use media::{LessonMedia, MediaKind, MediaName, lesson_folder};

use crate::data_file::{DataErrors, bundled};
use crate::learner::LearnerCategory;
use crate::requirement::{MANDATORY_HOURS, Requirement};
use crate::settings::YearSettings;

const TITLE_MAX_ZH: usize = 60;
const TITLE_MAX_EN: usize = 120;
const SUMMARY_MAX: usize = 400;

/// The three groups of R4. Which groups count for whom is [`Requirement`]'s business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseGroup {
    /// 必修课: 10 hours in all.
    Mandatory,
    /// 选修课.
    Elective,
    /// 认证课程: sold only as bundles.
    Certification,
}

impl CourseGroup {
    pub const ALL: [Self; 3] = [Self::Mandatory, Self::Elective, Self::Certification];

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Mandatory => "必修课",
            Self::Elective => "选修课",
            Self::Certification => "认证课程",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Mandatory => "Mandatory",
            Self::Elective => "Elective",
            Self::Certification => "Certification",
        }
    }
}

/// Who a certification bundle is for (R4, R8, R9): holders take 30 hours,
/// new learners 40. Titled learners follow the new learners' path (see
/// [`Requirement::for_category`]), so they buy the 40-hour bundle too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleAudience {
    Holder,
    New,
}

impl BundleAudience {
    pub fn admits(self, category: LearnerCategory) -> bool {
        match self {
            Self::Holder => category == LearnerCategory::Holder,
            Self::New => matches!(category, LearnerCategory::New | LearnerCategory::Titled),
        }
    }

    /// A bundle covers exactly the flexible part of its audience's requirement.
    pub fn hours(self) -> u32 {
        let category = match self {
            Self::Holder => LearnerCategory::Holder,
            Self::New => LearnerCategory::New,
        };
        Requirement::for_category(category).flexible_hours
    }
}

/// A text in Chinese, with its English version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bilingual {
    pub zh: String,
    pub en: String,
}

/// One class hour (R5): a lesson with its own title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lesson {
    pub id: HourId,
    pub title: Bilingual,
    /// Its own study length in minutes; most hours last the year's
    /// class hour (see [`Lesson::study_seconds`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u8>,
    /// What the hour is about, shown to anyone (the lesson itself only to
    /// those who bought it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<Bilingual>,
    pub media: LessonMedia,
}

impl Lesson {
    /// How long this hour is studied before it may be marked learned (R10)
    /// in `year`: its own length, else the year's class hour.
    pub fn study_seconds(&self, year: &YearSettings) -> u32 {
        u32::from(self.minutes.unwrap_or(year.class_hour_minutes)) * 60
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Course {
    pub id: CourseId,
    pub group: CourseGroup,
    pub field: Bilingual,
    pub title: Bilingual,
    pub summary: Bilingual,
    /// In teaching order; never empty.
    pub lessons: Vec<Lesson>,
}

impl Course {
    pub fn hours(&self) -> u32 {
        self.lessons.len() as u32
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bundle {
    pub id: BundleId,
    pub audience: BundleAudience,
    pub title: Bilingual,
    pub summary: Bilingual,
    /// Certification courses; their hours add up to `audience.hours()`.
    pub courses: Vec<CourseId>,
}

/// The whole validated catalogue. Every id it hands out resolves.
#[derive(Debug, Clone)]
pub struct Catalogue {
    courses: Vec<Course>,
    bundles: Vec<Bundle>,
    course_index: HashMap<CourseId, usize>,
}

impl Catalogue {
    /// The catalogue compiled into this binary from `site/data/catalog.toml`.
    pub fn bundled() -> Result<Self, DataErrors> {
        Self::from_toml(bundled::CATALOG_TOML)
    }

    pub fn from_toml(text: &str) -> Result<Self, DataErrors> {
        loading::from_toml(text)
    }

    pub fn courses(&self) -> &[Course] {
        &self.courses
    }

    pub fn courses_in(&self, group: CourseGroup) -> impl Iterator<Item = &Course> {
        self.courses
            .iter()
            .filter(move |course| course.group == group)
    }

    pub fn course(&self, id: &CourseId) -> Option<&Course> {
        self.course_index.get(id).map(|&index| &self.courses[index])
    }

    pub fn lesson(&self, id: &HourId) -> Option<(&Course, &Lesson)> {
        let course = self.course(id.course())?;
        let lesson = course.lessons.get(usize::from(id.number()) - 1)?;
        Some((course, lesson))
    }

    pub fn group_of(&self, id: &HourId) -> Option<CourseGroup> {
        self.lesson(id).map(|(course, _)| course.group)
    }

    pub fn bundles(&self) -> &[Bundle] {
        &self.bundles
    }

    pub fn bundle(&self, id: &BundleId) -> Option<&Bundle> {
        self.bundles.iter().find(|bundle| &bundle.id == id)
    }

    /// Every class hour of a bundle, in course order.
    pub fn bundle_hours(&self, bundle: &Bundle) -> Vec<HourId> {
        bundle
            .courses
            .iter()
            .filter_map(|id| self.course(id))
            .flat_map(|course| course.lessons.iter().map(|lesson| lesson.id.clone()))
            .collect()
    }

    pub fn total_hours(&self, group: CourseGroup) -> u32 {
        self.courses_in(group).map(Course::hours).sum()
    }
}

#[cfg(test)]
pub(crate) mod tests;
