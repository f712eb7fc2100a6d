//! Paying with WeChat Pay (R14): what may be paid that way, who pays inside
//! WeChat, and when a payment notice settles an order.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::money::Fen;
use crate::rejection::{Rejection, RejectionKind, display_as_rejection};

/// WeChat documents openids as up to 128 characters.
const OPENID_MAX: usize = 128;

/// The only currency the platform charges in; a notice in another settles nothing.
pub const CURRENCY: &str = "CNY";

/// A learner's openid for the association's official account: what a JSAPI
/// payment inside WeChat's own browser is made out to. Letters, digits, `-`
/// and `_`, up to 128 characters. The platform learns it only from WeChat
/// (the web authorisation's code exchange), never from a client.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OpenId(String);

impl OpenId {
    pub fn parse(input: &str) -> Result<Self, WeChatPayRejection> {
        let openid = input.trim();
        let valid = !openid.is_empty()
            && openid.len() <= OPENID_MAX
            && openid
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if valid {
            Ok(Self(openid.to_owned()))
        } else {
            Err(WeChatPayRejection::OpenId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OpenId {
    type Error = WeChatPayRejection;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OpenId> for String {
    fn from(openid: OpenId) -> Self {
        openid.0
    }
}

/// Who pays a JSAPI order: the openid WeChat told the platform for this
/// learner. Without one the learner goes through WeChat's authorisation first.
pub fn jsapi_payer(bound: Option<&OpenId>) -> Result<&OpenId, WeChatPayRejection> {
    bound.ok_or(WeChatPayRejection::AuthorizationNeeded)
}

impl fmt::Debug for OpenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // It identifies a person to WeChat: kept out of logs like other personal data.
        f.write_str("OpenId(…)")
    }
}

/// What WeChat Pay is asked to collect for a cart whose total is `total`.
/// A free cart (e.g. only the returning learner's free mandatory hours, R12)
/// is bought from the balance: WeChat Pay takes no zero-amount orders.
pub fn amount_to_collect(total: Fen) -> Result<Fen, WeChatPayRejection> {
    if total == Fen::ZERO {
        return Err(WeChatPayRejection::NothingToPay);
    }
    Ok(total)
}

/// A payment notice settles an order only if it paid the order's amount, in
/// yuan: anything else is a forged or confused notice, never a part payment.
pub fn settles(order_amount: Fen, currency: &str, paid_fen: u64) -> Result<(), AmountMismatch> {
    if currency == CURRENCY && paid_fen == order_amount.get() {
        Ok(())
    } else {
        Err(AmountMismatch)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the amount differs from the order's")]
pub struct AmountMismatch;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WeChatPayRejection {
    OpenId,
    NothingToPay,
    /// A JSAPI order for a learner whose openid WeChat has not told us yet.
    AuthorizationNeeded,
    /// A client named the payer itself: an openid is never taken from a request.
    OpenIdFromClient,
}

display_as_rejection!(WeChatPayRejection);

impl Rejection for WeChatPayRejection {
    fn code(&self) -> &'static str {
        match self {
            Self::OpenId => "wechatpay.openid",
            Self::NothingToPay => "wechatpay.nothing_to_pay",
            Self::AuthorizationNeeded => "wechatpay.authorization_needed",
            Self::OpenIdFromClient => "wechatpay.openid_not_accepted",
        }
    }

    fn kind(&self) -> RejectionKind {
        match self {
            Self::AuthorizationNeeded => RejectionKind::Conflict,
            Self::OpenId | Self::NothingToPay | Self::OpenIdFromClient => RejectionKind::Invalid,
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::OpenId => "在微信内支付需要有效的 openid。".into(),
            Self::NothingToPay => "应付金额为 0，请直接用余额购买。".into(),
            Self::AuthorizationNeeded => {
                "在微信内支付前，需要先经微信授权确认您的身份（不获取昵称和头像）。".into()
            }
            Self::OpenIdFromClient => "openid 由平台经微信授权取得，请求中不能提供。".into(),
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::OpenId => "Paying inside WeChat needs a valid openid.".into(),
            Self::NothingToPay => "Nothing to pay: buy it from your balance instead.".into(),
            Self::AuthorizationNeeded => {
                "Before paying inside WeChat, let WeChat confirm who you are (no nickname or photo is read).".into()
            }
            Self::OpenIdFromClient => {
                "The platform obtains the openid through WeChat's authorisation; a request cannot give one.".into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_openid_is_trimmed_and_refused_when_empty_long_or_odd() {
        assert_eq!(
            OpenId::parse(" oUpF8uMuAJO_M2pxb1Q9zNjWeS6o ")
                .unwrap()
                .as_str(),
            "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
        );
        let long = "a".repeat(OPENID_MAX + 1);
        for bad in ["", "  ", "a b", "a/b", long.as_str()] {
            assert_eq!(OpenId::parse(bad).unwrap_err().code(), "wechatpay.openid");
        }
        assert!(OpenId::parse(&"a".repeat(OPENID_MAX)).is_ok());
    }

    #[test]
    fn an_openid_never_prints() {
        let openid = OpenId::parse("oUpF8uMuAJO").unwrap();
        assert!(!format!("{openid:?}").contains("oUpF8"));
    }

    #[test]
    fn a_jsapi_order_needs_the_openid_wechat_gave() {
        assert_eq!(
            jsapi_payer(None).unwrap_err().code(),
            "wechatpay.authorization_needed"
        );
        assert_eq!(
            WeChatPayRejection::AuthorizationNeeded.kind(),
            RejectionKind::Conflict
        );
        let openid = OpenId::parse("oUpF8uMuAJO").unwrap();
        assert_eq!(jsapi_payer(Some(&openid)), Ok(&openid));
    }

    #[test]
    fn a_stored_openid_reads_back_and_a_bad_one_does_not() {
        let openid = OpenId::parse("oUpF8uMuAJO").unwrap();
        let json = serde_json::to_string(&openid).unwrap();
        assert_eq!(json, "\"oUpF8uMuAJO\"");
        assert_eq!(serde_json::from_str::<OpenId>(&json).unwrap(), openid);
        assert!(serde_json::from_str::<OpenId>("\"a b\"").is_err());
    }

    #[test]
    fn a_free_cart_is_not_paid_with_wechat_pay() {
        assert_eq!(
            amount_to_collect(Fen::ZERO).unwrap_err().code(),
            "wechatpay.nothing_to_pay"
        );
        assert_eq!(amount_to_collect(Fen::new(1)), Ok(Fen::new(1)));
    }

    #[test]
    fn only_the_whole_amount_in_yuan_settles_an_order() {
        let amount = Fen::from_yuan(450);
        assert_eq!(settles(amount, "CNY", 45_000), Ok(()));
        assert_eq!(settles(amount, "CNY", 44_999), Err(AmountMismatch));
        assert_eq!(settles(amount, "CNY", 45_001), Err(AmountMismatch));
        assert_eq!(settles(amount, "USD", 45_000), Err(AmountMismatch));
    }
}
