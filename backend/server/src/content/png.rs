//! PNG: rewrite a picture keeping only the chunks needed to show it.
//!
//! Chunks are walked with their lengths bounds-checked and every CRC verified, then copied
//! from an allow-list: the image itself (IHDR, PLTE, IDAT, IEND), how to show its colours
//! (tRNS, gAMA, cHRM, sRGB, iCCP, sBIT, bKGD), its pixel size (pHYs) and the APNG animation
//! chunks. Text (tEXt, zTXt, iTXt), EXIF (eXIf, which can hold a GPS position), the time stamp
//! (tIME), every chunk not on the list and anything after IEND are dropped. Kept chunks are
//! copied byte for byte, CRC included, since it was verified.

use super::crc32;
use super::error::ContentError;

/// What a person is told when the structure is broken.
const DAMAGED: ContentError = ContentError::Malformed("The image file is damaged or incomplete.");

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
/// Chunk lengths are at most 2^31 - 1 (PNG specification, 5.3).
const MAX_CHUNK_LEN: u32 = 0x7FFF_FFFF;
/// IHDR: width, height, bit depth, colour type, compression, filter, interlace.
const IHDR_LEN: usize = 13;

/// The chunks that are kept; every other one is dropped.
const KEPT: [&[u8; 4]; 15] = [
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"pHYs", b"bKGD",
    b"acTL", b"fcTL", b"fdAT",
];

/// One chunk as read from the file.
struct Chunk<'a> {
    kind: [u8; 4],
    data: &'a [u8],
    /// The whole chunk: length, type, data and CRC.
    raw: &'a [u8],
}

/// `input` rebuilt with only the allowed chunks. `input` must start with the PNG signature
/// (checked again here); IHDR must come first, at least one IDAT follow, and IEND end it.
pub fn strip(input: &[u8]) -> Result<Vec<u8>, ContentError> {
    if !input.starts_with(SIGNATURE) {
        return Err(ContentError::Unsupported);
    }
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(SIGNATURE);
    let mut pos = SIGNATURE.len();
    let mut image_data_seen = false;
    loop {
        let first = pos == SIGNATURE.len();
        let (chunk, next) = read_chunk(input, pos)?;
        pos = next;
        match &chunk.kind {
            b"IHDR" if first && ihdr_is_sound(chunk.data) => {}
            b"IHDR" => return Err(DAMAGED),
            _ if first => return Err(DAMAGED),
            b"IEND" if image_data_seen && chunk.data.is_empty() => {
                out.extend_from_slice(chunk.raw);
                return Ok(out);
            }
            b"IEND" => return Err(DAMAGED),
            b"IDAT" => image_data_seen = true,
            _ => {}
        }
        if KEPT.contains(&&chunk.kind) {
            out.extend_from_slice(chunk.raw);
        }
    }
}

/// The chunk at `pos` and where the next one starts. Its length must fit in the input, its
/// type be four ASCII letters, and its CRC match.
fn read_chunk(input: &[u8], pos: usize) -> Result<(Chunk<'_>, usize), ContentError> {
    let header = input.get(pos..pos.checked_add(8).ok_or(DAMAGED)?).ok_or(DAMAGED)?;
    let (length, kind) = header.split_at(4);
    let length = u32::from_be_bytes(length.try_into().map_err(|_| DAMAGED)?);
    let kind: [u8; 4] = kind.try_into().map_err(|_| DAMAGED)?;
    if length > MAX_CHUNK_LEN || !kind.iter().all(u8::is_ascii_alphabetic) {
        return Err(DAMAGED);
    }
    let data_start = pos + 8;
    let data_end = data_start
        .checked_add(usize::try_from(length).map_err(|_| DAMAGED)?)
        .ok_or(DAMAGED)?;
    let end = data_end.checked_add(4).ok_or(DAMAGED)?;
    let raw = input.get(pos..end).ok_or(DAMAGED)?;
    let data = input.get(data_start..data_end).ok_or(DAMAGED)?;
    let stored_crc = input.get(data_end..end).ok_or(DAMAGED)?;
    let stored_crc = u32::from_be_bytes(stored_crc.try_into().map_err(|_| DAMAGED)?);
    if crc32::checksum(&[&kind, data]) != stored_crc {
        return Err(DAMAGED);
    }
    Ok((Chunk { kind, data, raw }, end))
}

/// IHDR of the right size with a width and height that are neither 0 nor above 2^31 - 1.
fn ihdr_is_sound(data: &[u8]) -> bool {
    let dimension = |at: usize| {
        data.get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_be_bytes)
            .is_some_and(|v| (1..=MAX_CHUNK_LEN).contains(&v))
    };
    data.len() == IHDR_LEN && dimension(0) && dimension(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real 2×2 palette PNG (ImageMagick, `-strip`): IHDR, PLTE, IDAT, IEND.
    const RED_2X2: &str =
        "89504e470d0a1a0a0000000d494844520000000200000002010300000048789f6700000003504c5445ff000019e2\
        09370000000c4944415408d7636060600000000400012734270a0000000049454e44ae426082";

    fn red() -> Vec<u8> {
        hex::decode(RED_2X2).expect("hex")
    }

    /// A chunk with a correct CRC.
    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(data.len()).expect("small").to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc32::checksum(&[kind, data]).to_be_bytes());
        out
    }

    /// Offsets in `red()`: IHDR ends at 33, PLTE at 48, IDAT at 72, IEND at 84.
    const AFTER_IHDR: usize = 33;
    const AFTER_IDAT: usize = 72;

    /// `red()` with `before` inserted after IHDR and `after` after IDAT.
    fn red_with(before: &[Vec<u8>], after: &[Vec<u8>]) -> Vec<u8> {
        let red = red();
        let mut out = red[..AFTER_IHDR].to_vec();
        before.iter().for_each(|c| out.extend_from_slice(c));
        out.extend_from_slice(&red[AFTER_IHDR..AFTER_IDAT]);
        after.iter().for_each(|c| out.extend_from_slice(c));
        out.extend_from_slice(&red[AFTER_IDAT..]);
        out
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn the_layout_the_tests_rely_on() {
        let red = red();
        assert_eq!(&red[AFTER_IHDR + 4..AFTER_IHDR + 8], b"PLTE");
        assert_eq!(&red[AFTER_IDAT + 4..AFTER_IDAT + 8], b"IEND");
        assert_eq!(red.len(), AFTER_IDAT + 12);
    }

    #[test]
    fn a_clean_file_comes_back_unchanged() {
        assert_eq!(strip(&red()).expect("strip"), red());
    }

    #[test]
    fn text_exif_time_and_unknown_chunks_are_dropped() {
        let input = red_with(
            &[
                chunk(b"tEXt", b"Comment\0GPS 39.0997 -94.5786"),
                chunk(b"eXIf", b"MM\0\x2a\0\0\0\x08\0\0\0\0\0\0"),
                chunk(b"tIME", &[7, 0xE8, 5, 7, 9, 33, 4]),
            ],
            &[
                chunk(b"zTXt", b"Raw profile type exif\0\0x\x9c"),
                chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta/>"),
                chunk(b"prVt", b"private"),
                chunk(b"caNv", &[0; 16]),
                chunk(b"vpAg", &[0; 9]),
                chunk(b"ZZZZ", b"unknown critical"),
            ],
        );
        let out = strip(&input).expect("strip");
        assert_eq!(out, red());
        assert!(!contains(&out, b"GPS") && !contains(&out, b"xmpmeta"));
    }

    #[test]
    fn the_integration_fixture_loses_its_text() {
        // The 2×2 PNG the API tests upload: a tEXt chunk with a location and a name.
        let input = hex::decode(
            "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a730000002974455874436f6d6d656e74\
             004750532033392e30393937202d39342e3537383620426c61697220436f6e726f79e129f3700000001049444154789c\
             63f8cfc000440c100a001fee03fd8b5f14d40000000049454e44ae426082",
        )
        .expect("hex");
        let out = strip(&input).expect("strip");
        assert!(!contains(&out, b"tEXt") && !contains(&out, b"39.0997") && !contains(&out, b"Blair"));
        assert!(contains(&out, b"IDAT"));
        assert_eq!(out.len(), input.len() - (12 + 0x29));
    }

    #[test]
    fn colour_size_and_animation_chunks_are_kept() {
        let kept = [
            chunk(b"gAMA", &45455u32.to_be_bytes()),
            chunk(b"cHRM", &[0; 32]),
            chunk(b"sRGB", &[0]),
            chunk(b"iCCP", b"ICC\0\0x\x9c"),
            chunk(b"sBIT", &[8]),
            chunk(b"pHYs", &[0, 0, 11, 19, 0, 0, 11, 19, 1]),
            chunk(b"acTL", &[0, 0, 0, 1, 0, 0, 0, 0]),
            chunk(b"fcTL", &[0; 26]),
        ];
        let after = [
            chunk(b"tRNS", &[0]),
            chunk(b"bKGD", &[0]),
            chunk(b"fdAT", &[0, 0, 0, 1, 8]),
        ];
        let input = red_with(&kept, &after);
        assert_eq!(strip(&input).expect("strip"), input);
    }

    #[test]
    fn everything_after_iend_is_dropped() {
        let mut input = red();
        input.extend_from_slice(b"trailing data, a zip file, another PNG ...");
        input.extend_from_slice(&chunk(b"tEXt", b"Comment\0after the end"));
        assert_eq!(strip(&input).expect("strip"), red());
    }

    #[test]
    fn a_bad_crc_is_refused_in_kept_and_dropped_chunks() {
        let mut bad_idat = red();
        bad_idat[AFTER_IDAT - 1] ^= 1;
        assert_eq!(strip(&bad_idat), Err(DAMAGED));
        let mut text = chunk(b"tEXt", b"Comment\0hi");
        let last = text.len() - 1;
        text[last] ^= 0x80;
        assert_eq!(strip(&red_with(&[text], &[])), Err(DAMAGED));
        let mut bad_data = red();
        bad_data[AFTER_IHDR + 8] ^= 0xFF; // a palette byte
        assert_eq!(strip(&bad_data), Err(DAMAGED));
    }

    #[test]
    fn chunk_order_and_shape_are_checked() {
        let red = red();
        let ihdr = red[8..AFTER_IHDR].to_vec();
        let iend = chunk(b"IEND", b"");
        let no_ihdr_first = [&red[..8], &chunk(b"tEXt", b"a\0b")[..], &red[8..]].concat();
        let no_idat = [&red[..AFTER_IHDR], &red[AFTER_IDAT..]].concat();
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("IHDR not first", no_ihdr_first),
            ("IHDR twice", red_with(&[ihdr], &[])),
            ("no IDAT before IEND", no_idat),
            (
                "IEND with data",
                [&red[..AFTER_IDAT], &chunk(b"IEND", b"x")[..]].concat(),
            ),
            ("IEND first", [&red[..8], &iend[..]].concat()),
            (
                "IHDR of the wrong size",
                [&red[..8], &chunk(b"IHDR", &[0, 0, 0, 2, 0, 0, 0, 2, 1, 3, 0, 0])[..]].concat(),
            ),
            (
                "width 0",
                [&red[..8], &chunk(b"IHDR", &[0, 0, 0, 0, 0, 0, 0, 2, 1, 3, 0, 0, 0])[..]].concat(),
            ),
            (
                "height too large",
                [
                    &red[..8],
                    &chunk(b"IHDR", &[0, 0, 0, 2, 0x80, 0, 0, 0, 1, 3, 0, 0, 0])[..],
                ]
                .concat(),
            ),
            ("type not letters", red_with(&[chunk(b"tE1t", b"")], &[])),
            (
                "length over 2^31",
                red_with(&[[&[0x80, 0, 0, 0][..], b"tEXt"].concat()], &[]),
            ),
            (
                "length past the end",
                red_with(&[[&[0x00, 0xFF, 0xFF, 0xFF][..], b"tEXt"].concat()], &[]),
            ),
            ("only the signature", red[..8].to_vec()),
        ];
        for (what, input) in cases {
            assert_eq!(strip(&input), Err(DAMAGED), "{what}");
        }
    }

    #[test]
    fn every_truncation_is_refused() {
        let with_text = red_with(&[chunk(b"tEXt", b"Comment\0GPS")], &[chunk(b"tIME", &[0; 7])]);
        for image in [red(), with_text] {
            for end in 0..image.len() {
                assert!(
                    strip(&image[..end]).is_err(),
                    "cut at {end} of {} was accepted",
                    image.len()
                );
            }
        }
    }

    #[test]
    fn not_a_png_is_unsupported() {
        assert_eq!(strip(b"\x89PNG\r\n"), Err(ContentError::Unsupported));
        assert_eq!(strip(b"GIF89a"), Err(ContentError::Unsupported));
    }
}
