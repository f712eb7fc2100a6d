//! What registration believes (R1, R16, R18): the dates a learner states
//! must be possible, since their cycle and their certificate rest on them.
//!
//! - A holder's certificate expires on a batch day (R17): one of a
//!   configured year's batch dates, or one of them moved by whole cycles
//!   (a certificate renewed in 2023's 2023-07-06 batch expires on
//!   2027-07-06, before staff enter 2027's notice). It lies at most one cycle
//!   back (an older certificate is long lapsed: staff handle that person) and
//!   at most one cycle and a year ahead. Staff vouch for any other expiry by
//!   importing the association's record of that certificate (the accounts
//!   function then believes it).
//! - A new learner started learning on or after their 18th birthday, not
//!   after today, and at most one cycle back (an earlier start would put
//!   their whole first cycle in the past: staff confirm such a case).

use std::borrow::Cow;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::cycle::CYCLE_YEARS;
use crate::learner::LearnerKind;
use crate::rejection::{Rejection, display_as_rejection};
use crate::settings::Settings;

/// The age from which a person works in the trade.
const ADULT_YEARS: i16 = 18;

/// Whether the dates in `kind` are possible for a person born on `birth_date`, registering `today`.
pub fn check_dates(
    kind: &LearnerKind,
    birth_date: Date,
    today: Date,
    settings: &Settings,
) -> Result<(), RegistrationRefusal> {
    let years = |n: i16| n.years();
    let cycle_back = today.checked_sub(years(CYCLE_YEARS)).unwrap_or(Date::MIN);
    match kind {
        LearnerKind::Holder(details) => {
            let expiry = details.expires_on;
            let furthest = today
                .checked_add(years(CYCLE_YEARS + 1))
                .unwrap_or(Date::MAX);
            if expiry < cycle_back || expiry > furthest {
                return Err(RegistrationRefusal::ExpiryOutOfRange);
            }
            if !is_batch_day(expiry, settings) {
                return Err(RegistrationRefusal::ExpiryNotABatch);
            }
        }
        LearnerKind::New(details) => {
            let started = details.learning_started_on;
            if started > today {
                return Err(RegistrationRefusal::StartInFuture);
            }
            let adult = birth_date
                .checked_add(years(ADULT_YEARS))
                .unwrap_or(Date::MAX);
            if started < adult {
                return Err(RegistrationRefusal::StartBeforeAdulthood);
            }
            if started < cycle_back {
                return Err(RegistrationRefusal::StartTooLongAgo);
            }
        }
        LearnerKind::Titled(_) => {}
    }
    Ok(())
}

/// A configured batch date, or one moved by whole cycles.
fn is_batch_day(expiry: Date, settings: &Settings) -> bool {
    settings
        .years()
        .flat_map(|year| year.batch_expiry_dates.iter())
        .any(|batch| {
            let apart = i32::from(expiry.year()) - i32::from(batch.year());
            apart % i32::from(CYCLE_YEARS) == 0
                && (expiry.month(), expiry.day()) == (batch.month(), batch.day())
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationRefusal {
    ExpiryOutOfRange,
    ExpiryNotABatch,
    StartInFuture,
    StartBeforeAdulthood,
    StartTooLongAgo,
}

display_as_rejection!(RegistrationRefusal);

impl Rejection for RegistrationRefusal {
    fn code(&self) -> &'static str {
        match self {
            Self::ExpiryOutOfRange => "registration.expiry_out_of_range",
            Self::ExpiryNotABatch => "registration.expiry_not_a_batch",
            Self::StartInFuture => "date.in_future",
            Self::StartBeforeAdulthood => "registration.start_before_adulthood",
            Self::StartTooLongAgo => "registration.start_too_long_ago",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::ExpiryOutOfRange => "证书到期日不在可能的范围内（前后一个学习周期内），请核对继续教育合格证上的到期日；证书已过期多年的，请联系协会（010-62383899）办理。",
            Self::ExpiryNotABatch => "证书到期日应为协会公布的批次日期之一（如 7 月 6 日、7 月 21 日、8 月 15 日、3 月 1 日），请核对继续教育合格证；如确有不同，请联系协会核对。",
            Self::StartInFuture => "开始学习日期不能晚于今天。",
            Self::StartBeforeAdulthood => "开始学习日期不能早于您年满 18 周岁之日，请核对。",
            Self::StartTooLongAgo => "开始学习日期不能早于四年（一个学习周期）前；如确需登记更早的日期，请联系协会。",
        }
        .into()
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::ExpiryOutOfRange => "The expiry date is out of range (within one cycle either way): check the certificate; if it expired years ago, contact the association.",
            Self::ExpiryNotABatch => "The expiry date must be one of the association's batch dates (e.g. 6 July, 21 July, 15 August, 1 March): check the certificate, or contact the association.",
            Self::StartInFuture => "Learning cannot start after today.",
            Self::StartBeforeAdulthood => "Learning cannot start before your 18th birthday.",
            Self::StartTooLongAgo => "Learning cannot start more than four years (one cycle) ago; contact the association for an earlier date.",
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::learner::{DocumentNumber, HolderCertificateKind, HolderDetails, NewLearnerDetails};

    const BORN: Date = date(2000, 5, 20);
    const TODAY: Date = date(2026, 12, 1);

    fn holder(expires_on: Date) -> LearnerKind {
        LearnerKind::Holder(HolderDetails {
            certificate_kind: HolderCertificateKind::Qualification,
            original_certificate_no: DocumentNumber::parse("Q-1").unwrap(),
            expires_on,
        })
    }

    fn new(started: Date) -> LearnerKind {
        LearnerKind::New(NewLearnerDetails {
            learning_started_on: started,
        })
    }

    fn check(kind: LearnerKind) -> Result<(), RegistrationRefusal> {
        check_dates(&kind, BORN, TODAY, &Settings::bundled().unwrap())
    }

    #[test]
    fn a_holders_expiry_is_a_batch_day_within_a_cycle_either_way() {
        assert_eq!(check(holder(date(2024, 3, 1))), Ok(()));
        assert_eq!(
            check(holder(date(2027, 7, 6))),
            Ok(()),
            "2023's batch renewed once"
        );
        assert_eq!(
            check(holder(date(2027, 7, 7))),
            Err(RegistrationRefusal::ExpiryNotABatch)
        );
        assert_eq!(
            check(holder(date(2099, 12, 31))),
            Err(RegistrationRefusal::ExpiryOutOfRange)
        );
        assert_eq!(
            check(holder(date(1, 1, 1))),
            Err(RegistrationRefusal::ExpiryOutOfRange)
        );
        assert_eq!(
            check(holder(date(2019, 7, 6))),
            Err(RegistrationRefusal::ExpiryOutOfRange)
        );
    }

    #[test]
    fn a_new_learner_starts_as_an_adult_not_in_the_future_and_within_a_cycle() {
        assert_eq!(check(new(date(2025, 9, 1))), Ok(()));
        assert_eq!(
            check(new(date(2026, 12, 2))),
            Err(RegistrationRefusal::StartInFuture)
        );
        assert_eq!(
            check(new(date(2018, 5, 19))),
            Err(RegistrationRefusal::StartBeforeAdulthood)
        );
        assert_eq!(
            check(new(date(1990, 1, 1))),
            Err(RegistrationRefusal::StartBeforeAdulthood)
        );
        assert_eq!(
            check(new(date(2022, 11, 30))),
            Err(RegistrationRefusal::StartTooLongAgo)
        );
    }
}
