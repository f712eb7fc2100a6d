//! A new password ends every session opened with the old one: a token
//! carries a stamp of the password it was issued under, and the learner and
//! staff extractors compare it with the account's on each request. On both
//! stores, since the check reads the account from the store.

use reqwest::StatusCode;
use serde_json::json;
use ticedu_domain::staff::StaffRole;

use crate::helpers::*;

on_both_stores!(as_built =>
    a_learners_token_from_before_a_password_change_is_refused_after_it,
    a_staff_token_from_before_a_password_reset_is_refused_after_it,
);

async fn a_learners_token_from_before_a_password_change_is_refused_after_it<
    S: ticedu_store::Store,
>(
    app: TestApp<S>,
) {
    let learner = app.register(&registration()).await;
    let before = learner.token.clone();
    let changed = app
        .post(
            accounts::PASSWORD,
            Some(&before),
            json!({ "current_password": learner.body["password"], "new_password": "new password 1" }),
        )
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.body);

    let refused = app.get(accounts::ME, Some(&before)).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::UNAUTHORIZED, "auth.password_changed")
    );
    let elsewhere = app.get(learning::PROGRESS, Some(&before)).await;
    assert_eq!(elsewhere.code(), "auth.password_changed");

    let after = app
        .log_in(&learner.username, &json!("new password 1"))
        .await;
    let me = app.get(accounts::ME, Some(&after)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
}

async fn a_staff_token_from_before_a_password_reset_is_refused_after_it<S: ticedu_store::Store>(
    app: TestApp<S>,
) {
    let administrator = app.staff_token().await;
    let before = app.staff_token_with(&[StaffRole::Finance]).await;
    assert_eq!(
        app.get(admin::ME, Some(&before)).await.status,
        StatusCode::OK
    );

    let reset = app
        .post(
            &path(admin::ACCOUNT_PASSWORD, &[&"staff.finance"]),
            Some(&administrator),
            json!({ "password": "a new staff password 2027" }),
        )
        .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{}", reset.body);

    let refused = app.get(admin::ME, Some(&before)).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::UNAUTHORIZED, "auth.password_changed")
    );
    // A token issued under the new password, as the next log-in issues.
    let after = app.staff_token_with(&[StaffRole::Finance]).await;
    let me = app.get(admin::ME, Some(&after)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    assert_eq!(
        app.get(admin::ME, Some(&administrator)).await.status,
        StatusCode::OK,
        "other accounts' sessions go on"
    );
}
