//! Saves drafts into a vault file in a tight loop until it is killed (by `tests/draft_crash.rs`,
//! with SIGKILL, at a random moment). Usage: `draft_writer VAULT_FILE`.
//!
//! It writes through the app's own drafts logic (`Drafts`: JSON, sealing, one transaction per
//! save): new drafts, autosaves of texts from empty to the 20,000-character limit, and files
//! attached and removed. Before each save it prints `saving <draft_id|new> <hash>` and right
//! after the save returned `acked <draft_id> <version> <hash>` (see `portal_tests::draft_crash`),
//! flushing each line, so the test knows what must be on disk when the process dies.

use std::io::Write;
use std::path::PathBuf;

use portal_api::media::MediaType;
use portal_api::Category;
use portal_desktop::core::drafts::{Draft, Drafts};
use portal_desktop::vault::DraftVault;
use portal_tests::draft_crash::{content_hash, stored_hash, AttachmentDigest, Line, WRITER_PASSPHRASE, WRITER_USER};
use portal_tests::TEST_KDF;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// At most this many drafts at once (then only autosaves and files).
const MAX_DRAFTS: usize = 6;

/// What the writer knows of one draft: enough to predict the hash of its next save.
struct Known {
    draft_id: String,
    /// The version stored (this program is the file's only writer: each save adds one).
    version: i64,
    thread_id: Option<i64>,
    category: Option<Category>,
    subject: String,
    body: String,
    /// Attachment id and digest, in the draft's order.
    files: Vec<(String, AttachmentDigest)>,
}

impl Known {
    fn hash(&self) -> String {
        let digests: Vec<AttachmentDigest> = self.files.iter().map(|(_, d)| d.clone()).collect();
        content_hash(self.thread_id, self.category, &self.subject, &self.body, &digests)
    }
}

fn main() {
    let path = PathBuf::from(std::env::args().nth(1).expect("usage: draft_writer VAULT_FILE"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(write_until_killed(path));
}

async fn write_until_killed(path: PathBuf) {
    let drafts = Drafts::new(Some(path.clone()), TEST_KDF);
    drafts.unlock(WRITER_USER, WRITER_PASSPHRASE).await.expect("unlock");
    let versions = stored_versions(&path).await;
    let mut known = Vec::new();
    for summary in drafts.list().await.expect("list") {
        let (content, files) = drafts
            .load_for_send(&summary.draft_id)
            .await
            .expect("a stored draft opens");
        let hash = stored_hash(&content, &files);
        let draft = Known {
            version: versions[&summary.draft_id],
            draft_id: summary.draft_id,
            thread_id: content.thread_id,
            category: content.category,
            subject: content.subject.clone(),
            body: content.body.clone(),
            files: files
                .iter()
                .map(|(a, bytes)| (a.id.clone(), AttachmentDigest::of(&a.filename, a.media_type, bytes)))
                .collect(),
        };
        assert_eq!(draft.hash(), hash);
        known.push(draft);
    }
    let mut rng = StdRng::from_entropy();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut say = |line: String| {
        writeln!(out, "{line}").expect("stdout");
        out.flush().expect("flush");
    };
    loop {
        let roll: u32 = rng.gen_range(0..100);
        if known.len() < 2 || (roll < 10 && known.len() < MAX_DRAFTS) {
            // A new draft.
            let mut draft = Known {
                draft_id: String::new(),
                version: 0,
                thread_id: rng.gen_bool(0.3).then(|| rng.gen_range(1..1000)),
                category: Some(Category::ALL[rng.gen_range(0..Category::ALL.len())]),
                subject: text(&mut rng, 200),
                body: text(&mut rng, 20_000),
                files: Vec::new(),
            };
            let hash = draft.hash();
            say(Line::saving(None, &hash));
            let mut save = Draft::new(draft.subject.clone(), draft.body.clone());
            save.thread_id = draft.thread_id;
            save.category = draft.category;
            let saved = drafts.save(save).await.expect("save");
            say(Line::acked(&saved.draft_id, saved.version, &hash));
            assert_eq!(saved.version, 1);
            draft.draft_id = saved.draft_id;
            draft.version = saved.version;
            known.push(draft);
            continue;
        }
        let index = rng.gen_range(0..known.len());
        let draft = &mut known[index];
        if roll < 25 && draft.files.len() < 5 {
            // Attach a file.
            let (media_type, bytes) = file(&mut rng);
            let filename = format!("file-{}.{}", rng.gen_range(0..10_000), media_type.extension());
            draft
                .files
                .push((String::new(), AttachmentDigest::of(&filename, media_type, &bytes)));
            let hash = draft.hash();
            say(Line::saving(Some(&draft.draft_id), &hash));
            let added = drafts
                .add_attachment(Some(&draft.draft_id), &filename, &bytes)
                .await
                .expect("attach");
            draft.version += 1;
            say(Line::acked(&draft.draft_id, draft.version, &hash));
            draft.files.last_mut().expect("just pushed").0 = added.attachment.id;
        } else if roll < 32 && !draft.files.is_empty() {
            // Remove a file.
            let (attachment_id, _) = draft.files.remove(rng.gen_range(0..draft.files.len()));
            let hash = draft.hash();
            say(Line::saving(Some(&draft.draft_id), &hash));
            let left = drafts
                .remove_attachment(&draft.draft_id, &attachment_id)
                .await
                .expect("remove");
            draft.version += 1;
            say(Line::acked(&draft.draft_id, draft.version, &hash));
            assert_eq!(left.attachments.len(), draft.files.len());
        } else {
            // Autosave: a new text, sometimes a little longer, sometimes entirely different.
            if rng.gen_bool(0.8) {
                let more = text(&mut rng, 40);
                if draft.body.chars().count() + more.chars().count() <= 20_000 {
                    draft.body.push_str(&more);
                }
            } else {
                draft.body = text(&mut rng, 20_000);
                draft.subject = text(&mut rng, 200);
            }
            let hash = draft.hash();
            say(Line::saving(Some(&draft.draft_id), &hash));
            let saved = drafts.save(as_draft(draft)).await.expect("save");
            say(Line::acked(&draft.draft_id, saved.version, &hash));
            draft.version += 1;
            assert_eq!(saved.version, draft.version);
        }
    }
}

/// The version of each stored draft, read from the vault itself (the drafts commands do not
/// answer versions except on save).
async fn stored_versions(path: &std::path::Path) -> std::collections::HashMap<String, i64> {
    let vault = DraftVault::open(path).await.expect("open");
    let unlocked = vault.unlock(WRITER_USER, WRITER_PASSPHRASE).await.expect("unlock");
    let versions = unlocked
        .list_drafts()
        .await
        .expect("list")
        .into_iter()
        .map(|entry| (entry.draft_id, entry.version))
        .collect();
    drop(unlocked);
    vault.close().await;
    versions
}

fn as_draft(known: &Known) -> Draft {
    let mut draft = Draft::new(known.subject.clone(), known.body.clone());
    draft.draft_id = Some(known.draft_id.clone());
    draft.thread_id = known.thread_id;
    draft.category = known.category;
    draft
}

/// Up to `max` characters of text, with some that JSON escapes and some outside ASCII.
fn text(rng: &mut StdRng, max: usize) -> String {
    const WORDS: &[&str] = &[
        "rash",
        "itch",
        "crème",
        "\"quoted\"",
        "line\n",
        "tab\t",
        "день",
        "🙂",
        "back\\slash",
    ];
    let len = match rng.gen_range(0..10) {
        0 => 0,
        1..=6 => rng.gen_range(1..=max.min(300)),
        _ => rng.gen_range(1..=max),
    };
    let mut out = String::new();
    while out.chars().count() < len {
        out.push_str(WORDS[rng.gen_range(0..WORDS.len())]);
        out.push(' ');
    }
    out.chars().take(len).collect()
}

/// A file of 1 KiB to 512 KiB that passes the type check.
fn file(rng: &mut StdRng) -> (MediaType, Vec<u8>) {
    let (media_type, magic): (MediaType, &[u8]) = match rng.gen_range(0..3) {
        0 => (MediaType::Jpeg, &[0xFF, 0xD8, 0xFF, 0xE0]),
        1 => (MediaType::Png, b"\x89PNG\r\n\x1a\n"),
        _ => (MediaType::Pdf, b"%PDF-1.7\n"),
    };
    let len = rng.gen_range(1024..=512 * 1024);
    let mut bytes = magic.to_vec();
    bytes.extend((bytes.len()..len).map(|_| rng.gen::<u8>()));
    (media_type, bytes)
}
