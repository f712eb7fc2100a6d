//! The owner's printable certificate: A4 landscape, its QR code linking to
//! the verification page with the certificate's signature.

use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ticedu_api::auth::AuthLearner;
use ticedu_api::{ApiError, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_certificate_pdf::RenderError;
use ticedu_store::Refusal;
use ticedu_store::ids::CertificateNo;

use crate::CertificatesStore;
use crate::printing::Printer;
use crate::views::{data_of, signature, status_of, verify_path};

pub const PDF: &str = "/api/certificates/{no}/pdf";

/// The certificate as a PDF to print (A4 landscape), its QR code linking to the verification page.
#[utoipa::path(get, path = PDF, tag = "certificates", security(("bearer" = [])),
    params(("no" = String, Path, description = "Certificate number")),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "No such certificate of this learner", body = ErrorBody),
        (status = 409, description = "Revoked or altered: not printable", body = ErrorBody),
        (status = 503, description = "Printing unavailable", body = ErrorBody),
    ))]
pub(crate) async fn pdf<S: CertificatesStore>(
    State(state): State<AppState<S>>,
    Extension(printer): Extension<Arc<Printer>>,
    auth: AuthLearner,
    PathParam(no): PathParam<CertificateNo>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    // Someone else's certificate answers like an unknown one.
    let certificate = state
        .store
        .certificate(&no)
        .await?
        .filter(|c| c.learner == auth.id)
        .ok_or(Refusal::UnknownCertificate)?;
    status_of(&certificate, state.platform.clock.today())
        .printable()
        .map_err(|e| ApiError::refused(&e))?;
    let link = format!(
        "{}{}",
        printer.site_url(&headers)?,
        verify_path(
            &no,
            &signature(&certificate, state.platform.certificate_signer()?)
        )
    );
    let data = data_of(&certificate);
    // Drawing and subsetting take milliseconds of CPU: off the async workers.
    let pdf = tokio::task::spawn_blocking(move || {
        let font = printer.font()?;
        ticedu_certificate_pdf::render(font, &data, &link).map_err(render_error)
    })
    .await
    .map_err(|_| ApiError::unavailable())??;
    tracing::info!(learner = %auth.id, certificate = %no, bytes = pdf.len(), "certificate printed");
    pdf_attachment(&format!("certificate-{no}.pdf"), pdf)
}

/// A PDF for its owner to save as `file_name`: never kept by a shared cache.
pub(crate) fn pdf_attachment(file_name: &str, pdf: Vec<u8>) -> ApiResult<Response> {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(|_| ApiError::unavailable())?,
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        pdf,
    )
        .into_response())
}

/// A certificate the font cannot draw is the association's to print by hand;
/// a link too long for a QR code is our fault, not the learner's.
fn render_error(error: RenderError) -> ApiError {
    match error {
        RenderError::NotPrintable(field) => {
            tracing::warn!(%field, "certificate field outside the font");
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "certificate.unprintable_character",
                "证书中有字体无法显示的字，请联系协会打印。",
                "The certificate has a character the font cannot show; please ask the association to print it.",
            )
        }
        RenderError::LinkTooLong => {
            tracing::error!("verification link too long for a QR code");
            ApiError::unavailable()
        }
        RenderError::Subset(error) => {
            tracing::error!(%error, "certificate font subset");
            ApiError::unavailable()
        }
    }
}
