//! 学过了 marks (R10): a mark for an enrolled hour, one per cycle, counted on the learner's
//! row in the same transaction so that `marked_hours` always equals the marks.

use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::requirement::LearnedHour;
use ticedu_store::ids::{LearnerId, in_cycle};
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::learners::existing_learner;
use crate::rows::{exists, open, open_read, put_json, rows_of};
use crate::tables::{ENROLLMENTS, LEARNERS, MARKS};

impl ProgressStore for EmbeddedStore {
    async fn mark_learned(
        &self,
        learner: &LearnerId,
        mark: &LearnedHour,
        bought_in: CycleNumber,
    ) -> StoreResult<Outcome> {
        let (learner_id, mark) = (learner.clone(), mark.clone());
        self.write("mark_learned", move |txn| {
            let hour = mark.hour.to_string();
            let bought = in_cycle(&hour, bought_in);
            if !exists(
                &open(txn, ENROLLMENTS)?,
                (learner_id.as_str(), bought.as_str()),
            )? {
                return Err(Refusal::HourNotBought.into());
            }
            let hour = in_cycle(&hour, mark.cycle);
            let key = (learner_id.as_str(), hour.as_str());
            let mut marks = open(txn, MARKS)?;
            if exists(&marks, key)? {
                return Ok(Outcome::AlreadyApplied);
            }
            put_json(&mut marks, key, &mark)?;
            let mut learners = open(txn, LEARNERS)?;
            let mut learner = existing_learner(&learners, &learner_id)?;
            learner.marked_hours += 1;
            put_json(&mut learners, learner_id.as_str(), &learner)?;
            Ok(Outcome::Applied)
        })
        .await
    }

    async fn marks(&self, learner: &LearnerId) -> StoreResult<Vec<LearnedHour>> {
        let learner = learner.clone();
        self.read("marks", move |txn| {
            rows_of(&open_read(txn, MARKS)?, learner.as_str())
        })
        .await
    }
}
