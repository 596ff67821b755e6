//! A section of a record a page at a time. The section is made whole by the view (newest
//! first); a page is a slice of it, and the cursor names where the slice ended: how many
//! entries were shown and a fingerprint of the last one's id. The next page starts right after
//! that entry wherever it now stands, so a chart that changed between two pages (a newer
//! result imported) neither repeats nor skips what was already listed; when the entry is gone,
//! the count is used.

use portal_api::{PageQuery, DEFAULT_RECORD_PAGE, MAX_RECORD_PAGE, MIN_RECORD_PAGE};
use ring::digest::{digest, SHA256};

/// Most digits of the count in a cursor (a section never holds a billion entries).
const MAX_COUNT_DIGITS: usize = 9;
/// Hex digits of the fingerprint in a cursor.
const FINGERPRINT_DIGITS: usize = 16;

/// The cursors [`Cursor::decode`] accepts, as a regular expression (for the OpenAPI document).
pub fn cursor_pattern() -> String {
    format!("^[0-9]{{1,{MAX_COUNT_DIGITS}}}\\.[0-9a-f]{{{FINGERPRINT_DIGITS}}}$")
}

/// Why a page cannot be given; the text is for the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("limit must be between {MIN_RECORD_PAGE} and {MAX_RECORD_PAGE}.")]
    Limit,
    #[error("The cursor is not valid: pass the next_cursor of the previous page as it came.")]
    Cursor,
}

/// Where the previous page ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// Entries shown up to and including the last one.
    shown: u32,
    /// The last entry's id, fingerprinted.
    last: u64,
}

impl Cursor {
    pub fn encode(self) -> String {
        format!("{}.{:016x}", self.shown, self.last)
    }

    pub fn decode(text: &str) -> Option<Self> {
        let (shown, last) = text.split_once('.')?;
        let digits = |part: &str, max: usize, hex: bool| {
            (1..=max).contains(&part.len())
                && part
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (hex && (b'a'..=b'f').contains(&b)))
        };
        if !digits(shown, MAX_COUNT_DIGITS, false)
            || last.len() != FINGERPRINT_DIGITS
            || !digits(last, FINGERPRINT_DIGITS, true)
        {
            return None;
        }
        Some(Self {
            shown: shown.parse().ok()?,
            last: u64::from_str_radix(last, 16).ok()?,
        })
    }
}

/// A page request, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u32,
    pub after: Option<Cursor>,
}

impl PageRequest {
    pub fn parse(query: &PageQuery) -> Result<Self, PageError> {
        let limit = query.limit.unwrap_or(DEFAULT_RECORD_PAGE);
        if !(MIN_RECORD_PAGE..=MAX_RECORD_PAGE).contains(&limit) {
            return Err(PageError::Limit);
        }
        let after = match query.cursor.as_deref() {
            Some(text) => Some(Cursor::decode(text).ok_or(PageError::Cursor)?),
            None => None,
        };
        Ok(Self { limit, after })
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many the whole list holds.
    pub total: u32,
    /// The cursor of the next page; none on the last.
    pub next: Option<String>,
}

/// The page `request` asks of `items` (the whole list, in its order), each known by `id`.
pub fn page<T>(items: Vec<T>, id: impl Fn(&T) -> &str, request: PageRequest) -> Page<T> {
    let total = u32::try_from(items.len()).unwrap_or(u32::MAX);
    let start = request.after.map_or(0, |after| start_after(&items, &id, after));
    let end = start.saturating_add(request.limit as usize).min(items.len());
    let next = (end < items.len() && end > 0).then(|| {
        Cursor {
            shown: u32::try_from(end).unwrap_or(u32::MAX),
            last: fingerprint(id(&items[end - 1])),
        }
        .encode()
    });
    let items = items.into_iter().skip(start).take(end - start).collect();
    Page { items, total, next }
}

/// Where the page after `after` starts: after its last entry, found at its place (the list
/// unchanged) or elsewhere (entries came or went before it); else after as many as were shown.
fn start_after<T>(items: &[T], id: &impl Fn(&T) -> &str, after: Cursor) -> usize {
    let shown = (after.shown as usize).min(items.len());
    let is_last = |item: &T| fingerprint(id(item)) == after.last;
    if shown > 0 && is_last(&items[shown - 1]) {
        return shown;
    }
    items.iter().position(is_last).map_or(shown, |at| at + 1)
}

/// The first 64 bits of the id's SHA-256 (a cursor carries no id as it is).
fn fingerprint(id: &str) -> u64 {
    let hash = digest(&SHA256, id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash.as_ref()[..8]);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("id-{i}")).collect()
    }

    fn request(limit: u32, cursor: Option<&str>) -> PageRequest {
        PageRequest::parse(&PageQuery {
            limit: Some(limit),
            cursor: cursor.map(str::to_owned),
        })
        .expect("valid")
    }

    fn walk(items: &[String], limit: u32) -> Vec<String> {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = page(items.to_vec(), String::as_str, request(limit, cursor.as_deref()));
            assert_eq!(page.total as usize, items.len());
            assert!(page.items.len() <= limit as usize);
            seen.extend(page.items);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return seen,
            }
        }
    }

    #[test]
    fn walking_every_page_gives_the_whole_list_once() {
        for n in [0, 1, 6, 7, 8, 14, 15, 100] {
            for limit in [1, 7, 25, 100] {
                assert_eq!(walk(&ids(n), limit), ids(n), "{n} entries, {limit} a page");
            }
        }
    }

    #[test]
    fn entries_come_and_go_between_two_pages_and_the_next_starts_after_the_last_shown() {
        let before = ids(10);
        let first = page(before.clone(), String::as_str, request(4, None));
        assert_eq!(first.items, before[..4]);
        let mut after = before.clone();
        after.insert(0, "newest".into());
        after.insert(2, "new-too".into());
        let second = page(after.clone(), String::as_str, request(4, first.next.as_deref()));
        assert_eq!(second.items, before[4..8]);
        // An entry shown before gone: the page still starts after the last one shown.
        let mut fewer = before.clone();
        fewer.remove(1);
        let second = page(fewer, String::as_str, request(4, first.next.as_deref()));
        assert_eq!(second.items, before[4..8]);
        // The last one shown gone itself: as many as were shown are passed over.
        let mut gone = before.clone();
        gone.remove(3);
        let second = page(gone.clone(), String::as_str, request(4, first.next.as_deref()));
        assert_eq!(second.items, gone[4..8]);
    }

    #[test]
    fn a_cursor_reads_back_and_junk_is_refused() {
        let cursor = Cursor {
            shown: 25,
            last: 0x0123_4567_89ab_cdef,
        };
        assert_eq!(cursor.encode(), "25.0123456789abcdef");
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        let pattern = cursor_pattern();
        assert_eq!(pattern, "^[0-9]{1,9}\\.[0-9a-f]{16}$");
        for junk in [
            "",
            "25",
            "25.",
            ".0123456789abcdef",
            "25.0123456789ABCDEF",
            "25.0123456789abcde",
            "25.0123456789abcdef0",
            "-1.0123456789abcdef",
            "1234567890.0123456789abcdef",
            "2 5.0123456789abcdef",
        ] {
            assert_eq!(Cursor::decode(junk), None, "{junk}");
        }
    }

    #[test]
    fn the_limit_and_cursor_are_checked() {
        let query = |limit, cursor: Option<&str>| PageQuery {
            limit,
            cursor: cursor.map(str::to_owned),
        };
        assert_eq!(
            PageRequest::parse(&query(None, None)).map(|r| r.limit),
            Ok(DEFAULT_RECORD_PAGE)
        );
        assert_eq!(PageRequest::parse(&query(Some(0), None)), Err(PageError::Limit));
        assert_eq!(PageRequest::parse(&query(Some(101), None)), Err(PageError::Limit));
        assert_eq!(PageRequest::parse(&query(Some(100), None)).map(|r| r.limit), Ok(100));
        assert_eq!(PageRequest::parse(&query(None, Some("abc"))), Err(PageError::Cursor));
    }

    #[test]
    fn a_cursor_past_the_end_is_an_empty_last_page() {
        let cursor = Cursor { shown: 500, last: 7 }.encode();
        let last = page(ids(3), String::as_str, request(5, Some(&cursor)));
        assert!(last.items.is_empty());
        assert_eq!((last.total, last.next), (3, None));
    }
}
