//! 忘记密码 over HTTP, on both stores: a code sent to the registered address
//! (read from the local outbox), used once, within its time, ending every
//! session; the same answer, in about the same time, whether or not the
//! account exists; codes limited per name.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

on_both_stores!(as_built =>
    a_code_sent_to_the_registered_address_sets_a_new_password_once,
    an_unknown_account_is_answered_alike_and_sent_nothing,
    codes_are_limited_per_name_whether_or_not_it_exists;
    one_minute_hours => a_code_ends_fifteen_minutes_after_it_was_sent,
);

const NEW: &str = "a new password 2027";

/// The newest code the outbox holds for `to`.
fn code_sent_to<S>(app: &TestApp<S>, to: &str) -> Option<String> {
    let outbox = app.platform.sender.as_ref()?.as_outbox()?.messages();
    let kept = outbox
        .iter()
        .rev()
        .find(|kept| kept.message.to.masked() == to)?;
    let text = &kept.message.text;
    let at = text.find("验证码是 ")? + "验证码是 ".len();
    Some(text[at..at + 6].to_owned())
}

fn outbox_len<S>(app: &TestApp<S>) -> usize {
    app.platform
        .sender
        .as_ref()
        .and_then(|sender| sender.as_outbox())
        .map_or(0, |outbox| outbox.messages().len())
}

fn with_email() -> Value {
    let mut body = registration();
    body["email"] = json!("zhong@example.cn");
    body
}

async fn ask<S: ticedu_store::Store>(app: &TestApp<S>, username: &str) -> (Answer, Duration) {
    let started = Instant::now();
    let answer = app
        .post(accounts::RECOVERY, None, json!({ "username": username }))
        .await;
    (answer, started.elapsed())
}

async fn reset<S: ticedu_store::Store>(app: &TestApp<S>, username: &str, code: &str) -> Answer {
    app.post(
        accounts::RECOVERY_RESET,
        None,
        json!({ "username": username, "code": code, "new_password": NEW }),
    )
    .await
}

async fn a_code_sent_to_the_registered_address_sets_a_new_password_once<S: ticedu_store::Store>(
    app: TestApp<S>,
) {
    let learner = app.register(&with_email()).await;
    let (asked, _) = ask(&app, &learner.username).await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.body);
    let code = code_sent_to(&app, "zhong@example.cn").expect("a code in the outbox");
    assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");

    let wrong = if code == "000000" { "000001" } else { "000000" };
    let refused = reset(&app, &learner.username, wrong).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "recovery.code_invalid")
    );
    let done = reset(&app, &learner.username, &code).await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.body);
    assert_eq!(
        app.get(accounts::ME, Some(&learner.token)).await.code(),
        "auth.password_changed",
        "the sessions from before ended"
    );
    let token = app.log_in(&learner.username, &json!(NEW)).await;
    assert_eq!(
        app.get(accounts::ME, Some(&token)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        reset(&app, &learner.username, &code).await.code(),
        "recovery.code_invalid",
        "a code is used once"
    );
}

async fn an_unknown_account_is_answered_alike_and_sent_nothing<S: ticedu_store::Store>(
    app: TestApp<S>,
) {
    let learner = app.register(&with_email()).await;
    let (known, known_took) = ask(&app, &learner.username).await;
    let sent = outbox_len(&app);
    let (unknown, unknown_took) = ask(&app, "李四1101051234").await;
    assert_eq!(
        (known.status, &known.body),
        (unknown.status, &unknown.body),
        "the same answer"
    );
    assert_eq!(
        outbox_len(&app),
        sent,
        "nothing sent for an unknown account"
    );
    eprintln!("asking for a code took {known_took:?} (an account) and {unknown_took:?} (none)");
    let difference = known_took.abs_diff(unknown_took);
    assert!(
        difference < Duration::from_millis(250),
        "about the same time: {known_took:?} and {unknown_took:?}"
    );
    let refused = reset(&app, "李四1101051234", "123456").await;
    let wrong = reset(&app, &learner.username, "123456").await;
    assert_eq!(
        (refused.status, refused.code()),
        (wrong.status, wrong.code()),
        "using a code: the same refusal"
    );
}

async fn codes_are_limited_per_name_whether_or_not_it_exists<S: ticedu_store::Store>(
    app: TestApp<S>,
) {
    let learner = app.register(&with_email()).await;
    for name in [learner.username.as_str(), "李四1101051234"] {
        for _ in 0..3 {
            assert_eq!(ask(&app, name).await.0.status, StatusCode::ACCEPTED);
        }
        let (fourth, _) = ask(&app, name).await;
        assert_eq!(
            (fourth.status, fourth.code()),
            (StatusCode::TOO_MANY_REQUESTS, "recovery.throttled"),
            "{name}"
        );
        assert!(fourth.headers.contains_key("retry-after"));
    }
    assert_eq!(outbox_len(&app), 3, "three codes sent, to the one account");
}

async fn a_code_ends_fifteen_minutes_after_it_was_sent<S: ticedu_store::Store>(app: TestApp<S>) {
    let learner = app.register(&with_email()).await;
    ask(&app, &learner.username).await;
    let code = code_sent_to(&app, "zhong@example.cn").expect("a code");
    app.wait(15 * 60);
    assert_eq!(
        reset(&app, &learner.username, &code).await.code(),
        "recovery.code_invalid"
    );
}
