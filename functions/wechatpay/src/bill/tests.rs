use super::*;

const BILL: &[u8] = include_bytes!("../../tests/fixtures/tradebill-2026-12-01.csv");
const BILL_BOM_CRLF: &[u8] = include_bytes!("../../tests/fixtures/tradebill-bom-crlf.csv");

fn at(text: &str) -> DateTime {
    text.parse().unwrap()
}

#[test]
fn a_bill_becomes_typed_payment_and_refund_rows_in_fen() {
    let bill = parse_trade_bill(BILL).unwrap();
    assert_eq!(bill.rows.len(), 3);
    let paid = &bill.rows[0];
    assert_eq!(paid.traded_at, at("2026-12-01T09:15:02"));
    assert_eq!(paid.transaction_id, "4200002026120112345678901234");
    assert_eq!(paid.out_trade_no, "TIC20261201ABCDEF1234");
    assert_eq!(
        (paid.mchid.as_str(), paid.appid.as_str()),
        ("1900000109", "wxd678efh567hg6787")
    );
    assert_eq!(paid.state, TradeState::Success);
    assert_eq!((paid.settled_fen, paid.order_fen), (45_000, 45_000));
    assert_eq!(paid.refund, None);

    let refund = &bill.rows[1];
    assert_eq!(refund.state, TradeState::Refund);
    assert_eq!(
        refund.refund,
        Some(BillRefund {
            refund_id: "50300002026120100000000001".to_owned(),
            out_refund_no: "RF20261201ABCDEF".to_owned(),
            amount_fen: 15_000,
            status: "SUCCESS".to_owned(),
        })
    );
    assert_eq!(bill.rows[2].settled_fen, 1, "one fen stays one fen");
    assert_eq!(
        bill.summary,
        BillSummary {
            trades: 3,
            settled_fen: 45_001,
            refunded_fen: 15_000,
        }
    );
    let payments: Vec<_> = bill.payments().map(|r| r.out_trade_no.as_str()).collect();
    assert_eq!(payments, ["TIC20261201ABCDEF1234", "TIC20261201LATE000001"]);
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_change_nothing() {
    assert_eq!(
        parse_trade_bill(BILL_BOM_CRLF).unwrap(),
        parse_trade_bill(BILL).unwrap()
    );
}

#[test]
fn columns_are_found_by_name_in_any_order() {
    let text = "商户订单号,交易状态,交易时间,公众账号ID,商户号,微信订单号,交易类型,货币种类,应结订单金额,微信退款单号,商户退款单号,退款金额,退款状态,订单金额\n\
                `TIC1,`SUCCESS,`2026-12-01 10:00:00,`wx1,`19,`42001,`NATIVE,`CNY,`1.23,`0,`0,`0.00,`,`1.23\n\
                总交易单数,应结订单总金额,退款总金额\n`1,`1.23,`0.00\n";
    let bill = parse_trade_bill(text.as_bytes()).unwrap();
    assert_eq!(bill.rows[0].out_trade_no, "TIC1");
    assert_eq!(bill.rows[0].settled_fen, 123);
}

#[test]
fn yuan_become_fen_exactly_and_odd_amounts_are_refused() {
    assert_eq!(yuan_to_fen("`450.00"), Ok(45_000));
    assert_eq!(yuan_to_fen("0.29"), Ok(29));
    assert_eq!(yuan_to_fen("12"), Ok(1_200));
    // 0.29 * 100 is 28.999999999999996 as a float.
    assert_eq!(yuan_to_fen("1234567.89"), Ok(123_456_789));
    for bad in [
        "",
        "1.2",
        "1.234",
        "-1.00",
        "1,00",
        "abc",
        "1.0a",
        "99999999999999999999.00",
    ] {
        assert!(yuan_to_fen(bad).is_err(), "{bad}");
    }
    assert_eq!(fen_to_yuan(45_001), "450.01");
}

#[test]
fn a_file_cut_short_is_refused_for_its_missing_summary() {
    let text = std::str::from_utf8(BILL).unwrap();
    let cut: String = text.lines().take(3).collect::<Vec<_>>().join("\n");
    assert_eq!(parse_trade_bill(cut.as_bytes()), Err(BillError::NoSummary));
}

#[test]
fn malformed_files_are_refused_naming_the_problem() {
    assert_eq!(parse_trade_bill(b""), Err(BillError::Empty));
    assert_eq!(parse_trade_bill(b"\xff\xfe"), Err(BillError::Encoding));
    assert_eq!(
        parse_trade_bill("交易时间,商户号\n".as_bytes()),
        Err(BillError::MissingColumn("公众账号ID"))
    );
    let text = std::str::from_utf8(BILL).unwrap();
    let bad_amount = text.replacen("`450.00", "`450.0", 1);
    let error = parse_trade_bill(bad_amount.as_bytes()).unwrap_err();
    assert!(
        matches!(&error, BillError::Line { line: 2, problem } if problem.contains("应结订单金额")),
        "{error}"
    );
    let bad_time = text.replacen("2026-12-01 09:15:02", "2026-13-01 09:15:02", 1);
    assert!(matches!(
        parse_trade_bill(bad_time.as_bytes()),
        Err(BillError::Line { line: 2, .. })
    ));
    let short_row = text.replacen(",`0.60%,`450.00,`0.00,`", ",`0.60%,`450.00", 1);
    assert!(matches!(
        parse_trade_bill(short_row.as_bytes()),
        Err(BillError::Line { line: 2, .. })
    ));
    let trailing = format!("{text}`extra\n");
    assert!(matches!(
        parse_trade_bill(trailing.as_bytes()),
        Err(BillError::Line { line: 7, .. })
    ));
}

#[test]
fn the_file_must_match_its_announced_sha1() {
    let location = BillLocation {
        hash_type: "SHA1".to_owned(),
        hash_value: sha1_hex(BILL).to_uppercase(),
        download_url: "https://api.mch.weixin.qq.com/v3/billdownload/file?token=x".to_owned(),
    };
    assert_eq!(location.check(BILL), Ok(()));
    assert_eq!(location.check(BILL_BOM_CRLF), Err(BillError::HashMismatch));
    let md5 = BillLocation {
        hash_type: "MD5".to_owned(),
        ..location
    };
    assert_eq!(md5.check(BILL), Err(BillError::HashType("MD5".to_owned())));
    assert_eq!(
        sha1_hex(b"abc"),
        "a9993e364706816aba3e25717850c26c9cd0d89d",
        "FIPS 180 test vector"
    );
}

#[test]
fn a_bill_the_simulator_writes_reads_back() {
    let payments = vec![BillPayment {
        traded_at: at("2026-12-01T23:59:58"),
        appid: "wx1".to_owned(),
        mchid: "19".to_owned(),
        transaction_id: "4200001".to_owned(),
        out_trade_no: "TIC1".to_owned(),
        trade_type: "NATIVE".to_owned(),
        total_fen: 60_000,
    }];
    let bill = parse_trade_bill(write_trade_bill(&payments).as_bytes()).unwrap();
    assert_eq!(bill.rows.len(), 1);
    assert_eq!(bill.rows[0].traded_at, at("2026-12-01T23:59:58"));
    assert_eq!(bill.rows[0].settled_fen, 60_000);
    assert_eq!(bill.summary.trades, 1);
    assert_eq!(bill.summary.settled_fen, 60_000);
    let empty = parse_trade_bill(write_trade_bill(&[]).as_bytes()).unwrap();
    assert_eq!(empty, TradeBill::empty());
}

mod properties {
    use proptest::prelude::*;

    use super::super::*;

    proptest! {
        #[test]
        fn any_amount_in_fen_survives_the_trip_through_yuan(fen in 0u64..=u64::MAX / 100) {
            prop_assert_eq!(yuan_to_fen(&fen_to_yuan(fen)), Ok(fen));
        }

        #[test]
        fn any_bytes_are_parsed_or_refused_never_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_trade_bill(&bytes);
        }

        #[test]
        fn any_line_after_a_real_header_is_parsed_or_refused_never_a_panic(line in "[`0-9A-Za-z.,: -]{0,200}") {
            let file = format!("{}\n{line}\n{}\n`1,`0.00,`0.00,`0.00,`0.00,`0.00,`0.00\n", DETAIL_HEADER.join(","), SUMMARY_HEADER.join(","));
            let _ = parse_trade_bill(file.as_bytes());
        }
    }
}
