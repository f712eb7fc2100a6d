//! What the test modules share: the app they drive, the journeys they
//! repeat, the routes they call.

pub mod app;
pub mod faulty_dynamodb;
pub mod learners;
pub mod logs;
pub mod routes;
pub mod site;
pub mod staff;
pub mod wechatpay_simulator;

pub use app::{
    Answer, DynamoDb, Embedded, StoreKind, TestApp, TestAppBuilder, WeChat, as_built,
    one_minute_hours, spawn_app,
};
pub use learners::{Kind, Learner, holder_cycle_cart, hours_of, registration, registration_as};
pub use routes::*;
pub use staff::STAFF;

/// One `#[tokio::test]` per journey on each store, in `mod embedded` and
/// `mod dynamodb`: `on_both_stores!(setup => journey, …; other_setup => …)`,
/// where a journey is an `async fn(TestApp<S>)` and a setup a generic
/// `fn(TestAppBuilder<K>) -> TestAppBuilder<K>` in scope (a clock, class
/// hours…; `as_built` for the default platform).
macro_rules! on_both_stores {
    ($($setup:ident => $($journey:ident),+ $(,)?);+ $(;)?) => {
        mod embedded {
            $($(
                #[tokio::test]
                async fn $journey() {
                    let builder = $crate::helpers::TestApp::builder($crate::helpers::Embedded);
                    super::$journey(super::$setup(builder).spawn().await).await;
                }
            )+)+
        }
        mod dynamodb {
            $($(
                #[tokio::test]
                async fn $journey() {
                    let builder = $crate::helpers::TestApp::builder($crate::helpers::DynamoDb);
                    super::$journey(super::$setup(builder).spawn().await).await;
                }
            )+)+
        }
    };
}
pub(crate) use on_both_stores;
