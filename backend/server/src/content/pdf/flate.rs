//! Flate (zlib) data in a PDF: inflated with a cap, and written again in exactly the room the
//! original took, so that no byte offset in the file moves.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// What came out of a stream's compressed data.
pub struct Inflated {
    pub data: Vec<u8>,
    /// How many input bytes the zlib stream took, when it ended properly.
    pub consumed: Option<usize>,
    /// The output reached the cap before the end.
    pub over_cap: bool,
}

/// Inflates as much of `input` as is valid (readers show what they can of a damaged stream,
/// so a check must see the same). `zlib`: with the two-byte header and checksum.
pub fn inflate(input: &[u8], zlib: bool, cap: usize) -> Inflated {
    let mut decoder = Decompress::new(zlib);
    let mut data = Vec::new();
    loop {
        if data.len() >= cap {
            return Inflated {
                data,
                consumed: None,
                over_cap: true,
            };
        }
        data.reserve((cap - data.len()).min(64 * 1024));
        let (in_before, out_before) = (decoder.total_in(), decoder.total_out());
        let rest = input
            .get(usize::try_from(in_before).unwrap_or(usize::MAX)..)
            .unwrap_or_default();
        match decoder.decompress_vec(rest, &mut data, FlushDecompress::None) {
            Ok(Status::StreamEnd) => {
                let consumed = usize::try_from(decoder.total_in()).ok();
                return Inflated {
                    data,
                    consumed,
                    over_cap: false,
                };
            }
            Ok(_) if decoder.total_in() != in_before || decoder.total_out() != out_before => {}
            Ok(_) | Err(_) => {
                return Inflated {
                    data,
                    consumed: None,
                    over_cap: false,
                }
            }
        }
    }
}

/// A zlib stream of exactly `room` bytes whose content is `data` followed by spaces, or `None`
/// when `data` does not compress into that room. The spaces are harmless where this is used
/// (after the last object of an object stream).
pub fn deflate_into(data: &[u8], room: usize) -> Option<Vec<u8>> {
    const HEADER: [u8; 2] = [0x78, 0xDA];
    const STORED_BLOCK_HEADER: usize = 5;
    const MAX_STORED: usize = 0xFFFF;
    let mut body = Vec::with_capacity(room);
    body.extend_from_slice(&HEADER);
    let mut encoder = Compress::new(Compression::best(), false);
    loop {
        body.reserve(data.len() / 4 + 64 * 1024);
        let consumed = usize::try_from(encoder.total_in()).ok()?;
        encoder
            .compress_vec(&data[consumed..], &mut body, FlushCompress::Sync)
            .ok()?;
        if usize::try_from(encoder.total_in()).ok()? == data.len() && body.len() < body.capacity() {
            break;
        }
    }
    // What is left for stored blocks of padding, before the four-byte checksum.
    let mut padding = room.checked_sub(body.len() + 4)?;
    if padding < STORED_BLOCK_HEADER {
        return None;
    }
    let mut content = data.to_vec();
    while padding > 0 {
        let (len, last) = if padding - STORED_BLOCK_HEADER <= MAX_STORED {
            (padding - STORED_BLOCK_HEADER, true)
        } else if padding - STORED_BLOCK_HEADER - MAX_STORED >= STORED_BLOCK_HEADER {
            (MAX_STORED, false)
        } else {
            // Leaves exactly room for an empty last block.
            (padding - 2 * STORED_BLOCK_HEADER, false)
        };
        let len16 = u16::try_from(len).ok()?;
        body.push(u8::from(last));
        body.extend_from_slice(&len16.to_le_bytes());
        body.extend_from_slice(&(!len16).to_le_bytes());
        body.resize(body.len() + len, b' ');
        content.resize(content.len() + len, b' ');
        padding -= STORED_BLOCK_HEADER + len;
    }
    body.extend_from_slice(&adler32(&content).to_be_bytes());
    (body.len() == room).then_some(body)
}

fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    b << 16 | a
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibEncoder::new(data, Compression::fast())
            .read_to_end(&mut out)
            .expect("compress");
        out
    }

    fn strict_inflate(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(data)
            .read_to_end(&mut out)
            .expect("valid zlib");
        out
    }

    #[test]
    fn inflates_and_reports_what_it_took() {
        let mut input = zlib(b"1 0 << /A 1 >>");
        let len = input.len();
        input.extend_from_slice(b"\nendstream");
        let out = inflate(&input, true, 1024);
        assert_eq!(out.data, b"1 0 << /A 1 >>");
        assert_eq!(out.consumed, Some(len));
        let cut = inflate(&input[..len - 6], true, 1024);
        assert_eq!(cut.consumed, None);
        let capped = inflate(&zlib(&[b'x'; 100_000]), true, 1000);
        assert!(capped.over_cap && capped.data.len() >= 1000 && capped.data.len() < 100_000);
        assert!(inflate(b"not zlib", true, 1024).data.is_empty());
    }

    #[test]
    fn deflates_into_exactly_the_room_given() {
        let text = b"1 0 << /Author (Jane Q. Patient) /Producer (Some Office Suite 2024) >>".repeat(3);
        let room = zlib(&text).len();
        let blanked = text
            .iter()
            .map(|&b| if b.is_ascii_alphabetic() { b' ' } else { b })
            .collect::<Vec<_>>();
        let out = deflate_into(&blanked, room).expect("fits");
        assert_eq!(out.len(), room);
        let back = strict_inflate(&out);
        assert!(back.starts_with(&blanked) && back[blanked.len()..].iter().all(|&b| b == b' '));
        assert_eq!(inflate(&out, true, 1 << 20).consumed, Some(room));
        assert_eq!(deflate_into(&blanked, 8), None, "no room");
        let big = deflate_into(b"", 200_000).expect("several padding blocks");
        assert_eq!(big.len(), 200_000);
        assert!(strict_inflate(&big).iter().all(|&b| b == b' '));
    }

    #[test]
    fn adler32_matches_the_reference() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(b""), 1);
    }
}
