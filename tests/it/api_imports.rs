//! Staff import the association's register of certificates issued before
//! the platform: verifiable at once (R21), and their holders register as
//! returning learners (R12). On both stores.

use reqwest::StatusCode;
use serde_json::{Value, json};
use ticedu_store::{LearnerStore, Store};
use ticedu_tests::fixtures::{TODAY, id_number, id_number_seed};

use crate::helpers::*;

const HEADER: &str = "name,id_number,category,certificate_kind,original_certificate_no,learning_started_on,title_kind,issuing_authority,title_certificate_no,certificate_no,cycle_start,cycle_end,hours,issued_on,valid_until,status";

/// A fresh valid ID number, as typed.
fn fresh_id_number() -> String {
    id_number(id_number_seed()).expose().to_owned()
}

/// A fresh certificate number of the association's older shape.
fn fresh_number(prefix: &str) -> String {
    format!("{prefix}-{:08}", id_number_seed() % 100_000_000)
}

/// One holder's row: certificate `no`, valid until `valid_until`.
fn holder_row(id_number: &str, no: &str, valid_until: &str) -> String {
    format!(
        "钟检,{id_number},holder,level_examination,CIE-2015-0012,,,,,{no},2019-07-06,2023-07-05,40,2023-07-20,{valid_until},"
    )
}

struct Register {
    csv: String,
    /// The holder whose two certificates are good rows.
    holder: String,
    current: String,
    expired: String,
    /// Every ID number in the file, good or bad.
    id_numbers: Vec<String>,
}

/// A register with two good rows (lines 2 and 7) and four bad ones between.
fn register() -> Register {
    let holder = fresh_id_number();
    let (current, expired) = (fresh_number("JX"), fresh_number("JX"));
    let other = fresh_id_number();
    // The check character of a valid number, changed.
    let wrong_check = {
        let mut number = fresh_id_number();
        let last = number.pop().unwrap();
        number.push(if last == '0' { '1' } else { '0' });
        number
    };
    let rows = [
        holder_row(&holder, &current, "2027-07-20"),
        holder_row(&wrong_check, &fresh_number("JX"), "2027-07-20"),
        format!(
            "钟检,{other},holder,level_examination,CIE-2015-0013,,,,,{},2023-07-05,2019-07-06,40,2023-07-20,2027-07-20,",
            fresh_number("JX")
        ),
        format!(
            "钟检,{other},student,,,,,,,{},2019-07-06,2023-07-05,40,2023-07-20,2027-07-20,",
            fresh_number("JX")
        ),
        format!(
            "钟检,{other},holder,qualification,,,,,,{},2019-07-06,2023-07-05,40,2023-07-20,2027-07-20,",
            fresh_number("JX")
        ),
        holder_row(&holder, &expired, "2023-07-20").replace("2019-07-06", "2015-07-06"),
    ];
    Register {
        csv: std::iter::once(HEADER.to_owned())
            .chain(rows)
            .collect::<Vec<_>>()
            .join("\n"),
        id_numbers: vec![holder.clone(), wrong_check, other],
        holder,
        current,
        expired,
    }
}

fn rejected_lines(report: &Value) -> Vec<(u64, String)> {
    report["rejected"]
        .as_array()
        .expect("rejected rows")
        .iter()
        .map(|row| {
            (
                row["line"].as_u64().unwrap(),
                row["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A debug or trace line of the AWS SDK, which the platform never emits.
fn sdk_detail(line: &str) -> bool {
    let below_info = line.contains("\"level\":\"TRACE\"") || line.contains("\"level\":\"DEBUG\"");
    let sdk = line.contains("\"target\":\"aws_smithy") || line.contains("\"target\":\"aws_sdk");
    below_info && sdk
}

async fn imported_certificates_are_verifiable_and_their_holder_registers_as_returning<
    S: Store + Clone + 'static,
>(
    app: TestApp<S>,
) {
    logs::capture();
    let staff = app.staff_token().await;
    let register = register();

    let report = app
        .post(admin::IMPORTS, Some(&staff), json!({ "csv": register.csv }))
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert_eq!(
        (
            report.body["imported"].clone(),
            report.body["unchanged"].clone()
        ),
        (json!(2), json!(0))
    );
    assert_eq!(
        rejected_lines(&report.body),
        [
            (3, "id_number.check_character".to_owned()),
            (4, "import.cycle_dates".to_owned()),
            (5, "import.category".to_owned()),
            (6, "text.empty".to_owned()),
        ]
    );
    assert_eq!(
        report.body["rejected"][3]["column"],
        "original_certificate_no"
    );
    let answer = report.body.to_string();
    for number in &register.id_numbers {
        assert!(
            !answer.contains(number.as_str()),
            "the report repeats an ID number"
        );
        assert!(
            !answer.contains(&number[..14]),
            "the report repeats part of an ID number"
        );
    }
    assert!(!answer.contains("钟检"), "the report repeats a name");

    let current = app
        .get(&path(certificates::VERIFY, &[&register.current]), None)
        .await;
    assert_eq!(current.status, StatusCode::OK, "{}", current.body);
    assert_eq!(
        (
            current.text("status"),
            current.text("name"),
            current.text("valid_until")
        ),
        (
            "valid".to_owned(),
            "钟*".to_owned(),
            "2027-07-20".to_owned()
        )
    );
    let expired = app
        .get(&path(certificates::VERIFY, &[&register.expired]), None)
        .await;
    assert_eq!(expired.text("status"), "expired");

    let again = app
        .post(admin::IMPORTS, Some(&staff), json!({ "csv": register.csv }))
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(
        (
            again.body["imported"].clone(),
            again.body["unchanged"].clone()
        ),
        (json!(0), json!(2)),
        "importing the same register again changes nothing"
    );
    assert_eq!(rejected_lines(&again.body).len(), 4);

    let mut body = registration_as(Kind::Holder);
    body["id_number"] = json!(register.holder);
    let learner = app.register(&body).await;
    let stored = app.store.learner(&learner.id).await.unwrap().unwrap();
    assert!(
        stored.returning,
        "R12: they took part in an earlier renewal"
    );
    let mandatory = json!({ "items": [
        { "kind": "course", "id": "inspection-laws-and-regulations" },
        { "kind": "course", "id": "trade-self-discipline-code" },
        { "kind": "course", "id": "practitioner-code-of-conduct" } ] });
    let quote = app
        .post(payments::QUOTE, Some(&learner.token), mandatory)
        .await;
    assert_eq!(quote.status, StatusCode::OK, "{}", quote.body);
    assert_eq!(
        (
            quote.body["gross_fen"].clone(),
            quote.body["total_fen"].clone()
        ),
        (json!(15_000), json!(0)),
        "R12: the 10 mandatory hours are free"
    );
    let mine = app.get(certificates::MINE, Some(&learner.token)).await;
    let mut numbers: Vec<String> = mine.body["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .map(|certificate| certificate["no"].as_str().unwrap().to_owned())
        .collect();
    numbers.sort();
    let mut expected = vec![register.current.clone(), register.expired.clone()];
    expected.sort();
    assert_eq!(numbers, expected, "their imported certificates are theirs");

    let logged = logs::captured();
    for number in &register.id_numbers {
        // The capture takes every level of every crate; the platform's filter
        // (`ticedu_api::telemetry`) keeps the AWS SDK, whose debug and trace
        // lines carry whole items, at info.
        let leaked: Vec<&str> = logged
            .lines()
            .filter(|line| line.contains(number.as_str()) && !sdk_detail(line))
            .collect();
        assert!(
            leaked.is_empty(),
            "log lines with an ID number: {leaked:#?}"
        );
    }
    assert!(
        logged
            .lines()
            .any(|line| line.contains("certificates imported") && line.contains("\"imported\":2")),
        "the import is audited with its counts"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_register_on_the_embedded_store() {
    let app = TestApp::builder(Embedded).today(TODAY).spawn().await;
    imported_certificates_are_verifiable_and_their_holder_registers_as_returning(app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_register_on_dynamodb() {
    let app = TestApp::builder(DynamoDb).today(TODAY).spawn().await;
    imported_certificates_are_verifiable_and_their_holder_registers_as_returning(app).await;
}

#[tokio::test]
async fn an_import_for_a_registered_learner_makes_them_returning() {
    let app = TestApp::builder(Embedded).today(TODAY).spawn().await;
    let learner = app.register_as(Kind::Holder).await;
    let staff = app.staff_token().await;
    let no = fresh_number("OLD");
    let csv = format!(
        "{HEADER}\n{}",
        holder_row(learner.id_number(), &no, "2027-07-20")
    );
    let report = app
        .post(admin::IMPORTS, Some(&staff), json!({ "csv": csv }))
        .await;
    assert_eq!(report.body["imported"], 1, "{}", report.body);
    assert!(
        app.store
            .learner(&learner.id)
            .await
            .unwrap()
            .unwrap()
            .returning
    );
    let mine = app.get(certificates::MINE, Some(&learner.token)).await;
    assert_eq!(mine.body["certificates"][0]["no"], no.as_str());
}

#[tokio::test]
async fn a_number_taken_by_another_certificate_is_refused_for_that_row_only() {
    let app = TestApp::builder(Embedded).today(TODAY).spawn().await;
    let staff = app.staff_token().await;
    let no = fresh_number("JX");
    let first = format!(
        "{HEADER}\n{}",
        holder_row(&fresh_id_number(), &no, "2027-07-20")
    );
    app.post(admin::IMPORTS, Some(&staff), json!({ "csv": first }))
        .await;
    let other = fresh_number("JX");
    let second = format!(
        "{HEADER}\n{}\n{}",
        holder_row(&fresh_id_number(), &no, "2027-07-20"),
        holder_row(&fresh_id_number(), &other, "2027-07-20")
    );
    let report = app
        .post(admin::IMPORTS, Some(&staff), json!({ "csv": second }))
        .await;
    assert_eq!(report.body["imported"], 1, "{}", report.body);
    assert_eq!(
        rejected_lines(&report.body),
        [(2, "import.certificate_number_taken".to_owned())]
    );
}

#[tokio::test]
async fn a_file_that_is_no_register_is_refused_whole_and_only_staff_may_import() {
    let app = TestApp::builder(Embedded).today(TODAY).spawn().await;
    let staff = app.staff_token().await;
    let id_number = fresh_id_number();
    let headless = holder_row(&id_number, &fresh_number("JX"), "2027-07-20");
    let refused = app
        .post(admin::IMPORTS, Some(&staff), json!({ "csv": headless }))
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "import.unknown_column")
    );
    assert!(!refused.body.to_string().contains(&id_number));
    let too_many = std::iter::once(HEADER.to_owned())
        .chain((0..2_001).map(|_| holder_row(&id_number, "JX-1", "2027-07-20")))
        .collect::<Vec<_>>()
        .join("\n");
    let refused = app
        .post(admin::IMPORTS, Some(&staff), json!({ "csv": too_many }))
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "import.too_many_rows"),
        "a large file reaches the handler and is refused by its row count"
    );

    let csv = json!({ "csv": format!("{HEADER}\n{headless}") });
    let anonymous = app.post(admin::IMPORTS, None, csv.clone()).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let learner = app.register_as(Kind::New).await;
    let forbidden = app.post(admin::IMPORTS, Some(&learner.token), csv).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
}

/// A holder's expiry that is no batch day is believed when staff imported
/// the association's record of that very certificate, and only then.
#[tokio::test]
async fn an_expiry_staff_imported_is_believed_at_registration() {
    let app = TestApp::builder(Embedded).today(TODAY).spawn().await;
    let staff = app.staff_token().await;
    let (vouched, stranger) = (fresh_id_number(), fresh_id_number());
    let csv = format!(
        "{HEADER}\n{}",
        holder_row(&vouched, &fresh_number("OLD"), "2027-07-20")
    );
    let report = app
        .post(admin::IMPORTS, Some(&staff), json!({ "csv": csv }))
        .await;
    assert_eq!(report.body["imported"], 1, "{}", report.body);
    let holder = |id_number: &str| {
        let mut body = registration_as(Kind::Holder);
        body["id_number"] = json!(id_number);
        body["kind"]["expires_on"] = json!("2027-07-20");
        body
    };
    let refused = app.post(accounts::REGISTER, None, holder(&stranger)).await;
    assert_eq!(
        (refused.status, refused.code()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "registration.expiry_not_a_batch"
        )
    );
    let registered = app.post(accounts::REGISTER, None, holder(&vouched)).await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{}",
        registered.body
    );
}
