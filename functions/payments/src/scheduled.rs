//! The daily reconciliation's scheduled event, for the Lambda binary only
//! (feature `lambda`): EventBridge's event reaches the payments function as
//! a `lambda_http` pass-through request.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Extension, Json, Router};
use jiff::civil::Date;
use serde::Deserialize;
use ticedu_api::AppState;
use ticedu_domain::reconciliation::day_to_reconcile;

use crate::PaymentsStore;
use crate::reconciliation::{RECONCILE_JOB, run};
use crate::wechat::WeChatPay;

/// What a scheduled event carries: `{"job": "reconcile_wechat_pay"}`, and a
/// `bill_date` to run an earlier day again (by hand, from the console).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduledEvent {
    job: String,
    #[serde(default)]
    bill_date: Option<Date>,
}

/// Where `lambda_http` (feature `pass_through`) puts an event that is not an
/// HTTP request: `POST /events`, the event as the body.
pub const EVENTS: &str = "/events";

/// The scheduled job's route, for the Lambda binary only: a scheduled event
/// arrives as a pass-through request on `/events`. Why here and not in a
/// binary of its own: the job needs WeChat Pay's keys, which only this
/// function holds, and one more route costs no second binary to build,
/// package and cold-start. The HTTP API routes no `/events`, and the route
/// also refuses anything that did not come as a pass-through event.
pub fn scheduled_routes<S: PaymentsStore>(
    state: AppState<S>,
    wechat: Option<Arc<WeChatPay>>,
) -> Router {
    Router::new()
        .route(EVENTS, post(scheduled::<S>))
        .layer(Extension(wechat))
        .with_state(state)
}

async fn scheduled<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    Extension(wechat): Extension<Option<Arc<WeChatPay>>>,
    request: Request,
) -> (StatusCode, Json<serde_json::Value>) {
    let pass_through = matches!(
        request
            .extensions()
            .get::<lambda_http::request::RequestContext>(),
        Some(lambda_http::request::RequestContext::PassThrough)
    );
    if !pass_through {
        return (StatusCode::NOT_FOUND, Json(serde_json::Value::Null));
    }
    let body: Bytes = match axum::body::to_bytes(request.into_body(), 64 * 1024).await {
        Ok(body) => body,
        Err(_) => return (StatusCode::BAD_REQUEST, Json(serde_json::Value::Null)),
    };
    let event = match serde_json::from_slice::<ScheduledEvent>(&body) {
        Ok(event) if event.job == RECONCILE_JOB => event,
        _ => {
            tracing::error!("an event that is not the reconciliation job");
            return (StatusCode::BAD_REQUEST, Json(serde_json::Value::Null));
        }
    };
    let now = state.platform.clock.now();
    let day = event.bill_date.unwrap_or_else(|| day_to_reconcile(now));
    match run(&state.store, wechat.as_deref(), day, now).await {
        Ok(summary) => (StatusCode::OK, Json(serde_json::json!(summary))),
        Err(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(serde_json::json!({ "error": error.to_string() })),
        ),
    }
}
