use std::num::NonZeroU16;

use jiff::civil::date;

use super::*;
use crate::calendar::WorkCalendar;
use crate::catalogue::{CourseGroup, CourseId, HourId};
use crate::cycle::{CycleNumber, LearnerCycle};
use crate::learner::TitleCheck;
use crate::learner::{
    DocumentNumber, HolderCertificateKind, HolderDetails, NewLearnerDetails, ShortText,
    TitleDetails,
};
use crate::requirement::LearnedHour;
use crate::settings::Settings;

fn holder(expires_on: Date) -> LearnerKind {
    LearnerKind::Holder(HolderDetails {
        certificate_kind: HolderCertificateKind::LevelExamination,
        original_certificate_no: DocumentNumber::parse("CIE-2019-0012").unwrap(),
        expires_on,
    })
}

fn titled() -> LearnerKind {
    LearnerKind::Titled(TitleDetails {
        title_kind: ShortText::parse("高级工程师").unwrap(),
        issuing_authority: ShortText::parse("北京市人社局").unwrap(),
        title_certificate_no: DocumentNumber::parse("JG-1").unwrap(),
    })
}

/// `mandatory` and `flexible` hours learned on `day`.
fn progress(
    category: LearnerCategory,
    cycle: &LearnerCycle,
    mandatory: u16,
    flexible: u16,
    day: Date,
) -> Progress {
    let mark = |course: &str, number: u16, group| LearnedHour {
        hour: HourId::new(
            CourseId::parse(course).unwrap(),
            NonZeroU16::new(number).unwrap(),
        ),
        group,
        learned_on: day,
        learned_at: None,
        cycle: cycle.number,
        studied_seconds: None,
    };
    let mut marks: Vec<_> = (1..=mandatory)
        .map(|n| mark("law", n, CourseGroup::Mandatory))
        .collect();
    marks.extend((1..=flexible).map(|n| mark("sampling", n, CourseGroup::Elective)));
    Progress::evaluate(category, cycle, &marks)
}

fn data() -> CertificateData {
    CertificateData {
        no: certificate_number(2023, LearnerCategory::Holder, &[7; 12]),
        name: PersonName::parse("钟检").unwrap(),
        kind: holder(date(2023, 7, 6)),
        cycle_start: date(2019, 7, 6),
        cycle_end: date(2023, 7, 6),
        hours: 40,
        issued_on: date(2023, 7, 17),
        valid_until: date(2027, 7, 6),
    }
}

#[test]
fn numbers_carry_year_kind_and_an_unguessable_part() {
    assert_eq!(
        certificate_number(2023, LearnerCategory::Holder, &[0; 12]),
        "TIC-2023-H-222222222222"
    );
    let number = certificate_number(
        2024,
        LearnerCategory::Titled,
        &[31, 32, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert!(
        number.starts_with("TIC-2024-T-") && number.len() == 23,
        "{number}"
    );
    assert!(!number[11..].contains(['0', 'O', '1', 'I']));
}

#[test]
fn the_hash_covers_every_stated_field() {
    let original = data();
    let hash = original.hash();
    assert_eq!(hash.len(), 64);
    assert_eq!(data().hash(), hash, "stable");
    let mut changed = data();
    changed.hours = 41;
    assert_ne!(changed.hash(), hash);
    let mut changed = data();
    changed.valid_until = date(2028, 7, 6);
    assert_ne!(changed.hash(), hash);
    assert!(
        original
            .canonical()
            .contains("original_certificate_no=CIE-2019-0012\n")
    );
}

/// A learner's facts on `today`, decided against the bundled settings and calendar.
struct Case {
    kind: LearnerKind,
    cycle: LearnerCycle,
    progress: Progress,
    title_check: Option<TitleCheck>,
    today: Date,
}

impl Case {
    fn new(
        kind: LearnerKind,
        mandatory: u16,
        flexible: u16,
        learned_on: Date,
        today: Date,
    ) -> Self {
        let cycle = LearnerCycle::current(CycleNumber::FIRST, &kind, date(2023, 1, 2), None);
        let progress = progress(kind.category(), &cycle, mandatory, flexible, learned_on);
        Self {
            kind,
            cycle,
            progress,
            title_check: None,
            today,
        }
    }

    fn decide(&self, filed: Filed<'_>, overdue: Option<Filed<'_>>) -> Result<(), IssueRefusal> {
        let facts = IssueFacts {
            kind: &self.kind,
            cycle: &self.cycle,
            progress: &self.progress,
            title_check: self.title_check,
            filed,
            overdue,
            today: self.today,
        };
        decide_issue(
            &facts,
            &Settings::bundled().unwrap(),
            &WorkCalendar::bundled().unwrap(),
        )
    }
}

#[test]
fn a_holder_may_download_from_the_batchs_seventh_working_day_once_complete_and_registered() {
    let mut case = Case::new(
        holder(date(2023, 7, 6)),
        10,
        30,
        date(2023, 6, 1),
        date(2023, 7, 14),
    );
    assert_eq!(
        case.decide(Filed::Nothing, None),
        Err(IssueRefusal::NotFiled)
    );
    assert_eq!(
        case.decide(Filed::Waiting, None),
        Err(IssueRefusal::BeforeAvailability {
            available: date(2023, 7, 17)
        })
    );
    case.today = date(2023, 7, 17);
    assert_eq!(case.decide(Filed::Waiting, None), Ok(()));
    let short = Case::new(
        holder(date(2023, 7, 6)),
        10,
        29,
        date(2023, 6, 1),
        date(2023, 7, 1),
    );
    assert_eq!(
        short.decide(Filed::Nothing, None),
        Err(IssueRefusal::Incomplete {
            remaining_hours: 1,
            expired_on: None
        })
    );
    let off_batch = Case::new(
        holder(date(2023, 7, 7)),
        10,
        30,
        date(2023, 6, 1),
        date(2023, 8, 1),
    );
    assert_eq!(
        off_batch.decide(Filed::Waiting, None),
        Err(IssueRefusal::NotABatch {
            expires_on: date(2023, 7, 7)
        })
    );
}

#[test]
fn a_holder_of_a_batch_not_yet_published_learns_now_and_hears_when_it_will_be_known() {
    let case = Case::new(
        holder(date(2027, 7, 6)),
        10,
        30,
        date(2026, 11, 1),
        date(2026, 12, 1),
    );
    let refusal = case.decide(Filed::Waiting, None).unwrap_err();
    assert_eq!(
        refusal,
        IssueRefusal::BatchNotPublished {
            expires_on: date(2027, 7, 6)
        }
    );
    assert!(
        refusal.message_zh().contains("2027 年度批次"),
        "{}",
        refusal.message_zh()
    );
}

#[test]
fn a_holder_who_completes_after_the_expiry_is_sent_to_the_overdue_renewal() {
    let late = Case::new(
        holder(date(2024, 3, 1)),
        10,
        30,
        date(2026, 11, 1),
        date(2026, 12, 1),
    );
    assert_eq!(
        late.progress.counted_towards_requirement(),
        40,
        "late hours count"
    );
    assert_eq!(
        late.decide(Filed::Nothing, None),
        Err(IssueRefusal::OverdueRenewalNeeded {
            expired_on: date(2024, 3, 1)
        })
    );
    assert_eq!(
        late.decide(Filed::Nothing, Some(Filed::Waiting)),
        Err(IssueRefusal::OverdueWithStaff)
    );
    assert_eq!(
        late.decide(
            Filed::Nothing,
            Some(Filed::Rejected {
                reason: "证书号有误"
            })
        ),
        Err(IssueRefusal::OverdueRejected {
            reason: "证书号有误".into()
        })
    );
    let short = Case::new(
        holder(date(2024, 3, 1)),
        10,
        20,
        date(2026, 11, 1),
        date(2026, 12, 1),
    );
    let refusal = short.decide(Filed::Nothing, None).unwrap_err();
    assert_eq!(
        refusal,
        IssueRefusal::Incomplete {
            remaining_hours: 10,
            expired_on: Some(date(2024, 3, 1))
        }
    );
    assert!(refusal.message_zh().contains("超期换证"));
}

#[test]
fn a_new_learners_application_and_a_titled_learners_title_wait_for_staff() {
    let new = LearnerKind::New(NewLearnerDetails {
        learning_started_on: date(2024, 3, 1),
    });
    let case = Case::new(new, 0, 40, date(2024, 6, 1), date(2024, 7, 1));
    assert_eq!(
        case.decide(Filed::Nothing, None),
        Err(IssueRefusal::NotFiled)
    );
    assert_eq!(
        case.decide(Filed::Waiting, None),
        Err(IssueRefusal::ApplicationWithStaff)
    );
    assert_eq!(
        case.decide(
            Filed::Rejected {
                reason: "单位名称不全"
            },
            None
        )
        .map_err(|e| e.code()),
        Err("certificate.application_rejected")
    );
    assert_eq!(case.decide(Filed::Accepted, None), Ok(()));

    let mut case = Case::new(titled(), 0, 40, date(2024, 6, 1), date(2024, 7, 1));
    case.title_check = Some(TitleCheck::Pending);
    assert_eq!(
        case.decide(Filed::Nothing, None),
        Err(IssueRefusal::TitleNotConfirmed)
    );
    case.title_check = Some(TitleCheck::Rejected);
    let refusal = case.decide(Filed::Nothing, None).unwrap_err();
    assert_eq!(refusal, IssueRefusal::TitleRejected);
    assert!(!refusal.message_zh().contains("尚待"));
    case.title_check = Some(TitleCheck::Confirmed);
    assert_eq!(case.decide(Filed::Nothing, None), Ok(()));
}

#[test]
fn the_certificate_closes_the_learners_cycle_and_runs_to_its_end_plus_four_years() {
    let case = Case::new(
        holder(date(2023, 7, 6)),
        10,
        30,
        date(2023, 6, 1),
        date(2023, 7, 17),
    );
    let data = CertificateData::issue(
        PersonName::parse("钟检").unwrap(),
        case.kind.clone(),
        &case.cycle,
        &case.progress,
        case.today,
        &[3; 12],
    );
    assert_eq!(
        (data.cycle_start, data.cycle_end),
        (date(2019, 7, 6), date(2023, 7, 6))
    );
    assert_eq!(data.valid_until, date(2027, 7, 6));
    assert_eq!(data.hours, 40);
}

#[test]
fn the_public_status_puts_tampering_first_then_revocation_then_expiry() {
    let certificate = data();
    let hash = certificate.hash();
    assert_eq!(
        public_status(&certificate, &hash, false, date(2024, 1, 1)),
        PublicStatus::Valid
    );
    assert_eq!(
        public_status(&certificate, &hash, false, date(2027, 7, 7)),
        PublicStatus::Expired
    );
    assert_eq!(
        public_status(&certificate, &hash, true, date(2024, 1, 1)),
        PublicStatus::Revoked
    );
    let mut forged = data();
    forged.name = PersonName::parse("李四").unwrap();
    assert_eq!(
        public_status(&forged, &hash, true, date(2024, 1, 1)),
        PublicStatus::Tampered
    );
}

#[test]
fn titled_learners_file_nothing_and_need_no_filing_to_be_issued() {
    assert_eq!(
        filing_for(&titled()).map_err(|e| e.code()),
        Err("certificate.nothing_to_file")
    );
    assert!(!must_file(&titled()));
    let holder = holder(date(2023, 7, 6));
    assert!(matches!(
        filing_for(&holder),
        Ok(Filing::RenewalRegistration(_))
    ));
}

#[test]
fn an_overdue_renewal_is_for_a_holder_whose_certificate_expired_before_the_hours_were_done() {
    let claim = |expires_on| OverdueClaim {
        original_certificate_no: DocumentNumber::parse("CIE-2019-0099").unwrap(),
        expires_on,
    };
    let today = date(2026, 12, 1);
    let late = Case::new(holder(date(2024, 3, 1)), 10, 30, date(2026, 11, 1), today);
    let file = |case: &Case, expires_on| {
        overdue_renewal(&case.kind, &case.progress, claim(expires_on), today)
    };
    assert_eq!(
        file(&late, date(2024, 3, 1)).map(|d| d.expires_on),
        Ok(date(2024, 3, 1))
    );
    assert_eq!(
        file(&late, date(2023, 8, 15)),
        Err(FilingRefusal::ExpiryMismatch {
            on_record: date(2024, 3, 1)
        })
    );
    let short = Case::new(holder(date(2024, 3, 1)), 0, 0, date(2026, 11, 1), today);
    assert_eq!(
        file(&short, date(2024, 3, 1)),
        Err(FilingRefusal::Incomplete {
            remaining_hours: 40
        })
    );
    let in_time = Case::new(holder(date(2024, 3, 1)), 10, 30, date(2024, 2, 1), today);
    assert_eq!(
        file(&in_time, date(2024, 3, 1)),
        Err(FilingRefusal::CompletedInTime)
    );
    let current = Case::new(holder(date(2027, 7, 6)), 10, 30, date(2026, 11, 1), today);
    assert_eq!(
        file(&current, date(2027, 7, 6)),
        Err(FilingRefusal::NotOverdue {
            expires_on: date(2027, 7, 6)
        })
    );
    let titled = Case::new(titled(), 0, 40, date(2026, 11, 1), today);
    assert_eq!(
        file(&titled, date(2024, 3, 1)),
        Err(FilingRefusal::NotAHolder)
    );
}

#[test]
fn only_a_true_certificate_is_printable_and_a_query_name_must_be_the_holders() {
    assert!(PublicStatus::Expired.printable().is_ok());
    let refused = PublicStatus::Tampered.printable().unwrap_err();
    assert_eq!(
        (refused.code(), refused.kind()),
        ("certificate.not_printable", RejectionKind::Conflict)
    );
    let holder = PersonName::parse("钟检").unwrap();
    assert!(answers_query(&holder, None));
    assert!(answers_query(&holder, Some("钟检")));
    assert!(!answers_query(&holder, Some("李四")));
}
