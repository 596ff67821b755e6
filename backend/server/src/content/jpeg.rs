//! JPEG: rewrite a photo keeping only what is needed to show it.
//!
//! The file is walked segment by segment and rebuilt from an allow-list: the tables, the
//! frame header, the scans and their entropy-coded data, the JFIF header (without its
//! thumbnail), the ICC colour profile and Adobe's colour-transform flag. Everything else is
//! dropped: EXIF (GPS position, times, device serials, a thumbnail of the uncropped photo), XMP,
//! IPTC/Photoshop blocks, comments, MPF and every other APPn, and anything after the end of the
//! image (phones append a second picture there with its own EXIF). Only the EXIF Orientation is
//! carried over, in a fresh EXIF block of its own, so phone photos are not shown on their side.
//!
//! Every length is bounds-checked against the input; a file that ends early or whose structure
//! does not add up is refused rather than guessed at.

use super::error::ContentError;
use super::exif;

/// What a person is told when the structure is broken.
const DAMAGED: ContentError = ContentError::Malformed("The image file is damaged or incomplete.");

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const DQT: u8 = 0xDB;
const DNL: u8 = 0xDC;
const DRI: u8 = 0xDD;
const DHP: u8 = 0xDE;
const EXP: u8 = 0xDF;
const DHT: u8 = 0xC4;
const JPG: u8 = 0xC8;
const DAC: u8 = 0xCC;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
const APP2: u8 = 0xE2;
const APP14: u8 = 0xEE;
const COM: u8 = 0xFE;
/// "For temporary private use in arithmetic coding": a marker without a length.
const TEM: u8 = 0x01;

/// The JFIF identifier, and the size of its fixed header (identifier, version, density units,
/// X and Y density, thumbnail width and height); a thumbnail may follow, and is dropped.
const JFIF_ID: &[u8] = b"JFIF\0";
const JFIF_HEADER_LEN: usize = 14;
/// The ICC profile identifier of APP2 (other APP2 users, such as MPF, are dropped).
const ICC_ID: &[u8] = b"ICC_PROFILE\0";
/// Adobe's APP14: identifier, version, two flag words and the colour transform.
const ADOBE_ID: &[u8] = b"Adobe";
const ADOBE_LEN: usize = 12;

/// What has been kept so far, assembled at the end so the JFIF header and the orientation
/// block come first whatever order the input had.
#[derive(Default)]
struct Rebuilt {
    jfif: Option<Vec<u8>>,
    orientation: Option<u16>,
    exif_seen: bool,
    frame_seen: bool,
    scans: usize,
    body: Vec<u8>,
}

impl Rebuilt {
    fn keep(&mut self, code: u8, length_and_payload: &[u8]) {
        self.body.extend_from_slice(&[0xFF, code]);
        self.body.extend_from_slice(length_and_payload);
    }

    fn finish(self) -> Vec<u8> {
        let orientation = self.orientation.map(exif::orientation_segment);
        let capacity = 4 + self.body.len() + self.jfif.as_ref().map_or(0, Vec::len) + 36;
        let mut out = Vec::with_capacity(capacity);
        out.extend_from_slice(&[0xFF, SOI]);
        out.extend(self.jfif.into_iter().flatten());
        out.extend(orientation.into_iter().flatten());
        out.extend_from_slice(&self.body);
        out.extend_from_slice(&[0xFF, EOI]);
        out
    }
}

/// `input` rebuilt without metadata. `input` must start with a JPEG signature (checked again
/// here); it must hold a frame header, at least one scan and the end-of-image marker.
pub fn strip(input: &[u8]) -> Result<Vec<u8>, ContentError> {
    if input.get(..2) != Some(&[0xFF, SOI]) {
        return Err(ContentError::Unsupported);
    }
    let mut out = Rebuilt::default();
    let mut pos = 2;
    loop {
        let (code, after_code) = read_marker(input, pos)?;
        match code {
            EOI if out.scans > 0 => return Ok(out.finish()),
            EOI | SOI | 0xD0..=0xD7 => return Err(DAMAGED),
            TEM => {
                pos = after_code;
                continue;
            }
            _ => {}
        }
        let (segment, payload, next) = read_segment(input, after_code)?;
        pos = next;
        match code {
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                if out.frame_seen || !frame_header_is_sound(payload) {
                    return Err(DAMAGED);
                }
                out.frame_seen = true;
                out.keep(code, segment);
            }
            DQT | DHT | DAC | DNL => out.keep(code, segment),
            DRI if payload.len() == 2 => out.keep(code, segment),
            SOS => {
                if !out.frame_seen || !scan_header_is_sound(payload) {
                    return Err(DAMAGED);
                }
                out.keep(code, segment);
                let end = entropy_coded_end(input, pos)?;
                out.body.extend_from_slice(input.get(pos..end).ok_or(DAMAGED)?);
                out.scans += 1;
                pos = end;
            }
            APP0 => keep_jfif(&mut out, payload),
            APP1 => read_orientation(&mut out, payload),
            APP2 if payload.starts_with(ICC_ID) => out.keep(code, segment),
            APP14 => keep_adobe(&mut out, payload),
            0xE0..=0xEF | COM => {} // other APPn and comments: metadata, dropped
            // Hierarchical and extension (JPEG-LS, …) files are other formats in a JPEG wrapper.
            JPG | DHP | EXP | 0xF0..=0xFD => return Err(ContentError::Unsupported),
            _ => return Err(DAMAGED),
        }
    }
}

/// The marker code at `pos` (skipping the 0xFF fill bytes the standard allows before it) and
/// the position right after it. Anything but a marker here means the structure is broken.
fn read_marker(input: &[u8], pos: usize) -> Result<(u8, usize), ContentError> {
    if input.get(pos) != Some(&0xFF) {
        return Err(DAMAGED);
    }
    let fill = input
        .get(pos..)
        .ok_or(DAMAGED)?
        .iter()
        .take_while(|&&b| b == 0xFF)
        .count();
    let code_at = pos.checked_add(fill).ok_or(DAMAGED)?;
    let code = *input.get(code_at).ok_or(DAMAGED)?;
    if code == 0x00 {
        return Err(DAMAGED); // a stuffed byte belongs inside a scan, not between segments
    }
    Ok((code, code_at + 1))
}

/// The segment starting at `at` (its 2-byte length included), its payload (after the length)
/// and where the next marker starts.
fn read_segment(input: &[u8], at: usize) -> Result<(&[u8], &[u8], usize), ContentError> {
    let length_bytes: [u8; 2] = input
        .get(at..at.checked_add(2).ok_or(DAMAGED)?)
        .and_then(|b| b.try_into().ok())
        .ok_or(DAMAGED)?;
    let length = usize::from(u16::from_be_bytes(length_bytes));
    if length < 2 {
        return Err(DAMAGED);
    }
    let end = at.checked_add(length).ok_or(DAMAGED)?;
    let segment = input.get(at..end).ok_or(DAMAGED)?;
    let payload = segment.get(2..).ok_or(DAMAGED)?;
    Ok((segment, payload, end))
}

/// A frame header: precision, height, width, component count and 3 bytes per component.
/// Height may be 0 (then a DNL segment gives it), width may not.
fn frame_header_is_sound(payload: &[u8]) -> bool {
    let (Some(&[hi, lo]), Some(&components)) = (payload.get(3..5), payload.get(5)) else {
        return false;
    };
    let width = u16::from_be_bytes([hi, lo]);
    width > 0 && (1..=4).contains(&components) && payload.len() == 6 + 3 * usize::from(components)
}

/// A scan header: component count, 2 bytes per component, then spectral selection and
/// successive approximation (3 bytes).
fn scan_header_is_sound(payload: &[u8]) -> bool {
    payload
        .first()
        .is_some_and(|&n| (1..=4).contains(&n) && payload.len() == 4 + 2 * usize::from(n))
}

/// Where the entropy-coded data that starts at `start` ends: at the first marker that is not a
/// stuffed 0xFF (FF 00) or a restart marker (FF D0..D7). The position returned is that of the
/// marker's first 0xFF (fill bytes included), so the caller reads the marker from there. Data
/// that runs to the end of the file without a marker was cut short.
fn entropy_coded_end(input: &[u8], start: usize) -> Result<usize, ContentError> {
    let mut at = start;
    loop {
        let rest = input.get(at..).ok_or(DAMAGED)?;
        let ff = at + rest.iter().position(|&b| b == 0xFF).ok_or(DAMAGED)?;
        let run = input
            .get(ff..)
            .ok_or(DAMAGED)?
            .iter()
            .take_while(|&&b| b == 0xFF)
            .count();
        let code_at = ff + run;
        match input.get(code_at) {
            None => return Err(DAMAGED),
            Some(0x00 | 0xD0..=0xD7) => at = code_at + 1,
            Some(_) => return Ok(ff),
        }
    }
}

/// Keeps the first JFIF header, rewritten without its thumbnail (a small copy of the picture
/// as it was before any edit, so possibly showing what was cropped away).
fn keep_jfif(out: &mut Rebuilt, payload: &[u8]) {
    if out.jfif.is_some() || !payload.starts_with(JFIF_ID) {
        return;
    }
    let Some(header) = payload.get(..JFIF_HEADER_LEN - 2) else {
        return;
    };
    let mut segment = vec![0xFF, APP0];
    segment.extend_from_slice(&(JFIF_HEADER_LEN as u16 + 2).to_be_bytes());
    segment.extend_from_slice(header);
    segment.extend_from_slice(&[0, 0]); // no thumbnail
    out.jfif = Some(segment);
}

/// Reads the Orientation from the first EXIF block; the block itself is dropped.
fn read_orientation(out: &mut Rebuilt, payload: &[u8]) {
    if out.exif_seen || !payload.starts_with(exif::EXIF_HEADER) {
        return;
    }
    out.exif_seen = true;
    out.orientation = exif::orientation(payload);
}

/// Keeps Adobe's colour-transform segment, cut to its fixed fields.
fn keep_adobe(out: &mut Rebuilt, payload: &[u8]) {
    if !payload.starts_with(ADOBE_ID) {
        return;
    }
    if let Some(fields) = payload.get(..ADOBE_LEN) {
        out.body.extend_from_slice(&[0xFF, APP14]);
        out.body.extend_from_slice(&(ADOBE_LEN as u16 + 2).to_be_bytes());
        out.body.extend_from_slice(fields);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::exif::tests::exif_payload;

    /// A real 16×16 grey baseline JPEG (ImageMagick, then jpegtran `-restart 1`): JFIF, DQT,
    /// SOF0, DHT ×2, DRI, one scan with a restart marker, EOI.
    const GREY_RESTART: &str = "ffd8ffe000104a46494600010100000100010000ffdb0043000d090a0b0a080d0b0a0b0e0e0d0f132015131212\
        13271c1e17202e2931302e292d2c333a4a3e333646372c2d405741464c4e525352323e5a615a50604a51524fffc0000b080010001001011100ff\
        c4001f0000010501010101010100000000000000000102030405060708090a0bffc400b51000020103030204030505040400000\
        17d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a34353637\
        38393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5\
        a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffdd00040\
        002ffda0008010100003f00e57fb03fd8fd28fec0ff0063f4afffd0eabfb03fd8fd28fec0ff0063f4afffd9";

    /// A real 16×16 colour progressive JPEG (ImageMagick `-interlace JPEG`): ten scans with
    /// Huffman tables between them, and a stuffed FF 00 in the first scan.
    const COLOUR_PROGRESSIVE: &str = "ffd8ffe000104a46494600010100000100010000ffdb0043000d090a0b0a080d0b0a0b0e0e0d0f13201513\
        121213271c1e17202e2931302e292d2c333a4a3e333646372c2d405741464c4e525352323e5a615a50604a51524fffdb0043010e0e0e13111326\
        1515264f352d354f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4fff\
        c20011080010001003012200021101031101ffc400160001010100000000000000000000000000000305ffc40014010100000000000000000000\
        000000000004ffda000c03010002100310000001cb40c7ff00ffc4001510010100000000000000000000000000000011ffda0008010100010502\
        aaaaffc4001511010100000000000000000000000000000014ffda0008010301013f01b5ffc40015110101000000000000000000000000000000\
        14ffda0008010201013f0181ffc40014100100000000000000000000000000000020ffda0008010100063f021fffc40014100100000000000000\
        000000000000000020ffda0008010100013f211fffda000c03010002000300000010c7ffc4001511010100000000000000000000000000000071\
        ffda0008010301013f10a7ffc4001511010100000000000000000000000000000071ffda0008010201013f1087ffc40016100101010000000000\
        0000000000000000710010ffda0008010100013f1052d3ffd9";

    fn grey() -> Vec<u8> {
        hex::decode(GREY_RESTART).expect("hex")
    }

    fn colour() -> Vec<u8> {
        hex::decode(COLOUR_PROGRESSIVE).expect("hex")
    }

    /// A segment: marker, length, payload.
    fn seg(code: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![0xFF, code];
        out.extend_from_slice(&u16::try_from(payload.len() + 2).expect("small").to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    /// `base` with `segments` inserted right after its JFIF header (offset 20).
    fn with_after_jfif(base: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
        let mut out = base[..20].to_vec();
        for s in segments {
            out.extend_from_slice(s);
        }
        out.extend_from_slice(&base[20..]);
        out
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    /// The marker codes of a file that `strip` produced (so known to be well formed).
    fn markers(jpeg: &[u8]) -> Vec<u8> {
        let mut codes = vec![SOI];
        let mut pos = 2;
        loop {
            let (code, after) = read_marker(jpeg, pos).expect("marker");
            codes.push(code);
            if code == EOI {
                return codes;
            }
            let (_, _, next) = read_segment(jpeg, after).expect("segment");
            pos = if code == SOS {
                entropy_coded_end(jpeg, next).expect("scan")
            } else {
                next
            };
        }
    }

    fn decode(jpeg: &[u8]) -> (u16, u16, Vec<u8>) {
        let mut decoder = jpeg_decoder::Decoder::new(jpeg);
        let pixels = decoder.decode().expect("decodes");
        let info = decoder.info().expect("info");
        (info.width, info.height, pixels)
    }

    fn gps_exif() -> Vec<u8> {
        // IFD0 with Make and a GPS IFD pointer; the GPS IFD itself is never followed here,
        // and the bytes that mark it must disappear with the segment.
        let mut payload = exif_payload(true, &[(0x010F, 2, 4, *b"Acme"), (0x8825, 4, 1, 26u32.to_le_bytes())]);
        payload.extend_from_slice(b"GPS 39.0997 N 94.5786 W");
        payload
    }

    #[test]
    fn a_clean_file_comes_back_unchanged() {
        for image in [grey(), colour()] {
            assert_eq!(strip(&image).expect("strip"), image);
        }
    }

    #[test]
    fn exif_with_gps_is_dropped() {
        let input = with_after_jfif(&grey(), &[seg(APP1, &gps_exif())]);
        let out = strip(&input).expect("strip");
        assert_eq!(out, grey());
        assert!(!contains(&out, b"Exif") && !contains(&out, b"GPS") && !contains(&out, b"Acme"));
    }

    #[test]
    fn xmp_iptc_comments_and_other_app_segments_are_dropped() {
        let input = with_after_jfif(
            &grey(),
            &[
                seg(
                    APP1,
                    b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>lat 39.0997</x:xmpmeta>",
                ),
                seg(0xED, b"Photoshop 3.0\08BIM\x04\x04 IPTC by-line Jane Doe"),
                seg(COM, b"Jane Doe, 12 Main St"),
                seg(APP2, b"MPF\0II*\0\x08\0\0\0"),
                seg(APP2, b"FPXR\0secret"),
                seg(0xE3, b"Meta"),
                seg(0xEF, b"anything"),
                seg(APP0, b"JFXX\0\x10thumbnail"),
                seg(APP14, b"NotAdobe"),
            ],
        );
        let out = strip(&input).expect("strip");
        assert_eq!(out, grey());
    }

    #[test]
    fn metadata_between_progressive_scans_is_dropped_and_the_scans_kept() {
        let base = colour();
        // Put a comment and an XMP block after the first scan's data.
        let second_dht = base
            .windows(4)
            .position(|w| w == [0xFF, 0xC4, 0x00, 0x15])
            .expect("second DHT");
        let mut input = base[..second_dht].to_vec();
        input.extend(seg(COM, b"secret"));
        input.extend(seg(APP1, b"http://ns.adobe.com/xap/1.0/\0<x/>"));
        input.extend_from_slice(&base[second_dht..]);
        let out = strip(&input).expect("strip");
        assert_eq!(out, base);
        assert_eq!(markers(&out).iter().filter(|&&c| c == SOS).count(), 10);
        assert_eq!(decode(&out), decode(&base));
    }

    #[test]
    fn everything_after_the_end_of_image_is_dropped() {
        let base = grey();
        let mut second_image = vec![0xFF, SOI];
        second_image.extend(seg(APP1, &gps_exif()));
        second_image.extend_from_slice(&base[2..]);
        for trailer in [&b"trailing bytes"[..], &second_image, &[0xFF, 0xD9, 0xFF], &[0]] {
            let mut input = base.clone();
            input.extend_from_slice(trailer);
            assert_eq!(strip(&input).expect("strip"), base);
        }
    }

    #[test]
    fn the_orientation_is_kept_alone_right_after_the_jfif_header() {
        for little in [true, false] {
            let value = if little { [6, 0, 0, 0] } else { [0, 6, 0, 0] };
            let mut payload = exif_payload(little, &[(0x010F, 2, 4, *b"Acme"), (0x0112, 3, 1, value)]);
            payload.extend_from_slice(b"GPS 39.0997");
            let input = with_after_jfif(&grey(), &[seg(APP1, &payload)]);
            let out = strip(&input).expect("strip");
            let expected = with_after_jfif(&grey(), &[exif::orientation_segment(6)]);
            assert_eq!(out, expected);
            assert_eq!(exif::orientation(&out[24..]), Some(6));
            assert!(!contains(&out, b"Acme") && !contains(&out, b"GPS"));
            assert_eq!(decode(&out), decode(&grey()));
        }
    }

    #[test]
    fn the_orientation_block_goes_first_when_there_is_no_jfif_header() {
        let grey = grey();
        let payload = exif_payload(false, &[(0x0112, 3, 1, [0, 8, 0, 0])]);
        let mut input = vec![0xFF, SOI];
        input.extend(seg(APP1, &payload));
        input.extend_from_slice(&grey[20..]);
        let out = strip(&input).expect("strip");
        let mut expected = vec![0xFF, SOI];
        expected.extend(exif::orientation_segment(8));
        expected.extend_from_slice(&grey[20..]);
        assert_eq!(out, expected);
    }

    #[test]
    fn a_normal_orientation_and_later_exif_blocks_add_nothing() {
        let normal = exif_payload(false, &[(0x0112, 3, 1, [0, 1, 0, 0])]);
        let rotated = exif_payload(false, &[(0x0112, 3, 1, [0, 6, 0, 0])]);
        let input = with_after_jfif(&grey(), &[seg(APP1, &normal), seg(APP1, &rotated)]);
        assert_eq!(
            strip(&input).expect("strip"),
            grey(),
            "only the first EXIF block counts"
        );
        let broken = seg(APP1, b"Exif\0\0MM\0\x2a\xff\xff\xff\xff");
        assert_eq!(strip(&with_after_jfif(&grey(), &[broken])).expect("strip"), grey());
    }

    #[test]
    fn the_jfif_thumbnail_is_dropped() {
        let grey = grey();
        let mut jfif = grey[6..18].to_vec();
        jfif.extend_from_slice(&[2, 1]); // a 2×1 thumbnail …
        jfif.extend_from_slice(&[0xAB; 6]); // … of 6 RGB bytes
        let mut input = vec![0xFF, SOI];
        input.extend(seg(APP0, &jfif));
        input.extend_from_slice(&grey[20..]);
        assert_eq!(strip(&input).expect("strip"), grey);
        // A second JFIF header and one too short to be real are dropped too.
        let short = seg(APP0, b"JFIF\0\x01");
        let input = with_after_jfif(&grey, &[seg(APP0, &grey[6..20]), short]);
        assert_eq!(strip(&input).expect("strip"), grey);
    }

    #[test]
    fn icc_profiles_and_the_adobe_transform_are_kept() {
        let icc = seg(APP2, b"ICC_PROFILE\0\x01\x01profile bytes");
        let mut adobe_payload = b"Adobe\0\x64\0\0\0\0\x01".to_vec();
        let adobe = seg(APP14, &adobe_payload);
        adobe_payload.extend_from_slice(b"extra");
        let long_adobe = seg(APP14, &adobe_payload);
        let input = with_after_jfif(&grey(), &[icc.clone(), long_adobe, seg(APP14, b"Adobe\0")]);
        let expected = with_after_jfif(&grey(), &[icc, adobe]);
        assert_eq!(strip(&input).expect("strip"), expected);
    }

    #[test]
    fn fill_bytes_and_tem_markers_are_tolerated() {
        let grey = grey();
        let mut input = grey[..20].to_vec();
        input.extend_from_slice(&[0xFF, 0xFF, 0xFF]); // fill before the next marker
        input.extend_from_slice(&[0xFF, TEM]);
        input.extend_from_slice(&grey[20..grey.len() - 2]);
        input.extend_from_slice(&[0xFF, 0xFF, EOI]); // fill between the scan and EOI
        assert_eq!(strip(&input).expect("strip"), grey);
    }

    #[test]
    fn scan_data_with_stuffing_and_restarts_is_copied_exactly() {
        let sof = seg(0xC0, &[8, 0, 8, 0, 8, 1, 1, 0x11, 0]);
        let sos = seg(SOS, &[1, 1, 0, 0, 63, 0]);
        let data = [
            0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xFF, 0x00, 0xFF, 0xD7, 0x78,
        ];
        let mut input = vec![0xFF, SOI];
        input.extend(&sof);
        input.extend(&sos);
        input.extend_from_slice(&data);
        input.extend_from_slice(&[0xFF, EOI]);
        assert_eq!(strip(&input).expect("strip"), input);
    }

    #[test]
    fn every_truncation_is_refused() {
        for image in [grey(), colour(), with_after_jfif(&grey(), &[seg(APP1, &gps_exif())])] {
            for end in 0..image.len() {
                let result = strip(&image[..end]);
                assert!(result.is_err(), "cut at {end} of {} was accepted", image.len());
            }
        }
    }

    #[test]
    fn broken_structures_are_refused() {
        let grey = grey();
        let sos_at = grey.windows(2).position(|w| w == [0xFF, SOS]).expect("SOS");
        let sof_at = grey.windows(2).position(|w| w == [0xFF, 0xC0]).expect("SOF");
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("no scan before EOI", [&grey[..sos_at], &[0xFF, EOI][..]].concat()),
            ("only SOI and EOI", vec![0xFF, SOI, 0xFF, EOI]),
            ("garbage between segments", with_after_jfif(&grey, &[vec![0x00, 0x01]])),
            (
                "stuffed byte between segments",
                with_after_jfif(&grey, &[vec![0xFF, 0x00]]),
            ),
            ("length below 2", with_after_jfif(&grey, &[vec![0xFF, COM, 0x00, 0x01]])),
            (
                "length past the end",
                with_after_jfif(&grey, &[vec![0xFF, COM, 0xFF, 0xFF]]),
            ),
            ("second SOI", with_after_jfif(&grey, &[vec![0xFF, SOI]])),
            ("restart outside a scan", with_after_jfif(&grey, &[vec![0xFF, 0xD3]])),
            ("reserved marker", with_after_jfif(&grey, &[seg(0x02, b"")])),
            (
                "scan before the frame",
                with_after_jfif(&grey, &[seg(SOS, &[1, 1, 0, 0, 63, 0])]),
            ),
            (
                "second frame",
                with_after_jfif(&grey, &[grey[sof_at..sof_at + 13].to_vec()]),
            ),
            (
                "frame of width 0",
                with_after_jfif(&grey, &[seg(0xC0, &[8, 0, 8, 0, 0, 1, 1, 0x11, 0])]),
            ),
            (
                "frame of 0 components",
                with_after_jfif(&grey, &[seg(0xC0, &[8, 0, 8, 0, 8, 0])]),
            ),
            (
                "frame length off",
                with_after_jfif(&grey, &[seg(0xC0, &[8, 0, 8, 0, 8, 1, 1, 0x11])]),
            ),
            (
                "DRI of the wrong length",
                with_after_jfif(&grey, &[seg(DRI, &[0, 1, 2])]),
            ),
            ("SOI then nothing", vec![0xFF, SOI, 0xFF]),
        ];
        for (what, input) in cases {
            assert_eq!(strip(&input), Err(DAMAGED), "{what}");
        }
        let mut bad_scan = grey.clone();
        bad_scan[sos_at + 4] = 5; // five components in the scan header
        assert_eq!(strip(&bad_scan), Err(DAMAGED));
    }

    #[test]
    fn other_coding_processes_are_not_accepted_as_jpeg() {
        for code in [JPG, DHP, EXP, 0xF7, 0xFD] {
            let input = with_after_jfif(&grey(), &[seg(code, &[0, 0])]);
            assert_eq!(strip(&input), Err(ContentError::Unsupported), "{code:02X}");
        }
        assert_eq!(strip(b"GIF89a"), Err(ContentError::Unsupported));
    }
}
