//! The staff function (协会), one module per use case:
//!
//! | use case | module |
//! |---|---|
//! | staff log in: password and TOTP code, enrolment of an authenticator, recovery codes | `login`, `enrolment`, `two_factor` |
//! | finding learners by name, phone or e-mail (indexed by HMAC) | `lookups` |
//! | correcting a learner's name or contact details, with a reason | `corrections` |
//! | what waits in each queue, counted | `queues` |
//! | a learner's full ID number, shown on request and audited | `id_numbers` |
//! | staff accounts, roles, disabling, resets (administrators) | `accounts` |
//! | study cards for bank transfers: issue, list, void (R13) | `cards` |
//! | an order and its payment | `orders` |
//! | a day's reconciliation with WeChat Pay's trade bill; applying a payment missing here | `reconciliation` |
//! | finding a learner (username, certificate, order) and where they stand | `learners` |
//! | checking titled learners' details (R18) | `title_checks` |
//! | new learners' applications: review, approve or reject (R19) | `applications` |
//! | overdue renewals: review, accept (issues the certificate) or reject (R20) | `overdue_renewals` |
//! | the returning learner's discount (R12): granted by hand, or a learner's claim decided | `returning`, `returning_claims` |
//! | invoice requests: list, mark issued (R15) | `invoices` |
//! | revoking a certificate (R21), reissuing one under a new number | `certificates` |
//! | yearly settings and working-day calendars: overview, checklist, saves, audit trail (R11, R12, R17) | `years` |
//! | importing the register of certificates issued before the platform (R12, R21) | `imports` |
//! | the audit trail of staff actions: whole (administrators), per learner | `audit` |
//!
//! Requests become domain types in `requests` and path segments through
//! `PathParam`; the rules they meet live in `ticedu-domain` (`cards`, …).

use axum::Router;
use ticedu_api::routing::OpenApiRouter;
use ticedu_api::{AppState, route};
use ticedu_store::{
    AuditStore, CardStore, CertificateStore, FilingStore, ImportStore, InvoiceStore, LearnerStore,
    LoginThrottleStore, LookupStore, OrderStore, ProgressStore, RateLimitStore,
    ReconciliationStore, StaffStore, YearStore,
};
use utoipa::OpenApi;

mod accounts;
mod applications;
mod audit;
mod cards;
mod certificates;
mod corrections;
mod enrolment;
mod id_numbers;
mod imports;
mod invoices;
mod learners;
mod login;
mod lookups;
mod orders;
mod overdue_renewals;
mod paging;
mod queues;
mod reconciliation;
mod requests;
mod returning;
mod returning_claims;
mod spreadsheet;
mod title_checks;
mod two_factor;
mod years;

pub use accounts::{ACCOUNT, ACCOUNT_PASSWORD, ACCOUNT_TOTP_RESET, ACCOUNTS};
pub use applications::{APPLICATION_DECISION, APPLICATIONS};
pub use audit::{AUDIT, LEARNER_AUDIT};
pub use cards::{CARD_VOID, CARDS};
pub use certificates::{REISSUE, REVOKE};
pub use corrections::CORRECTION;
pub use enrolment::ENROLMENT;
pub use id_numbers::ID_NUMBER;
pub use imports::IMPORTS;
pub use invoices::{INVOICE_ISSUED, INVOICES};
pub use learners::LEARNERS;
pub use login::{LOGIN, ME, RECOVERY_CODES};
pub use lookups::{LOOKUP, LOOKUP_BACKFILL, index_unindexed};
pub use orders::ORDER;
pub use overdue_renewals::{OVERDUE_DECISION, OVERDUE_RENEWALS};
pub use queues::QUEUES;
pub use reconciliation::{RECONCILIATION, RECONCILIATION_PAYMENTS};
pub use returning::RETURNING;
pub use returning_claims::{RETURNING_CLAIM_DECISION, RETURNING_CLAIMS};
pub use title_checks::{TITLE_CHECK, TITLE_CHECKS};
pub use years::{YEAR_CALENDAR, YEAR_CHANGES, YEAR_SETTINGS, YEARS};

/// What the staff function needs of a store.
pub trait AdminStore:
    LearnerStore
    + CardStore
    + OrderStore
    + ProgressStore
    + FilingStore
    + InvoiceStore
    + LoginThrottleStore
    + RateLimitStore
    + CertificateStore
    + YearStore
    + ImportStore
    + StaffStore
    + AuditStore
    + LookupStore
    + ReconciliationStore
    + Clone
    + 'static
{
}
impl<T> AdminStore for T where
    T: LearnerStore
        + CardStore
        + OrderStore
        + ProgressStore
        + FilingStore
        + InvoiceStore
        + LoginThrottleStore
        + RateLimitStore
        + CertificateStore
        + YearStore
        + ImportStore
        + StaffStore
        + AuditStore
        + LookupStore
        + ReconciliationStore
        + Clone
        + 'static
{
}

#[derive(OpenApi)]
#[openapi(tags((name = "staff", description = "协会工作人员 Staff tools")))]
struct AdminApi;

/// Every use case of the function, each served and documented where its
/// handler's `#[utoipa::path]` says.
pub fn routes<S: AdminStore>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::with_openapi(AdminApi::openapi())
        .routes(route!(login::login::<S>))
        .routes(route!(enrolment::enrol::<S>))
        .routes(route!(login::me::<S>))
        .routes(route!(login::new_recovery_codes::<S>))
        .routes(route!(queues::queue_counts::<S>))
        .routes(route!(lookups::lookup::<S>))
        .routes(route!(corrections::correct::<S>))
        .routes(route!(lookups::backfill::<S>))
        .routes(route!(id_numbers::reveal::<S>))
        .routes(route!(accounts::accounts::<S>))
        .routes(route!(accounts::create::<S>))
        .routes(route!(accounts::change::<S>))
        .routes(route!(accounts::reset_password::<S>))
        .routes(route!(accounts::reset_totp::<S>))
        .routes(route!(cards::issue_cards::<S>))
        .routes(route!(cards::list_cards::<S>))
        .routes(route!(cards::void_card::<S>))
        .routes(route!(orders::find_order::<S>))
        .routes(route!(reconciliation::reconciliation::<S>))
        .routes(route!(reconciliation::apply_missing_payment::<S>))
        .routes(route!(learners::find_learner::<S>))
        .routes(route!(certificates::revoke::<S>))
        .routes(route!(certificates::reissue::<S>))
        .routes(route!(title_checks::pending_title_checks::<S>))
        .routes(route!(title_checks::decide_title_check::<S>))
        .routes(route!(overdue_renewals::overdue_renewals::<S>))
        .routes(route!(overdue_renewals::decide_overdue_renewal::<S>))
        .routes(route!(applications::pending_applications::<S>))
        .routes(route!(applications::decide_application::<S>))
        .routes(route!(returning::set_returning::<S>))
        .routes(route!(returning_claims::pending_claims::<S>))
        .routes(route!(returning_claims::decide_claim::<S>))
        .routes(route!(invoices::invoices::<S>))
        .routes(route!(invoices::invoice_issued::<S>))
        .routes(route!(years::years::<S>))
        .routes(route!(years::save_settings::<S>))
        .routes(route!(years::save_calendar::<S>))
        .routes(route!(years::changes::<S>))
        .routes(route!(audit::trail::<S>))
        .routes(route!(audit::learner_trail::<S>))
        .routes({
            let (schemas, paths, router) = route!(imports::import::<S>);
            (schemas, paths, imports::with_body_limit(router))
        })
}

/// The function over one store, as Lambda and the local server run it.
pub fn router<S: AdminStore>(state: AppState<S>) -> Router {
    routes().with_state(state).split_for_parts().0
}
