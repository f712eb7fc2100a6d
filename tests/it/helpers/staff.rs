//! Staff tokens for tests: an enabled, TOTP-enrolled account is created in
//! the store directly and a token issued for it, as a successful log-in
//! would, so that tests on a clock that stands still need no fresh TOTP
//! codes. The log-in itself is tested in `api_staff_login` and the console
//! journey.

use ticedu_api::auth::{PasswordStamp, Role};
use ticedu_domain::staff::StaffRole;
use ticedu_store::records::AuditAction;
use ticedu_store::{Refusal, Store};
use ticedu_tests::fixtures::{audit_by, staff_account};

use super::app::TestApp;

/// The staff member of [`TestApp::staff_token`], who holds every role.
pub const STAFF: &str = "staff";

impl<S: Store> TestApp<S> {
    /// A token of a staff member holding every role.
    pub async fn staff_token(&self) -> String {
        self.staff_token_with(&StaffRole::ALL).await
    }

    /// A token of a staff member holding exactly `roles`: one account per
    /// set of roles (`staff` for all, else `staff.finance` …), created once.
    pub async fn staff_token_with(&self, roles: &[StaffRole]) -> String {
        let name = if roles.len() == StaffRole::ALL.len() {
            STAFF.to_owned()
        } else {
            let parts: Vec<&str> = roles.iter().map(|role| role.as_str()).collect();
            format!("staff.{}", parts.join("."))
        };
        let account = staff_account(&name, roles);
        let created = audit_by(&name, AuditAction::StaffAccountCreated).subject(name.as_str());
        match self.store.create_staff_account(&account, &created).await {
            Ok(()) => {}
            Err(error) if error.refusal() == Some(&Refusal::StaffAccountExists) => {}
            Err(error) => panic!("creating the test staff account: {error}"),
        }
        let stored = self
            .store
            .staff_account(&account.name)
            .await
            .expect("reading the test staff account")
            .expect("created above");
        self.platform
            .token_signer()
            .expect("the test platform issues tokens")
            .issue(
                &name,
                Role::Staff,
                &PasswordStamp::of(&stored.password_hash),
                self.platform.clock.now(),
                self.platform.staff_token_lifetime_seconds,
            )
    }
}
