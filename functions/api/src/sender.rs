//! Messages to a learner's registered address: an e-mail address or a
//! mainland mobile number. One trait, [`Sender`], whatever carries them: in
//! AWS's global regions Amazon SES (e-mail; `ticedu-accounts`' `ses.rs`), in
//! the China regions an SMS provider (Alibaba Cloud SMS is the one chosen,
//! see the README), and on a laptop the [`Outbox`], which keeps them in
//! memory for the local server's development page.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use ticedu_domain::contact::{EmailAddress, PhoneNumber};

/// Where a message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    Email(EmailAddress),
    Phone(PhoneNumber),
}

impl Address {
    /// The address as a screen shows it: a phone number masked.
    pub fn masked(&self) -> String {
        match self {
            Self::Email(email) => email.as_str().to_owned(),
            Self::Phone(phone) => phone.masked(),
        }
    }
}

/// One message: a subject (e-mail only) and plain text, in Chinese and
/// English together, as the association writes to its learners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub to: Address,
    pub subject: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// This sender does not carry messages to that kind of address.
    #[error("this sender cannot reach that kind of address")]
    Unreachable,
    /// The provider refused or could not be reached.
    #[error("the provider failed: {0}")]
    Provider(String),
}

pub type Sending<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

/// Sends messages. Object-safe, so that the platform holds whichever one the
/// deployment configured.
pub trait Sender: Send + Sync + std::fmt::Debug {
    /// Whether this sender carries messages to addresses like `address`.
    fn reaches(&self, address: &Address) -> bool;
    fn send<'a>(&'a self, message: &'a Message) -> Sending<'a>;
    /// The local sink, for the page that shows what it kept.
    fn as_outbox(&self) -> Option<&Outbox> {
        None
    }
}

/// A message the [`Outbox`] kept, with when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub at: Timestamp,
    pub message: Message,
}

/// The local sink: every message kept in memory, newest last (at most
/// [`Outbox::KEEPS`]), for the local server's development page and the tests.
#[derive(Debug, Clone, Default)]
pub struct Outbox {
    kept: Arc<Mutex<Vec<Kept>>>,
}

impl Outbox {
    /// Messages kept: a laptop's demo never needs more.
    pub const KEEPS: usize = 200;

    pub fn messages(&self) -> Vec<Kept> {
        self.kept
            .lock()
            .map(|kept| kept.clone())
            .unwrap_or_default()
    }
}

impl Sender for Outbox {
    fn reaches(&self, _: &Address) -> bool {
        true
    }

    fn send<'a>(&'a self, message: &'a Message) -> Sending<'a> {
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.len() >= Self::KEEPS {
            kept.remove(0);
        }
        kept.push(Kept {
            at: Timestamp::now(),
            message: message.clone(),
        });
        Box::pin(std::future::ready(Ok(())))
    }

    fn as_outbox(&self) -> Option<&Outbox> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_outbox_keeps_what_was_sent_and_masks_phones_on_screen() {
        let outbox = Outbox::default();
        let to = Address::Phone(PhoneNumber::parse("13800138000").unwrap());
        assert_eq!(to.masked(), "138****8000");
        let message = Message {
            to,
            subject: "s".to_owned(),
            text: "t".to_owned(),
        };
        outbox.send(&message).await.unwrap();
        assert_eq!(outbox.messages()[0].message, message);
    }
}
