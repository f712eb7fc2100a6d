//! Demo data for the local platform: unused study cards and learners of each
//! kind at different stages, written through the store traits on first run.
//!
//! Seeding is idempotent: a learner that exists already (found by its
//! username) is left alone, and the study cards are issued once. Every run
//! answers what there is to show: the demo logins and the cards still unused.
//!
//! The demo ID numbers are valid GB 11643 numbers made up here; they are never
//! printed or logged (the usernames hold 10 of their characters, as R2 says).

use std::collections::BTreeSet;

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use ticedu_api::Platform;
use ticedu_api::ids::{new_card_code, new_learner_id, new_order_no};
use ticedu_api::password::Password;
use ticedu_domain::catalogue::{BundleId, CourseGroup, CourseId, HourId};
use ticedu_domain::certificate::{ApplicationForm, CertificateData};
use ticedu_domain::contact::PhoneNumber;
use ticedu_domain::cycle::CYCLE_YEARS;
use ticedu_domain::identity::{
    AccountKey, IdNumber, LookupKey, PersonName, Username, UsernameKey, check_character,
};
use ticedu_domain::learner::{
    DocumentNumber, HolderCertificateKind, HolderDetails, LearnerKind, NewLearnerDetails,
    ShortText, TitleDetails,
};
use ticedu_domain::money::Fen;
use ticedu_domain::pricing::{Buyer, CartItem, quote};
use ticedu_domain::requirement::{LearnedHour, Progress};
use ticedu_domain::staff::StaffName;
use ticedu_store::records::{
    AuditAction, AuditEntry, Certificate, CertificateApplication, CycleClosing, FilingKind,
    FilingStatus, Learner, NewLearner, Order, OrderStatus, PaymentChannel, RenewalRegistration,
    StaffDecision, StudyCard,
};
use ticedu_store::{Refusal, Store, StoreError};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The password of every demo learner (development only).
pub const PASSWORD: &str = "demo-2023";
/// The note on the unused demo study cards (staff's list shows it).
pub const CARD_NOTE: &str = "演示学习卡 demo study card";
/// The note on the cards the demo learners paid with.
const TOP_UP_NOTE: &str = "演示学员充值 demo learner top-up";
const CARD_COUNT: usize = 5;
/// 600 yuan: 40 hours at 15 yuan.
pub const CARD_VALUE: Fen = Fen::from_yuan(600);
/// Why the demo certificate was revoked.
pub const REVOCATION_REASON: &str = "演示：申报资料不实 (demo: false statement)";

/// One demo login.
#[derive(Debug, Clone)]
pub struct DemoLearner {
    pub stage: Stage,
    pub username: String,
}

/// Where a demo learner stands, on whatever day the demo is seeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// A new learner: all 40 hours bought and learned, the application approved by staff.
    ReadyForCertificate,
    /// A holder who renewed on the platform in their batch four years before
    /// the next one (their second cycle), 10 of its 40 hours learned.
    HolderPartWay,
    /// A titled learner, complete, waiting for staff to check the title (R18).
    AwaitingTitleCheck,
    /// A new learner whose certificate staff revoked.
    Revoked,
    /// A holder whose certificate expired before they finished: the overdue
    /// renewal (R20) waits in staff's queue.
    OverdueWithStaff,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::ReadyForCertificate,
        Stage::HolderPartWay,
        Stage::AwaitingTitleCheck,
        Stage::Revoked,
        Stage::OverdueWithStaff,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Stage::ReadyForCertificate => {
                "新学员，40 学时已学完、申请已获协会通过，可领取证书 / new learner, application approved, ready for a certificate"
            }
            Stage::HolderPartWay => {
                "持证人员，上个周期已在平台换证，本周期已学 10 / 40 学时，已购的抽样课程有讲课视频 / certificate holder in the second cycle, 10 of 40 hours learned, a bought sampling course with lectures"
            }
            Stage::AwaitingTitleCheck => {
                "职称人员，学时已满，待协会审核职称 / titled learner awaiting the staff title check"
            }
            Stage::Revoked => "新学员，证书已被撤销 / new learner whose certificate was revoked",
            Stage::OverdueWithStaff => {
                "持证人员，证书过期后学满，超期换证待协会办理 / holder whose overdue renewal waits for staff"
            }
        }
    }

    fn name(self) -> &'static str {
        match self {
            Stage::ReadyForCertificate => "王新",
            Stage::HolderPartWay => "李续",
            Stage::AwaitingTitleCheck => "张职",
            Stage::Revoked => "赵撤",
            Stage::OverdueWithStaff => "孙期",
        }
    }

    /// A valid GB 11643 number of a made-up person (Beijing, Chaoyang district).
    fn id_number(self) -> IdNumber {
        let (birth, sequence) = match self {
            Stage::ReadyForCertificate => ("19880512", "901"),
            Stage::HolderPartWay => ("19760304", "912"),
            Stage::AwaitingTitleCheck => ("19820917", "923"),
            Stage::Revoked => ("19900721", "934"),
            Stage::OverdueWithStaff => ("19790611", "945"),
        };
        let first17 = format!("110105{birth}{sequence}");
        let digits: [u8; 17] = first17.as_bytes().try_into().expect("17 digits");
        IdNumber::parse_stored(&format!("{first17}{}", check_character(&digits)))
            .expect("valid by construction")
    }
}

/// What the demo holds after [`seed`].
#[derive(Debug, Clone)]
pub struct Demo {
    /// This call wrote something (false when everything was there already).
    pub seeded: bool,
    pub learners: Vec<DemoLearner>,
    /// Demo study cards nobody redeemed yet.
    pub unused_cards: Vec<String>,
    /// The number of the revoked demo certificate, to look up on the verification page.
    pub revoked_certificate: Option<String>,
}

/// Seeds the demo data that is missing, and says what there is.
pub async fn seed<S: Store>(store: &S, platform: &Platform) -> Result<Demo, Error> {
    let now = platform.clock.now();
    let mut seeded = false;
    let mut password_hash = None;
    let mut learners = Vec::new();
    let mut revoked_certificate = None;
    for stage in Stage::ALL {
        let name = PersonName::parse(stage.name()).expect("a valid name");
        let id_number = stage.id_number();
        let username = Username::derive(&name, &id_number);
        let username_key = UsernameKey::of(&username, platform.account_secret()?);
        if store.learner_by_username(&username_key).await?.is_none() {
            let hash = match &password_hash {
                Some(hash) => String::clone(hash),
                None => {
                    let hash = Password::new_password(PASSWORD.to_owned())
                        .map_err(|e| e.to_string())?
                        .hash()
                        .await
                        .map_err(|_| "hashing the demo password failed")?;
                    password_hash = Some(hash.clone());
                    hash
                }
            };
            let phone = PhoneNumber::parse("13800138000").expect("valid");
            let learner = NewLearner {
                id: new_learner_id()?,
                account_key: AccountKey::of(&id_number, platform.account_secret()?),
                username_key: username_key.clone(),
                username: username.clone(),
                lookups: LookupKey::all_of(&name, Some(&phone), None, platform.account_secret()?),
                name,
                id_number,
                kind: kind_of(stage, platform.clock.today()),
                phone: Some(phone),
                email: None,
                password_hash: hash,
                registered_at: now,
            };
            match store.create_learner(&learner).await {
                Ok(()) => {}
                // Someone registered this ID number meanwhile: leave it be.
                Err(StoreError::Refused(Refusal::AccountExists | Refusal::UsernameTaken)) => {
                    continue;
                }
                Err(error) => return Err(error.into()),
            }
            stage_learner(store, platform, stage, &learner).await?;
            tracing::info!(learner = %learner.id, ?stage, "demo learner seeded");
            seeded = true;
        }
        if stage == Stage::Revoked {
            if let Some(learner) = store.learner_by_username(&username_key).await? {
                revoked_certificate = store
                    .certificates_of(learner.id())
                    .await?
                    .into_iter()
                    .next()
                    .map(|certificate| certificate.no.to_string());
            }
        }
        learners.push(DemoLearner {
            stage,
            username: username.to_string(),
        });
    }

    let cards = store.cards().await?;
    if !cards.iter().any(|card| card.note == CARD_NOTE) {
        let fresh = (0..CARD_COUNT)
            .map(|_| card(CARD_NOTE, now))
            .collect::<Result<Vec<_>, _>>()?;
        store
            .issue_cards(&fresh, &demo_audit(AuditAction::CardsIssued, now))
            .await?;
        seeded = true;
    }
    let unused_cards = store
        .cards()
        .await?
        .into_iter()
        .filter(|card| card.note == CARD_NOTE && card.redeemed.is_none() && card.voided.is_none())
        .map(|card| card.code.to_string())
        .collect();
    Ok(Demo {
        seeded,
        learners,
        unused_cards,
        revoked_certificate,
    })
}

/// The first batch date of the 2023 notice, and its last (R17): the demo
/// holders belong to these batches, four years on as many times as needed.
const FIRST_BATCH: Date = jiff::civil::date(2023, 7, 6);
const LAST_BATCH: Date = jiff::civil::date(2024, 3, 1);

/// `batch` moved on by whole cycles: the first such day after `today`
/// (`after`), or the last one before it.
fn batch_around(batch: Date, today: Date, after: bool) -> Date {
    let mut day = batch;
    while day <= today {
        day = day.checked_add(CYCLE_YEARS.years()).unwrap_or(Date::MAX);
    }
    if after {
        day
    } else {
        day.checked_sub(CYCLE_YEARS.years()).unwrap_or(batch)
    }
}

fn holder(number: &str, expires_on: Date) -> LearnerKind {
    LearnerKind::Holder(HolderDetails {
        certificate_kind: HolderCertificateKind::LevelExamination,
        original_certificate_no: DocumentNumber::parse(number).expect("valid"),
        expires_on,
    })
}

fn kind_of(stage: Stage, today: Date) -> LearnerKind {
    match stage {
        Stage::ReadyForCertificate | Stage::Revoked => LearnerKind::New(NewLearnerDetails {
            learning_started_on: today.checked_sub(300.days()).unwrap_or(today),
        }),
        // Registered before the renewal of the batch before the next one.
        Stage::HolderPartWay => {
            let next = batch_around(FIRST_BATCH, today, true);
            let previous = next.checked_sub(CYCLE_YEARS.years()).unwrap_or(FIRST_BATCH);
            holder("CIE-2019-0706", previous)
        }
        Stage::OverdueWithStaff => holder("CIE-2020-0301", batch_around(LAST_BATCH, today, false)),
        Stage::AwaitingTitleCheck => LearnerKind::Titled(TitleDetails {
            title_kind: ShortText::parse("高级工程师").expect("valid"),
            issuing_authority: ShortText::parse("北京市人力资源和社会保障局").expect("valid"),
            title_certificate_no: DocumentNumber::parse("GJ-2018-0917").expect("valid"),
        }),
    }
}

/// Buys `items` for the learner from a study card, in the learner's current
/// cycle, and marks `learned` of them on `learned_on`.
async fn buy_and_learn<S: Store>(
    store: &S,
    platform: &Platform,
    learner: &Learner,
    items: &[CartItem],
    learned: impl Fn(&HourId) -> bool,
    learned_on: Date,
) -> Result<(), Error> {
    let now = platform.clock.now();
    let today = platform.clock.today();
    // Priced as the payments function prices: staff's years over the bundled ones.
    let years = ticedu_api::years::effective(store, platform).await?.years;
    let settings = years
        .settings
        .in_force_on(today)
        .ok_or("no fees configured for today")?;
    let buyer = Buyer {
        category: learner.category(),
        returning: learner.returning,
    };
    let priced = quote(
        &platform.catalogue,
        settings,
        buyer,
        items,
        &BTreeSet::new(),
    )
    .map_err(|e| e.to_string())?;
    // Paid the way a bank transfer pays: a study card, redeemed, then the balance.
    if priced.total > Fen::ZERO {
        let top_up = StudyCard {
            value: priced.total,
            ..card(TOP_UP_NOTE, now)?
        };
        store
            .issue_cards(
                std::slice::from_ref(&top_up),
                &demo_audit(AuditAction::CardsIssued, now),
            )
            .await?;
        store.redeem_card(&top_up, learner.id(), now).await?;
    }
    let order = Order {
        no: new_order_no(now)?,
        learner: learner.id().clone(),
        hours: priced.hours().cloned().collect(),
        amount: priced.total,
        channel: PaymentChannel::Balance,
        status: OrderStatus::Paid {
            at: now,
            transaction: None,
        },
        created_at: now,
        invoice: None,
        cycle: learner.cycle,
        expires_at: None,
        refunds: Vec::new(),
    };
    store.purchase_with_balance(&order).await?;
    // Each lesson studied in full, one after another from 9:00 that day, as
    // the learning function counts it: open, then mark after its length.
    let mut opened = jiff::tz::offset(8)
        .to_timestamp(learned_on.at(9, 0, 0, 0))
        .map_err(|e| e.to_string())?;
    for hour in order.hours.iter().filter(|hour| learned(hour)) {
        let (_, lesson) = platform.catalogue.lesson(hour).ok_or("an unknown hour")?;
        let length = platform.study_seconds(lesson, settings);
        store
            .open_lesson(learner.id(), hour, learner.cycle, opened)
            .await?;
        let marked = opened
            .checked_add(i64::from(length).seconds())
            .map_err(|e| e.to_string())?;
        let mark = LearnedHour {
            hour: hour.clone(),
            group: platform.catalogue.group_of(hour).ok_or("an unknown hour")?,
            learned_on,
            // A long day of demo lessons runs past midnight, while its marks keep
            // the day they are dated: only a time on that day is printed with them.
            learned_at: (jiff::tz::offset(8).to_datetime(marked).date() == learned_on)
                .then_some(marked),
            cycle: learner.cycle,
            studied_seconds: Some(length),
        };
        store
            .mark_learned(learner.id(), &mark, learner.cycle, length, marked)
            .await?;
        opened = marked;
    }
    Ok(())
}

/// Issues the certificate of the learner's current cycle as of `issued_on`.
async fn certify<S: Store>(
    store: &S,
    learner: &Learner,
    issued_on: Date,
) -> Result<Certificate, Error> {
    let cycle = learner.current_cycle();
    let progress = Progress::evaluate(
        learner.category(),
        &cycle,
        &store.marks(learner.id()).await?,
    );
    let random: [u8; 12] = ticedu_api::ids::random_bytes(12)?
        .try_into()
        .expect("12 bytes");
    let data = CertificateData::issue(
        learner.registration.name.clone(),
        learner.registration.kind.clone(),
        &cycle,
        &progress,
        issued_on,
        &random,
    );
    let certificate = Certificate::issue(learner.id().clone(), learner.cycle, data)?;
    let mut closing = CycleClosing::of(learner, &certificate);
    match learner.registration.kind {
        LearnerKind::Holder(_) => closing = closing.accepting(FilingKind::Renewal, None),
        LearnerKind::New(_) => closing = closing.accepting(FilingKind::Application, None),
        LearnerKind::Titled(_) => {}
    }
    // The learner downloads it: no staff action to audit.
    store
        .issue_certificate(&certificate, &closing, None)
        .await?;
    Ok(certificate)
}

async fn reread<S: Store>(store: &S, learner: &Learner) -> Result<Learner, Error> {
    Ok(store
        .learner(learner.id())
        .await?
        .ok_or("the demo learner vanished")?)
}

/// A new learner's application, approved by the demo staff when `approved`.
async fn apply<S: Store>(
    store: &S,
    learner: &Learner,
    now: Timestamp,
    approved: bool,
) -> Result<(), Error> {
    let LearnerKind::New(details) = &learner.registration.kind else {
        return Ok(());
    };
    let application = CertificateApplication {
        learning_started_on: details.learning_started_on,
        note: String::new(),
        filed_at: now,
        status: FilingStatus::Filed,
        form: Some(ApplicationForm {
            employer: ShortText::parse("中国检验认证集团北京有限公司").expect("valid"),
            position: Some(ShortText::parse("检验员").expect("valid")),
            education: None,
            phone: PhoneNumber::parse("13800138000").expect("valid"),
        }),
        cycle: learner.cycle,
        decision: None,
    };
    store.file_application(learner.id(), &application).await?;
    if approved {
        let decision = StaffDecision {
            by: "演示 demo".to_owned(),
            at: now,
            reason: None,
        };
        store
            .decide_filing(
                learner.id(),
                FilingKind::Application,
                learner.cycle,
                true,
                &decision,
                &demo_audit(AuditAction::ApplicationDecided, now).learner(learner.id()),
            )
            .await?;
    }
    Ok(())
}

/// Brings a freshly created learner to `stage`.
async fn stage_learner<S: Store>(
    store: &S,
    platform: &Platform,
    stage: Stage,
    learner: &NewLearner,
) -> Result<(), Error> {
    let today = platform.clock.today();
    let now = platform.clock.now();
    let mut learner = store
        .learner(&learner.id)
        .await?
        .ok_or("the demo learner vanished")?;
    let everything = |_: &HourId| true;
    let mandatory =
        |hour: &HourId| platform.catalogue.group_of(hour) == Some(CourseGroup::Mandatory);
    let bundle = |slug: &str| vec![CartItem::Bundle(BundleId::parse(slug).expect("a slug"))];
    let mandatory_courses = || -> Vec<CartItem> {
        platform
            .catalogue
            .courses_in(CourseGroup::Mandatory)
            .map(|course| CartItem::Course(course.id.clone()))
            .collect()
    };
    // A holder's whole cycle (R8): the mandatory hours and a 30-hour bundle.
    let holder_cycle = || {
        let mut items = mandatory_courses();
        items.extend(bundle("certification-30"));
        items
    };
    match stage {
        Stage::ReadyForCertificate | Stage::Revoked => {
            buy_and_learn(
                store,
                platform,
                &learner,
                &bundle("certification-40"),
                everything,
                today,
            )
            .await?;
            apply(store, &learner, now, true).await?;
            if stage == Stage::Revoked {
                let certificate = certify(store, &learner, today).await?;
                store
                    .revoke_certificate(
                        &certificate.no,
                        REVOCATION_REASON,
                        now,
                        &demo_audit(AuditAction::CertificateRevoked, now)
                            .learner(learner.id())
                            .subject(certificate.no.to_string())
                            .reason(REVOCATION_REASON),
                    )
                    .await?;
            }
        }
        Stage::HolderPartWay => {
            let renewed = learner.current_cycle().cycle.end();
            // The previous cycle, renewed on the platform: learned before its
            // expiry, registered, printed from the batch's download day.
            let issued_on = renewed.checked_add(11.days()).unwrap_or(renewed);
            if issued_on <= today {
                let learned_on = renewed.checked_sub(60.days()).unwrap_or(renewed);
                let cycle = holder_cycle();
                buy_and_learn(store, platform, &learner, &cycle, everything, learned_on).await?;
                file_renewal(store, &learner, now, false).await?;
                certify(store, &learner, issued_on).await?;
                learner = reread(store, &learner).await?;
            }
            // This cycle: the mandatory hours (free: a returning learner, R12)
            // and two electives still to study, one of them with demo lectures.
            let mut items = mandatory_courses();
            for course in ["draft-survey", "acceptance-sampling-gbt-2828-1"] {
                items.push(CartItem::Course(CourseId::parse(course).expect("a slug")));
            }
            buy_and_learn(store, platform, &learner, &items, mandatory, today).await?;
        }
        Stage::OverdueWithStaff => {
            let cycle = holder_cycle();
            buy_and_learn(store, platform, &learner, &cycle, everything, today).await?;
            file_renewal(store, &learner, now, true).await?;
        }
        Stage::AwaitingTitleCheck => {
            buy_and_learn(
                store,
                platform,
                &learner,
                &bundle("certification-40"),
                everything,
                today,
            )
            .await?;
        }
    }
    Ok(())
}

/// The holder's renewal registration (R16) or overdue renewal (R20) of the current cycle.
async fn file_renewal<S: Store>(
    store: &S,
    learner: &Learner,
    now: Timestamp,
    overdue: bool,
) -> Result<(), Error> {
    let LearnerKind::Holder(details) = &learner.registration.kind else {
        return Ok(());
    };
    let registration = RenewalRegistration {
        details: details.clone(),
        filed_at: now,
        status: FilingStatus::Filed,
        overdue,
        cycle: learner.cycle,
        decision: None,
    };
    store.file_renewal(learner.id(), &registration).await?;
    Ok(())
}

/// A study card with a fresh code, worth [`CARD_VALUE`].
/// The demo's staff actions are recorded as by `demo`, a name no account has.
fn demo_audit(action: AuditAction, at: Timestamp) -> AuditEntry {
    AuditEntry::new(
        &StaffName::parse("demo").expect("a valid staff name"),
        action,
        at,
    )
}

fn card(note: &str, now: Timestamp) -> Result<StudyCard, Error> {
    Ok(StudyCard {
        code: new_card_code()?,
        value: CARD_VALUE,
        note: note.to_owned(),
        issued_at: now,
        redeemed: None,
        voided: None,
    })
}
