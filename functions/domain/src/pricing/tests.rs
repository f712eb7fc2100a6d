use std::collections::BTreeSet;

use jiff::civil::date;
use proptest::prelude::*;

use super::*;
use crate::catalogue::tests::FIXTURE;

fn catalogue() -> Catalogue {
    Catalogue::from_toml(FIXTURE).unwrap()
}

fn year() -> YearSettings {
    YearSettings {
        year: 2023,
        price_per_hour: Fen::from_yuan(15),
        batch_expiry_dates: vec![date(2023, 7, 6)],
        certificate_available_after_working_days: 7,
        returning_learner_free_mandatory: true,
        class_hour_minutes: 45,
    }
}

const HOLDER: Buyer = Buyer {
    category: LearnerCategory::Holder,
    returning: false,
};
const RETURNING_HOLDER: Buyer = Buyer {
    category: LearnerCategory::Holder,
    returning: true,
};
const NEW: Buyer = Buyer {
    category: LearnerCategory::New,
    returning: false,
};

fn course(id: &str) -> CartItem {
    CartItem::Course(CourseId::parse(id).unwrap())
}
fn hour(id: &str) -> CartItem {
    CartItem::Hour(HourId::parse(id).unwrap())
}
fn bundle(id: &str) -> CartItem {
    CartItem::Bundle(BundleId::parse(id).unwrap())
}

fn price(buyer: Buyer, items: &[CartItem]) -> Result<Quote, PricingError> {
    quote(&catalogue(), &year(), buyer, items, &BTreeSet::new())
}

#[test]
fn forty_hours_cost_six_hundred_yuan() {
    let quote = price(HOLDER, &[course("inspection-law"), bundle("bundle-30")]).unwrap();
    assert_eq!(quote.total, Fen::from_yuan(600));
    assert_eq!(quote.hours().count(), 40);
    assert_eq!(quote.lines[0].gross, Fen::from_yuan(150));
    assert_eq!(quote.lines[1].gross, Fen::from_yuan(450));
}

#[test]
fn a_returning_holder_gets_the_mandatory_hours_free() {
    let quote = price(
        RETURNING_HOLDER,
        &[course("inspection-law"), bundle("bundle-30")],
    )
    .unwrap();
    assert_eq!(quote.gross, Fen::from_yuan(600));
    assert_eq!(quote.discount, Fen::from_yuan(150));
    assert_eq!(quote.total, Fen::from_yuan(450));
    assert_eq!(quote.lines[0].net, Fen::ZERO);
}

#[test]
fn the_discount_follows_the_years_settings() {
    let mut settings = year();
    settings.returning_learner_free_mandatory = false;
    let quote = quote(
        &catalogue(),
        &settings,
        RETURNING_HOLDER,
        &[course("inspection-law")],
        &BTreeSet::new(),
    )
    .unwrap();
    assert_eq!(quote.total, Fen::from_yuan(150));
}

#[test]
fn a_single_hour_costs_the_hourly_price() {
    assert_eq!(
        price(NEW, &[hour("sampling/2")]).unwrap().total,
        Fen::new(1500)
    );
}

#[test]
fn certification_courses_and_hours_are_sold_singly_as_well_as_in_bundles() {
    let single = price(HOLDER, &[course("cert-a"), hour("sampling/2")]).unwrap();
    assert_eq!(
        (single.lines[0].hours.len(), single.total),
        (30, Fen::new(1500 * 31))
    );
    assert_eq!(
        price(NEW, &[hour("cert-a/1")]).unwrap().total,
        Fen::new(1500)
    );
}

#[test]
fn each_learner_may_buy_only_the_bundle_for_their_kind() {
    assert_eq!(
        price(HOLDER, &[bundle("bundle-40")]),
        Err(PricingError::BundleNotForBuyer)
    );
    assert_eq!(
        price(NEW, &[bundle("bundle-30")]),
        Err(PricingError::BundleNotForBuyer)
    );
    let titled = Buyer {
        category: LearnerCategory::Titled,
        returning: false,
    };
    assert_eq!(
        price(titled, &[bundle("bundle-40")]).unwrap().total,
        Fen::from_yuan(600)
    );
}

#[test]
fn the_same_hour_cannot_be_paid_twice() {
    let error = price(NEW, &[course("sampling"), hour("sampling/1")]).unwrap_err();
    assert_eq!(error.code(), "cart.hour_twice");
    let owned = BTreeSet::from([HourId::parse("sampling/2").unwrap()]);
    let error = quote(&catalogue(), &year(), NEW, &[course("sampling")], &owned).unwrap_err();
    let PricingError::AlreadyOwned { hour, course } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(*hour, HourId::parse("sampling/2").unwrap());
    // A person reads the course's title and the hour's number, never an id.
    let message = error.message_zh();
    assert!(
        message.contains(&format!("《{}》第 2 学时", course.zh)) && !message.contains("sampling/2"),
        "{message}"
    );
}

#[test]
fn unknown_items_and_empty_carts_are_refused_with_codes() {
    assert_eq!(price(NEW, &[]).unwrap_err().code(), "cart.empty");
    assert_eq!(
        price(NEW, &[course("nowhere")]).unwrap_err().code(),
        "cart.unknown_item"
    );
    assert_eq!(
        price(NEW, &[hour("sampling/3")]).unwrap_err().code(),
        "cart.unknown_item"
    );
    assert_eq!(
        price(NEW, &[bundle("bundle-99")]).unwrap_err().code(),
        "cart.unknown_item"
    );
    let many = vec![hour("sampling/1"); MAX_CART_ITEMS + 1];
    assert_eq!(price(NEW, &many).unwrap_err().code(), "cart.too_many_items");
}

/// Items that do not overlap in the fixture, so that any split of them is a valid pair of carts.
fn disjoint_items() -> Vec<CartItem> {
    let mut items: Vec<CartItem> = (1..=10)
        .map(|n| hour(&format!("inspection-law/{n}")))
        .collect();
    items.extend([hour("sampling/1"), hour("sampling/2"), bundle("bundle-30")]);
    items
}

proptest! {
    #[test]
    fn prices_are_additive_over_disjoint_carts(
        mask in prop::collection::vec(any::<bool>(), 13),
        returning in any::<bool>(),
    ) {
        let buyer = Buyer { category: LearnerCategory::Holder, returning };
        let items = disjoint_items();
        let (left, right): (Vec<_>, Vec<_>) = items.iter().cloned().zip(&mask).partition(|(_, side)| **side);
        let left: Vec<CartItem> = left.into_iter().map(|(item, _)| item).collect();
        let right: Vec<CartItem> = right.into_iter().map(|(item, _)| item).collect();
        let whole = price(buyer, &items).unwrap();
        let part = |cart: &[CartItem]| if cart.is_empty() { Fen::ZERO } else { price(buyer, cart).unwrap().total };
        prop_assert_eq!(whole.total, part(&left) + part(&right));
    }

    #[test]
    fn a_quote_is_never_negative_and_its_lines_add_up(
        picks in prop::collection::btree_set(0usize..13, 1..13),
        returning in any::<bool>(),
    ) {
        let buyer = Buyer { category: LearnerCategory::Holder, returning };
        let items = disjoint_items();
        let cart: Vec<CartItem> = picks.into_iter().map(|index| items[index].clone()).collect();
        let quote = price(buyer, &cart).unwrap();
        prop_assert!(quote.total <= quote.gross);
        prop_assert_eq!(quote.gross.get(), quote.hours().count() as u64 * 1500);
        prop_assert_eq!(quote.gross - quote.discount, quote.total);
        for line in &quote.lines {
            prop_assert_eq!(line.gross - line.discount, line.net);
        }
    }
}
