//! A resource's stored form and its content hash: compact JSON with every object's keys in
//! order, so the same resource gives the same text (and hash) however its file was laid out.

use std::fmt::Write as _;

use ring::digest::{digest, SHA256};
use serde_json::Value;

/// `value` as compact JSON with sorted keys.
pub fn canonical_json(value: &Value) -> String {
    let mut out = Vec::with_capacity(4096);
    write_value(&mut out, value);
    // Written from `str`s and serde_json's own output: always UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// SHA-256 of `text`, in hex.
pub fn content_hash(text: &str) -> String {
    let hash = digest(&SHA256, text.as_bytes());
    let mut out = String::with_capacity(64);
    for byte in hash.as_ref() {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

fn write_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            // serde_json's map is ordered by key unless a crate turns on its `preserve_order`.
            if !keys.is_sorted() {
                keys.sort_unstable();
            }
            out.push(b'{');
            for (n, key) in keys.into_iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                write_scalar(out, key);
                out.push(b':');
                write_value(out, &map[key]);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                write_value(out, item);
            }
            out.push(b']');
        }
        scalar => write_scalar(out, scalar),
    }
}

fn write_scalar<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing a string, number, boolean or null into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_order_and_spacing_do_not_change_the_text_or_hash() {
        let a: Value = serde_json::from_str(r#"{"b": [1, {"y": 2, "x": "Zoë"}], "a": true}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a":true,"b":[1,{"x":"Zoë","y":2}]}"#).unwrap();
        assert_eq!(canonical_json(&a), r#"{"a":true,"b":[1,{"x":"Zoë","y":2}]}"#);
        assert_eq!(content_hash(&canonical_json(&a)), content_hash(&canonical_json(&b)));
        assert_eq!(content_hash("").len(), 64);
    }
}
