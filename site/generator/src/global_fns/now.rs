//! Zola's `now(timestamp?, utc?)`: the time the build started, as an RFC 3339
//! UTC date-time or as seconds since the epoch. Taken once per build, so
//! that every page of one build prints the same instant.

use jiff::Timestamp;
use tera::{Function, Kwargs, State, TeraResult, Value};

pub struct Now(pub Timestamp);

impl Now {
    pub fn at_build_start() -> Self {
        Self(Timestamp::now())
    }
}

impl Function<TeraResult<Value>> for Now {
    fn call(&self, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
        // Zola accepts `utc` and prints UTC either way: an instant has no zone.
        kwargs.get::<bool>("utc")?;
        if kwargs.get::<bool>("timestamp")?.unwrap_or(false) {
            return Ok(Value::from(self.0.as_second()));
        }
        Ok(Value::from(self.0.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_fns::fixture::{assert_errors, call, no_args};

    fn fixed() -> Now {
        Now("2026-12-01T08:30:00Z".parse().unwrap())
    }

    #[test]
    fn now_is_the_build_start_as_a_date_time_or_a_timestamp() {
        assert_eq!(
            call(&fixed(), no_args(), None).unwrap(),
            "2026-12-01T08:30:00Z".into()
        );
        let timestamp = Kwargs::from([("timestamp", true.into()), ("utc", true.into())]);
        assert_eq!(
            call(&fixed(), timestamp, None).unwrap(),
            1_796_113_800_i64.into()
        );
    }

    #[test]
    fn arguments_of_the_wrong_type_are_errors() {
        assert_errors(
            &fixed(),
            [
                (
                    Kwargs::from([("timestamp", "yes".into())]),
                    "expected `bool`",
                ),
                (Kwargs::from([("utc", 1.into())]), "expected `bool`"),
            ],
        );
    }
}
