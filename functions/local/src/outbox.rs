//! The local sink's development page: every message the platform sent
//! (password-recovery codes), newest first, at `/dev/outbox`. Only the local
//! server has it: nothing leaves the machine, and a journey reads its code
//! here as a learner reads their mail.

use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use ticedu_api::sender::Outbox;

pub const OUTBOX: &str = "/dev/outbox";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn page(State(outbox): State<Outbox>) -> Html<String> {
    let mut items = String::new();
    for kept in outbox.messages().iter().rev() {
        let message = &kept.message;
        items.push_str(&format!(
            "<li class=\"message\"><p><time>{}</time> · <span class=\"to\">{}</span></p><h2>{}</h2><pre>{}</pre></li>\n",
            kept.at,
            escape(&message.to.masked()),
            escape(&message.subject),
            escape(&message.text),
        ));
    }
    if items.is_empty() {
        items.push_str("<li>（空）Nothing sent yet.</li>");
    }
    Html(format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\"><link rel=\"icon\" href=\"data:,\"><title>发件箱（本地开发）· Outbox</title></head>\n<body><main id=\"main\"><h1>发件箱（本地开发）/ Outbox (local development)</h1><p>本地平台不发送邮件或短信，发出的消息都在这里。Messages the local platform would send, newest first.</p><ol class=\"outbox\">{items}</ol></main></body></html>\n"
    ))
}

/// The page over `outbox`.
pub fn routes(outbox: Outbox) -> Router {
    Router::new().route(OUTBOX, get(page)).with_state(outbox)
}
