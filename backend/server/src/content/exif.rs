//! The one piece of EXIF worth keeping: the Orientation tag. Phones store photos as the sensor
//! saw them and record the rotation in EXIF; without it a photo of a skin lesion shows on its
//! side. Everything else in EXIF (GPS position, times, device serials, a thumbnail of the
//! uncropped photo) is dropped, so this module only reads that tag and writes a fresh,
//! minimal EXIF block holding nothing else.

/// The identifier that starts an EXIF APP1 segment; the TIFF structure follows it.
pub const EXIF_HEADER: &[u8] = b"Exif\0\0";

/// TIFF tag number of Orientation.
const ORIENTATION_TAG: u16 = 0x0112;
/// TIFF field types an Orientation may be stored as (SHORT, as the standard says, or LONG,
/// which some writers use).
const TYPE_SHORT: u16 = 3;
const TYPE_LONG: u16 = 4;
/// Size of one IFD entry: tag, type, count, value or offset.
const ENTRY_LEN: usize = 12;

/// A TIFF byte order, chosen by the first two bytes of the structure.
#[derive(Clone, Copy)]
enum ByteOrder {
    Little,
    Big,
}

impl ByteOrder {
    fn u16_at(self, bytes: &[u8], at: usize) -> Option<u16> {
        let raw: [u8; 2] = bytes.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(match self {
            ByteOrder::Little => u16::from_le_bytes(raw),
            ByteOrder::Big => u16::from_be_bytes(raw),
        })
    }

    fn u32_at(self, bytes: &[u8], at: usize) -> Option<u32> {
        let raw: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(match self {
            ByteOrder::Little => u32::from_le_bytes(raw),
            ByteOrder::Big => u32::from_be_bytes(raw),
        })
    }
}

/// The Orientation (2..=8) recorded in the payload of an EXIF APP1 segment (starting with
/// `Exif\0\0`), or `None` when there is none, it is 1 (nothing to rotate), it is out of range,
/// or the structure around it is broken. A broken EXIF block is not an error: it is dropped
/// with the rest of the metadata either way.
pub fn orientation(app1_payload: &[u8]) -> Option<u16> {
    let tiff = app1_payload.strip_prefix(EXIF_HEADER)?;
    let order = match tiff.get(..2)? {
        b"II" => ByteOrder::Little,
        b"MM" => ByteOrder::Big,
        _ => return None,
    };
    if order.u16_at(tiff, 2)? != 42 {
        return None;
    }
    let ifd0 = usize::try_from(order.u32_at(tiff, 4)?).ok()?;
    let count = usize::from(order.u16_at(tiff, ifd0)?);
    let first_entry = ifd0.checked_add(2)?;
    (0..count)
        .map_while(|i| first_entry.checked_add(i.checked_mul(ENTRY_LEN)?))
        .take_while(|&at| at.checked_add(ENTRY_LEN).is_some_and(|end| end <= tiff.len()))
        .find(|&at| order.u16_at(tiff, at) == Some(ORIENTATION_TAG))
        .and_then(|at| entry_value(tiff, order, at))
        .filter(|value| (2..=8).contains(value))
}

/// The value of the one-value SHORT or LONG entry at `at` (held in the entry itself).
fn entry_value(tiff: &[u8], order: ByteOrder, at: usize) -> Option<u16> {
    let field_type = order.u16_at(tiff, at.checked_add(2)?)?;
    if order.u32_at(tiff, at.checked_add(4)?)? != 1 {
        return None;
    }
    let value_at = at.checked_add(8)?;
    match field_type {
        TYPE_SHORT => order.u16_at(tiff, value_at),
        TYPE_LONG => u16::try_from(order.u32_at(tiff, value_at)?).ok(),
        _ => None,
    }
}

/// A complete APP1 segment (marker included) holding an EXIF block with only `orientation`:
/// a big-endian TIFF header, IFD0 with the single Orientation entry, and no next IFD, so no
/// pointer to any other data.
pub fn orientation_segment(orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::with_capacity(26);
    tiff.extend_from_slice(b"MM\0\x2A"); // byte order, magic 42
    tiff.extend_from_slice(&8u32.to_be_bytes()); // IFD0 right after the header
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&ORIENTATION_TAG.to_be_bytes());
    tiff.extend_from_slice(&TYPE_SHORT.to_be_bytes());
    tiff.extend_from_slice(&1u32.to_be_bytes()); // one value, held in the entry
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]); // padding of the 4-byte value field
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no IFD1 (no thumbnail)

    let mut segment = vec![0xFF, 0xE1];
    // 2 (length field) + 6 (Exif\0\0) + 26 (TIFF): a constant well under u16::MAX.
    let length = 2 + EXIF_HEADER.len() + tiff.len();
    segment.extend_from_slice(&u16::try_from(length).unwrap_or(u16::MAX).to_be_bytes());
    segment.extend_from_slice(EXIF_HEADER);
    segment.extend_from_slice(&tiff);
    segment
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An EXIF payload in the given byte order whose IFD0 holds `entries`
    /// (tag, type, count, value field as raw 4 bytes in that order).
    pub(crate) fn exif_payload(little: bool, entries: &[(u16, u16, u32, [u8; 4])]) -> Vec<u8> {
        let u16b = |v: u16| if little { v.to_le_bytes() } else { v.to_be_bytes() };
        let u32b = |v: u32| if little { v.to_le_bytes() } else { v.to_be_bytes() };
        let mut out = EXIF_HEADER.to_vec();
        out.extend_from_slice(if little { b"II" } else { b"MM" });
        out.extend_from_slice(&u16b(42));
        out.extend_from_slice(&u32b(8));
        out.extend_from_slice(&u16b(u16::try_from(entries.len()).expect("few entries")));
        for &(tag, kind, count, value) in entries {
            out.extend_from_slice(&u16b(tag));
            out.extend_from_slice(&u16b(kind));
            out.extend_from_slice(&u32b(count));
            out.extend_from_slice(&value);
        }
        out.extend_from_slice(&u32b(0));
        out
    }

    fn short(little: bool, v: u16) -> [u8; 4] {
        let b = if little { v.to_le_bytes() } else { v.to_be_bytes() };
        [b[0], b[1], 0, 0]
    }

    #[test]
    fn reads_orientation_in_both_byte_orders() {
        for little in [true, false] {
            let make = short(little, 0x010F);
            let payload = exif_payload(
                little,
                &[(0x010F, 2, 4, make), (ORIENTATION_TAG, TYPE_SHORT, 1, short(little, 6))],
            );
            assert_eq!(orientation(&payload), Some(6), "little endian: {little}");
        }
    }

    #[test]
    fn reads_a_long_orientation() {
        let payload = exif_payload(false, &[(ORIENTATION_TAG, TYPE_LONG, 1, 8u32.to_be_bytes())]);
        assert_eq!(orientation(&payload), Some(8));
    }

    #[test]
    fn ignores_normal_out_of_range_and_oddly_typed_values() {
        for (kind, count, value) in [
            (TYPE_SHORT, 1, short(false, 1)),
            (TYPE_SHORT, 1, short(false, 0)),
            (TYPE_SHORT, 1, short(false, 9)),
            (TYPE_SHORT, 1, short(false, 0xFFFF)),
            (TYPE_SHORT, 2, short(false, 6)),
            (TYPE_SHORT, 0, short(false, 6)),
            (2, 1, short(false, 6)),
            (TYPE_LONG, 1, 0x0001_0006u32.to_be_bytes()),
        ] {
            let payload = exif_payload(false, &[(ORIENTATION_TAG, kind, count, value)]);
            assert_eq!(orientation(&payload), None, "{kind} {count} {value:?}");
        }
        assert_eq!(orientation(&exif_payload(true, &[])), None);
    }

    #[test]
    fn broken_structures_give_none_never_a_panic() {
        let good = exif_payload(true, &[(ORIENTATION_TAG, TYPE_SHORT, 1, short(true, 3))]);
        assert_eq!(orientation(&good), Some(3));
        let entry_end = good.len() - 4;
        for end in 0..good.len() {
            // A cut before the end of the entry loses it; the next-IFD offset is not needed.
            let expected = (end >= entry_end).then_some(3);
            assert_eq!(orientation(&good[..end]), expected, "cut at {end}");
        }
        let mut bad_order = good.clone();
        bad_order[6..8].copy_from_slice(b"IM");
        assert_eq!(orientation(&bad_order), None);
        let mut bad_magic = good.clone();
        bad_magic[8] = 43;
        assert_eq!(orientation(&bad_magic), None);
        let mut far_ifd = good.clone();
        far_ifd[10..14].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(orientation(&far_ifd), None);
        let mut many_entries = good.clone();
        many_entries[14..16].copy_from_slice(&u16::MAX.to_le_bytes());
        assert_eq!(
            orientation(&many_entries),
            Some(3),
            "the entries that fit are still read"
        );
        assert_eq!(orientation(b"Exif\0\0"), None);
        assert_eq!(orientation(b"XMP\0"), None);
    }

    #[test]
    fn writes_a_minimal_segment_that_reads_back() {
        for value in 2..=8 {
            let segment = orientation_segment(value);
            assert_eq!(&segment[..2], &[0xFF, 0xE1]);
            assert_eq!(
                usize::from(u16::from_be_bytes([segment[2], segment[3]])),
                segment.len() - 2
            );
            assert_eq!(segment.len(), 36);
            assert_eq!(orientation(&segment[4..]), Some(value));
        }
    }
}
