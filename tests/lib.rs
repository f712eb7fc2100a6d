//! Black-box tests of ticedu across crates. The test targets live beside
//! this file; this library holds what several of them share: the store
//! contract suite, its fixtures, and the DynamoDB-compatible test server.

pub mod app;
pub mod contract;
pub mod dynamodb_server;
pub mod fixtures;
pub mod logs;
pub mod wechatpay_simulator;
