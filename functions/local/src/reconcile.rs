//! The daily reconciliation on the local platform: `POST /local/reconcile/{day}`
//! runs the job the payments function runs on its schedule in a deployment,
//! against the simulator (or the configured merchant), for any day.
//! `ticedu-local reconcile <day>` calls it on the running server, which
//! holds the store and the simulator's payments. Not part of the API (no
//! OpenAPI document, not in the template): a development tool on loopback.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Extension, Json, Router};
use jiff::civil::Date;
use serde_json::{Value, json};
use ticedu_api::AppState;
use ticedu_payments::reconciliation::{ReconcileError, run};
use ticedu_payments::wechat::WeChatPay;
use ticedu_store::Store;

pub const RECONCILE: &str = "/local/reconcile/{day}";

pub(crate) fn routes<S: Store + Clone + 'static>(
    state: AppState<S>,
    wechat: Option<Arc<WeChatPay>>,
) -> Router {
    Router::new()
        .route(RECONCILE, post(reconcile::<S>))
        .layer(Extension(wechat))
        .with_state(state)
}

async fn reconcile<S: Store + Clone + 'static>(
    State(state): State<AppState<S>>,
    Extension(wechat): Extension<Option<Arc<WeChatPay>>>,
    Path(day): Path<String>,
) -> (StatusCode, Json<Value>) {
    let Ok(day) = day.parse::<Date>() else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "code": "reconciliation.day", "message": "YYYY-MM-DD" })),
        );
    };
    let now = state.platform.clock.now();
    match run(&state.store, wechat.as_deref(), day, now).await {
        Ok(summary) => (StatusCode::OK, Json(json!(summary))),
        Err(error) => {
            let status = match error {
                ReconcileError::NotConfigured => StatusCode::SERVICE_UNAVAILABLE,
                ReconcileError::Bill(_) => StatusCode::BAD_GATEWAY,
                ReconcileError::Store(_) | ReconcileError::Randomness => {
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            };
            (status, Json(json!({ "error": error.to_string() })))
        }
    }
}
