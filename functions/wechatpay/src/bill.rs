//! WeChat Pay's trade bill (交易账单, API v3), with no I/O: what
//! `GET /v3/bill/tradebill` answers, the file's SHA1 check, and the file
//! parsed into typed rows.
//!
//! The file (documented as "交易账单文件格式"): a header line of column names,
//! one line per payment or refund (every field prefixed with a backtick so
//! that spreadsheets keep long numbers whole), then a summary header
//! (总交易单数,应结订单总金额,…) and its values. Columns are found by their
//! names, not their places: WeChat Pay says their order may change. Amounts
//! are yuan with two decimals and become fen exactly (never through a float);
//! times are China time (UTC+8). A payment's row is dated by its success
//! time, a refund's by when the refund was accepted.

use std::collections::HashMap;

use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

/// The answer of `GET /v3/bill/tradebill`: where to download the file, and its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillLocation {
    pub hash_type: String,
    pub hash_value: String,
    pub download_url: String,
}

impl BillLocation {
    /// Checks the downloaded file against the hash WeChat Pay announced.
    pub fn check(&self, file: &[u8]) -> Result<(), BillError> {
        if !self.hash_type.eq_ignore_ascii_case("SHA1") {
            return Err(BillError::HashType(self.hash_type.clone()));
        }
        if hex::encode(Sha1::digest(file)).eq_ignore_ascii_case(self.hash_value.trim()) {
            Ok(())
        } else {
            Err(BillError::HashMismatch)
        }
    }
}

/// The SHA1 of a file, lower-case hex, as `hash_value` carries it (for simulators and tests).
pub fn sha1_hex(file: &[u8]) -> String {
    hex::encode(Sha1::digest(file))
}

/// The error code of a day without a bill: such a day is an empty bill.
pub const NO_STATEMENT: &str = "NO_STATEMENT_EXIST";

/// Why a bill was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BillError {
    #[error("the bill's hash type is {0}, not SHA1")]
    HashType(String),
    #[error("the bill file does not match its SHA1 hash_value")]
    HashMismatch,
    #[error("the bill file is not UTF-8")]
    Encoding,
    #[error("the bill file is empty")]
    Empty,
    #[error("the bill's header lacks the column {0}")]
    MissingColumn(&'static str),
    #[error("the bill has no summary lines (总交易单数…): the file is cut short")]
    NoSummary,
    #[error("line {line} of the bill: {problem}")]
    Line { line: usize, problem: String },
}

/// A row's 交易状态.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TradeState {
    /// A payment.
    Success,
    /// A refund of a payment (the row is the refund's).
    Refund,
    /// A payment revoked (撤销).
    Revoked,
    Other(String),
}

impl TradeState {
    fn parse(text: &str) -> Self {
        match text {
            "SUCCESS" => Self::Success,
            "REFUND" => Self::Refund,
            "REVOKED" => Self::Revoked,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Success => "SUCCESS",
            Self::Refund => "REFUND",
            Self::Revoked => "REVOKED",
            Self::Other(other) => other,
        }
    }
}

/// One line of the bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillRow {
    /// 交易时间, China time: a payment's success, a refund's acceptance.
    pub traded_at: DateTime,
    pub appid: String,
    pub mchid: String,
    /// 微信订单号.
    pub transaction_id: String,
    /// 商户订单号: our order number.
    pub out_trade_no: String,
    /// NATIVE, JSAPI, MWEB …
    pub trade_type: String,
    pub state: TradeState,
    pub currency: String,
    /// 应结订单金额 in fen: what the payment settles (after 代金券).
    pub settled_fen: u64,
    /// 订单金额 in fen: the order's amount.
    pub order_fen: u64,
    /// On a refund row, the refund.
    pub refund: Option<BillRefund>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillRefund {
    /// 微信退款单号.
    pub refund_id: String,
    /// 商户退款单号.
    pub out_refund_no: String,
    /// 退款金额 in fen.
    pub amount_fen: u64,
    /// 退款状态 when the bill was made.
    pub status: String,
}

/// The summary lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillSummary {
    /// 总交易单数.
    pub trades: u64,
    /// 应结订单总金额 in fen.
    pub settled_fen: u64,
    /// 退款总金额 in fen.
    pub refunded_fen: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeBill {
    pub rows: Vec<BillRow>,
    pub summary: BillSummary,
}

impl TradeBill {
    /// The day without trades: what a `NO_STATEMENT_EXIST` answer stands for.
    pub fn empty() -> Self {
        Self {
            rows: Vec::new(),
            summary: BillSummary {
                trades: 0,
                settled_fen: 0,
                refunded_fen: 0,
            },
        }
    }

    /// The payment rows (交易状态 SUCCESS).
    pub fn payments(&self) -> impl Iterator<Item = &BillRow> {
        self.rows
            .iter()
            .filter(|row| row.state == TradeState::Success)
    }
}

/// The detail columns, in the order WeChat Pay documents them (and writes them today).
pub const DETAIL_HEADER: [&str; 27] = [
    "交易时间",
    "公众账号ID",
    "商户号",
    "特约商户号",
    "设备号",
    "微信订单号",
    "商户订单号",
    "用户标识",
    "交易类型",
    "交易状态",
    "付款银行",
    "货币种类",
    "应结订单金额",
    "代金券金额",
    "微信退款单号",
    "商户退款单号",
    "退款金额",
    "充值券退款金额",
    "退款类型",
    "退款状态",
    "商品名称",
    "商户数据包",
    "手续费",
    "费率",
    "订单金额",
    "申请退款金额",
    "费率备注",
];

pub const SUMMARY_HEADER: [&str; 7] = [
    "总交易单数",
    "应结订单总金额",
    "退款总金额",
    "充值券退款总金额",
    "手续费总金额",
    "订单总金额",
    "申请退款总金额",
];

/// Parses a bill file: a UTF-8 BOM and CRLF line ends are tolerated, blank
/// lines skipped; anything else out of shape is refused naming its line.
pub fn parse_trade_bill(file: &[u8]) -> Result<TradeBill, BillError> {
    let text = std::str::from_utf8(file).map_err(|_| BillError::Encoding)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .enumerate()
        .map(|(index, line)| (index + 1, line))
        .filter(|(_, line)| !line.trim().is_empty());
    let (_, header) = lines.next().ok_or(BillError::Empty)?;
    let columns = Columns::of(header)?;
    let mut rows = Vec::new();
    let summary = loop {
        let Some((number, line)) = lines.next() else {
            return Err(BillError::NoSummary);
        };
        let fields = split(line);
        if fields.first().map(|f| f.trim()) == Some(SUMMARY_HEADER[0]) {
            let (number, values) = lines.next().ok_or(BillError::NoSummary)?;
            break summary(&fields, &split(values)).map_err(|problem| BillError::Line {
                line: number,
                problem,
            })?;
        }
        rows.push(columns.row(&fields).map_err(|problem| BillError::Line {
            line: number,
            problem,
        })?);
    };
    if let Some((line, _)) = lines.next() {
        return Err(BillError::Line {
            line,
            problem: "a line after the summary".to_owned(),
        });
    }
    Ok(TradeBill { rows, summary })
}

/// A field without the backtick WeChat Pay puts before it.
fn field(text: &str) -> &str {
    let text = text.trim();
    text.strip_prefix('`').unwrap_or(text)
}

/// Fields are separated by commas and never quoted (WeChat Pay removes commas from product names).
fn split(line: &str) -> Vec<&str> {
    line.split(',').map(field).collect()
}

/// Yuan with two decimals (`45.00`, `` `0.01 ``, `-0.60`) in fen, exactly; negatives are refused.
pub fn yuan_to_fen(text: &str) -> Result<u64, String> {
    let text = field(text);
    let (whole, cents) = text.split_once('.').unwrap_or((text, "00"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || cents.len() != 2 || !digits(cents) {
        return Err(format!("{text:?} is not an amount in yuan"));
    }
    whole
        .parse::<u64>()
        .ok()
        .and_then(|yuan| yuan.checked_mul(100))
        .and_then(|fen| fen.checked_add(cents.parse::<u64>().ok()?))
        .ok_or_else(|| format!("{text:?} is too large"))
}

/// Fen as the bill writes yuan: `450.00`.
pub fn fen_to_yuan(fen: u64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

struct Columns {
    index: HashMap<&'static str, usize>,
    width: usize,
}

impl Columns {
    /// Every column reconciliation reads must be there; others may come and go.
    const NEEDED: [&'static str; 14] = [
        "交易时间",
        "公众账号ID",
        "商户号",
        "微信订单号",
        "商户订单号",
        "交易类型",
        "交易状态",
        "货币种类",
        "应结订单金额",
        "微信退款单号",
        "商户退款单号",
        "退款金额",
        "退款状态",
        "订单金额",
    ];

    fn of(header: &str) -> Result<Self, BillError> {
        let names = split(header);
        let mut index = HashMap::new();
        for needed in Self::NEEDED {
            let at = names
                .iter()
                .position(|name| *name == needed)
                .ok_or(BillError::MissingColumn(needed))?;
            index.insert(needed, at);
        }
        Ok(Self {
            index,
            width: names.len(),
        })
    }

    fn row(&self, fields: &[&str]) -> Result<BillRow, String> {
        if fields.len() != self.width {
            return Err(format!(
                "{} fields where the header has {}",
                fields.len(),
                self.width
            ));
        }
        let get = |name: &str| fields[self.index[name]];
        let amount = |name: &str| yuan_to_fen(get(name)).map_err(|e| format!("{name}: {e}"));
        let traded_at: DateTime = get("交易时间")
            .replace(' ', "T")
            .parse()
            .map_err(|_| format!("交易时间 {:?} is not a date and time", get("交易时间")))?;
        let state = TradeState::parse(get("交易状态"));
        for name in ["微信订单号", "商户订单号"] {
            if get(name).is_empty() {
                return Err(format!("{name} is empty"));
            }
        }
        let refund = if state == TradeState::Refund {
            Some(BillRefund {
                refund_id: get("微信退款单号").to_owned(),
                out_refund_no: get("商户退款单号").to_owned(),
                amount_fen: amount("退款金额")?,
                status: get("退款状态").to_owned(),
            })
        } else {
            None
        };
        Ok(BillRow {
            traded_at,
            appid: get("公众账号ID").to_owned(),
            mchid: get("商户号").to_owned(),
            transaction_id: get("微信订单号").to_owned(),
            out_trade_no: get("商户订单号").to_owned(),
            trade_type: get("交易类型").to_owned(),
            state,
            currency: get("货币种类").to_owned(),
            settled_fen: amount("应结订单金额")?,
            order_fen: amount("订单金额")?,
            refund,
        })
    }
}

fn summary(header: &[&str], values: &[&str]) -> Result<BillSummary, String> {
    if header.len() != values.len() {
        return Err("the summary's values do not match its header".to_owned());
    }
    let get = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .map(|at| values[at])
            .ok_or_else(|| format!("the summary lacks {name}"))
    };
    let trades = get("总交易单数")?;
    Ok(BillSummary {
        trades: trades
            .parse()
            .map_err(|_| format!("总交易单数 {trades:?} is not a count"))?,
        settled_fen: yuan_to_fen(get("应结订单总金额")?)?,
        refunded_fen: yuan_to_fen(get("退款总金额")?)?,
    })
}

/// A payment as the simulator writes it into a bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillPayment {
    pub traded_at: DateTime,
    pub appid: String,
    pub mchid: String,
    pub transaction_id: String,
    pub out_trade_no: String,
    pub trade_type: String,
    pub total_fen: u64,
}

/// A bill file of payments, in WeChat Pay's format (CRLF, backticks, summary);
/// for simulators and tests.
pub fn write_trade_bill(payments: &[BillPayment]) -> String {
    let mut file = DETAIL_HEADER.join(",");
    file.push_str("\r\n");
    for payment in payments {
        let yuan = fen_to_yuan(payment.total_fen);
        let fields = [
            payment.traded_at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
            payment.appid.clone(),
            payment.mchid.clone(),
            "0".to_owned(),
            String::new(),
            payment.transaction_id.clone(),
            payment.out_trade_no.clone(),
            "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".to_owned(),
            payment.trade_type.clone(),
            "SUCCESS".to_owned(),
            "OTHERS".to_owned(),
            "CNY".to_owned(),
            yuan.clone(),
            "0.00".to_owned(),
            "0".to_owned(),
            "0".to_owned(),
            "0.00".to_owned(),
            "0.00".to_owned(),
            String::new(),
            String::new(),
            "继续教育学时".to_owned(),
            String::new(),
            "0.00".to_owned(),
            "0.60%".to_owned(),
            yuan,
            "0.00".to_owned(),
            String::new(),
        ];
        let line: Vec<String> = fields.iter().map(|f| format!("`{f}")).collect();
        file.push_str(&line.join(","));
        file.push_str("\r\n");
    }
    let total: u64 = payments.iter().map(|p| p.total_fen).sum();
    file.push_str(&SUMMARY_HEADER.join(","));
    file.push_str("\r\n");
    let summary = [
        payments.len().to_string(),
        fen_to_yuan(total),
        "0.00".to_owned(),
        "0.00".to_owned(),
        "0.00".to_owned(),
        fen_to_yuan(total),
        "0.00".to_owned(),
    ];
    let line: Vec<String> = summary.iter().map(|f| format!("`{f}")).collect();
    file.push_str(&line.join(","));
    file.push_str("\r\n");
    file
}

#[cfg(test)]
mod tests;
