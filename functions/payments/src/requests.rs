//! Request bodies as they arrive, and their parsing into commands of domain
//! types: a handler sees only values that are valid.

use serde::Deserialize;
use ticedu_api::{ApiError, FieldErrors};
use ticedu_domain::contact::{EmailAddress, PhoneNumber};
use ticedu_domain::invoice::{Delivery, InvoiceBuyer, InvoiceDetails, InvoiceOrders};
use ticedu_domain::learner::ShortText;
use ticedu_domain::pricing::CartItem;
use ticedu_domain::taxpayer::TaxpayerId;
use ticedu_domain::wechat_pay::{OpenId, WeChatPayRejection, jsapi_payer};
use ticedu_store::Refusal;
use ticedu_store::ids::{CardCode, OrderNo};
use ticedu_store::records::Learner;
use utoipa::ToSchema;

/// A cart: courses, single hours and certification bundles.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CartRequest {
    /// e.g. `{"kind": "course", "id": "draft-survey"}`, `{"kind": "hour", "id": "draft-survey/2"}`, `{"kind": "bundle", "id": "certification-30"}`.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<CartItem>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RedeemRequest {
    /// The 16-character code on the study card; spaces and hyphens are ignored.
    code: String,
}

impl RedeemRequest {
    pub fn parse(self) -> Result<CardCode, ApiError> {
        let mut errors = FieldErrors::new();
        let code = CardCode::parse_typed(&self.code).ok();
        if code.is_none() {
            errors.push(
                "code",
                "card.malformed",
                "学习卡号应为 16 位字母和数字。",
                "A study card code has 16 letters and digits.",
            );
        }
        errors.finish()?;
        code.ok_or_else(ApiError::unavailable)
    }
}

/// How the invoice travels (R15): electronic by default, or paper by courier
/// (SF), cash on delivery, to the named recipient at the address.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum DeliveryRequest {
    Electronic,
    Paper {
        recipient: String,
        phone: String,
        address: String,
    },
}

/// 开具发票 (R15).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct InvoiceRequestBody {
    /// Paid orders of this learner, not invoiced yet.
    orders: Vec<String>,
    /// A person's name (个人), or the company as registered with the tax office.
    buyer_name: String,
    /// A company's 18-character unified social credit code; absent (or
    /// empty) for a personal invoice.
    #[serde(default)]
    taxpayer_id: Option<String>,
    email: String,
    delivery: Option<DeliveryRequest>,
}

/// An invoice request whose every field is valid; whether the orders may be
/// invoiced is the store's to decide, atomically.
pub(crate) struct InvoiceCommand {
    pub orders: InvoiceOrders<OrderNo>,
    pub details: InvoiceDetails,
}

impl InvoiceRequestBody {
    /// The buyer's details first, every field's problem at once, then the
    /// orders: the form's order.
    pub fn parse(self) -> Result<InvoiceCommand, ApiError> {
        let mut errors = FieldErrors::new();
        let name = errors.check("buyer_name", ShortText::parse(&self.buyer_name));
        let taxpayer_id = match self.taxpayer_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(id) => Some(errors.check("taxpayer_id", TaxpayerId::parse(id))),
        };
        let email = errors.check("email", EmailAddress::parse(&self.email));
        let delivery = match self.delivery {
            None | Some(DeliveryRequest::Electronic) => Some(Delivery::Electronic),
            Some(DeliveryRequest::Paper {
                recipient,
                phone,
                address,
            }) => {
                let recipient = errors.check("delivery.recipient", ShortText::parse(&recipient));
                let phone = errors.check("delivery.phone", PhoneNumber::parse(&phone));
                let address = errors.check("delivery.address", ShortText::parse(&address));
                match (recipient, phone, address) {
                    (Some(recipient), Some(phone), Some(address)) => Some(Delivery::Paper {
                        recipient,
                        phone,
                        address,
                    }),
                    _ => None,
                }
            }
        };
        errors.finish()?;
        let buyer = match (name, taxpayer_id) {
            (Some(name), None) => InvoiceBuyer::Person { name },
            (Some(name), Some(Some(taxpayer_id))) => InvoiceBuyer::Company { name, taxpayer_id },
            _ => return Err(ApiError::unavailable()),
        };
        let (Some(email), Some(delivery)) = (email, delivery) else {
            return Err(ApiError::unavailable());
        };
        let orders = InvoiceOrders::new(self.orders)
            .map_err(|e| ApiError::invalid(&e))?
            // A malformed number names no order of this learner: the same
            // refusal as someone else's order, so nothing is revealed.
            .try_map(|no| {
                OrderNo::parse(&no).map_err(|_| ApiError::from(Refusal::NotInvoiceable))
            })?;
        Ok(InvoiceCommand {
            orders,
            details: InvoiceDetails {
                buyer,
                email,
                delivery,
            },
        })
    }
}

/// Where the learner pays.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum WeChatChannel {
    /// A QR code to scan, on a computer.
    Native,
    /// Inside WeChat's own browser.
    Jsapi,
    /// A phone's browser outside WeChat: WeChat Pay's H5 page opens WeChat.
    H5,
}

/// A WeChat Pay order for a cart (R14).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WeChatOrderRequest {
    #[schema(value_type = Vec<Object>)]
    items: Vec<CartItem>,
    channel: WeChatChannel,
    /// Refused if present: a JSAPI order is made out to the openid WeChat's
    /// web authorisation gave the platform (`POST /api/payments/wechat/authorization`),
    /// never to one a client names.
    #[schema(deprecated, value_type = Option<String>)]
    openid: Option<serde::de::IgnoredAny>,
}

/// Who pays, and how WeChat Pay reaches them.
pub(crate) enum Payer {
    /// Scans a QR code.
    Native,
    /// Pays inside WeChat as this openid, the one bound to the learner.
    Jsapi(OpenId),
    /// Pays from a phone's browser, through WeChat Pay's H5 page.
    H5,
}

impl Payer {
    /// The payer of `learner`'s order on `channel`: inside WeChat, the openid
    /// WeChat's authorisation bound to them (409 `wechatpay.authorization_needed` before).
    pub fn of(channel: WeChatChannel, learner: &Learner) -> Result<Self, ApiError> {
        Ok(match channel {
            WeChatChannel::Native => Self::Native,
            WeChatChannel::Jsapi => Self::Jsapi(
                jsapi_payer(learner.wechat_openid.as_ref())
                    .map_err(|e| ApiError::refused(&e))?
                    .clone(),
            ),
            WeChatChannel::H5 => Self::H5,
        })
    }
}

pub(crate) struct WeChatOrderCommand {
    pub items: Vec<CartItem>,
    pub channel: WeChatChannel,
}

impl WeChatOrderRequest {
    pub fn parse(self) -> Result<WeChatOrderCommand, ApiError> {
        if self.openid.is_some() {
            return Err(ApiError::invalid(&WeChatPayRejection::OpenIdFromClient));
        }
        Ok(WeChatOrderCommand {
            items: self.items,
            channel: self.channel,
        })
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;
    use serde_json::json;

    use super::*;

    fn invoice(body: serde_json::Value) -> Result<InvoiceCommand, ApiError> {
        serde_json::from_value::<InvoiceRequestBody>(body)
            .unwrap()
            .parse()
    }

    fn code<T>(result: Result<T, ApiError>) -> (StatusCode, &'static str) {
        let error = result.err().expect("refused");
        (error.status, error.code())
    }

    #[test]
    fn an_invoice_request_reports_the_buyer_before_the_orders() {
        let refused = invoice(json!({
            "orders": [], "buyer_name": " ", "taxpayer_id": "91350100M000100Y43", "email": "a@b.cn"
        }));
        assert_eq!(
            code(refused),
            (StatusCode::UNPROCESSABLE_ENTITY, "text.empty")
        );
        let refused = invoice(json!({
            "orders": [], "buyer_name": "某检验公司", "taxpayer_id": "91350100M000100Y43", "email": "a@b.cn"
        }));
        assert_eq!(
            code(refused),
            (StatusCode::UNPROCESSABLE_ENTITY, "invoice.orders")
        );
    }

    #[test]
    fn a_malformed_order_number_is_refused_like_someone_elses_order() {
        let refused = invoice(json!({
            "orders": ["not an order"], "buyer_name": "某检验公司", "taxpayer_id": "91350100M000100Y43", "email": "a@b.cn"
        }));
        assert_eq!(
            code(refused),
            (StatusCode::CONFLICT, "invoice.not_invoiceable")
        );
    }

    #[test]
    fn an_invoice_is_electronic_unless_paper_is_asked_for_with_a_recipient() {
        let body = json!({
            "orders": ["TIC20230706ABCDEF1234"], "buyer_name": "某检验公司", "taxpayer_id": "91350100M000100Y43", "email": "a@b.cn"
        });
        assert_eq!(
            invoice(body.clone()).unwrap().details.delivery,
            Delivery::Electronic
        );
        let mut paper = body;
        paper["delivery"] = json!({ "kind": "paper", "recipient": "钟检", "phone": "13800138000", "address": "北京市东城区 1 号" });
        assert!(matches!(
            invoice(paper.clone()).unwrap().details.delivery,
            Delivery::Paper { .. }
        ));
        // An address alone does not reach anyone by courier.
        paper["delivery"] = json!({ "kind": "paper", "address": "北京市东城区 1 号" });
        assert!(serde_json::from_value::<InvoiceRequestBody>(paper).is_err());
    }

    #[test]
    fn without_a_credit_code_the_invoice_is_a_persons() {
        let person = invoice(json!({
            "orders": ["TIC20230706ABCDEF1234"], "buyer_name": "钟检", "email": "a@b.cn"
        }))
        .unwrap();
        assert!(matches!(person.details.buyer, InvoiceBuyer::Person { .. }));
        let blank = invoice(json!({
            "orders": ["TIC20230706ABCDEF1234"], "buyer_name": "钟检", "taxpayer_id": " ", "email": "a@b.cn"
        }))
        .unwrap();
        assert_eq!(blank.details.buyer.taxpayer_id(), None);
    }

    #[test]
    fn an_openid_from_the_client_is_refused_on_every_channel() {
        let order = |body| {
            serde_json::from_value::<WeChatOrderRequest>(body)
                .unwrap()
                .parse()
        };
        for channel in ["jsapi", "native", "h5"] {
            for openid in [json!("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"), json!(""), json!(7)] {
                let refused =
                    order(json!({ "items": [], "channel": channel, "openid": openid.clone() }));
                assert_eq!(
                    code(refused),
                    (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "wechatpay.openid_not_accepted"
                    ),
                    "{channel} with {openid}"
                );
            }
        }
        let jsapi = order(json!({ "items": [], "channel": "jsapi" }));
        assert!(matches!(jsapi.unwrap().channel, WeChatChannel::Jsapi));
        // null names no one: the same as leaving it out.
        let null = order(json!({ "items": [], "channel": "jsapi", "openid": null }));
        assert!(matches!(null.unwrap().channel, WeChatChannel::Jsapi));
    }
}
