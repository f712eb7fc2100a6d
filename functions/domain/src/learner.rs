//! The three kinds of learner and what each must tell us (R16, R18).

use std::borrow::Cow;
use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize};

use crate::rejection::{Rejection, display_as_rejection};

/// Which rules apply to a learner: the requirement (R8, R9), the bundle they
/// may buy (R4) and what their certificate shows (R18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LearnerCategory {
    /// 持证人员: holds a qualification and a continuing-education certificate.
    Holder,
    /// 新入行及其他: new in the trade, no title, qualification or skill certificate.
    New,
    /// 职称: holds a professional title (专业技术人员职称).
    Titled,
}

impl LearnerCategory {
    pub const ALL: [Self; 3] = [Self::Holder, Self::New, Self::Titled];

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Holder => "持证人员",
            Self::New => "新入行及其他学员",
            Self::Titled => "职称人员",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Holder => "Certificate holder",
            Self::New => "New and other learners",
            Self::Titled => "Titled professional",
        }
    }
}

/// A learner's kind together with the data that kind carries; a holder
/// without an original certificate number cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "category", rename_all = "snake_case", deny_unknown_fields)]
pub enum LearnerKind {
    Holder(HolderDetails),
    New(NewLearnerDetails),
    Titled(TitleDetails),
}

impl LearnerKind {
    pub fn category(&self) -> LearnerCategory {
        match self {
            Self::Holder(_) => LearnerCategory::Holder,
            Self::New(_) => LearnerCategory::New,
            Self::Titled(_) => LearnerCategory::Titled,
        }
    }
}

/// The certificate a holder renews (R16, R18: shown on the new certificate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolderCertificateKind {
    /// 进出口商品检验鉴定人员水平考试合格证
    LevelExamination,
    /// 检验鉴定人员资格证
    Qualification,
}

impl HolderCertificateKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::LevelExamination => "水平考试合格证",
            Self::Qualification => "资格证",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::LevelExamination => "Level examination certificate",
            Self::Qualification => "Qualification certificate",
        }
    }
}

/// R16: what a holder files for renewal, and R18: what their certificate shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolderDetails {
    pub certificate_kind: HolderCertificateKind,
    pub original_certificate_no: DocumentNumber,
    /// Expiry of the continuing-education certificate: one of the batch dates (R17).
    pub expires_on: Date,
}

/// R18: a new learner's certificate shows when learning started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLearnerDetails {
    pub learning_started_on: Date,
}

/// R18: shown on the certificate once staff have checked them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitleDetails {
    /// 职称类别, e.g. 工程师 / 高级工程师.
    pub title_kind: ShortText,
    /// 颁证机关.
    pub issuing_authority: ShortText,
    pub title_certificate_no: DocumentNumber,
}

/// Staff's verdict on a titled learner's details (R18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TitleCheck {
    Pending,
    Confirmed,
    Rejected,
}

const DOCUMENT_NUMBER_MAX: usize = 40;
const SHORT_TEXT_MAX: usize = 60;

/// A certificate number from another issuer (the original certificate, a
/// title certificate): letters, digits, Chinese characters and `-/()`, no
/// spaces, at most 40 characters; ASCII letters upper-cased.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct DocumentNumber(String);

impl DocumentNumber {
    pub fn parse(input: &str) -> Result<Self, TextError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(TextError::Empty);
        }
        if trimmed.chars().count() > DOCUMENT_NUMBER_MAX {
            return Err(TextError::TooLong {
                max: DOCUMENT_NUMBER_MAX,
            });
        }
        let allowed = |c: char| {
            c.is_alphanumeric() || matches!(c, '-' | '/' | '(' | ')' | '（' | '）' | '.' | '_')
        };
        if !trimmed.chars().all(allowed) {
            return Err(TextError::DocumentNumberCharacters);
        }
        Ok(Self(trimmed.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One line of free text (a title kind, an authority's name): trimmed, no
/// control characters, at most 60 characters.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ShortText(String);

impl ShortText {
    pub fn parse(input: &str) -> Result<Self, TextError> {
        let collapsed = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() {
            return Err(TextError::Empty);
        }
        if collapsed.chars().count() > SHORT_TEXT_MAX {
            return Err(TextError::TooLong {
                max: SHORT_TEXT_MAX,
            });
        }
        if collapsed.chars().any(char::is_control) {
            return Err(TextError::ControlCharacters);
        }
        Ok(Self(collapsed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! text_boilerplate {
    ($ty:ident) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($ty), self.0)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = Cow::<'de, str>::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}
text_boilerplate!(DocumentNumber);
text_boilerplate!(ShortText);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    Empty,
    TooLong { max: usize },
    ControlCharacters,
    DocumentNumberCharacters,
}

display_as_rejection!(TextError);

impl Rejection for TextError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "text.empty",
            Self::TooLong { .. } => "text.too_long",
            Self::ControlCharacters => "text.control_characters",
            Self::DocumentNumberCharacters => "document_number.characters",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::Empty => "此项不能为空。".into(),
            Self::TooLong { max } => format!("此项不能超过 {max} 个字符。").into(),
            Self::ControlCharacters => "此项含有不可见的控制字符。".into(),
            Self::DocumentNumberCharacters => {
                "证书编号只能包含字母、数字、汉字和 - / ( ) . _，不能有空格。".into()
            }
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::Empty => "This field is required.".into(),
            Self::TooLong { max } => format!("At most {max} characters.").into(),
            Self::ControlCharacters => "This field contains invisible control characters.".into(),
            Self::DocumentNumberCharacters => "A certificate number has letters, digits, Chinese characters and - / ( ) . _ only, without spaces.".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn from_toml(text: &str) -> Result<LearnerKind, toml::de::Error> {
        toml::from_str(text)
    }

    #[test]
    fn each_kind_carries_its_own_data_tagged_by_category() {
        let holder = from_toml(
            "category = \"holder\"\ncertificate_kind = \"level_examination\"\noriginal_certificate_no = \" cie-2019-0012 \"\nexpires_on = \"2023-07-06\"\n",
        )
        .unwrap();
        let LearnerKind::Holder(details) = &holder else {
            panic!("{holder:?}")
        };
        assert_eq!(details.original_certificate_no.as_str(), "CIE-2019-0012");
        assert_eq!(details.expires_on, date(2023, 7, 6));
        assert_eq!(holder.category(), LearnerCategory::Holder);

        let new = from_toml("category = \"new\"\nlearning_started_on = \"2024-03-01\"\n").unwrap();
        assert_eq!(new.category(), LearnerCategory::New);

        let titled = from_toml("category = \"titled\"\ntitle_kind = \"高级工程师\"\nissuing_authority = \"北京市人力资源和社会保障局\"\ntitle_certificate_no = \"京高职（2020）0815\"\n").unwrap();
        assert_eq!(titled.category(), LearnerCategory::Titled);
    }

    #[test]
    fn a_holder_without_a_certificate_number_cannot_exist() {
        let error = from_toml("category = \"holder\"\ncertificate_kind = \"qualification\"\nexpires_on = \"2023-07-06\"\n").unwrap_err();
        assert!(
            error.to_string().contains("original_certificate_no"),
            "{error}"
        );
        let error = from_toml(
            "category = \"new\"\nlearning_started_on = \"2024-03-01\"\ntitle_kind = \"x\"\n",
        )
        .unwrap_err();
        assert!(error.to_string().contains("title_kind"), "{error}");
    }

    #[test]
    fn document_numbers_refuse_spaces_and_symbols() {
        assert_eq!(
            DocumentNumber::parse("A 123").unwrap_err().code(),
            "document_number.characters"
        );
        assert_eq!(
            DocumentNumber::parse("A<123>").unwrap_err().code(),
            "document_number.characters"
        );
        assert_eq!(
            DocumentNumber::parse("  ").unwrap_err().code(),
            "text.empty"
        );
        assert_eq!(
            DocumentNumber::parse(&"1".repeat(41)).unwrap_err().code(),
            "text.too_long"
        );
        assert_eq!(
            DocumentNumber::parse("京检（2019）-12/a").unwrap().as_str(),
            "京检（2019）-12/A"
        );
    }

    #[test]
    fn short_texts_are_collapsed_and_bounded() {
        assert_eq!(
            ShortText::parse("  高级   工程师 ").unwrap().as_str(),
            "高级 工程师"
        );
        assert_eq!(
            ShortText::parse(&"长".repeat(61)).unwrap_err().code(),
            "text.too_long"
        );
        assert_eq!(
            ShortText::parse("a\u{7}b").unwrap_err().code(),
            "text.control_characters"
        );
    }
}
