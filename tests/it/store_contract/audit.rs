//! The store contract: the audit trail, whole (newest first, a page at a
//! time) and per learner.

use std::collections::BTreeSet;

use jiff::Timestamp;
use ticedu_store::records::*;
use ticedu_tests::fixtures::*;

use super::*;

pub(crate) fn first_page(limit: usize) -> AuditQuery {
    AuditQuery {
        before: None,
        limit,
    }
}

/// Every entry of the trail, page by page of `limit`; the number of pages.
async fn whole_trail<S: ContractStore>(store: &S, limit: usize) -> (Vec<AuditEntry>, usize) {
    let (mut entries, mut pages) = (Vec::new(), 0);
    let mut query = first_page(limit);
    loop {
        let page = store.audit_trail(&query).await.unwrap();
        pages += 1;
        assert!(page.entries.len() <= limit);
        entries.extend(page.entries);
        match page.next {
            Some(cursor) => query.before = Some(cursor),
            None => return (entries, pages),
        }
        assert!(pages < 100, "the trail ends");
    }
}

pub async fn entries_of_one_instant_are_paged_without_loss_or_repeat<S: ContractStore>(store: &S) {
    // Clocks in tests and demos stand still: the nonce keeps them apart.
    let at = Timestamp::from_second(1_800_000_000).unwrap();
    let mut written = Vec::new();
    for _ in 0..5 {
        let entry = AuditEntry::new(&staff_name("tester"), AuditAction::CardVoided, at);
        store.record_audit(&entry).await.unwrap();
        written.push(entry);
    }
    let (read, pages) = whole_trail(store, 2).await;
    assert_eq!(pages, 3, "2 + 2 + 1");
    assert_eq!(read.len(), 5);
    let keys: BTreeSet<String> = read.iter().map(AuditEntry::sort_key).collect();
    assert_eq!(keys.len(), 5, "no entry twice");
    written.sort_by_key(|entry| std::cmp::Reverse(entry.sort_key()));
    assert_eq!(read, written, "every entry, newest first");

    let (_, pages) = whole_trail(store, 5).await;
    assert_eq!(pages, 1, "a full last page has no next cursor");
}

pub async fn the_trail_is_newest_first_and_the_limit_is_clamped<S: ContractStore>(store: &S) {
    let base = Timestamp::from_second(1_800_000_000).unwrap();
    for second in [3, 1, 2] {
        let at = base + jiff::SignedDuration::from_secs(second);
        let entry = AuditEntry::new(&staff_name("tester"), AuditAction::InvoiceIssued, at)
            .subject(format!("inv-{second}"));
        store.record_audit(&entry).await.unwrap();
    }
    let page = store.audit_trail(&first_page(10)).await.unwrap();
    let subjects: Vec<_> = page
        .entries
        .iter()
        .filter_map(|e| e.subject.clone())
        .collect();
    assert_eq!(subjects, ["inv-3", "inv-2", "inv-1"]);
    assert_eq!(page.next, None);

    let page = store.audit_trail(&first_page(0)).await.unwrap();
    assert_eq!(page.entries.len(), 1, "a limit of 0 is read as 1");
    let page = store
        .audit_trail(&first_page(AuditQuery::MAX_LIMIT + 1))
        .await
        .unwrap();
    assert_eq!(page.entries.len(), 3);
}

pub async fn a_learners_trail_lists_only_the_entries_about_them<S: ContractStore>(store: &S) {
    let (one, other) = (registered(store).await, registered(store).await);
    let first = audit(AuditAction::ReturningSet).learner(&one.id);
    let theirs = audit(AuditAction::ReturningSet).learner(&other.id);
    let nobodys = audit(AuditAction::YearSaved);
    let second = audit(AuditAction::IdNumberRevealed).learner(&one.id);
    for entry in [&first, &theirs, &nobodys, &second] {
        store.record_audit(entry).await.unwrap();
    }
    let trail = store.learner_audit_trail(&one.id).await.unwrap();
    let mut expected = vec![first, second];
    expected.sort_by_key(|entry| std::cmp::Reverse(entry.sort_key()));
    assert_eq!(trail, expected);
    assert_eq!(
        store.learner_audit_trail(&other.id).await.unwrap(),
        [theirs]
    );
    assert!(
        store
            .learner_audit_trail(&learner_id())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(whole_trail(store, 50).await.0.len(), 4);
}
