//! The WeChat Pay simulator of the local platform, with the fixed test keys
//! of `tests/wechatpay/`: the merchant's pair, a platform key with its
//! certificate (certificate mode), and a WeChat Pay public key (public-key mode).

use std::sync::Arc;

use ticedu_local::wechatpay_simulator::{PREFIX, Simulator, routes};
use ticedu_payments::WECHAT_NOTIFY;
use ticedu_payments::wechat::WeChatPay;
use ticedu_wechatpay::{Merchant, PlatformKeys};

pub const MERCHANT_KEY: &str = include_str!("../../wechatpay/merchant_key.pem");
pub const MERCHANT_PUBLIC: &str = include_str!("../../wechatpay/merchant_public.pem");
pub const PLATFORM_KEY: &str = include_str!("../../wechatpay/platform_key.pem");
pub const PLATFORM_CERT: &str = include_str!("../../wechatpay/platform_cert.pem");
pub const PLATFORM_SERIAL: &str = "5157F09EFDC096DE15EBE81A47057A72";
pub const PUBKEY_MODE_KEY: &str = include_str!("../../wechatpay/pubkey_mode_key.pem");
pub const PUBKEY_MODE_PUBLIC: &str = include_str!("../../wechatpay/pubkey_mode_public.pem");
pub const PUBKEY_MODE_ID: &str = "PUB_KEY_ID_0114232134912410000000000000";
pub const MCHID: &str = "1900000109";
pub const APPID: &str = "wxd678efh567hg6787";
const API_V3_KEY: &[u8; 32] = b"ticedu-test-api-v3-key-32-bytes!";
/// Where WeChat Pay would send notices in a deployment; these tests deliver them themselves.
fn notify_url() -> String {
    format!("https://ticedu.example.cn{WECHAT_NOTIFY}")
}

pub fn merchant() -> Merchant {
    Merchant::new(MCHID, APPID, "MERCHANT-SERIAL", MERCHANT_KEY, API_V3_KEY).expect("test keys")
}

/// Our side, configured against the simulator at `base_url`, trusting both test keys.
pub fn wechat_pay(base_url: &str) -> Arc<WeChatPay> {
    let mut keys = PlatformKeys::default();
    keys.add_certificate(PLATFORM_CERT)
        .expect("test certificate");
    keys.add_public_key(PUBKEY_MODE_ID, PUBKEY_MODE_PUBLIC)
        .expect("test public key");
    Arc::new(WeChatPay::new(merchant(), keys, base_url, &notify_url()))
}

/// A simulator signing notices with the certificate's key, or the public-key mode's.
fn simulator(by_public_key: bool) -> Simulator {
    let (key, id) = if by_public_key {
        (PUBKEY_MODE_KEY, PUBKEY_MODE_ID)
    } else {
        (PLATFORM_KEY, PLATFORM_SERIAL)
    };
    Simulator::new(MERCHANT_PUBLIC, key, id, merchant(), &notify_url()).expect("test keys")
}

/// Starts the simulator on loopback; returns its base URL and the simulator (to see the orders it took).
pub async fn spawn() -> (String, Arc<Simulator>) {
    let simulator = Arc::new(simulator(false));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let base = format!("http://{}{PREFIX}", listener.local_addr().expect("bound"));
    let app = routes(Arc::clone(&simulator));
    tokio::spawn(async move {
        axum::serve(listener, app)
            .await
            .expect("the simulator serves")
    });
    (base, simulator)
}

/// The headers and body of a payment notice for an order.
pub fn notice(
    out_trade_no: &str,
    total_fen: u64,
    transaction_id: &str,
    timestamp: i64,
    by_public_key: bool,
) -> (Vec<(&'static str, String)>, String) {
    simulator(by_public_key).notice(out_trade_no, total_fen, transaction_id, timestamp)
}

/// The headers and body of a genuine refund notice carrying `report`.
pub fn refund_notice(
    report: &ticedu_wechatpay::RefundReport,
    timestamp: i64,
) -> (Vec<(&'static str, String)>, String) {
    simulator(false).refund_notice(report, timestamp)
}

/// The headers and body of a genuine notice for `order` whose transaction
/// `edit` changes first (another merchant, another app…).
pub fn notice_edited(
    out_trade_no: &str,
    total_fen: u64,
    transaction_id: &str,
    timestamp: i64,
    edit: impl FnOnce(&mut ticedu_wechatpay::Transaction),
) -> (Vec<(&'static str, String)>, String) {
    let simulator = simulator(false);
    let mut transaction = simulator.transaction(out_trade_no, total_fen, transaction_id);
    edit(&mut transaction);
    simulator.notice_of(&transaction, timestamp)
}

/// For a platform served at `address` (`127.0.0.1:port`) with the simulator's
/// routes merged in: our side calls the simulator there, and the simulator's
/// `POST /wechatpay-simulator/pay/{order}` notifies our notify endpoint there,
/// as on the local server.
pub fn served_together(address: &str) -> (Arc<WeChatPay>, Arc<Simulator>) {
    let notify_url = format!("http://{address}{WECHAT_NOTIFY}");
    let mut keys = PlatformKeys::default();
    keys.add_certificate(PLATFORM_CERT)
        .expect("test certificate");
    let wechat = Arc::new(WeChatPay::new(
        merchant(),
        keys,
        &format!("http://{address}{PREFIX}"),
        &notify_url,
    ));
    let simulator = Simulator::new(
        MERCHANT_PUBLIC,
        PLATFORM_KEY,
        PLATFORM_SERIAL,
        merchant(),
        &notify_url,
    )
    .expect("test keys");
    (wechat, Arc::new(simulator))
}
