//! The store contract: staff accounts, versioned whole-record saves each with
//! its audit entry, and the first administrator bootstrapped once.

use std::sync::Arc;

use ticedu_domain::staff::StaffRole;
use ticedu_store::records::*;
use ticedu_store::*;
use ticedu_tests::fixtures::*;

use super::*;

pub async fn a_staff_account_is_created_once_with_its_audit_entry<S: ContractStore>(store: &S) {
    let account = staff_account("zhang.kj", &[StaffRole::Finance]);
    let created = audit_by("admin", AuditAction::StaffAccountCreated).subject("zhang.kj");
    store
        .create_staff_account(&account, &created)
        .await
        .unwrap();
    assert_eq!(
        store.staff_account(&account.name).await.unwrap(),
        Some(account.clone())
    );

    let again = audit_by("admin", AuditAction::StaffAccountCreated).subject("zhang.kj");
    let mut other = staff_account("zhang.kj", &[StaffRole::Administrator]);
    other.display_name = ticedu_domain::staff::DisplayName::parse("别人").unwrap();
    assert_eq!(
        refusal(store.create_staff_account(&other, &again).await),
        Refusal::StaffAccountExists
    );
    assert_eq!(
        store.staff_account(&account.name).await.unwrap(),
        Some(account.clone()),
        "the first account stays as it was"
    );
    let trail = store.audit_trail(&first_page(10)).await.unwrap();
    assert_eq!(
        trail.entries,
        [created],
        "only the applied creation is audited"
    );

    let second = staff_account("li.yw", &[StaffRole::Operator]);
    store
        .create_staff_account(
            &second,
            &audit_by("admin", AuditAction::StaffAccountCreated),
        )
        .await
        .unwrap();
    let names: Vec<String> = store
        .staff_accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|account| account.name.to_string())
        .collect();
    assert_eq!(names, ["li.yw", "zhang.kj"], "every account, by name");
}

pub async fn the_first_administrator_is_bootstrapped_once_ever<S: ContractStore>(store: &S) {
    let admin = staff_account("admin", &[StaffRole::Administrator]);
    let first = audit_by("admin", AuditAction::StaffAccountCreated);
    assert_eq!(
        store.bootstrap_administrator(&admin, &first).await.unwrap(),
        Outcome::Applied
    );

    // Disabled by a colleague since: the deployment's secret must not bring it back.
    let mut disabled = admin.next_version();
    disabled.disabled = true;
    let disabling = audit_by("other", AuditAction::StaffAccountChanged)
        .subject("admin")
        .change("disabled", Some("false".into()), Some("true".into()));
    store
        .save_staff_account(&disabled, &disabling)
        .await
        .unwrap();
    let again = audit_by("admin", AuditAction::StaffAccountCreated);
    assert_eq!(
        store.bootstrap_administrator(&admin, &again).await.unwrap(),
        Outcome::AlreadyApplied
    );
    let another = staff_account("root", &[StaffRole::Administrator]);
    let third = audit_by("root", AuditAction::StaffAccountCreated);
    assert_eq!(
        store
            .bootstrap_administrator(&another, &third)
            .await
            .unwrap(),
        Outcome::AlreadyApplied,
        "not under another name either"
    );
    assert_eq!(
        store.staff_account(&admin.name).await.unwrap(),
        Some(disabled)
    );
    assert_eq!(store.staff_account(&another.name).await.unwrap(), None);
    let trail = store.audit_trail(&first_page(10)).await.unwrap();
    assert_eq!(
        trail.entries,
        [disabling, first],
        "nothing written by a repeat"
    );
}

pub async fn bootstrapping_over_a_taken_name_is_refused<S: ContractStore>(store: &S) {
    let existing = staff_account("admin", &[StaffRole::Finance]);
    store
        .create_staff_account(&existing, &audit(AuditAction::StaffAccountCreated))
        .await
        .unwrap();
    let admin = staff_account("admin", &[StaffRole::Administrator]);
    assert_eq!(
        refusal(
            store
                .bootstrap_administrator(&admin, &audit(AuditAction::StaffAccountCreated))
                .await
        ),
        Refusal::StaffAccountExists
    );
    // Nothing was marked: a bootstrap under a free name still works.
    let free = staff_account("first.admin", &[StaffRole::Administrator]);
    assert_eq!(
        store
            .bootstrap_administrator(&free, &audit(AuditAction::StaffAccountCreated))
            .await
            .unwrap(),
        Outcome::Applied
    );
}

pub async fn a_stale_staff_save_is_refused_and_writes_nothing<S: ContractStore>(store: &S) {
    let account = staff_account("zhang.kj", &[StaffRole::Finance]);
    store
        .create_staff_account(&account, &audit(AuditAction::StaffAccountCreated))
        .await
        .unwrap();
    let mut renamed = account.next_version();
    renamed.display_name = ticedu_domain::staff::DisplayName::parse("张会计").unwrap();
    store
        .save_staff_account(&renamed, &audit(AuditAction::StaffAccountChanged))
        .await
        .unwrap();
    let before = store.audit_trail(&first_page(10)).await.unwrap();

    // A save from the version read before the rename.
    let mut stale = account.next_version();
    stale.disabled = true;
    let refused = audit(AuditAction::StaffAccountChanged);
    assert_eq!(
        refusal(store.save_staff_account(&stale, &refused).await),
        Refusal::StaleStaffAccount
    );
    let mut unknown = staff_account("nobody", &[StaffRole::Finance]).next_version();
    unknown.disabled = true;
    assert_eq!(
        refusal(store.save_staff_account(&unknown, &refused).await),
        Refusal::UnknownStaffAccount
    );
    assert_eq!(
        refusal(store.save_staff_account(&account, &refused).await),
        Refusal::StaleStaffAccount,
        "version 1 is written by creating, never by a save"
    );
    assert_eq!(
        store.staff_account(&account.name).await.unwrap(),
        Some(renamed)
    );
    assert_eq!(store.staff_account(&unknown.name).await.unwrap(), None);
    assert_eq!(
        store.audit_trail(&first_page(10)).await.unwrap(),
        before,
        "no audit entry for a refused save"
    );
}

pub async fn concurrent_saves_of_one_staff_version_make_exactly_one_win<S: ContractStore>(
    store: &S,
) {
    let account = staff_account("zhang.kj", &[StaffRole::Finance]);
    store
        .create_staff_account(&account, &audit(AuditAction::StaffLoggedIn))
        .await
        .unwrap();
    let store = Arc::new(store.clone());
    let saves = (0..10u64).map(|step| {
        let store = Arc::clone(&store);
        let mut next = account.next_version();
        next.totp = TotpState::Active {
            secret: "JBSWY3DPEHPK3PXP".to_owned(),
            last_step: step + 1,
        };
        tokio::spawn(async move {
            let entry = audit_by("zhang.kj", AuditAction::StaffLoggedIn);
            store.save_staff_account(&next, &entry).await.map(|()| next)
        })
    });
    let mut won = Vec::new();
    for save in saves.collect::<Vec<_>>() {
        match save.await.unwrap() {
            Ok(saved) => won.push(saved),
            Err(error) => assert_eq!(error.refusal(), Some(&Refusal::StaleStaffAccount)),
        }
    }
    assert_eq!(won.len(), 1, "exactly one save of version 2 wins");
    assert_eq!(
        store.staff_account(&account.name).await.unwrap().as_ref(),
        won.first()
    );
    let trail = store.audit_trail(&first_page(50)).await.unwrap();
    assert_eq!(trail.entries.len(), 2, "the creation and the one save");
}
