//! The name an attached file is shown, uploaded and saved under. It comes from another
//! person's file system, so it is cleaned the same way everywhere (the app, the service, the
//! Downloads folder): base name only; no control characters, no marks that change the
//! direction text is shown in (a right-to-left override can make `photo<RLO>gpj.exe` look
//! like a photo) and no other invisible characters ([`crate::text::is_hidden`]); none of the characters Windows refuses in names; at most
//! [`MAX_FILE_NAME_CHARS`] characters; and ending in the extension of its real type (a PDF
//! named `photo.jpg` becomes `photo.jpg.pdf`).

use crate::media::MediaType;

/// Longest name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 120;

/// Longest extension kept whole when a long name is shortened (`.jpeg` is 5).
const MAX_EXTENSION_CHARS: usize = 10;

pub fn display_name(raw: &str, media_type: MediaType) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !is_refused(*c)).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let extension = media_type.extension();
    if cleaned.is_empty() {
        return format!("attachment.{extension}");
    }
    let has_extension = cleaned.rsplit_once('.').is_some_and(|(_, ext)| {
        ext.eq_ignore_ascii_case(extension) || (media_type == MediaType::Jpeg && ext.eq_ignore_ascii_case("jpeg"))
    });
    if has_extension {
        shorten(cleaned, "")
    } else {
        shorten(cleaned, &format!(".{extension}"))
    }
}

/// Control characters, direction marks and other invisible characters (see
/// [`crate::text::is_hidden`]; no joiner is needed in a file name), and characters Windows
/// refuses in file names.
fn is_refused(c: char) -> bool {
    c.is_control() || crate::text::is_hidden(c) || matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':')
}

/// `name` + `suffix` in at most [`MAX_FILE_NAME_CHARS`], cutting the stem, not the extension.
fn shorten(name: &str, suffix: &str) -> String {
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if suffix.is_empty() && name[dot..].chars().count() <= MAX_EXTENSION_CHARS + 1 => {
            (&name[..dot], &name[dot..])
        }
        _ => (name, ""),
    };
    let tail = format!("{extension}{suffix}");
    let room = MAX_FILE_NAME_CHARS.saturating_sub(tail.chars().count());
    let stem: String = stem.chars().take(room).collect();
    format!("{}{tail}", stem.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_base_name_is_kept() {
        assert_eq!(
            display_name("C:\\Users\\blair\\Pictures\\rash.jpg", MediaType::Jpeg),
            "rash.jpg"
        );
        assert_eq!(display_name("/home/blair/scan 2.pdf", MediaType::Pdf), "scan 2.pdf");
        assert_eq!(display_name("../../etc/passwd", MediaType::Pdf), "passwd.pdf");
        assert_eq!(display_name("photo.png", MediaType::Png), "photo.png");
        assert_eq!(display_name("scan.JPEG", MediaType::Jpeg), "scan.JPEG");
    }

    #[test]
    fn the_real_type_shows_in_the_extension() {
        assert_eq!(display_name("photo.jpg", MediaType::Pdf), "photo.jpg.pdf");
        assert_eq!(display_name("notes", MediaType::Png), "notes.png");
    }

    #[test]
    fn control_direction_and_reserved_characters_are_removed() {
        assert_eq!(
            display_name("photo\u{202E}gpj.exe", MediaType::Jpeg),
            "photogpj.exe.jpg"
        );
        assert_eq!(display_name("a\nb\tc\u{0}.jpg", MediaType::Jpeg), "abc.jpg");
        assert_eq!(display_name("\u{2067}x\u{2069}.pdf", MediaType::Pdf), "x.pdf");
        assert_eq!(
            display_name(
                "in\u{200B}voice\u{FEFF}\u{2060}\u{200D}\u{00AD}\u{E0041}\u{2028}.pdf",
                MediaType::Pdf
            ),
            "invoice.pdf"
        );
        assert_eq!(
            display_name("lésion \"bras\" <1>?.png", MediaType::Png),
            "lésion bras 1.png"
        );
    }

    #[test]
    fn empty_names_get_a_plain_one() {
        for raw in ["", "   ", "/", "C:\\", "..", ".", "\u{202E}", "dir/", "...."] {
            assert_eq!(display_name(raw, MediaType::Png), "attachment.png", "{raw:?}");
        }
        assert_eq!(display_name("", MediaType::Jpeg), "attachment.jpg");
        assert_eq!(display_name(".bashrc", MediaType::Pdf), "bashrc.pdf");
    }

    #[test]
    fn long_names_are_shortened_keeping_the_extension() {
        let long = format!("{}.jpeg", "é".repeat(300));
        let shown = display_name(&long, MediaType::Jpeg);
        assert_eq!(shown.chars().count(), MAX_FILE_NAME_CHARS);
        assert!(shown.ends_with(".jpeg"));
        assert_eq!(
            display_name(&"x".repeat(500), MediaType::Pdf).chars().count(),
            MAX_FILE_NAME_CHARS
        );
        let odd = format!("a.{}", "b".repeat(200));
        let shown = display_name(&odd, MediaType::Pdf);
        assert_eq!(shown.chars().count(), MAX_FILE_NAME_CHARS);
        assert!(shown.ends_with(".pdf"));
    }
}
