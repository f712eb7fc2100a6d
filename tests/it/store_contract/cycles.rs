//! The store contract: cycles. A certificate closes its cycle once, in the
//! same write as the learner's move to the next; each cycle keeps its own
//! purchases, marks and filing; staff decide a waiting filing once.

use ticedu_domain::catalogue::HourId;
use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::learner::LearnerKind;
use ticedu_domain::requirement::LearnedHour;
use ticedu_store::records::*;
use ticedu_store::*;
use ticedu_tests::fixtures::*;
use tokio::task::JoinSet;

use super::*;

const SECOND: CycleNumber = CycleNumber::FIRST.next();

fn holder() -> NewLearner {
    new_learner_with(
        ticedu_tests::fixtures::id_number_seed(),
        LearnerKind::Holder(holder_details()),
    )
}

fn renewal(cycle: CycleNumber, overdue: bool) -> RenewalRegistration {
    RenewalRegistration {
        details: holder_details(),
        filed_at: now(),
        status: FilingStatus::Filed,
        overdue,
        cycle,
        decision: None,
    }
}

fn application(cycle: CycleNumber) -> CertificateApplication {
    CertificateApplication {
        learning_started_on: TODAY,
        note: String::new(),
        filed_at: now(),
        status: FilingStatus::Filed,
        form: None,
        cycle,
        decision: None,
    }
}

fn decision(reason: Option<&str>) -> StaffDecision {
    StaffDecision {
        by: "王审核".to_owned(),
        at: jiff::Timestamp::from_second(1_790_000_000).unwrap(),
        reason: reason.map(str::to_owned),
    }
}

/// A holder's renewal: the cycle closes, the expiry moves to the new
/// certificate's, the learner is returning, the registration accepted.
fn renewal_closing(learner: &NewLearner, certificate: &Certificate) -> CycleClosing {
    let stored = Learner::registered(learner.clone());
    CycleClosing::of(&stored, certificate).accepting(FilingKind::Renewal, None)
}

pub async fn a_certificate_closes_its_cycle_once_with_the_learners_move<S: ContractStore>(
    store: &S,
) {
    let learner = holder();
    store.create_learner(&learner).await.unwrap();
    store
        .file_renewal(&learner.id, &renewal(CycleNumber::FIRST, false))
        .await
        .unwrap();
    let mut certificate = certificate_for(&learner);
    certificate.valid_until = jiff::civil::date(2027, 7, 6);
    let closing = renewal_closing(&learner, &certificate);
    store
        .issue_certificate(&certificate, &closing, None)
        .await
        .unwrap();

    let moved = store.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!(moved.cycle, SECOND);
    assert!(moved.returning, "R12: renewed on the platform");
    let LearnerKind::Holder(details) = &moved.registration.kind else {
        panic!("a holder")
    };
    assert_eq!(details.expires_on, jiff::civil::date(2027, 7, 6));
    assert_eq!(
        moved.current_cycle().cycle.start(),
        jiff::civil::date(2023, 7, 6)
    );
    let accepted = store
        .renewal(&learner.id, CycleNumber::FIRST)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(accepted.status, FilingStatus::Accepted);

    // The same cycle closed again, by another certificate: refused whole.
    let other = certificate_for(&learner);
    assert_eq!(
        refusal(store.issue_certificate(&other, &closing, None).await),
        Refusal::CycleClosed
    );
    assert!(store.certificate(&other.no).await.unwrap().is_none());
    assert_eq!(
        store.learner(&learner.id).await.unwrap().unwrap().cycle,
        SECOND
    );
    assert_eq!(
        store.certificates_of(&learner.id).await.unwrap(),
        vec![certificate]
    );
}

pub async fn concurrent_certificates_for_one_cycle_store_exactly_one<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    let mut tasks = JoinSet::new();
    for _ in 0..20 {
        let (store, learner) = (store.clone(), learner.clone());
        tasks.spawn(async move {
            let certificate = certificate_for(&learner);
            store
                .issue_certificate(&certificate, &closing_for(&learner, &certificate), None)
                .await
        });
    }
    let mut issued = 0;
    while let Some(result) = tasks.join_next().await {
        match result.unwrap() {
            Ok(()) => issued += 1,
            Err(StoreError::Refused(Refusal::CycleClosed)) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(issued, 1);
    assert_eq!(store.certificates_of(&learner.id).await.unwrap().len(), 1);
    assert_eq!(
        store.learner(&learner.id).await.unwrap().unwrap().cycle,
        SECOND
    );
}

/// One hour's enrollments are its own in every cycle, and no other hour's —
/// not even one whose id starts the same ("sampling/1" and "sampling/10").
pub async fn an_hours_enrollments_are_read_in_every_cycle_and_alone<S: ContractStore>(store: &S) {
    let learner = funded(store, 4 * 1500).await;
    let (one, ten) = (hour("sampling", 1), hour("sampling", 10));
    store
        .purchase_with_balance(&balance_order(&learner.id, vec![one.clone(), ten.clone()]))
        .await
        .unwrap();
    let cycles = |enrollments: Vec<Enrollment>| -> Vec<(HourId, CycleNumber)> {
        let mut found: Vec<_> = enrollments.into_iter().map(|e| (e.hour, e.cycle)).collect();
        found.sort_by_key(|(_, cycle)| *cycle);
        found
    };
    assert_eq!(
        cycles(store.hour_enrollments(&learner.id, &one).await.unwrap()),
        [(one.clone(), CycleNumber::FIRST)]
    );
    assert_eq!(
        store
            .mark_learned(&learner.id, &mark(&one), CycleNumber::FIRST, 0, now())
            .await
            .unwrap(),
        Outcome::Applied
    );
    let certificate = certificate_for(&learner);
    store
        .issue_certificate(&certificate, &closing_for(&learner, &certificate), None)
        .await
        .unwrap();
    store
        .purchase_with_balance(&Order {
            cycle: SECOND,
            ..balance_order(&learner.id, vec![one.clone()])
        })
        .await
        .unwrap();

    assert_eq!(
        cycles(store.hour_enrollments(&learner.id, &one).await.unwrap()),
        [(one.clone(), CycleNumber::FIRST), (one.clone(), SECOND)]
    );
    assert_eq!(
        cycles(store.hour_enrollments(&learner.id, &ten).await.unwrap()),
        [(ten, CycleNumber::FIRST)]
    );
    let unbought = hour("sampling", 2);
    assert!(
        store
            .hour_enrollments(&learner.id, &unbought)
            .await
            .unwrap()
            .is_empty()
    );
    let other = funded(store, 1500).await;
    assert!(
        store
            .hour_enrollments(&other.id, &one)
            .await
            .unwrap()
            .is_empty()
    );
    // The same rows as the whole list holds for that hour.
    let whole: Vec<_> = store
        .enrollments(&learner.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.hour == one)
        .collect();
    assert_eq!(
        cycles(whole),
        cycles(store.hour_enrollments(&learner.id, &one).await.unwrap())
    );
}

pub async fn each_cycle_keeps_its_own_purchases_marks_and_filing<S: ContractStore>(store: &S) {
    let learner = funded(store, 3 * 1500).await;
    let hours = vec![hour("sampling", 1)];
    store
        .purchase_with_balance(&balance_order(&learner.id, hours.clone()))
        .await
        .unwrap();
    let first = mark(&hours[0]);
    assert_eq!(
        store
            .mark_learned(&learner.id, &first, CycleNumber::FIRST, 0, now())
            .await
            .unwrap(),
        Outcome::Applied
    );
    store
        .file_renewal(&learner.id, &renewal(CycleNumber::FIRST, false))
        .await
        .unwrap();
    let certificate = certificate_for(&learner);
    store
        .issue_certificate(
            &certificate,
            &closing_for(&learner, &certificate).accepting(FilingKind::Renewal, None),
            None,
        )
        .await
        .unwrap();

    // The same hour, bought and learned again in the second cycle.
    let again = Order {
        cycle: SECOND,
        ..balance_order(&learner.id, hours.clone())
    };
    store.purchase_with_balance(&again).await.unwrap();
    assert_eq!(
        refusal(
            store
                .purchase_with_balance(&Order {
                    cycle: SECOND,
                    ..balance_order(&learner.id, hours.clone())
                })
                .await
        ),
        Refusal::AlreadyOwned,
        "once per cycle"
    );
    let second = LearnedHour {
        cycle: SECOND,
        ..mark(&hours[0])
    };
    assert_eq!(
        store
            .mark_learned(&learner.id, &second, SECOND, 0, now())
            .await
            .unwrap(),
        Outcome::Applied
    );
    assert_eq!(
        store
            .mark_learned(&learner.id, &second, SECOND, 0, now())
            .await
            .unwrap(),
        Outcome::AlreadyApplied
    );
    let mut marks = store.marks(&learner.id).await.unwrap();
    marks.sort_by_key(|mark| mark.cycle);
    // Stored with the seconds studied, none required here and none opened.
    let studied = |mark: LearnedHour| LearnedHour {
        studied_seconds: Some(0),
        ..mark
    };
    assert_eq!(marks, vec![studied(first), studied(second)]);
    let mut enrolled: Vec<_> = store
        .enrollments(&learner.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.cycle)
        .collect();
    enrolled.sort();
    assert_eq!(enrolled, vec![CycleNumber::FIRST, SECOND]);
    let stored = store.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!(
        stored.marked_hours, 2,
        "marked_hours still equals the marks"
    );

    // The first cycle's accepted registration does not block the second's.
    store
        .file_renewal(&learner.id, &renewal(SECOND, false))
        .await
        .unwrap();
    assert_eq!(
        store
            .renewal(&learner.id, CycleNumber::FIRST)
            .await
            .unwrap()
            .unwrap()
            .status,
        FilingStatus::Accepted
    );
    assert_eq!(
        store
            .renewal(&learner.id, SECOND)
            .await
            .unwrap()
            .unwrap()
            .status,
        FilingStatus::Filed
    );

    // A purchase of an earlier cycle that was never learned stays usable.
    let unused = vec![hour("sampling", 2)];
    store
        .purchase_with_balance(&balance_order(&learner.id, unused.clone()))
        .await
        .unwrap();
    let carried = LearnedHour {
        cycle: SECOND,
        ..mark(&unused[0])
    };
    assert_eq!(
        store
            .mark_learned(&learner.id, &carried, CycleNumber::FIRST, 0, now())
            .await
            .unwrap(),
        Outcome::Applied
    );
    assert_eq!(
        refusal(
            store
                .mark_learned(
                    &learner.id,
                    &LearnedHour {
                        cycle: SECOND,
                        ..mark(&hour("sampling", 3))
                    },
                    SECOND,
                    0,
                    now()
                )
                .await
        ),
        Refusal::HourNotBought
    );
}

pub async fn staff_decide_a_waiting_filing_once<S: ContractStore>(store: &S) {
    let (learner, other) = (registered(store).await, registered(store).await);
    store
        .file_application(&learner.id, &application(CycleNumber::FIRST))
        .await
        .unwrap();
    store
        .file_application(&other.id, &application(CycleNumber::FIRST))
        .await
        .unwrap();
    let waiting: Vec<_> = store
        .pending_applications()
        .await
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        waiting,
        vec![learner.id.clone(), other.id.clone()],
        "oldest first"
    );

    let rejected = decision(Some("工作单位不完整"));
    store
        .decide_filing(
            &learner.id,
            FilingKind::Application,
            CycleNumber::FIRST,
            false,
            &rejected,
            &audit(AuditAction::ApplicationDecided),
        )
        .await
        .unwrap();
    let stored = store
        .application(&learner.id, CycleNumber::FIRST)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.status, stored.decision),
        (FilingStatus::Rejected, Some(rejected.clone()))
    );
    assert_eq!(
        refusal(
            store
                .decide_filing(
                    &learner.id,
                    FilingKind::Application,
                    CycleNumber::FIRST,
                    true,
                    &decision(None),
                    &audit(AuditAction::ApplicationDecided)
                )
                .await
        ),
        Refusal::FilingDecided
    );
    assert_eq!(
        store
            .pending_applications()
            .await
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect::<Vec<_>>(),
        vec![other.id.clone()]
    );
    assert_eq!(
        refusal(
            store
                .decide_filing(
                    &learner.id,
                    FilingKind::Renewal,
                    CycleNumber::FIRST,
                    true,
                    &decision(None),
                    &audit(AuditAction::ApplicationDecided)
                )
                .await
        ),
        Refusal::FilingDecided,
        "nothing of that kind waits"
    );

    // Corrected and filed again, it waits again; approved, it is accepted.
    store
        .file_application(&learner.id, &application(CycleNumber::FIRST))
        .await
        .unwrap();
    assert_eq!(store.pending_applications().await.unwrap().len(), 2);
    store
        .decide_filing(
            &learner.id,
            FilingKind::Application,
            CycleNumber::FIRST,
            true,
            &decision(None),
            &audit(AuditAction::ApplicationDecided),
        )
        .await
        .unwrap();
    let approved = store
        .application(&learner.id, CycleNumber::FIRST)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(approved.status, FilingStatus::Accepted);
    assert_eq!(
        refusal(
            store
                .file_application(&learner.id, &application(CycleNumber::FIRST))
                .await
        ),
        Refusal::FilingClosed
    );

    // An overdue renewal leaves staff's queue when staff issue its certificate.
    let overdue = holder();
    store.create_learner(&overdue).await.unwrap();
    store
        .file_renewal(&overdue.id, &renewal(CycleNumber::FIRST, true))
        .await
        .unwrap();
    assert_eq!(store.overdue_renewals().await.unwrap().len(), 1);
    let certificate = certificate_for(&overdue);
    let closing = CycleClosing::of(&Learner::registered(overdue.clone()), &certificate)
        .accepting(FilingKind::Renewal, Some(decision(None)));
    store
        .issue_certificate(&certificate, &closing, None)
        .await
        .unwrap();
    assert!(store.overdue_renewals().await.unwrap().is_empty());
    let accepted = store
        .renewal(&overdue.id, CycleNumber::FIRST)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (accepted.status, accepted.decision),
        (FilingStatus::Accepted, Some(decision(None)))
    );
}

pub async fn an_unapproved_application_cannot_close_its_cycle<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    store
        .file_application(&learner.id, &application(CycleNumber::FIRST))
        .await
        .unwrap();
    let certificate = certificate_for(&learner);
    let closing = closing_for(&learner, &certificate).accepting(FilingKind::Application, None);
    assert_eq!(
        refusal(store.issue_certificate(&certificate, &closing, None).await),
        Refusal::FilingDecided
    );
    assert!(store.certificate(&certificate.no).await.unwrap().is_none());
    assert_eq!(
        store.learner(&learner.id).await.unwrap().unwrap().cycle,
        CycleNumber::FIRST
    );
}

/// What a store held before cycles existed, written by today's code; each
/// adapter's test then strips `cycle` from its storage and checks
/// [`legacy_records_read_as_the_first_cycle`].
pub struct Legacy {
    pub learner: NewLearner,
    pub bought: Order,
    pub registration: RenewalRegistration,
}

/// A holder with a purchase, a mark and a renewal registration.
pub async fn seed_legacy<S: Store>(store: &S) -> Legacy {
    let learner = holder();
    store.create_learner(&learner).await.unwrap();
    let card = card(ticedu_domain::money::Fen::from_yuan(15));
    store
        .issue_cards(
            std::slice::from_ref(&card),
            &audit(AuditAction::CardsIssued),
        )
        .await
        .unwrap();
    store.redeem_card(&card, &learner.id, now()).await.unwrap();
    let bought = balance_order(&learner.id, vec![hour("sampling", 1)]);
    store.purchase_with_balance(&bought).await.unwrap();
    store
        .mark_learned(
            &learner.id,
            &mark(&bought.hours[0]),
            CycleNumber::FIRST,
            0,
            now(),
        )
        .await
        .unwrap();
    let registration = renewal(CycleNumber::FIRST, false);
    store
        .file_renewal(&learner.id, &registration)
        .await
        .unwrap();
    Legacy {
        learner,
        bought,
        registration,
    }
}

/// Records without `cycle` are the first cycle's, and it closes like any other.
pub async fn legacy_records_read_as_the_first_cycle<S: Store>(store: &S, legacy: &Legacy) {
    let Legacy {
        learner,
        bought,
        registration,
    } = legacy;
    let stored = store.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!((stored.cycle, stored.marked_hours), (CycleNumber::FIRST, 1));
    assert_eq!(
        store.marks(&learner.id).await.unwrap()[0].cycle,
        CycleNumber::FIRST
    );
    assert_eq!(
        store.enrollments(&learner.id).await.unwrap()[0].cycle,
        CycleNumber::FIRST
    );
    assert_eq!(&store.order(&bought.no).await.unwrap().unwrap(), bought);
    assert_eq!(
        &store
            .renewal(&learner.id, CycleNumber::FIRST)
            .await
            .unwrap()
            .unwrap(),
        registration
    );
    assert_eq!(
        store
            .mark_learned(
                &learner.id,
                &mark(&bought.hours[0]),
                CycleNumber::FIRST,
                0,
                now()
            )
            .await
            .unwrap(),
        Outcome::AlreadyApplied,
        "the old mark is this cycle's"
    );
    let certificate = certificate_for(learner);
    let closing = CycleClosing::of(&stored, &certificate).accepting(FilingKind::Renewal, None);
    store
        .issue_certificate(&certificate, &closing, None)
        .await
        .unwrap();
    assert_eq!(
        store.learner(&learner.id).await.unwrap().unwrap().cycle,
        SECOND
    );
}

pub async fn an_approved_returning_claim_grants_the_discount_with_it<S: ContractStore>(store: &S) {
    let (learner, other) = (registered(store).await, registered(store).await);
    let claim = |no: &str| ReturningClaim {
        certificate_no: ticedu_domain::learner::DocumentNumber::parse(no).unwrap(),
        expires_on: jiff::civil::date(2023, 7, 6),
        note: String::new(),
        filed_at: now(),
        status: FilingStatus::Filed,
        decision: None,
    };
    store
        .file_returning_claim(&learner.id, &claim("JX-2019-1"))
        .await
        .unwrap();
    store
        .file_returning_claim(&other.id, &claim("JX-2019-2"))
        .await
        .unwrap();
    assert_eq!(store.pending_returning_claims().await.unwrap().len(), 2);
    store
        .decide_filing(
            &learner.id,
            FilingKind::ReturningClaim,
            CycleNumber::FIRST,
            true,
            &decision(None),
            &audit(AuditAction::ApplicationDecided),
        )
        .await
        .unwrap();
    assert!(store.learner(&learner.id).await.unwrap().unwrap().returning);
    assert_eq!(
        store
            .returning_claim(&learner.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        FilingStatus::Accepted
    );
    let again = store
        .decide_filing(
            &learner.id,
            FilingKind::ReturningClaim,
            CycleNumber::FIRST,
            true,
            &decision(Some("again")),
            &audit(AuditAction::ApplicationDecided),
        )
        .await
        .unwrap();
    assert_eq!(
        again,
        Outcome::AlreadyApplied,
        "the same verdict again is the one given"
    );
    assert_eq!(
        store
            .returning_claim(&learner.id)
            .await
            .unwrap()
            .unwrap()
            .decision,
        Some(decision(None)),
        "and changes nothing"
    );
    store
        .decide_filing(
            &other.id,
            FilingKind::ReturningClaim,
            CycleNumber::FIRST,
            false,
            &decision(Some("查无此证")),
            &audit(AuditAction::ApplicationDecided),
        )
        .await
        .unwrap();
    assert!(
        !store.learner(&other.id).await.unwrap().unwrap().returning,
        "a rejection grants nothing"
    );
    assert!(store.pending_returning_claims().await.unwrap().is_empty());
    assert_eq!(
        refusal(
            store
                .decide_filing(
                    &other.id,
                    FilingKind::ReturningClaim,
                    CycleNumber::FIRST,
                    true,
                    &decision(None),
                    &audit(AuditAction::ApplicationDecided)
                )
                .await
        ),
        Refusal::FilingDecided
    );
    assert!(
        !store.learner(&other.id).await.unwrap().unwrap().returning,
        "a refused decision changes nothing"
    );
}
