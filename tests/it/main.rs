//! Every integration test of ticedu in one binary, so that the workspace's
//! dependencies are linked once rather than once per file. Each module is
//! one area; `helpers` holds the app they drive and the journeys they repeat.
//!
//! The tests share one process: one moto server (a table per test), one
//! global log capture (`helpers::logs`), and `store_crash` re-runs this
//! binary as its child.

mod helpers;

mod api;
mod api_abuse;
mod api_audit;
mod api_certificates;
mod api_imports;
mod api_learning_record;
mod api_lesson_media;
mod api_lessons;
mod api_order_lifecycle;
mod api_origin;
mod api_password_tokens;
mod api_payments;
mod api_progress;
mod api_reconciliation;
mod api_recovery;
mod api_sessions;
mod api_staff;
mod api_staff_correction;
mod api_staff_login;
mod api_staff_lookup;
mod api_wechat_jsapi;
mod api_wechatpay;
mod api_years;
mod cycles;
mod infra;
mod journey_api;
mod journeys;
mod privacy;
mod run_command;
mod secrets;
mod shipped_data;
mod site_accessibility;
mod site_browser;
mod store_contract;
mod store_crash;
mod store_dynamodb;
mod store_embedded;
mod store_faults;
