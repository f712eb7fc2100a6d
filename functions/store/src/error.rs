//! How a storage operation can fail: a refusal the caller can explain to the
//! user, or the store being unavailable.

/// Why a store refused a write. Every refusal leaves the store unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("an account with this ID number exists already")]
    AccountExists,
    #[error("another account has this username")]
    UsernameTaken,
    #[error("no such learner")]
    UnknownLearner,
    #[error("the learner's details changed since they were read")]
    LearnerChanged,
    #[error("the lesson was not studied long enough: {remaining_seconds} s left")]
    StudyTooShort { remaining_seconds: u32 },
    #[error("another lesson was opened meanwhile")]
    LessonChanged,
    #[error("the balance does not cover the amount")]
    InsufficientBalance,
    #[error("no such study card")]
    UnknownCard,
    #[error("the study card was redeemed already")]
    CardAlreadyRedeemed,
    #[error("a study card with this code exists already")]
    CardExists,
    #[error("the study card was voided")]
    CardVoided,
    #[error("some of these hours were bought already")]
    AlreadyOwned,
    #[error("an order with this number exists already")]
    OrderExists,
    #[error("no such order")]
    UnknownOrder,
    #[error("the notice does not match the order's amount or state")]
    NoticeMismatch,
    #[error("the hour was not bought")]
    HourNotBought,
    #[error("the filing was already accepted and can no longer change")]
    FilingClosed,
    #[error("staff decided on the filing already, or there is none waiting")]
    FilingDecided,
    #[error("a certificate with this number exists already")]
    CertificateExists,
    #[error("the learner's cycle was closed already")]
    CycleClosed,
    #[error("no such certificate")]
    UnknownCertificate,
    #[error("the certificate was revoked already")]
    AlreadyRevoked,
    #[error("an order cannot be invoiced: unpaid, someone else's, or invoiced already")]
    NotInvoiceable,
    #[error("no such invoice request")]
    UnknownInvoice,
    #[error("the invoice was issued already")]
    InvoiceAlreadyIssued,
    #[error("the year's settings or calendar changed since it was read")]
    StaleYearVersion,
    #[error("certificates were imported for this person meanwhile, or the import's record changed")]
    PriorRecordChanged,
    #[error("a staff account with this name exists already")]
    StaffAccountExists,
    #[error("no such staff account")]
    UnknownStaffAccount,
    #[error("the staff account changed since it was read")]
    StaleStaffAccount,
    #[error("too many items for one transaction")]
    TooLarge,
    #[error("an hour is held by another order that is waiting for payment")]
    HourReserved,
    #[error("the order was paid")]
    OrderPaid,
    #[error(
        "the refund does not fit the order: unpaid, hours not in it or refunded, or more than is left"
    )]
    NotRefundable,
    #[error("an hour to withdraw was marked learned")]
    HourLearned,
    #[error("no such refund")]
    UnknownRefund,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The backend failed or answered something unreadable. The message names
    /// the operation and the backend's error, never the data.
    #[error("store unavailable during {operation}: {message}")]
    Unavailable {
        operation: &'static str,
        message: String,
    },
}

impl StoreError {
    pub fn unavailable(operation: &'static str, error: impl std::fmt::Display) -> Self {
        Self::Unavailable {
            operation,
            message: error.to_string(),
        }
    }

    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            Self::Refused(refusal) => Some(refusal),
            Self::Unavailable { .. } => None,
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A failure inside an adapter before it is tied to an operation. Adapters
/// build requests and read answers in helpers that need not know which trait
/// method they serve; the method names itself once, with [`during`], and
/// every failure inside it is reported as happening during that operation.
#[derive(Debug)]
pub enum Failure {
    Refused(Refusal),
    /// The backend failed or answered something unreadable: its message, never the data.
    Backend(String),
}

impl Failure {
    pub fn backend(error: impl std::fmt::Display) -> Self {
        Self::Backend(error.to_string())
    }

    pub fn during(self, operation: &'static str) -> StoreError {
        match self {
            Self::Refused(refusal) => StoreError::Refused(refusal),
            Self::Backend(message) => StoreError::Unavailable { operation, message },
        }
    }
}

impl From<Refusal> for Failure {
    fn from(refusal: Refusal) -> Self {
        Self::Refused(refusal)
    }
}

/// What an adapter's helpers return: the operation is named by the caller.
pub type Attempt<T> = Result<T, Failure>;

/// Reads any backend error as [`Failure::Backend`].
pub trait OrBackend<T> {
    fn or_backend(self) -> Attempt<T>;
}

impl<T, E: std::fmt::Display> OrBackend<T> for Result<T, E> {
    fn or_backend(self) -> Attempt<T> {
        self.map_err(Failure::backend)
    }
}

/// Runs one operation's work and names the operation in whatever failure it returns.
pub async fn during<T>(
    operation: &'static str,
    work: impl std::future::Future<Output = Attempt<T>>,
) -> StoreResult<T> {
    work.await.map_err(|failure| failure.during(operation))
}
