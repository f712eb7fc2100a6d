//! What a class hour teaches with (issue 17): a lecture video, courseware
//! and a handout, each a file in the hour's folder of `site/lessons/`. The
//! files are published to a private bucket; only a learner who bought the
//! hour gets signed access to them, so every name here ends up in a URL
//! path and is held to a small, safe alphabet.

use std::fmt;

use serde::{Serialize, Serializer};

use super::HourId;

const NAME_MAX: usize = 64;

/// The kinds of lesson file, each with the one format it is published in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// A progressive MP4 (H.264 + AAC): WeChat's browser on Android and iOS
    /// and every desktop browser play it natively, seeking by range requests.
    Video,
    /// Markdown, rendered to an HTML fragment at publishing.
    Courseware,
    Handout,
}

impl MediaKind {
    /// The extension a source file of this kind has.
    pub fn source_extension(self) -> &'static str {
        match self {
            Self::Video => "mp4",
            Self::Courseware => "md",
            Self::Handout => "pdf",
        }
    }

    /// The extension the published file has.
    pub fn published_extension(self) -> &'static str {
        match self {
            Self::Courseware => "html",
            Self::Video | Self::Handout => self.source_extension(),
        }
    }
}

/// A lesson file's name: 1–64 lower-case ASCII letters, digits, `-`, `_`
/// and one `.` before the extension its kind requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaName {
    stem: String,
    kind: MediaKind,
}

impl MediaName {
    pub fn parse(kind: MediaKind, name: &str) -> Result<Self, String> {
        let extension = kind.source_extension();
        let stem = name
            .strip_suffix(extension)
            .and_then(|rest| rest.strip_suffix('.'))
            .ok_or_else(|| format!("must be a .{extension} file"))?;
        let valid = !stem.is_empty()
            && name.len() <= NAME_MAX
            && stem
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !valid {
            return Err(format!(
                "must be a file name of lower-case letters, digits, '-' and '_' (at most {NAME_MAX} characters) ending in .{extension}"
            ));
        }
        Ok(Self {
            stem: stem.to_owned(),
            kind,
        })
    }

    pub fn kind(&self) -> MediaKind {
        self.kind
    }

    /// The name in `site/lessons/{course}/{n}/`.
    pub fn source(&self) -> String {
        format!("{}.{}", self.stem, self.kind.source_extension())
    }

    /// The name published beside it: courseware becomes `….html`.
    pub fn published(&self) -> String {
        format!("{}.{}", self.stem, self.kind.published_extension())
    }
}

impl fmt::Display for MediaName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source())
    }
}

impl Serialize for MediaName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.published())
    }
}

/// The files of one class hour. An hour with none shows its summary and an
/// honest "courseware in preparation".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LessonMedia {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video: Option<MediaName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub courseware: Option<MediaName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handout: Option<MediaName>,
}

impl LessonMedia {
    pub fn is_empty(&self) -> bool {
        self.files().next().is_none()
    }

    pub fn files(&self) -> impl Iterator<Item = &MediaName> {
        [&self.video, &self.courseware, &self.handout]
            .into_iter()
            .flatten()
    }
}

/// The folder of `hour`'s files, under `site/lessons/` as under the
/// published media root: `lessons/{course}/{number}`. Signed access is
/// granted to this folder and nothing else.
pub fn lesson_folder(hour: &HourId) -> String {
    format!("lessons/{}/{}", hour.course(), hour.number())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_to_a_safe_alphabet_and_their_kind() {
        let video = MediaName::parse(MediaKind::Video, "lecture.mp4").unwrap();
        assert_eq!(video.published(), "lecture.mp4");
        let courseware = MediaName::parse(MediaKind::Courseware, "courseware.md").unwrap();
        assert_eq!(courseware.source(), "courseware.md");
        assert_eq!(courseware.published(), "courseware.html");
        for bad in [
            "lecture.webm",
            ".mp4",
            "../x.mp4",
            "a/b.mp4",
            "Lecture.mp4",
            "a b.mp4",
            "a.b.mp4",
            "mp4",
        ] {
            assert!(MediaName::parse(MediaKind::Video, bad).is_err(), "{bad}");
        }
        let long = format!("{}.mp4", "a".repeat(61));
        assert!(MediaName::parse(MediaKind::Video, &long).is_err());
    }

    #[test]
    fn a_lesson_folder_is_named_by_its_hour() {
        let hour: HourId = "draft-survey/3".parse().unwrap();
        assert_eq!(lesson_folder(&hour), "lessons/draft-survey/3");
    }
}
