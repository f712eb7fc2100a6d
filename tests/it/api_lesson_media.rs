//! Lesson media to buyers only (issue 17), on both stores: opening a bought
//! hour hands out signed links to its files; the local server serves them
//! under CloudFront's rule (signed for the folder, not expired) with range
//! requests, and refuses a bare URL, another hour's signature and an
//! expired one.

use jiff::ToSpan;
use jiff::civil::date;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_RANGE, CONTENT_TYPE, RANGE};
use serde_json::{Value, json};
use ticedu_store::Store;

use crate::helpers::*;

const COURSE: &str = "acceptance-sampling-gbt-2828-1";
/// Hours 1 and 2 of the course have demo lectures; hour 6 has none yet.
const WITH_MEDIA: [u16; 2] = [1, 2];
const WITHOUT_MEDIA: u16 = 6;

fn hour(number: u16) -> String {
    format!("{COURSE}/{number}")
}

async fn fetch<S>(app: &TestApp<S>, url: &str, range: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{}{url}", app.address));
    if let Some(range) = range {
        request = request.header(RANGE, range);
    }
    request.send().await.expect("the server answers")
}

fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a string: {value}"))
}

async fn a_buyer_gets_signed_links_to_that_hour_only<S: Store + Clone + 'static>(app: TestApp<S>) {
    let learner = app.register_as(Kind::New).await;
    app.credit(&learner.id, 600).await;
    app.buy(&learner.token, json!([{ "kind": "course", "id": COURSE }]))
        .await;

    let opened = app.open_lesson(&learner.token, &hour(WITH_MEDIA[0])).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    let media = &opened.body["media"];
    let video = text(&media["video"]);
    assert!(
        video.starts_with(&format!("/media/lessons/{COURSE}/1/lecture.mp4?Policy=")),
        "{video}"
    );
    assert!(video.contains("&Signature=") && video.contains("&Key-Pair-Id="));
    assert_eq!(media["expires_in_seconds"], 2 * 3600, "{media}");

    // The whole file, then a range of it: seeking works.
    let whole = fetch(&app, video, None).await;
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()[CONTENT_TYPE], "video/mp4");
    let length = whole.bytes().await.unwrap().len();
    assert!(length > 10_000, "a real video, not {length} bytes");
    let part = fetch(&app, video, Some("bytes=1000-1999")).await;
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()[CONTENT_RANGE],
        format!("bytes 1000-1999/{length}").as_str()
    );
    assert_eq!(part.bytes().await.unwrap().len(), 1000);

    // The URL without its signature, and hour 1's signature on hour 2.
    let bare = video.split('?').next().unwrap();
    let unsigned = fetch(&app, bare, None).await;
    assert_eq!(unsigned.status(), StatusCode::FORBIDDEN);
    let body: Value = unsigned.json().await.unwrap();
    assert_eq!(body["code"], "media.forbidden");
    let query = text(&media["query"]);
    let other_hour = format!("/media/lessons/{COURSE}/2/lecture.mp4?{query}");
    assert_eq!(
        fetch(&app, &other_hour, None).await.status(),
        StatusCode::FORBIDDEN
    );
    // Nor does the folder's wildcard reach out of the folder.
    let escape = format!("/media/lessons/{COURSE}/1/../2/lecture.mp4?{query}");
    assert_ne!(fetch(&app, &escape, None).await.status(), StatusCode::OK);

    // Hour 2's own links open it.
    let second = app.open_lesson(&learner.token, &hour(WITH_MEDIA[1])).await;
    let second_video = text(&second.body["media"]["video"]);
    assert_eq!(
        fetch(&app, second_video, None).await.status(),
        StatusCode::OK
    );

    // Two hours on, the links have expired; opening again renews them.
    let later = app.platform.clock.now() + 2.hours() + 1.second();
    app.platform.clock.set(later);
    assert_eq!(
        fetch(&app, second_video, None).await.status(),
        StatusCode::FORBIDDEN
    );
    // (The access token has expired too: a learner logs in again.)
    let token = app
        .log_in(&learner.username, &learner.body["password"])
        .await;
    let renewed = app.open_lesson(&token, &hour(WITH_MEDIA[1])).await;
    assert_eq!(renewed.status, StatusCode::OK, "{}", renewed.body);
    let renewed_video = text(&renewed.body["media"]["video"]);
    assert_eq!(
        fetch(&app, renewed_video, None).await.status(),
        StatusCode::OK
    );

    // An hour without lesson files yet: no links, honestly.
    let plain = app.open_lesson(&token, &hour(WITHOUT_MEDIA)).await;
    assert_eq!(plain.status, StatusCode::OK, "{}", plain.body);
    assert!(plain.body["media"].is_null(), "{}", plain.body);

    // A learner who did not buy the course gets no links and no file.
    let stranger = app.register_as(Kind::New).await;
    let refused = app.open_lesson(&stranger.token, &hour(WITH_MEDIA[0])).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.get("media").is_none());
    assert_eq!(
        fetch(&app, bare, None).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn media_of_a_missing_file_is_not_found_and_nothing_is_served_unsigned() {
    let app = TestApp::builder(Embedded).media().spawn().await;
    // Anything under /media, existing or not, needs a signature first.
    for url in [
        "/media/lessons/acceptance-sampling-gbt-2828-1/1/lecture.mp4",
        "/media/lessons/acceptance-sampling-gbt-2828-1/1/missing.mp4",
        "/media/",
    ] {
        let answer = fetch(&app, url, None).await;
        assert!(
            matches!(
                answer.status(),
                StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
            ),
            "{url}: {}",
            answer.status()
        );
        assert_ne!(answer.status(), StatusCode::OK);
    }
    // A signed link to a file the folder does not have: 404, not a 500.
    let signer = app
        .platform
        .media
        .as_ref()
        .expect("the local platform signs");
    let grant = signer.grant(
        "lessons/acceptance-sampling-gbt-2828-1/1",
        app.platform.clock.now(),
    );
    let missing = fetch(&app, &grant.url("missing.mp4"), None).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

/// The lesson media published and served, from 2024-03-04.
fn with_media<K: StoreKind>(builder: TestAppBuilder<K>) -> TestAppBuilder<K> {
    builder.today(date(2024, 3, 4)).media()
}

on_both_stores!(with_media => a_buyer_gets_signed_links_to_that_hour_only);
