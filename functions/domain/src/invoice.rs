//! Invoice requests (开具发票, R15): which orders one invoice may cover, who
//! it is made out to, and how it travels.

use std::borrow::Cow;

use crate::contact::{EmailAddress, PhoneNumber};
use crate::learner::ShortText;
use crate::money::Fen;
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
/// which the courier (SF) delivers cash on delivery, to a named person.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Delivery {
    #[default]
    Electronic,
    Paper {
        recipient: ShortText,
        phone: PhoneNumber,
        address: ShortText,
    },
}

/// Whom the invoice is made out to: a person by name alone (个人), or a
/// company by name and its unified social credit code (单位).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoiceBuyer {
    Person {
        name: ShortText,
    },
    Company {
        name: ShortText,
        taxpayer_id: TaxpayerId,
    },
}

impl InvoiceBuyer {
    pub fn name(&self) -> &ShortText {
        match self {
            Self::Person { name } | Self::Company { name, .. } => name,
        }
    }

    pub fn taxpayer_id(&self) -> Option<&TaxpayerId> {
        match self {
            Self::Person { .. } => None,
            Self::Company { taxpayer_id, .. } => Some(taxpayer_id),
        }
    }
}

/// Whom the invoice is made out to and where it goes (R15).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceDetails {
    pub buyer: InvoiceBuyer,
    /// Where the electronic invoice (or word of the paper one) is sent.
    pub email: EmailAddress,
    pub delivery: Delivery,
}

/// What an invoice for orders totalling `amount` is made out for: nothing
/// is invoiced for ¥0 (a returning holder's free mandatory hours, say).
pub fn invoiceable(amount: Fen) -> Result<Fen, InvoiceError> {
    if amount == Fen::ZERO {
        Err(InvoiceError::NothingPaid)
    } else {
        Ok(amount)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvoiceError {
    OrderCount,
    NothingPaid,
}

display_as_rejection!(InvoiceError);

impl Rejection for InvoiceError {
    fn code(&self) -> &'static str {
        match self {
            Self::OrderCount => "invoice.orders",
            Self::NothingPaid => "invoice.nothing_paid",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::OrderCount => {
                format!("请选择 1–{MAX_ORDERS_PER_INVOICE} 个已支付的订单。").into()
            }
            Self::NothingPaid => "这些订单实付金额为 0 元，无需开具发票。".into(),
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::OrderCount => format!("Choose 1 to {MAX_ORDERS_PER_INVOICE} paid orders.").into(),
            Self::NothingPaid => {
                "Nothing was paid for these orders: there is nothing to invoice.".into()
            }
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
    fn nothing_is_invoiced_for_nothing_paid() {
        assert_eq!(invoiceable(Fen::ZERO), Err(InvoiceError::NothingPaid));
        assert_eq!(invoiceable(Fen::new(1)), Ok(Fen::new(1)));
    }

    #[test]
    fn a_person_has_no_taxpayer_id_and_a_company_has_one() {
        let name = ShortText::parse("钟检").unwrap();
        let person = InvoiceBuyer::Person { name: name.clone() };
        assert_eq!((person.name(), person.taxpayer_id()), (&name, None));
        let id = TaxpayerId::parse("91350100M000100Y43").unwrap();
        let company = InvoiceBuyer::Company {
            name: name.clone(),
            taxpayer_id: id.clone(),
        };
        assert_eq!(company.taxpayer_id(), Some(&id));
    }

    #[test]
    fn the_message_states_the_limit_it_enforces() {
        assert!(InvoiceError::OrderCount.message_en().contains("20"));
    }
}
