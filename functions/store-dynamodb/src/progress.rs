//! 学过了 marks (R10): a mark for an enrolled hour, counted on the profile in
//! the same transaction so that `marked_hours` always equals the marks.

use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::requirement::LearnedHour;
use ticedu_store::ids::LearnerId;
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys;
use crate::request::{EXISTING_ITEM, Expr, Keys, Sorted, n, to_item};

/// The items of a mark.
#[derive(Clone, Copy, PartialEq)]
enum Marking {
    Enrollment,
    Mark,
    Count,
}

impl ProgressStore for DynamoStore {
    async fn mark_learned(
        &self,
        learner: &LearnerId,
        mark: &LearnedHour,
        bought_in: CycleNumber,
    ) -> StoreResult<Outcome> {
        during("mark_learned", async {
            let mut transaction = self.transaction();
            transaction.check_exists(
                Marking::Enrollment,
                &keys::enrollment(learner, bought_in, &mark.hour),
            )?;
            transaction.put_new(
                Marking::Mark,
                to_item(mark, &keys::mark(learner, mark.cycle, &mark.hour))?,
            )?;
            transaction.update(
                Marking::Count,
                &keys::profile(learner),
                "SET #marked = #marked + :one",
                EXISTING_ITEM,
                Expr::default()
                    .name("#marked", "marked_hours")
                    .value(":one", n(1)),
            )?;
            let cancellation = match self.transact(transaction).await {
                Ok(()) => return Ok(Outcome::Applied),
                Err(error) => error.cancellation()?,
            };
            if cancellation.failed(Marking::Enrollment) {
                return Err(Refusal::HourNotBought.into());
            }
            if cancellation.failed(Marking::Mark) {
                return Ok(Outcome::AlreadyApplied);
            }
            Err(cancellation.explain(|part| match part {
                Marking::Count => Some(Refusal::UnknownLearner),
                Marking::Enrollment | Marking::Mark => None,
            }))
        })
        .await
    }

    async fn marks(&self, learner: &LearnerId) -> StoreResult<Vec<LearnedHour>> {
        during(
            "marks",
            self.query_records(
                &keys::learner_partition(learner),
                Some(keys::MARK_PREFIX),
                Keys::Table,
                Sorted::Ascending,
            ),
        )
        .await
    }
}
