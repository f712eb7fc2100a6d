//! The data files under `site/data/` as shipped: they load, and the catalogue
//! is the one the notice describes. A broken edit fails here, naming the entry.

use std::collections::BTreeSet;

use jiff::civil::date;
use ticedu_domain::calendar::{WorkCalendar, certificate_available_from};
use ticedu_domain::catalogue::{BundleAudience, Catalogue, CourseGroup};
use ticedu_domain::learner::LearnerCategory;
use ticedu_domain::money::Fen;
use ticedu_domain::pricing::{Buyer, CartItem, quote};
use ticedu_domain::settings::Settings;

fn catalogue() -> Catalogue {
    Catalogue::bundled().unwrap_or_else(|errors| panic!("{errors}"))
}

#[test]
fn the_mandatory_group_is_ten_hours_of_law_and_conduct_codes() {
    let catalogue = catalogue();
    assert_eq!(catalogue.total_hours(CourseGroup::Mandatory), 10);
    let titles: String = catalogue
        .courses_in(CourseGroup::Mandatory)
        .map(|course| course.title.zh.clone())
        .collect();
    assert!(titles.contains("T/CIQA 1-2019"), "{titles}");
    assert!(titles.contains("T/CIQA 2-2019"), "{titles}");
}

#[test]
fn there_are_at_least_fifteen_electives_of_eighty_hours_in_all() {
    let catalogue = catalogue();
    assert!(catalogue.courses_in(CourseGroup::Elective).count() >= 15);
    assert!(catalogue.total_hours(CourseGroup::Elective) >= 80);
    let fields: BTreeSet<_> = catalogue
        .courses_in(CourseGroup::Elective)
        .map(|course| course.field.zh.as_str())
        .collect();
    assert!(fields.len() >= 8, "electives cover only {fields:?}");
}

#[test]
fn there_is_a_thirty_hour_bundle_for_holders_and_a_forty_hour_one_for_new_learners() {
    let catalogue = catalogue();
    let sizes: BTreeSet<(u32, usize)> = catalogue
        .bundles()
        .iter()
        .map(|bundle| {
            (
                bundle.audience.hours(),
                catalogue.bundle_hours(bundle).len(),
            )
        })
        .collect();
    assert_eq!(sizes, BTreeSet::from([(30, 30), (40, 40)]));
    assert!(
        catalogue
            .bundles()
            .iter()
            .any(|bundle| bundle.audience == BundleAudience::Holder)
    );
}

#[test]
fn every_course_and_hour_has_a_chinese_and_an_english_title() {
    for course in catalogue().courses() {
        assert!(
            course
                .title
                .zh
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{}",
            course.id
        );
        for lesson in &course.lessons {
            assert!(
                !lesson.title.zh.is_empty() && !lesson.title.en.is_empty(),
                "{}",
                lesson.id
            );
        }
    }
}

#[test]
fn a_holder_pays_six_hundred_yuan_for_a_cycle_and_a_returning_holder_four_hundred_fifty() {
    let catalogue = catalogue();
    let settings = Settings::bundled().unwrap();
    let year = settings.year(2023).unwrap();
    let holder_bundle = catalogue
        .bundles()
        .iter()
        .find(|bundle| bundle.audience == BundleAudience::Holder)
        .unwrap();
    let mut cart: Vec<CartItem> = catalogue
        .courses_in(CourseGroup::Mandatory)
        .map(|course| CartItem::Course(course.id.clone()))
        .collect();
    cart.push(CartItem::Bundle(holder_bundle.id.clone()));
    let first_time = Buyer {
        category: LearnerCategory::Holder,
        returning: false,
    };
    let returning = Buyer {
        returning: true,
        ..first_time
    };
    assert_eq!(
        quote(&catalogue, year, first_time, &cart, &BTreeSet::new())
            .unwrap()
            .total,
        Fen::from_yuan(600)
    );
    assert_eq!(
        quote(&catalogue, year, returning, &cart, &BTreeSet::new())
            .unwrap()
            .total,
        Fen::from_yuan(450)
    );
}

#[test]
fn the_2023_batches_have_download_days_in_the_shipped_calendar() {
    let settings = Settings::bundled().unwrap();
    let year = settings.year(2023).unwrap();
    let calendar = WorkCalendar::bundled().unwrap();
    for batch in &year.batch_expiry_dates {
        let available = certificate_available_from(*batch, year, &calendar).unwrap();
        assert!(available > *batch);
    }
    assert_eq!(
        certificate_available_from(date(2023, 7, 6), year, &calendar).unwrap(),
        date(2023, 7, 17)
    );
}
