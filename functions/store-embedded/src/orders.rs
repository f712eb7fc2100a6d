//! Orders (R11–R14): bought from the balance with the debit, its ledger entry
//! and the enrollments in one transaction; or created pending, holding their
//! hours by reservations, and paid by a WeChat Pay notice, which is kept so
//! that it applies only once; refunds withdraw hours in the same write.

use jiff::Timestamp;
use redb::WriteTransaction;
use ticedu_domain::catalogue::HourId;
use ticedu_domain::requirement::LearnedHour;
use ticedu_store::ids::{LearnerId, OrderNo, RefundNo, in_cycle, split_cycle};
use ticedu_store::records::*;
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::audit::record;
use crate::learners::check_learner_exists;
use crate::ledger::post_to_ledger;
use crate::rows::{LAST, exists, get_json, open, open_read, put_json, rows_of};
use crate::tables::{ENROLLMENTS, LEARNER_ORDERS, MARKS, NOTICES, ORDERS, RESERVATIONS};

/// `(learner, hour@cycle)` keys of an order's hours in its cycle.
fn hour_keys(order: &Order) -> Vec<String> {
    order
        .hours
        .iter()
        .map(|hour| in_cycle(&hour.to_string(), order.cycle))
        .collect()
}

/// Refuses an order whose hours are bought in its cycle, or held at its
/// `created_at` by another pending order.
fn check_hours_free(txn: &WriteTransaction, order: &Order) -> Attempt<()> {
    let enrollments = open(txn, ENROLLMENTS)?;
    let reservations = open(txn, RESERVATIONS)?;
    for hour in hour_keys(order) {
        let key = (order.learner.as_str(), hour.as_str());
        if exists(&enrollments, key)? {
            return Err(Refusal::AlreadyOwned.into());
        }
        let held: Option<Reservation> = get_json(&reservations, key)?;
        // Whole seconds, as the DynamoDB adapter's condition compares them.
        let holds = |held: &Reservation| order.created_at.as_second() < held.until.as_second();
        if held.is_some_and(|held| held.order != order.no && holds(&held)) {
            return Err(Refusal::HourReserved.into());
        }
    }
    Ok(())
}

/// Enrolls the given hours of `order` in its cycle.
fn enroll(
    txn: &WriteTransaction,
    order: &Order,
    hours: &[ticedu_domain::catalogue::HourId],
) -> Attempt<()> {
    let mut enrollments = open(txn, ENROLLMENTS)?;
    for hour in hours {
        let hour_key = in_cycle(&hour.to_string(), order.cycle);
        let enrollment = Enrollment {
            hour: hour.clone(),
            order: order.no.clone(),
            cycle: order.cycle,
        };
        put_json(
            &mut enrollments,
            (order.learner.as_str(), hour_key.as_str()),
            &enrollment,
        )?;
    }
    Ok(())
}

/// Removes the reservations that still name `order` (a lapsed one may have
/// been taken by another order since).
fn release(txn: &WriteTransaction, order: &Order) -> Attempt<()> {
    let mut reservations = open(txn, RESERVATIONS)?;
    for hour in hour_keys(order) {
        let key = (order.learner.as_str(), hour.as_str());
        let held: Option<Reservation> = get_json(&reservations, key)?;
        if held.is_some_and(|held| held.order == order.no) {
            reservations.remove(key).or_backend()?;
        }
    }
    Ok(())
}

fn insert_order(txn: &WriteTransaction, order: &Order) -> Attempt<()> {
    put_json(&mut open(txn, ORDERS)?, order.no.as_str(), order)?;
    let created = order.created_at.as_nanosecond();
    open(txn, LEARNER_ORDERS)?
        .insert((order.learner.as_str(), order.no.as_str()), created as i64)
        .or_backend()?;
    Ok(())
}

fn stored_order(txn: &WriteTransaction, no: &OrderNo) -> Attempt<Order> {
    get_json(&open(txn, ORDERS)?, no.as_str())?.ok_or(Failure::Refused(Refusal::UnknownOrder))
}

impl OrderStore for EmbeddedStore {
    async fn purchase_with_balance(&self, order: &Order) -> StoreResult<Outcome> {
        order.check_size()?;
        let order = order.clone();
        self.write("purchase_with_balance", move |txn| {
            let existing: Option<Order> = get_json(&open(txn, ORDERS)?, order.no.as_str())?;
            match existing {
                Some(existing) if existing == order => return Ok(Outcome::AlreadyApplied),
                Some(_) => return Err(Refusal::OrderExists.into()),
                None => {}
            }
            check_hours_free(txn, &order)?;
            let entry = LedgerEntry::purchase(&order).or_backend()?;
            post_to_ledger(txn, &order.learner, &entry)?;
            insert_order(txn, &order)?;
            enroll(txn, &order, &order.hours)?;
            Ok(Outcome::Applied)
        })
        .await
    }

    async fn create_order(&self, order: &Order) -> StoreResult<()> {
        order.check_size()?;
        let order = order.clone();
        self.write("create_order", move |txn| {
            if exists(&open(txn, ORDERS)?, order.no.as_str())? {
                return Err(Refusal::OrderExists.into());
            }
            check_learner_exists(txn, &order.learner)?;
            check_hours_free(txn, &order)?;
            if let Some(until) = order.expires_at {
                let mut reservations = open(txn, RESERVATIONS)?;
                let held = Reservation {
                    order: order.no.clone(),
                    until,
                };
                for hour in hour_keys(&order) {
                    put_json(
                        &mut reservations,
                        (order.learner.as_str(), hour.as_str()),
                        &held,
                    )?;
                }
            }
            insert_order(txn, &order)
        })
        .await
    }

    async fn close_order(
        &self,
        no: &OrderNo,
        at: Timestamp,
        reason: CloseReason,
    ) -> StoreResult<Outcome> {
        let no = no.clone();
        self.write("close_order", move |txn| {
            let mut order = stored_order(txn, &no)?;
            if order.closing()? == Outcome::AlreadyApplied {
                return Ok(Outcome::AlreadyApplied);
            }
            order.status = OrderStatus::Closed { at, reason };
            put_json(&mut open(txn, ORDERS)?, no.as_str(), &order)?;
            release(txn, &order)?;
            Ok(Outcome::Applied)
        })
        .await
    }

    async fn order(&self, no: &OrderNo) -> StoreResult<Option<Order>> {
        let no = no.clone();
        self.read("order", move |txn| {
            get_json(&open_read(txn, ORDERS)?, no.as_str())
        })
        .await
    }

    async fn orders_of(&self, learner: &LearnerId) -> StoreResult<Vec<Order>> {
        let learner = learner.clone();
        self.read("orders_of", move |txn| {
            let index = open_read(txn, LEARNER_ORDERS)?;
            let orders = open_read(txn, ORDERS)?;
            let mut found = Vec::new();
            let first = learner.as_str();
            for entry in index
                .range((first, "")..=(first, "\u{10FFFF}"))
                .or_backend()?
            {
                let (key, created) = entry.or_backend()?;
                let (_, no) = key.value();
                if let Some(order) = get_json::<_, Order>(&orders, no)? {
                    found.push((created.value(), order));
                }
            }
            found.sort_by_key(|(created, _)| std::cmp::Reverse(*created));
            Ok(found.into_iter().map(|(_, order)| order).collect())
        })
        .await
    }

    async fn apply_payment(&self, order: &Order, notice: &PaymentNotice) -> StoreResult<Outcome> {
        let (order_no, notice) = (order.no.clone(), notice.clone());
        self.write("apply_payment", move |txn| {
            let mut stored = stored_order(txn, &order_no)?;
            if stored.payment_by(&notice)? == Outcome::AlreadyApplied {
                return Ok(Outcome::AlreadyApplied);
            }
            stored.status = OrderStatus::Paid {
                at: notice.paid_at,
                transaction: Some(notice.transaction.clone()),
            };
            let owned: Vec<_> = {
                let enrollments = open(txn, ENROLLMENTS)?;
                let mut owned = Vec::new();
                for (hour, key) in stored.hours.iter().zip(hour_keys(&stored)) {
                    if exists(&enrollments, (stored.learner.as_str(), key.as_str()))? {
                        owned.push(hour.clone());
                    }
                }
                owned
            };
            if !owned.is_empty() {
                stored.refunds.push(Refund {
                    no: RefundNo::nth(&stored.no, stored.refunds.len() + 1).or_backend()?,
                    amount: stored.share_of(owned.len()),
                    hours: owned.clone(),
                    reason: RefundReason::AlreadyOwned,
                    requested_at: notice.paid_at,
                    status: RefundStatus::Requested,
                });
            }
            put_json(&mut open(txn, ORDERS)?, order_no.as_str(), &stored)?;
            put_json(
                &mut open(txn, NOTICES)?,
                notice.transaction.as_str(),
                &notice,
            )?;
            crate::reconciliation::index_payment(txn, &notice)?;
            let free: Vec<_> = stored
                .hours
                .iter()
                .filter(|h| !owned.contains(h))
                .cloned()
                .collect();
            enroll(txn, &stored, &free)?;
            release(txn, &stored)?;
            Ok(Outcome::Applied)
        })
        .await
    }

    async fn refund_order(
        &self,
        order: &Order,
        refund: &Refund,
        audit: Option<&AuditEntry>,
    ) -> StoreResult<Outcome> {
        let (order_no, refund, audit) = (order.no.clone(), refund.clone(), audit.cloned());
        self.write("refund_order", move |txn| {
            let mut stored = stored_order(txn, &order_no)?;
            if stored.refunding(&refund)? == Outcome::AlreadyApplied {
                return Ok(Outcome::AlreadyApplied);
            }
            let marks: Vec<LearnedHour> = rows_of(&open(txn, MARKS)?, stored.learner.as_str())?;
            stored.check_withdrawal(&refund, &marks)?;
            {
                let mut enrollments = open(txn, ENROLLMENTS)?;
                for hour in &refund.hours {
                    let key = in_cycle(&hour.to_string(), stored.cycle);
                    let key = (stored.learner.as_str(), key.as_str());
                    let enrolled: Option<Enrollment> = get_json(&enrollments, key)?;
                    if enrolled.is_some_and(|e| e.order == stored.no) {
                        enrollments.remove(key).or_backend()?;
                    }
                }
            }
            if stored.channel == PaymentChannel::Balance {
                let entry = LedgerEntry::refund(&refund).or_backend()?;
                post_to_ledger(txn, &stored.learner, &entry)?;
            }
            stored.refunds.push(refund.clone());
            put_json(&mut open(txn, ORDERS)?, order_no.as_str(), &stored)?;
            if let Some(audit) = &audit {
                record(txn, audit)?;
            }
            Ok(Outcome::Applied)
        })
        .await
    }

    async fn settle_refund(
        &self,
        refund: &RefundNo,
        status: &RefundStatus,
    ) -> StoreResult<Outcome> {
        let (refund, status) = (refund.clone(), status.clone());
        self.write("settle_refund", move |txn| {
            // A refund of an order that does not exist is as unknown as any.
            let mut stored: Order = get_json(&open(txn, ORDERS)?, refund.order().as_str())?
                .ok_or(Failure::Refused(Refusal::UnknownRefund))?;
            let Some(found) = stored.refunds.iter_mut().find(|r| r.no == refund) else {
                return Err(Refusal::UnknownRefund.into());
            };
            if found.settling(&status)? == Outcome::AlreadyApplied {
                return Ok(Outcome::AlreadyApplied);
            }
            found.status = status.clone();
            put_json(&mut open(txn, ORDERS)?, stored.no.as_str(), &stored)?;
            Ok(Outcome::Applied)
        })
        .await
    }

    async fn enrollments(&self, learner: &LearnerId) -> StoreResult<Vec<Enrollment>> {
        let learner = learner.clone();
        self.read("enrollments", move |txn| {
            rows_of(&open_read(txn, ENROLLMENTS)?, learner.as_str())
        })
        .await
    }

    async fn hour_enrollments(
        &self,
        learner: &LearnerId,
        hour: &HourId,
    ) -> StoreResult<Vec<Enrollment>> {
        let (learner, hour) = (learner.clone(), hour.to_string());
        self.read("hour_enrollments", move |txn| {
            // The hour's keys are `hour` and `hour@<cycle>`; the range also
            // holds longer hours that start alike ("x/1" and "x/10").
            let enrollments = open_read(txn, ENROLLMENTS)?;
            let last = format!("{hour}@{LAST}");
            let mut found = Vec::new();
            let rows = enrollments
                .range((learner.as_str(), hour.as_str())..=(learner.as_str(), last.as_str()))
                .or_backend()?;
            for row in rows {
                let (key, value) = row.or_backend()?;
                if split_cycle(key.value().1).0 == hour {
                    found.push(serde_json::from_slice(value.value()).or_backend()?);
                }
            }
            Ok(found)
        })
        .await
    }
}
