//! The rules of ticedu, the continuing-education platform of China's
//! import/export inspection and appraisal trade, as types and pure functions.
//!
//! No I/O and no AWS here: storage, HTTP and the site build on these types.
//! Each rule of `shared/spec/requirements.md` has a home:
//!
//! | rule | where |
//! |---|---|
//! | R1 registration with real name and ID number | [`identity::PersonName`], [`identity::IdNumber`]; possible dates: [`registration::check_dates`] |
//! | R2 the derived username | [`identity::Username::derive`] |
//! | R3 one account per ID number | [`identity::AccountKey`], kept unique by every store |
//! | R4 course groups and bundles | [`catalogue::CourseGroup`], [`catalogue::Bundle`] |
//! | R5 a course is made of class hours | [`catalogue::Course`], [`catalogue::Lesson`], [`catalogue::HourId`] |
//! | R6 the learning guide's process | [`guide::journey`], [`guide::Step`] |
//! | R7 four-year cycles of 40 hours, one after another | [`cycle::LearnerCycle`], [`cycle::CycleNumber`], [`requirement::CYCLE_HOURS`] |
//! | R8, R9 what each learner must learn | [`requirement::Requirement::for_category`] |
//! | R10 only hours marked learned count | [`requirement::LearnedHour`], [`requirement::Progress::evaluate`] |
//! | R8–R10 which bought hours would not count, and the lesson to take next | [`requirement::plan::StudyPlan`] |
//! | R11 15 CNY per hour, integer fen | [`money::Fen`], [`settings::YearSettings::price_per_hour`], [`pricing::quote`] |
//! | R12 returning learners' free mandatory hours | [`pricing::quote`], [`settings::YearSettings::returning_learner_free_mandatory`] |
//! | R16, R18 what each kind of learner carries | [`learner::LearnerKind`] |
//! | R13 study cards: batch size, value, note | [`cards::CardBatch`], [`cards::MAX_CARDS_PER_BATCH`] |
//! | R14 what WeChat Pay collects; a notice settles the whole amount | [`wechat_pay::amount_to_collect`], [`wechat_pay::settles`], [`wechat_pay::OpenId`], [`wechat_pay::jsapi_payer`] (JSAPI only with the openid WeChat gave) |
//! | R14 a day of WeChat Pay's trade bill against our orders; which missing payment staff may apply | [`reconciliation::reconcile`], [`reconciliation::may_apply`] |
//! | R15 the invoice buyer's taxpayer id | [`taxpayer::TaxpayerId`] (GB 32100-2015) |
//! | R15 orders per invoice, buyer, delivery | [`invoice::InvoiceOrders`], [`invoice::InvoiceDetails`], [`invoice::Delivery`] |
//! | R16, R19, R20 what is filed before a certificate | [`certificate::filing_for`], [`certificate::overdue_renewal`] |
//! | R18, R21 certificates: issuance, canonical data and hash, public status, the query form | [`certificate::decide_issue`], [`certificate::download_day`], [`certificate::CertificateData`], [`certificate::public_status`], [`certificate::answers_query`] |
//! | R12, R21 certificates issued before the platform, imported from the association's register | [`import::ImportFile`], [`import::PriorCertificate`] |
//! | R17 batch dates and the 7th working day | [`settings::YearSettings::batch_expiry_dates`], [`calendar::certificate_available_from`] |
//! | staff roles and what each may do | [`staff::StaffRole`], [`staff::StaffAction`] |
//! | R11, R12, R17 yearly settings and calendars that staff edit: validation, corrections, coverage | [`years::Years`], [`years::Years::corrections`], [`years::Years::checklist`] |
//!
//! Every refusal of user input implements [`Rejection`]: a machine-readable
//! code and a message in Chinese and English that never repeats the input.

pub mod calendar;
pub mod cards;
pub mod catalogue;
pub mod certificate;
pub mod contact;
pub mod cycle;
mod data_file;
pub mod guide;
pub mod identity;
pub mod import;
pub mod invoice;
pub mod learner;
pub mod learning_record;
pub mod money;
pub mod pricing;
pub mod reconciliation;
pub mod registration;
mod rejection;
pub mod requirement;
pub mod settings;
pub mod staff;
pub mod taxpayer;
pub mod wechat_pay;
pub mod years;

pub use data_file::{DataError, DataErrors, bundled};
pub use rejection::{Rejection, RejectionKind};
