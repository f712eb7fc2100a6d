//! ticedu's storage traits on an embedded [redb] database file.
//!
//! redb gives ACID write transactions with a single writer at a time and
//! durable commits: what was committed before a `kill -9` is there after a
//! restart, and an aborted transaction leaves nothing behind. Each trait
//! operation is one write transaction that reads what it checks, checks it,
//! and writes or aborts, so the conditions DynamoDB evaluates server-side
//! hold here by serialisation. Records are JSON values in typed tables.
//!
//! redb is synchronous; every operation runs on tokio's blocking pool.

mod tables;

use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;
use redb::{
    Database, ReadOnlyTable, ReadTransaction, ReadableDatabase, ReadableTable, Table,
    TableDefinition, WriteTransaction,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use ticedu_domain::identity::UsernameKey;
use ticedu_domain::learner::{LearnerCategory, TitleCheck};
use ticedu_domain::money::Fen;
use ticedu_domain::requirement::LearnedHour;
use ticedu_store::ids::{CardCode, CertificateNo, InvoiceId, LearnerId, OrderNo};
use ticedu_store::records::*;
use ticedu_store::*;

use tables::*;

/// The embedded store. Cheap to clone; clones share the database.
#[derive(Clone)]
pub struct EmbeddedStore {
    db: Arc<Database>,
}

impl EmbeddedStore {
    /// Opens the database file at `path`, creating it (and its tables) if needed.
    pub fn open(path: impl AsRef<Path>) -> StoreResult<Self> {
        let db = Database::create(path).backend("open")?;
        let txn = db.begin_write().backend("open")?;
        create_all_tables(&txn).backend("open")?;
        txn.commit().backend("open")?;
        Ok(Self { db: Arc::new(db) })
    }

    /// Runs `work` in one write transaction: committed if it returns `Ok`,
    /// aborted (nothing written) if it returns `Err`.
    async fn write<T, F>(&self, operation: &'static str, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&WriteTransaction) -> StoreResult<T> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        let run = move || {
            let txn = db.begin_write().backend(operation)?;
            match work(&txn) {
                Ok(value) => {
                    txn.commit().backend(operation)?;
                    Ok(value)
                }
                Err(error) => {
                    txn.abort().backend(operation)?;
                    Err(error)
                }
            }
        };
        tokio::task::spawn_blocking(run).await.backend(operation)?
    }

    async fn read<T, F>(&self, operation: &'static str, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&ReadTransaction) -> StoreResult<T> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        let run = move || {
            let txn = db.begin_read().backend(operation)?;
            work(&txn)
        };
        tokio::task::spawn_blocking(run).await.backend(operation)?
    }
}

/// Maps any backend error to [`StoreError::Unavailable`] naming the operation.
trait Backend<T> {
    fn backend(self, operation: &'static str) -> StoreResult<T>;
}

impl<T, E: std::fmt::Display> Backend<T> for Result<T, E> {
    fn backend(self, operation: &'static str) -> StoreResult<T> {
        self.map_err(|error| StoreError::unavailable(operation, error))
    }
}

fn encode<T: Serialize>(value: &T, operation: &'static str) -> StoreResult<Vec<u8>> {
    serde_json::to_vec(value).backend(operation)
}

fn decode<T: DeserializeOwned>(bytes: &[u8], operation: &'static str) -> StoreResult<T> {
    serde_json::from_slice(bytes).backend(operation)
}

/// Reads and decodes one JSON record.
fn get_json<K, T>(
    table: &impl ReadableTable<K, &'static [u8]>,
    key: K::SelfType<'_>,
    operation: &'static str,
) -> StoreResult<Option<T>>
where
    K: redb::Key + 'static,
    T: DeserializeOwned,
{
    match table.get(key).backend(operation)? {
        Some(bytes) => decode(bytes.value(), operation).map(Some),
        None => Ok(None),
    }
}

fn put_json<K, T>(
    table: &mut Table<'_, K, &'static [u8]>,
    key: K::SelfType<'_>,
    value: &T,
    operation: &'static str,
) -> StoreResult<()>
where
    K: redb::Key + 'static,
    T: Serialize,
{
    let bytes = encode(value, operation)?;
    table.insert(key, bytes.as_slice()).backend(operation)?;
    Ok(())
}

/// The learner, or [`Refusal::UnknownLearner`].
fn existing_learner(
    table: &Table<'_, &'static str, &'static [u8]>,
    id: &LearnerId,
    operation: &'static str,
) -> StoreResult<Learner> {
    get_json(table, id.as_str(), operation)?.ok_or(StoreError::Refused(Refusal::UnknownLearner))
}

fn open<'txn, K: redb::Key + 'static, V: redb::Value + 'static>(
    txn: &'txn WriteTransaction,
    definition: TableDefinition<K, V>,
    operation: &'static str,
) -> StoreResult<Table<'txn, K, V>> {
    txn.open_table(definition).backend(operation)
}

fn open_read<K: redb::Key + 'static, V: redb::Value + 'static>(
    txn: &ReadTransaction,
    definition: TableDefinition<K, V>,
    operation: &'static str,
) -> StoreResult<ReadOnlyTable<K, V>> {
    txn.open_table(definition).backend(operation)
}

/// Every value of a `(learner, key)` table for one learner, in key order.
fn learner_rows<T: DeserializeOwned>(
    txn: &ReadTransaction,
    definition: TableDefinition<(&'static str, &'static str), &'static [u8]>,
    learner: &str,
    operation: &'static str,
) -> StoreResult<Vec<T>> {
    let table = open_read(txn, definition, operation)?;
    let mut rows = Vec::new();
    for entry in table
        .range((learner, "")..=(learner, "\u{10FFFF}"))
        .backend(operation)?
    {
        let (_, value) = entry.backend(operation)?;
        rows.push(decode(value.value(), operation)?);
    }
    Ok(rows)
}

impl LearnerStore for EmbeddedStore {
    async fn create_learner(&self, learner: &NewLearner) -> StoreResult<()> {
        const OP: &str = "create_learner";
        let learner = learner.clone();
        self.write(OP, move |txn| {
            let mut accounts = open(txn, ACCOUNTS, OP)?;
            if accounts
                .get(learner.account_key.as_str())
                .backend(OP)?
                .is_some()
            {
                return Err(Refusal::AccountExists.into());
            }
            let mut usernames = open(txn, USERNAMES, OP)?;
            if usernames
                .get(learner.username_key.as_str())
                .backend(OP)?
                .is_some()
            {
                return Err(Refusal::UsernameTaken.into());
            }
            accounts
                .insert(learner.account_key.as_str(), learner.id.as_str())
                .backend(OP)?;
            usernames
                .insert(learner.username_key.as_str(), learner.id.as_str())
                .backend(OP)?;
            let title_check =
                (learner.kind.category() == LearnerCategory::Titled).then_some(TitleCheck::Pending);
            if title_check.is_some() {
                open(txn, PENDING_TITLE_CHECKS, OP)?
                    .insert(learner.id.as_str(), ())
                    .backend(OP)?;
            }
            let id = learner.id.clone();
            let stored = Learner {
                registration: learner,
                balance: Fen::ZERO,
                marked_hours: 0,
                returning: false,
                title_check,
            };
            put_json(&mut open(txn, LEARNERS, OP)?, id.as_str(), &stored, OP)
        })
        .await
    }

    async fn learner(&self, id: &LearnerId) -> StoreResult<Option<Learner>> {
        const OP: &str = "learner";
        let id = id.clone();
        self.read(OP, move |txn| {
            get_json(&open_read(txn, LEARNERS, OP)?, id.as_str(), OP)
        })
        .await
    }

    async fn learner_by_username(&self, key: &UsernameKey) -> StoreResult<Option<Learner>> {
        const OP: &str = "learner_by_username";
        let key = key.clone();
        self.read(OP, move |txn| {
            let usernames = open_read(txn, USERNAMES, OP)?;
            let Some(id) = usernames.get(key.as_str()).backend(OP)? else {
                return Ok(None);
            };
            get_json(&open_read(txn, LEARNERS, OP)?, id.value(), OP)
        })
        .await
    }

    async fn set_password_hash(&self, id: &LearnerId, hash: &str) -> StoreResult<()> {
        const OP: &str = "set_password_hash";
        let (id, hash) = (id.clone(), hash.to_owned());
        self.write(OP, move |txn| {
            let mut learners = open(txn, LEARNERS, OP)?;
            let mut learner = existing_learner(&learners, &id, OP)?;
            learner.registration.password_hash = hash;
            put_json(&mut learners, id.as_str(), &learner, OP)
        })
        .await
    }

    async fn set_returning(&self, id: &LearnerId, returning: bool) -> StoreResult<()> {
        const OP: &str = "set_returning";
        let id = id.clone();
        self.write(OP, move |txn| {
            let mut learners = open(txn, LEARNERS, OP)?;
            let mut learner = existing_learner(&learners, &id, OP)?;
            learner.returning = returning;
            put_json(&mut learners, id.as_str(), &learner, OP)
        })
        .await
    }
}

impl LedgerStore for EmbeddedStore {
    async fn ledger(&self, learner: &LearnerId) -> StoreResult<Vec<LedgerEntry>> {
        const OP: &str = "ledger";
        let learner = learner.clone();
        self.read(OP, move |txn| {
            let mut entries: Vec<LedgerEntry> = learner_rows(txn, LEDGER, learner.as_str(), OP)?;
            entries.sort_by_key(|entry| entry.at);
            Ok(entries)
        })
        .await
    }
}

/// Moves a learner's balance by `change_fen` and writes the ledger entry for
/// `reason`, inside the caller's transaction. Refuses a debit the balance
/// does not cover.
fn post_to_ledger(
    txn: &WriteTransaction,
    learner_id: &LearnerId,
    reason: LedgerReason,
    change_fen: i64,
    at: Timestamp,
    operation: &'static str,
) -> StoreResult<()> {
    let mut learners = open(txn, LEARNERS, operation)?;
    let mut learner = existing_learner(&learners, learner_id, operation)?;
    let balance = i128::from(learner.balance.get()) + i128::from(change_fen);
    let balance =
        u64::try_from(balance).map_err(|_| StoreError::Refused(Refusal::InsufficientBalance))?;
    learner.balance = Fen::new(balance);
    put_json(&mut learners, learner_id.as_str(), &learner, operation)?;
    let entry_id = LedgerEntry::entry_id(&reason);
    let entry = LedgerEntry {
        reason,
        change_fen,
        at,
    };
    put_json(
        &mut open(txn, LEDGER, operation)?,
        (learner_id.as_str(), entry_id.as_str()),
        &entry,
        operation,
    )
}

impl CardStore for EmbeddedStore {
    async fn issue_cards(&self, cards: &[StudyCard]) -> StoreResult<()> {
        const OP: &str = "issue_cards";
        if cards.len() > MAX_CARDS_PER_BATCH {
            return Err(Refusal::TooLarge.into());
        }
        let cards = cards.to_vec();
        self.write(OP, move |txn| {
            let mut table = open(txn, CARDS, OP)?;
            for card in &cards {
                if table.get(card.code.as_str()).backend(OP)?.is_some() {
                    return Err(Refusal::CardExists.into());
                }
                put_json(&mut table, card.code.as_str(), card, OP)?;
            }
            Ok(())
        })
        .await
    }

    async fn card(&self, code: &CardCode) -> StoreResult<Option<StudyCard>> {
        const OP: &str = "card";
        let code = code.clone();
        self.read(OP, move |txn| {
            get_json(&open_read(txn, CARDS, OP)?, code.as_str(), OP)
        })
        .await
    }

    async fn cards(&self) -> StoreResult<Vec<StudyCard>> {
        const OP: &str = "cards";
        self.read(OP, move |txn| {
            let table = open_read(txn, CARDS, OP)?;
            let mut cards: Vec<StudyCard> = Vec::new();
            for entry in table.iter().backend(OP)? {
                let (_, value) = entry.backend(OP)?;
                cards.push(decode(value.value(), OP)?);
            }
            cards.sort_by(|a, b| {
                b.issued_at
                    .cmp(&a.issued_at)
                    .then_with(|| a.code.cmp(&b.code))
            });
            Ok(cards)
        })
        .await
    }

    async fn void_card(&self, code: &CardCode, at: Timestamp) -> StoreResult<()> {
        const OP: &str = "void_card";
        let code = code.clone();
        self.write(OP, move |txn| {
            let mut cards = open(txn, CARDS, OP)?;
            let mut card: StudyCard = get_json(&cards, code.as_str(), OP)?
                .ok_or(StoreError::Refused(Refusal::UnknownCard))?;
            if card.redeemed.is_some() {
                return Err(Refusal::CardAlreadyRedeemed.into());
            }
            if card.voided.is_some() {
                return Err(Refusal::CardVoided.into());
            }
            card.voided = Some(at);
            put_json(&mut cards, code.as_str(), &card, OP)
        })
        .await
    }

    async fn redeem_card(
        &self,
        card: &StudyCard,
        learner: &LearnerId,
        at: Timestamp,
    ) -> StoreResult<()> {
        const OP: &str = "redeem_card";
        let (code, value, learner) = (card.code.clone(), card.value, learner.clone());
        self.write(OP, move |txn| {
            let mut cards = open(txn, CARDS, OP)?;
            let mut stored: StudyCard = get_json(&cards, code.as_str(), OP)?
                .ok_or(StoreError::Refused(Refusal::UnknownCard))?;
            // The card as the caller read it: one whose value changed since is not that card.
            if stored.value != value {
                return Err(Refusal::UnknownCard.into());
            }
            if stored.voided.is_some() {
                return Err(Refusal::CardVoided.into());
            }
            if stored.redeemed.is_some() {
                return Err(Refusal::CardAlreadyRedeemed.into());
            }
            stored.redeemed = Some(Redemption {
                by: learner.clone(),
                at,
            });
            put_json(&mut cards, code.as_str(), &stored, OP)?;
            let change = i64::try_from(stored.value.get()).backend(OP)?;
            post_to_ledger(
                txn,
                &learner,
                LedgerReason::CardRedeemed { card: code.clone() },
                change,
                at,
                OP,
            )
        })
        .await
    }
}

/// Enrolls every hour of `order`; refuses hours already enrolled when `exclusive`.
fn enroll(
    txn: &WriteTransaction,
    order: &Order,
    exclusive: bool,
    operation: &'static str,
) -> StoreResult<()> {
    let mut enrollments = open(txn, ENROLLMENTS, operation)?;
    for hour in &order.hours {
        let hour_key = hour.to_string();
        let key = (order.learner.as_str(), hour_key.as_str());
        if exclusive && enrollments.get(key).backend(operation)?.is_some() {
            return Err(Refusal::AlreadyOwned.into());
        }
        let enrollment = Enrollment {
            hour: hour.clone(),
            order: order.no.clone(),
        };
        put_json(&mut enrollments, key, &enrollment, operation)?;
    }
    Ok(())
}

fn insert_order(txn: &WriteTransaction, order: &Order, operation: &'static str) -> StoreResult<()> {
    put_json(
        &mut open(txn, ORDERS, operation)?,
        order.no.as_str(),
        order,
        operation,
    )?;
    let created = order.created_at.as_nanosecond();
    open(txn, LEARNER_ORDERS, operation)?
        .insert((order.learner.as_str(), order.no.as_str()), created as i64)
        .backend(operation)?;
    Ok(())
}

impl OrderStore for EmbeddedStore {
    async fn purchase_with_balance(&self, order: &Order) -> StoreResult<Outcome> {
        const OP: &str = "purchase_with_balance";
        if order.hours.len() > MAX_HOURS_PER_ORDER {
            return Err(Refusal::TooLarge.into());
        }
        let order = order.clone();
        self.write(OP, move |txn| {
            let existing: Option<Order> = get_json(&open(txn, ORDERS, OP)?, order.no.as_str(), OP)?;
            match existing {
                Some(existing) if existing == order => return Ok(Outcome::AlreadyApplied),
                Some(_) => return Err(Refusal::OrderExists.into()),
                None => {}
            }
            let debit = i64::try_from(order.amount.get()).backend(OP)?;
            let at = match &order.status {
                OrderStatus::Paid { at, .. } => *at,
                OrderStatus::Pending => order.created_at,
            };
            post_to_ledger(
                txn,
                &order.learner,
                LedgerReason::Purchase {
                    order: order.no.clone(),
                },
                -debit,
                at,
                OP,
            )?;
            insert_order(txn, &order, OP)?;
            enroll(txn, &order, true, OP)?;
            Ok(Outcome::Applied)
        })
        .await
    }

    async fn create_order(&self, order: &Order) -> StoreResult<()> {
        const OP: &str = "create_order";
        if order.hours.len() > MAX_HOURS_PER_ORDER {
            return Err(Refusal::TooLarge.into());
        }
        let order = order.clone();
        self.write(OP, move |txn| {
            if open(txn, ORDERS, OP)?
                .get(order.no.as_str())
                .backend(OP)?
                .is_some()
            {
                return Err(Refusal::OrderExists.into());
            }
            if open(txn, LEARNERS, OP)?
                .get(order.learner.as_str())
                .backend(OP)?
                .is_none()
            {
                return Err(Refusal::UnknownLearner.into());
            }
            insert_order(txn, &order, OP)
        })
        .await
    }

    async fn order(&self, no: &OrderNo) -> StoreResult<Option<Order>> {
        const OP: &str = "order";
        let no = no.clone();
        self.read(OP, move |txn| {
            get_json(&open_read(txn, ORDERS, OP)?, no.as_str(), OP)
        })
        .await
    }

    async fn orders_of(&self, learner: &LearnerId) -> StoreResult<Vec<Order>> {
        const OP: &str = "orders_of";
        let learner = learner.clone();
        self.read(OP, move |txn| {
            let index = open_read(txn, LEARNER_ORDERS, OP)?;
            let orders = open_read(txn, ORDERS, OP)?;
            let mut found = Vec::new();
            for entry in index
                .range((learner.as_str(), "")..=(learner.as_str(), "\u{10FFFF}"))
                .backend(OP)?
            {
                let (key, created) = entry.backend(OP)?;
                let (_, no) = key.value();
                if let Some(order) = get_json::<_, Order>(&orders, no, OP)? {
                    found.push((created.value(), order));
                }
            }
            found.sort_by_key(|(created, _)| std::cmp::Reverse(*created));
            Ok(found.into_iter().map(|(_, order)| order).collect())
        })
        .await
    }

    async fn apply_payment(&self, order: &Order, notice: &PaymentNotice) -> StoreResult<Outcome> {
        const OP: &str = "apply_payment";
        let (order_no, notice) = (order.no.clone(), notice.clone());
        self.write(OP, move |txn| {
            let mut orders = open(txn, ORDERS, OP)?;
            let mut stored: Order = get_json(&orders, order_no.as_str(), OP)?
                .ok_or(StoreError::Refused(Refusal::UnknownOrder))?;
            if stored.no != notice.order
                || stored.amount != notice.amount
                || stored.channel != PaymentChannel::WeChatPay
            {
                return Err(Refusal::NoticeMismatch.into());
            }
            match &stored.status {
                OrderStatus::Paid {
                    transaction: Some(transaction),
                    ..
                } if *transaction == notice.transaction => {
                    return Ok(Outcome::AlreadyApplied);
                }
                OrderStatus::Paid { .. } => return Err(Refusal::NoticeMismatch.into()),
                OrderStatus::Pending => {}
            }
            stored.status = OrderStatus::Paid {
                at: notice.paid_at,
                transaction: Some(notice.transaction.clone()),
            };
            put_json(&mut orders, order_no.as_str(), &stored, OP)?;
            put_json(
                &mut open(txn, NOTICES, OP)?,
                notice.transaction.as_str(),
                &notice,
                OP,
            )?;
            // Paid money always buys: an hour bought meanwhile from the balance stays bought.
            enroll(txn, &stored, false, OP)?;
            Ok(Outcome::Applied)
        })
        .await
    }

    async fn enrollments(&self, learner: &LearnerId) -> StoreResult<Vec<Enrollment>> {
        const OP: &str = "enrollments";
        let learner = learner.clone();
        self.read(OP, move |txn| {
            learner_rows(txn, ENROLLMENTS, learner.as_str(), OP)
        })
        .await
    }
}

impl ProgressStore for EmbeddedStore {
    async fn mark_learned(&self, learner: &LearnerId, mark: &LearnedHour) -> StoreResult<Outcome> {
        const OP: &str = "mark_learned";
        let (learner_id, mark) = (learner.clone(), mark.clone());
        self.write(OP, move |txn| {
            let hour = mark.hour.to_string();
            let key = (learner_id.as_str(), hour.as_str());
            if open(txn, ENROLLMENTS, OP)?.get(key).backend(OP)?.is_none() {
                return Err(Refusal::HourNotBought.into());
            }
            let mut marks = open(txn, MARKS, OP)?;
            if marks.get(key).backend(OP)?.is_some() {
                return Ok(Outcome::AlreadyApplied);
            }
            put_json(&mut marks, key, &mark, OP)?;
            let mut learners = open(txn, LEARNERS, OP)?;
            let mut learner = existing_learner(&learners, &learner_id, OP)?;
            learner.marked_hours += 1;
            put_json(&mut learners, learner_id.as_str(), &learner, OP)?;
            Ok(Outcome::Applied)
        })
        .await
    }

    async fn marks(&self, learner: &LearnerId) -> StoreResult<Vec<LearnedHour>> {
        const OP: &str = "marks";
        let learner = learner.clone();
        self.read(OP, move |txn| {
            learner_rows(txn, MARKS, learner.as_str(), OP)
        })
        .await
    }
}

/// Writes a filing unless staff already accepted the one on record.
fn file<T: Serialize + DeserializeOwned>(
    txn: &WriteTransaction,
    definition: TableDefinition<&'static str, &'static [u8]>,
    learner: &LearnerId,
    filing: &T,
    status_of: fn(&T) -> FilingStatus,
    operation: &'static str,
) -> StoreResult<()> {
    if open(txn, LEARNERS, operation)?
        .get(learner.as_str())
        .backend(operation)?
        .is_none()
    {
        return Err(Refusal::UnknownLearner.into());
    }
    let mut table = open(txn, definition, operation)?;
    let existing: Option<T> = get_json(&table, learner.as_str(), operation)?;
    if existing.is_some_and(|existing| status_of(&existing) == FilingStatus::Accepted) {
        return Err(Refusal::FilingClosed.into());
    }
    put_json(&mut table, learner.as_str(), filing, operation)
}

impl FilingStore for EmbeddedStore {
    async fn file_renewal(
        &self,
        learner: &LearnerId,
        registration: &RenewalRegistration,
    ) -> StoreResult<()> {
        const OP: &str = "file_renewal";
        let (learner, registration) = (learner.clone(), registration.clone());
        self.write(OP, move |txn| {
            file(
                txn,
                RENEWALS,
                &learner,
                &registration,
                |r: &RenewalRegistration| r.status,
                OP,
            )?;
            let mut overdue = open(txn, OVERDUE_RENEWALS, OP)?;
            if registration.overdue {
                overdue.insert(learner.as_str(), ()).backend(OP)?;
            } else {
                overdue.remove(learner.as_str()).backend(OP)?;
            }
            Ok(())
        })
        .await
    }

    async fn renewal(&self, learner: &LearnerId) -> StoreResult<Option<RenewalRegistration>> {
        const OP: &str = "renewal";
        let learner = learner.clone();
        self.read(OP, move |txn| {
            get_json(&open_read(txn, RENEWALS, OP)?, learner.as_str(), OP)
        })
        .await
    }

    async fn file_application(
        &self,
        learner: &LearnerId,
        application: &CertificateApplication,
    ) -> StoreResult<()> {
        const OP: &str = "file_application";
        let (learner, application) = (learner.clone(), application.clone());
        self.write(OP, move |txn| {
            file(
                txn,
                APPLICATIONS,
                &learner,
                &application,
                |a: &CertificateApplication| a.status,
                OP,
            )
        })
        .await
    }

    async fn application(
        &self,
        learner: &LearnerId,
    ) -> StoreResult<Option<CertificateApplication>> {
        const OP: &str = "application";
        let learner = learner.clone();
        self.read(OP, move |txn| {
            get_json(&open_read(txn, APPLICATIONS, OP)?, learner.as_str(), OP)
        })
        .await
    }

    async fn set_title_check(&self, learner: &LearnerId, check: TitleCheck) -> StoreResult<()> {
        const OP: &str = "set_title_check";
        let learner_id = learner.clone();
        self.write(OP, move |txn| {
            let mut learners = open(txn, LEARNERS, OP)?;
            let mut learner = existing_learner(&learners, &learner_id, OP)?;
            learner.title_check = Some(check);
            put_json(&mut learners, learner_id.as_str(), &learner, OP)?;
            let mut pending = open(txn, PENDING_TITLE_CHECKS, OP)?;
            if check == TitleCheck::Pending {
                pending.insert(learner_id.as_str(), ()).backend(OP)?;
            } else {
                pending.remove(learner_id.as_str()).backend(OP)?;
            }
            Ok(())
        })
        .await
    }

    async fn pending_title_checks(&self) -> StoreResult<Vec<LearnerId>> {
        const OP: &str = "pending_title_checks";
        self.read(OP, move |txn| {
            let pending = open_read(txn, PENDING_TITLE_CHECKS, OP)?;
            let mut ids = Vec::new();
            for entry in pending.iter().backend(OP)? {
                let (id, ()) = entry.backend(OP).map(|(key, value)| (key, value.value()))?;
                ids.push(LearnerId::parse(id.value()).backend(OP)?);
            }
            Ok(ids)
        })
        .await
    }

    async fn overdue_renewals(&self) -> StoreResult<Vec<(LearnerId, RenewalRegistration)>> {
        const OP: &str = "overdue_renewals";
        self.read(OP, move |txn| {
            let queue = open_read(txn, OVERDUE_RENEWALS, OP)?;
            let renewals = open_read(txn, RENEWALS, OP)?;
            let mut filings = Vec::new();
            for entry in queue.iter().backend(OP)? {
                let (id, ()) = entry.backend(OP).map(|(key, value)| (key, value.value()))?;
                let learner = LearnerId::parse(id.value()).backend(OP)?;
                if let Some(renewal) = get_json(&renewals, learner.as_str(), OP)? {
                    filings.push((learner, renewal));
                }
            }
            filings.sort_by_key(|(_, renewal): &(LearnerId, RenewalRegistration)| renewal.filed_at);
            Ok(filings)
        })
        .await
    }
}

impl CertificateStore for EmbeddedStore {
    async fn issue_certificate(&self, certificate: &Certificate) -> StoreResult<()> {
        const OP: &str = "issue_certificate";
        let certificate = certificate.clone();
        self.write(OP, move |txn| {
            let mut certificates = open(txn, CERTIFICATES, OP)?;
            if certificates
                .get(certificate.no.as_str())
                .backend(OP)?
                .is_some()
            {
                return Err(Refusal::CertificateExists.into());
            }
            if open(txn, LEARNERS, OP)?
                .get(certificate.learner.as_str())
                .backend(OP)?
                .is_none()
            {
                return Err(Refusal::UnknownLearner.into());
            }
            put_json(&mut certificates, certificate.no.as_str(), &certificate, OP)?;
            open(txn, LEARNER_CERTIFICATES, OP)?
                .insert((certificate.learner.as_str(), certificate.no.as_str()), ())
                .backend(OP)?;
            Ok(())
        })
        .await
    }

    async fn certificate(&self, no: &CertificateNo) -> StoreResult<Option<Certificate>> {
        const OP: &str = "certificate";
        let no = no.clone();
        self.read(OP, move |txn| {
            get_json(&open_read(txn, CERTIFICATES, OP)?, no.as_str(), OP)
        })
        .await
    }

    async fn certificates_of(&self, learner: &LearnerId) -> StoreResult<Vec<Certificate>> {
        const OP: &str = "certificates_of";
        let learner = learner.clone();
        self.read(OP, move |txn| {
            let index = open_read(txn, LEARNER_CERTIFICATES, OP)?;
            let certificates = open_read(txn, CERTIFICATES, OP)?;
            let mut found = Vec::new();
            for entry in index
                .range((learner.as_str(), "")..=(learner.as_str(), "\u{10FFFF}"))
                .backend(OP)?
            {
                let (key, _) = entry.backend(OP)?;
                if let Some(certificate) = get_json(&certificates, key.value().1, OP)? {
                    found.push(certificate);
                }
            }
            Ok(found)
        })
        .await
    }

    async fn revoke_certificate(
        &self,
        no: &CertificateNo,
        reason: &str,
        at: Timestamp,
    ) -> StoreResult<()> {
        const OP: &str = "revoke_certificate";
        let (no, reason) = (no.clone(), reason.to_owned());
        self.write(OP, move |txn| {
            let mut certificates = open(txn, CERTIFICATES, OP)?;
            let mut certificate: Certificate = get_json(&certificates, no.as_str(), OP)?
                .ok_or(StoreError::Refused(Refusal::UnknownCertificate))?;
            if matches!(certificate.status, CertificateStatus::Revoked { .. }) {
                return Err(Refusal::AlreadyRevoked.into());
            }
            certificate.status = CertificateStatus::Revoked { reason, at };
            put_json(&mut certificates, no.as_str(), &certificate, OP)
        })
        .await
    }
}

impl InvoiceStore for EmbeddedStore {
    async fn request_invoice(&self, request: &InvoiceRequest) -> StoreResult<()> {
        const OP: &str = "request_invoice";
        if request.orders.len() > MAX_ORDERS_PER_INVOICE {
            return Err(Refusal::TooLarge.into());
        }
        let request = request.clone();
        self.write(OP, move |txn| {
            let mut invoices = open(txn, INVOICES, OP)?;
            if invoices.get(request.id.as_str()).backend(OP)?.is_some() {
                return Err(Refusal::NotInvoiceable.into());
            }
            let mut orders = open(txn, ORDERS, OP)?;
            for no in &request.orders {
                let mut order: Order = get_json(&orders, no.as_str(), OP)?
                    .ok_or(StoreError::Refused(Refusal::NotInvoiceable))?;
                let invoiceable = order.learner == request.learner
                    && matches!(order.status, OrderStatus::Paid { .. })
                    && order.invoice.is_none();
                if !invoiceable {
                    return Err(Refusal::NotInvoiceable.into());
                }
                order.invoice = Some(request.id.clone());
                put_json(&mut orders, no.as_str(), &order, OP)?;
            }
            put_json(&mut invoices, request.id.as_str(), &request, OP)?;
            open(txn, INVOICES_BY_STATUS, OP)?
                .insert((request.status.as_str(), request.id.as_str()), ())
                .backend(OP)?;
            Ok(())
        })
        .await
    }

    async fn invoice(&self, id: &InvoiceId) -> StoreResult<Option<InvoiceRequest>> {
        const OP: &str = "invoice";
        let id = id.clone();
        self.read(OP, move |txn| {
            get_json(&open_read(txn, INVOICES, OP)?, id.as_str(), OP)
        })
        .await
    }

    async fn invoices_with_status(
        &self,
        status: InvoiceStatus,
    ) -> StoreResult<Vec<InvoiceRequest>> {
        const OP: &str = "invoices_with_status";
        self.read(OP, move |txn| {
            let index = open_read(txn, INVOICES_BY_STATUS, OP)?;
            let invoices = open_read(txn, INVOICES, OP)?;
            let mut found = Vec::new();
            for entry in index
                .range((status.as_str(), "")..=(status.as_str(), "\u{10FFFF}"))
                .backend(OP)?
            {
                let (key, _) = entry.backend(OP)?;
                if let Some(invoice) = get_json(&invoices, key.value().1, OP)? {
                    found.push(invoice);
                }
            }
            Ok(found)
        })
        .await
    }

    async fn mark_invoice_issued(&self, id: &InvoiceId) -> StoreResult<()> {
        const OP: &str = "mark_invoice_issued";
        let id = id.clone();
        self.write(OP, move |txn| {
            let mut invoices = open(txn, INVOICES, OP)?;
            let mut invoice: InvoiceRequest = get_json(&invoices, id.as_str(), OP)?
                .ok_or(StoreError::Refused(Refusal::UnknownInvoice))?;
            if invoice.status == InvoiceStatus::Issued {
                return Err(Refusal::InvoiceAlreadyIssued.into());
            }
            let mut by_status = open(txn, INVOICES_BY_STATUS, OP)?;
            by_status
                .remove((invoice.status.as_str(), id.as_str()))
                .backend(OP)?;
            invoice.status = InvoiceStatus::Issued;
            by_status
                .insert((invoice.status.as_str(), id.as_str()), ())
                .backend(OP)?;
            put_json(&mut invoices, id.as_str(), &invoice, OP)
        })
        .await
    }
}

impl LoginThrottleStore for EmbeddedStore {
    async fn record_login_failure(
        &self,
        key: &UsernameKey,
        window: ThrottleWindow,
    ) -> StoreResult<u32> {
        const OP: &str = "record_login_failure";
        let key = key.clone();
        self.write(OP, move |txn| {
            let mut throttle = open(txn, THROTTLE, OP)?;
            let count = throttle
                .get((key.as_str(), window.index))
                .backend(OP)?
                .map_or(0, |count| count.value())
                + 1;
            throttle
                .insert((key.as_str(), window.index), count)
                .backend(OP)?;
            // Earlier windows are forgotten, as DynamoDB's TTL does there.
            let stale: Vec<i64> = throttle
                .range((key.as_str(), i64::MIN)..(key.as_str(), window.index))
                .backend(OP)?
                .map(|entry| entry.map(|(k, _)| k.value().1))
                .collect::<Result<_, _>>()
                .backend(OP)?;
            for index in stale {
                throttle.remove((key.as_str(), index)).backend(OP)?;
            }
            Ok(count)
        })
        .await
    }

    async fn login_failures(&self, key: &UsernameKey, window: ThrottleWindow) -> StoreResult<u32> {
        const OP: &str = "login_failures";
        let key = key.clone();
        self.read(OP, move |txn| {
            Ok(open_read(txn, THROTTLE, OP)?
                .get((key.as_str(), window.index))
                .backend(OP)?
                .map_or(0, |count| count.value()))
        })
        .await
    }

    async fn clear_login_failures(
        &self,
        key: &UsernameKey,
        window: ThrottleWindow,
    ) -> StoreResult<()> {
        const OP: &str = "clear_login_failures";
        let key = key.clone();
        self.write(OP, move |txn| {
            open(txn, THROTTLE, OP)?
                .remove((key.as_str(), window.index))
                .backend(OP)?;
            Ok(())
        })
        .await
    }
}
