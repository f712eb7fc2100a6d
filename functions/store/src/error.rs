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
    #[error("a certificate with this number exists already")]
    CertificateExists,
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
    #[error("too many items for one transaction")]
    TooLarge,
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
