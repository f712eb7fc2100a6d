//! ticedu's storage traits on one DynamoDB table.
//!
//! # The single-table design
//!
//! Key schema: `pk` (partition) and `sk` (sort), both strings; one global
//! secondary index `gsi1` (`gsi1pk`, `gsi1sk`, all attributes projected);
//! TTL on `expires_at`. The definition lives in [`table`]; keys in `keys.rs`.
//! Each capability's storage is a module of its own (`learners.rs`, `cards.rs`
//! …); `request.rs` and `transaction.rs` hold what they share.
//!
//! | item | pk | sk | gsi1pk / gsi1sk |
//! |---|---|---|---|
//! | learner profile (balance, marked hours, current cycle) | `LEARNER#<id>` | `PROFILE` | `TITLECHECK#pending` / `<id>` while a title check waits |
//! | one account per ID number (R3) | `ACCOUNT#<hmac of ID number>` | `ACCOUNT` | |
//! | one account per username | `USERNAME#<hmac of username>` | `USERNAME` | |
//! | ledger entry | `LEARNER#<id>` | `LEDGER#CARD#<code>` / `LEDGER#ORDER#<no>` | |
//! | enrollment (an hour bought in a cycle) | `LEARNER#<id>` | `HOUR#<course>/<n>`, `@<cycle>` from the second cycle | |
//! | progress mark (学过了) in a cycle | `LEARNER#<id>` | `MARK#<course>/<n>`, `@<cycle>` from the second cycle | |
//! | the lesson open now (one per learner; `open` removed when it closes) | `LEARNER#<id>` | `OPEN_LESSON` | |
//! | seconds banked in an hour's lesson of a cycle | `LEARNER#<id>` | `LESSON#<course>/<n>`, `@<cycle>` from the second cycle | |
//! | a cycle's renewal registration / application | `LEARNER#<id>` | `RENEWAL` / `APPLICATION`, `@<cycle>` from the second cycle | `RENEWAL#overdue` / `APPLICATION#pending`, `<filed ms>#<id>` while staff have it (R20, R19) |
//! | study card | `CARD#<code>` | `CARD` | `CARDS` / `<issued at>#<code>` |
//! | order | `ORDER#<no>` | `ORDER` | `LEARNER#<id>` / `ORDER#<created ns>#<no>` |
//! | applied payment notice | `NOTICE#<transaction id>` | `NOTICE` | `PAID#<bill day>` / `<transaction id>` |
//! | a day's reconciliation report / a mismatch staff resolved | `RECON#<day>` | `REPORT` / `RESOLVED#<order no>` | |
//! | certificate | `CERT#<no>` | `CERT` | `LEARNER#<id>` / `CERT#<no>` |
//! | invoice request | `INVOICE#<id>` | `INVOICE` | `INVOICES#<status>` / `<requested at>#<id>` |
//! | prior record (R12: renewals before the platform) | `PRIOR#<hmac of ID number>` | `PRIOR` | |
//! | a learner's password-recovery code (a digest) | `LEARNER#<id>` | `RECOVERY` | (TTL `expires_at`: its end) |
//! | a learner's session (log-in to log-out) | `SESSION#<id>` | `SESSION` | (TTL `expires_at`: its end) |
//! | failed logins in one window | `THROTTLE#<hmac of username>#<window>` | `THROTTLE` | (TTL `expires_at`) |
//! | a year's settings / calendar staff saved | `YEARS` | `SETTINGS#<year>` / `CALENDAR#<year>` | |
//! | an edit of a year (audit trail) | `YEARS#CHANGES` | `<at ns, 20 digits>#<year>#<part>#<version>` | |
//! | staff account | `STAFF` | `ACCOUNT#<name>` | |
//! | the first administrator was bootstrapped | `STAFF#BOOTSTRAPPED` | `MARKER` | |
//! | audit entry of a staff action | `AUDIT` | `<at ns, 20 digits>#<nonce>` | `LEARNER#<id>` / `AUDIT#<at ns>#<nonce>` when it concerns a learner |
//!
//! Neither an ID number nor a username ever appears in a key: both are HMACs.
//! Items written before cycles existed carry no `cycle` attribute and keys
//! without `@<cycle>`: they are the first cycle's, read and closed as such.
//!
//! # Access patterns and the request that serves each
//!
//! | operation | request |
//! |---|---|
//! | register | TransactWriteItems: Put account, Put username, Put profile, each `attribute_not_exists(pk)`; ConditionCheck prior record (exists for an id an import prepared, else not) |
//! | import a certificate | GetItem account; TransactWriteItems: Put certificate (new), ConditionCheck account (still absent, or still this learner's), Update profile `returning` (with an account), Update prior record (append the number) |
//! | prior record | GetItem |
//! | learner by id / by username | GetItem profile / GetItem username then GetItem profile |
//! | change password | UpdateItem profile, `attribute_exists(pk)` |
//! | bind the learner's WeChat openid | UpdateItem profile `wechat_openid`, `attribute_exists(pk)` |
//! | set returning (staff) | TransactWriteItems: Update profile, `attribute_exists(pk)`; Put audit entry |
//! | ledger, enrollments, marks | Query `pk = LEARNER#<id>`, `begins_with(sk, …)` |
//! | issue cards, list cards | TransactWriteItems: Put each card, `attribute_not_exists(pk)` / Query gsi1 `CARDS` |
//! | void card | TransactWriteItems: Update card, not redeemed nor voided; Put audit entry |
//! | redeem card | TransactWriteItems: Update card (not redeemed, same value), Update balance, Put ledger entry |
//! | buy from balance | TransactWriteItems: Put order (new), Update balance (`balance >= :amount`), Put ledger entry, Put each enrollment (new) |
//! | create WeChat order | TransactWriteItems: Put order (new), ConditionCheck profile |
//! | apply payment notice | TransactWriteItems: Update order (pending, same amount), Put notice (new, with its bill day's gsi1 keys), Put each enrollment |
//! | a day's applied payments (reconciliation) | Query gsi1 `gsi1pk = PAID#<day>` |
//! | save a day's reconciliation / read it | TransactWriteItems: Put report / Query `pk = RECON#<day>` |
//! | staff resolve a mismatch | TransactWriteItems: Put resolution (new), Put audit entry |
//! | a learner's orders / certificates | Query gsi1 `gsi1pk = LEARNER#<id>`, `begins_with(gsi1sk, ORDER#/CERT#)` |
//! | mark learned | GetItem open lesson and banked time (concurrently); TransactWriteItems: ConditionCheck enrollment, Put mark (new), Update profile `marked_hours + 1`, and if its lesson is open: Update open lesson `REMOVE open` (as read), Update banked `ADD` |
//! | open a lesson | GetItem open lesson and banked time; unless it is open already, TransactWriteItems: Update open lesson `SET open` (absent, or as read), Update the previous hour's banked `ADD` |
//! | lesson time, open lesson | GetItem ×2 / GetItem |
//! | file renewal / application | TransactWriteItems: ConditionCheck profile, Put filing (new or not accepted) |
//! | overdue renewals, applications: staff queues | Query gsi1 `RENEWAL#overdue` / `APPLICATION#pending` |
//! | staff decide a filing | TransactWriteItems: Update filing, `#status = filed` (removes the gsi1 keys); Put audit entry |
//! | title check, staff queue | TransactWriteItems: Update profile (sets or removes gsi1 keys), Put audit entry / Query gsi1 `TITLECHECK#pending` |
//! | issue certificate (closes the cycle) | TransactWriteItems: Put certificate (new), Update profile (`cycle = :closes`: next cycle, kind, returning), Update renewal (not rejected) or ConditionCheck application (accepted) |
//! | revoke certificate | TransactWriteItems: Update certificate, `#status.#status = valid`; Put audit entry |
//! | request invoice | TransactWriteItems: Put request (new), Update each order (own, paid, not invoiced) |
//! | invoices by status, mark issued | Query gsi1 `INVOICES#<status>` / TransactWriteItems: Update (`requested`), Put audit entry |
//! | save a recovery code / try one | PutItem / GetItem, then a wrong code: UpdateItem `ADD wrong_guesses` (same digest, as read); the right one: TransactWriteItems: Update code `used` (same digest, unused, as read), Update profile password hash |
//! | start / read / end a session | PutItem / GetItem / DeleteItem (each unconditional: a repeat writes the same) |
//! | login failure, count, clear | UpdateItem `ADD failures` unless the call's token is there (then GetItem), GetItem, DeleteItem |
//! | stored years (on every request that prices or dates) | Query `pk = YEARS` |
//! | save a year's settings or calendar | TransactWriteItems: Put year (`attribute_not_exists(pk)` for version 1, else `version = :read`), Put change (new) |
//! | year changes, newest first | Query `pk = YEARS#CHANGES`, descending |
//! | staff account, every account | GetItem / Query `pk = STAFF`, `begins_with(sk, ACCOUNT#)` |
//! | create a staff account | TransactWriteItems: Put account (new), Put audit entry (new) |
//! | bootstrap the first administrator | TransactWriteItems: Put marker (new), Put account (new), Put audit entry (new) |
//! | save a staff account | TransactWriteItems: Put account (`version = :read`), Put audit entry (new) |
//! | any staff change (cards, filings, certificates, invoices, imports, years …) | its own TransactWriteItems plus Put audit entry (new) |
//! | the whole audit trail, a page | Query `pk = AUDIT AND sk < :before`, descending, `Limit` |
//! | a learner's audit trail | Query gsi1 `gsi1pk = LEARNER#<id>`, `begins_with(gsi1sk, AUDIT#)`, descending |
//!
//! Every write is one request, conditional, and safe to repeat: a repeat
//! fails its condition and is reported as [`Outcome::AlreadyApplied`] or as
//! a [`Refusal`], chosen by which named part of the transaction failed. A
//! repeat that is the SDK retrying the same call (its answer lost after
//! DynamoDB committed) is not a repeat: each transaction carries a token
//! (`write_token.rs`), sent as its `ClientRequestToken` and stored on the
//! items it writes, and a cancellation that finds the call's own token is
//! reported as the call's success. When a refused write must be explained (was this order
//! applied before, or is it another order with the same number?), the item
//! DynamoDB returns with the cancellation (`ALL_OLD`) is used, and read when
//! the server returns none. Transactions cancelled by a conflicting
//! transaction are retried with backoff, as are single-item writes a
//! transaction held off (`retry.rs`); nothing was written by them.
//!
//! [`Outcome::AlreadyApplied`]: ticedu_store::Outcome::AlreadyApplied
//! [`Refusal`]: ticedu_store::Refusal

mod audit;
mod cards;
mod certificates;
mod filings;
mod imports;
mod invoices;
mod keys;
mod learners;
mod ledger;
mod lookups;
mod metrics;
mod orders;
mod progress;
mod reconciliation;
mod request;
mod retry;
mod sessions;
mod staff;
pub mod table;
mod throttle;
mod transaction;
mod write_token;
mod years;

use std::sync::Arc;

use aws_sdk_dynamodb::Client;

pub use metrics::RequestCounter;

/// The DynamoDB store. Cheap to clone; clones share the client.
#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: Arc<str>,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into().into(),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table_name(&self) -> &str {
        &self.table
    }
}

/// The table name, from `TICEDU_TABLE`.
pub const TABLE_NAME: &str = "TICEDU_TABLE";

#[derive(Debug)]
pub struct MissingTable;

impl std::fmt::Display for MissingTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "environment variable {TABLE_NAME} is not set")
    }
}

impl std::error::Error for MissingTable {}

impl DynamoStore {
    /// The store of a deployed function: region, credentials and endpoint
    /// from the environment Lambda gives it (`AWS_ENDPOINT_URL` points it
    /// at a local server; see `ticedu_aws`), the table from `TICEDU_TABLE`.
    pub async fn from_env() -> Result<Self, MissingTable> {
        let table = std::env::var(TABLE_NAME).map_err(|_| MissingTable)?;
        Ok(Self::new(Client::new(&ticedu_aws::sdk_config()), table))
    }
}

pub use ticedu_aws::https_client;
