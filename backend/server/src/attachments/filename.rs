//! The name an attachment is listed and downloaded under (cleaned as everywhere, see
//! [`portal_api::file_name`]), and the `Content-Disposition` header that carries it.

use portal_api::media::MediaType;

/// See [`portal_api::file_name::display_name`]; `None` (no name given) is `attachment.<ext>`.
pub fn display_name(uploaded: Option<&str>, media_type: MediaType) -> String {
    portal_api::file_name::display_name(uploaded.unwrap_or_default(), media_type)
}

/// `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266).
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' })
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b".-_~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned_and_match_the_real_type() {
        assert_eq!(
            display_name(Some("C:\\Users\\me\\mole.JPG"), MediaType::Jpeg),
            "mole.JPG"
        );
        assert_eq!(display_name(Some("../../etc/passwd"), MediaType::Pdf), "passwd.pdf");
        assert_eq!(display_name(Some("scan.jpeg"), MediaType::Jpeg), "scan.jpeg");
        assert_eq!(display_name(Some("photo.jpg"), MediaType::Pdf), "photo.jpg.pdf");
        assert_eq!(display_name(None, MediaType::Png), "attachment.png");
        assert_eq!(display_name(Some("\u{0}\n..."), MediaType::Png), "attachment.png");
        assert_eq!(
            display_name(Some(&"x".repeat(500)), MediaType::Png).chars().count(),
            120
        );
    }

    #[test]
    fn content_disposition_is_always_attachment_and_quoted_safely() {
        let header = content_disposition("lésion \"bras\".png");
        assert!(header.starts_with("attachment; filename=\"l_sion bras.png\""));
        assert!(header.ends_with("filename*=UTF-8''l%C3%A9sion%20%22bras%22.png"));
    }
}
