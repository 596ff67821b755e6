//! A patient's record: the summary, its sections, a result's trend, who looked at it, the
//! results preference, and the download (saved from Rust where the person chose in the
//! system's save dialog; the bundle never reaches the window).

use portal_api::{AccessLog, RecordPage, RecordSection, RecordSummary, ResultPreferences, ResultSeries};
use tauri::{Manager, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::core::records::RecordExport;
use crate::core::DesktopCore;
use crate::error::CommandError;

#[tauri::command]
pub async fn record_summary(core: State<'_, DesktopCore>, patient_id: i64) -> Result<RecordSummary, CommandError> {
    core.record_summary(patient_id).await
}

#[tauri::command]
pub async fn record_section(
    core: State<'_, DesktopCore>,
    patient_id: i64,
    section: RecordSection,
    cursor: Option<String>,
    limit: Option<u32>,
) -> Result<RecordPage, CommandError> {
    core.record_section(patient_id, section, cursor, limit).await
}

#[tauri::command]
pub async fn result_series(
    core: State<'_, DesktopCore>,
    patient_id: i64,
    code: String,
) -> Result<ResultSeries, CommandError> {
    core.result_series(patient_id, code).await
}

#[tauri::command]
pub async fn access_log(
    core: State<'_, DesktopCore>,
    patient_id: i64,
    cursor: Option<String>,
) -> Result<AccessLog, CommandError> {
    core.access_log(patient_id, cursor).await
}

#[tauri::command]
pub async fn result_preferences(core: State<'_, DesktopCore>) -> Result<ResultPreferences, CommandError> {
    core.result_preferences().await
}

#[tauri::command]
pub async fn set_result_preferences(
    core: State<'_, DesktopCore>,
    only_after_review: bool,
) -> Result<ResultPreferences, CommandError> {
    core.set_result_preferences(only_after_review).await
}

/// Asks where to save in the system's save dialog (the Documents folder first, the offered
/// name `record-YYYY-MM-DD.json`), then saves the record there.
#[tauri::command]
pub async fn export_record<R: Runtime>(
    app: tauri::AppHandle<R>,
    window: tauri::WebviewWindow<R>,
    core: State<'_, DesktopCore>,
    patient_id: i64,
) -> Result<RecordExport, CommandError> {
    let choose = |name: String| async move {
        let mut dialog = app
            .dialog()
            .file()
            .set_parent(&window)
            .set_title("Save your record")
            .set_file_name(name)
            .add_filter("Health record (FHIR JSON)", &["json"]);
        if let Ok(folder) = app.path().document_dir().or_else(|_| app.path().home_dir()) {
            dialog = dialog.set_directory(folder);
        }
        // The dialog waits for the person: off the async workers.
        let chosen = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
            .await
            .ok()
            .flatten()?;
        chosen.into_path().ok()
    };
    core.export_record(patient_id, choose).await
}
