//! Paying inside WeChat (R14, issue 18): the learner's openid comes from
//! WeChat's web authorisation, played by the simulator (authorize page,
//! code, server-side exchange), is bound to the learner, and JSAPI orders
//! are made out to it; the simulator's pay sheet pays them with a notice.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use ticedu_local::wechatpay_simulator::{APP_SECRET, USER_COOKIE, openid_of};
use ticedu_store::*;

use crate::helpers::*;

/// An elective course, a certification course and one certification hour.
fn mixed_cart() -> Value {
    json!([
        { "kind": "course", "id": "draft-survey" },
        { "kind": "course", "id": "iso-iec-17020-inspection-bodies" },
        { "kind": "hour", "id": "iso-iec-17025-testing-laboratories/1" },
    ])
}

/// A client that shows redirects instead of following them, as the tests
/// walk the browser's way through WeChat one step at a time.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

fn location(answer: &Answer) -> String {
    answer.headers["location"]
        .to_str()
        .expect("a location")
        .to_owned()
}

/// The authorisation URL the platform gives `token`'s learner.
async fn authorization_url<S>(app: &TestApp<S>, token: &str) -> String {
    let answer = app
        .request(
            Method::POST,
            payments::WECHAT_AUTHORIZATION,
            Some(token),
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.text("url")
}

/// WeChat's authorize page (the simulator's), visited as WeChat user `user`:
/// the callback URL it sends the browser back to.
async fn visit_wechat<S>(app: &TestApp<S>, url: &str, user: &str) -> String {
    let answer = app
        .send(
            browser()
                .get(url)
                .header("Cookie", format!("{USER_COOKIE}={user}")),
        )
        .await;
    assert_eq!(answer.status, StatusCode::FOUND, "{}", answer.body);
    location(&answer)
}

/// The platform's callback: where it sends the browser on to.
async fn come_back<S>(app: &TestApp<S>, callback: &str) -> String {
    let answer = app.send(browser().get(callback)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    location(&answer)
}

async fn bound_openid<S: Store>(app: &TestApp<S>, learner: &Learner) -> Option<String> {
    app.store
        .learner(&learner.id)
        .await
        .unwrap()
        .unwrap()
        .wechat_openid
        .map(String::from)
}

async fn jsapi_order<S>(app: &TestApp<S>, token: &str, cart: Value) -> Answer {
    app.post(
        payments::WECHAT_ORDERS,
        Some(token),
        json!({ "items": cart, "channel": "jsapi" }),
    )
    .await
}

/// The simulator's pay sheet, as `WeixinJSBridge.invoke('getBrandWCPayRequest', params, cb)`
/// would open it for WeChat user `user`.
async fn pay_sheet<S>(app: &TestApp<S>, params: &Value, user: &str) -> Answer {
    app.send(
        app.raw(Method::POST, &format!("{SIMULATOR}/jsapi/pay"))
            .header("Cookie", format!("{USER_COOKIE}={user}"))
            .json(params),
    )
    .await
}

fn built_in<K: StoreKind>(builder: TestAppBuilder<K>) -> TestAppBuilder<K> {
    // The system clock: the simulator dates its notices now.
    builder.wechat(WeChat::BuiltIn)
}

async fn a_learner_inside_wechat_authorises_once_then_pays_a_mixed_cart_as_their_openid<
    S: Store + Clone + 'static,
>(
    app: TestApp<S>,
) {
    logs::capture();
    let learner = app.register_as(Kind::New).await;
    let refused = jsapi_order(&app, &learner.token, mixed_cart()).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::CONFLICT, "wechatpay.authorization_needed"),
        "{}",
        refused.body
    );
    assert!(
        app.store.orders_of(&learner.id).await.unwrap().is_empty(),
        "nothing is ordered before the openid is known"
    );

    let url = authorization_url(&app, &learner.token).await;
    let expected = format!(
        "{}{SIMULATOR}/connect/oauth2/authorize?appid={}&redirect_uri={}&response_type=code&scope=snsapi_base&state=",
        app.address,
        wechatpay_simulator::APPID,
        url_encoded(&format!(
            "{}{}",
            app.address,
            payments::WECHAT_OAUTH_CALLBACK
        )),
    );
    assert!(url.starts_with(&expected), "{url}");
    assert!(url.ends_with("#wechat_redirect"), "{url}");

    let callback = visit_wechat(&app, &url, "zhong").await;
    assert!(
        callback.starts_with(&format!(
            "{}{}?code=",
            app.address,
            payments::WECHAT_OAUTH_CALLBACK
        )),
        "{callback}"
    );
    assert_eq!(come_back(&app, &callback).await, "/pay/?wechat=ready");
    assert_eq!(bound_openid(&app, &learner).await, Some(openid_of("zhong")));

    let order = jsapi_order(&app, &learner.token, mixed_cart()).await;
    assert_eq!(order.status, StatusCode::CREATED, "{}", order.body);
    let order_no = order.text("order_no");
    let params = order.body["jsapi"].clone();
    assert_eq!(params["appId"], wechatpay_simulator::APPID);
    assert_eq!(params["package"], format!("prepay_id=wx{order_no}"));
    assert!(order.body["code_url"].is_null() && order.body["h5_url"].is_null());
    let placed = app.simulator.as_ref().unwrap().orders();
    let payer = placed
        .iter()
        .find(|o| o.out_trade_no == order_no)
        .and_then(|o| o.payer.as_ref())
        .expect("a JSAPI order names its payer");
    assert_eq!(payer.openid, openid_of("zhong"), "the bound openid pays");

    let someone_else = pay_sheet(&app, &params, "another-wechat-user").await;
    assert_eq!(
        someone_else.status,
        StatusCode::FORBIDDEN,
        "{}",
        someone_else.body
    );
    let mut tampered = params.clone();
    tampered["nonceStr"] = json!("TAMPERED");
    assert_eq!(
        pay_sheet(&app, &tampered, "zhong").await.status,
        StatusCode::UNAUTHORIZED,
        "a paySign over other values does not verify"
    );
    assert!(app.store.enrollments(&learner.id).await.unwrap().is_empty());

    let paid = pay_sheet(&app, &params, "zhong").await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.body);
    assert_eq!(paid.body["err_msg"], "get_brand_wcpay_request:ok");
    assert_eq!(paid.body["notice"]["answer"], 204, "{}", paid.body);
    let hours = app.store.enrollments(&learner.id).await.unwrap();
    let expected_hours = order.body["total_fen"].as_u64().unwrap() / 1500;
    assert_eq!(hours.len() as u64, expected_hours);
    assert!(
        hours
            .iter()
            .any(|e| e.hour.to_string() == "iso-iec-17025-testing-laboratories/1")
    );

    // Authorised once: the next order needs no trip through WeChat.
    let again = jsapi_order(
        &app,
        &learner.token,
        json!([ { "kind": "hour", "id": "iso-iec-17025-testing-laboratories/2" } ]),
    )
    .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);

    // PIPL: the openid is personal data, the app secret a key; neither is
    // logged by the platform. (The AWS SDK's own TRACE lines, which the
    // capture records and a function's `info` filter never lets through,
    // echo whole items.)
    let logged = logs::captured();
    assert!(
        logged.contains("WeChat openid bound"),
        "the binding is logged"
    );
    let ours = || {
        logged
            .lines()
            .filter(|line| !line.contains("\"target\":\"aws_"))
    };
    for (what, secret) in [
        ("the openid", openid_of("zhong")),
        ("the app secret", APP_SECRET.to_owned()),
    ] {
        let leaks: Vec<&str> = ours().filter(|l| l.contains(&secret)).collect();
        assert!(leaks.is_empty(), "log lines hold {what}: {leaks:#?}");
    }
}

/// `x-www-form-urlencoded`, as WeChat's URL carries the callback.
fn url_encoded(text: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", [("v", text)])
        .unwrap()
        .query()
        .unwrap()
        .trim_start_matches("v=")
        .to_owned()
}

on_both_stores!(
    built_in => a_learner_inside_wechat_authorises_once_then_pays_a_mixed_cart_as_their_openid,
);

#[tokio::test]
async fn an_openid_named_by_the_client_is_refused_and_never_used() {
    let app = TestApp::builder(Embedded)
        .wechat(WeChat::Simulator)
        .spawn()
        .await;
    let learner = app.register(&registration()).await;
    let answer = app
        .post(
            payments::WECHAT_ORDERS,
            Some(&learner.token),
            json!({ "items": mixed_cart(), "channel": "jsapi", "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" }),
        )
        .await;
    assert_eq!(
        (answer.status, answer.code()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "wechatpay.openid_not_accepted"
        )
    );
    assert!(answer.body["message"].as_str().unwrap().contains("openid"));
    assert!(app.simulator.as_ref().unwrap().orders().is_empty());
    assert_eq!(bound_openid(&app, &learner).await, None);
}

/// Every way the callback can be reached with a state the platform did not
/// sign for this moment ends on the pay page with `?wechat=refused`, binds
/// nothing and is never a 5xx.
#[tokio::test]
async fn forged_tampered_expired_and_missing_states_are_refused_and_bind_nothing() {
    let app = TestApp::builder(Embedded)
        .wechat(WeChat::Simulator)
        .today(jiff::civil::date(2024, 3, 4))
        .spawn()
        .await;
    let learner = app.register(&registration()).await;
    let other = app.register(&registration()).await;
    let url = authorization_url(&app, &learner.token).await;
    let callback = visit_wechat(&app, &url, "zhong").await;
    let parsed = reqwest::Url::parse(&callback).unwrap();
    let param = |name: &str| {
        parsed
            .query_pairs()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    let (code, state) = (param("code"), param("state"));
    let at = |query: &str| format!("{}{}?{query}", app.address, payments::WECHAT_OAUTH_CALLBACK);
    let other_learner = format!("{}{}", other.id.as_str(), &state[32..]);
    let later = format!("{}{}{}", &state[..32], "9999999999", &state[42..]);
    let forged_mac = format!("{}{}", &state[..42], "0".repeat(64));
    for (what, query) in [
        (
            "another learner's id",
            format!("code={code}&state={other_learner}"),
        ),
        ("a later expiry", format!("code={code}&state={later}")),
        (
            "a made-up signature",
            format!("code={code}&state={forged_mac}"),
        ),
        (
            "a state of the wrong shape",
            format!("code={code}&state=STATE"),
        ),
        ("no state", format!("code={code}")),
        ("no code", format!("state={state}")),
        ("nothing", String::new()),
    ] {
        assert_eq!(
            come_back(&app, &at(&query)).await,
            "/pay/?wechat=refused",
            "{what}"
        );
    }
    assert_eq!(bound_openid(&app, &learner).await, None);
    assert_eq!(bound_openid(&app, &other).await, None);

    // Ten minutes and a second later, the genuine state has expired.
    let fresh = visit_wechat(
        &app,
        &authorization_url(&app, &learner.token).await,
        "zhong",
    )
    .await;
    app.wait(10 * 60 + 1);
    assert_eq!(come_back(&app, &fresh).await, "/pay/?wechat=refused");
    assert_eq!(bound_openid(&app, &learner).await, None);
}

#[tokio::test]
async fn a_code_wechat_refuses_or_already_used_fails_without_binding() {
    let app = TestApp::builder(Embedded)
        .wechat(WeChat::Simulator)
        .spawn()
        .await;
    let learner = app.register(&registration()).await;
    let callback = visit_wechat(
        &app,
        &authorization_url(&app, &learner.token).await,
        "zhong",
    )
    .await;
    let state = reqwest::Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .find(|(n, _)| n == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let made_up = format!(
        "{}{}?code=MADEUP&state={state}",
        app.address,
        payments::WECHAT_OAUTH_CALLBACK
    );
    assert_eq!(come_back(&app, &made_up).await, "/pay/?wechat=failed");
    assert_eq!(bound_openid(&app, &learner).await, None);

    assert_eq!(come_back(&app, &callback).await, "/pay/?wechat=ready");
    // WeChat takes each code once: coming back again with it binds nothing new.
    assert_eq!(come_back(&app, &callback).await, "/pay/?wechat=failed");
    assert_eq!(bound_openid(&app, &learner).await, Some(openid_of("zhong")));
}

#[tokio::test]
async fn without_the_app_secret_paying_inside_wechat_is_unavailable_but_a_qr_code_still_works() {
    let app = TestApp::builder(Embedded)
        .wechat(WeChat::Simulator)
        .without_app_secret()
        .spawn()
        .await;
    let learner = app.register(&registration()).await;
    let answer = app
        .request(
            Method::POST,
            payments::WECHAT_AUTHORIZATION,
            Some(&learner.token),
            None,
        )
        .await;
    assert_eq!(
        (answer.status, answer.code()),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "wechatpay.authorization_unavailable"
        )
    );
    let callback = format!(
        "{}{}?code=C&state=S",
        app.address,
        payments::WECHAT_OAUTH_CALLBACK
    );
    assert_eq!(come_back(&app, &callback).await, "/pay/?wechat=unavailable");
    let native = app
        .post(
            payments::WECHAT_ORDERS,
            Some(&learner.token),
            json!({ "items": mixed_cart(), "channel": "native" }),
        )
        .await;
    assert_eq!(native.status, StatusCode::CREATED, "{}", native.body);
}

#[tokio::test]
async fn only_a_logged_in_learner_gets_an_authorisation_url() {
    let app = TestApp::builder(Embedded)
        .wechat(WeChat::Simulator)
        .spawn()
        .await;
    let answer = app
        .request(Method::POST, payments::WECHAT_AUTHORIZATION, None, None)
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let staff = app.staff_token().await;
    let answer = app
        .request(
            Method::POST,
            payments::WECHAT_AUTHORIZATION,
            Some(&staff),
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}
