//! Author metadata blanked in place: every string of the document information dictionary
//! becomes spaces of the same length, and each XMP metadata stream becomes spaces with its
//! filter removed. Nothing moves, so every byte offset in the file stays right.

use std::collections::HashSet;
use std::ops::Range;

use super::flate;
use super::lexer::{Kind, Lexer};
use super::refusals::UNCHECKABLE;
use super::scan::{InfoAt, Scan};
use crate::content::error::ContentError;

/// Bytes written over the same number of bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct Edit {
    pub at: usize,
    pub bytes: Vec<u8>,
}

/// The edits that blank the document's metadata (none when it is already blank).
pub fn metadata_edits(pdf: &[u8], scan: &Scan) -> Result<Vec<Edit>, ContentError> {
    let mut edits = Vec::new();
    let mut packed_edits: Vec<Vec<Edit>> = scan.packed.iter().map(|_| Vec::new()).collect();
    let mut seen = HashSet::new();
    for info in scan.info.iter().filter(|info| seen.insert(info.key())) {
        match *info {
            InfoAt::Direct(ref range) => blank_strings(pdf, range.clone(), &mut edits),
            InfoAt::Ref(num, gen) => {
                for object in scan.objects.iter().filter(|o| o.id == Some((num, gen))) {
                    blank_strings(pdf, object.body.clone(), &mut edits);
                }
                for (packed, out) in scan.packed.iter().zip(&mut packed_edits) {
                    for (_, range) in packed.objects.iter().filter(|(n, _)| *n == num && gen == 0) {
                        blank_strings(&packed.data, range.clone(), out);
                    }
                }
            }
        }
    }
    for metadata in &scan.metadata {
        if !pdf[metadata.data.clone()].iter().all(|&b| b == b' ') {
            edits.push(spaces(metadata.data.clone()));
        }
        edits.extend(metadata.filter_entries.iter().cloned().map(spaces));
    }
    for (packed, changes) in scan.packed.iter().zip(packed_edits) {
        if changes.is_empty() {
            continue;
        }
        let content = apply(&packed.data, changes)?;
        let start = packed.at.data_start;
        if packed.zlib_len.is_none() && packed.at.filter == super::scan::Filter::None {
            edits.push(Edit {
                at: start,
                bytes: content,
            });
        } else {
            let room = packed.zlib_len.ok_or(UNCHECKABLE)?;
            let bytes = flate::deflate_into(&content, room).ok_or(UNCHECKABLE)?;
            edits.push(Edit { at: start, bytes });
        }
    }
    Ok(edits)
}

fn spaces(range: Range<usize>) -> Edit {
    Edit {
        at: range.start,
        bytes: vec![b' '; range.len()],
    }
}

/// Blanks the content of each string in `buf[range]`.
fn blank_strings(buf: &[u8], range: Range<usize>, edits: &mut Vec<Edit>) {
    let end = range.end.min(buf.len());
    for token in Lexer::new(&buf[..end], range.start.min(end)) {
        let (close, pattern): (u8, &[u8]) = match token.kind {
            Kind::LiteralString => (b')', b" "),
            Kind::HexString => (b'>', b"20"),
            _ => continue,
        };
        let span = token.span;
        if span.len() < 2 || buf[span.end - 1] != close {
            // Unterminated: not a string a reader would show, and blanking it could change
            // where the next one starts.
            continue;
        }
        let content = span.start + 1..span.end - 1;
        let blank: Vec<u8> = pattern.iter().copied().cycle().take(content.len()).collect();
        if buf[content.clone()] != blank[..] {
            edits.push(Edit {
                at: content.start,
                bytes: blank,
            });
        }
    }
}

/// `bytes` with the edits written over it (the same edit twice counts once); edits that
/// overlap mean the file was built to confuse, and it is refused.
pub fn apply(bytes: &[u8], mut edits: Vec<Edit>) -> Result<Vec<u8>, ContentError> {
    edits.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.bytes.cmp(&b.bytes)));
    edits.dedup();
    let mut out = bytes.to_vec();
    let mut done = 0;
    for edit in edits {
        let end = edit.at + edit.bytes.len();
        if edit.at < done || end > out.len() {
            return Err(UNCHECKABLE);
        }
        out[edit.at..end].copy_from_slice(&edit.bytes);
        done = end;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_become_spaces_of_the_same_length() {
        let buf = b"<< /Author (Jane \\(Q\\) Doe) /Title <4A616E65> /Empty () /N 5 >>";
        let mut edits = Vec::new();
        blank_strings(buf, 0..buf.len(), &mut edits);
        let out = apply(buf, edits).expect("apply");
        assert_eq!(
            out,
            b"<< /Author (              ) /Title <20202020> /Empty () /N 5 >>".to_vec()
        );
        let mut again = Vec::new();
        blank_strings(&out, 0..out.len(), &mut again);
        assert_eq!(again, [], "already blank");
    }

    #[test]
    fn overlapping_edits_are_refused() {
        let edits = vec![
            Edit {
                at: 0,
                bytes: b"ab".to_vec(),
            },
            Edit {
                at: 1,
                bytes: b"c".to_vec(),
            },
        ];
        assert_eq!(apply(b"xyz", edits), Err(UNCHECKABLE));
        assert_eq!(
            apply(
                b"xyz",
                vec![Edit {
                    at: 2,
                    bytes: b"ab".to_vec()
                }]
            ),
            Err(UNCHECKABLE)
        );
    }
}
