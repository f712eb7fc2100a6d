//! Study cards (R13): issued in batches, voided by staff, redeemed once into
//! the balance together with its ledger entry.

use jiff::Timestamp;
use ticedu_store::ids::{CardCode, LearnerId};
use ticedu_store::preconditions::check_card_batch;
use ticedu_store::records::{AuditEntry, LedgerEntry, Redemption, StudyCard};
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys;
use crate::ledger::ledger_item;
use crate::request::{EXISTING_ITEM, Expr, Keys, Sorted, n, to_item, to_value, with_gsi1};

/// The items of a batch: every one a new card.
#[derive(Clone, Copy, PartialEq)]
enum Issuing {
    Card,
    Audit,
}

/// The items of a redemption.
#[derive(Clone, Copy, PartialEq)]
enum Redeeming {
    Card,
    Balance,
    LedgerEntry,
}

impl CardStore for DynamoStore {
    async fn issue_cards(&self, cards: &[StudyCard], audit: &AuditEntry) -> StoreResult<()> {
        during("issue_cards", async {
            check_card_batch(cards)?;
            if cards.is_empty() {
                return Ok(());
            }
            let mut transaction = self.transaction();
            for card in cards {
                let item = with_gsi1(
                    to_item(card, &keys::card(&card.code))?,
                    keys::CARDS,
                    format!("{}#{}", card.issued_at, card.code),
                );
                transaction.put_new(Issuing::Card, item)?;
            }
            transaction.put_audit(Issuing::Audit, audit)?;
            // Any card whose code is taken cancels the whole batch.
            self.transact(transaction).await.map_err(|error| {
                error.explain(|part| (part == Issuing::Card).then_some(Refusal::CardExists))
            })
        })
        .await
    }

    async fn card(&self, code: &CardCode) -> StoreResult<Option<StudyCard>> {
        during("card", self.get_record(&keys::card(code))).await
    }

    async fn cards(&self) -> StoreResult<Vec<StudyCard>> {
        during(
            "cards",
            self.query_records(keys::CARDS, None, Keys::Gsi1, Sorted::Descending),
        )
        .await
    }

    async fn void_card(
        &self,
        code: &CardCode,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        during("void_card", async {
            let key = keys::card(code);
            let expr = Expr::default()
                .name("#redeemed", "redeemed")
                .name("#voided", "voided")
                .value(":at", to_value(&at)?);
            let condition = "attribute_exists(pk) AND attribute_not_exists(#redeemed) AND attribute_not_exists(#voided)";
            if self
                .update_audited(&key, "SET #voided = :at", condition, expr, audit)
                .await?
            {
                return Ok(());
            }
            let stored: Option<StudyCard> = self.get_record(&key).await?;
            Err(match stored {
                None => Refusal::UnknownCard,
                Some(stored) => stored.check_voidable().err().unwrap_or(Refusal::CardVoided),
            }
            .into())
        })
        .await
    }

    async fn redeem_card(
        &self,
        card: &StudyCard,
        learner: &LearnerId,
        at: Timestamp,
    ) -> StoreResult<()> {
        during("redeem_card", async {
            let card_key = keys::card(&card.code);
            let redemption = Redemption {
                by: learner.clone(),
                at,
            };
            let entry = LedgerEntry::card_redeemed(card, at).or_backend()?;
            let mut transaction = self.transaction();
            transaction.update(
                Redeeming::Card,
                &card_key,
                "SET #redeemed = :redemption",
                "attribute_exists(pk) AND attribute_not_exists(#redeemed) AND attribute_not_exists(voided) AND #value = :value",
                Expr::default()
                    .name("#redeemed", "redeemed")
                    .name("#value", "value")
                    .value(":redemption", to_value(&redemption)?)
                    .value(":value", n(card.value.get())),
            )?;
            transaction.update(
                Redeeming::Balance,
                &keys::profile(learner),
                "SET #balance = #balance + :value",
                EXISTING_ITEM,
                Expr::default()
                    .name("#balance", "balance")
                    .value(":value", n(card.value.get())),
            )?;
            transaction.put_new(Redeeming::LedgerEntry, ledger_item(learner, &entry)?)?;
            let cancellation = match self.transact(transaction).await {
                Ok(()) => return Ok(()),
                Err(error) => error.cancellation()?,
            };
            if cancellation.failed(Redeeming::Card) {
                let stored: Option<StudyCard> = self
                    .found_record(&cancellation, Redeeming::Card, &card_key)
                    .await?;
                // The condition failed although the card looks redeemable: it
                // is not the card the caller read.
                return Err(stored
                    .and_then(|stored| stored.check_redeemable(card).err())
                    .unwrap_or(Refusal::UnknownCard)
                    .into());
            }
            Err(cancellation.explain(|part| match part {
                Redeeming::Card => None,
                Redeeming::Balance => Some(Refusal::UnknownLearner),
                Redeeming::LedgerEntry => Some(Refusal::CardAlreadyRedeemed),
            }))
        })
        .await
    }
}
