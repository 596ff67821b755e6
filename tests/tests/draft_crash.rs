//! The draft store killed with SIGKILL in the middle of autosaving, 20 times: every time the
//! vault opens, nothing in it is damaged, and every save that was acknowledged is on disk (or
//! the save in flight when the process died, complete).
//!
//! `draft_writer` (a separate program, so it can really be killed) saves drafts in a loop and
//! prints what it saves; this test kills it at a random moment, then opens the vault itself.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use portal_desktop::core::drafts::{DraftStatus, Drafts};
use portal_desktop::vault::{DraftStatus as RecordStatus, DraftVault};
use portal_tests::draft_crash::{stored_hash, Line, WRITER_PASSPHRASE, WRITER_USER};
use portal_tests::TEST_KDF;
use rand::Rng;

const ROUNDS: usize = 20;

/// A save that may have reached the disk when the writer died.
#[derive(Debug, Clone)]
struct InFlight {
    draft_id: Option<String>,
    hash: String,
}

#[test]
fn drafts_survive_sigkill_mid_autosave() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("drafts.db");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    // Draft id → (version, hash) of the last save known to be on disk.
    let mut acked: HashMap<String, (i64, String)> = HashMap::new();
    let mut total_acks = 0;
    let mut completed_in_flight = 0;
    let mut rng = rand::thread_rng();
    for round in 0..ROUNDS {
        let mut writer = Command::new(env!("CARGO_BIN_EXE_draft_writer"))
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the writer");
        std::thread::sleep(Duration::from_millis(rng.gen_range(20..=300)));
        assert!(
            writer.try_wait().expect("wait").is_none(),
            "round {round}: the writer stopped by itself (see its output above)"
        );
        writer.kill().expect("SIGKILL");
        writer.wait().expect("reap");
        let mut output = String::new();
        writer
            .stdout
            .take()
            .expect("stdout")
            .read_to_string(&mut output)
            .expect("read");

        // Only whole lines count: the process may have died in the middle of one.
        let mut in_flight: Option<InFlight> = None;
        let complete = output.rfind('\n').map_or("", |end| &output[..end]);
        for line in complete.lines() {
            match Line::parse(line).unwrap_or_else(|| panic!("round {round}: unexpected line {line:?}")) {
                Line::Saving { draft_id, hash } => in_flight = Some(InFlight { draft_id, hash }),
                Line::Acked {
                    draft_id,
                    version,
                    hash,
                } => {
                    let before = acked.insert(draft_id, (version, hash));
                    assert!(before.is_none_or(|(v, _)| v < version), "round {round}: versions go up");
                    in_flight = None;
                    total_acks += 1;
                }
            }
        }
        if runtime.block_on(check_after_crash(&path, round, &mut acked, in_flight)) {
            completed_in_flight += 1;
        }
    }
    assert!(total_acks > 0, "the writer acknowledged no save in {ROUNDS} rounds");
    println!(
        "{ROUNDS} rounds, {total_acks} acknowledged saves, {} drafts, {completed_in_flight} saves killed \
         after they reached the disk but before they were acknowledged",
        acked.len()
    );
}

/// Opens the vault as the app would after the crash and compares it with what was acked.
/// A save in flight may have completed: then it becomes the known state, and this answers
/// true.
async fn check_after_crash(
    path: &Path,
    round: usize,
    acked: &mut HashMap<String, (i64, String)>,
    in_flight: Option<InFlight>,
) -> bool {
    let mut completed = false;
    let vault = DraftVault::open(path)
        .await
        .unwrap_or_else(|e| panic!("round {round}: the vault does not open: {e}"));
    assert!(vault.check_integrity().await.expect("integrity check"), "round {round}");
    let drafts = Drafts::new(Some(path.to_path_buf()), TEST_KDF);
    drafts
        .unlock(WRITER_USER, WRITER_PASSPHRASE)
        .await
        .unwrap_or_else(|e| panic!("round {round}: the vault does not unlock: {e}"));
    let records = vault
        .unlock(WRITER_USER, WRITER_PASSPHRASE)
        .await
        .expect("unlock")
        .list_drafts()
        .await
        .expect("records");
    assert!(
        records.iter().all(|r| r.status == RecordStatus::Ok),
        "round {round}: a damaged record: {records:?}"
    );
    let summaries = drafts.list().await.expect("list");
    assert!(summaries.iter().all(|s| s.status == DraftStatus::Ok), "round {round}");
    assert_eq!(summaries.len(), records.len());

    for record in &records {
        let (content, files) = drafts
            .load_for_send(&record.draft_id)
            .await
            .unwrap_or_else(|e| panic!("round {round}: draft {} does not open: {e}", record.draft_id));
        assert_eq!(files.len(), content.attachments.len());
        let hash = stored_hash(&content, &files);
        let completed_in_flight = |expected_version: i64| {
            in_flight.as_ref().is_some_and(|f| {
                f.hash == hash
                    && record.version == expected_version
                    && f.draft_id.as_deref().is_none_or(|id| id == record.draft_id)
            })
        };
        match acked.get(&record.draft_id) {
            Some((version, acked_hash)) if record.version == *version => assert_eq!(
                &hash, acked_hash,
                "round {round}: draft {} at its acknowledged version {version} has other content",
                record.draft_id
            ),
            Some((version, _)) => {
                assert!(
                    in_flight.as_ref().is_some_and(|f| f.draft_id.is_some()) && completed_in_flight(version + 1),
                    "round {round}: draft {} is at version {} after version {version} was acknowledged, \
                     and that is not the save in flight",
                    record.draft_id,
                    record.version
                );
                completed = true;
            }
            None => {
                assert!(
                    in_flight.as_ref().is_some_and(|f| f.draft_id.is_none()) && completed_in_flight(1),
                    "round {round}: draft {} was never acknowledged and is not the new draft in flight",
                    record.draft_id
                );
                completed = true;
            }
        }
        acked.insert(record.draft_id.clone(), (record.version, hash));
    }
    for id in acked.keys() {
        assert!(
            records.iter().any(|r| &r.draft_id == id),
            "round {round}: acknowledged draft {id} is gone"
        );
    }
    drafts.close().await;
    vault.close().await;
    completed
}
