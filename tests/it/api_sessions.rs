//! Learners' sessions over HTTP, on both stores: the session cookie and its
//! CSRF rule, log-out ending one session on the server (copies of its token
//! refused), a password change ending the others, and contact details
//! changed by their owner.

use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

on_both_stores!(as_built =>
    a_cookie_log_in_sets_an_http_only_host_cookie_and_answers_no_token,
    a_cookie_request_that_changes_something_needs_the_sites_header,
    logging_out_ends_that_session_only_and_its_copies_are_refused,
    a_password_change_ends_the_other_sessions_and_the_page_goes_on,
    contact_details_are_changed_with_the_current_password,
);

const CSRF: &str = "x-ticedu-csrf";

/// The session cookie's `name=value`, from an answer's `Set-Cookie` headers.
fn session_cookie(answer: &Answer) -> String {
    answer
        .headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("__Host-ticedu-session="))
        .and_then(|value| value.split(';').next())
        .expect("the session cookie")
        .to_owned()
}

async fn cookie_log_in<S: ticedu_store::Store>(app: &TestApp<S>, learner: &Learner) -> Answer {
    app.send(
        app.raw(Method::POST, accounts::LOGIN)
            .header(CSRF, "1")
            .json(&json!({ "username": learner.username, "password": learner.body["password"], "cookie": true })),
    )
    .await
}

async fn with_cookie<S: ticedu_store::Store>(
    app: &TestApp<S>,
    method: Method,
    path: &str,
    cookie: &str,
    csrf: bool,
    body: Option<Value>,
) -> Answer {
    let mut request = app.raw(method, path).header(COOKIE, cookie);
    if csrf {
        request = request.header(CSRF, "1");
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    app.send(request).await
}

async fn a_cookie_log_in_sets_an_http_only_host_cookie_and_answers_no_token<
    S: ticedu_store::Store,
>(
    app: TestApp<S>,
) {
    let learner = app.register(&registration()).await;
    let answer = cookie_log_in(&app, &learner).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(answer.body.get("access_token").is_none(), "{}", answer.body);
    assert_eq!(answer.body["token_type"], "Cookie");
    let cookies: Vec<&str> = answer
        .headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|value| value.to_str().unwrap())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("__Host-ticedu-session="))
        .expect("the session cookie");
    for flag in ["Path=/", "HttpOnly", "Secure", "SameSite=Strict"] {
        assert!(session.contains(flag), "{session} lacks {flag}");
    }
    assert!(!session.contains("Domain="), "{session}");
    assert!(
        cookies.iter().any(|c| c.starts_with("__Host-ticedu-in=1;")),
        "{cookies:?}"
    );
    let me = with_cookie(
        &app,
        Method::GET,
        accounts::ME,
        &session_cookie(&answer),
        false,
        None,
    )
    .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    assert_eq!(me.body["name_masked"], "钟*");

    let forged = app
        .post(
            accounts::LOGIN,
            None,
            json!({ "username": learner.username, "password": learner.body["password"], "cookie": true }),
        )
        .await;
    assert_eq!(
        (forged.status, forged.code()),
        (StatusCode::FORBIDDEN, "auth.cross_site"),
        "a cookie log-in from another site's form"
    );
}

async fn a_cookie_request_that_changes_something_needs_the_sites_header<S: ticedu_store::Store>(
    app: TestApp<S>,
) {
    let learner = app.register(&registration()).await;
    let cookie = session_cookie(&cookie_log_in(&app, &learner).await);
    let claim = json!({ "certificate_no": "JX-2019-0815", "expires_on": "2023-07-06" });
    let forged = with_cookie(
        &app,
        Method::POST,
        accounts::RETURNING_CLAIM,
        &cookie,
        false,
        Some(claim.clone()),
    )
    .await;
    assert_eq!(
        (forged.status, forged.code()),
        (StatusCode::FORBIDDEN, "auth.cross_site")
    );
    let logout = with_cookie(&app, Method::POST, accounts::LOGOUT, &cookie, false, None).await;
    assert_eq!(
        logout.code(),
        "auth.cross_site",
        "nobody is logged out by another site"
    );
    let own = with_cookie(
        &app,
        Method::POST,
        accounts::RETURNING_CLAIM,
        &cookie,
        true,
        Some(claim),
    )
    .await;
    assert_eq!(own.status, StatusCode::NO_CONTENT, "{}", own.body);
    // A program's bearer token is no ambient credential: no header needed
    // (the request gets as far as checking the password).
    let program = app
        .post(
            accounts::PASSWORD,
            Some(&learner.token),
            json!({ "current_password": "not it 123", "new_password": "new password 1" }),
        )
        .await;
    assert_eq!(program.code(), "account.wrong_password");
}

async fn logging_out_ends_that_session_only_and_its_copies_are_refused<S: ticedu_store::Store>(
    app: TestApp<S>,
) {
    let learner = app.register(&registration()).await;
    let cookie = session_cookie(&cookie_log_in(&app, &learner).await);
    let out = with_cookie(&app, Method::POST, accounts::LOGOUT, &cookie, true, None).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.body);
    let cleared: Vec<&str> = out
        .headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|value| value.to_str().unwrap())
        .collect();
    assert!(
        cleared.iter().all(|c| c.contains("Max-Age=0")) && cleared.len() == 2,
        "{cleared:?}"
    );
    let replayed = with_cookie(&app, Method::GET, accounts::ME, &cookie, false, None).await;
    assert_eq!(
        (replayed.status, replayed.code()),
        (StatusCode::UNAUTHORIZED, "auth.session_ended")
    );
    let elsewhere = with_cookie(&app, Method::GET, learning::PROGRESS, &cookie, false, None).await;
    assert_eq!(elsewhere.code(), "auth.session_ended");
    assert_eq!(
        app.get(accounts::ME, Some(&learner.token)).await.status,
        StatusCode::OK,
        "the learner's other session goes on"
    );
    let again = with_cookie(&app, Method::POST, accounts::LOGOUT, &cookie, true, None).await;
    assert_eq!(
        again.status,
        StatusCode::NO_CONTENT,
        "log-out is safe to repeat"
    );

    let bearer = app
        .post(accounts::LOGOUT, Some(&learner.token), json!(null))
        .await;
    assert_eq!(bearer.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(accounts::ME, Some(&learner.token)).await.code(),
        "auth.session_ended"
    );
}

async fn a_password_change_ends_the_other_sessions_and_the_page_goes_on<S: ticedu_store::Store>(
    app: TestApp<S>,
) {
    let learner = app.register(&registration()).await;
    let page = session_cookie(&cookie_log_in(&app, &learner).await);
    let changed = with_cookie(
        &app,
        Method::POST,
        accounts::PASSWORD,
        &page,
        true,
        Some(json!({ "current_password": learner.body["password"], "new_password": "new password 1" })),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let renewed = session_cookie(&changed);
    assert_eq!(
        app.get(accounts::ME, Some(&learner.token)).await.code(),
        "auth.password_changed",
        "the other session ended"
    );
    assert_eq!(
        with_cookie(&app, Method::GET, accounts::ME, &page, false, None)
            .await
            .code(),
        "auth.password_changed",
        "the page's old cookie ended too"
    );
    let me = with_cookie(&app, Method::GET, accounts::ME, &renewed, false, None).await;
    assert_eq!(me.status, StatusCode::OK, "the page goes on: {}", me.body);
}

async fn contact_details_are_changed_with_the_current_password<S: ticedu_store::Store>(
    app: TestApp<S>,
) {
    let learner = app.register(&registration()).await;
    let wrong = app
        .post(
            accounts::CONTACT,
            Some(&learner.token),
            json!({ "phone": "13900139000", "email": "", "current_password": "not it 123" }),
        )
        .await;
    assert_eq!(wrong.code(), "account.wrong_password");
    let empty = app
        .post(
            accounts::CONTACT,
            Some(&learner.token),
            json!({ "phone": " ", "email": "", "current_password": learner.body["password"] }),
        )
        .await;
    assert_eq!(
        (empty.status, empty.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "contact.missing")
    );
    let bad = app
        .post(
            accounts::CONTACT,
            Some(&learner.token),
            json!({ "phone": "12345", "current_password": learner.body["password"] }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let changed = app
        .post(
            accounts::CONTACT,
            Some(&learner.token),
            json!({ "phone": "", "email": "zhong@Example.CN", "current_password": learner.body["password"] }),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(
        changed.body,
        json!({ "phone": null, "email": "zhong@example.cn" })
    );
    let me = app.get(accounts::ME, Some(&learner.token)).await;
    assert_eq!(
        (me.body["phone"].clone(), me.body["email"].clone()),
        (Value::Null, json!("zhong@example.cn"))
    );
    let staff = app.staff_token().await;
    let found = app
        .post(
            admin::LOOKUP,
            Some(&staff),
            json!({ "email": "zhong@example.cn" }),
        )
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert!(
        found.body.to_string().contains(learner.id.as_str()),
        "staff find the new e-mail: {}",
        found.body
    );
}
