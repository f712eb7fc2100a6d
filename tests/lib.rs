//! What the integration tests (`it/`) and the benches (`benches/`) share:
//! valid records built in one line, the DynamoDB-compatible test server, and
//! request paths filled in from the functions' route constants.

pub mod dynamodb_server;
pub mod fixtures;
pub mod routes;
