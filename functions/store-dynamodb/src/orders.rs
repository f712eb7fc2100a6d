//! Orders (R11–R14): bought from the balance in one transaction with the
//! debit, its ledger entry and the enrollments; or created pending, holding
//! their hours by reservation items, and paid by a WeChat Pay notice, which
//! is recorded so that it applies only once; refunds withdraw hours in the
//! same transaction.

use jiff::Timestamp;
use ticedu_domain::catalogue::HourId;
use ticedu_store::ids::{LearnerId, OrderNo, RefundNo};
use ticedu_store::records::*;
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys::{self, Item};
use crate::ledger::ledger_item;
use crate::request::{Expr, Keys, Sorted, from_item, n, s, to_item, to_value, with_gsi1};
use crate::table::SORT_KEY;
use crate::transaction::Transaction;

/// The items of a purchase from the balance.
#[derive(Clone, Copy, PartialEq)]
enum Purchase {
    Order,
    Balance,
    LedgerEntry,
    Enrollment,
    Reservation,
}

/// The items of placing a pending order.
#[derive(Clone, Copy, PartialEq)]
enum Placing {
    Order,
    Learner,
    Enrollment,
    Reservation,
}

/// The items of closing a pending order.
#[derive(Clone, Copy, PartialEq)]
enum Closing {
    Order,
    Reservation,
}

/// The items of applying a payment notice.
#[derive(Clone, Copy, PartialEq)]
enum Payment {
    Order,
    Notice,
    Enrollment,
    Reservation,
}

/// The items of a refund.
#[derive(Clone, Copy, PartialEq)]
enum Refunding {
    Order,
    Enrollment,
    Mark,
    Balance,
    LedgerEntry,
    Audit,
}

/// How often an operation reads and writes again when what it read changed
/// before its transaction (a concurrent purchase, payment or closing).
const RACE_ATTEMPTS: usize = 4;

/// An operation that kept losing races: nothing was written.
fn raced() -> Failure {
    Failure::backend("the order kept changing while it was written; nothing was written")
}

/// The numeric copy of a reservation's end that conditions compare.
const UNTIL: &str = "until_s";

/// The condition an hour meets when no pending order holds it at `:now`.
const NOT_HELD: &str = "attribute_not_exists(pk) OR #until <= :now";

fn not_held_at(at: Timestamp) -> Expr {
    Expr::default()
        .name("#until", UNTIL)
        .value(":now", n(at.as_second()))
}

/// Checks that no pending order holds the hours of `order` at its creation.
fn check_not_held<P: Copy>(
    transaction: &mut Transaction<P>,
    part: P,
    order: &Order,
) -> Attempt<()> {
    for hour in &order.hours {
        transaction.check(
            part,
            &keys::reservation(&order.learner, order.cycle, hour),
            NOT_HELD,
            not_held_at(order.created_at),
        )?;
    }
    Ok(())
}

/// Deletes the reservations among `held` that still name `order`: one
/// released meanwhile (the order closed or paid at the same moment) is no
/// obstacle; one another order has taken since cancels the transaction.
fn release<P: Copy>(
    transaction: &mut Transaction<P>,
    part: P,
    order: &Order,
    held: &[(HourId, Reservation)],
) -> Attempt<()> {
    for (hour, reservation) in held {
        if reservation.order == order.no {
            transaction.delete_if(
                part,
                &keys::reservation(&order.learner, order.cycle, hour),
                "attribute_not_exists(pk) OR #order = :order",
                Expr::default()
                    .name("#order", "order")
                    .value(":order", s(order.no.as_str())),
            )?;
        }
    }
    Ok(())
}

fn order_item(order: &Order) -> Attempt<Item> {
    let created = order.created_at.as_nanosecond();
    Ok(with_gsi1(
        to_item(order, &keys::order(&order.no))?,
        keys::learner_partition(&order.learner),
        format!("{}{created:020}#{}", keys::GSI1_ORDER_PREFIX, order.no),
    ))
}

/// Enrolls `hours` of `order` in its cycle, each only if not enrolled there yet.
fn enroll<P: Copy>(
    transaction: &mut Transaction<P>,
    part: P,
    order: &Order,
    hours: &[HourId],
) -> Attempt<()> {
    for hour in hours {
        let enrollment = Enrollment {
            hour: hour.clone(),
            order: order.no.clone(),
            cycle: order.cycle,
        };
        let item = to_item(
            &enrollment,
            &keys::enrollment(&order.learner, order.cycle, hour),
        )?;
        transaction.put_new(part, item)?;
    }
    Ok(())
}

impl OrderStore for DynamoStore {
    async fn purchase_with_balance(&self, order: &Order) -> StoreResult<Outcome> {
        during("purchase_with_balance", async {
            order.check_size()?;
            let order_key = keys::order(&order.no);
            let entry = LedgerEntry::purchase(order).or_backend()?;
            let mut transaction = self.transaction();
            transaction.put_new(Purchase::Order, order_item(order)?)?;
            transaction.update(
                Purchase::Balance,
                &keys::profile(&order.learner),
                "SET #balance = #balance - :amount",
                "attribute_exists(pk) AND #balance >= :amount",
                Expr::default()
                    .name("#balance", "balance")
                    .value(":amount", n(order.amount.get())),
            )?;
            transaction.put_new(Purchase::LedgerEntry, ledger_item(&order.learner, &entry)?)?;
            enroll(&mut transaction, Purchase::Enrollment, order, &order.hours)?;
            check_not_held(&mut transaction, Purchase::Reservation, order)?;
            let cancellation = match self.transact(transaction).await {
                Ok(()) => return Ok(Outcome::Applied),
                Err(error) => error.cancellation()?,
            };
            if cancellation.failed(Purchase::Order) {
                let existing: Option<Order> = self
                    .found_record(&cancellation, Purchase::Order, &order_key)
                    .await?;
                return match existing {
                    Some(existing) if existing == *order => Ok(Outcome::AlreadyApplied),
                    _ => Err(Refusal::OrderExists.into()),
                };
            }
            if cancellation.failed(Purchase::Balance) {
                let profile = self
                    .found(
                        &cancellation,
                        Purchase::Balance,
                        &keys::profile(&order.learner),
                    )
                    .await?;
                return Err(match profile {
                    Some(_) => Refusal::InsufficientBalance,
                    None => Refusal::UnknownLearner,
                }
                .into());
            }
            Err(cancellation.explain(|part| match part {
                Purchase::Enrollment => Some(Refusal::AlreadyOwned),
                Purchase::Reservation => Some(Refusal::HourReserved),
                Purchase::Order | Purchase::Balance | Purchase::LedgerEntry => None,
            }))
        })
        .await
    }

    async fn create_order(&self, order: &Order) -> StoreResult<()> {
        during("create_order", async {
            order.check_size()?;
            let mut transaction = self.transaction();
            transaction.put_new(Placing::Order, order_item(order)?)?;
            transaction.check_exists(Placing::Learner, &keys::profile(&order.learner))?;
            for hour in &order.hours {
                transaction.check(
                    Placing::Enrollment,
                    &keys::enrollment(&order.learner, order.cycle, hour),
                    "attribute_not_exists(pk)",
                    Expr::default(),
                )?;
            }
            match order.expires_at {
                Some(until) => {
                    let held = Reservation {
                        order: order.no.clone(),
                        until,
                    };
                    for hour in &order.hours {
                        let mut item =
                            to_item(&held, &keys::reservation(&order.learner, order.cycle, hour))?;
                        item.insert(UNTIL.to_owned(), n(until.as_second()));
                        transaction.put(
                            Placing::Reservation,
                            item,
                            NOT_HELD,
                            not_held_at(order.created_at),
                        )?;
                    }
                }
                None => check_not_held(&mut transaction, Placing::Reservation, order)?,
            }
            self.transact(transaction).await.map_err(|error| {
                error.explain(|part| match part {
                    Placing::Order => Some(Refusal::OrderExists),
                    Placing::Learner => Some(Refusal::UnknownLearner),
                    Placing::Enrollment => Some(Refusal::AlreadyOwned),
                    Placing::Reservation => Some(Refusal::HourReserved),
                })
            })
        })
        .await
    }

    async fn close_order(
        &self,
        no: &OrderNo,
        at: Timestamp,
        reason: CloseReason,
    ) -> StoreResult<Outcome> {
        during("close_order", async {
            for _ in 0..RACE_ATTEMPTS {
                if let Some(outcome) = self.try_close_order(no, at, reason).await? {
                    return Ok(outcome);
                }
            }
            Err(raced())
        })
        .await
    }

    async fn order(&self, no: &OrderNo) -> StoreResult<Option<Order>> {
        during("order", self.get_record(&keys::order(no))).await
    }

    async fn orders_of(&self, learner: &LearnerId) -> StoreResult<Vec<Order>> {
        during(
            "orders_of",
            self.query_records(
                &keys::learner_partition(learner),
                Some(keys::GSI1_ORDER_PREFIX),
                Keys::Gsi1,
                Sorted::Descending,
            ),
        )
        .await
    }

    async fn apply_payment(&self, order: &Order, notice: &PaymentNotice) -> StoreResult<Outcome> {
        during("apply_payment", async {
            order.check_notice(notice)?;
            for _ in 0..RACE_ATTEMPTS {
                if let Some(outcome) = self.try_apply_payment(order, notice).await? {
                    return Ok(outcome);
                }
            }
            Err(raced())
        })
        .await
    }

    async fn refund_order(
        &self,
        order: &Order,
        refund: &Refund,
        audit: Option<&AuditEntry>,
    ) -> StoreResult<Outcome> {
        during("refund_order", async {
            let order_key = keys::order(&order.no);
            let stored: Order = self
                .get_record(&order_key)
                .await?
                .ok_or(Refusal::UnknownOrder)?;
            if stored.refunding(refund)? == Outcome::AlreadyApplied {
                return Ok(Outcome::AlreadyApplied);
            }
            let marks = self.marks_of(&stored.learner).await?;
            stored.check_withdrawal(refund, &marks)?;
            let mut refunds = stored.refunds.clone();
            refunds.push(refund.clone());
            let mut transaction = self.transaction();
            // Unchanged since read: no refunds yet (none stored, or an empty
            // list from the payment), or as many as were read.
            let unchanged = if stored.refunds.is_empty() {
                "(attribute_not_exists(#refunds) OR size(#refunds) = :count)"
            } else {
                "size(#refunds) = :count"
            };
            transaction.update(
                Refunding::Order,
                &order_key,
                "SET #refunds = :refunds",
                &format!("#status.#status = :paid AND {unchanged}"),
                Expr::default()
                    .name("#status", "status")
                    .name("#refunds", "refunds")
                    .value(":refunds", to_value(&refunds)?)
                    .value(":paid", s("paid"))
                    .value(":count", n(stored.refunds.len())),
            )?;
            let confirmed: &[HourId] = match &refund.reason {
                RefundReason::Staff { learned, .. } => learned,
                RefundReason::AlreadyOwned => &[],
            };
            for hour in &refund.hours {
                transaction.delete_if(
                    Refunding::Enrollment,
                    &keys::enrollment(&stored.learner, stored.cycle, hour),
                    "attribute_not_exists(pk) OR #order = :order",
                    Expr::default()
                        .name("#order", "order")
                        .value(":order", s(stored.no.as_str())),
                )?;
                if !confirmed.contains(hour) {
                    transaction.check(
                        Refunding::Mark,
                        &keys::mark(&stored.learner, stored.cycle, hour),
                        "attribute_not_exists(pk)",
                        Expr::default(),
                    )?;
                }
            }
            if stored.channel == PaymentChannel::Balance {
                let entry = LedgerEntry::refund(refund).or_backend()?;
                transaction.update(
                    Refunding::Balance,
                    &keys::profile(&stored.learner),
                    "SET #balance = #balance + :amount",
                    "attribute_exists(pk)",
                    Expr::default()
                        .name("#balance", "balance")
                        .value(":amount", n(refund.amount.get())),
                )?;
                transaction.put_new(
                    Refunding::LedgerEntry,
                    ledger_item(&stored.learner, &entry)?,
                )?;
            }
            if let Some(audit) = audit {
                transaction.put_audit(Refunding::Audit, audit)?;
            }
            let cancellation = match self.transact(transaction).await {
                Ok(()) => return Ok(Outcome::Applied),
                Err(error) => error.cancellation()?,
            };
            if cancellation.failed(Refunding::Order) {
                let now: Option<Order> = self
                    .found_record(&cancellation, Refunding::Order, &order_key)
                    .await?;
                return match now {
                    Some(now) if now.refund(&refund.no) == Some(refund) => {
                        Ok(Outcome::AlreadyApplied)
                    }
                    _ => Err(Refusal::NotRefundable.into()),
                };
            }
            Err(cancellation.explain(|part| match part {
                Refunding::Mark => Some(Refusal::HourLearned),
                Refunding::Order
                | Refunding::Enrollment
                | Refunding::Balance
                | Refunding::LedgerEntry
                | Refunding::Audit => None,
            }))
        })
        .await
    }

    async fn settle_refund(
        &self,
        refund: &RefundNo,
        status: &RefundStatus,
    ) -> StoreResult<Outcome> {
        during("settle_refund", async {
            let order_key = keys::order(&refund.order());
            let stored: Order = self
                .get_record(&order_key)
                .await?
                .ok_or(Refusal::UnknownRefund)?;
            let Some(index) = stored.refunds.iter().position(|r| &r.no == refund) else {
                return Err(Refusal::UnknownRefund.into());
            };
            if stored.refunds[index].settling(status)? == Outcome::AlreadyApplied {
                return Ok(Outcome::AlreadyApplied);
            }
            let written = self
                .update_item(
                    &order_key,
                    &format!("SET #refunds[{index}].#status = :status"),
                    &format!(
                        "#refunds[{index}].#no = :no AND #refunds[{index}].#status.#status = :requested"
                    ),
                    Expr::default()
                        .name("#refunds", "refunds")
                        .name("#status", "status")
                        .name("#no", "no")
                        .value(":status", to_value(status)?)
                        .value(":no", s(refund.as_str()))
                        .value(":requested", s("requested")),
                )
                .await?;
            if written {
                return Ok(Outcome::Applied);
            }
            // Settled meanwhile (a notice and a query at once): as it was settled.
            let now: Order = self
                .get_record(&order_key)
                .await?
                .ok_or(Refusal::UnknownRefund)?;
            match now.refund(refund).map(|r| r.settling(status)) {
                Some(Ok(Outcome::AlreadyApplied)) => Ok(Outcome::AlreadyApplied),
                _ => Err(Refusal::NoticeMismatch.into()),
            }
        })
        .await
    }

    async fn enrollments(&self, learner: &LearnerId) -> StoreResult<Vec<Enrollment>> {
        during("enrollments", self.enrollments_of(learner)).await
    }

    async fn hour_enrollments(
        &self,
        learner: &LearnerId,
        hour: &HourId,
    ) -> StoreResult<Vec<Enrollment>> {
        // `HOUR#<hour>` and `HOUR#<hour>@<cycle>`; the prefix also holds
        // longer hours that start alike ("x/1" and "x/10").
        let prefix = format!("{}{hour}", keys::ENROLLMENT_PREFIX);
        let query = async {
            let found: Vec<Enrollment> = self
                .query_records(
                    &keys::learner_partition(learner),
                    Some(&prefix),
                    Keys::Table,
                    Sorted::Ascending,
                )
                .await?;
            Ok(found.into_iter().filter(|e| &e.hour == hour).collect())
        };
        during("hour_enrollments", query).await
    }
}

impl DynamoStore {
    /// One reading and one transaction of [`OrderStore::close_order`]; `None`
    /// when a reservation changed hands between them (nothing was written).
    async fn try_close_order(
        &self,
        no: &OrderNo,
        at: Timestamp,
        reason: CloseReason,
    ) -> Attempt<Option<Outcome>> {
        let order_key = keys::order(no);
        let order: Order = self
            .get_record(&order_key)
            .await?
            .ok_or(Refusal::UnknownOrder)?;
        if order.closing()? == Outcome::AlreadyApplied {
            return Ok(Some(Outcome::AlreadyApplied));
        }
        let held = self.reservations_of(&order).await?;
        let mut transaction = self.transaction();
        transaction.update(
            Closing::Order,
            &order_key,
            "SET #status = :closed",
            "#status.#status = :pending",
            Expr::default()
                .name("#status", "status")
                .value(":closed", to_value(&OrderStatus::Closed { at, reason })?)
                .value(":pending", s("pending")),
        )?;
        release(&mut transaction, Closing::Reservation, &order, &held)?;
        let cancellation = match self.transact(transaction).await {
            Ok(()) => return Ok(Some(Outcome::Applied)),
            Err(error) => error.cancellation()?,
        };
        if cancellation.failed(Closing::Order) {
            let stored: Option<Order> = self
                .found_record(&cancellation, Closing::Order, &order_key)
                .await?;
            return Ok(Some(stored.ok_or(Refusal::UnknownOrder)?.closing()?));
        }
        Ok(None)
    }

    /// One reading and one transaction of [`OrderStore::apply_payment`];
    /// `None` when an hour was bought or held between them (nothing was
    /// written, and a new reading sees why).
    async fn try_apply_payment(
        &self,
        order: &Order,
        notice: &PaymentNotice,
    ) -> Attempt<Option<Outcome>> {
        let order_key = keys::order(&order.no);
        let owned: Vec<HourId> = {
            let enrolled = self.enrollments_of(&order.learner).await?;
            order
                .hours
                .iter()
                .filter(|hour| {
                    enrolled
                        .iter()
                        .any(|e| &e.hour == *hour && e.cycle == order.cycle)
                })
                .cloned()
                .collect()
        };
        let held = self.reservations_of(order).await?;
        let paid = OrderStatus::Paid {
            at: notice.paid_at,
            transaction: Some(notice.transaction.clone()),
        };
        let mut refunds = order.refunds.clone();
        if !owned.is_empty() {
            refunds.push(Refund {
                no: RefundNo::nth(&order.no, refunds.len() + 1).or_backend()?,
                amount: order.share_of(owned.len()),
                hours: owned.clone(),
                reason: RefundReason::AlreadyOwned,
                requested_at: notice.paid_at,
                status: RefundStatus::Requested,
            });
        }
        let mut transaction = self.transaction();
        transaction.update(
            Payment::Order,
            &order_key,
            "SET #status = :paid, #refunds = :refunds",
            "attribute_exists(pk) AND #status.#status IN (:pending, :closed) AND #amount = :amount AND #channel = :channel",
            Expr::default()
                .name("#status", "status")
                .name("#refunds", "refunds")
                .name("#amount", "amount")
                .name("#channel", "channel")
                .value(":paid", to_value(&paid)?)
                .value(":refunds", to_value(&refunds)?)
                .value(":pending", s("pending"))
                .value(":closed", s("closed"))
                .value(":amount", n(notice.amount.get()))
                .value(":channel", to_value(&PaymentChannel::WeChatPay)?),
        )?;
        transaction.put_new(Payment::Notice, crate::reconciliation::notice_item(notice)?)?;
        let free: Vec<HourId> = order
            .hours
            .iter()
            .filter(|hour| !owned.contains(hour))
            .cloned()
            .collect();
        enroll(&mut transaction, Payment::Enrollment, order, &free)?;
        release(&mut transaction, Payment::Reservation, order, &held)?;
        let cancellation = match self.transact(transaction).await {
            Ok(()) => return Ok(Some(Outcome::Applied)),
            Err(error) => error.cancellation()?,
        };
        if cancellation.failed(Payment::Order) {
            let stored: Option<Order> = self
                .found_record(&cancellation, Payment::Order, &order_key)
                .await?;
            return match stored.map(|stored| stored.payment_by(notice)) {
                None => Err(Refusal::UnknownOrder.into()),
                Some(Ok(Outcome::AlreadyApplied)) => Ok(Some(Outcome::AlreadyApplied)),
                // A pending order that failed the condition differs from the notice.
                Some(Ok(Outcome::Applied)) => Err(Refusal::NoticeMismatch.into()),
                Some(Err(refusal)) => Err(refusal.into()),
            };
        }
        if cancellation.failed(Payment::Notice) {
            // This transaction was applied to another order.
            return Err(Refusal::NoticeMismatch.into());
        }
        Ok(None)
    }

    async fn enrollments_of(&self, learner: &LearnerId) -> Attempt<Vec<Enrollment>> {
        self.query_records(
            &keys::learner_partition(learner),
            Some(keys::ENROLLMENT_PREFIX),
            Keys::Table,
            Sorted::Ascending,
        )
        .await
    }

    async fn marks_of(
        &self,
        learner: &LearnerId,
    ) -> Attempt<Vec<ticedu_domain::requirement::LearnedHour>> {
        self.query_records(
            &keys::learner_partition(learner),
            Some(keys::MARK_PREFIX),
            Keys::Table,
            Sorted::Ascending,
        )
        .await
    }

    /// The reservations of `order`'s hours in its cycle, whoever holds them now.
    async fn reservations_of(&self, order: &Order) -> Attempt<Vec<(HourId, Reservation)>> {
        let items = self
            .query(
                &keys::learner_partition(&order.learner),
                Some(keys::RESERVATION_PREFIX),
                Keys::Table,
                Sorted::Ascending,
            )
            .await?;
        let mut held = Vec::new();
        for item in items {
            let sort = item.get(SORT_KEY).and_then(|v| v.as_s().ok()).cloned();
            let hour = order.hours.iter().find(|hour| {
                Some(&keys::reservation(&order.learner, order.cycle, hour).sk) == sort.as_ref()
            });
            if let Some(hour) = hour {
                held.push((hour.clone(), from_item(item)?));
            }
        }
        Ok(held)
    }
}
