//! Who a learner is: ID numbers (GB 11643), real names and usernames.
//!
//! Properties, for any text:
//! - an accepted ID number has 18 characters, a check character that matches
//!   its first 17 digits, a birth date from 1900 on, and reads back as itself
//!   (from its exposed text and through serde); the masked form hides all but
//!   the first and last character; `parse` as of a day accepts a subset of
//!   `parse_stored`;
//! - names and usernames parse → display → parse to the same value;
//! - the username derived from any accepted name and ID-number shape is
//!   accepted as typed at login, and is that same username.

#![no_main]

use jiff::civil::date;
use libfuzzer_sys::fuzz_target;
use ticedu_domain::identity::{IdNumber, IdNumberShape, PersonName, Username, check_character};

fuzz_target!(|text: &str| {
    id_number(text);
    person_name(text);
    username(text);
    // The input cut in two: a name and an ID number, as at registration.
    let (name_part, number_part) = text.split_once('|').unwrap_or((text, ""));
    if let (Ok(name), Ok(shape)) = (
        PersonName::parse(name_part),
        IdNumberShape::parse(number_part),
    ) {
        let derived = Username::from_shape(&name, &shape);
        let typed = Username::parse(derived.as_str()).expect("a derived username is accepted");
        assert_eq!(typed, derived);
    }
});

fn id_number(text: &str) {
    let shape = IdNumberShape::parse(text);
    let stored = IdNumber::parse_stored(text);
    if let Ok(number) = &stored {
        assert!(shape.is_ok());
        let exposed = number.expose();
        assert_eq!(exposed.len(), 18);
        let first: [u8; 17] = exposed.as_bytes()[..17].try_into().unwrap();
        assert!(first.iter().all(u8::is_ascii_digit));
        assert_eq!(char::from(exposed.as_bytes()[17]), check_character(&first));
        assert!(number.birth_date().year() >= 1900);
        assert_eq!(IdNumber::parse_stored(exposed).as_ref(), Ok(number));
        let json = serde_json::to_string(number).unwrap();
        assert_eq!(&serde_json::from_str::<IdNumber>(&json).unwrap(), number);
        let masked = number.masked();
        assert_eq!(masked.chars().count(), 18);
        assert_eq!(masked.matches('*').count(), 16);
        assert!(!format!("{number:?}").contains(&exposed[1..17]));
        let shape = number.shape();
        assert_eq!(shape.region(), &exposed[..6]);
        assert_eq!(shape.last_four(), &exposed[14..]);
    }
    for today in [date(1900, 1, 1), date(2024, 2, 29), date(9999, 12, 31)] {
        match IdNumber::parse(text, today) {
            Ok(number) => {
                assert_eq!(stored.as_ref(), Ok(&number));
                assert!(number.birth_date() <= today);
            }
            Err(error) => {
                if let Ok(number) = &stored {
                    assert!(number.birth_date() > today, "{error:?}");
                }
            }
        }
    }
}

fn person_name(text: &str) {
    let Ok(name) = PersonName::parse(text) else {
        return;
    };
    let shown = name.to_string();
    assert_eq!(shown, name.as_str());
    assert_eq!(PersonName::parse(&shown).as_ref(), Ok(&name));
    let count = shown.chars().count();
    assert!((2..=60).contains(&count));
    assert_eq!(name.masked().chars().count(), count);
    assert_eq!(shown.trim(), shown);
}

fn username(text: &str) {
    let Ok(username) = Username::parse(text) else {
        return;
    };
    let shown = username.to_string();
    assert_eq!(Username::parse(&shown).as_ref(), Ok(&username));
    let json = serde_json::to_string(&username).unwrap();
    assert_eq!(serde_json::from_str::<Username>(&json).unwrap(), username);
    assert!(!format!("{username:?}").contains(&shown));
}
