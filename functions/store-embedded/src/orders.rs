//! Orders (R11–R14): bought from the balance with the debit, its ledger entry
//! and the enrollments in one transaction; or created pending and paid by a
//! WeChat Pay notice, which is kept so that it applies only once.

use redb::WriteTransaction;
use ticedu_store::ids::{LearnerId, OrderNo, in_cycle};
use ticedu_store::records::*;
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::learners::check_learner_exists;
use crate::ledger::post_to_ledger;
use crate::rows::{exists, get_json, open, open_read, put_json, rows_of};
use crate::tables::{ENROLLMENTS, LEARNER_ORDERS, NOTICES, ORDERS};

/// Enrolls every hour of `order` in its cycle; refuses hours already
/// enrolled in that cycle when `exclusive`.
fn enroll(txn: &WriteTransaction, order: &Order, exclusive: bool) -> Attempt<()> {
    let mut enrollments = open(txn, ENROLLMENTS)?;
    for hour in &order.hours {
        let hour_key = in_cycle(&hour.to_string(), order.cycle);
        let key = (order.learner.as_str(), hour_key.as_str());
        if exclusive && exists(&enrollments, key)? {
            return Err(Refusal::AlreadyOwned.into());
        }
        let enrollment = Enrollment {
            hour: hour.clone(),
            order: order.no.clone(),
            cycle: order.cycle,
        };
        put_json(&mut enrollments, key, &enrollment)?;
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
            let entry = LedgerEntry::purchase(&order).or_backend()?;
            post_to_ledger(txn, &order.learner, &entry)?;
            insert_order(txn, &order)?;
            enroll(txn, &order, true)?;
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
            insert_order(txn, &order)
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
            let mut orders = open(txn, ORDERS)?;
            let mut stored: Order = get_json(&orders, order_no.as_str())?
                .ok_or(Failure::Refused(Refusal::UnknownOrder))?;
            if stored.payment_by(&notice)? == Outcome::AlreadyApplied {
                return Ok(Outcome::AlreadyApplied);
            }
            stored.status = OrderStatus::Paid {
                at: notice.paid_at,
                transaction: Some(notice.transaction.clone()),
            };
            put_json(&mut orders, order_no.as_str(), &stored)?;
            put_json(
                &mut open(txn, NOTICES)?,
                notice.transaction.as_str(),
                &notice,
            )?;
            crate::reconciliation::index_payment(txn, &notice)?;
            // Paid money always buys: an hour bought meanwhile from the balance stays bought.
            enroll(txn, &stored, false)?;
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
}
