//! Study cards (R13): issued in batches, voided by staff, redeemed once into
//! the balance together with its ledger entry.

use jiff::Timestamp;
use redb::ReadableTable;
use ticedu_store::ids::{CardCode, LearnerId};
use ticedu_store::preconditions::check_card_batch;
use ticedu_store::records::{AuditEntry, LedgerEntry, Redemption, StudyCard};
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::audit::record;
use crate::ledger::post_to_ledger;
use crate::rows::{exists, get_json, open, open_read, put_json};
use crate::tables::CARDS;

impl CardStore for EmbeddedStore {
    async fn issue_cards(&self, cards: &[StudyCard], audit: &AuditEntry) -> StoreResult<()> {
        check_card_batch(cards)?;
        let (cards, audit) = (cards.to_vec(), audit.clone());
        self.write("issue_cards", move |txn| {
            let mut table = open(txn, CARDS)?;
            for card in &cards {
                if exists(&table, card.code.as_str())? {
                    return Err(Refusal::CardExists.into());
                }
                put_json(&mut table, card.code.as_str(), card)?;
            }
            record(txn, &audit)
        })
        .await
    }

    async fn card(&self, code: &CardCode) -> StoreResult<Option<StudyCard>> {
        let code = code.clone();
        self.read("card", move |txn| {
            get_json(&open_read(txn, CARDS)?, code.as_str())
        })
        .await
    }

    async fn cards(&self) -> StoreResult<Vec<StudyCard>> {
        self.read("cards", move |txn| {
            let mut cards: Vec<StudyCard> = Vec::new();
            for entry in open_read(txn, CARDS)?.iter().or_backend()? {
                let (_, value) = entry.or_backend()?;
                cards.push(serde_json::from_slice(value.value()).or_backend()?);
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

    async fn void_card(
        &self,
        code: &CardCode,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let (code, audit) = (code.clone(), audit.clone());
        self.write("void_card", move |txn| {
            let mut cards = open(txn, CARDS)?;
            let mut card: StudyCard =
                get_json(&cards, code.as_str())?.ok_or(Failure::Refused(Refusal::UnknownCard))?;
            card.check_voidable()?;
            card.voided = Some(at);
            put_json(&mut cards, code.as_str(), &card)?;
            record(txn, &audit)
        })
        .await
    }

    async fn redeem_card(
        &self,
        card: &StudyCard,
        learner: &LearnerId,
        at: Timestamp,
    ) -> StoreResult<()> {
        let (read, learner) = (card.clone(), learner.clone());
        self.write("redeem_card", move |txn| {
            let mut cards = open(txn, CARDS)?;
            let mut stored: StudyCard = get_json(&cards, read.code.as_str())?
                .ok_or(Failure::Refused(Refusal::UnknownCard))?;
            stored.check_redeemable(&read)?;
            stored.redeemed = Some(Redemption {
                by: learner.clone(),
                at,
            });
            put_json(&mut cards, read.code.as_str(), &stored)?;
            let entry = LedgerEntry::card_redeemed(&stored, at).or_backend()?;
            post_to_ledger(txn, &learner, &entry)
        })
        .await
    }
}
