//! The name of an attached file as it arrives from the webview (URI-encoded in a header), and
//! its cleaning, which is the same as the service's ([`portal_api::file_name`]).

pub use portal_api::file_name::display_name;

/// Undoes JavaScript's `encodeURIComponent` (how the UI sends a name in a header, which can
/// only carry ASCII). Malformed escapes are kept as written; invalid UTF-8 is replaced.
pub fn decode_uri_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = if bytes[i] == b'%' {
            bytes
                .get(i + 1..i + 3)
                .and_then(|hex| Some((hex_value(hex[0])? << 4) | hex_value(hex[1])?))
        } else {
            None
        };
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_api::media::MediaType;

    #[test]
    fn encode_uri_component_is_undone() {
        assert_eq!(decode_uri_component("r%C3%A9sum%C3%A9%20scan.pdf"), "résumé scan.pdf");
        assert_eq!(decode_uri_component("%F0%9F%93%B7.png"), "📷.png");
        assert_eq!(decode_uri_component("plain.jpg"), "plain.jpg");
        assert_eq!(decode_uri_component("100%.jpg"), "100%.jpg");
        assert_eq!(decode_uri_component("%zz%4"), "%zz%4");
        assert_eq!(decode_uri_component("%FF.jpg"), "\u{FFFD}.jpg");
        assert_eq!(decode_uri_component("a%2Fb"), "a/b");
        assert_eq!(
            display_name(&decode_uri_component("a%2F..%2Fb.png"), MediaType::Png),
            "b.png"
        );
    }
}
