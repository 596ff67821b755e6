//! What an uploaded attachment really is, and a copy of it without metadata.
//!
//! Patients upload photos (often of skin lesions, taken with a phone) and PDFs. A phone photo
//! carries far more than the picture: the GPS position of the patient's home, times, the
//! device's serial numbers, a thumbnail of the uncropped photo, sometimes a second image. None
//! of that belongs in a medical record, and the patient cannot see it to remove it, so every
//! photo is rewritten here before it is stored, keeping only what is needed to show it.
//!
//! The type is decided by content ([`portal_api::media::sniff`]), never by name or declared
//! type. Every byte is treated as hostile: lengths are checked against the input before use
//! and a broken structure is refused, never guessed at.
//!
//! - `jpeg`: segment allow-list; the EXIF Orientation is kept on its own (`exif`).
//! - `png`: chunk allow-list with every CRC verified (`crc32`).
//! - `pdf`: refused when it holds active content (scripts, automatic actions, embedded
//!   files); otherwise stored with its author metadata blanked.

mod crc32;
mod error;
mod exif;
#[cfg(test)]
mod hostile_pdf;
mod jpeg;
mod pdf;
mod png;

use portal_api::media::{sniff, MediaType};

pub use error::ContentError;

/// An upload that passed: its type and the bytes to store (metadata removed from photos).
#[derive(Clone, PartialEq, Eq)]
pub struct Sanitized {
    pub media_type: MediaType,
    pub bytes: Vec<u8>,
}

/// Leaves the bytes out: they are a patient's photo or document, not something for a log.
impl std::fmt::Debug for Sanitized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sanitized")
            .field("media_type", &self.media_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// Decides what `bytes` are by content and returns what may be stored: a JPEG or PNG rebuilt
/// without metadata, or a PDF without active content, its metadata blanked.
pub fn sanitize(bytes: &[u8]) -> Result<Sanitized, ContentError> {
    let media_type = sniff(bytes).ok_or(ContentError::Unsupported)?;
    let bytes = match media_type {
        MediaType::Jpeg => jpeg::strip(bytes)?,
        MediaType::Png => png::strip(bytes)?,
        MediaType::Pdf => pdf::sanitize(bytes)?,
    };
    Ok(Sanitized { media_type, bytes })
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;
    use std::path::Path;

    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    /// The EXIF of a JPEG or PNG as an independent reader sees it.
    fn read_exif(bytes: &[u8]) -> Result<::exif::Exif, ::exif::Error> {
        ::exif::Reader::new().read_from_container(&mut Cursor::new(bytes))
    }

    fn has_gps_position(exif: &::exif::Exif) -> bool {
        [::exif::Tag::GPSLatitude, ::exif::Tag::GPSLongitude]
            .into_iter()
            .all(|tag| exif.get_field(tag, ::exif::In::PRIMARY).is_some())
    }

    /// The marker and payload of each segment before the first scan of a well-formed JPEG.
    fn jpeg_header_segments(jpeg: &[u8]) -> Vec<(u8, &[u8])> {
        let mut segments = Vec::new();
        let mut pos = 2;
        while let Some(&[0xFF, code, hi, lo, ..]) = jpeg.get(pos..) {
            let end = pos + 2 + usize::from(u16::from_be_bytes([hi, lo]));
            segments.push((code, &jpeg[pos + 4..end]));
            if code == 0xDA {
                break;
            }
            pos = end;
        }
        segments
    }

    fn decode_jpeg(jpeg: &[u8]) -> (u16, u16, Vec<u8>) {
        let mut decoder = jpeg_decoder::Decoder::new(jpeg);
        let pixels = decoder.decode().expect("decodes");
        let info = decoder.info().expect("info");
        (info.width, info.height, pixels)
    }

    fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut reader = ::png::Decoder::new(Cursor::new(bytes)).read_info().expect("PNG header");
        let mut pixels = vec![0; reader.output_buffer_size().expect("size")];
        let frame = reader.next_frame(&mut pixels).expect("decodes");
        pixels.truncate(frame.buffer_size());
        (frame.width, frame.height, pixels)
    }

    /// The proof on a real phone photo: the input has a GPS position in EXIF, the output has
    /// no GPS, no XMP and no EXIF but a one-tag block with the orientation, and it decodes to
    /// the same pixels.
    fn assert_real_photo_is_cleaned(input: &[u8]) {
        let before = read_exif(input).expect("the photo has EXIF");
        assert!(has_gps_position(&before), "the fixture carries a GPS position");
        let make = before.get_field(::exif::Tag::Make, ::exif::In::PRIMARY).expect("make");
        assert!(matches!(&make.value, ::exif::Value::Ascii(v) if v.first().is_some_and(|s| s == b"Apple")));
        let orientation = before
            .get_field(::exif::Tag::Orientation, ::exif::In::PRIMARY)
            .expect("orientation");
        assert_eq!(orientation.value.get_uint(0), Some(6));

        let clean = sanitize(input).expect("sanitize");
        assert_eq!(clean.media_type, MediaType::Jpeg);
        let out = clean.bytes;

        let after = read_exif(&out).expect("the orientation block is EXIF");
        assert!(!has_gps_position(&after));
        let fields: Vec<_> = after.fields().map(|f| f.tag).collect();
        assert_eq!(
            fields,
            [::exif::Tag::Orientation],
            "nothing but the orientation is left"
        );
        let orientation = after
            .get_field(::exif::Tag::Orientation, ::exif::In::PRIMARY)
            .expect("orientation");
        assert_eq!(
            orientation.value.get_uint(0),
            Some(6),
            "the photo is still shown upright"
        );

        let app1: Vec<&[u8]> = jpeg_header_segments(&out)
            .into_iter()
            .filter(|&(code, _)| code == 0xE1)
            .map(|(_, payload)| payload)
            .collect();
        assert_eq!(app1.len(), 1, "only the orientation block is left in APP1");
        assert!(app1[0].starts_with(b"Exif\0\0") && app1[0].len() == 32);
        for needle in [
            &b"GPS"[..],
            b"http://ns.adobe.com",
            b"xmpmeta",
            b"Apple",
            b"iPhone",
            b"Taken at",
        ] {
            assert!(!contains(&out, needle), "{} is left", String::from_utf8_lossy(needle));
        }
        assert!(out.len() < input.len());

        let (width, height, pixels) = decode_jpeg(input);
        assert_eq!((width, height), (640, 640));
        assert_eq!(
            decode_jpeg(&out),
            (width, height, pixels),
            "the picture itself is untouched"
        );
    }

    #[test]
    fn a_real_phone_photo_loses_its_gps_position() {
        assert_real_photo_is_cleaned(&fixture("gps-photo.jpg"));
    }

    #[test]
    fn a_real_progressive_photo_loses_its_gps_position_xmp_and_comment() {
        let input = fixture("gps-photo-progressive.jpg");
        assert!(contains(&input, b"http://ns.adobe.com/xap/1.0/") && contains(&input, b"Taken at"));
        assert!(
            jpeg_header_segments(&input).iter().any(|&(code, _)| code == 0xC2),
            "progressive"
        );
        assert_real_photo_is_cleaned(&input);
    }

    #[test]
    fn a_real_png_loses_its_exif_and_text() {
        let input = fixture("gps-photo.png");
        assert!(has_gps_position(&read_exif(&input).expect("the PNG has eXIf")));
        for chunk in [
            &b"eXIf"[..],
            b"tEXt",
            b"zTXt",
            b"tIME",
            b"exif:GPSLatitude",
            b"Taken at",
        ] {
            assert!(contains(&input, chunk));
        }

        let clean = sanitize(&input).expect("sanitize");
        assert_eq!(clean.media_type, MediaType::Png);
        let out = clean.bytes;
        assert!(
            matches!(read_exif(&out), Err(::exif::Error::NotFound(_))),
            "no EXIF is left"
        );
        for needle in [
            &b"eXIf"[..],
            b"tEXt",
            b"zTXt",
            b"iTXt",
            b"tIME",
            b"GPS",
            b"Apple",
            b"Taken at",
        ] {
            assert!(!contains(&out, needle), "{} is left", String::from_utf8_lossy(needle));
        }
        let (width, height, pixels) = decode_png(&input);
        assert_eq!((width, height), (160, 160));
        assert_eq!(
            decode_png(&out),
            (width, height, pixels),
            "the picture itself is untouched"
        );
    }

    #[test]
    fn the_type_is_decided_by_content() {
        let pdf = b"%PDF-1.4\n%%EOF\n";
        assert_eq!(
            sanitize(pdf).map(|s| (s.media_type, s.bytes)),
            Ok((MediaType::Pdf, pdf.to_vec()))
        );
        assert_eq!(
            sanitize(b"%PDF-1.4\n").map(|s| s.media_type),
            Err(ContentError::Malformed("The PDF file is damaged or incomplete."))
        );
        for other in [
            &b""[..],
            b"GIF89a",
            b"<svg/>",
            b"PK\x03\x04",
            b"\xFF\xD8",
            b" %PDF-1.4 %%EOF",
        ] {
            assert_eq!(sanitize(other), Err(ContentError::Unsupported));
        }
        assert!(matches!(sanitize(b"\xFF\xD8\xFF\xE0"), Err(ContentError::Malformed(_))));
        assert!(matches!(
            sanitize(b"\x89PNG\r\n\x1a\n\0\0"),
            Err(ContentError::Malformed(_))
        ));
    }

    #[test]
    fn errors_read_well_and_debug_output_leaves_the_bytes_out() {
        assert_eq!(ContentError::Unsupported.to_string(), "not a JPEG, PNG or PDF file");
        let damaged = ContentError::Malformed("The image file is damaged or incomplete.");
        assert_eq!(damaged.to_string(), "The image file is damaged or incomplete.");
        let clean = Sanitized {
            media_type: MediaType::Png,
            bytes: b"secret pixels".to_vec(),
        };
        let debug = format!("{clean:?}");
        assert!(
            debug.contains("Png") && debug.contains("13") && !debug.contains("115"),
            "{debug}"
        );
    }

    /// Random bytes, with and without a valid signature in front: never a panic.
    #[test]
    fn random_bytes_never_panic() {
        let seed: u64 = rand::thread_rng().gen();
        eprintln!("seed {seed}");
        let mut rng = StdRng::seed_from_u64(seed);
        let prefixes: [&[u8]; 4] = [b"", b"\xFF\xD8\xFF", b"\x89PNG\r\n\x1a\n", b"%PDF-"];
        for _ in 0..2000 {
            let len = rng.gen_range(0..512);
            let mut bytes = prefixes[rng.gen_range(0..prefixes.len())].to_vec();
            bytes.extend((0..len).map(|_| rng.gen::<u8>()));
            let _ = sanitize(&bytes);
        }
    }

    /// Random mutations of valid files (bytes changed, inserted, removed, cut off): never a
    /// panic, and whatever is accepted is already clean (sanitizing it again changes nothing).
    #[test]
    fn mutated_files_never_panic_and_what_passes_is_clean() {
        let seed: u64 = rand::thread_rng().gen();
        eprintln!("seed {seed}");
        let mut rng = StdRng::seed_from_u64(seed);
        let files = [
            (fixture("gps-photo.jpg"), 150),
            (fixture("gps-photo-progressive.jpg"), 150),
            (fixture("gps-photo.png"), 150),
            (small_jpeg_with_metadata(), 1500),
            (b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".to_vec(), 300),
            (hostile_pdf::with_packed_metadata(), 600),
        ];
        for (original, rounds) in &files {
            for _ in 0..*rounds {
                let mut bytes = original.clone();
                for _ in 0..rng.gen_range(1..8) {
                    mutate(&mut rng, &mut bytes);
                }
                if let Ok(clean) = sanitize(&bytes) {
                    let again = sanitize(&clean.bytes).expect("a clean file passes again");
                    assert_eq!(again, clean, "sanitizing is idempotent");
                }
            }
        }
    }

    /// A small JPEG with the kinds of metadata phones write, so mutations hit every branch.
    fn small_jpeg_with_metadata() -> Vec<u8> {
        let seg = |code: u8, payload: &[u8]| {
            let mut out = vec![0xFF, code];
            out.extend_from_slice(&u16::try_from(payload.len() + 2).expect("small").to_be_bytes());
            out.extend_from_slice(payload);
            out
        };
        let exif =
            super::exif::tests::exif_payload(false, &[(0x0112, 3, 1, [0, 6, 0, 0]), (0x8825, 4, 1, [0, 0, 0, 26])]);
        let mut out = vec![0xFF, 0xD8];
        out.extend(seg(0xE0, b"JFIF\0\x01\x02\0\0\x01\0\x01\0\0"));
        out.extend(seg(0xE1, &exif));
        out.extend(seg(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x/>"));
        out.extend(seg(0xE2, b"ICC_PROFILE\0\x01\x01icc"));
        out.extend(seg(0xEE, b"Adobe\0\x64\0\0\0\0\x01"));
        out.extend(seg(0xFE, b"comment"));
        out.extend(seg(0xDB, &[0; 65]));
        out.extend(seg(0xC2, &[8, 0, 8, 0, 8, 1, 1, 0x11, 0]));
        out.extend(seg(0xC4, &[0; 17]));
        out.extend(seg(0xDD, &[0, 1]));
        out.extend(seg(0xDA, &[1, 1, 0, 0, 0, 0]));
        out.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
        out.extend(seg(0xC4, &[0x10; 17]));
        out.extend(seg(0xDA, &[1, 1, 0, 1, 63, 0]));
        out.extend_from_slice(&[0x78, 0xFF, 0xD1, 0x9A]);
        out.extend_from_slice(&[0xFF, 0xD9]);
        out.extend_from_slice(b"trailer");
        out
    }

    fn mutate(rng: &mut StdRng, bytes: &mut Vec<u8>) {
        if bytes.is_empty() {
            bytes.push(rng.gen());
            return;
        }
        let at = rng.gen_range(0..bytes.len());
        match rng.gen_range(0..5) {
            0 => bytes[at] = rng.gen(),
            1 => bytes[at] ^= 1 << rng.gen_range(0..8),
            2 => {
                let markers = [0x00, 0xFF, 0xD9, 0xDA, rng.gen()];
                bytes.insert(at, markers[rng.gen_range(0..markers.len())]);
            }
            3 => {
                bytes.remove(at);
            }
            _ => bytes.truncate(at),
        }
    }
}
