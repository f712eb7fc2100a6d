//! Records for tests: valid, distinct, and built in one line.

use std::num::NonZeroU16;
use std::sync::atomic::{AtomicU64, Ordering};
use ticedu_domain::cycle::CycleNumber;

use jiff::Timestamp;
use jiff::civil::{Date, date};
use ticedu_domain::catalogue::{CourseGroup, CourseId, HourId};
use ticedu_domain::identity::{
    AccountKey, AccountKeySecret, IdNumber, PersonName, Username, UsernameKey, check_character,
};
use ticedu_domain::learner::{
    DocumentNumber, HolderCertificateKind, HolderDetails, LearnerKind, NewLearnerDetails,
    ShortText, TitleDetails,
};
use ticedu_domain::money::Fen;
use ticedu_domain::requirement::LearnedHour;
use ticedu_store::ids::{CardCode, CertificateNo, InvoiceId, LearnerId, OrderNo, TransactionId};
use ticedu_store::records::*;

pub const TODAY: Date = date(2026, 11, 27);

/// Unique per process, so that tests sharing a server never collide.
fn next() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    COUNTER.fetch_add(1, Ordering::Relaxed) + u64::from(std::process::id()) * 1_000_000
}

pub fn secret() -> AccountKeySecret {
    AccountKeySecret::new(b"test secret, at least thirty-two bytes long".to_vec())
        .expect("long enough")
}

pub fn now() -> Timestamp {
    Timestamp::now()
}

/// A valid ID number, distinct for distinct `n` below 365,000; the sequence
/// code (and so the username's last four characters) follows `n % 1000`.
pub fn id_number(n: u64) -> IdNumber {
    let birth = date(1970, 1, 1)
        .checked_add(jiff::Span::new().days(((n / 1000) % 365) as i64))
        .expect("in range");
    let first17 = format!("110105{}{:03}", birth.strftime("%Y%m%d"), n % 1000);
    let digits: [u8; 17] = first17.as_bytes().try_into().expect("17 digits");
    IdNumber::parse(&format!("{first17}{}", check_character(&digits)), TODAY)
        .expect("valid by construction")
}

pub fn learner_id() -> LearnerId {
    LearnerId::parse(&format!(
        "{:032x}",
        u128::from(next()) << 20 | u128::from(rand_bits())
    ))
    .expect("32 hex")
}

fn rand_bits() -> u32 {
    // Distinct enough across test processes: the clock's nanoseconds.
    Timestamp::now().subsec_nanosecond() as u32 & 0xFFFFF
}

/// A new learner of `kind` whose ID number is number `n`.
pub fn new_learner_with(n: u64, kind: LearnerKind) -> NewLearner {
    let name = PersonName::parse("钟检").expect("valid");
    let id_number = id_number(n);
    let username = Username::derive(&name, &id_number);
    let phone = ticedu_domain::contact::PhoneNumber::parse("13800138000").expect("valid");
    NewLearner {
        id: learner_id(),
        account_key: AccountKey::of(&id_number, &secret()),
        username_key: UsernameKey::of(&username, &secret()),
        username,
        lookups: ticedu_domain::identity::LookupKey::all_of(&name, Some(&phone), None, &secret()),
        name,
        id_number,
        kind,
        phone: Some(phone),
        email: None,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g".to_owned(),
        registered_at: now(),
    }
}

/// A new learner with a fresh ID number.
pub fn new_learner() -> NewLearner {
    new_learner_with(next(), new_kind())
}

pub fn new_kind() -> LearnerKind {
    LearnerKind::New(NewLearnerDetails {
        learning_started_on: date(2024, 3, 1),
    })
}

pub fn holder_details() -> HolderDetails {
    HolderDetails {
        certificate_kind: HolderCertificateKind::LevelExamination,
        original_certificate_no: DocumentNumber::parse("CIE-2019-0012").expect("valid"),
        expires_on: date(2023, 7, 6),
    }
}

pub fn titled_kind() -> LearnerKind {
    LearnerKind::Titled(TitleDetails {
        title_kind: ShortText::parse("高级工程师").expect("valid"),
        issuing_authority: ShortText::parse("北京市人力资源和社会保障局").expect("valid"),
        title_certificate_no: DocumentNumber::parse("JG-2020-0815").expect("valid"),
    })
}

pub fn hour(course: &str, number: u16) -> HourId {
    HourId::new(
        CourseId::parse(course).expect("slug"),
        NonZeroU16::new(number).expect("from 1"),
    )
}

pub fn mark(hour: &HourId) -> LearnedHour {
    LearnedHour {
        hour: hour.clone(),
        group: CourseGroup::Elective,
        learned_on: TODAY,
        // Marked at ten in the morning, China time: both stores keep the time (学时证明).
        learned_at: jiff::tz::offset(8).to_timestamp(TODAY.at(10, 0, 0, 0)).ok(),
        cycle: CycleNumber::FIRST,
        studied_seconds: None,
    }
}

pub fn card(value: Fen) -> StudyCard {
    let code = format!("{:016X}", next() << 8 | u64::from(rand_bits() & 0xFF));
    StudyCard {
        code: CardCode::parse(&code).expect("16 hex"),
        value,
        note: "bank transfer 2023-07-01".to_owned(),
        issued_at: now(),
        redeemed: None,
        voided: None,
    }
}

pub fn order_no() -> OrderNo {
    OrderNo::parse(&format!(
        "TIC{:020X}",
        next() << 12 | u64::from(rand_bits() & 0xFFF)
    ))
    .expect("upper hex")
}

/// An order of `hours` at 15 yuan each, paid from the balance now.
pub fn balance_order(learner: &LearnerId, hours: Vec<HourId>) -> Order {
    let at = now();
    Order {
        no: order_no(),
        learner: learner.clone(),
        amount: Fen::new(1500 * hours.len() as u64),
        hours,
        channel: PaymentChannel::Balance,
        status: OrderStatus::Paid {
            at,
            transaction: None,
        },
        created_at: at,
        invoice: None,
        cycle: CycleNumber::FIRST,
        expires_at: None,
        refunds: Vec::new(),
    }
}

/// A WeChat Pay order of `hours`, waiting for its notice and holding its
/// hours for half an hour.
pub fn pending_order(learner: &LearnerId, hours: Vec<HourId>) -> Order {
    let order = balance_order(learner, hours);
    Order {
        channel: PaymentChannel::WeChatPay,
        status: OrderStatus::Pending,
        expires_at: Some(order.created_at + jiff::SignedDuration::from_mins(30)),
        ..order
    }
}

pub fn notice_for(order: &Order) -> PaymentNotice {
    PaymentNotice {
        transaction: TransactionId::parse(&format!("4200{:028}", next())).expect("digits"),
        order: order.no.clone(),
        amount: order.amount,
        paid_at: now(),
        success_time: None,
    }
}

pub fn certificate_for(learner: &NewLearner) -> Certificate {
    Certificate {
        no: CertificateNo::parse(&format!("TIC-2023-N-{:010X}", next())).expect("valid"),
        learner: learner.id.clone(),
        name: learner.name.clone(),
        kind: learner.kind.clone(),
        cycle_start: date(2024, 3, 1),
        cycle_end: date(2028, 3, 1),
        hours: 40,
        issued_on: TODAY,
        valid_until: date(2028, 3, 1),
        data_hash: "0".repeat(64),
        status: CertificateStatus::Valid,
        cycle: CycleNumber::FIRST,
    }
}

/// A certificate the association issued to `person` before the platform, as
/// staff import it (a fresh number of the association's older shape).
pub fn imported_certificate(person: &NewLearner) -> Certificate {
    let data = ticedu_domain::certificate::CertificateData {
        no: format!("JX-{:010X}", next()),
        name: person.name.clone(),
        kind: person.kind.clone(),
        cycle_start: date(2015, 7, 6),
        cycle_end: date(2019, 7, 5),
        hours: 40,
        issued_on: date(2019, 7, 20),
        valid_until: date(2023, 7, 6),
    };
    Certificate::imported(&person.account_key, data, None).expect("a valid number")
}

/// What issuing `certificate` to a learner in their first cycle changes, as
/// stored by the contract tests: the learner moves to the second cycle.
pub fn closing_for(learner: &NewLearner, certificate: &Certificate) -> CycleClosing {
    CycleClosing {
        closes: CycleNumber::FIRST,
        next_kind: learner.kind.clone(),
        certified_until: Some(certificate.valid_until),
        accepts: None,
    }
}

pub fn invoice_for(learner: &LearnerId, orders: &[&Order]) -> InvoiceRequest {
    InvoiceRequest {
        id: InvoiceId::parse(&format!(
            "{:032x}",
            u128::from(next()) << 24 | u128::from(rand_bits())
        ))
        .expect("hex"),
        learner: learner.clone(),
        orders: orders.iter().map(|order| order.no.clone()).collect(),
        amount: orders.iter().map(|order| order.amount).sum(),
        buyer_name: "中国检验认证集团北京有限公司".to_owned(),
        taxpayer_id: Some(
            ticedu_domain::taxpayer::TaxpayerId::parse("91350100M000100Y43").expect("valid"),
        ),
        email: ticedu_domain::contact::EmailAddress::parse("finance@example.cn").expect("valid"),
        delivery: InvoiceDelivery::Electronic,
        requested_at: now(),
        status: InvoiceStatus::Requested,
        issued: None,
    }
}

/// A fresh number for [`new_learner_with`].
pub fn id_number_seed() -> u64 {
    next()
}

pub fn staff_name(name: &str) -> ticedu_domain::staff::StaffName {
    ticedu_domain::staff::StaffName::parse(name).expect("a valid staff name")
}

/// A staff account with `roles`, enrolled in TOTP and enabled: version 1, as created.
pub fn staff_account(name: &str, roles: &[ticedu_domain::staff::StaffRole]) -> StaffAccount {
    StaffAccount {
        name: staff_name(name),
        display_name: ticedu_domain::staff::DisplayName::parse("测试员").expect("valid"),
        roles: ticedu_domain::staff::StaffRoles::new(roles.iter().copied()).expect("some role"),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".to_owned(),
        disabled: false,
        totp: TotpState::Active {
            secret: "JBSWY3DPEHPK3PXP".to_owned(),
            last_step: 0,
        },
        recovery_codes: Vec::new(),
        created_at: now(),
        created_by: staff_name(name),
        version: 1,
    }
}

/// An audit entry of `action` by the staff member `by`, now.
pub fn audit_by(by: &str, action: AuditAction) -> AuditEntry {
    AuditEntry::new(&staff_name(by), action, now())
}

/// Test code's audit entry for a staff write: by `tester`.
/// What staff record when they issue an invoice.
pub fn issued_invoice() -> ticedu_store::records::IssuedInvoice {
    ticedu_store::records::IssuedInvoice {
        number: ticedu_domain::invoice::FapiaoNumber::parse("24112000000012345678").expect("valid"),
        issued_at: now(),
        by: ticedu_domain::staff::StaffName::parse("tester").expect("valid"),
    }
}

pub fn audit(action: AuditAction) -> AuditEntry {
    audit_by("tester", action)
}
