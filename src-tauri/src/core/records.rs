//! A patient's record in the app: the summary, a section a page at a time, a result's values
//! over time, who else looked at it, the preference to see results only once reviewed, and
//! the download of the whole record. The service decides who may read which chart; its
//! answers are passed on as they are. Nothing here is logged or kept: the record stays in
//! memory for the one answer.
//!
//! The download is written here, from Rust, to the file the person chose in the system's
//! save dialog: the bundle never passes through the window.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use portal_api::{
    AccessLog, PageQuery, RecordPage, RecordSection, RecordSummary, ResultPreferences, ResultSeries, MAX_RECORD_PAGE,
    MIN_RECORD_PAGE,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::DesktopCore;
use crate::error::CommandError;

/// Longest result code the app asks a series for (LOINC codes are 3 to 8 characters).
const MAX_CODE_CHARS: usize = 64;

/// Longest paging cursor passed back to the service (it is the service's own token).
const MAX_CURSOR_CHARS: usize = 512;

/// `export_record`: where the record was saved, or that the person closed the save dialog
/// (not an error: nothing was asked of the service and nothing was written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "status", rename_all = "snake_case")]
#[ts(rename = "RecordExportOutcome")]
pub enum RecordExport {
    Saved { path: String },
    Cancelled,
}

/// The name the save dialog offers: `record-YYYY-MM-DD.json`, today's date where the person is.
pub fn default_export_name(today: NaiveDate) -> String {
    format!("record-{}.json", today.format("%Y-%m-%d"))
}

impl DesktopCore {
    /// `record_summary`
    pub async fn record_summary(&self, patient_id: i64) -> Result<RecordSummary, CommandError> {
        self.with_session(|c, t| async move { c.record_summary(&t, patient_id).await })
            .await
    }

    /// `record_section`: one page of a section, newest first; `cursor` is the previous page's
    /// `next_cursor`.
    pub async fn record_section(
        &self,
        patient_id: i64,
        section: RecordSection,
        cursor: Option<String>,
        limit: Option<u32>,
    ) -> Result<RecordPage, CommandError> {
        let page = page_query(cursor, limit)?;
        self.with_session(|c, t| async move { c.record_section(&t, patient_id, section, &page).await })
            .await
    }

    /// `result_series`: the values of one result code over time, for its trend chart.
    pub async fn result_series(&self, patient_id: i64, code: String) -> Result<ResultSeries, CommandError> {
        check_result_key(&code)?;
        self.with_session(|c, t| async move { c.result_series(&t, patient_id, &code).await })
            .await
    }

    /// `access_log`: who else looked at the record, newest first, a page at a time.
    pub async fn access_log(&self, patient_id: i64, cursor: Option<String>) -> Result<AccessLog, CommandError> {
        let page = page_query(cursor, None)?;
        self.with_session(|c, t| async move { c.access_log(&t, patient_id, &page).await })
            .await
    }

    /// `result_preferences`
    pub async fn result_preferences(&self) -> Result<ResultPreferences, CommandError> {
        self.with_session(|c, t| async move { c.result_preferences(&t).await })
            .await
    }

    /// `set_result_preferences`: answers the preference as the service stored it.
    pub async fn set_result_preferences(&self, only_after_review: bool) -> Result<ResultPreferences, CommandError> {
        let preferences = ResultPreferences { only_after_review };
        self.with_session(|c, t| async move { c.set_result_preferences(&t, preferences).await })
            .await
    }

    /// `export_record`: asks where to save (`choose_file`, given the name to offer; `None` when
    /// the person cancels), then downloads the whole record and writes it there. Cancelling
    /// asks nothing of the service. The file is written beside its final place and renamed
    /// over it once complete, so a failure never leaves half a record behind.
    pub async fn export_record<F, Fut>(&self, patient_id: i64, choose_file: F) -> Result<RecordExport, CommandError>
    where
        F: FnOnce(String) -> Fut,
        Fut: std::future::Future<Output = Option<PathBuf>>,
    {
        // Fails before the dialog when nobody is signed in.
        self.signed_in().await?;
        let name = default_export_name(chrono::Local::now().date_naive());
        let Some(path) = choose_file(name).await else {
            return Ok(RecordExport::Cancelled);
        };
        let bundle = self
            .with_session(|c, t| async move { c.record_export(&t, patient_id).await })
            .await?;
        let bytes = serde_json::to_vec_pretty(&bundle).map_err(|_| CommandError::UnexpectedAnswer)?;
        let written = path.clone();
        tokio::task::spawn_blocking(move || write_whole_file(&written, &bytes))
            .await
            .map_err(|_| CommandError::RecordNotSaved)?
            .map_err(|_| CommandError::RecordNotSaved)?;
        Ok(RecordExport::Saved {
            path: path.display().to_string(),
        })
    }
}

/// The page asked for, checked before anything is sent.
fn page_query(cursor: Option<String>, limit: Option<u32>) -> Result<PageQuery, CommandError> {
    if let Some(limit) = limit {
        if !(MIN_RECORD_PAGE..=MAX_RECORD_PAGE).contains(&limit) {
            return Err(CommandError::Invalid("A page holds between 1 and 100 entries."));
        }
    }
    if let Some(cursor) = &cursor {
        let fits =
            !cursor.is_empty() && cursor.len() <= MAX_CURSOR_CHARS && cursor.bytes().all(|b| b.is_ascii_graphic());
        if !fits {
            return Err(CommandError::Invalid(
                "This page cannot be loaded. Please open the section again.",
            ));
        }
    }
    Ok(PageQuery { limit, cursor })
}

/// A result's code (or its id, for a review) goes into the request's path: only letters,
/// digits, `-`, `.` and `_`, not starting with a dot (so never `..`). Anything else is no
/// result the service could have sent.
pub(super) fn check_result_key(code: &str) -> Result<(), CommandError> {
    let fits = !code.is_empty()
        && code.len() <= MAX_CODE_CHARS
        && !code.starts_with('.')
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
    if fits {
        Ok(())
    } else {
        Err(CommandError::Server {
            code: portal_api::ErrorCode::NotFound,
            message: "This result was not found.".into(),
        })
    }
}

/// Writes `bytes` to `path` whole: into a new file beside it, flushed to disk, then renamed
/// over `path` (the person already agreed, in the save dialog, to replace a file there).
fn write_whole_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("no file name"))?
        .to_string_lossy()
        .into_owned();
    for n in 0..100 {
        let partial = folder.join(format!(".{name}.{n}.part"));
        let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(&partial) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        let written = file
            .write_all(bytes)
            .and_then(|()| file.sync_all())
            .and_then(|()| std::fs::rename(&partial, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        return written;
    }
    Err(std::io::Error::other("no free temporary name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offered_name_is_the_days_date() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 4).expect("date");
        assert_eq!(default_export_name(day), "record-2026-03-04.json");
    }

    #[test]
    fn a_result_key_is_checked_before_it_goes_into_a_path() {
        for code in ["29463-7", "8302-2", "LP12345.6", "a_b"] {
            assert!(check_result_key(code).is_ok(), "{code}");
        }
        for code in ["", "..", "../x", "29463-7/../x", "a b", "x?y=1", "%2e%2e", ".hidden"] {
            assert_eq!(check_result_key(code).expect_err(code).code(), "not_found", "{code}");
        }
        assert!(check_result_key(&"1".repeat(MAX_CODE_CHARS + 1)).is_err());
    }

    #[test]
    fn pages_are_checked_before_anything_is_sent() {
        assert_eq!(page_query(None, None).expect("default"), PageQuery::default());
        assert!(page_query(None, Some(MAX_RECORD_PAGE)).is_ok());
        assert_eq!(page_query(None, Some(0)).expect_err("0").code(), "validation");
        assert!(page_query(None, Some(MAX_RECORD_PAGE + 1)).is_err());
        assert!(page_query(Some("eyJvIjoyNX0".into()), None).is_ok());
        assert!(page_query(Some(String::new()), None).is_err());
        assert!(page_query(Some("a b".into()), None).is_err());
    }

    #[test]
    fn a_record_is_written_whole_and_replaces_the_chosen_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("record-2026-03-04.json");
        std::fs::write(&path, b"old").expect("an older file");
        write_whole_file(&path, b"{\"resourceType\":\"Bundle\"}").expect("written");
        assert_eq!(std::fs::read(&path).expect("read"), b"{\"resourceType\":\"Bundle\"}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).expect("list").flatten().collect();
        assert_eq!(left.len(), 1, "no partial file left behind");
    }

    #[test]
    fn a_folder_that_cannot_be_written_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("missing-folder").join("record.json");
        assert!(write_whole_file(&path, b"{}").is_err());
        assert!(!path.exists());
    }

    #[tokio::test]
    async fn without_a_session_the_record_says_sign_in_and_no_dialog_opens() {
        use crate::core::{MemoryPreferences, StartupOverrides};
        let core = DesktopCore::new(
            Box::new(MemoryPreferences::default()),
            &StartupOverrides::default(),
            PathBuf::from("/"),
            None,
        );
        assert_eq!(
            core.record_summary(1).await.expect_err("no session").code(),
            "unauthenticated"
        );
        let asked = std::sync::atomic::AtomicBool::new(false);
        let error = core
            .export_record(1, |_| async {
                asked.store(true, std::sync::atomic::Ordering::SeqCst);
                None
            })
            .await
            .expect_err("no session");
        assert_eq!(error.code(), "unauthenticated");
        assert!(
            !asked.load(std::sync::atomic::Ordering::SeqCst),
            "no save dialog without a session"
        );
    }
}
