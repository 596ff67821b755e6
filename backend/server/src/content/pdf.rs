//! PDF: accepted as it is, after a check that it is whole. Rewriting a PDF safely would need a
//! full parser; here it is only checked that it starts as a PDF and that its end-of-file
//! marker survived the upload, so a cut-off file is refused with a clear message.

use super::ContentError;

/// What a person is told when the file is cut off or is not a PDF after all.
const DAMAGED: ContentError = ContentError::Malformed("The PDF file is damaged or incomplete.");

const HEADER: &[u8] = b"%PDF-";
const END_MARKER: &[u8] = b"%%EOF";
/// How far from the end the end-of-file marker may be (readers allow trailing junk, such as
/// line ends or padding, after it).
const TAIL_LEN: usize = 1024;

/// Checks `input` and hands it back unchanged.
pub fn check(input: &[u8]) -> Result<(), ContentError> {
    if !input.starts_with(HEADER) {
        return Err(ContentError::Unsupported);
    }
    let tail = input.get(input.len().saturating_sub(TAIL_LEN)..).unwrap_or_default();
    if tail.windows(END_MARKER.len()).any(|w| w == END_MARKER) {
        Ok(())
    } else {
        Err(DAMAGED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

    #[test]
    fn a_whole_pdf_passes() {
        assert_eq!(check(SMALL), Ok(()));
        assert_eq!(check(b"%PDF-%%EOF"), Ok(()));
    }

    #[test]
    fn the_marker_may_be_followed_by_a_little_padding() {
        let mut padded = b"%PDF-1.4\n%%EOF".to_vec();
        padded.extend_from_slice(&[b'\n'; TAIL_LEN - END_MARKER.len()]);
        assert_eq!(check(&padded), Ok(()));
        padded.push(b'\n');
        assert_eq!(check(&padded), Err(DAMAGED), "the marker is now beyond the last KiB");
    }

    #[test]
    fn a_cut_off_pdf_is_refused() {
        let marker_at = SMALL.len() - 6;
        for end in HEADER.len()..marker_at + END_MARKER.len() {
            assert_eq!(check(&SMALL[..end]), Err(DAMAGED), "cut at {end}");
        }
        let mut big = b"%PDF-1.7\n".to_vec();
        big.extend_from_slice(&[b' '; 4096]);
        big.extend_from_slice(b"%%EOF");
        big.extend_from_slice(&[b'x'; 2048]);
        assert_eq!(check(&big), Err(DAMAGED), "a marker far from the end does not count");
    }

    #[test]
    fn not_a_pdf_is_unsupported() {
        assert_eq!(check(b""), Err(ContentError::Unsupported));
        assert_eq!(check(b"%PDF"), Err(ContentError::Unsupported));
        assert_eq!(check(b" %PDF-1.4 %%EOF"), Err(ContentError::Unsupported));
    }
}
