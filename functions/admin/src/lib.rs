//! The staff function (协会): log in, hand out study cards for bank transfers
//! (R13), check titled learners' details (R18), grant the returning
//! learner's discount (R12), and work through invoice requests (R15).

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use ticedu_api::auth::{AuthStaff, Role};
use ticedu_api::login::throttled_login;
use ticedu_api::password::Password;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::identity::UsernameKey;
use ticedu_domain::learner::TitleCheck;
use ticedu_domain::money::Fen;
use ticedu_store::ids::{CardCode, CertificateNo, InvoiceId, LearnerId, OrderNo};
use ticedu_store::records::{InvoiceStatus, OrderStatus, StudyCard};
use ticedu_store::{
    CardStore, CertificateStore, FilingStore, InvoiceStore, LearnerStore, LoginThrottleStore,
    MAX_CARDS_PER_BATCH, OrderStore,
};
use utoipa::{IntoParams, OpenApi, ToSchema};

/// What the staff function needs of a store.
pub trait AdminStore:
    LearnerStore
    + CardStore
    + OrderStore
    + FilingStore
    + InvoiceStore
    + LoginThrottleStore
    + CertificateStore
    + Clone
    + 'static
{
}
impl<T> AdminStore for T where
    T: LearnerStore
        + CardStore
        + OrderStore
        + FilingStore
        + InvoiceStore
        + LoginThrottleStore
        + CertificateStore
        + Clone
        + 'static
{
}

pub const LOGIN: &str = "/api/staff/login";
pub const CARDS: &str = "/api/staff/cards";
pub const CARD_VOID: &str = "/api/staff/cards/{code}/void";
pub const ORDER: &str = "/api/staff/orders/{order}";
pub const REVOKE: &str = "/api/staff/certificates/{no}/revoke";
pub const TITLE_CHECKS: &str = "/api/staff/title-checks";
pub const OVERDUE_RENEWALS: &str = "/api/staff/overdue-renewals";
pub const TITLE_CHECK: &str = "/api/staff/title-checks/{learner}";
pub const RETURNING: &str = "/api/staff/learners/{learner}/returning";
pub const INVOICES: &str = "/api/staff/invoices";
pub const INVOICE_ISSUED: &str = "/api/staff/invoices/{invoice}/issued";

/// The largest study card: a whole cycle of certification at most, with room.
const MAX_CARD_VALUE: Fen = Fen::from_yuan(10_000);

pub fn router<S: AdminStore>(state: AppState<S>) -> Router {
    Router::new()
        .route(LOGIN, post(login::<S>))
        .route(CARDS, post(issue_cards::<S>).get(list_cards::<S>))
        .route(CARD_VOID, post(void_card::<S>))
        .route(ORDER, get(find_order::<S>))
        .route(REVOKE, post(revoke::<S>))
        .route(TITLE_CHECKS, get(pending_title_checks::<S>))
        .route(OVERDUE_RENEWALS, get(overdue_renewals::<S>))
        .route(TITLE_CHECK, post(decide_title_check::<S>))
        .route(RETURNING, post(set_returning::<S>))
        .route(INVOICES, get(invoices::<S>))
        .route(INVOICE_ISSUED, post(invoice_issued::<S>))
        .with_state(state)
}

#[derive(OpenApi)]
#[openapi(
    paths(login, issue_cards, list_cards, void_card, find_order, revoke, pending_title_checks, overdue_renewals, decide_title_check, set_returning, invoices, invoice_issued),
    components(schemas(StaffLogin, StaffToken, IssueCards, IssuedCards, CardView, CardList, StaffOrder, Revocation, PendingTitle, PendingTitles, OverdueRenewal, OverdueRenewals, Decision, Returning, InvoiceView, InvoiceList, ErrorBody)),
    tags((name = "staff", description = "协会工作人员 Staff tools"))
)]
pub struct AdminApi;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffLogin {
    pub name: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct StaffToken {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
}

/// Staff log in with a name and password from the function's configuration (`TICEDU_STAFF`).
#[utoipa::path(post, path = "/api/staff/login", tag = "staff", request_body = StaffLogin,
    responses((status = 200, description = "Logged in", body = StaffToken), (status = 401, description = "Wrong name or password", body = ErrorBody), (status = 429, description = "Too many failures; retry later", body = ErrorBody)))]
pub async fn login<S: AdminStore>(
    State(state): State<AppState<S>>,
    ApiJson(request): ApiJson<StaffLogin>,
) -> ApiResult<Json<StaffToken>> {
    let platform = &state.platform;
    let password = Password::attempt(request.password).map_err(|e| ApiError::invalid(&e))?;
    let name = request.name.trim();
    // Staff passwords open the association's money: failures are throttled like learners'.
    let key = UsernameKey::of_staff(name, &platform.account_secret);
    let account = throttled_login(&state.store, platform, &key, async {
        let account = platform.staff.iter().find(|account| account.name == name);
        Ok(
            if password
                .verify(account.map(|a| a.password_hash.clone()))
                .await
            {
                account
            } else {
                None
            },
        )
    })
    .await?;
    let now = platform.clock.now();
    tracing::info!(staff = %account.name, "staff logged in");
    let token = platform.tokens.issue(&account.name, Role::Staff, now);
    Ok(Json(StaffToken {
        access_token: token,
        token_type: "Bearer",
        expires_in: platform.tokens.lifetime_seconds(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueCards {
    /// 1–100 cards.
    pub count: usize,
    /// Each card's value in fen, e.g. 60000 for a 40-hour cycle.
    pub value_fen: u64,
    /// The bank transfer they pay for, for the association's books.
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct IssuedCards {
    /// Hand each code to the learner who paid; each can be redeemed once.
    pub codes: Vec<String>,
}

/// Issue study cards for a bank transfer that arrived (R13).
#[utoipa::path(post, path = "/api/staff/cards", tag = "staff", request_body = IssueCards, security(("bearer" = [])),
    responses((status = 201, description = "Issued", body = IssuedCards), (status = 403, description = "Not staff", body = ErrorBody), (status = 422, description = "Bad count, value or note", body = ErrorBody)))]
pub async fn issue_cards<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    ApiJson(request): ApiJson<IssueCards>,
) -> ApiResult<(StatusCode, Json<IssuedCards>)> {
    let invalid = |code: &'static str, zh: &'static str, en: &'static str| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, zh, en)
    };
    if !(1..=MAX_CARDS_PER_BATCH).contains(&request.count) {
        return Err(invalid(
            "cards.count",
            "一次发放 1–100 张学习卡。",
            "Issue 1 to 100 cards at a time.",
        ));
    }
    let value = Fen::new(request.value_fen);
    if value == Fen::ZERO || value > MAX_CARD_VALUE {
        return Err(invalid(
            "cards.value",
            "学习卡面值应在 0.01–10000 元之间。",
            "A card is worth 0.01 to 10,000 yuan.",
        ));
    }
    let note = request.note.trim();
    if note.is_empty() || note.chars().count() > 200 {
        return Err(invalid(
            "cards.note",
            "请填写 200 字以内的备注（如汇款信息）。",
            "Add a note of up to 200 characters (e.g. the bank transfer).",
        ));
    }
    let now = state.platform.clock.now();
    let cards = (0..request.count)
        .map(|_| {
            Ok(StudyCard {
                code: new_card_code()?,
                value,
                note: note.to_owned(),
                issued_at: now,
                redeemed: None,
                voided: None,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    state.store.issue_cards(&cards).await?;
    tracing::info!(staff = %staff.staff, count = cards.len(), value_fen = value.get(), "study cards issued");
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

/// 16 characters from an alphabet without look-alikes (no 0/O, 1/I): 80 random bits.
fn new_card_code() -> ApiResult<CardCode> {
    const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let random = ticedu_api::ids::random_bytes(16)?;
    let code: String = random
        .iter()
        .map(|byte| char::from(ALPHABET[usize::from(byte % 32)]))
        .collect();
    CardCode::parse(&code).map_err(|_| ApiError::unavailable())
}

#[derive(Serialize, ToSchema)]
pub struct PendingTitle {
    pub learner_id: String,
    pub name: String,
    /// The title details to check (R18).
    #[schema(value_type = Object)]
    pub kind: ticedu_domain::learner::LearnerKind,
}

#[derive(Serialize, ToSchema)]
pub struct PendingTitles {
    pub learners: Vec<PendingTitle>,
}

/// Titled learners whose details wait for a check (R18).
#[utoipa::path(get, path = "/api/staff/title-checks", tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "Waiting", body = PendingTitles), (status = 403, description = "Not staff", body = ErrorBody)))]
pub async fn pending_title_checks<S: AdminStore>(
    State(state): State<AppState<S>>,
    _staff: AuthStaff,
) -> ApiResult<Json<PendingTitles>> {
    let mut learners = Vec::new();
    for id in state.store.pending_title_checks().await? {
        if let Some(learner) = state.store.learner(&id).await? {
            learners.push(PendingTitle {
                learner_id: id.to_string(),
                name: learner.registration.name.to_string(),
                kind: learner.registration.kind,
            });
        }
    }
    Ok(Json(PendingTitles { learners }))
}

/// An overdue renewal (R20) as staff handle it: everything the notice asks
/// the holder to submit. Staff may read the ID number (PIPL: owner and staff only).
#[derive(Serialize, ToSchema)]
pub struct OverdueRenewal {
    pub learner_id: String,
    pub name: String,
    pub id_number: String,
    pub username: String,
    /// 原证书类别, 编号 and 到期日 as submitted.
    #[schema(value_type = Object)]
    pub certificate: ticedu_domain::learner::HolderDetails,
    pub filed_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct OverdueRenewals {
    pub renewals: Vec<OverdueRenewal>,
}

/// Overdue renewals (超期换证, R20) waiting for staff, oldest first.
#[utoipa::path(get, path = "/api/staff/overdue-renewals", tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "Waiting", body = OverdueRenewals), (status = 403, description = "Not staff", body = ErrorBody)))]
pub async fn overdue_renewals<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
) -> ApiResult<Json<OverdueRenewals>> {
    let mut renewals = Vec::new();
    for (id, renewal) in state.store.overdue_renewals().await? {
        if let Some(learner) = state.store.learner(&id).await? {
            let registration = learner.registration;
            renewals.push(OverdueRenewal {
                learner_id: id.to_string(),
                name: registration.name.to_string(),
                id_number: registration.id_number.expose().to_owned(),
                username: registration.username.to_string(),
                certificate: renewal.details,
                filed_at: renewal.filed_at.to_string(),
            });
        }
    }
    // Who read which ID numbers, without them: PIPL asks for an access trail.
    tracing::info!(staff = %staff.staff, count = renewals.len(), "overdue renewals read");
    Ok(Json(OverdueRenewals { renewals }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `confirmed` or `rejected`.
    #[schema(value_type = String)]
    pub decision: TitleCheck,
}

fn learner_id(text: &str) -> ApiResult<LearnerId> {
    LearnerId::parse(text)
        .map_err(|_| ApiError::not_found("account.not_found", "账号不存在。", "No such account."))
}

/// Confirm or reject a titled learner's details (R18).
#[utoipa::path(post, path = "/api/staff/title-checks/{learner}", tag = "staff", request_body = Decision, security(("bearer" = [])),
    params(("learner" = String, Path, description = "Learner id")),
    responses((status = 204, description = "Recorded"), (status = 403, description = "Not staff", body = ErrorBody), (status = 404, description = "No such learner", body = ErrorBody)))]
pub async fn decide_title_check<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    Path(learner): Path<String>,
    ApiJson(request): ApiJson<Decision>,
) -> ApiResult<StatusCode> {
    let learner = learner_id(&learner)?;
    state
        .store
        .set_title_check(&learner, request.decision)
        .await?;
    tracing::info!(staff = %staff.staff, %learner, decision = ?request.decision, "title check");
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Returning {
    pub returning: bool,
}

/// Grant (or withdraw) the returning learner's discount (R12) after checking their earlier renewal.
#[utoipa::path(post, path = "/api/staff/learners/{learner}/returning", tag = "staff", request_body = Returning, security(("bearer" = [])),
    params(("learner" = String, Path, description = "Learner id")),
    responses((status = 204, description = "Recorded"), (status = 403, description = "Not staff", body = ErrorBody), (status = 404, description = "No such learner", body = ErrorBody)))]
pub async fn set_returning<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    Path(learner): Path<String>,
    ApiJson(request): ApiJson<Returning>,
) -> ApiResult<StatusCode> {
    let learner = learner_id(&learner)?;
    state
        .store
        .set_returning(&learner, request.returning)
        .await?;
    tracing::info!(staff = %staff.staff, %learner, returning = request.returning, "discount");
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct InvoiceFilter {
    /// `requested` (default) or `issued`.
    pub status: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct InvoiceView {
    pub id: String,
    pub orders: Vec<String>,
    pub amount_fen: u64,
    pub buyer_name: String,
    pub taxpayer_id: String,
    pub email: String,
    /// `electronic`, or the postal address of a paper invoice (sent cash on delivery).
    pub delivery: String,
    pub requested_at: String,
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct InvoiceList {
    pub invoices: Vec<InvoiceView>,
}

/// Invoice requests by status (R15).
#[utoipa::path(get, path = "/api/staff/invoices", tag = "staff", params(InvoiceFilter), security(("bearer" = [])),
    responses((status = 200, description = "Requests", body = InvoiceList), (status = 403, description = "Not staff", body = ErrorBody), (status = 422, description = "Unknown status", body = ErrorBody)))]
pub async fn invoices<S: AdminStore>(
    State(state): State<AppState<S>>,
    _staff: AuthStaff,
    Query(filter): Query<InvoiceFilter>,
) -> ApiResult<Json<InvoiceList>> {
    let status = match filter.status.as_deref().unwrap_or("requested") {
        "requested" => InvoiceStatus::Requested,
        "issued" => InvoiceStatus::Issued,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invoice.status",
                "状态应为 requested 或 issued。",
                "The status is requested or issued.",
            ));
        }
    };
    let invoices = state
        .store
        .invoices_with_status(status)
        .await?
        .into_iter()
        .map(|invoice| InvoiceView {
            id: invoice.id.to_string(),
            orders: invoice.orders.iter().map(ToString::to_string).collect(),
            amount_fen: invoice.amount.get(),
            buyer_name: invoice.buyer_name,
            taxpayer_id: invoice.taxpayer_id.to_string(),
            email: invoice.email.to_string(),
            delivery: match invoice.delivery {
                ticedu_store::records::InvoiceDelivery::Electronic => "electronic".to_owned(),
                ticedu_store::records::InvoiceDelivery::Paper { address } => address,
            },
            requested_at: invoice.requested_at.to_string(),
            status: invoice.status.as_str().to_owned(),
        })
        .collect();
    Ok(Json(InvoiceList { invoices }))
}

/// Mark an invoice request issued.
#[utoipa::path(post, path = "/api/staff/invoices/{invoice}/issued", tag = "staff", security(("bearer" = [])),
    params(("invoice" = String, Path, description = "Invoice request id")),
    responses((status = 204, description = "Marked"), (status = 403, description = "Not staff", body = ErrorBody), (status = 404, description = "No such request", body = ErrorBody), (status = 409, description = "Issued already", body = ErrorBody)))]
pub async fn invoice_issued<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    Path(invoice): Path<String>,
) -> ApiResult<StatusCode> {
    let id = InvoiceId::parse(&invoice)
        .map_err(|_| ApiError::from(ticedu_store::Refusal::UnknownInvoice))?;
    state.store.mark_invoice_issued(&id).await?;
    tracing::info!(staff = %staff.staff, invoice = %id, "invoice issued");
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct CardView {
    pub code: String,
    pub value_fen: u64,
    pub note: String,
    pub issued_at: String,
    /// `issued`, `redeemed` or `voided`.
    pub state: &'static str,
    pub redeemed_by: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CardList {
    pub cards: Vec<CardView>,
}

#[derive(Deserialize, IntoParams)]
pub struct CardListFormat {
    /// `json` (default) or `csv`: a printable list for handing cards out.
    pub format: Option<String>,
}

fn card_view(card: StudyCard) -> CardView {
    let state = match (&card.redeemed, card.voided) {
        (Some(_), _) => "redeemed",
        (None, Some(_)) => "voided",
        (None, None) => "issued",
    };
    CardView {
        code: card.code.to_string(),
        value_fen: card.value.get(),
        note: card.note,
        issued_at: card.issued_at.to_string(),
        state,
        redeemed_by: card.redeemed.map(|r| r.by.to_string()),
    }
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

/// Every study card, newest first, as JSON or as a printable CSV list.
#[utoipa::path(get, path = "/api/staff/cards", tag = "staff", params(CardListFormat), security(("bearer" = [])),
    responses((status = 200, description = "The cards (JSON, or text/csv)", body = CardList), (status = 403, description = "Not staff", body = ErrorBody)))]
pub async fn list_cards<S: AdminStore>(
    State(state): State<AppState<S>>,
    _staff: AuthStaff,
    Query(format): Query<CardListFormat>,
) -> ApiResult<Response> {
    let cards: Vec<CardView> = state
        .store
        .cards()
        .await?
        .into_iter()
        .map(card_view)
        .collect();
    if format.format.as_deref() == Some("csv") {
        let mut csv = String::from("code,value_yuan,state,issued_at,note\r\n");
        for card in &cards {
            let value = format!("{}.{:02}", card.value_fen / 100, card.value_fen % 100);
            csv.push_str(
                &[
                    csv_field(&card.code),
                    value,
                    card.state.to_owned(),
                    csv_field(&card.issued_at),
                    csv_field(&card.note),
                ]
                .join(","),
            );
            csv.push_str("\r\n");
        }
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"study-cards.csv\"",
                ),
            ],
            csv,
        )
            .into_response());
    }
    Ok(Json(CardList { cards }).into_response())
}

/// Void a card that was not redeemed (lost, or issued by mistake).
#[utoipa::path(post, path = "/api/staff/cards/{code}/void", tag = "staff", security(("bearer" = [])),
    params(("code" = String, Path, description = "Card code")),
    responses((status = 204, description = "Voided"), (status = 403, description = "Not staff", body = ErrorBody), (status = 404, description = "No such card", body = ErrorBody), (status = 409, description = "Redeemed or voided already", body = ErrorBody)))]
pub async fn void_card<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    Path(code): Path<String>,
) -> ApiResult<StatusCode> {
    let code = CardCode::parse_typed(&code)
        .map_err(|_| ApiError::from(ticedu_store::Refusal::UnknownCard))?;
    state
        .store
        .void_card(&code, state.platform.clock.now())
        .await?;
    tracing::info!(staff = %staff.staff, "study card voided");
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct StaffOrder {
    pub order_no: String,
    pub learner_id: String,
    pub total_fen: u64,
    pub hours: Vec<String>,
    /// `balance` or `we_chat_pay`.
    pub channel: String,
    pub paid: bool,
    /// WeChat Pay's transaction id, once paid by WeChat Pay.
    pub transaction_id: Option<String>,
    pub invoice_id: Option<String>,
    pub created_at: String,
}

/// Look up an order and its payment by number (e.g. from a bank or WeChat Pay statement).
#[utoipa::path(get, path = "/api/staff/orders/{order}", tag = "staff", security(("bearer" = [])),
    params(("order" = String, Path, description = "Order number")),
    responses((status = 200, description = "The order", body = StaffOrder), (status = 403, description = "Not staff", body = ErrorBody), (status = 404, description = "No such order", body = ErrorBody)))]
pub async fn find_order<S: AdminStore>(
    State(state): State<AppState<S>>,
    _staff: AuthStaff,
    Path(order): Path<String>,
) -> ApiResult<Json<StaffOrder>> {
    let not_found = || ApiError::from(ticedu_store::Refusal::UnknownOrder);
    let no = OrderNo::parse(&order).map_err(|_| not_found())?;
    let order = state.store.order(&no).await?.ok_or_else(not_found)?;
    let (paid, transaction_id) = match &order.status {
        OrderStatus::Paid { transaction, .. } => {
            (true, transaction.as_ref().map(ToString::to_string))
        }
        OrderStatus::Pending => (false, None),
    };
    Ok(Json(StaffOrder {
        order_no: order.no.to_string(),
        learner_id: order.learner.to_string(),
        total_fen: order.amount.get(),
        hours: order.hours.iter().map(ToString::to_string).collect(),
        channel: order.channel.as_str().to_owned(),
        paid,
        transaction_id,
        invoice_id: order.invoice.map(|id| id.to_string()),
        created_at: order.created_at.to_string(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    /// Why, for the record (not shown publicly).
    pub reason: String,
}

/// Revoke a certificate: its verification page then says revoked.
#[utoipa::path(post, path = "/api/staff/certificates/{no}/revoke", tag = "staff", request_body = Revocation, security(("bearer" = [])),
    params(("no" = String, Path, description = "Certificate number")),
    responses((status = 204, description = "Revoked"), (status = 403, description = "Not staff", body = ErrorBody), (status = 404, description = "No such certificate", body = ErrorBody), (status = 409, description = "Revoked already", body = ErrorBody), (status = 422, description = "No reason given", body = ErrorBody)))]
pub async fn revoke<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    Path(no): Path<String>,
    ApiJson(request): ApiJson<Revocation>,
) -> ApiResult<StatusCode> {
    let no = CertificateNo::parse(no.trim())
        .map_err(|_| ApiError::from(ticedu_store::Refusal::UnknownCertificate))?;
    let reason = ticedu_domain::learner::ShortText::parse(&request.reason)
        .map_err(|e| ApiError::invalid(&e))?;
    state
        .store
        .revoke_certificate(&no, reason.as_str(), state.platform.clock.now())
        .await?;
    tracing::info!(staff = %staff.staff, certificate = %no, "certificate revoked");
    Ok(StatusCode::NO_CONTENT)
}
