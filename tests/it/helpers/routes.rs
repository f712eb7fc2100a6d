//! Each function's route constants under the function's name
//! (`payments::QUOTE`, `admin::CARDS`), and [`path`] to fill in parameters.

pub use ticedu_accounts as accounts;
pub use ticedu_admin as admin;
pub use ticedu_certificates as certificates;
pub use ticedu_learning as learning;
pub use ticedu_local::OPENAPI;
pub use ticedu_local::wechatpay_simulator::PREFIX as SIMULATOR;
pub use ticedu_payments as payments;
pub use ticedu_tests::routes::path;
