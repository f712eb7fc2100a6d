use std::num::NonZeroU16;

use jiff::civil::date;

use super::*;
use crate::catalogue::{CourseGroup, CourseId, HourId};
use crate::learner::{
    DocumentNumber, HolderCertificateKind, HolderDetails, NewLearnerDetails, ShortText,
    TitleDetails,
};
use crate::requirement::{Cycle, LearnedHour};

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
    cycle: Cycle,
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

#[test]
fn a_holder_may_download_from_the_batchs_seventh_working_day_once_complete() {
    let settings = Settings::bundled().unwrap();
    let calendar = WorkCalendar::bundled().unwrap();
    let kind = holder(date(2023, 7, 6));
    let cycle = Cycle::ending_on(date(2023, 7, 6));
    let complete = progress(LearnerCategory::Holder, cycle, 10, 30, date(2023, 6, 1));
    assert_eq!(
        may_issue(
            &kind,
            &complete,
            None,
            date(2023, 7, 14),
            &settings,
            &calendar
        ),
        Err(NotYet::BeforeAvailability {
            available: date(2023, 7, 17)
        })
    );
    assert_eq!(
        may_issue(
            &kind,
            &complete,
            None,
            date(2023, 7, 17),
            &settings,
            &calendar
        ),
        Ok(())
    );
    let short = progress(LearnerCategory::Holder, cycle, 10, 29, date(2023, 6, 1));
    assert_eq!(
        may_issue(&kind, &short, None, date(2023, 8, 1), &settings, &calendar),
        Err(NotYet::Incomplete { remaining_hours: 1 })
    );
    let off_batch = holder(date(2023, 7, 7));
    let complete_off = progress(
        LearnerCategory::Holder,
        Cycle::ending_on(date(2023, 7, 7)),
        10,
        30,
        date(2023, 6, 1),
    );
    assert_eq!(
        may_issue(
            &off_batch,
            &complete_off,
            None,
            date(2023, 8, 1),
            &settings,
            &calendar
        ),
        Err(NotYet::NotABatch)
    );
}

#[test]
fn a_titled_learner_needs_confirmed_details_and_a_new_learner_only_the_hours() {
    let settings = Settings::bundled().unwrap();
    let calendar = WorkCalendar::bundled().unwrap();
    let cycle = Cycle::starting_on(date(2024, 3, 1));
    let complete = progress(LearnerCategory::Titled, cycle, 0, 40, date(2024, 6, 1));
    assert_eq!(
        may_issue(
            &titled(),
            &complete,
            Some(TitleCheck::Pending),
            date(2024, 7, 1),
            &settings,
            &calendar
        ),
        Err(NotYet::TitleNotConfirmed)
    );
    assert_eq!(
        may_issue(
            &titled(),
            &complete,
            Some(TitleCheck::Confirmed),
            date(2024, 7, 1),
            &settings,
            &calendar
        ),
        Ok(())
    );
    let new = LearnerKind::New(NewLearnerDetails {
        learning_started_on: date(2024, 3, 1),
    });
    assert_eq!(
        may_issue(
            &new,
            &complete,
            None,
            date(2024, 7, 1),
            &settings,
            &calendar
        ),
        Ok(())
    );
}

#[test]
fn validity_runs_four_years_from_the_old_expiry_or_the_issue_day() {
    assert_eq!(
        valid_until(&holder(date(2023, 7, 6)), date(2023, 7, 17)),
        date(2027, 7, 6)
    );
    assert_eq!(valid_until(&titled(), date(2024, 7, 1)), date(2028, 7, 1));
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
fn issuing_hears_of_an_overdue_renewal_first_and_of_a_missing_filing_last() {
    let settings = Settings::bundled().unwrap();
    let calendar = WorkCalendar::bundled().unwrap();
    let kind = holder(date(2023, 7, 6));
    let cycle = Cycle::ending_on(date(2023, 7, 6));
    let incomplete = progress(LearnerCategory::Holder, cycle, 10, 0, date(2023, 6, 1));
    let complete = progress(LearnerCategory::Holder, cycle, 10, 30, date(2023, 6, 1));
    let facts = |progress, filed| IssueFacts {
        kind: &kind,
        progress,
        title_check: None,
        filed,
        today: date(2023, 7, 17),
    };
    let decide = |facts: IssueFacts<'_>| decide_issue(&facts, &settings, &calendar);
    assert_eq!(
        decide(facts(&incomplete, Filed::OverdueRenewal)),
        Err(IssueRefusal::OverdueWithStaff)
    );
    assert_eq!(
        decide(facts(&incomplete, Filed::Nothing)).map_err(|e| e.code()),
        Err("certificate.incomplete")
    );
    assert_eq!(
        decide(facts(&complete, Filed::Nothing)),
        Err(IssueRefusal::NotFiled)
    );
    assert_eq!(decide(facts(&complete, Filed::Filing)), Ok(()));
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
fn an_overdue_renewal_is_a_holders_and_only_for_an_expired_certificate() {
    let claim = |expires_on| OverdueClaim {
        original_certificate_no: DocumentNumber::parse("CIE-2019-0099").unwrap(),
        expires_on,
    };
    let today = date(2023, 8, 1);
    let renewed = overdue_renewal(&holder(date(2023, 7, 6)), claim(date(2023, 7, 21)), today);
    assert_eq!(renewed.map(|d| d.expires_on), Ok(date(2023, 7, 21)));
    assert_eq!(
        overdue_renewal(&holder(date(2023, 7, 6)), claim(today), today),
        Err(FilingRefusal::NotOverdue)
    );
    assert_eq!(
        overdue_renewal(&titled(), claim(date(2023, 7, 21)), today),
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
