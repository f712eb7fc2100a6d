//! The steps every journey repeats, over HTTP as a learner or staff would
//! take them: register, log in, fund, buy, learn every bought hour, file,
//! get the certificate.

use reqwest::StatusCode;
use serde_json::{Value, json};
use ticedu_domain::money::Fen;
use ticedu_store::Store;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::AuditAction;
use ticedu_tests::fixtures::{card, id_number, id_number_seed, now};

use super::app::{Answer, TestApp};
use super::routes::{accounts, admin, certificates, learning, path, payments};

/// The three kinds of learner the notice distinguishes (R1).
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    New,
    Holder,
    Titled,
}

/// A registration body for a new learner with a fresh valid ID number.
pub fn registration() -> Value {
    registration_as(Kind::New)
}

/// A registration body for a learner of `kind` with a fresh valid ID number.
pub fn registration_as(kind: Kind) -> Value {
    let kind = match kind {
        Kind::New => json!({ "category": "new", "learning_started_on": "2024-03-01" }),
        Kind::Holder => {
            json!({ "category": "holder", "certificate_kind": "level_examination", "original_certificate_no": "CIE-2019-0012", "expires_on": "2023-07-06" })
        }
        Kind::Titled => {
            json!({ "category": "titled", "title_kind": "高级工程师", "issuing_authority": "北京市人力资源和社会保障局", "title_certificate_no": "JG-2020-0815" })
        }
    };
    json!({
        "name": "钟检",
        "id_number": id_number(id_number_seed()).expose(),
        "kind": kind,
        "phone": "13800138000",
        "password": "学习使我快乐2023",
    })
}

/// A registered, logged-in learner.
pub struct Learner {
    pub id: LearnerId,
    pub token: String,
    pub username: String,
    /// What they registered with (ID number, password, …).
    pub body: Value,
}

impl Learner {
    pub fn id_number(&self) -> &str {
        self.body["id_number"].as_str().expect("an ID number")
    }
}

impl<S: Store> TestApp<S> {
    /// Registers `body` and logs in.
    pub async fn register(&self, body: &Value) -> Learner {
        let registered = self.post(accounts::REGISTER, None, body.clone()).await;
        assert_eq!(
            registered.status,
            StatusCode::CREATED,
            "{}",
            registered.body
        );
        let username = registered.text("username");
        let token = self.log_in(&username, &body["password"]).await;
        let me = self.get(accounts::ME, Some(&token)).await;
        Learner {
            id: LearnerId::parse(&me.text("learner_id")).expect("a learner id"),
            token,
            username,
            body: body.clone(),
        }
    }

    /// A fresh learner of `kind`, registered and logged in.
    pub async fn register_as(&self, kind: Kind) -> Learner {
        self.register(&registration_as(kind)).await
    }

    /// Logs in; returns the token.
    pub async fn log_in(&self, username: &str, password: &Value) -> String {
        let login = self
            .post(
                accounts::LOGIN,
                None,
                json!({ "username": username, "password": password }),
            )
            .await;
        assert_eq!(login.status, StatusCode::OK, "{}", login.body);
        login.text("access_token")
    }

    /// Staff issue `count` study cards worth `value_fen` each; their codes.
    pub async fn issue_cards(
        &self,
        staff: &str,
        count: u32,
        value_fen: u64,
        note: &str,
    ) -> Vec<String> {
        let issued = self
            .post(
                admin::CARDS,
                Some(staff),
                json!({ "count": count, "value_fen": value_fen, "note": note }),
            )
            .await;
        assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
        serde_json::from_value(issued.body["codes"].clone()).expect("the codes")
    }

    /// Redeems a study card; the answer.
    pub async fn redeem(&self, token: &str, code: &str) -> Answer {
        self.post(payments::REDEEM, Some(token), json!({ "code": code }))
            .await
    }

    /// Buys `items` from the balance; the hours bought (`course/number`).
    pub async fn buy(&self, token: &str, items: Value) -> Vec<String> {
        let bought = self
            .post(payments::PURCHASE, Some(token), json!({ "items": items }))
            .await;
        assert_eq!(bought.status, StatusCode::CREATED, "{}", bought.body);
        hours_of(&bought.body)
    }

    /// Marks each of `hours` learned (R10), checking that the progress never goes back.
    pub async fn learn(&self, token: &str, hours: &[String]) {
        let mut counted = 0;
        for hour in hours {
            let marked = self.mark(token, hour).await;
            assert_eq!(marked.status, StatusCode::OK, "{hour}: {}", marked.body);
            let now = marked.body["progress"]["counted_hours"]
                .as_u64()
                .expect("the progress");
            assert!(now >= counted, "progress never goes back");
            counted = now;
        }
    }

    /// Opens one hour's lesson (`course/number`), then marks it learned, as
    /// the hour page does; the mark's answer. The lesson's study length is
    /// the app's ([`super::app::TestAppBuilder::class_hour_minutes`], 0 unless set).
    pub async fn mark(&self, token: &str, hour: &str) -> Answer {
        self.open_lesson(token, hour).await;
        self.mark_without_opening(token, hour).await
    }

    /// Marks one hour (`course/number`) learned, without opening its lesson now.
    pub async fn mark_without_opening(&self, token: &str, hour: &str) -> Answer {
        let (course, number) = hour.split_once('/').expect("course/number");
        self.post(
            &path(learning::MARK, &[&course, &number]),
            Some(token),
            json!({}),
        )
        .await
    }

    /// Opens one hour's lesson (`course/number`); the answer.
    pub async fn open_lesson(&self, token: &str, hour: &str) -> Answer {
        let (course, number) = hour.split_once('/').expect("course/number");
        self.post(
            &path(learning::OPEN_LESSON, &[&course, &number]),
            Some(token),
            json!({}),
        )
        .await
    }

    /// Where the learner stands in one hour's lesson, without opening it.
    pub async fn lesson(&self, token: &str, hour: &str) -> Answer {
        let (course, number) = hour.split_once('/').expect("course/number");
        self.get(&path(learning::LESSON, &[&course, &number]), Some(token))
            .await
    }

    /// Files the cycle's renewal registration (holders, R16) or certificate
    /// application (new learners, R19, with the form's required fields).
    pub async fn file(&self, token: &str) {
        let form = json!({ "employer": "中国检验认证集团北京有限公司", "phone": "13800138000" });
        let filed = self.post(certificates::FILING, Some(token), form).await;
        assert_eq!(filed.status, StatusCode::NO_CONTENT, "{}", filed.body);
    }

    /// Asks for the certificate; the answer.
    pub async fn issue_certificate(&self, token: &str) -> Answer {
        self.post(certificates::ISSUE, Some(token), json!({})).await
    }
}

impl<S: Store> TestApp<S> {
    /// Staff approve (or reject with `reason`) the learner's waiting application (R19).
    pub async fn decide_application(&self, learner: &LearnerId, reason: Option<&str>) -> Answer {
        let staff = self.staff_token().await;
        let verdict = json!({ "approve": reason.is_none(), "reason": reason });
        self.post(
            &path(admin::APPLICATION_DECISION, &[learner]),
            Some(&staff),
            verdict,
        )
        .await
    }

    /// Files the application and has staff approve it: a new learner ready to collect.
    pub async fn file_and_approve(&self, token: &str, learner: &LearnerId) {
        self.file(token).await;
        let approved = self.decide_application(learner, None).await;
        assert_eq!(approved.status, StatusCode::NO_CONTENT, "{}", approved.body);
    }

    /// Puts `yuan` into the learner's balance with a study card issued and
    /// redeemed through the store (the staff tools are tested on their own).
    pub async fn credit(&self, learner: &LearnerId, yuan: u64) {
        let study_card = card(Fen::from_yuan(yuan));
        self.store
            .issue_cards(
                std::slice::from_ref(&study_card),
                &ticedu_tests::fixtures::audit(AuditAction::CardsIssued),
            )
            .await
            .expect("the card is issued");
        self.store
            .redeem_card(&study_card, learner, now())
            .await
            .expect("the card is redeemed");
    }

    /// A new learner who bought the 40-hour bundle and learned every hour of it.
    pub async fn complete_learner(&self) -> Learner {
        let learner = self.register(&registration()).await;
        self.credit(&learner.id, 600).await;
        let hours = self
            .buy(
                &learner.token,
                json!([ { "kind": "bundle", "id": "certification-40" } ]),
            )
            .await;
        self.learn(&learner.token, &hours).await;
        let me = self.get(accounts::ME, Some(&learner.token)).await;
        assert_eq!(me.body["progress"]["complete"], true);
        learner
    }
}

/// A holder's whole cycle (R8): the three mandatory courses (10 hours) and
/// the 30-hour certification bundle, 600 yuan at 2023's price.
pub fn holder_cycle_cart() -> Value {
    json!([
        { "kind": "course", "id": "inspection-laws-and-regulations" },
        { "kind": "course", "id": "trade-self-discipline-code" },
        { "kind": "course", "id": "practitioner-code-of-conduct" },
        { "kind": "bundle", "id": "certification-30" },
    ])
}

/// The hours (`course/number`) of an order or a purchase answer.
pub fn hours_of(answer: &Value) -> Vec<String> {
    answer["hours"]
        .as_array()
        .expect("hours")
        .iter()
        .map(|hour| hour.as_str().expect("course/number").to_owned())
        .collect()
}
