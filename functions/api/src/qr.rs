//! QR codes drawn here, never by a third-party service: the links they
//! carry (an authenticator's secret, a payment link) stay ours.

/// `text` as a QR code: an SVG document at least `min_size` pixels square,
/// with its quiet zone; none if `text` is too long for a QR code.
pub fn svg(text: &str, min_size: u32) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(min_size, min_size)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_link_becomes_an_svg_document_and_too_much_text_becomes_none() {
        let svg = super::svg("weixin://wxpay/bizpayurl?pr=abc123", 220).unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg") && svg.contains("<path"));
        assert!(super::svg(&"x".repeat(8000), 220).is_none());
    }
}
