//! Staff accounts, years and the audit trail under injected faults: each
//! save is one version with one audit entry.

use ticedu_domain::staff::{DisplayName, StaffRole};
use ticedu_store::records::*;
use ticedu_store::*;
use ticedu_tests::fixtures::*;

use super::{Case, times_audited};
use crate::store_contract::settings;

pub(super) async fn save_year(case: Case) {
    let year = StoredYear::saved(settings(1600), 0, "钟检", now());
    let change = year.change(None, None);
    let entry = audit(AuditAction::YearSaved);
    case.strike();
    case.save_year(&year, &change, &entry).await.unwrap();
    assert_eq!(case.stored_years().await.unwrap(), [year]);
    assert_eq!(case.year_changes().await.unwrap(), [change]);
    assert_eq!(times_audited(&case, &entry).await, 1);
}

pub(super) async fn create_staff_account(case: Case) {
    let account = staff_account("zhang.kj", &[StaffRole::Finance]);
    let entry = audit_by("admin", AuditAction::StaffAccountCreated);
    case.strike();
    case.create_staff_account(&account, &entry).await.unwrap();
    assert_eq!(case.staff_accounts().await.unwrap(), [account]);
    assert_eq!(times_audited(&case, &entry).await, 1);
}

pub(super) async fn bootstrap_administrator(case: Case) {
    let admin = staff_account("admin", &[StaffRole::Administrator]);
    let entry = audit_by("admin", AuditAction::StaffAccountCreated);
    case.strike();
    assert_eq!(
        case.bootstrap_administrator(&admin, &entry).await.unwrap(),
        Outcome::Applied
    );
    assert_eq!(case.staff_accounts().await.unwrap(), [admin]);
    assert_eq!(times_audited(&case, &entry).await, 1);
}

pub(super) async fn save_staff_account(case: Case) {
    let account = staff_account("zhang.kj", &[StaffRole::Finance]);
    case.create_staff_account(&account, &audit(AuditAction::StaffAccountCreated))
        .await
        .unwrap();
    let mut renamed = account.next_version();
    renamed.display_name = DisplayName::parse("张会计").unwrap();
    let entry = audit_by("admin", AuditAction::StaffAccountChanged);
    case.strike();
    case.save_staff_account(&renamed, &entry).await.unwrap();
    assert_eq!(case.staff_accounts().await.unwrap(), [renamed]);
    assert_eq!(times_audited(&case, &entry).await, 1);
}

pub(super) async fn record_audit(case: Case) {
    let entry = audit(AuditAction::IdNumberRevealed);
    case.strike();
    case.record_audit(&entry).await.unwrap();
    assert_eq!(times_audited(&case, &entry).await, 1);
}
