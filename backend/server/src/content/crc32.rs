//! CRC-32 (ISO-HDLC, the one PNG uses): PNG chunks carry it, and a chunk whose CRC does not
//! match was damaged or edited by hand. Written out here (a 1 KiB table built at compile time)
//! rather than pulled in as a dependency for twenty lines.

/// The reflected polynomial 0x04C11DB7.
const POLYNOMIAL: u32 = 0xEDB8_8320;

/// One entry per byte value, computed when the crate is compiled.
const TABLE: [u32; 256] = build_table();

const fn build_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 { POLYNOMIAL ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
}

/// The CRC-32 of the concatenation of `parts` (PNG computes it over a chunk's type and data,
/// which are adjacent in the file but read separately here).
pub fn checksum(parts: &[&[u8]]) -> u32 {
    let mut crc = u32::MAX;
    for part in parts {
        for &byte in *part {
            // The index is masked to 0..=255, so it is always inside the table.
            crc = TABLE[usize::from((crc as u8) ^ byte)] ^ (crc >> 8);
        }
    }
    crc ^ u32::MAX
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_check_values() {
        assert_eq!(checksum(&[]), 0);
        assert_eq!(checksum(&[b""]), 0);
        assert_eq!(checksum(&[b"123456789"]), 0xCBF4_3926);
        assert_eq!(checksum(&[b"The quick brown fox jumps over the lazy dog"]), 0x414F_A339);
    }

    #[test]
    fn parts_are_concatenated() {
        assert_eq!(checksum(&[b"1234", b"", b"56789"]), checksum(&[b"123456789"]));
    }

    #[test]
    fn matches_a_real_png_chunk() {
        // IEND has no data; its CRC is the same in every PNG file.
        assert_eq!(checksum(&[b"IEND"]), 0xAE42_6082);
    }
}
