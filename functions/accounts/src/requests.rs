//! Request bodies as they arrive, and their parsing into domain types:
//! every field is checked before any logic runs.

use jiff::civil::Date;
use serde::Deserialize;
use ticedu_api::ApiError;
use ticedu_api::password::Password;
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

fn date(text: &str) -> Result<Date, ApiError> {
    text.trim().parse::<Date>().map_err(|_| {
        ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "date.invalid",
            "日期格式应为 YYYY-MM-DD。",
            "Dates are written YYYY-MM-DD.",
        )
    })
}

impl RegisterRequest {
    pub fn parse(self, today: Date) -> Result<Registration, ApiError> {
        let name = PersonName::parse(&self.name).map_err(|e| ApiError::invalid(&e))?;
        let id_number =
            IdNumber::parse(&self.id_number, today).map_err(|e| ApiError::invalid(&e))?;
        let kind = self.kind.parse(today)?;
        let phone = self
            .phone
            .filter(|p| !p.trim().is_empty())
            .map(|p| PhoneNumber::parse(&p))
            .transpose()
            .map_err(|e| ApiError::invalid(&e))?;
        let email = self
            .email
            .filter(|e| !e.trim().is_empty())
            .map(|e| EmailAddress::parse(&e))
            .transpose()
            .map_err(|e| ApiError::invalid(&e))?;
        if phone.is_none() && email.is_none() {
            return Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "contact.missing",
                "请填写手机号码或电子邮箱。",
                "Please give a mobile number or an email address.",
            ));
        }
        let password = Password::new_password(self.password).map_err(|e| ApiError::invalid(&e))?;
        Ok(Registration {
            name,
            id_number,
            kind,
            phone,
            email,
            password,
        })
    }
}

impl KindRequest {
    fn parse(self, today: Date) -> Result<LearnerKind, ApiError> {
        let text = |value: &str| ShortText::parse(value).map_err(|e| ApiError::invalid(&e));
        let number = |value: &str| DocumentNumber::parse(value).map_err(|e| ApiError::invalid(&e));
        Ok(match self {
            Self::Holder {
                certificate_kind,
                original_certificate_no,
                expires_on,
            } => LearnerKind::Holder(HolderDetails {
                certificate_kind,
                original_certificate_no: number(&original_certificate_no)?,
                expires_on: date(&expires_on)?,
            }),
            Self::New {
                learning_started_on,
            } => {
                let started = date(&learning_started_on)?;
                if started > today {
                    return Err(ApiError::new(
                        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                        "date.in_future",
                        "开始学习日期不能晚于今天。",
                        "Learning cannot start after today.",
                    ));
                }
                LearnerKind::New(NewLearnerDetails {
                    learning_started_on: started,
                })
            }
            Self::Titled {
                title_kind,
                issuing_authority,
                title_certificate_no,
            } => LearnerKind::Titled(TitleDetails {
                title_kind: text(&title_kind)?,
                issuing_authority: text(&issuing_authority)?,
                title_certificate_no: number(&title_certificate_no)?,
            }),
        })
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
        let username = Username::parse(&self.username).map_err(|e| ApiError::invalid(&e))?;
        let password = Password::attempt(self.password).map_err(|e| ApiError::invalid(&e))?;
        Ok((username, password))
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
