//! R15: the unified social credit code (GB 32100-2015) of an invoice's buyer.
//!
//! Properties: an accepted code is 18 characters of the code's alphabet with
//! the right check character, in upper case, and reads back as itself (from
//! its text, in lower case, and through serde); changing any one of its
//! characters to another of the alphabet makes it refused.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ticedu_domain::taxpayer::{TaxpayerId, credit_code_check_character};

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fuzz_target!(|text: &str| {
    let Ok(code) = TaxpayerId::parse(text) else {
        return;
    };
    let shown = code.to_string();
    assert_eq!(shown, code.as_str());
    let bytes = shown.as_bytes();
    assert_eq!(bytes.len(), 18);
    assert!(bytes.iter().all(|b| ALPHABET.contains(b)));
    let first: [u8; 17] = bytes[..17].try_into().unwrap();
    assert_eq!(
        credit_code_check_character(&first),
        Some(char::from(bytes[17]))
    );
    assert_eq!(TaxpayerId::parse(&shown).as_ref(), Ok(&code));
    assert_eq!(
        TaxpayerId::parse(&shown.to_ascii_lowercase()).as_ref(),
        Ok(&code)
    );
    let json = serde_json::to_string(&code).unwrap();
    assert_eq!(serde_json::from_str::<TaxpayerId>(&json).unwrap(), code);

    // Every single character changed to every other of the alphabet.
    for position in 0..18 {
        for replacement in ALPHABET.iter().filter(|a| **a != bytes[position]) {
            let mut changed = bytes.to_vec();
            changed[position] = *replacement;
            let changed = String::from_utf8(changed).unwrap();
            assert!(
                TaxpayerId::parse(&changed).is_err(),
                "one changed character is caught"
            );
        }
    }
});
