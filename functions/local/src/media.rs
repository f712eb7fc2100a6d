//! Lesson media on the local platform, under the rule CloudFront applies in
//! a deployment: a file is served only to a request signed for its folder
//! and not yet expired; anything else is 403. Range requests work, so a
//! video seeks as it does from the CDN.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use ticedu_api::ApiError;
use ticedu_api::config::Clock;
use ticedu_api::media::MediaVerifier;
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// Where the media root is served; the local platform's `TICEDU_MEDIA_URL`.
pub const MEDIA_ROOT: &str = "/media";

#[derive(Clone)]
struct Media {
    folder: Arc<PathBuf>,
    verifier: MediaVerifier,
    clock: Clock,
}

/// `/media/{path}`: the files `ticedu-site media` published into `folder`.
pub fn routes(folder: PathBuf, verifier: MediaVerifier, clock: Clock) -> Router {
    Router::new()
        .route(&format!("{MEDIA_ROOT}/{{*path}}"), get(media_file))
        .with_state(Media {
            folder: Arc::new(folder),
            verifier,
            clock,
        })
}

async fn media_file(
    State(media): State<Media>,
    Path(path): Path<String>,
    request: Request,
) -> Response {
    // A signed folder's wildcard would otherwise also match `../` out of it.
    if !is_plain_path(&path) {
        return not_found().into_response();
    }
    if let Err(denied) = media
        .verifier
        .check(&path, request.uri().query(), media.clock.now())
    {
        tracing::info!(%path, reason = %denied, "media request refused");
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "media.forbidden",
            "无权访问该课程文件：请在已购买的学时页面中打开。",
            "No access to this lesson file: open it from the page of an hour you bought.",
        )
        .into_response();
    }
    match ServeFile::new(media.folder.join(&path))
        .oneshot(request)
        .await
    {
        Ok(response) if response.status() == StatusCode::NOT_FOUND => not_found().into_response(),
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}

/// Segments of safe characters only: no `..`, no hidden files, no encodings.
fn is_plain_path(path: &str) -> bool {
    path.split('/').all(|segment| {
        !segment.is_empty()
            && !segment.starts_with('.')
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    })
}

fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "media.not_found",
        "没有这个课程文件。",
        "No such lesson file.",
    )
}

#[cfg(test)]
mod tests {
    use super::is_plain_path;

    #[test]
    fn only_plain_paths_reach_the_disk() {
        assert!(is_plain_path("lessons/draft-survey/3/lecture.mp4"));
        for path in [
            "lessons/draft-survey/3/../4/lecture.mp4",
            "lessons/draft-survey/3/.hidden",
            "lessons//3/x.mp4",
            "lessons/draft-survey/3/a%2Fb",
            "lessons/draft-survey/3/",
        ] {
            assert!(!is_plain_path(path), "{path}");
        }
    }
}
