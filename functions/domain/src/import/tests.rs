use jiff::civil::date;

use super::*;
use crate::learner::LearnerCategory;

const TODAY: Date = date(2026, 11, 27);
const HEADER: &str = "name,id_number,category,certificate_kind,original_certificate_no,learning_started_on,title_kind,issuing_authority,title_certificate_no,certificate_no,cycle_start,cycle_end,hours,issued_on,valid_until,status";
const HOLDER: &str = "钟检,110105199004086782,holder,level_examination,CIE-2015-0012,,,,,JX-2019-0001,2015-07-06,2019-07-05,40,2019-07-20,2023-07-06,";
const NEW: &str = "钟新,11010519491231002X,new,,,2016-03-01,,,,JX-2020-0002,2016-03-01,2020-02-29,40,2020-03-10,2024-03-01,valid";
const TITLED: &str = "钟职,110105199004086782,titled,,,,高级工程师,北京市人力资源和社会保障局,京高职（2020）0815,jx-2021-0003,2017-01-01,2020-12-31,40,2021-01-15,2025-01-15,revoked";

fn file(rows: &[&str]) -> String {
    std::iter::once(HEADER)
        .chain(rows.iter().copied())
        .collect::<Vec<_>>()
        .join("\n")
}

fn one(row: &str) -> Result<PriorCertificate, RowRejection> {
    let mut parsed = ImportFile::parse(&file(&[row]), TODAY).expect("a usable file");
    assert_eq!(parsed.rows.len(), 1);
    parsed.rows.remove(0).certificate
}

fn refused(row: &str) -> (Option<&'static str>, &'static str) {
    let rejection = one(row).expect_err("refused");
    (rejection.column.map(Column::name), rejection.code())
}

/// `row` with the cell of `column` replaced.
fn with(row: &str, column: Column, value: &str) -> String {
    let mut cells: Vec<&str> = row.split(',').collect();
    cells[column as usize] = value;
    cells.join(",")
}

#[test]
fn each_category_is_read_into_the_certificate_it_states() {
    let holder = one(HOLDER).unwrap();
    assert_eq!(holder.data.no, "JX-2019-0001");
    assert_eq!(holder.data.hours, 40);
    assert!(!holder.revoked);
    let LearnerKind::Holder(details) = &holder.data.kind else {
        panic!("{holder:?}")
    };
    assert_eq!(details.expires_on, date(2023, 7, 6), "its own expiry");
    assert_eq!(details.original_certificate_no.as_str(), "CIE-2015-0012");

    let new = one(NEW).unwrap();
    assert_eq!(new.data.kind.category(), LearnerCategory::New);

    let titled = one(TITLED).unwrap();
    assert_eq!(titled.data.kind.category(), LearnerCategory::Titled);
    assert_eq!(titled.data.no, "JX-2021-0003", "upper-cased");
    assert!(titled.revoked);
}

#[test]
fn rows_are_numbered_by_their_line_and_judged_apart() {
    let text = file(&[HOLDER, &with(HOLDER, Column::Hours, "41"), NEW]);
    let parsed = ImportFile::parse(&text, TODAY).unwrap();
    let lines: Vec<_> = parsed.rows.iter().map(|row| row.line).collect();
    assert_eq!(lines, [2, 3, 4]);
    assert!(parsed.rows[0].certificate.is_ok());
    assert_eq!(
        parsed.rows[1].certificate.as_ref().unwrap_err().code(),
        "import.hours"
    );
    assert!(parsed.rows[2].certificate.is_ok());
}

#[test]
fn chinese_headers_in_any_order_and_without_optional_columns_are_read() {
    let text = "证书编号,姓名,身份证号码,学员类别,开始学习日期,周期开始,周期结束,学时,发证日期,有效期至\n\
                JX-2020-0002,钟新,11010519491231002X,新入行及其他,2016-03-01,2016-03-01,2020-02-29,40,2020-03-10,2024-03-01\n";
    let parsed = ImportFile::parse(text, TODAY).unwrap();
    let certificate = parsed.rows[0].certificate.as_ref().unwrap();
    assert_eq!(certificate.data.no, "JX-2020-0002");
    assert!(!certificate.revoked);
}

#[test]
fn the_same_data_hashes_like_an_issued_certificate() {
    let first = one(HOLDER).unwrap();
    let again = one(HOLDER).unwrap();
    assert_eq!(first.data.hash(), again.data.hash());
    assert_ne!(first.data.hash(), one(NEW).unwrap().data.hash());
}

#[test]
fn each_broken_rule_is_refused_with_its_column_and_code() {
    let cases: Vec<(String, Option<&str>, &str)> = vec![
        (
            with(HOLDER, Column::Name, "钟1"),
            Some("name"),
            "name.characters",
        ),
        (
            with(HOLDER, Column::IdNumber, "110105199004086789"),
            Some("id_number"),
            "id_number.check_character",
        ),
        (
            with(HOLDER, Column::IdNumber, "1101051990040867"),
            Some("id_number"),
            "id_number.length",
        ),
        (
            with(HOLDER, Column::Category, "student"),
            Some("category"),
            "import.category",
        ),
        (
            with(HOLDER, Column::CertificateKind, "diploma"),
            Some("certificate_kind"),
            "import.certificate_kind",
        ),
        (
            with(HOLDER, Column::OriginalCertificateNo, ""),
            Some("original_certificate_no"),
            "text.empty",
        ),
        (
            with(HOLDER, Column::TitleKind, "工程师"),
            Some("title_kind"),
            "import.field_not_for_category",
        ),
        (
            with(NEW, Column::LearningStartedOn, ""),
            Some("learning_started_on"),
            "text.empty",
        ),
        (
            with(NEW, Column::LearningStartedOn, "2021-01-01"),
            Some("learning_started_on"),
            "import.learning_started_on",
        ),
        (
            with(TITLED, Column::IssuingAuthority, ""),
            Some("issuing_authority"),
            "text.empty",
        ),
        (
            with(HOLDER, Column::CertificateNo, "JX 2019"),
            Some("certificate_no"),
            "import.certificate_number",
        ),
        (
            with(HOLDER, Column::CertificateNo, "TIC-2019-H-ABCDEFGH2345"),
            Some("certificate_no"),
            "import.platform_number",
        ),
        (
            with(HOLDER, Column::CycleStart, "2015/07/06"),
            Some("cycle_start"),
            "date.invalid",
        ),
        (
            with(HOLDER, Column::Hours, "0"),
            Some("hours"),
            "import.hours",
        ),
        (
            with(HOLDER, Column::Hours, "forty"),
            Some("hours"),
            "import.hours",
        ),
        (
            with(HOLDER, Column::Status, "lost"),
            Some("status"),
            "import.status",
        ),
        (
            with(HOLDER, Column::CycleEnd, "2015-07-06"),
            Some("cycle_end"),
            "import.cycle_dates",
        ),
        (
            with(HOLDER, Column::ValidUntil, "2019-07-04"),
            Some("valid_until"),
            "import.valid_until",
        ),
        (
            with(HOLDER, Column::IssuedOn, "2015-07-05"),
            Some("issued_on"),
            "import.issued_before_cycle",
        ),
        (
            with(HOLDER, Column::IssuedOn, "2026-11-28"),
            Some("issued_on"),
            "import.issued_in_future",
        ),
        (format!("{HOLDER},extra"), None, "import.field_count"),
    ];
    for (row, column, code) in cases {
        assert_eq!(refused(&row), (column, code), "{row}");
    }
}

#[test]
fn a_rejection_names_the_column_and_never_repeats_the_cell() {
    let rejection = one(&with(HOLDER, Column::IdNumber, "110105199004086789")).unwrap_err();
    for message in [rejection.message_zh(), rejection.message_en()] {
        assert!(message.contains("id_number"), "{message}");
        assert!(!message.contains("110105"), "{message}");
    }
    let rejection = one(&with(HOLDER, Column::Category, "钟检110105")).unwrap_err();
    assert!(!rejection.to_string().contains("110105"));
}

#[test]
fn a_file_that_cannot_be_read_as_a_register_is_refused_whole() {
    let parse = |text: &str| ImportFile::parse(text, TODAY).map(|_| ()).unwrap_err();
    assert_eq!(parse("").code(), "import.no_header");
    // A file without its header row: the first person's data is taken for
    // headers, and the refusal names the position, not the text.
    let headless = parse(HOLDER);
    assert_eq!(headless, ImportFileError::UnknownColumn { position: 1 });
    assert!(!headless.to_string().contains("110105"));
    assert_eq!(
        parse(&format!("{HEADER},name\n")),
        ImportFileError::DuplicateColumn { position: 17 }
    );
    assert_eq!(
        parse("name,id_number,category\n"),
        ImportFileError::MissingColumn {
            column: "certificate_no"
        }
    );
    assert_eq!(parse(&format!("{HEADER}\n")), ImportFileError::NoRows);
}

#[test]
fn more_rows_than_one_request_can_take_are_refused_whole() {
    let rows = vec![HOLDER; MAX_IMPORT_ROWS + 1];
    let refused = ImportFile::parse(&file(&rows), TODAY).unwrap_err();
    assert_eq!(refused, ImportFileError::TooManyRows);
    assert!(refused.message_en().contains("2000"));
    assert_eq!(
        ImportFile::parse(&file(&rows[1..]), TODAY)
            .unwrap()
            .rows
            .len(),
        MAX_IMPORT_ROWS
    );
}

#[test]
fn certificate_numbers_have_one_shape_for_platform_and_association() {
    assert!(is_certificate_number("TIC-2023-H-7Q4K9M2XABCD"));
    assert!(is_certificate_number("A123"));
    assert!(!is_certificate_number("A12"));
    assert!(!is_certificate_number(&"A".repeat(41)));
    assert!(!is_certificate_number("a123"));
}
