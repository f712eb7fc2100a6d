//! Study cards (学习卡, R13): issuing a batch for a bank transfer that
//! arrived, listing them (JSON or a printable CSV), voiding unredeemed ones.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use ticedu_api::auth::AuthStaff;
use ticedu_api::ids::new_card_code;
use ticedu_api::{ApiJson, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::cards::CardBatch;
use ticedu_domain::staff::StaffAction;
use ticedu_store::ids::CardCode;
use ticedu_store::records::{AuditAction, StudyCard};
use utoipa::ToSchema;

use crate::AdminStore;
use crate::requests::{CardListFormat, IssueCards};

pub const CARDS: &str = "/api/staff/cards";
pub const CARD_VOID: &str = "/api/staff/cards/{code}/void";

#[derive(Serialize, ToSchema)]
pub(crate) struct IssuedCards {
    /// Hand each code to the learner who paid; each can be redeemed once.
    codes: Vec<String>,
}

/// Issue study cards for a bank transfer that arrived (R13).
#[utoipa::path(post, path = CARDS, tag = "staff", request_body = IssueCards, security(("bearer" = [])),
    responses((status = 201, description = "Issued", body = IssuedCards), (status = 403, description = "Not staff", body = ErrorBody), (status = 422, description = "Bad count, value or note", body = ErrorBody)))]
pub(crate) async fn issue_cards<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    ApiJson(request): ApiJson<IssueCards>,
) -> ApiResult<(StatusCode, Json<IssuedCards>)> {
    staff.may(StaffAction::Finance)?;
    let batch = request.parse()?;
    let now = state.platform.clock.now();
    let cards = mint(&batch, now)?;
    // The codes are credit in hand: the trail names the batch, not each code.
    let audit = staff
        .audit(AuditAction::CardsIssued, now)
        .reason(batch.note().to_string())
        .change("count", None, Some(cards.len().to_string()))
        .change("value_fen", None, Some(batch.value().get().to_string()));
    state.store.issue_cards(&cards, &audit).await?;
    tracing::info!(staff = %staff.name, count = cards.len(), value_fen = batch.value().get(), "study cards issued");
    Ok((
        StatusCode::CREATED,
        Json(IssuedCards {
            codes: cards
                .into_iter()
                .map(|card| card.code.to_string())
                .collect(),
        }),
    ))
}

/// The batch's cards, each with a fresh code.
fn mint(batch: &CardBatch, now: jiff::Timestamp) -> ApiResult<Vec<StudyCard>> {
    (0..batch.count())
        .map(|_| {
            Ok(StudyCard {
                code: new_card_code()?,
                value: batch.value(),
                note: batch.note().to_string(),
                issued_at: now,
                redeemed: None,
                voided: None,
            })
        })
        .collect()
}

#[derive(Serialize, ToSchema)]
pub(crate) struct CardView {
    code: String,
    value_fen: u64,
    note: String,
    issued_at: String,
    /// `issued`, `redeemed` or `voided`.
    state: &'static str,
    redeemed_by: Option<String>,
}

impl From<StudyCard> for CardView {
    fn from(card: StudyCard) -> Self {
        let state = match (&card.redeemed, card.voided) {
            (Some(_), _) => "redeemed",
            (None, Some(_)) => "voided",
            (None, None) => "issued",
        };
        Self {
            code: card.code.to_string(),
            value_fen: card.value.get(),
            note: card.note,
            issued_at: card.issued_at.to_string(),
            state,
            redeemed_by: card.redeemed.map(|r| r.by.to_string()),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct CardList {
    cards: Vec<CardView>,
}

/// Every study card, newest first, as JSON or as a printable CSV list.
#[utoipa::path(get, path = CARDS, tag = "staff", params(CardListFormat), security(("bearer" = [])),
    responses((status = 200, description = "The cards (JSON, or text/csv)", body = CardList), (status = 403, description = "Not staff", body = ErrorBody)))]
pub(crate) async fn list_cards<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    Query(format): Query<CardListFormat>,
) -> ApiResult<Response> {
    staff.may(StaffAction::Finance)?;
    let cards: Vec<CardView> = state
        .store
        .cards()
        .await?
        .into_iter()
        .map(CardView::from)
        .collect();
    if format.is_csv() {
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"study-cards.csv\"",
                ),
            ],
            csv(&cards),
        )
            .into_response());
    }
    Ok(Json(CardList { cards }).into_response())
}

fn csv(cards: &[CardView]) -> String {
    let mut csv = String::from("code,value_yuan,state,issued_at,note\r\n");
    for card in cards {
        let value = format!("{}.{:02}", card.value_fen / 100, card.value_fen % 100);
        let row = [
            csv_field(&card.code),
            value,
            card.state.to_owned(),
            csv_field(&card.issued_at),
            csv_field(&card.note),
        ];
        csv.push_str(&row.join(","));
        csv.push_str("\r\n");
    }
    csv
}

/// A CSV field, quoted when it needs to be; a leading `=+-@` is defused so a spreadsheet never runs it.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// Void a card that was not redeemed (lost, or issued by mistake).
#[utoipa::path(post, path = CARD_VOID, tag = "staff", security(("bearer" = [])),
    params(("code" = String, Path, description = "Card code")),
    responses((status = 204, description = "Voided"), (status = 403, description = "Not staff", body = ErrorBody), (status = 404, description = "No such card", body = ErrorBody), (status = 409, description = "Redeemed or voided already", body = ErrorBody)))]
pub(crate) async fn void_card<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(code): PathParam<CardCode>,
) -> ApiResult<StatusCode> {
    staff.may(StaffAction::Finance)?;
    let now = state.platform.clock.now();
    // Only an issued card can be voided: the store refuses any other.
    let audit = staff
        .audit(AuditAction::CardVoided, now)
        .subject(code.to_string())
        .change("state", Some("issued".into()), Some("voided".into()));
    state.store.void_card(&code, now, &audit).await?;
    tracing::info!(staff = %staff.name, "study card voided");
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_in_a_note_is_defused_and_a_comma_quoted() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("工行, 钟检"), "\"工行, 钟检\"");
        assert_eq!(csv_field("plain"), "plain");
    }

    #[test]
    fn fresh_card_codes_avoid_look_alike_characters() {
        let code = new_card_code().unwrap();
        assert_eq!(code.as_str().len(), 16);
        assert!(!code.as_str().contains(['0', 'O', '1', 'I']));
    }
}
