//! Request bodies as they arrive, and their parsing into domain types:
//! every field is checked before any logic runs.

use jiff::civil::Date;
use serde::Deserialize;
use ticedu_api::password::Password;
use ticedu_api::{ApiError, FieldErrors};
use ticedu_domain::contact::{EmailAddress, PhoneNumber};
use ticedu_domain::identity::{IdNumber, PersonName, Username};
use ticedu_domain::learner::{
    DocumentNumber, HolderCertificateKind, HolderDetails, LearnerKind, NewLearnerDetails,
    ShortText, TitleDetails,
};
use utoipa::ToSchema;

/// 注册账号 (R1).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Real name as on the ID card, e.g. 钟检 or 买买提·艾力.
    pub name: String,
    /// The 18-character resident ID number.
    pub id_number: String,
    pub kind: KindRequest,
    /// A mainland mobile number; a phone or an email is required.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// 8–128 characters with letters and digits.
    pub password: String,
}

/// The learner's kind and its data (R16, R18).
#[derive(Deserialize, ToSchema)]
#[serde(tag = "category", rename_all = "snake_case", deny_unknown_fields)]
pub enum KindRequest {
    /// 持证人员.
    Holder {
        #[schema(value_type = String, example = "level_examination")]
        certificate_kind: HolderCertificateKind,
        original_certificate_no: String,
        /// YYYY-MM-DD: the continuing-education certificate's expiry.
        expires_on: String,
    },
    /// 新入行及其他.
    New {
        /// YYYY-MM-DD.
        learning_started_on: String,
    },
    /// 职称.
    Titled {
        title_kind: String,
        issuing_authority: String,
        title_certificate_no: String,
    },
}

pub struct Registration {
    pub name: PersonName,
    pub id_number: IdNumber,
    pub kind: LearnerKind,
    pub phone: Option<PhoneNumber>,
    pub email: Option<EmailAddress>,
    pub password: Password,
}

impl RegisterRequest {
    /// Every field is checked, and every refusal answered at once.
    pub fn parse(self, today: Date) -> Result<Registration, ApiError> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", PersonName::parse(&self.name));
        let id_number = errors.check("id_number", IdNumber::parse(&self.id_number, today));
        let kind = self.kind.parse(today, &mut errors);
        let given = |text: Option<String>| text.filter(|text| !text.trim().is_empty());
        let phone_given = given(self.phone);
        let email_given = given(self.email);
        if phone_given.is_none() && email_given.is_none() {
            errors.push(
                "phone",
                "contact.missing",
                "请填写手机号码或电子邮箱（至少一项）。",
                "Please give a mobile number or an email address.",
            );
        }
        let phone = phone_given.and_then(|phone| errors.check("phone", PhoneNumber::parse(&phone)));
        let email =
            email_given.and_then(|email| errors.check("email", EmailAddress::parse(&email)));
        let password = errors.check("password", Password::new_password(self.password));
        errors.finish()?;
        // Every check passed, so every value is there (finish() answered otherwise).
        match (name, id_number, kind, password) {
            (Some(name), Some(id_number), Some(kind), Some(password)) => Ok(Registration {
                name,
                id_number,
                kind,
                phone,
                email,
                password,
            }),
            _ => Err(ApiError::unavailable()),
        }
    }
}

impl KindRequest {
    fn parse(self, today: Date, errors: &mut FieldErrors) -> Option<LearnerKind> {
        match self {
            Self::Holder {
                certificate_kind,
                original_certificate_no,
                expires_on,
            } => {
                let number = errors.check(
                    "kind.original_certificate_no",
                    DocumentNumber::parse(&original_certificate_no),
                );
                let expires_on = errors.date("kind.expires_on", &expires_on);
                Some(LearnerKind::Holder(HolderDetails {
                    certificate_kind,
                    original_certificate_no: number?,
                    expires_on: expires_on?,
                }))
            }
            Self::New {
                learning_started_on,
            } => {
                let started = errors.date("kind.learning_started_on", &learning_started_on)?;
                if started > today {
                    errors.push(
                        "kind.learning_started_on",
                        "date.in_future",
                        "开始学习日期不能晚于今天。",
                        "Learning cannot start after today.",
                    );
                    return None;
                }
                Some(LearnerKind::New(NewLearnerDetails {
                    learning_started_on: started,
                }))
            }
            Self::Titled {
                title_kind,
                issuing_authority,
                title_certificate_no,
            } => {
                let title_kind = errors.check("kind.title_kind", ShortText::parse(&title_kind));
                let authority = errors.check(
                    "kind.issuing_authority",
                    ShortText::parse(&issuing_authority),
                );
                let number = errors.check(
                    "kind.title_certificate_no",
                    DocumentNumber::parse(&title_certificate_no),
                );
                Some(LearnerKind::Titled(TitleDetails {
                    title_kind: title_kind?,
                    issuing_authority: authority?,
                    title_certificate_no: number?,
                }))
            }
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// e.g. 钟检1101056782
    pub username: String,
    pub password: String,
    /// `true` (the site's pages): the token is set as the session cookie
    /// (HttpOnly) and left out of the answer; the request must carry the
    /// `X-Ticedu-Csrf` header. Otherwise the answer holds a bearer token.
    #[serde(default)]
    pub cookie: bool,
}

impl LoginRequest {
    pub fn parse(self) -> Result<(Username, Password), ApiError> {
        let mut errors = FieldErrors::new();
        let username = errors.check("username", Username::parse(&self.username));
        let password = errors.check("password", Password::attempt(self.password));
        errors.finish()?;
        username.zip(password).ok_or_else(ApiError::unavailable)
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

impl ChangePasswordRequest {
    pub fn parse(self) -> Result<(Password, Password), ApiError> {
        let current =
            Password::attempt(self.current_password).map_err(|e| ApiError::invalid(&e))?;
        let new = Password::new_password(self.new_password).map_err(|e| ApiError::invalid(&e))?;
        Ok((current, new))
    }
}
