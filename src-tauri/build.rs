//! Generates the app's permissions (`allow-<command>`) from its command list, so the window's
//! capability can allow exactly these commands and nothing else.

/// Every `#[tauri::command]` the app registers (keep in sync with `lib.rs`).
const COMMANDS: &[&str] = &[
    "get_settings",
    "save_settings",
    "practice_info",
    "sign_in",
    "current_session",
    "sign_out",
    "keep_alive",
    "get_policy",
    "accept_policy",
    "list_drafts",
    "load_draft",
    "save_draft",
    "discard_draft",
    "add_draft_attachment",
    "remove_draft_attachment",
    "list_threads",
    "get_thread",
    "mark_thread_read",
    "care_team",
    "assign_thread",
    "close_thread",
    "reopen_thread",
    "emergency_check",
    "get_attachment",
    "save_attachment",
    "send_draft",
    "list_staff",
    "set_staff_pools",
];

fn main() {
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        eprintln!("tauri-build failed: {error:#}");
        std::process::exit(1);
    }
}
