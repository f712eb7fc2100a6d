use jiff::civil::{Date, date};
use proptest::prelude::*;

use super::*;
use crate::rejection::Rejection;

const TODAY: Date = date(2026, 11, 27);
/// The notice's example number, with the check character GB 11643-1999 gives it.
const VALID: &str = "110105199004086782";

fn name(text: &str) -> PersonName {
    PersonName::parse(text).unwrap()
}

#[test]
fn the_notices_example_number_is_refused_for_its_check_character() {
    let error = IdNumber::parse("110105199004086789", TODAY).unwrap_err();
    assert_eq!(error, IdNumberError::CheckCharacter);
    assert_eq!(error.code(), "id_number.check_character");
    assert_eq!(check_character(b"11010519900408678"), '2');
}

#[test]
fn the_notices_example_still_derives_the_notices_username() {
    let shape = IdNumberShape::parse("110105199004086789").unwrap();
    assert_eq!(
        Username::from_shape(&name("钟检"), &shape).as_str(),
        "钟检1101056789"
    );
}

#[test]
fn a_valid_number_derives_name_region_and_last_four() {
    let id = IdNumber::parse(VALID, TODAY).unwrap();
    assert_eq!(
        Username::derive(&name("钟检"), &id).as_str(),
        "钟检1101056782"
    );
    assert_eq!(id.birth_date(), date(1990, 4, 8));
}

#[test]
fn a_lower_case_x_is_accepted_and_normalised() {
    // 11010519491231002X is the standard's own example with an X check character.
    let id = IdNumber::parse(" 11010519491231002x ", TODAY).unwrap();
    assert_eq!(id.expose(), "11010519491231002X");
}

#[test]
fn each_broken_rule_has_its_own_code() {
    let cases = [
        ("", "id_number.empty"),
        ("11010519900408678", "id_number.length"),
        ("1101051990040867822", "id_number.length"),
        ("11010519900408678Y", "id_number.characters"),
        ("1101051990040X6782", "id_number.characters"),
        (
            "１１０１０５１９９００４０８６７８２",
            "id_number.characters",
        ),
        ("990105199004086782", "id_number.region"),
        ("000105199004086782", "id_number.region"),
        ("110105199002306782", "id_number.birth_date"),
        ("110105180001016782", "id_number.birth_date"),
    ];
    for (input, code) in cases {
        let error = IdNumber::parse(input, TODAY).unwrap_err();
        assert_eq!(error.code(), code, "for input of length {}", input.len());
    }
}

#[test]
fn a_birth_date_after_today_is_refused_but_a_stored_number_is_not_rechecked() {
    let born_tomorrow = with_check_character("11010520261128123");
    let error = IdNumber::parse(&born_tomorrow, TODAY).unwrap_err();
    assert_eq!(error, IdNumberError::BirthDateInFuture);
    assert!(IdNumber::parse(&born_tomorrow, date(2026, 11, 28)).is_ok());
    assert!(IdNumber::parse_stored(&born_tomorrow).is_ok());
}

#[test]
fn errors_debug_output_and_masks_never_show_the_number() {
    let id = IdNumber::parse(VALID, TODAY).unwrap();
    assert_eq!(id.masked(), "1****************2");
    assert!(!format!("{id:?}").contains("199004"));
    for input in [
        "110105199004086789",
        "11010519900408678",
        "110105199002306782",
    ] {
        let error = IdNumber::parse(input, TODAY).unwrap_err();
        for text in [
            error.to_string(),
            error.message_zh().into_owned(),
            error.message_en().into_owned(),
            format!("{error:?}"),
        ] {
            assert!(!text.contains("1101051990"), "{text}");
        }
    }
}

#[test]
fn deserialising_a_stored_number_validates_it() {
    let id: IdNumber = serde_json_like(VALID).unwrap();
    assert_eq!(id.expose(), VALID);
    assert!(serde_json_like::<IdNumber>("110105199004086789").is_err());
}

/// Deserialises a bare string through serde without pulling a JSON crate into the domain.
fn serde_json_like<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<T, serde::de::value::Error> {
    T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(text))
}

#[test]
fn chinese_names_are_trimmed_and_minority_dots_normalised() {
    assert_eq!(name("  钟检 ").as_str(), "钟检");
    assert_eq!(name("买买提•艾力").as_str(), "买买提·艾力");
    assert_eq!(name("买买提 · 艾力").as_str(), "买买提·艾力");
    assert_eq!(name("阿沛・阿旺晋美").as_str(), "阿沛·阿旺晋美");
    // A rare character beyond the Basic Multilingual Plane.
    assert_eq!(name("王𬌗").as_str(), "王𬌗");
}

#[test]
fn latin_names_keep_single_spaces_hyphens_and_apostrophes() {
    assert_eq!(name("  John   O'Neil-Smith ").as_str(), "John O'Neil-Smith");
    assert_eq!(name("José Müller").as_str(), "José Müller");
}

#[test]
fn names_that_cannot_be_real_are_refused_with_a_code() {
    let cases = [
        ("   ", "name.empty"),
        ("钟", "name.too_short"),
        ("钟检1", "name.characters"),
        ("钟@检", "name.characters"),
        ("John 钟", "name.mixed_scripts"),
        ("·艾力", "name.misplaced_separator"),
        ("买买提··艾力", "name.misplaced_separator"),
        ("艾力·", "name.misplaced_separator"),
        ("-John", "name.misplaced_separator"),
    ];
    for (input, code) in cases {
        assert_eq!(
            PersonName::parse(input).unwrap_err().code(),
            code,
            "{input}"
        );
    }
    assert_eq!(
        PersonName::parse(&"张".repeat(41)).unwrap_err().code(),
        "name.too_long"
    );
    assert!(PersonName::parse(&"张".repeat(40)).is_ok());
}

#[test]
fn public_masking_keeps_the_first_character_only() {
    assert_eq!(name("钟检").masked(), "钟*");
    assert_eq!(name("欧阳娜娜").masked(), "欧***");
    assert_eq!(name("买买提·艾力").masked(), "买**·**");
    assert_eq!(name("John Smith").masked(), "J*** *****");
    assert_eq!(format!("{:?}", name("钟检")), "PersonName(钟*)");
}

#[test]
fn a_typed_username_is_parsed_and_normalised() {
    let username = Username::parse(" 钟检110105678x ").unwrap();
    assert_eq!(username.as_str(), "钟检110105678X");
    assert_eq!(format!("{username:?}"), "Username(<redacted>)");
    assert_eq!(
        Username::parse("钟检11010567").unwrap_err().code(),
        "username.shape"
    );
    assert_eq!(
        Username::parse("1101056789").unwrap_err().code(),
        "username.name"
    );
    assert_eq!(
        Username::parse("钟检11010X6789").unwrap_err().code(),
        "username.shape"
    );
    assert_eq!(Username::parse("").unwrap_err().code(), "username.shape");
}

#[test]
fn every_rejection_has_chinese_and_english_messages() {
    let errors: Vec<Box<dyn Rejection>> = vec![
        Box::new(IdNumberError::Empty),
        Box::new(IdNumberError::Length { length: 3 }),
        Box::new(IdNumberError::Characters),
        Box::new(IdNumberError::Region),
        Box::new(IdNumberError::BirthDate),
        Box::new(IdNumberError::BirthDateInFuture),
        Box::new(IdNumberError::CheckCharacter),
        Box::new(PersonNameError::Empty),
        Box::new(PersonNameError::TooShort),
        Box::new(PersonNameError::TooLong { max: 40 }),
        Box::new(PersonNameError::Characters),
        Box::new(PersonNameError::MixedScripts),
        Box::new(PersonNameError::MisplacedSeparator),
        Box::new(UsernameError::Shape),
        Box::new(UsernameError::Name(PersonNameError::Empty)),
    ];
    let mut codes = std::collections::BTreeSet::new();
    for error in &errors {
        assert!(
            codes.insert(error.code()),
            "duplicate code {}",
            error.code()
        );
        assert!(
            error
                .message_zh()
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{}",
            error.code()
        );
        let english = error.message_en();
        assert!(
            english.chars().any(|c| c.is_ascii_alphabetic()),
            "{}",
            error.code()
        );
        assert!(
            !english.contains("身份") && !english.contains("姓名"),
            "{}",
            error.code()
        );
    }
}

fn with_check_character(first_seventeen: &str) -> String {
    let digits: [u8; 17] = first_seventeen.as_bytes().try_into().unwrap();
    format!("{first_seventeen}{}", check_character(&digits))
}

fn arbitrary_valid_number() -> impl Strategy<Value = String> {
    let provinces = prop::sample::select(vec!["11", "31", "44", "65", "81"]);
    (
        provinces,
        0u32..10_000,
        1900i16..=2025,
        1i8..=12,
        1i8..=28,
        0u32..1000,
    )
        .prop_map(|(province, county, year, month, day, sequence)| {
            with_check_character(&format!(
                "{province}{county:04}{year:04}{month:02}{day:02}{sequence:03}"
            ))
        })
}

proptest! {
    #[test]
    fn every_number_with_its_computed_check_character_is_accepted(number in arbitrary_valid_number()) {
        let id = IdNumber::parse(&number, TODAY).unwrap();
        prop_assert_eq!(id.expose(), number.as_str());
    }

    #[test]
    fn changing_any_single_digit_is_caught(number in arbitrary_valid_number(), position in 0usize..17, bump in 1u8..10) {
        let mut bytes = number.into_bytes();
        bytes[position] = b'0' + (bytes[position] - b'0' + bump) % 10;
        let tampered = String::from_utf8(bytes).unwrap();
        // The weights are non-zero mod 11, so a single changed digit always changes the sum.
        prop_assert!(IdNumber::parse_stored(&tampered).is_err());
    }

    #[test]
    fn the_username_is_the_name_then_first_six_then_last_four(number in arbitrary_valid_number(), given in "[\u{4e00}-\u{9fa5}]{1,3}") {
        let person = name(&format!("钟{given}"));
        let id = IdNumber::parse(&number, TODAY).unwrap();
        let username = Username::derive(&person, &id);
        prop_assert_eq!(username.as_str(), format!("{}{}{}", person.as_str(), &number[..6], &number[14..]));
        // What is derived parses back to itself, so login finds the same account.
        prop_assert_eq!(Username::parse(username.as_str()).unwrap(), username);
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(text in "\\PC{0,40}") {
        let _ = IdNumber::parse(&text, TODAY);
        let _ = PersonName::parse(&text);
        let _ = Username::parse(&text);
    }
}
