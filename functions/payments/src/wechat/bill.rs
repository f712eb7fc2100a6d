//! Downloading WeChat Pay's trade bill (交易账单) of a day: the signed
//! request for its location, the signed download (the signature covers the
//! download URL's path and query), the SHA1 check, the parse.

use jiff::civil::Date;
use ticedu_wechatpay::bill::{BillError, BillLocation, NO_STATEMENT, TradeBill, parse_trade_bill};

use super::WeChatPay;

/// Why no bill was had.
#[derive(Debug, thiserror::Error)]
pub enum BillDownloadError {
    #[error("WeChat Pay bill request: {0}")]
    Request(String),
    #[error(transparent)]
    Bill(#[from] BillError),
}

fn request_error(error: impl std::fmt::Display) -> BillDownloadError {
    BillDownloadError::Request(error.to_string())
}

impl WeChatPay {
    /// One signed GET; the signature covers `path_and_query`, the request goes to `url`.
    async fn signed_get(
        &self,
        path_and_query: &str,
        url: &str,
        timestamp: i64,
        nonce: &str,
    ) -> Result<(reqwest::StatusCode, Vec<u8>), BillDownloadError> {
        let authorization =
            self.merchant
                .authorization("GET", path_and_query, "", timestamp, nonce);
        let response = self
            .http
            .get(url)
            .header("Authorization", authorization)
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(request_error)?;
        let status = response.status();
        let body = response.bytes().await.map_err(request_error)?;
        Ok((status, body.to_vec()))
    }

    /// The `ALL` trade bill of `day` (China time): payments and refunds. A day
    /// without trades (`NO_STATEMENT_EXIST`) is an empty bill.
    pub async fn trade_bill(
        &self,
        day: Date,
        timestamp: i64,
        nonce: &str,
    ) -> Result<TradeBill, BillDownloadError> {
        let path = format!("/v3/bill/tradebill?bill_date={day}&bill_type=ALL");
        let (status, body) = self
            .signed_get(&path, &format!("{}{path}", self.base_url), timestamp, nonce)
            .await?;
        if !status.is_success() {
            let answer: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            if answer["code"] == NO_STATEMENT {
                return Ok(TradeBill::empty());
            }
            return Err(BillDownloadError::Request(format!(
                "{status}: {}",
                answer["code"]
            )));
        }
        let location: BillLocation = serde_json::from_slice(&body).map_err(request_error)?;
        let url = reqwest::Url::parse(&location.download_url).map_err(request_error)?;
        let signed = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        let (status, file) = self
            .signed_get(&signed, url.as_str(), timestamp, nonce)
            .await?;
        if !status.is_success() {
            return Err(BillDownloadError::Request(format!(
                "{status} downloading the bill"
            )));
        }
        location.check(&file)?;
        Ok(parse_trade_bill(&file)?)
    }
}
