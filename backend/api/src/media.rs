//! The kinds of file the portal accepts as attachments, and how to tell them apart by content.
//!
//! Shared by the server (which decides the type of an upload) and the desktop app (which checks
//! a picked file before saving it into a draft), so both sides agree on what a file is. The
//! type is decided by the first bytes only, never by a file name or a declared type: both are
//! chosen by whoever sent the file.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The JPEG start-of-image marker followed by the first byte of the next marker.
const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
/// The fixed 8-byte PNG signature.
const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";
/// The PDF header. Readers tolerate it anywhere in the first KiB; we do not, so that a file
/// that is both something else and a PDF (a polyglot) is not accepted as a PDF.
const PDF_MAGIC: &[u8] = b"%PDF-";

/// An attachment's type. On the wire it is the MIME type (`"image/jpeg"`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub enum MediaType {
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "application/pdf")]
    Pdf,
}

impl MediaType {
    /// Every accepted type, for look-ups by MIME string.
    pub const ALL: [MediaType; 3] = [MediaType::Jpeg, MediaType::Png, MediaType::Pdf];

    /// The MIME type, as sent in `Content-Type` and stored.
    pub fn mime(&self) -> &'static str {
        match self {
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Pdf => "application/pdf",
        }
    }

    /// The usual file-name extension, without the dot.
    pub fn extension(&self) -> &'static str {
        match self {
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Pdf => "pdf",
        }
    }

    /// Whether the desktop app may show it inline as a picture.
    pub fn is_image(&self) -> bool {
        matches!(self, MediaType::Jpeg | MediaType::Png)
    }
}

impl std::fmt::Display for MediaType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.mime())
    }
}

/// The type of `bytes` by their magic number at offset 0, or `None` when they are none of the
/// accepted types. This is only a first look: it says what a file claims to be, not that the
/// rest of it is well formed (the server checks that when it rewrites the file).
pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
    if bytes.starts_with(JPEG_MAGIC) {
        Some(MediaType::Jpeg)
    } else if bytes.starts_with(PNG_MAGIC) {
        Some(MediaType::Png)
    } else if bytes.starts_with(PDF_MAGIC) {
        Some(MediaType::Pdf)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_type_by_its_magic() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(MediaType::Jpeg));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF]), Some(MediaType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(MediaType::Png));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(MediaType::Pdf));
        assert_eq!(sniff(b"%PDF-"), Some(MediaType::Pdf));
    }

    #[test]
    fn rejects_everything_else() {
        for bytes in [
            &b""[..],
            &[0xFF],
            &[0xFF, 0xD8],
            &[0xFF, 0xD8, 0x00],
            b"\x89PNG\r\n\x1a",
            b"\x89PNG\n\r\x1a\n",
            b"%PDF",
            b"%pdf-1.4",
            b"GIF89a",
            b"<html><body>",
            b"PK\x03\x04",
            b"MZ\x90\x00",
        ] {
            assert_eq!(sniff(bytes), None, "{bytes:?}");
        }
    }

    #[test]
    fn a_pdf_header_after_offset_zero_is_not_a_pdf() {
        assert_eq!(sniff(b"\n%PDF-1.4"), None);
        assert_eq!(sniff(b"<html>%PDF-1.4"), None);
        let mut padded = vec![b' '; 512];
        padded.extend_from_slice(b"%PDF-1.4\n%%EOF\n");
        assert_eq!(sniff(&padded), None);
    }

    #[test]
    fn serializes_as_the_mime_string() {
        for media_type in MediaType::ALL {
            let json = serde_json::to_string(&media_type).expect("serialize");
            assert_eq!(json, format!("\"{}\"", media_type.mime()));
            assert_eq!(
                serde_json::from_str::<MediaType>(&json).expect("deserialize"),
                media_type
            );
            assert_eq!(media_type.to_string(), media_type.mime());
        }
        assert!(serde_json::from_str::<MediaType>("\"image/gif\"").is_err());
        assert!(serde_json::from_str::<MediaType>("\"Jpeg\"").is_err());
    }

    #[test]
    fn extensions_and_image_kinds() {
        assert_eq!(MediaType::Jpeg.extension(), "jpg");
        assert_eq!(MediaType::Png.extension(), "png");
        assert_eq!(MediaType::Pdf.extension(), "pdf");
        assert!(MediaType::Jpeg.is_image() && MediaType::Png.is_image());
        assert!(!MediaType::Pdf.is_image());
    }
}
