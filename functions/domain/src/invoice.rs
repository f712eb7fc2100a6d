//! Invoice requests (开具发票, R15): which orders one invoice may cover, who
//! it is made out to, and how it travels.

use std::borrow::Cow;

use crate::contact::EmailAddress;
use crate::learner::ShortText;
use crate::rejection::{Rejection, display_as_rejection};
use crate::taxpayer::TaxpayerId;

/// Orders covered by one invoice request at most: the request and the
/// orders it marks are written in one transaction, so the store re-exports
/// this rather than keeping its own.
pub const MAX_ORDERS_PER_INVOICE: usize = 20;

/// The orders one invoice covers: at least one, at most
/// [`MAX_ORDERS_PER_INVOICE`]. Generic over how an order is named, since
/// order numbers are minted by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceOrders<T>(Vec<T>);

impl<T> InvoiceOrders<T> {
    pub fn new(orders: Vec<T>) -> Result<Self, InvoiceError> {
        if orders.is_empty() || orders.len() > MAX_ORDERS_PER_INVOICE {
            return Err(InvoiceError::OrderCount);
        }
        Ok(Self(orders))
    }

    /// Parses each order in turn; the count was checked already and stays.
    pub fn try_map<U, E>(
        self,
        parse: impl FnMut(T) -> Result<U, E>,
    ) -> Result<InvoiceOrders<U>, E> {
        self.0
            .into_iter()
            .map(parse)
            .collect::<Result<_, _>>()
            .map(InvoiceOrders)
    }

    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    pub fn into_vec(self) -> Vec<T> {
        self.0
    }
}

/// How the invoice travels (R15): electronic unless the buyer asks for paper,
/// which is sent by courier, cash on delivery.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Delivery {
    #[default]
    Electronic,
    Paper {
        address: ShortText,
    },
}

/// Whom the invoice is made out to and where it goes (R15).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceDetails {
    /// The buyer as registered with the tax office, usually the employer.
    pub buyer_name: ShortText,
    pub taxpayer_id: TaxpayerId,
    pub email: EmailAddress,
    pub delivery: Delivery,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvoiceError {
    OrderCount,
}

display_as_rejection!(InvoiceError);

impl Rejection for InvoiceError {
    fn code(&self) -> &'static str {
        match self {
            Self::OrderCount => "invoice.orders",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::OrderCount => {
                format!("请选择 1–{MAX_ORDERS_PER_INVOICE} 个已支付的订单。").into()
            }
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::OrderCount => format!("Choose 1 to {MAX_ORDERS_PER_INVOICE} paid orders.").into(),
        }
    }
}

/// The number of the invoice (发票号码) staff issued in the tax system: 8
/// digits on the older paper and electronic invoices, 20 on a fully digital
/// one (数电票). Spaces typed between groups are dropped.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FapiaoNumber(String);

impl FapiaoNumber {
    pub fn parse(input: &str) -> Result<Self, FapiaoNumberError> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if !(8..=20).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FapiaoNumberError);
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for FapiaoNumber {
    type Error = FapiaoNumberError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<FapiaoNumber> for String {
    fn from(number: FapiaoNumber) -> Self {
        number.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub struct FapiaoNumberError;

display_as_rejection!(FapiaoNumberError);

impl Rejection for FapiaoNumberError {
    fn code(&self) -> &'static str {
        "invoice.number"
    }

    fn message_zh(&self) -> Cow<'static, str> {
        "发票号码为 8–20 位数字。".into()
    }

    fn message_en(&self) -> Cow<'static, str> {
        "An invoice number is 8 to 20 digits.".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoice_numbers_are_eight_to_twenty_digits() {
        assert_eq!(
            FapiaoNumber::parse("0123 4567").unwrap().as_str(),
            "01234567"
        );
        assert!(FapiaoNumber::parse("24112000000012345678").is_ok());
        for bad in ["1234567", "123456789012345678901", "1234567a", ""] {
            assert_eq!(FapiaoNumber::parse(bad), Err(FapiaoNumberError), "{bad}");
        }
    }

    #[test]
    fn an_invoice_covers_one_to_twenty_orders() {
        assert_eq!(
            InvoiceOrders::<u8>::new(vec![]).unwrap_err().code(),
            "invoice.orders"
        );
        assert!(InvoiceOrders::new(vec![0u8; MAX_ORDERS_PER_INVOICE]).is_ok());
        assert_eq!(
            InvoiceOrders::new(vec![0u8; MAX_ORDERS_PER_INVOICE + 1])
                .unwrap_err()
                .code(),
            "invoice.orders"
        );
    }

    #[test]
    fn parsing_the_orders_keeps_them_in_order_or_stops_at_the_first_bad_one() {
        let orders = InvoiceOrders::new(vec!["1", "2"]).unwrap();
        let parsed = orders.clone().try_map(str::parse::<u8>).unwrap();
        assert_eq!(parsed.as_slice(), &[1, 2]);
        let bad = InvoiceOrders::new(vec!["1", "x"]).unwrap();
        assert!(bad.try_map(str::parse::<u8>).is_err());
    }

    #[test]
    fn an_invoice_is_electronic_unless_paper_is_asked_for() {
        assert_eq!(Delivery::default(), Delivery::Electronic);
    }

    #[test]
    fn the_message_states_the_limit_it_enforces() {
        assert!(InvoiceError::OrderCount.message_en().contains("20"));
    }
}
