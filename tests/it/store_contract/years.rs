//! The store contract: yearly settings and calendars staff edit, versioned,
//! each save with its audit entry.

use jiff::civil::date;
use ticedu_domain::calendar::{Holiday, YearCalendarDraft};
use ticedu_domain::settings::YearSettingsDraft;
use ticedu_store::records::*;
use ticedu_store::*;
use ticedu_tests::fixtures::*;

use super::*;

pub(crate) fn settings(price_per_hour_fen: u64) -> YearData {
    YearData::Settings(
        YearSettingsDraft {
            year: 2027,
            source: "中检协〔2027〕1号".to_owned(),
            price_per_hour_fen,
            batch_expiry_dates: vec![date(2027, 7, 6), date(2028, 3, 1)],
            certificate_available_after_working_days: 7,
            returning_learner_free_mandatory: true,
            class_hour_minutes: 45,
        }
        .validate()
        .expect("valid settings"),
    )
}

fn calendar() -> YearData {
    YearData::Calendar(
        YearCalendarDraft {
            year: 2027,
            source: "测试用通知".to_owned(),
            holidays: vec![Holiday {
                name: "元旦".to_owned(),
                from: date(2027, 1, 1),
                to: date(2027, 1, 1),
            }],
            workdays: vec![],
        }
        .validate()
        .expect("valid calendar"),
    )
}

/// Saves `data` over the version read, as staff member `by`.
async fn save<S: ContractStore>(
    store: &S,
    data: YearData,
    read: u32,
    by: &str,
    before: Option<YearData>,
) -> StoreResult<StoredYear> {
    let year = StoredYear::saved(data, read, by, now());
    let change = year.change(before, None);
    let entry = audit(AuditAction::YearSaved);
    let saved = store.save_year(&year, &change, &entry).await;
    assert_eq!(
        recorded(store, &entry).await,
        saved.is_ok(),
        "save_year's entry is written with the save, and only then"
    );
    saved.map(|()| year)
}

pub async fn stored_years_are_saved_overwritten_and_audited_together<S: ContractStore>(store: &S) {
    assert!(store.stored_years().await.unwrap().is_empty());
    assert!(store.year_changes().await.unwrap().is_empty());

    let first = save(store, settings(1600), 0, "钟检", None).await.unwrap();
    let calendar = save(store, calendar(), 0, "钟检", None).await.unwrap();
    let second = save(store, settings(1700), 1, "李审", Some(settings(1600)))
        .await
        .unwrap();
    assert_eq!(second.version, 2);

    let mut stored = store.stored_years().await.unwrap();
    stored.sort_by_key(|year| year.data.part());
    assert_eq!(stored, [second.clone(), calendar.clone()]);

    let changes = store.year_changes().await.unwrap();
    assert_eq!(changes.len(), 3, "one audit entry per save");
    let newest = &changes[0];
    assert_eq!(
        (newest.by.as_str(), newest.version, newest.part),
        ("李审", 2, YearPart::Settings)
    );
    assert_eq!(newest.changed, ["price_per_hour_fen"]);
    assert_eq!(newest.before, Some(first.data.clone()));
    assert_eq!(newest.after, second.data);
    assert!(
        changes
            .iter()
            .any(|c| c.part == YearPart::Calendar && c.before.is_none() && c.version == 1)
    );
}

pub async fn a_stale_version_is_refused_and_nothing_changes<S: ContractStore>(store: &S) {
    let saved = save(store, settings(1600), 0, "钟检", None).await.unwrap();
    for read in [0, 2] {
        assert_eq!(
            refusal(save(store, settings(1800), read, "李审", None).await),
            Refusal::StaleYearVersion,
            "saving over version {read} while 1 is stored"
        );
    }
    // A calendar's versions are its own: version 1 of the settings is no calendar.
    assert_eq!(
        refusal(save(store, calendar(), 1, "李审", None).await),
        Refusal::StaleYearVersion
    );
    assert_eq!(store.stored_years().await.unwrap(), [saved]);
    assert_eq!(store.year_changes().await.unwrap().len(), 1);

    // An audit entry that describes another save is refused with it.
    let year = StoredYear::saved(settings(1900), 1, "李审", now());
    let mut change = year.change(None, None);
    change.version = 7;
    assert_eq!(
        refusal(
            store
                .save_year(&year, &change, &audit(AuditAction::YearSaved))
                .await
        ),
        Refusal::StaleYearVersion
    );
    assert_eq!(store.year_changes().await.unwrap().len(), 1);
}

pub async fn concurrent_saves_of_one_version_make_exactly_one_win<S: ContractStore>(store: &S) {
    save(store, settings(1600), 0, "钟检", None).await.unwrap();
    let attempts: Vec<_> = (0..10u64)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                save(&store, settings(2000 + n), 1, &format!("staff-{n}"), None).await
            })
        })
        .collect();
    let mut winners = Vec::new();
    for attempt in attempts {
        match attempt.await.expect("task") {
            Ok(year) => winners.push(year),
            Err(error) => assert_eq!(error.refusal(), Some(&Refusal::StaleYearVersion)),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one concurrent edit wins");
    assert_eq!(store.stored_years().await.unwrap(), winners);
    let changes = store.year_changes().await.unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(
        changes[0].after, winners[0].data,
        "the trail names the winner"
    );
}
