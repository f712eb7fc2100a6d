//! Orders (R11–R14): bought from the balance in one transaction with the
//! debit, its ledger entry and the enrollments; or created pending and paid
//! by a WeChat Pay notice, which is recorded so that it applies only once.

use ticedu_store::ids::{LearnerId, OrderNo};
use ticedu_store::records::*;
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys::{self, Item};
use crate::ledger::ledger_item;
use crate::request::{Expr, Keys, Sorted, n, s, to_item, to_value, with_gsi1};
use crate::transaction::Transaction;

/// The items of a purchase from the balance.
#[derive(Clone, Copy, PartialEq)]
enum Purchase {
    Order,
    Balance,
    LedgerEntry,
    Enrollment,
}

/// The items of applying a payment notice.
#[derive(Clone, Copy, PartialEq)]
enum Payment {
    Order,
    Notice,
    Enrollment,
}

fn order_item(order: &Order) -> Attempt<Item> {
    let created = order.created_at.as_nanosecond();
    Ok(with_gsi1(
        to_item(order, &keys::order(&order.no))?,
        keys::learner_partition(&order.learner),
        format!("{}{created:020}#{}", keys::GSI1_ORDER_PREFIX, order.no),
    ))
}

/// Enrolls every hour of `order` in its cycle: only hours not yet enrolled there when
/// `exclusive`, otherwise over whatever is there.
fn enroll<P: Copy>(
    transaction: &mut Transaction<P>,
    part: P,
    order: &Order,
    exclusive: bool,
) -> Attempt<()> {
    for hour in &order.hours {
        let enrollment = Enrollment {
            hour: hour.clone(),
            order: order.no.clone(),
            cycle: order.cycle,
        };
        let item = to_item(
            &enrollment,
            &keys::enrollment(&order.learner, order.cycle, hour),
        )?;
        if exclusive {
            transaction.put_new(part, item)?;
        } else {
            transaction.put_always(part, item)?;
        }
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
            enroll(&mut transaction, Purchase::Enrollment, order, true)?;
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
                Purchase::Order | Purchase::Balance | Purchase::LedgerEntry => None,
            }))
        })
        .await
    }

    async fn create_order(&self, order: &Order) -> StoreResult<()> {
        during("create_order", async {
            order.check_size()?;
            self.put_new_for_learner(order_item(order)?, &order.learner, Refusal::OrderExists)
                .await
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
            let order_key = keys::order(&order.no);
            let paid = OrderStatus::Paid {
                at: notice.paid_at,
                transaction: Some(notice.transaction.clone()),
            };
            let mut transaction = self.transaction();
            transaction.update(
                Payment::Order,
                &order_key,
                "SET #status = :paid",
                "attribute_exists(pk) AND #status.#status = :pending AND #amount = :amount AND #channel = :channel",
                Expr::default()
                    .name("#status", "status")
                    .name("#amount", "amount")
                    .name("#channel", "channel")
                    .value(":paid", to_value(&paid)?)
                    .value(":pending", s("pending"))
                    .value(":amount", n(notice.amount.get()))
                    .value(":channel", to_value(&PaymentChannel::WeChatPay)?),
            )?;
            transaction.put_new(
                Payment::Notice,
                crate::reconciliation::notice_item(notice)?,
            )?;
            // Paid money always buys: an hour bought meanwhile from the balance stays bought.
            enroll(&mut transaction, Payment::Enrollment, order, false)?;
            let cancellation = match self.transact(transaction).await {
                Ok(()) => return Ok(Outcome::Applied),
                Err(error) => error.cancellation()?,
            };
            if cancellation.failed(Payment::Order) {
                let stored: Option<Order> = self
                    .found_record(&cancellation, Payment::Order, &order_key)
                    .await?;
                return match stored.map(|stored| stored.payment_by(notice)) {
                    None => Err(Refusal::UnknownOrder.into()),
                    Some(Ok(Outcome::AlreadyApplied)) => Ok(Outcome::AlreadyApplied),
                    // A pending order that failed the condition differs from the notice.
                    Some(Ok(Outcome::Applied)) => Err(Refusal::NoticeMismatch.into()),
                    Some(Err(refusal)) => Err(refusal.into()),
                };
            }
            Err(cancellation.explain(|part| match part {
                // This transaction was applied to another order.
                Payment::Notice => Some(Refusal::NoticeMismatch),
                Payment::Order | Payment::Enrollment => None,
            }))
        })
        .await
    }

    async fn enrollments(&self, learner: &LearnerId) -> StoreResult<Vec<Enrollment>> {
        during(
            "enrollments",
            self.query_records(
                &keys::learner_partition(learner),
                Some(keys::ENROLLMENT_PREFIX),
                Keys::Table,
                Sorted::Ascending,
            ),
        )
        .await
    }
}
