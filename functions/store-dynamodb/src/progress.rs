//! 学过了 marks (R10): a mark for an enrolled hour, counted on the profile in
//! the same transaction so that `marked_hours` always equals the marks.
//!
//! Timed lessons: the learner's open lesson is one item (`OPEN_LESSON`) and
//! each hour's banked seconds another (`LESSON#<hour>`). Every write that
//! replaces or closes the open lesson is conditioned on it being exactly as
//! read, so that of two concurrent writes one is cancelled and no sitting is
//! banked twice.

use jiff::Timestamp;
use serde::Deserialize;
use ticedu_domain::catalogue::HourId;
use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::requirement::LearnedHour;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::{LessonTime, OpenLesson};
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys;
use crate::request::{EXISTING_ITEM, Expr, Keys, Sorted, n, to_item, to_value};
use crate::transaction::Transaction;

/// The items of a mark.
#[derive(Clone, Copy, PartialEq)]
enum Marking {
    Enrollment,
    Mark,
    Count,
    /// The marked hour's lesson, closed if it is the open one.
    Lesson,
    Banked,
}

/// The items of opening a lesson.
#[derive(Clone, Copy, PartialEq)]
enum Opening {
    /// The lesson open before, its sitting banked.
    Banked,
    Lesson,
}

/// The `OPEN_LESSON` item: without `open` once its lesson closed.
#[derive(Deserialize)]
struct OpenLessonItem {
    #[serde(default)]
    open: Option<OpenLesson>,
}

/// A `LESSON#<hour>` item.
#[derive(Deserialize)]
struct LessonTimeItem {
    #[serde(default)]
    banked_seconds: u32,
}

const OPEN: &str = "open";
const BANKED: &str = "banked_seconds";

/// The condition that the open lesson is still `read`: absent, or the same
/// hour, cycle and opening time.
fn unchanged(read: Option<&OpenLesson>) -> Attempt<(&'static str, Expr)> {
    let expr = Expr::default().name("#open", OPEN);
    Ok(match read {
        None => ("attribute_not_exists(#open)", expr),
        Some(lesson) => (
            "#open.#hour = :hour AND #open.#cycle = :cycle AND #open.#since = :since",
            expr.name("#hour", "hour")
                .name("#cycle", "cycle")
                .name("#since", "since")
                .value(":hour", to_value(&lesson.hour)?)
                .value(":cycle", to_value(&lesson.cycle)?)
                .value(":since", to_value(&lesson.since)?),
        ),
    })
}

impl DynamoStore {
    async fn read_open_lesson(&self, learner: &LearnerId) -> Attempt<Option<OpenLesson>> {
        let item: Option<OpenLessonItem> = self.get_record(&keys::open_lesson(learner)).await?;
        Ok(item.and_then(|item| item.open))
    }

    async fn read_banked(
        &self,
        learner: &LearnerId,
        hour: &HourId,
        cycle: CycleNumber,
    ) -> Attempt<u32> {
        let item: Option<LessonTimeItem> = self
            .get_record(&keys::lesson_time(learner, cycle, hour))
            .await?;
        Ok(item.map_or(0, |item| item.banked_seconds))
    }

    /// The open lesson and `hour`'s lesson time, read together.
    async fn read_lesson(
        &self,
        learner: &LearnerId,
        hour: &HourId,
        cycle: CycleNumber,
    ) -> Attempt<(Option<OpenLesson>, LessonTime)> {
        // Each request boxed, like the transactions below: SDK futures are
        // large, and held inline they overflowed a debug build's 2 MiB test
        // stack (store_dynamodb::every_write_operation_is_exactly_one_request).
        let (open, banked) = tokio::try_join!(
            Box::pin(self.read_open_lesson(learner)),
            Box::pin(self.read_banked(learner, hour, cycle))
        )?;
        let time = LessonTime::of(banked, open.as_ref(), hour, cycle);
        Ok((open, time))
    }

    /// Adds to `transaction` the closing of `lesson`, read open: its sitting
    /// banked to its hour, and the open lesson replaced by `next` or removed.
    fn close_lesson<P: Copy + PartialEq>(
        transaction: &mut Transaction<P>,
        (banked, slot): (P, P),
        learner: &LearnerId,
        lesson: &OpenLesson,
        next: Option<&OpenLesson>,
        now: Timestamp,
    ) -> Attempt<()> {
        transaction.add_to(
            banked,
            &keys::lesson_time(learner, lesson.cycle, &lesson.hour),
            BANKED,
            lesson.elapsed_at(now),
        )?;
        let (condition, expr) = unchanged(Some(lesson))?;
        match next {
            Some(next) => transaction.update(
                slot,
                &keys::open_lesson(learner),
                "SET #open = :next",
                condition,
                expr.value(":next", to_value(next)?),
            ),
            None => transaction.update(
                slot,
                &keys::open_lesson(learner),
                "REMOVE #open",
                condition,
                expr,
            ),
        }
    }

    /// Why a mark short of its study length is not written: the hour not
    /// bought, the mark made before (a repeat), or the time still missing.
    async fn refuse_early_mark(
        &self,
        learner: &LearnerId,
        mark: &LearnedHour,
        bought_in: CycleNumber,
        too_short: Refusal,
    ) -> Attempt<Outcome> {
        let enrollment = keys::enrollment(learner, bought_in, &mark.hour);
        if self.get(&enrollment).await?.is_none() {
            return Err(Refusal::HourNotBought.into());
        }
        let marked = keys::mark(learner, mark.cycle, &mark.hour);
        if self.get(&marked).await?.is_some() {
            return Ok(Outcome::AlreadyApplied);
        }
        Err(too_short.into())
    }
}

impl ProgressStore for DynamoStore {
    async fn mark_learned(
        &self,
        learner: &LearnerId,
        mark: &LearnedHour,
        bought_in: CycleNumber,
        required_seconds: u32,
        now: Timestamp,
    ) -> StoreResult<Outcome> {
        during("mark_learned", async {
            let (open, time) = self.read_lesson(learner, &mark.hour, mark.cycle).await?;
            let studied = match time.check_studied(required_seconds, now) {
                Ok(studied) => studied,
                Err(too_short) => {
                    return Box::pin(self.refuse_early_mark(learner, mark, bought_in, too_short))
                        .await;
                }
            };
            let mark = LearnedHour {
                studied_seconds: Some(studied),
                ..mark.clone()
            };
            let mut transaction = self.transaction();
            transaction.check_exists(
                Marking::Enrollment,
                &keys::enrollment(learner, bought_in, &mark.hour),
            )?;
            transaction.put_new(
                Marking::Mark,
                to_item(&mark, &keys::mark(learner, mark.cycle, &mark.hour))?,
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
            // The marked lesson closes with its last sitting banked, so that
            // its time reads the same after the mark as the mark records.
            if let Some(lesson) = open.filter(|lesson| lesson.is_of(&mark.hour, mark.cycle)) {
                Self::close_lesson(
                    &mut transaction,
                    (Marking::Banked, Marking::Lesson),
                    learner,
                    &lesson,
                    None,
                    now,
                )?;
            }
            let cancellation = match Box::pin(self.transact(transaction)).await {
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
                Marking::Lesson => Some(Refusal::LessonChanged),
                Marking::Count => Some(Refusal::UnknownLearner),
                Marking::Enrollment | Marking::Mark | Marking::Banked => None,
            }))
        })
        .await
    }

    async fn open_lesson(
        &self,
        learner: &LearnerId,
        hour: &HourId,
        cycle: CycleNumber,
        now: Timestamp,
    ) -> StoreResult<LessonTime> {
        during("open_lesson", async {
            let (before, time) = self.read_lesson(learner, hour, cycle).await?;
            // Opening the open lesson again (a reload) keeps its sitting running.
            if time.open_since.is_some() {
                return Ok(time);
            }
            let lesson = OpenLesson {
                hour: hour.clone(),
                cycle,
                since: now,
            };
            let mut transaction = self.transaction();
            match &before {
                Some(before) => Self::close_lesson(
                    &mut transaction,
                    (Opening::Banked, Opening::Lesson),
                    learner,
                    before,
                    Some(&lesson),
                    now,
                )?,
                None => {
                    let (condition, expr) = unchanged(None)?;
                    transaction.update(
                        Opening::Lesson,
                        &keys::open_lesson(learner),
                        "SET #open = :next",
                        condition,
                        expr.value(":next", to_value(&lesson)?),
                    )?;
                }
            }
            Box::pin(self.transact(transaction))
                .await
                .map_err(|error| {
                    error.explain(|part| match part {
                        Opening::Lesson => Some(Refusal::LessonChanged),
                        Opening::Banked => None,
                    })
                })?;
            Ok(LessonTime::of(
                time.banked_seconds,
                Some(&lesson),
                hour,
                cycle,
            ))
        })
        .await
    }

    async fn lesson_time(
        &self,
        learner: &LearnerId,
        hour: &HourId,
        cycle: CycleNumber,
    ) -> StoreResult<LessonTime> {
        during("lesson_time", async {
            Ok(self.read_lesson(learner, hour, cycle).await?.1)
        })
        .await
    }

    async fn open_lesson_of(&self, learner: &LearnerId) -> StoreResult<Option<OpenLesson>> {
        during("open_lesson_of", self.read_open_lesson(learner)).await
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
