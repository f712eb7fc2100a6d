//! 学过了 marks (R10): a mark for an enrolled hour, one per cycle, counted on the learner's
//! row in the same transaction so that `marked_hours` always equals the marks.
//!
//! Timed lessons: one open lesson per learner (`open_lessons`) and the seconds
//! banked per hour and cycle (`lesson_times`). redb runs one writer at a time,
//! so reading the open lesson and replacing it in one write transaction is
//! already the compare-and-set DynamoDB states as a condition: a concurrent
//! opening runs after this one and banks from what this one wrote.

use jiff::Timestamp;
use redb::{ReadableTable, Table};
use ticedu_domain::catalogue::HourId;
use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::requirement::LearnedHour;
use ticedu_store::ids::{LearnerId, in_cycle};
use ticedu_store::records::{LessonTime, OpenLesson};
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::learners::existing_learner;
use crate::rows::{exists, get_json, open, open_read, put_json, rows_of};
use crate::tables::{ENROLLMENTS, LEARNERS, LESSON_TIMES, MARKS, OPEN_LESSONS, PerLearner};

/// The seconds banked in `hour`'s lesson of `cycle`.
fn banked(
    times: &impl ReadableTable<PerLearner, u32>,
    learner: &LearnerId,
    hour: &HourId,
    cycle: CycleNumber,
) -> Attempt<u32> {
    let hour = in_cycle(&hour.to_string(), cycle);
    Ok(times
        .get((learner.as_str(), hour.as_str()))
        .or_backend()?
        .map_or(0, |seconds| seconds.value()))
}

/// Adds the seconds `lesson` was open by `now` to its hour's bank.
fn bank(
    times: &mut Table<'_, PerLearner, u32>,
    learner: &LearnerId,
    lesson: &OpenLesson,
    now: Timestamp,
) -> Attempt<()> {
    let total =
        banked(times, learner, &lesson.hour, lesson.cycle)?.saturating_add(lesson.elapsed_at(now));
    let hour = in_cycle(&lesson.hour.to_string(), lesson.cycle);
    times
        .insert((learner.as_str(), hour.as_str()), total)
        .or_backend()?;
    Ok(())
}

impl ProgressStore for EmbeddedStore {
    async fn mark_learned(
        &self,
        learner: &LearnerId,
        mark: &LearnedHour,
        bought_in: CycleNumber,
        required_seconds: u32,
        now: Timestamp,
    ) -> StoreResult<Outcome> {
        let (learner_id, mark) = (learner.clone(), mark.clone());
        self.write("mark_learned", move |txn| {
            let mut mark = mark.clone();
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
            let mut lessons = open(txn, OPEN_LESSONS)?;
            let mut times = open(txn, LESSON_TIMES)?;
            let open_lesson: Option<OpenLesson> = get_json(&lessons, learner_id.as_str())?;
            let time = LessonTime::of(
                banked(&times, &learner_id, &mark.hour, mark.cycle)?,
                open_lesson.as_ref(),
                &mark.hour,
                mark.cycle,
            );
            mark.studied_seconds = Some(time.check_studied(required_seconds, now)?);
            // The lesson marked closes, its last sitting banked, so that its
            // time reads the same after the mark as the mark records.
            if let Some(lesson) = open_lesson.filter(|lesson| lesson.is_of(&mark.hour, mark.cycle))
            {
                bank(&mut times, &learner_id, &lesson, now)?;
                lessons.remove(learner_id.as_str()).or_backend()?;
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

    async fn open_lesson(
        &self,
        learner: &LearnerId,
        hour: &HourId,
        cycle: CycleNumber,
        now: Timestamp,
    ) -> StoreResult<LessonTime> {
        let (learner, hour) = (learner.clone(), hour.clone());
        self.write("open_lesson", move |txn| {
            let mut lessons = open(txn, OPEN_LESSONS)?;
            let mut times = open(txn, LESSON_TIMES)?;
            let before: Option<OpenLesson> = get_json(&lessons, learner.as_str())?;
            let banked_here = banked(&times, &learner, &hour, cycle)?;
            match before {
                // Opening the open lesson again (a reload) keeps its sitting running.
                Some(lesson) if lesson.is_of(&hour, cycle) => {
                    return Ok(LessonTime::of(banked_here, Some(&lesson), &hour, cycle));
                }
                Some(lesson) => bank(&mut times, &learner, &lesson, now)?,
                None => {}
            }
            let lesson = OpenLesson {
                hour: hour.clone(),
                cycle,
                since: now,
            };
            put_json(&mut lessons, learner.as_str(), &lesson)?;
            Ok(LessonTime::of(banked_here, Some(&lesson), &hour, cycle))
        })
        .await
    }

    async fn lesson_time(
        &self,
        learner: &LearnerId,
        hour: &HourId,
        cycle: CycleNumber,
    ) -> StoreResult<LessonTime> {
        let (learner, hour) = (learner.clone(), hour.clone());
        self.read("lesson_time", move |txn| {
            let open_lesson: Option<OpenLesson> =
                get_json(&open_read(txn, OPEN_LESSONS)?, learner.as_str())?;
            let banked = banked(&open_read(txn, LESSON_TIMES)?, &learner, &hour, cycle)?;
            Ok(LessonTime::of(banked, open_lesson.as_ref(), &hour, cycle))
        })
        .await
    }

    async fn open_lesson_of(&self, learner: &LearnerId) -> StoreResult<Option<OpenLesson>> {
        let learner = learner.clone();
        self.read("open_lesson_of", move |txn| {
            get_json(&open_read(txn, OPEN_LESSONS)?, learner.as_str())
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
