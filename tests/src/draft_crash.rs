//! What the `draft_writer` program and `tests/draft_crash.rs` agree on: whose vault it writes,
//! the lines it prints, and how a draft's content is hashed so both sides can compare what
//! was saved with what is stored.
//!
//! The writer prints `saving <draft_id|new> <hash>` before each save and
//! `acked <draft_id> <version> <hash>` right after the save returned, flushing each line.
//! `hash` covers everything the save stores (see [`content_hash`]), attachment bytes included.

use portal_api::media::MediaType;
use portal_api::Category;
use portal_desktop::core::drafts::{DraftAttachment, DraftContent};
use ring::digest::{Context, SHA256};

/// The vault user the writer writes as.
pub const WRITER_USER: &str = "1@crash-test.example:443";
/// Its pass-phrase.
pub const WRITER_PASSPHRASE: &[u8] = b"orchard lamps glow after rain";

/// One attached file, as hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentDigest {
    pub filename: String,
    pub media_type: MediaType,
    pub size: u64,
    pub sha256: Vec<u8>,
}

impl AttachmentDigest {
    pub fn of(filename: &str, media_type: MediaType, bytes: &[u8]) -> Self {
        Self {
            filename: filename.to_owned(),
            media_type,
            size: bytes.len() as u64,
            sha256: ring::digest::digest(&SHA256, bytes).as_ref().to_vec(),
        }
    }
}

/// SHA-256 (hex) over a draft's thread, category, subject, body and attachments (name, type,
/// size and bytes, in order), each length-prefixed so no two drafts hash alike by accident.
pub fn content_hash(
    thread_id: Option<i64>,
    category: Option<Category>,
    subject: &str,
    body: &str,
    attachments: &[AttachmentDigest],
) -> String {
    let mut hash = Context::new(&SHA256);
    let mut field = |bytes: &[u8]| {
        hash.update(&(bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    field(format!("{thread_id:?}").as_bytes());
    field(category.map_or("", Category::as_str).as_bytes());
    field(subject.as_bytes());
    field(body.as_bytes());
    for attachment in attachments {
        field(attachment.filename.as_bytes());
        field(format!("{:?}", attachment.media_type).as_bytes());
        field(&attachment.size.to_le_bytes());
        field(&attachment.sha256);
    }
    hex::encode(hash.finish().as_ref())
}

/// [`content_hash`] of a stored draft, as `Drafts::load_for_send` answers it.
pub fn stored_hash<B: AsRef<[u8]>>(content: &DraftContent, files: &[(DraftAttachment, B)]) -> String {
    let digests: Vec<AttachmentDigest> = files
        .iter()
        .map(|(attachment, bytes)| AttachmentDigest::of(&attachment.filename, attachment.media_type, bytes.as_ref()))
        .collect();
    content_hash(
        content.thread_id,
        content.category,
        &content.subject,
        &content.body,
        &digests,
    )
}

/// One line of the writer's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A save is about to start; `draft_id` is `None` for a new draft.
    Saving { draft_id: Option<String>, hash: String },
    /// A save returned.
    Acked {
        draft_id: String,
        version: i64,
        hash: String,
    },
}

impl Line {
    pub fn saving(draft_id: Option<&str>, hash: &str) -> String {
        format!("saving {} {hash}", draft_id.unwrap_or("new"))
    }

    pub fn acked(draft_id: &str, version: i64, hash: &str) -> String {
        format!("acked {draft_id} {version} {hash}")
    }

    /// A line as printed, or `None` for anything else.
    pub fn parse(line: &str) -> Option<Self> {
        let words: Vec<&str> = line.split(' ').collect();
        match words.as_slice() {
            ["saving", id, hash] => Some(Self::Saving {
                draft_id: (*id != "new").then(|| (*id).to_owned()),
                hash: (*hash).to_owned(),
            }),
            ["acked", id, version, hash] => Some(Self::Acked {
                draft_id: (*id).to_owned(),
                version: version.parse().ok()?,
                hash: (*hash).to_owned(),
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip() {
        let line = Line::saving(None, "ab");
        assert_eq!(
            Line::parse(&line),
            Some(Line::Saving {
                draft_id: None,
                hash: "ab".into()
            })
        );
        let line = Line::acked("d1", 7, "cd");
        assert_eq!(
            Line::parse(&line),
            Some(Line::Acked {
                draft_id: "d1".into(),
                version: 7,
                hash: "cd".into()
            })
        );
        assert_eq!(Line::parse("acked d1 seven cd"), None);
        assert_eq!(Line::parse("acked d1"), None);
    }

    #[test]
    fn hashes_tell_fields_apart() {
        let a = content_hash(None, None, "ab", "c", &[]);
        assert_ne!(a, content_hash(None, None, "a", "bc", &[]));
        assert_ne!(a, content_hash(Some(1), None, "ab", "c", &[]));
        assert_ne!(a, content_hash(None, Some(Category::Billing), "ab", "c", &[]));
        let file = AttachmentDigest::of("x.pdf", MediaType::Pdf, b"%PDF-");
        assert_ne!(a, content_hash(None, None, "ab", "c", &[file]));
        assert_eq!(a.len(), 64);
    }
}
