//! The store contract: what every implementation of `ticedu_store::Store`
//! must do. Each check is a function generic over the store, in a module
//! per theme; [`store_contract_tests!`] turns all of them into tests for one
//! implementation.

mod accounts;
mod at_most_one;
mod audit;
mod audited;
mod cards;
mod cycles;
mod imports;
mod learning;
mod lessons;
mod orders;
mod reconciliation;
mod sessions;
mod settling;
mod staff;
mod staff_accounts;
mod years;

pub use accounts::*;
pub use at_most_one::*;
pub use audit::*;
pub use audited::*;
pub use cards::*;
pub use cycles::*;
pub use imports::*;
pub use learning::*;
pub use lessons::*;
pub use orders::*;
pub use reconciliation::*;
pub use sessions::*;
pub use settling::*;
pub use staff::*;
pub use staff_accounts::*;
pub use years::*;

use ticedu_domain::money::Fen;
use ticedu_store::records::*;
use ticedu_store::*;
use ticedu_tests::fixtures::*;

/// Generates one `#[tokio::test]` per contract check, each on a fresh store
/// made by `$fresh().await`, which returns something that derefs to the store.
macro_rules! store_contract_tests {
    ($fresh:path) => {
        $crate::store_contract::store_contract_tests!(@each $fresh;
            registering_the_same_id_number_twice_keeps_one_account,
            concurrent_registrations_of_one_id_number_create_exactly_one_account,
            a_second_person_with_the_same_username_is_refused,
            a_learner_is_found_by_username_and_changes_are_kept,
            a_wechat_openid_is_bound_to_its_learner_and_rebinding_replaces_it,
            fifty_concurrent_purchases_against_a_balance_covering_ten_make_exactly_ten,
            twenty_concurrent_redemptions_of_one_card_credit_it_once,
            a_batch_of_cards_with_a_taken_code_is_refused_whole,
            cards_are_listed_newest_first_and_a_voided_card_cannot_be_redeemed,
            the_same_payment_notice_applied_twenty_times_concurrently_is_credited_once,
            a_notice_for_another_amount_is_refused_and_the_order_stays_pending,
            marking_an_hour_not_bought_is_refused,
            the_same_hour_marked_twenty_times_concurrently_counts_once,
            opening_a_lesson_closes_the_open_one_and_banks_its_time,
            opening_the_open_lesson_again_keeps_its_sitting,
            a_mark_before_the_lessons_length_is_refused_and_writes_nothing,
            a_mark_after_the_lessons_length_records_the_seconds_studied,
            time_accumulates_across_sittings,
            an_hour_never_opened_is_marked_when_no_length_is_required,
            a_timed_mark_of_an_hour_not_bought_is_refused,
            concurrent_openings_never_bank_a_minute_twice,
            a_mark_and_an_opening_at_once_leave_consistent_time,
            a_failed_purchase_leaves_no_partial_write,
            a_retried_purchase_is_applied_once,
            orders_are_listed_newest_first_and_numbers_are_unique,
            filings_can_be_corrected_until_accepted,
            title_checks_wait_in_staffs_queue_until_decided,
            overdue_renewals_wait_in_staffs_queue,
            certificates_are_issued_once_and_revoked_once,
            a_certificate_closes_its_cycle_once_with_the_learners_move,
            concurrent_certificates_for_one_cycle_store_exactly_one,
            each_cycle_keeps_its_own_purchases_marks_and_filing,
            an_hours_enrollments_are_read_in_every_cycle_and_alone,
            staff_decide_a_waiting_filing_once,
            an_unapproved_application_cannot_close_its_cycle,
            an_approved_returning_claim_grants_the_discount_with_it,
            invoices_cover_only_own_paid_orders_once,
            twenty_concurrent_purchases_of_one_hour_buy_it_once,
            twenty_concurrent_invoice_requests_for_one_order_invoice_it_once,
            twenty_concurrent_decisions_of_one_filing_apply_one,
            twenty_concurrent_creations_of_one_staff_name_create_one,
            twenty_concurrent_bootstraps_create_one_administrator,
            twenty_concurrent_orders_for_one_hour_hold_it_once,
            an_expired_order_holds_nothing_and_its_late_payment_refunds_what_was_bought_meanwhile,
            closing_and_paying_one_order_at_once_ends_paid_once,
            twenty_concurrent_refunds_of_one_order_refund_it_once,
            a_learned_hour_is_withdrawn_only_when_staff_confirm_it,
            twenty_concurrent_refund_notices_settle_it_once,
            login_failures_are_counted_per_window_and_cleared,
            twenty_concurrent_uses_are_each_counted_once_per_window,
            a_session_is_open_until_its_end_or_its_log_out,
            ending_one_session_leaves_the_others,
            a_later_log_in_forgets_nothing_still_open,
            a_recovery_code_sets_the_password_once,
            a_recovery_code_ends_with_its_time_or_its_wrong_guesses,
            twenty_concurrent_recoveries_with_one_code_recover_once,
            stored_years_are_saved_overwritten_and_audited_together,
            a_stale_version_is_refused_and_nothing_changes,
            concurrent_saves_of_one_version_make_exactly_one_win,
            an_imported_certificate_waits_under_the_id_its_holder_will_register_with,
            importing_the_same_certificate_again_changes_nothing,
            another_certificate_under_an_imported_number_is_refused_not_overwritten,
            a_person_registering_after_an_import_is_returning_and_has_their_certificates,
            an_import_for_a_registered_person_marks_their_account_returning,
            a_staff_account_is_created_once_with_its_audit_entry,
            the_first_administrator_is_bootstrapped_once_ever,
            bootstrapping_over_a_taken_name_is_refused,
            a_stale_staff_save_is_refused_and_writes_nothing,
            concurrent_saves_of_one_staff_version_make_exactly_one_win,
            entries_of_one_instant_are_paged_without_loss_or_repeat,
            the_trail_is_newest_first_and_the_limit_is_clamped,
            a_learners_trail_lists_only_the_entries_about_them,
            card_writes_are_audited_with_their_change,
            learner_writes_are_audited_with_their_change,
            a_decision_is_audited_once,
            certificate_writes_are_audited_with_their_change,
            invoice_and_import_writes_are_audited_with_their_change,
            applied_payments_are_found_by_their_bill_day_once,
            a_days_report_is_replaced_by_a_later_run_and_keeps_staffs_resolutions,
        );
    };
    (@each $fresh:path; $($check:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $check() {
                let fixture = $fresh().await;
                $crate::store_contract::$check(&*fixture).await;
            }
        )*
    };
}

pub(crate) use store_contract_tests;

/// What the contract needs of a store: all traits, shareable across tasks.
pub trait ContractStore: Store + Clone + 'static {}
impl<T: Store + Clone + 'static> ContractStore for T {}

pub(crate) async fn registered<S: ContractStore>(store: &S) -> NewLearner {
    let learner = new_learner();
    store.create_learner(&learner).await.expect("registration");
    learner
}

/// A registered learner holding `fen` in their balance, from a redeemed card.
pub(crate) async fn funded<S: ContractStore>(store: &S, fen: u64) -> NewLearner {
    let learner = registered(store).await;
    let card = card(Fen::new(fen));
    store
        .issue_cards(
            std::slice::from_ref(&card),
            &audit(AuditAction::CardsIssued),
        )
        .await
        .expect("cards");
    store
        .redeem_card(&card, &learner.id, now())
        .await
        .expect("redeem");
    learner
}

/// Each distinct result of concurrent `tasks` (as `Debug` prints it), with
/// how often it came, sorted: what a race ended with, in one comparison.
async fn tally<T: std::fmt::Debug + Send + 'static>(
    mut tasks: tokio::task::JoinSet<StoreResult<T>>,
) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    while let Some(result) = tasks.join_next().await {
        let key = format!("{:?}", result.expect("the task ran"));
        match counts.iter_mut().find(|(seen, _)| *seen == key) {
            Some((_, count)) => *count += 1,
            None => counts.push((key, 1)),
        }
    }
    counts.sort();
    counts
}

pub(crate) fn refusal(result: StoreResult<impl std::fmt::Debug>) -> Refusal {
    match result {
        Err(StoreError::Refused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

pub(crate) async fn assert_balance_equals_ledger<S: ContractStore>(
    store: &S,
    learner: &NewLearner,
) -> Fen {
    let stored = store.learner(&learner.id).await.unwrap().expect("learner");
    let ledger = store.ledger(&learner.id).await.unwrap();
    let sum: i64 = ledger.iter().map(|entry| entry.change_fen).sum();
    assert_eq!(
        i64::try_from(stored.balance.get()).unwrap(),
        sum,
        "balance must equal the ledger's sum"
    );
    stored.balance
}
