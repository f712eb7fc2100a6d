//! What the test modules share: the app they drive, the journeys they
//! repeat, the routes they call.

pub mod app;
pub mod learners;
pub mod logs;
pub mod routes;
pub mod site;
pub mod staff;
pub mod wechatpay_simulator;

pub use app::{Answer, DynamoDb, Embedded, StoreKind, TestApp, WeChat, spawn_app};
pub use learners::{Kind, Learner, holder_cycle_cart, hours_of, registration, registration_as};
pub use routes::*;
pub use staff::STAFF;
