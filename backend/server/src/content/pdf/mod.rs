//! PDF: refused when it holds active content, and delivered without its author metadata.
//!
//! A PDF can carry scripts, actions that run when it is opened or a page is shown, commands
//! that start programs or send data, embedded files and multimedia. A care team opens what
//! patients send, so none of that is let through: such a PDF is refused with a message that
//! tells the patient what to do instead (print it to a new PDF, or send a photo). An ordinary
//! PDF (text, scans, fonts, links, bookmarks) passes, with the strings of its document
//! information (author, creator, producer, title, subject, keywords, dates) and its XMP
//! metadata blanked in place, so no byte offset moves and the file opens as before.
//!
//! - `lexer`: tokens; `dict`: dictionaries read without recursion.
//! - `scan`: every place a reader could find an object, with object streams inflated
//!   (`flate`); the names only active content uses are refused wherever they are.
//! - `open_action`: what runs at opening may only show a page.
//! - `blank`: the metadata edits, same length.
//!
//! Encrypted PDFs are refused: their object streams cannot be read here, and their strings
//! cannot be blanked without the key.

mod blank;
mod dict;
mod flate;
mod lexer;
mod open_action;
mod refusals;
mod scan;

use crate::content::error::ContentError;
use refusals::DAMAGED;

const HEADER: &[u8] = b"%PDF-";
const END_MARKER: &[u8] = b"%%EOF";
/// How far from the end the end-of-file marker may be (readers allow trailing junk, such as
/// line ends or padding, after it).
const TAIL_LEN: usize = 1024;

/// Checks `input` and returns the bytes to store: the same PDF with its metadata blanked.
pub fn sanitize(input: &[u8]) -> Result<Vec<u8>, ContentError> {
    check(input)?;
    let scan = scan::scan(input)?;
    open_action::check(input, &scan)?;
    let edits = blank::metadata_edits(input, &scan)?;
    blank::apply(input, edits)
}

/// Checks that `input` is a whole PDF.
fn check(input: &[u8]) -> Result<(), ContentError> {
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
