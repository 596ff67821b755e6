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
];

fn main() {
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        eprintln!("tauri-build failed: {error:#}");
        std::process::exit(1);
    }
}
